#include "tests/unit/tap.h"

#include <dirent.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/ctx.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "podengine/hostinfo.h"
#include "podengine/runtime-probe.h"

#include "base/banned.h"

static char tmpdir[] = "/tmp/test-hostinfo-XXXXXX";

static bool strv_has(char **v, const char *s)
{
	for (; v && *v; v++)
		if (!strcmp(*v, s))
			return true;
	return false;
}

static size_t strv_len(char **v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

static void write_fixture(const char *rel, const char *text)
{
	char *path = path_join(tmpdir, rel);
	char *dir = xstrdup(path);

	*strrchr(dir, '/') = '\0';
	io_mkdir_p(dir, 0755, NULL);
	io_write_file_atomic(path, text, strlen(text), 0644, NULL);
	free(dir);
	free(path);
}

TEST(cgroup_unified_fixture)
{
	struct host_cgroups cg;
	const char *mi =
		"22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
		"30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev - cgroup2 cgroup2 "
		"rw,nsdelegate,memory_recursiveprot\n";

	write_fixture("v2/sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
	char *root = path_join(tmpdir, "v2");
	CHECK_INT(host_cgroups_parse(mi, root, &cg, NULL), 0);
	CHECK_STR(cg.layout, "v2");
	CHECK_STR(cg.version, "v2");
	CHECK_STR(cg.v2_mount, "/sys/fs/cgroup");
	CHECK_INT(strv_len(cg.v1_controllers), 0);
	CHECK_INT(strv_len(cg.v2_controllers), 5);
	CHECK_STR(cg.v2_controllers[0], "cpu"); /* sorted */
	CHECK_STR(cg.v2_controllers[4], "pids");
	host_cgroups_release(&cg);
	free(root);
}

TEST(cgroup_v1_and_hybrid_fixtures)
{
	struct host_cgroups cg;
	const char *v1 =
		"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
		"32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
		"35 31 0:32 / /sys/fs/cgroup/memory rw shared:9 - cgroup cgroup rw,memory\n"
		"40 31 0:37 / /sys/fs/cgroup/systemd rw - cgroup cgroup "
		"rw,xattr,release_agent=/x,name=systemd\n";
	struct strbuf hyb = STRBUF_INIT;

	CHECK_INT(host_cgroups_parse(v1, tmpdir, &cg, NULL), 0);
	CHECK_STR(cg.layout, "v1");
	CHECK_STR(cg.version, "v1");
	CHECK_INT(strv_len(cg.v1_controllers), 3);
	CHECK_STR(cg.v1_controllers[0], "cpu");
	CHECK_STR(cg.v1_controllers[1], "cpuacct");
	CHECK_STR(cg.v1_controllers[2], "memory");
	CHECK(!cg.v2_mount);
	host_cgroups_release(&cg);

	strbuf_addstr(&hyb, v1);
	strbuf_addstr(&hyb, "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n");
	write_fixture("hy/sys/fs/cgroup/unified/cgroup.controllers", "hugetlb\n");
	char *root = path_join(tmpdir, "hy");
	CHECK_INT(host_cgroups_parse(hyb.buf, root, &cg, NULL), 0);
	CHECK_STR(cg.layout, "hybrid");
	CHECK_STR(cg.version, "v1");
	CHECK_STR(cg.v2_mount, "/sys/fs/cgroup/unified");
	CHECK_INT(strv_len(cg.v2_controllers), 1);
	CHECK(strv_has(cg.v2_controllers, "hugetlb"));
	CHECK(!strv_has(cg.v1_controllers, "hugetlb"));
	host_cgroups_release(&cg);
	free(root);
	strbuf_release(&hyb);

	CHECK_INT(host_cgroups_parse("garbage\n\n1 2 3\n", NULL, &cg, NULL), 0);
	CHECK_STR(cg.layout, "none");
	host_cgroups_release(&cg);
}

static bool fs_is(const char *path, long magic)
{
	struct statfs st;

	return statfs(path, &st) == 0 && (long)st.f_type == magic;
}

/* Compare with what the kernel says through statfs and the files. */
TEST(cgroup_detection_matches_this_host)
{
	struct host_info hi;
	struct strbuf want = STRBUF_INIT;
	const char *layout;
	DIR *d;
	struct dirent *de;

	CHECK_INT(host_info_get(&hi, NULL), 0);
	if (fs_is("/sys/fs/cgroup", CGROUP2_SUPER_MAGIC))
		layout = "v2";
	else if (fs_is("/sys/fs/cgroup/unified", CGROUP2_SUPER_MAGIC))
		layout = "hybrid";
	else
		layout = "v1";
	CHECK_STR(hi.cg.layout, layout);
	CHECK_STR(hi.cg.version, !strcmp(layout, "v2") ? "v2" : "v1");
	/* every v1 hierarchy directory named after a controller is listed */
	d = opendir("/sys/fs/cgroup");
	while (d && (de = readdir(d))) {
		char *p = path_join("/sys/fs/cgroup", de->d_name);

		if (strcmp(layout, "v2") && fs_is(p, CGROUP_SUPER_MAGIC) &&
		    strcmp(de->d_name, "systemd") && !strchr(de->d_name, ','))
			CHECK(strv_has(hi.cg.v1_controllers, de->d_name));
		free(p);
	}
	if (d)
		closedir(d);
	if (hi.cg.v2_mount) {
		char *f = path_join(hi.cg.v2_mount, "cgroup.controllers");
		char *tok;

		CHECK_INT(io_read_file(f, &want, NULL), 0);
		for (tok = want.buf; *tok;) {
			size_t n = strcspn(tok, " \n");

			if (n) {
				char *c = xstrndup(tok, n);
				CHECK(strv_has(hi.cg.v2_controllers, c));
				free(c);
			}
			tok += n + (tok[n] != '\0');
		}
		free(f);
	}
	strbuf_release(&want);
	host_info_release(&hi);
}

TEST(host_facts)
{
	struct host_info hi;
	struct utsname u;
	struct strbuf fs = STRBUF_INIT;

	CHECK_INT(host_info_get(&hi, NULL), 0);
	uname(&u);
	CHECK_STR(hi.kernel, u.release);
	if (!strcmp(u.machine, "x86_64"))
		CHECK_STR(hi.arch, "amd64");
	CHECK(hi.hostname && hi.hostname[0]);
	CHECK(hi.cpus >= 1);
	CHECK(hi.mem_total > 0);
	CHECK(hi.mem_free > 0 && hi.mem_free <= hi.mem_total);
	CHECK(hi.os_pretty && hi.os_pretty[0] && hi.os_pretty[0] != '"');
	io_read_file("/proc/filesystems", &fs, NULL);
	CHECK_INT(hi.overlay, strstr(fs.buf, "\toverlay\n") != NULL);
	strbuf_release(&fs);
	host_info_release(&hi);
}

static void ctx_setup(struct pea_ctx *ctx, const char *name)
{
	memset(ctx, 0, sizeof(*ctx));
	log_init(&ctx->log);
	ctx->root = xasprintf("%s/%s/root", tmpdir, name);
	ctx->runroot = xasprintf("%s/%s/run", tmpdir, name);
	ctx->rootless = geteuid() != 0;
	ctx->uid = geteuid();
}

static bool dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	bool empty = true;

	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = false;
	if (d)
		closedir(d);
	return empty;
}

/* No process of ours (or anything) still runs with a probe container id. */
static bool probe_processes_left(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	bool found = false;

	while (d && (de = readdir(d))) {
		char *p = xasprintf("/proc/%s/cmdline", de->d_name);
		struct strbuf sb = STRBUF_INIT;
		size_t i;

		if (io_read_file(p, &sb, NULL) == 0) {
			for (i = 0; i < sb.len; i++)
				if (!sb.buf[i])
					sb.buf[i] = ' ';
			found |= strstr(sb.buf, "peapod-probe-") != NULL;
		}
		strbuf_release(&sb);
		free(p);
	}
	if (d)
		closedir(d);
	return found;
}

TEST(runtime_probe_runs_a_container)
{
	struct pea_ctx ctx;
	struct runtime_info *list = NULL;
	struct pea_err *err = NULL;
	size_t n = 0, i;
	bool saw_runc = false;
	char *cache, *tmp;

	if (geteuid() != 0)
		SKIP("needs root (rootful OCI runtime)");
	ctx_setup(&ctx, "probe");
	CHECK_INT(runtime_probe_all(&ctx, &list, &n, &err), 0);
	for (i = 0; i < n; i++) {
		printf("# %s %s '%s' works=%d reason=%s\n", list[i].name, list[i].path,
		       list[i].version ? list[i].version : "", list[i].works,
		       list[i].reason ? list[i].reason : "-");
		CHECK(list[i].path[0] == '/');
		CHECK(list[i].probed);
		CHECK(list[i].works || (list[i].reason && list[i].reason[0]));
		CHECK(!list[i].works || !list[i].reason);
		if (!strcmp(list[i].name, "runc")) {
			saw_runc = true;
			CHECK(list[i].works);
			CHECK(list[i].version && !strncmp(list[i].version, "runc version ", 13));
		}
	}
	CHECK(saw_runc);
	runtime_info_free_all(list, n);
	cache = path_join(ctx.runroot, "runtime-probe.json");
	tmp = path_join(ctx.root, "tmp");
	CHECK(io_exists(cache));
	CHECK(dir_is_empty(tmp));
	CHECK(!probe_processes_left());

	/* second call comes from the cache and says the same */
	CHECK_INT(runtime_probe_all(&ctx, &list, &n, &err), 0);
	for (i = 0; i < n; i++)
		if (!strcmp(list[i].name, "runc"))
			CHECK(list[i].works && list[i].probed);
	runtime_info_free_all(list, n);
	free(cache);
	free(tmp);
	ctx_release(&ctx);
}

TEST(runtime_select_picks_a_working_runtime)
{
	struct pea_ctx ctx;
	struct runtime_info ri = { 0 }, crun = { 0 };
	struct pea_err *err = NULL;

	if (geteuid() != 0)
		SKIP("needs root (rootful OCI runtime)");
	ctx_setup(&ctx, "select");
	CHECK_INT(runtime_select(&ctx, &ri, &err), 0);
	CHECK(ri.works);
	CHECK(!strcmp(ri.name, "crun") || !strcmp(ri.name, "runc"));
	/* crun is preferred when it works */
	CHECK_INT(runtime_probe(&ctx, "crun", false, &crun, NULL), 0);
	CHECK_STR(ri.name, crun.works ? "crun" : "runc");
	runtime_info_release(&ri);

	ctx.runtime = xstrdup("/usr/sbin/runc");
	CHECK_INT(runtime_select(&ctx, &ri, &err), 0);
	CHECK_STR(ri.name, "runc");
	CHECK_STR(ri.path, "/usr/sbin/runc");
	runtime_info_release(&ri);

	if (!crun.works) {
		free(ctx.runtime);
		ctx.runtime = xstrdup("crun");
		CHECK_INT(runtime_select(&ctx, &ri, &err), -1);
		CHECK(err && strstr(err->msg, crun.reason));
		pea_err_free(err);
		err = NULL;
	}
	runtime_info_release(&crun);

	free(ctx.runtime);
	ctx.runtime = xstrdup("/nonexistent/runtime");
	CHECK_INT(runtime_select(&ctx, &ri, &err), -1);
	CHECK(pea_err_is(err, PEA_E_NOT_FOUND));
	pea_err_free(err);
	ctx_release(&ctx);
}

TEST(info_json_has_everything)
{
	struct pea_ctx ctx;
	struct json_object *doc, *host, *v, *rts, *store;

	if (geteuid() != 0)
		SKIP("needs root (rootful OCI runtime)");
	ctx_setup(&ctx, "info");
	doc = host_info_json(&ctx, "overlay", "test", NULL);
	CHECK(doc != NULL);
	CHECK(json_object_object_get_ex(doc, "host", &host));
	static const char *const keys[] = { "arch", "kernel", "os", "hostname", "cpus",
					    "memTotal", "memFree", "cgroupVersion",
					    "cgroupLayout", "cgroupControllers", "distribution",
					    "ociRuntime" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		CHECK(json_object_object_get_ex(host, keys[i], &v));
		if (!json_object_object_get_ex(host, keys[i], &v))
			printf("#   missing host.%s\n", keys[i]);
	}
	json_object_object_get_ex(host, "ociRuntime", &v);
	CHECK(json_object_get_boolean(json_object_object_get(v, "works")));
	CHECK(json_object_object_get_ex(doc, "runtimes", &rts));
	CHECK(json_object_array_length(rts) >= 1);
	CHECK(json_object_object_get_ex(doc, "store", &store));
	CHECK_STR(json_object_get_string(json_object_object_get(store, "graphDriverName")),
		  "overlay");
	CHECK_STR(json_object_get_string(json_object_object_get(store, "graphRoot")), ctx.root);
	CHECK_STR(json_object_get_string(json_object_object_get(store, "runRoot")),
		  ctx.runroot);
	CHECK(json_object_object_get_ex(store, "graphStatus", &v));
	CHECK_STR(json_object_get_string(json_object_object_get(v, "Native Overlay Diff")),
		  "true");
	CHECK_STR(json_object_get_string(json_object_object_get(v, "Driver Reason")), "test");
	/* rootful: podman's null id maps, and host.security.rootless */
	CHECK(json_object_object_get_ex(host, "idMappings", &v));
	CHECK(json_object_object_get_ex(v, "uidmap", &rts) && rts == NULL);
	CHECK(json_object_object_get_ex(host, "security", &v));
	CHECK(json_object_object_get_ex(v, "rootless", &rts) && !json_object_get_boolean(rts));
	json_object_put(doc);
	ctx_release(&ctx);
}

TEST(backing_filesystem_names)
{
	CHECK_STR(host_fs_name(0xEF53), "extfs");
	CHECK_STR(host_fs_name(0x58465342), "xfs");
	CHECK_STR(host_fs_name(0x01021994), "tmpfs");
	/* f_type is a signed long on some ABIs: only the low 32 bits count */
	CHECK_STR(host_fs_name(0xffffffff9123683eUL), "btrfs");
	CHECK_STR(host_fs_name(0x1234), "unknown");
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(cgroup_unified_fixture);
	RUN(cgroup_v1_and_hybrid_fixtures);
	RUN(cgroup_detection_matches_this_host);
	RUN(host_facts);
	RUN(runtime_probe_runs_a_container);
	RUN(runtime_select_picks_a_working_runtime);
	RUN(info_json_has_everything);
	RUN(backing_filesystem_names);
	io_rm_rf(tmpdir, NULL);
	return tap_done();
}
