/* Logging to stderr.  Every command gets a request id that appears in each of
 * its records, so that interleaved logs of concurrent peapod processes can be
 * told apart.  The sink lives in struct pea_ctx (no globals); code without a
 * ctx does not log, it returns errors. */
#ifndef PEA_LOG_H
#define PEA_LOG_H

#include <stdbool.h>

enum pea_log_level {
	PEA_LOG_ERROR = 0,
	PEA_LOG_WARN,
	PEA_LOG_INFO,
	PEA_LOG_DEBUG,
	PEA_LOG_TRACE,
};

struct pea_log {
	enum pea_log_level level;
	bool json;
	char request_id[17];
};

/* Fill in a fresh random request id; level WARN, text format. */
void log_init(struct pea_log *log);
/* "error|warn|warning|info|debug|trace" -> level; -1 if unknown. */
int log_level_parse(const char *s);
void log_write(const struct pea_log *log, enum pea_log_level level,
	       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define log_error(l, ...) log_write((l), PEA_LOG_ERROR, __VA_ARGS__)
#define log_warn(l, ...) log_write((l), PEA_LOG_WARN, __VA_ARGS__)
#define log_info(l, ...) log_write((l), PEA_LOG_INFO, __VA_ARGS__)
#define log_debug(l, ...) log_write((l), PEA_LOG_DEBUG, __VA_ARGS__)

#endif
