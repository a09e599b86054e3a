/* A stand-in pasta for unit tests (test-pasta.c, test-netsetup.c): a bash
 * script first in $PATH.  With FAKE_PASTA_FAIL set it fails as pasta does
 * (syslog noise, then its message, exit 1); otherwise it leaves a process
 * whose argv looks like pasta's (argv[0] "pasta", "--pid FILE") and writes
 * that process's pid to FILE, as pasta does when it goes to the
 * background. */
#ifndef PEA_PASTA_TEST_H
#define PEA_PASTA_TEST_H

#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/io.h"
#include "base/xalloc.h"

static const char fake_pasta[] =
	"#!/bin/bash\n"
	"if [ -n \"$FAKE_PASTA_FAIL\" ]; then\n"
	"  echo 'Failed to send 45 bytes to syslog' >&2\n"
	"  echo \"Failed to bind any port for '-t 8080:80', exiting\" >&2\n"
	"  exit 1\n"
	"fi\n"
	"while [ $# -gt 0 ]; do [ \"$1\" = --pid ] && pidf=$2; shift; done\n"
	"(exec -a pasta /bin/sh -c 'while :; do sleep 0.1; done' sh --pid \"$pidf\") "
	"</dev/null >/dev/null 2>&1 &\n"
	/* as pasta, name the pid only once it is the daemon: here, once the
	 * background shell has exec'd with argv[0] "pasta" */
	"until tr '\\0' ' ' </proc/$!/cmdline 2>/dev/null | grep -q '^pasta '; do sleep 0.01; done\n"
	"echo $! > \"$pidf\"\n";

/* Write <dir>/bin/pasta and put <dir>/bin first in $PATH; returns the old
 * $PATH to put back with setenv (caller frees), NULL on failure. */
static inline char *fake_pasta_install(const char *dir)
{
	cleanup_free char *bindir = path_join(dir, "bin");
	cleanup_free char *fake = path_join(bindir, "pasta");
	char *old = xstrdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	cleanup_free char *path = xasprintf("%s:%s", bindir, old);

	if (io_mkdir_p(bindir, 0755, NULL) < 0 ||
	    io_write_file_atomic(fake, fake_pasta, strlen(fake_pasta), 0755, NULL) < 0) {
		free(old);
		return NULL;
	}
	setenv("PATH", path, 1);
	return old;
}

#endif
