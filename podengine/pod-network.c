/* A pod's networks: the check of `pod create --network` and connecting or
 * disconnecting a pod to a network (pod.h).  A stopped pod only changes its
 * spec; a running one is also attached (net_attach_one, a new pod_networks
 * row, its hosts file and its peers' refreshed) or detached right away. */
#include "podengine/pod.h"
#include "podengine/pod-internal.h"
#include "podengine/state.h"
#include "base/cleanup.h"
#include "base/json.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <stdio.h>
#include <string.h>

#include "base/banned.h"

static bool is_mode(const char *n)
{
	return !strcmp(n, "host") || !strcmp(n, "none") || !strncmp(n, "ns:", 3) ||
	       !strcmp(n, "private") || !strcmp(n, "slirp4netns") || !strncmp(n, "pasta", 5);
}

int pod_check_networks(struct pea_ctx *ctx, const struct pod_spec *s, struct pea_err **err)
{
	size_t n = strv_len(s->networks);

	for (size_t i = 0; i < n; i++) {
		const char *net = s->networks[i];

		if (!*net)
			return pea_err_setk(err, PEA_E_INVALID, 0, "empty network name");
		if (is_mode(net)) {
			if (strcmp(net, "host") && strcmp(net, "none") && strncmp(net, "ns:", 3))
				return pea_err_setk(err, PEA_E_INVALID, 0, "network mode '%s' is not "
						    "supported (bridge, host, none, ns:PATH or "
						    "network names)", net);
			if (n > 1)
				return pea_err_setk(err, PEA_E_INVALID, 0, "network mode '%s' cannot "
						    "be combined with other networks", net);
			if (!strncmp(net, "ns:", 3) && net[3] != '/')
				return pea_err_setk(err, PEA_E_INVALID, 0, "'%s': the namespace path "
						    "must be absolute", net);
			continue;
		}
		if (!strcmp(net, "bridge") || !strcmp(net, NET_DEFAULT_NAME))
			continue;
		if (!net_exists(ctx, net))
			return pea_err_setk(err, PEA_E_NOT_FOUND, 0, "unable to find network with "
					    "name or ID %s: network not found", net);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->networks[j], net))
				return pea_err_setk(err, PEA_E_INVALID, 0, "network '%s' given twice",
						    net);
	}
	return 0;
}

bool pod_uses_network(const struct pod_info *pi, const char *network)
{
	const char *mode = pod_spec_net_mode(&pi->spec);

	if (strcmp(mode, "bridge") || !pi->spec.infra || !pi->spec.share_net)
		return false;
	if (!pi->spec.networks || !pi->spec.networks[0])
		return !strcmp(network, NET_DEFAULT_NAME);
	for (char **n = pi->spec.networks; *n; n++) {
		const char *name = strcmp(*n, "bridge") ? *n : NET_DEFAULT_NAME;

		if (!strcmp(name, network))
			return true;
	}
	return false;
}

static int save_spec(struct pea_ctx *ctx, const struct pod_info *pi, struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_json struct json_object *js = pod_spec_to_json(&pi->spec);
	cleanup_stmt sqlite3_stmt *q = NULL;

	if (!st || !(q = state_prepare(st, "UPDATE pods SET spec = ?2 WHERE id = ?1;", err)))
		return -1;
	sqlite3_bind_text(q, 1, pi->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, json_object_to_json_string_ext(js, JSON_C_TO_STRING_PLAIN), -1,
			  SQLITE_TRANSIENT);
	return state_step_done(st, q, err);
}

/* The new list of networks of pi with `network` added or taken out. */
static int edit_networks(struct pod_info *pi, const char *network, bool connect,
			 struct pea_err **err)
{
	cleanup_strv char **nets = xcalloc(1, sizeof(char *));
	bool had = pod_uses_network(pi, network);

	if (connect && had)
		return pea_err_setk(err, PEA_E_EXISTS, 0, "pod '%s' is already connected to "
				    "network '%s'", pi->name, network);
	if (!connect && !had)
		return pea_err_setk(err, PEA_E_NOT_FOUND, 0, "pod '%s' is not connected to "
				    "network '%s'", pi->name, network);
	if (!pi->spec.networks || !pi->spec.networks[0])
		strv_push(&nets, NET_DEFAULT_NAME);
	for (char **n = pi->spec.networks; n && *n; n++) {
		const char *name = strcmp(*n, "bridge") ? *n : NET_DEFAULT_NAME;

		if (connect || strcmp(name, network))
			strv_push(&nets, name);
	}
	if (connect)
		strv_push(&nets, network);
	if (!nets[0])
		return pea_err_setk(err, PEA_E_INVALID, 0, "cannot disconnect pod '%s' from its "
				    "last network '%s'", pi->name, network);
	strv_free(pi->spec.networks);
	pi->spec.networks = steal_ptr(nets);
	return 0;
}

/* ---- a running pod -------------------------------------------------- */

/* What net_setup / net_attach_one gave the pod: its pod_networks rows. */
static int load_rows(struct pea_ctx *ctx, const char *pod_id, struct net_status *out,
		     struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_stmt sqlite3_stmt *q = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!st || !(q = state_prepare(st, "SELECT status FROM pod_networks WHERE pod_id = ? "
				       "ORDER BY rowid;", err)))
		return -1;
	sqlite3_bind_text(q, 1, pod_id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		cleanup_json struct json_object *o =
			json_tokener_parse((const char *)sqlite3_column_text(q, 0));
		struct net_status one;

		if (!o || net_status_from_json(o, &one, NULL) < 0)
			continue;
		out->ifaces = xrealloc(out->ifaces, (out->n + one.n + 1) * sizeof(*out->ifaces));
		memcpy(out->ifaces + out->n, one.ifaces, one.n * sizeof(*one.ifaces));
		out->n += one.n;
		free(one.ifaces);
	}
	if (rc != SQLITE_DONE) {
		net_status_release(out);
		return state_error(st, err, "list the networks of a pod");
	}
	return 0;
}

/* The lowest N with no interface "ethN" in the pod yet. */
static size_t free_ifindex(const struct net_status *rows)
{
	for (size_t idx = 0;; idx++) {
		char name[32];
		bool used = false;

		snprintf(name, sizeof(name), "eth%zu", idx);
		for (size_t i = 0; i < rows->n && !used; i++)
			used = rows->ifaces[i].ifname && !strcmp(rows->ifaces[i].ifname, name);
		if (!used)
			return idx;
	}
}

/* One row per interface, as pod start stores them (pod-lifecycle.c). */
static int store_row(struct pea_ctx *ctx, const char *pod_id, struct net_iface_status *ifc,
		     struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	struct net_status one = { ifc, 1 };
	cleanup_json struct json_object *js = net_status_to_json(&one);
	cleanup_stmt sqlite3_stmt *q = NULL;

	if (!st || !(q = state_prepare(st, "INSERT OR REPLACE INTO pod_networks (pod_id, "
				       "network, status) VALUES (?, ?, ?);", err)))
		return -1;
	sqlite3_bind_text(q, 1, pod_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, ifc->network, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, json_object_to_json_string_ext(js, JSON_C_TO_STRING_PLAIN), -1,
			  SQLITE_TRANSIENT);
	return state_step_done(st, q, err);
}

static int delete_row(struct pea_ctx *ctx, const char *pod_id, const char *network,
		      struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_stmt sqlite3_stmt *q = NULL;

	if (!st || !(q = state_prepare(st, "DELETE FROM pod_networks WHERE pod_id = ? AND "
				       "network = ?;", err)))
		return -1;
	sqlite3_bind_text(q, 1, pod_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, network, -1, SQLITE_STATIC);
	return state_step_done(st, q, err);
}

static int live_connect(struct pea_ctx *ctx, struct pod_info *pi, const char *network,
			struct pea_err **err)
{
	struct net_status rows, one = { xcalloc(1, sizeof(*one.ifaces)), 1 };
	int rc;

	if (edit_networks(pi, network, true, err) < 0 || load_rows(ctx, pi->id, &rows, err) < 0) {
		free(one.ifaces);
		return -1;
	}
	rc = net_attach_one(ctx, pi->id, pi->netns, network, free_ifindex(&rows), one.ifaces,
			    err);
	net_status_release(&rows);
	if (rc == 0 && (store_row(ctx, pi->id, one.ifaces, err) < 0 ||
			save_spec(ctx, pi, err) < 0)) {
		delete_row(ctx, pi->id, one.ifaces->network, NULL);
		net_detach_one(ctx, pi->id, one.ifaces->network, NULL);
		rc = -1;
	}
	net_status_release(&one);
	if (rc == 0)
		pod_ctr_changed(ctx, pi->id);   /* its hosts file and its peers' */
	return rc;
}

static int live_disconnect(struct pea_ctx *ctx, struct pod_info *pi, const char *network,
			   struct pea_err **err)
{
	const struct net_iface_status *hit = NULL;
	struct net_status rows;
	int rc = -1;

	if (edit_networks(pi, network, false, err) < 0 || load_rows(ctx, pi->id, &rows, err) < 0)
		return -1;
	for (size_t i = 0; i < rows.n; i++)
		if (rows.ifaces[i].network && !strcmp(rows.ifaces[i].network, network))
			hit = &rows.ifaces[i];
	/* eth0 holds the published ports' DNAT and usually the default route */
	if (hit && hit->ifname && !strcmp(hit->ifname, "eth0"))
		pea_err_setk(err, PEA_E_INVALID, 0, "pod '%s' is running: its first network '%s' "
			     "cannot be disconnected, stop the pod first", pi->name, network);
	else if (net_detach_one(ctx, pi->id, network, err) == 0 &&
		 delete_row(ctx, pi->id, network, err) == 0 && save_spec(ctx, pi, err) == 0)
		rc = 0;
	net_status_release(&rows);
	if (rc == 0)
		pod_ctr_changed(ctx, pi->id);
	return rc;
}

static int connect_locked(struct pea_ctx *ctx, struct pod_info *pi, const char *network,
			  bool connect, struct pea_err **err)
{
	if (strcmp(pod_spec_net_mode(&pi->spec), "bridge") || !pi->spec.infra ||
	    !pi->spec.share_net)
		return pea_err_setk(err, PEA_E_INVALID, 0, "pod '%s' is not on bridge networks "
				    "(network mode '%s')", pi->name, pod_spec_net_mode(&pi->spec));
	if (connect && strcmp(network, NET_DEFAULT_NAME) && !net_exists(ctx, network))
		return pea_err_setk(err, PEA_E_NOT_FOUND, 0, "unable to find network with name "
				    "or ID %s: network not found", network);
	if (pi->netns)
		return connect ? live_connect(ctx, pi, network, err)
			       : live_disconnect(ctx, pi, network, err);
	if (!strcmp(pi->state, "running"))
		return pea_err_setk(err, PEA_E_INVALID, 0, "pod '%s' is running without a network "
				    "namespace", pi->name);
	if (edit_networks(pi, network, connect, err) < 0)
		return -1;
	return save_spec(ctx, pi, err);
}

int pod_network_connect(struct pea_ctx *ctx, const char *name, const char *network,
			bool connect, struct pea_err **err)
{
	cleanup_close int lock = -1;
	struct pod_info first, pi;
	int rc;

	if (pod_lookup(ctx, name, &first, err) < 0)
		return -1;
	lock = pod_lock(ctx, first.id, err);
	rc = lock < 0 ? -1 : pod_lookup(ctx, first.id, &pi, err);
	if (rc == 0) {
		rc = connect_locked(ctx, &pi, network, connect, err);
		pod_info_release(&pi);
	}
	if (rc < 0)
		pea_err_wrap(err, "%s pod '%s'", connect ? "connect" : "disconnect", first.name);
	pod_info_release(&first);
	return rc;
}
