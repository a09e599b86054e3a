/* The host's device nodes, for privileged containers (podman --privileged,
 * kube securityContext.privileged): every character and block device under
 * /dev goes into config.json's linux.devices, so the container sees what the
 * host has (/dev/loop-control, /dev/fuse, disks...). */
#ifndef PEA_HOST_DEVICES_H
#define PEA_HOST_DEVICES_H

#include <json-c/json.h>

/* linux.devices entries for the device nodes below `dir` (normally "/dev";
 * the container path is the same path under /dev).  Skipped as podman does:
 * pts/, shm/, mqueue/, fd, and the nodes every container already gets (null,
 * zero, full, random, urandom, tty, console, ptmx).  Symlinks are not
 * followed; at most 4 levels deep.  Never NULL (an empty array when dir
 * cannot be read). */
struct json_object *host_devices_json(const char *dir);

#endif
