/* The overlay storage driver.
 *
 * lowerdir lists name layers by their short links in <root>/l (26
 * characters each), and the mount runs in a child process whose working
 * directory is <root>/l, so that 120+ layers fit in the one page (4096
 * bytes) the kernel accepts for mount options - containers/storage's trick,
 * without changing the caller's working directory. */
#include "podengine/storage.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "podengine/layer-unpack.h"
#include "podengine/layers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/banned.h"

#define MOUNT_OPTS_MAX 4096

/* Mount overlay on `target` with `opts`, from within `cwd`. */
static int overlay_mount_in(const char *cwd, const char *target, unsigned long flags,
			    const char *opts, struct pea_err **err)
{
	int status = 0;
	pid_t pid;

	if (strlen(opts) >= MOUNT_OPTS_MAX)
		return pea_err_set(err, E2BIG, "mount overlay on '%s': options too long", target);
	pid = fork();
	if (pid < 0)
		return pea_err_set(err, errno, "fork");
	if (pid == 0) {
		/* Only async-signal-safe calls here. */
		if (chdir(cwd) < 0)
			_exit(errno & 0xff);
		if (mount("overlay", target, "overlay", flags, opts) < 0)
			_exit(errno & 0xff);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return pea_err_set(err, errno, "wait for mount helper");
	}
	if (!WIFEXITED(status))
		return pea_err_set(err, EIO, "mount overlay on '%s': helper died", target);
	if (WEXITSTATUS(status))
		return pea_err_set(err, WEXITSTATUS(status), "mount overlay on '%s'", target);
	return 0;
}

/* Options every overlay mount of ours carries.  index=off: the same lower
 * layers are shared by many mounts.  Rootless hook: "userxattr" makes the
 * kernel read user.overlay.* instead of trusted.overlay.* (kernel >= 5.11,
 * in a user namespace). */
static void add_common_opts(struct pea_ctx *ctx, struct strbuf *opts)
{
	strbuf_addstr(opts, ",index=off");
	if (ctx->rootless)
		strbuf_addstr(opts, ",userxattr");
}

static int make_subdir(const char *dir, const char *name, struct pea_err **err)
{
	cleanup_free char *p = path_join(dir, name);

	if (mkdir(p, 0755) < 0 && errno != EEXIST)
		return pea_err_set(err, errno, "create '%s'", p);
	return 0;
}

int store_overlay_create(struct pea_ctx *ctx, const char *dir, const char *const *diff_ids,
			 size_t n, bool with_upper, struct pea_err **err)
{
	cleanup_strbuf struct strbuf lower = STRBUF_INIT;
	cleanup_free char *lowerf = path_join(dir, "lower");
	size_t i, nlower = n, need = with_upper ? 1 : 2;

	for (i = n; i-- > 0;) {   /* overlay wants the top layer first */
		cleanup_free char *name = layer_link(ctx, diff_ids[i], err);

		if (!name)
			return pea_err_wrap(err, "layer '%s'", diff_ids[i]);
		if (lower.len)
			strbuf_addch(&lower, ':');
		strbuf_addstr(&lower, name);
	}
	/* Overlay needs one lower layer, two when there is no upper. */
	for (i = 0; nlower < need; i++, nlower++) {
		cleanup_free char *e = xasprintf("empty%zu", i);

		if (make_subdir(dir, e, err) < 0)
			return -1;
		if (lower.len)
			strbuf_addch(&lower, ':');
		strbuf_addf(&lower, "%s/%s", dir, e);
	}
	if (strchr(dir, ':') || strchr(dir, ','))
		return pea_err_setk(err, PEA_E_INVALID, 0, "path '%s' cannot be used by overlay", dir);
	if (io_write_file_atomic(lowerf, lower.buf, lower.len, 0600, err) < 0)
		return -1;
	if (with_upper && (make_subdir(dir, "upper", err) < 0 || make_subdir(dir, "work", err) < 0))
		return -1;
	return make_subdir(dir, "merged", err);
}

static int overlay_mount(struct pea_ctx *ctx, const char *dir, bool readonly,
			 struct pea_err **err)
{
	cleanup_free char *lowerf = path_join(dir, "lower");
	cleanup_free char *upper = path_join(dir, "upper");
	cleanup_free char *merged = path_join(dir, "merged");
	cleanup_free char *ldir = path_join(ctx->root, "l");
	cleanup_strbuf struct strbuf lower = STRBUF_INIT, opts = STRBUF_INIT;

	if (io_read_file(lowerf, &lower, err) < 0)
		return -1;
	strbuf_addf(&opts, "lowerdir=%s", lower.buf);
	if (io_exists(upper))
		strbuf_addf(&opts, ",upperdir=%s,workdir=%s/work", upper, dir);
	add_common_opts(ctx, &opts);
	if (io_mkdir_p(ldir, 0700, err) < 0)
		return -1;
	return overlay_mount_in(ldir, merged, readonly ? MS_RDONLY : 0, opts.buf, err);
}

const char *store_opaque_xattr(struct pea_ctx *ctx)
{
	return ctx->rootless ? "user.overlay.opaque" : "trusted.overlay.opaque";
}

static int probe_file(const char *tmp, const char *name, struct pea_err **err)
{
	cleanup_free char *p = path_join(tmp, name);

	return io_write_file_atomic(p, "x", 1, 0644, err);
}

int store_probe_prepare(struct pea_ctx *ctx, const char *tmp, struct pea_err **err)
{
	static const char *const subdirs[] = { "l1", "l1/d", "l2", "l2/d", "upper", "work",
					       "merged" };
	cleanup_free char *l2p = path_join(tmp, "l2");
	cleanup_free char *opq = path_join(tmp, "l2/d");
	cleanup_close int l2 = -1;
	size_t i;

	for (i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++)
		if (make_subdir(tmp, subdirs[i], err) < 0)
			return -1;
	if (probe_file(tmp, "l1/keep", err) < 0 || probe_file(tmp, "l1/b", err) < 0 ||
	    probe_file(tmp, "l1/d/a", err) < 0 || probe_file(tmp, "l2/d/n", err) < 0)
		return -1;
	/* What layer_unpack_fd() makes of `.wh.b` and `d/.wh..wh..opq`. */
	l2 = open(l2p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l2 < 0 || layer_make_whiteout(l2, "b", LAYER_WHITEOUT_CHARDEV, ctx->rootless) < 0)
		return pea_err_set(err, errno, "create a whiteout");
	if (setxattr(opq, store_opaque_xattr(ctx), "y", 1, 0) < 0)
		return pea_err_set(err, errno, "set %s", store_opaque_xattr(ctx));
	return 0;
}

int store_probe_check(const char *merged, struct pea_err **err)
{
	cleanup_free char *keep = path_join(merged, "keep");
	cleanup_free char *n = path_join(merged, "d/n");
	cleanup_free char *a = path_join(merged, "d/a");
	cleanup_free char *b = path_join(merged, "b");
	struct stat st;

	if (lstat(keep, &st) < 0 || lstat(n, &st) < 0)
		return pea_err_set(err, errno, "the merged view lacks the lower layers' files");
	if (lstat(b, &st) == 0)
		return pea_err_set(err, 0, "whiteouts are not honoured");
	if (lstat(a, &st) == 0)
		return pea_err_set(err, 0, "opaque directories are not honoured");
	return 0;
}

char *store_probe_why(const char *driver, struct pea_err *e)
{
	const char *rest = e && !strncmp(e->msg, "mount ", 6) ? strstr(e->msg, "': ") : NULL;
	char *why;

	/* "mount overlay on '/long/probe/path': X" says no more than "mount: X" */
	if (e && !strncmp(e->msg, "mount ", 6) && (e->errnum || rest))
		why = xasprintf("%s: mount: %s", driver, e->errnum ? strerror(e->errnum) : rest + 3);
	else
		why = xasprintf("%s: %s%s%s", driver, e ? e->msg : "failed",
				e && e->errnum ? ": " : "", e && e->errnum ? strerror(e->errnum) : "");
	pea_err_free(e);
	return why;
}

bool store_overlay_works(struct pea_ctx *ctx, char **why)
{
	cleanup_free char *tmp = xasprintf("%s/probe-overlay-XXXXXX", ctx->root);
	cleanup_free char *merged = NULL;
	cleanup_strbuf struct strbuf opts = STRBUF_INIT;
	struct pea_err *e = NULL;
	int r;

	if (io_mkdir_p(ctx->root, 0700, &e) < 0 || !mkdtemp(tmp)) {
		if (!e)
			pea_err_set(&e, errno, "create '%s'", tmp);
		*why = store_probe_why("overlay", e);
		return false;
	}
	merged = path_join(tmp, "merged");
	strbuf_addstr(&opts, "lowerdir=l2:l1,upperdir=upper,workdir=work");
	add_common_opts(ctx, &opts);
	r = store_probe_prepare(ctx, tmp, &e);
	if (r == 0 && (r = overlay_mount_in(tmp, merged, 0, opts.buf, &e)) == 0) {
		r = store_probe_check(merged, &e);
		umount2(merged, MNT_DETACH);
	}
	io_rm_rf(tmp, NULL);
	if (r < 0) {
		*why = store_probe_why("overlay", e);
		return false;
	}
	return true;
}

const struct storage_driver_ops store_overlay_ops = {
	.name = "overlay",
	.create = store_overlay_create,
	.mount = overlay_mount,
};
