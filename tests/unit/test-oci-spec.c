/* config.json generation: golden files under tests/data/oci-spec/ (run with
 * UPDATE_GOLDEN=1 to rewrite them, then review the diff by eye), plus
 * checks of the parts that depend on the host (seccomp, rlimits). */
#include <errno.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/tap.h"
#include "base/err.h"
#include "base/io.h"
#include "base/json.h"
#include "base/strbuf.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "podengine/etc-files.h"
#include "podengine/host-devices.h"
#include "podengine/oci-spec.h"

#include "base/banned.h"

#define ID "4f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0"
#define BUNDLE "/var/lib/peapod/containers/" ID "/userdata"

static char root[] = "/tmp/test-oci-spec-XXXXXX";

static int fake_limits(int resource, struct rlimit *out)
{
	out->rlim_cur = 1024;
	out->rlim_max = resource == RLIMIT_NOFILE ? 20000 : RLIM_INFINITY;
	return 0;
}

static void spec_defaults(struct ctr_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->security.readonly_tmpfs = true;
	s->stop_timeout = -1;
}

static struct json_object *busybox_config(void)
{
	return json_tokener_parse("{\"Env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
				  "/usr/bin:/sbin:/bin\",\"LANG=C\"],\"Cmd\":[\"sh\"]}");
}

static void input_defaults(struct oci_spec_in *in, const struct ctr_spec *s,
			   struct json_object *cfg)
{
	memset(in, 0, sizeof(*in));
	in->id = ID;
	in->spec = s;
	in->image_config = cfg;
	in->rootfs = root;
	in->bundle = BUNDLE;
	in->last_cap = 40;
	in->rlimit_max = fake_limits;
}

static const char *data_dir(void)
{
	const char *d = getenv("PEA_TEST_DATA");

	return d ? d : "tests/data/oci-spec";
}

/* Replace the host-dependent parts; check them on the way. */
static void normalize(struct json_object *spec)
{
	struct json_object *r, *lx, *sc;

	if (json_object_object_get_ex(spec, "root", &r))
		json_object_object_add(r, "path", json_object_new_string("/ROOTFS"));
	if (json_object_object_get_ex(spec, "linux", &lx) &&
	    json_object_object_get_ex(lx, "seccomp", &sc)) {
		CHECK(json_object_object_get_ex(sc, "defaultAction", NULL));
		json_object_object_add(lx, "seccomp", json_object_new_string("<default profile>"));
	}
}

static void check_golden(const char *name, struct json_object *spec)
{
	char *path = xasprintf("%s/%s.json", data_dir(), name);
	struct strbuf want = STRBUF_INIT;
	struct strbuf got = STRBUF_INIT;

	normalize(spec);
	strbuf_addstr(&got, json_object_to_json_string_ext(spec, JSON_C_TO_STRING_PRETTY |
							   JSON_C_TO_STRING_SPACED |
							   JSON_C_TO_STRING_NOSLASHESCAPE));
	strbuf_addch(&got, '\n');
	if (getenv("UPDATE_GOLDEN")) {
		CHECK_INT(io_write_file_atomic(path, got.buf, got.len, 0644, NULL), 0);
	} else if (io_read_file(path, &want, NULL) < 0) {
		printf("#   missing golden file %s (UPDATE_GOLDEN=1 writes it)\n", path);
		CHECK(0);
	} else if (strcmp(want.buf, got.buf)) {
		size_t i = 0, line = 1;

		for (; want.buf[i] && want.buf[i] == got.buf[i]; i++)
			line += want.buf[i] == '\n';
		printf("#   %s differs from line %zu:\n#   got: %.80s\n#   want: %.80s\n", path,
		       line, got.buf + i, want.buf + i);
		CHECK(0);
	}
	strbuf_release(&want);
	strbuf_release(&got);
	free(path);
}

static struct json_object *build_ok(const struct oci_spec_in *in)
{
	struct pea_err *err = NULL;
	struct json_object *o = oci_spec_build(in, &err);

	if (!o) {
		char *t = pea_err_text(err);

		printf("#   oci_spec_build: %s\n", t);
		free(t);
		pea_err_free(err);
	}
	return o;
}

TEST(default_busybox_run)
{
	struct ctr_spec s;
	struct oci_spec_in in;
	struct json_object *cfg = busybox_config(), *o;

	spec_defaults(&s);
	input_defaults(&in, &s, cfg);
	o = build_ok(&in);
	CHECK(o != NULL);
	if (o)
		check_golden("default", o);
	json_object_put(o);
	json_object_put(cfg);
}

TEST(privileged)
{
	struct ctr_spec s;
	struct oci_spec_in in;
	struct json_object *cfg = busybox_config(), *o, *lx;
	char *cmd[] = { "top", NULL };

	spec_defaults(&s);
	s.security.privileged = true;
	s.cmd = cmd;
	s.tty = true;
	s.hostname = "priv";
	input_defaults(&in, &s, cfg);
	in.cgroup_v2 = true;
	in.dev_dir = root;     /* no device nodes: the golden file stays the same anywhere */
	o = build_ok(&in);
	CHECK(o != NULL);
	if (!o)
		return;
	json_object_object_get_ex(o, "linux", &lx);
	CHECK(!json_object_object_get_ex(lx, "seccomp", NULL));
	{
		/* the host's own nodes, as they are */
		struct json_object *devs = host_devices_json("/dev"), *d, *v;
		struct stat st;
		bool found = false;

		for (size_t i = 0; i < json_object_array_length(devs); i++) {
			d = json_object_array_get_idx(devs, i);
			json_object_object_get_ex(d, "path", &v);
			CHECK(strncmp(json_object_get_string(v), "/dev/pts/", 9) != 0);
			CHECK(strcmp(json_object_get_string(v), "/dev/null") != 0);
			if (!strcmp(json_object_get_string(v), "/dev/loop-control"))
				found = true;
		}
		CHECK(found == (stat("/dev/loop-control", &st) == 0 && S_ISCHR(st.st_mode)));
		json_object_put(devs);
	}
	CHECK(!json_object_object_get_ex(lx, "maskedPaths", NULL));
	check_golden("privileged", o);
	json_object_put(o);
	json_object_put(cfg);
}

TEST(readonly_and_mounts)
{
	struct ctr_spec s;
	struct oci_spec_in in;
	struct json_object *cfg = busybox_config(), *o;
	struct mount_spec m[4] = { 0 };
	char *tmpfs_opts[] = { "size=10m", "exec", NULL };
	char *bind_opts[] = { "rslave", NULL };
	const char *sources[] = { NULL, "/srv/data", "/var/lib/peapod/volumes/v1/_data",
				  "/srv/x/sub" };

	spec_defaults(&s);
	s.security.readonly_rootfs = true;
	s.init = true;
	m[0] = (struct mount_spec){ .kind = MOUNT_TMPFS, .destination = "/data/cache",
				    .options = tmpfs_opts };
	m[1] = (struct mount_spec){ .kind = MOUNT_BIND, .source = "/srv/data",
				    .destination = "/data", .readonly = true, .options = bind_opts };
	m[2] = (struct mount_spec){ .kind = MOUNT_VOLUME, .source = "v1", .destination = "/vol" };
	m[3] = (struct mount_spec){ .kind = MOUNT_BIND, .source = "/srv/x", .subpath = "sub",
				    .destination = "/tmp" };
	s.mounts = m;
	s.n_mounts = 4;
	input_defaults(&in, &s, cfg);
	in.mount_sources = sources;
	in.pause_path = "/usr/libexec/peapod/peapod-pause";
	o = build_ok(&in);
	CHECK(o != NULL);
	if (o)
		check_golden("readonly-mounts", o);
	json_object_put(o);
	json_object_put(cfg);
}

TEST(cap_add_drop)
{
	struct ctr_spec s;
	struct oci_spec_in in;
	struct json_object *cfg = busybox_config(), *o;
	char *add[] = { "net_admin", "CAP_SYS_ADMIN", NULL };
	char *drop[] = { "chown", "KILL", NULL };

	spec_defaults(&s);
	s.security.cap_add = add;
	s.security.cap_drop = drop;
	s.security.no_new_privileges = true;
	input_defaults(&in, &s, cfg);
	o = build_ok(&in);
	CHECK(o != NULL);
	if (o) {
		const char *txt = json_object_to_json_string(o);

		/* with CAP_SYS_ADMIN the profile allows mount */
		CHECK(strstr(txt, "\"mount\"") != NULL);
		check_golden("caps", o);
	}
	json_object_put(o);
	json_object_put(cfg);
}

TEST(user_by_name)
{
	struct ctr_spec s;
	struct oci_spec_in in;
	struct json_object *cfg = json_tokener_parse(
		"{\"Env\":[\"FOO=image\",\"PATH=/bin\"],\"Entrypoint\":[\"/entry\"],"
		"\"Cmd\":[\"ignored\"],\"User\":\"app\",\"WorkingDir\":\"srv\"}");
	struct json_object *o;
	char *env[] = { "FOO=user", "BAR=1", NULL };
	char *ep[] = { "/bin/app", "--flag", NULL };
	char *groups[] = { "staff", NULL };
	char *add[] = { "NET_BIND_SERVICE", NULL };

	spec_defaults(&s);
	s.env = env;
	s.entrypoint = ep;
	s.groups = groups;
	s.security.cap_add = add;
	input_defaults(&in, &s, cfg);
	in.netns_path = "/run/peapod/netns/pod1";
	in.utsns_path = "/proc/4242/ns/uts";
	in.ipcns_path = "/proc/4242/ns/ipc";
	o = build_ok(&in);
	CHECK(o != NULL);
	if (o)
		check_golden("user", o);
	json_object_put(o);
	json_object_put(cfg);
}

TEST(resources_and_rlimits)
{
	struct ctr_spec s;
	struct oci_spec_in in;
	struct json_object *cfg = busybox_config(), *o;
	struct rlimit_spec rl[2] = { { "RLIMIT_NOFILE", 4096, 50000 }, { "nproc", 100, 200 } };
	char *sysctls[] = { "net.ipv4.ip_unprivileged_port_start=0", NULL };
	char *ann[] = { "io.kubernetes.cri.container-type=container", "empty=", NULL };

	spec_defaults(&s);
	s.resources = (struct resources_spec){ .memory = 64 << 20, .memory_swap = -1,
					       .cpu_quota = 150000, .cpu_shares = 512,
					       .pids_limit = 100 };
	s.rlimits = rl;
	s.n_rlimits = 2;
	s.security.sysctls = sysctls;
	s.annotations = ann;
	s.security.seccomp_profile = "unconfined";
	s.cgroup_parent = "machine.slice";
	input_defaults(&in, &s, cfg);
	in.netns_path = "host";
	in.utsns_path = "host";
	o = build_ok(&in);
	CHECK(o != NULL);
	if (o) {
		struct json_object *p, *env;
		const char *e;
		char host[256];

		/* the host's hostname is host-dependent: check, then fix it */
		json_object_object_get_ex(o, "process", &p);
		json_object_object_get_ex(p, "env", &env);
		e = json_object_get_string(json_object_array_get_idx(env, 2));
		CHECK(gethostname(host, sizeof(host)) == 0 && !strncmp(e, "HOSTNAME=", 9) &&
		      !strcmp(e + 9, host));
		json_object_array_put_idx(env, 2, json_object_new_string("HOSTNAME=<host>"));
		check_golden("resources", o);
	}
	json_object_put(o);
	json_object_put(cfg);
}

/* Without the hook: what getrlimit() says, unless we may raise it. */
TEST(rlimits_clamped_to_this_process)
{
	struct ctr_spec s;
	struct oci_spec_in in;
	struct json_object *cfg = busybox_config(), *o, *p, *rls;
	struct rlimit cur;
	uint64_t want;

	spec_defaults(&s);
	input_defaults(&in, &s, cfg);
	in.rlimit_max = NULL;
	CHECK_INT(getrlimit(RLIMIT_NOFILE, &cur), 0);
	o = build_ok(&in);
	CHECK(o != NULL);
	if (!o)
		return;
	json_object_object_get_ex(o, "process", &p);
	json_object_object_get_ex(p, "rlimits", &rls);
	for (size_t i = 0; i < json_object_array_length(rls); i++) {
		struct json_object *r = json_object_array_get_idx(rls, i), *t, *h;

		json_object_object_get_ex(r, "type", &t);
		json_object_object_get_ex(r, "hard", &h);
		if (strcmp(json_object_get_string(t), "RLIMIT_NOFILE"))
			continue;
		want = cur.rlim_max < 1048576 ? cur.rlim_max : 1048576;
		/* with CAP_SYS_RESOURCE the hard limit may be raised (nr_open) */
		if ((uint64_t)json_object_get_uint64(h) != want)
			printf("# nofile hard %llu (getrlimit %llu): CAP_SYS_RESOURCE?\n",
			       (unsigned long long)json_object_get_uint64(h),
			       (unsigned long long)cur.rlim_max);
		CHECK((uint64_t)json_object_get_uint64(h) >= want);
		CHECK((uint64_t)json_object_get_uint64(h) <= 1048576);
	}
	json_object_put(o);
	json_object_put(cfg);
}

TEST(argv_rules)
{
	struct ctr_spec s;
	struct pea_err *err = NULL;
	struct json_object *cfg = json_tokener_parse("{\"Entrypoint\":[\"/ep\"],\"Cmd\":[\"a\",\"b\"]}");
	char *cmd[] = { "c", NULL };
	char *ep[] = { "/x", NULL };
	char *empty[] = { NULL };
	char **v;

	spec_defaults(&s);
	v = oci_resolve_argv(&s, cfg, &err);
	CHECK(v && strv_len(v) == 3 && !strcmp(v[0], "/ep") && !strcmp(v[2], "b"));
	strv_free(v);
	s.cmd = cmd;
	v = oci_resolve_argv(&s, cfg, &err);
	CHECK(v && strv_len(v) == 2 && !strcmp(v[0], "/ep") && !strcmp(v[1], "c"));
	strv_free(v);
	s.cmd = NULL;
	s.entrypoint = ep;          /* image Cmd ignored */
	v = oci_resolve_argv(&s, cfg, &err);
	CHECK(v && strv_len(v) == 1 && !strcmp(v[0], "/x"));
	strv_free(v);
	s.entrypoint = empty;       /* --entrypoint "" and no cmd */
	v = oci_resolve_argv(&s, cfg, &err);
	CHECK(v == NULL);
	CHECK(err && err->kind == PEA_E_INVALID);
	if (err)
		CHECK_STR(err->msg, "no command specified");
	pea_err_free(err);
	err = NULL;
	s.entrypoint = NULL;
	v = oci_resolve_argv(&s, NULL, &err);
	CHECK(v == NULL);
	pea_err_free(err);
	json_object_put(cfg);
}

TEST(build_errors)
{
	struct ctr_spec s;
	struct oci_spec_in in;
	struct pea_err *err = NULL;
	struct json_object *cfg = busybox_config();
	char *add[] = { "NOT_A_CAP", NULL };
	char *bad_sysctl[] = { "novalue", NULL };

	spec_defaults(&s);
	input_defaults(&in, &s, cfg);
	s.security.cap_add = add;
	CHECK(oci_spec_build(&in, &err) == NULL);
	if (err)
		CHECK_STR(err->msg, "unknown capability 'NOT_A_CAP'");
	pea_err_free(err);
	err = NULL;
	s.security.cap_add = NULL;
	s.user = "nobody";
	CHECK(oci_spec_build(&in, &err) == NULL);
	if (err)
		CHECK_STR(err->msg, "unable to find user nobody: no matching entries in passwd file");
	pea_err_free(err);
	err = NULL;
	s.user = NULL;
	s.security.sysctls = bad_sysctl;
	CHECK(oci_spec_build(&in, &err) == NULL);
	CHECK(err && err->kind == PEA_E_INVALID);
	pea_err_free(err);
	json_object_put(cfg);
}

TEST(pod_fields)
{
	struct ctr_spec s;
	struct oci_spec_in in;
	struct pea_err *err = NULL;
	struct json_object *cfg = busybox_config(), *o, *lx, *v;
	struct mount_spec m[2] = { 0 };
	char *shared[] = { "rshared", NULL };
	char *extra[] = { "POD_IP=10.88.0.5", "LANG=C.UTF-8", NULL };
	const char *sources[] = { "/var/lib/peapod/pods/P/volumes/cfg", "/host/dir" };
	bool ro[] = { true, false };
	const char *txt;

	spec_defaults(&s);
	m[0] = (struct mount_spec){ .kind = MOUNT_POD_VOLUME, .source = "cfg",
				    .destination = "/etc/cfg" };
	m[1] = (struct mount_spec){ .kind = MOUNT_BIND, .source = "/host/dir",
				    .destination = "/mnt", .options = shared };
	s.mounts = m;
	s.n_mounts = 2;
	input_defaults(&in, &s, cfg);
	in.mount_sources = sources;
	in.readonly_mounts = ro;
	in.env_extra = extra;
	o = build_ok(&in);
	CHECK(o != NULL);
	if (o) {
		txt = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						     JSON_C_TO_STRING_NOSLASHESCAPE);
		CHECK(strstr(txt, "\"POD_IP=10.88.0.5\"") != NULL);
		CHECK(strstr(txt, "\"LANG=C.UTF-8\"") != NULL && !strstr(txt, "\"LANG=C\""));
		CHECK(strstr(txt, "{\"destination\":\"/etc/cfg\",\"type\":\"bind\",\"source\":"
			      "\"/var/lib/peapod/pods/P/volumes/cfg\",\"options\":[\"rbind\","
			      "\"nosuid\",\"nodev\",\"ro\"]}") != NULL);
		CHECK(strstr(txt, "\"options\":[\"rbind\",\"rw\",\"rshared\"]") != NULL);
		CHECK(json_object_object_get_ex(o, "linux", &lx) &&
		      json_object_object_get_ex(lx, "rootfsPropagation", &v));
		CHECK_STR(json_object_get_string(v), "rshared");
	}
	json_object_put(o);
	/* an unresolved pod volume or subPath is an error, never a joined path */
	in.mount_sources = NULL;
	CHECK(oci_spec_build(&in, &err) == NULL);
	CHECK(err && err->kind == PEA_E_INVALID);
	pea_err_free(err);
	err = NULL;
	m[0] = (struct mount_spec){ .kind = MOUNT_BIND, .source = "/srv", .subpath = "../etc",
				    .destination = "/x" };
	CHECK(oci_spec_build(&in, &err) == NULL);
	CHECK(err && strstr(err->msg, "not resolved"));
	pea_err_free(err);
	err = NULL;
	/* runAsNonRoot with the image's root user */
	s.n_mounts = 0;
	s.run_as_non_root = true;
	CHECK(oci_spec_build(&in, &err) == NULL);
	CHECK(err && !strcmp(err->msg, "container has runAsNonRoot and image will run as root"));
	pea_err_free(err);
	err = NULL;
	s.user = "1000";
	o = build_ok(&in);
	CHECK(o != NULL);
	json_object_put(o);
	json_object_put(cfg);
}

TEST(write_config_json)
{
	struct ctr_spec s;
	struct oci_spec_in in;
	struct json_object *cfg = busybox_config(), *o, *back;
	char *path = path_join(root, "config.json");

	spec_defaults(&s);
	input_defaults(&in, &s, cfg);
	o = build_ok(&in);
	CHECK(o && oci_spec_write(root, o, NULL) == 0);
	back = json_object_from_file(path);
	CHECK(back && json_object_equal(back, o));
	json_object_put(back);
	json_object_put(o);
	json_object_put(cfg);
	unlink(path);
	free(path);
}

TEST(etc_hosts_and_resolv)
{
	struct etc_files_in in = { .bundle = root, .hostname = "web", .net = ETC_NET_PRIVATE };
	char *resolv = path_join(root, "host-resolv.conf");
	const char *host = "# generated\nsearch example.com corp\nnameserver 127.0.0.53\n"
			   "nameserver 10.0.0.2\nnameserver ::1\noptions edns0 trust-ad\n";
	char *add[] = { "db:10.88.0.5", "a;b:fd00::1", NULL };
	char *bad[] = { "nocolon", NULL };
	char *dns[] = { "192.0.2.1", NULL };
	char *search[] = { ".", NULL };
	struct pea_err *err = NULL;
	char *t;

	CHECK_INT(io_write_file_atomic(resolv, host, strlen(host), 0644, NULL), 0);
	in.host_resolv = resolv;
	in.add_hosts = add;
	t = etc_files_hosts(&in, &err);
	CHECK_STR(t, "127.0.0.1\tlocalhost localhost.localdomain\n::1\tlocalhost localhost.localdomain\n"
		     "10.88.0.5\tdb\nfd00::1\ta b\n127.0.1.1\tweb\n");
	free(t);
	in.ip = "10.88.0.9";
	in.add_hosts = bad;
	CHECK(etc_files_hosts(&in, &err) == NULL);
	CHECK(err && err->kind == PEA_E_INVALID);
	pea_err_free(err);
	err = NULL;
	in.add_hosts = NULL;
	t = etc_files_resolv(&in, &err);
	CHECK_STR(t, "search example.com corp\nnameserver 10.0.0.2\noptions edns0 trust-ad\n");
	free(t);
	{
		/* kube dnsConfig under ClusterFirst: added to the host's lines */
		char *ns2[] = { "10.0.0.2", "192.0.2.7", NULL };
		char *se2[] = { "corp", "svc.local", NULL };
		char *op2[] = { "ndots:2", "edns0", NULL };

		in.dns_merge = true;
		in.dns_servers = ns2;
		in.dns_search = se2;
		in.dns_options = op2;
		t = etc_files_resolv(&in, &err);
		CHECK_STR(t, "search example.com corp svc.local\nnameserver 10.0.0.2\n"
			     "nameserver 192.0.2.7\noptions trust-ad ndots:2 edns0\n");
		free(t);
		in.dns_merge = false;
		in.dns_servers = in.dns_search = in.dns_options = NULL;
	}
	in.net = ETC_NET_HOST;
	t = etc_files_resolv(&in, &err);
	CHECK_STR(t, host);
	free(t);
	in.net = ETC_NET_NONE;
	in.dns_servers = dns;
	in.dns_search = search;
	t = etc_files_resolv(&in, &err);
	CHECK_STR(t, "nameserver 192.0.2.1\noptions edns0 trust-ad\n");
	free(t);
	CHECK_INT(io_write_file_atomic(resolv, "nameserver 127.0.0.53\n", 22, 0644, NULL), 0);
	in.dns_servers = in.dns_search = NULL;
	t = etc_files_resolv(&in, &err);
	CHECK_STR(t, "");
	free(t);
	/* rootless pods: pasta's DNS forwarder stands in for loopback resolvers */
	in.net = ETC_NET_PRIVATE;
	in.dns_fallback = "169.254.1.1";
	t = etc_files_resolv(&in, &err);
	CHECK_STR(t, "nameserver 169.254.1.1\n");
	free(t);
	in.dns_servers = dns;
	t = etc_files_resolv(&in, &err);
	CHECK_STR(t, "nameserver 192.0.2.1\n");
	free(t);
	in.dns_servers = NULL;
	in.net = ETC_NET_HOST;
	t = etc_files_resolv(&in, &err);
	CHECK_STR(t, "nameserver 127.0.0.53\n");
	free(t);
	in.dns_fallback = NULL;
	in.net = ETC_NET_NONE;
	CHECK_INT(etc_files_write(&in, &err), 0);
	{
		struct strbuf sb = STRBUF_INIT;
		char *hn = path_join(root, "hostname");

		CHECK_INT(io_read_file(hn, &sb, NULL), 0);
		CHECK_STR(sb.buf, "web\n");
		strbuf_release(&sb);
		free(hn);
	}
	free(resolv);
}

int main(void)
{
	char *etc;
	const char *passwd = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n";
	const char *group = "root:x:0:\nstaff:x:50:\naudio:x:29:app\n";
	char *p;

	if (!mkdtemp(root))
		return 1;
	etc = path_join(root, "etc");
	mkdir(etc, 0755);
	p = path_join(etc, "passwd");
	io_write_file_atomic(p, passwd, strlen(passwd), 0644, NULL);
	free(p);
	p = path_join(etc, "group");
	io_write_file_atomic(p, group, strlen(group), 0644, NULL);
	free(p);
	free(etc);
	RUN(default_busybox_run);
	RUN(privileged);
	RUN(readonly_and_mounts);
	RUN(cap_add_drop);
	RUN(user_by_name);
	RUN(resources_and_rlimits);
	RUN(rlimits_clamped_to_this_process);
	RUN(argv_rules);
	RUN(build_errors);
	RUN(pod_fields);
	RUN(write_config_json);
	RUN(etc_hosts_and_resolv);
	io_rm_rf(root, NULL);
	return tap_done();
}
