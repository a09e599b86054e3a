#include "podengine/state.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

struct state {
	sqlite3 *db;
	int in_tx;
};

/* Forward migrations: entry i takes the schema from version i to i+1.
 * Never edit a released entry; append a new one. */
static const char *const migrations[] = {
	/* 0 -> 1: images and layers */
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE layers ("
	"  diff_id TEXT PRIMARY KEY,"          /* digest of the uncompressed tar */
	"  blob_digest TEXT,"                  /* compressed blob it came from */
	"  media_type TEXT,"
	"  size INTEGER NOT NULL DEFAULT 0,"   /* unpacked bytes */
	"  created INTEGER NOT NULL);"
	"CREATE TABLE images ("
	"  id TEXT PRIMARY KEY,"               /* hex of the config digest */
	"  config_digest TEXT NOT NULL,"
	"  manifest_digest TEXT NOT NULL,"
	"  manifest_media_type TEXT NOT NULL,"
	"  index_digest TEXT,"                 /* manifest list it was picked from */
	"  size INTEGER NOT NULL DEFAULT 0,"
	"  created TEXT,"                      /* from the image config */
	"  added INTEGER NOT NULL);"
	"CREATE TABLE image_names ("
	"  name TEXT PRIMARY KEY,"
	"  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE);"
	"CREATE TABLE image_layers ("
	"  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
	"  idx INTEGER NOT NULL,"
	"  diff_id TEXT NOT NULL REFERENCES layers(diff_id),"
	"  PRIMARY KEY (image_id, idx));"
	"CREATE INDEX image_layers_diff ON image_layers(diff_id);"
	"CREATE TABLE image_digests ("          /* every manifest digest an image answers to */
	"  digest TEXT NOT NULL,"
	"  repo TEXT NOT NULL,"
	"  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (digest, repo));",

	/* 1 -> 2: containers */
	"CREATE TABLE containers ("
	"  id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  image_id TEXT REFERENCES images(id),"    /* NULL for infra containers */
	"  image_name TEXT,"
	"  pod_id TEXT,"
	"  infra INTEGER NOT NULL DEFAULT 0,"
	"  state TEXT NOT NULL,"
	"  pid INTEGER NOT NULL DEFAULT 0,"
	"  conmon_pid INTEGER NOT NULL DEFAULT 0,"
	"  exit_code INTEGER NOT NULL DEFAULT 0,"
	"  oom_killed INTEGER NOT NULL DEFAULT 0,"
	"  stopped_by_user INTEGER NOT NULL DEFAULT 0,"
	"  restart_count INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL,"
	"  started_at INTEGER NOT NULL DEFAULT 0,"
	"  finished_at INTEGER NOT NULL DEFAULT 0,"
	"  runtime TEXT,"
	"  spec TEXT NOT NULL);"                     /* ctr_spec as JSON */
	"CREATE INDEX containers_pod ON containers(pod_id);"
	"CREATE INDEX containers_image ON containers(image_id);",

	/* 2 -> 3: volumes */
	"CREATE TABLE volumes ("
	"  name TEXT PRIMARY KEY,"
	"  driver TEXT NOT NULL DEFAULT 'local',"
	"  mountpoint TEXT NOT NULL,"
	"  labels TEXT,"                             /* JSON object */
	"  options TEXT,"                            /* JSON object */
	"  anonymous INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL);"
	"CREATE TABLE volume_users ("
	"  volume TEXT NOT NULL REFERENCES volumes(name),"
	"  container_id TEXT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (volume, container_id));",

	/* 3 -> 4: restart backoff (kubelet style) and the last start error */
	"ALTER TABLE containers ADD COLUMN backoff INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE containers ADD COLUMN error TEXT;",

	/* 4 -> 5: networks, IP allocations, pods */
	"CREATE TABLE networks ("
	"  name TEXT PRIMARY KEY,"
	"  id TEXT NOT NULL UNIQUE,"
	"  config TEXT NOT NULL,"                     /* the network as JSON (network.h) */
	"  created INTEGER NOT NULL);"
	"CREATE TABLE ip_allocations ("
	"  network TEXT NOT NULL REFERENCES networks(name) ON DELETE CASCADE,"
	"  ip TEXT NOT NULL,"                         /* canonical text form */
	"  owner TEXT NOT NULL,"                      /* pod id or container id */
	"  PRIMARY KEY (network, ip));"
	"CREATE INDEX ip_allocations_owner ON ip_allocations(owner);"
	"CREATE TABLE pods ("
	"  id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  infra_id TEXT,"                            /* container id of the infra, or NULL */
	"  state TEXT NOT NULL,"
	"  netns TEXT,"                               /* bind-mounted netns path, or NULL */
	"  created INTEGER NOT NULL,"
	"  spec TEXT NOT NULL);"                      /* pod_spec as JSON */
	"CREATE TABLE pod_networks ("                 /* what net_setup gave the pod */
	"  pod_id TEXT NOT NULL REFERENCES pods(id) ON DELETE CASCADE,"
	"  network TEXT NOT NULL REFERENCES networks(name),"
	"  status TEXT NOT NULL,"                     /* JSON: interface, addresses, gateway, mac */
	"  PRIMARY KEY (pod_id, network));",
};

/* Statements run after a reboot; later migrations' objects add theirs here
 * (guarded so they work on every schema version that has the table). */
static const char *const refresh_sql[] = {
	"DELETE FROM meta WHERE key LIKE 'run.%';",
	/* Nothing survives a reboot: every container has exited. */
	"UPDATE containers SET state = 'exited', pid = 0, conmon_pid = 0,"
	"  finished_at = CASE WHEN finished_at = 0 THEN started_at ELSE finished_at END"
	"  WHERE state NOT IN ('created', 'exited');",
	/* Network namespaces lived in the run root: gone with it. */
	"UPDATE pods SET state = 'exited', netns = NULL WHERE state <> 'created';",
};

int state_latest_version(void)
{
	return (int)(sizeof(migrations) / sizeof(migrations[0]));
}

sqlite3 *state_db(struct state *st)
{
	return st->db;
}

int state_error(struct state *st, struct pea_err **err, const char *what)
{
	int rc = sqlite3_extended_errcode(st->db);
	enum pea_err_kind kind = PEA_E_GENERIC;

	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		kind = PEA_E_EXISTS;
	return pea_err_setk(err, kind, 0, "state: %s: %s", what, sqlite3_errmsg(st->db));
}

int state_exec(struct state *st, const char *sql, struct pea_err **err)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = sqlite3_extended_errcode(st->db);

		pea_err_setk(err, (rc & 0xff) == SQLITE_CONSTRAINT ? PEA_E_EXISTS : PEA_E_GENERIC,
			     0, "state: %s", msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

sqlite3_stmt *state_prepare(struct state *st, const char *sql, struct pea_err **err)
{
	sqlite3_stmt *stmt = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		state_error(st, err, "prepare");
		return NULL;
	}
	return stmt;
}

int state_step_done(struct state *st, sqlite3_stmt *stmt, struct pea_err **err)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	return state_error(st, err, "step");
}

int state_begin(struct state *st, struct pea_err **err)
{
	if (state_exec(st, "BEGIN IMMEDIATE;", err) < 0)
		return -1;
	st->in_tx = 1;
	return 0;
}

int state_commit(struct state *st, struct pea_err **err)
{
	if (state_exec(st, "COMMIT;", err) < 0) {
		state_rollback(st);
		return -1;
	}
	st->in_tx = 0;
	return 0;
}

void state_rollback(struct state *st)
{
	if (st->in_tx)
		sqlite3_exec(st->db, "ROLLBACK;", NULL, NULL, NULL);
	st->in_tx = 0;
}

static int user_version(struct state *st)
{
	cleanup_stmt sqlite3_stmt *s = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version;", -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	return v;
}

int state_schema_version(struct state *st)
{
	return user_version(st);
}

static int migrate(struct state *st, struct pea_err **err)
{
	int latest = state_latest_version();

	while (user_version(st) < latest) {
		cleanup_free char *bump = NULL;
		int v;

		if (state_exec(st, "BEGIN EXCLUSIVE;", err) < 0)
			return pea_err_wrap(err, "migrate");
		st->in_tx = 1;
		/* Another process may have migrated while we waited. */
		v = user_version(st);
		if (v < 0 || v > latest) {
			state_rollback(st);
			return pea_err_set(err, 0, "state: schema version %d is newer than this "
					   "peapod understands (%d)", v, latest);
		}
		if (v == latest) {
			state_rollback(st);
			break;
		}
		bump = xasprintf("PRAGMA user_version = %d;", v + 1);
		if (state_exec(st, migrations[v], err) < 0 || state_exec(st, bump, err) < 0) {
			state_rollback(st);
			return pea_err_wrap(err, "migrate state to version %d", v + 1);
		}
		if (state_commit(st, err) < 0)
			return pea_err_wrap(err, "migrate state to version %d", v + 1);
	}
	if (user_version(st) > latest)
		return pea_err_set(err, 0, "state: schema version %d is newer than this peapod "
				   "understands (%d)", user_version(st), latest);
	return 0;
}

/* Switching a new database to WAL needs an exclusive lock and SQLite does
 * not run the busy handler for it: several processes opening a fresh
 * database at once retry here. */
static int set_wal(struct state *st, struct pea_err **err)
{
	struct timespec ts = { 0, 10 * 1000000L };
	int i;

	for (i = 0; i < 3000; i++) {
		int rc = sqlite3_exec(st->db, "PRAGMA journal_mode=WAL;", NULL, NULL, NULL);

		if (rc == SQLITE_OK)
			return 0;
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			break;
		nanosleep(&ts, NULL);
	}
	return state_error(st, err, "set WAL journal mode");
}

/* The database holds Secrets' data (pod volumes, env): 0600, made so
 * before SQLite opens it (its -wal and -shm files take the database's
 * mode); an older database with wider permissions is narrowed. */
static void make_private(const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	size_t i;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		cleanup_free char *p = xasprintf("%s%s", path, suffixes[i]);
		int fd = open(p, O_RDWR | O_NOFOLLOW | O_CLOEXEC | (i ? 0 : O_CREAT), 0600);

		if (fd >= 0) {
			fchmod(fd, 0600);
			close(fd);
		}
	}
}

struct state *state_open_path(const char *path, struct pea_err **err)
{
	struct state *st = xcalloc(1, sizeof(*st));

	make_private(path);
	if (sqlite3_open_v2(path, &st->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		pea_err_set(err, 0, "open state '%s': %s", path,
			    st->db ? sqlite3_errmsg(st->db) : "out of memory");
		state_close(st);
		return NULL;
	}
	sqlite3_busy_timeout(st->db, 30000);
	if (set_wal(st, err) < 0 ||
	    state_exec(st, "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;", err) < 0 ||
	    migrate(st, err) < 0) {
		pea_err_wrap(err, "open state '%s'", path);
		state_close(st);
		return NULL;
	}
	return st;
}

void state_close(struct state *st)
{
	if (!st)
		return;
	state_rollback(st);
	sqlite3_close(st->db);
	free(st);
}

int state_refresh(struct state *st, struct pea_err **err)
{
	size_t i;

	if (state_begin(st, err) < 0)
		return -1;
	for (i = 0; i < sizeof(refresh_sql) / sizeof(refresh_sql[0]); i++) {
		if (state_exec(st, refresh_sql[i], err) < 0) {
			state_rollback(st);
			return pea_err_wrap(err, "refresh state after reboot");
		}
	}
	return state_commit(st, err);
}

/* First command after boot: refresh, then create the marker.  The marker is
 * created only after a successful refresh, under a lock so only one process
 * refreshes. */
static int check_reboot(struct pea_ctx *ctx, struct state *st, struct pea_err **err)
{
	cleanup_free char *marker = path_join(ctx->runroot, "alive");
	cleanup_free char *lock = path_join(ctx->runroot, "alive.lock");
	cleanup_close int lfd = -1;
	int fd;

	if (access(marker, F_OK) == 0)
		return 0;
	if (io_mkdir_p(ctx->runroot, 0700, err) < 0)
		return -1;
	lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lfd < 0)
		return pea_err_set(err, errno, "open '%s'", lock);
	if (lockf(lfd, F_LOCK, 0) < 0)
		return pea_err_set(err, errno, "lock '%s'", lock);
	if (access(marker, F_OK) == 0)
		return 0;
	if (state_refresh(st, err) < 0)
		return -1;
	fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return pea_err_set(err, errno, "create '%s'", marker);
	close(fd);
	return 0;
}

struct state *state_get(struct pea_ctx *ctx, struct pea_err **err)
{
	cleanup_free char *path = NULL;
	struct state *st;

	if (ctx->state)
		return ctx->state;
	if (io_mkdir_p(ctx->root, 0700, err) < 0)
		return NULL;
	path = path_join(ctx->root, "state.db");
	st = state_open_path(path, err);
	if (!st)
		return NULL;
	if (check_reboot(ctx, st, err) < 0) {
		state_close(st);
		return NULL;
	}
	ctx->state = st;
	return st;
}
