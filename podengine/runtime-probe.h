/* Finding OCI runtimes and checking that they actually work on this host.
 *
 * A runtime can be installed and still fail on every container (Debian's
 * crun 1.8.1 refuses hybrid cgroup hosts: "cgroups in hybrid mode not
 * supported").  So each runtime found is probed once by running a trivial
 * container (a static busybox running `true`) and the verdict is cached in
 * <runroot>/runtime-probe.json, keyed by the runtime's path, mtime and size
 * and the boot id: the probe runs once per boot and again after an upgrade.
 *
 * The probe needs a static busybox (/bin/busybox or /usr/bin/busybox, from
 * Debian's busybox-static).  Without one the runtime is reported as working
 * but not probed (probed = false).  Probing leaves no container, state
 * directory or process behind. */
#ifndef PEA_RUNTIME_PROBE_H
#define PEA_RUNTIME_PROBE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/ctx.h"
#include "base/err.h"

struct runtime_info {
	char *name;      /* "crun", "runc", or the basename of ctx->runtime */
	char *path;      /* absolute path */
	char *version;   /* first line of `<runtime> --version` ("crun version 1.8.1") */
	bool works;      /* a container ran and exited 0 (or not probed) */
	bool probed;     /* false when no static busybox was available */
	char *reason;    /* why it does not work (first line of its stderr), or NULL */
};

/* Free the strings of one entry / an array from runtime_probe_all. */
void runtime_info_release(struct runtime_info *ri);
void runtime_info_free_all(struct runtime_info *list, size_t n);

/* Absolute path of a runtime given by name (searched in $PATH) or path.
 * Kind NOT_FOUND when there is none.  Caller frees. */
char *runtime_find(const char *name_or_path, struct pea_err **err);

/* Probe one runtime (by name or path), using the cache unless `force`. */
int runtime_probe(struct pea_ctx *ctx, const char *name_or_path, bool force,
		  struct runtime_info *out, struct pea_err **err);

/* Probe crun, runc and ctx->runtime (when set and different), those that are
 * installed, in that order.  *out is a new array of *n entries (free with
 * runtime_info_free_all); it may be empty. */
int runtime_probe_all(struct pea_ctx *ctx, struct runtime_info **out, size_t *n,
		      struct pea_err **err);

/* The runtime to use: ctx->runtime if set (an error if it does not work),
 * else crun if it works, else runc if it works, else an error saying what
 * to do.  *out is filled in (release with runtime_info_release). */
int runtime_select(struct pea_ctx *ctx, struct runtime_info *out, struct pea_err **err);

/* {"name", "path", "version", "works", "probed", "reason"}; caller owns it. */
struct json_object *runtime_info_json(const struct runtime_info *ri);

#endif
