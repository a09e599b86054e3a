/* Network records: JSON documents in the table `networks`, the default
 * network, and the choice of subnets and bridge names for new networks. */
#include "network/network.h"
#include "network/ipam.h"
#include "network/net-internal.h"
#include "network/rtnl.h"
#include "base/cleanup.h"
#include "base/json.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "base/banned.h"

void net_config_release(struct net_config *nc)
{
	free(nc->name);
	free(nc->id);
	free(nc->driver);
	free(nc->bridge);
	for (size_t i = 0; i < nc->n_subnets; i++) {
		free(nc->subnets[i].subnet);
		free(nc->subnets[i].gateway);
	}
	free(nc->subnets);
	strv_free(nc->labels);
	memset(nc, 0, sizeof(*nc));
}

void net_config_list_free(struct net_config *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		net_config_release(&list[i]);
	free(list);
}

struct json_object *net_config_to_json(const struct net_config *nc)
{
	struct json_object *o = json_object_new_object();
	struct json_object *subs = json_object_new_array();
	struct json_object *labels = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(nc->name));
	json_object_object_add(o, "id", json_object_new_string(nc->id));
	json_object_object_add(o, "driver", json_object_new_string(nc->driver));
	json_object_object_add(o, "network_interface", json_object_new_string(nc->bridge));
	for (size_t i = 0; i < nc->n_subnets; i++) {
		struct json_object *s = json_object_new_object();

		json_object_object_add(s, "subnet", json_object_new_string(nc->subnets[i].subnet));
		if (nc->subnets[i].gateway)
			json_object_object_add(s, "gateway",
					       json_object_new_string(nc->subnets[i].gateway));
		json_object_array_add(subs, s);
	}
	json_object_object_add(o, "subnets", subs);
	json_object_object_add(o, "ipv6_enabled", json_object_new_boolean(nc->ipv6));
	json_object_object_add(o, "internal", json_object_new_boolean(nc->internal));
	json_object_object_add(o, "dns_enabled", json_object_new_boolean(nc->dns_enabled));
	for (char **l = nc->labels; l && *l; l++) {
		const char *eq = strchr(*l, '=');
		cleanup_free char *k = eq ? xstrndup(*l, (size_t)(eq - *l)) : xstrdup(*l);

		json_object_object_add(labels, k, json_object_new_string(eq ? eq + 1 : ""));
	}
	json_object_object_add(o, "labels", labels);
	json_object_object_add(o, "created", json_object_new_int64(nc->created));
	return o;
}

static int subnets_from_json(struct json_object *o, struct net_config *nc, struct pea_err **err)
{
	struct json_object *subs;
	size_t n;

	if (!json_object_object_get_ex(o, "subnets", &subs))
		return 0;
	if (!json_object_is_type(subs, json_type_array))
		return pea_err_setk(err, PEA_E_INVALID, 0, "network 'subnets' is not an array");
	n = json_object_array_length(subs);
	nc->subnets = xcalloc(n ? n : 1, sizeof(*nc->subnets));
	for (size_t i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(subs, i);

		nc->subnets[i].subnet = json_dup_str(s, "subnet");
		nc->subnets[i].gateway = json_dup_str(s, "gateway");
		nc->n_subnets++;
		if (!nc->subnets[i].subnet)
			return pea_err_setk(err, PEA_E_INVALID, 0, "network subnet without 'subnet'");
	}
	return 0;
}

int net_config_from_json(struct json_object *o, struct net_config *nc, struct pea_err **err)
{
	struct json_object *labels, *v;

	memset(nc, 0, sizeof(*nc));
	nc->name = json_dup_str(o, "name");
	nc->id = json_dup_str(o, "id");
	nc->driver = json_dup_str(o, "driver");
	nc->bridge = json_dup_str(o, "network_interface");
	if (!nc->name || !nc->id || !nc->driver || !nc->bridge) {
		net_config_release(nc);
		return pea_err_setk(err, PEA_E_INVALID, 0, "network config lacks a required field");
	}
	if (subnets_from_json(o, nc, err) < 0) {
		net_config_release(nc);
		return -1;
	}
	nc->ipv6 = json_get_bool(o, "ipv6_enabled", false);
	nc->internal = json_get_bool(o, "internal", false);
	nc->dns_enabled = json_get_bool(o, "dns_enabled", false);
	if (json_object_object_get_ex(o, "labels", &labels) &&
	    json_object_is_type(labels, json_type_object)) {
		nc->labels = xcalloc(1, sizeof(char *));
		json_object_object_foreach(labels, k, lv) {
			cleanup_free char *kv = xasprintf("%s=%s", k, json_object_get_string(lv));

			strv_push(&nc->labels, kv);
		}
	}
	if (json_object_object_get_ex(o, "created", &v))
		nc->created = json_object_get_int64(v);
	return 0;
}

static int config_from_text(const char *text, struct net_config *nc, struct pea_err **err)
{
	cleanup_json struct json_object *o = json_tokener_parse(text);

	if (!o)
		return pea_err_setk(err, PEA_E_INVALID, 0, "network config is not json");
	return net_config_from_json(o, nc, err);
}

int net_list_st(struct state *st, struct net_config **out, size_t *n, struct pea_err **err)
{
	cleanup_stmt sqlite3_stmt *s =
		state_prepare(st, "SELECT config FROM networks ORDER BY name;", err);
	struct net_config *list = NULL;
	size_t cnt = 0, alloc = 0;
	int rc;

	if (!s)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ALLOC_GROW(list, cnt + 1, alloc);
		if (config_from_text((const char *)sqlite3_column_text(s, 0), &list[cnt], err) < 0) {
			net_config_list_free(list, cnt);
			return -1;
		}
		cnt++;
	}
	if (rc != SQLITE_DONE) {
		net_config_list_free(list, cnt);
		return state_error(st, err, "list networks");
	}
	*out = list;
	*n = cnt;
	return 0;
}

int net_list(struct pea_ctx *ctx, struct net_config **out, size_t *n, struct pea_err **err)
{
	struct state *st = state_get(ctx, err);

	if (!st)
		return -1;
	return net_list_st(st, out, n, err);
}

int net_lookup(struct pea_ctx *ctx, const char *name, struct net_config *out,
	       struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_stmt sqlite3_stmt *s = NULL;
	int rc;

	if (!st || !(s = state_prepare(st, "SELECT config FROM networks WHERE name = ?;", err)))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE)
		return pea_err_setk(err, PEA_E_NOT_FOUND, 0, "network '%s' not found", name);
	if (rc != SQLITE_ROW)
		return state_error(st, err, "look up network");
	return config_from_text((const char *)sqlite3_column_text(s, 0), out, err);
}

bool net_exists(struct pea_ctx *ctx, const char *name)
{
	struct net_config nc;

	if (net_lookup(ctx, name, &nc, NULL) < 0)
		return false;
	net_config_release(&nc);
	return true;
}

/* ---- creation ---- */

static int valid_name(const char *s, struct pea_err **err)
{
	if (!isalnum((unsigned char)s[0]))
		goto bad;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			goto bad;
	if (strlen(s) <= 128)
		return 0;
bad:
	return pea_err_setk(err, PEA_E_INVALID, 0,
			    "invalid network name '%s': use [a-zA-Z0-9][a-zA-Z0-9_.-]*", s);
}

static int valid_ifname(const char *s, struct pea_err **err)
{
	if (!*s || strlen(s) >= IFNAMSIZ || strpbrk(s, " \t\n/:'\"") || !strcmp(s, ".") ||
	    !strcmp(s, ".."))
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid interface name '%s'", s);
	return 0;
}

static void random_id(char out[65])
{
	unsigned char b[32];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		/* never short for 32 bytes once the pool is ready; be safe */
		for (size_t i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)(rand() ^ (int)time(NULL));
	}
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

struct create_env {
	struct ipam_prefix *used;     /* host routes and addresses, then other networks */
	size_t n_used, alloc_used;
	char **host_ifs;              /* interface names on the host */
	struct net_config *nets;      /* existing networks */
	size_t n_nets;
};

static void env_release(struct create_env *e)
{
	free(e->used);
	strv_free(e->host_ifs);
	net_config_list_free(e->nets, e->n_nets);
}

static void env_add_used(struct create_env *e, const char *subnet)
{
	struct ipam_prefix p;

	if (ipam_prefix_parse(subnet, &p, NULL) < 0)
		return;
	ipam_prefix_mask(&p);
	ALLOC_GROW(e->used, e->n_used + 1, e->alloc_used);
	e->used[e->n_used++] = p;
}

static int env_host(struct create_env *e, struct pea_err **err)
{
	struct if_nameindex *ifs = if_nameindex();

	if (!ifs)
		return pea_err_set(err, errno, "list the host's interfaces");
	e->host_ifs = xcalloc(1, sizeof(char *));
	for (struct if_nameindex *i = ifs; i->if_index; i++)
		strv_push(&e->host_ifs, i->if_name);
	if_freenameindex(ifs);
	if (rtnl_used_prefixes(&e->used, &e->n_used, err) < 0)
		return -1;
	e->alloc_used = e->n_used;
	return 0;
}

static bool bridge_taken(const struct create_env *e, const char *name)
{
	if (strv_find(e->host_ifs, name) >= 0)
		return true;
	for (size_t i = 0; i < e->n_nets; i++)
		if (!strcmp(e->nets[i].bridge, name))
			return true;
	return false;
}

static bool name_taken(const struct create_env *e, const char *name)
{
	for (size_t i = 0; i < e->n_nets; i++)
		if (!strcmp(e->nets[i].name, name))
			return true;
	return false;
}

static int choose_bridge(const struct create_env *e, const struct net_create_opts *o,
			 struct net_config *nc, struct pea_err **err)
{
	if (o->bridge) {
		if (valid_ifname(o->bridge, err) < 0)
			return -1;
		if (bridge_taken(e, o->bridge))
			return pea_err_setk(err, PEA_E_EXISTS, 0, "interface '%s' is already in use",
					    o->bridge);
		nc->bridge = xstrdup(o->bridge);
		return 0;
	}
	for (int i = strcmp(nc->name, NET_DEFAULT_NAME) ? 1 : 0; i < 10000; i++) {
		cleanup_free char *b = xasprintf("peapod%d", i);

		if (!bridge_taken(e, b)) {
			nc->bridge = steal_ptr(b);
			return 0;
		}
	}
	return pea_err_set(err, 0, "no free bridge name");
}

static void add_subnet(struct net_config *nc, const char *subnet, const char *gateway)
{
	nc->subnets = xrealloc(nc->subnets, (nc->n_subnets + 1) * sizeof(*nc->subnets));
	nc->subnets[nc->n_subnets].subnet = xstrdup(subnet);
	nc->subnets[nc->n_subnets].gateway = xstrdup(gateway);
	nc->n_subnets++;
}

/* One subnet given by the user: normalise, check that nothing uses it yet. */
static int user_subnet(struct create_env *e, struct net_config *nc, const char *s,
		       const char *gw, struct pea_err **err)
{
	struct ipam_prefix p, g;
	char sn[64], gws[64];

	if (ipam_prefix_parse(s, &p, err) < 0)
		return -1;
	ipam_prefix_mask(&p);
	if (p.len > (p.family == AF_INET ? 30 : 126))
		return pea_err_setk(err, PEA_E_INVALID, 0, "subnet '%s' is too small", s);
	for (size_t i = 0; i < e->n_used; i++)
		if (ipam_prefix_overlap(&p, &e->used[i]))
			return pea_err_setk(err, PEA_E_EXISTS, 0,
					    "subnet '%s' is already used on the host or by another network", s);
	ipam_prefix_format(&p, true, sn);
	if (gw && *gw) {
		if (ipam_prefix_parse(gw, &g, err) < 0)
			return -1;
		if (!ipam_prefix_contains(&p, &g) || g.len != (g.family == AF_INET ? 32 : 128))
			return pea_err_setk(err, PEA_E_INVALID, 0,
					    "gateway '%s' is not in subnet '%s'", gw, sn);
		ipam_prefix_format(&g, false, gws);
	} else {
		ipam_prefix_nth(&p, 1, gws);
	}
	if (p.family == AF_INET6)
		nc->ipv6 = true;
	add_subnet(nc, sn, gws);
	env_add_used(e, sn);
	return 0;
}

static int auto_subnet(struct create_env *e, struct net_config *nc, int family,
		       struct pea_err **err)
{
	struct ipam_prefix p;
	char sn[64], gw[64];

	if (family == AF_INET ? ipam_pick_subnet4(e->used, e->n_used, sn, err)
			      : ipam_pick_subnet6(nc->id, e->used, e->n_used, sn, err))
		return -1;
	ipam_prefix_parse(sn, &p, NULL);
	ipam_prefix_nth(&p, 1, gw);
	add_subnet(nc, sn, gw);
	env_add_used(e, sn);
	return 0;
}

static int choose_subnets(struct create_env *e, const struct net_create_opts *o,
			  struct net_config *nc, struct pea_err **err)
{
	size_t ngw = strv_len(o->gateways);
	bool have4 = false, have6 = false;

	for (size_t i = 0; i < e->n_nets; i++)
		for (size_t j = 0; j < e->nets[i].n_subnets; j++)
			env_add_used(e, e->nets[i].subnets[j].subnet);
	for (size_t i = 0; o->subnets && o->subnets[i]; i++) {
		if (user_subnet(e, nc, o->subnets[i], i < ngw ? o->gateways[i] : NULL, err) < 0)
			return -1;
		if (strchr(nc->subnets[nc->n_subnets - 1].subnet, ':'))
			have6 = true;
		else
			have4 = true;
	}
	if (!have4 && !(o->subnets && o->subnets[0]) && auto_subnet(e, nc, AF_INET, err) < 0)
		return -1;
	if (o->ipv6 && !have6 && auto_subnet(e, nc, AF_INET6, err) < 0)
		return -1;
	if (o->ipv6 || have6)
		nc->ipv6 = true;
	return 0;
}

static int insert_network(struct state *st, const struct net_config *nc, struct pea_err **err)
{
	cleanup_json struct json_object *o = net_config_to_json(nc);
	struct pea_err *e = NULL;
	cleanup_stmt sqlite3_stmt *s = state_prepare(
		st, "INSERT INTO networks (name, id, config, created) VALUES (?, ?, ?, ?);", err);

	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, nc->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, nc->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), -1,
			  SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, nc->created);
	if (state_step_done(st, s, &e) == 0)
		return 0;
	if (pea_err_is(e, PEA_E_EXISTS)) {
		pea_err_free(e);
		return pea_err_setk(err, PEA_E_EXISTS, 0, "network '%s' already exists", nc->name);
	}
	return pea_err_pass(err, e);
}

/* Inside the transaction: names, subnets, bridge, then the row. */
static int create_in_tx(struct state *st, struct create_env *e, const struct net_create_opts *o,
			struct net_config *nc, struct pea_err **err)
{
	if (net_list_st(st, &e->nets, &e->n_nets, err) < 0)
		return -1;
	if (o->name && name_taken(e, o->name))
		return pea_err_setk(err, PEA_E_EXISTS, 0, "network '%s' already exists", o->name);
	for (int i = 1; !o->name; i++) {
		cleanup_free char *n = xasprintf("peapod%d", i);

		if (!name_taken(e, n)) {
			nc->name = steal_ptr(n);
			break;
		}
	}
	if (o->name)
		nc->name = xstrdup(o->name);
	if (choose_subnets(e, o, nc, err) < 0 || choose_bridge(e, o, nc, err) < 0)
		return -1;
	return insert_network(st, nc, err);
}

int net_create(struct pea_ctx *ctx, const struct net_create_opts *opts, struct net_config *out,
	       struct pea_err **err)
{
	struct net_config nc = { 0 };
	struct create_env e = { 0 };
	struct state *st = state_get(ctx, err);
	char id[65];
	int rc = -1;

	if (!st)
		return -1;
	if (opts->name && valid_name(opts->name, err) < 0)
		return -1;
	if (opts->driver && strcmp(opts->driver, "bridge"))
		return pea_err_setk(err, PEA_E_INVALID, 0, "unsupported network driver '%s'",
				    opts->driver);
	random_id(id);
	nc.id = xstrdup(id);
	nc.driver = xstrdup("bridge");
	nc.internal = opts->internal;
	nc.dns_enabled = !opts->disable_dns;
	nc.labels = opts->labels ? strv_dup(opts->labels) : xcalloc(1, sizeof(char *));
	nc.created = (int64_t)time(NULL);
	if (env_host(&e, err) < 0 || state_begin(st, err) < 0)
		goto out;
	if (create_in_tx(st, &e, opts, &nc, err) < 0 || state_commit(st, err) < 0) {
		state_rollback(st);
		goto out;
	}
	rc = 0;
out:
	env_release(&e);
	if (rc < 0) {
		net_config_release(&nc);
		return pea_err_wrap(err, "create network");
	}
	if (out)
		*out = nc;
	else
		net_config_release(&nc);
	return 0;
}

int net_default(struct pea_ctx *ctx, struct net_config *out, struct pea_err **err)
{
	struct net_create_opts o = { .name = NET_DEFAULT_NAME };
	struct pea_err *e = NULL;

	if (net_lookup(ctx, NET_DEFAULT_NAME, out, &e) == 0)
		return 0;
	if (!pea_err_is(e, PEA_E_NOT_FOUND))
		return pea_err_pass(err, e);
	pea_err_free(e);
	e = NULL;
	if (net_create(ctx, &o, out, &e) == 0)
		return 0;
	/* another peapod created it meanwhile */
	if (pea_err_is(e, PEA_E_EXISTS) && net_lookup(ctx, NET_DEFAULT_NAME, out, NULL) == 0) {
		pea_err_free(e);
		return 0;
	}
	return pea_err_pass(err, e);
}

int net_record_delete(struct pea_ctx *ctx, const char *name, struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	static const char *const sql[] = {
		"DELETE FROM ip_allocations WHERE network = ?;",
		"DELETE FROM pod_networks WHERE network = ?;",
		"DELETE FROM networks WHERE name = ?;",
	};

	if (!st || state_begin(st, err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		cleanup_stmt sqlite3_stmt *s = state_prepare(st, sql[i], err);

		if (!s)
			goto fail;
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		if (state_step_done(st, s, err) < 0)
			goto fail;
	}
	if (state_commit(st, err) < 0)
		goto fail;
	return 0;
fail:
	state_rollback(st);
	return pea_err_wrap(err, "remove network '%s'", name);
}

/* ---- port parsing ---- */

/* "80" or "80-85" */
static int parse_port_range(const char *s, uint16_t *start, uint16_t *count, const char *arg,
			    struct pea_err **err)
{
	unsigned long a, b;
	char *end;

	errno = 0;
	a = strtoul(s, &end, 10);
	b = a;
	if (end != s && *end == '-' && end[1])
		b = strtoul(end + 1, &end, 10);
	if (end == s || *end || errno || a < 1 || a > 65535 || b < a || b > 65535)
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid port '%s' in '%s'", s, arg);
	*start = (uint16_t)a;
	*count = (uint16_t)(b - a + 1);
	return 0;
}

/* Split "hostip:hostport" (hostip may be "[v6]" or a bare v4); hostport may be "". */
static int split_host(char *s, char **ip, char **port, const char *arg, struct pea_err **err)
{
	char *c;

	if (*s == '[') {
		c = strchr(s, ']');
		if (!c || c[1] != ':')
			return pea_err_setk(err, PEA_E_INVALID, 0, "invalid host address in '%s'", arg);
		*c = '\0';
		*ip = s + 1;
		*port = c + 2;
		return 0;
	}
	c = strrchr(s, ':');
	if (!c) {
		*ip = NULL;
		*port = s;
		return 0;
	}
	*c = '\0';
	*ip = s;
	*port = c + 1;
	return 0;
}

static int port_host_ip(const char *ip, struct net_port *out, const char *arg,
			struct pea_err **err)
{
	unsigned char buf[16];

	if (!ip || !*ip)
		return 0;
	if (inet_pton(AF_INET, ip, buf) != 1 && inet_pton(AF_INET6, ip, buf) != 1)
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid host ip '%s' in '%s'", ip, arg);
	snprintf(out->host_ip, sizeof(out->host_ip), "%s", ip);
	return 0;
}

int net_parse_port(const char *arg, struct net_port *out, struct pea_err **err)
{
	cleanup_free char *s = xstrdup(arg);
	char *slash = strrchr(s, '/'), *c, *ip = NULL, *hport = NULL;
	uint16_t hcount = 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->proto, sizeof(out->proto), "tcp");
	if (slash) {
		*slash = '\0';
		if (strcmp(slash + 1, "tcp") && strcmp(slash + 1, "udp"))
			return pea_err_setk(err, PEA_E_INVALID, 0, "invalid protocol in '%s'", arg);
		snprintf(out->proto, sizeof(out->proto), "%s", slash + 1);
	}
	c = strrchr(s, ':');
	if (c) {
		*c = '\0';
		if (split_host(s, &ip, &hport, arg, err) < 0)
			return -1;
	}
	if (parse_port_range(c ? c + 1 : s, &out->container_port, &out->range, arg, err) < 0 ||
	    port_host_ip(ip, out, arg, err) < 0)
		return -1;
	if (hport && *hport) {
		if (parse_port_range(hport, &out->host_port, &hcount, arg, err) < 0)
			return -1;
		if (hcount != out->range)
			return pea_err_setk(err, PEA_E_INVALID, 0,
					    "host and container port ranges differ in '%s'", arg);
	}
	return 0;
}
