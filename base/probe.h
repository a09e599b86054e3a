/* One attempt of a Kubernetes probe or lifecycle handler, shared by
 * peapod-conmon (which schedules liveness, readiness and startup probes)
 * and peapod (postStart, preStop, `healthcheck run`).
 *
 * A handler comes from the normalized JSON that peapod writes at container
 * start (podengine/ctr-probe.c; the format is in docs/design.md):
 *
 *   {"exec": ["/usr/bin/crun", "--root", R, "exec", ID, "cat", "/tmp/ok"]}
 *   {"http": {"host": "10.88.0.5", "port": 8080, "path": "/healthz",
 *             "headers": [{"name": "X", "value": "y"}]}, "netns": "/run/.../netns/p"}
 *   {"tcp": {"host": "10.88.0.5", "port": 8080}, "netns": "..."}
 *   {"https": {...as http...}, "netns": "...", "helper": "/usr/bin/peapod"}
 *   {"grpc": {"host": "10.88.0.5", "port": 9000, "service": ""},
 *    "netns": "...", "helper": "/usr/bin/peapod"}
 *   {"sleep": 5}
 *   {"error": "port \"web\" not found"}    (a probe that always fails so)
 *
 * An attempt is a child process: probe_spawn() forks it; it writes a short
 * message (or, for exec, the command's output) to out_fd and exits 0 on
 * success, 1 on failure.  httpGet and tcpSocket attempts setns() into the
 * pod's network namespace in the child, so the image needs no tools and the
 * caller's namespace never changes.  The child only makes system calls and
 * formats into stack buffers (the caller's state after fork is not used).
 *
 * HTTPS and grpc need TLS or HTTP/2, which peapod-conmon (static: libc and
 * json-c) does not carry: for those the child, once in the pod's netns,
 * execs the helper (the peapod binary) as `HELPER probe-attempt
 * --timeout-ms N` with the handler's protocol object ({"https": {...}} or
 * {"grpc": {...}}) on stdin (a memfd: headers may hold secrets, so not in
 * argv).  The helper prints one line and exits 0 or 1 like any attempt. */
#ifndef PEA_PROBE_H
#define PEA_PROBE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <sys/types.h>

#include "base/err.h"
#include "base/strbuf.h"

enum probe_kind {
	PROBE_EXEC, PROBE_HTTP, PROBE_TCP, PROBE_SLEEP, PROBE_ERROR,
	PROBE_HTTPS, PROBE_GRPC,  /* run by the helper (above) */
};

struct probe_handler {
	enum probe_kind kind;
	char **argv;        /* EXEC: the whole command line (argv[0] a path) */
	char *netns;        /* HTTP/TCP/HTTPS/GRPC: namespace file to enter; NULL = ours */
	char *host;         /* HTTP/TCP/HTTPS/GRPC: an IPv4 or IPv6 literal */
	int port;
	char *url;          /* HTTP(S): "http[s]://host:port/path"; GRPC: "host:port" */
	char *request;      /* HTTP: the whole request, built once */
	char **headers;     /* HTTP(S): "Name: value" lines (probe's, then kubelet's
			     * User-Agent and Accept unless the probe set them) */
	char *service;      /* GRPC: HealthCheckRequest.service ("" = the server) */
	char *helper;       /* HTTPS/GRPC: the binary that runs the attempt */
	char *helper_input; /* HTTPS/GRPC: its stdin, {"https"|"grpc": {...}} */
	int sleep_seconds;  /* SLEEP */
	char *error;        /* ERROR: the message */
};

/* Kubernetes Probe timing (after the API server's defaults). */
struct probe_timing {
	int initial_delay, period, timeout, success_threshold, failure_threshold;
};

/* Parse a handler object (format above).  Fills *h; probe_handler_release
 * frees it.  Unknown handler kinds are an error. */
int probe_handler_from_json(struct json_object *o, struct probe_handler *h,
			    struct pea_err **err);
void probe_handler_release(struct probe_handler *h);
/* "initialDelaySeconds", "periodSeconds", ... of o with Kubernetes' defaults. */
void probe_timing_from_json(struct json_object *o, struct probe_timing *t);

/* Fork one attempt; its message goes to out_fd (which the child gets as
 * stdout and stderr).  timeout_ms bounds connect and read for HTTP/TCP in
 * the child itself; the caller still kills the child (its process group,
 * see probe_kill) when it overruns.  Returns the pid or -1. */
pid_t probe_spawn(const struct probe_handler *h, int out_fd, int timeout_ms,
		  struct pea_err **err);
/* SIGKILL the attempt and whatever it started (its own process group). */
void probe_kill(pid_t pid);

/* Run one attempt and wait for it (at most timeout_ms, then it is killed
 * and counts as failed).  Returns 0 on success, 1 on failure (the message in
 * msg, at most a few KiB), -1 when it could not be run. */
int probe_run(const struct probe_handler *h, int timeout_ms, struct strbuf *msg,
	      struct pea_err **err);

/* The status code of an HTTP/1.x response that starts in buf ("HTTP/1.1
 * 200 OK\r\n..."); -1 when buf does not hold a complete, valid status line. */
int probe_http_status(const char *buf, size_t len);
/* Kubernetes: 200-399 is success. */
static inline bool probe_http_ok(int status)
{
	return status >= 200 && status < 400;
}

#endif
