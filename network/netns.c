/* Network namespaces, bind-mounted under <runroot>/netns as iproute2 does
 * under /run/netns: the directory is made a shared mount point first, so
 * that the unmount in netns_remove also reaches the copies that mount
 * namespaces created later (containers) hold of it. */
#include "network/network.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/lockfile.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/file.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/banned.h"

/* <runroot>/netns.lock serialises making the directory a shared mount,
 * creating netns files in it and releasing it when it is empty. */
static int lock_netns_dir(struct pea_ctx *ctx, struct pea_err **err)
{
	cleanup_free char *lock = path_join(ctx->runroot, "netns.lock");

	if (io_mkdir_p(ctx->runroot, 0700, err) < 0)
		return -1;
	return lockfile_lock(lock, err);
}

static int make_dir_shared(const char *dir, struct pea_err **err)
{
	if (mount("", dir, "none", MS_SHARED | MS_REC, NULL) == 0)
		return 0;
	if (errno != EINVAL)
		return pea_err_set(err, errno, "make '%s' a shared mount", dir);
	if (mount(dir, dir, "none", MS_BIND | MS_REC, NULL) < 0)
		return pea_err_set(err, errno, "bind mount '%s' on itself", dir);
	if (mount("", dir, "none", MS_SHARED | MS_REC, NULL) < 0)
		return pea_err_set(err, errno, "make '%s' a shared mount", dir);
	return 0;
}

struct ns_job {
	const char *path;     /* netns file to enter (run) or to bind onto (create) */
	bool create;
	int (*fn)(void *data, struct pea_err **err);
	void *data;
	int rc;
	struct pea_err *err;
};

static int bind_new_netns(struct ns_job *j)
{
	cleanup_free char *self = NULL;

	if (unshare(CLONE_NEWNET) < 0)
		return pea_err_set(&j->err, errno, "create a network namespace");
	self = xasprintf("/proc/self/task/%ld/ns/net", (long)syscall(SYS_gettid));
	if (mount(self, j->path, "none", MS_BIND, NULL) < 0)
		return pea_err_set(&j->err, errno, "bind mount the netns on '%s'", j->path);
	return 0;
}

static int enter_netns(struct ns_job *j)
{
	cleanup_close int fd = open(j->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return pea_err_set(&j->err, errno, "open netns '%s'", j->path);
	if (setns(fd, CLONE_NEWNET) < 0)
		return pea_err_set(&j->err, errno, "enter netns '%s'", j->path);
	return j->fn(j->data, &j->err);
}

/* The thread ends in the namespace it moved to: it is never reused. */
static void *ns_thread(void *arg)
{
	struct ns_job *j = arg;

	j->rc = j->create ? bind_new_netns(j) : enter_netns(j);
	if (j->rc < 0 && !j->err)
		pea_err_set(&j->err, 0, "netns callback failed");
	return NULL;
}

static int run_job(struct ns_job *j, struct pea_err **err)
{
	pthread_t t;
	int rc = pthread_create(&t, NULL, ns_thread, j);

	if (rc != 0)
		return pea_err_set(err, rc, "start a thread");
	pthread_join(t, NULL);
	if (j->rc < 0) {
		if (err)
			*err = j->err;
		else
			pea_err_free(j->err);
		return -1;
	}
	return j->rc;
}

char *netns_create(struct pea_ctx *ctx, const char *name, struct pea_err **err)
{
	cleanup_free char *dir = path_join(ctx->runroot, "netns");
	cleanup_free char *path = path_join(dir, name);
	struct ns_job j = { .path = path, .create = true };
	cleanup_close int lock = -1;
	int fd;

	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
		pea_err_setk(err, PEA_E_INVALID, 0, "invalid netns name '%s'", name);
		return NULL;
	}
	lock = lock_netns_dir(ctx, err);
	if (lock < 0 || io_mkdir_p(dir, 0755, err) < 0 || make_dir_shared(dir, err) < 0)
		return NULL;
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	if (fd < 0) {
		pea_err_setk(err, errno == EEXIST ? PEA_E_EXISTS : PEA_E_GENERIC, errno,
			     "create '%s'", path);
		return NULL;
	}
	close(fd);
	if (run_job(&j, err) < 0) {
		unlink(path);
		return NULL;
	}
	return steal_ptr(path);
}

int netns_remove(const char *path, struct pea_err **err)
{
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return pea_err_set(err, errno, "unmount netns '%s'", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return pea_err_set(err, errno, "remove '%s'", path);
	return 0;
}

int netns_run(const char *path, int (*fn)(void *data, struct pea_err **err), void *data,
	      struct pea_err **err)
{
	struct ns_job j = { .path = path, .fn = fn, .data = data };

	return run_job(&j, err);
}

int netns_dir_release(struct pea_ctx *ctx, struct pea_err **err)
{
	cleanup_free char *dir = path_join(ctx->runroot, "netns");
	cleanup_close int lock = -1;
	cleanup_dir DIR *d = NULL;
	struct dirent *de;

	if (!io_exists(dir))
		return 0;
	lock = lock_netns_dir(ctx, err);
	if (lock < 0)
		return -1;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : pea_err_set(err, errno, "open '%s'", dir);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			return 0;
	if (umount2(dir, MNT_DETACH) < 0 && errno != EINVAL)
		return pea_err_set(err, errno, "unmount '%s'", dir);
	if (rmdir(dir) < 0 && errno != ENOENT && errno != ENOTEMPTY)
		return pea_err_set(err, errno, "remove '%s'", dir);
	return 0;
}

bool netns_is_netns(const char *path)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 && sf.f_type == NSFS_MAGIC;
}

char *netns_rootless_path(struct pea_ctx *ctx)
{
	return xasprintf("%s/netns/%s", ctx->runroot, NETNS_ROOTLESS);
}

int netns_rootless_ensure(struct pea_ctx *ctx, struct pea_err **err)
{
	cleanup_free char *path = netns_rootless_path(ctx);
	cleanup_free char *made = NULL;
	struct pea_err *e = NULL;

	if (netns_is_netns(path))
		return 0;
	/* a file whose mount went with an earlier mount namespace */
	if (netns_remove(path, err) < 0)
		return -1;
	made = netns_create(ctx, NETNS_ROOTLESS, &e);
	if (made || (pea_err_is(e, PEA_E_EXISTS) && netns_is_netns(path))) {
		pea_err_free(e);
		return 0;
	}
	pea_err_pass(err, e);
	return pea_err_wrap(err, "create the rootless network namespace");
}

int netns_rootless_remove(struct pea_ctx *ctx, struct pea_err **err)
{
	cleanup_free char *path = netns_rootless_path(ctx);

	return netns_remove(path, err);
}
