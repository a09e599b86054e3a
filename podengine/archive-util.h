/* __attribute__((cleanup)) helpers for libarchive handles (internal to
 * podengine).  Initialise at the declaration:
 *   cleanup_archive_read struct archive *a = archive_read_new(); */
#ifndef PEA_ARCHIVE_UTIL_H
#define PEA_ARCHIVE_UTIL_H

#include <archive.h>

static inline void cleanup_archive_readp(struct archive **a)
{
	if (*a)
		archive_read_free(*a);
}

static inline void cleanup_archive_writep(struct archive **a)
{
	if (*a)
		archive_write_free(*a);
}

#define cleanup_archive_read __attribute__((cleanup(cleanup_archive_readp)))
#define cleanup_archive_write __attribute__((cleanup(cleanup_archive_writep)))

#endif
