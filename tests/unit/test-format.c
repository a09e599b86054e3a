#include "cli/format.h"

#include <stdlib.h>
#include <string.h>

#include "tests/unit/tap.h"

#include "base/banned.h"

static char last_err[512];

/* Render `format` over the JSON text; NULL on error (message in last_err). */
static char *run(const char *format, const char *json, bool is_list)
{
	struct json_object *v = json_tokener_parse(json);
	struct pea_err *err = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int r;

	if (!v && strcmp(json, "null"))
		printf("#   bad test json: %s\n", json);
	r = fmt_print(f, format, v, is_list, &err);
	fclose(f);
	json_object_put(v);
	last_err[0] = '\0';
	if (r < 0) {
		snprintf(last_err, sizeof(last_err), "%s", err ? err->msg : "?");
		CHECK_INT(err ? err->exit_status : 0, 125);
		pea_err_free(err);
		free(buf);
		return NULL;
	}
	return buf;
}

#define CHECK_FMT(format, json, is_list, want)                 \
	do {                                                   \
		char *_s = run((format), (json), (is_list));   \
		CHECK_STR(_s, (want));                         \
		if (!_s)                                       \
			printf("#   error: %s\n", last_err);   \
		free(_s);                                      \
	} while (0)

static const char *ctr =
	"{\"Id\":\"abc123\",\"Name\":\"web\",\"State\":{\"Status\":\"running\",\"Pid\":42,"
	"\"Running\":true,\"Exit\":0},\"Labels\":{\"b\":\"2\",\"a\":\"1\"},"
	"\"Names\":[\"x\",\"y\"],\"Empty\":[],\"Ratio\":0.5,\"Whole\":3.0,\"Nil\":null,"
	"\"Path\":\"/bin/sh\",\"Ports\":[{\"host\":8080,\"ctr\":80},{\"host\":8443,\"ctr\":443}]}";

TEST(fields_and_literals)
{
	CHECK_FMT("{{.Name}}", ctr, false, "web\n");
	CHECK_FMT("id={{.Id}} st={{.State.Status}} pid={{.State.Pid}}", ctr, false,
		  "id=abc123 st=running pid=42\n");
	CHECK_FMT("{{\"lit\"}}-{{`raw\\x`}}-{{42}}-{{true}}", ctr, false, "lit-raw\\x-42-true\n");
	CHECK_FMT("{{.Ratio}} {{.Whole}} {{.State.Running}} {{.Nil}}", ctr, false,
		  "0.5 3 true <no value>\n");
	CHECK_FMT("{{.Names}} {{.Empty}}", ctr, false, "[x y] []\n");
	CHECK_FMT("{{.Labels}}", ctr, false, "map[a:1 b:2]\n");
	CHECK_FMT("{{.Labels.a}} {{.Labels.zz}}", ctr, false, "1 <no value>\n");
	CHECK_FMT("{{.Name}}\n", ctr, false, "web\n");
	CHECK_FMT("{{/* comment */}}x", ctr, false, "x\n");
}

TEST(escapes_in_format)
{
	CHECK_FMT("{{.Name}}\\t{{.Id}}", ctr, false, "web\tabc123\n");
	CHECK_FMT("{{.Name}}\\n", ctr, false, "web\n");
}

TEST(functions)
{
	CHECK_FMT("{{json .Labels}}", ctr, false, "{\"b\":\"2\",\"a\":\"1\"}\n");
	CHECK_FMT("{{json .Path}} {{json .Whole}}", ctr, false, "\"/bin/sh\" 3\n");
	CHECK_FMT("{{upper .Name}} {{lower \"ABC\"}} {{title \"hello world\"}}", ctr, false,
		  "WEB abc Hello World\n");
	CHECK_FMT("{{.Name | upper}}", ctr, false, "WEB\n");
	CHECK_FMT("{{index .Labels \"b\"}}|{{index .Labels \"nope\"}}|{{index .Names 1}}", ctr,
		  false, "2||y\n");
	CHECK_FMT("{{len .Names}} {{len .Name}}", ctr, false, "2 3\n");
	CHECK_FMT("{{join .Names \",\"}}", ctr, false, "x,y\n");
	CHECK_FMT("a{{println}}b", ctr, false, "a\nb\n");
	CHECK_FMT("{{println .Name .Id}}", ctr, false, "web abc123\n\n");
	CHECK_FMT("{{if eq .State.Status \"running\"}}up{{end}}", ctr, false, "up\n");
	CHECK_FMT("{{if ne .State.Pid 42}}a{{else}}b{{end}}", ctr, false, "b\n");
	CHECK_FMT("{{if not .Empty}}empty{{end}}", ctr, false, "empty\n");
	CHECK_FMT("{{if and .Name .Nil}}a{{else if or .Nil .Name}}b{{end}}", ctr, false, "b\n");
	CHECK_FMT("{{(index .Ports 1).host}}", ctr, false, "8443\n");
}

TEST(conditionals_and_range)
{
	CHECK_FMT("{{if .State.Running}}yes{{else}}no{{end}}", ctr, false, "yes\n");
	CHECK_FMT("{{if .Nil}}yes{{else}}no{{end}}", ctr, false, "no\n");
	CHECK_FMT("{{if .Empty}}a{{else if .Names}}b{{else}}c{{end}}", ctr, false, "b\n");
	CHECK_FMT("{{if .State.Exit}}a{{else}}zero{{end}}", ctr, false, "zero\n");
	CHECK_FMT("{{range .Names}}[{{.}}]{{end}}", ctr, false, "[x][y]\n");
	CHECK_FMT("{{range .Ports}}{{.host}}->{{.ctr}} {{end}}", ctr, false,
		  "8080->80 8443->443 \n");
	CHECK_FMT("{{range .Empty}}x{{else}}none{{end}}", ctr, false, "none\n");
	CHECK_FMT("{{range $k, $v := .Labels}}{{$k}}={{$v}};{{end}}", ctr, false, "a=1;b=2;\n");
	CHECK_FMT("{{range $i, $n := .Names}}{{$i}}:{{$n}}:{{$.Name}} {{end}}", ctr, false,
		  "0:x:web 1:y:web \n");
	CHECK_FMT("{{with .State}}{{.Status}}{{end}}", ctr, false, "running\n");
	CHECK_FMT("{{$n := .Name}}{{$n}}!", ctr, false, "web!\n");
}

TEST(go_field_names_find_camel_case_keys)
{
	const char *info = "{\"host\":{\"security\":{\"rootless\":true}},"
			   "\"store\":{\"graphDriverName\":\"overlay\"}}";

	CHECK_FMT("{{.Host.Security.Rootless}} {{.Store.GraphDriverName}}", info, false,
		  "true overlay\n");
	CHECK_FMT("{{.host.security.rootless}}", info, false, "true\n");
	CHECK(!run("{{.Host.Nope}}", info, false));
}

TEST(whitespace_trimming)
{
	CHECK_FMT("a  {{- .Name -}}  b", ctr, false, "awebb\n");
	CHECK_FMT("{{range .Names -}}\n  {{.}}\n{{- end}}", ctr, false, "xy\n");
	CHECK_FMT("{{- .Name}} x", ctr, false, "web x\n");
}

TEST(lists_get_one_line_per_element)
{
	const char *list = "[{\"ID\":\"a1\",\"Names\":\"one\"},{\"ID\":\"b2\",\"Names\":\"two\"}]";

	CHECK_FMT("{{.ID}} {{.Names}}", list, true, "a1 one\nb2 two\n");
	CHECK_FMT("{{range .}}{{.ID}},{{end}}", list, true, "a1,b2,");
	CHECK_FMT("{{.ID}}", "[]", true, "");
}

TEST(errors)
{
	CHECK(!run("{{.Missing}}", ctr, false));
	CHECK(strstr(last_err, "can't evaluate field Missing"));
	CHECK(strstr(last_err, "<.Missing>"));
	CHECK(!run("{{.State.Nope}}", ctr, false));
	CHECK(strstr(last_err, "can't evaluate field Nope"));
	CHECK(!run("{{.Name", ctr, false));
	CHECK(strstr(last_err, "unclosed action"));
	CHECK(!run("{{if .Name}}x", ctr, false));
	CHECK(strstr(last_err, "unexpected EOF"));
	CHECK(!run("{{end}}", ctr, false));
	CHECK(!run("{{nosuchfunc .Name}}", ctr, false));
	CHECK(strstr(last_err, "nosuchfunc"));
	CHECK(!run("{{.Name.Sub}}", ctr, false));
	CHECK(!run("{{\"abc}}", ctr, false));
	CHECK(!run("{{$undefined}}", ctr, false));
	CHECK(!run("{{index .Names 5}}", ctr, false));
}

TEST(json_output_is_pretty_with_four_spaces)
{
	CHECK_FMT("json", "[{\"Id\":\"a\",\"N\":[1,2],\"E\":{},\"P\":\"/x/y\",\"D\":2.0}]", true,
		  "[\n"
		  "    {\n"
		  "        \"Id\": \"a\",\n"
		  "        \"N\": [\n"
		  "            1,\n"
		  "            2\n"
		  "        ],\n"
		  "        \"E\": {},\n"
		  "        \"P\": \"/x/y\",\n"
		  "        \"D\": 2\n"
		  "    }\n"
		  "]\n");
	CHECK_FMT("json", "[]", true, "[]\n");
	CHECK_FMT("json", "{\"q\":\"a\\\"b\"}", false, "{\n    \"q\": \"a\\\"b\"\n}\n");
}

TEST(table_format_has_header_and_aligned_columns)
{
	const char *list = "[{\"ID\":\"a1\",\"ImageID\":\"sha\",\"CreatedAt\":\"now\"},"
			   "{\"ID\":\"b2longer-than-twelve\",\"ImageID\":\"s\",\"CreatedAt\":\"x\"}]";

	CHECK_FMT("table {{.ID}}\\t{{.ImageID}}\\t{{.CreatedAt}}", list, true,
		  "ID                    IMAGE ID    CREATED AT\n"
		  "a1                    sha         now\n"
		  "b2longer-than-twelve  s           x\n");
	CHECK_FMT("table {{.ID | upper}} {{.ImageID}}", list, true,
		  "ID IMAGE ID\nA1 sha\nB2LONGER-THAN-TWELVE s\n");
}

TEST(table_header_overrides)
{
	static const char *const hdr[] = { "ID", "CONTAINER ID", NULL };
	struct json_object *v = json_tokener_parse("[{\"ID\":\"x\",\"Names\":\"n\"}]");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK_INT(fmt_print_ex(f, "table {{.ID}}\\t{{.Names}}", v, true, hdr, NULL), 0);
	fclose(f);
	CHECK_STR(buf, "CONTAINER ID  NAMES\nx             n\n");
	free(buf);
	json_object_put(v);
}

TEST(default_table_matches_podman_images)
{
	struct fmt_table *t = fmt_table_new();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fmt_table_row(t, "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE", NULL);
	fmt_table_row(t, "docker.io/library/busybox", "latest", "a416a98b71e2",
		      "2 minutes ago", "4.5 MB", NULL);
	fmt_table_add(t, "localhost/with\ttab");
	fmt_table_addf(t, "%d", 1);
	fmt_table_end_row(t);
	CHECK_INT(fmt_table_print(t, f), 0);
	fclose(f);
	CHECK_STR(buf,
		  "REPOSITORY                 TAG         IMAGE ID      CREATED        SIZE\n"
		  "docker.io/library/busybox  latest      a416a98b71e2  2 minutes ago  4.5 MB\n"
		  "localhost/with tab         1\n");
	free(buf);
	fmt_table_free(t);
}

TEST(tabwriter_column_blocks)
{
	struct strbuf sb = STRBUF_INIT;

	/* a line without tabs ends the column block, as in Go */
	fmt_tabwrite(&sb, "a\tb\nlonger\tc\nplain\nx\ty\n", 0, 1);
	CHECK_STR(sb.buf, "a      b\nlonger c\nplain\nx y\n");
	strbuf_reset(&sb);
	fmt_tabwrite(&sb, "\xc3\xa9t\xc3\xa9\tx\nab\ty", 0, 2);
	CHECK_STR(sb.buf, "\xc3\xa9t\xc3\xa9  x\nab   y");
	strbuf_release(&sb);
}

TEST(template_exec_header_mode)
{
	struct strbuf sb = STRBUF_INIT;

	CHECK_INT(fmt_template_exec(&sb, "{{.Names}}|{{.State.Status}}|{{.HTTPServer}}", NULL,
				    true, NULL, NULL), 0);
	CHECK_STR(sb.buf, "NAMES|STATUS|HTTP SERVER");
	strbuf_release(&sb);
}

TEST(default_formats)
{
	CHECK(fmt_is_default(NULL));
	CHECK(fmt_is_default(""));
	CHECK(fmt_is_default("table"));
	CHECK(!fmt_is_default("json"));
	CHECK_FMT("table", ctr, false, "");
}

#define CHECK_OWNED(expr, want)           \
	do {                              \
		char *_s = (expr);        \
		CHECK_STR(_s, (want));    \
		free(_s);                 \
	} while (0)

TEST(human_size)
{
	CHECK_OWNED(fmt_human_size(0), "0 B");
	CHECK_OWNED(fmt_human_size(999), "999 B");
	CHECK_OWNED(fmt_human_size(1000), "1 kB");
	CHECK_OWNED(fmt_human_size(4860), "4.86 kB");
	CHECK_OWNED(fmt_human_size(123456), "123 kB");
	CHECK_OWNED(fmt_human_size(1843200), "1.84 MB");
	CHECK_OWNED(fmt_human_size(999999), "1e+03 kB");
	CHECK_OWNED(fmt_human_size(5000000000LL), "5 GB");
}

TEST(human_ago)
{
	int64_t now = 1700000000;

	CHECK_OWNED(fmt_human_ago(now, now), "Less than a second ago");
	CHECK_OWNED(fmt_human_ago(now - 1, now), "1 second ago");
	CHECK_OWNED(fmt_human_ago(now - 45, now), "45 seconds ago");
	CHECK_OWNED(fmt_human_ago(now - 90, now), "About a minute ago");
	CHECK_OWNED(fmt_human_ago(now - 150, now), "2 minutes ago");
	CHECK_OWNED(fmt_human_ago(now - 3500, now), "58 minutes ago");
	CHECK_OWNED(fmt_human_ago(now - 3600, now), "About an hour ago");
	CHECK_OWNED(fmt_human_ago(now - 5400, now), "2 hours ago");
	CHECK_OWNED(fmt_human_ago(now - 3 * 86400, now), "3 days ago");
	CHECK_OWNED(fmt_human_ago(now - 20 * 86400, now), "2 weeks ago");
	CHECK_OWNED(fmt_human_ago(now - 90 * 86400, now), "3 months ago");
	CHECK_OWNED(fmt_human_ago(now - 3 * 365 * 86400LL, now), "3 years ago");
}

TEST(rfc3339nano)
{
	struct timespec ts = { 1700000000, 500000000 };

	setenv("TZ", "UTC", 1);
	tzset();
	CHECK_OWNED(fmt_time_rfc3339nano(ts), "2023-11-14T22:13:20.5Z");
	ts.tv_nsec = 0;
	CHECK_OWNED(fmt_time_rfc3339nano(ts), "2023-11-14T22:13:20Z");
	ts.tv_nsec = 123456789;
	setenv("TZ", "CET-1", 1);
	tzset();
	CHECK_OWNED(fmt_time_rfc3339nano(ts), "2023-11-14T23:13:20.123456789+01:00");
	setenv("TZ", "UTC", 1);
	tzset();
}

int main(void)
{
	RUN(fields_and_literals);
	RUN(escapes_in_format);
	RUN(functions);
	RUN(conditionals_and_range);
	RUN(whitespace_trimming);
	RUN(lists_get_one_line_per_element);
	RUN(errors);
	RUN(json_output_is_pretty_with_four_spaces);
	RUN(table_format_has_header_and_aligned_columns);
	RUN(table_header_overrides);
	RUN(default_table_matches_podman_images);
	RUN(tabwriter_column_blocks);
	RUN(template_exec_header_mode);
	RUN(go_field_names_find_camel_case_keys);
	RUN(default_formats);
	RUN(human_size);
	RUN(human_ago);
	RUN(rfc3339nano);
	return tap_done();
}
