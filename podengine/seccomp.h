/* Seccomp profiles in the OCI runtime spec's JSON form (linux.seccomp).
 *
 * The default profile is an allow-list in the manner of moby's and podman's
 * default: unknown system calls fail with EPERM (clone3 with ENOSYS, so that
 * libc falls back to clone), calls that need a capability are allowed only
 * when the container has it (CAP_SYS_ADMIN adds mount, umount2, unshare,
 * setns, ...; CAP_SYS_PTRACE adds ptrace, process_vm_readv, ...), and the
 * dangerous rest (keyctl, kexec_load, userfaultfd, ...) is never allowed.
 * Every name is checked with libseccomp: names it does not know are left
 * out, so an older libseccomp never makes the runtime fail. */
#ifndef PEA_SECCOMP_H
#define PEA_SECCOMP_H

#include <json-c/json.h>

#include "base/err.h"

/* The default profile for a container with capabilities `caps` (NULL-
 * terminated "CAP_X" names).  Never fails; caller puts the object. */
struct json_object *seccomp_profile_default(char *const *caps);

/* Load a profile file: either the OCI form (defaultAction, architectures,
 * syscalls) or moby/podman's form (archMap, syscalls with includes/excludes
 * on caps and arches), which is reduced to the OCI form for this host's
 * architecture and `caps`.  Caller puts the object. */
struct json_object *seccomp_profile_load(const char *path, char *const *caps,
					 struct pea_err **err);

/* What a container gets for `profile` (NULL = default, "unconfined", or a
 * file path): 0 with *out set, or *out NULL for unconfined; -1 with *err. */
int seccomp_profile_for(const char *profile, char *const *caps, struct json_object **out,
			struct pea_err **err);

#endif
