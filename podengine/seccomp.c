/* Seccomp profiles (see seccomp.h).  The default list follows moby's
 * profiles/seccomp/default.json and containers-common's seccomp.json. */
#include <errno.h>
#include <seccomp.h>
#include <stdbool.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/io.h"
#include "base/json.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "podengine/caps.h"
#include "podengine/seccomp.h"

#include "base/banned.h"

static const char *const allowed[] = {
	"accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "cachestat",
	"capget", "capset", "chdir", "chmod", "chown", "chown32", "clock_adjtime",
	"clock_adjtime64", "clock_getres", "clock_getres_time64", "clock_gettime",
	"clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "close",
	"close_range", "connect", "copy_file_range", "creat", "dup", "dup2", "dup3",
	"epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait",
	"epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "execve",
	"execveat", "exit", "exit_group", "faccessat", "faccessat2", "fadvise64",
	"fadvise64_64", "fallocate", "fanotify_mark", "fchdir", "fchmod", "fchmodat",
	"fchmodat2", "fchown", "fchown32", "fchownat", "fcntl", "fcntl64", "fdatasync",
	"fgetxattr", "flistxattr", "flock", "fork", "fremovexattr", "fsetxattr", "fstat",
	"fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate",
	"ftruncate64", "futex", "futex_requeue", "futex_time64", "futex_wait",
	"futex_waitv", "futex_wake", "futimesat", "getcpu", "getcwd", "getdents",
	"getdents64", "getegid", "getegid32", "geteuid", "geteuid32", "getgid",
	"getgid32", "getgroups", "getgroups32", "getitimer", "getpeername", "getpgid",
	"getpgrp", "getpid", "getppid", "getpriority", "getrandom", "getresgid",
	"getresgid32", "getresuid", "getresuid32", "getrlimit", "get_robust_list",
	"getrusage", "getsid", "getsockname", "getsockopt", "get_thread_area", "gettid",
	"gettimeofday", "getuid", "getuid32", "getxattr", "inotify_add_watch",
	"inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel", "ioctl",
	"io_destroy", "io_getevents", "io_pgetevents", "io_pgetevents_time64",
	"ioprio_get", "ioprio_set", "io_setup", "io_submit", "ipc", "kill",
	"landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self",
	"lchown", "lchown32", "lgetxattr", "link", "linkat", "listen", "listxattr",
	"llistxattr", "_llseek", "lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64",
	"madvise", "map_shadow_stack", "membarrier", "memfd_create", "memfd_secret",
	"mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock", "mlock2", "mlockall",
	"mmap", "mmap2", "mprotect", "mq_getsetattr", "mq_notify", "mq_open",
	"mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend",
	"mq_timedsend_time64", "mq_unlink", "mremap", "msgctl", "msgget", "msgrcv",
	"msgsnd", "msync", "munlock", "munlockall", "munmap", "nanosleep", "newfstatat",
	"_newselect", "open", "openat", "openat2", "pause", "pidfd_open",
	"pidfd_send_signal", "pipe", "pipe2", "pkey_alloc", "pkey_free", "pkey_mprotect",
	"poll", "ppoll", "ppoll_time64", "prctl", "pread64", "preadv", "preadv2",
	"prlimit64", "process_mrelease", "pselect6", "pselect6_time64", "pwrite64",
	"pwritev", "pwritev2", "read", "readahead", "readlink", "readlinkat", "readv",
	"recv", "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg", "remap_file_pages",
	"removexattr", "rename", "renameat", "renameat2", "restart_syscall", "rmdir",
	"rseq", "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo",
	"rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64",
	"rt_tgsigqueueinfo", "sched_getaffinity", "sched_getattr", "sched_getparam",
	"sched_get_priority_max", "sched_get_priority_min", "sched_getscheduler",
	"sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_setaffinity",
	"sched_setattr", "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp",
	"select", "semctl", "semget", "semop", "semtimedop", "semtimedop_time64", "send",
	"sendfile", "sendfile64", "sendmmsg", "sendmsg", "sendto", "setfsgid",
	"setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups",
	"setgroups32", "setitimer", "setpgid", "setpriority", "setregid", "setregid32",
	"setresgid", "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32",
	"setrlimit", "set_robust_list", "setsid", "setsockopt", "set_thread_area",
	"set_tid_address", "setuid", "setuid32", "setxattr", "shmat", "shmctl", "shmdt",
	"shmget", "shutdown", "sigaltstack", "signalfd", "signalfd4", "sigprocmask",
	"sigreturn", "socketcall", "socketpair", "splice", "stat", "stat64", "statfs",
	"statfs64", "statx", "symlink", "symlinkat", "sync", "sync_file_range", "syncfs",
	"sysinfo", "tee", "tgkill", "time", "timer_create", "timer_delete",
	"timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime",
	"timer_settime64", "timerfd_create", "timerfd_gettime", "timerfd_gettime64",
	"timerfd_settime", "timerfd_settime64", "times", "tkill", "truncate",
	"truncate64", "ugetrlimit", "umask", "uname", "unshare", "unlink", "unlinkat", "utime",
	"utimensat", "utimensat_time64", "utimes", "vfork", "vmsplice", "wait4", "waitid",
	"waitpid", "write", "writev",
#if defined(__x86_64__) || defined(__i386__)
	"arch_prctl", "modify_ldt",
#elif defined(__aarch64__) || defined(__arm__)
	"arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint",
	"cacheflush", "set_tls",
#endif
	NULL,
};

/* System calls allowed only with a capability. */
static const struct {
	const char *cap;
	const char *const names[24];
} by_cap[] = {
	{ "CAP_DAC_READ_SEARCH", { "open_by_handle_at" } },
	{ "CAP_SYS_ADMIN", { "bpf", "clone", "clone3", "fanotify_init", "fsconfig",
			     "fsmount", "fsopen", "fspick", "lookup_dcookie", "mount",
			     "mount_setattr", "move_mount", "name_to_handle_at", "open_tree",
			     "perf_event_open", "quotactl", "quotactl_fd", "setdomainname",
			     "sethostname", "setns", "syslog", "umount", "umount2" } },
	{ "CAP_SYS_BOOT", { "reboot", "kexec_load", "kexec_file_load" } },
	{ "CAP_SYS_CHROOT", { "chroot" } },
	{ "CAP_SYS_MODULE", { "delete_module", "init_module", "finit_module" } },
	{ "CAP_SYS_PACCT", { "acct" } },
	{ "CAP_SYS_PTRACE", { "kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv",
			      "process_vm_writev", "ptrace" } },
	{ "CAP_SYS_RAWIO", { "iopl", "ioperm" } },
	{ "CAP_SYS_TIME", { "settimeofday", "stime", "clock_settime", "clock_settime64" } },
	{ "CAP_SYS_TTY_CONFIG", { "vhangup" } },
	{ "CAP_SYS_NICE", { "get_mempolicy", "mbind", "set_mempolicy",
			    "set_mempolicy_home_node" } },
	{ "CAP_SYSLOG", { "syslog" } },
	{ "CAP_SYS_RESOURCE", { "swapon", "swapoff" } },
	{ "CAP_BPF", { "bpf" } },
	{ "CAP_PERFMON", { "perf_event_open" } },
};

static const char *const arches[] = {
#if defined(__x86_64__)
	"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32",
#elif defined(__i386__)
	"SCMP_ARCH_X86",
#elif defined(__aarch64__)
	"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM",
#elif defined(__arm__)
	"SCMP_ARCH_ARM",
#endif
	NULL,
};

/* personality(2) values a container may set (linux32, ...). */
static const unsigned long personalities[] = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff };

#define AF_VSOCK_NR 40
/* CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET, as moby */
#define CLONE_NS_FLAGS 0x7E020000UL

static bool known_syscall(const char *name)
{
	return seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR;
}

static void add_names(struct json_object *arr, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n && names[i]; i++)
		if (known_syscall(names[i]))
			json_object_array_add(arr, json_object_new_string(names[i]));
}

static struct json_object *arg(unsigned idx, unsigned long value, unsigned long value2,
			       const char *op)
{
	struct json_object *a = json_object_new_object();

	json_object_object_add(a, "index", json_object_new_int((int)idx));
	json_object_object_add(a, "value", json_object_new_uint64(value));
	json_object_object_add(a, "valueTwo", json_object_new_uint64(value2));
	json_object_object_add(a, "op", json_object_new_string(op));
	return a;
}

/* {"names": [name], "action": action, "args": [a]} (a may be NULL) */
static struct json_object *rule(struct json_object *names, const char *action,
				struct json_object *a)
{
	struct json_object *r = json_object_new_object();

	json_object_object_add(r, "names", names);
	json_object_object_add(r, "action", json_object_new_string(action));
	if (a) {
		struct json_object *args = json_object_new_array();

		json_object_array_add(args, a);
		json_object_object_add(r, "args", args);
	}
	return r;
}

static struct json_object *one_name(const char *name)
{
	struct json_object *n = json_object_new_array();

	json_object_array_add(n, json_object_new_string(name));
	return n;
}

static void add_conditional(struct json_object *rules, char *const *caps)
{
	struct json_object *r;
	size_t i;

	for (i = 0; i < sizeof(personalities) / sizeof(personalities[0]); i++)
		json_object_array_add(rules, rule(one_name("personality"), "SCMP_ACT_ALLOW",
						  arg(0, personalities[i], 0, "SCMP_CMP_EQ")));
	/* sockets of every family but vsock, which reaches the hypervisor */
	json_object_array_add(rules, rule(one_name("socket"), "SCMP_ACT_ALLOW",
					  arg(0, AF_VSOCK_NR, 0, "SCMP_CMP_NE")));
	if (!caps_has(caps, "CAP_SYS_ADMIN")) {
		json_object_array_add(rules,
				      rule(one_name("clone"), "SCMP_ACT_ALLOW",
					   arg(0, CLONE_NS_FLAGS, 0, "SCMP_CMP_MASKED_EQ")));
		/* clone3 flags live in memory seccomp cannot see: ENOSYS makes
		 * libc fall back to clone, which is filtered above */
		if (known_syscall("clone3")) {
			r = rule(one_name("clone3"), "SCMP_ACT_ERRNO", NULL);
			json_object_object_add(r, "errnoRet", json_object_new_int(ENOSYS));
			json_object_array_add(rules, r);
		}
	}
	for (i = 0; i < sizeof(by_cap) / sizeof(by_cap[0]); i++) {
		struct json_object *names;

		if (!caps_has(caps, by_cap[i].cap))
			continue;
		names = json_object_new_array();
		add_names(names, by_cap[i].names, sizeof(by_cap[i].names) / sizeof(char *));
		if (json_object_array_length(names) > 0)
			json_object_array_add(rules, rule(names, "SCMP_ACT_ALLOW", NULL));
		else
			json_object_put(names);
	}
}

static struct json_object *string_array(const char *const *v)
{
	struct json_object *a = json_object_new_array();

	for (; *v; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

struct json_object *seccomp_profile_default(char *const *caps)
{
	struct json_object *p = json_object_new_object();
	struct json_object *rules = json_object_new_array();
	struct json_object *names = json_object_new_array();

	json_object_object_add(p, "defaultAction", json_object_new_string("SCMP_ACT_ERRNO"));
	json_object_object_add(p, "defaultErrnoRet", json_object_new_int(EPERM));
	json_object_object_add(p, "architectures", string_array(arches));
	add_names(names, allowed, sizeof(allowed) / sizeof(allowed[0]));
	json_object_array_add(rules, rule(names, "SCMP_ACT_ALLOW", NULL));
	add_conditional(rules, caps);
	json_object_object_add(p, "syscalls", rules);
	return p;
}

#if defined(__x86_64__)
#define GO_ARCH "amd64"
#define NATIVE_SCMP "SCMP_ARCH_X86_64"
#elif defined(__aarch64__)
#define GO_ARCH "arm64"
#define NATIVE_SCMP "SCMP_ARCH_AARCH64"
#elif defined(__i386__)
#define GO_ARCH "386"
#define NATIVE_SCMP "SCMP_ARCH_X86"
#else
#define GO_ARCH "unknown"
#define NATIVE_SCMP "unknown"
#endif

static bool array_has(struct json_object *arr, const char *s)
{
	size_t n = json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;

	for (size_t i = 0; i < n; i++) {
		const char *v = json_object_get_string(json_object_array_get_idx(arr, i));

		if (v && !strcmp(v, s))
			return true;
	}
	return false;
}

/* moby's includes/excludes: include needs every listed cap and this arch;
 * exclude drops the rule on any listed cap or this arch. */
static bool rule_applies(struct json_object *r, char *const *caps)
{
	struct json_object *inc = NULL, *exc = NULL, *v;
	size_t i, n;

	if (json_object_object_get_ex(r, "includes", &inc)) {
		if (json_object_object_get_ex(inc, "caps", &v) && json_object_is_type(v, json_type_array))
			for (i = 0, n = json_object_array_length(v); i < n; i++)
				if (!caps_has(caps, json_object_get_string(json_object_array_get_idx(v, i))))
					return false;
		if (json_object_object_get_ex(inc, "arches", &v) &&
		    json_object_array_length(v) > 0 && !array_has(v, GO_ARCH))
			return false;
	}
	if (json_object_object_get_ex(r, "excludes", &exc)) {
		if (json_object_object_get_ex(exc, "caps", &v) && json_object_is_type(v, json_type_array))
			for (i = 0, n = json_object_array_length(v); i < n; i++)
				if (caps_has(caps, json_object_get_string(json_object_array_get_idx(v, i))))
					return false;
		if (json_object_object_get_ex(exc, "arches", &v) && array_has(v, GO_ARCH))
			return false;
	}
	return true;
}

/* One syscalls[] entry in OCI form, or NULL when it does not apply. */
static struct json_object *convert_rule(struct json_object *r, char *const *caps)
{
	struct json_object *out, *names, *v;

	if (!json_object_is_type(r, json_type_object) || !rule_applies(r, caps))
		return NULL;
	out = json_object_new_object();
	names = json_object_new_array();
	if (json_object_object_get_ex(r, "name", &v) && json_object_get_string(v) &&
	    known_syscall(json_object_get_string(v)))
		json_object_array_add(names, json_object_new_string(json_object_get_string(v)));
	if (json_object_object_get_ex(r, "names", &v) && json_object_is_type(v, json_type_array))
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			const char *s = json_object_get_string(json_object_array_get_idx(v, i));

			if (s && known_syscall(s))
				json_object_array_add(names, json_object_new_string(s));
		}
	json_object_object_add(out, "names", names);
	json_object_object_foreach(r, key, val) {
		if (!strcmp(key, "name") || !strcmp(key, "names") || !strcmp(key, "comment") ||
		    !strcmp(key, "includes") || !strcmp(key, "excludes"))
			continue;
		json_object_object_add(out, key, json_object_get(val));
	}
	if (json_object_array_length(names) == 0) {
		json_object_put(out);
		return NULL;
	}
	return out;
}

static struct json_object *arches_from_map(struct json_object *map)
{
	struct json_object *out = json_object_new_array(), *v;

	for (size_t i = 0; i < json_object_array_length(map); i++) {
		struct json_object *e = json_object_array_get_idx(map, i);

		if (!json_object_object_get_ex(e, "architecture", &v) ||
		    strcmp(json_object_get_string(v), NATIVE_SCMP))
			continue;
		json_object_array_add(out, json_object_get(v));
		if (json_object_object_get_ex(e, "subArchitectures", &v) &&
		    json_object_is_type(v, json_type_array))
			for (size_t j = 0; j < json_object_array_length(v); j++)
				json_object_array_add(out, json_object_get(json_object_array_get_idx(v, j)));
	}
	return out;
}

struct json_object *seccomp_profile_load(const char *path, char *const *caps,
					 struct pea_err **err)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	cleanup_json struct json_object *in = NULL;
	struct json_object *out, *v, *rules;
	enum json_tokener_error jerr;

	if (io_read_file(path, &sb, err) < 0)
		return NULL;
	in = json_tokener_parse_verbose(sb.buf, &jerr);
	if (!in || !json_object_is_type(in, json_type_object)) {
		pea_err_setk(err, PEA_E_INVALID, 0, "parse seccomp profile '%s': %s", path,
			     in ? "not a JSON object" : json_tokener_error_desc(jerr));
		return NULL;
	}
	if (!json_object_object_get_ex(in, "defaultAction", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		pea_err_setk(err, PEA_E_INVALID, 0, "seccomp profile '%s': no defaultAction", path);
		return NULL;
	}
	out = json_object_new_object();
	json_object_object_foreach(in, key, val) {
		if (!strcmp(key, "archMap") || !strcmp(key, "syscalls"))
			continue;
		json_object_object_add(out, key, json_object_get(val));
	}
	if (json_object_object_get_ex(in, "archMap", &v) && json_object_is_type(v, json_type_array) &&
	    !json_object_object_get_ex(in, "architectures", NULL))
		json_object_object_add(out, "architectures", arches_from_map(v));
	rules = json_object_new_array();
	if (json_object_object_get_ex(in, "syscalls", &v) && json_object_is_type(v, json_type_array))
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			struct json_object *r = convert_rule(json_object_array_get_idx(v, i), caps);

			if (r)
				json_object_array_add(rules, r);
		}
	json_object_object_add(out, "syscalls", rules);
	return out;
}

int seccomp_profile_for(const char *profile, char *const *caps, struct json_object **out,
			struct pea_err **err)
{
	*out = NULL;
	if (profile && !strcmp(profile, "unconfined"))
		return 0;
	if (!profile || !*profile || !strcmp(profile, "default")) {
		*out = seccomp_profile_default(caps);
		return 0;
	}
	*out = seccomp_profile_load(profile, caps, err);
	if (!*out)
		return pea_err_wrap(err, "load seccomp profile");
	return 0;
}
