#include "network/ipam.h"
#include "network/network.h"
#include "base/cleanup.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "podengine/state.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

typedef unsigned __int128 u128;

static int family_bits(int family)
{
	return family == AF_INET ? 32 : 128;
}

static u128 prefix_value(const struct ipam_prefix *p)
{
	int nbytes = p->family == AF_INET ? 4 : 16;
	u128 v = 0;

	for (int i = 0; i < nbytes; i++)
		v = (v << 8) | p->addr[i];
	return v;
}

static void prefix_set_value(struct ipam_prefix *p, u128 v)
{
	int nbytes = p->family == AF_INET ? 4 : 16;

	for (int i = nbytes - 1; i >= 0; i--, v >>= 8)
		p->addr[i] = (unsigned char)(v & 0xff);
}

static u128 host_mask(int family, int len)
{
	int hb = family_bits(family) - len;

	return hb >= 128 ? ~(u128)0 : (((u128)1 << hb) - 1);
}

int ipam_prefix_parse(const char *s, struct ipam_prefix *p, struct pea_err **err)
{
	cleanup_free char *a = xstrdup(s);
	char *slash = strchr(a, '/');
	int max;

	memset(p, 0, sizeof(*p));
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, a, p->addr) == 1)
		p->family = AF_INET;
	else if (inet_pton(AF_INET6, a, p->addr) == 1)
		p->family = AF_INET6;
	else
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid ip address '%s'", s);
	max = family_bits(p->family);
	p->len = max;
	if (slash) {
		char *end;
		long l;

		errno = 0;
		l = strtol(slash + 1, &end, 10);
		if (!slash[1] || *end || errno || l < 0 || l > max)
			return pea_err_setk(err, PEA_E_INVALID, 0, "invalid prefix length in '%s'", s);
		p->len = (int)l;
	}
	return 0;
}

void ipam_prefix_mask(struct ipam_prefix *p)
{
	prefix_set_value(p, prefix_value(p) & ~host_mask(p->family, p->len));
}

void ipam_prefix_format(const struct ipam_prefix *p, bool with_len, char out[64])
{
	char a[INET6_ADDRSTRLEN] = "";

	inet_ntop(p->family, p->addr, a, sizeof(a));
	if (with_len)
		snprintf(out, 64, "%s/%d", a, p->len);
	else
		snprintf(out, 64, "%s", a);
}

bool ipam_prefix_overlap(const struct ipam_prefix *a, const struct ipam_prefix *b)
{
	int len = a->len < b->len ? a->len : b->len;
	u128 m;

	if (a->family != b->family)
		return false;
	m = ~host_mask(a->family, len);
	return (prefix_value(a) & m) == (prefix_value(b) & m);
}

bool ipam_prefix_contains(const struct ipam_prefix *p, const struct ipam_prefix *addr)
{
	return p->family == addr->family && p->len <= addr->len && ipam_prefix_overlap(p, addr);
}

void ipam_prefix_nth(const struct ipam_prefix *p, unsigned long long n, char out[64])
{
	struct ipam_prefix q = *p;

	prefix_set_value(&q, (prefix_value(p) & ~host_mask(p->family, p->len)) + n);
	ipam_prefix_format(&q, false, out);
}

static bool overlaps_any(const struct ipam_prefix *c, const struct ipam_prefix *used, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ipam_prefix_overlap(c, &used[i]))
			return true;
	return false;
}

int ipam_pick_subnet4(const struct ipam_prefix *used, size_t n, char out[64],
		      struct pea_err **err)
{
	static const struct { unsigned char a, b0, b1; } ranges[] = {
		{ 10, 88, 88 }, { 10, 89, 89 }, { 172, 16, 31 }, { 192, 168, 168 },
	};

	for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++)
		for (int b = ranges[r].b0; b <= ranges[r].b1; b++)
			for (int c = 0; c < 256; c++) {
				struct ipam_prefix p = { .family = AF_INET, .len = 24 };

				p.addr[0] = ranges[r].a;
				p.addr[1] = (unsigned char)b;
				p.addr[2] = (unsigned char)c;
				if (!overlaps_any(&p, used, n)) {
					ipam_prefix_format(&p, true, out);
					return 0;
				}
			}
	return pea_err_set(err, 0, "no free private ipv4 subnet left");
}

int ipam_pick_subnet6(const char *net_id, const struct ipam_prefix *used, size_t n,
		      char out[64], struct pea_err **err)
{
	struct ipam_prefix p = { .family = AF_INET6, .len = 64 };

	p.addr[0] = 0xfd;
	for (int i = 0; i < 5 && net_id[2 * i] && net_id[2 * i + 1]; i++) {
		char hex[3] = { net_id[2 * i], net_id[2 * i + 1], 0 };

		p.addr[1 + i] = (unsigned char)strtoul(hex, NULL, 16);
	}
	for (unsigned sub = 0; sub < 65536; sub++) {
		p.addr[6] = (unsigned char)(sub >> 8);
		p.addr[7] = (unsigned char)(sub & 0xff);
		if (!overlaps_any(&p, used, n)) {
			ipam_prefix_format(&p, true, out);
			return 0;
		}
	}
	return pea_err_set(err, 0, "no free ipv6 subnet left");
}

/* ---- allocations ---- */

struct range {
	struct ipam_prefix net;   /* masked */
	u128 first, last;         /* offsets of the usable hosts */
	const char *gateway;      /* never handed out; may be NULL */
	u128 *used;               /* offsets taken (gateway included), sorted */
	size_t n_used, alloc;
};

static int range_init(struct range *r, const struct net_subnet *sn, struct pea_err **err)
{
	int hb;

	memset(r, 0, sizeof(*r));
	if (ipam_prefix_parse(sn->subnet, &r->net, err) < 0)
		return -1;
	ipam_prefix_mask(&r->net);
	hb = family_bits(r->net.family) - r->net.len;
	if (hb < 2)
		return pea_err_setk(err, PEA_E_INVALID, 0, "subnet '%s' is too small",
				    sn->subnet);
	r->gateway = sn->gateway;
	r->first = 1;
	if (r->net.family == AF_INET)
		r->last = host_mask(AF_INET, r->net.len) - 1;   /* no broadcast */
	else
		r->last = hb > 32 ? ((u128)1 << 32) : host_mask(AF_INET6, r->net.len);
	return 0;
}

/* Offset of the address `s` in the range, or -1 if outside it. */
static int range_offset(const struct range *r, const char *s, u128 *off)
{
	struct ipam_prefix a;

	if (ipam_prefix_parse(s, &a, NULL) < 0 || !ipam_prefix_contains(&r->net, &a))
		return -1;
	*off = prefix_value(&a) - prefix_value(&r->net);
	return 0;
}

static void range_add_used(struct range *r, const char *s)
{
	u128 off;

	if (range_offset(r, s, &off) < 0)
		return;
	ALLOC_GROW(r->used, r->n_used + 1, r->alloc);
	r->used[r->n_used++] = off;
}

static int cmp_u128(const void *a, const void *b)
{
	u128 x = *(const u128 *)a, y = *(const u128 *)b;

	return x < y ? -1 : x > y;
}

static int load_used(struct state *st, struct range *r, const char *network,
		     struct pea_err **err)
{
	cleanup_stmt sqlite3_stmt *s =
		state_prepare(st, "SELECT ip FROM ip_allocations WHERE network = ?;", err);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, network, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		range_add_used(r, (const char *)sqlite3_column_text(s, 0));
	if (rc != SQLITE_DONE)
		return state_error(st, err, "list ip allocations");
	if (r->gateway)
		range_add_used(r, r->gateway);
	qsort(r->used, r->n_used, sizeof(*r->used), cmp_u128);
	return 0;
}

static int pick_free(const struct range *r, u128 *out)
{
	u128 cand = r->first;

	for (size_t i = 0; i < r->n_used; i++) {
		if (r->used[i] == cand)
			cand++;
		else if (r->used[i] > cand)
			break;
	}
	if (cand > r->last)
		return -1;
	*out = cand;
	return 0;
}

static int check_network(struct state *st, const char *network, struct pea_err **err)
{
	cleanup_stmt sqlite3_stmt *s =
		state_prepare(st, "SELECT 1 FROM networks WHERE name = ?;", err);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, network, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return pea_err_setk(err, PEA_E_NOT_FOUND, 0, "no network '%s'", network);
	return state_error(st, err, "look up network");
}

static int insert_alloc(struct state *st, const char *network, const char *ip,
			const char *owner, struct pea_err **err)
{
	cleanup_stmt sqlite3_stmt *s = state_prepare(
		st, "INSERT INTO ip_allocations (network, ip, owner) VALUES (?, ?, ?);", err);

	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, network, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, ip, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, owner, -1, SQLITE_STATIC);
	return state_step_done(st, s, err);
}

/* One attempt in one transaction: read, choose, insert, commit. */
static int alloc_once(struct state *st, struct range *r, const char *network,
		      const char *owner, const char *static_ip, char out[64],
		      struct pea_err **err)
{
	struct ipam_prefix a = r->net;
	u128 off;

	if (state_begin(st, err) < 0)
		return -1;
	r->n_used = 0;
	if (check_network(st, network, err) < 0 || load_used(st, r, network, err) < 0)
		goto fail;
	if (static_ip) {
		if (range_offset(r, static_ip, &off) < 0 || off < r->first || off > r->last ||
		    (r->gateway && !strcmp(static_ip, r->gateway))) {
			pea_err_setk(err, PEA_E_INVALID, 0, "ip address '%s' is not in subnet '%s'",
				     static_ip, network);
			goto fail;
		}
	} else if (pick_free(r, &off) < 0) {
		char sn[64];

		ipam_prefix_format(&r->net, true, sn);
		pea_err_set(err, 0, "no free ip address in subnet '%s' of network '%s'", sn,
			    network);
		goto fail;
	}
	prefix_set_value(&a, prefix_value(&r->net) + off);
	a.len = family_bits(a.family);
	ipam_prefix_format(&a, false, out);
	if (insert_alloc(st, network, out, owner, err) < 0 || state_commit(st, err) < 0)
		goto fail;
	return 0;
fail:
	state_rollback(st);
	return -1;
}

int ipam_alloc(struct pea_ctx *ctx, const char *network, const struct net_subnet *sn,
	       const char *owner, const char *static_ip, char out[64], struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	struct range r;
	int rc = -1;

	if (!st || range_init(&r, sn, err) < 0)
		return -1;
	for (int attempt = 0; attempt < 16; attempt++) {
		struct pea_err *e = NULL;

		if (alloc_once(st, &r, network, owner, static_ip, out, &e) == 0) {
			rc = 0;
			break;
		}
		if (!pea_err_is(e, PEA_E_EXISTS) || static_ip || attempt == 15) {
			if (pea_err_is(e, PEA_E_EXISTS) && static_ip)
				pea_err_setk(err, PEA_E_EXISTS, 0,
					     "ip address '%s' is already allocated in network '%s'",
					     static_ip, network);
			else if (err)
				*err = steal_ptr(e);
			pea_err_free(e);
			break;
		}
		pea_err_free(e);
	}
	free(r.used);
	if (rc < 0)
		return pea_err_wrap(err, "allocate an ip address");
	return 0;
}

int ipam_release_owner(struct pea_ctx *ctx, const char *owner, struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_stmt sqlite3_stmt *s = NULL;

	if (!st)
		return -1;
	s = state_prepare(st, "DELETE FROM ip_allocations WHERE owner = ?;", err);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, owner, -1, SQLITE_STATIC);
	if (state_step_done(st, s, err) < 0)
		return pea_err_wrap(err, "release the ip addresses of '%s'", owner);
	return 0;
}

int ipam_release(struct pea_ctx *ctx, const char *network, const char *owner,
		 struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_stmt sqlite3_stmt *s = NULL;

	if (!st)
		return -1;
	s = state_prepare(st, "DELETE FROM ip_allocations WHERE network = ? AND owner = ?;", err);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, network, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, owner, -1, SQLITE_STATIC);
	if (state_step_done(st, s, err) < 0)
		return pea_err_wrap(err, "release the ip addresses of '%s' in network '%s'", owner,
				    network);
	return 0;
}

/* Column 0 of every row of `sql` (with up to two text parameters; NULL
 * parameters are bound as NULL). */
static int query_strv(struct pea_ctx *ctx, const char *sql, const char *p1, const char *p2,
		      char ***out, struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_stmt sqlite3_stmt *s = NULL;
	cleanup_strv char **v = NULL;
	int rc;

	if (!st || !(s = state_prepare(st, sql, err)))
		return -1;
	if (p1)
		sqlite3_bind_text(s, 1, p1, -1, SQLITE_STATIC);
	if (p2)
		sqlite3_bind_text(s, 2, p2, -1, SQLITE_STATIC);
	v = xcalloc(1, sizeof(*v));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		strv_push(&v, (const char *)sqlite3_column_text(s, 0));
	if (rc != SQLITE_DONE)
		return state_error(st, err, "list ip allocations");
	*out = steal_ptr(v);
	return 0;
}

int ipam_owner_networks(struct pea_ctx *ctx, const char *owner, char ***out,
			struct pea_err **err)
{
	return query_strv(ctx,
			  "SELECT DISTINCT network FROM ip_allocations WHERE owner = ?1"
			  " ORDER BY network;",
			  owner, NULL, out, err);
}

int ipam_network_owners(struct pea_ctx *ctx, const char *network, char ***out,
			struct pea_err **err)
{
	return query_strv(ctx,
			  "SELECT DISTINCT owner FROM ip_allocations"
			  " WHERE ?1 IS NULL OR network = ?1 ORDER BY owner;",
			  network, NULL, out, err);
}

int ipam_owner_addrs(struct pea_ctx *ctx, const char *owner, const char *network, char ***out,
		     struct pea_err **err)
{
	return query_strv(ctx,
			  "SELECT ip FROM ip_allocations WHERE owner = ?1 AND network = ?2"
			  " ORDER BY rowid;",
			  owner, network, out, err);
}
