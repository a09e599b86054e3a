/* Host sources of a starting container's mounts (mount-source.h). */
#include "podengine/mount-source.h"
#include "podengine/pod-volume.h"
#include "podengine/storage.h"
#include "podengine/volume.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/banned.h"

/* ---- hostPath types ----------------------------------------------------- */

static int check_kind(const char *path, bool exists, const struct stat *st, const char *type,
		      struct pea_err **err)
{
	static const struct { const char *type; mode_t fmt; const char *what; } kinds[] = {
		{ "Directory", S_IFDIR, "a directory" }, { "File", S_IFREG, "a file" },
		{ "Socket", S_IFSOCK, "a socket file" }, { "CharDevice", S_IFCHR, "a character device" },
		{ "BlockDevice", S_IFBLK, "a block device" },
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(type, kinds[i].type))
			continue;
		if (exists && (st->st_mode & S_IFMT) == kinds[i].fmt)
			return 0;
		return pea_err_setk(err, PEA_E_INVALID, 0, "hostPath type check failed: %s is not %s",
				    path, kinds[i].what);
	}
	return pea_err_setk(err, PEA_E_INVALID, 0, "%s is an invalid volume type", type);
}

int mntsrc_host_path_check(const char *path, const char *type, struct pea_err **err)
{
	struct stat st;
	bool exists;

	if (!type || !*type)
		return 0;
	exists = stat(path, &st) == 0;
	if (!strcmp(type, "DirectoryOrCreate")) {
		if (!exists)
			return io_mkdir_p(path, 0755, err);
		type = "Directory";
	} else if (!strcmp(type, "FileOrCreate")) {
		if (!exists) {
			/* the parent must exist, as for the kubelet */
			int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0644);

			if (fd < 0)
				return pea_err_set(err, errno, "open %s", path);
			close(fd);
			return 0;
		}
		type = "File";
	}
	return check_kind(path, exists, &st, type, err);
}

/* ---- subPath ------------------------------------------------------------ */

static int open_beneath(int basefd, const char *path, int flags)
{
#ifdef SYS_openat2
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, basefd, path, &how, sizeof(how));
#else
	(void)basefd;
	(void)path;
	(void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

static int leaves(const char *subpath, const char *volume, struct pea_err **err)
{
	return pea_err_setk(err, PEA_E_INVALID, 0, "subPath '%s' of volume '%s' leaves the volume",
			    subpath, volume);
}

static int check_subpath(const char *subpath, const char *volume, struct pea_err **err)
{
	const char *p = subpath;

	if (subpath[0] == '/')
		return pea_err_setk(err, PEA_E_INVALID, 0, "subPath '%s' of volume '%s' must be a "
				    "relative path", subpath, volume);
	for (;;) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return leaves(subpath, volume, err);
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

/* mkdir name under parent with the volume root's mode (umask aside). */
static int make_dir(int parent, const char *name, mode_t mode, const char *subpath,
		    const char *volume, struct pea_err **err)
{
	cleanup_close int fd = -1;

	if (mkdirat(parent, name, 0700) < 0 && errno != EEXIST)
		return pea_err_set(err, errno, "create subPath '%s' of volume '%s'", subpath, volume);
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return pea_err_set(err, errno, "create subPath '%s' of volume '%s'", subpath, volume);
	if (fchmod(fd, mode) < 0)
		return pea_err_set(err, errno, "chmod subPath '%s' of volume '%s'", subpath, volume);
	return 0;
}

static mode_t root_mode(int basefd)
{
	struct stat st;

	return fstat(basefd, &st) == 0 ? st.st_mode & 07777 : 0755;
}

/* Make what is missing of subpath, each parent resolved beneath basefd. */
static int make_missing(int basefd, const char *subpath, const char *volume,
			struct pea_err **err)
{
	cleanup_free char *copy = xstrdup(subpath);
	mode_t mode = root_mode(basefd);
	size_t end = 0, len = strlen(copy);

	while (end < len) {
		char saved, *name;
		cleanup_close int fd = -1, parent = -1;

		end += strcspn(copy + end, "/");
		saved = copy[end];
		copy[end] = '\0';
		fd = open_beneath(basefd, copy, O_PATH | O_DIRECTORY);
		if (fd < 0 && errno != ENOENT)
			return errno == EXDEV || errno == ELOOP ? leaves(subpath, volume, err)
				: pea_err_set(err, errno, "subPath '%s' of volume '%s'", subpath, volume);
		if (fd < 0) {
			name = strrchr(copy, '/');
			if (name) {
				*name++ = '\0';
				parent = open_beneath(basefd, copy, O_PATH | O_DIRECTORY);
				if (parent < 0)
					return pea_err_set(err, errno, "subPath '%s' of volume '%s'",
							   subpath, volume);
			}
			if (make_dir(parent >= 0 ? parent : basefd, name ? name : copy, mode, subpath,
				     volume, err) < 0)
				return -1;
			if (name)
				name[-1] = '/';
		}
		copy[end] = saved;
		end++;
	}
	return 0;
}

int mntsrc_subpath_walk(int basefd, const char *subpath, const char *volume,
			struct pea_err **err)
{
	cleanup_free char *copy = xstrdup(subpath);
	cleanup_close int cur = openat(basefd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	mode_t mode = root_mode(basefd);
	char *save = NULL, *c;

	if (check_subpath(subpath, volume, err) < 0)
		return -1;
	if (cur < 0)
		return pea_err_set(err, errno, "open volume '%s'", volume);
	for (c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		struct stat st;
		int fd;

		if (!strcmp(c, "."))
			continue;
		fd = openat(cur, c, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT) {
			if (make_dir(cur, c, mode, subpath, volume, err) < 0)
				return -1;
			fd = openat(cur, c, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0 || fstat(fd, &st) < 0) {
			pea_err_set(err, errno, "subPath '%s' of volume '%s'", subpath, volume);
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(cur);
		cur = fd;
		if (S_ISLNK(st.st_mode))
			return pea_err_setk(err, PEA_E_INVALID, 0, "subPath '%s' of volume '%s' goes "
					    "through the symlink '%s' (without openat2 symlinks "
					    "are refused)", subpath, volume, c);
	}
	return steal_fd(cur);
}

int mntsrc_subpath_open(int basefd, const char *subpath, const char *volume,
			struct pea_err **err)
{
	int fd;

	if (check_subpath(subpath, volume, err) < 0)
		return -1;
	fd = open_beneath(basefd, subpath, O_PATH);
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		return mntsrc_subpath_walk(basefd, subpath, volume, err);
	if (fd < 0 && errno == ENOENT) {
		if (make_missing(basefd, subpath, volume, err) < 0)
			return -1;
		fd = open_beneath(basefd, subpath, O_PATH);
	}
	if (fd < 0 && (errno == EXDEV || errno == ELOOP))
		return leaves(subpath, volume, err);
	if (fd < 0)
		return pea_err_set(err, errno, "subPath '%s' of volume '%s'", subpath, volume);
	return fd;
}

static char *subpaths_dir(struct pea_ctx *ctx, const char *ctr_id)
{
	return xasprintf("%s/containers/%s/subpaths", ctx->runroot, ctr_id);
}

/* Bind what fd refers to (not a path a container could change) onto
 * <runroot>/containers/<id>/subpaths/<n>. */
static char *bind_fd(struct pea_ctx *ctx, const char *ctr_id, size_t n, int fd,
		     struct pea_err **err)
{
	cleanup_free char *dir = subpaths_dir(ctx, ctr_id);
	cleanup_free char *mp = xasprintf("%s/%zu", dir, n);
	cleanup_free char *src = xasprintf("/proc/self/fd/%d", fd);
	struct stat st;
	int mfd;

	if (fstat(fd, &st) < 0) {
		pea_err_set(err, errno, "stat subPath");
		return NULL;
	}
	if (io_mkdir_p(dir, 0700, err) < 0)
		return NULL;
	if (S_ISDIR(st.st_mode)) {
		if (mkdir(mp, 0700) < 0 && errno != EEXIST)
			goto fail;
	} else {
		if ((mfd = open(mp, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
			goto fail;
		close(mfd);
	}
	if (mount(src, mp, NULL, MS_BIND | MS_REC, NULL) < 0)
		goto fail;
	return steal_ptr(mp);
fail:
	pea_err_set(err, errno, "bind subPath on '%s'", mp);
	return NULL;
}

static char *subpath_source(struct pea_ctx *ctx, const struct ctr_info *ci, size_t n,
			    const char *base, const struct mount_spec *m, struct pea_err **err)
{
	const char *volume = m->source ? m->source : m->destination;
	cleanup_close int basefd = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int fd = -1;

	if (basefd < 0) {
		pea_err_set(err, errno, "open volume '%s'", volume);
		return NULL;
	}
	if ((fd = mntsrc_subpath_open(basefd, m->subpath, volume, err)) < 0)
		return NULL;
	return bind_fd(ctx, ci->id, n, fd, err);
}

void mntsrc_release(struct pea_ctx *ctx, const char *ctr_id)
{
	cleanup_free char *dir = subpaths_dir(ctx, ctr_id);
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		cleanup_free char *p = NULL;

		if (de->d_name[0] == '.')
			continue;
		p = path_join(dir, de->d_name);
		while (store_is_mountpoint(p) && umount2(p, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
			;
	}
	io_rm_rf(dir, NULL);
}

/* ---- all of a container's mounts ---------------------------------------- */

/* The source of one mount before its subPath. */
static char *base_source(struct pea_ctx *ctx, const struct ctr_info *ci,
			 const struct mount_spec *m, const char *rootfs, struct pod_info *pi,
			 bool *have_pod, struct pea_err **err)
{
	char *base;

	switch (m->kind) {
	case MOUNT_VOLUME: {
		cleanup_free char *src = path_join(rootfs, m->destination);

		if (!(base = vol_ensure(ctx, m->source, err)))
			return NULL;
		if (strv_find(m->options, "nocopy") < 0 &&
		    vol_populate(ctx, m->source, src, err) < 0) {
			free(base);
			return NULL;
		}
		return base;
	}
	case MOUNT_POD_VOLUME:
		if (!ci->pod_id) {
			pea_err_setk(err, PEA_E_INVALID, 0, "pod volume '%s' outside a pod", m->source);
			return NULL;
		}
		if (!*have_pod && pod_lookup(ctx, ci->pod_id, pi, err) < 0)
			return NULL;
		*have_pod = true;
		return podvol_source(ctx, pi, m->source, err);
	case MOUNT_BIND:
		if (mntsrc_host_path_check(m->source, m->host_path_type, err) < 0)
			return NULL;
		return xstrdup(m->source);
	case MOUNT_TMPFS:
		break;
	}
	return xstrdup("tmpfs");
}

char **mntsrc_resolve(struct pea_ctx *ctx, const struct ctr_info *ci, const char *rootfs,
		      bool **readonly, struct pea_err **err)
{
	char **v = xcalloc(ci->spec.n_mounts + 1, sizeof(*v));
	bool *ro = xcalloc(ci->spec.n_mounts + 1, sizeof(*ro));
	struct pod_info pi;
	bool have_pod = false;
	size_t i;

	mntsrc_release(ctx, ci->id);   /* a leftover of a crash */
	for (i = 0; i < ci->spec.n_mounts; i++) {
		const struct mount_spec *m = &ci->spec.mounts[i];
		cleanup_free char *base = base_source(ctx, ci, m, rootfs, &pi, &have_pod, err);

		if (!base)
			goto fail;
		if (m->kind == MOUNT_POD_VOLUME) {
			const struct pod_volume *pv = podvol_find(&pi.spec, m->source);

			ro[i] = pv && pv->kind == POD_VOL_FILES;
		}
		if (m->kind != MOUNT_TMPFS && m->subpath && *m->subpath)
			v[i] = subpath_source(ctx, ci, i, base, m, err);
		else
			v[i] = steal_ptr(base);
		if (!v[i])
			goto fail;
	}
	if (have_pod)
		pod_info_release(&pi);
	*readonly = ro;
	return v;
fail:
	if (have_pod)
		pod_info_release(&pi);
	free(ro);
	strv_free(v);
	mntsrc_release(ctx, ci->id);
	pea_err_wrap(err, "volumes of '%s'", ci->name);
	return NULL;
}
