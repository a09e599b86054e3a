/* `image import`: a rootfs tarball becomes a one-layer image, with
 * Dockerfile-style --change instructions applied to its config. */
#include "podengine/image.h"
#include "podengine/archive-util.h"
#include "base/json.h"
#include "podengine/blobstore.h"
#include "podengine/digest.h"
#include "podengine/layers.h"
#include "podengine/manifest.h"
#include "base/cleanup.h"
#include "base/parse.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <archive.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

/* ---- change instructions ---- */

static const char *skip_space(const char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	return s;
}

/* Next word of `s` (double quotes group and are removed, backslash escapes
 * the next character); NULL at the end. */
static char *next_word(const char **s)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = skip_space(*s);
	bool quoted = false;

	if (!*p)
		return NULL;
	for (; *p && (quoted || !isspace((unsigned char)*p)); p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (*p == '\\' && p[1])
			strbuf_addch(&sb, *++p);
		else
			strbuf_addch(&sb, *p);
	}
	*s = p;
	return strbuf_detach(&sb, NULL);
}

/* ["a", "b"] or shell form wrapped in /bin/sh -c. */
static struct json_object *command_value(const char *arg, const char *what,
					 struct pea_err **err)
{
	struct json_object *a;
	size_t i;

	if (*arg != '[') {
		a = json_object_new_array();
		json_object_array_add(a, json_object_new_string("/bin/sh"));
		json_object_array_add(a, json_object_new_string("-c"));
		json_object_array_add(a, json_object_new_string(arg));
		return a;
	}
	a = json_tokener_parse(arg);
	if (!a || !json_object_is_type(a, json_type_array))
		goto bad;
	for (i = 0; i < json_object_array_length(a); i++)
		if (!json_object_is_type(json_object_array_get_idx(a, i), json_type_string))
			goto bad;
	return a;
bad:
	json_object_put(a);
	pea_err_setk(err, PEA_E_INVALID, 0, "%s: '%s' is not a JSON array of strings",
		     what, arg);
	return NULL;
}

static struct json_object *sub_object(struct json_object *config, const char *key)
{
	struct json_object *o = NULL;

	if (!json_object_object_get_ex(config, key, &o) ||
	    !json_object_is_type(o, json_type_object)) {
		o = json_object_new_object();
		json_object_object_add(config, key, o);
	}
	return o;
}

static void set_env(struct json_object *config, const char *key, const char *value)
{
	struct json_object *env = NULL;
	cleanup_free char *kv = xasprintf("%s=%s", key, value);
	size_t i, klen = strlen(key);

	if (!json_object_object_get_ex(config, "Env", &env) ||
	    !json_object_is_type(env, json_type_array)) {
		env = json_object_new_array();
		json_object_object_add(config, "Env", env);
	}
	for (i = 0; i < json_object_array_length(env); i++) {
		const char *cur = json_object_get_string(json_object_array_get_idx(env, i));

		if (cur && !strncmp(cur, key, klen) && cur[klen] == '=') {
			json_object_array_put_idx(env, i, json_object_new_string(kv));
			return;
		}
	}
	json_object_array_add(env, json_object_new_string(kv));
}

/* ENV k=v k2="v 2" or ENV k v w; LABEL the same into Labels. */
static int change_pairs(const char *arg, struct json_object *config, bool label,
			const char *what, struct pea_err **err)
{
	const char *p = arg;
	char *w = next_word(&p);
	char *eq = w ? strchr(w, '=') : NULL;

	if (!w || eq == w) {
		free(w);
		return pea_err_setk(err, PEA_E_INVALID, 0, "%s: missing key in '%s'", what, arg);
	}
	if (!eq) {   /* legacy "ENV key value with spaces" */
		const char *v = skip_space(p);

		if (label)
			json_object_object_add(sub_object(config, "Labels"), w,
					       json_object_new_string(v));
		else
			set_env(config, w, v);
		free(w);
		return 0;
	}
	do {
		eq = strchr(w, '=');
		if (!eq || eq == w) {
			pea_err_setk(err, PEA_E_INVALID, 0, "%s: '%s' is not key=value", what, w);
			free(w);
			return -1;
		}
		*eq = '\0';
		if (label)
			json_object_object_add(sub_object(config, "Labels"), w,
					       json_object_new_string(eq + 1));
		else
			set_env(config, w, eq + 1);
		free(w);
	} while ((w = next_word(&p)));
	return 0;
}

static int change_expose(const char *arg, struct json_object *config, struct pea_err **err)
{
	const char *p = arg;
	char *w;

	while ((w = next_word(&p))) {
		cleanup_free char *word = w, *port = NULL, *key = NULL;
		const char *proto = "tcp", *slash = strchr(word, '/');
		int n;

		port = slash ? xstrndup(word, (size_t)(slash - word)) : xstrdup(word);
		if (slash)
			proto = slash + 1;
		if (parse_int(port, 1, 65535, &n, "EXPOSE port", err) < 0)
			return -1;
		if (strcasecmp(proto, "tcp") && strcasecmp(proto, "udp") && strcasecmp(proto, "sctp"))
			return pea_err_setk(err, PEA_E_INVALID, 0, "EXPOSE: unknown protocol '%s'",
					    proto);
		key = xasprintf("%d/%s", n, proto);
		for (char *c = key; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		json_object_object_add(sub_object(config, "ExposedPorts"), key,
				       json_object_new_object());
	}
	return 0;
}

static int change_volume(const char *arg, struct json_object *config, struct pea_err **err)
{
	struct json_object *vols = sub_object(config, "Volumes");
	const char *p = arg;
	char *w;

	if (*arg == '[') {
		cleanup_json struct json_object *a = command_value(arg, "VOLUME", err);
		size_t i;

		if (!a)
			return -1;
		for (i = 0; i < json_object_array_length(a); i++)
			json_object_object_add(vols, json_object_get_string(
					       json_object_array_get_idx(a, i)), json_object_new_object());
		return 0;
	}
	while ((w = next_word(&p))) {
		json_object_object_add(vols, w, json_object_new_object());
		free(w);
	}
	return 0;
}

static int change_string(const char *key, const char *arg, struct json_object *config)
{
	json_object_object_add(config, key, json_object_new_string(arg));
	return 0;
}

int img_parse_change(const char *change, struct json_object *config, struct pea_err **err)
{
	const char *p = skip_space(change), *arg;
	cleanup_free char *kw = NULL;
	size_t len = 0;

	while (isalpha((unsigned char)p[len]))
		len++;
	kw = xstrndup(p, len);
	if (p[len] && p[len] != '=' && !isspace((unsigned char)p[len]))
		len = 0;
	arg = skip_space(p + len + (p[len] == '=' ? 1 : 0));
	if (!len)
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid change '%s'", change);
	if (!*arg)
		return pea_err_setk(err, PEA_E_INVALID, 0, "change '%s': missing value", change);
	if (!strcasecmp(kw, "CMD") || !strcasecmp(kw, "ENTRYPOINT")) {
		struct json_object *v = command_value(arg, kw, err);

		if (!v)
			return -1;
		json_object_object_add(config, !strcasecmp(kw, "CMD") ? "Cmd" : "Entrypoint", v);
		return 0;
	}
	if (!strcasecmp(kw, "ENV"))
		return change_pairs(arg, config, false, "ENV", err);
	if (!strcasecmp(kw, "LABEL"))
		return change_pairs(arg, config, true, "LABEL", err);
	if (!strcasecmp(kw, "EXPOSE"))
		return change_expose(arg, config, err);
	if (!strcasecmp(kw, "VOLUME"))
		return change_volume(arg, config, err);
	if (!strcasecmp(kw, "WORKDIR"))
		return change_string("WorkingDir", arg, config);
	if (!strcasecmp(kw, "USER"))
		return change_string("User", arg, config);
	if (!strcasecmp(kw, "STOPSIGNAL"))
		return change_string("StopSignal", arg, config);
	return pea_err_setk(err, PEA_E_INVALID, 0, "change '%s': unknown instruction '%s' "
			    "(CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME and "
			    "WORKDIR are supported)", change, kw);
}

/* ---- import ---- */

/* Decompress whatever comes on fd into a blob: the uncompressed tar, whose
 * digest is the layer's diff_id. */
static int store_plain_tar(struct pea_ctx *ctx, int fd, char out[DIGEST_MAX],
			   struct pea_err **err)
{
	cleanup_archive_read struct archive *a = archive_read_new();
	struct archive_entry *e;
	struct blob_writer *w;
	char buf[65536];
	la_ssize_t n;

	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_fd(a, fd, sizeof(buf)) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK)
		return pea_err_setk(err, PEA_E_INVALID, 0, "read tarball: %s",
				    archive_error_string(a) ? archive_error_string(a) : "no data");
	w = blob_writer_new(ctx->root, NULL, -1, err);
	if (!w)
		return -1;
	while ((n = archive_read_data(a, buf, sizeof(buf))) > 0) {
		if (blob_writer_write(w, buf, (size_t)n, err) < 0) {
			blob_writer_abort(w);
			return -1;
		}
	}
	if (n < 0) {
		pea_err_set(err, 0, "read tarball: %s", archive_error_string(a));
		blob_writer_abort(w);
		return -1;
	}
	return blob_writer_commit(w, out, err);
}

static char *now_rfc3339(void)
{
	struct timespec ts;
	struct tm tm;
	char buf[64];
	cleanup_free char *frac = NULL;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	frac = xasprintf(".%09ld", (long)ts.tv_nsec);
	/* Go's RFC3339Nano drops trailing zeros; tools that re-encode the
	 * config (skopeo) must get back the same bytes, or the id changes. */
	for (n = strlen(frac); n > 1 && frac[n - 1] == '0'; n--)
		frac[n - 1] = '\0';
	return xasprintf("%s%sZ", buf, n > 1 ? frac : "");
}

static struct json_object *new_config(const char *diff_id, const char *created,
				      struct json_object *cfg)
{
	struct json_object *o = json_object_new_object(), *rootfs, *ids, *hist, *h;
	const char *plat = mf_host_platform(), *slash = strchr(plat, '/');
	cleanup_free char *os = xstrndup(plat, slash ? (size_t)(slash - plat) : strlen(plat));
	cleanup_free char *arch = slash ? xstrdup(slash + 1) : xstrdup("amd64");
	char *variant = strchr(arch, '/');

	if (variant)
		*variant++ = '\0';
	json_object_object_add(o, "created", json_object_new_string(created));
	json_object_object_add(o, "architecture", json_object_new_string(arch));
	if (variant)
		json_object_object_add(o, "variant", json_object_new_string(variant));
	json_object_object_add(o, "os", json_object_new_string(os));
	json_object_object_add(o, "config", json_object_get(cfg));
	rootfs = json_object_new_object();
	ids = json_object_new_array();
	json_object_array_add(ids, json_object_new_string(diff_id));
	json_object_object_add(rootfs, "type", json_object_new_string("layers"));
	json_object_object_add(rootfs, "diff_ids", ids);
	json_object_object_add(o, "rootfs", rootfs);
	hist = json_object_new_array();
	h = json_object_new_object();
	json_object_object_add(h, "created", json_object_new_string(created));
	json_object_object_add(h, "created_by", json_object_new_string("/bin/sh -c #(nop) ADD "
				"file:imported in /"));
	json_object_object_add(h, "comment", json_object_new_string("imported from tarball"));
	json_object_array_add(hist, h);
	json_object_object_add(o, "history", hist);
	return o;
}

static int put_json(struct pea_ctx *ctx, struct json_object *o, char out[DIGEST_MAX],
		    int64_t *size, struct pea_err **err)
{
	size_t len = 0;
	const char *txt = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
							    JSON_C_TO_STRING_NOSLASHESCAPE, &len);

	*size = (int64_t)len;
	return blob_put(ctx->root, txt, len, NULL, out, err);
}

static struct json_object *descriptor(const char *mt, const char *digest, int64_t size)
{
	struct json_object *d = json_object_new_object();

	json_object_object_add(d, "mediaType", json_object_new_string(mt));
	json_object_object_add(d, "digest", json_object_new_string(digest));
	json_object_object_add(d, "size", json_object_new_int64(size));
	return d;
}

static int build_and_commit(struct pea_ctx *ctx, const char *diff_id, struct json_object *cfg,
			    const char *name, char **id, struct pea_err **err)
{
	cleanup_free char *created = now_rfc3339();
	cleanup_json struct json_object *config = new_config(diff_id, created, cfg);
	cleanup_json struct json_object *mf = json_object_new_object();
	struct json_object *layers = json_object_new_array();
	char cdg[DIGEST_MAX], mdg[DIGEST_MAX];
	int64_t csize, msize;
	const char *ids[1] = { diff_id };
	struct img_new in = { 0 };

	if (put_json(ctx, config, cdg, &csize, err) < 0)
		return -1;
	json_object_object_add(mf, "schemaVersion", json_object_new_int(2));
	json_object_object_add(mf, "mediaType", json_object_new_string(MT_OCI_MANIFEST));
	json_object_object_add(mf, "config", descriptor(MT_OCI_CONFIG, cdg, csize));
	json_object_array_add(layers, descriptor(MT_OCI_LAYER, diff_id,
						 blob_size(ctx->root, diff_id)));
	json_object_object_add(mf, "layers", layers);
	if (put_json(ctx, mf, mdg, &msize, err) < 0)
		return -1;
	in.config_digest = cdg;
	in.manifest_digest = mdg;
	in.manifest_media_type = MT_OCI_MANIFEST;
	in.diff_ids = ids;
	in.n_layers = 1;
	in.name = name;
	in.created = created;
	in.size = layer_size(ctx, diff_id);
	return img_commit(ctx, &in, id, err);
}

char *img_import(struct pea_ctx *ctx, const char *path, const char *name,
		 const char *const *changes, size_t n_changes, struct pea_err **err)
{
	cleanup_json struct json_object *cfg = json_object_new_object();
	cleanup_close int fd = -1;
	cleanup_close int lock = -1;
	char diff_id[DIGEST_MAX];
	char *id = NULL;
	size_t i;

	for (i = 0; i < n_changes; i++)
		if (img_parse_change(changes[i], cfg, err) < 0)
			goto fail;
	lock = img_store_lock(ctx, false, err);
	if (lock < 0)
		goto fail;
	if (path && strcmp(path, "-")) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			pea_err_set(err, errno, "open '%s'", path);
			goto fail;
		}
	}
	if (store_plain_tar(ctx, fd >= 0 ? fd : STDIN_FILENO, diff_id, err) < 0 ||
	    layer_ensure(ctx, diff_id, MT_OCI_LAYER, diff_id, err) < 0 ||
	    build_and_commit(ctx, diff_id, cfg, name, &id, err) < 0)
		goto fail;
	return id;
fail:
	pea_err_wrap(err, "import '%s'", path && strcmp(path, "-") ? path : "-");
	if (lock >= 0)
		img_rollback_storage(ctx, &lock);
	return NULL;
}
