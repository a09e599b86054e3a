/* __attribute__((cleanup)) helpers for libc objects.  Helpers for other
 * libraries (json-c, curl, archive, sqlite) live next to the code that wraps
 * that library.  Initialise at the declaration; hand ownership over with
 * steal_ptr(). */
#ifndef PEA_CLEANUP_H
#define PEA_CLEANUP_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void cleanup_freep(void *p)
{
	free(*(void **)p);
}

static inline void cleanup_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void cleanup_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void cleanup_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

/* Free a NULL-terminated array of strings. */
static inline void cleanup_strvp(char ***v)
{
	char **p;

	if (!*v)
		return;
	for (p = *v; *p; p++)
		free(*p);
	free(*v);
}

#define cleanup_free __attribute__((cleanup(cleanup_freep)))
#define cleanup_close __attribute__((cleanup(cleanup_closep)))
#define cleanup_fclose __attribute__((cleanup(cleanup_fclosep)))
#define cleanup_dir __attribute__((cleanup(cleanup_closedirp)))
#define cleanup_strv __attribute__((cleanup(cleanup_strvp)))

/* Take an fd out of a cleanup_close variable. */
#define steal_fd(fd) ({ int _fd = (fd); (fd) = -1; _fd; })

#endif
