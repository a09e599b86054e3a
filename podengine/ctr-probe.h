/* Kubernetes probes and lifecycle hooks of a container (issue 7).
 *
 * The probes and hooks come from ctr_spec.kube (the container object as
 * kube/plan-json.c wrote it, after the API server's defaults).  At start
 * ctr_probe_prepare turns them into the probe file <bundle>/probes.json:
 * handlers normalized for base/probe.h (exec through the runtime's `exec`,
 * httpGet/tcpSocket with the pod's address, a resolved port and the pod's
 * netns), plus the stop signal and grace period.  peapod-conmon runs the
 * startup, liveness and readiness probes from it and writes the results to
 * <runroot>/containers/<id>/health.json; peapod runs postStart, preStop
 * and `healthcheck run` from the same file.  Not for cli/ except
 * ctr_healthcheck_run and ctr_probe_attempt (declared in container.h). */
#ifndef PEA_CTR_PROBE_H
#define PEA_CTR_PROBE_H

#include <json-c/json.h>
#include <stdbool.h>

#include "base/strbuf.h"
#include "podengine/container.h"
#include "podengine/pod.h"

/* <bundle>/probes.json and <runroot>/containers/<id>/health.json; caller frees. */
char *ctr_probe_file(const struct ctr_info *ci);
char *ctr_probe_state_file(struct pea_ctx *ctx, const char *id);

/* Before conmon is spawned: remove the last run's files, write the probe
 * file when the container has probes or hooks.  Returns 1 when conmon
 * should run probes (pass --probes), 0 when not. */
int ctr_probe_prepare(struct pea_ctx *ctx, const struct ctr_info *ci, const struct pod_join *pj,
		      struct pea_err **err);

/* Run a lifecycle hook ("postStart", "preStop") of a started container,
 * at most timeout_s seconds.  0: done or there is none; 1: it failed (the
 * reason in msg); -1: could not be run. */
int ctr_probe_hook(const struct ctr_info *ci, const char *which, int timeout_s,
		   struct strbuf *msg, struct pea_err **err);
/* Whether the probe file has that hook. */
bool ctr_probe_has(const struct ctr_info *ci, const char *which);

/* The state conmon wrote, or NULL (no probes; never ran).  Caller puts it. */
struct json_object *ctr_probe_state(struct pea_ctx *ctx, const struct ctr_info *ci);
/* Kubernetes' Ready of a container: running, and its probes say so. */
bool ctr_probe_ready(struct pea_ctx *ctx, const struct ctr_info *ci);
/* Why a container is not Ready (state, or the startup/readiness probe
 * and its last output), appended to why; nothing when it is. */
void ctr_probe_why_not_ready(struct pea_ctx *ctx, const struct ctr_info *ci,
			     struct strbuf *why);
/* podman's health status: "" without liveness/startup probes, else
 * "starting", "healthy" or "unhealthy" (static string). */
const char *ctr_probe_health(struct pea_ctx *ctx, const struct ctr_info *ci);
/* State.Health for inspect: Status, FailingStreak, Log, Probes; NULL
 * without probes. */
struct json_object *ctr_probe_inspect(struct pea_ctx *ctx, const struct ctr_info *ci);

/* ---- ctr-probe-curl.c: HTTPS and grpc attempts (ctr_probe_attempt, in
 * container.h, is `peapod probe-attempt`) ---- */

/* grpc.health.v1 Health/Check: the request body (5-byte gRPC frame and the
 * HealthCheckRequest {service}), appended to out. */
void ctr_probe_grpc_request(const char *service, struct strbuf *out);
/* HealthCheckResponse.status of a response body (one gRPC frame): 0
 * UNKNOWN, 1 SERVING, 2 NOT_SERVING, 3 SERVICE_UNKNOWN...; -1 malformed or
 * compressed. */
int ctr_probe_grpc_status(const unsigned char *body, size_t len);

#endif
