/* peapod-pause: the process of every pod's infra container.
 *
 * It holds the pod's namespaces open and does nothing else (catatonit -P):
 * all signals are blocked and read from a signalfd, SIGTERM and SIGINT make
 * it exit 0, and SIGCHLD makes it reap whatever died.  When the pod shares
 * its PID namespace it is PID 1 there, so orphans of every container are
 * reparented to it; outside that case PR_SET_CHILD_SUBREAPER gives the same
 * behaviour for its own descendants.
 *
 * With `-- CMD [ARGS]` it is a minimal init instead (podman's --init, as
 * catatonit without -P): it runs CMD as its child, forwards every signal
 * but SIGCHLD to it, reaps orphans, and exits with the child's status
 * (128+N when the child was killed by signal N).
 *
 * Static, libc only: it is bind-mounted into an empty rootfs. */
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PEAPOD_VERSION
#define PEAPOD_VERSION "0.1.0"
#endif

static void say(const char *msg)
{
	size_t len = strlen(msg);

	while (len > 0) {
		ssize_t n = write(STDERR_FILENO, msg, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		msg += n;
		len -= (size_t)n;
	}
}

static void die(const char *what)
{
	say("peapod-pause: ");
	say(what);
	say(": ");
	say(strerror(errno));
	say("\n");
	_exit(1);
}

static int reap_all_for(pid_t child);

static void reap_all(void)
{
	reap_all_for(0);
}

/* Reap everything; returns the exit status of `child` if it was reaped,
 * else -1. */
static int reap_all_for(pid_t child)
{
	int status, res = -1;

	for (;;) {
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid > 0) {
			if (pid == child)
				res = WIFEXITED(status) ? WEXITSTATUS(status)
							: 128 + WTERMSIG(status);
			continue;
		}
		if (pid < 0 && errno == EINTR)
			continue;
		return res;
	}
}

static pid_t spawn(char **argv, const sigset_t *all)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		sigprocmask(SIG_UNBLOCK, all, NULL);
		execvp(argv[0], argv);
		say("peapod-pause: exec '");
		say(argv[0]);
		say("': ");
		say(strerror(errno));
		say("\n");
		_exit(errno == ENOENT ? 127 : 126);
	}
	return pid;
}

/* Init mode: live as long as the child, passing signals on. */
static int run_init(int sfd, pid_t child)
{
	struct signalfd_siginfo si;

	for (;;) {
		ssize_t n = read(sfd, &si, sizeof(si));
		int res;

		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n != (ssize_t)sizeof(si))
			die("read signalfd");
		if (si.ssi_signo != SIGCHLD) {
			kill(child, (int)si.ssi_signo);
			continue;
		}
		res = reap_all_for(child);
		if (res >= 0)
			return res;
	}
}

int main(int argc, char **argv)
{
	struct signalfd_siginfo si;
	sigset_t all;
	int sfd;
	bool init = false;

	if (argc > 1 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-v"))) {
		say("peapod-pause version " PEAPOD_VERSION "\n");
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "--"))
		init = true;
	else if (argc > 1 && strcmp(argv[1], "-P")) {
		say("usage: peapod-pause [-P | -- CMD [ARGS...] | --version]\n");
		return 2;
	}

	sigfillset(&all);
	if (sigprocmask(SIG_BLOCK, &all, NULL) < 0)
		die("block signals");
	sfd = signalfd(-1, &all, SFD_CLOEXEC);
	if (sfd < 0)
		die("signalfd");
	/* Not fatal: in a PID namespace of our own we are PID 1 anyway. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	if (init)
		return run_init(sfd, spawn(argv + 2, &all));
	if (chdir("/") < 0)
		die("chdir '/'");

	/* Setup ends here.  From now on the pause process must not exit except on
	 * SIGTERM/SIGINT: the pod's namespaces live as long as it does. */
	reap_all(); /* orphans that died before the signalfd existed */
	for (;;) {
		ssize_t n = read(sfd, &si, sizeof(si));

		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n != (ssize_t)sizeof(si)) {
			sleep(1); /* cannot happen; never give up the namespaces */
			continue;
		}
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			return 0;
		case SIGCHLD:
			reap_all();
			break;
		default:
			break; /* SIGHUP, SIGUSR1, ...: ignored, as catatonit -P */
		}
	}
}
