/* podengine/ctr-probe-curl.c: the grpc health messages, and HTTPS and grpc
 * attempts through the whole chain base/probe.c uses (child, stdin memfd,
 * exec of the helper).  The helper is this test binary itself: run as
 * `test-ctr-probe probe-attempt --timeout-ms N` it does what `peapod
 * probe-attempt` does.  The HTTPS server is `openssl s_server` on
 * 127.0.0.1 with a certificate made here (nothing to verify it against:
 * the kubelet does not check). */
#include "tests/unit/tap.h"
#include "base/io.h"
#include "base/probe.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "podengine/container.h"
#include "podengine/ctr-probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

static char self[PATH_MAX];

TEST(grpc_request)
{
	struct strbuf sb = STRBUF_INIT;
	char *longname = xmalloc(201);

	ctr_probe_grpc_request("", &sb);
	CHECK_INT(sb.len, 5);
	CHECK(!memcmp(sb.buf, "\0\0\0\0\0", 5));
	strbuf_reset(&sb);
	ctr_probe_grpc_request("web", &sb);
	CHECK_INT(sb.len, 10);
	CHECK(!memcmp(sb.buf, "\0\0\0\0\x05\x0a\x03web", 10));
	strbuf_reset(&sb);
	memset(longname, 'a', 200);
	longname[200] = 0;
	ctr_probe_grpc_request(longname, &sb);
	/* 200 = varint c8 01; message 1 + 2 + 200 = 203 = 0xcb */
	CHECK_INT(sb.len, 5 + 203);
	CHECK(!memcmp(sb.buf, "\0\0\0\0\xcb\x0a\xc8\x01", 8));
	free(longname);
	strbuf_release(&sb);
}

#define ST(lit) ctr_probe_grpc_status((const unsigned char *)(lit), sizeof(lit) - 1)

TEST(grpc_response)
{
	CHECK_INT(ST("\0\0\0\0\x02\x08\x01"), 1);               /* SERVING */
	CHECK_INT(ST("\0\0\0\0\x02\x08\x02"), 2);               /* NOT_SERVING */
	CHECK_INT(ST("\0\0\0\0\x00"), 0);                       /* proto3 default: UNKNOWN */
	/* unknown fields (a string 2, a fixed64 3) are skipped */
	CHECK_INT(ST("\0\0\0\0\x0e\x12\x01x\x19\x01\x02\x03\x04\x05\x06\x07\x08\x08\x01"), 1);
	CHECK_INT(ST("\0\0\0\0\x03\x08\x81\x00"), 1);           /* a padded varint */
	CHECK_INT(ST("\0\0\0\0\x02\x08"), -1);                  /* length past the data */
	CHECK_INT(ST("\0\0\0\0\x01\x08"), -1);                  /* varint cut short */
	CHECK_INT(ST("\x01\0\0\0\x02\x08\x01"), -1);            /* compressed */
	CHECK_INT(ST("\0\0\0"), -1);
	CHECK_INT(ST("\0\0\0\0\x03\x12\x05x"), -1);             /* string past the end */
	CHECK_INT(ST("\0\0\0\0\x01\x0b"), -1);                  /* a group */
}

static int run_json(const char *json, int timeout_ms, struct strbuf *msg)
{
	struct json_object *o = json_tokener_parse(json);
	struct probe_handler h;
	int rc = probe_handler_from_json(o, &h, NULL);

	json_object_put(o);
	strbuf_reset(msg);
	if (rc == 0)
		rc = probe_run(&h, timeout_ms, msg, NULL);
	probe_handler_release(&h);
	return rc;
}

static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t l = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = -1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &l) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static bool can_connect(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

/* openssl s_server -www on 127.0.0.1:port with a fresh self-signed
 * certificate in dir; its pid, or -1. */
static pid_t https_server(const char *dir, int port)
{
	char *cmd = xasprintf("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
			      "-nodes -keyout %s/key.pem -out %s/cert.pem -subj /CN=probe -days 1 "
			      ">/dev/null 2>&1", dir, dir);
	char *accept = xasprintf("127.0.0.1:%d", port);
	char *cert = xasprintf("%s/cert.pem", dir), *key = xasprintf("%s/key.pem", dir);
	pid_t pid = -1;
	int i;

	if (system(cmd) != 0)
		goto out;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execlp("openssl", "openssl", "s_server", "-accept", accept, "-cert", cert, "-key",
		       key, "-www", "-quiet", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100 && !can_connect(port); i++)
		usleep(50 * 1000);
out:
	free(cmd);
	free(accept);
	free(cert);
	free(key);
	return pid;
}

TEST(https_through_the_helper)
{
	char dir[] = "/tmp/test-ctr-probe.XXXXXX";
	struct strbuf msg = STRBUF_INIT;
	int port = free_port();
	pid_t srv;
	char *json;

	if (!mkdtemp(dir))
		SKIP("mkdtemp failed");
	srv = https_server(dir, port);
	CHECK(srv > 0 && can_connect(port));
	json = xasprintf("{\"https\":{\"host\":\"127.0.0.1\",\"port\":%d,\"path\":\"/healthz\","
			 "\"headers\":[{\"name\":\"X-Probe\",\"value\":\"1\"}]},\"helper\":\"%s\"}",
			 port, self);
	CHECK_INT(run_json(json, 3000, &msg), 0);
	CHECK_STR(msg.buf, "HTTP probe succeeded with statuscode: 200");
	free(json);
	/* plain HTTP against the TLS port is no HTTP response */
	json = xasprintf("{\"http\":{\"host\":\"127.0.0.1\",\"port\":%d}}", port);
	CHECK_INT(run_json(json, 1000, &msg), 1);
	free(json);
	if (srv > 0) {
		kill(srv, SIGTERM);
		waitpid(srv, NULL, 0);
	}
	json = xasprintf("{\"https\":{\"host\":\"127.0.0.1\",\"port\":%d},\"helper\":\"%s\"}", port,
			 self);
	CHECK_INT(run_json(json, 2000, &msg), 1);
	CHECK(strstr(msg.buf, "Get \"https://127.0.0.1:") &&
	      strstr(msg.buf, "connect: connection refused"));
	free(json);
	io_rm_rf(dir, NULL);
	strbuf_release(&msg);
}

TEST(grpc_through_the_helper)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t l = sizeof(a);
	struct strbuf msg = STRBUF_INIT;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = 0;
	struct timespec t0, t1;
	char *json;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(fd, 4) == 0 &&
	      getsockname(fd, (struct sockaddr *)&a, &l) == 0);
	port = ntohs(a.sin_port);
	/* a listener that never speaks HTTP/2: the attempt's own timeout */
	json = xasprintf("{\"grpc\":{\"host\":\"127.0.0.1\",\"port\":%d},\"helper\":\"%s\"}", port,
			 self);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT(run_json(json, 500, &msg), 1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK_STR(msg.buf, "timeout: health rpc did not complete within 1s");
	CHECK(t1.tv_sec - t0.tv_sec < 3);
	close(fd);
	CHECK_INT(run_json(json, 1000, &msg), 1);
	CHECK(!strncmp(msg.buf, "error: failed to connect service at \"127.0.0.1:", 47) &&
	      strstr(msg.buf, "connect: connection refused"));
	free(json);
	/* a helper that is not there */
	CHECK_INT(run_json("{\"grpc\":{\"host\":\"127.0.0.1\",\"port\":9},\"helper\":\"/nonexistent\"}",
			   1000, &msg), 1);
	CHECK(strstr(msg.buf, "exec '/nonexistent'") != NULL);
	strbuf_release(&msg);
}

TEST(bad_helper_input)
{
	struct strbuf msg = STRBUF_INIT;
	struct pea_err *err = NULL;

	CHECK_INT(ctr_probe_attempt("{\"tcp\":{\"host\":\"127.0.0.1\",\"port\":1}}", 1000, &msg,
				    &err), -1);
	CHECK(err && strstr(err->msg, "https and grpc"));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(ctr_probe_attempt("not json", 1000, &msg, &err), -1);
	CHECK(err != NULL);
	pea_err_free(err);
	strbuf_release(&msg);
}

/* `probe-attempt --timeout-ms N`: what peapod's hidden command does. */
static int helper_main(int argc, char **argv)
{
	struct strbuf in = STRBUF_INIT, msg = STRBUF_INIT;
	int timeout = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 1000, rc;

	if (io_read_fd(0, &in, NULL) < 0)
		return 125;
	rc = ctr_probe_attempt(in.buf, timeout, &msg, NULL);
	printf("%s\n", msg.buf);
	return rc < 0 ? 125 : rc;
}

int main(int argc, char **argv)
{
	ssize_t n;

	if (argc > 1 && !strcmp(argv[1], "probe-attempt"))
		return helper_main(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = 0;
	RUN(grpc_request);
	RUN(grpc_response);
	RUN(https_through_the_helper);
	RUN(grpc_through_the_helper);
	RUN(bad_helper_input);
	return tap_done();
}
