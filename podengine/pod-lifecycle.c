/* Pod lifecycle: start, stop, kill, restart, and what a starting container
 * of a pod joins (pod.h).
 *
 * Start: the pod's netns (bridge networks: created and bind-mounted under
 * the run root), the infra container joining it and creating the IPC and
 * UTS (and PID) namespaces, net_setup (loopback, veth, address, routes,
 * published ports; owner = the pod id), then the app containers in
 * creation order; each joins the infra's namespaces by path.  Stop: app
 * containers newest first, the infra, net_teardown and the netns. */
#include "podengine/pod.h"
#include "podengine/pod-internal.h"
#include "podengine/parallel.h"
#include "podengine/hostinfo.h"
#include "podengine/pod-volume.h"
#include "podengine/state.h"
#include "podengine/storage.h"
#include "network/dns.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/json.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "base/banned.h"

void pod_join_release(struct pod_join *pj)
{
	free(pj->netns);
	free(pj->ipcns);
	free(pj->utsns);
	free(pj->pidns);
	free(pj->etc_dir);
	free(pj->shm);
	free(pj->rootfs);
	free(pj->ip);
	memset(pj, 0, sizeof(*pj));
}

static bool active(const struct ctr_info *ci)
{
	return ci->state == CTR_RUNNING || ci->state == CTR_STOPPING ||
	       ci->state == CTR_RESTARTING;
}

/* ---- the network: the only place that calls network/ ---------------- */

#if POD_NETWORK
static int store_status(struct pea_ctx *ctx, const char *pod_id, const struct net_status *ns,
			struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	size_t i;

	if (!st)
		return -1;
	for (i = 0; i < ns->n; i++) {
		struct net_status one = { &ns->ifaces[i], 1 };
		cleanup_json struct json_object *js = net_status_to_json(&one);
		cleanup_stmt sqlite3_stmt *q = state_prepare(st, "INSERT OR REPLACE INTO pod_networks "
							     "(pod_id, network, status) VALUES (?, ?, ?);",
							     err);

		if (!q)
			return -1;
		sqlite3_bind_text(q, 1, pod_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, ns->ifaces[i].network, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, json_object_to_json_string_ext(js, JSON_C_TO_STRING_PLAIN),
				  -1, SQLITE_TRANSIENT);
		if (state_step_done(st, q, err) < 0)
			return -1;
	}
	return 0;
}

static int net_configure_on(struct pea_ctx *ctx, struct pod_info *pi, struct pea_err **err)
{
	struct net_attach *att = NULL;
	struct net_status ns = { 0 };
	size_t n = 0, i;
	int rc;

	for (i = 0; pi->spec.networks && pi->spec.networks[i]; i++) {
		att = xrealloc(att, (n + 1) * sizeof(*att));
		memset(&att[n], 0, sizeof(*att));
		/* "bridge": the default network (NULL) */
		if (strcmp(pi->spec.networks[i], "bridge"))
			att[n].network = pi->spec.networks[i];
		if (n == 0)
			att[n].static_ip = pi->spec.static_ip;
		n++;
	}
	if (n == 0 && pi->spec.static_ip) {   /* the default network */
		att = xcalloc(1, sizeof(*att));
		att[0].static_ip = pi->spec.static_ip;
		n = 1;
	}
	struct net_setup_in in = {
		.owner = pi->id, .name = pi->name, .netns_path = pi->netns, .attach = att,
		.n_attach = n, .ports = pi->spec.ports, .n_ports = pi->spec.n_ports,
	};
	rc = net_setup(ctx, &in, &ns, err);
	free(att);
	if (rc < 0)
		return -1;
	if (store_status(ctx, pi->id, &ns, err) < 0) {
		net_status_release(&ns);
		net_teardown(ctx, pi->id, pi->netns, NULL);
		return -1;
	}
	for (i = 0; i < ns.n && !pi->ip; i++)
		if (ns.ifaces[i].ip4)
			pi->ip = xstrdup(ns.ifaces[i].ip4);
	net_status_release(&ns);
	return 0;
}
#endif

/* Before the infra starts: the netns it joins (NULL: the runtime makes a
 * private one). */
static int net_prepare(struct pea_ctx *ctx, struct pod_info *pi, struct pea_err **err)
{
	free(steal_ptr(pi->netns));
#if POD_NETWORK
	if (pi->spec.share_net && !strcmp(pod_spec_net_mode(&pi->spec), "bridge")) {
		/* rootless: refused ports refused before the netns is made */
		if (net_ports_check(ctx, pi->spec.ports, pi->spec.n_ports, err) < 0)
			return -1;
		pi->netns = netns_create(ctx, pi->id, err);
		if (!pi->netns)
			return -1;
	}
#else
	(void)ctx;
	(void)err;
#endif
	return 0;
}

/* After the infra started: interfaces, addresses, routes, ports. */
static int net_configure(struct pea_ctx *ctx, struct pod_info *pi, struct pea_err **err)
{
#if POD_NETWORK
	if (pi->netns)
		return net_configure_on(ctx, pi, err);
#else
	(void)ctx;
	(void)pi;
	(void)err;
#endif
	return 0;
}

static void net_down(struct pea_ctx *ctx, struct pod_info *pi)
{
#if POD_NETWORK
	struct state *st = state_get(ctx, NULL);
	cleanup_stmt sqlite3_stmt *q = NULL;

	net_dns_unregister(ctx, pi->id, NULL);
	if (pi->netns) {
		net_teardown(ctx, pi->id, pi->netns, NULL);
		netns_remove(pi->netns, NULL);
		netns_dir_release(ctx, NULL);
	}
	if (st && (q = state_prepare(st, "DELETE FROM pod_networks WHERE pod_id = ?;", NULL))) {
		sqlite3_bind_text(q, 1, pi->id, -1, SQLITE_STATIC);
		state_step_done(st, q, NULL);
	}
#else
	(void)ctx;
#endif
	free(steal_ptr(pi->netns));
	free(steal_ptr(pi->ip));
}

/* ---- /dev/shm ----------------------------------------------------------- */

static char *shm_dir(struct pea_ctx *ctx, const char *id)
{
	return xasprintf("%s/pods/%s/shm", ctx->runroot, id);
}

char *pod_shm_ensure(struct pea_ctx *ctx, const char *id, struct pea_err **err)
{
	cleanup_free char *dir = shm_dir(ctx, id);

	if (store_is_mountpoint(dir))
		return steal_ptr(dir);
	if (io_mkdir_p(dir, 0755, err) < 0)
		return NULL;
	if (mount("shm", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=1777,size=65536k") < 0) {
		pea_err_set(err, errno, "mount shm on '%s'", dir);
		return NULL;
	}
	return steal_ptr(dir);
}

void pod_shm_umount(struct pea_ctx *ctx, const char *id)
{
	cleanup_free char *dir = shm_dir(ctx, id);
	cleanup_free char *pod = xasprintf("%s/pods/%s", ctx->runroot, id);

	while (store_is_mountpoint(dir) && umount2(dir, MNT_DETACH) == 0)
		;
	io_rm_rf(pod, NULL);
}

/* ---- the infra -------------------------------------------------------- */

/* Bring up the infra of a locked pod (netns, container, network); *started
 * (may be NULL) tells whether it was started now. */
static int start_infra_locked(struct pea_ctx *ctx, struct pod_info *pi, bool *started,
			      struct pea_err **err)
{
	struct ctr_info infra;
	bool running;

	if (started)
		*started = false;
	if (!pi->infra_id)
		return 0;
	if (ctr_lookup(ctx, pi->infra_id, &infra, err) < 0)
		return -1;
	running = infra.state == CTR_RUNNING;
	ctr_info_release(&infra);
	if (running)
		return 0;
	net_down(ctx, pi);   /* a leftover of an infra that died */
	if (net_prepare(ctx, pi, err) < 0)
		return -1;
	if (pod_save_state(ctx, pi->id, pi->state, pi->netns, err) < 0)
		goto undo_netns;
	if (ctr_start(ctx, pi->infra_id, NULL, err) < 0)
		goto undo_netns;
	if (net_configure(ctx, pi, err) < 0)
		goto undo_infra;
	pod_write_etc(ctx, pi, NULL);
	if (started)
		*started = true;
	return pod_save_state(ctx, pi->id, "running", pi->netns, err) < 0 ? -1 : 0;
undo_infra:
	ctr_stop(ctx, pi->infra_id, 0, NULL);
undo_netns:
	net_down(ctx, pi);
	pod_save_state(ctx, pi->id, pi->state, NULL, NULL);
	return -1;
}

static char *proc_ns(pid_t pid, const char *ns)
{
	return xasprintf("/proc/%d/ns/%s", (int)pid, ns);
}

/* The infra's pid, starting the pod's infra when it is not running. */
static int infra_pid(struct pea_ctx *ctx, struct pod_info *pi, pid_t *pid, struct pea_err **err)
{
	struct ctr_info infra;
	cleanup_close int lock = -1;

	if (ctr_lookup(ctx, pi->infra_id, &infra, err) < 0)
		return -1;
	if (infra.state != CTR_RUNNING) {
		ctr_info_release(&infra);
		/* pod_start holds the lock while its infra runs: only try */
		if ((lock = pod_trylock(ctx, pi->id, 5000)) < 0)
			return pea_err_set(err, 0, "infra container of pod '%s' is not running",
					   pi->name);
		if (start_infra_locked(ctx, pi, NULL, err) < 0 ||
		    ctr_lookup(ctx, pi->infra_id, &infra, err) < 0)
			return -1;
	}
	*pid = infra.pid;
	ctr_info_release(&infra);
	return *pid > 0 ? 0 : pea_err_set(err, 0, "infra container of pod '%s' has no pid",
					  pi->name);
}

static char *infra_netns(const struct pod_info *pi)
{
	const char *mode = pod_spec_net_mode(&pi->spec);

	if (!pi->spec.share_net)
		return NULL;
	if (pi->netns)
		return xstrdup(pi->netns);
	if (!strcmp(mode, "host"))
		return xstrdup("host");
	if (!strcmp(mode, "ns"))
		return xstrdup(pi->spec.networks[0] + 3);
	return NULL;
}

/* status.podIP: the pod's address; on the host's network the host's. */
static char *pod_ip(const struct pod_info *pi)
{
	if (!strcmp(pod_spec_net_mode(&pi->spec), "host"))
		return host_primary_ip4();
	return pi->ip ? xstrdup(pi->ip) : NULL;
}

/* An app container of a pod with an infra: the infra's namespaces. */
static int join_infra(struct pea_ctx *ctx, struct pod_info *pi, struct pod_join *out,
		      struct pea_err **err)
{
	pid_t pid = 0;

	if (infra_pid(ctx, pi, &pid, err) < 0)
		return -1;
	/* the host's netns is where the runtime already is: nothing to join
	 * (and a rootless user may not setns() into it) */
	if (pi->spec.share_net && !strcmp(pod_spec_net_mode(&pi->spec), "host"))
		out->netns = xstrdup("host");
	else if (pi->spec.share_net)
		out->netns = pi->netns ? xstrdup(pi->netns) : proc_ns(pid, "net");
	if (pi->spec.share_ipc)
		out->ipcns = proc_ns(pid, "ipc");
	if (pi->spec.share_uts)
		out->utsns = proc_ns(pid, "uts");
	if (pi->spec.share_pid)
		out->pidns = proc_ns(pid, "pid");
	return 0;
}

static void set_host(char **ns)
{
	free(*ns);
	*ns = xstrdup("host");
}

int pod_ctr_join(struct pea_ctx *ctx, const struct ctr_info *ci, struct pod_join *out,
		 struct pea_err **err)
{
	struct pod_info pi;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (pod_lookup(ctx, ci->pod_id, &pi, err) < 0)
		return -1;
	out->etc_dir = xstrdup(pi.dir);
	/* hostIPC: the host's /dev/shm too, as CRI-O and containerd do */
	if (pi.spec.host_ipc)
		out->shm = xstrdup("/dev/shm");
	else if (pi.infra_id && pi.spec.share_ipc && !(out->shm = pod_shm_ensure(ctx, pi.id, err)))
		rc = -1;
	if (rc == 0 && ci->infra) {
		out->rootfs = pod_infra_rootfs(ctx, pi.id);
		out->netns = infra_netns(&pi);
	} else if (rc == 0 && pi.infra_id) {
		rc = join_infra(ctx, &pi, out, err);
	}
	if (rc == 0) {
		if (pi.spec.host_ipc)
			set_host(&out->ipcns);
		if (pi.spec.host_pid)
			set_host(&out->pidns);
		if (!ci->infra)
			out->ip = pod_ip(&pi);
	}
	if (rc < 0) {
		pod_join_release(out);
		pea_err_wrap(err, "join pod '%s'", pi.name);
	}
	pod_info_release(&pi);
	return rc;
}

/* ---- start, stop, kill, restart --------------------------------------- */

static int load_locked(struct pea_ctx *ctx, const char *name, struct pod_info *pi, int *lock,
		       struct pea_err **err)
{
	struct pod_info first;

	if (pod_lookup(ctx, name, &first, err) < 0)
		return -1;
	*lock = pod_lock(ctx, first.id, err);
	if (*lock < 0 || pod_lookup(ctx, first.id, pi, err) < 0) {
		pod_info_release(&first);
		return -1;
	}
	pod_info_release(&first);
	return 0;
}

struct stop_batch {
	char **ids;
	int timeout;
};

static int stop_one(struct pea_ctx *ctx, size_t i, void *arg, struct pea_err **err)
{
	struct stop_batch *b = arg;

	return ctr_stop(ctx, b->ids[i], b->timeout, err);
}

/* Which stop pass a container belongs to: apps first, then sidecars and
 * init containers, then the infra (Kubernetes stops sidecars after the
 * containers they serve). */
static int stop_pass(const struct ctr_info *ci)
{
	return ci->infra ? 2 : ci->spec.role == CTR_ROLE_APP ? 0 : 1;
}

int pod_stop_locked(struct pea_ctx *ctx, struct pod_info *pi, int timeout, struct pea_err **err)
{
	struct ctr_info *ctrs = NULL;
	struct pea_err *first = NULL;
	size_t n = 0, i;
	bool ran = strcmp(pi->state, "created") != 0;
	int pass;

	if (pod_containers(ctx, pi->id, &ctrs, &n, err) < 0)
		return -1;
	/* each pass at once, as the kubelet does: N containers that use their
	 * whole grace period take one grace period */
	for (pass = 0; pass < 3; pass++) {
		struct stop_batch b = { .timeout = timeout };
		struct pea_err *e = NULL;

		for (i = n; i-- > 0;)
			if (stop_pass(&ctrs[i]) == pass && active(&ctrs[i]))
				strv_push(&b.ids, ctrs[i].id);
		if (b.ids)
			ran = true;
		if (par_each(ctx, strv_len(b.ids), stop_one, &b, &e) < 0) {
			if (!first)
				first = e;
			else
				pea_err_free(e);
		}
		strv_free(b.ids);
	}
	for (i = 0; i < n; i++)
		ran |= ctrs[i].state != CTR_CREATED;
	ctr_info_list_free(ctrs, n);
	net_down(ctx, pi);
	if (!first) {
		podvol_umount(ctx, pi);
		pod_shm_umount(ctx, pi->id);
	}
	pod_save_state(ctx, pi->id, ran ? "exited" : "created", NULL, NULL);
	if (first) {
		if (err)
			*err = first;
		else
			pea_err_free(first);
		return -1;
	}
	return 0;
}

/* Run an init container to its end: it must exit 0. */
static int run_init(struct pea_ctx *ctx, const struct ctr_info *ci, struct pea_err **err)
{
	int code = -1;

	if (ctr_start(ctx, ci->id, NULL, err) < 0 || ctr_wait(ctx, ci->id, &code, err) < 0)
		return -1;
	if (code != 0)
		return pea_err_set(err, 0, "init container '%s' exited with code %d", ci->name, code);
	return 0;
}

/* Init containers run again for a new sandbox (the infra started now, or
 * nothing of an infra-less pod ran), else only when they have not
 * succeeded yet. */
static bool init_due(const struct ctr_info *ci, bool fresh)
{
	return fresh || ci->state != CTR_EXITED || ci->exit_code != 0;
}

/* The infra, then the containers in creation order: init containers one
 * by one to their successful end, sidecars and apps started. */
static int start_locked(struct pea_ctx *ctx, struct pod_info *pi, struct pea_err **err)
{
	struct ctr_info *ctrs = NULL;
	size_t n = 0, i;
	bool fresh = false;
	int rc = -1;

	if (start_infra_locked(ctx, pi, &fresh, err) < 0)
		return -1;
	if (pod_containers(ctx, pi->id, &ctrs, &n, err) < 0)
		goto undo;
	if (!pi->infra_id) {
		fresh = true;
		for (i = 0; i < n; i++)
			fresh &= !active(&ctrs[i]);
	}
	for (i = 0; i < n; i++) {
		if (ctrs[i].infra)
			continue;
		if (ctrs[i].spec.role == CTR_ROLE_INIT) {
			if (init_due(&ctrs[i], fresh) && run_init(ctx, &ctrs[i], err) < 0)
				goto undo;
			continue;
		}
		if (ctrs[i].state == CTR_RUNNING)
			continue;
		if (ctr_start(ctx, ctrs[i].id, NULL, err) < 0)
			goto undo;
	}
	rc = pod_save_state(ctx, pi->id, "running", pi->netns, err);
undo:
	ctr_info_list_free(ctrs, n);
	if (rc < 0) {
		free(pi->state);
		pi->state = xstrdup("running");
		pod_stop_locked(ctx, pi, 0, NULL);
	}
	return rc;
}

int pod_start(struct pea_ctx *ctx, const char *name, struct pea_err **err)
{
	cleanup_close int lock = -1;
	struct pod_info pi;
	int rc;

	if (load_locked(ctx, name, &pi, &lock, err) < 0)
		return -1;
	rc = start_locked(ctx, &pi, err);
	if (rc < 0)
		pea_err_wrap(err, "start pod '%s'", pi.name);
	pod_info_release(&pi);
	return rc;
}

int pod_stop(struct pea_ctx *ctx, const char *name, int timeout, struct pea_err **err)
{
	cleanup_close int lock = -1;
	struct pod_info pi;
	int rc;

	if (load_locked(ctx, name, &pi, &lock, err) < 0)
		return -1;
	rc = pod_stop_locked(ctx, &pi, timeout, err);
	if (rc < 0)
		pea_err_wrap(err, "stop pod '%s'", pi.name);
	pod_info_release(&pi);
	return rc;
}

int pod_restart(struct pea_ctx *ctx, const char *name, int timeout, struct pea_err **err)
{
	cleanup_close int lock = -1;
	struct pod_info pi;
	int rc;

	if (load_locked(ctx, name, &pi, &lock, err) < 0)
		return -1;
	rc = pod_stop_locked(ctx, &pi, timeout, err);
	if (rc == 0)
		rc = start_locked(ctx, &pi, err);
	if (rc < 0)
		pea_err_wrap(err, "restart pod '%s'", pi.name);
	pod_info_release(&pi);
	return rc;
}

int pod_kill(struct pea_ctx *ctx, const char *name, int sig, struct pea_err **err)
{
	cleanup_close int lock = -1;
	struct ctr_info *ctrs = NULL;
	struct pod_info pi;
	size_t n = 0, i, killed = 0;
	int rc = 0;

	if (load_locked(ctx, name, &pi, &lock, err) < 0)
		return -1;
	if (pod_containers(ctx, pi.id, &ctrs, &n, err) < 0) {
		rc = -1;
		goto out;
	}
	for (i = n; i-- > 0 && rc == 0;) {
		if (ctrs[i].state != CTR_RUNNING)
			continue;
		if (ctr_kill(ctx, ctrs[i].id, sig, err) < 0)
			rc = -1;
		killed++;
	}
	if (rc == 0 && killed == 0)
		rc = pea_err_set(err, 0, "no containers in pod %s are running", pi.name);
out:
	if (rc < 0)
		pea_err_wrap(err, "kill pod '%s'", pi.name);
	ctr_info_list_free(ctrs, n);
	pod_info_release(&pi);
	return rc;
}
