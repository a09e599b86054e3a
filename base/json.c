#include "base/json.h"
#include "base/xalloc.h"

#include "base/banned.h"

struct json_object *json_strv_new(char *const *v)
{
	struct json_object *a = json_object_new_array();

	for (; v && *v; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

void json_put_str(struct json_object *o, const char *key, const char *v)
{
	if (v)
		json_object_object_add(o, key, json_object_new_string(v));
}

void json_put_strv(struct json_object *o, const char *key, char *const *v)
{
	if (v)
		json_object_object_add(o, key, json_strv_new(v));
}

void json_put_i64(struct json_object *o, const char *key, int64_t v)
{
	if (v)
		json_object_object_add(o, key, json_object_new_int64(v));
}

void json_put_bool(struct json_object *o, const char *key, bool v)
{
	json_object_object_add(o, key, json_object_new_boolean(v));
}

char *json_dup_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return xstrdup(json_object_get_string(v));
}

char **json_dup_strv(struct json_object *o, const char *key)
{
	struct json_object *v;
	char **out;
	size_t i, n;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_array))
		return NULL;
	n = json_object_array_length(v);
	out = xcalloc(n + 1, sizeof(*out));
	for (i = 0; i < n; i++)
		out[i] = xstrdup(json_object_get_string(json_object_array_get_idx(v, i)));
	return out;
}

int64_t json_get_i64(struct json_object *o, const char *key, int64_t def)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v))
		return def;
	return json_object_get_int64(v);
}

bool json_get_bool(struct json_object *o, const char *key, bool def)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v))
		return def;
	return json_object_get_boolean(v);
}

struct json_object *json_get_obj(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_object))
		return NULL;
	return v;
}
