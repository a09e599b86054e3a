/* Layer store and rootfs drivers on the real kernel (run as root). */
#include "tests/unit/tap.h"
#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "podengine/blobstore.h"
#include "podengine/digest.h"
#include "podengine/layers.h"
#include "podengine/state.h"
#include "podengine/storage.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/banned.h"

static la_ssize_t sb_write(struct archive *a, void *data, const void *buf, size_t len)
{
	strbuf_add(data, buf, len);
	return (la_ssize_t)len;
}

/* A tar from "path=content" specs; "dir/" is a directory, empty content
 * files are fine (.wh. markers). */
static void build_tar(const char *const *spec, bool gzip, struct strbuf *out)
{
	struct archive *a = archive_write_new();

	archive_write_set_format_pax_restricted(a);
	if (gzip)
		archive_write_add_filter_gzip(a);
	/* Same inner bytes with and without gzip (libarchive pads plain
	 * output to 10240 bytes by default, compressed output not). */
	archive_write_set_bytes_in_last_block(a, 1);
	archive_write_open(a, out, NULL, sb_write, NULL);
	for (; *spec; spec++) {
		struct archive_entry *e = archive_entry_new();
		const char *eq = strchr(*spec, '=');
		cleanup_free char *path = eq ? xstrndup(*spec, (size_t)(eq - *spec)) : xstrdup(*spec);
		const char *data = eq ? eq + 1 : "";
		size_t len = strlen(path);

		archive_entry_set_pathname(e, path);
		archive_entry_set_mtime(e, 1000000, 0);
		if (path[len - 1] == '/') {
			archive_entry_set_filetype(e, AE_IFDIR);
			archive_entry_set_perm(e, 0755);
		} else {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_size(e, (la_int64_t)strlen(data));
		}
		archive_write_header(a, e);
		archive_write_data(a, data, strlen(data));
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
}

static int memfd_of(const struct strbuf *sb)
{
	int fd = memfd_create("layer", MFD_CLOEXEC);

	xwrite_all(fd, sb->buf, sb->len);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static void ctx_setup(struct pea_ctx *ctx, const char *driver)
{
	char tmpl[] = "/var/tmp/pea-storage-XXXXXX";
	char *d = mkdtemp(tmpl);

	memset(ctx, 0, sizeof(*ctx));
	log_init(&ctx->log);
	ctx->root = path_join(d, "root");
	ctx->runroot = path_join(d, "run");
	ctx->storage_driver = driver ? xstrdup(driver) : NULL;
	io_mkdir_p(ctx->root, 0700, NULL);
	io_mkdir_p(ctx->runroot, 0700, NULL);
}

static void ctx_teardown(struct pea_ctx *ctx)
{
	cleanup_free char *top = xstrdup(ctx->root);

	*strrchr(top, '/') = '\0';

	if (ctx->state)
		state_close(ctx->state);
	ctx->state = NULL;
	io_rm_rf(top, NULL);
	ctx_release(ctx);
}

static bool mountinfo_mentions(const char *s)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;

	io_read_file("/proc/self/mountinfo", &sb, NULL);
	return strstr(sb.buf, s) != NULL;
}

static int import(struct pea_ctx *ctx, const char *const *spec, char id[DIGEST_MAX])
{
	cleanup_strbuf struct strbuf tar = STRBUF_INIT;
	cleanup_close int fd = -1;
	struct pea_err *err = NULL;
	int r;

	build_tar(spec, false, &tar);
	fd = memfd_of(&tar);
	r = layer_import_fd(ctx, fd, id, &err);
	if (err)
		printf("# import: %s\n", err->msg);
	pea_err_free(err);
	return r;
}

static bool have_fuse_overlayfs(void)
{
	cleanup_free char *prog = store_fuse_program();

	return prog && access("/dev/fuse", F_OK) == 0;
}

static char *read_in(const char *dir, const char *name)
{
	cleanup_free char *p = path_join(dir, name);
	struct strbuf sb = STRBUF_INIT;

	if (io_read_file(p, &sb, NULL) < 0) {
		strbuf_release(&sb);
		return xstrdup("(missing)");
	}
	return strbuf_detach(&sb, NULL);
}

static const char *const l1[] = { "a=1", "b=1", "d/", "d/x=1", "keep=1", NULL };
static const char *const l2[] = { "a=2", ".wh.b", "d/", "d/.wh..wh..opq", "d/y=2", NULL };
static const char *const l3[] = { "a=3", "c=3", NULL };

static void check_merged(const char *m)
{
	cleanup_free char *a = read_in(m, "a"), *b = read_in(m, "b"), *c = read_in(m, "c");
	cleanup_free char *x = read_in(m, "d/x"), *y = read_in(m, "d/y"), *k = read_in(m, "keep");

	CHECK_STR(a, "3");
	CHECK_STR(b, "(missing)");
	CHECK_STR(c, "3");
	CHECK_STR(x, "(missing)");
	CHECK_STR(y, "2");
	CHECK_STR(k, "1");
}

/* rootless: layers as a rootless store has them (user.overlay.opaque,
 * layer-unpack.h) and overlay mounted with "userxattr" - here as root of
 * the initial namespace, which the kernel allows too. */
static void three_layers_as(const char *driver, bool rootless)
{
	struct pea_ctx ctx;
	struct pea_err *err = NULL;
	char ids[3][DIGEST_MAX];
	const char *v[3] = { ids[0], ids[1], ids[2] };
	cleanup_free char *m = NULL, *m2 = NULL, *newf = NULL, *upnew = NULL, *cdir = NULL;

	ctx_setup(&ctx, driver);
	ctx.rootless = rootless;
	CHECK_INT(import(&ctx, l1, ids[0]), 0);
	CHECK_INT(import(&ctx, l2, ids[1]), 0);
	CHECK_INT(import(&ctx, l3, ids[2]), 0);
	CHECK_INT(store_rootfs_create(&ctx, "c1", v, 3, &err), 0);
	CHECK_INT(store_rootfs_create(&ctx, "c1", v, 3, &err), -1);
	CHECK(pea_err_is(err, PEA_E_EXISTS));
	pea_err_free(err);
	err = NULL;
	m = store_rootfs_mount(&ctx, "c1", false, &err);
	CHECK(m != NULL);
	if (err)
		printf("# %s\n", err->msg);
	if (!m)
		goto out;
	CHECK(store_rootfs_mounted(&ctx, "c1"));
	check_merged(m);
	m2 = store_rootfs_mount(&ctx, "c1", false, &err);   /* idempotent */
	CHECK_STR(m2, m);
	newf = path_join(m, "new");
	CHECK_INT(io_write_file_atomic(newf, "n", 1, 0644, &err), 0);
	cdir = xasprintf("%s/containers/c1", ctx.root);
	if (strcmp(driver, "vfs")) {
		upnew = path_join(cdir, "upper/new");
		CHECK(io_exists(upnew));
	}
	CHECK_INT(store_rootfs_umount(&ctx, "c1", &err), 0);
	CHECK(!store_rootfs_mounted(&ctx, "c1"));
	CHECK(!mountinfo_mentions(cdir));
	CHECK_INT(store_rootfs_umount(&ctx, "c1", &err), 0);
	free(m);
	m = store_rootfs_mount(&ctx, "c1", true, &err);   /* again, read-only */
	CHECK(m != NULL);
	CHECK(m && io_exists(newf));
	CHECK_INT(io_write_file_atomic(newf, "n", 1, 0644, &err), -1);
	CHECK(err && err->errnum == EROFS);
	pea_err_free(err);
	err = NULL;
	CHECK_INT(store_rootfs_remove(&ctx, "c1", &err), 0);
	CHECK(!io_exists(cdir));
	CHECK(!mountinfo_mentions(ctx.root));
out:
	ctx_teardown(&ctx);
}

static void three_layers(const char *driver)
{
	three_layers_as(driver, false);
}

TEST(overlay_three_layers)
{
	three_layers("overlay");
}

TEST(vfs_three_layers)
{
	three_layers("vfs");
}

TEST(fuse_overlayfs_three_layers)
{
	if (!have_fuse_overlayfs())
		SKIP("needs the fuse-overlayfs program and /dev/fuse");
	three_layers("fuse-overlayfs");
}

TEST(rootless_layers_overlay_userxattr)
{
	three_layers_as("overlay", true);
}

TEST(rootless_layers_vfs)
{
	three_layers_as("vfs", true);
}

TEST(rootless_layers_fuse_overlayfs)
{
	if (!have_fuse_overlayfs())
		SKIP("needs the fuse-overlayfs program and /dev/fuse");
	three_layers_as("fuse-overlayfs", true);
}

TEST(rootless_opaque_is_a_user_xattr)
{
	struct pea_ctx ctx;
	char id[DIGEST_MAX];
	cleanup_free char *d = NULL, *dir = NULL;
	char v[4] = "";

	ctx_setup(&ctx, "vfs");
	ctx.rootless = true;
	CHECK_INT(import(&ctx, l2, id), 0);
	dir = layer_diff_dir(&ctx, id);
	d = path_join(dir, "d");
	CHECK_INT(lgetxattr(d, "user.overlay.opaque", v, sizeof(v) - 1), 1);
	CHECK_STR(v, "y");
	CHECK_INT(lgetxattr(d, "trusted.overlay.opaque", v, sizeof(v) - 1), -1);
	ctx_teardown(&ctx);
}

TEST(overlay_120_layers)
{
	struct pea_ctx ctx;
	struct pea_err *err = NULL;
	char ids[120][DIGEST_MAX];
	const char *v[120];
	cleanup_free char *m = NULL, *f0 = NULL, *f119 = NULL, *top = NULL;
	int i;

	ctx_setup(&ctx, "overlay");
	for (i = 0; i < 120; i++) {
		cleanup_free char *f = xasprintf("f%d=%d", i, i);
		cleanup_free char *t = xasprintf("top=%d", i);
		const char *spec[] = { f, t, NULL };

		CHECK_INT(import(&ctx, spec, ids[i]), 0);
		v[i] = ids[i];
	}
	CHECK_INT(store_rootfs_create(&ctx, "big", v, 120, &err), 0);
	m = store_rootfs_mount(&ctx, "big", false, &err);
	if (err)
		printf("# %s\n", err->msg);
	CHECK(m != NULL);
	if (m) {
		f0 = read_in(m, "f0");
		f119 = read_in(m, "f119");
		top = read_in(m, "top");
		CHECK_STR(f0, "0");
		CHECK_STR(f119, "119");
		CHECK_STR(top, "119");
	}
	CHECK_INT(store_rootfs_remove(&ctx, "big", &err), 0);
	CHECK(!mountinfo_mentions(ctx.root));
	ctx_teardown(&ctx);
}

static void image_view(const char *driver)
{
	struct pea_ctx ctx;
	struct pea_err *err = NULL;
	char ids[3][DIGEST_MAX];
	const char *v[3] = { ids[0], ids[1], ids[2] };
	cleanup_free char *m = NULL, *m1 = NULL, *k = NULL, *w = NULL;

	ctx_setup(&ctx, driver);
	CHECK_INT(import(&ctx, l1, ids[0]), 0);
	CHECK_INT(import(&ctx, l2, ids[1]), 0);
	CHECK_INT(import(&ctx, l3, ids[2]), 0);
	m = store_image_mount(&ctx, "img3", v, 3, &err);
	CHECK(m != NULL);
	if (m) {
		check_merged(m);
		w = path_join(m, "w");
		CHECK_INT(io_write_file_atomic(w, "x", 1, 0644, &err), -1);
		pea_err_free(err);
		err = NULL;
	}
	m1 = store_image_mount(&ctx, "img1", v, 1, &err);   /* one lower only */
	if (err)
		printf("# %s\n", err->msg);
	CHECK(m1 != NULL);
	if (m1) {
		k = read_in(m1, "b");
		CHECK_STR(k, "1");
	}
	CHECK_INT(store_image_umount(&ctx, "img3", &err), 0);
	CHECK_INT(store_image_umount(&ctx, "img1", &err), 0);
	CHECK_INT(store_image_umount(&ctx, "img1", &err), 0);
	CHECK(!mountinfo_mentions(ctx.root));
	ctx_teardown(&ctx);
}

TEST(overlay_image_mount)
{
	image_view("overlay");
}

TEST(vfs_image_mount)
{
	image_view("vfs");
}

TEST(fuse_overlayfs_image_mount)
{
	if (!have_fuse_overlayfs())
		SKIP("needs the fuse-overlayfs program and /dev/fuse");
	image_view("fuse-overlayfs");
}

static char *record_of(struct pea_ctx *ctx)
{
	cleanup_free char *p = path_join(ctx->root, "storage-driver");
	struct strbuf sb = STRBUF_INIT;

	io_read_file(p, &sb, NULL);
	return strbuf_detach(&sb, NULL);
}

static void write_record(struct pea_ctx *ctx, const char *text)
{
	cleanup_free char *p = path_join(ctx->root, "storage-driver");

	io_write_file_atomic(p, text, strlen(text), 0600, NULL);
}

TEST(driver_probe_picks_overlay_and_records_it)
{
	struct pea_ctx ctx;
	cleanup_free char *rec = NULL, *reason = NULL, *probes = NULL;

	ctx_setup(&ctx, NULL);
	CHECK_STR(store_driver_name(&ctx), "overlay");
	rec = record_of(&ctx);
	CHECK_STR(rec, "overlay\noverlay mounts under the graph root\n");
	reason = store_driver_reason(&ctx);
	CHECK_STR(reason, "overlay mounts under the graph root");
	/* the store keeps what it has, whatever a probe would say now */
	write_record(&ctx, "vfs\nmade so\n");
	CHECK_STR(store_driver_name(&ctx), "vfs");
	free(reason);
	reason = store_driver_reason(&ctx);
	CHECK_STR(reason, "made so");
	/* the probe leaves nothing behind */
	probes = xasprintf("ls %s | grep -q probe", ctx.root);
	CHECK(system(probes) != 0);
	ctx_teardown(&ctx);
}

TEST(driver_flag_records_a_new_store_and_overrides_an_old_one)
{
	struct pea_ctx ctx;
	cleanup_free char *rec = NULL, *reason = NULL;

	ctx_setup(&ctx, "vfs");
	CHECK_STR(store_driver_name(&ctx), "vfs");
	rec = record_of(&ctx);
	CHECK_STR(rec, "vfs\n--storage-driver vfs when the store was made\n");
	free(ctx.storage_driver);
	ctx.storage_driver = NULL;
	CHECK_STR(store_driver_name(&ctx), "vfs");
	ctx.storage_driver = xstrdup("overlay");
	CHECK_STR(store_driver_name(&ctx), "overlay");
	reason = store_driver_reason(&ctx);
	CHECK_STR(reason, "--storage-driver overlay (the store's driver is vfs)");
	free(rec);
	rec = record_of(&ctx);
	CHECK_STR(rec, "vfs\n--storage-driver vfs when the store was made\n");
	ctx_teardown(&ctx);
}

TEST(rootless_probe_mounts_overlay_with_userxattr)
{
	struct pea_ctx ctx;
	cleanup_free char *reason = NULL, *why = NULL;

	ctx_setup(&ctx, NULL);
	ctx.rootless = true;
	CHECK_STR(store_driver_name(&ctx), "overlay");
	reason = store_driver_reason(&ctx);
	CHECK_STR(reason, "overlay mounts in the user namespace (userxattr)");
	if (have_fuse_overlayfs()) {
		CHECK(store_fuse_overlay_works(&ctx, &why));
		if (why)
			printf("# %s\n", why);
	}
	ctx_teardown(&ctx);
}

TEST(driver_record_parse_and_format)
{
	char *name = NULL, *reason = NULL, *text;

	CHECK_INT(store_record_parse("overlay\n", &name, &reason), 0);
	CHECK_STR(name, "overlay");
	CHECK_STR(reason, "");
	free(name);
	free(reason);
	CHECK_INT(store_record_parse("fuse-overlayfs  \nwhy: not\nrest\n", &name, &reason), 0);
	CHECK_STR(name, "fuse-overlayfs");
	CHECK_STR(reason, "why: not");
	free(name);
	free(reason);
	CHECK_INT(store_record_parse("vfs", &name, &reason), 0);
	CHECK_STR(name, "vfs");
	free(name);
	free(reason);
	CHECK_INT(store_record_parse("btrfs\n", &name, &reason), -1);
	CHECK_INT(store_record_parse("", &name, &reason), -1);
	text = store_record_format("vfs", "a\nb");
	CHECK_STR(text, "vfs\na b\n");
	free(text);
	text = store_record_format("overlay", NULL);
	CHECK_STR(text, "overlay\n\n");
	free(text);
}

TEST(layer_ensure_from_blob_verifies_diff_id)
{
	struct pea_ctx ctx;
	struct pea_err *err = NULL;
	cleanup_strbuf struct strbuf plain = STRBUF_INIT, gz = STRBUF_INIT;
	char diff_id[DIGEST_MAX], blob[DIGEST_MAX], bogus[DIGEST_MAX];
	cleanup_free char *dir = NULL, *f = NULL, *layers = NULL;
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	int n = 0;

	ctx_setup(&ctx, NULL);
	build_tar(l1, false, &plain);
	build_tar(l1, true, &gz);
	digest_buf(plain.buf, plain.len, diff_id);
	CHECK_INT(blob_put(ctx.root, gz.buf, gz.len, NULL, blob, &err), 0);
	digest_buf("nope", 4, bogus);
	CHECK_INT(layer_ensure(&ctx, blob, NULL, bogus, &err), -1);
	CHECK(err && strstr(err->msg, "mismatch"));
	pea_err_free(err);
	err = NULL;
	CHECK(!layer_exists(&ctx, bogus));
	CHECK_INT(layer_ensure(&ctx, blob, "application/vnd.oci.image.layer.v1.tar+gzip", diff_id,
			       &err), 0);
	if (err)
		printf("# %s\n", err->msg);
	CHECK(layer_exists(&ctx, diff_id));
	CHECK_INT(layer_size(&ctx, diff_id), 4);
	dir = layer_diff_dir(&ctx, diff_id);
	f = read_in(dir, "d/x");
	CHECK_STR(f, "1");
	CHECK_INT(layer_ensure(&ctx, blob, NULL, diff_id, &err), 0);
	/* Nothing but the layer and its lock file: no tmp-* leftovers. */
	layers = path_join(ctx.root, "layers");
	d = opendir(layers);
	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	CHECK_INT(n, 3);   /* <hex>, <hex>.lock, <bogus hex>.lock */
	CHECK_INT(layer_prune(&ctx, &err), 1);
	CHECK(!layer_exists(&ctx, diff_id));
	CHECK(!io_exists(dir));
	ctx_teardown(&ctx);
}

TEST(concurrent_layer_ensure)
{
	struct pea_ctx ctx;
	cleanup_strbuf struct strbuf gz = STRBUF_INIT, plain = STRBUF_INIT;
	char diff_id[DIGEST_MAX], blob[DIGEST_MAX];
	pid_t pids[4];
	int i, status, ok = 0;

	ctx_setup(&ctx, NULL);
	build_tar(l2, false, &plain);
	build_tar(l2, true, &gz);
	digest_buf(plain.buf, plain.len, diff_id);
	blob_put(ctx.root, gz.buf, gz.len, NULL, blob, NULL);
	for (i = 0; i < 4; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			ctx.state = NULL;   /* each process opens its own */
			_exit(layer_ensure(&ctx, blob, NULL, diff_id, NULL) == 0 ? 0 : 1);
		}
	}
	for (i = 0; i < 4; i++)
		if (waitpid(pids[i], &status, 0) == pids[i] && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0)
			ok++;
	CHECK_INT(ok, 4);
	CHECK(layer_exists(&ctx, diff_id));
	ctx_teardown(&ctx);
}

int main(void)
{
	umask(022);
	RUN(overlay_three_layers);
	RUN(vfs_three_layers);
	RUN(overlay_120_layers);
	RUN(overlay_image_mount);
	RUN(vfs_image_mount);
	RUN(fuse_overlayfs_three_layers);
	RUN(fuse_overlayfs_image_mount);
	RUN(rootless_layers_overlay_userxattr);
	RUN(rootless_layers_vfs);
	RUN(rootless_layers_fuse_overlayfs);
	RUN(rootless_opaque_is_a_user_xattr);
	RUN(driver_probe_picks_overlay_and_records_it);
	RUN(driver_flag_records_a_new_store_and_overrides_an_old_one);
	RUN(rootless_probe_mounts_overlay_with_userxattr);
	RUN(driver_record_parse_and_format);
	RUN(layer_ensure_from_blob_verifies_diff_id);
	RUN(concurrent_layer_ensure);
	return tap_done();
}
