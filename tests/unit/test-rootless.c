#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/tap.h"
#include "base/err.h"
#include "base/idmap.h"
#include "base/io.h"
#include "podengine/rootless.h"

#include "base/banned.h"

static const char subuid[] =
	"# ranges\n"
	"alice:100000:65536\n"
	"bob:165536:65536\n"
	"1003:231072:1000\n"
	"alice:400000:10\n"
	"\n"
	"broken\n"
	"carol:x:5\n"
	"dave:4294967290:100\n";

TEST(by_name_first_range)
{
	struct rootless_range r = { 0 };

	CHECK_INT(rootless_parse_subid(subuid, "alice", 1001, &r, NULL), 1);
	CHECK_INT(r.start, 100000);
	CHECK_INT(r.count, 65536);
	CHECK_INT(rootless_parse_subid(subuid, "bob", 1002, &r, NULL), 1);
	CHECK_INT(r.start, 165536);
}

TEST(by_uid)
{
	struct rootless_range r = { 0 };

	CHECK_INT(rootless_parse_subid(subuid, "erin", 1003, &r, NULL), 1);
	CHECK_INT(r.start, 231072);
	CHECK_INT(r.count, 1000);
	CHECK_INT(rootless_parse_subid(subuid, NULL, 1003, &r, NULL), 1);
}

TEST(none)
{
	struct rootless_range r = { 0 };

	CHECK_INT(rootless_parse_subid(subuid, "frank", 1004, &r, NULL), 0);
	CHECK_INT(rootless_parse_subid("", "frank", 1004, &r, NULL), 0);
	/* a line without ':' is not anyone's */
	CHECK_INT(rootless_parse_subid(subuid, "broken", 1005, &r, NULL), 0);
}

TEST(malformed_lines_of_the_user_fail)
{
	struct rootless_range r = { 0 };
	struct pea_err *e = NULL;

	CHECK_INT(rootless_parse_subid(subuid, "carol", 1006, &r, &e), -1);
	CHECK(e && strstr(e->msg, "carol"));
	pea_err_free(e);
	e = NULL;
	/* beyond 2^32 */
	CHECK_INT(rootless_parse_subid(subuid, "dave", 1007, &r, &e), -1);
	pea_err_free(e);
}

static void put(const char *path, const char *text)
{
	if (io_write_file_atomic(path, text, strlen(text), 0600, NULL) < 0)
		printf("# cannot write %s\n", path);
}

TEST(id_maps)
{
	char path[] = "/tmp/test-idmap-XXXXXX";
	int fd = mkstemp(path);
	struct idmap_range r[4];

	CHECK(fd >= 0);
	close(fd);
	put(path, "         0          0 4294967295\n");
	CHECK(!idmap_is_userns(path));
	CHECK(idmap_maps(path, 33));
	put(path, "         0       1001          1\n         1     100000      65536\n");
	CHECK(idmap_is_userns(path));
	CHECK_INT(idmap_read(path, r, 4), 2);
	CHECK_INT(r[1].inside, 1);
	CHECK_INT(r[1].outside, 100000);
	CHECK_INT(r[1].count, 65536);
	CHECK_INT(idmap_read(path, r, 1), 1);
	CHECK(idmap_maps(path, 5));
	CHECK(idmap_maps(path, 65536));
	CHECK(!idmap_maps(path, 65537));
	put(path, "0 1001 1\n");
	CHECK(idmap_maps(path, 0));
	CHECK(!idmap_maps(path, 5));
	unlink(path);
	/* unreadable: not a user namespace, and nothing refused */
	CHECK(!idmap_is_userns(path));
	CHECK(idmap_maps(path, 5));
	CHECK_INT(idmap_read(path, r, 4), -1);
}

int main(void)
{
	RUN(by_name_first_range);
	RUN(by_uid);
	RUN(none);
	RUN(malformed_lines_of_the_user_fail);
	RUN(id_maps);
	return tap_done();
}
