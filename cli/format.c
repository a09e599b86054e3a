/* Output formatting: podman's --format (JSON, Go templates, tables) and the
 * human-readable sizes and durations of its default tables. */
#include "cli/format.h"
#include "cli/template.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/xalloc.h"

#include "base/banned.h"

/* ---------- JSON as podman prints it ---------- */

static void json_pretty(struct strbuf *sb, struct json_object *v, int depth)
{
	bool obj = json_object_is_type(v, json_type_object);
	size_t i = 0, n;

	if (!obj && !json_object_is_type(v, json_type_array)) {
		tmpl_json_scalar(sb, v);
		return;
	}
	n = obj ? (size_t)json_object_object_length(v) : json_object_array_length(v);
	if (n == 0) {
		strbuf_addstr(sb, obj ? "{}" : "[]");
		return;
	}
	strbuf_addstr(sb, obj ? "{\n" : "[\n");
	if (obj) {
		json_object_object_foreach(v, key, val) {
			strbuf_addf(sb, "%*s\"", (depth + 1) * 4, "");
			strbuf_add_json_escaped(sb, key);
			strbuf_addstr(sb, "\": ");
			json_pretty(sb, val, depth + 1);
			strbuf_addstr(sb, ++i < n ? ",\n" : "\n");
		}
	} else {
		for (i = 0; i < n; i++) {
			strbuf_addf(sb, "%*s", (depth + 1) * 4, "");
			json_pretty(sb, json_object_array_get_idx(v, i), depth + 1);
			strbuf_addstr(sb, i + 1 < n ? ",\n" : "\n");
		}
	}
	strbuf_addf(sb, "%*s%c", depth * 4, "", obj ? '}' : ']');
}

void fmt_json_pretty(struct strbuf *out, struct json_object *value)
{
	json_pretty(out, value, 0);
}

/* ---------- tabwriter ---------- */

struct tw_line {
	const char **cells;
	size_t *widths;
	size_t *lens;
	size_t n;          /* cells; the last one is not tab-terminated */
};

struct tw {
	struct tw_line *lines;
	size_t nlines;
	size_t *widths;    /* column widths of the current blocks */
	size_t ncols;
	int minwidth, padding;
	struct strbuf *out;
};

static size_t utf8_width(const char *s, size_t len)
{
	size_t i, w = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

static void tw_write_lines(struct tw *t, size_t l0, size_t l1)
{
	size_t i, j;

	for (i = l0; i < l1; i++) {
		struct tw_line *ln = &t->lines[i];

		for (j = 0; j < ln->n; j++) {
			strbuf_add(t->out, ln->cells[j], ln->lens[j]);
			if (j < t->ncols && j + 1 < ln->n)
				strbuf_addf(t->out, "%*s", (int)(t->widths[j] - ln->widths[j]), "");
		}
		if (i + 1 < t->nlines)
			strbuf_addch(t->out, '\n');
	}
}

/* Go's tabwriter.format: a column block is a run of consecutive lines with a
 * terminated cell in this column; each block gets its own width. */
static void tw_format(struct tw *t, size_t l0, size_t l1)
{
	size_t col = t->ncols, this;

	for (this = l0; this < l1; this++) {
		size_t width = (size_t)t->minwidth;

		if (col + 1 >= t->lines[this].n)
			continue;
		tw_write_lines(t, l0, this);
		l0 = this;
		for (; this < l1 && col + 1 < t->lines[this].n; this++)
			if (t->lines[this].widths[col] + (size_t)t->padding > width)
				width = t->lines[this].widths[col] + (size_t)t->padding;
		t->widths = xrealloc(t->widths, (col + 1) * sizeof(*t->widths));
		t->widths[col] = width;
		t->ncols = col + 1;
		tw_format(t, l0, this);
		t->ncols = col;
		l0 = this;
		if (this == l1)
			break;
	}
	tw_write_lines(t, l0, l1);
}

void fmt_tabwrite(struct strbuf *out, const char *text, int minwidth, int padding)
{
	struct tw t = { NULL, 0, NULL, 0, minwidth, padding, out };
	const char *p = text;
	size_t alloc = 0, i;

	for (;;) {
		const char *eol = strchrnul(p, '\n');
		struct tw_line *ln;
		size_t calloc_n = 0;

		ALLOC_GROW(t.lines, t.nlines + 1, alloc);
		ln = &t.lines[t.nlines++];
		memset(ln, 0, sizeof(*ln));
		for (;;) {
			const char *tab = memchr(p, '\t', (size_t)(eol - p));
			const char *end = tab ? tab : eol;

			ALLOC_GROW(ln->cells, ln->n + 1, calloc_n);
			ln->lens = xrealloc(ln->lens, calloc_n * sizeof(*ln->lens));
			ln->widths = xrealloc(ln->widths, calloc_n * sizeof(*ln->widths));
			ln->cells[ln->n] = p;
			ln->lens[ln->n] = (size_t)(end - p);
			ln->widths[ln->n++] = utf8_width(p, (size_t)(end - p));
			p = end + (tab != NULL);
			if (!tab)
				break;
		}
		if (!*eol)
			break;
		p = eol + 1;
	}
	tw_format(&t, 0, t.nlines);
	for (i = 0; i < t.nlines; i++) {
		free(t.lines[i].cells);
		free(t.lines[i].lens);
		free(t.lines[i].widths);
	}
	free(t.lines);
	free(t.widths);
}

/* ---------- tables for default output ---------- */

enum { TABLE_MINWIDTH = 12, TABLE_PADDING = 2 };

struct fmt_table {
	struct strbuf text;
	size_t ncells;   /* cells in the current row */
};

struct fmt_table *fmt_table_new(void)
{
	struct fmt_table *t = xcalloc(1, sizeof(*t));

	strbuf_init(&t->text, 0);
	return t;
}

void fmt_table_add(struct fmt_table *t, const char *cell)
{
	if (t->ncells++)
		strbuf_addch(&t->text, '\t');
	for (; cell && *cell; cell++)
		strbuf_addch(&t->text, *cell == '\t' || *cell == '\n' ? ' ' : *cell);
}

void fmt_table_addf(struct fmt_table *t, const char *fmt, ...)
{
	va_list ap;
	cleanup_free char *s = NULL;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	fmt_table_add(t, s);
}

void fmt_table_row(struct fmt_table *t, ...)
{
	va_list ap;
	const char *c;

	va_start(ap, t);
	while ((c = va_arg(ap, const char *)))
		fmt_table_add(t, c);
	va_end(ap);
	fmt_table_end_row(t);
}

void fmt_table_end_row(struct fmt_table *t)
{
	strbuf_addch(&t->text, '\n');
	t->ncells = 0;
}

int fmt_table_print(struct fmt_table *t, FILE *out)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n;

	fmt_tabwrite(&sb, t->text.buf, TABLE_MINWIDTH, TABLE_PADDING);
	n = fwrite(sb.buf, 1, sb.len, out) == sb.len;
	strbuf_release(&sb);
	return n ? 0 : -1;
}

void fmt_table_free(struct fmt_table *t)
{
	if (!t)
		return;
	strbuf_release(&t->text);
	free(t);
}

/* ---------- --format ---------- */

bool fmt_is_default(const char *format)
{
	return !format || !*format || !strcmp(format, "table");
}

/* podman interprets a literal backslash-t / backslash-n in --format. */
static char *unescape_format(const char *f)
{
	struct strbuf sb = STRBUF_INIT;

	for (; *f; f++) {
		if (f[0] == '\\' && (f[1] == 't' || f[1] == 'n')) {
			strbuf_addch(&sb, *++f == 't' ? '\t' : '\n');
			continue;
		}
		strbuf_addch(&sb, *f);
	}
	return strbuf_detach(&sb, NULL);
}

static int run_rows(struct strbuf *sb, const struct tlist *t, struct json_object *value,
		    bool is_list, bool newline, struct pea_err **err)
{
	size_t i, n = is_list ? json_object_array_length(value) : 1;

	for (i = 0; i < n; i++) {
		struct json_object *dot = is_list ? json_object_array_get_idx(value, i) : value;

		if (tmpl_exec(sb, t, dot, false, NULL, err) < 0)
			return -1;
		if (newline)
			strbuf_addch(sb, '\n');
	}
	return 0;
}

static int render(struct strbuf *sb, const char *format, struct json_object *value,
		  bool is_list, const char *const *headers, struct pea_err **err)
{
	cleanup_free char *f = unescape_format(format);
	struct strbuf rows = STRBUF_INIT;
	struct tlist t = { 0 };
	bool table = !strncmp(f, "table ", 6);
	const char *body = table ? f + 6 : f;
	size_t len = strlen(body);
	bool newline = len == 0 || body[len - 1] != '\n';
	int r;

	if (tmpl_parse(body, &t, err) < 0)
		goto out;
	if (table) {
		if (tmpl_exec(&rows, &t, NULL, true, headers, err) < 0)
			goto out;
		if (newline)
			strbuf_addch(&rows, '\n');
	}
	if (is_list && !strncmp(body, "{{range .}}", 11))
		r = run_rows(&rows, &t, value, false, false, err);
	else
		r = run_rows(&rows, &t, value, is_list, newline, err);
	if (r < 0)
		goto out;
	if (table)
		fmt_tabwrite(sb, rows.buf, TABLE_MINWIDTH, TABLE_PADDING);
	else
		strbuf_add(sb, rows.buf, rows.len);
	tmpl_list_free(&t);
	strbuf_release(&rows);
	return 0;
out:
	tmpl_list_free(&t);
	strbuf_release(&rows);
	return -1;
}

int fmt_print_ex(FILE *out, const char *format, struct json_object *value, bool is_list,
		 const char *const *headers, struct pea_err **err)
{
	struct strbuf sb = STRBUF_INIT;
	int r = 0;

	if (fmt_is_default(format))
		return 0;
	if (!json_object_is_type(value, json_type_array))
		is_list = false;
	if (!strcmp(format, "json")) {
		fmt_json_pretty(&sb, value);
		strbuf_addch(&sb, '\n');
	} else {
		r = render(&sb, format, value, is_list, headers, err);
	}
	if (r == 0 && fwrite(sb.buf, 1, sb.len, out) != sb.len)
		r = pea_err_set(err, errno, "write output");
	strbuf_release(&sb);
	return r;
}

int fmt_print(FILE *out, const char *format, struct json_object *value, bool is_list,
	      struct pea_err **err)
{
	return fmt_print_ex(out, format, value, is_list, NULL, err);
}

/* ---------- human sizes and times ---------- */

char *fmt_human_size(int64_t bytes)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB" };
	double size = (double)bytes;
	size_t i = 0;

	while (size >= 1000.0 && i + 1 < sizeof(units) / sizeof(units[0])) {
		size /= 1000.0;
		i++;
	}
	return xasprintf("%.*g %s", 3, size, units[i]);
}

static char *human_duration(int64_t secs)
{
	int64_t minutes = secs / 60, hours = (secs + 1800) / 3600;

	if (secs < 1)
		return xstrdup("Less than a second");
	if (secs == 1)
		return xstrdup("1 second");
	if (secs < 60)
		return xasprintf("%" PRId64 " seconds", secs);
	if (minutes == 1)
		return xstrdup("About a minute");
	if (minutes < 60)
		return xasprintf("%" PRId64 " minutes", minutes);
	if (hours == 1)
		return xstrdup("About an hour");
	if (hours < 48)
		return xasprintf("%" PRId64 " hours", hours);
	if (hours < 24 * 7 * 2)
		return xasprintf("%" PRId64 " days", hours / 24);
	if (hours < 24 * 30 * 2)
		return xasprintf("%" PRId64 " weeks", hours / 24 / 7);
	if (hours < 24 * 365 * 2)
		return xasprintf("%" PRId64 " months", hours / 24 / 30);
	return xasprintf("%" PRId64 " years", secs / 3600 / 24 / 365);
}

char *fmt_human_ago(int64_t unix_seconds, int64_t now)
{
	cleanup_free char *d = human_duration(now - unix_seconds);

	return xasprintf("%s ago", d);
}

char *fmt_time_rfc3339nano(struct timespec ts)
{
	struct tm tm;
	char date[64], frac[32] = "", zone[32] = "Z";
	time_t t = ts.tv_sec;
	size_t n;

	localtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	if (ts.tv_nsec > 0) {
		snprintf(frac, sizeof(frac), ".%09ld", ts.tv_nsec % 1000000000);
		for (n = strlen(frac); frac[n - 1] == '0'; n--)
			frac[n - 1] = '\0';
	}
	if (tm.tm_gmtoff) {
		long off = labs(tm.tm_gmtoff) / 60;

		snprintf(zone, sizeof(zone), "%c%02ld:%02ld", tm.tm_gmtoff < 0 ? '-' : '+',
			 off / 60, off % 60);
	}
	return xasprintf("%s%s%s", date, frac, zone);
}
