/* Attaching a terminal or pipes to a running container through its conmon
 * attach socket (<runroot>/socket/<id>/attach, SOCK_SEQPACKET; see
 * docs/peapod-conmon.8.md).  ctr_attach_stdio and ctr_attach are declared in
 * container.h; this is the lower layer `run` and `start -a` use. */
#ifndef PEA_CTR_ATTACH_H
#define PEA_CTR_ATTACH_H

#include <stdbool.h>

#include "base/ctx.h"
#include "base/err.h"

struct ctr_relay_opts {
	bool stdin_open;        /* relay our stdin (EOF closes the container's) */
	bool tty;               /* raw mode on our terminal; detach keys ctrl-p ctrl-q */
	const char *sig_proxy;  /* forward SIGINT/SIGTERM/SIGHUP/SIGQUIT/SIGUSR1/2 to this
				 * container with ctr_kill; NULL: default handling */
	const char *exit_id;    /* watch <runroot>/exits/<exit_id> while relaying and
				 * read the exit code as soon as conmon writes it
				 * (a --rm container's file is gone when we return) */
	int *exit_code;         /* out with exit_id: the code, or -1 if not seen */
};

/* Connect to the attach socket of container `id` (full id).  Returns the
 * fd (CLOEXEC, caller closes) or -1 with *err. */
int ctr_attach_connect(struct pea_ctx *ctx, const char *id, struct pea_err **err);

/* Relay until the socket closes (conmon is done: the container exited and
 * its exit command ran).  Returns 0 then, 1 when the user detached with
 * ctrl-p ctrl-q, -1 with *err.  The terminal mode and signal mask are
 * restored before returning.  Does not close attach_fd. */
int ctr_attach_relay(struct pea_ctx *ctx, int attach_fd, const struct ctr_relay_opts *o,
		     struct pea_err **err);

#endif
