/* A pod's networks: the check of `pod create --network` and connecting or
 * disconnecting a (stopped) pod to a network (pod.h). */
#include "podengine/pod.h"
#include "podengine/pod-internal.h"
#include "podengine/state.h"
#include "base/cleanup.h"
#include "base/json.h"
#include "base/strv.h"
#include "base/xalloc.h"

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

static int connect_locked(struct pea_ctx *ctx, struct pod_info *pi, const char *network,
			  bool connect, struct pea_err **err)
{
	if (strcmp(pod_spec_net_mode(&pi->spec), "bridge") || !pi->spec.infra ||
	    !pi->spec.share_net)
		return pea_err_setk(err, PEA_E_INVALID, 0, "pod '%s' is not on bridge networks "
				    "(network mode '%s')", pi->name, pod_spec_net_mode(&pi->spec));
	if (pi->netns || !strcmp(pi->state, "running"))
		return pea_err_setk(err, PEA_E_INVALID, 0, "pod '%s' is running: connecting or "
				    "disconnecting a running pod is not supported yet, stop it "
				    "first", pi->name);
	if (connect && strcmp(network, NET_DEFAULT_NAME) && !net_exists(ctx, network))
		return pea_err_setk(err, PEA_E_NOT_FOUND, 0, "unable to find network with name "
				    "or ID %s: network not found", network);
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
