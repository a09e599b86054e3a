/* `top`: the processes of a running container, found by scanning /proc for
 * processes in the pid namespace of the container's init. */
#ifndef PEA_CTR_TOP_H
#define PEA_CTR_TOP_H

#include <json-c/json.h>

#include "base/ctx.h"
#include "base/err.h"

/* Rows of podman's default table (USER PID PPID %CPU ELAPSED TTY TIME
 * COMMAND; PID and PPID as seen inside the container, USER from the
 * container's /etc/passwd), or of the columns named by descriptors (podman's
 * names: user pid ppid pcpu etime tty time args comm; NULL or empty = the
 * default).  A JSON array of arrays of strings, the first row the headers;
 * the caller owns it.  Kind INVALID for an unknown descriptor or a
 * container that is not running. */
struct json_object *ctr_top_rows(struct pea_ctx *ctx, const char *name,
				 char *const *descriptors, struct pea_err **err);

#endif
