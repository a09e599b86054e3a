/* The probe file, lifecycle hooks and probe state of a container
 * (ctr-probe.h).
 *
 * Why the Kubernetes JSON in ctr_spec.kube and not a probe struct in the
 * spec: kube/ already stores every probe and hook there after the API
 * server's defaulting, `kube generate` needs that object anyway, and the
 * normalized form depends on facts only known at start (the pod's IP and
 * netns, the runtime's root), so it is made here, once per start. */
#include "podengine/ctr-probe.h"
#include "podengine/ctr-internal.h"
#include "podengine/ctr-runtime.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/json.h"
#include "base/probe.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/banned.h"

static const char *const probe_keys[] = { "startupProbe", "livenessProbe", "readinessProbe" };
static const char *const hook_keys[] = { "postStart", "preStop" };
static const char *const timing_keys[] = {
	"initialDelaySeconds", "periodSeconds", "timeoutSeconds", "successThreshold",
	"failureThreshold",
};

char *ctr_probe_file(const struct ctr_info *ci)
{
	return path_join(ci->bundle, "probes.json");
}

char *ctr_probe_state_file(struct pea_ctx *ctx, const char *id)
{
	return xasprintf("%s/containers/%s/health.json", ctx->runroot, id);
}

/* ---- the probe file ---------------------------------------------------- */

struct norm_ctx {
	struct pea_ctx *ctx;
	const struct ctr_info *ci;
	struct json_object *kctr;   /* the kube container object */
	const char *pod_ip;         /* default host */
	const char *netns;          /* NULL: the host's */
};

/* A port number or the name of one of the container's ports. */
static int port_of(struct norm_ctx *n, struct json_object *port, char **why)
{
	struct json_object *ports, *e;
	const char *name;
	size_t i;

	if (port && json_object_is_type(port, json_type_int))
		return json_object_get_int(port);
	name = port ? json_object_get_string(port) : "";
	if (json_object_object_get_ex(n->kctr, "ports", &ports) &&
	    json_object_is_type(ports, json_type_array)) {
		for (i = 0; i < json_object_array_length(ports); i++) {
			cleanup_free char *pn = NULL;

			e = json_object_array_get_idx(ports, i);
			pn = json_dup_str(e, "name");
			if (pn && !strcmp(pn, name))
				return (int)json_get_i64(e, "containerPort", 0);
		}
	}
	*why = xasprintf("port \"%s\" not found in the container's ports", name);
	return -1;
}

/* An IP literal for host (resolved on the host when it is a name). */
static char *host_of(struct norm_ctx *n, const char *host, char **why)
{
	unsigned char buf[16];
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	char out[INET6_ADDRSTRLEN];

	if (!host || !*host)
		return xstrdup(n->pod_ip);
	if (inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1)
		return xstrdup(host);
	if (getaddrinfo(host, NULL, &hints, &res) != 0 || !res) {
		*why = xasprintf("lookup %s: no such host", host);
		return NULL;
	}
	if (getnameinfo(res->ai_addr, res->ai_addrlen, out, sizeof(out), NULL, 0,
			NI_NUMERICHOST) != 0)
		out[0] = 0;
	freeaddrinfo(res);
	if (!out[0]) {
		*why = xasprintf("lookup %s: no such host", host);
		return NULL;
	}
	return xstrdup(out);
}

/* The binary that runs HTTPS and grpc attempts: this peapod (base/probe.h). */
static char *helper_path(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return NULL;
	self[n] = 0;
	return xstrdup(self);
}

static struct json_object *norm_net(struct norm_ctx *n, struct json_object *k,
				    const char *kind, char **why)
{
	struct json_object *o = json_object_new_object(), *t = json_object_new_object(), *v;
	cleanup_free char *host = NULL;
	cleanup_free char *hs = json_dup_str(k, "host");
	bool grpc = !strcmp(kind, "grpc"), http = !strcmp(kind, "http") || !strcmp(kind, "https");
	int port;

	/* grpc has no host field: always the pod's IP */
	if ((port = port_of(n, json_object_object_get_ex(k, "port", &v) ? v : NULL, why)) < 0 ||
	    !(host = host_of(n, grpc ? NULL : hs, why))) {
		json_object_put(t);
		json_object_put(o);
		return NULL;
	}
	json_put_str(t, "host", host);
	json_object_object_add(t, "port", json_object_new_int(port));
	if (http) {
		json_put_str(t, "path", json_object_object_get_ex(k, "path", &v) ?
			     json_object_get_string(v) : "/");
		if (json_object_object_get_ex(k, "httpHeaders", &v))
			json_object_object_add(t, "headers", json_object_get(v));
	}
	if (grpc)
		json_put_str(t, "service", json_object_object_get_ex(k, "service", &v) ?
			     json_object_get_string(v) : "");
	json_object_object_add(o, kind, t);
	json_put_str(o, "netns", n->netns);
	if (grpc || !strcmp(kind, "https")) {
		cleanup_free char *helper = helper_path();

		json_put_str(o, "helper", helper);
	}
	return o;
}

static struct json_object *norm_exec(struct norm_ctx *n, struct json_object *k)
{
	cleanup_free char *rroot = ctr_runtime_root(n->ctx, n->ci->runtime);
	cleanup_strv char **cmd = json_dup_strv(k, "command");
	cleanup_strv char **argv = NULL;
	struct json_object *o = json_object_new_object();

	strv_push(&argv, n->ci->runtime);
	strv_push(&argv, "--root");
	strv_push(&argv, rroot);
	strv_push(&argv, "exec");
	strv_push(&argv, n->ci->id);
	for (char **c = cmd; c && *c; c++)
		strv_push(&argv, *c);
	json_object_object_add(o, "exec", json_strv_new(argv));
	return o;
}

/* A Kubernetes handler (probe or hook) -> the normalized object; NULL when
 * the handler is of no kind peapod knows. */
static struct json_object *norm_handler(struct norm_ctx *n, struct json_object *k)
{
	struct json_object *v, *o = NULL;
	char *why = NULL;

	if (json_object_object_get_ex(k, "exec", &v)) {
		o = norm_exec(n, v);
	} else if (json_object_object_get_ex(k, "httpGet", &v)) {
		cleanup_free char *scheme = json_dup_str(v, "scheme");

		o = norm_net(n, v, scheme && !strcmp(scheme, "HTTPS") ? "https" : "http", &why);
	} else if (json_object_object_get_ex(k, "tcpSocket", &v)) {
		o = norm_net(n, v, "tcp", &why);
	} else if (json_object_object_get_ex(k, "grpc", &v)) {
		o = norm_net(n, v, "grpc", &why);
	} else if (json_object_object_get_ex(k, "sleep", &v)) {
		o = json_object_new_object();
		json_object_object_add(o, "sleep", json_object_new_int64(json_get_i64(v, "seconds", 0)));
	} else {
		return NULL;
	}
	if (!o) {
		o = json_object_new_object();
		json_put_str(o, "error", why);
		free(why);
	}
	return o;
}

static int stop_signal(const struct ctr_info *ci)
{
	int s = ci->spec.stop_signal ? ctr_parse_signal(ci->spec.stop_signal, NULL) : 0;

	return s > 0 ? s : SIGTERM;
}

/* The normalized document; *n_probes counts the probes conmon runs. */
static struct json_object *probe_doc(struct norm_ctx *n, int *n_probes)
{
	struct json_object *doc = json_object_new_object(), *k, *lc, *h;
	int64_t grace = n->ci->spec.stop_timeout >= 0 ? n->ci->spec.stop_timeout : 10;
	size_t i, j;

	for (i = 0; i < 3; i++) {
		if (!(k = json_get_obj(n->kctr, probe_keys[i])) || !(h = norm_handler(n, k)))
			continue;
		for (j = 0; j < sizeof(timing_keys) / sizeof(timing_keys[0]); j++)
			if (json_get_i64(k, timing_keys[j], 0) > 0)
				json_object_object_add(h, timing_keys[j], json_object_new_int64(
					json_get_i64(k, timing_keys[j], 0)));
		/* a probe's own terminationGracePeriodSeconds wins for its kill */
		if (i < 2 && json_get_i64(k, "terminationGracePeriodSeconds", -1) >= 0)
			grace = json_get_i64(k, "terminationGracePeriodSeconds", -1);
		json_object_object_add(doc, probe_keys[i], h);
		(*n_probes)++;
	}
	lc = json_get_obj(n->kctr, "lifecycle");
	for (i = 0; lc && i < 2; i++)
		if ((k = json_get_obj(lc, hook_keys[i])) && (h = norm_handler(n, k)))
			json_object_object_add(doc, hook_keys[i], h);
	json_object_object_add(doc, "stopSignal", json_object_new_int(stop_signal(n->ci)));
	json_object_object_add(doc, "grace", json_object_new_int64(grace));
	return doc;
}

int ctr_probe_prepare(struct pea_ctx *ctx, const struct ctr_info *ci, const struct pod_join *pj,
		      struct pea_err **err)
{
	cleanup_free char *file = ctr_probe_file(ci);
	cleanup_free char *state = ctr_probe_state_file(ctx, ci->id);
	cleanup_json struct json_object *kctr = NULL, *doc = NULL;
	struct norm_ctx n = { .ctx = ctx, .ci = ci, .pod_ip = "127.0.0.1" };
	const char *s;
	int n_probes = 0;

	unlink(file);
	unlink(state);
	if (!ci->spec.kube || !(kctr = json_tokener_parse(ci->spec.kube)) ||
	    !json_object_is_type(kctr, json_type_object))
		return 0;
	n.kctr = kctr;
	if (pj && pj->ip)
		n.pod_ip = pj->ip;
	if (pj && pj->netns && strcmp(pj->netns, "host"))
		n.netns = pj->netns;
	doc = probe_doc(&n, &n_probes);
	if (json_object_object_length(doc) <= 2)
		return 0; /* only stopSignal and grace: nothing to run */
	s = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
	if (io_write_file_atomic(file, s, strlen(s), 0600, err) < 0)
		return -1;
	return n_probes > 0 ? 1 : 0;
}

/* ---- hooks ------------------------------------------------------------- */

static struct json_object *load_doc(const struct ctr_info *ci)
{
	cleanup_free char *file = ctr_probe_file(ci);

	return io_exists(file) ? json_object_from_file(file) : NULL;
}

bool ctr_probe_has(const struct ctr_info *ci, const char *which)
{
	cleanup_json struct json_object *doc = load_doc(ci);

	return doc && json_get_obj(doc, which);
}

int ctr_probe_hook(const struct ctr_info *ci, const char *which, int timeout_s,
		   struct strbuf *msg, struct pea_err **err)
{
	cleanup_json struct json_object *doc = load_doc(ci);
	struct json_object *h = doc ? json_get_obj(doc, which) : NULL;
	struct probe_handler ph;
	int rc;

	if (!h)
		return 0;
	if (probe_handler_from_json(h, &ph, err) < 0)
		return pea_err_wrap(err, "%s hook of container '%s'", which, ci->name);
	rc = probe_run(&ph, (timeout_s > 0 ? timeout_s : 1) * 1000, msg, err);
	probe_handler_release(&ph);
	return rc;
}

int ctr_healthcheck_run(struct pea_ctx *ctx, const char *name, bool *healthy,
			struct strbuf *msg, struct pea_err **err)
{
	cleanup_json struct json_object *doc = NULL;
	struct json_object *h;
	struct probe_handler ph;
	struct probe_timing t;
	struct ctr_info ci;
	int rc;

	if (ctr_lookup(ctx, name, &ci, err) < 0)
		return -1;
	doc = load_doc(&ci);
	h = doc ? json_get_obj(doc, "livenessProbe") : NULL;
	if (ci.state != CTR_RUNNING) {
		rc = pea_err_set(err, 0, "container %s is not running", ci.name);
	} else if (!h) {
		rc = pea_err_set(err, 0, "container %s has no defined healthcheck", ci.name);
	} else if ((rc = probe_handler_from_json(h, &ph, err)) == 0) {
		probe_timing_from_json(h, &t);
		rc = probe_run(&ph, t.timeout * 1000, msg, err);
		probe_handler_release(&ph);
		if (rc >= 0) {
			*healthy = rc == 0;
			rc = 0;
		}
	}
	ctr_info_release(&ci);
	return rc;
}

/* ---- state ------------------------------------------------------------- */

struct json_object *ctr_probe_state(struct pea_ctx *ctx, const struct ctr_info *ci)
{
	cleanup_free char *state = ctr_probe_state_file(ctx, ci->id);

	return io_exists(state) ? json_object_from_file(state) : NULL;
}

static bool running(const struct ctr_info *ci)
{
	return ci->state == CTR_RUNNING || ci->state == CTR_STOPPING;
}

bool ctr_probe_ready(struct pea_ctx *ctx, const struct ctr_info *ci)
{
	cleanup_json struct json_object *st = NULL;

	if (!running(ci))
		return false;
	st = ctr_probe_state(ctx, ci);
	return !st || json_get_bool(st, "ready", false);
}

void ctr_probe_why_not_ready(struct pea_ctx *ctx, const struct ctr_info *ci,
			     struct strbuf *why)
{
	cleanup_json struct json_object *st = NULL;
	struct json_object *probes, *p;
	bool started;
	cleanup_free char *out = NULL;

	if (ctr_probe_ready(ctx, ci))
		return;
	if (!running(ci)) {
		strbuf_addf(why, "container '%s' is %s", ci->name, ctr_state_name(ci->state));
		if (ci->state == CTR_RESTARTING)
			strbuf_addf(why, " (restart %d, back-off %ds)", ci->restart_count, ci->backoff);
		return;
	}
	st = ctr_probe_state(ctx, ci);
	if (!st)
		return;
	probes = json_get_obj(st, "probes");
	started = json_get_bool(st, "started", false);
	p = probes ? json_get_obj(probes, started ? "readiness" : "startup") : NULL;
	strbuf_addf(why, "container '%s': %s probe ", ci->name, started ? "readiness" : "startup");
	if (p && json_object_object_get_ex(p, "lastOk", NULL) && !json_get_bool(p, "lastOk", true) &&
	    (out = json_dup_str(p, "lastOutput")) && *out)
		strbuf_addf(why, "failed: %s", out);
	else
		strbuf_addstr(why, "has not succeeded yet");
}

static const char *health_of(struct json_object *st, bool is_running)
{
	struct json_object *probes = st ? json_get_obj(st, "probes") : NULL;
	struct json_object *l = probes ? json_get_obj(probes, "liveness") : NULL;

	if (!probes || (!l && !json_get_obj(probes, "startup")))
		return "";
	if (l && json_get_i64(l, "consecutiveFailures", 0) > 0)
		return "unhealthy";
	if (!json_get_bool(st, "started", false) || (l && !json_object_object_get_ex(l, "lastOk",
										 NULL)))
		return is_running ? "starting" : "unhealthy";
	return "healthy";
}

const char *ctr_probe_health(struct pea_ctx *ctx, const struct ctr_info *ci)
{
	cleanup_json struct json_object *st = ctr_probe_state(ctx, ci);

	return health_of(st, running(ci));
}

struct json_object *ctr_probe_inspect(struct pea_ctx *ctx, const struct ctr_info *ci)
{
	cleanup_json struct json_object *st = ctr_probe_state(ctx, ci);
	struct json_object *o, *probes, *l, *log;
	cleanup_free char *reason = NULL;

	if (!st)
		return NULL;
	probes = json_get_obj(st, "probes");
	l = probes ? json_get_obj(probes, "liveness") : NULL;
	o = json_object_new_object();
	json_object_object_add(o, "Status", json_object_new_string(health_of(st, running(ci))));
	json_object_object_add(o, "FailingStreak", json_object_new_int(
		(int)(l ? json_get_i64(l, "consecutiveFailures", 0) : 0)));
	log = json_object_new_array();
	if (l && json_object_object_get_ex(l, "lastOk", NULL)) {
		struct json_object *e = json_object_new_object();
		cleanup_free char *out = json_dup_str(l, "lastOutput");

		json_object_object_add(e, "ExitCode", json_object_new_int(
			json_get_bool(l, "lastOk", false) ? 0 : 1));
		json_object_object_add(e, "Output", json_object_new_string(out ? out : ""));
		json_object_object_add(e, "Time", json_object_new_int64(json_get_i64(l, "lastTime", 0)));
		json_object_array_add(log, e);
	}
	json_object_object_add(o, "Log", log);
	json_object_object_add(o, "Ready", json_object_new_boolean(ctr_probe_ready(ctx, ci)));
	json_object_object_add(o, "Started", json_object_new_boolean(
		json_get_bool(st, "started", false)));
	if ((reason = json_dup_str(st, "killReason")))
		json_object_object_add(o, "KillReason", json_object_new_string(reason));
	json_object_object_add(o, "Probes", probes ? json_object_get(probes)
						   : json_object_new_object());
	return o;
}
