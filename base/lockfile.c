#include "base/lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/banned.h"

static int lock_path(const char *path, int op, struct pea_err **err)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		return pea_err_set(err, errno, "open lock '%s'", path);
	while (flock(fd, op) < 0) {
		if (errno == EINTR)
			continue;
		close(fd);
		return pea_err_set(err, errno, "lock '%s'", path);
	}
	return fd;
}

int lockfile_lock(const char *path, struct pea_err **err)
{
	return lock_path(path, LOCK_EX, err);
}

int lockfile_lock_shared(const char *path, struct pea_err **err)
{
	return lock_path(path, LOCK_SH, err);
}
