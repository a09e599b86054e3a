#include "tests/unit/tap.h"
#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/io.h"
#include "base/xalloc.h"
#include "podengine/state.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/banned.h"

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/pea-state-XXXXXX";

	return xstrdup(mkdtemp(tmpl));
}

TEST(fresh_database_is_migrated_to_latest)
{
	cleanup_free char *d = tmpdir();
	cleanup_free char *p = path_join(d, "state.db");
	struct pea_err *err = NULL;
	struct state *st = state_open_path(p, &err);

	CHECK(st != NULL);
	if (!st)
		return;
	CHECK_INT(state_schema_version(st), state_latest_version());
	CHECK_INT(state_exec(st, "INSERT INTO meta VALUES ('k', 'v');", &err), 0);
	state_close(st);
	/* Reopening keeps data and version. */
	st = state_open_path(p, &err);
	CHECK(st != NULL);
	CHECK_INT(state_schema_version(st), state_latest_version());
	state_close(st);
	io_rm_rf(d, NULL);
}

TEST(newer_schema_is_refused)
{
	cleanup_free char *d = tmpdir();
	cleanup_free char *p = path_join(d, "state.db");
	cleanup_free char *bump = xasprintf("PRAGMA user_version = %d;", state_latest_version() + 5);
	struct pea_err *err = NULL;
	struct state *st = state_open_path(p, &err);

	CHECK(st != NULL);
	state_exec(st, bump, &err);
	state_close(st);
	st = state_open_path(p, &err);
	CHECK(st == NULL);
	CHECK(err && strstr(err->msg, "newer than this peapod"));
	pea_err_free(err);
	io_rm_rf(d, NULL);
}

TEST(constraint_violation_is_kind_exists)
{
	cleanup_free char *d = tmpdir();
	cleanup_free char *p = path_join(d, "state.db");
	struct pea_err *err = NULL;
	struct state *st = state_open_path(p, &err);

	CHECK_INT(state_exec(st, "INSERT INTO meta VALUES ('a', '1');", &err), 0);
	CHECK_INT(state_exec(st, "INSERT INTO meta VALUES ('a', '2');", &err), -1);
	CHECK(pea_err_is(err, PEA_E_EXISTS));
	pea_err_free(err);
	state_close(st);
	io_rm_rf(d, NULL);
}

/* Several processes opening (and migrating) and writing at once. */
TEST(concurrent_writers_do_not_lose_rows)
{
	cleanup_free char *d = tmpdir();
	cleanup_free char *p = path_join(d, "state.db");
	int i, status, ok = 1;

	for (i = 0; i < 8; i++) {
		if (fork() == 0) {
			struct state *st = state_open_path(p, NULL);
			int k;

			if (!st)
				_exit(1);
			for (k = 0; k < 25; k++) {
				char *sql = xasprintf("INSERT INTO meta VALUES ('w%d-%d', 'x');", i, k);

				if (state_begin(st, NULL) < 0 || state_exec(st, sql, NULL) < 0 ||
				    state_commit(st, NULL) < 0)
					_exit(2);
				free(sql);
			}
			state_close(st);
			_exit(0);
		}
	}
	for (i = 0; i < 8; i++) {
		wait(&status);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			ok = 0;
	}
	CHECK(ok);
	{
		struct state *st = state_open_path(p, NULL);
		cleanup_stmt sqlite3_stmt *s = state_prepare(st, "SELECT COUNT(*) FROM meta;", NULL);

		CHECK_INT(sqlite3_step(s), SQLITE_ROW);
		CHECK_INT(sqlite3_column_int(s, 0), 200);
		sqlite3_finalize(s);
		s = NULL;
		state_close(st);
	}
	io_rm_rf(d, NULL);
}

TEST(reboot_marker_triggers_refresh_once)
{
	cleanup_free char *d = tmpdir();
	struct pea_ctx ctx = { 0 };
	struct pea_err *err = NULL;
	struct state *st;
	cleanup_free char *marker = NULL;

	ctx.root = path_join(d, "root");
	ctx.runroot = path_join(d, "run");
	marker = path_join(ctx.runroot, "alive");
	st = state_get(&ctx, &err);
	CHECK(st != NULL);
	CHECK(io_exists(marker));
	/* Simulated run-time row; a "reboot" (marker gone) must drop it. */
	state_exec(st, "INSERT INTO meta VALUES ('run.x', '1');", &err);
	state_close(st);
	ctx.state = NULL;
	st = state_get(&ctx, &err);
	{
		cleanup_stmt sqlite3_stmt *s = state_prepare(st, "SELECT COUNT(*) FROM meta;", NULL);

		sqlite3_step(s);
		CHECK_INT(sqlite3_column_int(s, 0), 1);   /* no refresh: marker present */
	}
	state_close(st);
	ctx.state = NULL;
	unlink(marker);
	st = state_get(&ctx, &err);
	{
		cleanup_stmt sqlite3_stmt *s = state_prepare(st, "SELECT COUNT(*) FROM meta;", NULL);

		sqlite3_step(s);
		CHECK_INT(sqlite3_column_int(s, 0), 0);   /* refreshed */
	}
	CHECK(io_exists(marker));
	state_close(st);
	ctx.state = NULL;
	ctx_release(&ctx);
	io_rm_rf(d, NULL);
}

int main(void)
{
	RUN(fresh_database_is_migrated_to_latest);
	RUN(newer_schema_is_refused);
	RUN(constraint_violation_is_kind_exists);
	RUN(concurrent_writers_do_not_lose_rows);
	RUN(reboot_marker_triggers_refresh_once);
	return tap_done();
}
