/* Named volumes, local driver: records, directories, tmpfs volumes, users,
 * removal and prune.  The copy-up (vol_populate) is in volume-copy.c. */
#include "podengine/volume.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/json.h"
#include "base/strbuf.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "podengine/state.h"
#include "podengine/storage.h"
#include "podengine/volume-internal.h"

#include <errno.h>
#include <regex.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

#define VOL_NAME_MAX 255

void vol_info_release(struct vol_info *vi)
{
	if (!vi)
		return;
	free(vi->name);
	free(vi->driver);
	free(vi->mountpoint);
	free(vi->labels);
	free(vi->options);
	memset(vi, 0, sizeof(*vi));
}

void vol_info_list_free(struct vol_info *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		vol_info_release(&list[i]);
	free(list);
}

bool vol_name_valid(const char *name)
{
	const char *p;

	if (!name || !*name || strlen(name) > VOL_NAME_MAX)
		return false;
	for (p = name; *p; p++) {
		bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9');

		if (!alnum && (p == name || (*p != '_' && *p != '.' && *p != '-')))
			return false;
	}
	return true;
}

static int check_name(const char *name, struct pea_err **err)
{
	if (vol_name_valid(name))
		return 0;
	return pea_err_setk(err, PEA_E_INVALID, 0, "invalid volume name '%s': names must match "
			    "[a-zA-Z0-9][a-zA-Z0-9_.-]*", name ? name : "");
}

static int not_found(struct pea_err **err, const char *name)
{
	return pea_err_setk(err, PEA_E_NOT_FOUND, 0, "no volume with name '%s' found", name);
}

char *vol_dir(struct pea_ctx *ctx, const char *name)
{
	return xasprintf("%s/volumes/%s", ctx->root, name);
}

char *vol_data_dir(struct pea_ctx *ctx, const char *name)
{
	return xasprintf("%s/volumes/%s/_data", ctx->root, name);
}

/* Begin a transaction unless the caller has one open (*own says which). */
static int tx_begin(struct state *st, bool *own, struct pea_err **err)
{
	*own = sqlite3_get_autocommit(state_db(st)) != 0;
	return *own ? state_begin(st, err) : 0;
}

static int tx_commit(struct state *st, bool own, struct pea_err **err)
{
	return own ? state_commit(st, err) : 0;
}

static void tx_rollback(struct state *st, bool own)
{
	if (own)
		state_rollback(st);
}

static char *random_name(struct pea_err **err)
{
	unsigned char rnd[32];
	char out[65];
	size_t i;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		pea_err_set(err, errno, "read random bytes for a volume name");
		return NULL;
	}
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(out + 2 * i, 3, "%02x", rnd[i]);
	return xstrdup(out);
}

/* Make <root>/volumes/<name>/_data, owned as `o=uid=,gid=` ask. */
static int make_dirs(struct pea_ctx *ctx, const char *name, struct json_object *opts,
		     struct pea_err **err)
{
	cleanup_free char *top = path_join(ctx->root, "volumes");
	cleanup_free char *dir = vol_dir(ctx, name);
	cleanup_free char *data = vol_data_dir(ctx, name);
	const char *type = vol_json_get(opts, "type"), *o = vol_json_get(opts, "o");
	long uid = vol_opt_number(o, "uid"), gid = vol_opt_number(o, "gid");

	if (uid == -2 || gid == -2)
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid uid or gid in option o='%s'", o);
	if (io_mkdir_p(top, 0700, err) < 0)
		return -1;
	/* A directory without a row is a leftover of an interrupted create. */
	if (io_rm_rf(dir, err) < 0 || io_mkdir_p(data, 0755, err) < 0)
		return -1;
	if (chmod(data, 0755) < 0)
		return pea_err_set(err, errno, "chmod '%s'", data);
	if ((!type || strcmp(type, "tmpfs")) && (uid >= 0 || gid >= 0) &&
	    chown(data, uid >= 0 ? (uid_t)uid : (uid_t)-1, gid >= 0 ? (gid_t)gid : (gid_t)-1) < 0)
		return pea_err_set(err, errno, "chown '%s'", data);
	if (vol_opt_has_flag(o, "nocopy"))
		return vol_mark_copied(ctx, name, err);
	return 0;
}

static int insert_row(struct state *st, const char *name, const char *mountpoint,
		      const char *labels, const char *options, bool anonymous,
		      struct pea_err **err)
{
	cleanup_stmt sqlite3_stmt *s = state_prepare(st, "INSERT INTO volumes (name, driver,"
		" mountpoint, labels, options, anonymous, created) VALUES (?1, 'local', ?2, ?3,"
		" ?4, ?5, ?6)", err);

	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, mountpoint, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, labels, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, options, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, anonymous);
	sqlite3_bind_int64(s, 6, (int64_t)time(NULL));
	return state_step_done(st, s, err);
}

static bool row_exists(struct state *st, const char *name)
{
	cleanup_stmt sqlite3_stmt *s = state_prepare(st, "SELECT 1 FROM volumes WHERE name = ?1",
						     NULL);

	if (!s)
		return false;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	return sqlite3_step(s) == SQLITE_ROW;
}

static int create_locked(struct pea_ctx *ctx, struct state *st, const char *name,
			 const char *labels, const char *options, bool anonymous,
			 bool ignore_exists, struct pea_err **err)
{
	cleanup_free char *data = vol_data_dir(ctx, name);
	cleanup_json struct json_object *opts = json_tokener_parse(options);

	if (row_exists(st, name)) {
		if (ignore_exists)
			return 1;
		return pea_err_setk(err, PEA_E_EXISTS, 0, "volume with name '%s' already exists",
				    name);
	}
	if (insert_row(st, name, data, labels, options, anonymous, err) < 0)
		return -1;
	return make_dirs(ctx, name, opts, err);
}

int vol_create(struct pea_ctx *ctx, const char *name, char *const *labels,
	       char *const *options, bool anonymous, bool ignore_exists, char **out_name,
	       struct pea_err **err)
{
	cleanup_free char *nm = name ? xstrdup(name) : random_name(err);
	cleanup_free char *lj = NULL, *oj = NULL;
	struct pea_err *e = NULL;
	struct state *st;
	bool own;

	if (!nm || check_name(nm, err) < 0)
		return -1;
	if (!(lj = vol_kv_json(labels, "label", err)) || !(oj = vol_kv_json(options, "option", err)) ||
	    vol_options_validate(oj, err) < 0)
		return pea_err_wrap(err, "create volume '%s'", nm);
	if (!(st = state_get(ctx, err)) || tx_begin(st, &own, err) < 0)
		return -1;
	if (create_locked(ctx, st, nm, lj, oj, anonymous, ignore_exists, &e) < 0 ||
	    tx_commit(st, own, &e) < 0) {
		bool exists = pea_err_is(e, PEA_E_EXISTS);

		tx_rollback(st, own);
		/* Only a volume this call made has a directory to undo. */
		if (!exists) {
			cleanup_free char *dir = vol_dir(ctx, nm);

			io_rm_rf(dir, NULL);
		}
		pea_err_pass(err, e);
		return exists ? -1 : pea_err_wrap(err, "create volume '%s'", nm);
	}
	if (out_name)
		*out_name = steal_ptr(nm);
	return 0;
}

/* ---- lookup and list ---- */

#define VOL_COLUMNS                                                                   \
	"SELECT v.name, v.driver, v.mountpoint, coalesce(v.labels, '{}'),"            \
	" coalesce(v.options, '{}'), v.anonymous, v.created,"                         \
	" (SELECT count(*) FROM volume_users u WHERE u.volume = v.name) FROM volumes v"

static void read_row(struct pea_ctx *ctx, sqlite3_stmt *s, struct vol_info *out)
{
	cleanup_free char *marker = NULL;

	memset(out, 0, sizeof(*out));
	out->name = xstrdup((const char *)sqlite3_column_text(s, 0));
	out->driver = xstrdup((const char *)sqlite3_column_text(s, 1));
	out->mountpoint = xstrdup((const char *)sqlite3_column_text(s, 2));
	out->labels = xstrdup((const char *)sqlite3_column_text(s, 3));
	out->options = xstrdup((const char *)sqlite3_column_text(s, 4));
	out->anonymous = sqlite3_column_int(s, 5) != 0;
	out->created = sqlite3_column_int64(s, 6);
	out->users = sqlite3_column_int(s, 7);
	marker = xasprintf("%s/volumes/%s/.copied", ctx->root, out->name);
	out->needs_copy_up = !io_exists(marker);
}

int vol_lookup(struct pea_ctx *ctx, const char *name, struct vol_info *out,
	       struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_stmt sqlite3_stmt *s = NULL;
	int rc;

	if (!st || !(s = state_prepare(st, VOL_COLUMNS " WHERE v.name = ?1", err)))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE)
		return not_found(err, name);
	if (rc != SQLITE_ROW)
		return state_error(st, err, "look up volume");
	read_row(ctx, s, out);
	return 0;
}

bool vol_exists(struct pea_ctx *ctx, const char *name)
{
	struct state *st = state_get(ctx, NULL);

	return st && vol_name_valid(name) && row_exists(st, name);
}

/* One filter "key=value" (or "label!=value") against a volume. */
static int filter_match(const struct vol_info *vi, const char *key, bool neg,
			const char *value, struct pea_err **err)
{
	if (!strcmp(key, "name")) {
		regex_t re;
		int m;

		if (regcomp(&re, value, REG_EXTENDED | REG_NOSUB) != 0)
			return pea_err_setk(err, PEA_E_INVALID, 0, "invalid name filter '%s'", value);
		m = regexec(&re, vi->name, 0, NULL, 0) == 0;
		regfree(&re);
		return m;
	}
	if (!strcmp(key, "label")) {
		cleanup_json struct json_object *l = json_tokener_parse(vi->labels);
		const char *eq = strchr(value, '=');
		cleanup_free char *k = eq ? xstrndup(value, (size_t)(eq - value)) : xstrdup(value);
		const char *got = vol_json_get(l, k);
		bool m = got && (!eq || !strcmp(got, eq + 1));

		return m != neg;
	}
	if (!strcmp(key, "driver"))
		return !strcmp(vi->driver, value);
	if (!strcmp(key, "dangling") || !strcmp(key, "anonymous")) {
		bool want = !strcmp(value, "true") || !strcmp(value, "1");

		if (!want && strcmp(value, "false") && strcmp(value, "0"))
			return pea_err_setk(err, PEA_E_INVALID, 0, "invalid %s filter value '%s'",
					    key, value);
		return (key[0] == 'd' ? vi->users == 0 : vi->anonymous) == want;
	}
	return pea_err_setk(err, PEA_E_INVALID, 0, "invalid volume filter '%s'", key);
}

/* Split "key=value" / "key!=value"; returns the key (caller frees). */
static char *filter_split(const char *f, bool *neg, const char **value, struct pea_err **err)
{
	const char *eq = strchr(f, '=');

	if (!eq || eq == f) {
		pea_err_setk(err, PEA_E_INVALID, 0, "invalid filter '%s': expected KEY=VALUE", f);
		return NULL;
	}
	*neg = eq[-1] == '!';
	*value = eq + 1;
	return xstrndup(f, (size_t)(eq - f) - (*neg ? 1 : 0));
}

/* Same key: any; different keys: all.  Returns 1, 0 or -1. */
static int filters_match(const struct vol_info *vi, char *const *filters, struct pea_err **err)
{
	size_t i, j;

	for (i = 0; filters && filters[i]; i++) {
		cleanup_free char *key = NULL;
		const char *value;
		bool neg, any = false, seen = false;

		if (!(key = filter_split(filters[i], &neg, &value, err)))
			return -1;
		for (j = 0; j < i && !seen; j++) {
			cleanup_free char *k2 = filter_split(filters[j], &neg, &value, NULL);

			seen = k2 && !strcmp(k2, key);
		}
		if (seen)
			continue;     /* this key was judged already */
		for (j = i; filters[j] && !any; j++) {
			cleanup_free char *k2 = filter_split(filters[j], &neg, &value, err);
			int m;

			if (!k2)
				return -1;
			if (strcmp(k2, key))
				continue;
			if ((m = filter_match(vi, key, neg, value, err)) < 0)
				return -1;
			any = m;
		}
		if (!any)
			return 0;
	}
	return 1;
}

int vol_list(struct pea_ctx *ctx, char *const *filters, struct vol_info **out, size_t *n,
	     struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_stmt sqlite3_stmt *s = NULL;
	struct vol_info *list = NULL;
	size_t cnt = 0, alloc = 0;
	int rc, m;

	if (!st || !(s = state_prepare(st, VOL_COLUMNS " ORDER BY v.name", err)))
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ALLOC_GROW(list, cnt + 1, alloc);
		read_row(ctx, s, &list[cnt]);
		m = filters_match(&list[cnt], filters, err);
		if (m < 0) {
			vol_info_list_free(list, cnt + 1);
			return -1;
		}
		if (m)
			cnt++;
		else
			vol_info_release(&list[cnt]);
	}
	if (rc != SQLITE_DONE) {
		vol_info_list_free(list, cnt);
		return state_error(st, err, "list volumes");
	}
	*out = list;
	*n = cnt;
	return 0;
}

static char *rfc3339_local(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[64];
	long off;

	localtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	off = tm.tm_gmtoff;
	if (off == 0)
		return xasprintf("%sZ", buf);
	return xasprintf("%s%c%02ld:%02ld", buf, off < 0 ? '-' : '+', labs(off) / 3600,
			 labs(off) % 3600 / 60);
}

struct json_object *vol_inspect_json(const struct vol_info *vi)
{
	struct json_object *o = json_object_new_object();
	struct json_object *labels = json_tokener_parse(vi->labels);
	struct json_object *opts = json_tokener_parse(vi->options);
	cleanup_free char *created = rfc3339_local(vi->created);

	json_object_object_add(o, "Name", json_object_new_string(vi->name));
	json_object_object_add(o, "Driver", json_object_new_string(vi->driver));
	json_object_object_add(o, "Mountpoint", json_object_new_string(vi->mountpoint));
	json_object_object_add(o, "CreatedAt", json_object_new_string(created));
	json_object_object_add(o, "Labels", labels ? labels : json_object_new_object());
	json_object_object_add(o, "Scope", json_object_new_string("local"));
	json_object_object_add(o, "Options", opts ? opts : json_object_new_object());
	json_object_object_add(o, "MountCount", json_object_new_int(vi->users));
	json_object_object_add(o, "NeedsCopyUp", json_object_new_boolean(vi->needs_copy_up));
	json_object_object_add(o, "NeedsChown", json_object_new_boolean(vi->needs_copy_up));
	json_object_object_add(o, "Anonymous", json_object_new_boolean(vi->anonymous));
	return o;
}

/* ---- tmpfs volumes ---- */

static int data_umount(const char *data, struct pea_err **err)
{
	/* Mounted more than once (two ensures racing): undo them all. */
	while (store_is_mountpoint(data)) {
		if (umount2(data, UMOUNT_NOFOLLOW) < 0) {
			if (errno == EINVAL)
				break;   /* not a mount point after all */
			return pea_err_set(err, errno, "unmount '%s'", data);
		}
	}
	return 0;
}

char *vol_ensure(struct pea_ctx *ctx, const char *name, struct pea_err **err)
{
	struct vol_info vi = { 0 };
	cleanup_free char *o = NULL;
	char *data;

	if (vol_create(ctx, name, NULL, NULL, false, true, NULL, err) < 0 ||
	    vol_lookup(ctx, name, &vi, err) < 0)
		return NULL;
	data = xstrdup(vi.mountpoint);
	if (vol_is_tmpfs(&vi, &o) && !store_is_mountpoint(data) && vol_tmpfs_mount(data, o, err) < 0) {
		vol_info_release(&vi);
		free(data);
		pea_err_wrap(err, "volume '%s'", name);
		return NULL;
	}
	vol_info_release(&vi);
	return data;
}

/* ---- users ---- */

int vol_attach(struct pea_ctx *ctx, const char *name, const char *ctr_id,
	       struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_stmt sqlite3_stmt *s = NULL;

	if (!st)
		return -1;
	if (!row_exists(st, name))
		return not_found(err, name);
	s = state_prepare(st, "INSERT OR IGNORE INTO volume_users (volume, container_id)"
			  " VALUES (?1, ?2)", err);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, ctr_id, -1, SQLITE_STATIC);
	if (state_step_done(st, s, err) < 0)
		return pea_err_wrap(err, "attach volume '%s' to container '%s'", name, ctr_id);
	return 0;
}

/* Unmount a tmpfs volume that nobody uses any more. */
static int release_if_unused(struct pea_ctx *ctx, const char *name, struct pea_err **err)
{
	struct vol_info vi = { 0 };
	int r = 0;

	if (vol_lookup(ctx, name, &vi, NULL) < 0)
		return 0;
	if (vi.users == 0 && vol_is_tmpfs(&vi, NULL))
		r = data_umount(vi.mountpoint, err);
	vol_info_release(&vi);
	return r;
}

int vol_detach(struct pea_ctx *ctx, const char *name, const char *ctr_id,
	       struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_stmt sqlite3_stmt *s = NULL;

	if (!st || !(s = state_prepare(st, "DELETE FROM volume_users WHERE volume = ?1 AND"
				       " container_id = ?2", err)))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, ctr_id, -1, SQLITE_STATIC);
	if (state_step_done(st, s, err) < 0)
		return pea_err_wrap(err, "detach volume '%s' from container '%s'", name, ctr_id);
	return release_if_unused(ctx, name, err);
}

static char **select_strv(struct state *st, const char *sql, const char *arg,
			  struct pea_err **err)
{
	cleanup_stmt sqlite3_stmt *s = state_prepare(st, sql, err);
	char **v = xcalloc(1, sizeof(*v));
	int rc;

	if (!s) {
		free(v);
		return NULL;
	}
	sqlite3_bind_text(s, 1, arg, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		strv_push(&v, (const char *)sqlite3_column_text(s, 0));
	if (rc != SQLITE_DONE) {
		strv_free(v);
		state_error(st, err, "query volumes");
		return NULL;
	}
	return v;
}

char **vol_users(struct pea_ctx *ctx, const char *name, struct pea_err **err)
{
	struct state *st = state_get(ctx, err);

	if (!st)
		return NULL;
	return select_strv(st, "SELECT container_id FROM volume_users WHERE volume = ?1"
			   " ORDER BY container_id", name, err);
}

int vol_detach_all(struct pea_ctx *ctx, const char *ctr_id, bool remove_anonymous,
		   struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_strv char **names = NULL;
	char **p;

	if (!st || !(names = select_strv(st, "SELECT volume FROM volume_users WHERE"
					 " container_id = ?1", ctr_id, err)))
		return -1;
	for (p = names; *p; p++) {
		struct vol_info vi = { 0 };
		bool anon;

		if (vol_detach(ctx, *p, ctr_id, err) < 0)
			return -1;
		if (!remove_anonymous || vol_lookup(ctx, *p, &vi, NULL) < 0)
			continue;
		anon = vi.anonymous && vi.users == 0;
		vol_info_release(&vi);
		if (anon && vol_remove(ctx, *p, false, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- removal ---- */

static int in_use_error(struct state *st, const char *name, struct pea_err **err)
{
	cleanup_strv char **ids = select_strv(st, "SELECT container_id FROM volume_users WHERE"
					      " volume = ?1 ORDER BY container_id", name, err);
	struct strbuf sb = STRBUF_INIT;
	char **p;

	if (!ids)
		return -1;
	for (p = ids; *p; p++)
		strbuf_addf(&sb, "%s%s", p == ids ? "" : ", ", *p);
	pea_err_setk(err, PEA_E_IN_USE, 0, "volume '%s' is being used by the following "
		     "container(s): %s", name, sb.buf);
	strbuf_release(&sb);
	return -1;
}

/* Under the write lock: refuse if used, unmount, delete data and row. */
static int remove_locked(struct pea_ctx *ctx, struct state *st, const char *name,
			 struct pea_err **err)
{
	struct vol_info vi = { 0 };
	cleanup_free char *dir = vol_dir(ctx, name);
	cleanup_stmt sqlite3_stmt *s = NULL;
	int r;

	if (vol_lookup(ctx, name, &vi, err) < 0)
		return -1;
	r = vi.users;
	vol_info_release(&vi);
	if (r > 0)
		return in_use_error(st, name, err);
	s = state_prepare(st, "DELETE FROM volumes WHERE name = ?1", err);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (state_step_done(st, s, err) < 0)
		return -1;
	{
		cleanup_free char *data = vol_data_dir(ctx, name);

		if (data_umount(data, err) < 0)
			return -1;
	}
	return io_rm_rf(dir, err);
}

int vol_remove(struct pea_ctx *ctx, const char *name, bool force, struct pea_err **err)
{
	struct state *st;
	bool own;

	(void)force;
	if (!vol_name_valid(name))
		return not_found(err, name);
	if (!(st = state_get(ctx, err)) || tx_begin(st, &own, err) < 0)
		return -1;
	if (remove_locked(ctx, st, name, err) < 0 || tx_commit(st, own, err) < 0) {
		tx_rollback(st, own);
		return -1;
	}
	return 0;
}

int vol_prune(struct pea_ctx *ctx, char *const *filters,
	      void (*report)(const char *name, void *data), void *data, struct pea_err **err)
{
	struct vol_info *list = NULL;
	size_t n = 0, i;
	int rc = 0;

	if (vol_list(ctx, filters, &list, &n, err) < 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		struct pea_err *e = NULL;

		if (list[i].users > 0)
			continue;
		if (vol_remove(ctx, list[i].name, false, &e) < 0) {
			/* Picked up by a container since the list: not prunable. */
			if (pea_err_is(e, PEA_E_IN_USE) || pea_err_is(e, PEA_E_NOT_FOUND)) {
				pea_err_free(e);
				continue;
			}
			pea_err_pass(err, e);
			rc = -1;
			continue;
		}
		if (report)
			report(list[i].name, data);
	}
	vol_info_list_free(list, n);
	return rc;
}
