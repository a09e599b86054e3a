/* pasta(1) for rootless pods (see pasta.h).
 *
 * Flags, chosen by experiment with passt 2023 (Debian's 0.0~git20230309):
 *   --config-net          pasta sets the address, routes and "tap0" up itself
 *   --netns-only --netns  join the pod's netns only: we already are in the
 *                         user namespace that owns it
 *   -I tap0               the pod's first bridge interface is eth0
 *   -t/-u SPEC            one per published port; "none" when there is none
 *                         (the default, "auto", would follow whatever the pod
 *                         binds)
 *   -T none -U none       the pod's 127.0.0.1 stays its own (the default
 *                         forwards its connections to ports bound on the
 *                         host's loopback)
 *   --dns-forward ADDR    see PASTA_DNS_FORWARD
 *   --pid FILE -q         pid for teardown; pasta's own errors still reach
 *                         stderr with -q
 * pasta forks into the background once the netns is configured and closes
 * its stdio, so our child's exit status and output are the setup's. */
#include "network/pasta.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/parse.h"
#include "base/strbuf.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

#define UNPRIV_SYSCTL "/proc/sys/net/ipv4/ip_unprivileged_port_start"

/* "[ADDR/]HOST[-END]:CTR[-END]" */
static char *port_spec(const struct net_port *p)
{
	struct strbuf sb = STRBUF_INIT;

	if (p->host_ip[0])
		strbuf_addf(&sb, "%s/", p->host_ip);
	strbuf_addf(&sb, "%u", (unsigned)p->host_port);
	if (p->range > 1)
		strbuf_addf(&sb, "-%u", (unsigned)p->host_port + p->range - 1);
	strbuf_addf(&sb, ":%u", (unsigned)p->container_port);
	if (p->range > 1)
		strbuf_addf(&sb, "-%u", (unsigned)p->container_port + p->range - 1);
	return strbuf_detach(&sb, NULL);
}

static void push_ports(char ***argv, const struct pasta_opts *o, const char *proto,
		      const char *flag)
{
	bool any = false;

	for (size_t i = 0; i < o->n_ports; i++) {
		const struct net_port *p = &o->ports[i];
		cleanup_free char *spec = NULL;

		if (!p->host_port || strcmp(p->proto, proto))
			continue;
		spec = port_spec(p);
		strv_push(argv, flag);
		strv_push(argv, spec);
		any = true;
	}
	if (!any) {
		strv_push(argv, flag);
		strv_push(argv, "none");
	}
}

char **pasta_argv(const char *bin, const struct pasta_opts *o, struct pea_err **err)
{
	static const char *const head[] = {
		"--config-net", "--netns-only", "-I", PASTA_IFNAME,
		"--dns-forward", PASTA_DNS_FORWARD, NULL,
	};
	static const char *const tail[] = { "-T", "none", "-U", "none", "-q", "--pid", NULL };
	cleanup_strv char **argv = xcalloc(1, sizeof(char *));

	for (size_t i = 0; i < o->n_ports; i++)
		if (o->ports[i].host_port && strcmp(o->ports[i].proto, "tcp") &&
		    strcmp(o->ports[i].proto, "udp")) {
			pea_err_setk(err, PEA_E_INVALID, 0, "pasta cannot forward protocol '%s'",
				     o->ports[i].proto);
			return NULL;
		}
	strv_push(&argv, bin);
	for (size_t i = 0; head[i]; i++)
		strv_push(&argv, head[i]);
	push_ports(&argv, o, "tcp", "-t");
	push_ports(&argv, o, "udp", "-u");
	for (size_t i = 0; tail[i]; i++)
		strv_push(&argv, tail[i]);
	strv_push(&argv, o->pid_file);
	strv_push(&argv, "--netns");
	strv_push(&argv, o->netns_path);
	return steal_ptr(argv);
}

int pasta_check_ports(const struct net_port *ports, size_t n, long unpriv_start,
		      struct pea_err **err)
{
	for (size_t i = 0; i < n; i++) {
		long port = ports[i].host_port;

		if (!port || port >= unpriv_start)
			continue;
		return pea_err_setk(err, PEA_E_INVALID, 0, "rootlessport cannot expose privileged "
				    "port %ld, you can add 'net.ipv4.ip_unprivileged_port_start=%ld' "
				    "to /etc/sysctl.conf (currently %ld), or choose a larger port "
				    "number (>= %ld)", port, port, unpriv_start, unpriv_start);
	}
	return 0;
}

long pasta_unpriv_port_start(void)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	int64_t start;

	if (io_read_file(UNPRIV_SYSCTL, &sb, NULL) < 0)
		return 1024;
	strbuf_rtrim(&sb);
	if (parse_i64(sb.buf, 0, 65536, &start, NULL, NULL) < 0)
		return 1024;
	return (long)start;
}

char *pasta_pid_file(struct pea_ctx *ctx, const char *owner)
{
	return xasprintf("%s/pasta/%s.pid", ctx->runroot, owner);
}

/* The pasta binary: $PATH, then the usual places (a user's PATH may be thin). */
static char *find_pasta(struct pea_err **err)
{
	const char *env = getenv("PATH");
	cleanup_free char *path = xasprintf("%s:/usr/local/bin:/usr/bin:/bin", env ? env : "");

	for (char *dir = path, *next; dir; dir = next) {
		cleanup_free char *cand = NULL;

		next = strchr(dir, ':');
		if (next)
			*next++ = '\0';
		if (!*dir)
			continue;
		cand = path_join(dir, "pasta");
		if (access(cand, X_OK) == 0)
			return steal_ptr(cand);
	}
	pea_err_setk(err, PEA_E_NOT_FOUND, 0, "could not find pasta, the network namespace "
		     "can't be configured (install passt)");
	return NULL;
}

/* Child side: stdin /dev/null, stdout+stderr into the pipe, default signal
 * handling, nothing else inherited; only async-signal-safe calls. */
static void child_exec(char *const argv[], int out_fd, int err_fd)
{
	static const int sigs[] = { SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD };
	sigset_t none;
	int e, nul = open("/dev/null", O_RDONLY);

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	if (nul < 0 || dup2(nul, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		goto fail;
	syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
	execv(argv[0], argv);
fail:
	e = errno;
	if (xwrite_all(err_fd, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(127);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Collect the child's output until it exits (pasta's background half may
 * keep the pipe open in theory: stop reading once the child is gone and
 * the pipe is dry).  Returns the wait status, -1 on timeout (child killed). */
static int collect(pid_t pid, int fd, struct strbuf *out)
{
	struct timespec t0;
	int status = 0;
	bool exited = false;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		char buf[1024];
		ssize_t n;

		if (!exited && waitpid(pid, &status, WNOHANG) == pid)
			exited = true;
		if (!exited && ms_since(&t0) > 20000) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		if (poll(&p, 1, exited ? 0 : 50) <= 0) {
			if (exited)
				return status;
			continue;
		}
		n = xread(fd, buf, sizeof(buf));
		if (n <= 0) {
			if (!exited)
				waitpid(pid, &status, 0);
			return status;
		}
		if (out->len < 8192)
			strbuf_add(out, buf, (size_t)n);
	}
}

/* pasta's lines minus the noise it makes without a syslog daemon. */
static char *clean_output(const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	cleanup_free char *copy = xstrdup(text);
	unsigned n;
	char *line = copy, *next, c;

	for (; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!*line || sscanf(line, "Failed to send %u bytes to syslo%c", &n, &c) == 2)
			continue;
		strbuf_addf(&sb, "%s%s", sb.len ? "; " : "", line);
	}
	return strbuf_detach(&sb, NULL);
}

static int run_pasta(char *const argv[], struct pea_err **err)
{
	cleanup_strbuf struct strbuf out = STRBUF_INIT;
	cleanup_free char *msg = NULL;
	int outp[2], errp[2], status, child_errno = 0;
	pid_t pid;

	if (pipe2(outp, O_CLOEXEC) < 0)
		return pea_err_set(err, errno, "pipe");
	if (pipe2(errp, O_CLOEXEC) < 0) {
		close(outp[0]);
		close(outp[1]);
		return pea_err_set(err, errno, "pipe");
	}
	pid = fork();
	if (pid == 0)
		child_exec(argv, outp[1], errp[1]);
	close(outp[1]);
	close(errp[1]);
	if (pid < 0) {
		close(outp[0]);
		close(errp[0]);
		return pea_err_set(err, errno, "fork");
	}
	status = collect(pid, outp[0], &out);
	close(outp[0]);
	if (xread_full(errp[0], &child_errno, sizeof(child_errno)) != sizeof(child_errno))
		child_errno = 0;
	close(errp[0]);
	if (child_errno)
		return pea_err_set(err, child_errno, "run '%s'", argv[0]);
	if (status < 0)
		return pea_err_set(err, 0, "pasta did not finish setting up within 20 s");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	msg = clean_output(out.buf);
	if (WIFEXITED(status))
		return pea_err_set(err, 0, "pasta failed with exit code %d%s%s",
				   WEXITSTATUS(status), *msg ? ": " : "", msg);
	return pea_err_set(err, 0, "pasta was killed by signal %d", WTERMSIG(status));
}

/* Can we bind port on addr (an IP literal, "" = every address)?  pasta
 * forwards a port as soon as one of IPv4 and IPv6 binds, so a port that the
 * host already listens on in one family would be half published: try both
 * first.  Errors other than "in use" (no IPv6 on the host, ...) are pasta's
 * business. */
static int try_bind(int family, const char *addr, int type, unsigned port,
		    struct pea_err **err)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	cleanup_close int fd = -1;
	int one = 1;

	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET) {
		a4->sin_port = htons((uint16_t)port);
		if (*addr && inet_pton(AF_INET, addr, &a4->sin_addr) != 1)
			return 0;
	} else {
		a6->sin6_port = htons((uint16_t)port);
		if (*addr && inet_pton(AF_INET6, addr, &a6->sin6_addr) != 1)
			return 0;
	}
	fd = socket(family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	/* TCP: as a listener does (TIME_WAIT leftovers are no conflict) */
	if (type == SOCK_STREAM)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, family == AF_INET ? sizeof(*a4) : sizeof(*a6)) == 0 ||
	    errno != EADDRINUSE)
		return 0;
	return pea_err_setk(err, PEA_E_IN_USE, errno, "cannot publish port %u/%s on %s", port,
			    type == SOCK_STREAM ? "tcp" : "udp",
			    *addr ? addr : family == AF_INET ? "0.0.0.0" : "[::]");
}

int pasta_ports_free(const struct net_port *ports, size_t n, struct pea_err **err)
{
	for (size_t i = 0; i < n; i++) {
		const struct net_port *p = &ports[i];
		int type = strcmp(p->proto, "udp") ? SOCK_STREAM : SOCK_DGRAM;

		for (unsigned port = p->host_port; p->host_port && port < p->host_port + p->range;
		     port++)
			if (try_bind(AF_INET, p->host_ip, type, port, err) < 0 ||
			    try_bind(AF_INET6, p->host_ip, type, port, err) < 0)
				return -1;
	}
	return 0;
}

int pasta_start(struct pea_ctx *ctx, const char *owner, const char *netns_path,
		const struct net_port *ports, size_t n_ports, struct pea_err **err)
{
	cleanup_free char *bin = find_pasta(err);
	cleanup_free char *pid_file = pasta_pid_file(ctx, owner);
	cleanup_free char *dir = path_join(ctx->runroot, "pasta");
	struct pasta_opts o = { netns_path, pid_file, ports, n_ports };
	cleanup_strv char **argv = NULL;

	if (!bin || io_mkdir_p(dir, 0700, err) < 0 || !(argv = pasta_argv(bin, &o, err)) ||
	    pasta_ports_free(ports, n_ports, err) < 0)
		return -1;
	unlink(pid_file);
	if (run_pasta(argv, err) == 0) {
		if (io_exists(pid_file))
			return 0;
		pea_err_set(err, 0, "pasta wrote no pid file '%s'", pid_file);
	}
	/* a half-started pasta quits with its netns; make sure of it */
	pasta_stop(ctx, owner, NULL);
	return -1;
}

/* Does pid still run a pasta with our pid file?  Its argv is in cmdline. */
static bool is_our_pasta(pid_t pid, const char *pid_file)
{
	cleanup_free char *path = xasprintf("/proc/%d/cmdline", (int)pid);
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	const char *arg, *end, *base, *prev = "";

	if (io_read_file(path, &sb, NULL) < 0 || !sb.len)
		return false;
	base = strrchr(sb.buf, '/');
	base = base ? base + 1 : sb.buf;
	if (strncmp(base, "pasta", 5))
		return false;
	end = sb.buf + sb.len;
	for (arg = sb.buf; arg < end; arg += strlen(arg) + 1) {
		if ((!strcmp(prev, "--pid") || !strcmp(prev, "-P")) && !strcmp(arg, pid_file))
			return true;
		prev = arg;
	}
	return false;
}

static bool wait_gone(int pidfd, int ms)
{
	struct pollfd p = { pidfd, POLLIN, 0 };

	return poll(&p, 1, ms) > 0;
}

int pasta_stop(struct pea_ctx *ctx, const char *owner, struct pea_err **err)
{
	cleanup_free char *pid_file = pasta_pid_file(ctx, owner);
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	cleanup_close int pidfd = -1;
	int64_t pid;

	if (io_read_file(pid_file, &sb, NULL) < 0)
		return 0;
	strbuf_rtrim(&sb);
	if (parse_i64(sb.buf, 2, 4194304, &pid, NULL, NULL) < 0)
		goto done;
	/* the pidfd pins the process: the check and the signals hit one pid */
	pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
	if (pidfd < 0 || !is_our_pasta((pid_t)pid, pid_file))
		goto done;
	if (syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0) < 0 && errno != ESRCH)
		return pea_err_set(err, errno, "stop pasta (pid %d)", (int)pid);
	if (!wait_gone(pidfd, 2000)) {
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		if (!wait_gone(pidfd, 2000))
			return pea_err_set(err, 0, "pasta (pid %d) does not exit", (int)pid);
	}
done:
	if (unlink(pid_file) < 0 && errno != ENOENT)
		return pea_err_set(err, errno, "remove '%s'", pid_file);
	return 0;
}

int pasta_reset(struct pea_ctx *ctx, struct pea_err **err)
{
	cleanup_free char *dir = path_join(ctx->runroot, "pasta");
	cleanup_dir DIR *d = opendir(dir);
	struct pea_err *first = NULL;
	struct dirent *de;

	if (!d)
		return errno == ENOENT ? 0 : pea_err_set(err, errno, "open '%s'", dir);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		cleanup_free char *owner = NULL;
		struct pea_err *e = NULL;

		if (len <= 4 || strcmp(de->d_name + len - 4, ".pid"))
			continue;
		owner = xstrndup(de->d_name, len - 4);
		if (pasta_stop(ctx, owner, &e) < 0) {
			if (first)
				pea_err_free(e);
			else
				first = e;
		}
	}
	if (first)
		return pea_err_pass(err, first);
	if (rmdir(dir) < 0 && errno != ENOENT && errno != ENOTEMPTY)
		return pea_err_set(err, errno, "remove '%s'", dir);
	return 0;
}
