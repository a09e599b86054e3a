/* ctr-logs: record parsing, line joining, time parsing, since/until/tail. */
#include "tap.h"

#include "podengine/ctr-logs.h"
#include "base/err.h"

#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

#define NSEC 1000000000LL

TEST(parse_record)
{
	const char *l = "2026-01-02T03:04:05.123456789Z stderr P hello world";
	struct ctr_log_record r;

	CHECK_INT(ctr_log_parse_record(l, strlen(l), &r), 0);
	CHECK(r.is_stderr);
	CHECK(r.partial);
	CHECK_INT(r.len, 11);
	CHECK(!memcmp(r.text, "hello world", 11));
	CHECK_INT(r.ts, 1767323045LL * NSEC + 123456789);
	l = "2026-01-02T03:04:05.1Z stdout F";
	CHECK_INT(ctr_log_parse_record(l, strlen(l), &r), 0);
	CHECK(!r.is_stderr);
	CHECK(!r.partial);
	CHECK_INT(r.len, 0);
	l = "2026-01-02T03:04:05Z stdin F x";
	CHECK_INT(ctr_log_parse_record(l, strlen(l), &r), -1);
	l = "garbage stdout F x";
	CHECK_INT(ctr_log_parse_record(l, strlen(l), &r), -1);
	l = "2026-01-02T03:04:05Z stdout X x";
	CHECK_INT(ctr_log_parse_record(l, strlen(l), &r), -1);
}

TEST(rfc3339)
{
	int64_t t;
	const char *s = "2026-01-02T04:04:05+01:00";

	CHECK_INT(ctr_log_parse_rfc3339(s, strlen(s), &t), 0);
	CHECK_INT(t, 1767323045LL * NSEC);
	s = "2026-01-02T03:04:05.5Z";
	CHECK_INT(ctr_log_parse_rfc3339(s, strlen(s), &t), 0);
	CHECK_INT(t, 1767323045LL * NSEC + 500000000);
	s = "2026-01-02T03:04:05";
	CHECK_INT(ctr_log_parse_rfc3339(s, strlen(s), &t), -1);
	s = "2026-13-02T03:04:05Z";
	CHECK_INT(ctr_log_parse_rfc3339(s, strlen(s), &t), -1);
}

TEST(parse_time)
{
	struct pea_err *err = NULL;
	int64_t now = 2000000000LL * NSEC, t = 0;

	CHECK_INT(ctr_logs_parse_time("1700000000", now, &t, &err), 0);
	CHECK_INT(t, 1700000000LL * NSEC);
	CHECK_INT(ctr_logs_parse_time("1700000000.25", now, &t, &err), 0);
	CHECK_INT(t, 1700000000LL * NSEC + 250000000);
	CHECK_INT(ctr_logs_parse_time("10m", now, &t, &err), 0);
	CHECK_INT(t, now - 600 * NSEC);
	CHECK_INT(ctr_logs_parse_time("1h30m", now, &t, &err), 0);
	CHECK_INT(t, now - 5400 * NSEC);
	CHECK_INT(ctr_logs_parse_time("1.5s", now, &t, &err), 0);
	CHECK_INT(t, now - 1500000000LL);
	CHECK_INT(ctr_logs_parse_time("2026-01-02T03:04:05Z", now, &t, &err), 0);
	CHECK_INT(t, 1767323045LL * NSEC);
	CHECK(err == NULL);
	CHECK_INT(ctr_logs_parse_time("yesterday", now, &t, &err), -1);
	CHECK(err && err->kind == PEA_E_INVALID);
	pea_err_free(err);
	err = NULL;
	CHECK_INT(ctr_logs_parse_time("10x", now, &t, &err), -1);
	pea_err_free(err);
}

static const char sample[] =
	"2026-01-02T03:04:01.000000000Z stdout F one\n"
	"2026-01-02T03:04:02.100000000Z stdout P tw\n"
	"2026-01-02T03:04:02.200000000Z stderr F err-a\n"
	"2026-01-02T03:04:02.300000000Z stdout F o\n"
	"not a record\n"
	"2026-01-02T03:04:03.000000000Z stderr F err-b\n"
	"2026-01-02T03:04:04.000000000Z stdout F four\n"
	"2026-01-02T03:04:05.000000000Z stdout P tail-partial\n";

static void free_all(struct ctr_log_line *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ctr_log_line_release(&l[i]);
	free(l);
}

TEST(join_lines)
{
	struct ctr_log_line *l = NULL;
	size_t n = 0, alloc = 0;

	ctr_log_parse_buffer(sample, strlen(sample), &l, &n, &alloc);
	CHECK_INT(n, 6);
	if (n != 6)
		return;
	CHECK_STR(l[0].text.buf, "one");
	CHECK_STR(l[0].ts_text, "2026-01-02T03:04:01Z");
	CHECK_STR(l[1].text.buf, "err-a");
	CHECK(l[1].is_stderr);
	CHECK_STR(l[2].text.buf, "two");
	CHECK_STR(l[2].ts_text, "2026-01-02T03:04:02.1Z");   /* the first record's */
	CHECK(l[2].complete);
	CHECK_STR(l[3].text.buf, "err-b");
	CHECK_STR(l[4].text.buf, "four");
	CHECK_STR(l[5].text.buf, "tail-partial");
	CHECK(!l[5].complete);
	free_all(l, n);
}

TEST(filter_since_until_tail)
{
	struct ctr_log_line *l = NULL;
	size_t n = 0, alloc = 0;
	int64_t base = 1767323040LL * NSEC;

	ctr_log_parse_buffer(sample, strlen(sample), &l, &n, &alloc);
	ctr_log_filter(l, &n, base + 2 * NSEC, base + 4 * NSEC, -1);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_STR(l[0].text.buf, "err-a");
		CHECK_STR(l[3].text.buf, "four");
	}
	ctr_log_filter(l, &n, 0, 0, 2);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(l[0].text.buf, "err-b");
		CHECK_STR(l[1].text.buf, "four");
	}
	ctr_log_filter(l, &n, 0, 0, 0);
	CHECK_INT(n, 0);
	free_all(l, n);
}

TEST(rotation_order)
{
	/* what ctr_logs does with ctr.log.1 then ctr.log: one joined stream,
	 * a P record at the end of .1 continuing in the new file */
	const char *older = "2026-01-02T03:04:01Z stdout F old\n"
			    "2026-01-02T03:04:02Z stdout P spl\n";
	const char *newer = "2026-01-02T03:04:03Z stdout F it\n"
			    "2026-01-02T03:04:04Z stdout F new\n";
	char both[256];
	struct ctr_log_line *l = NULL;
	size_t n = 0, alloc = 0;

	snprintf(both, sizeof(both), "%s%s", older, newer);
	ctr_log_parse_buffer(both, strlen(both), &l, &n, &alloc);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(l[0].text.buf, "old");
		CHECK_STR(l[1].text.buf, "split");
		CHECK_STR(l[2].text.buf, "new");
	}
	ctr_log_filter(l, &n, 0, 0, 1);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_STR(l[0].text.buf, "new");
	free_all(l, n);
}

int main(void)
{
	RUN(parse_record);
	RUN(rfc3339);
	RUN(parse_time);
	RUN(join_lines);
	RUN(filter_since_until_tail);
	RUN(rotation_order);
	return tap_done();
}
