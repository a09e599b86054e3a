/* Shared between pod.c and pod-lifecycle.c; not for cli/. */
#ifndef PEA_POD_INTERNAL_H
#define PEA_POD_INTERNAL_H

#include "podengine/pod.h"

/* <runroot>/locks/pod-<id>.lock, blocking; returns the fd (close to unlock). */
int pod_lock(struct pea_ctx *ctx, const char *id, struct pea_err **err);
/* Same, giving up after `ms` milliseconds: -1 (no error set) when busy. */
int pod_trylock(struct pea_ctx *ctx, const char *id, int ms);
/* Write the state, netns and (when ip is given or clear_ip) nothing else. */
int pod_save_state(struct pea_ctx *ctx, const char *id, const char *state, const char *netns,
		   struct pea_err **err);
/* (Re)write <dir>/hosts, resolv.conf, hostname from the pod and its
 * containers.  hosts is rewritten in place so running containers see it. */
int pod_write_etc(struct pea_ctx *ctx, const struct pod_info *pi, struct pea_err **err);
/* The pod's /dev/shm: a tmpfs at <runroot>/pods/<id>/shm, mounted on
 * demand; pod_shm_umount removes it (fine when absent). */
char *pod_shm_ensure(struct pea_ctx *ctx, const char *id, struct pea_err **err);
void pod_shm_umount(struct pea_ctx *ctx, const char *id);
/* Stop everything of a locked pod and tear its network down. */
int pod_stop_locked(struct pea_ctx *ctx, struct pod_info *pi, int timeout, struct pea_err **err);

/* pod create: the --network list is one mode (host, none, ns:PATH) alone
 * or bridge networks that exist ("bridge" = the default). */
int pod_check_networks(struct pea_ctx *ctx, const struct pod_spec *s, struct pea_err **err);

#endif
