/* The host's device nodes for privileged containers (see host-devices.h). */
#include "podengine/host-devices.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/xalloc.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/banned.h"

static bool skipped(const char *rel)
{
	static const char *const skip[] = {
		"pts", "shm", "mqueue", "fd", "null", "zero", "full", "random", "urandom",
		"tty", "console", "ptmx", ".lxc", ".lxd-mounts", ".udev", NULL,
	};

	for (size_t i = 0; skip[i]; i++)
		if (!strcmp(rel, skip[i]))
			return true;
	return false;
}

static void add_node(struct json_object *arr, const char *path, const struct stat *st)
{
	struct json_object *d = json_object_new_object();

	json_object_object_add(d, "path", json_object_new_string(path));
	json_object_object_add(d, "type", json_object_new_string(S_ISCHR(st->st_mode) ? "c" : "b"));
	json_object_object_add(d, "major", json_object_new_int64(major(st->st_rdev)));
	json_object_object_add(d, "minor", json_object_new_int64(minor(st->st_rdev)));
	json_object_object_add(d, "fileMode", json_object_new_int(st->st_mode & 07777));
	json_object_object_add(d, "uid", json_object_new_int64(st->st_uid));
	json_object_object_add(d, "gid", json_object_new_int64(st->st_gid));
	json_object_array_add(arr, d);
}

/* fd is consumed. `rel` is the path below the top ("" at the top). */
static void walk(struct json_object *arr, int fd, const char *rel, int depth)
{
	DIR *d = fdopendir(fd);
	struct dirent *e;

	if (!d) {
		close(fd);
		return;
	}
	while ((e = readdir(d))) {
		cleanup_free char *sub = NULL;
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		sub = *rel ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
		if (skipped(sub) || fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
			cleanup_free char *path = xasprintf("/dev/%s", sub);

			add_node(arr, path, &st);
		} else if (S_ISDIR(st.st_mode) && depth < 4) {
			int sub_fd = openat(dirfd(d), e->d_name,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub_fd >= 0)
				walk(arr, sub_fd, sub, depth + 1);
		}
	}
	closedir(d);
}

struct json_object *host_devices_json(const char *dir)
{
	struct json_object *arr = json_object_new_array();
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0)
		walk(arr, fd, "", 0);
	return arr;
}
