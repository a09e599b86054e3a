#include "tests/unit/tap.h"
#include "podengine/reference.h"
#include "base/err.h"

#include "base/banned.h"

#define D64 "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* Parse s and compare its normalised string form. */
static void check_norm(const char *s, const char *want, int line)
{
	struct img_ref r;
	struct pea_err *err = NULL;
	char *got;

	if (img_ref_parse(s, &r, &err) < 0) {
		printf("#   line %d: parse '%s' failed: %s\n", line, s, err->msg);
		tap_cur_failed = 1;
		pea_err_free(err);
		return;
	}
	got = img_ref_string(&r);
	if (strcmp(got, want)) {
		printf("#   line %d: '%s' -> '%s', want '%s'\n", line, s, got, want);
		tap_cur_failed = 1;
	}
	free(got);
	img_ref_release(&r);
}

/* Parse must fail with kind INVALID and a message containing `needle`. */
static void check_bad(const char *s, const char *needle, int line)
{
	struct img_ref r;
	struct pea_err *err = NULL;

	if (img_ref_parse(s, &r, &err) == 0) {
		printf("#   line %d: '%s' parsed but should fail\n", line, s);
		tap_cur_failed = 1;
		img_ref_release(&r);
		return;
	}
	if (!pea_err_is(err, PEA_E_INVALID) || !strstr(err->msg, needle)) {
		printf("#   line %d: '%s': error '%s', want '%s'\n", line, s,
		       err ? err->msg : "(none)", needle);
		tap_cur_failed = 1;
	}
	pea_err_free(err);
}

#define NORM(s, w) check_norm((s), (w), __LINE__)
#define BAD(s, n) check_bad((s), (n), __LINE__)

TEST(short_names_normalise_to_docker_hub)
{
	NORM("busybox", "docker.io/library/busybox:latest");
	NORM("busybox:1.36", "docker.io/library/busybox:1.36");
	NORM("user/app", "docker.io/user/app:latest");
	NORM("user/app:v1", "docker.io/user/app:v1");
	NORM("docker.io/busybox", "docker.io/library/busybox:latest");
	NORM("index.docker.io/library/busybox", "docker.io/library/busybox:latest");
	NORM("a/b/c/d", "docker.io/a/b/c/d:latest");
}

TEST(hosts_ports_and_localhost)
{
	struct img_ref r;
	struct pea_err *err = NULL;

	NORM("localhost/x", "localhost/x:latest");
	NORM("localhost:5000/x", "localhost:5000/x:latest");
	NORM("127.0.0.1:5101/busybox:latest", "127.0.0.1:5101/busybox:latest");
	NORM("quay.io/podman/hello", "quay.io/podman/hello:latest");
	NORM("registry.example.com/a/b:tag_1.2-x", "registry.example.com/a/b:tag_1.2-x");
	NORM("[::1]:5000/repo", "[::1]:5000/repo:latest");
	NORM("My.Registry.com/repo", "My.Registry.com/repo:latest");
	CHECK_INT(img_ref_parse("host:5000/ns/repo:tag", &r, &err), 0);
	CHECK_STR(r.domain, "host:5000");
	CHECK_STR(r.path, "ns/repo");
	CHECK_STR(r.tag, "tag");
	CHECK(r.digest == NULL);
	{
		char *repo = img_ref_repo(&r);
		CHECK_STR(repo, "host:5000/ns/repo");
		free(repo);
	}
	img_ref_release(&r);
}

TEST(tags_and_digests)
{
	struct img_ref r;
	struct pea_err *err = NULL;

	NORM("busybox@" D64, "docker.io/library/busybox@" D64);
	NORM("busybox:1@" D64, "docker.io/library/busybox:1@" D64);
	NORM("host:5000/repo:tag@" D64, "host:5000/repo:tag@" D64);
	CHECK_INT(img_ref_parse("host:5000/repo@" D64, &r, &err), 0);
	CHECK(r.tag == NULL);
	CHECK_STR(r.digest, D64);
	img_ref_release(&r);
	NORM("x:_underscore", "docker.io/library/x:_underscore");
}

TEST(invalid_references_are_refused)
{
	BAD("", "empty");
	BAD("BusyBox", "must be lowercase");
	BAD("docker.io/Library/busybox", "must be lowercase");
	BAD("busybox:", "invalid tag");
	BAD("busybox:-x", "invalid tag");
	BAD("busybox:a/b", "bad registry host");
	BAD("busybox@sha256:abc", "bad digest");
	BAD("busybox@md5:0123456789abcdef0123456789abcdef", "bad digest");
	BAD("bad name", "whitespace");
	BAD("a//b", "bad repository name");
	BAD("-a", "bad repository name");
	BAD("a-", "bad repository name");
	BAD("a..b", "bad repository name");
	BAD("a___b", "bad repository name");
	BAD("host:99999999/x", "bad registry host");
	BAD("-host.com/x", "bad registry host");
	BAD("host.com/", "bad repository name");
	BAD(":tag", "missing repository");
	BAD("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	    "64-byte hexadecimal");
	{
		char tag[200];
		char s[256];

		memset(tag, 'a', 129);
		tag[129] = 0;
		snprintf(s, sizeof(s), "x:%s", tag);
		BAD(s, "invalid tag");
	}
	{
		char s[256];

		/* the limit applies to the normalised name */
		memset(s, 'a', 250);
		s[250] = 0;
		BAD(s, "longer than 255");
	}
	NORM("a__b-c--d.e_f", "docker.io/library/a__b-c--d.e_f:latest");
}

TEST(id_prefixes)
{
	CHECK(img_ref_is_id_prefix("abc"));
	CHECK(img_ref_is_id_prefix("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
	CHECK(img_ref_is_id_prefix("sha256:abcd12"));
	CHECK(!img_ref_is_id_prefix("ab"));
	CHECK(!img_ref_is_id_prefix("busybox"));
	CHECK(!img_ref_is_id_prefix("ABC123"));
	CHECK(!img_ref_is_id_prefix("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0"));
	CHECK(!img_ref_is_id_prefix(NULL));
}

int main(void)
{
	RUN(short_names_normalise_to_docker_hub);
	RUN(hosts_ports_and_localhost);
	RUN(tags_and_digests);
	RUN(invalid_references_are_refused);
	RUN(id_prefixes);
	return tap_done();
}
