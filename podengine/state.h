/* The state database: one SQLite file at <root>/state.db.
 *
 * WAL journal, a 30 s busy timeout and foreign keys on, so several peapod
 * processes can use it at once.  Every change is one transaction
 * (state_begin uses BEGIN IMMEDIATE so writers queue instead of failing on
 * upgrade).  The schema is versioned with PRAGMA user_version and only ever
 * migrated forward, each migration in its own exclusive transaction.
 *
 * Reboot detection: the run root is a tmpfs; when <runroot>/alive is missing
 * the first command after boot runs the refresh statements (every container
 * exited, every pod stopped, ...) and creates the marker. */
#ifndef PEA_STATE_H
#define PEA_STATE_H

#include <sqlite3.h>
#include <stdint.h>

#include "base/ctx.h"
#include "base/err.h"

struct state;

/* Open (creating dirs and migrating) on first use; the handle is cached in
 * ctx->state and owned by ctx (closed by state_close(ctx->state)). */
struct state *state_get(struct pea_ctx *ctx, struct pea_err **err);
/* Open a database file directly (tests); runs migrations, no refresh. */
struct state *state_open_path(const char *path, struct pea_err **err);
void state_close(struct state *st);

sqlite3 *state_db(struct state *st);
/* Schema version after migrations. */
int state_schema_version(struct state *st);
int state_latest_version(void);

int state_begin(struct state *st, struct pea_err **err);
int state_commit(struct state *st, struct pea_err **err);
/* Never fails; safe to call when no transaction is open. */
void state_rollback(struct state *st);

/* Run SQL without results. */
int state_exec(struct state *st, const char *sql, struct pea_err **err);
/* Prepare a statement; finalize with sqlite3_finalize (or cleanup_stmt). */
sqlite3_stmt *state_prepare(struct state *st, const char *sql, struct pea_err **err);
/* Step a statement expecting SQLITE_DONE; maps constraint violations to kind
 * EXISTS.  Returns 0 or -1. */
int state_step_done(struct state *st, sqlite3_stmt *stmt, struct pea_err **err);
/* Set an error from the database's last error message. */
int state_error(struct state *st, struct pea_err **err, const char *what);

/* Run the reboot refresh now (exposed for tests). */
int state_refresh(struct state *st, struct pea_err **err);

static inline void cleanup_stmtp(sqlite3_stmt **s)
{
	if (*s)
		sqlite3_finalize(*s);
}
#define cleanup_stmt __attribute__((cleanup(cleanup_stmtp)))

#endif
