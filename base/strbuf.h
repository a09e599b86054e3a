/* A growable string buffer with git's strbuf invariants:
 *  - buf is always NUL terminated and never NULL after strbuf_init/STRBUF_INIT
 *    (it may point at a shared empty string until the first growth);
 *  - len is the length of the string, alloc the size of the allocation.
 * strbuf_release() frees; strbuf_detach() hands the string to the caller. */
#ifndef PEA_STRBUF_H
#define PEA_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { 0, 0, strbuf_slopbuf }

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);
#define strbuf_reset(sb) strbuf_setlen((sb), 0)
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Append s with JSON string escaping, without the quotes. */
void strbuf_add_json_escaped(struct strbuf *sb, const char *s);
void strbuf_rtrim(struct strbuf *sb);

#define cleanup_strbuf __attribute__((cleanup(strbuf_release)))

#endif
