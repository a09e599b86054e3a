/* Shared between volume.c and volume-copy.c; not for other modules. */
#ifndef PEA_VOLUME_INTERNAL_H
#define PEA_VOLUME_INTERNAL_H

#include <json-c/json.h>

#include "base/ctx.h"
#include "base/err.h"

/* <root>/volumes/<name> and its _data; caller frees. */
char *vol_dir(struct pea_ctx *ctx, const char *name);
char *vol_data_dir(struct pea_ctx *ctx, const char *name);
/* String member of a JSON object, or NULL (o may be NULL). */
const char *vol_json_get(struct json_object *o, const char *key);
/* "k=v" (or "k") strings -> JSON object text (caller frees); kind INVALID
 * for an empty key.  `what` names the strings in messages. */
char *vol_kv_json(char *const *kv, const char *what, struct pea_err **err);
/* Check an options object (JSON text): see volume.h for what is allowed. */
int vol_options_validate(const char *json, struct pea_err **err);
/* Value of KEY=N in a comma-separated `o` option: N, -1 if absent, -2 if
 * not a number. */
long vol_opt_number(const char *o, const char *key);
bool vol_opt_has_flag(const char *o, const char *flag);
/* Mount a tmpfs on data with the `o` option (flags and tmpfs data). */
int vol_tmpfs_mount(const char *data, const char *o, struct pea_err **err);
/* True for a type=tmpfs volume; *o (if o) gets its `o` option or NULL. */
struct vol_info;
bool vol_is_tmpfs(const struct vol_info *vi, char **o);
/* Create the copy-up marker <root>/volumes/<name>/.copied. */
int vol_mark_copied(struct pea_ctx *ctx, const char *name, struct pea_err **err);

#endif
