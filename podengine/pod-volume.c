/* A pod's own volumes: emptyDir and files volumes (pod-volume.h). */
#include "podengine/pod-volume.h"
#include "podengine/storage.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/banned.h"

#define EMPTYDIR_MODE 0777   /* the kubelet's emptyDir */
#define FILES_DIR_MODE 0755
#define FSGROUP_FILE_BITS 0440

/* ---- checks ------------------------------------------------------------- */

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

/* Relative, '/'-separated, no empty, "." or ".." parts. */
static bool valid_file_path(const char *path)
{
	const char *p = path;

	if (!path || !*path || strlen(path) > 4096)
		return false;
	for (;;) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (!p[n])
			return true;
		p += n + 1;
	}
}

static int check_files(const struct pod_volume *v, struct pea_err **err)
{
	size_t i, j;

	for (i = 0; i < v->n_files; i++) {
		const struct vol_file *f = &v->files[i];

		if (!valid_file_path(f->path))
			return pea_err_setk(err, PEA_E_INVALID, 0, "volume '%s': invalid file path "
					    "'%s': must be relative without '.' or '..' parts",
					    v->name, f->path ? f->path : "");
		if (f->mode > 0777)
			return pea_err_setk(err, PEA_E_INVALID, 0, "volume '%s': file '%s': mode "
					    "%#o is not within 0000-0777", v->name, f->path, f->mode);
		if (!f->data && f->len)
			return pea_err_setk(err, PEA_E_INVALID, 0, "volume '%s': file '%s' has no "
					    "data", v->name, f->path);
		for (j = 0; j < i; j++)
			if (!strcmp(v->files[j].path, f->path))
				return pea_err_setk(err, PEA_E_INVALID, 0, "volume '%s': file '%s' "
						    "given twice", v->name, f->path);
	}
	return 0;
}

int podvol_check(const struct pod_spec *s, struct pea_err **err)
{
	size_t i, j;

	for (i = 0; i < s->n_volumes; i++) {
		const struct pod_volume *v = &s->volumes[i];

		if (!valid_name(v->name))
			return pea_err_setk(err, PEA_E_INVALID, 0, "invalid volume name '%s': must "
					    "match [a-zA-Z0-9][a-zA-Z0-9_.-]*", v->name ? v->name : "");
		for (j = 0; j < i; j++)
			if (!strcmp(s->volumes[j].name, v->name))
				return pea_err_setk(err, PEA_E_INVALID, 0, "volume '%s' given twice",
						    v->name);
		if (v->kind != POD_VOL_EMPTYDIR && v->kind != POD_VOL_FILES)
			return pea_err_setk(err, PEA_E_INVALID, 0, "volume '%s': unknown kind",
					    v->name);
		if (v->size_limit < 0)
			return pea_err_setk(err, PEA_E_INVALID, 0, "volume '%s': negative size "
					    "limit", v->name);
		if (v->kind == POD_VOL_FILES && v->memory)
			return pea_err_setk(err, PEA_E_INVALID, 0, "volume '%s': only an emptyDir "
					    "can be in memory", v->name);
		if (v->kind == POD_VOL_EMPTYDIR && v->n_files)
			return pea_err_setk(err, PEA_E_INVALID, 0, "volume '%s': an emptyDir has "
					    "no files", v->name);
		if (check_files(v, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- writing ------------------------------------------------------------ */

/* Group first: chown may clear the setgid bit that chmod then sets. */
static int set_owner_mode(int fd, int64_t fs_group, mode_t mode, const char *what,
			  struct pea_err **err)
{
	if (fs_group >= 0 && fchown(fd, (uid_t)-1, (gid_t)fs_group) < 0)
		return pea_err_set(err, errno, "set the group of %s to %lld", what,
				   (long long)fs_group);
	if (fchmod(fd, mode) < 0)
		return pea_err_set(err, errno, "set the mode of %s", what);
	return 0;
}

/* Open (making it when missing) directory `name` under parent, never
 * through a symlink. */
static int open_subdir(int parent, const char *name, int64_t fs_group, const char *what,
		       struct pea_err **err)
{
	bool made = mkdirat(parent, name, 0700) == 0;
	cleanup_close int fd = -1;

	if (!made && errno != EEXIST)
		return pea_err_set(err, errno, "create directory '%s' of %s", name, what);
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return pea_err_set(err, errno == ELOOP ? ENOTDIR : errno, "open directory '%s' "
				   "of %s", name, what);
	if (made && set_owner_mode(fd, fs_group, fs_group >= 0 ? 02000 | FILES_DIR_MODE
							       : FILES_DIR_MODE, what, err) < 0)
		return -1;
	return steal_fd(fd);
}

static int write_one(int dirfd, const struct pod_volume *v, const struct vol_file *f,
		     int64_t fs_group, struct pea_err **err)
{
	cleanup_free char *copy = xstrdup(f->path);
	cleanup_free char *what = xasprintf("file '%s' of volume '%s'", f->path, v->name);
	cleanup_close int cur = -1, fd = -1;
	char *p = copy, *slash;
	mode_t mode = f->mode & 0777;

	while ((slash = strchr(p, '/'))) {
		int next;

		*slash = '\0';
		if ((next = open_subdir(cur >= 0 ? cur : dirfd, p, fs_group, what, err)) < 0)
			return -1;
		if (cur >= 0)
			close(cur);
		cur = next;
		p = slash + 1;
	}
	fd = openat(cur >= 0 ? cur : dirfd, p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	if (fd < 0)
		return pea_err_set(err, errno, "create %s", what);
	if (f->len && xwrite_all(fd, f->data, f->len) < 0)
		return pea_err_set(err, errno, "write %s", what);
	if (fs_group >= 0)
		mode |= FSGROUP_FILE_BITS;
	return set_owner_mode(fd, fs_group, mode, what, err);
}

int podvol_write_files(int dirfd, const struct pod_volume *v, int64_t fs_group,
		       struct pea_err **err)
{
	size_t i;

	for (i = 0; i < v->n_files; i++)
		if (write_one(dirfd, v, &v->files[i], fs_group, err) < 0)
			return -1;
	return 0;
}

int podvol_make(int volsfd, const struct pod_volume *v, int64_t fs_group,
		struct pea_err **err)
{
	cleanup_free char *what = xasprintf("volume '%s'", v->name);
	cleanup_close int fd = -1;
	mode_t mode = v->kind == POD_VOL_EMPTYDIR ? EMPTYDIR_MODE : FILES_DIR_MODE;

	if (mkdirat(volsfd, v->name, 0700) < 0)
		return pea_err_set(err, errno, "create the directory of %s", what);
	fd = openat(volsfd, v->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return pea_err_set(err, errno, "open the directory of %s", what);
	if (set_owner_mode(fd, fs_group, fs_group >= 0 ? 02000 | mode : mode, what, err) < 0)
		return -1;
	return v->kind == POD_VOL_FILES ? podvol_write_files(fd, v, fs_group, err) : 0;
}

int podvol_create_all(const struct pod_info *pi, struct pea_err **err)
{
	cleanup_free char *vols = path_join(pi->dir, "volumes");
	cleanup_close int fd = -1;
	size_t i;

	if (!pi->spec.n_volumes)
		return 0;
	if (mkdir(vols, 0700) < 0)
		return pea_err_set(err, errno, "create '%s'", vols);
	fd = open(vols, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchmod(fd, 0700) < 0) {
		pea_err_set(err, errno, "open '%s'", vols);
		goto undo;
	}
	for (i = 0; i < pi->spec.n_volumes; i++)
		if (podvol_make(fd, &pi->spec.volumes[i], pi->spec.fs_group, err) < 0)
			goto undo;
	return 0;
undo:
	io_rm_rf(vols, NULL);
	return pea_err_wrap(err, "volumes of pod '%s'", pi->name);
}

/* ---- at start and stop -------------------------------------------------- */

const struct pod_volume *podvol_find(const struct pod_spec *s, const char *name)
{
	size_t i;

	for (i = 0; name && i < s->n_volumes; i++)
		if (s->volumes[i].name && !strcmp(s->volumes[i].name, name))
			return &s->volumes[i];
	return NULL;
}

char *podvol_path(struct pea_ctx *ctx, const char *pod_id, const struct pod_volume *v)
{
	return xasprintf("%s/pods/%s/volumes/%s", v->memory ? ctx->runroot : ctx->root, pod_id,
			 v->name);
}

static int mount_memory(const struct pod_info *pi, const struct pod_volume *v, const char *path,
			struct pea_err **err)
{
	cleanup_free char *parent = xstrdup(path);
	cleanup_free char *opts = NULL;
	cleanup_close int lock = -1;

	*strrchr(parent, '/') = '\0';
	if (io_mkdir_p(parent, 0700, err) < 0)
		return -1;
	/* two containers of the pod starting at once must share one tmpfs */
	lock = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock < 0 || flock(lock, LOCK_EX) < 0)
		return pea_err_set(err, errno, "lock '%s'", parent);
	if (store_is_mountpoint(path))
		return 0;
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return pea_err_set(err, errno, "create '%s'", path);
	if (pi->spec.fs_group >= 0)
		opts = xasprintf("mode=%o,gid=%lld", 02000 | EMPTYDIR_MODE,
				 (long long)pi->spec.fs_group);
	else
		opts = xasprintf("mode=%o", EMPTYDIR_MODE);
	if (v->size_limit > 0) {
		char *o = xasprintf("%s,size=%lld", opts, (long long)v->size_limit);

		free(opts);
		opts = o;
	}
	if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		return pea_err_set(err, errno, "mount tmpfs of volume '%s' on '%s'", v->name, path);
	return 0;
}

char *podvol_source(struct pea_ctx *ctx, const struct pod_info *pi, const char *name,
		    struct pea_err **err)
{
	const struct pod_volume *v = podvol_find(&pi->spec, name);
	cleanup_free char *path = NULL;

	if (!v) {
		pea_err_setk(err, PEA_E_NOT_FOUND, 0, "pod '%s' has no volume '%s'", pi->name,
			     name ? name : "");
		return NULL;
	}
	path = podvol_path(ctx, pi->id, v);
	if (v->memory && mount_memory(pi, v, path, err) < 0)
		return NULL;
	if (!v->memory && !io_exists(path)) {
		pea_err_set(err, ENOENT, "volume '%s' of pod '%s' is missing", name, pi->name);
		return NULL;
	}
	return steal_ptr(path);
}

void podvol_umount(struct pea_ctx *ctx, const struct pod_info *pi)
{
	size_t i;

	for (i = 0; i < pi->spec.n_volumes; i++) {
		const struct pod_volume *v = &pi->spec.volumes[i];
		cleanup_free char *path = NULL;

		if (!v->memory)
			continue;
		path = podvol_path(ctx, pi->id, v);
		while (store_is_mountpoint(path) && umount2(path, MNT_DETACH) == 0)
			;
		rmdir(path);
	}
}
