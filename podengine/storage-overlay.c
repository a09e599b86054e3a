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
#include "podengine/layers.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
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

static int overlay_create(struct pea_ctx *ctx, const char *dir, const char *const *diff_ids,
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

static bool try_probe(struct pea_ctx *ctx, const char *tmp)
{
	static const char *const subdirs[] = { "l1", "l2", "upper", "work", "merged" };
	cleanup_free char *merged = path_join(tmp, "merged");
	cleanup_strbuf struct strbuf opts = STRBUF_INIT;
	size_t i;
	bool ok;

	for (i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++)
		if (make_subdir(tmp, subdirs[i], NULL) < 0)
			return false;
	strbuf_addf(&opts, "lowerdir=l2:l1,upperdir=upper,workdir=work");
	add_common_opts(ctx, &opts);
	ok = overlay_mount_in(tmp, merged, 0, opts.buf, NULL) == 0;
	if (ok)
		umount2(merged, MNT_DETACH);
	return ok;
}

bool store_overlay_supported(struct pea_ctx *ctx)
{
	cleanup_free char *tmp = xasprintf("%s/probe-overlay-XXXXXX", ctx->root);
	bool ok;

	if (io_mkdir_p(ctx->root, 0700, NULL) < 0 || !mkdtemp(tmp))
		return false;
	ok = try_probe(ctx, tmp);
	io_rm_rf(tmp, NULL);
	return ok;
}

const struct storage_driver_ops store_overlay_ops = {
	.name = "overlay",
	.create = overlay_create,
	.mount = overlay_mount,
};
