/* nftables for peapod: masquerade and published ports in `table inet peapod`.
 *
 * Layout of the table:
 *
 *   base chains  prerouting   type nat hook prerouting priority dstnat
 *                output       type nat hook output priority -100
 *                postrouting  type nat hook postrouting priority srcnat
 *                forward      type filter hook forward priority filter
 *                (all policy accept: they only jump)
 *
 *   per network  net-<name>     masquerade of the subnets going elsewhere
 *                               (unless internal), of DNATed traffic from
 *                               the subnet back into it (hairpin: a pod
 *                               reaching its own or a neighbour's published
 *                               port, ct status dnat), and of 127.0.0.0/8
 *                               leaving through the bridge (published ports
 *                               reached over the host's 127.0.0.1); jumped
 *                               to from postrouting.
 *                netfwd-<name>  forward accept for the bridge (internal
 *                               networks: drop to and from other links);
 *                               jumped to from forward.
 *                Both jumps carry the comment "net:<name>".  Two chains, not
 *                one, because a chain with masquerade cannot be reached
 *                from a filter chain.
 *
 *   per owner    pod-<owner first 12>  DNAT rules, one per published port
 *                               (or identity range) and family, each with the
 *                               comment "<proto> <host ip or *> <first>-<last>";
 *                               jumped to from prerouting and output with
 *                               `fib daddr type local` and the comment <owner>.
 *
 * Teardown finds its jumps by their comment in a JSON listing (libnftables'
 * JSON output, parsed with json-c), deletes them by handle, flushes and
 * deletes the chains, and deletes the table in the same transaction when no
 * jump is left, so that nothing of peapod stays in the kernel.
 *
 * Port conflicts are detected here, from the comments of the other owners'
 * DNAT rules, under the firewall lock (see firewall.h).
 *
 * 127.0.0.1: the output chain DNATs the host's own connections; the kernel
 * routes a 127.0.0.0/8 source out of a non-loopback link only with
 * route_localnet on that link, which is set on the bridge only (not "all"),
 * and the net-<name> chain masquerades those sources to the bridge address.
 *
 * Commands are nft's text syntax, built from checked pieces only (names of
 * [A-Za-z0-9_.-], addresses that inet_pton accepts, numbers). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <nftables/libnftables.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/io.h"
#include "base/json.h"
#include "base/lockfile.h"
#include "base/log.h"
#include "base/parse.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "network/firewall.h"

#include "base/banned.h"

#define FW_TABLE "inet peapod"
#define FW_OWNER_CHAIN_LEN 12

static const char fw_base_cmds[] =
	"add table " FW_TABLE "\n"
	"add chain " FW_TABLE " prerouting { type nat hook prerouting priority dstnat; policy accept; }\n"
	"add chain " FW_TABLE " output { type nat hook output priority -100; policy accept; }\n"
	"add chain " FW_TABLE " postrouting { type nat hook postrouting priority srcnat; policy accept; }\n"
	"add chain " FW_TABLE " forward { type filter hook forward priority filter; policy accept; }\n";

static const char *const fw_base_chains[] = { "prerouting", "output", "postrouting", "forward" };

/* ---- checks on what goes into commands ---- */

static int check_name(const char *s, size_t max, const char *what, struct pea_err **err)
{
	size_t i, len = s ? strlen(s) : 0;

	if (len == 0 || len > max)
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid %s '%s'", what, s ? s : "");
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return pea_err_setk(err, PEA_E_INVALID, 0, "invalid %s '%s'", what, s);
	}
	return 0;
}

/* Interface names: what the kernel takes (< 16 bytes, no '/', no blanks),
 * and no quotes since they are quoted in rules. */
static int check_ifname(const char *s, struct pea_err **err)
{
	size_t len = s ? strlen(s) : 0;

	if (len == 0 || len >= 16 || strpbrk(s, "/\"' \t\n\\:") || !strcmp(s, ".") ||
	    !strcmp(s, ".."))
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid bridge name '%s'",
				    s ? s : "");
	return 0;
}

/* 4 or 6 for an address of that family, 0 for anything else. */
static int addr_family(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	if (!s || !*s)
		return 0;
	if (inet_pton(AF_INET, s, buf) == 1)
		return 4;
	if (inet_pton(AF_INET6, s, buf) == 1)
		return 6;
	return 0;
}

/* 4 or 6 for "addr/prefix"; -1 with *err otherwise. */
static int cidr_family(const char *s, struct pea_err **err)
{
	const char *slash = s ? strchr(s, '/') : NULL;
	cleanup_free char *addr = NULL;
	int fam, prefix;

	if (!slash)
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid subnet '%s'", s ? s : "");
	addr = xstrndup(s, (size_t)(slash - s));
	fam = addr_family(addr);
	if (!fam || parse_int(slash + 1, 0, fam == 4 ? 32 : 128, &prefix, "prefix", NULL) < 0)
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid subnet '%s'", s);
	return fam;
}

/* ---- running nft ---- */

/* Run cmds in one transaction; with out, list in JSON with handles. */
static int nft_exec(struct pea_ctx *ctx, const char *cmds, struct strbuf *out,
		    struct pea_err **err)
{
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
	int rc;

	if (!nft)
		return pea_err_set(err, ENOMEM, "create nftables context");
	nft_ctx_buffer_output(nft);
	nft_ctx_buffer_error(nft);
	if (out)
		nft_ctx_output_set_flags(nft, NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_HANDLE);
	log_debug(&ctx->log, "nft: %s", cmds);
	rc = nft_run_cmd_from_buffer(nft, cmds);
	if (rc) {
		const char *e = nft_ctx_get_error_buffer(nft);
		size_t len;

		if (!e || !*e)
			e = "unknown error";
		if (!strncmp(e, "Error: ", 7))
			e += 7;
		len = strcspn(e, "\n");
		pea_err_set(err, 0, "nftables: %.*s", (int)len, e);
		nft_ctx_free(nft);
		return -1;
	}
	if (out)
		strbuf_addstr(out, nft_ctx_get_output_buffer(nft));
	nft_ctx_free(nft);
	return 0;
}

/* ---- the table as it is ---- */

struct fw_rule {
	char *chain;
	char *comment;    /* may be NULL */
	char *target;     /* chain of a jump rule, else NULL */
	int64_t handle;
};

struct fw_state {
	bool exists;
	struct fw_rule *rules;
	size_t n_rules, alloc_rules;
	char **chains;
	size_t n_chains, alloc_chains;
};

static void fw_state_release(struct fw_state *st)
{
	size_t i;

	for (i = 0; i < st->n_rules; i++) {
		free(st->rules[i].chain);
		free(st->rules[i].comment);
		free(st->rules[i].target);
	}
	free(st->rules);
	for (i = 0; i < st->n_chains; i++)
		free(st->chains[i]);
	free(st->chains);
	memset(st, 0, sizeof(*st));
}

#define cleanup_fw_state __attribute__((cleanup(fw_state_release)))

static const char *json_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* The target of a rule's jump statement, if it has one. */
static const char *jump_target(struct json_object *rule)
{
	struct json_object *expr, *j;
	size_t i, n;

	if (!json_object_object_get_ex(rule, "expr", &expr) ||
	    !json_object_is_type(expr, json_type_array))
		return NULL;
	n = json_object_array_length(expr);
	for (i = 0; i < n; i++)
		if (json_object_object_get_ex(json_object_array_get_idx(expr, i), "jump", &j))
			return json_str(j, "target");
	return NULL;
}

static void fw_state_add(struct fw_state *st, struct json_object *item)
{
	struct json_object *o, *h;
	const char *chain, *name;

	if (json_object_object_get_ex(item, "chain", &o) && (name = json_str(o, "name"))) {
		ALLOC_GROW(st->chains, st->n_chains + 1, st->alloc_chains);
		st->chains[st->n_chains++] = xstrdup(name);
	} else if (json_object_object_get_ex(item, "rule", &o) && (chain = json_str(o, "chain")) &&
		   json_object_object_get_ex(o, "handle", &h)) {
		struct fw_rule *r;
		const char *comment = json_str(o, "comment"), *target = jump_target(o);

		ALLOC_GROW(st->rules, st->n_rules + 1, st->alloc_rules);
		r = &st->rules[st->n_rules++];
		r->chain = xstrdup(chain);
		r->comment = comment ? xstrdup(comment) : NULL;
		r->target = target ? xstrdup(target) : NULL;
		r->handle = json_object_get_int64(h);
	}
}

static int fw_state_load(struct pea_ctx *ctx, struct fw_state *st, struct pea_err **err)
{
	cleanup_strbuf struct strbuf out = STRBUF_INIT;
	cleanup_json struct json_object *root = NULL;
	struct json_object *items;
	struct pea_err *e = NULL;
	size_t i, n;

	memset(st, 0, sizeof(*st));
	if (nft_exec(ctx, "list table " FW_TABLE, &out, &e) < 0) {
		if (strstr(e->msg, "No such file or directory")) {
			pea_err_free(e);
			return 0;
		}
		pea_err_pass(err, e);
		return pea_err_wrap(err, "list table 'inet peapod'");
	}
	root = json_tokener_parse(out.buf);
	if (!root || !json_object_object_get_ex(root, "nftables", &items) ||
	    !json_object_is_type(items, json_type_array))
		return pea_err_set(err, 0, "parse the listing of table '%s'", FW_TABLE);
	st->exists = true;
	n = json_object_array_length(items);
	for (i = 0; i < n; i++)
		fw_state_add(st, json_object_array_get_idx(items, i));
	return 0;
}

static bool fw_has_chain(const struct fw_state *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->n_chains; i++)
		if (!strcmp(st->chains[i], name))
			return true;
	return false;
}

static bool is_base_chain(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(fw_base_chains) / sizeof(fw_base_chains[0]); i++)
		if (!strcmp(name, fw_base_chains[i]))
			return true;
	return false;
}

/* Append deletions of the jumps whose comment is tag; returns their count.
 * *left gets the number of jumps that stay. */
static size_t fw_del_jumps(const struct fw_state *st, const char *tag, struct strbuf *cmds,
			   size_t *left)
{
	size_t i, n = 0;

	*left = 0;
	for (i = 0; i < st->n_rules; i++) {
		const struct fw_rule *r = &st->rules[i];

		if (!is_base_chain(r->chain))
			continue;
		if (r->comment && !strcmp(r->comment, tag)) {
			strbuf_addf(cmds, "delete rule %s %s handle %lld\n", FW_TABLE, r->chain,
				    (long long)r->handle);
			n++;
		} else {
			(*left)++;
		}
	}
	return n;
}

static void fw_del_chain(const struct fw_state *st, const char *chain, struct strbuf *cmds)
{
	if (!fw_has_chain(st, chain))
		return;
	strbuf_addf(cmds, "flush chain %s %s\ndelete chain %s %s\n", FW_TABLE, chain, FW_TABLE,
		    chain);
}

static int fw_lock(struct pea_ctx *ctx, struct pea_err **err)
{
	cleanup_free char *path = NULL;

	if (!ctx->runroot)
		return -2;      /* no run root: nothing to lock against */
	if (io_mkdir_p(ctx->runroot, 0700, err) < 0)
		return -1;
	path = path_join(ctx->runroot, "fw.lock");
	return lockfile_lock(path, err);
}

/* ---- sysctls ---- */

static int sysctl_write(const char *path, const char *value, bool only_if_zero,
			struct pea_err **err)
{
	if (only_if_zero) {
		struct strbuf cur = STRBUF_INIT;
		bool on;

		if (io_read_file(path, &cur, err) < 0)
			return -1;
		on = cur.buf[0] != '0';
		strbuf_release(&cur);
		if (on)
			return 0;
	}
	return io_write_existing(path, value, err);
}

/* ---- networks ---- */

static void net_rules(const struct net_config *nc, const char *chain, const char *fwd,
		      struct strbuf *cmds)
{
	bool v4 = false;
	size_t i;

	for (i = 0; i < nc->n_subnets; i++) {
		const char *s = nc->subnets[i].subnet;
		const char *ipx = strchr(s, ':') ? "ip6" : "ip";

		if (!strchr(s, ':'))
			v4 = true;
		if (!nc->internal)
			strbuf_addf(cmds, "add rule %s %s %s saddr %s %s daddr != %s masquerade\n",
				    FW_TABLE, chain, ipx, s, ipx, s);
		strbuf_addf(cmds, "add rule %s %s %s saddr %s %s daddr %s ct status dnat masquerade\n",
			    FW_TABLE, chain, ipx, s, ipx, s);
	}
	if (v4)
		strbuf_addf(cmds, "add rule %s %s ip saddr 127.0.0.0/8 oifname \"%s\" masquerade\n",
			    FW_TABLE, chain, nc->bridge);
	if (nc->internal) {
		strbuf_addf(cmds, "add rule %s %s iifname \"%s\" oifname != \"%s\" drop\n",
			    FW_TABLE, fwd, nc->bridge, nc->bridge);
		strbuf_addf(cmds, "add rule %s %s oifname \"%s\" iifname != \"%s\" drop\n",
			    FW_TABLE, fwd, nc->bridge, nc->bridge);
	} else {
		strbuf_addf(cmds, "add rule %s %s oifname \"%s\" ct state established,related accept\n",
			    FW_TABLE, fwd, nc->bridge);
		strbuf_addf(cmds, "add rule %s %s oifname \"%s\" ct status dnat accept\n",
			    FW_TABLE, fwd, nc->bridge);
		strbuf_addf(cmds, "add rule %s %s iifname \"%s\" accept\n", FW_TABLE, fwd,
			    nc->bridge);
	}
	strbuf_addf(cmds, "add rule %s postrouting jump %s comment \"net:%s\"\n", FW_TABLE, chain,
		    nc->name);
	strbuf_addf(cmds, "add rule %s forward jump %s comment \"net:%s\"\n", FW_TABLE, fwd,
		    nc->name);
}

static int check_network(const struct net_config *nc, struct pea_err **err)
{
	size_t i;

	if (check_name(nc->name, 100, "network name", err) < 0 || check_ifname(nc->bridge, err) < 0)
		return -1;
	for (i = 0; i < nc->n_subnets; i++)
		if (cidr_family(nc->subnets[i].subnet, err) < 0)
			return -1;
	return 0;
}

static int enable_forwarding(const struct net_config *nc, struct pea_err **err)
{
	bool v4 = false, v6 = false;
	size_t i;

	if (nc->internal)
		return 0;
	for (i = 0; i < nc->n_subnets; i++)
		*(strchr(nc->subnets[i].subnet, ':') ? &v6 : &v4) = true;
	if (v4 && sysctl_write("/proc/sys/net/ipv4/ip_forward", "1", true, err) < 0)
		return -1;
	if (v6 && sysctl_write("/proc/sys/net/ipv6/conf/all/forwarding", "1", true, err) < 0)
		return -1;
	return 0;
}

int fw_network_setup(struct pea_ctx *ctx, const struct net_config *nc, struct pea_err **err)
{
	cleanup_fw_state struct fw_state st = { 0 };
	cleanup_strbuf struct strbuf cmds = STRBUF_INIT;
	cleanup_free char *chain = NULL, *fwd = NULL, *tag = NULL;
	cleanup_close int lock = -1;
	size_t n_jumps, left;

	if (check_network(nc, err) < 0)
		return pea_err_wrap(err, "set up the firewall of network '%s'", nc->name ? nc->name : "");
	chain = xasprintf("net-%s", nc->name);
	fwd = xasprintf("netfwd-%s", nc->name);
	tag = xasprintf("net:%s", nc->name);
	lock = fw_lock(ctx, err);
	if (lock == -1 || fw_state_load(ctx, &st, err) < 0 || enable_forwarding(nc, err) < 0)
		return pea_err_wrap(err, "set up the firewall of network '%s'", nc->name);

	strbuf_addstr(&cmds, fw_base_cmds);
	n_jumps = fw_del_jumps(&st, tag, &cmds, &left);
	if (n_jumps == 2 && fw_has_chain(&st, chain) && fw_has_chain(&st, fwd))
		return 0;       /* already there */
	strbuf_addf(&cmds, "add chain %s %s\nflush chain %s %s\n", FW_TABLE, chain, FW_TABLE, chain);
	strbuf_addf(&cmds, "add chain %s %s\nflush chain %s %s\n", FW_TABLE, fwd, FW_TABLE, fwd);
	net_rules(nc, chain, fwd, &cmds);
	if (nft_exec(ctx, cmds.buf, NULL, err) < 0)
		return pea_err_wrap(err, "set up the firewall of network '%s'", nc->name);
	return 0;
}

int fw_network_teardown(struct pea_ctx *ctx, const struct net_config *nc, struct pea_err **err)
{
	cleanup_fw_state struct fw_state st = { 0 };
	cleanup_strbuf struct strbuf cmds = STRBUF_INIT;
	cleanup_free char *chain = NULL, *fwd = NULL, *tag = NULL;
	cleanup_close int lock = -1;
	size_t left;

	if (check_name(nc->name, 100, "network name", err) < 0)
		return pea_err_wrap(err, "tear down the firewall of network '%s'",
				    nc->name ? nc->name : "");
	chain = xasprintf("net-%s", nc->name);
	fwd = xasprintf("netfwd-%s", nc->name);
	tag = xasprintf("net:%s", nc->name);
	lock = fw_lock(ctx, err);
	if (lock == -1 || fw_state_load(ctx, &st, err) < 0)
		return pea_err_wrap(err, "tear down the firewall of network '%s'", nc->name);
	if (!st.exists)
		return 0;
	fw_del_jumps(&st, tag, &cmds, &left);
	fw_del_chain(&st, chain, &cmds);
	fw_del_chain(&st, fwd, &cmds);
	if (left == 0)
		strbuf_addstr(&cmds, "delete table " FW_TABLE "\n");
	if (cmds.len && nft_exec(ctx, cmds.buf, NULL, err) < 0)
		return pea_err_wrap(err, "tear down the firewall of network '%s'", nc->name);
	return 0;
}

/* ---- published ports ---- */

struct port_spec {
	char proto[4];
	char host[64];          /* "*" for every address */
	unsigned first, last;
};

static bool host_is_any(const char *h)
{
	return !strcmp(h, "*") || !strcmp(h, "0.0.0.0") || !strcmp(h, "::");
}

static bool specs_overlap(const struct port_spec *a, const struct port_spec *b)
{
	if (strcmp(a->proto, b->proto) || a->last < b->first || b->last < a->first)
		return false;
	return host_is_any(a->host) || host_is_any(b->host) || !strcmp(a->host, b->host);
}

static bool parse_spec(const char *comment, struct port_spec *s)
{
	return comment && sscanf(comment, "%3s %63s %u-%u", s->proto, s->host, &s->first,
				 &s->last) == 4;
}

/* The owner whose jump leads to chain, for messages. */
static const char *chain_owner(const struct fw_state *st, const char *chain)
{
	size_t i;

	for (i = 0; i < st->n_rules; i++)
		if (st->rules[i].target && !strcmp(st->rules[i].target, chain) &&
		    st->rules[i].comment)
			return st->rules[i].comment;
	return chain + 4;
}

/* 1 if this owner already has spec, 0 if free, -1 (IN_USE) if another
 * owner publishes an overlapping one. */
static int port_check(const struct fw_state *st, const char *own_chain,
		      const struct port_spec *want, struct pea_err **err)
{
	size_t i;

	for (i = 0; i < st->n_rules; i++) {
		const struct fw_rule *r = &st->rules[i];
		struct port_spec have;

		if (strncmp(r->chain, "pod-", 4) || !parse_spec(r->comment, &have) ||
		    !specs_overlap(want, &have))
			continue;
		if (!strcmp(r->chain, own_chain)) {
			if (have.first == want->first && have.last == want->last &&
			    !strcmp(have.host, want->host))
				return 1;
			continue;
		}
		return pea_err_setk(err, PEA_E_IN_USE, 0, "port %u/%s is already published by pod %s",
				    want->first > have.first ? want->first : have.first, want->proto,
				    chain_owner(st, r->chain));
	}
	return 0;
}

static int check_port(const struct net_port *p, struct pea_err **err)
{
	unsigned range = p->range ? p->range : 1;

	if (strcmp(p->proto, "tcp") && strcmp(p->proto, "udp"))
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid protocol '%.4s'", p->proto);
	if (p->container_port == 0 || (unsigned)p->host_port + range - 1 > 65535 ||
	    (unsigned)p->container_port + range - 1 > 65535)
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid port range %u-%u:%u",
				    p->host_port, p->host_port + range - 1, p->container_port);
	if (p->host_ip[0] && !addr_family(p->host_ip))
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid host address '%.64s'",
				    p->host_ip);
	return 0;
}

/* One DNAT rule for host ports first..last of family fam; to_port 0 keeps the port. */
static void dnat_rule(struct strbuf *cmds, const char *chain, const struct port_spec *s,
		      int fam, const char *to, unsigned to_port)
{
	bool any = host_is_any(s->host);

	strbuf_addf(cmds, "add rule %s %s ", FW_TABLE, chain);
	if (any)
		strbuf_addf(cmds, "meta nfproto %s ", fam == 4 ? "ipv4" : "ipv6");
	else
		strbuf_addf(cmds, "%s daddr %s ", fam == 4 ? "ip" : "ip6", s->host);
	strbuf_addf(cmds, "%s dport %u", s->proto, s->first);
	if (s->last != s->first)
		strbuf_addf(cmds, "-%u", s->last);
	strbuf_addf(cmds, fam == 4 ? " dnat ip to %s" : " dnat ip6 to [%s]", to);
	if (to_port)
		strbuf_addf(cmds, ":%u", to_port);
	strbuf_addf(cmds, " comment \"%s %s %u-%u\"\n", s->proto, s->host, s->first, s->last);
}

/* Rules for one published port (range) to one address. */
static int port_rules(const struct fw_state *st, const char *chain, const struct net_port *p,
		      int fam, const char *to, struct strbuf *cmds, struct pea_err **err)
{
	unsigned range = p->range ? p->range : 1, i;
	int hfam = addr_family(p->host_ip);
	struct port_spec s = { 0 };
	int rc;

	if (hfam && hfam != fam)
		return 0;
	snprintf(s.proto, sizeof(s.proto), "%s", p->proto);
	snprintf(s.host, sizeof(s.host), "%s", p->host_ip[0] ? p->host_ip : "*");
	if (range == 1 || p->host_port == p->container_port) {
		s.first = p->host_port;
		s.last = p->host_port + range - 1;
		rc = port_check(st, chain, &s, err);
		if (rc == 0)
			dnat_rule(cmds, chain, &s, fam, to, range == 1 ? p->container_port : 0);
		return rc < 0 ? -1 : 0;
	}
	for (i = 0; i < range; i++) {
		s.first = s.last = p->host_port + i;
		rc = port_check(st, chain, &s, err);
		if (rc < 0)
			return -1;
		if (rc == 0)
			dnat_rule(cmds, chain, &s, fam, to, p->container_port + i);
	}
	return 0;
}

static bool needs_localnet(const struct net_port *ports, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ports[i].host_port && (!ports[i].host_ip[0] ||
		    !strcmp(ports[i].host_ip, "0.0.0.0") || !strncmp(ports[i].host_ip, "127.", 4)))
			return true;
	return false;
}

static int check_ports_args(const char *owner, const struct net_config *nc, const char *ip4,
			    const char *ip6, const struct net_port *ports, size_t n,
			    struct pea_err **err)
{
	size_t i;

	if (check_name(owner, 64, "owner", err) < 0 || check_ifname(nc->bridge, err) < 0)
		return -1;
	if ((ip4 && *ip4 && addr_family(ip4) != 4) || (ip6 && *ip6 && addr_family(ip6) != 6))
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid address '%s'",
				    ip4 && *ip4 && addr_family(ip4) != 4 ? ip4 : ip6);
	for (i = 0; i < n; i++)
		if (ports[i].host_port && check_port(&ports[i], err) < 0)
			return -1;
	return 0;
}

static int ports_cmds(const struct fw_state *st, const char *owner, const char *chain,
		      const char *ip4, const char *ip6, const struct net_port *ports, size_t n,
		      struct strbuf *cmds, struct pea_err **err)
{
	size_t i, left, body;

	strbuf_addstr(cmds, fw_base_cmds);
	strbuf_addf(cmds, "add chain %s %s\n", FW_TABLE, chain);
	body = cmds->len;
	for (i = 0; i < n; i++) {
		if (!ports[i].host_port)
			continue;
		if (ip4 && *ip4 && port_rules(st, chain, &ports[i], 4, ip4, cmds, err) < 0)
			return -1;
		if (ip6 && *ip6 && port_rules(st, chain, &ports[i], 6, ip6, cmds, err) < 0)
			return -1;
	}
	if (cmds->len == body)
		return 0;       /* nothing new */
	{
		struct strbuf none = STRBUF_INIT;

		if (fw_del_jumps(st, owner, &none, &left) == 0) {
			strbuf_addf(cmds, "add rule %s prerouting fib daddr type local jump %s comment \"%s\"\n",
				    FW_TABLE, chain, owner);
			strbuf_addf(cmds, "add rule %s output fib daddr type local jump %s comment \"%s\"\n",
				    FW_TABLE, chain, owner);
		}
		strbuf_release(&none);
	}
	return 1;
}

int fw_ports_add(struct pea_ctx *ctx, const char *owner, const struct net_config *nc,
		 const char *ip4, const char *ip6, const struct net_port *ports, size_t n,
		 struct pea_err **err)
{
	cleanup_fw_state struct fw_state st = { 0 };
	cleanup_strbuf struct strbuf cmds = STRBUF_INIT;
	cleanup_free char *chain = NULL;
	cleanup_close int lock = -1;
	int rc;

	if (check_ports_args(owner, nc, ip4, ip6, ports, n, err) < 0)
		return pea_err_wrap(err, "publish ports of '%s'", owner ? owner : "");
	chain = xasprintf("pod-%.*s", FW_OWNER_CHAIN_LEN, owner);
	lock = fw_lock(ctx, err);
	if (lock == -1 || fw_state_load(ctx, &st, err) < 0)
		return pea_err_wrap(err, "publish ports of '%s'", owner);
	rc = ports_cmds(&st, owner, chain, ip4, ip6, ports, n, &cmds, err);
	if (rc <= 0)
		return rc < 0 ? pea_err_wrap(err, "publish ports of '%s'", owner) : 0;
	if (ip4 && *ip4 && needs_localnet(ports, n)) {
		cleanup_free char *path = xasprintf("/proc/sys/net/ipv4/conf/%s/route_localnet",
						    nc->bridge);

		if (sysctl_write(path, "1", false, err) < 0)
			return pea_err_wrap(err, "publish ports of '%s'", owner);
	}
	if (nft_exec(ctx, cmds.buf, NULL, err) < 0)
		return pea_err_wrap(err, "publish ports of '%s'", owner);
	return 0;
}

int fw_owner_remove(struct pea_ctx *ctx, const char *owner, struct pea_err **err)
{
	cleanup_fw_state struct fw_state st = { 0 };
	cleanup_strbuf struct strbuf cmds = STRBUF_INIT;
	cleanup_free char *chain = NULL;
	cleanup_close int lock = -1;
	size_t left;

	if (check_name(owner, 64, "owner", err) < 0)
		return pea_err_wrap(err, "remove the firewall rules of '%s'", owner ? owner : "");
	chain = xasprintf("pod-%.*s", FW_OWNER_CHAIN_LEN, owner);
	lock = fw_lock(ctx, err);
	if (lock == -1 || fw_state_load(ctx, &st, err) < 0)
		return pea_err_wrap(err, "remove the firewall rules of '%s'", owner);
	if (!st.exists)
		return 0;
	fw_del_jumps(&st, owner, &cmds, &left);
	fw_del_chain(&st, chain, &cmds);
	if (left == 0)
		strbuf_addstr(&cmds, "delete table " FW_TABLE "\n");
	if (cmds.len && nft_exec(ctx, cmds.buf, NULL, err) < 0)
		return pea_err_wrap(err, "remove the firewall rules of '%s'", owner);
	return 0;
}

int fw_reset(struct pea_ctx *ctx, struct pea_err **err)
{
	cleanup_fw_state struct fw_state st = { 0 };
	cleanup_close int lock = -1;

	lock = fw_lock(ctx, err);
	if (lock == -1 || fw_state_load(ctx, &st, err) < 0)
		return pea_err_wrap(err, "reset the firewall");
	if (st.exists && nft_exec(ctx, "delete table " FW_TABLE, NULL, err) < 0)
		return pea_err_wrap(err, "reset the firewall");
	return 0;
}
