#include "tests/unit/tap.h"

#include <fcntl.h>
#include <unistd.h>

#include "base/err.h"
#include "base/strbuf.h"
#include "cli/kube-input.h"

#include "base/banned.h"

static char dir[] = "/tmp/test-kube-input-XXXXXX";

static char *fixture(const char *name, size_t size)
{
	char *path = NULL;
	int fd;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return NULL;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		if (ftruncate(fd, (off_t)size) < 0 || pwrite(fd, "kind: Pod\n", 10, 0) != 10)
			size = 0;
		close(fd);
	}
	return path;
}

TEST(read_file_appends)
{
	struct strbuf sb = STRBUF_INIT;
	struct pea_err *err = NULL;
	char *p = fixture("a.yaml", 10);

	strbuf_addstr(&sb, "x");
	CHECK_INT(cli_kube_read(p, &sb, &err), 0);
	CHECK_INT(sb.len, 11);
	CHECK_STR(sb.buf, "xkind: Pod\n");
	strbuf_release(&sb);
	free(p);
}

TEST(read_missing_file)
{
	struct strbuf sb = STRBUF_INIT;
	struct pea_err *err = NULL;
	char *p = fixture("x", 1);

	unlink(p);
	CHECK_INT(cli_kube_read(p, &sb, &err), -1);
	CHECK(pea_err_is(err, PEA_E_NOT_FOUND));
	CHECK(err && strstr(err->msg, "open '") != NULL);
	pea_err_free(err);
	strbuf_release(&sb);
	free(p);
}

TEST(read_limit)
{
	struct strbuf sb = STRBUF_INIT;
	struct pea_err *err = NULL;
	char *ok = fixture("max.yaml", KUBE_INPUT_MAX);
	char *big = fixture("big.yaml", KUBE_INPUT_MAX + 1);

	CHECK_INT(cli_kube_read(ok, &sb, &err), 0);
	CHECK_INT(sb.len, KUBE_INPUT_MAX);
	strbuf_reset(&sb);
	CHECK_INT(cli_kube_read(big, &sb, &err), -1);
	CHECK(pea_err_is(err, PEA_E_INVALID));
	CHECK(err && strstr(err->msg, "larger than 16 MiB") != NULL);
	pea_err_free(err);
	strbuf_release(&sb);
	free(ok);
	free(big);
}

TEST(read_bad_url)
{
	struct strbuf sb = STRBUF_INIT;
	struct pea_err *err = NULL;

	/* port 1 on loopback: refused at once, nothing leaves the host */
	CHECK_INT(cli_kube_read("http://127.0.0.1:1/app.yaml", &sb, &err), -1);
	CHECK(err && strstr(err->msg, "fetch 'http://127.0.0.1:1/app.yaml': ") != NULL);
	pea_err_free(err);
	strbuf_release(&sb);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	RUN(read_file_appends);
	RUN(read_missing_file);
	RUN(read_limit);
	RUN(read_bad_url);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", dir);
	}
	return tap_done();
}
