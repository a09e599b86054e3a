#include "base/lockfile.h"
#include "base/io.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <time.h>
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

char *lockfile_path(const char *runroot, const char *name, struct pea_err **err)
{
	char *dir = path_join(runroot, "locks");
	char *p;

	if (io_mkdir_p(dir, 0700, err) < 0) {
		free(dir);
		return NULL;
	}
	p = xasprintf("%s/%s.lock", dir, name);
	free(dir);
	return p;
}

int lockfile_trylock(const char *path, int wait_ms)
{
	struct timespec ts = { 0, 20 * 1000000L };
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	int waited;

	if (fd < 0)
		return -1;
	for (waited = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; waited += 20) {
		if ((errno != EWOULDBLOCK && errno != EINTR) || waited >= wait_ms) {
			close(fd);
			return -1;
		}
		nanosleep(&ts, NULL);
	}
	return fd;
}
