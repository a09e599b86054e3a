/* The per-container /etc/hosts, /etc/resolv.conf and /etc/hostname,
 * written into the bundle directory and bind-mounted by config.json
 * (oci-spec.c).  Written atomically; rewriting them is safe while the
 * container runs (the bind mounts keep the old inode until restart). */
#ifndef PEA_ETC_FILES_H
#define PEA_ETC_FILES_H

#include "base/err.h"

enum etc_net_mode {
	ETC_NET_PRIVATE = 0,   /* a network namespace of its own (bridge) */
	ETC_NET_NONE,          /* an empty network namespace */
	ETC_NET_HOST,          /* the host's network namespace */
};

struct etc_files_in {
	const char *bundle;        /* directory to write into */
	const char *hostname;
	const char *ip;            /* the container's address; NULL = none (127.0.1.1) */
	enum etc_net_mode net;
	char *const *add_hosts;    /* "name:ip" (name may be "a;b" for several names) */
	char *const *dns_servers;  /* replace the host's nameservers */
	char *const *dns_search;   /* replace search domains ("." = none) */
	char *const *dns_options;  /* replace options */
	bool dns_merge;            /* add the dns_* to the host's instead (kube dnsConfig):
				    * servers and searches appended without duplicates,
				    * options replacing the host's of the same name */
	const char *dns_fallback;  /* the nameserver when no other is left (the host
				    * has loopback ones only); NULL = none.  Rootless
				    * pods: pasta's DNS forwarder, NET_PASTA_DNS */
	const char *host_resolv;   /* NULL = /etc/resolv.conf (test hook) */
	const char *host_hosts;    /* NULL = /etc/hosts; read for ETC_NET_HOST only */
};

/* File contents, for tests and for callers that merge more entries.
 * Caller frees. */
char *etc_files_hosts(const struct etc_files_in *in, struct pea_err **err);
char *etc_files_resolv(const struct etc_files_in *in, struct pea_err **err);

/* Write <bundle>/hosts, <bundle>/resolv.conf and <bundle>/hostname. */
int etc_files_write(const struct etc_files_in *in, struct pea_err **err);

#endif
