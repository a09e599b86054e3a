/* Container records: create, lookup, list, remove, sync (container.h). */
#include "podengine/container.h"
#include "podengine/ctr-internal.h"
#include "podengine/ctr-runtime.h"
#include "podengine/image.h"
#include "podengine/mount-source.h"
#include "podengine/pod.h"
#include "podengine/runtime-probe.h"
#include "podengine/state.h"
#include "podengine/storage.h"
#include "podengine/volume.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/json.h"
#include "base/lockfile.h"
#include "base/parse.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

static const char *const state_names[] = {
	[CTR_CREATED] = "created", [CTR_RUNNING] = "running", [CTR_STOPPING] = "stopping",
	[CTR_EXITED] = "exited", [CTR_RESTARTING] = "restarting", [CTR_REMOVING] = "removing",
};

const char *ctr_state_name(enum ctr_state s)
{
	if ((unsigned)s < sizeof(state_names) / sizeof(state_names[0]))
		return state_names[s];
	return "unknown";
}

static enum ctr_state state_parse(const char *s)
{
	size_t i;

	for (i = 0; s && i < sizeof(state_names) / sizeof(state_names[0]); i++)
		if (!strcmp(s, state_names[i]))
			return (enum ctr_state)i;
	return CTR_EXITED;
}

static const struct { const char *name; int sig; } signals[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
	{ "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "IOT", SIGIOT }, { "BUS", SIGBUS },
	{ "FPE", SIGFPE }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "URG", SIGURG },
	{ "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
	{ "WINCH", SIGWINCH }, { "IO", SIGIO }, { "PWR", SIGPWR }, { "SYS", SIGSYS },
};

int ctr_parse_signal(const char *s, struct pea_err **err)
{
	const char *n = s;
	size_t i;
	int v;

	if (!s || !*s)
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid signal ''");
	if (*s >= '0' && *s <= '9') {
		if (parse_int(s, 1, 64, &v, "signal", err) < 0)
			return -1;
		return v;
	}
	if (!strncasecmp(n, "SIG", 3))
		n += 3;
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (!strcasecmp(n, signals[i].name))
			return signals[i].sig;
	if (!strncasecmp(n, "RTMIN+", 6) && parse_int(n + 6, 0, SIGRTMAX - SIGRTMIN, &v,
						       "signal", NULL) == 0)
		return SIGRTMIN + v;
	return pea_err_setk(err, PEA_E_INVALID, 0, "invalid signal '%s'", s);
}

int64_t ctr_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void ctr_info_release(struct ctr_info *ci)
{
	free(ci->id);
	free(ci->name);
	free(ci->image_id);
	free(ci->image_name);
	free(ci->pod_id);
	free(ci->runtime);
	free(ci->bundle);
	free(ci->rootfs);
	free(ci->log_path);
	free(ci->error);
	ctr_spec_release(&ci->spec);
	if (ci->image_config)
		json_object_put(ci->image_config);
	memset(ci, 0, sizeof(*ci));
	ctr_spec_init(&ci->spec);
}

void ctr_info_list_free(struct ctr_info *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ctr_info_release(&list[i]);
	free(list);
}

/* ---- locks and exit files ------------------------------------------ */

static char *lock_path(struct pea_ctx *ctx, const char *id, struct pea_err **err)
{
	return lockfile_path(ctx->runroot, id, err);
}

int ctr_lock(struct pea_ctx *ctx, const char *id, struct pea_err **err)
{
	cleanup_free char *p = lock_path(ctx, id, err);

	return p ? lockfile_lock(p, err) : -1;
}

int ctr_trylock(struct pea_ctx *ctx, const char *id)
{
	cleanup_free char *p = lock_path(ctx, id, NULL);

	return p ? lockfile_trylock(p, 0) : -1;
}

char *ctr_exit_file(struct pea_ctx *ctx, const char *id)
{
	return xasprintf("%s/exits/%s", ctx->runroot, id);
}

int ctr_read_exit_file(struct pea_ctx *ctx, const char *id, int *code, bool *oom)
{
	cleanup_free char *p = ctr_exit_file(ctx, id);
	cleanup_free char *o = xasprintf("%s.oom", p);
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	int v;

	if (io_read_file(p, &sb, NULL) < 0)
		return 0;
	strbuf_rtrim(&sb);
	if (parse_int(sb.buf, -1, 255, &v, "exit code", NULL) < 0)
		v = -1;
	*code = v;
	*oom = io_exists(o);
	return 1;
}

void ctr_remove_exit_file(struct pea_ctx *ctx, const char *id)
{
	cleanup_free char *p = ctr_exit_file(ctx, id);
	cleanup_free char *o = xasprintf("%s.oom", p);

	unlink(p);
	unlink(o);
}

/* ---- rows ----------------------------------------------------------- */

#define COLS "id, name, image_id, image_name, pod_id, infra, state, pid, conmon_pid, " \
	     "exit_code, oom_killed, stopped_by_user, restart_count, created, started_at, " \
	     "finished_at, runtime, spec, backoff, error"

static char *col_str(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? xstrdup((const char *)t) : NULL;
}

/* The "config" object of the image's config, or NULL. */
static struct json_object *load_image_config(struct pea_ctx *ctx, const char *image_id)
{
	struct img_info info = { 0 };
	cleanup_free char *text = NULL;
	cleanup_json struct json_object *o = NULL;
	struct json_object *c;

	if (!image_id || img_lookup(ctx, image_id, &info, NULL) < 0)
		return NULL;
	text = img_config_json(ctx, &info, NULL);
	img_info_release(&info);
	if (!text || !(o = json_tokener_parse(text)))
		return NULL;
	if (!json_object_object_get_ex(o, "config", &c) || !json_object_is_type(c, json_type_object))
		return NULL;
	return json_object_get(c);
}

static int row_to_info(struct pea_ctx *ctx, sqlite3_stmt *s, struct ctr_info *ci,
		       struct pea_err **err)
{
	cleanup_json struct json_object *spec = NULL;

	memset(ci, 0, sizeof(*ci));
	ctr_spec_init(&ci->spec);
	ci->id = col_str(s, 0);
	ci->name = col_str(s, 1);
	ci->image_id = col_str(s, 2);
	ci->image_name = col_str(s, 3);
	ci->pod_id = col_str(s, 4);
	ci->infra = sqlite3_column_int(s, 5);
	ci->state = state_parse((const char *)sqlite3_column_text(s, 6));
	ci->pid = sqlite3_column_int(s, 7);
	ci->conmon_pid = sqlite3_column_int(s, 8);
	ci->exit_code = sqlite3_column_int(s, 9);
	ci->oom_killed = sqlite3_column_int(s, 10);
	ci->stopped_by_user = sqlite3_column_int(s, 11);
	ci->restart_count = sqlite3_column_int(s, 12);
	ci->created = sqlite3_column_int64(s, 13);
	ci->started_at = sqlite3_column_int64(s, 14);
	ci->finished_at = sqlite3_column_int64(s, 15);
	ci->runtime = col_str(s, 16);
	ci->backoff = sqlite3_column_int(s, 18);
	ci->error = col_str(s, 19);
	ci->bundle = xasprintf("%s/containers/%s/userdata", ctx->root, ci->id);
	ci->rootfs = ci->infra && ci->pod_id ? pod_infra_rootfs(ctx, ci->pod_id)
					     : xasprintf("%s/containers/%s/merged", ctx->root, ci->id);
	ci->log_path = path_join(ci->bundle, "ctr.log");
	spec = json_tokener_parse((const char *)sqlite3_column_text(s, 17));
	if (!spec || ctr_spec_from_json(spec, &ci->spec, err) < 0) {
		if (!spec)
			pea_err_set(err, 0, "container '%s': invalid stored spec", ci->id);
		ctr_info_release(ci);
		return -1;
	}
	ci->image_config = load_image_config(ctx, ci->image_id);
	return 0;
}

static int load_where(struct pea_ctx *ctx, const char *where, const char *arg,
		      struct ctr_info *out, int *found, struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_free char *sql = xasprintf("SELECT " COLS " FROM containers WHERE %s LIMIT 2;",
					   where);
	cleanup_stmt sqlite3_stmt *s = NULL;
	int rc;

	*found = 0;
	if (!st || !(s = state_prepare(st, sql, err)))
		return -1;
	sqlite3_bind_text(s, 1, arg, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (++*found == 1 && row_to_info(ctx, s, out, err) < 0)
			return -1;
	}
	if (rc != SQLITE_DONE) {
		if (*found)
			ctr_info_release(out);
		return state_error(st, err, "load container");
	}
	if (*found > 1)
		ctr_info_release(out);
	return 0;
}

int ctr_load(struct pea_ctx *ctx, const char *name, struct ctr_info *out, struct pea_err **err)
{
	int found;

	if (load_where(ctx, "id = ?1 OR name = ?1", name, out, &found, err) < 0)
		return -1;
	if (found == 1)
		return 0;
	if (found == 0 && *name && strspn(name, "0123456789abcdef") == strlen(name)) {
		if (load_where(ctx, "substr(id, 1, length(?1)) = ?1", name, out, &found, err) < 0)
			return -1;
		if (found == 1)
			return 0;
		if (found > 1)
			return pea_err_setk(err, PEA_E_INVALID, 0, "more than one result for "
					    "container ID \"%s\"", name);
	}
	return pea_err_setk(err, PEA_E_NOT_FOUND, 0, "no container with name or ID \"%s\" "
			    "found: no such container", name);
}

int ctr_lookup(struct pea_ctx *ctx, const char *name, struct ctr_info *out,
	       struct pea_err **err)
{
	if (ctr_load(ctx, name, out, err) < 0)
		return -1;
	ctr_sync(ctx, out, NULL); /* best effort */
	return 0;
}

int ctr_exists(struct pea_ctx *ctx, const char *name)
{
	struct ctr_info ci;

	if (ctr_load(ctx, name, &ci, NULL) < 0)
		return 0;
	ctr_info_release(&ci);
	return 1;
}

int ctr_list(struct pea_ctx *ctx, bool all, struct ctr_info **out, size_t *n,
	     struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_stmt sqlite3_stmt *s = NULL;
	struct ctr_info *list = NULL;
	size_t nr = 0, alloc = 0, i, kept = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st || !(s = state_prepare(st, "SELECT " COLS " FROM containers "
				       "ORDER BY created DESC, id;", err)))
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ALLOC_GROW(list, nr + 1, alloc);
		if (row_to_info(ctx, s, &list[nr], err) < 0) {
			ctr_info_list_free(list, nr);
			return -1;
		}
		nr++;
	}
	if (rc != SQLITE_DONE) {
		ctr_info_list_free(list, nr);
		return state_error(st, err, "list containers");
	}
	for (i = 0; i < nr; i++) {
		ctr_sync(ctx, &list[i], NULL);
		if (!all && list[i].state != CTR_RUNNING && list[i].state != CTR_STOPPING) {
			ctr_info_release(&list[i]);
			continue;
		}
		if (kept != i)
			list[kept] = list[i];
		kept++;
	}
	*out = list;
	*n = kept;
	return 0;
}

int ctr_save(struct pea_ctx *ctx, const struct ctr_info *ci, struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_stmt sqlite3_stmt *s = NULL;

	if (!st || !(s = state_prepare(st, "UPDATE containers SET state = ?2, pid = ?3, "
				       "conmon_pid = ?4, exit_code = ?5, oom_killed = ?6, "
				       "stopped_by_user = ?7, restart_count = ?8, started_at = ?9, "
				       "finished_at = ?10, backoff = ?11, error = ?12 WHERE id = ?1;",
				       err)))
		return -1;
	sqlite3_bind_text(s, 1, ci->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, ctr_state_name(ci->state), -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, ci->pid);
	sqlite3_bind_int(s, 4, ci->conmon_pid);
	sqlite3_bind_int(s, 5, ci->exit_code);
	sqlite3_bind_int(s, 6, ci->oom_killed);
	sqlite3_bind_int(s, 7, ci->stopped_by_user);
	sqlite3_bind_int(s, 8, ci->restart_count);
	sqlite3_bind_int64(s, 9, ci->started_at);
	sqlite3_bind_int64(s, 10, ci->finished_at);
	sqlite3_bind_int(s, 11, ci->backoff);
	if (ci->error)
		sqlite3_bind_text(s, 12, ci->error, -1, SQLITE_STATIC);
	if (state_step_done(st, s, err) < 0)
		return pea_err_wrap(err, "update container '%s'", ci->name);
	return 0;
}

/* A record whose conmon is gone but which still says running: finish it
 * as the exit command would have.  Without an exit file and with the
 * container's init gone too, the exit code is unknown: -1, as podman
 * records it.  A restart waiter that died leaves the container exited. */
int ctr_sync(struct pea_ctx *ctx, struct ctr_info *ci, struct pea_err **err)
{
	cleanup_close int lock = -1;
	struct ctr_info fresh;
	int code;
	bool oom;

	if (ci->state != CTR_RUNNING && ci->state != CTR_STOPPING && ci->state != CTR_RESTARTING)
		return 0;
	if (ci->state == CTR_RESTARTING ? (ci->conmon_pid == 0 || ctr_pid_alive(ci->conmon_pid))
					: ctr_pid_alive(ci->conmon_pid))
		return 0;
	if ((lock = ctr_trylock(ctx, ci->id)) < 0)
		return 0; /* someone is working on it */
	/* The monitor is gone but the container runs on: nobody would collect
	 * its output or its exit code any more, so it is stopped now rather
	 * than left running unmonitored. */
	if (ci->state != CTR_RESTARTING && ctr_pid_alive(ci->pid) &&
	    !ctr_read_exit_file(ctx, ci->id, &code, &oom)) {
		int i;

		log_warn(&ctx->log, "container %.12s: its monitor died; killing it", ci->id);
		kill(ci->pid, SIGKILL);
		for (i = 0; i < 50 && ctr_pid_alive(ci->pid); i++)
			usleep(20000);
	}
	if (ctr_load(ctx, ci->id, &fresh, err) < 0)
		return -1;
	if (fresh.state == CTR_RESTARTING && !ctr_pid_alive(fresh.conmon_pid)) {
		fresh.state = CTR_EXITED;
		fresh.conmon_pid = 0;
		if (ctr_save(ctx, &fresh, err) < 0) {
			ctr_info_release(&fresh);
			return -1;
		}
	} else if (ctr_cleanup_locked(ctx, &fresh, false, err) < 0) {
		ctr_info_release(&fresh);
		return -1;
	}
	ctr_info_release(ci);
	*ci = fresh;
	return 0;
}

/* ---- create ----------------------------------------------------------- */

static bool valid_name(const char *s)
{
	const char *p;

	if (!s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
		return false;
	for (p = s + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-'))
			return false;
	return p - s <= 253;
}

static int random_bytes(unsigned char *buf, size_t n, struct pea_err **err)
{
	if (getrandom(buf, n, 0) != (ssize_t)n)
		return pea_err_set(err, errno, "getrandom");
	return 0;
}

static char *new_id(struct pea_err **err)
{
	unsigned char b[32];
	char *id = xmalloc(65);
	size_t i;

	if (random_bytes(b, sizeof(b), err) < 0) {
		free(id);
		return NULL;
	}
	for (i = 0; i < 32; i++)
		snprintf(id + 2 * i, 3, "%02x", b[i]);
	return id;
}

/* podman-like generated names: adjective_noun. */
static char *new_name(struct pea_err **err)
{
	static const char *const adj[] = {
		"brave", "calm", "eager", "fancy", "gentle", "happy", "jolly", "keen", "lucid",
		"merry", "nifty", "proud", "quirky", "serene", "sharp", "tender", "upbeat", "vivid",
		"witty", "zealous",
	};
	static const char *const noun[] = {
		"babbage", "curie", "darwin", "euler", "fermi", "gauss", "hopper", "hypatia",
		"kepler", "lovelace", "meitner", "newton", "noether", "pascal", "ritchie", "shannon",
		"thompson", "turing", "volta", "wozniak",
	};
	unsigned char b[3];

	if (random_bytes(b, sizeof(b), err) < 0)
		return NULL;
	return xasprintf("%s_%s%s", adj[b[0] % 20], noun[b[1] % 20],
			 b[2] % 4 ? "" : "_2");
}

/* Defaults that are fixed at create time. */
static int resolve_defaults(struct pea_ctx *ctx, struct ctr_spec *s, const char *id,
			    struct json_object *config, char **runtime, struct pea_err **err)
{
	struct json_object *v;
	struct runtime_info ri = { 0 };
	const char *rt = s->runtime ? s->runtime : ctx->runtime;

	if (!s->stop_signal && config && json_object_object_get_ex(config, "StopSignal", &v) &&
	    json_object_get_string(v) && *json_object_get_string(v))
		s->stop_signal = xstrdup(json_object_get_string(v));
	if (s->stop_signal && ctr_parse_signal(s->stop_signal, err) < 0)
		return -1;
	if (!s->hostname && !(s->ns.uts && *s->ns.uts) &&
	    !(s->ns.net && !strcmp(s->ns.net, "host")))
		s->hostname = xstrndup(id, 12);
	if (rt) {
		*runtime = runtime_find(rt, err);
		return *runtime ? 0 : -1;
	}
	if (runtime_select(ctx, &ri, err) < 0)
		return -1;
	*runtime = steal_ptr(ri.path);
	runtime_info_release(&ri);
	return 0;
}

/* Named volumes are created when missing, anonymous ones get a name. */
static int prepare_volumes(struct pea_ctx *ctx, struct ctr_spec *s, char ***created,
			   struct pea_err **err)
{
	size_t i;

	for (i = 0; i < s->n_mounts; i++) {
		struct mount_spec *m = &s->mounts[i];
		char *name = NULL;

		if (m->kind != MOUNT_VOLUME || (m->source && vol_exists(ctx, m->source)))
			continue;
		if (vol_create(ctx, m->source, NULL, NULL, !m->source, true, &name, err) < 0)
			return pea_err_wrap(err, "volume for '%s'", m->destination);
		strv_push(created, name);
		free(m->source);
		m->source = name;
	}
	return 0;
}

static void drop_volumes(struct pea_ctx *ctx, char **names)
{
	for (; names && *names; names++)
		vol_remove(ctx, *names, true, NULL);
}

static int insert_row(struct pea_ctx *ctx, const char *id, const struct ctr_spec *s,
		      const struct img_info *img, const char *runtime, struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_json struct json_object *js = ctr_spec_to_json(s);
	cleanup_stmt sqlite3_stmt *q = NULL;
	size_t i;

	if (!st || state_begin(st, err) < 0)
		return -1;
	q = state_prepare(st, "INSERT INTO containers (id, name, image_id, image_name, pod_id, "
			  "state, created, runtime, spec, infra) "
			  "VALUES (?, ?, ?, ?, ?, 'created', ?, ?, ?, ?);", err);
	if (!q)
		goto fail;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, s->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, img->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, s->image, -1, SQLITE_STATIC);
	if (s->pod)
		sqlite3_bind_text(q, 5, s->pod, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, ctr_now_ns());
	sqlite3_bind_text(q, 7, runtime, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 8, json_object_to_json_string_ext(js, JSON_C_TO_STRING_PLAIN), -1,
			  SQLITE_TRANSIENT);
	sqlite3_bind_int(q, 9, s->infra);
	if (state_step_done(st, q, err) < 0)
		goto fail;
	for (i = 0; i < s->n_mounts; i++)
		if (s->mounts[i].kind == MOUNT_VOLUME &&
		    vol_attach(ctx, s->mounts[i].source, id, err) < 0)
			goto fail;
	return state_commit(st, err);
fail:
	state_rollback(st);
	return -1;
}

static int delete_row(struct pea_ctx *ctx, const char *id, struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_stmt sqlite3_stmt *q = NULL;

	if (!st || !(q = state_prepare(st, "DELETE FROM containers WHERE id = ?;", err)))
		return -1;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	return state_step_done(st, q, err);
}

static int check_name_free(struct pea_ctx *ctx, const char *name, struct pea_err **err)
{
	struct ctr_info other;
	int found;

	if (load_where(ctx, "name = ?1", name, &other, &found, err) < 0)
		return -1;
	if (!found)
		return 0;
	pea_err_setk(err, PEA_E_EXISTS, 0, "the container name \"%s\" is already in use by %s. "
		     "You have to remove that container to be able to reuse that name: that name "
		     "is already in use", name, other.id);
	ctr_info_release(&other);
	return -1;
}

/* What only a start would otherwise find wrong with the mounts. */
static int check_mounts(const struct ctr_spec *s, struct pea_err **err)
{
	static const char *const types[] = {
		"", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket",
		"CharDevice", "BlockDevice", NULL,
	};
	size_t i;

	for (i = 0; i < s->n_mounts; i++) {
		const struct mount_spec *m = &s->mounts[i];

		if (m->kind == MOUNT_POD_VOLUME && (!s->pod || s->infra || !m->source))
			return pea_err_setk(err, PEA_E_INVALID, 0, "mount '%s': a pod volume needs "
					    "a container in a pod", m->destination);
		if (m->host_path_type && strv_find((char *const *)types, m->host_path_type) < 0)
			return pea_err_setk(err, PEA_E_INVALID, 0, "%s is an invalid volume type",
					    m->host_path_type);
		if (m->host_path_type && *m->host_path_type && m->kind != MOUNT_BIND)
			return pea_err_setk(err, PEA_E_INVALID, 0, "mount '%s': a hostPath type "
					    "needs a bind mount", m->destination);
	}
	return 0;
}

/* Everything of create after the spec is final. */
static int create_objects(struct pea_ctx *ctx, const char *id, struct ctr_spec *s,
			  const struct img_info *img, const char *runtime, struct pea_err **err)
{
	cleanup_strv char **created = NULL;
	cleanup_free char *userdata = xasprintf("%s/containers/%s/userdata", ctx->root, id);

	if (prepare_volumes(ctx, s, &created, err) < 0)
		goto undo_volumes;
	if (insert_row(ctx, id, s, img, runtime, err) < 0) {
		if (err && pea_err_is(*err, PEA_E_EXISTS)) {
			pea_err_free(steal_ptr(*err));
			if (check_name_free(ctx, s->name, err) == 0)
				pea_err_setk(err, PEA_E_EXISTS, 0, "container \"%s\" already exists",
					     s->name);
		}
		goto undo_volumes;
	}
	/* An infra container has no image: its root is the pod's empty dir. */
	if (!s->infra && store_rootfs_create(ctx, id, (const char *const *)img->diff_ids,
					     img->n_layers, err) < 0)
		goto undo_row;
	if (io_mkdir_p(userdata, 0700, err) < 0)
		goto undo_rootfs;
	return 0;
undo_rootfs:
	store_rootfs_remove(ctx, id, NULL);
undo_row:
	vol_detach_all(ctx, id, false, NULL);
	delete_row(ctx, id, NULL);
undo_volumes:
	drop_volumes(ctx, created);
	return -1;
}

char *ctr_create(struct pea_ctx *ctx, const struct ctr_spec *spec, struct pea_err **err)
{
	struct img_info img = { 0 };
	struct ctr_spec s;
	cleanup_json struct json_object *config = NULL;
	cleanup_json struct json_object *js = NULL;
	cleanup_free char *runtime = NULL;
	char *id = NULL;

	if (spec->name && !valid_name(spec->name)) {
		pea_err_setk(err, PEA_E_INVALID, 0, "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: "
			     "invalid argument \"%s\"", spec->name);
		return NULL;
	}
	if (spec->infra && (spec->image || !spec->pod)) {
		pea_err_setk(err, PEA_E_INVALID, 0, "an infra container needs a pod and no image");
		return NULL;
	}
	if (!spec->infra && (!spec->image || img_lookup(ctx, spec->image, &img, err) < 0)) {
		if (!spec->image)
			pea_err_setk(err, PEA_E_INVALID, 0, "no image given");
		return NULL;
	}
	/* Deep copy through JSON: the caller's spec stays untouched. */
	ctr_spec_init(&s);
	js = ctr_spec_to_json(spec);
	config = load_image_config(ctx, img.id);
	if (ctr_spec_from_json(js, &s, err) < 0 || !(id = new_id(err)))
		goto out;
	if (s.pod && !s.infra && pod_ctr_prepare(ctx, &s, err) < 0)
		goto fail;
	if (!s.name && !(s.name = new_name(err)))
		goto fail;
	if (check_name_free(ctx, s.name, err) < 0 || check_mounts(&s, err) < 0 ||
	    resolve_defaults(ctx, &s, id, config, &runtime, err) < 0 ||
	    create_objects(ctx, id, &s, &img, runtime, err) < 0)
		goto fail;
	if (s.pod && !s.infra)
		pod_ctr_changed(ctx, s.pod);
	goto out;
fail:
	free(steal_ptr(id));
out:
	if (!id)
		pea_err_wrap(err, "create container");
	ctr_spec_release(&s);
	img_info_release(&img);
	return id;
}

/* ---- remove ----------------------------------------------------------- */

static void remove_run_files(struct pea_ctx *ctx, const char *id)
{
	cleanup_free char *rundir = xasprintf("%s/containers/%s", ctx->runroot, id);
	cleanup_free char *sock = xasprintf("%s/socket/%s", ctx->runroot, id);

	mntsrc_release(ctx, id);
	io_rm_rf(rundir, NULL);
	io_rm_rf(sock, NULL);
	ctr_remove_exit_file(ctx, id);
}

int ctr_remove_locked(struct pea_ctx *ctx, struct ctr_info *ci, bool volumes,
		      struct pea_err **err)
{
	struct state *st;

	if (ctr_runtime_delete(ctx, ci, true, err) < 0)
		return pea_err_wrap(err, "remove container '%s'", ci->name);
	if (store_rootfs_remove(ctx, ci->id, err) < 0)
		return pea_err_wrap(err, "remove container '%s'", ci->name);
	if (!(st = state_get(ctx, err)) || vol_detach_all(ctx, ci->id, volumes, err) < 0 ||
	    delete_row(ctx, ci->id, err) < 0)
		return pea_err_wrap(err, "remove container '%s'", ci->name);
	remove_run_files(ctx, ci->id);
	return 0;
}
