/* network/pasta.c: pasta's argv, the privileged port check, the "port in
 * use" check, and start/stop against a stand-in pasta (a script first in
 * $PATH), so no namespace or privilege is needed. */
#include "tests/unit/tap.h"
#include "tests/unit/pasta-test.h"
#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "network/pasta.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/banned.h"

static char *joined(char **v)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; v && v[i]; i++)
		strbuf_addf(&sb, "%s%s", i ? " " : "", v[i]);
	return strbuf_detach(&sb, NULL);
}

static struct net_port port(uint16_t host, uint16_t ctr, uint16_t range, const char *proto,
			    const char *ip)
{
	struct net_port p = { .host_port = host, .container_port = ctr, .range = range };

	snprintf(p.proto, sizeof(p.proto), "%s", proto);
	snprintf(p.host_ip, sizeof(p.host_ip), "%s", ip);
	return p;
}

TEST(argv_without_ports)
{
	struct pasta_opts o = { "/run/x/netns/abc", "/run/x/pasta/abc.pid", NULL, 0 };
	cleanup_strv char **argv = pasta_argv("/usr/bin/pasta", &o, NULL);
	cleanup_free char *s = joined(argv);

	CHECK_STR(s, "/usr/bin/pasta --config-net --netns-only -I tap0 --dns-forward 169.254.1.1 "
		     "-t none -u none -T none -U none -q --pid /run/x/pasta/abc.pid "
		     "--netns /run/x/netns/abc");
}

TEST(argv_with_ports)
{
	struct net_port ports[] = {
		port(8080, 80, 1, "tcp", ""),
		port(0, 9000, 1, "tcp", ""),              /* not published */
		port(5353, 53, 1, "udp", "127.0.0.1"),
		port(9000, 8000, 3, "tcp", "::1"),
	};
	struct pasta_opts o = { "/n", "/p", ports, 4 };
	cleanup_strv char **argv = pasta_argv("pasta", &o, NULL);
	cleanup_free char *s = joined(argv);
	struct pea_err *err = NULL;
	struct net_port bad = port(1, 1, 1, "sct", "");

	CHECK_STR(s, "pasta --config-net --netns-only -I tap0 --dns-forward 169.254.1.1 "
		     "-t 8080:80 -t ::1/9000-9002:8000-8002 -u 127.0.0.1/5353:53 "
		     "-T none -U none -q --pid /p --netns /n");
	o.ports = &bad;
	o.n_ports = 1;
	CHECK(pasta_argv("pasta", &o, &err) == NULL);
	CHECK(pea_err_is(err, PEA_E_INVALID));
	pea_err_free(err);
}

TEST(privileged_ports_refused)
{
	struct net_port ok[] = { port(1024, 80, 1, "tcp", ""), port(0, 22, 1, "tcp", "") };
	struct net_port low[] = { port(8080, 80, 1, "tcp", ""), port(80, 80, 1, "tcp", "") };
	struct pea_err *err = NULL;

	CHECK_INT(pasta_check_ports(ok, 2, 1024, &err), 0);
	CHECK_INT(pasta_check_ports(low, 2, 0, &err), 0);
	CHECK_INT(pasta_check_ports(low, 2, 80, &err), 0);
	CHECK_INT(pasta_check_ports(low, 2, 1024, &err), -1);
	CHECK(pea_err_is(err, PEA_E_INVALID));
	CHECK_STR(err ? err->msg : NULL,
		  "rootlessport cannot expose privileged port 80, you can add "
		  "'net.ipv4.ip_unprivileged_port_start=80' to /etc/sysctl.conf (currently "
		  "1024), or choose a larger port number (>= 1024)");
	pea_err_free(err);
	CHECK(pasta_unpriv_port_start() >= 0);
}

/* A listener on 127.0.0.1 with a kernel-chosen port. */
static int listener(uint16_t *portnum)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, len) < 0 || listen(fd, 1) < 0)
		return -1;
	getsockname(fd, (struct sockaddr *)&a, &len);
	*portnum = ntohs(a.sin_port);
	return fd;
}

TEST(port_in_use_is_found)
{
	uint16_t p = 0;
	cleanup_close int fd = listener(&p);
	struct net_port on_lo = port(p, 80, 1, "tcp", "127.0.0.1");
	struct net_port on_all = port(p, 80, 1, "tcp", "");
	struct net_port udp = port(p, 80, 1, "udp", "127.0.0.1");
	struct net_port other = port(p, 80, 1, "tcp", "127.0.0.2");
	struct pea_err *err = NULL;

	CHECK(fd >= 0);
	CHECK_INT(pasta_ports_free(&on_lo, 1, &err), -1);
	CHECK(pea_err_is(err, PEA_E_IN_USE));
	CHECK(err && strstr(err->msg, "/tcp on 127.0.0.1"));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(pasta_ports_free(&on_all, 1, &err), -1);   /* 0.0.0.0 overlaps */
	pea_err_free(err);
	CHECK_INT(pasta_ports_free(&udp, 1, NULL), 0);
	CHECK_INT(pasta_ports_free(&other, 1, NULL), 0);
}

static struct pea_ctx *ctx_new(char **top)
{
	char tmpl[] = "/tmp/pea-pasta-XXXXXX";
	char *d = mkdtemp(tmpl);
	struct pea_ctx *ctx = xcalloc(1, sizeof(*ctx));

	*top = xstrdup(d);
	ctx->root = path_join(d, "root");
	ctx->runroot = path_join(d, "run");
	ctx->rootless = true;
	log_init(&ctx->log);
	return ctx;
}

static int read_pid(const char *file)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;

	return io_read_file(file, &sb, NULL) == 0 ? (int)strtol(sb.buf, NULL, 10) : 0;
}

TEST(start_and_stop_a_stand_in)
{
	cleanup_free char *top = NULL;
	struct pea_ctx *ctx = ctx_new(&top);
	cleanup_free char *oldpath = fake_pasta_install(top);
	cleanup_free char *pidf = pasta_pid_file(ctx, "owner1");
	struct pea_err *err = NULL;
	int pid;

	CHECK(oldpath != NULL);
	/* failure: pasta's message, minus the syslog noise; no pid file */
	setenv("FAKE_PASTA_FAIL", "1", 1);
	CHECK_INT(pasta_start(ctx, "owner1", "/nonexistent", NULL, 0, &err), -1);
	CHECK_STR(err ? err->msg : NULL, "pasta failed with exit code 1: Failed to bind any "
		  "port for '-t 8080:80', exiting");
	pea_err_free(err);
	err = NULL;
	CHECK(!io_exists(pidf));
	unsetenv("FAKE_PASTA_FAIL");
	/* success: a pid file naming a live "pasta"; stop ends it */
	CHECK_INT(pasta_start(ctx, "owner1", "/nonexistent", NULL, 0, &err), 0);
	pid = read_pid(pidf);
	CHECK(pid > 0 && kill(pid, 0) == 0);
	CHECK_INT(pasta_stop(ctx, "owner1", &err), 0);
	CHECK(!io_exists(pidf));
	/* gone, a zombie of its new parent, or dead on its way out ('X', when
	 * that parent reaps automatically): either way not running */
	if (pid > 0 && kill(pid, 0) == 0) {
		cleanup_free char *stat = xasprintf("/proc/%d/stat", pid);
		cleanup_strbuf struct strbuf sb = STRBUF_INIT;
		const char *rp = NULL;

		if (io_read_file(stat, &sb, NULL) == 0)
			rp = strrchr(sb.buf, ')');
		CHECK(!rp || rp[2] == 'Z' || rp[2] == 'X');
	}
	CHECK_INT(pasta_stop(ctx, "owner1", NULL), 0);      /* idempotent */
	/* a pid file naming something else: left alone, file removed */
	{
		char pidtext[32];
		pid_t child = fork();

		if (child == 0) {
			pause();
			_exit(0);
		}
		snprintf(pidtext, sizeof(pidtext), "%d\n", (int)child);
		CHECK_INT(io_write_file_atomic(pidf, pidtext, strlen(pidtext), 0600, NULL), 0);
		CHECK_INT(pasta_reset(ctx, &err), 0);
		CHECK(kill(child, 0) == 0);
		CHECK(!io_exists(pidf));
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	pea_err_free(err);
	setenv("PATH", oldpath, 1);
	io_rm_rf(top, NULL);
	ctx_release(ctx);
	free(ctx);
}

int main(void)
{
	RUN(argv_without_ports);
	RUN(argv_with_ports);
	RUN(privileged_ports_refused);
	RUN(port_in_use_is_found);
	RUN(start_and_stop_a_stand_in);
	return tap_done();
}
