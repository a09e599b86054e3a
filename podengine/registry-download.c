/* Parallel blob downloads for reg_get_blobs() (see registry.h): up to
 * PARALLEL transfers at once through curl's multi interface, each streaming
 * into a blob writer that verifies the digest, with progress lines or bars
 * on stderr. */
#include "podengine/registry.h"
#include "podengine/registry-internal.h"
#include "podengine/blobstore.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

#define PARALLEL 4

struct xfer {
	struct reg_client *c;
	const struct reg_blob *blob;
	const char *root;
	char *url;
	CURL *h;
	struct curl_slist *hdrs;
	struct blob_writer *w;
	struct reg_resp rs;        /* headers, and the body of an error */
	struct pea_err *werr;      /* the blob writer's error */
	char errbuf[CURL_ERROR_SIZE];
	bool retried, done, skipped;
};

static size_t on_blob_data(char *data, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;
	long code = 0;

	curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 300 && code < 400)
		return n;
	if (code != 200) {
		if (x->rs.body.len + n <= x->rs.max_body)
			strbuf_add(&x->rs.body, data, n);
		return n;
	}
	if (blob_writer_write(x->w, data, n, &x->werr) < 0)
		return 0;
	return n;
}

static void xfer_stop(struct xfer *x, CURLM *m)
{
	if (x->h) {
		curl_multi_remove_handle(m, x->h);
		curl_easy_cleanup(x->h);
		x->h = NULL;
	}
	curl_slist_free_all(x->hdrs);
	x->hdrs = NULL;
	blob_writer_abort(x->w);
	x->w = NULL;
}

static int xfer_start(struct xfer *x, CURLM *m, struct pea_err **err)
{
	x->w = blob_writer_new(x->root, x->blob->digest, x->blob->size, err);
	if (!x->w)
		return -1;
	x->h = curl_easy_init();
	if (!x->h)
		return pea_err_set(err, 0, "cannot initialise curl");
	x->hdrs = reg_request_headers(x->c, NULL, true);
	reg_resp_release(&x->rs);
	x->rs.max_body = 65536;
	x->errbuf[0] = '\0';
	reg_setup_common(x->c, x->h, x->errbuf);
	curl_easy_setopt(x->h, CURLOPT_URL, x->url);
	curl_easy_setopt(x->h, CURLOPT_HTTPHEADER, x->hdrs);
	curl_easy_setopt(x->h, CURLOPT_WRITEFUNCTION, on_blob_data);
	curl_easy_setopt(x->h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->h, CURLOPT_HEADERFUNCTION, reg_on_header);
	curl_easy_setopt(x->h, CURLOPT_HEADERDATA, &x->rs);
	curl_easy_setopt(x->h, CURLOPT_PRIVATE, x);
	if (curl_multi_add_handle(m, x->h) != CURLM_OK)
		return pea_err_set(err, 0, "cannot start download of '%s'", x->url);
	return 0;
}

/* A transfer ended: commit the blob, retry once after a challenge, or fail. */
static int xfer_finish(struct xfer *x, CURLM *m, CURLcode rc, struct pea_err **err)
{
	cleanup_free char *what = xasprintf("fetch blob %s", x->blob->digest);
	struct blob_writer *w;

	curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &x->rs.status);
	if (x->werr) {
		if (err)
			*err = steal_ptr(x->werr);
		return pea_err_wrap(err, "%s", what);
	}
	if (rc != CURLE_OK)
		return reg_transport_error(x->h, rc, x->errbuf, x->url, err);
	if (x->rs.status == 401 && !x->retried) {
		cleanup_free char *challenge = steal_ptr(x->rs.www_auth);

		x->retried = true;
		xfer_stop(x, m);
		if (reg_authenticate(x->c, challenge, err) < 0)
			return -1;
		return xfer_start(x, m, err);
	}
	if (x->rs.status != 200)
		return reg_http_error(x->c, &x->rs, what, err);
	w = steal_ptr(x->w);
	xfer_stop(x, m);
	if (blob_writer_commit(w, NULL, err) < 0)
		return pea_err_wrap(err, "%s", what);
	x->done = true;
	return 0;
}

static void human_size(int64_t n, char *buf, size_t len)
{
	if (n < 0)
		snprintf(buf, len, "?");
	else if (n < 1024)
		snprintf(buf, len, "%lldB", (long long)n);
	else if (n < 1024 * 1024)
		snprintf(buf, len, "%.1fKiB", (double)n / 1024);
	else if (n < 1024LL * 1024 * 1024)
		snprintf(buf, len, "%.1fMiB", (double)n / (1024 * 1024));
	else
		snprintf(buf, len, "%.2fGiB", (double)n / (1024.0 * 1024 * 1024));
}

static void bar_line(const struct xfer *x, struct strbuf *sb)
{
	char have[32], total[32], bar[31];
	int64_t got = x->w ? blob_writer_size(x->w) : 0;
	size_t fill = 0;

	strbuf_addf(sb, "\r\033[KCopying blob %.12s ", digest_hex(x->blob->digest));
	if (x->skipped) {
		strbuf_addstr(sb, "skipped: already exists\n");
		return;
	}
	if (x->done) {
		strbuf_addstr(sb, "done\n");
		return;
	}
	human_size(got, have, sizeof(have));
	human_size(x->blob->size, total, sizeof(total));
	if (x->blob->size > 0)
		fill = (size_t)(got * 30 / x->blob->size);
	for (size_t i = 0; i < 30; i++)
		bar[i] = i < fill ? '=' : (i == fill ? '>' : ' ');
	bar[30] = '\0';
	strbuf_addf(sb, "[%s] %s / %s\n", x->h ? bar : "                              ", have,
		    total);
}

/* Redraw every bar (at most ten times a second unless `force`). */
static void progress_bars(struct xfer *xs, size_t n, bool first, bool force,
			  struct timespec *last)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!first && !force && (now.tv_sec - last->tv_sec) * 1000 +
					(now.tv_nsec - last->tv_nsec) / 1000000 < 100)
		return;
	*last = now;
	if (!first)
		strbuf_addf(&sb, "\033[%zuA", n);
	for (size_t i = 0; i < n; i++)
		bar_line(&xs[i], &sb);
	xwrite_all(STDERR_FILENO, sb.buf, sb.len);
}

static void progress_line(const struct xfer *x, enum reg_progress p)
{
	if (p == REG_PROGRESS_LINES)
		fprintf(stderr, "Copying blob %s%s\n", x->blob->digest,
			x->skipped ? " skipped: already exists" : "");
}

/* Start transfers up to PARALLEL at a time; returns how many run, or -1. */
static int fill_slots(struct xfer *xs, size_t n, size_t *next, int active, CURLM *m,
		      enum reg_progress p, struct pea_err **err)
{
	for (; active < PARALLEL && *next < n; (*next)++) {
		struct xfer *x = &xs[*next];

		if (x->done)
			continue;
		if (xfer_start(x, m, err) < 0)
			return -1;
		progress_line(x, p);
		active++;
	}
	return active;
}

static int run_transfers(struct xfer *xs, size_t n, CURLM *m, enum reg_progress p,
			 struct pea_err **err)
{
	struct timespec last = { 0, 0 };
	size_t next = 0;
	int active = 0, still;

	if (p == REG_PROGRESS_BARS)
		progress_bars(xs, n, true, true, &last);
	for (;;) {
		CURLMsg *msg;
		int left;

		active = fill_slots(xs, n, &next, active, m, p, err);
		if (active <= 0)
			return active;
		curl_multi_perform(m, &still);
		while ((msg = curl_multi_info_read(m, &left))) {
			struct xfer *x = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
			if (xfer_finish(x, m, msg->data.result, err) < 0)
				return -1;
			if (x->done)
				active--;
		}
		if (p == REG_PROGRESS_BARS)
			progress_bars(xs, n, false, false, &last);
		curl_multi_poll(m, NULL, 0, 200, NULL);
	}
}

int reg_get_blobs(struct reg_client *c, const char *blob_root, const struct reg_blob *blobs,
		  size_t n, enum reg_progress progress, struct pea_err **err)
{
	struct xfer *xs = xcalloc(n ? n : 1, sizeof(*xs));
	CURLM *m = curl_multi_init();
	struct timespec last = { 0, 0 };
	int r;

	for (size_t i = 0; i < n; i++) {
		xs[i] = (struct xfer){ .c = c, .blob = &blobs[i], .root = blob_root };
		strbuf_init(&xs[i].rs.body, 0);
		xs[i].url = xasprintf("%s/v2/%s/blobs/%s", c->base, c->path, blobs[i].digest);
		xs[i].skipped = xs[i].done = blob_exists(blob_root, blobs[i].digest);
		if (xs[i].skipped)
			progress_line(&xs[i], progress);
	}
	r = m ? run_transfers(xs, n, m, progress, err)
	      : pea_err_set(err, 0, "cannot initialise curl");
	if (r == 0 && progress == REG_PROGRESS_BARS)
		progress_bars(xs, n, false, true, &last);
	for (size_t i = 0; i < n; i++) {
		xfer_stop(&xs[i], m);
		reg_resp_release(&xs[i].rs);
		strbuf_release(&xs[i].rs.body);
		pea_err_free(xs[i].werr);
		free(xs[i].url);
	}
	if (m)
		curl_multi_cleanup(m);
	free(xs);
	return r < 0 ? -1 : 0;
}
