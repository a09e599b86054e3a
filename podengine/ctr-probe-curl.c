/* HTTPS and grpc probe attempts, run by `peapod probe-attempt` in the pod's
 * network namespace (ctr-probe.h; the caller is base/probe.c's child).
 *
 * Why here and not in peapod-conmon: TLS and HTTP/2 come with libcurl,
 * OpenSSL and nghttp2, megabytes that conmon (static, one per container,
 * < 1 MiB resident) must not carry.  An attempt is a short-lived process of
 * the dynamic peapod binary instead, as often as the probe's period.
 *
 * HTTPS is the kubelet's: GET over HTTP/1.1 without certificate checks,
 * status 200-399 succeeds.  grpc is the standard health service: the
 * kubelet's grpc probe is plaintext HTTP/2 (h2c) without TLS, a unary call
 * POST /grpc.health.v1.Health/Check whose body is one gRPC message
 * (1 byte "compressed" flag, 4 bytes big-endian length, then the protobuf
 * HealthCheckRequest {string service = 1}); it succeeds when grpc-status is
 * 0 and HealthCheckResponse {enum status = 1} is SERVING (1).  Messages are
 * the kubelet's (pkg/probe/http, pkg/probe/grpc). */
#include "podengine/ctr-probe.h"
#include "podengine/container.h"
#include "base/cleanup.h"
#include "base/json.h"
#include "base/probe.h"
#include "base/xalloc.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/banned.h"

#define BODY_MAX (64 << 10)

static void curl_cleanupp(CURL **h)
{
	if (*h)
		curl_easy_cleanup(*h);
}
#define cleanup_curl __attribute__((cleanup(curl_cleanupp)))

static void slist_freep(struct curl_slist **l)
{
	curl_slist_free_all(*l);
}
#define cleanup_slist __attribute__((cleanup(slist_freep)))

/* ---- gRPC messages ----------------------------------------------------- */

static void add_varint(struct strbuf *sb, uint64_t v)
{
	while (v >= 0x80) {
		strbuf_addch(sb, (char)(v & 0x7f) | (char)0x80);
		v >>= 7;
	}
	strbuf_addch(sb, (char)v);
}

void ctr_probe_grpc_request(const char *service, struct strbuf *out)
{
	struct strbuf msg = STRBUF_INIT;
	size_t n;

	if (service && *service) {
		strbuf_addch(&msg, 0x0a);       /* field 1, length-delimited */
		add_varint(&msg, strlen(service));
		strbuf_addstr(&msg, service);
	}
	n = msg.len;
	strbuf_addch(out, 0);                   /* not compressed */
	strbuf_addch(out, (char)(n >> 24));
	strbuf_addch(out, (char)(n >> 16));
	strbuf_addch(out, (char)(n >> 8));
	strbuf_addch(out, (char)n);
	strbuf_add(out, msg.buf, n);
	strbuf_release(&msg);
}

static int get_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	int shift;

	*v = 0;
	for (shift = 0; shift < 64 && *p < end; shift += 7) {
		unsigned char b = *(*p)++;

		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return 0;
	}
	return -1;
}

/* Skip one field's value of wire type wt; -1 when it does not fit. */
static int skip_field(const unsigned char **p, const unsigned char *end, unsigned wt)
{
	uint64_t v;

	switch (wt) {
	case 0:
		return get_varint(p, end, &v);
	case 1:
	case 5:
		v = wt == 1 ? 8 : 4;
		break;
	case 2:
		if (get_varint(p, end, &v) < 0)
			return -1;
		break;
	default:
		return -1;   /* groups are not in this message */
	}
	if (v > (uint64_t)(end - *p))
		return -1;
	*p += v;
	return 0;
}

int ctr_probe_grpc_status(const unsigned char *body, size_t len)
{
	const unsigned char *p = body + 5, *end;
	uint64_t n, key, v;
	int status = 0;      /* proto3: absent means UNKNOWN (0) */

	if (len < 5 || body[0] != 0)
		return -1;   /* compressed: we never offered an encoding */
	n = (uint64_t)body[1] << 24 | (uint64_t)body[2] << 16 | (uint64_t)body[3] << 8 | body[4];
	if (n > len - 5)
		return -1;
	end = p + n;
	while (p < end) {
		if (get_varint(&p, end, &key) < 0)
			return -1;
		if (key == 0x08) {
			if (get_varint(&p, end, &v) < 0)
				return -1;
			status = v > 0x7fffffff ? -1 : (int)v;
		} else if (skip_field(&p, end, (unsigned)(key & 7)) < 0) {
			return -1;
		}
	}
	return status;
}

static const char *serving_name(int s)
{
	static const char *const names[] = { "UNKNOWN", "SERVING", "NOT_SERVING",
					     "SERVICE_UNKNOWN" };

	return s >= 0 && s < 4 ? names[s] : "UNKNOWN";
}

static const char *code_name(int c)
{
	static const char *const names[] = {
		"OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound",
		"AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
		"Aborted", "OutOfRange", "Unimplemented", "Internal", "Unavailable", "DataLoss",
		"Unauthenticated",
	};

	return c >= 0 && c < 17 ? names[c] : "Unknown";
}

/* ---- one transfer ------------------------------------------------------ */

struct xfer {
	struct strbuf body;
	bool keep_body;      /* grpc: the message; HTTPS: stop at the first byte */
	bool stopped;        /* we ended the transfer on purpose */
	int grpc_status;     /* -1: none seen */
	char *grpc_message;
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;

	if (!x->keep_body || x->body.len + size * n > BODY_MAX) {
		x->stopped = true;
		return 0;
	}
	strbuf_add(&x->body, data, size * n);
	return size * n;
}

/* grpc-status and grpc-message come in the headers (a "trailers-only"
 * answer) or in the trailers, which curl hands to the same callback. */
static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n;
	cleanup_free char *line = NULL;
	char *v;

	if (len < 12 || len > 4096 || strncasecmp(data, "grpc-", 5))
		return len;
	line = xstrndup(data, len);
	line[strcspn(line, "\r\n")] = 0;
	if (!(v = strchr(line, ':')))
		return len;
	*v++ = 0;
	v += strspn(v, " \t");
	if (!strcasecmp(line, "grpc-status")) {
		char *end;
		long c = strtol(v, &end, 10);

		x->grpc_status = end != v && !*end && c >= 0 && c < 1000 ? (int)c : 2;
	} else if (!strcasecmp(line, "grpc-message")) {
		free(x->grpc_message);
		x->grpc_message = xstrdup(v);
	}
	return len;
}

static CURL *easy(const char *url, int timeout_ms, struct xfer *x, char *errbuf)
{
	CURL *h = curl_easy_init();

	if (!h)
		return NULL;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROXY, "");          /* never a proxy from the environment */
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	errbuf[0] = 0;
	return h;
}

/* Why the transfer failed, in Go's words where the kubelet's messages
 * carry them ("dial tcp 10.1.2.3:80: connect: connection refused"). */
static void add_why(struct strbuf *msg, CURL *h, const struct probe_handler *ph, CURLcode rc,
		    const char *errbuf)
{
	long e = 0;

	if (rc == CURLE_COULDNT_CONNECT && curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &e) == CURLE_OK &&
	    e > 0) {
		strbuf_addf(msg, strchr(ph->host, ':') ? "dial tcp [%s]:%d: connect: %s"
						       : "dial tcp %s:%d: connect: %s",
			    ph->host, ph->port, e == ECONNREFUSED ? "connection refused"
								  : strerror((int)e));
		return;
	}
	strbuf_addstr(msg, errbuf[0] ? errbuf : curl_easy_strerror(rc));
}

/* ---- HTTPS -------------------------------------------------------------- */

static int https_attempt(const struct probe_handler *ph, int timeout_ms, struct strbuf *msg)
{
	struct xfer x = { .body = STRBUF_INIT, .grpc_status = -1 };
	char errbuf[CURL_ERROR_SIZE];
	cleanup_slist struct curl_slist *hdrs = NULL;
	cleanup_curl CURL *h = easy(ph->url, timeout_ms, &x, errbuf);
	long status = 0;
	CURLcode rc;

	if (!h) {
		strbuf_addstr(msg, "HTTPS probe: cannot set up libcurl");
		return 1;
	}
	for (char **l = ph->headers; l && *l; l++)
		hdrs = curl_slist_append(hdrs, *l);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	/* the kubelet does not verify the certificate (InsecureSkipVerify) */
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	strbuf_release(&x.body);
	free(x.grpc_message);
	if ((rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && x.stopped)) && status >= 100) {
		if (probe_http_ok((int)status)) {
			strbuf_addf(msg, "HTTP probe succeeded with statuscode: %ld", status);
			return 0;
		}
		strbuf_addf(msg, "HTTP probe failed with statuscode: %ld", status);
		return 1;
	}
	if (rc == CURLE_OPERATION_TIMEDOUT)
		strbuf_addf(msg, "Get \"%s\": context deadline exceeded (Client.Timeout exceeded "
			    "while awaiting headers)", ph->url);
	else {
		strbuf_addf(msg, "Get \"%s\": ", ph->url);
		add_why(msg, h, ph, rc, errbuf);
	}
	return 1;
}

/* ---- grpc --------------------------------------------------------------- */

static int grpc_result(struct xfer *x, long http_status, int timeout_ms, struct strbuf *msg)
{
	int s;

	if (x->grpc_status < 0 && http_status != 200) {
		/* grpc-go's words for a server that is no gRPC server */
		strbuf_addf(msg, "error: health rpc probe failed: rpc error: code = Unknown desc = "
			    "unexpected HTTP status code received from server: %ld", http_status);
		return 1;
	}
	if (x->grpc_status < 0) {
		strbuf_addstr(msg, "error: health rpc probe failed: rpc error: code = Internal "
			      "desc = server closed the stream without sending trailers");
		return 1;
	}
	if (x->grpc_status == 12) {
		strbuf_addf(msg, "this server does not implement the grpc health protocol "
			    "(grpc.health.v1.Health): %s", x->grpc_message ? x->grpc_message : "");
		return 1;
	}
	if (x->grpc_status == 4) {
		strbuf_addf(msg, "timeout: health rpc did not complete within %ds",
			    (timeout_ms + 999) / 1000);
		return 1;
	}
	if (x->grpc_status != 0) {
		strbuf_addf(msg, "error: health rpc probe failed: rpc error: code = %s desc = %s",
			    code_name(x->grpc_status), x->grpc_message ? x->grpc_message : "");
		return 1;
	}
	s = ctr_probe_grpc_status((const unsigned char *)x->body.buf, x->body.len);
	if (s < 0) {
		strbuf_addstr(msg, "error: health rpc probe failed: rpc error: code = Internal "
			      "desc = malformed HealthCheckResponse");
		return 1;
	}
	if (s != 1) {
		strbuf_addf(msg, "service unhealthy (responded with \"%s\")", serving_name(s));
		return 1;
	}
	strbuf_addstr(msg, "service healthy");
	return 0;
}

static int grpc_attempt(const struct probe_handler *ph, int timeout_ms, struct strbuf *msg)
{
	const curl_version_info_data *vi = curl_version_info(CURLVERSION_NOW);
	struct xfer x = { .body = STRBUF_INIT, .keep_body = true, .grpc_status = -1 };
	cleanup_strbuf struct strbuf req = STRBUF_INIT;
	cleanup_free char *url = NULL;
	cleanup_slist struct curl_slist *hdrs = NULL;
	char errbuf[CURL_ERROR_SIZE];
	cleanup_curl CURL *h = NULL;
	long status = 0;
	CURLcode rc;
	int ret;

	if (!vi || !(vi->features & CURL_VERSION_HTTP2)) {
		strbuf_addf(msg, "grpc probe: libcurl %s has no HTTP/2 support",
			    vi ? vi->version : "?");
		return 1;
	}
	url = xasprintf("http://%s/grpc.health.v1.Health/Check", ph->url);
	if (!(h = easy(url, timeout_ms, &x, errbuf))) {
		strbuf_addstr(msg, "grpc probe: cannot set up libcurl");
		return 1;
	}
	ctr_probe_grpc_request(ph->service, &req);
	hdrs = curl_slist_append(hdrs, "Content-Type: application/grpc");
	hdrs = curl_slist_append(hdrs, "TE: trailers");
	hdrs = curl_slist_append(hdrs, "User-Agent: kube-probe/1.31");
	hdrs = curl_slist_append(hdrs, "Accept:");
	hdrs = curl_slist_append(hdrs, "Expect:");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.buf);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)req.len);
	rc = curl_easy_perform(h);
	if (rc == CURLE_COULDNT_CONNECT) {
		strbuf_addf(msg, "error: failed to connect service at \"%s\": ", ph->url);
		add_why(msg, h, ph, rc, errbuf);
	} else if (rc == CURLE_OPERATION_TIMEDOUT) {
		strbuf_addf(msg, "timeout: health rpc did not complete within %ds",
			    (timeout_ms + 999) / 1000);
	} else if (rc != CURLE_OK) {
		strbuf_addstr(msg, "error: health rpc probe failed: ");
		add_why(msg, h, ph, rc, errbuf);
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	ret = rc == CURLE_OK ? grpc_result(&x, status, timeout_ms, msg) : 1;
	strbuf_release(&x.body);
	free(x.grpc_message);
	return ret;
}

int ctr_probe_attempt(const char *input, int timeout_ms, struct strbuf *msg,
		      struct pea_err **err)
{
	cleanup_json struct json_object *o = json_tokener_parse(input);
	struct probe_handler h;
	int rc;

	if (probe_handler_from_json(o, &h, err) < 0) {
		probe_handler_release(&h);
		return pea_err_wrap(err, "probe-attempt");
	}
	if (timeout_ms < 1)
		timeout_ms = 1000;
	if (h.kind == PROBE_HTTPS)
		rc = https_attempt(&h, timeout_ms, msg);
	else if (h.kind == PROBE_GRPC)
		rc = grpc_attempt(&h, timeout_ms, msg);
	else
		rc = pea_err_setk(err, PEA_E_INVALID, 0, "probe-attempt runs https and grpc "
				  "handlers only");
	probe_handler_release(&h);
	return rc;
}
