/* kube generate (kube/generate.h): the YAML writer, and containers and
 * pods made without kube play (`peapod run`, `pod create`): specs in,
 * exact YAML out.  Pods of kube play: test-kube-generate-play.c. */
#include "tests/unit/kube-generate-test.h"

#include "base/banned.h"

/* ---- YAML out ---- */

static const char *const tricky[] = {
	"yes", "No", "ON", "off", "y", "N", "true", "False", "null", "~", "", "<<", "=",
	"8080", "0644", "1.5", ".5", "1e3", "0x1F", "0o17", "0b101", "1_000", "1:20",
	"2001-12-14", "-1", "+1", ".inf", "-.Inf", ".NaN",
	" lead", "trail ", "a: b", "a #b", "#x", "-", "- x", "--x", "---", "?x", ":x",
	"@x", "`x", "%x", "!x", "&x", "*x", "|x", ">x", "'x", "\"x", "[x", "{x", ",x",
	"tab\tx", "ctl\x01", "del\x7f", "nel\xc2\x85", "ls\xe2\x80\xa8",
	"back\\slash \"q\"", "two\n\n", " lead\nline", "trail \nline", "\nfirst",
	"multi\nline\n", "multi\nline", "blank\n\nline\n", "ta\tb\nc\n",
	"10.0.0.1", "500m", "64Mi", "1.2.3", "-c", "plain text", "$(VAR)", "a:b",
	"x#y", "caf\xc3\xa9", "http://x/y?z", "1Gi", "12abc",
};

/* Each string written as a value and as a key reads back as that string. */
TEST(yaml_strings_read_back)
{
	struct kgen_node *doc = kgen_map(), *seq = kgen_seq(), *keys = kgen_map();
	struct strbuf sb = STRBUF_INIT;
	struct kyaml_doc *docs = NULL;
	struct pea_err *err = NULL;
	size_t n = 0, i, nt = sizeof(tricky) / sizeof(tricky[0]);
	const struct kyaml_node *v, *k;

	for (i = 0; i < nt; i++) {
		kgen_push(seq, kgen_str(tricky[i]));
		kgen_put(keys, tricky[i], kgen_int((int64_t)i));
	}
	kgen_put(doc, "values", seq);
	kgen_put(doc, "keys", keys);
	kgen_yaml(&sb, doc);
	if (kyaml_parse("out.yaml", sb.buf, sb.len, &docs, &n, &err) < 0) {
		printf("#   %s\n%s", err->msg, sb.buf);
		pea_err_free(err);
		tap_cur_failed = 1;
	} else {
		v = kyaml_get(docs[0].root, "values");
		k = kyaml_get(docs[0].root, "keys");
		CHECK_INT(v->nitems, nt);
		CHECK_INT(k->npairs, nt);
		for (i = 0; i < nt && i < v->nitems && i < k->npairs; i++) {
			const char *want = tricky[i];
			bool ok = v->items[i]->type == KYAML_STR && v->items[i]->len == strlen(want) &&
				  !memcmp(v->items[i]->text, want, strlen(want));
			bool kok = k->pairs[i].key->len == strlen(want) &&
				   !memcmp(k->pairs[i].key->text, want, strlen(want));

			if (!ok || !kok)
				printf("#   string %zu read back wrong (value %d, key %d)\n", i, ok,
				       kok);
			CHECK(ok && kok);
		}
		kyaml_docs_free(docs, n);
	}
	strbuf_release(&sb);
	kgen_free(doc);
}

TEST(yaml_layout)
{
	struct kgen_node *doc = kgen_map(), *m = kgen_map(), *s = kgen_seq(), *inner = kgen_map();
	struct strbuf sb = STRBUF_INIT;

	kgen_put_str(inner, "name", "a");
	kgen_put(inner, "list", kgen_strv((char *[]){ "x", "y", NULL }));
	kgen_push(s, inner);
	kgen_push(s, kgen_str("multi\nline\n"));
	kgen_push(s, kgen_map());
	kgen_push(s, kgen_strv((char *[]){ "p", "q", NULL }));
	kgen_put(m, "items", s);
	kgen_put(m, "empty", kgen_seq());
	kgen_put(m, "n", kgen_int(-3));         /* "n" is false in YAML 1.1 */
	kgen_put(m, "t", kgen_bool(true));
	kgen_put_str(m, "text", "keep\nthis");
	kgen_put(doc, "top", m);
	kgen_yaml(&sb, doc);
	CHECK_STR(sb.buf,
		  "top:\n"
		  "  items:\n"
		  "  - name: a\n"
		  "    list:\n"
		  "    - x\n"
		  "    - \"y\"\n"
		  "  - |\n"
		  "    multi\n"
		  "    line\n"
		  "  - {}\n"
		  "  - - p\n"
		  "    - q\n"
		  "  empty: []\n"
		  "  \"n\": -3\n"
		  "  t: true\n"
		  "  text: |-\n"
		  "    keep\n"
		  "    this\n");
	CHECK(kgen_plain_ok("10.9.8.7"));
	CHECK(kgen_plain_ok("500m"));
	CHECK(kgen_plain_ok("-c"));
	CHECK(!kgen_plain_ok("0777"));
	CHECK(!kgen_plain_ok("Off"));
	CHECK(!kgen_plain_ok("2024-01-02"));
	strbuf_release(&sb);
	kgen_free(doc);
}

/* ---- containers of peapod run ---- */

TEST(run_container_golden)
{
	struct ctr_info c = mk("web", "localhost/busybox:1", busybox_cfg);

	c.spec.cmd = xcalloc(3, sizeof(char *));
	c.spec.cmd[0] = xstrdup("httpd");
	c.spec.cmd[1] = xstrdup("-f");
	push(&c.spec.env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	push(&c.spec.env, "MODE=yes");
	push(&c.spec.env, "REF=$(HOME)");
	c.spec.workdir = xstrdup("/www");
	c.spec.resources.cpu_quota = 50000;
	c.spec.resources.cpu_period = 100000;
	c.spec.resources.memory = 64 << 20;
	c.spec.resources.cpu_shares = 512;
	c.spec.user = xstrdup("1000:1000");
	push(&c.spec.security.cap_add, "net_admin");
	push(&c.spec.security.cap_drop, "CAP_KILL");
	c.spec.security.readonly_rootfs = true;
	c.spec.security.no_new_privileges = true;
	c.spec.restart = RESTART_ALWAYS;
	c.spec.stop_timeout = 30;
	c.spec.tty = true;
	c.spec.stdin_open = true;
	add_mount(&c.spec, MOUNT_BIND, "/srv/data", "/data", "ro");
	add_mount(&c.spec, MOUNT_VOLUME, "db", "/var/lib/db", NULL);
	add_mount(&c.spec, MOUNT_TMPFS, NULL, "/run/cache", "size=64m");
	add_mount(&c.spec, MOUNT_BIND, "/srv/data", "/data2", NULL);
	push(&c.spec.annotations, "team=web");
	CHECK_GEN(gen_alone(&c, 1, NULL),
		  "apiVersion: v1\n"
		  "kind: PersistentVolumeClaim\n"
		  "metadata:\n"
		  "  name: db\n"
		  "  labels:\n"
		  "    tier: data\n"
		  "spec:\n"
		  "  accessModes:\n"
		  "  - ReadWriteOnce\n"
		  "  resources:\n"
		  "    requests:\n"
		  "      storage: 1Gi\n"
		  "---\n"
		  "apiVersion: v1\n"
		  "kind: Pod\n"
		  "metadata:\n"
		  "  name: web-pod\n"
		  "  labels:\n"
		  "    app: web-pod\n"
		  "  annotations:\n"
		  "    team: web\n"
		  "spec:\n"
		  "  restartPolicy: Always\n"
		  "  containers:\n"
		  "  - name: web\n"
		  "    image: localhost/busybox:1\n"
		  "    args:\n"
		  "    - httpd\n"
		  "    - -f\n"
		  "    workingDir: /www\n"
		  "    env:\n"
		  "    - name: MODE\n"
		  "      value: \"yes\"\n"
		  "    - name: REF\n"
		  "      value: $$(HOME)\n"
		  "    resources:\n"
		  "      limits:\n"
		  "        cpu: 500m\n"
		  "        memory: 64Mi\n"
		  "      requests:\n"
		  "        cpu: 500m\n"
		  "    securityContext:\n"
		  "      runAsUser: 1000\n"
		  "      runAsGroup: 1000\n"
		  "      readOnlyRootFilesystem: true\n"
		  "      allowPrivilegeEscalation: false\n"
		  "      capabilities:\n"
		  "        add:\n"
		  "        - NET_ADMIN\n"
		  "        drop:\n"
		  "        - KILL\n"
		  "    volumeMounts:\n"
		  "    - name: srv-data-host\n"
		  "      mountPath: /data\n"
		  "      readOnly: true\n"
		  "    - name: db-pvc\n"
		  "      mountPath: /var/lib/db\n"
		  "    - name: run-cache-tmpfs\n"
		  "      mountPath: /run/cache\n"
		  "    - name: srv-data-host\n"
		  "      mountPath: /data2\n"
		  "    stdin: true\n"
		  "    tty: true\n"
		  "  volumes:\n"
		  "  - name: srv-data-host\n"
		  "    hostPath:\n"
		  "      path: /srv/data\n"
		  "      type: Directory\n"
		  "  - name: db-pvc\n"
		  "    persistentVolumeClaim:\n"
		  "      claimName: db\n"
		  "  - name: run-cache-tmpfs\n"
		  "    emptyDir:\n"
		  "      medium: Memory\n"
		  "      sizeLimit: 64Mi\n");
	CHECK_INT(strv_len(notes), 0);
	release(&c, 1);
}

/* command = ENTRYPOINT, args = CMD, command alone clears CMD: what is
 * written is what gives the same argv. */
TEST(command_args_against_image)
{
	static const struct {
		const char *ep[3], *cmd[3];
		bool ep_set, cmd_set;
		const char *want;
	} cases[] = {
		{ { NULL }, { NULL }, false, false, "" },
		{ { NULL }, { "a", "$(X)" }, false, true, "    args:\n    - a\n    - $$(X)\n" },
		{ { NULL }, { "img-cmd" }, false, true, "" },
		{ { "/bin/echo", "ep" }, { NULL }, true, true,
		  "    command:\n    - /bin/echo\n    - ep\n" },
		{ { "/bin/echo", "ep" }, { "img-cmd" }, true, true, "" },
		{ { "sh" }, { NULL }, true, true, "    command:\n    - sh\n" },
		{ { "sh" }, { "-c", "x" }, true, true,
		  "    command:\n    - sh\n    args:\n    - -c\n    - x\n" },
		{ { "sh" }, { NULL }, true, false,
		  "    command:\n    - sh\n    args:\n    - img-cmd\n" },
		{ { NULL }, { "ls", "/" }, true, true, "    command:\n    - ls\n    - /\n" },
	};
	size_t i, j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctr_info c = mk("c", "localhost/kentry:1", entry_cfg);
		char *want = xasprintf("apiVersion: v1\nkind: Pod\nmetadata:\n  name: c-pod\n"
				       "  labels:\n    app: c-pod\nspec:\n  restartPolicy: Never\n"
				       "  terminationGracePeriodSeconds: 10\n  containers:\n"
				       "  - name: c\n    image: localhost/kentry:1\n%s",
				       cases[i].want);

		if (cases[i].ep_set) {
			c.spec.entrypoint = xcalloc(3, sizeof(char *));
			for (j = 0; cases[i].ep[j]; j++)
				c.spec.entrypoint[j] = xstrdup(cases[i].ep[j]);
		}
		if (cases[i].cmd_set) {
			c.spec.cmd = xcalloc(3, sizeof(char *));
			for (j = 0; cases[i].cmd[j]; j++)
				c.spec.cmd[j] = xstrdup(cases[i].cmd[j]);
		}
		printf("#   case %zu\n", i);
		CHECK_GEN(gen_alone(&c, 1, NULL), want);
		free(want);
		release(&c, 1);
	}
}

TEST(env_workdir_user_against_image)
{
	struct ctr_info c = mk("c", "localhost/kentry:1", entry_cfg);

	push(&c.spec.env, "PATH=/bin");
	push(&c.spec.env, "IMG_VAR=from-image");
	push(&c.spec.env, "IMG_VAR2=x");
	push(&c.spec.env, "NOVALUE");
	c.spec.workdir = xstrdup("/srv");
	c.spec.user = xstrdup("1000");
	c.spec.stop_timeout = 30;
	CHECK_GEN(gen_alone(&c, 1, NULL),
		  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: c-pod\n  labels:\n"
		  "    app: c-pod\nspec:\n  restartPolicy: Never\n  containers:\n"
		  "  - name: c\n    image: localhost/kentry:1\n    env:\n"
		  "    - name: IMG_VAR2\n      value: x\n");
	free(c.spec.user);
	c.spec.user = xstrdup("nobody");
	free(c.spec.workdir);
	c.spec.workdir = xstrdup("/");
	json_object_put(c.image_config);
	c.image_config = json_tokener_parse(busybox_cfg);
	free(c.spec.image);
	c.spec.image = xstrdup("localhost/busybox:1");
	strv_free(c.spec.env);
	c.spec.env = NULL;
	push(&c.spec.env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	CHECK_GEN(gen_alone(&c, 1, NULL),
		  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: c-pod\n  labels:\n"
		  "    app: c-pod\nspec:\n  restartPolicy: Never\n  containers:\n"
		  "  - name: c\n    image: localhost/busybox:1\n");
	CHECK(has_note("container \"c\": user \"nobody\" is not numeric; runAsUser left out"));
	release(&c, 1);
}

TEST(resources_quantities)
{
	char *q;

	CHECK_STR((q = kgen_cpu_quantity(500)), "500m");
	free(q);
	CHECK_STR((q = kgen_cpu_quantity(2000)), "2");
	free(q);
	CHECK_STR((q = kgen_mem_quantity(64LL << 20)), "64Mi");
	free(q);
	CHECK_STR((q = kgen_mem_quantity(3LL << 30)), "3Gi");
	free(q);
	CHECK_STR((q = kgen_mem_quantity(1536 << 10)), "1536Ki");
	free(q);
	CHECK_STR((q = kgen_mem_quantity(1000)), "1000");
	free(q);

	struct ctr_info c = mk("c", "localhost/busybox:1", busybox_cfg);

	c.spec.resources.cpu_quota = 150000;   /* default period */
	c.spec.resources.memory = 1000;
	c.spec.stop_timeout = 30;
	CHECK_GEN(gen_alone(&c, 1, NULL),
		  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: c-pod\n  labels:\n"
		  "    app: c-pod\nspec:\n  restartPolicy: Never\n  containers:\n"
		  "  - name: c\n    image: localhost/busybox:1\n    resources:\n      limits:\n"
		  "        cpu: 1500m\n        memory: \"1000\"\n");
	release(&c, 1);
}

TEST(security_context)
{
	struct ctr_info c[4] = {
		mk("all", "localhost/busybox:1", busybox_cfg),
		mk("priv", "localhost/busybox:1", busybox_cfg),
		mk("prof", "localhost/busybox:1", busybox_cfg),
		mk("other", "localhost/busybox:1", busybox_cfg),
	};
	struct kube_gen_opts o = pod_opts;
	size_t i;

	push(&c[0].spec.security.cap_drop, "all");
	push(&c[0].spec.security.cap_add, "CHOWN");
	push(&c[0].spec.security.cap_add, "NET_RAW");
	push(&c[0].spec.security.cap_add, "SETUID");   /* added and dropped: dropped */
	push(&c[0].spec.security.cap_drop, "SETUID");
	c[0].spec.security.unmasked_proc = true;
	c[0].spec.run_as_non_root = true;
	c[1].spec.security.privileged = true;
	push(&c[1].spec.security.cap_add, "SYS_ADMIN");
	push(&c[1].spec.security.sysctls, "net.ipv4.ip_forward=1");
	c[2].spec.security.seccomp_profile = xstrdup("/etc/kubelet-seccomp/profiles/a.json");
	push(&c[2].spec.security.cap_add, "CHOWN");    /* a default: nothing to say */
	push(&c[2].spec.security.cap_drop, "MKNOD");   /* not a default: nothing to say */
	c[3].spec.security.seccomp_profile = xstrdup("/tmp/p.json");
	for (i = 0; i < 4; i++)
		c[i].spec.stop_timeout = 30;
	o.seccomp_root = "/etc/kubelet-seccomp/";
	CHECK_GEN(gen_alone(c, 4, &o),
		  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: all-pod\n  labels:\n"
		  "    app: all-pod\nspec:\n  restartPolicy: Never\n"
		  "  securityContext:\n    sysctls:\n    - name: net.ipv4.ip_forward\n"
		  "      value: \"1\"\n"
		  "  containers:\n"
		  "  - name: all\n    image: localhost/busybox:1\n    securityContext:\n"
		  "      runAsNonRoot: true\n      capabilities:\n        add:\n        - CHOWN\n"
		  "        - NET_RAW\n        drop:\n        - ALL\n      procMount: Unmasked\n"
		  "  - name: priv\n    image: localhost/busybox:1\n    securityContext:\n"
		  "      privileged: true\n"
		  "  - name: prof\n    image: localhost/busybox:1\n    securityContext:\n"
		  "      seccompProfile:\n        type: Localhost\n"
		  "        localhostProfile: profiles/a.json\n"
		  "  - name: other\n    image: localhost/busybox:1\n");
	CHECK(has_note("container \"other\": seccomp profile \"/tmp/p.json\" is not under "
		       "/etc/kubelet-seccomp/; left out"));
	free(c[3].spec.security.seccomp_profile);
	c[3].spec.security.seccomp_profile = xstrdup("unconfined");
	CHECK_GEN(gen_alone(&c[3], 1, &o),
		  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: other-pod\n  labels:\n"
		  "    app: other-pod\nspec:\n  restartPolicy: Never\n  containers:\n"
		  "  - name: other\n    image: localhost/busybox:1\n    securityContext:\n"
		  "      seccompProfile:\n        type: Unconfined\n");
	release(c, 4);
}

TEST(names_made_valid)
{
	struct ctr_info c[3] = {
		mk("My_App", "localhost/busybox:1", busybox_cfg),
		mk("my.app", "localhost/busybox:1", busybox_cfg),
		mk("__", "localhost/busybox:1", busybox_cfg),
	};
	char *n;

	c[0].spec.stop_timeout = c[1].spec.stop_timeout = c[2].spec.stop_timeout = 30;
	CHECK_GEN(gen_alone(c, 3, NULL),
		  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: my-app-pod\n  labels:\n"
		  "    app: my-app-pod\nspec:\n  restartPolicy: Never\n  containers:\n"
		  "  - name: my-app\n    image: localhost/busybox:1\n"
		  "  - name: my-app-2\n    image: localhost/busybox:1\n"
		  "  - name: container\n    image: localhost/busybox:1\n");
	CHECK(has_note("container name \"My_App\" changed to \"my-app\""));
	CHECK(has_note("container name \"my.app\" changed to \"my-app\""));
	CHECK(has_note("container name \"__\" changed to \"container\""));
	CHECK_STR((n = kgen_name_quiet("Web.V1", true, "x")), "web.v1");
	free(n);
	CHECK_STR((n = kgen_name_quiet("-a--B-", false, "x")), "a--b");
	free(n);
	CHECK_STR((n = kgen_name_quiet("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-b",
				       false, "x")),
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	free(n);
	CHECK_STR((n = kgen_escape_expand("$(A) $$ $x $")), "$$(A) $$$ $x $");
	free(n);
	release(c, 3);
}

/* A pod of `pod create`: its own fields, its published ports on the
 * container that has the port, or the first one. */
static void mk_pod(struct pod_info *pi, const char *name)
{
	memset(pi, 0, sizeof(*pi));
	pod_spec_init(&pi->spec);
	pi->id = xstrdup("5a5a5a5a5a5a");
	pi->infra_id = xstrdup("6b6b6b6b");
	pi->name = xstrdup(name);
	pi->spec.name = xstrdup(name);
}

static void add_port(struct pod_spec *s, int host, int ctr, const char *proto, const char *ip,
		     int range)
{
	struct net_port *p;

	s->ports = xrealloc(s->ports, (s->n_ports + 1) * sizeof(*s->ports));
	p = &s->ports[s->n_ports++];
	memset(p, 0, sizeof(*p));
	p->host_port = (uint16_t)host;
	p->container_port = (uint16_t)ctr;
	p->range = (uint16_t)range;
	snprintf(p->proto, sizeof(p->proto), "%s", proto);
	snprintf(p->host_ip, sizeof(p->host_ip), "%s", ip);
}

TEST(pod_create_pod)
{
	struct pod_info pi;
	struct ctr_info c[3] = {
		mk("infra", NULL, NULL),
		mk("shop-web", "localhost/busybox:1", busybox_cfg),
		mk("shop-Side", "localhost/busybox:1", busybox_cfg),
	};
	struct kube_gen_pod p = { &pi, c, 3 };
	struct kube_gen_opts o = pod_opts;

	mk_pod(&pi, "shop");
	c[0].infra = true;
	pi.spec.hostname = xstrdup("shop-host");
	pi.spec.share_pid = true;
	push(&pi.spec.add_hosts, "db.local:10.1.1.1");
	push(&pi.spec.add_hosts, "cache.local:10.1.1.1");
	push(&pi.spec.add_hosts, "v6.local:fd00::1");
	push(&pi.spec.dns_servers, "10.0.0.53");
	push(&pi.spec.dns_search, "example.test");
	push(&pi.spec.dns_options, "ndots:2");
	push(&pi.spec.labels, "tier=front");
	push(&pi.spec.annotations, "note=line one\nline two\n");
	push(&pi.spec.annotations, "io.peapod.internal=x");
	add_port(&pi.spec, 8080, 80, "tcp", "", 1);
	add_port(&pi.spec, 30053, 53, "udp", "127.0.0.1", 1);
	add_port(&pi.spec, 9000, 9000, "tcp", "", 2);
	c[1].spec.restart = RESTART_ON_FAILURE;
	c[1].spec.stop_timeout = 5;
	c[2].spec.stop_timeout = 2;
	CHECK_GEN(gen(&p, 1, NULL, &o),
		  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: shop\n  labels:\n"
		  "    app: shop\n    tier: front\n  annotations:\n    note: |\n"
		  "      line one\n      line two\n"
		  "spec:\n  restartPolicy: OnFailure\n  terminationGracePeriodSeconds: 5\n"
		  "  shareProcessNamespace: true\n  hostname: shop-host\n  hostAliases:\n"
		  "  - ip: 10.1.1.1\n    hostnames:\n    - db.local\n    - cache.local\n"
		  "  - ip: fd00::1\n    hostnames:\n    - v6.local\n"
		  "  dnsPolicy: None\n  dnsConfig:\n    nameservers:\n    - 10.0.0.53\n"
		  "    searches:\n    - example.test\n    options:\n    - name: ndots\n"
		  "      value: \"2\"\n"
		  "  containers:\n  - name: web\n    image: localhost/busybox:1\n    ports:\n"
		  "    - containerPort: 80\n      hostPort: 8080\n      protocol: TCP\n"
		  "    - containerPort: 53\n      hostPort: 30053\n      hostIP: 127.0.0.1\n"
		  "      protocol: UDP\n"
		  "    - containerPort: 9000\n      hostPort: 9000\n      protocol: TCP\n"
		  "    - containerPort: 9001\n      hostPort: 9001\n      protocol: TCP\n"
		  "  - name: side\n    image: localhost/busybox:1\n");
	CHECK(has_note("container name \"Side\" changed to \"side\""));
	/* with a Service: the ports move there; nodePort only in its range */
	o.service = true;
	CHECK_GEN(gen(&p, 1, NULL, &o),
		  "apiVersion: v1\nkind: Service\nmetadata:\n  name: shop\n  labels:\n"
		  "    app: shop\n    tier: front\nspec:\n  type: NodePort\n  selector:\n"
		  "    app: shop\n  ports:\n"
		  "  - name: \"80\"\n    protocol: TCP\n    port: 80\n    targetPort: 80\n"
		  "  - name: 53-udp\n    protocol: UDP\n    port: 53\n    targetPort: 53\n"
		  "    nodePort: 30053\n"
		  "  - name: \"9000\"\n    protocol: TCP\n    port: 9000\n    targetPort: 9000\n"
		  "  - name: \"9001\"\n    protocol: TCP\n    port: 9001\n    targetPort: 9001\n"
		  "---\n"
		  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: shop\n  labels:\n"
		  "    app: shop\n    tier: front\n  annotations:\n    note: |\n"
		  "      line one\n      line two\n"
		  "spec:\n  restartPolicy: OnFailure\n  terminationGracePeriodSeconds: 5\n"
		  "  shareProcessNamespace: true\n  hostname: shop-host\n  hostAliases:\n"
		  "  - ip: 10.1.1.1\n    hostnames:\n    - db.local\n    - cache.local\n"
		  "  - ip: fd00::1\n    hostnames:\n    - v6.local\n"
		  "  dnsPolicy: None\n  dnsConfig:\n    nameservers:\n    - 10.0.0.53\n"
		  "    searches:\n    - example.test\n    options:\n    - name: ndots\n"
		  "      value: \"2\"\n"
		  "  containers:\n  - name: web\n    image: localhost/busybox:1\n    ports:\n"
		  "    - containerPort: 80\n      protocol: TCP\n"
		  "    - containerPort: 53\n      protocol: UDP\n"
		  "    - containerPort: 9000\n      protocol: TCP\n"
		  "    - containerPort: 9001\n      protocol: TCP\n"
		  "  - name: side\n    image: localhost/busybox:1\n");
	release(c, 3);
	pod_info_release(&pi);
}

TEST(infra_only_pod_is_an_error)
{
	struct pod_info pi;
	struct ctr_info c = mk("infra", NULL, NULL);
	struct kube_gen_pod p = { &pi, &c, 1 };

	mk_pod(&pi, "empty");
	c.infra = true;
	CHECK(gen(&p, 1, NULL, NULL) == NULL);
	CHECK_STR(errmsg, "pod 5a5a5a5a5a5a only has an infra container");
	release(&c, 1);
	/* without infra nothing is shared: generated, with a note */
	c = mk("empty-app", "localhost/busybox:1", busybox_cfg);
	c.spec.stop_timeout = 30;
	pi.spec.infra = false;
	CHECK_GEN(gen(&p, 1, NULL, NULL),
		  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: empty\n  labels:\n"
		  "    app: empty\nspec:\n  restartPolicy: Never\n  containers:\n"
		  "  - name: app\n    image: localhost/busybox:1\n");
	CHECK(has_note("pod \"empty\" does not share the network, IPC and UTS namespaces "
		       "among its containers; a Kubernetes pod does"));
	release(&c, 1);
	pod_info_release(&pi);
}

TEST(volume_claims_from_names)
{
	char *vols[] = { "db", "My_Vol", NULL };

	CHECK_GEN(gen(NULL, 0, vols, NULL),
		  "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: db\n"
		  "  labels:\n    tier: data\nspec:\n  accessModes:\n  - ReadWriteOnce\n"
		  "  resources:\n    requests:\n      storage: 1Gi\n---\n"
		  "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: my-vol\n"
		  "spec:\n  accessModes:\n  - ReadWriteOnce\n"
		  "  resources:\n    requests:\n      storage: 1Gi\n");
	CHECK(has_note("volume name \"My_Vol\" changed to \"my-vol\""));
}

/* Containers outside a pod: what they share with the host, their hosts
 * and DNS settings together; the hostname that is their id is not one. */
TEST(grouped_containers_share)
{
	struct ctr_info c[2] = {
		mk("a", "localhost/busybox:1", busybox_cfg),
		mk("b", "localhost/busybox:1", busybox_cfg),
	};
	size_t i;

	for (i = 0; i < 2; i++) {
		c[i].spec.ns.net = xstrdup("host");
		c[i].spec.stop_timeout = 30;
	}
	c[0].spec.hostname = xstrdup("ab0123456789");     /* the id's start */
	c[1].spec.hostname = xstrdup("bee");
	c[1].spec.ns.pid = xstrdup("host");
	c[0].spec.ns.ipc = xstrdup("host");
	push(&c[0].spec.add_hosts, "x.test:192.0.2.1");
	push(&c[1].spec.dns_servers, "192.0.2.53");
	push(&c[1].spec.dns_options, "edns0");
	CHECK_GEN(gen_alone(c, 2, NULL),
		  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a-pod\n  labels:\n"
		  "    app: a-pod\nspec:\n  restartPolicy: Never\n  hostNetwork: true\n"
		  "  hostPID: true\n  hostIPC: true\n  hostname: bee\n  hostAliases:\n"
		  "  - ip: 192.0.2.1\n    hostnames:\n    - x.test\n  dnsPolicy: None\n"
		  "  dnsConfig:\n    nameservers:\n    - 192.0.2.53\n    options:\n"
		  "    - name: edns0\n  containers:\n  - name: a\n    image: localhost/busybox:1\n"
		  "  - name: b\n    image: localhost/busybox:1\n");
	free(c[1].spec.ns.net);
	c[1].spec.ns.net = NULL;     /* not all on the host's network: no hostNetwork */
	c[0].spec.ns.ipc[0] = '\0';
	CHECK_GEN(gen_alone(c, 2, NULL),
		  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a-pod\n  labels:\n"
		  "    app: a-pod\nspec:\n  restartPolicy: Never\n"
		  "  hostPID: true\n  hostname: bee\n  hostAliases:\n"
		  "  - ip: 192.0.2.1\n    hostnames:\n    - x.test\n  dnsPolicy: None\n"
		  "  dnsConfig:\n    nameservers:\n    - 192.0.2.53\n    options:\n"
		  "    - name: edns0\n  containers:\n  - name: a\n    image: localhost/busybox:1\n"
		  "  - name: b\n    image: localhost/busybox:1\n");
	release(c, 2);
}

int main(void)
{
	RUN(yaml_strings_read_back);
	RUN(yaml_layout);
	RUN(run_container_golden);
	RUN(command_args_against_image);
	RUN(env_workdir_user_against_image);
	RUN(resources_quantities);
	RUN(security_context);
	RUN(names_made_valid);
	RUN(pod_create_pod);
	RUN(infra_only_pod_is_an_error);
	RUN(volume_claims_from_names);
	RUN(grouped_containers_share);
	reset();
	return tap_done();
}
