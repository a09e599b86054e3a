/* Registry v2 client: requests, authentication challenges, TLS setup,
 * manifests and the push calls.  Parallel blob downloads (curl multi) are
 * in registry-download.c. */
#include "podengine/registry.h"
#include "podengine/registry-internal.h"
#include "podengine/http.h"
#include "base/json.h"
#include "podengine/auth.h"
#include "podengine/blobstore.h"
#include "podengine/manifest.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/xalloc.h"

#include <ctype.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/banned.h"

#define MAX_SMALL_BODY (8 << 20)
#define SYSTEM_CA "/etc/ssl/certs/ca-certificates.crt"

static void curl_cleanupp(CURL **h)
{
	if (*h)
		curl_easy_cleanup(*h);
}
#define cleanup_curl __attribute__((cleanup(curl_cleanupp)))

static void slist_freep(struct curl_slist **l)
{
	curl_slist_free_all(*l);
}
#define cleanup_slist __attribute__((cleanup(slist_freep)))

void reg_resp_release(struct reg_resp *r)
{
	strbuf_release(&r->body);
	free(r->content_type);
	free(r->docker_digest);
	free(r->location);
	free(r->www_auth);
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->body, 0);
}

/* ---- TLS configuration from the certs.d directory ---- */

static int add_cert_file(struct reg_client *c, const char *dir, const char *name,
			 struct pea_err **err)
{
	cleanup_free char *p = path_join(dir, name);
	size_t n = strlen(name);

	if (n > 4 && !strcmp(name + n - 4, ".crt")) {
		if (!c->ca.len && io_read_file(SYSTEM_CA, &c->ca, NULL) == 0)
			strbuf_addch(&c->ca, '\n');
		if (io_read_file(p, &c->ca, err) < 0)
			return -1;
		strbuf_addch(&c->ca, '\n');
	} else if (n > 5 && !strcmp(name + n - 5, ".cert")) {
		cleanup_free char *key = xasprintf("%.*s.key", (int)(strlen(p) - 5), p);

		if (!io_exists(key))
			return pea_err_setk(err, PEA_E_INVALID, 0,
					    "client certificate '%s' has no matching key '%s'", p, key);
		free(c->client_cert);
		free(c->client_key);
		c->client_cert = steal_ptr(p);
		c->client_key = steal_ptr(key);
	}
	return 0;
}

static int load_certs(struct reg_client *c, const char *cert_dir, struct pea_err **err)
{
	cleanup_free char *def = cert_dir ? NULL : xasprintf("/etc/containers/certs.d/%s", c->domain);
	const char *dir = cert_dir ? cert_dir : def;
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *de;

	if (!d) {
		if (errno == ENOENT && !cert_dir)
			return 0;
		return pea_err_set(err, errno, "open certificate directory '%s'", dir);
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && add_cert_file(c, dir, de->d_name, err) < 0)
			return -1;
	return 0;
}

/* ---- one HTTP exchange ---- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct reg_resp *r = arg;
	size_t n = size * nmemb;

	if (r->body.len + n > r->max_body)
		return 0;
	strbuf_add(&r->body, data, n);
	return n;
}

/* Value of header `name` in line (NULL if another header); caller frees. */
static char *header_value(const char *line, size_t n, const char *name)
{
	size_t k = strlen(name);

	if (n <= k || strncasecmp(line, name, k) || line[k] != ':')
		return NULL;
	line += k + 1;
	n -= k + 1;
	while (n && (*line == ' ' || *line == '\t'))
		line++, n--;
	while (n && isspace((unsigned char)line[n - 1]))
		n--;
	return xstrndup(line, n);
}

static void set_header(char **slot, const char *line, size_t n, const char *name)
{
	char *v = header_value(line, n, name);

	if (v) {
		free(*slot);
		*slot = v;
	}
}

size_t reg_on_header(char *line, size_t size, size_t nmemb, void *arg)
{
	struct reg_resp *r = arg;
	size_t n = size * nmemb;

	if (n >= 5 && !strncmp(line, "HTTP/", 5)) {
		/* a new response (after a redirect): forget the previous headers */
		free(r->content_type);
		free(r->docker_digest);
		free(r->www_auth);
		free(r->location);
		r->content_type = r->docker_digest = r->www_auth = r->location = NULL;
		return n;
	}
	set_header(&r->content_type, line, n, "Content-Type");
	set_header(&r->docker_digest, line, n, "Docker-Content-Digest");
	set_header(&r->location, line, n, "Location");
	set_header(&r->www_auth, line, n, "WWW-Authenticate");
	return n;
}

static size_t on_read_fd(char *buf, size_t size, size_t nmemb, void *arg)
{
	ssize_t r = xread(*(int *)arg, buf, size * nmemb);

	return r < 0 ? CURL_READFUNC_ABORT : (size_t)r;
}

/* Options every request (and every blob transfer) gets. */
void reg_setup_common(struct reg_client *c, CURL *h, char *errbuf)
{
	http_setup_base(h, errbuf);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 120L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, c->tls_verify ? 1L : 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, c->tls_verify ? 2L : 0L);
	if (c->ca.len) {
		struct curl_blob blob = { c->ca.buf, c->ca.len, CURL_BLOB_COPY };

		curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
	}
	if (c->client_cert) {
		curl_easy_setopt(h, CURLOPT_SSLCERT, c->client_cert);
		curl_easy_setopt(h, CURLOPT_SSLKEY, c->client_key);
	}
}

struct curl_slist *reg_request_headers(struct reg_client *c, const struct reg_req *rq,
				       bool with_auth)
{
	struct curl_slist *l = curl_slist_append(NULL, "Expect:");
	char buf[512];

	if (with_auth && c->auth_header)
		l = curl_slist_append(l, c->auth_header);
	if (rq && rq->accept) {
		snprintf(buf, sizeof(buf), "Accept: %s", rq->accept);
		l = curl_slist_append(l, buf);
	}
	if (rq && rq->content_type) {
		snprintf(buf, sizeof(buf), "Content-Type: %s", rq->content_type);
		l = curl_slist_append(l, buf);
	}
	return l;
}

int reg_transport_error(CURL *h, CURLcode rc, const char *errbuf, const char *url,
			struct pea_err **err)
{
	const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
	long os_errno = 0;

	curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
	if (rc == CURLE_COULDNT_CONNECT && os_errno > 0)
		return pea_err_set(err, (int)os_errno, "connect to '%s'", url);
	if (rc == CURLE_SSL_CONNECT_ERROR)
		return pea_err_set(err, 0, "request '%s': %s (a plain-http registry needs "
				   "--tls-verify=false)", url, why);
	return pea_err_set(err, 0, "request '%s': %s", url, why);
}

/* One exchange, no authentication retry.  Any HTTP status is success. */
static int do_once(struct reg_client *c, const struct reg_req *rq, bool with_auth,
		   const char *auth_override, struct reg_resp *rs, struct pea_err **err)
{
	cleanup_curl CURL *h = curl_easy_init();
	cleanup_slist struct curl_slist *hdrs = reg_request_headers(c, rq, with_auth && !auth_override);
	char errbuf[CURL_ERROR_SIZE] = "";
	int fd = rq->fd;
	CURLcode rc;

	if (!h)
		return pea_err_set(err, 0, "cannot initialise curl");
	if (auth_override)
		hdrs = curl_slist_append(hdrs, auth_override);
	reg_resp_release(rs);
	rs->max_body = MAX_SMALL_BODY;
	reg_setup_common(c, h, errbuf);
	curl_easy_setopt(h, CURLOPT_URL, rq->url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, rs);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, reg_on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, rs);
	if (!strcmp(rq->method, "HEAD")) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (fd >= 0) {
		if (lseek(fd, 0, SEEK_SET) < 0)
			return pea_err_set(err, errno, "rewind upload");
		curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read_fd);
		curl_easy_setopt(h, CURLOPT_READDATA, &fd);
		curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)rq->fd_size);
	} else if (strcmp(rq->method, "GET")) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->data ? rq->data : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->len);
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, rq->method);
	}
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK)
		return reg_transport_error(h, rc, errbuf, rq->url, err);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &rs->status);
	return 0;
}

/* ---- authentication ---- */

/* Value of `key` in a challenge's parameters (key="value", ...). */
static char *challenge_param(const char *ch, const char *key)
{
	size_t k = strlen(key);
	const char *p = ch;

	while ((p = strcasestr(p, key))) {
		bool starts = p == ch || p[-1] == ' ' || p[-1] == ',';

		p += k;
		if (!starts || *p != '=')
			continue;
		p++;
		if (*p == '"') {
			const char *end = strchr(p + 1, '"');

			return end ? xstrndup(p + 1, (size_t)(end - p - 1)) : NULL;
		}
		return xstrndup(p, strcspn(p, ", "));
	}
	return NULL;
}

static int auth_failed(struct reg_client *c, struct pea_err **err)
{
	if (c->user)
		return pea_err_setk(err, PEA_E_AUTH, 0, "%s: invalid username or password",
				    c->domain);
	return pea_err_setk(err, PEA_E_AUTH, 0, "%s: authentication required", c->domain);
}

static char *basic_header(struct reg_client *c)
{
	cleanup_free char *plain = xasprintf("%s:%s", c->user, c->pass);
	cleanup_free char *enc = auth_b64_encode(plain, strlen(plain));

	return xasprintf("Authorization: Basic %s", enc);
}

/* Append "&key=value" (value URL-escaped) to a token URL. */
static void add_query(struct strbuf *url, CURL *h, const char *key, const char *value)
{
	char *esc = curl_easy_escape(h, value, 0);

	strbuf_addf(url, "%c%s=%s", strchr(url->buf, '?') ? '&' : '?', key, esc ? esc : "");
	curl_free(esc);
}

/* The token request: the challenge's service and scope, and our own scope
 * (none for a bare /v2/ ping, where the repository path is empty). */
static char *token_url(struct reg_client *c, CURL *h, const char *realm, const char *challenge)
{
	cleanup_free char *service = challenge_param(challenge, "service");
	cleanup_free char *scope = challenge_param(challenge, "scope");
	struct strbuf url = STRBUF_INIT;

	strbuf_addstr(&url, realm);
	if (service)
		add_query(&url, h, "service", service);
	if (c->path[0])
		add_query(&url, h, "scope", c->scope);
	if (scope && (!c->path[0] || strcmp(scope, c->scope)))
		add_query(&url, h, "scope", scope);
	return strbuf_detach(&url, NULL);
}

static int fetch_token(struct reg_client *c, const char *challenge, struct pea_err **err)
{
	cleanup_free char *realm = challenge_param(challenge, "realm");
	cleanup_free char *basic = c->user ? basic_header(c) : NULL;
	cleanup_curl CURL *h = curl_easy_init();
	cleanup_free char *url = NULL;
	cleanup_json struct json_object *o = NULL;
	struct reg_resp rs = { .body = STRBUF_INIT };
	struct reg_req rq = { .method = "GET", .fd = -1 };
	struct json_object *tok;
	int r = -1;

	if (!realm || !h || strncmp(realm, "http", 4))
		return pea_err_setk(err, PEA_E_AUTH, 0, "%s: bad bearer challenge '%s'", c->domain,
				    challenge);
	url = token_url(c, h, realm, challenge);
	rq.url = url;
	if (do_once(c, &rq, false, basic, &rs, err) < 0)
		goto out;
	if (rs.status == 401 || rs.status == 403) {
		auth_failed(c, err);
		goto out;
	}
	o = rs.status == 200 ? json_tokener_parse(rs.body.buf) : NULL;
	if (!o || (!json_object_object_get_ex(o, "token", &tok) &&
		   !json_object_object_get_ex(o, "access_token", &tok)) ||
	    !json_object_is_type(tok, json_type_string)) {
		pea_err_setk(err, PEA_E_AUTH, 0, "%s: token request to '%s' failed (HTTP %ld)",
			     c->domain, realm, rs.status);
		goto out;
	}
	free(c->auth_header);
	c->auth_header = xasprintf("Authorization: Bearer %s", json_object_get_string(tok));
	r = 0;
out:
	reg_resp_release(&rs);
	strbuf_release(&rs.body);
	return r;
}

/* React to a 401's WWW-Authenticate. */
int reg_authenticate(struct reg_client *c, const char *challenge, struct pea_err **err)
{
	if (!challenge)
		return auth_failed(c, err);
	if (!strncasecmp(challenge, "Bearer ", 7))
		return fetch_token(c, challenge, err);
	if (!strncasecmp(challenge, "Basic", 5)) {
		if (!c->user || c->auth_header)
			return auth_failed(c, err);
		c->auth_header = basic_header(c);
		return 0;
	}
	return pea_err_setk(err, PEA_E_AUTH, 0, "%s: unsupported authentication scheme in '%s'",
			    c->domain, challenge);
}

/* One exchange, authenticating and retrying once when challenged. */
static int do_request(struct reg_client *c, const struct reg_req *rq, struct reg_resp *rs,
		      struct pea_err **err)
{
	if (do_once(c, rq, true, NULL, rs, err) < 0)
		return -1;
	if (rs->status != 401)
		return 0;
	if (reg_authenticate(c, rs->www_auth, err) < 0 || do_once(c, rq, true, NULL, rs, err) < 0)
		return -1;
	/* A fresh token that still does not do: the token server did not grant
	 * the scope (a pull-only account or anonymous token pushing). */
	if (rs->status == 401 && rs->www_auth && strcasestr(rs->www_auth, "insufficient_scope"))
		return pea_err_setk(err, PEA_E_AUTH, 0, "%s: access denied: insufficient scope "
				    "(token does not grant '%s')", c->domain, c->scope);
	if (rs->status == 401)
		return auth_failed(c, err);
	return 0;
}

/* The registry's own message ({"errors":[{"message":...}]}) or the status. */
int reg_http_error(struct reg_client *c, const struct reg_resp *rs, const char *what,
		   struct pea_err **err)
{
	cleanup_json struct json_object *o = NULL;
	struct json_object *errs, *m;
	const char *msg = NULL;
	enum pea_err_kind kind = PEA_E_GENERIC;

	if (rs->body.len && rs->body.len < 65536)
		o = json_tokener_parse(rs->body.buf);
	if (o && json_object_object_get_ex(o, "errors", &errs) &&
	    json_object_is_type(errs, json_type_array) && json_object_array_length(errs) > 0 &&
	    json_object_object_get_ex(json_object_array_get_idx(errs, 0), "message", &m) &&
	    json_object_is_type(m, json_type_string))
		msg = json_object_get_string(m);
	if (rs->status == 401)
		return auth_failed(c, err);
	if (rs->status == 403)
		kind = PEA_E_AUTH;
	if (rs->status == 404)
		kind = PEA_E_NOT_FOUND;
	if (!msg && rs->status == 404)
		msg = "not found";
	if (msg)
		return pea_err_setk(err, kind, 0, "%s: %s", what, msg);
	return pea_err_setk(err, kind, 0, "%s: HTTP status %ld", what, rs->status);
}

/* ---- client ---- */

static int client_creds(struct reg_client *c, const struct img_registry_opts *opts,
			struct pea_err **err)
{
	int r;

	if (opts && opts->creds)
		return auth_parse_creds(opts->creds, &c->user, &c->pass, err);
	r = auth_lookup(opts ? opts->authfile : NULL, opts ? opts->uid : 0, c->domain, &c->user,
			&c->pass, err);
	return r < 0 ? -1 : 0;
}

/* With --tls-verify=false podman talks https without verification when the
 * registry speaks TLS, and plain http otherwise: ask once which it is. */
static bool speaks_https(const char *host)
{
	cleanup_free char *url = xasprintf("https://%s/v2/", host);
	CURL *h = curl_easy_init();
	CURLcode rc;

	if (!h)
		return false;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(h);
	curl_easy_cleanup(h);
	return rc == CURLE_OK;
}

struct reg_client *reg_client_new(const char *domain, const char *path,
				  const struct img_registry_opts *opts, bool push,
				  struct pea_err **err)
{
	struct reg_client *c = xcalloc(1, sizeof(*c));
	const char *host = domain;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	/* docker.io's API lives on registry-1.docker.io */
	if (!strcmp(domain, "docker.io"))
		host = "registry-1.docker.io";
	c->domain = xstrdup(domain);
	c->path = xstrdup(path);
	c->tls_verify = opts ? opts->tls_verify : 1;
	c->base = xasprintf("%s://%s", c->tls_verify || speaks_https(host) ? "https" : "http",
			    host);
	c->scope = xasprintf("repository:%s:%s", path, push ? "pull,push" : "pull");
	strbuf_init(&c->ca, 0);
	if (client_creds(c, opts, err) < 0 ||
	    load_certs(c, opts ? opts->cert_dir : NULL, err) < 0) {
		reg_client_free(c);
		return NULL;
	}
	return c;
}

void reg_client_free(struct reg_client *c)
{
	if (!c)
		return;
	free(c->domain);
	free(c->path);
	free(c->base);
	free(c->scope);
	free(c->user);
	free(c->pass);
	free(c->auth_header);
	strbuf_release(&c->ca);
	free(c->client_cert);
	free(c->client_key);
	free(c);
}

int reg_ping(struct reg_client *c, struct pea_err **err)
{
	cleanup_free char *url = xasprintf("%s/v2/", c->base);
	struct reg_resp rs = { .body = STRBUF_INIT };
	struct reg_req rq = { .method = "GET", .url = url, .fd = -1 };
	int r = do_request(c, &rq, &rs, err);

	if (r == 0 && rs.status != 200)
		r = reg_http_error(c, &rs, c->domain, err);
	reg_resp_release(&rs);
	strbuf_release(&rs.body);
	return r;
}

static int check_manifest_digest(const char *reference, const struct strbuf *body,
				 char digest[DIGEST_MAX], struct pea_err **err)
{
	char algo[16];

	if (digest_validate(reference, NULL) < 0) {
		digest_buf(body->buf, body->len, digest);
		return 0;
	}
	digest_algo(reference, algo);
	{
		struct digester *dg = digester_new(algo);

		digester_update(dg, body->buf, body->len);
		digester_final(dg, digest);
		digester_free(dg);
	}
	if (strcmp(digest, reference))
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "manifest digest mismatch: expected %s, got %s", reference, digest);
	return 0;
}

int reg_get_manifest(struct reg_client *c, const char *reference, struct strbuf *body,
		     char **content_type, char digest[DIGEST_MAX], struct pea_err **err)
{
	cleanup_free char *url = xasprintf("%s/v2/%s/manifests/%s", c->base, c->path, reference);
	cleanup_free char *what = xasprintf("reading manifest %s in %s/%s", reference,
					    c->domain, c->path);
	struct reg_resp rs = { .body = STRBUF_INIT };
	struct reg_req rq = {
		.method = "GET", .url = url, .fd = -1,
		.accept = MT_OCI_MANIFEST ", " MT_OCI_INDEX ", " MT_DOCKER_MANIFEST ", "
			  MT_DOCKER_LIST,
	};
	int r = do_request(c, &rq, &rs, err);

	if (r < 0)
		pea_err_wrap(err, "%s", what);
	else if (rs.status != 200)
		r = reg_http_error(c, &rs, what, err);
	else if ((r = check_manifest_digest(reference, &rs.body, digest, err)) == 0) {
		strbuf_add(body, rs.body.buf, rs.body.len);
		if (content_type)
			*content_type = steal_ptr(rs.content_type);
	}
	reg_resp_release(&rs);
	strbuf_release(&rs.body);
	return r;
}

int reg_blob_exists(struct reg_client *c, const char *digest, struct pea_err **err)
{
	cleanup_free char *url = xasprintf("%s/v2/%s/blobs/%s", c->base, c->path, digest);
	struct reg_resp rs = { .body = STRBUF_INIT };
	struct reg_req rq = { .method = "HEAD", .url = url, .fd = -1 };
	int r = do_request(c, &rq, &rs, err);

	if (r == 0)
		r = rs.status == 200 ? 1 : rs.status == 404 ? 0
			: reg_http_error(c, &rs, "check blob", err);
	reg_resp_release(&rs);
	strbuf_release(&rs.body);
	return r;
}

/* Absolute URL for a Location header. */
static char *resolve_location(struct reg_client *c, const char *loc)
{
	if (!strncmp(loc, "http://", 7) || !strncmp(loc, "https://", 8))
		return xstrdup(loc);
	if (loc[0] == '/')
		return xasprintf("%s%s", c->base, loc);
	return xasprintf("%s/v2/%s/blobs/uploads/%s", c->base, c->path, loc);
}

int reg_put_blob(struct reg_client *c, const char *digest, int fd, int64_t size,
		 struct pea_err **err)
{
	cleanup_free char *url = xasprintf("%s/v2/%s/blobs/uploads/", c->base, c->path);
	cleanup_free char *put_url = NULL;
	cleanup_free char *what = xasprintf("upload blob %s to %s/%s", digest, c->domain, c->path);
	struct reg_resp rs = { .body = STRBUF_INIT };
	struct reg_req rq = { .method = "POST", .url = url, .fd = -1 };
	int r = do_request(c, &rq, &rs, err);

	if (r == 0 && (rs.status != 202 || !rs.location))
		r = reg_http_error(c, &rs, what, err);
	if (r == 0) {
		cleanup_free char *loc = resolve_location(c, rs.location);

		put_url = xasprintf("%s%sdigest=%s", loc, strchr(loc, '?') ? "&" : "?", digest);
		rq = (struct reg_req){ .method = "PUT", .url = put_url, .fd = fd, .fd_size = size,
				       .content_type = "application/octet-stream" };
		r = do_request(c, &rq, &rs, err);
		if (r == 0 && rs.status != 201 && rs.status != 204)
			r = reg_http_error(c, &rs, what, err);
	}
	if (r < 0)
		pea_err_wrap(err, "%s", what);
	reg_resp_release(&rs);
	strbuf_release(&rs.body);
	return r;
}

int reg_put_manifest(struct reg_client *c, const char *reference, const char *media_type,
		     const void *data, size_t len, struct pea_err **err)
{
	cleanup_free char *url = xasprintf("%s/v2/%s/manifests/%s", c->base, c->path, reference);
	cleanup_free char *what = xasprintf("write manifest %s to %s/%s", reference, c->domain,
					    c->path);
	struct reg_resp rs = { .body = STRBUF_INIT };
	struct reg_req rq = { .method = "PUT", .url = url, .fd = -1, .data = data, .len = len,
			      .content_type = media_type };
	int r = do_request(c, &rq, &rs, err);

	if (r < 0)
		pea_err_wrap(err, "%s", what);
	else if (rs.status != 201 && rs.status != 200)
		r = reg_http_error(c, &rs, what, err);
	reg_resp_release(&rs);
	strbuf_release(&rs.body);
	return r;
}
