/* `top`: processes in the container's pid namespace, read from /proc. */
#include "podengine/ctr-top.h"
#include "podengine/container.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/banned.h"

struct proc_info {
	long pid, ns_pid, ns_ppid, ppid, uid;
	long tty;
	double cpu_s, elapsed_s;
	char *args, *comm;
};

struct top_desc {
	const char *name, *header;
};

static const struct top_desc descs[] = {
	{ "user", "USER" }, { "pid", "PID" }, { "ppid", "PPID" }, { "pcpu", "%CPU" },
	{ "etime", "ELAPSED" }, { "tty", "TTY" }, { "time", "TIME" }, { "args", "COMMAND" },
	{ "comm", "COMMAND" },
};
static const char *const default_descs[] = { "user", "pid", "ppid", "pcpu", "etime", "tty",
					     "time", "args", NULL };

static char *read_small(const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	if (io_read_file(path, &sb, NULL) < 0) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

/* Last number of a "Key:\t1\t2" line of /proc/PID/status. */
static long status_field(const char *status, const char *key, bool last)
{
	const char *p = strstr(status, key), *eol;
	long v = -1;

	if (!p)
		return -1;
	p += strlen(key);
	eol = strchrnul(p, '\n');
	while (p < eol) {
		char *end;
		long x = strtol(p, &end, 10);

		if (end == p)
			break;
		v = x;
		p = end;
		if (!last)
			break;
	}
	return v;
}

static int read_proc(long pid, double uptime, struct proc_info *pi)
{
	char path[64];
	cleanup_free char *status = NULL, *stat = NULL;
	struct strbuf sb = STRBUF_INIT;
	unsigned long long ut = 0, st = 0, start = 0;
	long hz = sysconf(_SC_CLK_TCK);
	const char *p;
	int tty = 0;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	status = read_small(path);
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	stat = read_small(path);
	if (!status || !stat || !(p = strrchr(stat, ')')))
		return -1;
	if (sscanf(p + 2, "%*c %*d %*d %*d %d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d "
		   "%*d %*d %llu", &tty, &ut, &st, &start) != 4)
		return -1;
	pi->pid = pid;
	pi->ns_pid = status_field(status, "\nNSpid:", true);
	pi->ppid = status_field(status, "\nPPid:", false);
	pi->uid = status_field(status, "\nUid:", false);
	pi->tty = tty;
	pi->cpu_s = (double)(ut + st) / (double)hz;
	pi->elapsed_s = uptime - (double)start / (double)hz;
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	pi->comm = read_small(path);
	if (pi->comm && strchr(pi->comm, '\n'))
		*strchr(pi->comm, '\n') = 0;
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	if (io_read_file(path, &sb, NULL) == 0 && sb.len) {
		size_t i;

		for (i = 0; i + 1 < sb.len; i++)
			if (!sb.buf[i])
				sb.buf[i] = ' ';
		pi->args = strbuf_detach(&sb, NULL);
	} else {
		strbuf_release(&sb);
		pi->args = xasprintf("[%s]", pi->comm ? pi->comm : "?");
	}
	return 0;
}

/* Go's time.Duration.String() for whole and fractional seconds. */
static char *go_duration(double s)
{
	long long total = (long long)s, h = total / 3600, m = (total / 60) % 60;
	double sec = s - (double)(total - total % 60);
	struct strbuf sb = STRBUF_INIT;

	if (s <= 0)
		return xstrdup("0s");
	if (h)
		strbuf_addf(&sb, "%lldh", h);
	if (h || m)
		strbuf_addf(&sb, "%lldm", m);
	strbuf_addf(&sb, "%.6f", sec);
	while (sb.buf[sb.len - 1] == '0')
		strbuf_setlen(&sb, sb.len - 1);
	if (sb.buf[sb.len - 1] == '.')
		strbuf_setlen(&sb, sb.len - 1);
	strbuf_addch(&sb, 's');
	return strbuf_detach(&sb, NULL);
}

static char *user_name(const char *passwd, long uid)
{
	char key[32];
	const char *p = passwd;

	while (p && *p) {
		const char *eol = strchrnul(p, '\n'), *c1 = memchr(p, ':', (size_t)(eol - p));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(eol - c1 - 1)) : NULL;

		snprintf(key, sizeof(key), ":%ld:", uid);
		if (c2 && !strncmp(c2, key, strlen(key)))
			return xstrndup(p, (size_t)(c1 - p));
		p = *eol ? eol + 1 : NULL;
	}
	return xasprintf("%ld", uid);
}

static char *cell(const char *desc, const struct proc_info *pi, const char *passwd)
{
	if (!strcmp(desc, "user"))
		return user_name(passwd, pi->uid);
	if (!strcmp(desc, "pid"))
		return xasprintf("%ld", pi->ns_pid);
	if (!strcmp(desc, "ppid"))
		return xasprintf("%ld", pi->ns_ppid);
	if (!strcmp(desc, "pcpu"))
		return xasprintf("%.3f", pi->elapsed_s > 0 ? 100.0 * pi->cpu_s / pi->elapsed_s : 0);
	if (!strcmp(desc, "etime"))
		return go_duration(pi->elapsed_s);
	if (!strcmp(desc, "time"))
		return go_duration(pi->cpu_s);
	if (!strcmp(desc, "tty")) {
		unsigned maj = major((dev_t)pi->tty), min = minor((dev_t)pi->tty);

		if (!pi->tty)
			return xstrdup("?");
		if (maj >= 136 && maj <= 143)
			return xasprintf("pts/%u", (maj - 136) * 256 + min);
		return xasprintf("%u:%u", maj, min);
	}
	if (!strcmp(desc, "comm"))
		return xstrdup(pi->comm ? pi->comm : "");
	return xstrdup(pi->args);
}

static int check_descs(char *const *d, struct pea_err **err)
{
	size_t i, k;

	for (i = 0; d[i]; i++) {
		for (k = 0; k < sizeof(descs) / sizeof(descs[0]); k++)
			if (!strcmp(d[i], descs[k].name))
				break;
		if (k == sizeof(descs) / sizeof(descs[0]))
			return pea_err_setk(err, PEA_E_INVALID, 0,
					    "unknown descriptor '%s' (user pid ppid pcpu etime "
					    "tty time args comm)", d[i]);
	}
	return 0;
}

static const char *header_of(const char *d)
{
	size_t k;

	for (k = 0; k < sizeof(descs) / sizeof(descs[0]); k++)
		if (!strcmp(d, descs[k].name))
			return descs[k].header;
	return d;
}

/* Processes whose pid namespace is that of `init`, in /proc order. */
static int scan(pid_t init, struct proc_info **out, size_t *n, struct pea_err **err)
{
	char path[64], want[64] = "", got[64];
	cleanup_free char *up = read_small("/proc/uptime");
	cleanup_dir DIR *d = opendir("/proc");
	double uptime = up ? strtod(up, NULL) : 0;
	struct dirent *de;
	size_t alloc = 0;
	ssize_t l;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)init);
	l = readlink(path, want, sizeof(want) - 1);
	if (l <= 0 || !d)
		return pea_err_set(err, errno, "read '%s'", path);
	while ((de = readdir(d))) {
		struct proc_info pi = { 0 };

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		long pid = strtol(de->d_name, NULL, 10);

		snprintf(path, sizeof(path), "/proc/%ld/ns/pid", pid);
		memset(got, 0, sizeof(got));
		if (readlink(path, got, sizeof(got) - 1) != l || strcmp(got, want) ||
		    read_proc(pid, uptime, &pi) < 0)
			continue;
		ALLOC_GROW(*out, *n + 1, alloc);
		(*out)[(*n)++] = pi;
	}
	return 0;
}

static void fill_ns_ppid(struct proc_info *ps, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		ps[i].ns_ppid = 0;
		for (k = 0; k < n; k++)
			if (ps[k].pid == ps[i].ppid)
				ps[i].ns_ppid = ps[k].ns_pid;
	}
}

struct json_object *ctr_top_rows(struct pea_ctx *ctx, const char *name,
				 char *const *descriptors, struct pea_err **err)
{
	struct ctr_info ci = { 0 };
	struct proc_info *ps = NULL;
	size_t n = 0, i, k;
	char *const *d = descriptors && descriptors[0] ? descriptors : (char *const *)default_descs;
	cleanup_free char *passwd = NULL, *pwpath = NULL;
	struct json_object *rows = NULL, *row;

	if (check_descs(d, err) < 0 || ctr_lookup(ctx, name, &ci, err) < 0)
		return NULL;
	if (ci.state != CTR_RUNNING || ci.pid <= 0) {
		pea_err_setk(err, PEA_E_INVALID, 0, "top can only be used on running containers: "
			     "'%s' is %s", name, ctr_state_name(ci.state));
		goto out;
	}
	pwpath = xasprintf("/proc/%d/root/etc/passwd", (int)ci.pid);
	passwd = read_small(pwpath);
	if (scan(ci.pid, &ps, &n, err) < 0)
		goto out;
	fill_ns_ppid(ps, n);
	rows = json_object_new_array();
	row = json_object_new_array();
	for (k = 0; d[k]; k++)
		json_object_array_add(row, json_object_new_string(header_of(d[k])));
	json_object_array_add(rows, row);
	for (i = 0; i < n; i++) {
		row = json_object_new_array();
		for (k = 0; d[k]; k++) {
			char *c = cell(d[k], &ps[i], passwd);

			json_object_array_add(row, json_object_new_string(c));
			free(c);
		}
		json_object_array_add(rows, row);
	}
out:
	for (i = 0; i < n; i++) {
		free(ps[i].args);
		free(ps[i].comm);
	}
	free(ps);
	ctr_info_release(&ci);
	return rows;
}
