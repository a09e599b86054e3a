/* Which storage driver a store uses, and why (see store_driver_name in
 * storage.h).  The choice is probed once, with real test mounts under the
 * graph root, and recorded in <root>/storage-driver with its reason: a
 * store keeps the driver it was made with, and `info` can tell why that
 * one (e.g. the failures that made a rootless store fall back to vfs). */
#include "podengine/storage.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/lockfile.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "base/banned.h"

static const char *const driver_names[] = { "overlay", "fuse-overlayfs", "vfs" };

/* The static string of a driver name; NULL if unknown. */
static const char *known_driver(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(driver_names) / sizeof(driver_names[0]); i++)
		if (!strcmp(driver_names[i], name))
			return driver_names[i];
	return NULL;
}

int store_record_parse(const char *text, char **name, char **reason)
{
	const char *nl = strchrnul(text, '\n');
	cleanup_strbuf struct strbuf n = STRBUF_INIT, r = STRBUF_INIT;

	strbuf_add(&n, text, (size_t)(nl - text));
	strbuf_rtrim(&n);
	if (!known_driver(n.buf))
		return -1;
	if (*nl) {
		const char *p = nl + 1;

		strbuf_add(&r, p, (size_t)(strchrnul(p, '\n') - p));
		strbuf_rtrim(&r);
	}
	*name = strbuf_detach(&n, NULL);
	*reason = strbuf_detach(&r, NULL);
	return 0;
}

char *store_record_format(const char *name, const char *reason)
{
	char *out = xasprintf("%s\n%s\n", name, reason ? reason : ""), *p;

	for (p = out + strlen(name) + 1; *p && p[1]; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return out;
}

static char *record_path(struct pea_ctx *ctx)
{
	return path_join(ctx->root, "storage-driver");
}

/* 1 with *name (static) and *reason (caller frees) when recorded, else 0. */
static int read_record(struct pea_ctx *ctx, const char **name, char **reason)
{
	cleanup_free char *p = record_path(ctx);
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	cleanup_free char *n = NULL;

	if (io_read_file(p, &sb, NULL) < 0 || store_record_parse(sb.buf, &n, reason) < 0)
		return 0;
	*name = known_driver(n);
	return 1;
}

static void write_record(struct pea_ctx *ctx, const char *name, const char *reason)
{
	cleanup_free char *p = record_path(ctx);
	cleanup_free char *text = store_record_format(name, reason);

	/* Best effort: without the record the next command probes again. */
	io_write_file_atomic(p, text, strlen(text), 0600, NULL);
}

/* The first driver that passes its test mount; *reason says why it. */
static const char *probe(struct pea_ctx *ctx, char **reason)
{
	cleanup_free char *why_overlay = NULL, *why_fuse = NULL;

	if (store_overlay_works(ctx, &why_overlay)) {
		*reason = xstrdup(ctx->rootless
					  ? "overlay mounts in the user namespace (userxattr)"
					  : "overlay mounts under the graph root");
		return "overlay";
	}
	if (!ctx->rootless) {
		*reason = steal_ptr(why_overlay);
		return "vfs";
	}
	if (store_fuse_overlay_works(ctx, &why_fuse)) {
		*reason = xasprintf("%s; fuse-overlayfs mounts", why_overlay);
		return "fuse-overlayfs";
	}
	*reason = xasprintf("%s; %s", why_overlay, why_fuse);
	return "vfs";
}

const char *store_driver_name(struct pea_ctx *ctx)
{
	cleanup_free char *reason = NULL, *lockp = NULL;
	cleanup_close int lock = -1;
	const char *name = NULL;

	if (ctx->storage_driver && *ctx->storage_driver) {
		if (!read_record(ctx, &name, &reason) && io_mkdir_p(ctx->root, 0700, NULL) == 0) {
			cleanup_free char *why =
				xasprintf("--storage-driver %s when the store was made",
					  ctx->storage_driver);

			write_record(ctx, ctx->storage_driver, why);
		}
		return ctx->storage_driver;
	}
	if (read_record(ctx, &name, &reason))
		return name;
	/* Probe once: two first commands at a time wait for each other. */
	lockp = lockfile_path(ctx->runroot, "storage-driver", NULL);
	if (lockp && io_mkdir_p(ctx->root, 0700, NULL) == 0)
		lock = lockfile_lock(lockp, NULL);
	if (read_record(ctx, &name, &reason))
		return name;
	name = probe(ctx, &reason);
	log_debug(&ctx->log, "storage driver %s: %s", name, reason);
	write_record(ctx, name, reason);
	return name;
}

char *store_driver_reason(struct pea_ctx *ctx)
{
	const char *want = store_driver_name(ctx), *name = NULL;
	char *reason = NULL;

	if (!read_record(ctx, &name, &reason))
		return xasprintf("--storage-driver %s", want);
	if (strcmp(name, want)) {
		free(reason);
		return xasprintf("--storage-driver %s (the store's driver is %s)", want, name);
	}
	return reason;
}
