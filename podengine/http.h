/* Plain HTTP(S) through libcurl: the options every transfer of peapod gets
 * (registry requests, blob downloads, manifests fetched by URL), and a
 * bounded GET into memory.  Registry specifics (auth, CAs, TLS knobs) stay
 * in registry.c. */
#ifndef PEA_HTTP_H
#define PEA_HTTP_H

#include <curl/curl.h>
#include <stddef.h>

#include "base/err.h"
#include "base/strbuf.h"

/* No signals, redirects (10, http and https only), peapod's User-Agent, a
 * 30 s connect timeout, errors into errbuf (CURL_ERROR_SIZE bytes that
 * outlive the handle's transfers). */
void http_setup_base(CURL *h, char *errbuf);

/* GET url and append the body to sb.  More than max bytes: kind INVALID
 * "'URL': larger than N MiB"; an HTTP status >= 400: "fetch 'URL': HTTP
 * status N" (kind NOT_FOUND for 404); a transport error: "fetch 'URL':
 * curl's message".  timeout_s bounds the whole transfer. */
int http_fetch(const char *url, size_t max, long timeout_s, struct strbuf *sb,
	       struct pea_err **err);

#endif
