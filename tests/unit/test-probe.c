/* base/probe.c: HTTP status parsing, handler parsing and real attempts
 * against listeners on 127.0.0.1 of this process (no namespace change). */
#include "tests/unit/tap.h"
#include "base/probe.h"
#include "base/strbuf.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/banned.h"

TEST(http_status_line)
{
	CHECK_INT(probe_http_status("HTTP/1.1 200 OK\r\n", 17), 200);
	CHECK_INT(probe_http_status("HTTP/1.0 302 Found\r\n", 20), 302);
	CHECK_INT(probe_http_status("HTTP/1.1 500\r\n", 14), 500);
	CHECK_INT(probe_http_status("HTTP/1.1 200 OK", 15), -1);      /* no line end yet */
	CHECK_INT(probe_http_status("HTTP/2.0 200 OK\r\n", 17), -1);
	CHECK_INT(probe_http_status("HTTP/1.1 2x0 OK\r\n", 17), -1);
	CHECK_INT(probe_http_status("HTTP/1.1 2000 OK\r\n", 18), -1);
	CHECK_INT(probe_http_status("SSH-2.0-OpenSSH\r\n", 17), -1);
	CHECK_INT(probe_http_status("HTTP/1.1 099 X\r\n", 16), -1);
	CHECK(probe_http_ok(200) && probe_http_ok(399));
	CHECK(!probe_http_ok(400) && !probe_http_ok(199));
}

static int parse(const char *json, struct probe_handler *h)
{
	struct json_object *o = json_tokener_parse(json);
	struct pea_err *err = NULL;
	int rc = probe_handler_from_json(o, h, &err);

	pea_err_free(err);
	json_object_put(o);
	return rc;
}

TEST(handler_parsing)
{
	struct probe_handler h;
	struct probe_timing t;
	struct json_object *o;

	CHECK_INT(parse("{\"http\":{\"host\":\"10.1.2.3\",\"port\":8080,\"path\":\"healthz\","
			"\"headers\":[{\"name\":\"X-A\",\"value\":\"b\"}]},\"netns\":\"/n\"}", &h), 0);
	CHECK_INT(h.kind, PROBE_HTTP);
	CHECK_STR(h.netns, "/n");
	CHECK_STR(h.url, "http://10.1.2.3:8080/healthz");
	CHECK_STR(h.request, "GET /healthz HTTP/1.1\r\nX-A: b\r\nUser-Agent: kube-probe/1.31\r\n"
		  "Accept: */*\r\nHost: 10.1.2.3:8080\r\nConnection: close\r\n\r\n");
	probe_handler_release(&h);
	/* the probe's Host header replaces the default one */
	CHECK_INT(parse("{\"http\":{\"host\":\"::1\",\"port\":80,\"headers\":[{\"name\":\"Host\","
			"\"value\":\"web\"}]}}", &h), 0);
	CHECK(strstr(h.request, "Host: web\r\n") && !strstr(h.request, "[::1]"));
	CHECK_STR(h.url, "http://[::1]:80/");
	probe_handler_release(&h);
	/* header injection and names are refused */
	CHECK_INT(parse("{\"http\":{\"host\":\"1.2.3.4\",\"port\":80,\"headers\":[{\"name\":\"A\","
			"\"value\":\"b\\r\\nEvil: 1\"}]}}", &h), -1);
	probe_handler_release(&h);
	CHECK_INT(parse("{\"tcp\":{\"host\":\"example.com\",\"port\":80}}", &h), -1);
	probe_handler_release(&h);
	CHECK_INT(parse("{\"tcp\":{\"host\":\"1.2.3.4\",\"port\":70000}}", &h), -1);
	probe_handler_release(&h);
	CHECK_INT(parse("{\"grpc\":{}}", &h), -1);
	probe_handler_release(&h);
	/* HTTPS and grpc: the helper gets the protocol object alone */
	CHECK_INT(parse("{\"https\":{\"host\":\"10.1.2.3\",\"port\":8443,\"path\":\"/h\","
			"\"headers\":[{\"name\":\"Accept\",\"value\":\"text/plain\"}]},"
			"\"netns\":\"/n\",\"helper\":\"/bin/peapod\"}", &h), 0);
	CHECK_INT(h.kind, PROBE_HTTPS);
	CHECK_STR(h.url, "https://10.1.2.3:8443/h");
	CHECK_STR(h.helper, "/bin/peapod");
	CHECK(h.request == NULL);
	CHECK_INT(strv_len(h.headers), 2);
	CHECK_STR(h.headers[0], "Accept: text/plain");
	CHECK_STR(h.headers[1], "User-Agent: kube-probe/1.31");
	CHECK_STR(h.helper_input, "{\"https\":{\"host\":\"10.1.2.3\",\"port\":8443,\"path\":"
		  "\"\\/h\",\"headers\":[{\"name\":\"Accept\",\"value\":\"text\\/plain\"}]}}");
	probe_handler_release(&h);
	CHECK_INT(parse("{\"grpc\":{\"host\":\"fd00::5\",\"port\":9000,\"service\":\"web\"},"
			"\"helper\":\"/bin/peapod\"}", &h), 0);
	CHECK_INT(h.kind, PROBE_GRPC);
	CHECK_STR(h.url, "[fd00::5]:9000");
	CHECK_STR(h.service, "web");
	CHECK(h.netns == NULL && h.headers == NULL);
	probe_handler_release(&h);
	CHECK_INT(parse("{\"grpc\":{\"host\":\"1.2.3.4\",\"port\":9000}}", &h), 0);
	CHECK_STR(h.service, "");
	CHECK(h.helper == NULL);
	probe_handler_release(&h);
	CHECK_INT(parse("{\"https\":{\"host\":\"1.2.3.4\",\"port\":1,\"headers\":[{\"name\":"
			"\"Bad Name\",\"value\":\"x\"}]}}", &h), -1);
	probe_handler_release(&h);
	CHECK_INT(parse("{\"exec\":[]}", &h), -1);
	probe_handler_release(&h);
	o = json_tokener_parse("{\"periodSeconds\":2,\"failureThreshold\":0}");
	probe_timing_from_json(o, &t);
	CHECK_INT(t.period, 2);
	CHECK_INT(t.failure_threshold, 3);
	CHECK_INT(t.timeout, 1);
	CHECK_INT(t.success_threshold, 1);
	CHECK_INT(t.initial_delay, 0);
	json_object_put(o);
}

static int listener(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t l = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &l) < 0)
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

/* Answer one request with `response`, in a child. */
static pid_t serve_once(int fd, const char *response)
{
	pid_t pid = fork();

	if (pid == 0) {
		char buf[1024];
		int c;

		/* skip connections that only connected (tcp probes) */
		while ((c = accept(fd, NULL, NULL)) >= 0) {
			if (read(c, buf, sizeof(buf)) > 0) {
				if (write(c, response, strlen(response)) < 0)
					_exit(1);
				close(c);
				break;
			}
			close(c);
		}
		_exit(0);
	}
	return pid;
}

static int run_json(const char *json, int timeout_ms, struct strbuf *msg)
{
	struct probe_handler h;
	int rc;

	if (parse(json, &h) < 0)
		return -2;
	strbuf_reset(msg);
	rc = probe_run(&h, timeout_ms, msg, NULL);
	probe_handler_release(&h);
	return rc;
}

TEST(attempts_against_loopback)
{
	struct strbuf msg = STRBUF_INIT;
	char *json;
	int port = 0, fd = listener(&port);
	pid_t srv;

	CHECK(fd >= 0);
	json = xasprintf("{\"tcp\":{\"host\":\"127.0.0.1\",\"port\":%d}}", port);
	CHECK_INT(run_json(json, 1000, &msg), 0);
	free(json);
	srv = serve_once(fd, "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n");
	json = xasprintf("{\"http\":{\"host\":\"127.0.0.1\",\"port\":%d,\"path\":\"/h\"}}", port);
	CHECK_INT(run_json(json, 2000, &msg), 1);
	CHECK_STR(msg.buf, "HTTP probe failed with statuscode: 503");
	waitpid(srv, NULL, 0);
	srv = serve_once(fd, "HTTP/1.1 204 No Content\r\n\r\n");
	CHECK_INT(run_json(json, 2000, &msg), 0);
	CHECK_STR(msg.buf, "HTTP probe succeeded with statuscode: 204");
	waitpid(srv, NULL, 0);
	/* a server that accepts and never answers: the timeout fails it */
	CHECK_INT(run_json(json, 300, &msg), 1);
	CHECK(strstr(msg.buf, "timed out") || strstr(msg.buf, "deadline exceeded"));
	free(json);
	close(fd);
	/* nothing listens now */
	json = xasprintf("{\"tcp\":{\"host\":\"127.0.0.1\",\"port\":%d}}", port);
	CHECK_INT(run_json(json, 1000, &msg), 1);
	CHECK(!strncmp(msg.buf, "dial tcp 127.0.0.1:", 19) && strstr(msg.buf, "connection refused"));
	free(json);
	strbuf_release(&msg);
}

TEST(exec_and_sleep_attempts)
{
	struct strbuf msg = STRBUF_INIT;

	CHECK_INT(run_json("{\"exec\":[\"/bin/sh\",\"-c\",\"echo fine\"]}", 2000, &msg), 0);
	CHECK_STR(msg.buf, "fine");
	CHECK_INT(run_json("{\"exec\":[\"/bin/sh\",\"-c\",\"echo bad >&2; exit 3\"]}", 2000,
			   &msg), 1);
	CHECK_STR(msg.buf, "bad");
	CHECK_INT(run_json("{\"exec\":[\"/bin/sh\",\"-c\",\"sleep 5\"]}", 300, &msg), 1);
	CHECK_STR(msg.buf, "timed out after 1s");
	CHECK_INT(run_json("{\"exec\":[\"/nonexistent/x\"]}", 2000, &msg), 1);
	CHECK(strstr(msg.buf, "exec '/nonexistent/x'") != NULL);
	CHECK_INT(run_json("{\"sleep\":0}", 2000, &msg), 0);
	CHECK_INT(run_json("{\"grpc\":{\"host\":\"127.0.0.1\",\"port\":9}}", 2000, &msg), 1);
	CHECK_STR(msg.buf, "grpc probe: no helper to run it");
	CHECK_INT(run_json("{\"error\":\"port \\\"web\\\" not found\"}", 2000, &msg), 1);
	CHECK_STR(msg.buf, "port \"web\" not found");
	strbuf_release(&msg);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	RUN(http_status_line);
	RUN(handler_parsing);
	RUN(attempts_against_loopback);
	RUN(exec_and_sleep_attempts);
	return tap_done();
}
