/* Container lifecycle: start, stop, kill, restart, wait, remove, cleanup
 * (the exit command) and the restart policy (container.h).
 *
 * Every operation holds the container's lock for its duration; the exit
 * command takes it too, so a `stop` that is still waiting finishes the
 * cleanup inline and the exit command then finds nothing to do.
 *
 * Restart policy (no daemon): ctr_cleanup decides.  When a restart is due it
 * marks the container `restarting`, bumps restart_count and the kubelet
 * backoff (10 s doubling to 300 s; back to 10 s after 10 minutes of
 * running), and forks a detached waiter so that conmon can exit.  The
 * waiter records its pid in conmon_pid, sleeps the backoff, re-checks the
 * state under the lock (stop/rm kill it or change the state) and starts
 * the container through the normal path (a new conmon). */
#include "podengine/container.h"
#include "podengine/ctr-attach.h"
#include "podengine/ctr-internal.h"
#include "podengine/rootless.h"
#include "podengine/ctr-probe.h"
#include "podengine/ctr-runtime.h"
#include "podengine/etc-files.h"
#include "podengine/mount-source.h"
#include "podengine/oci-spec.h"
#include "podengine/pod.h"
#include "podengine/state.h"
#include "podengine/storage.h"
#include "podengine/volume.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/json.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

#define BACKOFF_MIN 10
#define BACKOFF_MAX 300
#define BACKOFF_RESET_NS (600LL * 1000000000LL)

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int load_locked(struct pea_ctx *ctx, const char *name, struct ctr_info *ci, int *lock,
		       struct pea_err **err)
{
	struct ctr_info first;

	if (ctr_load(ctx, name, &first, err) < 0)
		return -1;
	*lock = ctr_lock(ctx, first.id, err);
	if (*lock < 0) {
		ctr_info_release(&first);
		return -1;
	}
	/* Reload: it may have changed (or gone) while we waited. */
	if (ctr_load(ctx, first.id, ci, err) < 0) {
		ctr_info_release(&first);
		close(*lock);
		*lock = -1;
		return -1;
	}
	ctr_info_release(&first);
	return 0;
}

static void signal_ctr(struct pea_ctx *ctx, const struct ctr_info *ci, int sig);

/* ---- start ------------------------------------------------------------ */

/* "host" means: join the host's (no new namespace). */
static const char *ns_path(const char *v)
{
	if (!v || !*v || !strcmp(v, "none") || !strcmp(v, "private"))
		return NULL;
	if (!strncmp(v, "ns:", 3))
		return v + 3;
	return v;
}

static bool resources_set(const struct resources_spec *r)
{
	return r->memory > 0 || r->memory_swap != 0 || r->cpu_quota > 0 || r->cpu_period > 0 ||
	       r->cpu_shares > 0 || r->pids_limit > 0;
}

static bool host_cgroup_v2(void)
{
	struct statfs sf;

	return statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == 0x63677270; /* CGROUP2 */
}

/* The files peapod bind-mounts over /etc must exist in the rootfs as
 * mount points: with --read-only the runtime cannot create them (podman
 * creates them too).  Walked with O_NOFOLLOW: an image's /etc symlink is not
 * followed out of the rootfs. */
static int make_etc_mountpoints(const char *rootfs, struct pea_err **err)
{
	static const char *const files[] = { "hosts", "resolv.conf", "hostname" };
	cleanup_close int root = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int etc = -1;
	size_t i;

	if (root < 0)
		return pea_err_set(err, errno, "open rootfs '%s'", rootfs);
	if (mkdirat(root, "etc", 0755) < 0 && errno != EEXIST)
		return pea_err_set(err, errno, "create /etc in the rootfs");
	etc = openat(root, "etc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (etc < 0)
		return pea_err_set(err, errno, "open /etc in the rootfs");
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int fd = openat(etc, files[i], O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);

		if (fd >= 0)
			close(fd);
		else if (errno != ELOOP && errno != EISDIR)
			return pea_err_set(err, errno, "create /etc/%s in the rootfs", files[i]);
	}
	return 0;
}

/* "NAME=<pod IP>" for each of env_pod_ip (Kubernetes' status.podIP); NULL
 * when the pod has no address. */
static char **pod_ip_env(const struct ctr_spec *s, const struct pod_join *pj)
{
	char **env = NULL;
	char *const *n;

	if (!pj || !pj->ip)
		return NULL;
	for (n = s->env_pod_ip; n && *n; n++) {
		cleanup_free char *kv = xasprintf("%s=%s", *n, pj->ip);

		strv_push(&env, kv);
	}
	return env;
}

/* SPEC_POD_IP_MARK in the process's args and env becomes the pod's address
 * ("" without one). */
static void replace_pod_ip(struct json_object *cfg, const char *ip)
{
	static const char *const keys[] = { "args", "env" };
	struct json_object *proc, *arr;

	if (!json_object_object_get_ex(cfg, "process", &proc))
		return;
	for (size_t k = 0; k < 2; k++) {
		if (!json_object_object_get_ex(proc, keys[k], &arr))
			continue;
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			const char *s = json_object_get_string(json_object_array_get_idx(arr, i));
			struct strbuf sb = STRBUF_INIT;
			const char *m;

			if (!s || !strstr(s, SPEC_POD_IP_MARK))
				continue;
			while ((m = strstr(s, SPEC_POD_IP_MARK))) {
				strbuf_add(&sb, s, (size_t)(m - s));
				strbuf_addstr(&sb, ip ? ip : "");
				s = m + strlen(SPEC_POD_IP_MARK);
			}
			strbuf_addstr(&sb, s);
			json_object_array_put_idx(arr, i, json_object_new_string(sb.buf));
			strbuf_release(&sb);
		}
	}
}

static int write_bundle(struct pea_ctx *ctx, const struct ctr_info *ci, const char *rootfs,
			const struct pod_join *pj, struct pea_err **err)
{
	const struct ctr_spec *s = &ci->spec;
	cleanup_free bool *ro = NULL;
	cleanup_strv char **sources = mntsrc_resolve(ctx, ci, rootfs, &ro, err);
	cleanup_strv char **env = pod_ip_env(s, pj);
	cleanup_free char *pause = s->init ? ctr_helper_path("peapod-pause", NULL) : NULL;
	cleanup_json struct json_object *cfg = NULL;
	const char *net = s->ns.net;
	struct etc_files_in ef = {
		.bundle = ci->bundle, .hostname = s->hostname, .add_hosts = s->add_hosts,
		.dns_servers = s->dns_servers, .dns_search = s->dns_search,
		.dns_options = s->dns_options,
		.net = net && !strcmp(net, "host") ? ETC_NET_HOST :
		       net && !strcmp(net, "none") ? ETC_NET_NONE : ETC_NET_PRIVATE,
	};
	struct oci_spec_in in = {
		.id = ci->id, .spec = s, .image_config = ci->image_config, .rootfs = rootfs,
		.bundle = ci->bundle, .mount_sources = (const char *const *)sources,
		.readonly_mounts = ro, .env_extra = env,
		.pause_path = pause, .cgroup_parent = s->cgroup_parent ? s->cgroup_parent : "/peapod",
		.cgroup_v2 = host_cgroup_v2(), .rootless = ctx->rootless,
		.netns_path = ns_path(s->ns.net), .ipcns_path = ns_path(s->ns.ipc),
		.utsns_path = ns_path(s->ns.uts), .pidns_path = ns_path(s->ns.pid),
	};

	cleanup_free char *delegated = ctx->rootless ? rootless_cgroup_delegated() : NULL;

	in.cgroup_delegated = delegated;
	in.no_tty_gid = ctx->rootless && !rootless_gid_mapped(5);
	if (ctx->rootless && !delegated && resources_set(&s->resources) && !ctx->warned_limits) {
		/* podman's words */
		log_warn(&ctx->log, "Resource limits are not supported and ignored on %s",
			 in.cgroup_v2 ? "cgroups V2 rootless systems without delegation"
				      : "cgroups V1 rootless systems");
		ctx->warned_limits = true;
	}
	if (!sources)
		return -1;
	if (!s->infra && make_etc_mountpoints(rootfs, err) < 0)
		return -1;
	if (s->init && !pause)
		return pea_err_set(err, 0, "--init needs peapod-pause next to peapod");
	if (pj) {
		/* a pod's container: the pod's namespaces and /etc files */
		in.netns_path = pj->netns;
		in.ipcns_path = pj->ipcns;
		in.utsns_path = pj->utsns;
		in.pidns_path = pj->pidns;
		in.etc_dir = pj->etc_dir;
		in.shm_path = pj->shm;
		if (io_mkdir_p(ci->bundle, 0700, err) < 0)
			return -1;
	} else if (io_mkdir_p(ci->bundle, 0700, err) < 0 || etc_files_write(&ef, err) < 0) {
		return -1;
	}
	if (!(cfg = oci_spec_build(&in, err)))
		return -1;
	if (s->pod_ip_refs)
		replace_pod_ip(cfg, pj ? pj->ip : NULL);
	return oci_spec_write(ci->bundle, cfg, err);
}

/* Undo a half-done start: nothing may be left running or mounted. */
static void start_rollback(struct pea_ctx *ctx, struct ctr_info *ci, pid_t conmon_pid)
{
	int i;

	if (conmon_pid > 0) {
		kill(conmon_pid, SIGKILL);
		for (i = 0; i < 50 && ctr_pid_alive(conmon_pid); i++)
			sleep_ms(20);
	}
	ctr_runtime_delete(ctx, ci, true, NULL);
	ctr_remove_exit_file(ctx, ci->id);
	mntsrc_release(ctx, ci->id);
	store_rootfs_umount(ctx, ci->id, NULL);
}

static void record_error(struct pea_ctx *ctx, struct ctr_info *ci, struct pea_err *e)
{
	free(ci->error);
	ci->error = e ? pea_err_text(e) : NULL;
	ci->pid = 0;
	ci->conmon_pid = 0;
	if (ci->state != CTR_CREATED)
		ci->state = CTR_EXITED;
	ctr_save(ctx, ci, NULL);
}

/* lifecycle.postStart, right after the start (Kubernetes runs it next to
 * the container's process).  A failure kills the container; its exit path
 * (conmon's exit command) then applies the restart policy, so the start
 * itself succeeded, as for the kubelet. */
#define POST_START_TIMEOUT 120

static void post_start(struct pea_ctx *ctx, struct ctr_info *ci)
{
	cleanup_strbuf struct strbuf msg = STRBUF_INIT;
	struct pea_err *e = NULL;
	int rc;

	if (!ctr_probe_has(ci, "postStart"))
		return;
	rc = ctr_probe_hook(ci, "postStart", POST_START_TIMEOUT, &msg, &e);
	if (rc == 0)
		return;
	free(ci->error);
	if (rc < 0) {
		ci->error = pea_err_text(e);
		pea_err_free(e);
	} else {
		ci->error = xasprintf("PostStartHookError: %s", msg.len ? msg.buf : "failed");
	}
	log_warn(&ctx->log, "container '%s': %s", ci->name, ci->error);
	ctr_save(ctx, ci, NULL);
	signal_ctr(ctx, ci, SIGKILL);
}

/* Start a container whose lock the caller holds. */
static int start_locked(struct pea_ctx *ctx, struct ctr_info *ci, struct ctr_start_opts *opts,
			struct pea_err **err)
{
	cleanup_free char *rootfs = NULL;
	cleanup_close int afd = -1;
	struct pod_join pj = { 0 };
	pid_t pid, conmon_pid = 0;

	ctr_remove_exit_file(ctx, ci->id);
	ctr_runtime_delete(ctx, ci, true, NULL); /* a leftover of a crash */
	if (ci->pod_id && pod_ctr_join(ctx, ci, &pj, err) < 0)
		goto fail;
	if (ci->infra)
		rootfs = xstrdup(pj.rootfs ? pj.rootfs : ci->rootfs);
	/* Mounted read-write even for --read-only: the runtime makes the root
	 * read-only (root.readonly) after its mount points are in place. */
	else if (!(rootfs = store_rootfs_mount(ctx, ci->id, false, err)))
		goto fail;
	if (write_bundle(ctx, ci, rootfs, ci->pod_id ? &pj : NULL, err) < 0 ||
	    ctr_probe_prepare(ctx, ci, ci->pod_id ? &pj : NULL, err) < 0)
		goto fail;
	if ((pid = ctr_conmon_spawn(ctx, ci, &conmon_pid, err)) < 0)
		goto fail;
	if (opts && opts->attach && (afd = ctr_attach_connect(ctx, ci->id, err)) < 0)
		goto fail;
	if (ctr_runtime_start(ctx, ci, err) < 0)
		goto fail;
	ci->state = CTR_RUNNING;
	ci->pid = pid;
	ci->conmon_pid = conmon_pid;
	ci->started_at = ctr_now_ns();
	ci->stopped_by_user = false;
	ci->oom_killed = false;
	free(steal_ptr(ci->error));
	if (ctr_save(ctx, ci, err) < 0) {
		kill(pid, SIGKILL);
		goto fail;
	}
	if (opts && opts->attach)
		opts->attach_fd = steal_fd(afd);
	pod_join_release(&pj);
	post_start(ctx, ci);
	return 0;
fail:
	pod_join_release(&pj);
	start_rollback(ctx, ci, conmon_pid);
	record_error(ctx, ci, err ? *err : NULL);
	return pea_err_wrap(err, "start container '%s'", ci->name);
}

int ctr_start(struct pea_ctx *ctx, const char *name, struct ctr_start_opts *opts,
	      struct pea_err **err)
{
	cleanup_close int lock = -1;
	struct ctr_info ci;
	int rc = 0;

	if (opts)
		opts->attach_fd = -1;
	if (load_locked(ctx, name, &ci, &lock, err) < 0)
		return -1;
	if (ci.state == CTR_RUNNING || ci.state == CTR_STOPPING) {
		/* podman: starting a running container is fine */
		if (opts && opts->attach && (opts->attach_fd = ctr_attach_connect(ctx, ci.id, err)) < 0)
			rc = -1;
	} else if (ci.state == CTR_REMOVING) {
		rc = pea_err_setk(err, PEA_E_IN_USE, 0, "container '%s' is being removed", ci.name);
	} else {
		if (ci.state == CTR_RESTARTING && ci.conmon_pid > 0) {
			kill(ci.conmon_pid, SIGKILL); /* the restart waiter: we start it now */
			ci.conmon_pid = 0;
		}
		rc = start_locked(ctx, &ci, opts, err);
	}
	ctr_info_release(&ci);
	return rc;
}

/* ---- cleanup and restart policy --------------------------------------- */

static bool restart_due(const struct ctr_info *ci)
{
	/* an init container runs to its end under pod start, which decides */
	if (ci->stopped_by_user || ci->spec.role == CTR_ROLE_INIT)
		return false;
	switch (ci->spec.restart) {
	case RESTART_ALWAYS:
	case RESTART_UNLESS_STOPPED:
		return true;
	case RESTART_ON_FAILURE:
		return ci->exit_code != 0 &&
		       (ci->spec.restart_max == 0 || ci->restart_count < ci->spec.restart_max);
	case RESTART_NO:
		break;
	}
	return false;
}

static int next_backoff(const struct ctr_info *ci)
{
	if (!ci->backoff || ci->finished_at - ci->started_at >= BACKOFF_RESET_NS)
		return BACKOFF_MIN;
	return ci->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : ci->backoff * 2;
}

/* The detached waiter: never returns. */
static void __attribute__((noreturn)) restart_waiter(struct pea_ctx *ctx, const char *id)
{
	struct ctr_info ci;
	int lock, backoff;

	if ((lock = ctr_lock(ctx, id, NULL)) < 0 || ctr_load(ctx, id, &ci, NULL) < 0)
		_exit(1);
	if (ci.state != CTR_RESTARTING)
		_exit(0);
	ci.conmon_pid = getpid();
	backoff = ci.backoff;
	ctr_save(ctx, &ci, NULL);
	ctr_info_release(&ci);
	close(lock);
	sleep_ms(backoff * 1000);
	if ((lock = ctr_lock(ctx, id, NULL)) < 0 || ctr_load(ctx, id, &ci, NULL) < 0)
		_exit(1);
	if (ci.state != CTR_RESTARTING || ci.conmon_pid != getpid())
		_exit(0);
	ci.conmon_pid = 0;
	if (start_locked(ctx, &ci, NULL, NULL) < 0) {
		ci.state = CTR_EXITED;
		ctr_save(ctx, &ci, NULL);
	}
	_exit(0);
}

/* Fork a detached waiter (own session) so that our caller, conmon, can
 * exit now; it is reparented to init. */
static int spawn_waiter(struct pea_ctx *ctx, const char *id, struct pea_err **err)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return pea_err_set(err, errno, "fork");
	if (pid == 0) {
		setsid();
		pid = fork();
		if (pid != 0)
			_exit(pid < 0 ? 1 : 0);
		restart_waiter(ctx, id);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return 0;
}

/* Returns 1 when a restart is due (state restarting), 0 otherwise. */
int ctr_cleanup_locked(struct pea_ctx *ctx, struct ctr_info *ci, bool allow_restart,
		       struct pea_err **err)
{
	int code = -1;
	bool oom = false;

	if (ci->state != CTR_RUNNING && ci->state != CTR_STOPPING) {
		if (ci->state == CTR_EXITED || ci->state == CTR_CREATED) {
			mntsrc_release(ctx, ci->id);
			store_rootfs_umount(ctx, ci->id, NULL);
		}
		return 0;
	}
	if (!ctr_read_exit_file(ctx, ci->id, &code, &oom)) {
		if (ctr_pid_alive(ci->conmon_pid) || ctr_pid_alive(ci->pid))
			return 0; /* still running: conmon will call us */
		code = -1;
	}
	ctr_runtime_delete(ctx, ci, true, NULL);
	ci->state = CTR_EXITED;
	ci->exit_code = code;
	ci->oom_killed = oom;
	ci->finished_at = ctr_now_ns();
	ci->pid = 0;
	ci->conmon_pid = 0;
	mntsrc_release(ctx, ci->id);
	store_rootfs_umount(ctx, ci->id, NULL); /* ctr_remove_locked retries and reports */
	if (ci->spec.auto_remove)
		return ctr_remove_locked(ctx, ci, true, err);
	if (allow_restart && restart_due(ci)) {
		ci->state = CTR_RESTARTING;
		ci->restart_count++;
		ci->backoff = next_backoff(ci);
	}
	if (ctr_save(ctx, ci, err) < 0)
		return -1;
	return ci->state == CTR_RESTARTING ? 1 : 0;
}

int ctr_cleanup(struct pea_ctx *ctx, const char *id, struct pea_err **err)
{
	cleanup_close int lock = -1;
	struct pea_err *e = NULL;
	struct ctr_info ci;
	int rc;

	/* Run by conmon after the container died: after `system reset` (or a
	 * deleted root) there is nothing to record, and nothing may be made. */
	{
		cleanup_free char *db = path_join(ctx->root, "state.db");

		if (!io_exists(db) || !io_exists(ctx->runroot))
			return 0;
	}
	lock = ctr_lock(ctx, id, err);
	if (lock < 0)
		return -1;
	if (ctr_load(ctx, id, &ci, &e) < 0) {
		if (pea_err_is(e, PEA_E_NOT_FOUND)) {
			pea_err_free(e);
			return 0; /* removed meanwhile (rm -f, --rm) */
		}
		if (err)
			*err = e;
		else
			pea_err_free(e);
		return -1;
	}
	rc = ctr_cleanup_locked(ctx, &ci, true, err);
	if (rc == 0 && ci.pod_id && !ci.infra) {
		/* a Job's pod that finished makes room for the next one */
		close(steal_fd(lock));
		rc = pod_job_advance(ctx, ci.pod_id, err);
	} else if (rc == 1) {
		/* SQLite connections must not cross fork(): close ours first,
		 * the waiter opens its own. */
		state_close(ctx->state);
		ctx->state = NULL;
		close(steal_fd(lock));
		rc = spawn_waiter(ctx, ci.id, err);
	}
	ctr_info_release(&ci);
	return rc;
}

/* ---- stop, kill ------------------------------------------------------- */

static bool exited(struct pea_ctx *ctx, const struct ctr_info *ci)
{
	int code;
	bool oom;

	return ctr_read_exit_file(ctx, ci->id, &code, &oom) ||
	       (!ctr_pid_alive(ci->pid) && !ctr_pid_alive(ci->conmon_pid));
}

/* Polls from 2 ms up to every 50 ms: most containers die within a few
 * milliseconds of their stop signal, and this wait is most of a stop. */
static bool wait_exit(struct pea_ctx *ctx, const struct ctr_info *ci, int ms)
{
	int waited = 0, step = 2;

	while (waited < ms) {
		if (exited(ctx, ci))
			return true;
		sleep_ms(step);
		waited += step;
		step = step * 2 > 50 ? 50 : step * 2;
	}
	return exited(ctx, ci);
}

static void signal_ctr(struct pea_ctx *ctx, const struct ctr_info *ci, int sig)
{
	if (ctr_runtime_kill(ctx, ci, sig, NULL) < 0 && ci->pid > 0)
		kill(ci->pid, sig);
}

/* Without conmon (killed) nobody writes the exit file: we know the signal
 * that ended the container, record it as conmon would (128 + signal). */
static void note_exit(struct pea_ctx *ctx, const struct ctr_info *ci, int sig)
{
	cleanup_free char *path = ctr_exit_file(ctx, ci->id);
	char buf[16];
	int code;
	bool oom;

	if (ctr_read_exit_file(ctx, ci->id, &code, &oom) || ctr_pid_alive(ci->conmon_pid) ||
	    ctr_pid_alive(ci->pid))
		return;
	snprintf(buf, sizeof(buf), "%d", 128 + sig);
	io_write_file_atomic(path, buf, strlen(buf), 0600, NULL);
}

/* lifecycle.preStop before the stop signal, within the grace period;
 * returns the seconds left of it.  A failing hook does not stop the stop. */
static int pre_stop(struct pea_ctx *ctx, const struct ctr_info *ci, int timeout)
{
	cleanup_strbuf struct strbuf msg = STRBUF_INIT;
	int64_t t0 = ctr_now_ns(), used;

	if (timeout <= 0 || !ctr_pid_alive(ci->pid) || !ctr_probe_has(ci, "preStop"))
		return timeout;
	if (ctr_probe_hook(ci, "preStop", timeout, &msg, NULL) != 0)
		log_warn(&ctx->log, "container '%s': preStop hook failed: %s", ci->name,
			     msg.len ? msg.buf : "error");
	used = (ctr_now_ns() - t0) / 1000000000LL;
	/* the kubelet gives 2 s more when the hook used the whole period */
	return used >= timeout ? 2 : timeout - (int)used;
}

/* Stop a running container under the caller's lock; state exited after. */
static int stop_locked(struct pea_ctx *ctx, struct ctr_info *ci, int timeout, struct pea_err **err)
{
	int sig = SIGTERM;
	bool killed = false;

	if (ci->state == CTR_RESTARTING) {
		if (ci->conmon_pid > 0)
			kill(ci->conmon_pid, SIGKILL);
		ci->conmon_pid = 0;
		ci->state = CTR_EXITED;
		ci->stopped_by_user = true;
		return ctr_save(ctx, ci, err);
	}
	if (ci->state != CTR_RUNNING && ci->state != CTR_STOPPING)
		return ctr_cleanup_locked(ctx, ci, false, err);
	if (ci->spec.stop_signal) {
		int s = ctr_parse_signal(ci->spec.stop_signal, NULL);

		sig = s > 0 ? s : SIGTERM;
	}
	if (timeout < 0)
		timeout = ci->spec.stop_timeout >= 0 ? ci->spec.stop_timeout : 10;
	ci->stopped_by_user = true;
	ci->state = CTR_STOPPING;
	if (ctr_save(ctx, ci, err) < 0)
		return -1;
	timeout = pre_stop(ctx, ci, timeout);
	if (timeout > 0) {
		signal_ctr(ctx, ci, sig);
		wait_exit(ctx, ci, timeout * 1000);
	}
	if (!exited(ctx, ci)) {
		killed = true;
		signal_ctr(ctx, ci, SIGKILL);
		wait_exit(ctx, ci, 5000);
	}
	/* conmon writes the exit file right after the container's death */
	if (ctr_pid_alive(ci->conmon_pid))
		wait_exit(ctx, ci, 2000);
	note_exit(ctx, ci, killed ? SIGKILL : sig);
	return ctr_cleanup_locked(ctx, ci, false, err);
}

int ctr_stop(struct pea_ctx *ctx, const char *name, int timeout, struct pea_err **err)
{
	cleanup_close int lock = -1;
	struct ctr_info ci;
	int rc;

	if (load_locked(ctx, name, &ci, &lock, err) < 0)
		return -1;
	rc = stop_locked(ctx, &ci, timeout, err);
	if (rc < 0)
		pea_err_wrap(err, "stop container '%s'", ci.name);
	ctr_info_release(&ci);
	return rc;
}

int ctr_kill(struct pea_ctx *ctx, const char *name, int sig, struct pea_err **err)
{
	cleanup_close int lock = -1;
	struct ctr_info ci;
	int rc = 0;

	if (load_locked(ctx, name, &ci, &lock, err) < 0)
		return -1;
	if (ci.state != CTR_RUNNING && ci.state != CTR_STOPPING) {
		rc = pea_err_set(err, 0, "can only kill running containers. %s is in state %s: "
				 "container state improper", ci.id, ctr_state_name(ci.state));
		goto out;
	}
	if (sig == SIGKILL || sig == SIGTERM) {
		ci.stopped_by_user = true;
		if (ctr_save(ctx, &ci, err) < 0) {
			rc = -1;
			goto out;
		}
	}
	if (ctr_runtime_kill(ctx, &ci, sig, err) < 0) {
		if (ci.pid > 0 && kill(ci.pid, sig) == 0) {
			pea_err_free(err ? steal_ptr(*err) : NULL);
		} else {
			rc = pea_err_wrap(err, "kill container '%s'", ci.name);
		}
	}
out:
	ctr_info_release(&ci);
	return rc;
}

int ctr_restart(struct pea_ctx *ctx, const char *name, int timeout, struct pea_err **err)
{
	cleanup_close int lock = -1;
	struct ctr_info ci;
	int rc;

	if (load_locked(ctx, name, &ci, &lock, err) < 0)
		return -1;
	rc = stop_locked(ctx, &ci, timeout, err);
	if (rc == 0)
		rc = start_locked(ctx, &ci, NULL, err);
	ctr_info_release(&ci);
	return rc;
}

/* ---- wait, remove ----------------------------------------------------- */

int ctr_wait(struct pea_ctx *ctx, const char *name, int *exit_code, struct pea_err **err)
{
	struct ctr_info ci;
	cleanup_free char *id = NULL;
	struct pea_err *e = NULL;
	int code = -1, seen = 0;
	bool oom;

	if (ctr_lookup(ctx, name, &ci, err) < 0)
		return -1;
	id = xstrdup(ci.id);
	for (;;) {
		if (ci.state != CTR_RUNNING && ci.state != CTR_STOPPING) {
			*exit_code = ci.exit_code;
			ctr_info_release(&ci);
			return 0;
		}
		ctr_info_release(&ci);
		if (!seen)
			seen = ctr_read_exit_file(ctx, id, &code, &oom);
		sleep_ms(100);
		if (ctr_lookup(ctx, id, &ci, &e) < 0)
			break;
	}
	/* Gone: removed by its exit command (--rm); the exit file tells. */
	if (pea_err_is(e, PEA_E_NOT_FOUND) && (seen || ctr_read_exit_file(ctx, id, &code, &oom))) {
		pea_err_free(e);
		ctr_remove_exit_file(ctx, id);
		*exit_code = code;
		return 0;
	}
	if (err)
		*err = e;
	else
		pea_err_free(e);
	return -1;
}

int ctr_remove(struct pea_ctx *ctx, const char *name, bool force, bool volumes,
	       struct pea_err **err)
{
	cleanup_close int lock = -1;
	struct ctr_info ci;
	int rc = -1;

	if (load_locked(ctx, name, &ci, &lock, err) < 0)
		return -1;
	if ((ci.state == CTR_RUNNING || ci.state == CTR_STOPPING) && !force) {
		pea_err_setk(err, PEA_E_IN_USE, 0, "cannot remove container %s as it is running - "
			     "running or paused containers cannot be removed without force", ci.id);
		goto out;
	}
	if (ci.state == CTR_RUNNING || ci.state == CTR_STOPPING || ci.state == CTR_RESTARTING) {
		if (stop_locked(ctx, &ci, 0, err) < 0)
			goto out;
	}
	rc = ctr_remove_locked(ctx, &ci, volumes, err);
	if (rc == 0) {
		cleanup_free char *lp = xasprintf("%s/locks/%s.lock", ctx->runroot, ci.id);

		unlink(lp);
	}
out:
	ctr_info_release(&ci);
	return rc;
}
