#include <errno.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "tests/unit/tap.h"
#include "base/err.h"
#include "base/io.h"
#include "base/json.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "podengine/caps.h"
#include "podengine/seccomp.h"

#include "base/banned.h"

static char *v_add[8], *v_drop[8];

static char **vec(char **buf, const char *a, const char *b, const char *c)
{
	buf[0] = (char *)a;
	buf[1] = (char *)b;
	buf[2] = (char *)c;
	buf[3] = NULL;
	return buf;
}

TEST(default_caps_are_podmans)
{
	struct pea_err *err = NULL;
	char **c = caps_resolve(NULL, NULL, false, 40, &err);

	CHECK(c != NULL);
	if (!c)
		return;
	CHECK_INT(strv_len(c), 11);
	CHECK_STR(c[0], "CAP_CHOWN");
	CHECK(caps_has(c, "SYS_CHROOT"));
	CHECK(caps_has(c, "net_bind_service"));
	CHECK(!caps_has(c, "CAP_SYS_ADMIN"));
	CHECK(!caps_has(c, "CAP_NET_RAW"));
	strv_free(c);
}

TEST(cap_add_drop_any_spelling)
{
	struct pea_err *err = NULL;
	char **c = caps_resolve(vec(v_add, "net_admin", "CAP_SYS_ADMIN", "Sys_Ptrace"),
				vec(v_drop, "chown", "cap_kill", NULL), false, 40, &err);

	CHECK(c != NULL);
	if (!c)
		return;
	CHECK(caps_has(c, "CAP_NET_ADMIN"));
	CHECK(caps_has(c, "CAP_SYS_ADMIN"));
	CHECK(caps_has(c, "CAP_SYS_PTRACE"));
	CHECK(!caps_has(c, "CAP_CHOWN"));
	CHECK(!caps_has(c, "CAP_KILL"));
	CHECK_INT(strv_len(c), 12);
	strv_free(c);
}

TEST(drop_all_then_add)
{
	char **c = caps_resolve(vec(v_add, "NET_BIND_SERVICE", NULL, NULL),
				vec(v_drop, "all", NULL, NULL), false, 40, NULL);

	CHECK(c && strv_len(c) == 1);
	if (c)
		CHECK_STR(c[0], "CAP_NET_BIND_SERVICE");
	strv_free(c);
}

TEST(all_caps_limited_by_host)
{
	char **c = caps_resolve(vec(v_add, "ALL", NULL, NULL), vec(v_drop, "sys_admin", NULL, NULL),
				false, 40, NULL);
	char **p = caps_resolve(NULL, NULL, true, 30, NULL);
	char **h = caps_resolve(NULL, NULL, true, -1, NULL);

	CHECK(c && strv_len(c) == 40);
	CHECK(c && !caps_has(c, "SYS_ADMIN"));
	CHECK(c && caps_has(c, "CAP_CHECKPOINT_RESTORE"));
	/* a kernel whose last cap is 30 (AUDIT_CONTROL) has no CAP_SETFCAP (31) */
	CHECK(p && strv_len(p) == 31);
	CHECK(p && !caps_has(p, "SETFCAP"));
	/* the host's view: every cap up to cap_last_cap that this process's
	 * bounding set still has (root here may lack SYS_RESOURCE) */
	{
		int want = 0;
		FILE *f = fopen("/proc/self/status", "r");
		char line[256];
		unsigned long long bnd = ~0ULL;

		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, "CapBnd:", 7))
				bnd = strtoull(line + 7, NULL, 16);
		if (f)
			fclose(f);
		for (int i = 0; i <= caps_last_cap(); i++)
			want += (bnd >> i) & 1;
		CHECK(h && (int)strv_len(h) == want);
		CHECK(h && (bnd & (1ULL << 24) ? caps_has(h, "SYS_RESOURCE")
					       : !caps_has(h, "SYS_RESOURCE")));
	}
	strv_free(c);
	strv_free(p);
	strv_free(h);
}

TEST(unknown_cap_is_an_error)
{
	struct pea_err *err = NULL;
	char **c = caps_resolve(vec(v_add, "NET_ADMIN", "CAP_BOGUS", NULL), NULL, false, 40, &err);

	CHECK(c == NULL);
	CHECK(err && err->kind == PEA_E_INVALID);
	if (err)
		CHECK_STR(err->msg, "unknown capability 'CAP_BOGUS'");
	pea_err_free(err);
	err = NULL;
	CHECK(caps_normalize("12", &err) == NULL);   /* numbers are not names */
	pea_err_free(err);
	err = NULL;
	{
		char *n = caps_normalize("net_raw", &err);

		CHECK_STR(n, "CAP_NET_RAW");
		free(n);
	}
}

/* Is name allowed unconditionally (an ALLOW rule without args)? */
static bool allows(struct json_object *prof, const char *name)
{
	struct json_object *rules, *names, *action;

	json_object_object_get_ex(prof, "syscalls", &rules);
	for (size_t i = 0; i < json_object_array_length(rules); i++) {
		struct json_object *r = json_object_array_get_idx(rules, i);

		json_object_object_get_ex(r, "action", &action);
		if (strcmp(json_object_get_string(action), "SCMP_ACT_ALLOW") ||
		    json_object_object_get_ex(r, "args", NULL))
			continue;
		json_object_object_get_ex(r, "names", &names);
		for (size_t j = 0; j < json_object_array_length(names); j++)
			if (!strcmp(json_object_get_string(json_object_array_get_idx(names, j)), name))
				return true;
	}
	return false;
}

static bool mentions(struct json_object *prof, const char *name)
{
	const char *s = json_object_to_json_string(prof);
	char *q = xasprintf("\"%s\"", name);
	bool r = strstr(s, q) != NULL;

	free(q);
	return r;
}

TEST(default_seccomp_allow_list)
{
	char **caps = caps_resolve(NULL, NULL, false, 40, NULL);
	struct json_object *p = seccomp_profile_default(caps);
	struct json_object *v;
	static const char *const never[] = {
		"ptrace", "mount", "umount2", "setns", "keyctl", "add_key",
		"request_key", "bpf", "perf_event_open", "kexec_load", "kexec_file_load",
		"init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff",
		"syslog", "acct", "pivot_root", "quotactl", "settimeofday", "clock_settime",
		"open_by_handle_at", "userfaultfd", "lookup_dcookie", "iopl", "ioperm",
		"create_module", "uselib", "vm86", NULL,
	};

	CHECK(allows(p, "read"));
	CHECK(allows(p, "write"));
	CHECK(allows(p, "exit_group"));
	CHECK(allows(p, "chroot"));            /* CAP_SYS_CHROOT is a default cap */
	CHECK(!allows(p, "clone"));            /* only without namespace flags */
	CHECK(mentions(p, "clone"));
	for (int i = 0; never[i]; i++) {
		if (mentions(p, never[i]))
			printf("#   %s is in the default profile\n", never[i]);
		CHECK(!mentions(p, never[i]));
	}
	/* podman's profile lets unshare through (user namespaces need no
	 * capability; the others fail in the kernel without SYS_ADMIN) */
	CHECK(allows(p, "unshare"));
	CHECK(!mentions(p, "bogus_syscall"));
	json_object_object_get_ex(p, "defaultAction", &v);
	CHECK_STR(json_object_get_string(v), "SCMP_ACT_ERRNO");
	json_object_object_get_ex(p, "defaultErrnoRet", &v);
	CHECK_INT(json_object_get_int(v), EPERM);
#if defined(__x86_64__)
	json_object_object_get_ex(p, "architectures", &v);
	CHECK_INT(json_object_array_length(v), 3);
	CHECK(mentions(p, "SCMP_ARCH_X32"));
#endif
	json_object_put(p);
	strv_free(caps);
}

TEST(seccomp_follows_capabilities)
{
	char **caps = caps_resolve(vec(v_add, "SYS_ADMIN", "SYS_PTRACE", NULL), NULL, false, 40, NULL);
	struct json_object *p = seccomp_profile_default(caps);

	CHECK(allows(p, "mount"));
	CHECK(allows(p, "umount2"));
	CHECK(allows(p, "unshare"));
	CHECK(allows(p, "setns"));
	CHECK(allows(p, "clone"));
	CHECK(allows(p, "ptrace"));
	CHECK(!mentions(p, "keyctl"));
	CHECK(!mentions(p, "reboot"));
	json_object_put(p);
	strv_free(caps);
}

TEST(seccomp_unconfined_and_files)
{
	struct pea_err *err = NULL;
	struct json_object *p = (void *)1;
	char dir[] = "/tmp/test-seccomp-XXXXXX";
	char *path;
	const char *moby =
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"archMap\":[{\"architecture\":"
		"\"SCMP_ARCH_X86_64\",\"subArchitectures\":[\"SCMP_ARCH_X86\"]},{\"architecture\":"
		"\"SCMP_ARCH_AARCH64\",\"subArchitectures\":[\"SCMP_ARCH_ARM\"]}],\"syscalls\":["
		"{\"names\":[\"read\",\"write\",\"no_such_call\"],\"action\":\"SCMP_ACT_ALLOW\",\"comment\":\"x\"},"
		"{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}},"
		"{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"caps\":[\"CAP_CHOWN\"]}}]}";

	CHECK_INT(seccomp_profile_for("unconfined", NULL, &p, &err), 0);
	CHECK(p == NULL);
	CHECK(mkdtemp(dir) != NULL);
	path = xasprintf("%s/p.json", dir);
	CHECK_INT(io_write_file_atomic(path, moby, strlen(moby), 0644, NULL), 0);
	{
		char **caps = caps_resolve(NULL, NULL, false, 40, NULL);

		CHECK_INT(seccomp_profile_for(path, caps, &p, &err), 0);
		CHECK(p && allows(p, "read"));
		CHECK(p && !mentions(p, "no_such_call"));
		CHECK(p && !mentions(p, "mount"));
		CHECK(p && !mentions(p, "getpid"));
		CHECK(p && !mentions(p, "comment"));
		CHECK(p && !mentions(p, "archMap"));
#if defined(__x86_64__)
		CHECK(p && mentions(p, "SCMP_ARCH_X86") && !mentions(p, "SCMP_ARCH_AARCH64"));
#endif
		json_object_put(p);
		strv_free(caps);
	}
	CHECK_INT(io_write_file_atomic(path, "{\"x\":", 5, 0644, NULL), 0);
	CHECK_INT(seccomp_profile_for(path, NULL, &p, &err), -1);
	CHECK(err && strstr(err->msg, "parse seccomp profile"));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(seccomp_profile_for("/nonexistent/p.json", NULL, &p, &err), -1);
	CHECK(err != NULL);
	pea_err_free(err);
	unlink(path);
	rmdir(dir);
	free(path);
}

int main(void)
{
	RUN(default_caps_are_podmans);
	RUN(cap_add_drop_any_spelling);
	RUN(drop_all_then_add);
	RUN(all_caps_limited_by_host);
	RUN(unknown_cap_is_an_error);
	RUN(default_seccomp_allow_list);
	RUN(seccomp_follows_capabilities);
	RUN(seccomp_unconfined_and_files);
	return tap_done();
}
