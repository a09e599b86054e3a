#include "base/log.h"
#include "base/strbuf.h"
#include "base/io.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

static const char *level_names[] = { "error", "warning", "info", "debug", "trace" };

void log_init(struct pea_log *log)
{
	unsigned char rnd[8] = { 0 };
	size_t i;

	log->level = PEA_LOG_WARN;
	log->json = false;
	if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd)) {
		unsigned long v = (unsigned long)getpid() ^ (unsigned long)time(NULL);

		memcpy(rnd, &v, sizeof(v) < sizeof(rnd) ? sizeof(v) : sizeof(rnd));
	}
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(log->request_id + 2 * i, 3, "%02x", rnd[i]);
}

int log_level_parse(const char *s)
{
	size_t i;

	if (!strcmp(s, "warn"))
		return PEA_LOG_WARN;
	if (!strcmp(s, "fatal") || !strcmp(s, "panic"))
		return PEA_LOG_ERROR;
	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (!strcmp(s, level_names[i]))
			return (int)i;
	return -1;
}

void log_write(const struct pea_log *log, enum pea_log_level level, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT, line = STRBUF_INIT;
	struct timespec ts;
	struct tm tm;
	char when[64];
	va_list ap;

	if (!log || level > log->level)
		return;
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	if (log->json) {
		strbuf_addf(&line, "{\"time\":\"%s.%09ldZ\",\"level\":\"%s\",\"msg\":\"",
			    when, ts.tv_nsec, level_names[level]);
		strbuf_add_json_escaped(&line, msg.buf);
		strbuf_addf(&line, "\",\"request_id\":\"%s\",\"pid\":%d}\n",
			    log->request_id, (int)getpid());
	} else {
		strbuf_addf(&line, "time=\"%s.%09ldZ\" level=%s msg=\"", when, ts.tv_nsec,
			    level_names[level]);
		strbuf_add_json_escaped(&line, msg.buf);
		strbuf_addf(&line, "\" request_id=%s\n", log->request_id);
	}
	xwrite_all(STDERR_FILENO, line.buf, line.len);
	strbuf_release(&msg);
	strbuf_release(&line);
}
