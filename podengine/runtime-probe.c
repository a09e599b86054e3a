/* OCI runtime discovery and a real "does it run a container here" probe. */
#include "podengine/runtime-probe.h"
#include "podengine/digest.h"
#include "base/json.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/io.h"
#include "base/lockfile.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include "base/banned.h"

extern char **environ;

enum { PROBE_TIMEOUT_MS = 10000, VERSION_TIMEOUT_MS = 5000 };

static const char *const default_path =
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

void runtime_info_release(struct runtime_info *ri)
{
	if (!ri)
		return;
	free(ri->name);
	free(ri->path);
	free(ri->version);
	free(ri->reason);
	memset(ri, 0, sizeof(*ri));
}

void runtime_info_free_all(struct runtime_info *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		runtime_info_release(&list[i]);
	free(list);
}

static bool is_executable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Search `dirs` (colon separated) for name. */
static char *search_dirs(const char *dirs, const char *name)
{
	const char *p = dirs;

	while (p && *p) {
		const char *colon = strchrnul(p, ':');
		cleanup_free char *dir = xstrndup(p, (size_t)(colon - p));
		char *full = path_join(*dir ? dir : ".", name);

		if (full[0] == '/' && is_executable_file(full))
			return full;
		free(full);
		p = *colon ? colon + 1 : NULL;
	}
	return NULL;
}

char *runtime_find(const char *name_or_path, struct pea_err **err)
{
	const char *path = getenv("PATH");
	char *found;

	if (strchr(name_or_path, '/')) {
		found = realpath(name_or_path, NULL);
		if (!found || !is_executable_file(found)) {
			free(found);
			return pea_err_setk(err, PEA_E_NOT_FOUND, errno ? errno : EACCES,
					    "OCI runtime '%s'", name_or_path),
			       NULL;
		}
		return found;
	}
	/* runc lives in /usr/sbin, which a user's PATH may lack */
	found = search_dirs(path ? path : default_path, name_or_path);
	if (!found)
		found = search_dirs(default_path, name_or_path);
	if (!found)
		pea_err_setk(err, PEA_E_NOT_FOUND, 0,
			     "OCI runtime '%s' not found in $PATH", name_or_path);
	return found;
}

/* Run argv with stdin from /dev/null and stdout+stderr captured into out.
 * Returns the wait status, or -1 with *err set; on timeout the child is
 * killed and *timed_out set. */
static int run_capture(char *const argv[], int timeout_ms, struct strbuf *out,
		       bool *timed_out, struct pea_err **err)
{
	posix_spawn_file_actions_t fa;
	int pfd[2], status = 0, rc;
	pid_t pid;
	struct timespec start, now;

	*timed_out = false;
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return pea_err_set(err, errno, "pipe");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
	rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (rc != 0) {
		close(pfd[0]);
		return pea_err_set(err, rc, "run '%s'", argv[0]);
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd p = { pfd[0], POLLIN, 0 };
		char buf[4096];
		ssize_t n;
		long left;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left = timeout_ms - ((now.tv_sec - start.tv_sec) * 1000 +
				     (now.tv_nsec - start.tv_nsec) / 1000000);
		if (left <= 0) {
			*timed_out = true;
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			break;
		if (!(p.revents & (POLLIN | POLLHUP)))
			continue;
		n = xread(pfd[0], buf, sizeof(buf));
		if (n <= 0)
			break;
		if (out->len < 65536)
			strbuf_add(out, buf, (size_t)n);
	}
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* First non-empty line; runc's logrus lines are reduced to their msg="...". */
static char *first_line(const char *s)
{
	const char *msg, *end;

	while (*s == '\n' || *s == '\r' || *s == ' ')
		s++;
	end = strchrnul(s, '\n');
	msg = memmem(s, (size_t)(end - s), "msg=\"", 5);
	if (msg) {
		const char *q = memchr(msg + 5, '"', (size_t)(end - msg - 5));

		if (q)
			return xstrndup(msg + 5, (size_t)(q - msg - 5));
	}
	while (end > s && (end[-1] == '\r' || end[-1] == ' '))
		end--;
	return xstrndup(s, (size_t)(end - s));
}

static char *runtime_version(const char *path)
{
	char *argv[] = { (char *)path, (char *)"--version", NULL };
	struct strbuf out = STRBUF_INIT;
	bool timed_out;
	char *v = NULL;
	int st = run_capture(argv, VERSION_TIMEOUT_MS, &out, &timed_out, NULL);

	if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		v = first_line(out.buf);
	strbuf_release(&out);
	return v;
}

static const char *find_busybox(void)
{
	static const char *const candidates[] = { "/bin/busybox", "/usr/bin/busybox",
						  "/usr/local/bin/busybox" };
	size_t i;

	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (is_executable_file(candidates[i]))
			return candidates[i];
	return NULL;
}

static const char probe_config[] =
	"{\"ociVersion\":\"1.0.2\","
	"\"process\":{\"terminal\":false,\"user\":{\"uid\":0,\"gid\":0},"
	"\"args\":[\"/bin/busybox\",\"true\"],\"env\":[\"PATH=/bin\"],\"cwd\":\"/\","
	"\"noNewPrivileges\":true},"
	"\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
	"\"hostname\":\"peapod-probe\","
	"\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
	"{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
	"\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]}],"
	"\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},"
	"{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"network\"}]}}";

static int write_probe_config(const char *bundle, struct pea_err **err)
{
	cleanup_json struct json_object *cfg = json_tokener_parse(probe_config);
	cleanup_free char *path = path_join(bundle, "config.json");
	const char *text;

	if (!cfg)
		return pea_err_set(err, 0, "build probe config");
	/* Rootless, the probe runs inside the user's namespace as containers
	 * do (rootless.h): no user namespace of its own. */
	text = json_object_to_json_string_ext(cfg, JSON_C_TO_STRING_PLAIN);
	return io_write_file_atomic(path, text, strlen(text), 0644, err);
}

/* bundle/rootfs/{bin/busybox,proc,dev} and bundle/config.json. */
static int make_bundle(const char *bundle, const char *busybox, struct pea_err **err)
{
	cleanup_free char *bin = xasprintf("%s/rootfs/bin", bundle);
	cleanup_free char *proc = xasprintf("%s/rootfs/proc", bundle);
	cleanup_free char *dev = xasprintf("%s/rootfs/dev", bundle);
	cleanup_free char *dst = path_join(bin, "busybox");
	cleanup_close int in = -1;
	cleanup_close int out = -1;

	if (io_mkdir_p(bin, 0755, err) < 0 || io_mkdir_p(proc, 0755, err) < 0 ||
	    io_mkdir_p(dev, 0755, err) < 0)
		return -1;
	in = open(busybox, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return pea_err_set(err, errno, "open '%s'", busybox);
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	if (out < 0)
		return pea_err_set(err, errno, "create '%s'", dst);
	if (io_copy_fd(in, out, err) < 0)
		return -1;
	return write_probe_config(bundle, err);
}

/* Run the trivial container; sets ri->works / ri->reason. */
static void probe_run(const char *bundle, struct runtime_info *ri)
{
	cleanup_free char *state = path_join(bundle, "state");
	cleanup_free char *id = xasprintf("peapod-probe-%ld", (long)getpid());
	char *run[] = { ri->path, (char *)"--root", state, (char *)"run", (char *)"--bundle",
			(char *)bundle, id, NULL };
	char *del[] = { ri->path, (char *)"--root", state, (char *)"delete", (char *)"-f",
			id, NULL };
	struct strbuf out = STRBUF_INIT, ignored = STRBUF_INIT;
	struct pea_err *err = NULL;
	bool timed_out = false;
	int st = run_capture(run, PROBE_TIMEOUT_MS, &out, &timed_out, &err);

	ri->works = st >= 0 && !timed_out && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	if (st < 0)
		ri->reason = pea_err_text(err);
	else if (timed_out)
		ri->reason = xstrdup("probe container did not exit within 10 seconds");
	else if (!ri->works && out.len)
		ri->reason = first_line(out.buf);
	else if (!ri->works)
		ri->reason = xasprintf("probe container failed with status %d", st);
	pea_err_free(err);
	run_capture(del, VERSION_TIMEOUT_MS, &ignored, &timed_out, NULL);
	strbuf_release(&out);
	strbuf_release(&ignored);
}

static int probe_uncached(struct pea_ctx *ctx, struct runtime_info *ri, struct pea_err **err)
{
	const char *busybox = find_busybox();
	cleanup_free char *tmpdir = path_join(ctx->root, "tmp");
	cleanup_free char *bundle = NULL;
	struct pea_err *rm_err = NULL;
	int r;

	if (!busybox) {
		ri->works = true;
		ri->probed = false;
		return 0;
	}
	if (io_mkdir_p(tmpdir, 0700, err) < 0)
		return -1;
	bundle = path_join(tmpdir, "runtime-probe-XXXXXX");
	if (!mkdtemp(bundle))
		return pea_err_set(err, errno, "create '%s'", bundle);
	r = make_bundle(bundle, busybox, err);
	if (r == 0) {
		ri->probed = true;
		probe_run(bundle, ri);
	}
	if (io_rm_rf(bundle, &rm_err) < 0 && r == 0) {
		*err = rm_err;
		return -1;
	}
	pea_err_free(rm_err);
	return r;
}

/* ---------- cache ---------- */

/* The binary, the boot, and the cgroup layout (which cgroup hierarchies are
 * mounted decides whether crun works: mounting the hugetlb v1 hierarchy
 * on a hybrid host changes the answer without a reboot). */
static char *cache_key(const char *path)
{
	struct stat st;
	struct strbuf boot = STRBUF_INIT, cgroups = STRBUF_INIT;
	char cg[DIGEST_MAX];
	char *key;

	if (stat(path, &st) < 0)
		return NULL;
	io_read_file("/proc/sys/kernel/random/boot_id", &boot, NULL);
	strbuf_rtrim(&boot);
	io_read_file("/proc/self/cgroup", &cgroups, NULL);
	io_read_file("/sys/fs/cgroup/unified/cgroup.controllers", &cgroups, NULL);
	io_read_file("/sys/fs/cgroup/cgroup.controllers", &cgroups, NULL);
	digest_buf(cgroups.buf, cgroups.len, cg);
	key = xasprintf("%lld.%09ld/%lld/%s/%.19s", (long long)st.st_mtim.tv_sec,
			st.st_mtim.tv_nsec, (long long)st.st_size, boot.buf, cg + 7);
	strbuf_release(&boot);
	strbuf_release(&cgroups);
	return key;
}

static struct json_object *cache_load(const char *file)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_object *o = NULL;

	if (io_read_file(file, &sb, NULL) == 0)
		o = json_tokener_parse(sb.buf);
	strbuf_release(&sb);
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = json_object_new_object();
	}
	return o;
}

static const char *jstr(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

static bool jbool(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	return json_object_object_get_ex(o, k, &v) && json_object_get_boolean(v);
}

static bool cache_get(struct json_object *cache, const char *key, struct runtime_info *ri)
{
	struct json_object *e = NULL;
	const char *k;

	if (!key || !json_object_object_get_ex(cache, ri->path, &e) ||
	    !(k = jstr(e, "key")) || strcmp(k, key))
		return false;
	ri->works = jbool(e, "works");
	ri->probed = jbool(e, "probed");
	if (jstr(e, "reason"))
		ri->reason = xstrdup(jstr(e, "reason"));
	if (!ri->version && jstr(e, "version"))
		ri->version = xstrdup(jstr(e, "version"));
	return true;
}

static void cache_put(struct json_object *cache, const char *key, const struct runtime_info *ri)
{
	struct json_object *e = runtime_info_json(ri);

	json_object_object_add(e, "key", json_object_new_string(key));
	json_object_object_add(cache, ri->path, e);
}

struct json_object *runtime_info_json(const struct runtime_info *ri)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(ri->name ? ri->name : ""));
	json_object_object_add(o, "path", json_object_new_string(ri->path ? ri->path : ""));
	json_object_object_add(o, "version",
			       ri->version ? json_object_new_string(ri->version) : NULL);
	json_object_object_add(o, "works", json_object_new_boolean(ri->works));
	json_object_object_add(o, "probed", json_object_new_boolean(ri->probed));
	json_object_object_add(o, "reason",
			       ri->reason ? json_object_new_string(ri->reason) : NULL);
	return o;
}

static int probe_locked(struct pea_ctx *ctx, const char *name_or_path, bool force,
			struct json_object *cache, bool *dirty, struct runtime_info *out,
			struct pea_err **err)
{
	struct runtime_info ri = { 0 };
	cleanup_free char *key = NULL;
	const char *base;

	ri.path = runtime_find(name_or_path, err);
	if (!ri.path)
		return -1;
	base = strrchr(name_or_path, '/');
	ri.name = xstrdup(base ? base + 1 : name_or_path);
	key = cache_key(ri.path);
	if (force || !cache_get(cache, key, &ri)) {
		ri.version = runtime_version(ri.path);
		if (probe_uncached(ctx, &ri, err) < 0) {
			runtime_info_release(&ri);
			return pea_err_wrap(err, "probe OCI runtime '%s'", name_or_path);
		}
		if (key) {
			cache_put(cache, key, &ri);
			*dirty = true;
		}
	}
	*out = ri;
	return 0;
}

/* Calls fn with the cache loaded and locked; saves it when changed. */
static int with_cache(struct pea_ctx *ctx, int (*fn)(struct pea_ctx *, struct json_object *,
						    bool *, void *, struct pea_err **),
		      void *arg, struct pea_err **err)
{
	cleanup_free char *file = NULL;
	cleanup_free char *lock = NULL;
	cleanup_json struct json_object *cache = NULL;
	cleanup_close int fd = -1;
	bool dirty = false;
	const char *text;

	if (!ctx->root || !ctx->runroot)
		return pea_err_set(err, 0, "probe OCI runtimes: graph root and run root not set");
	if (io_mkdir_p(ctx->runroot, 0700, err) < 0)
		return -1;
	file = path_join(ctx->runroot, "runtime-probe.json");
	lock = path_join(ctx->runroot, "runtime-probe.lock");
	fd = lockfile_lock(lock, err);
	if (fd < 0)
		return -1;
	cache = cache_load(file);
	if (fn(ctx, cache, &dirty, arg, err) < 0)
		return -1;
	if (dirty) {
		text = json_object_to_json_string_ext(cache, JSON_C_TO_STRING_PRETTY |
								     JSON_C_TO_STRING_NOSLASHESCAPE);
		/* the cache is only an optimisation: a failed write is not an error */
		io_write_file_atomic(file, text, strlen(text), 0600, NULL);
	}
	return 0;
}

struct one_arg {
	const char *name;
	bool force;
	struct runtime_info *out;
};

static int one_cb(struct pea_ctx *ctx, struct json_object *cache, bool *dirty, void *arg,
		  struct pea_err **err)
{
	struct one_arg *a = arg;

	return probe_locked(ctx, a->name, a->force, cache, dirty, a->out, err);
}

int runtime_probe(struct pea_ctx *ctx, const char *name_or_path, bool force,
		  struct runtime_info *out, struct pea_err **err)
{
	struct one_arg a = { name_or_path, force, out };

	return with_cache(ctx, one_cb, &a, err);
}

struct all_arg {
	struct runtime_info *list;
	size_t n, alloc;
};

static int all_cb(struct pea_ctx *ctx, struct json_object *cache, bool *dirty, void *arg,
		  struct pea_err **err)
{
	const char *names[] = { "crun", "runc", ctx->runtime };
	struct all_arg *a = arg;
	size_t i, j;

	for (i = 0; i < 3 && names[i]; i++) {
		struct runtime_info ri = { 0 };
		struct pea_err *e = NULL;

		if (probe_locked(ctx, names[i], false, cache, dirty, &ri, &e) < 0) {
			if (!pea_err_is(e, PEA_E_NOT_FOUND)) {
				*err = e;
				return -1;
			}
			pea_err_free(e);
			continue;
		}
		for (j = 0; j < a->n && strcmp(a->list[j].path, ri.path); j++)
			;
		if (j < a->n) {
			runtime_info_release(&ri);
			continue;
		}
		ALLOC_GROW(a->list, a->n + 1, a->alloc);
		a->list[a->n++] = ri;
	}
	return 0;
}

int runtime_probe_all(struct pea_ctx *ctx, struct runtime_info **out, size_t *n,
		      struct pea_err **err)
{
	struct all_arg a = { NULL, 0, 0 };

	if (with_cache(ctx, all_cb, &a, err) < 0) {
		runtime_info_free_all(a.list, a.n);
		return -1;
	}
	*out = a.list ? a.list : xcalloc(1, sizeof(**out));
	*n = a.n;
	return 0;
}

/* What the user can do about a runtime that fails for `reason`. */
static const char *fix_hint(const char *reason)
{
	if (reason && strstr(reason, "hybrid"))
		return "install runc or mount the hugetlb v1 hierarchy (mkdir "
		       "/sys/fs/cgroup/hugetlb; mount -t cgroup -o hugetlb cgroup "
		       "/sys/fs/cgroup/hugetlb)";
	return "install a working crun or runc, or pick one with --runtime";
}

static int select_error(struct runtime_info *list, size_t n, struct pea_err **err)
{
	struct strbuf sb = STRBUF_INIT;
	const char *hint = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		strbuf_addf(&sb, "%s%s: %s", i ? "; " : "", list[i].name,
			    list[i].reason ? list[i].reason : "does not work");
		if (!hint || (list[i].reason && strstr(list[i].reason, "hybrid")))
			hint = fix_hint(list[i].reason);
	}
	if (n == 0)
		strbuf_addstr(&sb, "no OCI runtime found; install crun or runc");
	else
		strbuf_addf(&sb, "; %s", hint);
	pea_err_setk(err, n ? PEA_E_GENERIC : PEA_E_NOT_FOUND, 0, "%s", sb.buf);
	strbuf_release(&sb);
	return -1;
}

int runtime_select(struct pea_ctx *ctx, struct runtime_info *out, struct pea_err **err)
{
	struct runtime_info *list = NULL;
	size_t n = 0, i;
	int r;

	if (ctx->runtime) {
		if (runtime_probe(ctx, ctx->runtime, false, out, err) < 0)
			return -1;
		if (out->works)
			return 0;
		pea_err_set(err, 0, "OCI runtime '%s' does not work on this host: %s; %s",
			    ctx->runtime, out->reason ? out->reason : "unknown reason",
			    fix_hint(out->reason));
		runtime_info_release(out);
		return -1;
	}
	if (runtime_probe_all(ctx, &list, &n, err) < 0)
		return -1;
	for (i = 0; i < n && !list[i].works; i++)
		;
	if (i < n) {
		*out = list[i];
		memset(&list[i], 0, sizeof(list[i]));
		r = 0;
	} else {
		r = select_error(list, n, err);
	}
	runtime_info_free_all(list, n);
	return r;
}
