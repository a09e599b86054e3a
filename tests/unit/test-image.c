#include "tests/unit/tap.h"
#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "podengine/blobstore.h"
#include "podengine/digest.h"
#include "podengine/image.h"
#include "podengine/layers.h"
#include "podengine/manifest.h"
#include "podengine/state.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/banned.h"

static struct pea_ctx *ctx_new(void)
{
	char tmpl[] = "/tmp/pea-image-XXXXXX";
	struct pea_ctx *ctx = xcalloc(1, sizeof(*ctx));
	char *d = mkdtemp(tmpl);

	ctx->root = path_join(d, "root");
	ctx->runroot = path_join(d, "run");
	ctx->storage_driver = xstrdup("vfs");
	log_init(&ctx->log);
	return ctx;
}

static void ctx_free(struct pea_ctx *ctx)
{
	cleanup_free char *top = xstrdup(ctx->root);
	char *slash = strrchr(top, '/');

	state_close(ctx->state);
	ctx->state = NULL;
	*slash = '\0';
	io_rm_rf(top, NULL);
	ctx_release(ctx);
	free(ctx);
}

static void print_err(struct pea_err *err)
{
	if (err) {
		char *t = pea_err_text(err);

		printf("#   error: %s\n", t);
		free(t);
	}
}

/* A synthetic image: a layer row (with a plain blob) and config/manifest
 * blobs; `seed` makes the config unique. */
static char *fake_image(struct pea_ctx *ctx, const char *name, const char *seed,
			char mdg_out[DIGEST_MAX])
{
	struct pea_err *err = NULL;
	struct state *st = state_get(ctx, &err);
	cleanup_free char *layer = xasprintf("layer of %s", seed);
	cleanup_free char *cfg = NULL, *mf = NULL, *sql = NULL;
	char ldg[DIGEST_MAX], cdg[DIGEST_MAX], mdg[DIGEST_MAX];
	const char *ids[1];
	struct img_new in = { 0 };
	char *id = NULL;

	if (!st || blob_put(ctx->root, layer, strlen(layer), NULL, ldg, &err) < 0)
		goto fail;
	sql = xasprintf("INSERT OR IGNORE INTO layers (diff_id, blob_digest, media_type, size,"
			" created) VALUES ('%s', '%s', 'x', 10, 0);", ldg, ldg);
	if (state_exec(st, sql, &err) < 0)
		goto fail;
	cfg = xasprintf("{\"seed\":\"%s\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}",
			seed, ldg);
	if (blob_put(ctx->root, cfg, strlen(cfg), NULL, cdg, &err) < 0)
		goto fail;
	mf = xasprintf("{\"schemaVersion\":2,\"config\":{\"digest\":\"%s\"},\"layers\":"
		       "[{\"digest\":\"%s\"}]}", cdg, ldg);
	if (blob_put(ctx->root, mf, strlen(mf), NULL, mdg, &err) < 0)
		goto fail;
	ids[0] = ldg;
	in.config_digest = cdg;
	in.manifest_digest = mdg;
	in.manifest_media_type = MT_OCI_MANIFEST;
	in.diff_ids = ids;
	in.n_layers = 1;
	in.name = name;
	in.size = 10;
	if (img_commit(ctx, &in, &id, &err) < 0)
		goto fail;
	if (mdg_out)
		snprintf(mdg_out, DIGEST_MAX, "%s", mdg);
	return id;
fail:
	print_err(err);
	pea_err_free(err);
	return NULL;
}

static char *lookup_id(struct pea_ctx *ctx, const char *name)
{
	struct img_info info = { 0 };
	char *id;

	if (img_lookup(ctx, name, &info, NULL) < 0)
		return NULL;
	id = steal_ptr(info.id);
	img_info_release(&info);
	return id;
}

#define CHECK_LOOKUP(ctx, name, want)                                   \
	do {                                                            \
		cleanup_free char *_got = lookup_id((ctx), (name));     \
		CHECK_STR(_got, (want));                                \
	} while (0)

TEST(commit_and_lookup)
{
	struct pea_ctx *ctx = ctx_new();
	char mdg[DIGEST_MAX];
	cleanup_free char *id = fake_image(ctx, "busybox", "a", mdg);
	cleanup_free char *prefix = NULL, *sha = NULL, *bydg = NULL, *bydg2 = NULL;
	struct img_info info = { 0 };
	struct pea_err *err = NULL;

	CHECK(id != NULL);
	if (!id)
		goto out;
	prefix = xstrndup(id, 6);
	sha = xasprintf("sha256:%s", id);
	bydg = xasprintf("busybox@%s", mdg);
	bydg2 = xasprintf("docker.io/library/busybox@%s", mdg);
	CHECK_LOOKUP(ctx, "busybox", id);
	CHECK_LOOKUP(ctx, "busybox:latest", id);
	CHECK_LOOKUP(ctx, "docker.io/library/busybox:latest", id);
	CHECK_LOOKUP(ctx, id, id);
	CHECK_LOOKUP(ctx, prefix, id);
	CHECK_LOOKUP(ctx, sha, id);
	CHECK_LOOKUP(ctx, bydg, id);
	CHECK_LOOKUP(ctx, bydg2, id);
	CHECK(img_exists(ctx, "busybox"));
	CHECK(!img_exists(ctx, "busybox:1"));
	CHECK(!img_exists(ctx, "quay.io/busybox"));
	CHECK_INT(img_lookup(ctx, "nothere", &info, &err), -1);
	CHECK(pea_err_is(err, PEA_E_NOT_FOUND));
	pea_err_free(err);
	CHECK_INT(img_lookup(ctx, "busybox", &info, NULL), 0);
	CHECK_STR(info.names[0], "docker.io/library/busybox:latest");
	CHECK(info.names[1] == NULL);
	CHECK_INT(info.n_layers, 1);
	CHECK_STR(info.manifest_digest, mdg);
	CHECK_STR(info.repo_digests[0], bydg2);
	img_info_release(&info);
out:
	ctx_free(ctx);
}

TEST(short_name_falls_back_to_localhost)
{
	struct pea_ctx *ctx = ctx_new();
	cleanup_free char *id = fake_image(ctx, "localhost/myapp:1", "b", NULL);
	cleanup_free char *id2 = fake_image(ctx, "localhost/team/tool", "c", NULL);

	CHECK(id && id2);
	CHECK_LOOKUP(ctx, "myapp:1", id);
	CHECK_LOOKUP(ctx, "localhost/myapp:1", id);
	CHECK(!img_exists(ctx, "myapp"));
	CHECK_LOOKUP(ctx, "team/tool", id2);
	/* An explicit registry never falls back. */
	CHECK(!img_exists(ctx, "docker.io/myapp:1"));
	ctx_free(ctx);
}

TEST(ambiguous_id_prefix_is_an_error)
{
	struct pea_ctx *ctx = ctx_new();
	char seen[4096][DIGEST_MAX];
	int have[4096] = { 0 }, i;
	struct pea_err *err = NULL;

	/* Find two configs whose ids share their first three hex digits. */
	for (i = 0; i < 5000; i++) {
		cleanup_free char *seed = xasprintf("s%d", i);
		cleanup_free char *id = fake_image(ctx, NULL, seed, NULL);
		char p3buf[4] = { 0 };
		unsigned slot;

		if (!id)
			break;
		memcpy(p3buf, id, 3);
		slot = (unsigned)strtoul(p3buf, NULL, 16);

		if (have[slot]) {
			cleanup_free char *p3 = xstrndup(id, 3);
			struct img_info info = { 0 };

			CHECK_INT(img_lookup(ctx, p3, &info, &err), -1);
			CHECK(err && strstr(err->msg, "ambiguous"));
			pea_err_free(err);
			CHECK_LOOKUP(ctx, id, id);
			CHECK_LOOKUP(ctx, seen[slot], seen[slot]);
			break;
		}
		have[slot] = 1;
		snprintf(seen[slot], DIGEST_MAX, "%s", id);
	}
	CHECK(i < 5000);
	ctx_free(ctx);
}

TEST(tag_moves_names)
{
	struct pea_ctx *ctx = ctx_new();
	cleanup_free char *a = fake_image(ctx, "app:1", "a", NULL);
	cleanup_free char *b = fake_image(ctx, "other", "b", NULL);
	struct img_info info = { 0 };
	struct pea_err *err = NULL;

	CHECK_INT(img_tag(ctx, "other", "app:1", &err), 0);
	print_err(err);
	CHECK_LOOKUP(ctx, "app:1", b);
	CHECK_INT(img_lookup(ctx, a, &info, NULL), 0);
	CHECK(info.names && info.names[0] == NULL);
	img_info_release(&info);
	CHECK_INT(img_tag(ctx, a, "quay.io/x/y:2", NULL), 0);
	CHECK_LOOKUP(ctx, "quay.io/x/y:2", a);
	/* The manifest digest answers under every name's repository... */
	CHECK_INT(img_lookup(ctx, a, &info, NULL), 0);
	{
		cleanup_free char *byd = xasprintf("quay.io/x/y@%s", info.manifest_digest);
		cleanup_free char *other = xasprintf("quay.io/x_y@%s", info.manifest_digest);

		CHECK_LOOKUP(ctx, byd, a);
		/* ...and only those. */
		CHECK(!img_exists(ctx, other));
		CHECK(info.repo_digests[0] && info.repo_digests[1] &&
		      !strcmp(info.repo_digests[1], byd));
	}
	img_info_release(&info);
	CHECK_INT(img_tag(ctx, "nothere", "z", &err), -1);
	CHECK(pea_err_is(err, PEA_E_NOT_FOUND));
	pea_err_free(err);
	ctx_free(ctx);
}

static void collect(const char *what, const char *value, void *data)
{
	struct strbuf *sb = data;

	strbuf_addf(sb, "%s %s;", what, value);
}

TEST(remove_untags_then_deletes)
{
	struct pea_ctx *ctx = ctx_new();
	cleanup_free char *id = fake_image(ctx, "app:1", "a", NULL);
	cleanup_free char *want = NULL;
	struct strbuf sb = STRBUF_INIT;
	struct pea_err *err = NULL;

	CHECK_INT(img_tag(ctx, "app:1", "app:2", NULL), 0);
	/* By id while it has two names: refused without force. */
	CHECK_INT(img_remove(ctx, id, false, collect, &sb, &err), -1);
	CHECK(pea_err_is(err, PEA_E_IN_USE));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(img_remove(ctx, "app:1", false, collect, &sb, &err), 0);
	print_err(err);
	CHECK_STR(sb.buf, "untagged docker.io/library/app:1;");
	CHECK(img_exists(ctx, id));
	strbuf_reset(&sb);
	CHECK_INT(img_remove(ctx, "app:2", false, collect, &sb, &err), 0);
	print_err(err);
	want = xasprintf("untagged docker.io/library/app:2;deleted %s;", id);
	CHECK_STR(sb.buf, want);
	CHECK(!img_exists(ctx, id));
	strbuf_release(&sb);
	ctx_free(ctx);
}

static void count_ids(const char *id, void *data)
{
	(*(int *)data)++;
}

TEST(prune_removes_dangling_images_and_their_blobs)
{
	struct pea_ctx *ctx = ctx_new();
	cleanup_free char *named = fake_image(ctx, "keep", "a", NULL);
	cleanup_free char *dangling = fake_image(ctx, NULL, "b", NULL);
	cleanup_free char *cdg_named = xasprintf("sha256:%s", named);
	cleanup_free char *cdg_dang = xasprintf("sha256:%s", dangling);
	struct img_info *list = NULL;
	size_t n = 0;
	int count = 0;
	struct pea_err *err = NULL;

	CHECK_INT(img_list(ctx, &list, &n, NULL), 0);
	CHECK_INT(n, 2);
	if (n == 2)
		CHECK_STR(list[0].id, dangling);   /* newest first */
	img_info_list_free(list, n);
	CHECK(blob_exists(ctx->root, cdg_dang));
	CHECK_INT(img_prune(ctx, false, count_ids, &count, &err), 0);
	print_err(err);
	CHECK_INT(count, 1);
	CHECK(!img_exists(ctx, dangling));
	CHECK(img_exists(ctx, named));
	CHECK(!blob_exists(ctx->root, cdg_dang));
	CHECK(blob_exists(ctx->root, cdg_named));
	count = 0;
	CHECK_INT(img_prune(ctx, true, count_ids, &count, NULL), 0);
	CHECK_INT(count, 1);
	CHECK(!blob_exists(ctx->root, cdg_named));
	CHECK_INT(img_list(ctx, &list, &n, NULL), 0);
	CHECK_INT(n, 0);
	img_info_list_free(list, n);
	ctx_free(ctx);
}

static const char *cfg_str(struct json_object *cfg)
{
	return json_object_to_json_string_ext(cfg, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
}

#define CHECK_CHANGE(cfg, change, want)                                                 \
	do {                                                                            \
		struct pea_err *_e = NULL;                                              \
		CHECK_INT(img_parse_change((change), (cfg), &_e), 0);                   \
		print_err(_e);                                                          \
		pea_err_free(_e);                                                       \
		CHECK_STR(cfg_str(cfg), (want));                                        \
	} while (0)

TEST(change_instructions)
{
	struct json_object *c = json_object_new_object();
	struct pea_err *err = NULL;

	CHECK_CHANGE(c, "CMD [\"/bin/sh\", \"-l\"]", "{\"Cmd\":[\"/bin/sh\",\"-l\"]}");
	CHECK_CHANGE(c, "CMD echo hi there", "{\"Cmd\":[\"/bin/sh\",\"-c\",\"echo hi there\"]}");
	CHECK_CHANGE(c, "cmd=/bin/top", "{\"Cmd\":[\"/bin/sh\",\"-c\",\"/bin/top\"]}");
	json_object_put(c);
	c = json_object_new_object();
	CHECK_CHANGE(c, "ENTRYPOINT [\"/init\"]", "{\"Entrypoint\":[\"/init\"]}");
	json_object_put(c);
	c = json_object_new_object();
	CHECK_CHANGE(c, "ENV A=1 B=\"two words\"", "{\"Env\":[\"A=1\",\"B=two words\"]}");
	CHECK_CHANGE(c, "ENV A 3 4", "{\"Env\":[\"A=3 4\",\"B=two words\"]}");
	json_object_put(c);
	c = json_object_new_object();
	CHECK_CHANGE(c, "WORKDIR /srv", "{\"WorkingDir\":\"/srv\"}");
	CHECK_CHANGE(c, "USER 1000:1000", "{\"WorkingDir\":\"/srv\",\"User\":\"1000:1000\"}");
	json_object_put(c);
	c = json_object_new_object();
	CHECK_CHANGE(c, "LABEL a=b c=\"d e\"", "{\"Labels\":{\"a\":\"b\",\"c\":\"d e\"}}");
	json_object_put(c);
	c = json_object_new_object();
	CHECK_CHANGE(c, "EXPOSE 80 53/UDP", "{\"ExposedPorts\":{\"80/tcp\":{},\"53/udp\":{}}}");
	json_object_put(c);
	c = json_object_new_object();
	CHECK_CHANGE(c, "VOLUME /data /logs", "{\"Volumes\":{\"/data\":{},\"/logs\":{}}}");
	CHECK_CHANGE(c, "VOLUME [\"/x\"]", "{\"Volumes\":{\"/data\":{},\"/logs\":{},\"/x\":{}}}");
	json_object_put(c);
	c = json_object_new_object();
	CHECK_CHANGE(c, "STOPSIGNAL SIGINT", "{\"StopSignal\":\"SIGINT\"}");

	CHECK_INT(img_parse_change("ONBUILD RUN x", c, &err), -1);
	CHECK(pea_err_is(err, PEA_E_INVALID) && strstr(err->msg, "unknown instruction 'ONBUILD'"));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(img_parse_change("CMD [\"a\", 1]", c, &err), -1);
	CHECK(err && strstr(err->msg, "not a JSON array of strings"));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(img_parse_change("EXPOSE 99999", c, &err), -1);
	pea_err_free(err);
	err = NULL;
	CHECK_INT(img_parse_change("ENV", c, &err), -1);
	pea_err_free(err);
	err = NULL;
	CHECK_INT(img_parse_change("ENV =x", c, &err), -1);
	pea_err_free(err);
	CHECK_STR(cfg_str(c), "{\"StopSignal\":\"SIGINT\"}");
	json_object_put(c);
}

/* ---- archives (need the layer store and skopeo as the reference) ---- */

static int sh(const char *cmd)
{
	int rc = system(cmd);

	if (rc != 0)
		printf("#   command failed (%d): %s\n", rc, cmd);
	return rc;
}

static char *work_dir(struct pea_ctx *ctx)
{
	cleanup_free char *top = xstrdup(ctx->root);

	*strrchr(top, '/') = '\0';
	return path_join(top, "work");
}

/* rootfs.tar.gz with /hello and /etc/x under the ctx's temp dir. */
static char *make_rootfs(struct pea_ctx *ctx)
{
	cleanup_free char *w = work_dir(ctx);
	cleanup_free char *cmd = xasprintf(
		"mkdir -p %s/rootfs/etc && echo hi > %s/rootfs/hello && echo x > %s/rootfs/etc/x"
		" && tar -C %s/rootfs -czf %s/rootfs.tar.gz .", w, w, w, w, w);

	if (sh(cmd) != 0)
		return NULL;
	return xasprintf("%s/rootfs.tar.gz", w);
}

static char **load_names(struct pea_ctx *ctx, const char *path)
{
	struct pea_err *err = NULL;
	char **names = img_load(ctx, path, &err);

	print_err(err);
	pea_err_free(err);
	return names;
}

TEST(import_applies_changes)
{
	struct pea_ctx *ctx = ctx_new();
	cleanup_free char *tgz = make_rootfs(ctx);
	const char *changes[] = { "CMD [\"/hello\"]", "ENV A=1", "WORKDIR /etc" };
	struct pea_err *err = NULL;
	cleanup_free char *id = NULL, *cfg = NULL;
	struct img_info info = { 0 };

	CHECK(tgz != NULL);
	id = tgz ? img_import(ctx, tgz, "imp:1", changes, 3, &err) : NULL;
	print_err(err);
	pea_err_free(err);
	CHECK(id != NULL);
	if (!id)
		goto out;
	CHECK_LOOKUP(ctx, "docker.io/library/imp:1", id);
	CHECK_INT(img_lookup(ctx, id, &info, NULL), 0);
	CHECK_INT(info.n_layers, 1);
	/* The uncompressed tar is kept as a blob named by its diff_id. */
	CHECK(info.diff_ids[0] && blob_exists(ctx->root, info.diff_ids[0]));
	/* The layer is unpacked in the layer store. */
	CHECK(layer_exists(ctx, info.diff_ids[0]));
	{
		cleanup_free char *dir = layer_diff_dir(ctx, info.diff_ids[0]);
		cleanup_free char *hello = dir ? path_join(dir, "hello") : NULL;

		CHECK(hello && io_exists(hello));
	}
	cfg = img_config_json(ctx, &info, NULL);
	CHECK(cfg && strstr(cfg, "\"Cmd\":[\"/hello\"]") && strstr(cfg, "\"Env\":[\"A=1\"]") &&
	      strstr(cfg, "\"WorkingDir\":\"/etc\"") && strstr(cfg, "\"os\":\"linux\"") &&
	      strstr(cfg, info.diff_ids[0]));
	img_info_release(&info);
	CHECK(img_import(ctx, tgz, NULL, (const char *[]){ "BOGUS x" }, 1, &err) == NULL);
	CHECK(err && strstr(err->msg, "unknown instruction"));
	pea_err_free(err);
out:
	ctx_free(ctx);
}

static bool strv_eq1(char **v, const char *s)
{
	return v && v[0] && !strcmp(v[0], s) && !v[1];
}

TEST(docker_archive_round_trip_through_skopeo)
{
	struct pea_ctx *ctx = ctx_new(), *ctx2 = ctx_new();
	cleanup_free char *tgz = make_rootfs(ctx), *w = work_dir(ctx), *id = NULL;
	cleanup_free char *tar = xasprintf("%s/d.tar", w), *tar2 = xasprintf("%s/d2.tar", w);
	cleanup_free char *cmd = NULL, *id2 = NULL;
	const char *names[] = { "localhost/rt:1" };
	struct pea_err *err = NULL;
	cleanup_strv char **loaded = NULL, **loaded2 = NULL;

	id = tgz ? img_import(ctx, tgz, "localhost/rt:1", NULL, 0, &err) : NULL;
	CHECK(id != NULL);
	if (!id)
		goto out;
	CHECK_INT(img_save(ctx, names, 1, IMG_DOCKER_ARCHIVE, tar, &err), 0);
	print_err(err);
	/* skopeo must accept it and be able to write it back as an archive. */
	cmd = xasprintf("skopeo copy -q docker-archive:%s oci:%s/o:latest && skopeo copy -q "
			"oci:%s/o:latest docker-archive:%s:quay.io/x/y:2", tar, w, w, tar2);
	CHECK_INT(sh(cmd), 0);
	/* Our own archive loads back to the same image id and name. */
	loaded = load_names(ctx2, tar);
	CHECK(strv_eq1(loaded, "localhost/rt:1"));
	CHECK_LOOKUP(ctx2, "rt:1", id);
	{
		/* The manifest written for a docker-archive is the one import wrote. */
		struct img_info a = { 0 }, b = { 0 };

		CHECK_INT(img_lookup(ctx, id, &a, NULL), 0);
		CHECK_INT(img_lookup(ctx2, id, &b, NULL), 0);
		CHECK_STR(b.manifest_digest, a.manifest_digest);
		CHECK_STR(b.diff_ids[0], a.diff_ids[0]);
		img_info_release(&a);
		img_info_release(&b);
	}
	/* skopeo's archive (from stdin) too. */
	{
		int saved = dup(0);
		int fd = open(tar2, O_RDONLY);

		dup2(fd, 0);
		close(fd);
		loaded2 = load_names(ctx2, "-");
		dup2(saved, 0);
		close(saved);
	}
	CHECK(strv_eq1(loaded2, "quay.io/x/y:2"));
	id2 = lookup_id(ctx2, "quay.io/x/y:2");
	CHECK_STR(id2, id);
out:
	ctx_free(ctx);
	ctx_free(ctx2);
}

TEST(oci_archive_round_trip_through_skopeo)
{
	struct pea_ctx *ctx = ctx_new(), *ctx2 = ctx_new();
	cleanup_free char *tgz = make_rootfs(ctx), *w = work_dir(ctx), *id = NULL;
	cleanup_free char *tar = xasprintf("%s/o.tar", w), *tar2 = xasprintf("%s/o2.tar", w);
	cleanup_free char *cmd = NULL, *id2 = NULL;
	const char *names[] = { "ocirt" };
	struct pea_err *err = NULL;
	cleanup_strv char **loaded = NULL, **loaded2 = NULL;

	id = tgz ? img_import(ctx, tgz, "ocirt", NULL, 0, &err) : NULL;
	CHECK(id != NULL);
	if (!id)
		goto out;
	CHECK_INT(img_save(ctx, names, 1, IMG_OCI_ARCHIVE, tar, &err), 0);
	print_err(err);
	cmd = xasprintf("skopeo copy -q oci-archive:%s oci:%s/o:latest && skopeo copy -q "
			"oci:%s/o:latest oci-archive:%s:latest", tar, w, w, tar2);
	CHECK_INT(sh(cmd), 0);
	loaded = load_names(ctx2, tar);
	CHECK(strv_eq1(loaded, "docker.io/library/ocirt:latest"));
	CHECK_LOOKUP(ctx2, "ocirt", id);
	/* A bare tag in ref.name names nothing: the id comes back. */
	loaded2 = load_names(ctx2, tar2);
	CHECK(strv_eq1(loaded2, id));
	id2 = lookup_id(ctx2, id);
	CHECK_STR(id2, id);
out:
	ctx_free(ctx);
	ctx_free(ctx2);
}

TEST(gzip_layers_are_decompressed_for_docker_archive)
{
	struct pea_ctx *ctx = ctx_new(), *ctx2 = ctx_new();
	cleanup_free char *tgz = make_rootfs(ctx), *w = work_dir(ctx), *id = NULL;
	cleanup_free char *d = xasprintf("%s/d.tar", w), *c = xasprintf("%s/c.tar", w);
	cleanup_free char *dd = xasprintf("%s/dd.tar", w), *cmd = NULL;
	const char *names[] = { "gz" }, *names2[] = { "x/y:3" };
	struct pea_err *err = NULL;
	cleanup_strv char **l1 = NULL, **l2 = NULL;

	id = tgz ? img_import(ctx, tgz, "gz", NULL, 0, &err) : NULL;
	CHECK(id && img_save(ctx, names, 1, IMG_DOCKER_ARCHIVE, d, &err) == 0);
	print_err(err);
	cmd = xasprintf("skopeo copy -q --dest-compress docker-archive:%s oci-archive:%s:x/y:3",
			d, c);
	CHECK_INT(sh(cmd), 0);
	/* Load the gzip layer, then save it uncompressed again. */
	l1 = load_names(ctx2, c);
	CHECK(strv_eq1(l1, "docker.io/x/y:3"));
	CHECK_INT(img_save(ctx2, names2, 1, IMG_DOCKER_ARCHIVE, dd, &err), 0);
	print_err(err);
	free(cmd);
	cmd = xasprintf("skopeo copy -q docker-archive:%s oci:%s/o:latest", dd, w);
	CHECK_INT(sh(cmd), 0);
	{
		/* Pruning everything frees the layers and blobs too. */
		struct img_info info = { 0 };
		cleanup_free char *diff = NULL;

		CHECK_INT(img_lookup(ctx, id, &info, NULL), 0);
		diff = info.diff_ids && info.diff_ids[0] ? xstrdup(info.diff_ids[0]) : NULL;
		img_info_release(&info);
		CHECK_INT(img_prune(ctx, true, NULL, NULL, &err), 0);
		print_err(err);
		CHECK(diff && !layer_exists(ctx, diff) && !blob_exists(ctx->root, diff));
	}
	l2 = load_names(ctx, dd);
	CHECK(strv_eq1(l2, "docker.io/x/y:3"));
	CHECK_LOOKUP(ctx, "x/y:3", id);
	ctx_free(ctx);
	ctx_free(ctx2);
}

TEST(mount_shows_the_image_tree)
{
	struct pea_ctx *ctx = ctx_new();
	cleanup_free char *tgz = make_rootfs(ctx), *id = NULL, *mnt = NULL, *hello = NULL;
	struct pea_err *err = NULL;

	if (geteuid() != 0)
		SKIP("mounting needs root (CAP_SYS_ADMIN)");
	/* The default driver: overlay where the kernel allows it. */
	free(ctx->storage_driver);
	ctx->storage_driver = NULL;
	id = tgz ? img_import(ctx, tgz, "mnt", NULL, 0, &err) : NULL;
	mnt = id ? img_mount(ctx, "mnt", &err) : NULL;
	print_err(err);
	pea_err_free(err);
	err = NULL;
	CHECK(mnt != NULL);
	hello = mnt ? path_join(mnt, "hello") : NULL;
	CHECK(hello && io_exists(hello));
	CHECK_INT(img_unmount(ctx, "mnt", &err), 0);
	print_err(err);
	pea_err_free(err);
	CHECK(!hello || !io_exists(hello));
	ctx_free(ctx);
}

TEST(load_refuses_garbage)
{
	struct pea_ctx *ctx = ctx_new();
	cleanup_free char *w = work_dir(ctx), *cmd = NULL, *path = NULL;
	struct pea_err *err = NULL;

	cmd = xasprintf("mkdir -p %s/g && echo x > %s/g/README && tar -C %s/g -cf %s/g.tar .",
			w, w, w, w);
	CHECK_INT(sh(cmd), 0);
	path = xasprintf("%s/g.tar", w);
	CHECK(img_load(ctx, path, &err) == NULL);
	CHECK(err && strstr(err->msg, "neither a docker-archive"));
	pea_err_free(err);
	ctx_free(ctx);
}

int main(void)
{
	RUN(commit_and_lookup);
	RUN(short_name_falls_back_to_localhost);
	RUN(ambiguous_id_prefix_is_an_error);
	RUN(tag_moves_names);
	RUN(remove_untags_then_deletes);
	RUN(prune_removes_dangling_images_and_their_blobs);
	RUN(change_instructions);
	RUN(import_applies_changes);
	RUN(docker_archive_round_trip_through_skopeo);
	RUN(oci_archive_round_trip_through_skopeo);
	RUN(gzip_layers_are_decompressed_for_docker_archive);
	RUN(mount_shows_the_image_tree);
	RUN(load_refuses_garbage);
	return tap_done();
}
