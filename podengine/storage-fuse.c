/* The fuse-overlayfs storage driver: overlay's layout (storage-overlay.c)
 * mounted by the fuse-overlayfs program instead of the kernel.  It is what a
 * rootless user gets when the kernel cannot mount overlay in a user
 * namespace (Linux < 5.11).  The program runs in the user namespace, so it
 * reads the layers as they are (0/0 whiteouts, user.overlay.opaque) and
 * creates the container's files with the container's ids; its mount
 * belongs to the namespace's mount namespace, so umount2() takes it down
 * and the daemon then exits by itself. */
#include "podengine/storage.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "podengine/runtime-probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/banned.h"

char *store_fuse_program(void)
{
	return runtime_find("fuse-overlayfs", NULL);
}

/* What the program said, minus the noise it prints on every start
 * ("unknown argument ignored: lazytime" from mount options it passes on). */
static void keep_useful_lines(const struct strbuf *in, struct strbuf *out)
{
	const char *p = in->buf;

	while (*p) {
		const char *eol = strchrnul(p, '\n');
		size_t len = (size_t)(eol - p);

		if (len && strncmp(p, "unknown argument ignored", 24)) {
			if (out->len)
				strbuf_addstr(out, "; ");
			strbuf_add(out, p, len);
		}
		p = *eol ? eol + 1 : eol;
	}
}

/* Run `prog -o opts target` from `cwd` (so that lowerdir may name the short
 * links of <root>/l).  fuse-overlayfs mounts, then daemonizes: exit status 0
 * means the mount is there.  Its output goes to a memfd and into the error;
 * it inherits none of our other descriptors (a lock held by this process
 * must not live on in the daemon). */
static int fuse_mount_in(const char *prog, const char *cwd, const char *target,
			 const char *opts, struct pea_err **err)
{
	cleanup_close int out = memfd_create("fuse-overlayfs", MFD_CLOEXEC);
	cleanup_close int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	cleanup_strbuf struct strbuf text = STRBUF_INIT, said = STRBUF_INIT;
	char *const argv[] = { "fuse-overlayfs", "-o", (char *)opts, (char *)target, NULL };
	int status = 0;
	pid_t pid;

	if (out < 0 || null < 0)
		return pea_err_set(err, errno, "run fuse-overlayfs");
	pid = fork();
	if (pid < 0)
		return pea_err_set(err, errno, "fork");
	if (pid == 0) {
		/* Only async-signal-safe calls here. */
		if (chdir(cwd) < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
			_exit(126);
		close_range(3, ~0U, 0);
		execv(prog, argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return pea_err_set(err, errno, "wait for fuse-overlayfs");
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (lseek(out, 0, SEEK_SET) == 0)
		io_read_fd(out, &text, NULL);
	keep_useful_lines(&text, &said);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !said.len)
		return pea_err_set(err, 0, "cannot run '%s'", prog);
	if (!said.len)
		strbuf_addf(&said, "exit status %d",
			    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return pea_err_set(err, 0, "mount fuse-overlayfs on '%s': %s", target, said.buf);
}

static char *need_program(struct pea_err **err)
{
	char *prog = store_fuse_program();

	if (!prog)
		pea_err_setk(err, PEA_E_NOT_FOUND, 0,
			     "fuse-overlayfs not found in $PATH (install the fuse-overlayfs package)");
	return prog;
}

static int fuse_mount(struct pea_ctx *ctx, const char *dir, bool readonly, struct pea_err **err)
{
	cleanup_free char *lowerf = path_join(dir, "lower");
	cleanup_free char *upper = path_join(dir, "upper");
	cleanup_free char *merged = path_join(dir, "merged");
	cleanup_free char *ldir = path_join(ctx->root, "l");
	cleanup_free char *prog = need_program(err);
	cleanup_strbuf struct strbuf lower = STRBUF_INIT, opts = STRBUF_INIT;

	if (!prog || io_read_file(lowerf, &lower, err) < 0)
		return -1;
	strbuf_addf(&opts, "lowerdir=%s", lower.buf);
	if (io_exists(upper))
		strbuf_addf(&opts, ",upperdir=%s,workdir=%s/work", upper, dir);
	if (readonly)
		strbuf_addstr(&opts, ",ro");
	if (io_mkdir_p(ldir, 0700, err) < 0)
		return -1;
	return fuse_mount_in(prog, ldir, merged, opts.buf, err);
}

/* /dev/fuse must open for us (rootless: it is often 0600 root's, or the
 * device cgroup denies it); say so rather than let the program fail. */
static int fuse_device_usable(struct pea_err **err)
{
	int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return pea_err_set(err, errno, "/dev/fuse");
	close(fd);
	return 0;
}

bool store_fuse_overlay_works(struct pea_ctx *ctx, char **why)
{
	cleanup_free char *tmp = xasprintf("%s/probe-fuse-XXXXXX", ctx->root);
	cleanup_free char *merged = NULL;
	cleanup_free char *prog = NULL;
	struct pea_err *e = NULL;
	int r = -1;

	if (!(prog = need_program(&e)) || fuse_device_usable(&e) < 0)
		goto out;
	if (io_mkdir_p(ctx->root, 0700, &e) < 0)
		goto out;
	if (!mkdtemp(tmp)) {
		pea_err_set(&e, errno, "create '%s'", tmp);
		goto out;
	}
	merged = path_join(tmp, "merged");
	r = store_probe_prepare(ctx, tmp, &e);
	if (r == 0 &&
	    (r = fuse_mount_in(prog, tmp, merged, "lowerdir=l2:l1,upperdir=upper,workdir=work",
			       &e)) == 0) {
		r = store_probe_check(merged, &e);
		umount2(merged, MNT_DETACH);
	}
	io_rm_rf(tmp, NULL);
out:
	if (r < 0) {
		*why = store_probe_why("fuse-overlayfs", e);
		return false;
	}
	return true;
}

const struct storage_driver_ops store_fuse_overlay_ops = {
	.name = "fuse-overlayfs",
	.create = store_overlay_create,
	.mount = fuse_mount,
};
