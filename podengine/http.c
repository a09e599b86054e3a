/* Plain HTTP(S) through libcurl (http.h). */
#include "podengine/http.h"

#include <stdbool.h>

#include "base/cleanup.h"

#include "base/banned.h"

void http_setup_base(CURL *h, char *errbuf)
{
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#endif
	curl_easy_setopt(h, CURLOPT_USERAGENT, "peapod/0.1");
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
}

struct fetch {
	struct strbuf *sb;
	size_t start, max;
	bool over;
};

static size_t on_data(char *data, size_t size, size_t nmemb, void *arg)
{
	struct fetch *f = arg;
	size_t n = size * nmemb;

	if (f->sb->len - f->start + n > f->max) {
		f->over = true;
		return 0;   /* aborts the transfer */
	}
	strbuf_add(f->sb, data, n);
	return n;
}

static void curl_cleanupp(CURL **h)
{
	if (*h)
		curl_easy_cleanup(*h);
}

int http_fetch(const char *url, size_t max, long timeout_s, struct strbuf *sb,
	       struct pea_err **err)
{
	__attribute__((cleanup(curl_cleanupp))) CURL *h = curl_easy_init();
	char errbuf[CURL_ERROR_SIZE] = "";
	struct fetch f = { sb, sb->len, max, false };
	long status = 0;
	CURLcode rc;

	if (!h)
		return pea_err_set(err, 0, "fetch '%s': cannot initialise libcurl", url);
	http_setup_base(h, errbuf);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &f);
	rc = curl_easy_perform(h);
	if (f.over)
		return pea_err_setk(err, PEA_E_INVALID, 0, "'%s': larger than %zu MiB", url,
				    max >> 20);
	if (rc != CURLE_OK)
		return pea_err_set(err, 0, "fetch '%s': %s", url,
				   errbuf[0] ? errbuf : curl_easy_strerror(rc));
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 400)
		return pea_err_setk(err, status == 404 ? PEA_E_NOT_FOUND : PEA_E_GENERIC, 0,
				    "fetch '%s': HTTP status %ld", url, status);
	return 0;
}
