/* JSON views of local images, shaped like podman's `image inspect` and
 * `images --format json`. */
#include "podengine/image-inspect.h"
#include "podengine/blobstore.h"
#include "podengine/manifest.h"
#include "podengine/reference.h"
#include "base/cleanup.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <string.h>
#include <time.h>

#include "base/banned.h"
#include "base/json.h"

static struct json_object *names_json(const struct img_info *info, bool digests)
{
	return json_strv_new(digests ? info->repo_digests : info->names);
}

static char *unix_to_rfc3339(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[64];

	gmtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

/* The config's "config" object, or an empty one. */
static struct json_object *config_section(struct json_object *cfg)
{
	struct json_object *c = NULL;

	if (cfg && json_object_object_get_ex(cfg, "config", &c) && c)
		return json_object_get(c);
	return json_object_new_object();
}

static void copy_key(struct json_object *dst, const char *dkey, struct json_object *src,
		     const char *skey)
{
	struct json_object *v = NULL;

	if (src && json_object_object_get_ex(src, skey, &v) && v)
		json_object_object_add(dst, dkey, json_object_get(v));
}

struct json_object *img_inspect_json(struct pea_ctx *ctx, const struct img_info *info,
				     struct pea_err **err)
{
	cleanup_free char *cfgtext = img_config_json(ctx, info, err);
	struct json_object *cfg, *o, *rootfs;
	cleanup_free char *added = NULL;

	if (!cfgtext)
		return NULL;
	cfg = json_tokener_parse(cfgtext);
	if (!cfg) {
		pea_err_set(err, 0, "image %.12s: config is not valid JSON", info->id);
		return NULL;
	}
	o = json_object_new_object();
	json_object_object_add(o, "Id", json_object_new_string(info->id));
	json_object_object_add(o, "Digest", json_object_new_string(info->manifest_digest));
	json_object_object_add(o, "RepoTags", names_json(info, false));
	json_object_object_add(o, "RepoDigests", names_json(info, true));
	if (info->created)
		json_object_object_add(o, "Created", json_object_new_string(info->created));
	else {
		added = unix_to_rfc3339(info->added);
		json_object_object_add(o, "Created", json_object_new_string(added));
	}
	json_object_object_add(o, "Config", config_section(cfg));
	copy_key(o, "Architecture", cfg, "architecture");
	copy_key(o, "Os", cfg, "os");
	copy_key(o, "Variant", cfg, "variant");
	copy_key(o, "Author", cfg, "author");
	json_object_object_add(o, "Size", json_object_new_int64(info->size));
	json_object_object_add(o, "VirtualSize", json_object_new_int64(info->size));
	rootfs = json_object_new_object();
	json_object_object_add(rootfs, "Type", json_object_new_string("layers"));
	json_object_object_add(rootfs, "Layers", json_strv_new(info->diff_ids));
	json_object_object_add(o, "RootFS", rootfs);
	copy_key(o, "History", cfg, "history");
	json_object_object_add(o, "ManifestType",
			       json_object_new_string(info->manifest_media_type));
	json_object_object_add(o, "NamesHistory", names_json(info, false));
	json_object_put(cfg);
	return o;
}

/* Split "domain/path:tag" into repository and tag for the images table. */
void img_split_name(const char *name, char **repo, char **tag)
{
	const char *slash = strrchr(name, '/');
	const char *colon = strrchr(name, ':');
	const char *at = strchr(name, '@');

	if (at) {
		*repo = xstrndup(name, (size_t)(at - name));
		*tag = xstrdup("<none>");
		return;
	}
	if (colon && (!slash || colon > slash)) {
		*repo = xstrndup(name, (size_t)(colon - name));
		*tag = xstrdup(colon + 1);
		return;
	}
	*repo = xstrdup(name);
	*tag = xstrdup("<none>");
}

/* Seconds since the epoch of an RFC 3339 time ("2024-01-02T03:04:05.123Z",
 * "+01:00" offsets); `fallback` when it does not parse. */
static int64_t rfc3339_unix(const char *s, int64_t fallback)
{
	struct tm tm = { 0 };
	const char *p;
	int64_t t;
	int sign, hh, mm;

	if (!s || !(p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)))
		return fallback;
	t = (int64_t)timegm(&tm);
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &hh, &mm) == 2) {
		sign = *p == '+' ? 1 : -1;
		t -= sign * (hh * 3600 + mm * 60);
	}
	return t;
}

static void add_list_entry(struct json_object *arr, const struct img_info *info,
			   const char *name)
{
	struct json_object *o = json_object_new_object();
	cleanup_free char *repo = NULL, *tag = NULL, *created = NULL;

	if (name)
		img_split_name(name, &repo, &tag);
	created = info->created ? xstrdup(info->created) : unix_to_rfc3339(info->added);
	json_object_object_add(o, "Id", json_object_new_string(info->id));
	json_object_object_add(o, "ID", json_object_new_string(info->id));
	json_object_object_add(o, "Repository", json_object_new_string(repo ? repo : "<none>"));
	json_object_object_add(o, "Tag", json_object_new_string(tag ? tag : "<none>"));
	json_object_object_add(o, "Names", names_json(info, false));
	json_object_object_add(o, "RepoTags", names_json(info, false));
	json_object_object_add(o, "RepoDigests", names_json(info, true));
	json_object_object_add(o, "Digest", json_object_new_string(info->manifest_digest));
	json_object_object_add(o, "Size", json_object_new_int64(info->size));
	json_object_object_add(o, "VirtualSize", json_object_new_int64(info->size));
	json_object_object_add(o, "Created",
			       json_object_new_int64(rfc3339_unix(info->created, info->added)));
	json_object_object_add(o, "CreatedAt", json_object_new_string(created));
	json_object_object_add(o, "Dangling", json_object_new_boolean(!info->names || !info->names[0]));
	json_object_array_add(arr, o);
}

struct json_object *img_list_json(const struct img_info *list, size_t n, bool per_name)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++) {
		char **nm = list[i].names;

		if (!per_name || !nm || !nm[0]) {
			add_list_entry(arr, &list[i], nm && nm[0] ? nm[0] : NULL);
			continue;
		}
		for (; *nm; nm++)
			add_list_entry(arr, &list[i], *nm);
	}
	return arr;
}
