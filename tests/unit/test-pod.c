/* Unit tests of podengine/pod*.c and infra.c: the spec's JSON round trip,
 * --share, records (create, lookup, names, remove, prune), the infra
 * container's record and spec, status words and the JSON shapes, and the
 * pod's /etc files, all without running anything. */
#include "tests/unit/tap.h"

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/io.h"
#include "base/json.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "podengine/container.h"
#include "podengine/pod.h"
#include "podengine/pod-volume.h"
#include "podengine/storage.h"
#include "podengine/spec.h"
#include "podengine/state.h"

#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/banned.h"

static struct pea_ctx ctx;
static char tmpdir[] = "/tmp/test-pod-XXXXXX";

static void fill_spec(struct pod_spec *s)
{
	pod_spec_init(s);
	s->name = xstrdup("web");
	s->hostname = xstrdup("webhost");
	strv_push(&s->labels, "app=web");
	strv_push(&s->annotations, "a=b");
	s->share_pid = true;
	s->share_uts = false;
	s->ports = xcalloc(1, sizeof(*s->ports));
	s->ports[0].host_port = 8080;
	s->ports[0].container_port = 80;
	s->ports[0].range = 1;
	snprintf(s->ports[0].proto, sizeof(s->ports[0].proto), "udp");
	snprintf(s->ports[0].host_ip, sizeof(s->ports[0].host_ip), "127.0.0.1");
	s->n_ports = 1;
	strv_push(&s->networks, "net1");
	strv_push(&s->add_hosts, "db:10.0.0.2");
	strv_push(&s->dns_servers, "10.0.0.53");
	strv_push(&s->dns_search, "example.org");
	strv_push(&s->dns_options, "ndots:2");
	s->cgroup_parent = xstrdup("/mine");
}

TEST(spec_json_round_trip)
{
	struct pod_spec a, b;
	cleanup_json struct json_object *o = NULL, *o2 = NULL;

	fill_spec(&a);
	o = pod_spec_to_json(&a);
	pod_spec_init(&b);
	CHECK_INT(pod_spec_from_json(o, &b, NULL), 0);
	CHECK_STR(b.name, "web");
	CHECK_STR(b.hostname, "webhost");
	CHECK_STR(b.labels[0], "app=web");
	CHECK(b.share_net && b.share_ipc && !b.share_uts && b.share_pid && b.infra);
	CHECK_INT(b.n_ports, 1);
	CHECK_INT(b.ports[0].host_port, 8080);
	CHECK_INT(b.ports[0].container_port, 80);
	CHECK_STR(b.ports[0].proto, "udp");
	CHECK_STR(b.ports[0].host_ip, "127.0.0.1");
	CHECK_STR(b.networks[0], "net1");
	CHECK_STR(b.dns_options[0], "ndots:2");
	CHECK_STR(b.cgroup_parent, "/mine");
	o2 = pod_spec_to_json(&b);
	CHECK_STR(json_object_to_json_string(o2), json_object_to_json_string(o));
	pod_spec_release(&a);
	pod_spec_release(&b);
}

static void add_file(struct pod_volume *v, const char *path, const char *data, size_t len,
		     uint32_t mode)
{
	struct vol_file *f;

	v->files = xrealloc(v->files, (v->n_files + 1) * sizeof(*v->files));
	f = &v->files[v->n_files++];
	f->path = xstrdup(path);
	f->data = xmalloc(len + 1);
	memcpy(f->data, data, len);
	f->data[len] = '\0';
	f->len = len;
	f->mode = mode;
}

/* Two volumes: a memory emptyDir and a files volume (bytes with NULs). */
static void add_volumes(struct pod_spec *s)
{
	s->volumes = xcalloc(2, sizeof(*s->volumes));
	s->n_volumes = 2;
	s->volumes[0].name = xstrdup("cache");
	s->volumes[0].memory = true;
	s->volumes[0].size_limit = 1 << 20;
	s->volumes[1].name = xstrdup("secret");
	s->volumes[1].kind = POD_VOL_FILES;
	s->volumes[1].kube = xstrdup("{\"secret\":{}}");
	add_file(&s->volumes[1], "key", "a\0b\xff", 4, 0400);
	add_file(&s->volumes[1], "dir/empty", "", 0, 0644);
}

TEST(spec_json_new_fields)
{
	struct pod_spec a, b;
	cleanup_json struct json_object *o = NULL, *o2 = NULL;

	pod_spec_init(&a);
	a.name = xstrdup("kubepod");
	a.host_pid = a.host_ipc = true;
	a.fqdn = xstrdup("web-0.web.default.svc.cluster.local");
	a.fs_group = 0;   /* a group too: must survive */
	a.kube = xstrdup("{\"kind\":\"Pod\"}");
	add_volumes(&a);
	o = pod_spec_to_json(&a);
	pod_spec_init(&b);
	CHECK_INT(pod_spec_from_json(o, &b, NULL), 0);
	CHECK(b.host_pid && b.host_ipc);
	CHECK_STR(b.fqdn, a.fqdn);
	CHECK_INT(b.fs_group, 0);
	CHECK_STR(b.kube, "{\"kind\":\"Pod\"}");
	CHECK_INT(b.n_volumes, 2);
	if (b.n_volumes == 2) {
		CHECK_STR(b.volumes[0].name, "cache");
		CHECK_INT(b.volumes[0].kind, POD_VOL_EMPTYDIR);
		CHECK(b.volumes[0].memory);
		CHECK_INT(b.volumes[0].size_limit, 1 << 20);
		CHECK_INT(b.volumes[1].kind, POD_VOL_FILES);
		CHECK_STR(b.volumes[1].kube, "{\"secret\":{}}");
		CHECK_INT(b.volumes[1].n_files, 2);
		if (b.volumes[1].n_files == 2) {
			CHECK_STR(b.volumes[1].files[0].path, "key");
			CHECK_INT(b.volumes[1].files[0].len, 4);
			CHECK(!memcmp(b.volumes[1].files[0].data, "a\0b\xff", 4));
			CHECK_INT(b.volumes[1].files[0].mode, 0400);
			CHECK_INT(b.volumes[1].files[1].len, 0);
			CHECK_INT(b.volumes[1].files[1].mode, 0644);
		}
	}
	o2 = pod_spec_to_json(&b);
	CHECK_STR(json_object_to_json_string(o2), json_object_to_json_string(o));
	/* the data is base64 in the JSON, never the bytes themselves */
	CHECK(strstr(json_object_to_json_string(o), "\"YQBi\\/w==\"") != NULL ||
	      strstr(json_object_to_json_string(o), "\"YQBi/w==\"") != NULL);
	pod_spec_release(&a);
	pod_spec_release(&b);
}

TEST(spec_json_old_rows_and_bad_volumes)
{
	struct pod_spec s;
	cleanup_json struct json_object *old = json_tokener_parse("{\"name\":\"old\"}");
	cleanup_json struct json_object *badb64 = json_tokener_parse(
		"{\"volumes\":[{\"name\":\"v\",\"kind\":\"files\","
		"\"files\":[{\"path\":\"a\",\"data\":\"**==\",\"mode\":420}]}]}");
	cleanup_json struct json_object *badkind = json_tokener_parse(
		"{\"volumes\":[{\"name\":\"v\",\"kind\":\"nfs\"}]}");
	cleanup_err struct pea_err *e1 = NULL, *e2 = NULL;

	pod_spec_init(&s);
	CHECK_INT(pod_spec_from_json(old, &s, NULL), 0);
	CHECK_INT(s.fs_group, -1);
	CHECK(!s.host_pid && !s.host_ipc && !s.fqdn && !s.n_volumes && !s.kube);
	pod_spec_release(&s);
	CHECK_INT(pod_spec_from_json(badb64, &s, &e1), -1);
	CHECK(pea_err_is(e1, PEA_E_INVALID));
	pod_spec_release(&s);
	CHECK_INT(pod_spec_from_json(badkind, &s, &e2), -1);
	CHECK(pea_err_is(e2, PEA_E_INVALID));
	pod_spec_release(&s);
}

TEST(spec_json_defaults_and_errors)
{
	struct pod_spec s;
	cleanup_json struct json_object *empty = json_tokener_parse("{}");
	cleanup_json struct json_object *bad = json_tokener_parse(
		"{\"ports\":[{\"host_port\":70000}]}");
	cleanup_err struct pea_err *e = NULL;

	pod_spec_init(&s);
	CHECK_INT(pod_spec_from_json(empty, &s, NULL), 0);
	CHECK(s.share_net && s.share_ipc && s.share_uts && !s.share_pid && s.infra);
	CHECK(!s.name && !s.networks);
	pod_spec_release(&s);
	CHECK_INT(pod_spec_from_json(bad, &s, &e), -1);
	CHECK(pea_err_is(e, PEA_E_INVALID));
	pod_spec_release(&s);
}

TEST(share_and_net_mode)
{
	struct pod_spec s;
	cleanup_err struct pea_err *e = NULL;

	pod_spec_init(&s);
	CHECK_INT(pod_spec_parse_share("net,pid", &s, NULL), 0);
	CHECK(s.share_net && s.share_pid && !s.share_ipc && !s.share_uts);
	CHECK_INT(pod_spec_parse_share("+ipc", &s, NULL), 0);
	CHECK(s.share_net && s.share_pid && s.share_ipc && !s.share_uts);
	CHECK_INT(pod_spec_parse_share("net,bogus", &s, &e), -1);
	CHECK(pea_err_is(e, PEA_E_INVALID));
	CHECK_STR(pod_spec_net_mode(&s), "bridge");
	strv_push(&s.networks, "ns:/run/netns/x");
	CHECK_STR(pod_spec_net_mode(&s), "ns");
	free(s.networks[0]);
	s.networks[0] = xstrdup("host");
	CHECK_STR(pod_spec_net_mode(&s), "host");
	pod_spec_release(&s);
}

static char *create(const char *name, bool infra, struct pea_err **err)
{
	struct pod_spec s;
	char *id;

	pod_spec_init(&s);
	s.name = name ? xstrdup(name) : NULL;
	s.infra = infra;
	id = pod_create(&ctx, &s, err);
	pod_spec_release(&s);
	return id;
}

TEST(records)
{
	cleanup_free char *id = create("p1", false, NULL);
	cleanup_free char *anon = create(NULL, false, NULL);
	cleanup_free char *prefix = NULL;
	cleanup_err struct pea_err *e = NULL, *e2 = NULL, *e3 = NULL;
	struct pod_info pi, *list = NULL;
	size_t n = 0;

	CHECK(id && strlen(id) == 64 && strspn(id, "0123456789abcdef") == 64);
	CHECK(anon != NULL);
	CHECK_INT(pod_lookup(&ctx, "p1", &pi, NULL), 0);
	CHECK_STR(pi.id, id);
	CHECK_STR(pi.state, "created");
	CHECK(pi.infra_id == NULL);
	CHECK(pi.created > 0);
	pod_info_release(&pi);
	prefix = xstrndup(id, 10);
	CHECK_INT(pod_lookup(&ctx, prefix, &pi, NULL), 0);
	CHECK_STR(pi.name, "p1");
	pod_info_release(&pi);
	CHECK(pod_exists(&ctx, "p1") && pod_exists(&ctx, id) && !pod_exists(&ctx, "nope"));
	CHECK_INT(pod_lookup(&ctx, "nope", &pi, &e), -1);
	CHECK(pea_err_is(e, PEA_E_NOT_FOUND));
	CHECK(create("p1", false, &e2) == NULL);
	CHECK(pea_err_is(e2, PEA_E_EXISTS));
	CHECK(create("bad name", false, &e3) == NULL);
	CHECK(pea_err_is(e3, PEA_E_INVALID));
	CHECK_INT(pod_list(&ctx, &list, &n, NULL), 0);
	CHECK_INT(n, 2);
	if (n == 2)
		CHECK_STR(list[0].id, anon);   /* newest first */
	pod_info_list_free(list, n);
	CHECK_INT(pod_remove(&ctx, "p1", false, NULL), 0);
	CHECK(!pod_exists(&ctx, "p1"));
	CHECK_INT(pod_remove(&ctx, anon, false, NULL), 0);
}

TEST(etc_files)
{
	struct pod_spec s;
	cleanup_free char *id = NULL, *hosts_p = NULL, *hn_p = NULL, *rs_p = NULL;
	cleanup_strbuf struct strbuf hosts = STRBUF_INIT, hn = STRBUF_INIT, rs = STRBUF_INIT;

	pod_spec_init(&s);
	s.name = xstrdup("etcpod");
	s.hostname = xstrdup("h1");
	s.infra = false;
	strv_push(&s.add_hosts, "db:10.1.2.3");
	strv_push(&s.dns_servers, "10.9.9.9");
	id = pod_create(&ctx, &s, NULL);
	pod_spec_release(&s);
	CHECK(id != NULL);
	if (!id)
		return;
	hosts_p = xasprintf("%s/pods/%s/hosts", ctx.root, id);
	hn_p = xasprintf("%s/pods/%s/hostname", ctx.root, id);
	rs_p = xasprintf("%s/pods/%s/resolv.conf", ctx.root, id);
	CHECK_INT(io_read_file(hosts_p, &hosts, NULL), 0);
	CHECK(strstr(hosts.buf, "127.0.0.1\tlocalhost") != NULL);
	CHECK(strstr(hosts.buf, "10.1.2.3\tdb\n") != NULL);
	CHECK(strstr(hosts.buf, "\th1 etcpod\n") != NULL);
	CHECK_INT(io_read_file(hn_p, &hn, NULL), 0);
	CHECK_STR(hn.buf, "h1\n");
	CHECK_INT(io_read_file(rs_p, &rs, NULL), 0);
	CHECK(strstr(rs.buf, "nameserver 10.9.9.9\n") != NULL);
	CHECK_INT(pod_remove(&ctx, id, false, NULL), 0);
	CHECK(!io_exists(hosts_p));
}

/* A stand-in peapod-pause next to this binary (ctr_helper_path looks
 * there); removed again by the caller when we made it. */
static char *fake_pause(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *p;
	int fd;

	if (n <= 0)
		return NULL;
	self[n] = '\0';
	p = xasprintf("%s/peapod-pause", dirname(self));
	if (io_exists(p)) {
		free(p);
		return xstrdup("");
	}
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	if (fd < 0) {
		free(p);
		return NULL;
	}
	close(fd);
	return p;
}

TEST(infra_record_and_status)
{
	cleanup_free char *made = fake_pause();
	cleanup_free char *id = NULL, *name = NULL, *root = NULL;
	struct ctr_info ci, *ctrs = NULL;
	struct pod_info pi;
	size_t n = 0;
	struct json_object *o, *v;

	CHECK(made != NULL);
	id = create("withinfra", true, NULL);
	CHECK(id != NULL);
	if (!id)
		goto out;
	CHECK_INT(pod_lookup(&ctx, id, &pi, NULL), 0);
	CHECK(pi.infra_id != NULL);
	name = pod_infra_name(id);
	CHECK_INT(ctr_lookup(&ctx, name, &ci, NULL), 0);
	CHECK_STR(ci.id, pi.infra_id);
	CHECK(ci.infra);
	CHECK_STR(ci.pod_id, id);
	CHECK(ci.image_id == NULL);
	CHECK_STR(ci.spec.entrypoint[0], "/pause");
	CHECK_STR(ci.spec.cmd[0], "-P");
	CHECK_STR(ci.spec.hostname, "withinfra");
	CHECK(ci.spec.security.readonly_rootfs);
	CHECK_STR(ci.spec.mounts[0].destination, "/pause");
	root = pod_infra_rootfs(&ctx, id);
	CHECK_STR(ci.rootfs, root);
	CHECK(io_exists(root));
	ctr_info_release(&ci);
	CHECK_INT(pod_containers(&ctx, id, &ctrs, &n, NULL), 0);
	CHECK_INT(n, 1);
	CHECK_STR(pod_status(ctrs, n), "Created");
	if (n == 1) {
		ctrs[0].state = CTR_RUNNING;
		CHECK_STR(pod_status(ctrs, n), "Running");
	}
	ctr_info_list_free(ctrs, n);
	o = pod_inspect_json(&ctx, &pi, NULL);
	CHECK(o != NULL);
	CHECK(json_object_object_get_ex(o, "InfraContainerId", &v));
	CHECK_STR(json_object_get_string(v), pi.infra_id);
	CHECK(json_object_object_get_ex(o, "SharedNamespaces", &v));
	CHECK_STR(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
		  "[\"ipc\",\"net\",\"uts\"]");
	CHECK(json_object_object_get_ex(o, "NumContainers", &v));
	CHECK_INT(json_object_get_int(v), 1);
	json_object_put(o);
	o = pod_ps_json(&ctx, &pi, NULL);
	CHECK(json_object_object_get_ex(o, "Status", &v));
	CHECK_STR(json_object_get_string(v), "Created");
	json_object_put(o);
	pod_info_release(&pi);
	CHECK_INT(pod_remove(&ctx, id, false, NULL), 0);
	CHECK(!ctr_exists(&ctx, name));
	CHECK(!io_exists(root));
out:
	if (made && *made)
		unlink(made);
}

TEST(volumes_created_and_removed)
{
	struct pod_spec s;
	cleanup_free char *id = NULL, *vols = NULL, *key = NULL, *mem = NULL;
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	struct stat st;
	struct pod_info pi;
	struct json_object *o, *v;

	pod_spec_init(&s);
	s.name = xstrdup("volpod");
	s.infra = false;
	add_volumes(&s);
	id = pod_create(&ctx, &s, NULL);
	pod_spec_release(&s);
	CHECK(id != NULL);
	if (!id)
		return;
	vols = xasprintf("%s/pods/%s/volumes", ctx.root, id);
	key = xasprintf("%s/secret/key", vols);
	CHECK(stat(vols, &st) == 0 && (st.st_mode & 07777) == 0700);
	CHECK(stat(key, &st) == 0 && (st.st_mode & 07777) == 0400);
	CHECK_INT(io_read_file(key, &sb, NULL), 0);
	CHECK_INT(sb.len, 4);
	CHECK(!memcmp(sb.buf, "a\0b\xff", 4));
	CHECK_INT(pod_lookup(&ctx, id, &pi, NULL), 0);
	/* inspect names the volumes and holds none of their data */
	o = pod_inspect_json(&ctx, &pi, NULL);
	CHECK(o && json_object_object_get_ex(o, "Volumes", &v));
	CHECK(o && strstr(json_object_to_json_string(o), "\"secret\"") != NULL);
	CHECK(o && !strstr(json_object_to_json_string(o), "YQBi"));
	json_object_put(o);
	/* a memory volume is a tmpfs, mounted on first use, gone at stop */
	mem = podvol_source(&ctx, &pi, "cache", NULL);
	CHECK(mem != NULL);
	if (mem && geteuid() == 0) {
		CHECK(store_is_mountpoint(mem));
		CHECK(stat(mem, &st) == 0 && (st.st_mode & 07777) == 0777);
		podvol_umount(&ctx, &pi);
		CHECK(!store_is_mountpoint(mem));
	}
	CHECK(podvol_source(&ctx, &pi, "nope", NULL) == NULL);
	pod_info_release(&pi);
	CHECK_INT(pod_remove(&ctx, id, false, NULL), 0);
	CHECK(!io_exists(vols));
}

TEST(create_refuses_and_rolls_back)
{
	struct pod_spec s;
	cleanup_err struct pea_err *e1 = NULL, *e2 = NULL, *e3 = NULL;
	cleanup_free char *dir = xasprintf("%s/pods", ctx.root);
	struct pod_info *list = NULL;
	size_t n = 0;

	/* "a" as a file, then "a/b" below it: fails while writing */
	pod_spec_init(&s);
	s.name = xstrdup("half");
	s.infra = false;
	s.volumes = xcalloc(1, sizeof(*s.volumes));
	s.n_volumes = 1;
	s.volumes[0].name = xstrdup("cm");
	s.volumes[0].kind = POD_VOL_FILES;
	add_file(&s.volumes[0], "a", "x", 1, 0644);
	add_file(&s.volumes[0], "a/b", "y", 1, 0644);
	CHECK(pod_create(&ctx, &s, &e1) == NULL);
	CHECK(e1 != NULL);
	CHECK(!pod_exists(&ctx, "half"));
	CHECK_INT(pod_list(&ctx, &list, &n, NULL), 0);
	CHECK_INT(n, 0);
	pod_info_list_free(list, n);
	/* nothing left in <root>/pods */
	{
		cleanup_dir DIR *d = opendir(dir);
		struct dirent *de;
		int entries = 0;

		while (d && (de = readdir(d)))
			entries += de->d_name[0] != '.';
		CHECK_INT(entries, 0);
	}
	/* bad paths are refused before anything is made */
	free(s.volumes[0].files[1].path);
	s.volumes[0].files[1].path = xstrdup("../escape");
	CHECK(pod_create(&ctx, &s, &e2) == NULL);
	CHECK(pea_err_is(e2, PEA_E_INVALID));
	pod_spec_release(&s);
	pod_spec_init(&s);
	s.name = xstrdup("hostpid");
	s.infra = false;
	s.share_pid = s.host_pid = true;
	CHECK(pod_create(&ctx, &s, &e3) == NULL);
	CHECK(pea_err_is(e3, PEA_E_INVALID));
	pod_spec_release(&s);
}

TEST(fqdn_in_hosts)
{
	struct pod_spec s;
	cleanup_free char *id = NULL, *hosts_p = NULL;
	cleanup_strbuf struct strbuf hosts = STRBUF_INIT;

	pod_spec_init(&s);
	s.name = xstrdup("web-0");
	s.infra = false;
	s.fqdn = xstrdup("web-0.web.default.svc.cluster.local");
	id = pod_create(&ctx, &s, NULL);
	pod_spec_release(&s);
	CHECK(id != NULL);
	if (!id)
		return;
	hosts_p = xasprintf("%s/pods/%s/hosts", ctx.root, id);
	CHECK_INT(io_read_file(hosts_p, &hosts, NULL), 0);
	CHECK(strstr(hosts.buf, "\tweb-0.web.default.svc.cluster.local web-0\n") != NULL);
	CHECK_INT(pod_remove(&ctx, id, false, NULL), 0);
}

TEST(status_words)
{
	struct ctr_info c[3];

	memset(c, 0, sizeof(c));
	c[0].infra = true;
	c[0].state = CTR_RUNNING;
	c[1].state = CTR_RUNNING;
	c[2].state = CTR_EXITED;
	CHECK_STR(pod_status(c, 3), "Degraded");
	c[2].state = CTR_RUNNING;
	CHECK_STR(pod_status(c, 3), "Running");
	c[1].state = c[2].state = CTR_EXITED;
	CHECK_STR(pod_status(c, 3), "Exited");
	c[1].state = c[2].state = CTR_CREATED;
	CHECK_STR(pod_status(c, 3), "Created");
	CHECK_STR(pod_status(c, 1), "Running");
	/* an init container that exited 0 leaves a running pod Running */
	c[1].spec.role = CTR_ROLE_INIT;
	c[1].state = CTR_EXITED;
	c[1].exit_code = 0;
	c[2].state = CTR_RUNNING;
	CHECK_STR(pod_status(c, 3), "Running");
	/* one that failed does not */
	c[1].exit_code = 1;
	CHECK_STR(pod_status(c, 3), "Degraded");
	c[1].exit_code = 0;
	c[2].state = CTR_CREATED;
	CHECK_STR(pod_status(c, 3), "Created");
}

TEST(prepare_ctr_spec)
{
	cleanup_free char *id = create("prep", false, NULL);
	cleanup_free char *cg = NULL;
	struct ctr_spec s;
	cleanup_err struct pea_err *e = NULL;

	ctr_spec_init(&s);
	s.pod = xstrdup("prep");
	CHECK_INT(pod_ctr_prepare(&ctx, &s, NULL), 0);
	CHECK_STR(s.pod, id);
	CHECK_STR(s.hostname, "prep");
	cg = xasprintf("/peapod/pod-%s", id);
	CHECK_STR(s.cgroup_parent, cg);
	free(s.pod);
	s.pod = xstrdup("missing");
	CHECK_INT(pod_ctr_prepare(&ctx, &s, &e), -1);
	CHECK(pea_err_is(e, PEA_E_NOT_FOUND));
	ctr_spec_release(&s);
	pod_remove(&ctx, id, false, NULL);
}

TEST(prepare_pod_volume_mounts)
{
	struct pod_spec ps;
	cleanup_free char *id = NULL;
	cleanup_err struct pea_err *e = NULL;
	struct ctr_spec s;

	pod_spec_init(&ps);
	ps.name = xstrdup("prepvol");
	ps.infra = false;
	ps.fs_group = 2000;
	add_volumes(&ps);
	id = pod_create(&ctx, &ps, NULL);
	pod_spec_release(&ps);
	CHECK(id != NULL);
	ctr_spec_init(&s);
	s.pod = xstrdup("prepvol");
	s.mounts = xcalloc(2, sizeof(*s.mounts));
	s.n_mounts = 2;
	s.mounts[0] = (struct mount_spec){ .kind = MOUNT_POD_VOLUME, .source = xstrdup("secret"),
					   .destination = xstrdup("/etc/secret") };
	s.mounts[1] = (struct mount_spec){ .kind = MOUNT_POD_VOLUME, .source = xstrdup("cache"),
					   .destination = xstrdup("/cache") };
	CHECK_INT(pod_ctr_prepare(&ctx, &s, NULL), 0);
	CHECK(s.mounts[0].readonly);      /* files volumes are read-only */
	CHECK(!s.mounts[1].readonly);
	CHECK(s.groups && !strcmp(s.groups[0], "2000"));   /* fsGroup joins the groups */
	free(s.mounts[1].source);
	s.mounts[1].source = xstrdup("nope");
	free(s.pod);
	s.pod = xstrdup("prepvol");
	CHECK_INT(pod_ctr_prepare(&ctx, &s, &e), -1);
	CHECK(pea_err_is(e, PEA_E_NOT_FOUND));
	ctr_spec_release(&s);
	if (id)
		pod_remove(&ctx, id, false, NULL);
}

TEST(prune_removes_stopped)
{
	cleanup_free char *a = create("pa", false, NULL);
	cleanup_free char *b = create("pb", false, NULL);
	cleanup_strv char **removed = NULL;

	CHECK_INT(pod_prune(&ctx, &removed, NULL), 0);
	CHECK_INT(strv_len(removed), 2);
	CHECK(!pod_exists(&ctx, "pa") && !pod_exists(&ctx, "pb"));
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		return 1;
	log_init(&ctx.log);
	ctx.root = path_join(tmpdir, "root");
	ctx.runroot = path_join(tmpdir, "run");
	ctx.runtime = xstrdup("/bin/true");
	ctx.storage_driver = xstrdup("vfs");
	if (ctx_init_paths(&ctx, NULL) < 0)
		return 1;
	RUN(spec_json_round_trip);
	RUN(spec_json_new_fields);
	RUN(spec_json_old_rows_and_bad_volumes);
	RUN(spec_json_defaults_and_errors);
	RUN(share_and_net_mode);
	RUN(records);
	RUN(etc_files);
	RUN(infra_record_and_status);
	RUN(volumes_created_and_removed);
	RUN(create_refuses_and_rolls_back);
	RUN(fqdn_in_hosts);
	RUN(status_words);
	RUN(prepare_ctr_spec);
	RUN(prepare_pod_volume_mounts);
	RUN(prune_removes_stopped);
	state_close(ctx.state);
	ctx.state = NULL;
	io_rm_rf(tmpdir, NULL);
	ctx_release(&ctx);
	return tap_done();
}
