#include "tests/unit/tap.h"
#include "podengine/auth.h"
#include "base/err.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <sys/stat.h>

#include "base/banned.h"

static char tmpdir[] = "/tmp/test-auth-XXXXXX";

static char *tpath(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static void write_file(const char *path, const char *text)
{
	struct pea_err *err = NULL;

	if (io_write_file_atomic(path, text, strlen(text), 0600, &err) < 0) {
		printf("# write %s failed\n", path);
		pea_err_free(err);
	}
}

TEST(base64_round_trip)
{
	char *e = auth_b64_encode("user:pass", 9);
	char *d;
	size_t n;

	CHECK_STR(e, "dXNlcjpwYXNz");
	d = auth_b64_decode(e, &n);
	CHECK_STR(d, "user:pass");
	CHECK_INT(n, 9);
	free(d);
	free(e);
	e = auth_b64_encode("ab", 2);
	CHECK_STR(e, "YWI=");
	d = auth_b64_decode(e, &n);
	CHECK_INT(n, 2);
	CHECK_STR(d, "ab");
	free(d);
	free(e);
	CHECK(auth_b64_decode("abc", &n) == NULL);
	CHECK(auth_b64_decode("a!c=", &n) == NULL);
}

TEST(creds_flag)
{
	char *u = NULL, *p = NULL;
	struct pea_err *err = NULL;

	CHECK_INT(auth_parse_creds("bob:se:cret", &u, &p, &err), 0);
	CHECK_STR(u, "bob");
	CHECK_STR(p, "se:cret");
	free(u);
	free(p);
	CHECK_INT(auth_parse_creds("bob", &u, &p, &err), -1);
	CHECK(pea_err_is(err, PEA_E_INVALID));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(auth_parse_creds(":x", &u, &p, &err), -1);
	pea_err_free(err);
}

TEST(lookup_in_named_file)
{
	char *f = tpath("named.json");
	char *u = NULL, *p = NULL;
	struct pea_err *err = NULL;

	/* "alice:pw1", "carol:pw:3" */
	write_file(f, "{\"auths\":{\"127.0.0.1:5101\":{\"auth\":\"YWxpY2U6cHcx\"},"
		      "\"https://index.docker.io/v1/\":{\"auth\":\"Y2Fyb2w6cHc6Mw==\"},"
		      "\"bad.example\":{\"auth\":\"!!!!\"}}}");
	CHECK_INT(auth_lookup(f, 0, "127.0.0.1:5101", &u, &p, &err), 0);
	CHECK_STR(u, "alice");
	CHECK_STR(p, "pw1");
	free(u);
	free(p);
	CHECK_INT(auth_lookup(f, 0, "docker.io", &u, &p, &err), 0);
	CHECK_STR(u, "carol");
	CHECK_STR(p, "pw:3");
	free(u);
	free(p);
	CHECK_INT(auth_lookup(f, 0, "127.0.0.1:5102", &u, &p, &err), 1);
	CHECK(err == NULL);
	CHECK_INT(auth_lookup(f, 0, "bad.example", &u, &p, &err), -1);
	CHECK(err && strstr(err->msg, "malformed"));
	pea_err_free(err);
	err = NULL;
	write_file(f, "{not json");
	CHECK_INT(auth_lookup(f, 0, "x", &u, &p, &err), -1);
	CHECK(pea_err_is(err, PEA_E_INVALID));
	pea_err_free(err);
	err = NULL;
	free(f);
	f = tpath("missing.json");
	CHECK_INT(auth_lookup(f, 0, "x", &u, &p, &err), 1);
	free(f);
}

TEST(default_files_podman_then_docker)
{
	char *run = tpath("run");
	char *home = tpath("home");
	char *podman = tpath("run/containers/auth.json");
	char *docker_dir = tpath("home/.docker");
	char *docker = tpath("home/.docker/config.json");
	char *u = NULL, *p = NULL, *def;
	struct pea_err *err = NULL;

	setenv("XDG_RUNTIME_DIR", run, 1);
	setenv("HOME", home, 1);
	unsetenv("REGISTRY_AUTH_FILE");
	unsetenv("DOCKER_CONFIG");
	def = auth_default_path(0);
	CHECK_STR(def, podman);
	free(def);
	io_mkdir_p(docker_dir, 0700, &err);
	/* docker has both hosts, podman only one: podman's wins for that one */
	write_file(docker, "{\"auths\":{\"a.io\":{\"auth\":\"ZDpk\"},\"b.io\":{\"auth\":\"ZTpl\"}}}");
	CHECK_INT(auth_login(NULL, 0, "a.io", "p", "p", &err), 0);
	CHECK_INT(auth_lookup(NULL, 0, "a.io", &u, &p, &err), 0);
	CHECK_STR(u, "p");
	free(u);
	free(p);
	CHECK_INT(auth_lookup(NULL, 0, "b.io", &u, &p, &err), 0);
	CHECK_STR(u, "e");
	free(u);
	free(p);
	CHECK_INT(auth_lookup(NULL, 0, "c.io", &u, &p, &err), 1);
	unsetenv("XDG_RUNTIME_DIR");
	def = auth_default_path(0);
	CHECK_STR(def, "/run/containers/0/auth.json");
	free(def);
	/* rootless: the user's host uid, whatever geteuid() says in the namespace */
	def = auth_default_path(1001);
	CHECK_STR(def, "/run/user/1001/containers/auth.json");
	free(def);
	setenv("REGISTRY_AUTH_FILE", docker, 1);
	def = auth_default_path(0);
	CHECK_STR(def, docker);
	free(def);
	unsetenv("REGISTRY_AUTH_FILE");
	CHECK(err == NULL);
	free(run);
	free(home);
	free(podman);
	free(docker_dir);
	free(docker);
}

TEST(login_merges_and_logout_removes)
{
	char *f = tpath("sub/dir/auth.json");
	char *u = NULL, *p = NULL;
	struct pea_err *err = NULL;
	struct strbuf sb = STRBUF_INIT;
	struct stat st;

	CHECK_INT(auth_login(f, 0, "one:5000", "u1", "p1", &err), 0);
	CHECK_INT(auth_login(f, 0, "two", "u2", "p:2", &err), 0);
	CHECK_INT(auth_login(f, 0, "one:5000", "u1b", "p1b", &err), 0);
	CHECK_INT(stat(f, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	CHECK_INT(io_read_file(f, &sb, &err), 0);
	CHECK(strstr(sb.buf, "\"auths\""));
	CHECK(strstr(sb.buf, "dTFiOnAxYg==")); /* u1b:p1b */
	strbuf_release(&sb);
	CHECK_INT(auth_lookup(f, 0, "two", &u, &p, &err), 0);
	CHECK_STR(p, "p:2");
	free(u);
	free(p);
	CHECK_INT(auth_lookup(f, 0, "one:5000", &u, &p, &err), 0);
	CHECK_STR(u, "u1b");
	free(u);
	free(p);
	CHECK_INT(auth_logout(f, 0, "one:5000", &err), 0);
	CHECK_INT(auth_lookup(f, 0, "one:5000", &u, &p, &err), 1);
	CHECK_INT(auth_lookup(f, 0, "two", &u, &p, &err), 0);
	free(u);
	free(p);
	CHECK_INT(auth_logout(f, 0, "one:5000", &err), -1);
	CHECK(pea_err_is(err, PEA_E_NOT_FOUND));
	CHECK(err && strstr(err->msg, "not logged into 'one:5000'"));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(auth_logout(f, 0, NULL, &err), 0);
	CHECK_INT(auth_lookup(f, 0, "two", &u, &p, &err), 1);
	CHECK_INT(auth_login(f, 0, "x", "a:b", "c", &err), -1);
	pea_err_free(err);
	free(f);
}

int main(void)
{
	struct pea_err *err = NULL;

	if (!mkdtemp(tmpdir))
		return 1;
	RUN(base64_round_trip);
	RUN(creds_flag);
	RUN(lookup_in_named_file);
	RUN(default_files_podman_then_docker);
	RUN(login_merges_and_logout_removes);
	io_rm_rf(tmpdir, &err);
	return tap_done();
}
