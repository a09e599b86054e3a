/* json-c helpers shared by every module that speaks JSON (all JSON goes
 * through json-c, never printf). */
#ifndef PEA_JSON_H
#define PEA_JSON_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

static inline void cleanup_json_putp(struct json_object **o)
{
	if (*o)
		json_object_put(*o);
}
#define cleanup_json __attribute__((cleanup(cleanup_json_putp)))

/* A new array of strings (NULL gives an empty array). */
struct json_object *json_strv_new(char *const *v);

/* Setters that leave the key out for "unset" values: NULL strings and
 * vectors, zero integers.  json_put_bool always sets. */
void json_put_str(struct json_object *o, const char *key, const char *v);
void json_put_strv(struct json_object *o, const char *key, char *const *v);
void json_put_i64(struct json_object *o, const char *key, int64_t v);
void json_put_bool(struct json_object *o, const char *key, bool v);

/* Getters: copies (caller frees) or values; absent or mistyped keys give
 * NULL or the default. */
char *json_dup_str(struct json_object *o, const char *key);
char **json_dup_strv(struct json_object *o, const char *key);
int64_t json_get_i64(struct json_object *o, const char *key, int64_t def);
bool json_get_bool(struct json_object *o, const char *key, bool def);
/* The object under key, borrowed; NULL if absent or not an object. */
struct json_object *json_get_obj(struct json_object *o, const char *key);

#endif
