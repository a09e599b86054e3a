/* podman-shaped JSON of containers: `inspect` and `ps --format json`. */
#include "podengine/container.h"
#include "podengine/ctr-internal.h"
#include "podengine/ctr-probe.h"
#include "podengine/oci-spec.h"
#include "podengine/pod.h"
#include "podengine/pod-volume.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/json.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <signal.h>
#include <string.h>
#include <time.h>

#include "base/banned.h"

/* RFC 3339 with nanoseconds in local time, as podman prints; 0 = Go's zero time. */
static char *rfc3339nano(int64_t ns)
{
	time_t t = (time_t)(ns / 1000000000LL);
	struct tm tm;
	char date[64], zone[16];

	if (ns <= 0)
		return xstrdup("0001-01-01T00:00:00Z");
	localtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	if (!strcmp(zone, "+0000"))
		return xasprintf("%s.%09lldZ", date, (long long)(ns % 1000000000LL));
	return xasprintf("%s.%09lld%.3s:%s", date, (long long)(ns % 1000000000LL), zone, zone + 3);
}

static struct json_object *jstr(const char *s)
{
	return json_object_new_string(s ? s : "");
}

static struct json_object *image_get(const struct ctr_info *ci, const char *key)
{
	struct json_object *v;

	if (!ci->image_config || !json_object_object_get_ex(ci->image_config, key, &v))
		return NULL;
	return v;
}

static char **image_strv(const struct ctr_info *ci, const char *key)
{
	struct json_object *v = image_get(ci, key);
	char **out = NULL;
	size_t i;

	if (!v || !json_object_is_type(v, json_type_array))
		return NULL;
	out = xcalloc(1, sizeof(*out));
	for (i = 0; i < json_object_array_length(v); i++)
		strv_push(&out, json_object_get_string(json_object_array_get_idx(v, i)));
	return out;
}

/* What the process got: the bundle's process.env once the container was
 * started (PATH default, HOSTNAME, TERM included), else the image env with
 * the spec's over it (same key replaced). */
static struct json_object *bundle_env(const struct ctr_info *ci)
{
	cleanup_free char *path = ci->bundle ? path_join(ci->bundle, "config.json") : NULL;
	cleanup_json struct json_object *cfg = path ? json_object_from_file(path) : NULL;
	struct json_object *proc, *env;

	if (cfg && json_object_object_get_ex(cfg, "process", &proc) &&
	    json_object_object_get_ex(proc, "env", &env) &&
	    json_object_is_type(env, json_type_array))
		return json_object_get(env);
	return NULL;
}

static struct json_object *env_json(const struct ctr_info *ci)
{
	struct json_object *from_bundle = bundle_env(ci);
	cleanup_strv char **env = NULL;
	char *const *p;

	if (from_bundle)
		return from_bundle;
	env = image_strv(ci, "Env");

	for (p = ci->spec.env; p && *p; p++) {
		const char *eq = strchr(*p, '=');
		size_t klen = eq ? (size_t)(eq - *p) : strlen(*p);
		char **q;

		for (q = env; q && *q; q++)
			if (!strncmp(*q, *p, klen) && ((*q)[klen] == '=' || !(*q)[klen]))
				break;
		if (q && *q) {
			free(*q);
			*q = xstrdup(*p);
		} else {
			strv_push(&env, *p);
		}
	}
	for (p = env; p && *p && strncmp(*p, "PATH=", 5); p++)
		;
	if (!p || !*p)
		strv_push(&env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	return json_strv_new(env);
}

static struct json_object *kv_json(char *const *kv, struct json_object *base)
{
	struct json_object *o = json_object_new_object();

	if (base && json_object_is_type(base, json_type_object)) {
		json_object_object_foreach(base, k, v)
			json_object_object_add(o, k, json_object_get(v));
	}
	for (; kv && *kv; kv++) {
		const char *eq = strchr(*kv, '=');
		cleanup_free char *k = eq ? xstrndup(*kv, (size_t)(eq - *kv)) : xstrdup(*kv);

		json_object_object_add(o, k, json_object_new_string(eq ? eq + 1 : ""));
	}
	return o;
}

static char *signal_name(const char *s)
{
	int sig = s ? ctr_parse_signal(s, NULL) : SIGTERM;
	const char *abbrev = sig > 0 ? sigabbrev_np(sig) : NULL;

	return abbrev ? xasprintf("SIG%s", abbrev) : xstrdup("SIGTERM");
}

static struct json_object *state_json(struct pea_ctx *ctx, const struct ctr_info *ci)
{
	struct json_object *health = ctr_probe_inspect(ctx, ci);
	struct json_object *o = json_object_new_object();
	bool running = ci->state == CTR_RUNNING || ci->state == CTR_STOPPING;
	cleanup_free char *started = rfc3339nano(ci->started_at);
	cleanup_free char *finished = rfc3339nano(ci->finished_at);

	json_object_object_add(o, "OciVersion", jstr("1.1.0"));
	json_object_object_add(o, "Status", jstr(ctr_state_name(ci->state)));
	json_object_object_add(o, "Running", json_object_new_boolean(running));
	json_object_object_add(o, "Paused", json_object_new_boolean(false));
	json_object_object_add(o, "Restarting",
			       json_object_new_boolean(ci->state == CTR_RESTARTING));
	json_object_object_add(o, "OOMKilled", json_object_new_boolean(ci->oom_killed));
	json_object_object_add(o, "Dead", json_object_new_boolean(false));
	json_object_object_add(o, "Pid", json_object_new_int(running ? ci->pid : 0));
	json_object_object_add(o, "ConmonPid", json_object_new_int(running ? ci->conmon_pid : 0));
	json_object_object_add(o, "ExitCode", json_object_new_int(ci->exit_code));
	json_object_object_add(o, "Error", jstr(ci->error));
	json_object_object_add(o, "StartedAt", jstr(started));
	json_object_object_add(o, "FinishedAt", jstr(finished));
	/* Kubernetes' container Ready (probes: issue 7) */
	json_object_object_add(o, "Ready", json_object_new_boolean(ctr_probe_ready(ctx, ci)));
	if (health)
		json_object_object_add(o, "Health", health);
	return o;
}

/* Where a mount's data is on the host (before any subPath). */
static char *mount_source(struct pea_ctx *ctx, const struct ctr_info *ci,
			  const struct mount_spec *m, const struct pod_info *pi)
{
	const struct pod_volume *v;

	switch (m->kind) {
	case MOUNT_VOLUME:
		return xasprintf("%s/volumes/%s/_data", ctx->root, m->source);
	case MOUNT_POD_VOLUME:
		v = pi ? podvol_find(&pi->spec, m->source) : NULL;
		return v ? podvol_path(ctx, ci->pod_id, v) : xstrdup("");
	case MOUNT_BIND:
		return xstrdup(m->source);
	case MOUNT_TMPFS:
		break;
	}
	return xstrdup("tmpfs");
}

static const char *propagation(const struct mount_spec *m)
{
	static const char *const modes[] = {
		"rprivate", "private", "rshared", "shared", "rslave", "slave", NULL,
	};

	for (char **o = m->options; o && *o; o++)
		if (strv_find((char *const *)modes, *o) >= 0)
			return *o;
	return m->kind == MOUNT_BIND ? "rprivate" : "";
}

static struct json_object *mounts_json(struct pea_ctx *ctx, const struct ctr_info *ci)
{
	struct json_object *a = json_object_new_array();
	static const char *const types[] = { "bind", "volume", "tmpfs", "bind" };
	struct pod_info pi;
	bool have_pod = ci->pod_id && pod_lookup(ctx, ci->pod_id, &pi, NULL) == 0;
	size_t i;

	for (i = 0; i < ci->spec.n_mounts; i++) {
		const struct mount_spec *m = &ci->spec.mounts[i];
		struct json_object *o = json_object_new_object();
		cleanup_free char *src = mount_source(ctx, ci, m, have_pod ? &pi : NULL);

		json_object_object_add(o, "Type", jstr(types[m->kind]));
		if (m->kind == MOUNT_VOLUME || m->kind == MOUNT_POD_VOLUME)
			json_object_object_add(o, "Name", jstr(m->source));
		if (m->kind == MOUNT_VOLUME)
			json_object_object_add(o, "Driver", jstr("local"));
		json_object_object_add(o, "Source", jstr(src));
		json_object_object_add(o, "Destination", jstr(m->destination));
		if (m->subpath && *m->subpath)
			json_object_object_add(o, "SubPath", jstr(m->subpath));
		json_object_object_add(o, "Mode", jstr(""));
		json_object_object_add(o, "Options", json_strv_new(m->options));
		json_object_object_add(o, "RW", json_object_new_boolean(!m->readonly));
		json_object_object_add(o, "Propagation", jstr(propagation(m)));
		json_object_array_add(a, o);
	}
	if (have_pod)
		pod_info_release(&pi);
	return a;
}

static struct json_object *config_json(const struct ctr_info *ci)
{
	const struct ctr_spec *s = &ci->spec;
	struct json_object *o = json_object_new_object();
	cleanup_strv char **ep = s->entrypoint ? strv_dup(s->entrypoint) : image_strv(ci, "Entrypoint");
	cleanup_strv char **cmd = s->cmd ? strv_dup(s->cmd) :
				  s->entrypoint ? NULL : image_strv(ci, "Cmd");
	cleanup_free char *stopsig = signal_name(s->stop_signal);
	struct json_object *v;

	json_object_object_add(o, "Hostname", jstr(s->hostname));
	json_object_object_add(o, "Domainname", jstr(""));
	json_object_object_add(o, "User", jstr(s->user ? s->user :
		(v = image_get(ci, "User")) ? json_object_get_string(v) : ""));
	json_object_object_add(o, "AttachStdin", json_object_new_boolean(false));
	json_object_object_add(o, "AttachStdout", json_object_new_boolean(false));
	json_object_object_add(o, "AttachStderr", json_object_new_boolean(false));
	json_object_object_add(o, "Tty", json_object_new_boolean(s->tty));
	json_object_object_add(o, "OpenStdin", json_object_new_boolean(s->stdin_open));
	json_object_object_add(o, "StdinOnce", json_object_new_boolean(false));
	json_object_object_add(o, "Env", env_json(ci));
	json_object_object_add(o, "Cmd", cmd ? json_strv_new(cmd) : NULL);
	json_object_object_add(o, "Image", jstr(ci->image_name));
	json_object_object_add(o, "Volumes", NULL);
	json_object_object_add(o, "WorkingDir", jstr(s->workdir ? s->workdir :
		(v = image_get(ci, "WorkingDir")) && *json_object_get_string(v) ?
		json_object_get_string(v) : "/"));
	json_object_object_add(o, "Entrypoint", ep ? json_strv_new(ep) : NULL);
	json_object_object_add(o, "Labels", kv_json(s->labels, image_get(ci, "Labels")));
	json_object_object_add(o, "Annotations", kv_json(s->annotations, NULL));
	json_object_object_add(o, "StopSignal", jstr(stopsig));
	json_object_object_add(o, "StopTimeout",
			       json_object_new_int(s->stop_timeout >= 0 ? s->stop_timeout : 10));
	return o;
}

static struct json_object *security_opts(const struct ctr_spec *s)
{
	struct json_object *a = json_object_new_array();

	if (s->security.no_new_privileges)
		json_object_array_add(a, jstr("no-new-privileges"));
	if (s->security.seccomp_profile) {
		cleanup_free char *o = xasprintf("seccomp=%s", s->security.seccomp_profile);

		json_object_array_add(a, jstr(o));
	}
	return a;
}

static struct json_object *hostconfig_json(const struct ctr_info *ci)
{
	const struct ctr_spec *s = &ci->spec;
	const struct resources_spec *r = &s->resources;
	struct json_object *o = json_object_new_object(), *rp = json_object_new_object();
	uint64_t period = r->cpu_period ? r->cpu_period : 100000;

	json_object_object_add(o, "NetworkMode", jstr(s->ns.net && *s->ns.net ? s->ns.net : "private"));
	json_object_object_add(o, "PortBindings", json_object_new_object());
	json_object_object_add(rp, "Name", jstr(spec_restart_name(s->restart)));
	json_object_object_add(rp, "MaximumRetryCount", json_object_new_int(s->restart_max));
	json_object_object_add(o, "RestartPolicy", rp);
	json_object_object_add(o, "AutoRemove", json_object_new_boolean(s->auto_remove));
	json_object_object_add(o, "Memory", json_object_new_int64(r->memory));
	json_object_object_add(o, "MemorySwap", json_object_new_int64(r->memory_swap));
	json_object_object_add(o, "NanoCpus", json_object_new_int64(
		r->cpu_quota > 0 ? (int64_t)((double)r->cpu_quota * 1e9 / (double)period) : 0));
	json_object_object_add(o, "CpuQuota", json_object_new_int64(r->cpu_quota));
	json_object_object_add(o, "CpuPeriod", json_object_new_int64((int64_t)r->cpu_period));
	json_object_object_add(o, "CpuShares", json_object_new_int64((int64_t)r->cpu_shares));
	json_object_object_add(o, "PidsLimit", json_object_new_int64(r->pids_limit));
	json_object_object_add(o, "CapAdd", json_strv_new(s->security.cap_add));
	json_object_object_add(o, "CapDrop", json_strv_new(s->security.cap_drop));
	json_object_object_add(o, "Privileged", json_object_new_boolean(s->security.privileged));
	json_object_object_add(o, "ReadonlyRootfs",
			       json_object_new_boolean(s->security.readonly_rootfs));
	json_object_object_add(o, "SecurityOpt", security_opts(s));
	json_object_object_add(o, "Init", json_object_new_boolean(s->init));
	json_object_object_add(o, "Runtime", jstr(ci->runtime));
	json_object_object_add(o, "CgroupParent", jstr(s->cgroup_parent ? s->cgroup_parent : "/peapod"));
	return o;
}

struct json_object *ctr_inspect_json(struct pea_ctx *ctx, const struct ctr_info *ci,
				     struct pea_err **err)
{
	struct json_object *o = json_object_new_object();
	cleanup_strv char **argv = oci_resolve_argv(&ci->spec, ci->image_config, NULL);
	cleanup_free char *created = rfc3339nano(ci->created);
	cleanup_free char *hosts = path_join(ci->bundle, "hosts");
	cleanup_free char *resolv = path_join(ci->bundle, "resolv.conf");
	cleanup_free char *hostname = path_join(ci->bundle, "hostname");

	json_object_object_add(o, "Id", jstr(ci->id));
	json_object_object_add(o, "Created", jstr(created));
	json_object_object_add(o, "Path", jstr(argv && argv[0] ? argv[0] : ""));
	json_object_object_add(o, "Args", json_strv_new(argv && argv[0] ? argv + 1 : NULL));
	json_object_object_add(o, "State", state_json(ctx, ci));
	json_object_object_add(o, "Image", jstr(ci->image_id));
	json_object_object_add(o, "ImageName", jstr(ci->image_name));
	json_object_object_add(o, "Rootfs", jstr(""));
	json_object_object_add(o, "Pod", jstr(ci->pod_id));
	json_object_object_add(o, "ResolvConfPath", jstr(io_exists(resolv) ? resolv : ""));
	json_object_object_add(o, "HostnamePath", jstr(io_exists(hostname) ? hostname : ""));
	json_object_object_add(o, "HostsPath", jstr(io_exists(hosts) ? hosts : ""));
	json_object_object_add(o, "Name", jstr(ci->name));
	json_object_object_add(o, "RestartCount", json_object_new_int(ci->restart_count));
	json_object_object_add(o, "Driver", jstr("overlay"));
	json_object_object_add(o, "MountLabel", jstr(""));
	json_object_object_add(o, "ProcessLabel", jstr(""));
	json_object_object_add(o, "AppArmorProfile", jstr(""));
	json_object_object_add(o, "Mounts", mounts_json(ctx, ci));
	json_object_object_add(o, "Config", config_json(ci));
	json_object_object_add(o, "HostConfig", hostconfig_json(ci));
	json_object_object_add(o, "NetworkSettings", json_object_new_object());
	json_object_object_add(o, "IsInfra", json_object_new_boolean(ci->infra));
	json_object_object_add(o, "LogPath", jstr(ci->log_path));
	{
		/* podman shows the runtime's name ("runc"), not its path */
		const char *rt = ci->runtime ? strrchr(ci->runtime, '/') : NULL;

		json_object_object_add(o, "OCIRuntime", jstr(rt ? rt + 1 : ci->runtime));
	}
	json_object_object_add(o, "ConmonPidFile", jstr(""));
	return o;
}

/* docker's units.HumanDuration */
static char *human_duration(int64_t secs)
{
	if (secs < 1)
		return xstrdup("Less than a second");
	if (secs == 1)
		return xstrdup("1 second");
	if (secs < 60)
		return xasprintf("%lld seconds", (long long)secs);
	if (secs / 60 == 1)
		return xstrdup("About a minute");
	if (secs < 3600)
		return xasprintf("%lld minutes", (long long)(secs / 60));
	if ((secs + 1800) / 3600 == 1)
		return xstrdup("About an hour");
	if (secs < 48 * 3600)
		return xasprintf("%lld hours", (long long)((secs + 1800) / 3600));
	if (secs < 14 * 86400)
		return xasprintf("%lld days", (long long)(secs / 86400));
	if (secs < 90 * 86400)
		return xasprintf("%lld weeks", (long long)(secs / (7 * 86400)));
	if (secs < 730 * 86400)
		return xasprintf("%lld months", (long long)(secs / (30 * 86400)));
	return xasprintf("%lld years", (long long)(secs / (365 * 86400)));
}

static char *status_text(const char *health, const struct ctr_info *ci, int64_t now)
{
	cleanup_free char *d = NULL;

	switch (ci->state) {
	case CTR_RUNNING:
	case CTR_STOPPING:
		d = human_duration((now - ci->started_at) / 1000000000LL);
		return *health ? xasprintf("Up %s (%s)", d, health) : xasprintf("Up %s", d);
	case CTR_EXITED:
		d = human_duration((now - ci->finished_at) / 1000000000LL);
		return xasprintf("Exited (%d) %s ago", ci->exit_code, d);
	case CTR_RESTARTING:
		d = human_duration((now - ci->finished_at) / 1000000000LL);
		return xasprintf("Restarting (%d) %s ago", ci->exit_code, d);
	case CTR_REMOVING:
		return xstrdup("Removing");
	case CTR_CREATED:
		break;
	}
	return xstrdup("Created");
}

struct json_object *ctr_ps_json(struct pea_ctx *ctx, const struct ctr_info *ci)
{
	struct json_object *o = json_object_new_object(), *names = json_object_new_array();
	struct json_object *mounts = json_object_new_array();
	cleanup_strv char **argv = oci_resolve_argv(&ci->spec, ci->image_config, NULL);
	int64_t now = ctr_now_ns();
	const char *health = ctr_probe_health(ctx, ci);
	cleanup_free char *status = status_text(health, ci, now);
	cleanup_free char *ago = human_duration((now - ci->created) / 1000000000LL);
	cleanup_free char *created_at = xasprintf("%s ago", ago);
	bool running = ci->state == CTR_RUNNING || ci->state == CTR_STOPPING;
	cleanup_free char *pod_name = NULL;
	size_t i;

	if (ci->pod_id) {
		struct pod_info pi;

		if (pod_lookup(ctx, ci->pod_id, &pi, NULL) == 0) {
			pod_name = steal_ptr(pi.name);
			pod_info_release(&pi);
		}
	}

	json_object_array_add(names, jstr(ci->name));
	for (i = 0; i < ci->spec.n_mounts; i++)
		json_object_array_add(mounts, jstr(ci->spec.mounts[i].destination));
	json_object_object_add(o, "AutoRemove", json_object_new_boolean(ci->spec.auto_remove));
	json_object_object_add(o, "Command", argv ? json_strv_new(argv) : NULL);
	json_object_object_add(o, "CreatedAt", jstr(created_at));
	json_object_object_add(o, "Exited", json_object_new_boolean(ci->state == CTR_EXITED));
	json_object_object_add(o, "ExitedAt", json_object_new_int64(ci->finished_at / 1000000000LL));
	json_object_object_add(o, "ExitCode", json_object_new_int(ci->exit_code));
	json_object_object_add(o, "Id", jstr(ci->id));
	json_object_object_add(o, "Image", jstr(ci->image_name));
	json_object_object_add(o, "ImageID", jstr(ci->image_id));
	json_object_object_add(o, "IsInfra", json_object_new_boolean(ci->infra));
	json_object_object_add(o, "Labels", kv_json(ci->spec.labels, image_get(ci, "Labels")));
	json_object_object_add(o, "Mounts", mounts);
	json_object_object_add(o, "Names", names);
	json_object_object_add(o, "Networks", json_object_new_array());
	json_object_object_add(o, "Pid", json_object_new_int(running ? ci->pid : 0));
	json_object_object_add(o, "Pod", jstr(ci->pod_id));
	json_object_object_add(o, "PodName", jstr(pod_name));
	json_object_object_add(o, "Ports", json_object_new_array());
	json_object_object_add(o, "Restarts", json_object_new_int(ci->restart_count));
	json_object_object_add(o, "Ready", json_object_new_boolean(ctr_probe_ready(ctx, ci)));
	json_object_object_add(o, "Health", jstr(health));
	json_object_object_add(o, "StartedAt", json_object_new_int64(ci->started_at / 1000000000LL));
	json_object_object_add(o, "State", jstr(ctr_state_name(ci->state)));
	json_object_object_add(o, "Status", jstr(status));
	json_object_object_add(o, "Created", json_object_new_int64(ci->created / 1000000000LL));
	return o;
}
