#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/tap.h"
#include "base/err.h"
#include "base/io.h"
#include "base/xalloc.h"
#include "podengine/user.h"

#include "base/banned.h"

static char root[] = "/tmp/test-user-XXXXXX";

static void put(const char *rel, const char *text)
{
	char *p = path_join(root, rel);

	if (io_write_file_atomic(p, text, strlen(text), 0644, NULL) < 0)
		printf("# cannot write %s\n", p);
	free(p);
}

static void make_rootfs(void)
{
	char *etc;

	if (!mkdtemp(root))
		abort();
	etc = path_join(root, "etc");
	mkdir(etc, 0755);
	free(etc);
	put("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
			  "# a comment\n"
			  "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
			  "broken line without fields\n"
			  "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
			  "app:x:1000:1000::/home/app:/bin/sh\n"
			  "nohome:x:1001:1001::::\n");
	put("etc/group", "root:x:0:\n"
			 "daemon:x:1:\n"
			 "www-data:x:33:app\n"
			 "audio:x:29:app,www-data\n"
			 "app:x:1000:\n"
			 "staff:x:50:\n");
}

static bool groups_are(const struct user_ids *u, const gid_t *want, size_t n)
{
	if (u->n_groups != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (u->groups[i] != want[i])
			return false;
	return true;
}

TEST(default_is_root)
{
	struct user_ids u;
	struct pea_err *err = NULL;

	CHECK_INT(user_resolve_path(root, NULL, NULL, &u, &err), 0);
	CHECK_INT(u.uid, 0);
	CHECK_INT(u.gid, 0);
	CHECK_STR(u.home, "/root");
	CHECK_INT(u.n_groups, 0);
	user_ids_release(&u);
}

TEST(name_resolves_with_memberships)
{
	struct user_ids u;
	struct pea_err *err = NULL;
	static const gid_t want[] = { 33, 29 };

	CHECK_INT(user_resolve_path(root, "app", NULL, &u, &err), 0);
	CHECK_INT(u.uid, 1000);
	CHECK_INT(u.gid, 1000);
	CHECK_STR(u.home, "/home/app");
	CHECK(groups_are(&u, want, 2));
	user_ids_release(&u);
}

TEST(name_and_group)
{
	struct user_ids u;
	struct pea_err *err = NULL;
	char *extra[] = { "staff", "4242", "audio", NULL };
	static const gid_t want[] = { 50, 4242, 29 };

	CHECK_INT(user_resolve_path(root, "www-data:staff", extra, &u, &err), 0);
	CHECK_INT(u.uid, 33);
	CHECK_INT(u.gid, 50);
	CHECK_STR(u.home, "/var/www");
	CHECK(groups_are(&u, want, 3));
	user_ids_release(&u);
}

TEST(numeric_ids_need_no_entry)
{
	struct user_ids u;
	struct pea_err *err = NULL;

	CHECK_INT(user_resolve_path(root, "1000", NULL, &u, &err), 0);
	CHECK_INT(u.uid, 1000);
	CHECK_INT(u.gid, 1000);           /* from the passwd entry */
	user_ids_release(&u);
	CHECK_INT(user_resolve_path(root, "5000", NULL, &u, &err), 0);
	CHECK_INT(u.uid, 5000);
	CHECK_INT(u.gid, 0);
	CHECK_STR(u.home, "/");
	user_ids_release(&u);
	CHECK_INT(user_resolve_path(root, "5000:6000", NULL, &u, &err), 0);
	CHECK_INT(u.gid, 6000);
	user_ids_release(&u);
	CHECK_INT(user_resolve_path(root, "1001", NULL, &u, &err), 0);
	CHECK_STR(u.home, "/");           /* empty home field */
	user_ids_release(&u);
	CHECK_INT(user_resolve_path("/nonexistent-rootfs-dir", "1", NULL, &u, &err), -1);
	pea_err_free(err);
}

TEST(unknown_names_fail_clearly)
{
	struct user_ids u;
	struct pea_err *err = NULL;
	char *extra[] = { "nosuchgroup", NULL };

	CHECK_INT(user_resolve_path(root, "nobody", NULL, &u, &err), -1);
	CHECK(err && err->kind == PEA_E_NOT_FOUND);
	if (err)
		CHECK_STR(err->msg, "unable to find user nobody: no matching entries in passwd file");
	pea_err_free(err);
	err = NULL;
	CHECK_INT(user_resolve_path(root, "app:nogroup", NULL, &u, &err), -1);
	if (err)
		CHECK_STR(err->msg, "unable to find group nogroup: no matching entries in group file");
	pea_err_free(err);
	err = NULL;
	CHECK_INT(user_resolve_path(root, "0", extra, &u, &err), -1);
	CHECK(err != NULL);
	pea_err_free(err);
	err = NULL;
	CHECK_INT(user_resolve_path(root, "app:", NULL, &u, &err), -1);
	CHECK(err && err->kind == PEA_E_INVALID);
	pea_err_free(err);
}

TEST(symlinks_out_of_the_rootfs_are_refused)
{
	char evil[] = "/tmp/test-user-evil-XXXXXX";
	char *etc, *passwd, *secret, *e2;
	struct user_ids u;
	struct pea_err *err = NULL;

	CHECK(mkdtemp(evil) != NULL);
	secret = path_join(evil, "shadow");
	CHECK_INT(io_write_file_atomic(secret, "evil:x:0:0::/evil:/bin/sh\n", 26, 0600, NULL), 0);
	passwd = path_join(root, "etc/passwd");
	unlink(passwd);
	CHECK_INT(symlink(secret, passwd), 0);
	CHECK_INT(user_resolve_path(root, "evil", NULL, &u, &err), -1);
	CHECK(err && err->errnum == ELOOP);
	pea_err_free(err);
	err = NULL;
	/* a numeric user does not read through it either */
	CHECK_INT(user_resolve_path(root, "0", NULL, &u, &err), -1);
	pea_err_free(err);
	err = NULL;

	/* /etc itself a symlink to a directory outside */
	etc = path_join(root, "etc");
	e2 = path_join(root, "etc.real");
	CHECK_INT(rename(etc, e2), 0);
	CHECK_INT(symlink(evil, etc), 0);
	/* <evil>/passwd: what following the symlink would read */
	CHECK_INT(io_write_file_atomic(passwd, "evil:x:0:0::/:/bin/sh\n", 22, 0600, NULL), 0);
	CHECK_INT(user_resolve_path(root, "evil", NULL, &u, &err), -1);
	CHECK(err && err->errnum == ELOOP);
	pea_err_free(err);
	err = NULL;
	unlink(passwd);
	unlink(etc);
	CHECK_INT(rename(e2, etc), 0);

	/* a FIFO must not block the lookup */
	unlink(passwd);
	CHECK_INT(mkfifo(passwd, 0644), 0);
	CHECK_INT(user_resolve_path(root, "app", NULL, &u, &err), -1);
	CHECK(err && strstr(err->msg, "regular file"));
	pea_err_free(err);
	unlink(passwd);
	unlink(secret);
	rmdir(evil);
	free(etc);
	free(e2);
	free(passwd);
	free(secret);
}

TEST(no_passwd_file)
{
	struct user_ids u;
	struct pea_err *err = NULL;

	/* passwd removed by the previous test */
	CHECK_INT(user_resolve_path(root, NULL, NULL, &u, &err), 0);
	CHECK_INT(u.uid, 0);
	CHECK_STR(u.home, "/");
	user_ids_release(&u);
	CHECK_INT(user_resolve_path(root, "app", NULL, &u, &err), -1);
	CHECK(err && err->kind == PEA_E_NOT_FOUND);
	pea_err_free(err);
}

TEST(run_as_non_root)
{
	struct pea_err *e = NULL;

	CHECK_INT(user_check_non_root("1000", NULL, 1000, NULL), 0);
	CHECK_INT(user_check_non_root(NULL, "1000:1000", 1000, NULL), 0);
	CHECK_INT(user_check_non_root(NULL, NULL, 0, &e), -1);
	CHECK(e && !strcmp(e->msg, "container has runAsNonRoot and image will run as root"));
	pea_err_free(e);
	e = NULL;
	CHECK_INT(user_check_non_root(NULL, "0", 0, &e), -1);
	CHECK(e && !strcmp(e->msg, "container has runAsNonRoot and image will run as root"));
	pea_err_free(e);
	e = NULL;
	/* a name cannot be checked before the process runs, even when it is not root */
	CHECK_INT(user_check_non_root(NULL, "app:app", 1000, &e), -1);
	CHECK(e && !strcmp(e->msg, "container has runAsNonRoot and image has non-numeric user "
			   "(app), cannot verify user is non-root"));
	pea_err_free(e);
	e = NULL;
	CHECK_INT(user_check_non_root("0", "1000", 0, &e), -1);
	CHECK(e && !strcmp(e->msg, "container's runAsUser breaks non-root policy"));
	pea_err_free(e);
	/* runAsUser wins over the image's name */
	CHECK_INT(user_check_non_root("1000", "app", 1000, NULL), 0);
}

int main(void)
{
	make_rootfs();
	RUN(default_is_root);
	RUN(name_resolves_with_memberships);
	RUN(name_and_group);
	RUN(numeric_ids_need_no_entry);
	RUN(unknown_names_fail_clearly);
	RUN(symlinks_out_of_the_rootfs_are_refused);
	RUN(no_passwd_file);
	RUN(run_as_non_root);
	io_rm_rf(root, NULL);
	return tap_done();
}
