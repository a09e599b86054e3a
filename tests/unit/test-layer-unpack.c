/* Layer unpacking and packing on the real kernel (run as root). */
#include "tests/unit/tap.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "podengine/copy-tree.h"
#include "podengine/digest.h"
#include "podengine/layer-unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/banned.h"

struct tent {
	const char *path;
	mode_t type;          /* AE_IFREG, AE_IFDIR, AE_IFLNK, AE_IFCHR; 0 = hardlink */
	mode_t perm;
	const char *data;     /* file content, or link target */
	unsigned uid, gid;
};

static la_ssize_t sb_write(struct archive *a, void *data, const void *buf, size_t len)
{
	strbuf_add(data, buf, len);
	return (la_ssize_t)len;
}

/* Build a tar of `ents` into out; filter NULL, "gzip" or "zstd". */
static void build_tar(const struct tent *ents, size_t n, const char *filter, struct strbuf *out)
{
	struct archive *a = archive_write_new();
	size_t i;

	archive_write_set_format_pax_restricted(a);
	if (filter && !strcmp(filter, "gzip"))
		archive_write_add_filter_gzip(a);
	else if (filter && !strcmp(filter, "zstd"))
		archive_write_add_filter_zstd(a);
	archive_write_set_bytes_in_last_block(a, 1);
	archive_write_open(a, out, NULL, sb_write, NULL);
	for (i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		const struct tent *t = &ents[i];

		archive_entry_set_pathname(e, t->path);
		archive_entry_set_mtime(e, 1000000 + (time_t)i, 0);
		archive_entry_set_uid(e, t->uid);
		archive_entry_set_gid(e, t->gid);
		if (!t->type) {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_hardlink(e, t->data);
		} else {
			archive_entry_set_filetype(e, t->type);
			archive_entry_set_perm(e, t->perm);
			if (t->type == AE_IFLNK)
				archive_entry_set_symlink(e, t->data);
			if (t->type == AE_IFCHR)
				archive_entry_set_rdev(e, makedev(1, 3));
			if (t->type == AE_IFREG)
				archive_entry_set_size(e, t->data ? (la_int64_t)strlen(t->data) : 0);
		}
		archive_write_header(a, e);
		if (t->type == AE_IFREG && t->data)
			archive_write_data(a, t->data, strlen(t->data));
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

static char *tmpdir(void)
{
	char tmpl[] = "/var/tmp/pea-unpack-XXXXXX";

	return xstrdup(mkdtemp(tmpl));
}

static int unpack_buf(const struct strbuf *tar, const char *dir, const char *expect,
		      char out[DIGEST_MAX], struct pea_err **err)
{
	cleanup_close int fd = memfd_of(tar);
	cleanup_close int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	struct layer_unpack_opts o = { .expected_diff_id = expect, .privileged = true };

	return layer_unpack_fd(fd, dfd, &o, out, NULL, err);
}

static int count_entries(const char *dir)
{
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	return n;
}

static const struct tent basic[] = {
	{ "a", AE_IFDIR, 0750, NULL, 0, 0 },
	{ "a/f", AE_IFREG, 0640, "hello", 1000, 2000 },
	{ "a/l", AE_IFLNK, 0777, "f", 0, 0 },
	{ "a/h", 0, 0, "a/f", 0, 0 },
	{ "./b/suid", AE_IFREG, 04755, "x", 0, 0 },
	{ "/abs/file", AE_IFREG, 0600, "abs", 0, 0 },
	{ "dev/null", AE_IFCHR, 0666, NULL, 0, 0 },
};

TEST(unpack_regular_tree)
{
	cleanup_free char *d = tmpdir();
	cleanup_strbuf struct strbuf tar = STRBUF_INIT, c = STRBUF_INIT;
	cleanup_free char *f = path_join(d, "a/f"), *l = path_join(d, "a/l");
	cleanup_free char *h = path_join(d, "a/h"), *s = path_join(d, "b/suid");
	cleanup_free char *abs = path_join(d, "abs/file"), *dir = path_join(d, "a");
	struct pea_err *err = NULL;
	char id[DIGEST_MAX], want[DIGEST_MAX], link[64] = "";
	struct stat st, st2;

	build_tar(basic, sizeof(basic) / sizeof(basic[0]), NULL, &tar);
	digest_buf(tar.buf, tar.len, want);
	CHECK_INT(unpack_buf(&tar, d, NULL, id, &err), 0);
	CHECK_STR(id, want);
	CHECK_INT(io_read_file(f, &c, &err), 0);
	CHECK_STR(c.buf, "hello");
	CHECK_INT(lstat(f, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0640);
	CHECK_INT(st.st_uid, 1000);
	CHECK_INT(st.st_gid, 2000);
	CHECK_INT(st.st_mtime, 1000001);
	CHECK_INT(lstat(h, &st2), 0);
	CHECK_INT(st2.st_ino, st.st_ino);
	CHECK_INT(readlink(l, link, sizeof(link) - 1) > 0, 1);
	CHECK_STR(link, "f");
	CHECK_INT(lstat(s, &st), 0);
	CHECK_INT(st.st_mode & 07777, 04755);
	CHECK_INT(lstat(dir, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0750);
	CHECK_INT(st.st_mtime, 1000000);
	CHECK(io_exists(abs));
	io_rm_rf(d, NULL);
}

TEST(compressed_streams_give_uncompressed_diff_id)
{
	static const char *filters[] = { "gzip", "zstd" };
	cleanup_strbuf struct strbuf plain = STRBUF_INIT;
	char want[DIGEST_MAX];
	size_t i;

	build_tar(basic, sizeof(basic) / sizeof(basic[0]), NULL, &plain);
	digest_buf(plain.buf, plain.len, want);
	for (i = 0; i < 2; i++) {
		cleanup_free char *d = tmpdir();
		cleanup_free char *f = path_join(d, "a/f");
		cleanup_strbuf struct strbuf tar = STRBUF_INIT;
		struct pea_err *err = NULL;
		char id[DIGEST_MAX] = "";

		build_tar(basic, sizeof(basic) / sizeof(basic[0]), filters[i], &tar);
		CHECK(tar.len != plain.len);
		CHECK_INT(unpack_buf(&tar, d, want, id, &err), 0);
		CHECK_STR(id, want);
		CHECK(io_exists(f));
		io_rm_rf(d, NULL);
	}
}

TEST(whiteouts_become_overlay_whiteouts)
{
	static const struct tent ents[] = {
		{ ".wh.gone", AE_IFREG, 0644, NULL, 0, 0 },
		{ "d", AE_IFDIR, 0755, NULL, 0, 0 },
		{ "d/.wh..wh..opq", AE_IFREG, 0644, NULL, 0, 0 },
		{ "d/keep", AE_IFREG, 0644, "k", 0, 0 },
		{ "e/.wh.x", AE_IFREG, 0644, NULL, 0, 0 },
	};
	cleanup_free char *d = tmpdir();
	cleanup_free char *gone = path_join(d, "gone"), *dd = path_join(d, "d");
	cleanup_free char *ex = path_join(d, "e/x"), *wh = path_join(d, ".wh.gone");
	cleanup_strbuf struct strbuf tar = STRBUF_INIT;
	struct pea_err *err = NULL;
	struct stat st;
	char v[8] = "";

	build_tar(ents, 5, NULL, &tar);
	CHECK_INT(unpack_buf(&tar, d, NULL, NULL, &err), 0);
	CHECK_INT(lstat(gone, &st), 0);
	CHECK(S_ISCHR(st.st_mode));
	CHECK_INT(st.st_rdev, makedev(0, 0));
	CHECK(!io_exists(wh));
	CHECK_INT(lgetxattr(dd, "trusted.overlay.opaque", v, sizeof(v) - 1), 1);
	CHECK_STR(v, "y");
	CHECK_INT(lstat(ex, &st), 0);
	CHECK(S_ISCHR(st.st_mode));
	io_rm_rf(d, NULL);
}

/* Unpack a hostile tar: must fail naming `entry`, leave the dir empty. */
static void check_refused(const struct tent *ents, size_t n, const char *entry)
{
	cleanup_free char *d = tmpdir();
	cleanup_strbuf struct strbuf tar = STRBUF_INIT;
	struct pea_err *err = NULL;

	build_tar(ents, n, NULL, &tar);
	CHECK_INT(unpack_buf(&tar, d, NULL, NULL, &err), -1);
	CHECK(err && strstr(err->msg, entry));
	CHECK(err && strstr(err->msg, "escapes the layer"));
	if (err)
		printf("# refused: %s\n", err->msg);
	CHECK_INT(count_entries(d), 0);
	pea_err_free(err);
	io_rm_rf(d, NULL);
}

TEST(dotdot_is_refused)
{
	static const struct tent ents[] = {
		{ "ok", AE_IFREG, 0644, "fine", 0, 0 },
		{ "../x-pea-evil", AE_IFREG, 0644, "evil", 0, 0 },
	};

	check_refused(ents, 2, "'../x-pea-evil'");
	CHECK(!io_exists("/var/tmp/x-pea-evil"));
}

TEST(symlinked_parent_is_refused)
{
	static const struct tent ents[] = {
		{ "ok", AE_IFREG, 0644, "fine", 0, 0 },
		{ "a", AE_IFLNK, 0777, "/tmp", 0, 0 },
		{ "a/pea-evil-via-symlink", AE_IFREG, 0644, "evil", 0, 0 },
	};

	check_refused(ents, 3, "'a/pea-evil-via-symlink'");
	CHECK(!io_exists("/tmp/pea-evil-via-symlink"));
}

TEST(hardlink_outside_is_refused)
{
	static const struct tent ents[] = {
		{ "ok", AE_IFREG, 0644, "fine", 0, 0 },
		{ "pw", 0, 0, "../../etc/passwd", 0, 0 },
	};
	static const struct tent via_symlink[] = {
		{ "etc", AE_IFLNK, 0777, "/etc", 0, 0 },
		{ "pw", 0, 0, "etc/passwd", 0, 0 },
	};

	check_refused(ents, 2, "'pw'");
	check_refused(via_symlink, 2, "'pw'");
}

TEST(digest_mismatch_leaves_nothing)
{
	cleanup_free char *d = tmpdir();
	cleanup_strbuf struct strbuf tar = STRBUF_INIT;
	struct pea_err *err = NULL;
	char bogus[DIGEST_MAX];

	digest_buf("x", 1, bogus);
	build_tar(basic, 3, "gzip", &tar);
	CHECK_INT(unpack_buf(&tar, d, bogus, NULL, &err), -1);
	CHECK(err && strstr(err->msg, "mismatch"));
	CHECK_INT(count_entries(d), 0);
	pea_err_free(err);
	io_rm_rf(d, NULL);
}

TEST(garbage_is_refused)
{
	cleanup_free char *d = tmpdir();
	struct strbuf junk = STRBUF_INIT;
	struct pea_err *err = NULL;

	strbuf_addstr(&junk, "this is not a tar stream at all, not even close......");
	CHECK_INT(unpack_buf(&junk, d, NULL, NULL, &err), -1);
	CHECK(err != NULL);
	pea_err_free(err);
	strbuf_release(&junk);
	io_rm_rf(d, NULL);
}

/* One line per entry: path type perm uid gid size rdev link/content. */
static void describe(int dirfd, const char *prefix, struct strbuf *out)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY);
	cleanup_dir DIR *d = fdopendir(fd);
	struct dirent *de;
	char *names[64];
	int n = 0, i, j;

	while ((de = readdir(d)) && n < 64)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			names[n++] = xstrdup(de->d_name);
	for (i = 0; i < n; i++)   /* sort: tiny n */
		for (j = i + 1; j < n; j++)
			if (strcmp(names[i], names[j]) > 0) {
				char *t = names[i];
				names[i] = names[j];
				names[j] = t;
			}
	for (i = 0; i < n; i++) {
		struct stat st;
		char link[256] = "";
		char v[4] = "";

		fstatat(dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW);
		if (S_ISLNK(st.st_mode))
			readlinkat(dirfd, names[i], link, sizeof(link) - 1);
		strbuf_addf(out, "%s%s %o %u %u %lld %lx %s", prefix, names[i], st.st_mode,
			    st.st_uid, st.st_gid, (long long)(S_ISDIR(st.st_mode) ? 0 : st.st_size),
			    (unsigned long)st.st_rdev, link);
		if (S_ISDIR(st.st_mode)) {
			cleanup_close int c = openat(dirfd, names[i], O_RDONLY | O_DIRECTORY);
			cleanup_free char *p = xasprintf("%s%s/", prefix, names[i]);

			fgetxattr(c, "trusted.overlay.opaque", v, sizeof(v) - 1);
			strbuf_addf(out, " opq=%s\n", v);
			describe(c, p, out);
		} else {
			strbuf_addch(out, '\n');
		}
		free(names[i]);
	}
}

TEST(export_round_trip)
{
	static const struct tent extra[] = {
		{ "z", AE_IFDIR, 0755, NULL, 0, 0 },
		{ "z/.wh..wh..opq", AE_IFREG, 0644, NULL, 0, 0 },
		{ "z/.wh.old", AE_IFREG, 0644, NULL, 0, 0 },
	};
	cleanup_free char *d1 = tmpdir(), *d2 = tmpdir();
	cleanup_strbuf struct strbuf tar = STRBUF_INIT, out = STRBUF_INIT;
	cleanup_strbuf struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct tent all[10];
	struct pea_err *err = NULL;
	char dg[DIGEST_MAX], id2[DIGEST_MAX], dg2[DIGEST_MAX];
	int fd1, fd2, mfd, mfd2;

	memcpy(all, basic, sizeof(basic));
	memcpy(all + 7, extra, sizeof(extra));
	build_tar(all, 10, NULL, &tar);
	CHECK_INT(unpack_buf(&tar, d1, NULL, NULL, &err), 0);
	fd1 = open(d1, O_RDONLY | O_DIRECTORY);
	mfd = memfd_create("out", 0);
	CHECK_INT(layer_pack_dir(fd1, mfd, dg, &err), 0);
	lseek(mfd, 0, SEEK_SET);
	io_read_fd(mfd, &out, &err);
	CHECK_INT(unpack_buf(&out, d2, dg, id2, &err), 0);
	CHECK_STR(id2, dg);
	fd2 = open(d2, O_RDONLY | O_DIRECTORY);
	describe(fd1, "", &a);
	describe(fd2, "", &b);
	CHECK_STR(a.buf, b.buf);
	CHECK(strstr(a.buf, "z/old 20000 0 0 0 0") != NULL);
	CHECK(strstr(a.buf, "dev/null 20666 0 0 0 103") != NULL);
	/* Deterministic: packing again gives the same bytes. */
	mfd2 = memfd_create("out2", 0);
	CHECK_INT(layer_pack_dir(fd1, mfd2, dg2, &err), 0);
	CHECK_STR(dg2, dg);
	if (err)
		printf("# %s\n", err->msg);
	close(fd1);
	close(fd2);
	close(mfd);
	close(mfd2);
	io_rm_rf(d1, NULL);
	io_rm_rf(d2, NULL);
}

/* The XATTR whiteout form (what a user namespace gets where the file system
 * refuses mknod 0/0): an empty file marked user.overlay.whiteout, its
 * directory user.overlay.opaque=x; a vfs copy (copy-tree, layers mode)
 * deletes what it hides, keeps an "x" directory merged, and honours a "y"
 * opaque directory. */
TEST(xattr_whiteouts_and_vfs_copy)
{
	static const struct tent lower[] = {
		{ "gone", AE_IFREG, 0644, "g", 0, 0 },
		{ "d", AE_IFDIR, 0755, NULL, 0, 0 },
		{ "d/old", AE_IFREG, 0644, "o", 0, 0 },
		{ "e", AE_IFDIR, 0755, NULL, 0, 0 },
		{ "e/x", AE_IFREG, 0644, "x", 0, 0 },
		{ "e/keep", AE_IFREG, 0644, "k", 0, 0 },
	};
	static const struct tent upper[] = {
		{ ".wh.gone", AE_IFREG, 0644, NULL, 0, 0 },
		{ "d", AE_IFDIR, 0755, NULL, 0, 0 },
		{ "d/.wh..wh..opq", AE_IFREG, 0644, NULL, 0, 0 },
		{ "d/new", AE_IFREG, 0644, "n", 0, 0 },
		{ "e/.wh.x", AE_IFREG, 0644, NULL, 0, 0 },
	};
	cleanup_free char *lo = tmpdir(), *up = tmpdir();
	cleanup_free char *wh = path_join(up, "gone"), *e = path_join(up, "e");
	cleanup_strbuf struct strbuf t1 = STRBUF_INIT, t2 = STRBUF_INIT;
	cleanup_close int f1 = -1, f2 = -1, d1 = -1, d2 = -1;
	struct layer_unpack_opts o = { .privileged = true, .userns = true,
				       .whiteouts = LAYER_WHITEOUT_XATTR };
	struct copytree_opts c = { .privileged = true, .layers = true };
	struct pea_err *err = NULL;
	struct stat st;
	char v[4] = "";

	build_tar(lower, sizeof(lower) / sizeof(lower[0]), NULL, &t1);
	build_tar(upper, sizeof(upper) / sizeof(upper[0]), NULL, &t2);
	f1 = memfd_of(&t1);
	f2 = memfd_of(&t2);
	d1 = open(lo, O_RDONLY | O_DIRECTORY);
	d2 = open(up, O_RDONLY | O_DIRECTORY);
	CHECK_INT(layer_unpack_fd(f1, d1, NULL, NULL, NULL, &err), 0);
	CHECK_INT(layer_unpack_fd(f2, d2, &o, NULL, NULL, &err), 0);
	CHECK_INT(lstat(wh, &st), 0);
	CHECK(S_ISREG(st.st_mode) && st.st_size == 0);
	CHECK_INT(lgetxattr(wh, "user.overlay.whiteout", v, sizeof(v) - 1), 1);
	CHECK_INT(lgetxattr(e, "user.overlay.opaque", v, sizeof(v) - 1), 1);
	CHECK_STR(v, "x");
	CHECK_INT(copytree_into(d2, d1, &c, &err), 0);
	if (err)
		printf("# %s\n", err->msg);
	{
		cleanup_free char *g = path_join(lo, "gone"), *old = path_join(lo, "d/old");
		cleanup_free char *n = path_join(lo, "d/new"), *x = path_join(lo, "e/x");
		cleanup_free char *k = path_join(lo, "e/keep");

		CHECK(!io_exists(g));
		CHECK(!io_exists(old));
		CHECK(io_exists(n));
		CHECK(!io_exists(x));
		CHECK(io_exists(k));
	}
	io_rm_rf(lo, NULL);
	io_rm_rf(up, NULL);
}

/* In a user namespace that maps only uid/gid 0 (a rootless user without
 * /etc/subuid ranges): whiteouts and opaque dirs still work (0/0 chardev,
 * user.overlay.opaque), device nodes are skipped, and an owner that is not
 * mapped fails naming the entry and the ids.  Runs in a child; the exit
 * code carries one bit per failed check. */
static int userns_child(const char *d1, const char *d2)
{
	static const struct tent ok_ents[] = {
		{ "d", AE_IFDIR, 0755, NULL, 0, 0 },
		{ "d/.wh..wh..opq", AE_IFREG, 0644, NULL, 0, 0 },
		{ ".wh.gone", AE_IFREG, 0644, NULL, 0, 0 },
		{ "dev/null", AE_IFCHR, 0666, NULL, 0, 0 },
		{ "f", AE_IFREG, 0644, "x", 0, 0 },
	};
	static const struct tent bad_ents[] = {
		{ "var", AE_IFDIR, 0755, NULL, 0, 0 },
		{ "var/www", AE_IFDIR, 0755, NULL, 33, 33 },
	};
	cleanup_strbuf struct strbuf t1 = STRBUF_INIT, t2 = STRBUF_INIT;
	cleanup_close int f1 = -1, f2 = -1, dfd1 = -1, dfd2 = -1;
	struct layer_unpack_opts o = { .privileged = true, .userns = true };
	struct pea_err *err = NULL;
	cleanup_free char *dd = path_join(d1, "d"), *dev = path_join(d1, "dev/null");
	cleanup_free char *gone = path_join(d1, "gone");
	struct stat st;
	char v[4] = "";
	int bad = 0;

	if (unshare(CLONE_NEWUSER) < 0 || io_write_existing("/proc/self/setgroups", "deny", NULL) < 0 ||
	    io_write_existing("/proc/self/uid_map", "0 0 1", NULL) < 0 ||
	    io_write_existing("/proc/self/gid_map", "0 0 1", NULL) < 0)
		return 64;
	build_tar(ok_ents, sizeof(ok_ents) / sizeof(ok_ents[0]), NULL, &t1);
	build_tar(bad_ents, sizeof(bad_ents) / sizeof(bad_ents[0]), NULL, &t2);
	f1 = memfd_of(&t1);
	f2 = memfd_of(&t2);
	dfd1 = open(d1, O_RDONLY | O_DIRECTORY);
	dfd2 = open(d2, O_RDONLY | O_DIRECTORY);
	if (layer_unpack_fd(f1, dfd1, &o, NULL, NULL, &err) < 0) {
		printf("# %s\n", err->msg);
		bad |= 1;
	}
	if (lgetxattr(dd, "user.overlay.opaque", v, sizeof(v) - 1) != 1 || strcmp(v, "y"))
		bad |= 2;
	if (lstat(gone, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(0, 0))
		bad |= 4;
	if (lstat(dev, &st) == 0)
		bad |= 8;
	pea_err_free(err);
	err = NULL;
	if (layer_unpack_fd(f2, dfd2, &o, NULL, NULL, &err) == 0)
		bad |= 16;
	else if (!strstr(err->msg, "layer entry 'var/www") || !strstr(err->msg, "33:33") ||
		 !strstr(err->msg, "insufficient UIDs or GIDs") || !strstr(err->msg, "/etc/subuid"))
		bad |= 32;
	if (err)
		printf("# unmapped: %s\n", err->msg);
	pea_err_free(err);
	fflush(stdout);
	return bad;
}

TEST(single_id_user_namespace)
{
	cleanup_free char *d1 = tmpdir(), *d2 = tmpdir();
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(userns_child(d1, d2));
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	CHECK_INT(WEXITSTATUS(status), 0);
	CHECK_INT(count_entries(d2), 0);
	io_rm_rf(d1, NULL);
	io_rm_rf(d2, NULL);
}

int main(void)
{
	umask(022);
	RUN(unpack_regular_tree);
	RUN(compressed_streams_give_uncompressed_diff_id);
	RUN(whiteouts_become_overlay_whiteouts);
	RUN(dotdot_is_refused);
	RUN(symlinked_parent_is_refused);
	RUN(hardlink_outside_is_refused);
	RUN(digest_mismatch_leaves_nothing);
	RUN(garbage_is_refused);
	RUN(export_round_trip);
	RUN(xattr_whiteouts_and_vfs_copy);
	RUN(single_id_user_namespace);
	return tap_done();
}
