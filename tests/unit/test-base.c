#include "tests/unit/tap.h"
#include "base/err.h"
#include "base/io.h"
#include "base/parse.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include "base/banned.h"

TEST(strbuf_grows_and_stays_terminated)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	CHECK_STR(sb.buf, "");
	for (i = 0; i < 1000; i++)
		strbuf_addch(&sb, 'x');
	CHECK_INT(sb.len, 1000);
	CHECK_INT(sb.buf[1000], 0);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s=%d", "a", 42);
	CHECK_STR(sb.buf, "a=42");
	strbuf_release(&sb);
}

TEST(strbuf_json_escape)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_add_json_escaped(&sb, "a\"b\\c\n\x01");
	CHECK_STR(sb.buf, "a\\\"b\\\\c\\n\\u0001");
	strbuf_release(&sb);
}

TEST(err_wrap_prefixes_context)
{
	struct pea_err *err = NULL;
	char *t;

	CHECK_INT(pea_err_set(&err, 2, "open '%s'", "x"), -1);
	pea_err_wrap(&err, "pull '%s'", "busybox");
	t = pea_err_text(err);
	CHECK_STR(t, "pull 'busybox': open 'x': No such file or directory");
	CHECK_INT(err->exit_status, 125);
	free(t);
	pea_err_free(err);
}

TEST(parse_numbers_with_ranges)
{
	struct pea_err *err = NULL;
	int v = 0;
	int64_t s = 0;

	CHECK_INT(parse_int("65535", 1, 65535, &v, "port", &err), 0);
	CHECK_INT(v, 65535);
	CHECK_INT(parse_int("65536", 1, 65535, &v, "port", &err), -1);
	CHECK(err && strstr(err->msg, "out of range"));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(parse_int("12x", 0, 100, &v, "n", &err), -1);
	pea_err_free(err);
	err = NULL;
	CHECK_INT(parse_size("64m", &s, "size", &err), 0);
	CHECK_INT(s, 64LL << 20);
	CHECK_INT(parse_size("1GiB", &s, "size", &err), 0);
	CHECK_INT(s, 1LL << 30);
}

TEST(parse_durations)
{
	struct pea_err *err = NULL;
	int64_t ms = -1;

	CHECK_INT(parse_duration_ms("5m", &ms, "--wait-timeout", NULL), 0);
	CHECK_INT(ms, 300000);
	CHECK_INT(parse_duration_ms("1h30m", &ms, "t", NULL), 0);
	CHECK_INT(ms, 5400000);
	CHECK_INT(parse_duration_ms("1.5s", &ms, "t", NULL), 0);
	CHECK_INT(ms, 1500);
	CHECK_INT(parse_duration_ms("250ms", &ms, "t", NULL), 0);
	CHECK_INT(ms, 250);
	CHECK_INT(parse_duration_ms("90", &ms, "t", NULL), 0);   /* bare: seconds */
	CHECK_INT(ms, 90000);
	CHECK_INT(parse_duration_ms("0", &ms, "t", NULL), 0);
	CHECK_INT(ms, 0);
	CHECK_INT(parse_duration_ms("-5s", &ms, "--wait-timeout", &err), -1);
	CHECK(err && strstr(err->msg, "--wait-timeout: '-5s' is not a duration"));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(parse_duration_ms("5x", &ms, "t", NULL), -1);
	CHECK_INT(parse_duration_ms("m", &ms, "t", NULL), -1);
	CHECK_INT(parse_duration_ms("", &ms, "t", NULL), -1);
	CHECK_INT(parse_duration_ms("5s ", &ms, "t", NULL), -1);
}

TEST(parse_names_as_podman)
{
	CHECK(parse_name_ok("web-1_a.b", 0));
	CHECK(parse_name_ok("A", 1));
	CHECK(!parse_name_ok("ab", 1));
	CHECK(!parse_name_ok("", 0));
	CHECK(!parse_name_ok(NULL, 0));
	CHECK(!parse_name_ok("-web", 0));
	CHECK(!parse_name_ok(".web", 0));
	CHECK(!parse_name_ok("we b", 0));
	CHECK(!parse_name_ok("we/b", 0));
}

TEST(path_join_normalises_slashes)
{
	char *p = path_join("/a/", "/b");

	CHECK_STR(p, "/a/b");
	free(p);
	p = path_join("/", "x");
	CHECK_STR(p, "/x");
	free(p);
}

int main(void)
{
	RUN(strbuf_grows_and_stays_terminated);
	RUN(strbuf_json_escape);
	RUN(err_wrap_prefixes_context);
	RUN(parse_numbers_with_ranges);
	RUN(parse_durations);
	RUN(parse_names_as_podman);
	RUN(path_join_normalises_slashes);
	return tap_done();
}
