#include "base/ctx.h"
#include "base/cleanup.h"
#include "base/idmap.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/banned.h"

static char *home_dir(uid_t uid)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h && *h)
		return xstrdup(h);
	pw = getpwuid(uid);
	return xstrdup(pw ? pw->pw_dir : "/");
}

static char *xdg_dir(const char *var, const char *fallback_rel, uid_t uid)
{
	const char *v = getenv(var);
	char *home, *res;

	if (v && *v == '/')
		return path_join(v, "peapod");
	home = home_dir(uid);
	res = xasprintf("%s/%s/peapod", home, fallback_rel);
	free(home);
	return res;
}

/* Rootless run root: $XDG_RUNTIME_DIR/peapod, else a private directory in
 * /tmp (as podman does when there is no logind). */
static char *rootless_runroot(uid_t uid)
{
	const char *v = getenv("XDG_RUNTIME_DIR");

	if (v && *v == '/')
		return path_join(v, "peapod");
	return xasprintf("/tmp/peapod-run-%u", (unsigned)uid);
}

/* Inside the rootless user namespace already (a child of a rootless peapod:
 * conmon, its exit command)?  The variable alone proves nothing: root could
 * set it; the uid map must also not be the initial namespace's. */
static bool inside_rootless_ns(uid_t *uid)
{
	const char *v = getenv("PEAPOD_ROOTLESS_UID");
	char *end;
	unsigned long u;

	if (!v || !*v || geteuid() != 0)
		return false;
	errno = 0;
	u = strtoul(v, &end, 10);
	if (errno || *end || u == 0 || u > 0xfffffffeUL)
		return false;
	if (!idmap_is_userns("/proc/self/uid_map"))
		return false;
	*uid = (uid_t)u;
	return true;
}

int ctx_init_paths(struct pea_ctx *ctx, struct pea_err **err)
{
	uid_t inner;

	ctx->uid = geteuid();
	ctx->rootless = ctx->uid != 0;
	if (inside_rootless_ns(&inner)) {
		ctx->uid = inner;
		ctx->rootless = true;
		ctx->in_userns = true;
	}
	if (!ctx->rootless) {
		if (!ctx->root)
			ctx->root = xstrdup("/var/lib/peapod");
		if (!ctx->runroot)
			ctx->runroot = xstrdup("/run/peapod");
		if (!ctx->confdir)
			ctx->confdir = xstrdup("/etc/peapod");
	} else {
		if (!ctx->root)
			ctx->root = xdg_dir("XDG_DATA_HOME", ".local/share", ctx->uid);
		if (!ctx->runroot)
			ctx->runroot = rootless_runroot(ctx->uid);
		if (!ctx->confdir)
			ctx->confdir = xdg_dir("XDG_CONFIG_HOME", ".config", ctx->uid);
	}
	(void)err;
	return 0;
}

void ctx_release(struct pea_ctx *ctx)
{
	free(ctx->root);
	free(ctx->runroot);
	free(ctx->confdir);
	free(ctx->runtime);
	free(ctx->storage_driver);
	ctx->root = ctx->runroot = ctx->confdir = NULL;
	ctx->runtime = ctx->storage_driver = NULL;
}
