/* The context handed down every call chain instead of global options.
 * Filled in by cli/ from flags and the environment (ctx_init_paths), then
 * read-only except for lazily opened handles such as the state database. */
#ifndef PEA_CTX_H
#define PEA_CTX_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/err.h"
#include "base/log.h"

struct state;

struct pea_ctx {
	char *root;            /* graph root: images, layers, containers, state.db */
	char *runroot;         /* run root (tmpfs): netns, locks, conmon sockets */
	char *confdir;         /* /etc/peapod or $XDG_CONFIG_HOME/peapod */
	char *runtime;         /* OCI runtime name or path; NULL = default */
	char *storage_driver;  /* "overlay", "fuse-overlayfs" or "vfs"; NULL = the store's */
	bool rootless;         /* an unprivileged user (also inside its user namespace) */
	bool in_userns;        /* rootless and inside the user namespace (rootless.h) */
	uid_t uid;             /* the user's uid on the host */
	bool warned_limits;    /* rootless: "limits ignored" said once per command */
	struct pea_log log;
	struct state *state;   /* opened on first use by state_get() */
};

/* Tells rootless from rootful (euid != 0, or already inside the user
 * namespace of podengine/rootless.h: PEAPOD_ROOTLESS_UID set and a uid map
 * that is not the identity), then the default paths (rootful: /var/lib/peapod,
 * /run/peapod, /etc/peapod; rootless: XDG dirs).  Flags may have set
 * root/runroot first: those are kept. */
int ctx_init_paths(struct pea_ctx *ctx, struct pea_err **err);
/* Frees owned strings.  The state handle belongs to podengine/ and is
 * closed by state_close() before this is called. */
void ctx_release(struct pea_ctx *ctx);

#endif
