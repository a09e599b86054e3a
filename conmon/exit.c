/* What conmon does when the container has exited: the exit code file (read
 * by `peapod container cleanup` and inspect), a best-effort OOM note, and
 * the exit command. */
#include "conmon/conmon.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/banned.h"

int conmon_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

int conmon_exit_write(const char *dir, const char *cid, int code, bool oom, struct pea_err **err)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, cid);
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%d", code);

	if (io_write_file_atomic(path, buf, (size_t)n, 0644, err) < 0)
		return pea_err_wrap(err, "exit file");
	if (oom) {
		cleanup_free char *oom_path = xasprintf("%s/%s.oom", dir, cid);

		if (io_write_file_atomic(oom_path, "oom", 3, 0644, err) < 0)
			return pea_err_wrap(err, "oom file");
	}
	return 0;
}

/* /proc/PID/cgroup: "0::/path" (v2) or "N:memory:/path" (v1 memory). */
char *conmon_exit_oom_probe_path(pid_t pid)
{
	cleanup_free char *proc = xasprintf("/proc/%d/cgroup", (int)pid);
	struct strbuf sb = STRBUF_INIT;
	char *line, *save = NULL, *found = NULL;

	if (io_read_file(proc, &sb, NULL) < 0)
		return NULL;
	for (line = strtok_r(sb.buf, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		char *rest = strchr(line, ':');
		char *path = rest ? strchr(rest + 1, ':') : NULL;

		if (!path)
			continue;
		if (!strncmp(rest, ":memory:", 8))
			found = xasprintf("/sys/fs/cgroup/memory%s/memory.oom_control", path + 1);
		else if (!strncmp(line, "0::", 3) && access("/sys/fs/cgroup/memory.events", F_OK) == 0)
			found = xasprintf("/sys/fs/cgroup%s/memory.events", path + 1);
	}
	strbuf_release(&sb);
	return found;
}

bool conmon_exit_oom_killed(const char *probe_path)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	bool killed = false;

	if (!probe_path || io_read_file(probe_path, &sb, NULL) < 0)
		return false;
	p = strstr(sb.buf, "oom_kill ");
	if (p && p[9] != '0')
		killed = true;
	strbuf_release(&sb);
	return killed;
}

int conmon_exit_command(char *const *argv, struct pea_err **err)
{
	sigset_t none;
	int status;
	pid_t pid;

	sigemptyset(&none);
	pid = fork();
	if (pid < 0)
		return pea_err_set(err, errno, "fork exit command");
	if (pid == 0) {
		int i;

		for (i = 1; i < NSIG; i++)
			signal(i, SIG_DFL);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return pea_err_set(err, errno, "wait for exit command");
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return pea_err_set(err, 0, "exit command '%s' failed with status %d", argv[0],
				   conmon_exit_code(status));
	return 0;
}
