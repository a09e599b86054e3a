/* Container records and state transitions on a temporary root.  Nothing
 * runs: the "runtime" is /bin/true and conmon is never spawned; exits are
 * simulated with exit files, as conmon writes them. */
#include "tests/unit/tap.h"
#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/io.h"
#include "base/json.h"
#include "base/xalloc.h"
#include "podengine/container.h"
#include "podengine/ctr-internal.h"
#include "podengine/image.h"
#include "podengine/state.h"
#include "podengine/volume.h"

#include <archive.h>
#include <archive_entry.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/banned.h"

static struct pea_ctx ctx;
static char tmpdir[] = "/tmp/test-container-XXXXXX";

static int write_tar(const char *path)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	static const char data[] = "hello\n";

	archive_write_set_format_pax_restricted(a);
	if (archive_write_open_filename(a, path) != ARCHIVE_OK)
		return -1;
	archive_entry_set_pathname(e, "etc/motd");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, sizeof(data) - 1);
	archive_write_header(a, e);
	archive_write_data(a, data, sizeof(data) - 1);
	archive_entry_free(e);
	archive_write_close(a);
	archive_write_free(a);
	return 0;
}

static int setup(void)
{
	cleanup_free char *tar = NULL;
	const char *changes[] = { "STOPSIGNAL SIGINT", "CMD [\"/bin/sh\"]" };
	char *id;

	if (!mkdtemp(tmpdir))
		return -1;
	log_init(&ctx.log);
	ctx.root = path_join(tmpdir, "root");
	ctx.runroot = path_join(tmpdir, "run");
	ctx.runtime = xstrdup("/bin/true");
	ctx.storage_driver = xstrdup("vfs");
	tar = path_join(tmpdir, "rootfs.tar");
	if (ctx_init_paths(&ctx, NULL) < 0 || write_tar(tar) < 0)
		return -1;
	id = img_import(&ctx, tar, "localhost/test", changes, 2, NULL);
	if (!id)
		return -1;
	free(id);
	return 0;
}

static char *create(const char *name, struct pea_err **err)
{
	struct ctr_spec s;
	char *id;

	ctr_spec_init(&s);
	s.image = xstrdup("localhost/test");
	s.name = name ? xstrdup(name) : NULL;
	id = ctr_create(&ctx, &s, err);
	ctr_spec_release(&s);
	return id;
}

static int count_rows(void)
{
	cleanup_stmt sqlite3_stmt *s = state_prepare(state_get(&ctx, NULL),
						     "SELECT count(*) FROM containers;", NULL);

	return s && sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
}

static void write_exit(const char *id, const char *code, bool oom)
{
	cleanup_free char *p = ctr_exit_file(&ctx, id);
	cleanup_free char *dir = path_join(ctx.runroot, "exits");
	cleanup_free char *o = xasprintf("%s.oom", p);

	io_mkdir_p(dir, 0700, NULL);
	io_write_file_atomic(p, code, strlen(code), 0600, NULL);
	if (oom)
		io_write_file_atomic(o, "", 0, 0600, NULL);
}

/* Pretend the container is running under a (dead) conmon. */
static void set_running(struct ctr_info *ci)
{
	ci->state = CTR_RUNNING;
	ci->pid = 0;
	ci->conmon_pid = 0;
	ci->started_at = ctr_now_ns() - 1000000000LL;
	ctr_save(&ctx, ci, NULL);
}

TEST(create_and_lookup)
{
	cleanup_free char *id = create("web", NULL);
	cleanup_free char *userdata = NULL, *prefix = NULL;
	struct ctr_info ci;

	CHECK(id != NULL);
	if (!id)
		return;
	CHECK_INT(strlen(id), 64);
	CHECK_INT(ctr_lookup(&ctx, "web", &ci, NULL), 0);
	CHECK_STR(ci.id, id);
	CHECK_INT(ci.state, CTR_CREATED);
	CHECK_STR(ctr_state_name(ci.state), "created");
	CHECK_STR(ci.image_name, "localhost/test");
	CHECK(ci.runtime && strstr(ci.runtime, "/true"));
	CHECK(ci.spec.hostname && !strncmp(ci.spec.hostname, id, 12) && strlen(ci.spec.hostname) == 12);
	CHECK_STR(ci.spec.stop_signal, "SIGINT");   /* from the image's StopSignal */
	CHECK(ci.image_config != NULL);
	userdata = xasprintf("%s/containers/%s/userdata", ctx.root, id);
	CHECK_STR(ci.bundle, userdata);
	CHECK(io_exists(userdata));
	ctr_info_release(&ci);
	prefix = xstrndup(id, 10);
	CHECK_INT(ctr_lookup(&ctx, prefix, &ci, NULL), 0);
	CHECK_STR(ci.name, "web");
	ctr_info_release(&ci);
	CHECK(ctr_exists(&ctx, id));
	CHECK(!ctr_exists(&ctx, "nope"));
}

TEST(create_errors_leave_nothing)
{
	struct pea_err *err = NULL;
	int rows = count_rows();
	char *id;
	struct ctr_spec s;

	id = create("web", &err);
	CHECK(id == NULL);
	CHECK(pea_err_is(err, PEA_E_EXISTS));
	CHECK(err && strstr(err->msg, "the container name \"web\" is already in use by "));
	pea_err_free(steal_ptr(err));
	CHECK(create("-bad", &err) == NULL);
	CHECK(pea_err_is(err, PEA_E_INVALID));
	pea_err_free(steal_ptr(err));

	ctr_spec_init(&s);
	s.image = xstrdup("localhost/missing");
	s.name = xstrdup("m");
	CHECK(ctr_create(&ctx, &s, &err) == NULL);
	CHECK(pea_err_is(err, PEA_E_NOT_FOUND));
	pea_err_free(steal_ptr(err));
	ctr_spec_release(&s);

	/* a bad stop signal fails after the id exists: nothing may stay */
	ctr_spec_init(&s);
	s.image = xstrdup("localhost/test");
	s.name = xstrdup("sig");
	s.stop_signal = xstrdup("SIGNOPE");
	CHECK(ctr_create(&ctx, &s, &err) == NULL);
	pea_err_free(steal_ptr(err));
	ctr_spec_release(&s);
	CHECK_INT(count_rows(), rows);
	CHECK(!ctr_exists(&ctx, "sig"));
}

TEST(lookup_not_found)
{
	struct ctr_info ci;
	struct pea_err *err = NULL;

	CHECK_INT(ctr_lookup(&ctx, "ghost", &ci, &err), -1);
	CHECK(pea_err_is(err, PEA_E_NOT_FOUND));
	CHECK_STR(err->msg, "no container with name or ID \"ghost\" found: no such container");
	pea_err_free(err);
}

TEST(list_newest_first_and_running_only)
{
	cleanup_free char *id = create("second", NULL);
	struct ctr_info *l = NULL;
	size_t n = 0;

	CHECK(id != NULL);
	CHECK_INT(ctr_list(&ctx, true, &l, &n, NULL), 0);
	CHECK(n >= 2);
	if (n >= 2) {
		CHECK_STR(l[0].name, "second");
		CHECK_STR(l[1].name, "web");
	}
	ctr_info_list_free(l, n);
	CHECK_INT(ctr_list(&ctx, false, &l, &n, NULL), 0);
	CHECK_INT(n, 0);
	ctr_info_list_free(l, n);
}

TEST(cleanup_records_exit)
{
	struct ctr_info ci;

	CHECK_INT(ctr_lookup(&ctx, "web", &ci, NULL), 0);
	set_running(&ci);
	write_exit(ci.id, "3", true);
	CHECK_INT(ctr_cleanup(&ctx, ci.id, NULL), 0);
	ctr_info_release(&ci);
	CHECK_INT(ctr_lookup(&ctx, "web", &ci, NULL), 0);
	CHECK_INT(ci.state, CTR_EXITED);
	CHECK_INT(ci.exit_code, 3);
	CHECK(ci.oom_killed);
	CHECK(ci.finished_at >= ci.started_at);
	CHECK_INT(ci.restart_count, 0);
	/* idempotent: a second run (conmon after an inline cleanup) changes nothing */
	CHECK_INT(ctr_cleanup(&ctx, ci.id, NULL), 0);
	ctr_info_release(&ci);
	CHECK_INT(ctr_lookup(&ctx, "web", &ci, NULL), 0);
	CHECK_INT(ci.state, CTR_EXITED);
	CHECK_INT(ci.exit_code, 3);
	ctr_remove_exit_file(&ctx, ci.id);
	ctr_info_release(&ci);
	/* gone containers are fine */
	CHECK_INT(ctr_cleanup(&ctx, "0123456789abcdef", NULL), 0);
}

TEST(sync_notices_dead_conmon)
{
	struct ctr_info ci;

	CHECK_INT(ctr_lookup(&ctx, "second", &ci, NULL), 0);
	set_running(&ci);
	ctr_info_release(&ci);
	/* no exit file, no conmon, no container: exited with an unknown code */
	CHECK_INT(ctr_lookup(&ctx, "second", &ci, NULL), 0);
	CHECK_INT(ci.state, CTR_EXITED);
	CHECK_INT(ci.exit_code, -1);
	ctr_info_release(&ci);
}

TEST(restart_policy_and_backoff)
{
	struct ctr_info ci;

	CHECK_INT(ctr_load(&ctx, "web", &ci, NULL), 0);
	ci.spec.restart = RESTART_ON_FAILURE;
	ci.spec.restart_max = 2;
	set_running(&ci);
	write_exit(ci.id, "1", false);
	CHECK_INT(ctr_cleanup_locked(&ctx, &ci, true, NULL), 1);
	CHECK_INT(ci.state, CTR_RESTARTING);
	CHECK_INT(ci.restart_count, 1);
	CHECK_INT(ci.backoff, 10);
	set_running(&ci);
	CHECK_INT(ctr_cleanup_locked(&ctx, &ci, true, NULL), 1);
	CHECK_INT(ci.backoff, 20);
	CHECK_INT(ci.restart_count, 2);
	set_running(&ci);
	/* on-failure:2 is used up */
	CHECK_INT(ctr_cleanup_locked(&ctx, &ci, true, NULL), 0);
	CHECK_INT(ci.state, CTR_EXITED);

	ci.spec.restart = RESTART_ALWAYS;
	ci.backoff = 200;
	set_running(&ci);
	CHECK_INT(ctr_cleanup_locked(&ctx, &ci, true, NULL), 1);
	CHECK_INT(ci.backoff, 300);     /* capped */
	set_running(&ci);
	ci.started_at -= 601LL * 1000000000LL; /* ran > 10 minutes */
	CHECK_INT(ctr_cleanup_locked(&ctx, &ci, true, NULL), 1);
	CHECK_INT(ci.backoff, 10);      /* reset */
	/* exit 0 with on-failure: no restart; stopped by the user: none either */
	ci.spec.restart = RESTART_ON_FAILURE;
	ci.spec.restart_max = 0;
	write_exit(ci.id, "0", false);
	set_running(&ci);
	CHECK_INT(ctr_cleanup_locked(&ctx, &ci, true, NULL), 0);
	ci.spec.restart = RESTART_UNLESS_STOPPED;
	ci.stopped_by_user = true;
	set_running(&ci);
	CHECK_INT(ctr_cleanup_locked(&ctx, &ci, true, NULL), 0);
	CHECK_INT(ci.state, CTR_EXITED);
	ctr_remove_exit_file(&ctx, ci.id);
	ctr_info_release(&ci);
}

TEST(stop_restarting_container)
{
	struct ctr_info ci;

	CHECK_INT(ctr_load(&ctx, "web", &ci, NULL), 0);
	ci.state = CTR_RESTARTING;
	ci.conmon_pid = 0;
	ci.stopped_by_user = false;
	ctr_save(&ctx, &ci, NULL);
	ctr_info_release(&ci);
	CHECK_INT(ctr_stop(&ctx, "web", 0, NULL), 0);
	CHECK_INT(ctr_load(&ctx, "web", &ci, NULL), 0);
	CHECK_INT(ci.state, CTR_EXITED);
	CHECK(ci.stopped_by_user);
	ctr_info_release(&ci);
}

TEST(json_shapes)
{
	struct ctr_info ci;
	cleanup_json struct json_object *ins = NULL, *ps = NULL;
	struct json_object *v, *st;

	CHECK_INT(ctr_lookup(&ctx, "web", &ci, NULL), 0);
	ins = ctr_inspect_json(&ctx, &ci, NULL);
	ps = ctr_ps_json(&ctx, &ci);
	CHECK(json_object_object_get_ex(ins, "State", &st));
	CHECK(json_object_object_get_ex(st, "Status", &v));
	CHECK_STR(json_object_get_string(v), "exited");
	CHECK(json_object_object_get_ex(ins, "Path", &v));
	CHECK_STR(json_object_get_string(v), "/bin/sh");
	CHECK(json_object_object_get_ex(ins, "Name", &v));
	CHECK_STR(json_object_get_string(v), "web");
	CHECK(json_object_object_get_ex(ins, "Config", &v));
	CHECK(json_object_object_get_ex(v, "StopSignal", &v));
	CHECK_STR(json_object_get_string(v), "SIGINT");
	CHECK(json_object_object_get_ex(ins, "HostConfig", &v));
	CHECK(json_object_object_get_ex(v, "RestartPolicy", &v));
	CHECK(json_object_object_get_ex(ps, "Names", &v));
	CHECK_STR(json_object_get_string(json_object_array_get_idx(v, 0)), "web");
	CHECK(json_object_object_get_ex(ps, "Status", &v));
	CHECK(!strncmp(json_object_get_string(v), "Exited (", 8));
	ctr_info_release(&ci);
}

TEST(remove)
{
	struct ctr_info ci;
	struct pea_err *err = NULL;
	cleanup_free char *dir = NULL;
	cleanup_free char *id = NULL;
	struct ctr_spec s;
	char *vol;

	CHECK_INT(ctr_load(&ctx, "web", &ci, NULL), 0);
	dir = xasprintf("%s/containers/%s", ctx.root, ci.id);
	ci.state = CTR_RUNNING;
	ci.pid = getpid(); /* alive: removal without force is refused */
	ci.conmon_pid = getpid();
	ctr_save(&ctx, &ci, NULL);
	CHECK_INT(ctr_remove(&ctx, "web", false, false, &err), -1);
	CHECK(pea_err_is(err, PEA_E_IN_USE));
	pea_err_free(steal_ptr(err));
	ci.state = CTR_EXITED;
	ci.pid = ci.conmon_pid = 0;
	ctr_save(&ctx, &ci, NULL);
	CHECK_INT(ctr_remove(&ctx, "web", false, false, NULL), 0);
	CHECK(!ctr_exists(&ctx, "web"));
	CHECK(!io_exists(dir));
	ctr_info_release(&ci);

	/* anonymous volumes go with -v */
	ctr_spec_init(&s);
	s.image = xstrdup("localhost/test");
	s.name = xstrdup("withvol");
	s.mounts = xcalloc(1, sizeof(*s.mounts));
	s.n_mounts = 1;
	CHECK_INT(spec_parse_volume("/data", &s.mounts[0], NULL), 0);
	id = ctr_create(&ctx, &s, NULL);
	ctr_spec_release(&s);
	CHECK(id != NULL);
	CHECK_INT(ctr_load(&ctx, "withvol", &ci, NULL), 0);
	vol = ci.spec.mounts[0].source ? xstrdup(ci.spec.mounts[0].source) : NULL;
	ctr_info_release(&ci);
	CHECK(vol && strlen(vol) == 64 && vol_exists(&ctx, vol));
	CHECK_INT(ctr_remove(&ctx, "withvol", false, true, NULL), 0);
	CHECK(vol && !vol_exists(&ctx, vol));
	free(vol);
}

TEST(parse_signal)
{
	CHECK_INT(ctr_parse_signal("SIGTERM", NULL), SIGTERM);
	CHECK_INT(ctr_parse_signal("kill", NULL), SIGKILL);
	CHECK_INT(ctr_parse_signal("9", NULL), 9);
	CHECK_INT(ctr_parse_signal("RTMIN+1", NULL), SIGRTMIN + 1);
	CHECK_INT(ctr_parse_signal("SIGFOO", NULL), -1);
	CHECK_INT(ctr_parse_signal("99", NULL), -1);
}

int main(void)
{
	struct pea_err *err = NULL;

	if (geteuid() != 0 || setup() < 0) {
		printf("1..0 # SKIP needs root and a writable /tmp\n0 passed, 0 failed\n");
		return 0;
	}
	RUN(create_and_lookup);
	RUN(create_errors_leave_nothing);
	RUN(lookup_not_found);
	RUN(list_newest_first_and_running_only);
	RUN(cleanup_records_exit);
	RUN(sync_notices_dead_conmon);
	RUN(restart_policy_and_backoff);
	RUN(stop_restarting_container);
	RUN(json_shapes);
	RUN(remove);
	RUN(parse_signal);
	state_close(ctx.state);
	ctx.state = NULL;
	io_rm_rf(tmpdir, &err);
	pea_err_free(err);
	ctx_release(&ctx);
	return tap_done();
}
