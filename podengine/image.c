/* Local image records: commit, lookup, list, tag, remove, prune, mount.
 * The rows live in the state database (schema in state.c); blobs in the
 * blob store under ctx->root; unpacked layers belong to layers.c. */
#include "podengine/image.h"
#include "podengine/blobstore.h"
#include "podengine/digest.h"
#include "podengine/layers.h"
#include "podengine/reference.h"
#include "podengine/state.h"
#include "podengine/storage.h"
#include "base/io.h"
#include "base/lockfile.h"
#include "base/cleanup.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

/* Hook for the container store: true while a container uses the image.
 * The containers table does not exist yet, so nothing is ever in use. */
static bool image_in_use(struct pea_ctx *ctx, const char *id)
{
	(void)ctx;
	(void)id;
	return false;
}

static const char *col_text(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

static char *col_dup(sqlite3_stmt *s, int i)
{
	const char *t = col_text(s, i);

	return t ? xstrdup(t) : NULL;
}

static void strv_push(char ***v, size_t *n, size_t *alloc, char *s)
{
	ALLOC_GROW(*v, *n + 2, *alloc);
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

static void strv_free(char **v)
{
	char **p;

	for (p = v; p && *p; p++)
		free(*p);
	free(v);
}

static bool strv_has(char **v, const char *s)
{
	for (; v && *v; v++)
		if (!strcmp(*v, s))
			return true;
	return false;
}

/* ---- commit ---- */

static int bind_text(sqlite3_stmt *s, int i, const char *t)
{
	return sqlite3_bind_text(s, i, t, -1, SQLITE_TRANSIENT);
}

static int commit_image_row(struct state *st, const char *id, const struct img_new *in,
			    struct pea_err **err)
{
	cleanup_stmt sqlite3_stmt *s = state_prepare(st,
		"INSERT INTO images (id, config_digest, manifest_digest, manifest_media_type,"
		" index_digest, size, created, added) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
		" ON CONFLICT(id) DO UPDATE SET manifest_digest = excluded.manifest_digest,"
		" manifest_media_type = excluded.manifest_media_type,"
		" index_digest = excluded.index_digest, size = excluded.size,"
		" created = excluded.created", err);

	if (!s)
		return -1;
	bind_text(s, 1, id);
	bind_text(s, 2, in->config_digest);
	bind_text(s, 3, in->manifest_digest);
	bind_text(s, 4, in->manifest_media_type);
	bind_text(s, 5, in->index_digest);
	sqlite3_bind_int64(s, 6, in->size);
	bind_text(s, 7, in->created);
	sqlite3_bind_int64(s, 8, (sqlite3_int64)time(NULL));
	return state_step_done(st, s, err);
}

static int commit_layers(struct state *st, const char *id, const struct img_new *in,
			 struct pea_err **err)
{
	cleanup_stmt sqlite3_stmt *del = state_prepare(st,
		"DELETE FROM image_layers WHERE image_id = ?1", err);
	cleanup_stmt sqlite3_stmt *ins = NULL;
	size_t i;

	if (!del)
		return -1;
	bind_text(del, 1, id);
	if (state_step_done(st, del, err) < 0)
		return -1;
	ins = state_prepare(st, "INSERT INTO image_layers (image_id, idx, diff_id)"
			    " VALUES (?1, ?2, ?3)", err);
	if (!ins)
		return -1;
	for (i = 0; i < in->n_layers; i++) {
		sqlite3_reset(ins);
		bind_text(ins, 1, id);
		sqlite3_bind_int64(ins, 2, (sqlite3_int64)i);
		bind_text(ins, 3, in->diff_ids[i]);
		if (state_step_done(st, ins, err) < 0)
			return pea_err_wrap(err, "layer '%s'", in->diff_ids[i]);
	}
	return 0;
}

static int put_name(struct state *st, const char *id, const char *name, struct pea_err **err)
{
	cleanup_stmt sqlite3_stmt *s = state_prepare(st,
		"INSERT OR REPLACE INTO image_names (name, image_id) VALUES (?1, ?2)", err);

	if (!s)
		return -1;
	bind_text(s, 1, name);
	bind_text(s, 2, id);
	return state_step_done(st, s, err);
}

static int put_digest(struct state *st, const char *id, const char *digest, const char *repo,
		      struct pea_err **err)
{
	cleanup_stmt sqlite3_stmt *s = state_prepare(st,
		"INSERT OR REPLACE INTO image_digests (digest, repo, image_id) VALUES (?1, ?2, ?3)",
		err);

	if (!s)
		return -1;
	bind_text(s, 1, digest);
	bind_text(s, 2, repo);
	bind_text(s, 3, id);
	return state_step_done(st, s, err);
}

static int commit_tx(struct state *st, const char *id, const struct img_new *in,
		     const char *name, const char *repo, struct pea_err **err)
{
	if (commit_image_row(st, id, in, err) < 0 || commit_layers(st, id, in, err) < 0)
		return -1;
	if (name && put_name(st, id, name, err) < 0)
		return -1;
	if (repo && put_digest(st, id, in->manifest_digest, repo, err) < 0)
		return -1;
	/* Pulled by the digest of a manifest list: answer to that one too. */
	if (repo && in->index_digest && put_digest(st, id, in->index_digest, repo, err) < 0)
		return -1;
	return 0;
}

int img_commit(struct pea_ctx *ctx, const struct img_new *in, char **out_id,
	       struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_free char *name = NULL, *repo = NULL;
	const char *id;

	if (!st)
		return -1;
	if (digest_validate(in->config_digest, err) < 0 ||
	    digest_validate(in->manifest_digest, err) < 0)
		return pea_err_wrap(err, "commit image");
	id = digest_hex(in->config_digest);
	if (in->name) {
		struct img_ref ref = { 0 };

		if (img_ref_parse(in->name, &ref, err) < 0)
			return pea_err_wrap(err, "commit image");
		name = img_ref_string(&ref);
		repo = in->repo ? NULL : img_ref_repo(&ref);
		img_ref_release(&ref);
	}
	if (in->repo)
		repo = xstrdup(in->repo);
	if (state_begin(st, err) < 0)
		return pea_err_wrap(err, "commit image %.12s", id);
	if (commit_tx(st, id, in, name, repo, err) < 0 || state_commit(st, err) < 0) {
		state_rollback(st);
		return pea_err_wrap(err, "commit image %.12s", id);
	}
	if (out_id)
		*out_id = xstrdup(id);
	return 0;
}

/* ---- reading records ---- */

static int load_strv(struct state *st, const char *sql, const char *id, char ***out,
		     size_t *n_out, struct pea_err **err)
{
	cleanup_stmt sqlite3_stmt *s = state_prepare(st, sql, err);
	char **v = NULL;
	size_t n = 0, alloc = 0;
	int rc;

	if (!s)
		return -1;
	if (id)
		bind_text(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		strv_push(&v, &n, &alloc, col_dup(s, 0));
	if (rc != SQLITE_DONE) {
		strv_free(v);
		return state_error(st, err, "read image");
	}
	if (!v)
		v = xcalloc(1, sizeof(*v));
	*out = v;
	if (n_out)
		*n_out = n;
	return 0;
}

/* repo@digest for every recorded digest and for each name's repository. */
static void add_name_digests(struct img_info *info)
{
	size_t n = 0, alloc = 0;
	char **v = info->repo_digests, **p;

	for (p = v; p && *p; p++)
		n++;
	alloc = n + 1;
	for (p = info->names; p && *p; p++) {
		const char *colon = strrchr(*p, ':'), *slash = strrchr(*p, '/');
		size_t len = colon && (!slash || colon > slash) ? (size_t)(colon - *p) : strlen(*p);
		char *rd = xasprintf("%.*s@%s", (int)len, *p, info->manifest_digest);

		if (strv_has(v, rd)) {
			free(rd);
			continue;
		}
		strv_push(&v, &n, &alloc, rd);
	}
	info->repo_digests = v;
}

static int load_info(struct state *st, const char *id, struct img_info *out,
		     struct pea_err **err)
{
	cleanup_stmt sqlite3_stmt *s = state_prepare(st,
		"SELECT id, config_digest, manifest_digest, manifest_media_type, size, created,"
		" added FROM images WHERE id = ?1", err);

	memset(out, 0, sizeof(*out));
	if (!s)
		return -1;
	bind_text(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW)
		return pea_err_setk(err, PEA_E_NOT_FOUND, 0, "image '%s' not known", id);
	out->id = col_dup(s, 0);
	out->config_digest = col_dup(s, 1);
	out->manifest_digest = col_dup(s, 2);
	out->manifest_media_type = col_dup(s, 3);
	out->size = sqlite3_column_int64(s, 4);
	out->created = col_dup(s, 5);
	out->added = sqlite3_column_int64(s, 6);
	if (load_strv(st, "SELECT name FROM image_names WHERE image_id = ?1 ORDER BY rowid",
		      id, &out->names, NULL, err) < 0 ||
	    load_strv(st, "SELECT repo || '@' || digest FROM image_digests WHERE image_id = ?1"
		      " ORDER BY rowid", id, &out->repo_digests, NULL, err) < 0 ||
	    load_strv(st, "SELECT diff_id FROM image_layers WHERE image_id = ?1 ORDER BY idx",
		      id, &out->diff_ids, &out->n_layers, err) < 0) {
		img_info_release(out);
		return -1;
	}
	add_name_digests(out);
	return 0;
}

void img_info_release(struct img_info *info)
{
	strv_free(info->names);
	strv_free(info->repo_digests);
	strv_free(info->diff_ids);
	free(info->id);
	free(info->config_digest);
	free(info->manifest_digest);
	free(info->manifest_media_type);
	free(info->created);
	memset(info, 0, sizeof(*info));
}

void img_info_list_free(struct img_info *list, size_t n)
{
	size_t i;

	for (i = 0; i < n && list; i++)
		img_info_release(&list[i]);
	free(list);
}

/* ---- lookup ---- */

/* Run a query with up to two text parameters that returns image ids; 1 with
 * the id in out when exactly one row matched, 0 for none, -1 on error
 * (ambiguity is an error naming `what`). */
static int query_id(struct state *st, const char *sql, const char *a, const char *b,
		    const char *what, char **out, struct pea_err **err)
{
	cleanup_stmt sqlite3_stmt *s = state_prepare(st, sql, err);
	cleanup_free char *first = NULL;
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, a);
	if (b)
		bind_text(s, 2, b);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return state_error(st, err, "look up image");
	first = col_dup(s, 0);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (strcmp(first, col_text(s, 0)))
			return pea_err_setk(err, PEA_E_INVALID, 0,
					    "image id prefix '%s' is ambiguous", what);
	*out = steal_ptr(first);
	return 1;
}

static int by_name(struct state *st, const char *name, char **out, struct pea_err **err)
{
	return query_id(st, "SELECT image_id FROM image_names WHERE name = ?1", name, NULL,
			name, out, err);
}

static int by_digest(struct state *st, const struct img_ref *ref, char **out,
		     struct pea_err **err)
{
	cleanup_free char *repo = img_ref_repo(ref);
	cleanup_free char *prefix = xasprintf("%s:", repo);
	int rc;

	rc = query_id(st, "SELECT image_id FROM image_digests WHERE digest = ?1 AND repo = ?2",
		      ref->digest, repo, ref->digest, out, err);
	if (rc != 0)
		return rc;
	/* The digest of an image under another of its names' repositories. */
	return query_id(st, "SELECT i.id FROM images i JOIN image_names n ON n.image_id = i.id"
			" WHERE i.manifest_digest = ?1 AND substr(n.name, 1, length(?2)) = ?2",
			ref->digest, prefix, ref->digest, out, err);
}

/* True if the user wrote no registry host ("busybox", "user/app:1"). */
static bool is_short_name(const char *s)
{
	const char *slash = strchr(s, '/');
	size_t len;

	if (!slash)
		return true;
	len = (size_t)(slash - s);
	if (memchr(s, '.', len) || memchr(s, ':', len))
		return false;
	return !(len == 9 && !strncmp(s, "localhost", 9));
}

/* By name or name@digest; `matched` receives the full name that matched
 * (NULL for a digest). */
static int by_ref(struct state *st, const char *name, char **out, char **matched,
		  struct pea_err **err)
{
	struct img_ref ref = { 0 };
	cleanup_free char *full = NULL, *local = NULL;
	const char *path;
	int rc;

	if (img_ref_parse(name, &ref, NULL) < 0)
		return 0;
	if (ref.digest) {
		rc = by_digest(st, &ref, out, err);
		img_ref_release(&ref);
		return rc;
	}
	full = img_ref_string(&ref);
	rc = by_name(st, full, out, err);
	if (rc == 0 && is_short_name(name) && !strcmp(ref.domain, "docker.io")) {
		path = ref.path;
		if (!strncmp(path, "library/", 8) && !strchr(name, '/'))
			path += 8;
		local = xasprintf("localhost/%s:%s", path, ref.tag ? ref.tag : "latest");
		rc = by_name(st, local, out, err);
		if (rc == 1)
			*matched = steal_ptr(local);
	} else if (rc == 1) {
		*matched = steal_ptr(full);
	}
	img_ref_release(&ref);
	return rc;
}

static bool all_hex(const char *s)
{
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s) || isupper((unsigned char)*s))
			return false;
	return true;
}

static int by_id_prefix(struct state *st, const char *hex, char **out, struct pea_err **err)
{
	cleanup_free char *like = NULL;
	size_t len = strlen(hex);

	if (len < 3 || len > 64 || !all_hex(hex))
		return 0;
	like = xasprintf("%s%%", hex);
	return query_id(st, "SELECT id FROM images WHERE id LIKE ?1", like, NULL, hex, out, err);
}

/* Resolve what the user typed to an image id.  `matched_name` (may be NULL)
 * receives the full name it matched, NULL when it matched by id or digest
 * (removing a name may just untag). */
static int resolve(struct state *st, const char *name, char **id, char **matched_name,
		   struct pea_err **err)
{
	int rc;

	if (!name || !*name)
		return pea_err_setk(err, PEA_E_INVALID, 0, "empty image name");
	if (!strncmp(name, "sha256:", 7) && strlen(name) > 7)
		rc = by_id_prefix(st, name + 7, id, err);
	else if (strlen(name) == 64 && all_hex(name))
		rc = by_id_prefix(st, name, id, err);
	else {
		cleanup_free char *m = NULL;

		rc = by_ref(st, name, id, &m, err);
		if (matched_name)
			*matched_name = steal_ptr(m);
		if (rc == 0)
			rc = by_id_prefix(st, name, id, err);
	}
	if (rc < 0)
		return -1;
	if (rc == 0)
		return pea_err_setk(err, PEA_E_NOT_FOUND, 0, "image '%s' not known", name);
	return 0;
}

int img_lookup(struct pea_ctx *ctx, const char *name, struct img_info *out,
	       struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_free char *id = NULL;

	if (!st || resolve(st, name, &id, NULL, err) < 0)
		return -1;
	return load_info(st, id, out, err);
}

int img_exists(struct pea_ctx *ctx, const char *name)
{
	struct state *st = state_get(ctx, NULL);
	cleanup_free char *id = NULL;

	return st && resolve(st, name, &id, NULL, NULL) == 0;
}

int img_list(struct pea_ctx *ctx, struct img_info **out, size_t *n, struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_strv char **ids = NULL;
	struct img_info *list;
	size_t count = 0, i;

	if (!st || load_strv(st, "SELECT id FROM images ORDER BY added DESC, rowid DESC",
			     NULL, &ids, &count, err) < 0)
		return -1;
	list = xcalloc(count + 1, sizeof(*list));
	for (i = 0; i < count; i++) {
		if (load_info(st, ids[i], &list[i], err) < 0) {
			img_info_list_free(list, i);
			return -1;
		}
	}
	*out = list;
	*n = count;
	return 0;
}

/* ---- tag, remove ---- */

int img_tag(struct pea_ctx *ctx, const char *src, const char *new_name, struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_free char *id = NULL, *full = NULL;
	struct img_ref ref = { 0 };

	if (!st || resolve(st, src, &id, NULL, err) < 0)
		return -1;
	if (img_ref_parse(new_name, &ref, err) < 0)
		return pea_err_wrap(err, "tag '%s'", src);
	if (ref.digest) {
		img_ref_release(&ref);
		return pea_err_setk(err, PEA_E_INVALID, 0, "tag '%s': '%s' has a digest",
				    src, new_name);
	}
	full = img_ref_string(&ref);
	img_ref_release(&ref);
	if (put_name(st, id, full, err) < 0)
		return pea_err_wrap(err, "tag '%s' as '%s'", src, full);
	return 0;
}

static int delete_where(struct state *st, const char *sql, const char *a,
			struct pea_err **err)
{
	cleanup_stmt sqlite3_stmt *s = state_prepare(st, sql, err);

	if (!s)
		return -1;
	bind_text(s, 1, a);
	return state_step_done(st, s, err);
}

static int gc_storage(struct pea_ctx *ctx, struct pea_err **err);

static int delete_image(struct pea_ctx *ctx, struct state *st, struct img_info *info,
			void (*report)(const char *, const char *, void *), void *data,
			struct pea_err **err)
{
	char **p;

	if (delete_where(st, "DELETE FROM images WHERE id = ?1", info->id, err) < 0)
		return pea_err_wrap(err, "remove image %.12s", info->id);
	for (p = info->names; report && p && *p; p++)
		report("untagged", *p, data);
	if (report)
		report("deleted", info->id, data);
	return 0;
}

int img_remove(struct pea_ctx *ctx, const char *name, bool force,
	       void (*report)(const char *what, const char *value, void *data), void *data,
	       struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_free char *id = NULL, *matched = NULL;
	struct img_info info = { 0 };
	size_t n_names = 0;
	int rc;

	if (!st || resolve(st, name, &id, &matched, err) < 0)
		return -1;
	if (load_info(st, id, &info, err) < 0)
		return -1;
	while (info.names[n_names])
		n_names++;
	if (matched && n_names > 1) {
		rc = delete_where(st, "DELETE FROM image_names WHERE name = ?1", matched, err);
		if (rc == 0 && report)
			report("untagged", matched, data);
		img_info_release(&info);
		return rc < 0 ? pea_err_wrap(err, "untag '%s'", matched) : 0;
	}
	if (!matched && n_names > 1 && !force) {
		img_info_release(&info);
		return pea_err_setk(err, PEA_E_IN_USE, 0, "unable to delete image %.12s (must "
				    "force): image is referenced in multiple repositories", id);
	}
	if (image_in_use(ctx, id) && !force) {
		img_info_release(&info);
		return pea_err_setk(err, PEA_E_IN_USE, 0, "image '%s' is in use by a container",
				    name);
	}
	rc = delete_image(ctx, st, &info, report, data, err);
	img_info_release(&info);
	if (rc == 0) {
		cleanup_close int lock = img_store_lock(ctx, true, err);

		if (lock < 0 || gc_storage(ctx, err) < 0)
			return pea_err_wrap(err, "remove '%s': free storage", name);
	}
	return rc;
}

/* ---- prune and storage garbage collection ---- */

static int load_all_blob_refs(struct state *st, char ***out, struct pea_err **err)
{
	return load_strv(st,
		"SELECT config_digest FROM images"
		" UNION SELECT manifest_digest FROM images"
		" UNION SELECT index_digest FROM images WHERE index_digest IS NOT NULL"
		" UNION SELECT blob_digest FROM layers WHERE blob_digest IS NOT NULL"
		" UNION SELECT diff_id FROM layers", NULL, out, NULL, err);
}

/* Remove blobs that no image and no layer refers to.  A blob being
 * downloaded is in blobs/tmp until committed, so it is never seen here; a
 * committed blob whose image is not recorded yet can be lost to a
 * concurrent prune (the pull then fails and can be retried). */
static int gc_blobs(struct pea_ctx *ctx, struct state *st, struct pea_err **err)
{
	static const char *const algos[] = { "sha256", "sha512" };
	cleanup_strv char **refs = NULL;
	size_t a;

	if (load_all_blob_refs(st, &refs, err) < 0)
		return -1;
	for (a = 0; a < sizeof(algos) / sizeof(algos[0]); a++) {
		cleanup_free char *dir = xasprintf("%s/blobs/%s", ctx->root, algos[a]);
		cleanup_dir DIR *d = opendir(dir);
		struct dirent *de;

		if (!d) {
			if (errno == ENOENT)
				continue;
			return pea_err_set(err, errno, "open '%s'", dir);
		}
		while ((de = readdir(d))) {
			cleanup_free char *dg = NULL;

			if (de->d_name[0] == '.')
				continue;
			dg = xasprintf("%s:%s", algos[a], de->d_name);
			if (!strv_has(refs, dg) && blob_remove(ctx->root, dg, err) < 0)
				return -1;
		}
	}
	return 0;
}

/* Callers hold the store lock exclusively, so no pull, load or import is
 * between storing its blobs and recording its image. */
static int gc_storage(struct pea_ctx *ctx, struct pea_err **err)
{
	struct state *st = state_get(ctx, err);

	if (!st || layer_prune(ctx, err) < 0)
		return -1;
	return gc_blobs(ctx, st, err);
}

int img_store_lock(struct pea_ctx *ctx, bool exclusive, struct pea_err **err)
{
	cleanup_free char *path = path_join(ctx->root, "store.lock");

	if (io_mkdir_p(ctx->root, 0700, err) < 0)
		return -1;
	return exclusive ? lockfile_lock(path, err) : lockfile_lock_shared(path, err);
}

void img_rollback_storage(struct pea_ctx *ctx, int *shared_lock_fd)
{
	struct pea_err *e = NULL;
	int fd;

	if (*shared_lock_fd >= 0)
		close(*shared_lock_fd);
	*shared_lock_fd = -1;
	fd = img_store_lock(ctx, true, &e);
	if (fd < 0 || gc_storage(ctx, &e) < 0)
		log_warn(&ctx->log, "rollback: free storage: %s", e ? e->msg : "?");
	pea_err_free(e);
	if (fd >= 0)
		close(fd);
}

int img_prune(struct pea_ctx *ctx, bool all,
	      void (*report)(const char *id, void *data), void *data, struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_strv char **ids = NULL;
	char **p;

	if (!st)
		return -1;
	if (load_strv(st, all ? "SELECT id FROM images"
		      : "SELECT id FROM images WHERE id NOT IN"
			" (SELECT image_id FROM image_names)", NULL, &ids, NULL, err) < 0)
		return pea_err_wrap(err, "prune images");
	for (p = ids; *p; p++) {
		if (image_in_use(ctx, *p))
			continue;
		if (delete_where(st, "DELETE FROM images WHERE id = ?1", *p, err) < 0)
			return pea_err_wrap(err, "prune image %.12s", *p);
		if (report)
			report(*p, data);
	}
	{
		cleanup_close int lock = img_store_lock(ctx, true, err);

		if (lock < 0 || gc_storage(ctx, err) < 0)
			return pea_err_wrap(err, "prune images");
	}
	return 0;
}

/* ---- config, mount ---- */

char *img_config_json(struct pea_ctx *ctx, const struct img_info *info, struct pea_err **err)
{
	struct strbuf sb = STRBUF_INIT;

	if (blob_read(ctx->root, info->config_digest, &sb, err) < 0) {
		strbuf_release(&sb);
		pea_err_wrap(err, "image %.12s: read config", info->id);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

char *img_mount(struct pea_ctx *ctx, const char *name, struct pea_err **err)
{
	struct img_info info = { 0 };
	char *mnt;

	if (img_lookup(ctx, name, &info, err) < 0)
		return NULL;
	mnt = store_image_mount(ctx, info.id, (const char *const *)info.diff_ids,
				info.n_layers, err);
	if (!mnt)
		pea_err_wrap(err, "mount image '%s'", name);
	img_info_release(&info);
	return mnt;
}

int img_unmount(struct pea_ctx *ctx, const char *name, struct pea_err **err)
{
	struct img_info info = { 0 };
	int rc;

	if (img_lookup(ctx, name, &info, err) < 0)
		return -1;
	rc = store_image_umount(ctx, info.id, err);
	if (rc < 0)
		pea_err_wrap(err, "unmount image '%s'", name);
	img_info_release(&info);
	return rc;
}
