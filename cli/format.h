/* Output formatting for the command line, as podman does it:
 *
 *  --format json             pretty JSON (4-space indent, '/' not escaped)
 *  --format '{{.Field}}'     a subset of Go's text/template over json-c values
 *  --format 'table {{.ID}}\t{{.Name}}'
 *                            header row (field names upper-cased and split at
 *                            camel-case humps) plus rows, aligned as Go's
 *                            tabwriter (minwidth 12, padding 2)
 *
 * Template subset: literal text; {{.}} {{.A.B}} {{$}} {{$var.A}};
 * {{"str"}} {{`raw`}} numbers true false nil; pipes {{.X | upper}};
 * parentheses; {{if}}/{{else if}}/{{else}}/{{end}}; {{range .L}} with
 * {{else}} and {{range $k, $v := .M}}; {{with .X}}; {{- and -}} trimming;
 * functions json upper lower title println print index len join not and or
 * eq ne.  `\t` and `\n` written literally in the format are interpreted.
 *
 * Values print as Go's %v: maps as map[k:v] (sorted keys), arrays as
 * [a b], integral numbers as integers, JSON null / a missing map key as
 * <no value>.  A missing capitalised field (Go struct semantics) is an error:
 * "template: executing at <.Foo>: can't evaluate field Foo" (kind INVALID,
 * exit 125).  Lower-case keys follow map semantics (<no value>).
 *
 * Nothing here keeps a reference to the json-c objects passed in. */
#ifndef PEA_CLI_FORMAT_H
#define PEA_CLI_FORMAT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "base/err.h"
#include "base/strbuf.h"

/* True when the caller should print its own default table: format is NULL,
 * empty or exactly "table". */
bool fmt_is_default(const char *format);

/* Print `value` according to `format`:
 *  - fmt_is_default(format): prints nothing, returns 0 (caller prints);
 *  - "json": pretty JSON of value (the whole array for lists) + newline;
 *  - "table ...": header row + one row per element (or for the object);
 *  - other templates: for lists executed once per element, else once; a
 *    newline is added after each execution unless the format ends in one.
 *    A list format starting with "{{range .}}" is executed once over the list.
 * Returns 0, or -1 with *err set (parse or execution error; nothing printed). */
int fmt_print(FILE *out, const char *format, struct json_object *value, bool is_list,
	      struct pea_err **err);
/* Same with header overrides for "table": a NULL-terminated list of pairs
 * { "FieldName", "HEADER", ..., NULL } (e.g. { "ID", "CONTAINER ID", NULL }). */
int fmt_print_ex(FILE *out, const char *format, struct json_object *value, bool is_list,
		 const char *const *headers, struct pea_err **err);

/* Execute a template once with `dot` as {{.}}, appending to out.  No
 * newline is added and \t, \n are not interpreted.  In header mode, field
 * references render as their header names instead. */
int fmt_template_exec(struct strbuf *out, const char *tmpl, struct json_object *dot,
		      bool header, const char *const *headers, struct pea_err **err);

/* Pretty JSON as podman prints it (json.MarshalIndent with 4 spaces). */
void fmt_json_pretty(struct strbuf *out, struct json_object *value);

/* Align tab-separated text as Go's text/tabwriter does (cells terminated by
 * '\t' form columns; the last cell of a line is not aligned).  The result is
 * appended to out. */
void fmt_tabwrite(struct strbuf *out, const char *text, int minwidth, int padding);

/* A table for default (no --format) output: podman's look (minwidth 12,
 * padding 2).  Cells are copied; tabs and newlines in cells become spaces. */
struct fmt_table;
struct fmt_table *fmt_table_new(void);
void fmt_table_add(struct fmt_table *t, const char *cell);
void fmt_table_addf(struct fmt_table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Add cells up to a NULL and end the row. */
void fmt_table_row(struct fmt_table *t, ...) __attribute__((sentinel));
void fmt_table_end_row(struct fmt_table *t);
/* Print (aligned) to out; returns 0 or -1 with errno on write error. */
int fmt_table_print(struct fmt_table *t, FILE *out);
void fmt_table_free(struct fmt_table *t);

/* "999 B", "4.86 kB", "1.84 MB" (go-units HumanSizeWithPrecision(size, 3)).
 * Caller frees. */
char *fmt_human_size(int64_t bytes);
/* "Less than a second ago", "2 minutes ago", "About an hour ago",
 * "3 days ago" (go-units HumanDuration + " ago").  Caller frees. */
char *fmt_human_ago(int64_t unix_seconds, int64_t now);
/* Go's time.RFC3339Nano in local time: "2024-01-02T03:04:05.5+01:00",
 * "...Z" for a zero offset; trailing zeros of the fraction dropped.
 * Caller frees. */
char *fmt_time_rfc3339nano(struct timespec ts);

#endif
