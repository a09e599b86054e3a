/* docker-archive and oci-archive: `image load` (`image save` is in
 * image-save.c).
 *
 * Load reads the tar once, sequentially (so stdin works without a temporary
 * copy): small metadata files (*.json, repositories, oci-layout) are kept in
 * memory, everything else goes straight into the blob store (blobs/<algo>/<hex>
 * entries verified against their names).  The images are then assembled
 * from the stashed entries. */
#include "podengine/image.h"
#include "podengine/archive-util.h"
#include "podengine/image-archive.h"
#include "base/json.h"
#include "podengine/blobstore.h"
#include "podengine/digest.h"
#include "podengine/layers.h"
#include "podengine/manifest.h"
#include "podengine/reference.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <json-c/json.h>
#include <string.h>
#include <unistd.h>

#include "base/banned.h"

#define MEM_LIMIT (16 << 20)

struct entry {
	char *name;
	char *link;                 /* symlink target, resolved to an entry name */
	bool in_mem;
	struct strbuf data;         /* in_mem */
	char digest[DIGEST_MAX];    /* !in_mem && !link: the stored blob */
};

struct load {
	struct pea_ctx *ctx;
	struct entry *v;
	size_t n, alloc;
	char **out;                 /* names or ids loaded */
	size_t n_out, alloc_out;
};

static void load_release(struct load *ld)
{
	size_t i;

	for (i = 0; i < ld->n; i++) {
		free(ld->v[i].name);
		free(ld->v[i].link);
		strbuf_release(&ld->v[i].data);
	}
	free(ld->v);
	for (i = 0; i < ld->n_out; i++)
		free(ld->out[i]);
	free(ld->out);
}

/* "./a//b/" -> "a/b"; NULL if it climbs out with "..". */
static char *clean_path(const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	cleanup_free char *full = dir ? xasprintf("%s/%s", dir, name) : xstrdup(name);
	char *p = full, *seg;

	while ((seg = strsep(&p, "/"))) {
		if (!*seg || !strcmp(seg, "."))
			continue;
		if (!strcmp(seg, "..")) {
			char *slash = strrchr(sb.buf, '/');

			if (!sb.len) {
				strbuf_release(&sb);
				return NULL;
			}
			strbuf_setlen(&sb, slash ? (size_t)(slash - sb.buf) : 0);
			continue;
		}
		if (sb.len)
			strbuf_addch(&sb, '/');
		strbuf_addstr(&sb, seg);
	}
	return strbuf_detach(&sb, NULL);
}

static bool keep_in_mem(const char *name, int64_t size)
{
	const char *base = strrchr(name, '/');

	base = base ? base + 1 : name;
	if (size > MEM_LIMIT)
		return false;
	return (strlen(base) > 5 && !strcmp(base + strlen(base) - 5, ".json")) ||
	       !strcmp(base, "repositories") || !strcmp(base, "oci-layout") ||
	       !strcmp(base, "VERSION") || !strcmp(base, "json");
}

/* "blobs/sha256/<hex>" -> "sha256:<hex>" when well formed. */
static char *blob_name_digest(const char *name)
{
	const char *algo, *slash;
	char *d;

	if (strncmp(name, "blobs/", 6))
		return NULL;
	algo = name + 6;
	slash = strchr(algo, '/');
	if (!slash || strchr(slash + 1, '/'))
		return NULL;
	d = xasprintf("%.*s:%s", (int)(slash - algo), algo, slash + 1);
	if (digest_validate(d, NULL) < 0) {
		free(d);
		return NULL;
	}
	return d;
}

static int stash_blob(struct pea_ctx *ctx, struct archive *a, struct entry *e,
		      struct pea_err **err)
{
	cleanup_free char *want = blob_name_digest(e->name);
	struct blob_writer *w;
	char buf[65536];
	la_ssize_t n;

	if (want && blob_exists(ctx->root, want)) {
		snprintf(e->digest, sizeof(e->digest), "%s", want);
		return archive_read_data_skip(a) == ARCHIVE_OK ? 0 :
		       pea_err_set(err, 0, "read '%s': %s", e->name, archive_error_string(a));
	}
	w = blob_writer_new(ctx->root, want, -1, err);
	if (!w)
		return -1;
	while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
		if (blob_writer_write(w, buf, (size_t)n, err) < 0)
			goto fail;
	if (n < 0) {
		pea_err_set(err, 0, "read '%s': %s", e->name, archive_error_string(a));
		goto fail;
	}
	if (blob_writer_commit(w, e->digest, err) < 0)
		return pea_err_wrap(err, "archive entry '%s'", e->name);
	return 0;
fail:
	blob_writer_abort(w);
	return -1;
}

static int stash_mem(struct archive *a, struct entry *e, struct pea_err **err)
{
	char buf[65536];
	la_ssize_t n;

	e->in_mem = true;
	while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
		strbuf_add(&e->data, buf, (size_t)n);
	if (n < 0)
		return pea_err_set(err, 0, "read '%s': %s", e->name, archive_error_string(a));
	return 0;
}

static int stash_entry(struct load *ld, struct archive *a, struct archive_entry *ae,
		       struct pea_err **err)
{
	cleanup_free char *name = clean_path(NULL, archive_entry_pathname(ae));
	unsigned type = archive_entry_filetype(ae);
	struct entry *e;

	if (!name)
		return pea_err_setk(err, PEA_E_INVALID, 0, "archive entry '%s' is outside the "
				    "archive", archive_entry_pathname(ae));
	if (type != AE_IFREG && type != AE_IFLNK)
		return 0;
	ALLOC_GROW(ld->v, ld->n + 1, ld->alloc);
	e = &ld->v[ld->n++];
	memset(e, 0, sizeof(*e));
	strbuf_init(&e->data, 0);
	e->name = steal_ptr(name);
	if (type == AE_IFLNK) {
		const char *slash = strrchr(e->name, '/');
		cleanup_free char *dir = slash ? xstrndup(e->name, (size_t)(slash - e->name)) : NULL;

		e->link = clean_path(dir, archive_entry_symlink(ae));
		return 0;
	}
	if (keep_in_mem(e->name, archive_entry_size(ae)))
		return stash_mem(a, e, err);
	return stash_blob(ld->ctx, a, e, err);
}

static int read_archive(struct load *ld, const char *path, struct pea_err **err)
{
	cleanup_archive_read struct archive *a = archive_read_new();
	struct archive_entry *ae;
	int rc;

	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (path)
		rc = archive_read_open_filename(a, path, 65536);
	else
		rc = archive_read_open_fd(a, STDIN_FILENO, 65536);
	if (rc != ARCHIVE_OK)
		return pea_err_set(err, archive_errno(a) > 0 ? archive_errno(a) : 0, "open: %s",
				   archive_error_string(a));
	while ((rc = archive_read_next_header(a, &ae)) == ARCHIVE_OK)
		if (stash_entry(ld, a, ae, err) < 0)
			return -1;
	if (rc != ARCHIVE_EOF)
		return pea_err_set(err, 0, "read: %s", archive_error_string(a));
	return 0;
}

static struct entry *find_entry(struct load *ld, const char *name)
{
	cleanup_free char *want = clean_path(NULL, name);
	int hops;
	size_t i;

	for (hops = 0; want && hops < 16; hops++) {
		for (i = 0; i < ld->n; i++)
			if (!strcmp(ld->v[i].name, want))
				break;
		if (i == ld->n)
			return NULL;
		if (!ld->v[i].link)
			return &ld->v[i];
		free(want);
		want = xstrdup(ld->v[i].link);
	}
	return NULL;
}

/* Text of an entry (from memory or the blob store) appended to sb. */
static int entry_text(struct load *ld, const char *name, struct strbuf *sb,
		      struct pea_err **err)
{
	struct entry *e = find_entry(ld, name);

	if (!e)
		return pea_err_setk(err, PEA_E_INVALID, 0, "'%s' is missing from the archive",
				    name);
	if (e->in_mem) {
		strbuf_add(sb, e->data.buf, e->data.len);
		return 0;
	}
	return blob_read(ld->ctx->root, e->digest, sb, err);
}

/* The blob digest of an entry (memory entries are stored first). */
static int entry_blob(struct load *ld, const char *name, char out[DIGEST_MAX],
		      struct pea_err **err)
{
	struct entry *e = find_entry(ld, name);

	if (!e)
		return pea_err_setk(err, PEA_E_INVALID, 0, "'%s' is missing from the archive",
				    name);
	if (e->in_mem)
		return blob_put(ld->ctx->root, e->data.buf, e->data.len, NULL, out, err);
	snprintf(out, DIGEST_MAX, "%s", e->digest);
	return 0;
}

static void add_out(struct load *ld, const char *s)
{
	ALLOC_GROW(ld->out, ld->n_out + 2, ld->alloc_out);
	ld->out[ld->n_out++] = xstrdup(s);
	ld->out[ld->n_out] = NULL;
}

/* Media type of a stored layer blob, judged from its first bytes. */
static const char *layer_media_type(struct pea_ctx *ctx, const char *digest)
{
	cleanup_close int fd = blob_open(ctx->root, digest, NULL);
	unsigned char m[4] = { 0 };

	if (fd < 0 || xread_full(fd, m, sizeof(m)) != (ssize_t)sizeof(m))
		return MT_OCI_LAYER;
	if (m[0] == 0x1f && m[1] == 0x8b)
		return MT_OCI_LAYER_GZIP;
	if (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
		return MT_OCI_LAYER_ZSTD;
	return MT_OCI_LAYER;
}

/* Record an image whose blobs and layers are stored, under each name. */
static int commit_names(struct load *ld, struct img_new *in, const char *const *names,
			size_t n_names, struct pea_err **err)
{
	cleanup_free char *id = NULL;
	size_t i;

	in->size = 0;
	for (i = 0; i < in->n_layers; i++)
		in->size += layer_size(ld->ctx, in->diff_ids[i]);
	in->name = n_names ? names[0] : NULL;
	if (img_commit(ld->ctx, in, &id, err) < 0)
		return -1;
	for (i = 1; i < n_names; i++) {
		in->name = names[i];
		if (img_commit(ld->ctx, in, NULL, err) < 0)
			return -1;
	}
	for (i = 0; i < n_names; i++) {
		struct img_ref ref = { 0 };
		cleanup_free char *full = NULL;

		if (img_ref_parse(names[i], &ref, NULL) == 0)
			full = img_ref_string(&ref);
		img_ref_release(&ref);
		add_out(ld, full ? full : names[i]);
	}
	if (!n_names)
		add_out(ld, id);
	return 0;
}

static int read_config(struct load *ld, const char *digest, struct mf_config *cfg,
		       struct pea_err **err)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;

	if (blob_read(ld->ctx->root, digest, &sb, err) < 0 ||
	    mf_config_parse(sb.buf, sb.len, cfg, err) < 0)
		return pea_err_wrap(err, "config '%s'", digest);
	return 0;
}

/* ---- docker-archive ---- */

static int docker_layers(struct load *ld, struct json_object *jl, struct mf_config *cfg,
			 struct json_object *mf_layers, struct pea_err **err)
{
	size_t i, n = json_object_array_length(jl);

	if (n != cfg->n_diff_ids)
		return pea_err_setk(err, PEA_E_INVALID, 0, "%zu layers but the config lists %zu "
				    "diff_ids", n, cfg->n_diff_ids);
	for (i = 0; i < n; i++) {
		const char *lname = json_object_get_string(json_object_array_get_idx(jl, i));
		char dg[DIGEST_MAX];

		if (!lname || entry_blob(ld, lname, dg, err) < 0 ||
		    layer_ensure(ld->ctx, dg, NULL, cfg->diff_ids[i], err) < 0)
			return pea_err_wrap(err, "layer '%s'", lname ? lname : "?");
		json_object_array_add(mf_layers, descriptor(layer_media_type(ld->ctx, dg), dg,
							    blob_size(ld->ctx->root, dg)));
	}
	return 0;
}

static int docker_image(struct load *ld, struct json_object *item, struct pea_err **err)
{
	struct json_object *jc = NULL, *jt = NULL, *jl = NULL;
	cleanup_json struct json_object *mf = json_object_new_object();
	struct json_object *mf_layers = json_object_new_array();
	cleanup_free const char **names = NULL;
	struct mf_config cfg = { 0 };
	char cdg[DIGEST_MAX], mdg[DIGEST_MAX];
	struct img_new in = { 0 };
	size_t len, i, n_names = 0;
	const char *txt;
	int rc = -1;

	json_object_object_add(mf, "schemaVersion", json_object_new_int(2));
	json_object_object_add(mf, "mediaType", json_object_new_string(MT_OCI_MANIFEST));
	if (!json_object_object_get_ex(item, "Config", &jc) ||
	    !json_object_object_get_ex(item, "Layers", &jl) ||
	    !json_object_is_type(jl, json_type_array) || !json_object_get_string(jc)) {
		json_object_put(mf_layers);
		return pea_err_setk(err, PEA_E_INVALID, 0, "manifest.json: entry without Config "
				    "or Layers");
	}
	if (entry_blob(ld, json_object_get_string(jc), cdg, err) < 0 ||
	    read_config(ld, cdg, &cfg, err) < 0 ||
	    docker_layers(ld, jl, &cfg, mf_layers, err) < 0) {
		json_object_put(mf_layers);
		goto out;
	}
	/* Same shape as image-import.c writes, so a saved image loads back
	 * with the same manifest digest. */
	json_object_object_add(mf, "config", descriptor(MT_OCI_CONFIG, cdg,
							blob_size(ld->ctx->root, cdg)));
	json_object_object_add(mf, "layers", mf_layers);
	txt = json_object_to_json_string_length(mf, JSON_C_TO_STRING_PLAIN |
						JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (blob_put(ld->ctx->root, txt, len, NULL, mdg, err) < 0)
		goto out;
	if (json_object_object_get_ex(item, "RepoTags", &jt) &&
	    json_object_is_type(jt, json_type_array)) {
		names = xcalloc(json_object_array_length(jt) + 1, sizeof(*names));
		for (i = 0; i < json_object_array_length(jt); i++)
			if (json_object_get_string(json_object_array_get_idx(jt, i)))
				names[n_names++] = json_object_get_string(
					json_object_array_get_idx(jt, i));
	}
	in.config_digest = cdg;
	in.manifest_digest = mdg;
	in.manifest_media_type = MT_OCI_MANIFEST;
	in.diff_ids = (const char *const *)cfg.diff_ids;
	in.n_layers = cfg.n_diff_ids;
	in.created = cfg.created;
	rc = commit_names(ld, &in, names, n_names, err);
out:
	mf_config_release(&cfg);
	return rc;
}

static int load_docker(struct load *ld, struct pea_err **err)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	cleanup_json struct json_object *arr = NULL;
	size_t i;

	if (entry_text(ld, "manifest.json", &sb, err) < 0)
		return -1;
	arr = json_tokener_parse(sb.buf);
	if (!arr || !json_object_is_type(arr, json_type_array))
		return pea_err_setk(err, PEA_E_INVALID, 0, "manifest.json is not a JSON array");
	for (i = 0; i < json_object_array_length(arr); i++)
		if (docker_image(ld, json_object_array_get_idx(arr, i), err) < 0)
			return pea_err_wrap(err, "manifest.json entry %zu", i);
	return 0;
}

/* ---- oci-archive ---- */

static int oci_layers(struct load *ld, const struct mf_manifest *m, const struct mf_config *cfg,
		      struct pea_err **err)
{
	size_t i;

	if (m->n_layers != cfg->n_diff_ids)
		return pea_err_setk(err, PEA_E_INVALID, 0, "%zu layers but the config lists %zu "
				    "diff_ids", m->n_layers, cfg->n_diff_ids);
	for (i = 0; i < m->n_layers; i++) {
		if (!blob_exists(ld->ctx->root, m->layers[i].digest))
			return pea_err_setk(err, PEA_E_INVALID, 0, "layer '%s' is missing from the "
					    "archive", m->layers[i].digest);
		if (layer_ensure(ld->ctx, m->layers[i].digest, m->layers[i].media_type,
				 cfg->diff_ids[i], err) < 0)
			return -1;
	}
	return 0;
}

/* From an index entry to the manifest digest for this host. */
static int oci_pick(struct load *ld, const char *mt, const char *digest, char out[DIGEST_MAX],
		    const char **index_digest, struct pea_err **err)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	struct mf_index ix = { 0 };
	int i;

	*index_digest = NULL;
	snprintf(out, DIGEST_MAX, "%s", digest);
	if (blob_read(ld->ctx->root, digest, &sb, err) < 0)
		return -1;
	if (!mf_is_index_type(mf_detect_type(sb.buf, sb.len, mt)))
		return 0;
	if (mf_index_parse(sb.buf, sb.len, &ix, err) < 0)
		return -1;
	i = mf_index_select(&ix, NULL, err);
	if (i >= 0)
		snprintf(out, DIGEST_MAX, "%s", ix.manifests[i].digest);
	mf_index_release(&ix);
	*index_digest = digest;
	return i < 0 ? -1 : 0;
}

static int oci_image(struct load *ld, const char *mt, const char *digest, const char *name,
		     struct pea_err **err)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	struct mf_manifest m = { 0 };
	struct mf_config cfg = { 0 };
	struct img_new in = { 0 };
	char mdg[DIGEST_MAX];
	int rc = -1;

	if (oci_pick(ld, mt, digest, mdg, &in.index_digest, err) < 0 ||
	    blob_read(ld->ctx->root, mdg, &sb, err) < 0 ||
	    mf_manifest_parse(sb.buf, sb.len, &m, err) < 0)
		return pea_err_wrap(err, "manifest '%s'", digest);
	if (read_config(ld, m.config.digest, &cfg, err) < 0 || oci_layers(ld, &m, &cfg, err) < 0)
		goto out;
	in.config_digest = m.config.digest;
	in.manifest_digest = mdg;
	in.manifest_media_type = m.media_type;
	in.diff_ids = (const char *const *)cfg.diff_ids;
	in.n_layers = cfg.n_diff_ids;
	in.created = cfg.created;
	rc = commit_names(ld, &in, &name, name ? 1 : 0, err);
out:
	mf_config_release(&cfg);
	mf_manifest_release(&m);
	return rc;
}

/* ref.name may be a whole reference or a bare tag, which names nothing. */
static const char *oci_ref_name(struct json_object *desc)
{
	struct json_object *an = NULL, *rn = NULL;
	const char *s;

	if (!json_object_object_get_ex(desc, "annotations", &an) ||
	    !json_object_object_get_ex(an, ANNOT_REF_NAME, &rn))
		return NULL;
	s = json_object_get_string(rn);
	if (!s || (!strchr(s, '/') && !strchr(s, ':')))
		return NULL;
	return s;
}

static int load_oci(struct load *ld, struct pea_err **err)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	cleanup_json struct json_object *ix = NULL;
	struct json_object *ms = NULL;
	size_t i;

	if (entry_text(ld, "index.json", &sb, err) < 0)
		return -1;
	ix = json_tokener_parse(sb.buf);
	if (!ix || !json_object_object_get_ex(ix, "manifests", &ms) ||
	    !json_object_is_type(ms, json_type_array))
		return pea_err_setk(err, PEA_E_INVALID, 0, "index.json has no manifests array");
	for (i = 0; i < json_object_array_length(ms); i++) {
		struct json_object *d = json_object_array_get_idx(ms, i), *jd = NULL, *jm = NULL;

		if (!json_object_object_get_ex(d, "digest", &jd) ||
		    digest_validate(json_object_get_string(jd), err) < 0)
			return pea_err_wrap(err, "index.json manifest %zu", i);
		json_object_object_get_ex(d, "mediaType", &jm);
		if (oci_image(ld, jm ? json_object_get_string(jm) : NULL,
			      json_object_get_string(jd), oci_ref_name(d), err) < 0)
			return -1;
	}
	if (!i)
		return pea_err_setk(err, PEA_E_INVALID, 0, "index.json lists no images");
	return 0;
}

char **img_load(struct pea_ctx *ctx, const char *path, struct pea_err **err)
{
	struct load ld = { .ctx = ctx };
	const char *shown = path && strcmp(path, "-") ? path : "-";
	cleanup_close int lock = img_store_lock(ctx, false, err);
	int rc;

	if (lock < 0) {
		rc = -1;
	} else if (read_archive(&ld, strcmp(shown, "-") ? path : NULL, err) < 0) {
		rc = -1;
	} else if (find_entry(&ld, "manifest.json")) {
		rc = load_docker(&ld, err);
	} else if (find_entry(&ld, "index.json") && find_entry(&ld, "oci-layout")) {
		rc = load_oci(&ld, err);
	} else {
		rc = pea_err_setk(err, PEA_E_INVALID, 0, "neither a docker-archive (no "
				  "manifest.json) nor an oci-archive (no index.json)");
	}
	if (rc < 0) {
		load_release(&ld);
		pea_err_wrap(err, "load '%s'", shown);
		if (lock >= 0)
			img_rollback_storage(ctx, &lock);
		return NULL;
	}
	{
		char **out = steal_ptr(ld.out);

		ld.n_out = 0;
		load_release(&ld);
		return out ? out : xcalloc(1, sizeof(char *));
	}
}
