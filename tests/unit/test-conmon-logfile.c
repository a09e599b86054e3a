/* Unit tests of conmon/logfile.c, the k8s-file log writer.  conmon/ is not
 * an archive the unit tests link against, so the file is included. */
#include "tests/unit/tap.h"
#include "conmon/logfile.c"

#include <regex.h>

#include "base/banned.h"

static char tmpdir[] = "/tmp/test-conmon-logfile.XXXXXX";

static char *slurp(const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	if (io_read_file(path, &sb, NULL) < 0) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

/* Strip the timestamps: "2026-...Z stdout F x\n" -> "stdout F x\n". */
static char *untimed(const char *log)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = log;

	while (*p) {
		const char *sp = strchr(p, ' ');
		const char *nl = strchr(p, '\n');

		if (!sp || !nl || sp > nl)
			break;
		strbuf_add(&sb, sp + 1, (size_t)(nl - sp));
		p = nl + 1;
	}
	return strbuf_detach(&sb, NULL);
}

TEST(lines_streams_and_partial_lines)
{
	cleanup_free char *path = path_join(tmpdir, "a.log");
	struct conmon_log *log = conmon_log_open(path, 0, NULL);
	cleanup_free char *text = NULL, *body = NULL;
	regex_t re;

	CHECK(log != NULL);
	if (!log)
		return;
	CHECK_INT(conmon_log_write(log, CONMON_STDOUT, "one\ntw", 6, NULL), 0);
	CHECK(conmon_log_pending(log));
	CHECK_INT(conmon_log_write(log, CONMON_STDERR, "err\n", 4, NULL), 0);
	CHECK_INT(conmon_log_write(log, CONMON_STDOUT, "o\n\nlast", 7, NULL), 0);
	CHECK_INT(conmon_log_flush(log, NULL), 0);
	CHECK(!conmon_log_pending(log));
	conmon_log_close(log);
	text = slurp(path);
	body = untimed(text);
	CHECK_STR(body, "stdout F one\nstderr F err\nstdout F two\nstdout F \nstdout P last\n");
	CHECK_INT(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{9}Z "
			  "stdout F one\n", REG_EXTENDED), 0);
	CHECK_INT(regexec(&re, text, 0, NULL, 0), 0);
	regfree(&re);
}

TEST(long_line_is_cut_into_p_records)
{
	cleanup_free char *path = path_join(tmpdir, "b.log");
	struct conmon_log *log = conmon_log_open(path, 0, NULL);
	cleanup_free char *line = xmalloc(CONMON_LOG_LINE_MAX * 2 + 10);
	cleanup_free char *text = NULL, *body = NULL;
	struct strbuf want = STRBUF_INIT;

	memset(line, 'x', CONMON_LOG_LINE_MAX * 2 + 9);
	line[CONMON_LOG_LINE_MAX * 2 + 9] = '\n';
	CHECK(log != NULL);
	if (!log)
		return;
	/* In two writes, split where a pipe read might split it; the
	 * newline comes in the same write as the end of the second cut. */
	CHECK_INT(conmon_log_write(log, CONMON_STDOUT, line, 100, NULL), 0);
	CHECK_INT(conmon_log_write(log, CONMON_STDOUT, line + 100, CONMON_LOG_LINE_MAX * 2 - 90,
				   NULL), 0);
	conmon_log_close(log);
	text = slurp(path);
	body = untimed(text);
	strbuf_addstr(&want, "stdout P ");
	strbuf_add(&want, line, CONMON_LOG_LINE_MAX);
	strbuf_addstr(&want, "\nstdout P ");
	strbuf_add(&want, line, CONMON_LOG_LINE_MAX);
	strbuf_addstr(&want, "\nstdout F xxxxxxxxx\n");
	CHECK_INT(strlen(body), want.len);
	CHECK(!strcmp(body, want.buf)); /* too long to print */
	strbuf_release(&want);
}

TEST(rotation_keeps_files_under_the_limit)
{
	cleanup_free char *path = path_join(tmpdir, "c.log");
	cleanup_free char *old = path_join(tmpdir, "c.log.1");
	struct conmon_log *log = conmon_log_open(path, 200, NULL);
	cleanup_free char *raw = NULL, *cur = NULL, *prev = NULL;
	struct stat st;
	int i;

	CHECK(log != NULL);
	if (!log)
		return;
	for (i = 0; i < 20; i++) {
		char buf[32];
		int n = snprintf(buf, sizeof(buf), "line %02d\n", i);

		CHECK_INT(conmon_log_write(log, CONMON_STDOUT, buf, (size_t)n, NULL), 0);
	}
	conmon_log_close(log);
	CHECK_INT(stat(path, &st), 0);
	CHECK(st.st_size <= 200 && st.st_size > 0);
	CHECK_INT(stat(old, &st), 0);
	CHECK(st.st_size <= 200 && st.st_size > 100);
	raw = slurp(path);
	cur = untimed(raw ? raw : "");
	prev = slurp(old);
	CHECK(strstr(cur, "stdout F line 19\n") != NULL);
	CHECK(prev && strstr(prev, "stdout F line 00") == NULL);
}

TEST(open_fails_with_context)
{
	struct pea_err *err = NULL;

	CHECK(conmon_log_open("/nonexistent-dir/x.log", 0, &err) == NULL);
	CHECK(err != NULL && strstr(err->msg, "open log '/nonexistent-dir/x.log'") != NULL);
	pea_err_free(err);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(lines_streams_and_partial_lines);
	RUN(long_line_is_cut_into_p_records);
	RUN(rotation_keeps_files_under_the_limit);
	RUN(open_fails_with_context);
	io_rm_rf(tmpdir, NULL);
	return tap_done();
}
