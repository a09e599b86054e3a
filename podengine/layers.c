/* The layer store (see layers.h).
 *
 * Layout under the graph root:
 *   layers/<hex>/diff      the unpacked tree
 *   layers/<hex>/size      bytes of file data (so a crash between the
 *                          rename and the row insert can be repaired)
 *   layers/<hex>/link      short name of its link in l/
 *   layers/<hex>.lock      flock'd while the layer is unpacked or removed
 *   layers/tmp-XXXXXX/     unpacks in progress
 *   l/<short>              -> ../layers/<hex>/diff */
#include "podengine/layers.h"
#include "podengine/rootless.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/lockfile.h"
#include "base/parse.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "podengine/blobstore.h"
#include "podengine/digest.h"
#include "podengine/layer-unpack.h"
#include "podengine/state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

#define LINK_LEN 26

static char *layer_path(struct pea_ctx *ctx, const char *diff_id, const char *what)
{
	return xasprintf("%s/layers/%s%s", ctx->root, digest_hex(diff_id), what);
}

char *layer_diff_dir(struct pea_ctx *ctx, const char *diff_id)
{
	return layer_path(ctx, diff_id, "/diff");
}

static int lock_layer(struct pea_ctx *ctx, const char *diff_id, struct pea_err **err)
{
	cleanup_free char *dir = path_join(ctx->root, "layers");
	cleanup_free char *lock = layer_path(ctx, diff_id, ".lock");

	if (io_mkdir_p(dir, 0700, err) < 0)
		return -1;
	return lockfile_lock(lock, err);
}

static bool row_exists(struct pea_ctx *ctx, const char *diff_id)
{
	struct state *st = state_get(ctx, NULL);
	cleanup_stmt sqlite3_stmt *s = NULL;

	if (!st || !(s = state_prepare(st, "SELECT 1 FROM layers WHERE diff_id = ?;", NULL)))
		return false;
	sqlite3_bind_text(s, 1, diff_id, -1, SQLITE_STATIC);
	return sqlite3_step(s) == SQLITE_ROW;
}

bool layer_exists(struct pea_ctx *ctx, const char *diff_id)
{
	cleanup_free char *dir = NULL;

	if (digest_validate(diff_id, NULL) < 0)
		return false;
	dir = layer_diff_dir(ctx, diff_id);
	return io_exists(dir) && row_exists(ctx, diff_id);
}

static int record_layer(struct pea_ctx *ctx, const char *diff_id, const char *blob_digest,
			const char *media_type, int64_t size, struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_stmt sqlite3_stmt *s = NULL;

	if (!st)
		return -1;
	s = state_prepare(st, "INSERT OR IGNORE INTO layers (diff_id, blob_digest, media_type,"
			      " size, created) VALUES (?, ?, ?, ?, ?);", err);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, diff_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, blob_digest, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, media_type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, size);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)time(NULL));
	if (state_step_done(st, s, err) < 0)
		return pea_err_wrap(err, "record layer '%s'", diff_id);
	return 0;
}

/* Unpack fd into a fresh <root>/layers/tmp-XXXXXX/diff; returns the tmp
 * directory (caller frees, and removes it unless installed). */
static char *unpack_to_tmp(struct pea_ctx *ctx, int fd, const char *expected,
			   char out_diff_id[DIGEST_MAX], struct pea_err **err)
{
	cleanup_free char *tmp = xasprintf("%s/layers/tmp-XXXXXX", ctx->root);
	cleanup_free char *diff = NULL, *sizef = NULL, *size_txt = NULL;
	cleanup_close int dfd = -1;
	/* Rootless, this runs as root of the user namespace (rootless_enter):
	 * chown works for every mapped id, so layers keep the tar's owners
	 * (uid 33 in the tar = 33 in the container = subuid start + 32 on the
	 * host).  Whiteouts stay 0/0 character devices: the kernels that mount
	 * overlay in a user namespace at all (>= 5.11) let its root make them. */
	size_t unmapped = 0;
	struct layer_unpack_opts o = {
		.expected_diff_id = expected,
		.privileged = geteuid() == 0,
		.userns = ctx->rootless,
		.ignore_unmapped = ctx->rootless && rootless_single_mapping(),
		.unmapped = &unmapped,
	};
	int64_t size = 0;

	if (!mkdtemp(tmp)) {
		pea_err_set(err, errno, "create '%s'", tmp);
		return NULL;
	}
	diff = path_join(tmp, "diff");
	if (mkdir(diff, 0755) < 0 || (dfd = open(diff, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		pea_err_set(err, errno, "create '%s'", diff);
		goto fail;
	}
	if (layer_unpack_fd(fd, dfd, &o, out_diff_id, &size, err) < 0)
		goto fail;
	if (unmapped)
		log_warn(&ctx->log,
			 "layer %s: %zu files owned by ids not mapped in the user namespace belong "
			 "to root instead (single-id mapping: add ranges for your user to "
			 "/etc/subuid and /etc/subgid)", out_diff_id, unmapped);
	sizef = path_join(tmp, "size");
	size_txt = xasprintf("%lld", (long long)size);
	if (io_write_file_atomic(sizef, size_txt, strlen(size_txt), 0600, err) < 0)
		goto fail;
	return steal_ptr(tmp);
fail:
	io_rm_rf(tmp, NULL);
	return NULL;
}

static int64_t read_size_file(struct pea_ctx *ctx, const char *diff_id)
{
	cleanup_free char *p = layer_path(ctx, diff_id, "/size");
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	int64_t v = 0;

	if (io_read_file(p, &sb, NULL) < 0 || parse_i64(sb.buf, 0, INT64_MAX, &v, "size", NULL) < 0)
		return 0;
	return v;
}

/* With the layer lock held: move tmp into place (unless someone else did
 * already) and make sure the row exists. */
static int install_layer(struct pea_ctx *ctx, const char *tmp, const char *diff_id,
			 const char *blob_digest, const char *media_type, struct pea_err **err)
{
	cleanup_free char *dir = layer_path(ctx, diff_id, "");

	if (io_exists(dir)) {
		io_rm_rf(tmp, NULL);
	} else if (rename(tmp, dir) < 0) {
		pea_err_set(err, errno, "rename '%s' to '%s'", tmp, dir);
		io_rm_rf(tmp, NULL);
		return -1;
	}
	return record_layer(ctx, diff_id, blob_digest, media_type, read_size_file(ctx, diff_id),
			    err);
}

int layer_ensure(struct pea_ctx *ctx, const char *blob_digest, const char *media_type,
		 const char *diff_id, struct pea_err **err)
{
	cleanup_close int lock = -1, fd = -1;
	cleanup_free char *dir = NULL, *tmp = NULL;
	char got[DIGEST_MAX];

	if (digest_validate(diff_id, err) < 0 || digest_validate(blob_digest, err) < 0)
		return pea_err_wrap(err, "layer '%s'", diff_id);
	if (layer_exists(ctx, diff_id))
		return 0;
	if ((lock = lock_layer(ctx, diff_id, err)) < 0)
		return -1;
	dir = layer_path(ctx, diff_id, "");
	/* Someone else may have finished while we waited for the lock. */
	if (io_exists(dir))
		return record_layer(ctx, diff_id, blob_digest, media_type,
				    read_size_file(ctx, diff_id), err);
	if ((fd = blob_open(ctx->root, blob_digest, err)) < 0)
		return pea_err_wrap(err, "layer '%s'", diff_id);
	tmp = unpack_to_tmp(ctx, fd, diff_id, got, err);
	if (!tmp)
		return pea_err_wrap(err, "unpack layer '%s' from blob '%s'", diff_id, blob_digest);
	return install_layer(ctx, tmp, diff_id, blob_digest, media_type, err);
}

int layer_import_fd(struct pea_ctx *ctx, int fd, char out_diff_id[136], struct pea_err **err)
{
	cleanup_free char *dir = path_join(ctx->root, "layers");
	cleanup_free char *tmp = NULL;
	cleanup_close int lock = -1;
	char got[DIGEST_MAX];

	if (io_mkdir_p(dir, 0700, err) < 0)
		return -1;
	tmp = unpack_to_tmp(ctx, fd, NULL, got, err);
	if (!tmp)
		return pea_err_wrap(err, "import layer");
	if ((lock = lock_layer(ctx, got, err)) < 0) {
		io_rm_rf(tmp, NULL);
		return -1;
	}
	if (install_layer(ctx, tmp, got, NULL, NULL, err) < 0)
		return -1;
	memcpy(out_diff_id, got, DIGEST_MAX);
	return 0;
}

int layer_export(struct pea_ctx *ctx, const char *diff_id, int fd, char out_digest[136],
		 struct pea_err **err)
{
	cleanup_free char *diff = NULL;
	cleanup_close int dfd = -1;

	if (digest_validate(diff_id, err) < 0)
		return -1;
	diff = layer_diff_dir(ctx, diff_id);
	dfd = open(diff, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return pea_err_setk(err, errno == ENOENT ? PEA_E_NOT_FOUND : PEA_E_GENERIC, errno,
				    "layer '%s'", diff_id);
	if (layer_pack_dir(dfd, fd, out_digest, err) < 0)
		return pea_err_wrap(err, "export layer '%s'", diff_id);
	return 0;
}

int layer_export_fd(struct pea_ctx *ctx, const char *diff_id, int fd, struct pea_err **err)
{
	return layer_export(ctx, diff_id, fd, NULL, err);
}

int64_t layer_size(struct pea_ctx *ctx, const char *diff_id)
{
	struct state *st = state_get(ctx, NULL);
	cleanup_stmt sqlite3_stmt *s = NULL;

	if (!st || !(s = state_prepare(st, "SELECT size FROM layers WHERE diff_id = ?;", NULL)))
		return 0;
	sqlite3_bind_text(s, 1, diff_id, -1, SQLITE_STATIC);
	return sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
}

static void random_name(char out[LINK_LEN + 1])
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	unsigned char rnd[LINK_LEN];
	size_t i;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		for (i = 0; i < sizeof(rnd); i++)
			rnd[i] = (unsigned char)(rand() ^ (int)(i * 131));
	for (i = 0; i < LINK_LEN; i++)
		out[i] = alphabet[rnd[i] % 32];
	out[LINK_LEN] = '\0';
}

static int make_link(struct pea_ctx *ctx, const char *diff_id, const char *linkf,
		     struct strbuf *name, struct pea_err **err)
{
	cleanup_free char *ldir = path_join(ctx->root, "l");
	cleanup_free char *target = xasprintf("../layers/%s/diff", digest_hex(diff_id));
	char rnd[LINK_LEN + 1];
	int tries;

	if (io_mkdir_p(ldir, 0700, err) < 0)
		return -1;
	for (tries = 0; tries < 16; tries++) {
		cleanup_free char *lp = NULL;

		random_name(rnd);
		lp = path_join(ldir, rnd);
		if (symlink(target, lp) == 0)
			break;
		if (errno != EEXIST)
			return pea_err_set(err, errno, "create link '%s'", lp);
	}
	if (tries == 16)
		return pea_err_set(err, EEXIST, "create link for layer '%s'", diff_id);
	strbuf_addstr(name, rnd);
	return io_write_file_atomic(linkf, rnd, LINK_LEN, 0600, err);
}

char *layer_link(struct pea_ctx *ctx, const char *diff_id, struct pea_err **err)
{
	cleanup_free char *linkf = NULL;
	cleanup_strbuf struct strbuf name = STRBUF_INIT;
	cleanup_close int lock = -1;

	if (digest_validate(diff_id, err) < 0)
		return NULL;
	linkf = layer_path(ctx, diff_id, "/link");
	if (io_read_file(linkf, &name, NULL) == 0 && name.len == LINK_LEN)
		return strbuf_detach(&name, NULL);
	if ((lock = lock_layer(ctx, diff_id, err)) < 0)
		return NULL;
	strbuf_reset(&name);
	if (io_read_file(linkf, &name, NULL) == 0 && name.len == LINK_LEN)
		return strbuf_detach(&name, NULL);
	strbuf_reset(&name);
	if (!layer_exists(ctx, diff_id)) {
		pea_err_setk(err, PEA_E_NOT_FOUND, 0, "layer '%s' is not stored", diff_id);
		return NULL;
	}
	if (make_link(ctx, diff_id, linkf, &name, err) < 0)
		return NULL;
	return strbuf_detach(&name, NULL);
}

/* Layers that containers use (their rootfs lower layers), which prune must
 * keep even when no image refers to them any more.
 * TODO(containers): query the containers table once it has a layers
 * column; until then no container pins a layer beyond its image. */
static char **layers_used_by_containers(struct pea_ctx *ctx, struct pea_err **err)
{
	(void)ctx;
	(void)err;
	return xcalloc(1, sizeof(char *));
}

static bool strv_has(char **v, const char *s)
{
	for (; v && *v; v++)
		if (!strcmp(*v, s))
			return true;
	return false;
}

/* Unreferenced layers, as a NULL-terminated list. */
static char **unreferenced_layers(struct pea_ctx *ctx, struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_stmt sqlite3_stmt *s = NULL;
	cleanup_strv char **used = NULL;
	char **out = NULL;
	size_t n = 0, alloc = 0;

	if (!st || !(used = layers_used_by_containers(ctx, err)))
		return NULL;
	s = state_prepare(st, "SELECT diff_id FROM layers WHERE diff_id NOT IN"
			      " (SELECT diff_id FROM image_layers);", err);
	if (!s)
		return NULL;
	ALLOC_GROW(out, 1, alloc);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(s, 0);

		if (!d || strv_has(used, d))
			continue;
		ALLOC_GROW(out, n + 2, alloc);
		out[n++] = xstrdup(d);
	}
	out[n] = NULL;
	return out;
}

/* Delete the row (if still unreferenced) and the tree of one layer. */
static int remove_layer(struct pea_ctx *ctx, const char *diff_id, struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_close int lock = lock_layer(ctx, diff_id, err);
	cleanup_stmt sqlite3_stmt *s = NULL;
	cleanup_free char *dir = layer_path(ctx, diff_id, "");
	cleanup_free char *linkf = layer_path(ctx, diff_id, "/link");
	cleanup_strbuf struct strbuf name = STRBUF_INIT;

	if (!st || lock < 0)
		return -1;
	s = state_prepare(st, "DELETE FROM layers WHERE diff_id = ?1 AND diff_id NOT IN"
			      " (SELECT diff_id FROM image_layers);", err);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, diff_id, -1, SQLITE_STATIC);
	if (state_step_done(st, s, err) < 0)
		return -1;
	if (sqlite3_changes(state_db(st)) == 0)
		return 0;   /* an image took it meanwhile */
	if (io_read_file(linkf, &name, NULL) == 0 && name.len == LINK_LEN &&
	    !strchr(name.buf, '/')) {
		cleanup_free char *l = xasprintf("%s/l/%s", ctx->root, name.buf);

		unlink(l);
	}
	if (io_rm_rf(dir, err) < 0)
		return pea_err_wrap(err, "remove layer '%s'", diff_id);
	/* Pruning runs under the exclusive store lock: nobody else can be
	 * waiting on this layer's lock file. */
	{
		cleanup_free char *lockf = layer_path(ctx, diff_id, ".lock");

		unlink(lockf);
	}
	return 1;
}

int layer_prune(struct pea_ctx *ctx, struct pea_err **err)
{
	cleanup_strv char **victims = unreferenced_layers(ctx, err);
	char **v;
	int removed = 0, r;

	if (!victims)
		return -1;
	for (v = victims; *v; v++) {
		if (digest_validate(*v, NULL) < 0)
			continue;
		if ((r = remove_layer(ctx, *v, err)) < 0)
			return -1;
		removed += r;
	}
	return removed;
}
