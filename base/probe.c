/* One probe or hook attempt in a child process (probe.h). */
#include "base/probe.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/json.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

/* ---- parsing --------------------------------------------------------- */

static int bad(struct pea_err **err, const char *what)
{
	return pea_err_setk(err, PEA_E_INVALID, 0, "probe handler: %s", what);
}

static bool clean(const char *s)
{
	return s && !strpbrk(s, "\r\n");
}

/* The probe's headers as "Name: value" lines, then kubelet's User-Agent
 * and Accept unless the probe set them. */
static int http_headers(struct probe_handler *h, struct json_object *headers,
			struct pea_err **err)
{
	bool has_ua = false, has_accept = false;
	size_t i, n = headers ? json_object_array_length(headers) : 0;

	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(headers, i);
		cleanup_free char *k = json_dup_str(e, "name");
		cleanup_free char *v = json_dup_str(e, "value");
		cleanup_free char *line = NULL;

		if (!k || !*k || !clean(k) || strpbrk(k, ": \t") || (v && !clean(v)))
			return bad(err, "bad httpHeaders entry");
		has_ua |= !strcasecmp(k, "User-Agent");
		has_accept |= !strcasecmp(k, "Accept");
		line = xasprintf("%s: %s", k, v ? v : "");
		strv_push(&h->headers, line);
	}
	if (!has_ua)
		strv_push(&h->headers, "User-Agent: kube-probe/1.31");
	if (!has_accept)
		strv_push(&h->headers, "Accept: */*");
	return 0;
}

/* The request kubelet's prober sends: Host from the headers or host:port. */
static char *http_request(const struct probe_handler *h, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	bool has_host = false;

	strbuf_addf(&sb, "GET %s%s HTTP/1.1\r\n", *path == '/' ? "" : "/", path);
	for (char **l = h->headers; l && *l; l++) {
		has_host |= !strncasecmp(*l, "Host:", 5);
		strbuf_addf(&sb, "%s\r\n", *l);
	}
	if (!has_host)
		strbuf_addf(&sb, strchr(h->host, ':') ? "Host: [%s]:%d\r\n" : "Host: %s:%d\r\n",
			    h->host, h->port);
	strbuf_addstr(&sb, "Connection: close\r\n\r\n");
	return strbuf_detach(&sb, NULL);
}

/* What the helper gets on stdin: {"<key>": t}. */
static char *helper_input(const char *key, struct json_object *t)
{
	struct json_object *o = json_object_new_object();
	char *s;

	json_object_object_add(o, key, json_object_get(t));
	s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

static int net_from_json(struct json_object *o, struct json_object *t, enum probe_kind kind,
			 struct probe_handler *h, struct pea_err **err)
{
	static const char *const keys[] = { [PROBE_HTTPS] = "https", [PROBE_GRPC] = "grpc" };
	unsigned char addr[16];
	int64_t port = json_get_i64(t, "port", 0);
	cleanup_free char *path = NULL;
	struct json_object *hs = NULL;
	bool v6;

	h->kind = kind;
	h->netns = json_dup_str(o, "netns");
	h->host = json_dup_str(t, "host");
	if (!h->host || (inet_pton(AF_INET, h->host, addr) != 1 &&
			 inet_pton(AF_INET6, h->host, addr) != 1))
		return bad(err, "host must be an IP address");
	if (port < 1 || port > 65535)
		return bad(err, "port must be 1-65535");
	h->port = (int)port;
	v6 = strchr(h->host, ':') != NULL;
	if (kind == PROBE_HTTPS || kind == PROBE_GRPC) {
		h->helper = json_dup_str(o, "helper");
		h->helper_input = helper_input(keys[kind], t);
	}
	if (kind == PROBE_GRPC) {
		h->service = json_dup_str(t, "service");
		if (!h->service)
			h->service = xstrdup("");
		h->url = xasprintf(v6 ? "[%s]:%d" : "%s:%d", h->host, h->port);
		return 0;
	}
	if (kind == PROBE_TCP)
		return 0;
	path = json_dup_str(t, "path");
	if (path && !clean(path))
		return bad(err, "bad path");
	h->url = xasprintf(v6 ? "%s://[%s]:%d%s%s" : "%s://%s:%d%s%s",
			   kind == PROBE_HTTPS ? "https" : "http", h->host, h->port,
			   path && *path == '/' ? "" : "/", path ? path : "");
	if (json_object_object_get_ex(t, "headers", &hs) && !json_object_is_type(hs, json_type_array))
		hs = NULL;
	if (http_headers(h, hs, err) < 0)
		return -1;
	if (kind == PROBE_HTTP)
		h->request = http_request(h, path ? path : "/");
	return 0;
}

int probe_handler_from_json(struct json_object *o, struct probe_handler *h,
			    struct pea_err **err)
{
	struct json_object *v;

	memset(h, 0, sizeof(*h));
	h->kind = PROBE_ERROR;
	if (!o || !json_object_is_type(o, json_type_object))
		return bad(err, "not an object");
	if (json_object_object_get_ex(o, "exec", &v)) {
		h->kind = PROBE_EXEC;
		h->argv = json_dup_strv(o, "exec");
		if (!h->argv || !h->argv[0])
			return bad(err, "empty exec command");
		return 0;
	}
	if (json_object_object_get_ex(o, "http", &v))
		return net_from_json(o, v, PROBE_HTTP, h, err);
	if (json_object_object_get_ex(o, "https", &v))
		return net_from_json(o, v, PROBE_HTTPS, h, err);
	if (json_object_object_get_ex(o, "grpc", &v))
		return net_from_json(o, v, PROBE_GRPC, h, err);
	if (json_object_object_get_ex(o, "tcp", &v))
		return net_from_json(o, v, PROBE_TCP, h, err);
	if (json_object_object_get_ex(o, "sleep", &v)) {
		int64_t s = json_object_get_int64(v);

		h->kind = PROBE_SLEEP;
		h->sleep_seconds = s < 0 ? 0 : s > 86400 ? 86400 : (int)s;
		return 0;
	}
	if (json_object_object_get_ex(o, "error", &v)) {
		h->error = xstrdup(json_object_get_string(v));
		return 0;
	}
	return bad(err, "no exec, http, https, grpc, tcp, sleep or error");
}

void probe_handler_release(struct probe_handler *h)
{
	strv_free(h->argv);
	free(h->netns);
	free(h->host);
	free(h->url);
	free(h->request);
	strv_free(h->headers);
	free(h->service);
	free(h->helper);
	free(h->helper_input);
	free(h->error);
	memset(h, 0, sizeof(*h));
}

static int clamp(int64_t v, int lo, int def)
{
	if (v <= 0)
		return def;
	return v < lo ? lo : v > 86400 ? 86400 : (int)v;
}

void probe_timing_from_json(struct json_object *o, struct probe_timing *t)
{
	int64_t d = json_get_i64(o, "initialDelaySeconds", 0);

	t->initial_delay = d < 0 ? 0 : d > 86400 ? 86400 : (int)d;
	t->period = clamp(json_get_i64(o, "periodSeconds", 10), 1, 10);
	t->timeout = clamp(json_get_i64(o, "timeoutSeconds", 1), 1, 1);
	t->success_threshold = clamp(json_get_i64(o, "successThreshold", 1), 1, 1);
	t->failure_threshold = clamp(json_get_i64(o, "failureThreshold", 3), 1, 3);
}

int probe_http_status(const char *buf, size_t len)
{
	const char *end = memchr(buf, '\n', len);
	int code = 0, i;

	if (!end || len < 12 || memcmp(buf, "HTTP/1.", 7) != 0 || (buf[7] != '0' && buf[7] != '1'))
		return -1;
	if (buf[8] != ' ')
		return -1;
	for (i = 9; i < 12; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return -1;
		code = code * 10 + (buf[i] - '0');
	}
	if (end - buf > 12 && buf[12] != ' ' && buf[12] != '\r')
		return -1;
	return code < 100 ? -1 : code;
}

/* ---- the child ------------------------------------------------------- */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void __attribute__((noreturn, format(printf, 2, 3))) child_exit(int code,
								       const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		xwrite_all(1, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	_exit(code);
}

/* Wait for fd to be ready for `events` until the deadline; 0 ready,
 * -1 timed out. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = { fd, events, 0 };

	for (;;) {
		int64_t left = deadline - now_ms();
		int r;

		if (left <= 0)
			return -1;
		r = poll(&p, 1, (int)left);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return 0; /* let the next call report the error */
	}
}

static int dial(const struct probe_handler *h, int64_t deadline, char *why, size_t whylen)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl;
	int fd, e = 0;

	if (inet_pton(AF_INET, h->host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)h->port);
		sl = sizeof(*a4);
	} else {
		inet_pton(AF_INET6, h->host, &a6->sin6_addr);
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)h->port);
		sl = sizeof(*a6);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(why, whylen, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		if (errno != EINPROGRESS) {
			e = errno;
		} else if (wait_fd(fd, POLLOUT, deadline) < 0) {
			snprintf(why, whylen, "i/o timeout");
			close(fd);
			return -1;
		} else {
			socklen_t el = sizeof(e);

			getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el);
		}
	}
	if (e) {
		/* Go's wording, which kubelet's messages carry */
		snprintf(why, whylen, "connect: %s", e == ECONNREFUSED ? "connection refused" :
			 strerror(e));
		close(fd);
		return -1;
	}
	return fd;
}

static void __attribute__((noreturn)) child_http(const struct probe_handler *h, int fd,
						 int64_t deadline)
{
	char buf[4096];
	size_t len = 0, off = 0, rlen = strlen(h->request);
	int status;

	while (off < rlen) {
		ssize_t n = write(fd, h->request + off, rlen - off);

		if (n > 0) {
			off += (size_t)n;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			child_exit(1, "Get \"%s\": write: %s", h->url, strerror(errno));
		} else if (wait_fd(fd, POLLOUT, deadline) < 0) {
			child_exit(1, "Get \"%s\": context deadline exceeded", h->url);
		}
	}
	while (len < sizeof(buf) && !memchr(buf, '\n', len)) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);

		if (n > 0) {
			len += (size_t)n;
		} else if (n == 0) {
			break;
		} else if (errno != EAGAIN && errno != EINTR) {
			child_exit(1, "Get \"%s\": read: %s", h->url, strerror(errno));
		} else if (wait_fd(fd, POLLIN, deadline) < 0) {
			child_exit(1, "Get \"%s\": context deadline exceeded (Client.Timeout "
				   "exceeded while awaiting headers)", h->url);
		}
	}
	status = probe_http_status(buf, len);
	if (status < 0)
		child_exit(1, "Get \"%s\": malformed HTTP response", h->url);
	if (probe_http_ok(status))
		child_exit(0, "HTTP probe succeeded with statuscode: %d", status);
	child_exit(1, "HTTP probe failed with statuscode: %d", status);
}

/* HTTPS and grpc: the helper runs the attempt (probe.h), in this netns. */
static void __attribute__((noreturn)) child_helper(const struct probe_handler *h,
						   int timeout_ms)
{
	char ms[24];
	char *argv[] = { h->helper, "probe-attempt", "--timeout-ms", ms, NULL };
	size_t len = strlen(h->helper_input);
	int fd;

	if (!h->helper)
		child_exit(1, "%s probe: no helper to run it", h->kind == PROBE_GRPC ? "grpc"
											: "HTTPS");
	fd = memfd_create("probe", MFD_CLOEXEC);
	if (fd < 0 || xwrite_all(fd, h->helper_input, len) < 0 || lseek(fd, 0, SEEK_SET) < 0 ||
	    dup2(fd, 0) < 0)
		child_exit(1, "probe helper input: %s", strerror(errno));
	snprintf(ms, sizeof(ms), "%d", timeout_ms);
	execv(h->helper, argv);
	child_exit(1, "exec '%s': %s", h->helper, strerror(errno));
}

static void __attribute__((noreturn)) child_net(const struct probe_handler *h, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;
	char why[256];
	int fd;

	if (h->netns) {
		int ns = open(h->netns, O_RDONLY | O_CLOEXEC);

		if (ns < 0 || setns(ns, CLONE_NEWNET) < 0)
			child_exit(1, "enter network namespace '%s': %s", h->netns, strerror(errno));
		close(ns);
	}
	if (h->kind == PROBE_HTTPS || h->kind == PROBE_GRPC)
		child_helper(h, timeout_ms);
	fd = dial(h, deadline, why, sizeof(why));
	if (fd < 0) {
		if (h->kind == PROBE_HTTP)
			child_exit(1, "Get \"%s\": dial tcp %s:%d: %s", h->url, h->host, h->port, why);
		child_exit(1, "dial tcp %s:%d: %s", h->host, h->port, why);
	}
	if (h->kind == PROBE_TCP)
		_exit(0);
	child_http(h, fd, deadline);
}

static void __attribute__((noreturn)) child(const struct probe_handler *h, int out_fd,
					    int timeout_ms)
{
	sigset_t none;
	struct timespec ts;
	int i, devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);

	setpgid(0, 0);
	for (i = 1; i < NSIG; i++)
		signal(i, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (devnull >= 0)
		dup2(devnull, 0);
	dup2(out_fd, 1);
	dup2(out_fd, 2);
	switch (h->kind) {
	case PROBE_EXEC:
		execvp(h->argv[0], h->argv);
		child_exit(1, "exec '%s': %s", h->argv[0], strerror(errno));
	case PROBE_HTTP:
	case PROBE_TCP:
	case PROBE_HTTPS:
	case PROBE_GRPC:
		child_net(h, timeout_ms);
	case PROBE_SLEEP:
		ts.tv_sec = h->sleep_seconds;
		ts.tv_nsec = 0;
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		_exit(0);
	case PROBE_ERROR:
		break;
	}
	child_exit(1, "%s", h->error ? h->error : "probe cannot run");
}

pid_t probe_spawn(const struct probe_handler *h, int out_fd, int timeout_ms,
		  struct pea_err **err)
{
	pid_t pid = fork();

	if (pid < 0)
		return pea_err_set(err, errno, "fork");
	if (pid == 0)
		child(h, out_fd, timeout_ms);
	setpgid(pid, pid); /* also in the child: whichever runs first */
	return pid;
}

void probe_kill(pid_t pid)
{
	if (pid > 0 && kill(-pid, SIGKILL) < 0)
		kill(pid, SIGKILL);
}

int probe_run(const struct probe_handler *h, int timeout_ms, struct strbuf *msg,
	      struct pea_err **err)
{
	/* the child's own bound comes first, with its message (as conmon) */
	int64_t deadline = now_ms() + timeout_ms + 200;
	int p[2], status = 0;
	bool timed_out = false;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return pea_err_set(err, errno, "pipe");
	pid = probe_spawn(h, p[1], timeout_ms, err);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	for (;;) {
		char buf[1024];
		ssize_t n;

		if (wait_fd(p[0], POLLIN, deadline) < 0) {
			timed_out = true;
			probe_kill(pid);
			break;
		}
		n = read(p[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (msg && msg->len < 4096)
			strbuf_add(msg, buf, (size_t)n);
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (msg)
		strbuf_rtrim(msg);
	if (timed_out) {
		if (msg) {
			strbuf_reset(msg);
			strbuf_addf(msg, "timed out after %ds", (timeout_ms + 999) / 1000);
		}
		return 1;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
