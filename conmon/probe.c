/* Kubernetes probes in the monitor (conmon.h).
 *
 * Each probe has a timerfd.  While idle the timer says when the next
 * attempt is due; while an attempt runs it is the attempt's deadline.  An
 * attempt is a child (base/probe.c) whose output comes over a pipe watched
 * by the loop; its end arrives through SIGCHLD (main.c's reap calls
 * conmon_probes_reaped).  Results follow the kubelet's prober worker:
 * successThreshold consecutive successes make a probe pass, failureThreshold
 * consecutive failures make it fail; the startup probe holds the other two
 * off until it passes; a failed liveness or startup probe kills the
 * container (preStop, stop signal, grace period, SIGKILL) and the normal
 * exit path (exit command, restart policy) takes over.  After every result
 * the state file is rewritten for peapod's ps, inspect and pod commands. */
#include "conmon/conmon.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/json.h"
#include "base/probe.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

enum { P_STARTUP, P_LIVENESS, P_READINESS, P_NR };
static const char *const probe_key[P_NR] = { "startupProbe", "livenessProbe", "readinessProbe" };
static const char *const probe_name[P_NR] = { "startup", "liveness", "readiness" };

#define MSG_MAX 256

struct conmon_probes;

struct cprobe {
	struct conmon_probes *ps;
	bool defined, active;
	struct probe_handler h;
	struct probe_timing t;
	int tfd;
	pid_t child;             /* running attempt, or 0 */
	int out;                 /* its output pipe, or -1 */
	char buf[MSG_MAX];
	size_t blen;
	int64_t run_start;       /* monotonic ms of the attempt */
	int successes, failures; /* consecutive */
	int result;              /* -1 unknown, 0 failed, 1 passed (thresholds reached) */
	char last[MSG_MAX];
	bool last_ok, ran;
	int64_t last_time;       /* unix ns */
};

enum kill_phase { K_NONE, K_PRESTOP, K_TERM, K_KILLED };

struct conmon_probes {
	struct conmon_loop *loop;
	struct cprobe p[P_NR];
	char *state_path;
	pid_t ctr;
	int64_t ctr_start;       /* monotonic ms */
	bool started;            /* the startup probe passed (or there is none) */
	int stop_signal, grace;
	bool has_prestop;
	struct probe_handler prestop;
	pid_t prestop_pid;
	enum kill_phase kill;
	int kill_tfd;
	int64_t kill_start;
	char reason[MSG_MAX + 64];
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Arm fd to fire in ms (at least 1 ms: 0 would disarm); ms < 0 disarms. */
static void arm(int fd, int64_t ms)
{
	struct itimerspec its = { 0 };

	if (ms >= 0) {
		if (ms < 1)
			ms = 1;
		its.it_value.tv_sec = ms / 1000;
		its.it_value.tv_nsec = (long)(ms % 1000) * 1000000L;
	}
	timerfd_settime(fd, 0, &its, NULL);
}

static void drain_timer(int fd)
{
	uint64_t ticks;

	if (read(fd, &ticks, sizeof(ticks)) < 0)
		return;
}

/* ---- state file -------------------------------------------------------- */

static bool ready(const struct conmon_probes *ps)
{
	if (!ps->started || ps->kill != K_NONE)
		return false;
	return !ps->p[P_READINESS].defined || ps->p[P_READINESS].result == 1;
}

static struct json_object *probe_json(const struct cprobe *p)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "result", json_object_new_string(
		p->result == 1 ? "success" : p->result == 0 ? "failure" : "unknown"));
	json_object_object_add(o, "consecutiveFailures", json_object_new_int(p->failures));
	json_object_object_add(o, "consecutiveSuccesses", json_object_new_int(p->successes));
	if (p->ran) {
		json_object_object_add(o, "lastOk", json_object_new_boolean(p->last_ok));
		json_object_object_add(o, "lastOutput", json_object_new_string(p->last));
		json_object_object_add(o, "lastTime", json_object_new_int64(p->last_time));
	}
	return o;
}

static void write_state(struct conmon_probes *ps)
{
	struct json_object *o = json_object_new_object(), *probes = json_object_new_object();
	const char *s;
	int i;

	json_object_object_add(o, "started", json_object_new_boolean(ps->started));
	json_object_object_add(o, "ready", json_object_new_boolean(ready(ps)));
	if (ps->reason[0])
		json_object_object_add(o, "killReason", json_object_new_string(ps->reason));
	for (i = 0; i < P_NR; i++)
		if (ps->p[i].defined)
			json_object_object_add(probes, probe_name[i], probe_json(&ps->p[i]));
	json_object_object_add(o, "probes", probes);
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	io_write_file_atomic(ps->state_path, s, strlen(s), 0600, NULL); /* best effort */
	json_object_put(o);
}

/* ---- killing the container -------------------------------------------- */

static void stop_probe(struct cprobe *p)
{
	p->active = false;
	arm(p->tfd, -1);
	if (p->child > 0)
		probe_kill(p->child);
}

static void send_stop_signal(struct conmon_probes *ps)
{
	int64_t left = (int64_t)ps->grace * 1000 - (mono_ms() - ps->kill_start);

	ps->kill = K_TERM;
	kill(ps->ctr, ps->stop_signal);
	/* kubelet gives 2 s more when preStop used the whole grace period */
	arm(ps->kill_tfd, left > 0 ? left : 2000);
}

static void kill_container(struct conmon_probes *ps, int which, const char *msg)
{
	int i;

	if (ps->kill != K_NONE)
		return;
	snprintf(ps->reason, sizeof(ps->reason), "%s probe failed: %s", probe_name[which], msg);
	for (i = 0; i < P_NR; i++)
		stop_probe(&ps->p[i]);
	ps->kill_start = mono_ms();
	ps->kill = K_PRESTOP;
	if (ps->has_prestop) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		ps->prestop_pid = null >= 0 ? probe_spawn(&ps->prestop, null, ps->grace * 1000, NULL)
					    : -1;
		if (null >= 0)
			close(null);
		if (ps->prestop_pid > 0) {
			arm(ps->kill_tfd, (int64_t)ps->grace * 1000);
			return;
		}
	}
	send_stop_signal(ps);
}

static void on_kill_timer(struct conmon_loop *loop, int fd, uint32_t mask, void *data)
{
	struct conmon_probes *ps = data;

	drain_timer(fd);
	if (ps->kill == K_PRESTOP) {
		probe_kill(ps->prestop_pid);
		send_stop_signal(ps);
	} else if (ps->kill == K_TERM) {
		ps->kill = K_KILLED;
		kill(ps->ctr, SIGKILL);
	}
}

/* ---- scheduling -------------------------------------------------------- */

static void activate(struct conmon_probes *ps, struct cprobe *p)
{
	int64_t due = ps->ctr_start + (int64_t)p->t.initial_delay * 1000 - mono_ms();

	if (!p->defined)
		return;
	p->active = true;
	/* not before `<runtime> start` has had a moment (conmon starts probing
	 * when create returns) */
	arm(p->tfd, due > 500 ? due : 500);
}

static void result(struct conmon_probes *ps, int which, bool ok, const char *msg)
{
	struct cprobe *p = &ps->p[which];

	p->ran = true;
	p->last_ok = ok;
	p->last_time = real_ns();
	snprintf(p->last, sizeof(p->last), "%s", msg);
	if (ok) {
		p->failures = 0;
		if (++p->successes >= p->t.success_threshold)
			p->result = 1;
	} else {
		p->successes = 0;
		if (++p->failures >= p->t.failure_threshold)
			p->result = 0;
	}
	if (which == P_STARTUP && p->result == 1) {
		stop_probe(p);
		ps->started = true;
		activate(ps, &ps->p[P_LIVENESS]);
		activate(ps, &ps->p[P_READINESS]);
	} else if (which != P_READINESS && p->result == 0) {
		kill_container(ps, which, msg);
	}
	write_state(ps);
}

/* Take what the attempt wrote; returns false at EOF. */
static bool read_out(struct cprobe *p)
{
	char tmp[512];
	ssize_t n;

	while ((n = read(p->out, tmp, sizeof(tmp))) > 0) {
		size_t room = sizeof(p->buf) - 1 - p->blen;
		size_t k = (size_t)n < room ? (size_t)n : room;

		memcpy(p->buf + p->blen, tmp, k);
		p->blen += k;
	}
	return !(n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR));
}

static void on_probe_output(struct conmon_loop *loop, int fd, uint32_t mask, void *data)
{
	struct cprobe *p = data;

	if (!read_out(p)) {
		conmon_loop_del(loop, p->out);
		close(p->out);
		p->out = -1;
	}
}

static int which_of(struct conmon_probes *ps, const struct cprobe *p)
{
	return (int)(p - ps->p);
}

static void run_attempt(struct conmon_probes *ps, struct cprobe *p)
{
	int fds[2];

	p->blen = 0;
	p->run_start = mono_ms();
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
		result(ps, which_of(ps, p), false, "cannot run the probe: pipe failed");
		arm(p->tfd, (int64_t)p->t.period * 1000);
		return;
	}
	p->child = probe_spawn(&p->h, fds[1], p->t.timeout * 1000, NULL);
	close(fds[1]);
	p->out = fds[0];
	if (p->child <= 0 || conmon_loop_add(ps->loop, p->out, on_probe_output, p, NULL) < 0) {
		if (p->child > 0)
			probe_kill(p->child);
		p->child = 0;
		close(p->out);
		p->out = -1;
		result(ps, which_of(ps, p), false, "cannot run the probe");
		arm(p->tfd, (int64_t)p->t.period * 1000);
		return;
	}
	arm(p->tfd, (int64_t)p->t.timeout * 1000 + 200); /* the child's own bound first */
}

static void next_in_period(struct cprobe *p)
{
	int64_t due = p->run_start + (int64_t)p->t.period * 1000 - mono_ms();

	if (p->active)
		arm(p->tfd, due > 0 ? due : 0);
}

static void finish_attempt(struct conmon_probes *ps, struct cprobe *p, bool ok,
			   const char *timeout_msg)
{
	if (p->out >= 0) {
		read_out(p);
		conmon_loop_del(ps->loop, p->out);
		close(p->out);
		p->out = -1;
	}
	p->buf[p->blen] = 0;
	while (p->blen && (p->buf[p->blen - 1] == '\n' || p->buf[p->blen - 1] == ' '))
		p->buf[--p->blen] = 0;
	p->child = 0;
	next_in_period(p);
	result(ps, which_of(ps, p), ok, timeout_msg ? timeout_msg : p->buf);
}

static void on_probe_timer(struct conmon_loop *loop, int fd, uint32_t mask, void *data)
{
	struct cprobe *p = data;
	struct conmon_probes *ps = p->ps;
	char msg[64];

	drain_timer(fd);
	if (!p->active)
		return;
	if (p->child <= 0) {
		run_attempt(ps, p);
		return;
	}
	/* the attempt overran its timeoutSeconds: it failed */
	probe_kill(p->child);
	snprintf(msg, sizeof(msg), "probe timed out after %ds", p->t.timeout);
	finish_attempt(ps, p, false, msg);
}

bool conmon_probes_reaped(struct conmon_probes *ps, pid_t pid, int status)
{
	int i;

	if (!ps || pid <= 0)
		return false;
	if (pid == ps->prestop_pid) {
		ps->prestop_pid = 0;
		if (ps->kill == K_PRESTOP)
			send_stop_signal(ps);
		return true;
	}
	for (i = 0; i < P_NR; i++) {
		struct cprobe *p = &ps->p[i];

		if (p->child == pid) {
			finish_attempt(ps, p, WIFEXITED(status) && WEXITSTATUS(status) == 0, NULL);
			return true;
		}
	}
	return false;
}

/* ---- setup ------------------------------------------------------------- */

static int load_probe(struct conmon_probes *ps, int i, struct json_object *def,
		      struct pea_err **err)
{
	struct cprobe *p = &ps->p[i];

	if (probe_handler_from_json(def, &p->h, err) < 0)
		return pea_err_wrap(err, "%s", probe_key[i]);
	probe_timing_from_json(def, &p->t);
	p->defined = true;
	p->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (p->tfd < 0)
		return pea_err_set(err, errno, "timerfd");
	return conmon_loop_add(ps->loop, p->tfd, on_probe_timer, p, err);
}

static int load(struct conmon_probes *ps, const char *file, struct pea_err **err)
{
	cleanup_json struct json_object *o = json_object_from_file(file);
	struct json_object *v;
	int i;

	if (!o || !json_object_is_type(o, json_type_object))
		return pea_err_set(err, 0, "read probe file '%s'", file);
	ps->stop_signal = (int)json_get_i64(o, "stopSignal", SIGTERM);
	if (ps->stop_signal <= 0 || ps->stop_signal >= NSIG)
		ps->stop_signal = SIGTERM;
	ps->grace = (int)json_get_i64(o, "grace", 30);
	if (ps->grace < 0)
		ps->grace = 0;
	for (i = 0; i < P_NR; i++)
		if ((v = json_get_obj(o, probe_key[i])) && load_probe(ps, i, v, err) < 0)
			return -1;
	if ((v = json_get_obj(o, "preStop"))) {
		if (probe_handler_from_json(v, &ps->prestop, err) < 0)
			return pea_err_wrap(err, "preStop");
		ps->has_prestop = true;
	}
	ps->kill_tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (ps->kill_tfd < 0)
		return pea_err_set(err, errno, "timerfd");
	return conmon_loop_add(ps->loop, ps->kill_tfd, on_kill_timer, ps, err);
}

struct conmon_probes *conmon_probes_new(struct conmon_loop *loop, const char *file,
					const char *state_path, struct pea_err **err)
{
	struct conmon_probes *ps = xcalloc(1, sizeof(*ps));
	int i;

	ps->loop = loop;
	ps->kill_tfd = -1;
	ps->state_path = xstrdup(state_path);
	for (i = 0; i < P_NR; i++) {
		ps->p[i].ps = ps;
		ps->p[i].tfd = -1;
		ps->p[i].out = -1;
		ps->p[i].result = i == P_LIVENESS ? 1 : -1; /* kubelet's initial values */
	}
	if (load(ps, file, err) < 0) {
		conmon_probes_free(ps);
		return NULL;
	}
	return ps;
}

void conmon_probes_start(struct conmon_probes *ps, pid_t ctr)
{
	ps->ctr = ctr;
	ps->ctr_start = mono_ms();
	ps->started = !ps->p[P_STARTUP].defined;
	if (ps->started) {
		activate(ps, &ps->p[P_LIVENESS]);
		activate(ps, &ps->p[P_READINESS]);
	} else {
		activate(ps, &ps->p[P_STARTUP]);
	}
	write_state(ps);
}

void conmon_probes_container_exited(struct conmon_probes *ps)
{
	int i;

	if (!ps)
		return;
	for (i = 0; i < P_NR; i++)
		stop_probe(&ps->p[i]);
	if (ps->prestop_pid > 0)
		probe_kill(ps->prestop_pid);
	arm(ps->kill_tfd, -1);
	ps->kill = ps->kill == K_NONE ? K_KILLED : ps->kill;
	write_state(ps);
}

void conmon_probes_free(struct conmon_probes *ps)
{
	int i;

	if (!ps)
		return;
	for (i = 0; i < P_NR; i++) {
		struct cprobe *p = &ps->p[i];

		if (p->child > 0)
			probe_kill(p->child);
		if (p->out >= 0) {
			conmon_loop_del(ps->loop, p->out);
			close(p->out);
		}
		if (p->tfd >= 0) {
			conmon_loop_del(ps->loop, p->tfd);
			close(p->tfd);
		}
		probe_handler_release(&p->h);
	}
	if (ps->kill_tfd >= 0) {
		conmon_loop_del(ps->loop, ps->kill_tfd);
		close(ps->kill_tfd);
	}
	probe_handler_release(&ps->prestop);
	free(ps->state_path);
	free(ps);
}
