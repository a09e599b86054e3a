/* Unit tests of podengine/pod-volume.c and mount-source.c: files volumes
 * written with exact modes whatever the umask, fsGroup ownership, planted
 * symlinks refused, spec checks, subPath resolution (inside, created,
 * escaping through symlinks, the no-openat2 walk) and hostPath types. */
#include "tests/unit/tap.h"

#include "base/cleanup.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "podengine/mount-source.h"
#include "podengine/pod-volume.h"
#include "podengine/spec.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/banned.h"

static char tmpdir[] = "/tmp/test-pod-volume-XXXXXX";
static int n_dir;

/* A fresh directory under tmpdir, open; *path gets its path. */
static int fresh_dir(char **path)
{
	*path = xasprintf("%s/d%d", tmpdir, n_dir++);
	if (mkdir(*path, 0755) < 0)
		return -1;
	return open(*path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void add_file(struct pod_volume *v, const char *path, const char *data, size_t len,
		     uint32_t mode)
{
	struct vol_file *f;

	v->files = xrealloc(v->files, (v->n_files + 1) * sizeof(*v->files));
	f = &v->files[v->n_files++];
	f->path = xstrdup(path);
	f->data = xmalloc(len + 1);
	memcpy(f->data, data, len);
	f->data[len] = '\0';
	f->len = len;
	f->mode = mode;
}

static mode_t mode_of(const char *dir, const char *rel)
{
	cleanup_free char *p = path_join(dir, rel);
	struct stat st;

	return lstat(p, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

static gid_t group_of(const char *dir, const char *rel)
{
	cleanup_free char *p = path_join(dir, rel);
	struct stat st;

	return lstat(p, &st) == 0 ? st.st_gid : (gid_t)-1;
}

static char *read_rel(const char *dir, const char *rel)
{
	cleanup_free char *p = path_join(dir, rel);
	struct strbuf sb = STRBUF_INIT;

	if (io_read_file(p, &sb, NULL) < 0) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

TEST(files_with_exact_modes)
{
	cleanup_free char *dir = NULL, *vol = NULL, *a = NULL, *c = NULL;
	cleanup_close int fd = fresh_dir(&dir);
	struct pod_volume v = { .name = xstrdup("cfg"), .kind = POD_VOL_FILES };
	mode_t old = umask(077);   /* must not change what is written */

	add_file(&v, "a.conf", "hello\n", 6, 0644);
	add_file(&v, "keys/tls.key", "k\0y", 3, 0400);
	add_file(&v, "keys/deep/run.sh", "#!/bin/sh\n", 10, 0755);
	add_file(&v, "zero", "", 0, 0600);
	CHECK_INT(podvol_make(fd, &v, -1, NULL), 0);
	umask(old);
	vol = path_join(dir, "cfg");
	CHECK_INT(mode_of(vol, "."), 0755);
	CHECK_INT(mode_of(vol, "a.conf"), 0644);
	CHECK_INT(mode_of(vol, "keys"), 0755);
	CHECK_INT(mode_of(vol, "keys/tls.key"), 0400);
	CHECK_INT(mode_of(vol, "keys/deep"), 0755);
	CHECK_INT(mode_of(vol, "keys/deep/run.sh"), 0755);
	CHECK_INT(mode_of(vol, "zero"), 0600);
	a = read_rel(vol, "a.conf");
	CHECK_STR(a, "hello\n");
	{
		cleanup_free char *p = path_join(vol, "keys/tls.key");
		cleanup_strbuf struct strbuf sb = STRBUF_INIT;

		CHECK_INT(io_read_file(p, &sb, NULL), 0);
		CHECK_INT(sb.len, 3);
		CHECK(!memcmp(sb.buf, "k\0y", 3));
	}
	c = read_rel(vol, "zero");
	CHECK_STR(c, "");
	pod_volume_release(&v);
}

TEST(fs_group_ownership)
{
	cleanup_free char *dir = NULL, *vol = NULL, *ed = NULL;
	cleanup_close int fd = fresh_dir(&dir);
	struct pod_volume v = { .name = xstrdup("sec"), .kind = POD_VOL_FILES };
	struct pod_volume e = { .name = xstrdup("scratch") };

	if (geteuid() != 0)
		SKIP("needs root (chown to another group)");
	add_file(&v, "token", "t", 1, 0400);
	add_file(&v, "sub/x", "x", 1, 0600);
	CHECK_INT(podvol_make(fd, &v, 4321, NULL), 0);
	CHECK_INT(podvol_make(fd, &e, 4321, NULL), 0);
	vol = path_join(dir, "sec");
	ed = path_join(dir, "scratch");
	CHECK_INT(mode_of(vol, "."), 02755);
	CHECK_INT(group_of(vol, "."), 4321);
	CHECK_INT(mode_of(vol, "token"), 0440);
	CHECK_INT(group_of(vol, "token"), 4321);
	CHECK_INT(mode_of(vol, "sub"), 02755);
	CHECK_INT(group_of(vol, "sub"), 4321);
	CHECK_INT(mode_of(vol, "sub/x"), 0640);
	CHECK_INT(mode_of(ed, "."), 02777);
	CHECK_INT(group_of(ed, "."), 4321);
	pod_volume_release(&v);
	pod_volume_release(&e);
}

TEST(emptydir_mode)
{
	cleanup_free char *dir = NULL;
	cleanup_close int fd = fresh_dir(&dir);
	struct pod_volume e = { .name = xstrdup("empty") };
	mode_t old = umask(022);

	CHECK_INT(podvol_make(fd, &e, -1, NULL), 0);
	umask(old);
	CHECK_INT(mode_of(dir, "empty"), 0777);
	/* a second make of the same name fails: nothing is reused */
	CHECK_INT(podvol_make(fd, &e, -1, NULL), -1);
	pod_volume_release(&e);
}

TEST(planted_symlinks_refused)
{
	cleanup_free char *dir = NULL, *outside = NULL, *o = NULL, *victim = NULL;
	cleanup_close int fd = fresh_dir(&dir);
	cleanup_close int ofd = fresh_dir(&outside);
	cleanup_err struct pea_err *e1 = NULL, *e2 = NULL, *e3 = NULL;
	struct pod_volume v1 = { .name = xstrdup("v"), .kind = POD_VOL_FILES };
	struct pod_volume v2 = { .name = xstrdup("v"), .kind = POD_VOL_FILES };
	struct pod_volume v3 = { .name = xstrdup("evil"), .kind = POD_VOL_FILES };

	/* a directory part that is a symlink out of the volume */
	CHECK_INT(symlinkat(outside, fd, "a"), 0);
	add_file(&v1, "a/x", "pwned", 5, 0644);
	CHECK_INT(podvol_write_files(fd, &v1, -1, &e1), -1);
	CHECK(e1 != NULL);
	o = path_join(outside, "x");
	CHECK(!io_exists(o));
	/* the file itself planted as a symlink to a victim file */
	victim = path_join(outside, "victim");
	CHECK_INT(io_write_file_atomic(victim, "keep", 4, 0644, NULL), 0);
	CHECK_INT(symlinkat(victim, fd, "f"), 0);
	add_file(&v2, "f", "pwned", 5, 0644);
	CHECK_INT(podvol_write_files(fd, &v2, -1, &e2), -1);
	CHECK(e2 != NULL);
	{
		cleanup_free char *text = read_rel(outside, "victim");

		CHECK_STR(text, "keep");
	}
	CHECK_INT(mode_of(outside, "victim"), 0644);
	/* the volume directory itself planted as a symlink */
	CHECK_INT(symlinkat(outside, fd, "evil"), 0);
	add_file(&v3, "y", "pwned", 5, 0644);
	CHECK_INT(podvol_make(fd, &v3, -1, &e3), -1);
	CHECK(e3 != NULL);
	{
		cleanup_free char *y = path_join(outside, "y");

		CHECK(!io_exists(y));
	}
	pod_volume_release(&v1);
	pod_volume_release(&v2);
	pod_volume_release(&v3);
}

TEST(spec_checks)
{
	static const char *const bad_paths[] = { "../x", "/abs", "a//b", "a/./b", "", "a/..", "." };
	struct pod_spec s;
	size_t i;

	pod_spec_init(&s);
	s.volumes = xcalloc(2, sizeof(*s.volumes));
	s.n_volumes = 1;
	s.volumes[0].name = xstrdup("v");
	s.volumes[0].kind = POD_VOL_FILES;
	add_file(&s.volumes[0], "ok/path.txt", "x", 1, 0644);
	CHECK_INT(podvol_check(&s, NULL), 0);
	for (i = 0; i < sizeof(bad_paths) / sizeof(bad_paths[0]); i++) {
		cleanup_err struct pea_err *e = NULL;

		free(s.volumes[0].files[0].path);
		s.volumes[0].files[0].path = xstrdup(bad_paths[i]);
		CHECK_INT(podvol_check(&s, &e), -1);
		CHECK(pea_err_is(e, PEA_E_INVALID));
	}
	free(s.volumes[0].files[0].path);
	s.volumes[0].files[0].path = xstrdup("f");
	s.volumes[0].files[0].mode = 04755;
	CHECK_INT(podvol_check(&s, NULL), -1);
	s.volumes[0].files[0].mode = 0644;
	s.volumes[0].memory = true;
	CHECK_INT(podvol_check(&s, NULL), -1);
	s.volumes[0].memory = false;
	s.n_volumes = 2;
	s.volumes[1].name = xstrdup("v");
	CHECK_INT(podvol_check(&s, NULL), -1);    /* twice */
	free(s.volumes[1].name);
	s.volumes[1].name = xstrdup("../w");
	CHECK_INT(podvol_check(&s, NULL), -1);    /* not a name */
	free(s.volumes[1].name);
	s.volumes[1].name = xstrdup("w");
	s.volumes[1].size_limit = -1;
	CHECK_INT(podvol_check(&s, NULL), -1);
	s.volumes[1].size_limit = 0;
	CHECK_INT(podvol_check(&s, NULL), 0);
	pod_spec_release(&s);
}

/* Whether fd refers to the same file as dir/rel. */
static bool same_file(int fd, const char *dir, const char *rel)
{
	cleanup_free char *p = path_join(dir, rel);
	struct stat a, b;

	return fd >= 0 && fstat(fd, &a) == 0 && stat(p, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

static void subpath_cases(int (*open_fn)(int, const char *, const char *, struct pea_err **),
			  bool follows_inner_links)
{
	cleanup_free char *dir = NULL, *outside = NULL, *made = NULL;
	cleanup_close int base = fresh_dir(&dir);
	cleanup_close int ofd = fresh_dir(&outside);
	cleanup_err struct pea_err *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL, *e5 = NULL;
	int fd;

	CHECK_INT(fchmod(base, 0750), 0);
	CHECK_INT(mkdirat(base, "data", 0755), 0);
	CHECK_INT(io_write_file_atomic(made = path_join(dir, "data/file"), "x", 1, 0644, NULL), 0);
	/* inside */
	fd = open_fn(base, "data/file", "v", NULL);
	CHECK(same_file(fd, dir, "data/file"));
	if (fd >= 0)
		close(fd);
	/* missing: made inside, with the volume root's mode */
	fd = open_fn(base, "new/deeper", "v", NULL);
	CHECK(same_file(fd, dir, "new/deeper"));
	CHECK_INT(mode_of(dir, "new"), 0750);
	CHECK_INT(mode_of(dir, "new/deeper"), 0750);
	if (fd >= 0)
		close(fd);
	/* escaping symlinks: absolute, relative, and further down */
	CHECK_INT(symlinkat(outside, base, "abs"), 0);
	CHECK_INT(symlinkat("../..", base, "data/up"), 0);
	CHECK_INT(open_fn(base, "abs", "v", &e1), -1);
	CHECK(e1 && strstr(e1->msg, "subPath 'abs' of volume 'v'"));
	CHECK_INT(open_fn(base, "data/up/etc", "v", &e2), -1);
	CHECK(e2 != NULL);
	/* nothing was made outside through them */
	CHECK_INT(open_fn(base, "abs/made", "v", &e3), -1);
	{
		cleanup_free char *p = path_join(outside, "made");

		CHECK(!io_exists(p));
	}
	/* ".." and absolute subpaths */
	CHECK_INT(open_fn(base, "data/../../x", "v", &e4), -1);
	CHECK(e4 && strstr(e4->msg, "leaves the volume"));
	CHECK_INT(open_fn(base, "/etc", "v", &e5), -1);
	/* a symlink that stays inside */
	CHECK_INT(symlinkat("data", base, "alias"), 0);
	fd = open_fn(base, "alias/file", "v", NULL);
	if (follows_inner_links)
		CHECK(same_file(fd, dir, "data/file"));
	else
		CHECK_INT(fd, -1);
	if (fd >= 0)
		close(fd);
}

TEST(subpath_openat2)
{
	cleanup_err struct pea_err *e = NULL;
	cleanup_free char *dir = NULL, *outside = NULL;
	cleanup_close int base = fresh_dir(&dir);
	cleanup_close int ofd = fresh_dir(&outside);

	subpath_cases(mntsrc_subpath_open, true);
	/* the message the user sees */
	CHECK_INT(symlinkat("/", base, "x"), 0);
	CHECK_INT(mntsrc_subpath_open(base, "x", "data", &e), -1);
	CHECK(e && !strcmp(e->msg, "subPath 'x' of volume 'data' leaves the volume"));
}

TEST(subpath_walk)
{
	subpath_cases(mntsrc_subpath_walk, false);
}

TEST(host_path_types)
{
	cleanup_free char *dir = NULL, *f = NULL, *d = NULL, *nf = NULL, *sock = NULL, *msg = NULL;
	cleanup_close int fd = fresh_dir(&dir);
	cleanup_close int sfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cleanup_err struct pea_err *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL, *e5 = NULL;
	cleanup_err struct pea_err *e6 = NULL;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;

	f = path_join(dir, "file");
	d = path_join(dir, "made/dir");
	nf = path_join(dir, "newfile");
	CHECK_INT(io_write_file_atomic(f, "x", 1, 0644, NULL), 0);
	CHECK_INT(mntsrc_host_path_check(f, NULL, NULL), 0);
	CHECK_INT(mntsrc_host_path_check("/nonexistent", "", NULL), 0);
	CHECK_INT(mntsrc_host_path_check(f, "File", NULL), 0);
	CHECK_INT(mntsrc_host_path_check(f, "Directory", &e1), -1);
	msg = xasprintf("hostPath type check failed: %s is not a directory", f);
	CHECK(e1 && !strcmp(e1->msg, msg));
	CHECK_INT(mntsrc_host_path_check(dir, "File", &e2), -1);
	CHECK(e2 && strstr(e2->msg, "is not a file"));
	/* DirectoryOrCreate: mkdir -p 0755 */
	CHECK_INT(mntsrc_host_path_check(d, "DirectoryOrCreate", NULL), 0);
	CHECK(stat(d, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0755);
	CHECK_INT(mntsrc_host_path_check(f, "DirectoryOrCreate", &e3), -1);
	/* FileOrCreate: an empty 0644 file; the parent must exist */
	CHECK_INT(mntsrc_host_path_check(nf, "FileOrCreate", NULL), 0);
	CHECK(stat(nf, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0);
	{
		cleanup_free char *deep = path_join(dir, "no/such/file");

		CHECK_INT(mntsrc_host_path_check(deep, "FileOrCreate", &e4), -1);
		CHECK(!io_exists(deep));
	}
	CHECK_INT(mntsrc_host_path_check("/dev/null", "CharDevice", NULL), 0);
	CHECK_INT(mntsrc_host_path_check("/dev/null", "BlockDevice", &e5), -1);
	CHECK(e5 && !strcmp(e5->msg, "hostPath type check failed: /dev/null is not a block device"));
	sock = path_join(dir, "s");
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	CHECK_INT(bind(sfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	CHECK_INT(mntsrc_host_path_check(sock, "Socket", NULL), 0);
	CHECK_INT(mntsrc_host_path_check(f, "Socket", NULL), -1);
	CHECK_INT(mntsrc_host_path_check(f, "Fifo", &e6), -1);
	CHECK(e6 && !strcmp(e6->msg, "Fifo is an invalid volume type"));
}

int main(void)
{
	int rc;

	if (!mkdtemp(tmpdir))
		return 1;
	RUN(files_with_exact_modes);
	RUN(fs_group_ownership);
	RUN(emptydir_mode);
	RUN(planted_symlinks_refused);
	RUN(spec_checks);
	RUN(subpath_openat2);
	RUN(subpath_walk);
	RUN(host_path_types);
	rc = tap_done();
	io_rm_rf(tmpdir, NULL);
	return rc;
}
