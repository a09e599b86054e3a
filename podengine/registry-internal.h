/* What registry.c (client, requests, authentication, manifests, push) and
 * registry-download.c (parallel blob downloads) share.  Internal to
 * podengine: not for callers of registry.h. */
#ifndef PEA_REGISTRY_INTERNAL_H
#define PEA_REGISTRY_INTERNAL_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/strbuf.h"
#include "podengine/registry.h"

struct reg_client {
	char *domain, *path, *base, *scope;
	char *user, *pass;
	char *auth_header;        /* "Authorization: ..." or NULL */
	int tls_verify;
	struct strbuf ca;         /* system CAs + certs.d *.crt, or empty */
	char *client_cert, *client_key;
};

struct reg_resp {
	long status;
	struct strbuf body;
	size_t max_body;
	char *content_type, *docker_digest, *location, *www_auth;
};

struct reg_req {
	const char *method;       /* GET, HEAD, POST, PUT */
	const char *url;
	const char *accept;
	const char *content_type;
	const void *data;         /* PUT/POST body from memory */
	size_t len;
	int fd;                   /* PUT body from a file, or -1 */
	int64_t fd_size;
};

/* Free the response's strings and empty its body (r stays usable). */
void reg_resp_release(struct reg_resp *r);

/* CURLOPT_HEADERFUNCTION callback filling a struct reg_resp. */
size_t reg_on_header(char *line, size_t size, size_t nmemb, void *arg);

/* Options every request (and every blob transfer) gets; errbuf holds
 * CURL_ERROR_SIZE bytes and must outlive the handle's transfers. */
void reg_setup_common(struct reg_client *c, CURL *h, char *errbuf);

/* Request headers (Authorization when with_auth; Accept and Content-Type
 * from rq, which may be NULL).  Caller frees with curl_slist_free_all(). */
struct curl_slist *reg_request_headers(struct reg_client *c, const struct reg_req *rq,
				       bool with_auth);

/* Set *err for a failed transfer on `h`; returns -1. */
int reg_transport_error(CURL *h, CURLcode rc, const char *errbuf, const char *url,
			struct pea_err **err);

/* React to a 401's WWW-Authenticate (challenge may be NULL): fetch a bearer
 * token or set basic credentials on c. */
int reg_authenticate(struct reg_client *c, const char *challenge, struct pea_err **err);

/* Set *err from a non-success response: the registry's own message, else
 * the status.  Returns -1. */
int reg_http_error(struct reg_client *c, const struct reg_resp *rs, const char *what,
		   struct pea_err **err);

#endif
