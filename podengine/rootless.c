/* Rootless user namespace and its pause process (see rootless.h). */
#include "podengine/rootless.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <json-c/json.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/idmap.h"
#include "base/io.h"
#include "base/lockfile.h"
#include "base/parse.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include "base/banned.h"

#define PAUSE_COMM "peapod-userns"

int rootless_parse_subid(const char *text, const char *name, uint32_t id,
			 struct rootless_range *out, struct pea_err **err)
{
	const char *line = text;
	char idbuf[16];

	snprintf(idbuf, sizeof(idbuf), "%u", (unsigned)id);
	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		cleanup_free char *l = xstrndup(line, len);
		char *c1 = strchr(l, ':'), *c2;
		int64_t start, count;

		line = end ? end + 1 : NULL;
		if (!*l || *l == '#' || !c1)
			continue;
		*c1++ = '\0';
		if ((!name || strcmp(l, name)) && strcmp(l, idbuf))
			continue;
		c2 = strchr(c1, ':');
		if (!c2)
			return pea_err_setk(err, PEA_E_INVALID, 0, "bad line for '%s': '%s:%s'", l,
					    l, c1);
		*c2++ = '\0';
		if (parse_i64(c1, 0, UINT32_MAX, &start, NULL, NULL) < 0 ||
		    parse_i64(c2, 1, UINT32_MAX, &count, NULL, NULL) < 0 ||
		    start + count > (int64_t)UINT32_MAX)
			return pea_err_setk(err, PEA_E_INVALID, 0, "bad range '%s:%s' for '%s'", c1,
					    c2, l);
		out->start = (uint32_t)start;
		out->count = (uint32_t)count;
		return 1;
	}
	return 0;
}

bool rootless_single_mapping(void)
{
	struct idmap_range r[2];

	return idmap_read("/proc/self/uid_map", r, 2) == 1 && r[0].count == 1;
}

bool rootless_gid_mapped(gid_t gid)
{
	return idmap_maps("/proc/self/gid_map", (uint32_t)gid);
}

bool rootless_in_userns(void)
{
	return idmap_is_userns("/proc/self/uid_map");
}

/* Dead but not yet reaped (or gone). */
static bool proc_is_zombie(pid_t pid)
{
	char path[64];
	cleanup_strbuf struct strbuf st = STRBUF_INIT;
	const char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (io_read_file(path, &st, NULL) < 0)
		return true;
	p = strrchr(st.buf, ')');
	return !p || !p[1] || p[2] == 'Z' || p[2] == 'X';
}

/* Is pid our pause process: comm peapod-userns, owned by uid, in a user
 * namespace other than the initial one? */
static bool is_our_pause(pid_t pid, uid_t uid)
{
	char path[64];
	cleanup_strbuf struct strbuf comm = STRBUF_INIT;
	struct stat st;

	if (pid <= 1)
		return false;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	if (stat(path, &st) < 0 || st.st_uid != uid)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if (io_read_file(path, &comm, NULL) < 0)
		return false;
	strbuf_rtrim(&comm);
	if (strcmp(comm.buf, PAUSE_COMM))
		return false;
	if (proc_is_zombie(pid))
		return false;   /* killed; PID 1 reaps it when it gets round to it */
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	return idmap_is_userns(path);
}

static char *pidfile_path(struct pea_ctx *ctx)
{
	return path_join(ctx->runroot, "pause.pid");
}

pid_t rootless_pause_pid(struct pea_ctx *ctx)
{
	cleanup_free char *pf = pidfile_path(ctx);
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	int64_t v;

	if (io_read_file(pf, &sb, NULL) < 0)
		return 0;
	strbuf_rtrim(&sb);
	if (parse_i64(sb.buf, 2, 4194304, &v, NULL, NULL) < 0)
		return 0;
	/* inside the namespace the user's uid reads as 0 */
	return is_our_pause((pid_t)v, ctx->in_userns ? 0 : ctx->uid) ? (pid_t)v : 0;
}

/* Run argv, wait; 0 when it exits 0. */
static int run_helper(char *const argv[], struct pea_err **err)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return pea_err_set(err, errno, "fork");
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return pea_err_set(err, errno, "wait for %s", argv[0]);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return pea_err_set(err, 0, "cannot run %s (install the uidmap package)", argv[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return pea_err_set(err, 0, "%s failed (status %d)", argv[0],
				   WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}

static int subid_range(const char *file, const char *name, uint32_t id,
		       struct rootless_range *r, struct pea_err **err)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	struct pea_err *e = NULL;

	if (io_read_file(file, &sb, &e) < 0) {
		if (e->errnum == ENOENT) {
			pea_err_free(e);
			return 0;
		}
		return pea_err_pass(err, e);
	}
	if (rootless_parse_subid(sb.buf, name, id, r, err) < 0)
		return pea_err_wrap(err, "%s", file);
	return r->count ? 1 : 0;
}

/* Map the ids of the fresh user namespace of pid.  Writes the single-id
 * fallback itself; newuidmap/newgidmap otherwise. */
static int map_ids(struct pea_ctx *ctx, pid_t pid, struct pea_err **err)
{
	struct passwd *pw = getpwuid(ctx->uid);
	const char *name = pw ? pw->pw_name : NULL;
	struct rootless_range ur = { 0 }, gr = { 0 };
	gid_t gid = getegid();
	int hu, hg;

	hu = subid_range("/etc/subuid", name, ctx->uid, &ur, err);
	if (hu < 0)
		return -1;
	hg = subid_range("/etc/subgid", name, gid, &gr, err);
	if (hg < 0)
		return -1;
	if (hu && hg) {
		char spid[16], suid[16], sgid[16], us[16], uc[16], gs[16], gc[16];
		char *uargv[] = { "newuidmap", spid, "0", suid, "1", "1", us, uc, NULL };
		char *gargv[] = { "newgidmap", spid, "0", sgid, "1", "1", gs, gc, NULL };

		snprintf(spid, sizeof(spid), "%d", (int)pid);
		snprintf(suid, sizeof(suid), "%u", (unsigned)ctx->uid);
		snprintf(sgid, sizeof(sgid), "%u", (unsigned)gid);
		snprintf(us, sizeof(us), "%u", ur.start);
		snprintf(uc, sizeof(uc), "%u", ur.count);
		snprintf(gs, sizeof(gs), "%u", gr.start);
		snprintf(gc, sizeof(gc), "%u", gr.count);
		if (run_helper(uargv, err) < 0 || run_helper(gargv, err) < 0)
			return pea_err_wrap(err, "map the ids of the user namespace");
		return 0;
	}
	log_warn(&ctx->log,
		 "no subordinate id range for user %s in %s: using a single uid/gid mapping "
		 "(container root = you, no other ids: files of images owned by other ids become "
		 "root's). "
		 "Add ranges with: usermod --add-subuids 100000-165535 --add-subgids "
		 "100000-165535 %s",
		 name ? name : "?", !hu ? "/etc/subuid" : "/etc/subgid", name ? name : "USER");
	{
		char path[64], map[64];

		snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
		if (io_write_existing(path, "deny", err) < 0)
			return -1;
		snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
		snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)ctx->uid);
		if (io_write_existing(path, map, err) < 0)
			return -1;
		snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
		snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
		if (io_write_existing(path, map, err) < 0)
			return -1;
	}
	return 0;
}

/* What every pause process ends in: detached from the caller's session and
 * descriptors, asleep until SIGTERM.  Says "r" on ready_fd first. */
__attribute__((noreturn)) static void pause_sleep(int ready_fd)
{
	sigset_t all;
	int null;

	(void)prctl(PR_SET_NAME, PAUSE_COMM, 0, 0, 0);
	(void)prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	if (setsid() < 0)
		_exit(14);
	if (chdir("/") < 0)
		_exit(15);
	if (xwrite_all(ready_fd, "r", 1) < 0)
		_exit(16);
	close(ready_fd);
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	sigfillset(&all);
	sigdelset(&all, SIGTERM);
	sigdelset(&all, SIGKILL);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGTERM, SIG_DFL);
	for (;;)
		pause();
}

/* The pause process: fds 3 (to parent) and 4 (from parent). */
__attribute__((noreturn)) static void pause_main(void)
{
	char c = 0;

	if (unshare(CLONE_NEWUSER) < 0)
		_exit(10);
	if (xwrite_all(3, "u", 1) < 0 || xread_full(4, &c, 1) != 1 || c != 'm')
		_exit(11);
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		_exit(12);
	if (unshare(CLONE_NEWNS) < 0)
		_exit(13);
	/* The copy of the host's mounts is a slave of it already (a less
	 * privileged mount namespace); say so: nothing mounted here goes back. */
	(void)mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL);
	close(4);
	pause_sleep(3);
}

/* A new pause process in the namespaces this process is in (after joining
 * those of a container monitor whose pause process is gone). */
static pid_t start_pause_here(struct pea_err **err)
{
	int ready[2];
	pid_t pid;
	char c = 0;

	if (pipe2(ready, O_CLOEXEC) < 0)
		return pea_err_set(err, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		close(ready[0]);
		close(ready[1]);
		return pea_err_set(err, errno, "fork");
	}
	if (pid == 0) {
		if (dup2(ready[1], 100) < 0 || dup2(100, 3) < 0)
			_exit(9);
		close_range(4, ~0U, 0);
		pause_sleep(3);
	}
	close(ready[1]);
	if (xread_full(ready[0], &c, 1) != 1 || c != 'r') {
		close(ready[0]);
		kill(pid, SIGKILL);
		return pea_err_set(err, 0, "start a new pause process");
	}
	close(ready[0]);
	return pid;
}

/* A peapod-conmon of this user and run root still in the user namespace
 * (its --exit-dir is <runroot>/exits): the namespaces outlive a killed
 * pause process as long as such a monitor runs.  0 when none. */
static pid_t find_ns_holder(struct pea_ctx *ctx)
{
	cleanup_free char *exits = path_join(ctx->runroot, "exits");
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t found = 0;

	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		char path[64];
		cleanup_strbuf struct strbuf comm = STRBUF_INIT;
		cleanup_strbuf struct strbuf cmd = STRBUF_INIT;
		struct stat st;
		const char *a, *end;
		int64_t pid;

		if (parse_i64(de->d_name, 2, 4194304, &pid, NULL, NULL) < 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d", (int)pid);
		if (stat(path, &st) < 0 || st.st_uid != ctx->uid)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		if (io_read_file(path, &comm, NULL) < 0)
			continue;
		strbuf_rtrim(&comm);
		snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
		if (strcmp(comm.buf, "peapod-conmon") || !idmap_is_userns(path))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
		if (io_read_file(path, &cmd, NULL) < 0)
			continue;
		for (a = cmd.buf, end = cmd.buf + cmd.len; a < end; a += strlen(a) + 1) {
			if (!strcmp(a, "--exit-dir") && a + strlen(a) + 1 < end &&
			    !strcmp(a + strlen(a) + 1, exits)) {
				found = (pid_t)pid;
				break;
			}
		}
	}
	closedir(d);
	return found;
}

static pid_t start_pause(struct pea_ctx *ctx, struct pea_err **err)
{
	int up[2] = { -1, -1 }, down[2] = { -1, -1 };
	pid_t pid;
	char c = 0;
	int status;

	if (pipe2(up, O_CLOEXEC) < 0 || pipe2(down, O_CLOEXEC) < 0) {
		pea_err_set(err, errno, "pipe");
		goto fail_fds;
	}
	pid = fork();
	if (pid < 0) {
		pea_err_set(err, errno, "fork");
		goto fail_fds;
	}
	if (pid == 0) {
		/* Keep only the two pipe ends as fds 3 and 4: the pause must not hold
		 * the caller's lock, stdout or anything else. */
		if (dup2(up[1], 100) < 0 || dup2(down[0], 101) < 0 || dup2(100, 3) < 0 ||
		    dup2(101, 4) < 0)
			_exit(9);
		close_range(5, ~0U, 0);
		pause_main();
	}
	close(up[1]);
	close(down[0]);
	up[1] = down[0] = -1;
	if (xread_full(up[0], &c, 1) != 1 || c != 'u') {
		pea_err_set(err, 0, "create a user namespace (is user.max_user_namespaces 0, or "
			    "unprivileged user namespaces disabled?)");
		goto fail_child;
	}
	if (map_ids(ctx, pid, err) < 0)
		goto fail_child;
	if (xwrite_all(down[1], "m", 1) < 0 || xread_full(up[0], &c, 1) != 1 || c != 'r') {
		pea_err_set(err, 0, "set up the rootless mount namespace");
		goto fail_child;
	}
	close(up[0]);
	close(down[1]);
	return pid;

fail_child:
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
fail_fds:
	if (up[0] >= 0)
		close(up[0]);
	if (up[1] >= 0)
		close(up[1]);
	if (down[0] >= 0)
		close(down[0]);
	if (down[1] >= 0)
		close(down[1]);
	return -1;
}

static int join(pid_t pid, struct pea_err **err)
{
	char path[64];
	cleanup_close int ufd = -1;
	cleanup_close int mfd = -1;
	cleanup_free char *cwd = getcwd(NULL, 0);

	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	ufd = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	mfd = open(path, O_RDONLY | O_CLOEXEC);
	if (ufd < 0 || mfd < 0)
		return pea_err_set(err, errno, "open the namespaces of the pause process %d",
				   (int)pid);
	if (setns(ufd, CLONE_NEWUSER) < 0)
		return pea_err_set(err, errno, "join the user namespace of process %d", (int)pid);
	if (setns(mfd, CLONE_NEWNS) < 0)
		return pea_err_set(err, errno, "join the mount namespace of process %d", (int)pid);
	/* setns(CLONE_NEWNS) moved us to the namespace's root: come back. */
	if (!cwd || chdir(cwd) < 0)
		(void)!chdir("/");
	(void)setgroups(0, NULL);   /* refused after a single-id mapping: fine */
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return pea_err_set(err, errno, "become root of the user namespace");
	return 0;
}

/* The run root may sit in a world-writable place (/tmp without logind):
 * refuse one that somebody else made for us. */
static int check_owned(struct pea_ctx *ctx, const char *dir, struct pea_err **err)
{
	struct stat st;

	if (lstat(dir, &st) < 0)
		return pea_err_set(err, errno, "stat '%s'", dir);
	if (!S_ISDIR(st.st_mode) || st.st_uid != ctx->uid)
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "'%s' is not a directory owned by uid %u: remove it or "
				    "pass --runroot", dir, (unsigned)ctx->uid);
	if ((st.st_mode & 077) && chmod(dir, 0700) < 0)
		return pea_err_set(err, errno, "chmod '%s'", dir);
	return 0;
}

int rootless_enter(struct pea_ctx *ctx, struct pea_err **err)
{
	cleanup_free char *lockp = NULL;
	cleanup_free char *pf = NULL;
	cleanup_close int lock = -1;
	char buf[32];
	pid_t pid, holder;
	bool fresh;

	if (!ctx->rootless || ctx->in_userns)
		return 0;
	if (io_mkdir_p(ctx->runroot, 0700, err) < 0 || io_mkdir_p(ctx->root, 0700, err) < 0)
		return -1;
	if (check_owned(ctx, ctx->runroot, err) < 0)
		return pea_err_wrap(err, "run root");
	lockp = path_join(ctx->runroot, "pause.lock");
	lock = lockfile_lock(lockp, err);
	if (lock < 0)
		return -1;
	pid = rootless_pause_pid(ctx);
	fresh = !pid;
	holder = pid ? 0 : find_ns_holder(ctx);
	if (holder) {
		/* The pause process died (killed) while containers run: their
		 * monitors keep the namespaces; join those and keep them anew. */
		if (join(holder, err) < 0)
			return pea_err_wrap(err, "rootless");
		pid = start_pause_here(err);
		if (pid < 0)
			return pea_err_wrap(err, "rootless");
		log_warn(&ctx->log, "the pause process of %s was gone: joined the namespaces of "
			 "container monitor %d and started a new one (%d)", ctx->runroot,
			 (int)holder, (int)pid);
	} else if (!pid) {
		pid = start_pause(ctx, err);
		if (pid < 0)
			return pea_err_wrap(err, "rootless");
		log_debug(&ctx->log, "rootless: pause process %d", (int)pid);
	}
	if (fresh) {
		pf = pidfile_path(ctx);
		snprintf(buf, sizeof(buf), "%d\n", (int)pid);
		if (io_write_file_atomic(pf, buf, strlen(buf), 0600, err) < 0) {
			kill(pid, SIGKILL);
			return -1;
		}
	}
	if (!holder && join(pid, err) < 0)
		return pea_err_wrap(err, "rootless");
	snprintf(buf, sizeof(buf), "%u", (unsigned)ctx->uid);
	setenv(ROOTLESS_ENV_UID, buf, 1);
	ctx->in_userns = true;
	return 0;
}

int rootless_stop_pause(struct pea_ctx *ctx, struct pea_err **err)
{
	cleanup_free char *pf = pidfile_path(ctx);
	pid_t pid = rootless_pause_pid(ctx);
	int i;

	if (pid > 0 && kill(pid, SIGTERM) < 0 && errno != ESRCH)
		return pea_err_set(err, errno, "stop the pause process %d", (int)pid);
	/* It is not our child: wait until it is gone or a zombie. */
	for (i = 0; pid > 0 && i < 200 && !proc_is_zombie(pid); i++)
		nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
	if (unlink(pf) < 0 && errno != ENOENT)
		return pea_err_set(err, errno, "remove '%s'", pf);
	return 0;
}

static struct json_object *map_json(const char *file)
{
	struct idmap_range r[IDMAP_MAX];
	struct json_object *arr = json_object_new_array();
	int n = idmap_read(file, r, IDMAP_MAX), i;

	for (i = 0; i < n; i++) {
		struct json_object *m = json_object_new_object();

		json_object_object_add(m, "container_id", json_object_new_int64(r[i].inside));
		json_object_object_add(m, "host_id", json_object_new_int64(r[i].outside));
		json_object_object_add(m, "size", json_object_new_int64(r[i].count));
		json_object_array_add(arr, m);
	}
	return arr;
}

struct json_object *rootless_id_mappings_json(void)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "uidmap", map_json("/proc/self/uid_map"));
	json_object_object_add(o, "gidmap", map_json("/proc/self/gid_map"));
	return o;
}

char *rootless_cgroup_delegated(void)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	cleanup_free char *dir = NULL;
	cleanup_free char *ctl = NULL;
	const char *p;
	struct stat st;

	if (stat("/sys/fs/cgroup/cgroup.controllers", &st) < 0)
		return NULL;   /* not the unified hierarchy at /sys/fs/cgroup: v1 */
	if (io_read_file("/proc/self/cgroup", &sb, NULL) < 0)
		return NULL;
	p = strstr(sb.buf, "0::");
	if (!p || (p != sb.buf && p[-1] != '\n'))
		return NULL;
	p += 3;
	dir = xstrndup(p, strcspn(p, "\n"));
	{
		cleanup_free char *full = xasprintf("/sys/fs/cgroup%s", dir);

		ctl = path_join(full, "cgroup.subtree_control");
		if (access(full, W_OK) < 0 || access(ctl, W_OK) < 0)
			return NULL;
	}
	return steal_ptr(dir);
}
