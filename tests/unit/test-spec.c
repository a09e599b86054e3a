/* Container specs: JSON round trip and the shared flag parsers. */
#include "tests/unit/tap.h"
#include "base/cleanup.h"
#include "base/json.h"
#include "base/xalloc.h"
#include "podengine/spec.h"

#include "base/banned.h"

static char **vec(const char *a, const char *b)
{
	char **v = xcalloc(1, sizeof(*v));

	if (a)
		strv_push(&v, a);
	if (b)
		strv_push(&v, b);
	return v;
}

TEST(init_defaults)
{
	struct ctr_spec s;

	ctr_spec_init(&s);
	CHECK_INT(s.stop_timeout, -1);
	CHECK(s.security.readonly_tmpfs);
	CHECK(s.cmd == NULL);
	ctr_spec_release(&s);
}

TEST(json_round_trip)
{
	struct ctr_spec s, t;
	cleanup_json struct json_object *o = NULL, *o2 = NULL;
	struct pea_err *err = NULL;

	ctr_spec_init(&s);
	ctr_spec_init(&t);
	s.name = xstrdup("web");
	s.image = xstrdup("busybox");
	s.cmd = vec(NULL, NULL); /* empty, not unset */
	s.entrypoint = vec("/bin/sh", "-c");
	s.env = vec("A=1", "B=two words");
	s.mounts = xcalloc(2, sizeof(*s.mounts));
	s.n_mounts = 2;
	CHECK_INT(spec_parse_volume("data:/var/lib/x:ro", &s.mounts[0], &err), 0);
	CHECK_INT(spec_parse_tmpfs("/scratch:size=64m,mode=1777", &s.mounts[1], &err), 0);
	s.rlimits = xcalloc(1, sizeof(*s.rlimits));
	s.n_rlimits = 1;
	s.rlimits[0].type = xstrdup("RLIMIT_NOFILE");
	s.rlimits[0].soft = 1024;
	s.rlimits[0].hard = 18446744073709551615ULL;
	s.resources.memory = 64 << 20;
	s.resources.cpu_quota = 50000;
	s.security.cap_add = vec("NET_ADMIN", NULL);
	s.security.readonly_tmpfs = false;
	s.ns.net = xstrdup("host");
	s.restart = RESTART_ON_FAILURE;
	s.restart_max = 3;
	s.stop_timeout = 0;
	s.tty = true;
	s.auto_remove = true;

	o = ctr_spec_to_json(&s);
	CHECK_INT(ctr_spec_from_json(o, &t, &err), 0);
	CHECK_STR(t.name, "web");
	CHECK(t.cmd != NULL && t.cmd[0] == NULL);
	CHECK_STR(t.entrypoint[1], "-c");
	CHECK_STR(t.env[1], "B=two words");
	CHECK(t.workdir == NULL);
	CHECK_INT(t.n_mounts, 2);
	CHECK_INT(t.mounts[0].kind, MOUNT_VOLUME);
	CHECK_STR(t.mounts[0].source, "data");
	CHECK(t.mounts[0].readonly);
	CHECK_INT(t.mounts[1].kind, MOUNT_TMPFS);
	CHECK_STR(t.mounts[1].options[0], "size=64m");
	CHECK(t.rlimits[0].hard == 18446744073709551615ULL);
	CHECK_INT(t.resources.memory, 64 << 20);
	CHECK_INT(t.resources.cpu_quota, 50000);
	CHECK_STR(t.security.cap_add[0], "NET_ADMIN");
	CHECK(!t.security.readonly_tmpfs);
	CHECK_STR(t.ns.net, "host");
	CHECK_INT(t.restart, RESTART_ON_FAILURE);
	CHECK_INT(t.restart_max, 3);
	CHECK_INT(t.stop_timeout, 0);
	CHECK(t.tty && t.auto_remove && !t.stdin_open);
	/* and the second trip gives the same text */
	o2 = ctr_spec_to_json(&t);
	CHECK_STR(json_object_to_json_string(o2), json_object_to_json_string(o));
	ctr_spec_release(&s);
	ctr_spec_release(&t);
	pea_err_free(err);
}

TEST(json_round_trip_kube_fields)
{
	struct ctr_spec s, t;
	cleanup_json struct json_object *o = NULL, *o2 = NULL;
	cleanup_json struct json_object *bad = json_tokener_parse("{\"role\":\"boss\"}");
	cleanup_err struct pea_err *e = NULL;

	ctr_spec_init(&s);
	ctr_spec_init(&t);
	s.name = xstrdup("init1");
	s.role = CTR_ROLE_INIT;
	s.pull = PULL_NEVER;
	s.env_pod_ip = vec("POD_IP", "MY_IP");
	s.run_as_non_root = true;
	s.kube = xstrdup("{\"name\":\"init1\"}");
	s.mounts = xcalloc(2, sizeof(*s.mounts));
	s.n_mounts = 2;
	s.mounts[0] = (struct mount_spec){ .kind = MOUNT_POD_VOLUME, .source = xstrdup("cfg"),
					   .destination = xstrdup("/etc/app"),
					   .subpath = xstrdup("app.conf") };
	s.mounts[1] = (struct mount_spec){ .kind = MOUNT_BIND, .source = xstrdup("/srv"),
					   .destination = xstrdup("/srv"),
					   .host_path_type = xstrdup("DirectoryOrCreate") };
	o = ctr_spec_to_json(&s);
	CHECK_INT(ctr_spec_from_json(o, &t, NULL), 0);
	CHECK_INT(t.role, CTR_ROLE_INIT);
	CHECK_INT(t.pull, PULL_NEVER);
	CHECK(t.env_pod_ip && !strcmp(t.env_pod_ip[1], "MY_IP"));
	CHECK(t.run_as_non_root);
	CHECK_STR(t.kube, "{\"name\":\"init1\"}");
	CHECK_INT(t.n_mounts, 2);
	CHECK_INT(t.mounts[0].kind, MOUNT_POD_VOLUME);
	CHECK_STR(t.mounts[0].source, "cfg");
	CHECK_STR(t.mounts[0].subpath, "app.conf");
	CHECK_STR(t.mounts[1].host_path_type, "DirectoryOrCreate");
	o2 = ctr_spec_to_json(&t);
	CHECK_STR(json_object_to_json_string(o2), json_object_to_json_string(o));
	ctr_spec_release(&t);
	ctr_spec_init(&t);
	s.role = CTR_ROLE_SIDECAR;
	s.pull = PULL_ALWAYS;
	json_object_put(o);
	o = ctr_spec_to_json(&s);
	CHECK_INT(ctr_spec_from_json(o, &t, NULL), 0);
	CHECK_INT(t.role, CTR_ROLE_SIDECAR);
	CHECK_INT(t.pull, PULL_ALWAYS);
	ctr_spec_release(&t);
	ctr_spec_init(&t);
	CHECK_INT(ctr_spec_from_json(bad, &t, &e), -1);
	CHECK(pea_err_is(e, PEA_E_INVALID));
	ctr_spec_release(&s);
	ctr_spec_release(&t);
}

TEST(from_json_tolerates_old_rows)
{
	struct ctr_spec t;
	cleanup_json struct json_object *o = json_tokener_parse("{\"image\":\"x\",\"future\":1}");

	ctr_spec_init(&t);
	CHECK_INT(ctr_spec_from_json(o, &t, NULL), 0);
	CHECK_STR(t.image, "x");
	CHECK_INT(t.stop_timeout, -1);
	CHECK(t.security.readonly_tmpfs);
	CHECK_INT(t.role, CTR_ROLE_APP);
	CHECK_INT(t.pull, PULL_MISSING);
	CHECK(!t.env_pod_ip && !t.run_as_non_root && !t.kube);
	ctr_spec_release(&t);
}

TEST(parse_volume)
{
	struct mount_spec m;
	struct pea_err *err = NULL;

	CHECK_INT(spec_parse_volume("/host/dir:/ctr", &m, NULL), 0);
	CHECK_INT(m.kind, MOUNT_BIND);
	CHECK_STR(m.source, "/host/dir");
	CHECK_STR(m.destination, "/ctr");
	CHECK(!m.readonly);
	mount_spec_release(&m);

	CHECK_INT(spec_parse_volume("./rel:/ctr:ro,z", &m, NULL), 0);
	CHECK_INT(m.kind, MOUNT_BIND);
	CHECK(m.readonly);
	mount_spec_release(&m);

	CHECK_INT(spec_parse_volume("vol1:/data", &m, NULL), 0);
	CHECK_INT(m.kind, MOUNT_VOLUME);
	CHECK_STR(m.source, "vol1");
	mount_spec_release(&m);

	CHECK_INT(spec_parse_volume("/anon", &m, NULL), 0);
	CHECK_INT(m.kind, MOUNT_VOLUME);
	CHECK(m.source == NULL);
	CHECK_STR(m.destination, "/anon");
	mount_spec_release(&m);

	CHECK_INT(spec_parse_volume("vol:relative", &m, &err), -1);
	CHECK(pea_err_is(err, PEA_E_INVALID));
	pea_err_free(steal_ptr(err));
	CHECK_INT(spec_parse_volume("bad name!:/x", &m, &err), -1);
	CHECK(pea_err_is(err, PEA_E_INVALID));
	pea_err_free(steal_ptr(err));
	CHECK_INT(spec_parse_volume("/a:/b:bogus", &m, &err), -1);
	pea_err_free(steal_ptr(err));
	CHECK_INT(spec_parse_volume("a:b:c:d", &m, &err), -1);
	pea_err_free(steal_ptr(err));
}

TEST(parse_mount)
{
	struct mount_spec m;
	struct pea_err *err = NULL;

	CHECK_INT(spec_parse_mount("type=bind,src=/a,dst=/b,ro", &m, NULL), 0);
	CHECK_INT(m.kind, MOUNT_BIND);
	CHECK_STR(m.source, "/a");
	CHECK_STR(m.destination, "/b");
	CHECK(m.readonly);
	mount_spec_release(&m);

	CHECK_INT(spec_parse_mount("type=volume,source=v,target=/d,readonly=false,volume-subpath=sub",
				   &m, NULL), 0);
	CHECK_INT(m.kind, MOUNT_VOLUME);
	CHECK(!m.readonly);
	CHECK_STR(m.subpath, "sub");
	mount_spec_release(&m);

	CHECK_INT(spec_parse_mount("type=tmpfs,destination=/t,tmpfs-size=1m,tmpfs-mode=700", &m,
				   NULL), 0);
	CHECK_INT(m.kind, MOUNT_TMPFS);
	CHECK(m.source == NULL);
	CHECK_STR(m.options[0], "size=1m");
	CHECK_STR(m.options[1], "mode=700");
	mount_spec_release(&m);

	CHECK_INT(spec_parse_mount("src=/a,dst=/b", &m, &err), -1);   /* no type */
	pea_err_free(steal_ptr(err));
	CHECK_INT(spec_parse_mount("type=bind,dst=/b", &m, &err), -1); /* no source */
	pea_err_free(steal_ptr(err));
	CHECK_INT(spec_parse_mount("type=nfs,src=x,dst=/b", &m, &err), -1);
	pea_err_free(steal_ptr(err));
	CHECK_INT(spec_parse_mount("type=bind,src=/a,dst=/b,frob=1", &m, &err), -1);
	CHECK(pea_err_is(err, PEA_E_INVALID));
	pea_err_free(steal_ptr(err));
}

TEST(parse_tmpfs)
{
	struct mount_spec m;
	struct pea_err *err = NULL;

	CHECK_INT(spec_parse_tmpfs("/run", &m, NULL), 0);
	CHECK(m.options == NULL);
	mount_spec_release(&m);
	CHECK_INT(spec_parse_tmpfs("/x:ro,size=1m", &m, NULL), 0);
	CHECK(m.readonly);
	CHECK_STR(m.options[1], "size=1m");
	mount_spec_release(&m);
	CHECK_INT(spec_parse_tmpfs("rel", &m, &err), -1);
	pea_err_free(err);
}

TEST(parse_restart)
{
	enum restart_policy p;
	int max = -1;
	struct pea_err *err = NULL;

	CHECK_INT(spec_parse_restart("no", &p, &max, NULL), 0);
	CHECK_INT(p, RESTART_NO);
	CHECK_INT(spec_parse_restart("always", &p, &max, NULL), 0);
	CHECK_INT(p, RESTART_ALWAYS);
	CHECK_INT(spec_parse_restart("on-failure:5", &p, &max, NULL), 0);
	CHECK_INT(p, RESTART_ON_FAILURE);
	CHECK_INT(max, 5);
	CHECK_INT(spec_parse_restart("unless-stopped", &p, &max, NULL), 0);
	CHECK_INT(p, RESTART_UNLESS_STOPPED);
	CHECK_INT(max, 0);
	CHECK_INT(spec_parse_restart("always:3", &p, &max, &err), -1);
	pea_err_free(steal_ptr(err));
	CHECK_INT(spec_parse_restart("on-failure:x", &p, &max, &err), -1);
	pea_err_free(steal_ptr(err));
	CHECK_INT(spec_parse_restart("sometimes", &p, &max, &err), -1);
	CHECK(pea_err_is(err, PEA_E_INVALID));
	pea_err_free(steal_ptr(err));
	CHECK_STR(spec_restart_name(RESTART_UNLESS_STOPPED), "unless-stopped");
	CHECK_STR(spec_restart_name(RESTART_NO), "no");
}

int main(void)
{
	RUN(init_defaults);
	RUN(json_round_trip);
	RUN(json_round_trip_kube_fields);
	RUN(from_json_tolerates_old_rows);
	RUN(parse_volume);
	RUN(parse_mount);
	RUN(parse_tmpfs);
	RUN(parse_restart);
	return tap_done();
}
