#include "podengine/system.h"
#include "podengine/container.h"
#include "podengine/ctr-runtime.h"
#include "podengine/image.h"
#include "podengine/pod.h"
#include "podengine/rootless.h"
#include "network/network.h"
#include "podengine/state.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "base/banned.h"

/* Decode the octal escapes (\040 etc.) mountinfo uses in paths. */
static char *unescape_mount_path(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] && s[3]) {
			strbuf_addch(&sb, (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) |
						 (s[3] - '0')));
			s += 4;
		} else {
			strbuf_addch(&sb, *s++);
		}
	}
	return strbuf_detach(&sb, NULL);
}

static bool is_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

static int cmp_len_desc(const void *a, const void *b)
{
	size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);

	return la < lb ? 1 : la > lb ? -1 : 0;
}

int sys_umount_below(const char *dir, struct pea_err **err)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	char **points = NULL;
	size_t n = 0, alloc = 0, len = 0, i;
	int count = 0;

	if (!f)
		return pea_err_set(err, errno, "open /proc/self/mountinfo");
	while (getline(&line, &len, f) > 0) {
		char mnt[4096];

		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		{
			char *p = unescape_mount_path(mnt);

			if (is_below(p, dir)) {
				ALLOC_GROW(points, n + 1, alloc);
				points[n++] = p;
			} else {
				free(p);
			}
		}
	}
	qsort(points, n, sizeof(*points), cmp_len_desc);
	for (i = 0; i < n; i++) {
		if (umount2(points[i], MNT_DETACH) == 0)
			count++;
		free(points[i]);
	}
	free(points);
	return count;
}

static int64_t query_i64(struct state *st, const char *sql)
{
	cleanup_stmt sqlite3_stmt *s = state_prepare(st, sql, NULL);

	if (!s || sqlite3_step(s) != SQLITE_ROW)
		return 0;
	return sqlite3_column_int64(s, 0);
}

int sys_df(struct pea_ctx *ctx, struct sys_df_row **out, size_t *n, struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	struct sys_df_row *rows;

	if (!st)
		return -1;
	rows = xcalloc(1, sizeof(*rows));
	rows[0].type = "Images";
	rows[0].total = query_i64(st, "SELECT COUNT(*) FROM images;");
	/* Layers are shared: count each once. */
	rows[0].size = query_i64(st, "SELECT COALESCE(SUM(size), 0) FROM layers;");
	rows[0].active = 0;
	rows[0].reclaimable = rows[0].size;
	*out = rows;
	*n = 1;
	return 0;
}

static void warn_err(struct pea_ctx *ctx, const char *what, struct pea_err **e)
{
	log_warn(&ctx->log, "reset: %s: %s", what, *e ? (*e)->msg : "?");
	pea_err_free(*e);
	*e = NULL;
}

/* Stop and remove what runs: pods (with their containers), then the
 * containers outside pods, then the networks (bridges, firewall rules).
 * Best effort: a broken object must not keep the rest from going. */
/* Each killed container's conmon still runs its exit command (`container
 * cleanup`, which takes the state and the run root); wait for the monitors
 * to be gone before the roots are deleted, or a late cleanup recreates them. */
static void wait_monitors(pid_t *pids, size_t n)
{
	size_t i;
	int tries;

	for (tries = 0; tries < 500; tries++) {
		for (i = 0; i < n && !ctr_pid_alive(pids[i]); i++)
			;
		if (i == n)
			return;
		usleep(20000);
	}
}

static void reset_objects(struct pea_ctx *ctx)
{
	struct pea_err *e = NULL;
	struct pod_info *pods = NULL;
	struct ctr_info *ctrs = NULL;
	pid_t *monitors = NULL;
	size_t n = 0, i, n_mon = 0;

	if (!state_get(ctx, &e)) {
		warn_err(ctx, "open state", &e);
		return;
	}
	if (ctr_list(ctx, true, &ctrs, &n, NULL) == 0) {
		monitors = xcalloc(n + 1, sizeof(*monitors));
		for (i = 0; i < n; i++)
			if (ctrs[i].conmon_pid > 0)
				monitors[n_mon++] = ctrs[i].conmon_pid;
		ctr_info_list_free(ctrs, n);
		ctrs = NULL;
	}
	if (pod_list(ctx, &pods, &n, &e) == 0) {
		for (i = 0; i < n; i++)
			if (pod_remove(ctx, pods[i].id, true, &e) < 0)
				warn_err(ctx, pods[i].name, &e);
		pod_info_list_free(pods, n);
	} else {
		warn_err(ctx, "list pods", &e);
	}
	if (ctr_list(ctx, true, &ctrs, &n, &e) == 0) {
		for (i = 0; i < n; i++)
			if (ctr_remove(ctx, ctrs[i].id, true, true, &e) < 0)
				warn_err(ctx, ctrs[i].name, &e);
		ctr_info_list_free(ctrs, n);
	} else {
		warn_err(ctx, "list containers", &e);
	}
	if (net_reset(ctx, &e) < 0)
		warn_err(ctx, "networks", &e);
	wait_monitors(monitors, n_mon);
	free(monitors);
}

int sys_reset(struct pea_ctx *ctx, struct pea_err **err)
{
	if (io_exists(ctx->root))
		reset_objects(ctx);
	state_close(ctx->state);
	ctx->state = NULL;
	if (sys_umount_below(ctx->runroot, err) < 0 || sys_umount_below(ctx->root, err) < 0)
		return pea_err_wrap(err, "reset");
	/* rootless: nothing is left for the user namespace to hold */
	if (ctx->rootless && rootless_stop_pause(ctx, err) < 0)
		return pea_err_wrap(err, "reset");
	/* the state first: a late exit command finds no state.db and stops */
	if (io_rm_rf(ctx->root, err) < 0 || io_rm_rf(ctx->runroot, err) < 0)
		return pea_err_wrap(err, "reset");
	return 0;
}
