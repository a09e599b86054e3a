/* Linux capability sets for containers, as podman computes them.
 *
 * Names are accepted with or without the "CAP_" prefix, in any case, and
 * checked with libcap; results are upper-case "CAP_X" names.  Capabilities
 * the running kernel does not have (above /proc/sys/kernel/cap_last_cap)
 * are dropped silently, as podman does. */
#ifndef PEA_CAPS_H
#define PEA_CAPS_H

#include <stdbool.h>

#include "base/err.h"

/* "net_admin", "CAP_NET_ADMIN" -> "CAP_NET_ADMIN"; "ALL" -> "ALL".
 * Kind INVALID for a name libcap does not know.  Caller frees. */
char *caps_normalize(const char *name, struct pea_err **err);

/* The highest capability number of the running kernel (cap_last_cap), or
 * libcap's own maximum when that file cannot be read. */
int caps_last_cap(void);

/* Resolve a container's capability set: the default set (CHOWN,
 * DAC_OVERRIDE, FOWNER, FSETID, KILL, NET_BIND_SERVICE, SETFCAP, SETGID,
 * SETPCAP, SETUID, SYS_CHROOT), or every capability when privileged, then
 * `add` and `drop` applied (drop "ALL" empties the set before `add`; add
 * "ALL" adds every capability; a name in both lists is dropped).
 * last_cap < 0 means caps_last_cap().  Returns a sorted (by number),
 * NULL-terminated vector of "CAP_X" names; caller frees (strv_free). */
char **caps_resolve(char *const *add, char *const *drop, bool privileged, int last_cap,
		    struct pea_err **err);

/* The subset of `caps` that `add` names explicitly (ALL = all of caps), for
 * the effective/permitted sets of a non-root user.  Caller frees. */
char **caps_added(char *const *caps, char *const *add);

/* True if the NULL-terminated vector contains the capability (any spelling). */
bool caps_has(char *const *caps, const char *name);

#endif
