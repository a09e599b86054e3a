#include "tests/unit/tap.h"
#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/io.h"
#include "base/json.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "podengine/state.h"
#include "podengine/volume.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "base/banned.h"

static struct pea_ctx *ctx_new(void)
{
	char tmpl[] = "/tmp/pea-volume-XXXXXX";
	char *d = mkdtemp(tmpl);
	struct pea_ctx *ctx = xcalloc(1, sizeof(*ctx));

	ctx->root = path_join(d, "root");
	ctx->runroot = path_join(d, "run");
	ctx->rootless = geteuid() != 0;
	log_init(&ctx->log);
	return ctx;
}

static void ctx_free(struct pea_ctx *ctx)
{
	cleanup_free char *top = xstrndup(ctx->root, strlen(ctx->root) - strlen("/root"));

	state_close(ctx->state);
	ctx->state = NULL;
	io_rm_rf(top, NULL);
	ctx_release(ctx);
	free(ctx);
}

/* A containers row for the volume_users foreign key. */
static void fake_container(struct pea_ctx *ctx, const char *id)
{
	struct state *st = state_get(ctx, NULL);
	cleanup_free char *sql = xasprintf("INSERT INTO containers (id, name, state, created, spec)"
					   " VALUES ('%s', '%s', 'created', 0, '{}');", id, id);

	if (!st || state_exec(st, sql, NULL) < 0)
		printf("# could not insert a fake container\n");
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

TEST(create_makes_record_and_dirs)
{
	struct pea_ctx *ctx = ctx_new();
	char *labels[] = { "app=web", "tier", NULL };
	struct pea_err *err = NULL;
	cleanup_free char *name = NULL, *data = NULL;
	struct vol_info vi = { 0 };
	struct stat st;

	CHECK_INT(vol_create(ctx, "data1", labels, NULL, false, false, &name, &err), 0);
	CHECK_STR(name, "data1");
	CHECK_INT(vol_lookup(ctx, "data1", &vi, &err), 0);
	data = path_join(ctx->root, "volumes/data1/_data");
	CHECK_STR(vi.mountpoint, data);
	CHECK_STR(vi.driver, "local");
	CHECK_STR(vi.labels, "{\"app\":\"web\",\"tier\":\"\"}");
	CHECK_STR(vi.options, "{}");
	CHECK(vi.needs_copy_up);
	CHECK_INT(vi.users, 0);
	CHECK(stat(data, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK_INT(st.st_mode & 07777, 0755);
	CHECK(vol_exists(ctx, "data1"));
	CHECK(!vol_exists(ctx, "data2"));
	vol_info_release(&vi);
	pea_err_free(err);
	ctx_free(ctx);
}

TEST(duplicate_name_is_exists_unless_ignored)
{
	struct pea_ctx *ctx = ctx_new();
	struct pea_err *err = NULL;
	cleanup_free char *name = NULL, *marker = NULL;

	CHECK_INT(vol_create(ctx, "dup", NULL, NULL, false, false, NULL, &err), 0);
	/* Data written into it must survive a failed duplicate create. */
	marker = path_join(ctx->root, "volumes/dup/_data/keep");
	CHECK(close(open(marker, O_CREAT | O_WRONLY, 0600)) == 0);
	CHECK_INT(vol_create(ctx, "dup", NULL, NULL, false, false, NULL, &err), -1);
	CHECK(pea_err_is(err, PEA_E_EXISTS));
	CHECK(err && strstr(err->msg, "volume with name 'dup' already exists"));
	pea_err_free(err);
	err = NULL;
	CHECK(io_exists(marker));
	CHECK_INT(vol_create(ctx, "dup", NULL, NULL, false, true, &name, &err), 0);
	CHECK_STR(name, "dup");
	CHECK(io_exists(marker));
	ctx_free(ctx);
}

TEST(random_names_are_64_hex_and_differ)
{
	struct pea_ctx *ctx = ctx_new();
	cleanup_free char *a = NULL, *b = NULL;
	size_t i;

	CHECK_INT(vol_create(ctx, NULL, NULL, NULL, false, false, &a, NULL), 0);
	CHECK_INT(vol_create(ctx, NULL, NULL, NULL, false, false, &b, NULL), 0);
	CHECK(a && b && strlen(a) == 64 && strcmp(a, b));
	for (i = 0; a && a[i]; i++)
		CHECK((a[i] >= '0' && a[i] <= '9') || (a[i] >= 'a' && a[i] <= 'f'));
	CHECK(a && vol_exists(ctx, a));
	ctx_free(ctx);
}

TEST(names_are_validated)
{
	struct pea_ctx *ctx = ctx_new();
	struct pea_err *err = NULL;

	CHECK(vol_name_valid("a"));
	CHECK(vol_name_valid("A.b-c_9"));
	CHECK(!vol_name_valid(""));
	CHECK(!vol_name_valid(".hidden"));
	CHECK(!vol_name_valid("-x"));
	CHECK(!vol_name_valid("a/b"));
	CHECK(!vol_name_valid(".."));
	CHECK(!vol_name_valid("a b"));
	CHECK_INT(vol_create(ctx, "../evil", NULL, NULL, false, false, NULL, &err), -1);
	CHECK(pea_err_is(err, PEA_E_INVALID));
	pea_err_free(err);
	CHECK(!io_exists("/tmp/evil"));
	ctx_free(ctx);
}

TEST(options_are_validated)
{
	struct pea_ctx *ctx = ctx_new();
	char *tmpfs[] = { "type=tmpfs", "device=tmpfs", "o=size=1m,nodev,mode=1777", NULL };
	char *nfs[] = { "type=nfs", "device=1.2.3.4:/x", NULL };
	char *unknown[] = { "colour=blue", NULL };
	char *bad_o[] = { "o=size=1m", NULL };
	char *owner[] = { "o=uid=1234,gid=5678", NULL };
	cleanup_free char *data = NULL;
	struct pea_err *err = NULL;
	struct vol_info vi = { 0 };
	struct stat st;

	CHECK_INT(vol_create(ctx, "t", NULL, tmpfs, false, false, NULL, &err), 0);
	CHECK_INT(vol_lookup(ctx, "t", &vi, &err), 0);
	CHECK_STR(vi.options, "{\"type\":\"tmpfs\",\"device\":\"tmpfs\","
		  "\"o\":\"size=1m,nodev,mode=1777\"}");
	vol_info_release(&vi);
	CHECK_INT(vol_create(ctx, "n", NULL, nfs, false, false, NULL, &err), -1);
	CHECK(pea_err_is(err, PEA_E_INVALID) && strstr(err->msg, "unsupported volume type 'nfs'"));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(vol_create(ctx, "u", NULL, unknown, false, false, NULL, &err), -1);
	CHECK(pea_err_is(err, PEA_E_INVALID) && strstr(err->msg, "'colour'"));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(vol_create(ctx, "b", NULL, bad_o, false, false, NULL, &err), -1);
	CHECK(pea_err_is(err, PEA_E_INVALID));
	pea_err_free(err);
	err = NULL;
	CHECK(!vol_exists(ctx, "n") && !vol_exists(ctx, "u") && !vol_exists(ctx, "b"));
	if (geteuid() == 0) {
		CHECK_INT(vol_create(ctx, "o", NULL, owner, false, false, NULL, &err), 0);
		data = path_join(ctx->root, "volumes/o/_data");
		CHECK(stat(data, &st) == 0 && st.st_uid == 1234 && st.st_gid == 5678);
	}
	ctx_free(ctx);
}

TEST(list_sorts_and_filters)
{
	struct pea_ctx *ctx = ctx_new();
	char *la[] = { "env=prod", NULL }, *lb[] = { "env=dev", "x=1", NULL };
	char *f_label[] = { "label=env=prod", NULL };
	char *f_labelkey[] = { "label=env", NULL };
	char *f_or[] = { "name=^zeta$", "name=^alpha$", NULL };
	char *f_and[] = { "label=env", "name=^mid", NULL };
	char *f_neg[] = { "label!=x", NULL };
	char *f_dangling[] = { "dangling=false", NULL };
	char *f_bad[] = { "colour=red", NULL };
	struct vol_info *l = NULL;
	struct pea_err *err = NULL;
	size_t n = 0;

	vol_create(ctx, "zeta", la, NULL, false, false, NULL, NULL);
	vol_create(ctx, "alpha", NULL, NULL, false, false, NULL, NULL);
	vol_create(ctx, "middle", lb, NULL, false, false, NULL, NULL);
	CHECK_INT(vol_list(ctx, NULL, &l, &n, &err), 0);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(l[0].name, "alpha");
		CHECK_STR(l[1].name, "middle");
		CHECK_STR(l[2].name, "zeta");
	}
	vol_info_list_free(l, n);
	CHECK_INT(vol_list(ctx, f_label, &l, &n, &err), 0);
	CHECK(n == 1 && !strcmp(l[0].name, "zeta"));
	vol_info_list_free(l, n);
	CHECK_INT(vol_list(ctx, f_labelkey, &l, &n, &err), 0);
	CHECK_INT(n, 2);
	vol_info_list_free(l, n);
	CHECK_INT(vol_list(ctx, f_or, &l, &n, &err), 0);
	CHECK_INT(n, 2);
	vol_info_list_free(l, n);
	CHECK_INT(vol_list(ctx, f_and, &l, &n, &err), 0);
	CHECK(n == 1 && !strcmp(l[0].name, "middle"));
	vol_info_list_free(l, n);
	CHECK_INT(vol_list(ctx, f_neg, &l, &n, &err), 0);
	CHECK_INT(n, 2);
	vol_info_list_free(l, n);
	fake_container(ctx, "c1");
	CHECK_INT(vol_attach(ctx, "alpha", "c1", &err), 0);
	CHECK_INT(vol_list(ctx, f_dangling, &l, &n, &err), 0);
	CHECK(n == 1 && !strcmp(l[0].name, "alpha") && l[0].users == 1);
	vol_info_list_free(l, n);
	l = NULL;
	CHECK_INT(vol_list(ctx, f_bad, &l, &n, &err), -1);
	CHECK(pea_err_is(err, PEA_E_INVALID));
	pea_err_free(err);
	ctx_free(ctx);
}

TEST(inspect_json_has_podman_fields)
{
	struct pea_ctx *ctx = ctx_new();
	char *labels[] = { "k=v", NULL };
	struct vol_info vi = { 0 };
	cleanup_json struct json_object *o = NULL;
	struct json_object *v;

	vol_create(ctx, "insp", labels, NULL, false, false, NULL, NULL);
	CHECK_INT(vol_lookup(ctx, "insp", &vi, NULL), 0);
	o = vol_inspect_json(&vi);
	CHECK_STR(jstr(o, "Name"), "insp");
	CHECK_STR(jstr(o, "Driver"), "local");
	CHECK_STR(jstr(o, "Scope"), "local");
	CHECK_STR(jstr(o, "Mountpoint"), vi.mountpoint);
	CHECK(jstr(o, "CreatedAt") && strlen(jstr(o, "CreatedAt")) >= 20);
	CHECK(json_object_object_get_ex(o, "Labels", &v) && !strcmp(jstr(v, "k"), "v"));
	CHECK(json_object_object_get_ex(o, "Options", &v) && json_object_is_type(v, json_type_object));
	CHECK(json_object_object_get_ex(o, "MountCount", &v) && json_object_get_int(v) == 0);
	CHECK(json_object_object_get_ex(o, "NeedsCopyUp", &v) && json_object_get_boolean(v));
	CHECK(json_object_object_get_ex(o, "NeedsChown", &v));
	CHECK(json_object_object_get_ex(o, "Anonymous", &v) && !json_object_get_boolean(v));
	vol_info_release(&vi);
	ctx_free(ctx);
}

TEST(remove_deletes_record_and_data)
{
	struct pea_ctx *ctx = ctx_new();
	cleanup_free char *dir = NULL, *file = NULL;
	struct pea_err *err = NULL;

	vol_create(ctx, "gone", NULL, NULL, false, false, NULL, NULL);
	dir = path_join(ctx->root, "volumes/gone");
	file = path_join(dir, "_data/f");
	CHECK(close(open(file, O_CREAT | O_WRONLY, 0600)) == 0);
	CHECK_INT(vol_remove(ctx, "gone", false, &err), 0);
	CHECK(!io_exists(dir));
	CHECK(!vol_exists(ctx, "gone"));
	CHECK_INT(vol_remove(ctx, "gone", false, &err), -1);
	CHECK(pea_err_is(err, PEA_E_NOT_FOUND));
	CHECK(err && strstr(err->msg, "no volume with name 'gone' found"));
	pea_err_free(err);
	ctx_free(ctx);
}

TEST(volume_in_use_is_refused)
{
	struct pea_ctx *ctx = ctx_new();
	struct pea_err *err = NULL;
	struct state *st;
	cleanup_strv char **users = NULL;
	struct vol_info vi = { 0 };

	vol_create(ctx, "busy", NULL, NULL, false, false, NULL, NULL);
	fake_container(ctx, "c1");
	fake_container(ctx, "c2");
	CHECK_INT(vol_attach(ctx, "busy", "c1", &err), 0);
	CHECK_INT(vol_attach(ctx, "busy", "c1", &err), 0);   /* twice is fine */
	CHECK_INT(vol_attach(ctx, "busy", "c2", &err), 0);
	CHECK_INT(vol_attach(ctx, "nope", "c1", &err), -1);
	CHECK(pea_err_is(err, PEA_E_NOT_FOUND));
	pea_err_free(err);
	err = NULL;
	users = vol_users(ctx, "busy", &err);
	CHECK(users && strv_len(users) == 2);
	CHECK_INT(vol_lookup(ctx, "busy", &vi, &err), 0);
	CHECK_INT(vi.users, 2);
	vol_info_release(&vi);
	CHECK_INT(vol_remove(ctx, "busy", true, &err), -1);
	CHECK(pea_err_is(err, PEA_E_IN_USE));
	CHECK(err && strstr(err->msg, "volume 'busy' is being used by the following "
			    "container(s): c1, c2"));
	pea_err_free(err);
	err = NULL;
	CHECK(vol_exists(ctx, "busy"));
	CHECK_INT(vol_detach(ctx, "busy", "c1", &err), 0);
	/* Deleting the container row drops its use (ON DELETE CASCADE). */
	st = state_get(ctx, &err);
	CHECK_INT(state_exec(st, "DELETE FROM containers WHERE id = 'c2';", &err), 0);
	CHECK_INT(vol_remove(ctx, "busy", false, &err), 0);
	CHECK(!vol_exists(ctx, "busy"));
	ctx_free(ctx);
}

TEST(attach_inside_caller_transaction)
{
	struct pea_ctx *ctx = ctx_new();
	struct state *st;
	struct pea_err *err = NULL;
	struct vol_info vi = { 0 };

	vol_create(ctx, "tx", NULL, NULL, false, false, NULL, NULL);
	fake_container(ctx, "c1");
	st = state_get(ctx, &err);
	CHECK_INT(state_begin(st, &err), 0);
	CHECK_INT(vol_create(ctx, "tx2", NULL, NULL, false, false, NULL, &err), 0);
	CHECK_INT(vol_attach(ctx, "tx", "c1", &err), 0);
	state_rollback(st);
	CHECK_INT(vol_lookup(ctx, "tx", &vi, &err), 0);
	CHECK_INT(vi.users, 0);
	vol_info_release(&vi);
	CHECK(!vol_exists(ctx, "tx2"));
	ctx_free(ctx);
}

static void collect(const char *name, void *data)
{
	strv_push((char ***)data, name);
}

TEST(prune_removes_unused_only)
{
	struct pea_ctx *ctx = ctx_new();
	char *keep_label[] = { "keep=1", NULL };
	char *f_keep[] = { "label!=keep", NULL };
	cleanup_strv char **removed = NULL;
	struct pea_err *err = NULL;

	vol_create(ctx, "used", NULL, NULL, false, false, NULL, NULL);
	vol_create(ctx, "free1", NULL, NULL, false, false, NULL, NULL);
	vol_create(ctx, "free2", NULL, NULL, false, false, NULL, NULL);
	vol_create(ctx, "kept", keep_label, NULL, false, false, NULL, NULL);
	fake_container(ctx, "c1");
	vol_attach(ctx, "used", "c1", NULL);
	removed = xcalloc(1, sizeof(*removed));
	CHECK_INT(vol_prune(ctx, f_keep, collect, &removed, &err), 0);
	CHECK_INT(strv_len(removed), 2);
	CHECK(strv_find(removed, "free1") >= 0 && strv_find(removed, "free2") >= 0);
	CHECK(vol_exists(ctx, "used") && vol_exists(ctx, "kept"));
	CHECK(!vol_exists(ctx, "free1") && !vol_exists(ctx, "free2"));
	CHECK_INT(vol_prune(ctx, NULL, NULL, NULL, &err), 0);
	CHECK(vol_exists(ctx, "used") && !vol_exists(ctx, "kept"));
	ctx_free(ctx);
}

/* Source tree for copy-up: dirs, files, a symlink, odd modes and owners. */
static char *make_src(struct pea_ctx *ctx)
{
	cleanup_free char *top = xstrndup(ctx->root, strlen(ctx->root) - strlen("/root"));
	char *src = path_join(top, "src");
	cleanup_free char *sub = path_join(src, "sub");
	cleanup_free char *f = path_join(src, "sub/file");
	cleanup_free char *l = path_join(src, "link");
	int fd;

	io_mkdir_p(sub, 0755, NULL);
	chmod(src, 0750);
	chmod(sub, 0711);
	fd = open(f, O_CREAT | O_WRONLY, 0600);
	if (write(fd, "hello", 5) != 5)
		printf("# short write\n");
	close(fd);
	chmod(f, 0640);
	if (symlink("sub/file", l) < 0)
		printf("# symlink failed\n");
	if (geteuid() == 0) {
		chown(f, 1234, 5678);
		chown(src, 1000, 1001);
		lchown(l, 42, 43);
	}
	return src;
}

TEST(populate_copies_tree_once)
{
	struct pea_ctx *ctx = ctx_new();
	cleanup_free char *data = NULL, *src = NULL, *f = NULL, *l = NULL, *sub = NULL;
	cleanup_free char *srcf = NULL, *extra = NULL;
	struct pea_err *err = NULL;
	struct vol_info vi = { 0 };
	struct stat st;
	char buf[64] = "";
	ssize_t n;
	int fd;

	data = vol_ensure(ctx, "pop", &err);
	CHECK(data != NULL);
	src = make_src(ctx);
	CHECK_INT(vol_populate(ctx, "pop", src, &err), 0);
	f = path_join(data, "sub/file");
	l = path_join(data, "link");
	sub = path_join(data, "sub");
	CHECK(stat(f, &st) == 0 && (st.st_mode & 07777) == 0640 && st.st_size == 5);
	if (geteuid() == 0)
		CHECK(st.st_uid == 1234 && st.st_gid == 5678);
	CHECK(stat(sub, &st) == 0 && (st.st_mode & 07777) == 0711);
	CHECK(stat(data, &st) == 0 && (st.st_mode & 07777) == 0750);
	if (geteuid() == 0)
		CHECK(st.st_uid == 1000 && st.st_gid == 1001);
	CHECK(lstat(l, &st) == 0 && S_ISLNK(st.st_mode));
	if (geteuid() == 0)
		CHECK(st.st_uid == 42);
	n = readlink(l, buf, sizeof(buf) - 1);
	CHECK(n == 8 && !strncmp(buf, "sub/file", 8));
	CHECK_INT(vol_lookup(ctx, "pop", &vi, &err), 0);
	CHECK(!vi.needs_copy_up);
	vol_info_release(&vi);
	/* Emptied by the user and populated again: not copied twice. */
	io_rm_rf(sub, NULL);
	unlink(l);
	extra = path_join(src, "extra");
	fd = open(extra, O_CREAT | O_WRONLY, 0644);
	close(fd);
	CHECK_INT(vol_populate(ctx, "pop", src, &err), 0);
	CHECK(!io_exists(f));
	srcf = path_join(data, "extra");
	CHECK(!io_exists(srcf));
	CHECK_INT(vol_populate(ctx, "missing", src, &err), -1);
	CHECK(pea_err_is(err, PEA_E_NOT_FOUND));
	pea_err_free(err);
	ctx_free(ctx);
}

TEST(populate_leaves_non_empty_volume_alone)
{
	struct pea_ctx *ctx = ctx_new();
	cleanup_free char *data = NULL, *src = NULL, *mine = NULL, *theirs = NULL;
	cleanup_free char *nosrc = NULL, *empty = NULL;
	struct pea_err *err = NULL;

	data = vol_ensure(ctx, "full", &err);
	mine = path_join(data, "mine");
	CHECK(close(open(mine, O_CREAT | O_WRONLY, 0600)) == 0);
	src = make_src(ctx);
	CHECK_INT(vol_populate(ctx, "full", src, &err), 0);
	theirs = path_join(data, "sub");
	CHECK(io_exists(mine) && !io_exists(theirs));
	/* A mount point the image does not have: nothing to copy, no error. */
	empty = vol_ensure(ctx, "empty", &err);
	CHECK(empty != NULL);
	nosrc = path_join(src, "does-not-exist");
	CHECK_INT(vol_populate(ctx, "empty", nosrc, &err), 0);
	ctx_free(ctx);
}

TEST(ensure_is_get_or_create)
{
	struct pea_ctx *ctx = ctx_new();
	char *labels[] = { "a=b", NULL };
	cleanup_free char *d1 = NULL, *d2 = NULL, *want = NULL;
	struct pea_err *err = NULL;
	struct vol_info vi = { 0 };

	vol_create(ctx, "pre", labels, NULL, false, false, NULL, NULL);
	d1 = vol_ensure(ctx, "pre", &err);
	want = path_join(ctx->root, "volumes/pre/_data");
	CHECK_STR(d1, want);
	CHECK_INT(vol_lookup(ctx, "pre", &vi, &err), 0);
	CHECK_STR(vi.labels, "{\"a\":\"b\"}");
	vol_info_release(&vi);
	d2 = vol_ensure(ctx, "new", &err);
	CHECK(d2 && io_exists(d2) && vol_exists(ctx, "new"));
	CHECK(vol_ensure(ctx, "bad/name", &err) == NULL);
	CHECK(pea_err_is(err, PEA_E_INVALID));
	pea_err_free(err);
	ctx_free(ctx);
}

/* A tmpfs mounted right there (the test root itself may be on tmpfs). */
static bool is_tmpfs_at(const char *path)
{
	cleanup_free char *up = path_join(path, "..");
	struct statfs sf;
	struct stat a, b;

	return statfs(path, &sf) == 0 && sf.f_type == TMPFS_MAGIC && stat(path, &a) == 0 &&
	       stat(up, &b) == 0 && a.st_dev != b.st_dev;
}

static int mounts_at(const char *path)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[4096], needle[1024];
	int n = 0;

	snprintf(needle, sizeof(needle), " %s ", path);
	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, needle) != NULL;
	return n;
}

TEST(tmpfs_volume_mounted_while_used)
{
	struct pea_ctx *ctx = ctx_new();
	char *opts[] = { "type=tmpfs", "device=tmpfs", "o=size=1m", NULL };
	cleanup_free char *data = NULL, *data2 = NULL;
	struct pea_err *err = NULL;

	if (geteuid() != 0) {
		ctx_free(ctx);
		SKIP("mounting tmpfs needs CAP_SYS_ADMIN");
	}
	CHECK_INT(vol_create(ctx, "tmp", NULL, opts, false, false, NULL, &err), 0);
	fake_container(ctx, "c1");
	fake_container(ctx, "c2");
	data = vol_ensure(ctx, "tmp", &err);
	CHECK(data && is_tmpfs_at(data));
	CHECK_INT(vol_attach(ctx, "tmp", "c1", &err), 0);
	data2 = vol_ensure(ctx, "tmp", &err);   /* second user: no second mount */
	CHECK_INT(data ? mounts_at(data) : -1, 1);
	CHECK_INT(vol_attach(ctx, "tmp", "c2", &err), 0);
	CHECK_INT(vol_detach(ctx, "tmp", "c1", &err), 0);
	CHECK(data && io_exists(data) && is_tmpfs_at(data));
	CHECK_INT(vol_detach_all(ctx, "c2", false, &err), 0);
	CHECK(data && !is_tmpfs_at(data));
	/* Last user gone: unmounted, so removal can delete the dir. */
	CHECK_INT(vol_remove(ctx, "tmp", false, &err), 0);
	CHECK(data && !io_exists(data));
	ctx_free(ctx);
}

TEST(detach_all_removes_anonymous_volumes)
{
	struct pea_ctx *ctx = ctx_new();
	struct pea_err *err = NULL;
	cleanup_free char *anon = NULL;

	CHECK_INT(vol_create(ctx, NULL, NULL, NULL, true, false, &anon, &err), 0);
	vol_create(ctx, "named", NULL, NULL, false, false, NULL, NULL);
	fake_container(ctx, "c1");
	vol_attach(ctx, anon, "c1", NULL);
	vol_attach(ctx, "named", "c1", NULL);
	CHECK_INT(vol_detach_all(ctx, "c1", true, &err), 0);
	CHECK(!vol_exists(ctx, anon));
	CHECK(vol_exists(ctx, "named"));
	ctx_free(ctx);
}

int main(void)
{
	RUN(create_makes_record_and_dirs);
	RUN(duplicate_name_is_exists_unless_ignored);
	RUN(random_names_are_64_hex_and_differ);
	RUN(names_are_validated);
	RUN(options_are_validated);
	RUN(list_sorts_and_filters);
	RUN(inspect_json_has_podman_fields);
	RUN(remove_deletes_record_and_data);
	RUN(volume_in_use_is_refused);
	RUN(attach_inside_caller_transaction);
	RUN(prune_removes_unused_only);
	RUN(populate_copies_tree_once);
	RUN(populate_leaves_non_empty_volume_alone);
	RUN(ensure_is_get_or_create);
	RUN(tmpfs_volume_mounted_while_used);
	RUN(detach_all_removes_anonymous_volumes);
	return tap_done();
}
