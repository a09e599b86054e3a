/* /etc/hosts, /etc/resolv.conf and /etc/hostname for containers (see
 * etc-files.h), after podman's libnetwork/etchosts and resolvconf. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "podengine/etc-files.h"

#include "base/banned.h"

static int add_host_entry(struct strbuf *sb, const char *entry, struct pea_err **err)
{
	/* "name:ip"; IPv6 addresses contain ':' so split at the first one */
	const char *colon = strchr(entry, ':');
	cleanup_free char *names = NULL;
	unsigned char buf[sizeof(struct in6_addr)];
	const char *ip;

	if (!colon || colon == entry || !colon[1])
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid --add-host '%s': want host:ip",
				    entry);
	ip = colon + 1;
	if (inet_pton(AF_INET, ip, buf) != 1 && inet_pton(AF_INET6, ip, buf) != 1)
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid --add-host '%s': bad address",
				    entry);
	names = xstrndup(entry, (size_t)(colon - entry));
	for (char *p = names; *p; p++)
		if (*p == ';')
			*p = ' ';
	strbuf_addf(sb, "%s\t%s\n", ip, names);
	return 0;
}

char *etc_files_hosts(const struct etc_files_in *in, struct pea_err **err)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;

	if (in->net == ETC_NET_HOST) {
		struct pea_err *ignored = NULL;

		if (io_read_file(in->host_hosts ? in->host_hosts : "/etc/hosts", &sb,
				 &ignored) < 0)
			pea_err_free(ignored);
		if (sb.len && sb.buf[sb.len - 1] != '\n')
			strbuf_addch(&sb, '\n');
	} else {
		strbuf_addstr(&sb, "127.0.0.1\tlocalhost localhost.localdomain\n"
				   "::1\tlocalhost localhost.localdomain\n");
	}
	for (char *const *h = in->add_hosts; h && *h; h++)
		if (add_host_entry(&sb, *h, err) < 0)
			return NULL;
	if (in->hostname && *in->hostname)
		strbuf_addf(&sb, "%s\t%s\n", in->ip ? in->ip : "127.0.1.1", in->hostname);
	return strbuf_detach(&sb, NULL);
}

static bool is_loopback(const char *ip)
{
	struct in6_addr a6;

	if (!strncmp(ip, "127.", 4))
		return true;
	if (inet_pton(AF_INET6, ip, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return false;
}

struct resolv {
	char **servers, **search, **options;
};

static void resolv_release(struct resolv *r)
{
	strv_free(r->servers);
	strv_free(r->search);
	strv_free(r->options);
}

/* Append the whitespace separated words after the keyword. */
static void push_words(char ***v, char *rest)
{
	for (char *w = rest; *w;) {
		size_t n = strcspn(w, " \t\r");

		if (n) {
			cleanup_free char *word = xstrndup(w, n);

			strv_push(v, word);
		}
		w += n;
		w += strspn(w, " \t\r");
	}
}

static void parse_resolv(const char *text, struct resolv *r, bool keep_loopback)
{
	cleanup_free char *copy = xstrdup(text);
	char *line = copy, *next;

	for (; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line += strspn(line, " \t");
		if (!strncmp(line, "nameserver", 10) && (line[10] == ' ' || line[10] == '\t')) {
			cleanup_strv char **w = NULL;

			push_words(&w, line + 10);
			if (w && w[0] && (keep_loopback || !is_loopback(w[0])))
				strv_push(&r->servers, w[0]);
		} else if (!strncmp(line, "search", 6) && (line[6] == ' ' || line[6] == '\t')) {
			strv_free(r->search);      /* the last search line wins */
			r->search = NULL;
			push_words(&r->search, line + 6);
		} else if (!strncmp(line, "options", 7) && (line[7] == ' ' || line[7] == '\t')) {
			push_words(&r->options, line + 7);
		}
	}
}

static void add_line(struct strbuf *sb, const char *key, char *const *words)
{
	if (!words || !*words)
		return;
	strbuf_addstr(sb, key);
	for (; *words; words++)
		strbuf_addf(sb, " %s", *words);
	strbuf_addch(sb, '\n');
}

static void replace_resolv(struct resolv *r, const struct etc_files_in *in)
{
	if (in->dns_servers) {
		strv_free(r->servers);
		r->servers = strv_dup(in->dns_servers);
	}
	if (in->dns_search) {
		strv_free(r->search);
		r->search = NULL;
		for (char *const *s = in->dns_search; *s; s++)
			if (strcmp(*s, "."))
				strv_push(&r->search, *s);
	}
	if (in->dns_options) {
		strv_free(r->options);
		r->options = strv_dup(in->dns_options);
	}
}

/* "ndots:5" and "ndots" share the name "ndots". */
static bool same_option(const char *a, const char *b)
{
	size_t la = strcspn(a, ":"), lb = strcspn(b, ":");

	return la == lb && !strncmp(a, b, la);
}

/* The kubelet's merge of dnsConfig into the node's resolv.conf. */
static void merge_resolv(struct resolv *r, const struct etc_files_in *in)
{
	for (char *const *s = in->dns_servers; s && *s; s++)
		if (strv_find(r->servers, *s) < 0)
			strv_push(&r->servers, *s);
	for (char *const *s = in->dns_search; s && *s; s++)
		if (strcmp(*s, ".") && strv_find(r->search, *s) < 0)
			strv_push(&r->search, *s);
	for (char *const *o = in->dns_options; o && *o; o++) {
		char **old = r->options;

		r->options = NULL;
		for (char **p = old; p && *p; p++)
			if (!same_option(*p, *o))
				strv_push(&r->options, *p);
		strv_free(old);
		strv_push(&r->options, *o);
	}
}

char *etc_files_resolv(const struct etc_files_in *in, struct pea_err **err)
{
	const char *path = in->host_resolv ? in->host_resolv : "/etc/resolv.conf";
	cleanup_strbuf struct strbuf host = STRBUF_INIT;
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	struct pea_err *ignored = NULL;
	struct resolv r = { 0 };
	bool host_net = in->net == ETC_NET_HOST;

	if (io_read_file(path, &host, &ignored) < 0)
		pea_err_free(ignored);      /* no resolv.conf on the host: nothing to copy */
	if (host_net && !in->dns_servers && !in->dns_search && !in->dns_options)
		return strbuf_detach(&host, NULL);
	parse_resolv(host.buf, &r, host_net);
	if (in->dns_merge)
		merge_resolv(&r, in);
	else
		replace_resolv(&r, in);
	if (!host_net && in->dns_fallback && !(r.servers && r.servers[0]))
		strv_push(&r.servers, in->dns_fallback);
	add_line(&sb, "search", r.search);
	for (char **s = r.servers; s && *s; s++)
		strbuf_addf(&sb, "nameserver %s\n", *s);
	add_line(&sb, "options", r.options);
	resolv_release(&r);
	(void)err;
	return strbuf_detach(&sb, NULL);
}

static int write_one(const char *bundle, const char *name, const char *text,
		     struct pea_err **err)
{
	cleanup_free char *path = path_join(bundle, name);

	if (io_write_file_atomic(path, text, strlen(text), 0644, err) < 0)
		return pea_err_wrap(err, "write '%s'", name);
	return 0;
}

int etc_files_write(const struct etc_files_in *in, struct pea_err **err)
{
	cleanup_free char *hosts = etc_files_hosts(in, err);
	cleanup_free char *resolv = NULL;
	cleanup_free char *hostname = NULL;

	if (!hosts)
		return -1;
	resolv = etc_files_resolv(in, err);
	if (!resolv)
		return -1;
	hostname = xasprintf("%s\n", in->hostname ? in->hostname : "");
	if (write_one(in->bundle, "hosts", hosts, err) < 0 ||
	    write_one(in->bundle, "resolv.conf", resolv, err) < 0 ||
	    write_one(in->bundle, "hostname", hostname, err) < 0)
		return -1;
	return 0;
}
