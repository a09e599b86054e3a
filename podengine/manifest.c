/* OCI / Docker schema 2 manifests, indexes and image configs.  The input
 * is hostile (it comes from registries and archives): every field is type
 * checked and every digest validated before it is used. */
#include "podengine/manifest.h"
#include "base/json.h"
#include "podengine/digest.h"
#include "base/cleanup.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <string.h>

#include "base/banned.h"

#define MF_MAX_DOC (4 << 20)    /* manifests and configs larger than this are refused */
#define MF_MAX_ENTRIES 10000

/* Parse a JSON document of exactly `len` bytes; it must be an object. */
static struct json_object *parse_doc(const char *json, size_t len, const char *what,
				     struct pea_err **err)
{
	struct json_tokener *tok;
	struct json_object *o;
	enum json_tokener_error jerr;

	if (len > MF_MAX_DOC)
		return pea_err_setk(err, PEA_E_INVALID, 0, "%s: document too large (%zu bytes)",
				    what, len), NULL;
	tok = json_tokener_new();
	if (!tok)
		return pea_err_set(err, 0, "%s: out of memory", what), NULL;
	o = json_tokener_parse_ex(tok, json, (int)len);
	jerr = json_tokener_get_error(tok);
	if (!o || jerr != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len) {
		/* trailing whitespace is fine */
		size_t end = json_tokener_get_parse_end(tok);

		while (o && jerr == json_tokener_success && end < len &&
		       strchr(" \t\r\n", json[end]) && json[end])
			end++;
		if (!o || jerr != json_tokener_success || end != len) {
			pea_err_setk(err, PEA_E_INVALID, 0, "%s: invalid JSON: %s", what,
				     jerr != json_tokener_success ? json_tokener_error_desc(jerr)
								  : "trailing data");
			json_object_put(o);
			json_tokener_free(tok);
			return NULL;
		}
	}
	json_tokener_free(tok);
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return pea_err_setk(err, PEA_E_INVALID, 0, "%s: not a JSON object", what), NULL;
	}
	return o;
}

/* Optional string member: NULL when absent; error when of another type. */
static int get_str(struct json_object *o, const char *key, char **out, const char *what,
		   struct pea_err **err)
{
	struct json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return pea_err_setk(err, PEA_E_INVALID, 0, "%s: '%s' is not a string", what, key);
	*out = xstrdup(json_object_get_string(v));
	return 0;
}

static const char *peek_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static void descriptor_release(struct mf_descriptor *d)
{
	free(d->media_type);
	free(d->digest);
	free(d->os);
	free(d->arch);
	free(d->variant);
	memset(d, 0, sizeof(*d));
}

static int parse_platform(struct json_object *o, struct mf_descriptor *d, const char *what,
			  struct pea_err **err)
{
	struct json_object *p;

	if (!json_object_object_get_ex(o, "platform", &p) || json_object_is_type(p, json_type_null))
		return 0;
	if (!json_object_is_type(p, json_type_object))
		return pea_err_setk(err, PEA_E_INVALID, 0, "%s: 'platform' is not an object", what);
	if (get_str(p, "os", &d->os, what, err) < 0 ||
	    get_str(p, "architecture", &d->arch, what, err) < 0 ||
	    get_str(p, "variant", &d->variant, what, err) < 0)
		return -1;
	return 0;
}

static int parse_descriptor(struct json_object *o, struct mf_descriptor *d, const char *what,
			    struct pea_err **err)
{
	struct json_object *v;

	memset(d, 0, sizeof(*d));
	if (!json_object_is_type(o, json_type_object))
		return pea_err_setk(err, PEA_E_INVALID, 0, "%s: not an object", what);
	if (get_str(o, "mediaType", &d->media_type, what, err) < 0 ||
	    get_str(o, "digest", &d->digest, what, err) < 0)
		goto fail;
	if (!d->digest) {
		pea_err_setk(err, PEA_E_INVALID, 0, "%s: missing 'digest'", what);
		goto fail;
	}
	if (digest_validate(d->digest, err) < 0) {
		pea_err_wrap(err, "%s", what);
		goto fail;
	}
	d->size = -1;
	if (json_object_object_get_ex(o, "size", &v)) {
		if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0) {
			pea_err_setk(err, PEA_E_INVALID, 0, "%s: 'size' is not a non-negative integer",
				     what);
			goto fail;
		}
		d->size = json_object_get_int64(v);
	}
	if (parse_platform(o, d, what, err) < 0)
		goto fail;
	return 0;
fail:
	descriptor_release(d);
	return -1;
}

/* Parse an array member of descriptors. */
static int parse_descriptors(struct json_object *o, const char *key, bool required,
			     struct mf_descriptor **out, size_t *n, struct pea_err **err)
{
	struct json_object *arr;
	size_t len, i;

	*out = NULL;
	*n = 0;
	if (!json_object_object_get_ex(o, key, &arr) || json_object_is_type(arr, json_type_null)) {
		if (required)
			return pea_err_setk(err, PEA_E_INVALID, 0, "missing '%s'", key);
		return 0;
	}
	if (!json_object_is_type(arr, json_type_array))
		return pea_err_setk(err, PEA_E_INVALID, 0, "'%s' is not an array", key);
	len = json_object_array_length(arr);
	if (len > MF_MAX_ENTRIES)
		return pea_err_setk(err, PEA_E_INVALID, 0, "'%s': too many entries", key);
	*out = xcalloc(len ? len : 1, sizeof(**out));
	for (i = 0; i < len; i++) {
		char what[64];

		snprintf(what, sizeof(what), "%s[%zu]", key, i);
		if (parse_descriptor(json_object_array_get_idx(arr, i), &(*out)[i], what, err) < 0) {
			while (i > 0)
				descriptor_release(&(*out)[--i]);
			free(*out);
			*out = NULL;
			return -1;
		}
	}
	*n = len;
	return 0;
}

static int check_schema_version(struct json_object *o, const char *what, struct pea_err **err)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, "schemaVersion", &v))
		return 0;
	if (!json_object_is_type(v, json_type_int) || json_object_get_int(v) != 2)
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "%s: unsupported schemaVersion (only 2 is supported)", what);
	return 0;
}

int mf_is_index_type(const char *media_type)
{
	return media_type &&
	       (!strcmp(media_type, MT_OCI_INDEX) || !strcmp(media_type, MT_DOCKER_LIST));
}

static const char *known_type(const char *t, size_t n)
{
	static const char *const types[] = {
		MT_OCI_MANIFEST, MT_OCI_INDEX, MT_DOCKER_MANIFEST, MT_DOCKER_LIST,
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strlen(types[i]) == n && !strncmp(t, types[i], n))
			return types[i];
	return NULL;
}

const char *mf_detect_type(const char *json, size_t len, const char *content_type)
{
	cleanup_json struct json_object *o = parse_doc(json, len, "manifest", NULL);
	const char *declared, *t;
	struct json_object *v;

	declared = o ? peek_str(o, "mediaType") : NULL;
	if (declared && (t = known_type(declared, strlen(declared))))
		return t;
	if (content_type && (t = known_type(content_type, strcspn(content_type, "; "))))
		return t;
	if (!o)
		return NULL;
	if (json_object_object_get_ex(o, "manifests", &v))
		return MT_OCI_INDEX;
	if (json_object_object_get_ex(o, "config", &v) && json_object_object_get_ex(o, "layers", &v))
		return MT_OCI_MANIFEST;
	return NULL;
}

void mf_manifest_release(struct mf_manifest *m)
{
	if (!m)
		return;
	free(m->media_type);
	descriptor_release(&m->config);
	for (size_t i = 0; i < m->n_layers; i++)
		descriptor_release(&m->layers[i]);
	free(m->layers);
	memset(m, 0, sizeof(*m));
}

int mf_manifest_parse(const char *json, size_t len, struct mf_manifest *out,
		      struct pea_err **err)
{
	cleanup_json struct json_object *o = NULL;
	struct json_object *cfg;

	memset(out, 0, sizeof(*out));
	o = parse_doc(json, len, "manifest", err);
	if (!o)
		return -1;
	if (check_schema_version(o, "manifest", err) < 0 ||
	    get_str(o, "mediaType", &out->media_type, "manifest", err) < 0)
		goto fail;
	if (mf_is_index_type(out->media_type) ||
	    json_object_object_get_ex(o, "manifests", NULL)) {
		pea_err_setk(err, PEA_E_INVALID, 0, "manifest: is an image index, not a manifest");
		goto fail;
	}
	if (!out->media_type)
		out->media_type = xstrdup(MT_OCI_MANIFEST);
	if (!json_object_object_get_ex(o, "config", &cfg)) {
		pea_err_setk(err, PEA_E_INVALID, 0, "manifest: missing 'config'");
		goto fail;
	}
	if (parse_descriptor(cfg, &out->config, "manifest: config", err) < 0)
		goto fail;
	if (parse_descriptors(o, "layers", true, &out->layers, &out->n_layers, err) < 0) {
		pea_err_wrap(err, "manifest");
		goto fail;
	}
	return 0;
fail:
	mf_manifest_release(out);
	return -1;
}

void mf_index_release(struct mf_index *ix)
{
	if (!ix)
		return;
	free(ix->media_type);
	for (size_t i = 0; i < ix->n_manifests; i++)
		descriptor_release(&ix->manifests[i]);
	free(ix->manifests);
	memset(ix, 0, sizeof(*ix));
}

int mf_index_parse(const char *json, size_t len, struct mf_index *out, struct pea_err **err)
{
	cleanup_json struct json_object *o = NULL;

	memset(out, 0, sizeof(*out));
	o = parse_doc(json, len, "image index", err);
	if (!o)
		return -1;
	if (check_schema_version(o, "image index", err) < 0 ||
	    get_str(o, "mediaType", &out->media_type, "image index", err) < 0)
		goto fail;
	if (out->media_type && !mf_is_index_type(out->media_type)) {
		pea_err_setk(err, PEA_E_INVALID, 0, "image index: unexpected mediaType '%s'",
			     out->media_type);
		goto fail;
	}
	if (!out->media_type)
		out->media_type = xstrdup(MT_OCI_INDEX);
	if (parse_descriptors(o, "manifests", true, &out->manifests, &out->n_manifests, err) < 0) {
		pea_err_wrap(err, "image index");
		goto fail;
	}
	return 0;
fail:
	mf_index_release(out);
	return -1;
}

/* ---- configs ---- */

static int get_strv(struct json_object *o, const char *key, char ***out, struct pea_err **err)
{
	struct json_object *arr;
	size_t len;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &arr) || json_object_is_type(arr, json_type_null))
		return 0;
	if (!json_object_is_type(arr, json_type_array))
		return pea_err_setk(err, PEA_E_INVALID, 0, "image config: '%s' is not an array", key);
	len = json_object_array_length(arr);
	if (len > MF_MAX_ENTRIES)
		return pea_err_setk(err, PEA_E_INVALID, 0, "image config: '%s': too many entries", key);
	*out = xcalloc(len + 1, sizeof(char *));
	for (size_t i = 0; i < len; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);

		if (!json_object_is_type(v, json_type_string))
			return pea_err_setk(err, PEA_E_INVALID, 0,
					    "image config: '%s[%zu]' is not a string", key, i);
		(*out)[i] = xstrdup(json_object_get_string(v));
	}
	return 0;
}

/* Keys of an object member ("ExposedPorts", "Volumes"); with `values`, the
 * string values too ("Labels"). */
static int get_keys(struct json_object *o, const char *key, char ***keys, char ***values,
		    struct pea_err **err)
{
	struct json_object *obj;
	size_t n = 0;

	*keys = NULL;
	if (values)
		*values = NULL;
	if (!json_object_object_get_ex(o, key, &obj) || json_object_is_type(obj, json_type_null))
		return 0;
	if (!json_object_is_type(obj, json_type_object))
		return pea_err_setk(err, PEA_E_INVALID, 0, "image config: '%s' is not an object", key);
	*keys = xcalloc((size_t)json_object_object_length(obj) + 1, sizeof(char *));
	if (values)
		*values = xcalloc((size_t)json_object_object_length(obj) + 1, sizeof(char *));
	json_object_object_foreach(obj, k, v) {
		if (values) {
			if (!json_object_is_type(v, json_type_string))
				return pea_err_setk(err, PEA_E_INVALID, 0,
						    "image config: '%s.%s' is not a string", key, k);
			(*values)[n] = xstrdup(json_object_get_string(v));
		}
		(*keys)[n++] = xstrdup(k);
	}
	return 0;
}

static int parse_runtime_config(struct json_object *o, struct mf_config *c, struct pea_err **err)
{
	struct json_object *rc;

	if (!json_object_object_get_ex(o, "config", &rc) || json_object_is_type(rc, json_type_null))
		return 0;
	if (!json_object_is_type(rc, json_type_object))
		return pea_err_setk(err, PEA_E_INVALID, 0, "image config: 'config' is not an object");
	if (get_str(rc, "User", &c->user, "image config", err) < 0 ||
	    get_str(rc, "WorkingDir", &c->working_dir, "image config", err) < 0 ||
	    get_str(rc, "StopSignal", &c->stop_signal, "image config", err) < 0 ||
	    get_strv(rc, "Env", &c->env, err) < 0 ||
	    get_strv(rc, "Entrypoint", &c->entrypoint, err) < 0 ||
	    get_strv(rc, "Cmd", &c->cmd, err) < 0 ||
	    get_keys(rc, "ExposedPorts", &c->exposed_ports, NULL, err) < 0 ||
	    get_keys(rc, "Volumes", &c->volumes, NULL, err) < 0 ||
	    get_keys(rc, "Labels", &c->label_keys, &c->label_values, err) < 0)
		return -1;
	return 0;
}

static int parse_rootfs(struct json_object *o, struct mf_config *c, struct pea_err **err)
{
	struct json_object *rootfs;
	const char *type;

	if (!json_object_object_get_ex(o, "rootfs", &rootfs))
		return pea_err_setk(err, PEA_E_INVALID, 0, "image config: missing 'rootfs'");
	if (!json_object_is_type(rootfs, json_type_object))
		return pea_err_setk(err, PEA_E_INVALID, 0, "image config: 'rootfs' is not an object");
	type = peek_str(rootfs, "type");
	if (type && strcmp(type, "layers"))
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "image config: unsupported rootfs type '%s'", type);
	if (get_strv(rootfs, "diff_ids", &c->diff_ids, err) < 0)
		return -1;
	for (size_t i = 0; c->diff_ids && c->diff_ids[i]; i++) {
		if (digest_validate(c->diff_ids[i], err) < 0)
			return pea_err_wrap(err, "image config: rootfs.diff_ids[%zu]", i);
		c->n_diff_ids = i + 1;
	}
	return 0;
}

static void strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

void mf_config_release(struct mf_config *c)
{
	if (!c)
		return;
	free(c->os);
	free(c->arch);
	free(c->variant);
	free(c->created);
	free(c->user);
	free(c->working_dir);
	free(c->stop_signal);
	strv_free(c->env);
	strv_free(c->entrypoint);
	strv_free(c->cmd);
	strv_free(c->exposed_ports);
	strv_free(c->volumes);
	strv_free(c->label_keys);
	strv_free(c->label_values);
	strv_free(c->diff_ids);
	memset(c, 0, sizeof(*c));
}

int mf_config_parse(const char *json, size_t len, struct mf_config *out, struct pea_err **err)
{
	cleanup_json struct json_object *o = NULL;

	memset(out, 0, sizeof(*out));
	o = parse_doc(json, len, "image config", err);
	if (!o)
		return -1;
	if (get_str(o, "os", &out->os, "image config", err) < 0 ||
	    get_str(o, "architecture", &out->arch, "image config", err) < 0 ||
	    get_str(o, "variant", &out->variant, "image config", err) < 0 ||
	    get_str(o, "created", &out->created, "image config", err) < 0 ||
	    parse_runtime_config(o, out, err) < 0 || parse_rootfs(o, out, err) < 0) {
		mf_config_release(out);
		return -1;
	}
	return 0;
}

/* ---- platforms ---- */

struct platform {
	char os[32], arch[32], variant[32];
};

/* Normalise as containerd does: x86_64 -> amd64, aarch64 -> arm64, the
 * default variants (amd64 v1, arm64 v8) become empty; arm defaults to v7. */
static void platform_norm(struct platform *p)
{
	static const struct { const char *from, *arch, *variant; } aliases[] = {
		{ "x86_64", "amd64", NULL }, { "x86-64", "amd64", NULL },
		{ "aarch64", "arm64", NULL }, { "armhf", "arm", "v7" },
		{ "armel", "arm", "v6" }, { "i386", "386", NULL }, { "i686", "386", NULL },
	};

	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (strcmp(p->arch, aliases[i].from))
			continue;
		snprintf(p->arch, sizeof(p->arch), "%s", aliases[i].arch);
		if (aliases[i].variant && !p->variant[0])
			snprintf(p->variant, sizeof(p->variant), "%s", aliases[i].variant);
	}
	if ((!strcmp(p->arch, "amd64") && !strcmp(p->variant, "v1")) ||
	    (!strcmp(p->arch, "arm64") && (!strcmp(p->variant, "v8") || !strcmp(p->variant, "8"))))
		p->variant[0] = '\0';
	if (!strcmp(p->arch, "arm") && !p->variant[0])
		snprintf(p->variant, sizeof(p->variant), "v7");
	if (!strcmp(p->arch, "arm") && p->variant[0] >= '5' && p->variant[0] <= '8' &&
	    !p->variant[1]) {
		char v = p->variant[0];

		snprintf(p->variant, sizeof(p->variant), "v%c", v);
	}
}

static int platform_parse(const char *s, struct platform *p, struct pea_err **err)
{
	const char *a = strchr(s, '/');
	const char *v = a ? strchr(a + 1, '/') : NULL;

	memset(p, 0, sizeof(*p));
	if (!a || a == s || !a[1] || (v && (v == a + 1 || !v[1] || strchr(v + 1, '/'))) ||
	    strlen(s) >= sizeof(p->os) + sizeof(p->arch))
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "invalid platform '%s': want os/arch[/variant]", s);
	snprintf(p->os, sizeof(p->os), "%.*s", (int)(a - s), s);
	if (v) {
		snprintf(p->arch, sizeof(p->arch), "%.*s", (int)(v - a - 1), a + 1);
		snprintf(p->variant, sizeof(p->variant), "%s", v + 1);
	} else {
		snprintf(p->arch, sizeof(p->arch), "%s", a + 1);
	}
	platform_norm(p);
	return 0;
}

static void platform_of(const struct mf_descriptor *d, struct platform *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->os, sizeof(p->os), "%s", d->os ? d->os : "");
	snprintf(p->arch, sizeof(p->arch), "%s", d->arch ? d->arch : "");
	snprintf(p->variant, sizeof(p->variant), "%s", d->variant ? d->variant : "");
	platform_norm(p);
}

const char *mf_host_platform(void)
{
#if defined(__x86_64__)
	return "linux/amd64";
#elif defined(__aarch64__)
	return "linux/arm64";
#elif defined(__arm__)
	return "linux/arm/v7";
#elif defined(__i386__)
	return "linux/386";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return "linux/ppc64le";
#elif defined(__s390x__)
	return "linux/s390x";
#elif defined(__riscv) && __riscv_xlen == 64
	return "linux/riscv64";
#else
	return "linux/unknown";
#endif
}

static int no_match(const struct mf_index *ix, const char *want, struct pea_err **err)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < ix->n_manifests; i++) {
		const struct mf_descriptor *d = &ix->manifests[i];

		if (!d->os || !d->arch || !strcmp(d->os, "unknown"))
			continue;
		strbuf_addstr(&sb, sb.len ? ", " : "");
		strbuf_addf(&sb, "%s/%s%s%s", d->os, d->arch, d->variant ? "/" : "",
			    d->variant ? d->variant : "");
	}
	return pea_err_setk(err, PEA_E_NOT_FOUND, 0,
			    "no image found in manifest list for platform '%s' (available: %s)",
			    want, sb.len ? sb.buf : "none");
}

int mf_index_select(const struct mf_index *ix, const char *platform, struct pea_err **err)
{
	const char *want = platform ? platform : mf_host_platform();
	struct platform w, p;
	int fallback = -1, unplatformed = -1;

	if (platform_parse(want, &w, err) < 0)
		return -1;
	for (size_t i = 0; i < ix->n_manifests; i++) {
		const struct mf_descriptor *d = &ix->manifests[i];

		if (!d->os && !d->arch) {
			if (unplatformed < 0)
				unplatformed = (int)i;
			continue;
		}
		platform_of(d, &p);
		if (strcmp(p.os, w.os) || strcmp(p.arch, w.arch))
			continue;
		if (!strcmp(p.variant, w.variant))
			return (int)i;
		/* an unspecified variant accepts any variant of the arch */
		if (!w.variant[0] && fallback < 0 && (!platform || strcmp(w.arch, "arm")))
			fallback = (int)i;
	}
	if (fallback >= 0)
		return fallback;
	if (unplatformed >= 0 && ix->n_manifests == 1)
		return unplatformed;
	return no_match(ix, want, err);
}
