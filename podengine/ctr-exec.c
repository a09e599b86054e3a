/* `exec`: run a process in a running container with
 * `<runtime> --root R exec --process FILE [--detach] ID`.  The process.json
 * is the container's own `process` (capabilities, rlimits, no_new_privs,
 * seccomp apply to the whole container anyway) with args, env, cwd, user
 * and terminal replaced.  Our stdio is inherited by the runtime, which
 * handles a terminal itself in the foreground (raw mode, pty relay). */
#include "podengine/container.h"
#include "podengine/ctr-runtime.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/json.h"
#include "base/parse.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

/* Open `path` inside the container's root (symlinks resolved in it). */
static int open_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = { .flags = (uint64_t)(flags | O_CLOEXEC),
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };

	return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
}

/* Field 0 of a passwd/group line equal to name: the numeric fields 2 and 3. */
static int lookup_db(int rootfd, const char *db, const char *name, long *f2, long *f3)
{
	cleanup_close int fd = open_in_root(rootfd, db, O_RDONLY);
	struct strbuf sb = STRBUF_INIT;
	size_t nlen = strlen(name);
	char *line, *save = NULL;
	int found = -1;

	if (fd < 0 || io_read_fd(fd, &sb, NULL) < 0) {
		strbuf_release(&sb);
		return -1;
	}
	for (line = strtok_r(sb.buf, "\n", &save); line && found < 0;
	     line = strtok_r(NULL, "\n", &save)) {
		char *p;

		if (strncmp(line, name, nlen) || line[nlen] != ':')
			continue;
		p = strchr(line + nlen + 1, ':');
		if (!p)
			continue;
		*f2 = strtol(p + 1, &p, 10);
		*f3 = *p == ':' ? strtol(p + 1, NULL, 10) : -1;
		found = 0;
	}
	strbuf_release(&sb);
	return found;
}

static int resolve_id(int rootfd, const char *db, const char *s, long *id, long *gid,
		      struct pea_err **err)
{
	int v;
	long g = -1;

	if (parse_int(s, 0, 0x7fffffff, &v, "user", NULL) == 0) {
		*id = v;
		if (gid)
			*gid = -1;
		return 0;
	}
	if (lookup_db(rootfd, db, s, id, &g) < 0)
		return pea_err_setk(err, PEA_E_NOT_FOUND, 0, "no %s '%s' in the container's %s",
				    gid ? "user" : "group", s, db);
	if (gid)
		*gid = g;
	return 0;
}

/* "user[:group]" (names or ids) -> the process.json "user" object. */
static int set_user(struct json_object *proc, int rootfd, const char *spec,
		    struct pea_err **err)
{
	cleanup_free char *u = xstrdup(spec);
	char *grp = strchr(u, ':');
	long uid, gid = -1, g;
	struct json_object *user;

	if (grp)
		*grp++ = 0;
	if (resolve_id(rootfd, "/etc/passwd", u, &uid, &gid, err) < 0)
		return -1;
	if (grp && resolve_id(rootfd, "/etc/group", grp, &g, NULL, err) < 0)
		return -1;
	if (grp)
		gid = g;
	user = json_object_new_object();
	json_object_object_add(user, "uid", json_object_new_int64(uid));
	json_object_object_add(user, "gid", json_object_new_int64(gid < 0 ? 0 : gid));
	json_object_object_add(proc, "user", user);
	return 0;
}

/* Container env, then -e values (replacing the same keys). */
static void set_env(struct json_object *proc, char **extra)
{
	struct json_object *old = NULL, *env = json_object_new_array();
	size_t i, j;

	json_object_object_get_ex(proc, "env", &old);
	for (i = 0; old && i < json_object_array_length(old); i++) {
		const char *e = json_object_get_string(json_object_array_get_idx(old, i));
		size_t klen = strcspn(e, "=");
		bool replaced = false;

		for (j = 0; extra && extra[j]; j++)
			if (!strncmp(extra[j], e, klen) && extra[j][klen] == '=')
				replaced = true;
		if (!replaced)
			json_object_array_add(env, json_object_new_string(e));
	}
	for (j = 0; extra && extra[j]; j++)
		json_object_array_add(env, json_object_new_string(extra[j]));
	json_object_object_add(proc, "env", env);
}

static const char *env_path(struct json_object *proc)
{
	struct json_object *env = NULL;
	size_t i;

	json_object_object_get_ex(proc, "env", &env);
	for (i = 0; env && i < json_object_array_length(env); i++) {
		const char *e = json_object_get_string(json_object_array_get_idx(env, i));

		if (!strncmp(e, "PATH=", 5))
			return e + 5;
	}
	return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

/* 0 executable, 126 not executable, 127 missing */
static int check_file(int rootfd, const char *path)
{
	cleanup_close int fd = open_in_root(rootfd, path, O_PATH);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return PEA_EXIT_NOT_FOUND;
	if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
		return PEA_EXIT_CANNOT_INVOKE;
	return 0;
}

/* What the runtime would say, found out beforehand: podman's 126/127. */
static int check_executable(int rootfd, struct json_object *proc, const char *arg0,
			    struct pea_err **err)
{
	struct json_object *cwd = NULL;
	cleanup_free char *path = NULL;
	int rc = PEA_EXIT_NOT_FOUND;

	if (strchr(arg0, '/')) {
		json_object_object_get_ex(proc, "cwd", &cwd);
		path = arg0[0] == '/' ? xstrdup(arg0)
				      : path_join(cwd ? json_object_get_string(cwd) : "/", arg0);
		rc = check_file(rootfd, path);
	} else {
		cleanup_free char *dirs = xstrdup(env_path(proc));
		char *d, *save = NULL;

		for (d = strtok_r(dirs, ":", &save); d && rc; d = strtok_r(NULL, ":", &save)) {
			cleanup_free char *p = path_join(d, arg0);
			int r = check_file(rootfd, p);

			if (r < rc)
				rc = r;
		}
	}
	if (!rc)
		return 0;
	pea_err_set(err, 0, rc == PEA_EXIT_NOT_FOUND
			    ? "%s: executable file not found in $PATH: no such file or directory"
			    : "%s: permission denied", arg0);
	if (err && *err)
		(*err)->exit_status = rc;
	return -1;
}

static struct json_object *build_process(struct ctr_info *ci, int rootfd,
					 const struct ctr_exec_opts *o, struct pea_err **err)
{
	cleanup_free char *cfg = path_join(ci->bundle, "config.json");
	struct strbuf sb = STRBUF_INIT;
	cleanup_json struct json_object *root = NULL;
	struct json_object *proc = NULL, *args, *copy = NULL;
	size_t i;

	if (io_read_file(cfg, &sb, err) < 0)
		return NULL;
	root = json_tokener_parse(sb.buf);
	strbuf_release(&sb);
	if (!root || !json_object_object_get_ex(root, "process", &proc)) {
		pea_err_set(err, 0, "bad bundle config '%s'", cfg);
		return NULL;
	}
	json_object_deep_copy(proc, &copy, NULL);
	args = json_object_new_array();
	for (i = 0; o->argv[i]; i++)
		json_object_array_add(args, json_object_new_string(o->argv[i]));
	json_object_object_add(copy, "args", args);
	json_object_object_add(copy, "terminal", json_object_new_boolean(o->tty && !o->detach));
	json_object_object_del(copy, "consoleSize");
	set_env(copy, o->env);
	if (o->workdir)
		json_object_object_add(copy, "cwd", json_object_new_string(o->workdir));
	if ((o->user && set_user(copy, rootfd, o->user, err) < 0) ||
	    check_executable(rootfd, copy, o->argv[0], err) < 0) {
		json_object_put(copy);
		return NULL;
	}
	return copy;
}

static char *write_process(struct pea_ctx *ctx, const struct ctr_info *ci,
			   struct json_object *proc, struct pea_err **err)
{
	cleanup_free char *dir = xasprintf("%s/containers/%s", ctx->runroot, ci->id);
	char *path = xasprintf("%s/exec-XXXXXX", dir);
	const char *text = json_object_to_json_string_ext(proc, JSON_C_TO_STRING_PLAIN);
	int fd;

	if (io_mkdir_p(dir, 0700, err) < 0)
		goto fail;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0) {
		pea_err_set(err, errno, "create '%s'", path);
		goto fail;
	}
	if (xwrite_all(fd, text, strlen(text)) < 0) {
		pea_err_set(err, errno, "write '%s'", path);
		close(fd);
		unlink(path);
		goto fail;
	}
	close(fd);
	return path;
fail:
	free(path);
	return NULL;
}

/* Fork and exec the runtime; wait, forwarding SIGINT/SIGTERM/SIGHUP to it. */
static int run_runtime(char *const *argv, bool null_stdin, bool null_out, struct pea_err **err)
{
	sigset_t set, old;
	int status = 0, dn = -1;
	pid_t pid;
	struct timespec tick = { 0, 100000000 };

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (null_stdin || null_out)
		dn = open("/dev/null", O_RDWR | O_CLOEXEC);
	sigprocmask(SIG_BLOCK, &set, &old);
	pid = fork();
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (null_stdin && dn >= 0)
			dup2(dn, STDIN_FILENO);
		if (null_out && dn >= 0) {
			dup2(dn, STDOUT_FILENO);
			dup2(dn, STDERR_FILENO);
		}
		execvp(argv[0], argv);
		_exit(PEA_EXIT_CANNOT_INVOKE);
	}
	if (dn >= 0)
		close(dn);
	if (pid < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return pea_err_set(err, errno, "fork");
	}
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		int sig;

		if (w == pid || (w < 0 && errno != EINTR))
			break;
		sig = sigtimedwait(&set, NULL, &tick);
		if (sig > 0)
			kill(pid, sig);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static int exec_in(struct pea_ctx *ctx, struct ctr_info *ci, const struct ctr_exec_opts *o,
		   struct pea_err **err)
{
	cleanup_free char *rootpath = xasprintf("/proc/%d/root", (int)ci->pid);
	cleanup_close int rootfd = open(rootpath, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_json struct json_object *proc = NULL;
	cleanup_free char *file = NULL, *rroot = NULL;
	char **argv = NULL;
	int rc;

	if (rootfd < 0)
		return pea_err_set(err, errno, "open '%s'", rootpath);
	proc = build_process(ci, rootfd, o, err);
	if (!proc)
		return -1;
	file = write_process(ctx, ci, proc, err);
	if (!file)
		return -1;
	rroot = ctr_runtime_root(ctx, ci->runtime);
	strv_push(&argv, ci->runtime);
	strv_push(&argv, "--root");
	strv_push(&argv, rroot);
	strv_push(&argv, "exec");
	strv_push(&argv, "--process");
	strv_push(&argv, file);
	if (o->detach)
		strv_push(&argv, "--detach");
	strv_push(&argv, ci->id);
	rc = run_runtime(argv, !o->interactive || o->detach, o->detach, err);
	strv_free(argv);
	unlink(file);
	return rc;
}

int ctr_exec(struct pea_ctx *ctx, const char *name, const struct ctr_exec_opts *opts,
	     struct pea_err **err)
{
	struct ctr_info ci = { 0 };
	int rc;

	if (!opts->argv || !opts->argv[0])
		return pea_err_setk(err, PEA_E_INVALID, 0, "exec needs a command");
	if (ctr_lookup(ctx, name, &ci, err) < 0)
		return -1;
	if (ctr_sync(ctx, &ci, err) < 0) {
		ctr_info_release(&ci);
		return -1;
	}
	if (ci.state != CTR_RUNNING || ci.pid <= 0)
		rc = pea_err_setk(err, PEA_E_INVALID, 0,
				  "can only create exec sessions on running containers: "
				  "container '%s' is %s", name, ctr_state_name(ci.state));
	else
		rc = exec_in(ctx, &ci, opts, err);
	ctr_info_release(&ci);
	if (rc < 0)
		return pea_err_wrap(err, "exec in '%s'", name);
	return rc;
}
