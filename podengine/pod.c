/* Pod records: create, lookup, list, remove, prune, the pod's /etc files
 * and the podman-shaped JSON (pod.h).  Lifecycle: pod-lifecycle.c. */
#include "podengine/pod.h"
#include "podengine/pod-internal.h"
#include "podengine/ctr-internal.h"
#include "podengine/etc-files.h"
#include "podengine/pod-volume.h"
#include "podengine/state.h"
#include "network/dns.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/json.h"
#include "base/lockfile.h"
#include "base/parse.h"
#include "base/strbuf.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

void pod_info_release(struct pod_info *pi)
{
	free(pi->id);
	free(pi->name);
	free(pi->infra_id);
	free(pi->state);
	free(pi->netns);
	free(pi->dir);
	free(pi->ip);
	pod_spec_release(&pi->spec);
	memset(pi, 0, sizeof(*pi));
	pod_spec_init(&pi->spec);
}

void pod_info_list_free(struct pod_info *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		pod_info_release(&list[i]);
	free(list);
}

/* ---- locks ------------------------------------------------------------ */

static char *lock_path(struct pea_ctx *ctx, const char *id, struct pea_err **err)
{
	cleanup_free char *name = xasprintf("pod-%s", id);

	return lockfile_path(ctx->runroot, name, err);
}

int pod_lock(struct pea_ctx *ctx, const char *id, struct pea_err **err)
{
	cleanup_free char *p = lock_path(ctx, id, err);

	return p ? lockfile_lock(p, err) : -1;
}

int pod_trylock(struct pea_ctx *ctx, const char *id, int ms)
{
	cleanup_free char *p = lock_path(ctx, id, NULL);

	return p ? lockfile_trylock(p, ms) : -1;
}

/* ---- rows ------------------------------------------------------------- */

#define COLS "id, name, infra_id, state, netns, created, spec"

static char *col_str(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? xstrdup((const char *)t) : NULL;
}

#if POD_NETWORK
/* The first IPv4 address net_setup gave the pod. */
static char *load_ip(struct pea_ctx *ctx, const char *id)
{
	struct state *st = state_get(ctx, NULL);
	cleanup_stmt sqlite3_stmt *s = NULL;
	char *ip = NULL;

	if (!st || !(s = state_prepare(st, "SELECT status FROM pod_networks WHERE pod_id = ? "
				       "ORDER BY rowid;", NULL)))
		return NULL;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	while (!ip && sqlite3_step(s) == SQLITE_ROW) {
		cleanup_json struct json_object *o =
			json_tokener_parse((const char *)sqlite3_column_text(s, 0));
		struct net_status ns = { 0 };
		size_t i;

		if (!o || net_status_from_json(o, &ns, NULL) < 0)
			continue;
		for (i = 0; i < ns.n && !ip; i++)
			if (ns.ifaces[i].ip4)
				ip = xstrdup(ns.ifaces[i].ip4);
		net_status_release(&ns);
	}
	return ip;
}

/* Every interface net_setup gave the pod (one pod_networks row each). */
static void load_status(struct pea_ctx *ctx, const char *id, struct net_status *out)
{
	struct state *st = state_get(ctx, NULL);
	cleanup_stmt sqlite3_stmt *s = NULL;

	memset(out, 0, sizeof(*out));
	if (!st || !(s = state_prepare(st, "SELECT status FROM pod_networks WHERE pod_id = ? "
				       "ORDER BY rowid;", NULL)))
		return;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		cleanup_json struct json_object *o =
			json_tokener_parse((const char *)sqlite3_column_text(s, 0));
		struct net_status ns = { 0 };

		if (!o || net_status_from_json(o, &ns, NULL) < 0)
			continue;
		out->ifaces = xrealloc(out->ifaces, (out->n + ns.n + 1) * sizeof(*out->ifaces));
		memcpy(out->ifaces + out->n, ns.ifaces, ns.n * sizeof(*ns.ifaces));
		out->n += ns.n;
		free(ns.ifaces);
	}
}

/* A running pod on bridge networks: (re)register its names for the other
 * pods of its networks (network/dns.c). */
static void dns_register(struct pea_ctx *ctx, const struct pod_info *pi, char *const *names,
			 const char *hosts_path)
{
	struct net_status ns;
	struct net_dns_rec rec = { .owner = pi->id, .hosts_path = hosts_path, .names = names };

	if (!pi->netns)
		return;
	load_status(ctx, pi->id, &ns);
	rec.status = &ns;
	if (ns.n)
		net_dns_register(ctx, &rec, NULL);
	net_status_release(&ns);
}
#endif

static int row_to_info(struct pea_ctx *ctx, sqlite3_stmt *s, struct pod_info *pi,
		       struct pea_err **err)
{
	cleanup_json struct json_object *spec = NULL;

	memset(pi, 0, sizeof(*pi));
	pod_spec_init(&pi->spec);
	pi->id = col_str(s, 0);
	pi->name = col_str(s, 1);
	pi->infra_id = col_str(s, 2);
	pi->state = col_str(s, 3);
	pi->netns = col_str(s, 4);
	pi->created = sqlite3_column_int64(s, 5);
	pi->dir = xasprintf("%s/pods/%s", ctx->root, pi->id);
	spec = json_tokener_parse((const char *)sqlite3_column_text(s, 6));
	if (!spec || pod_spec_from_json(spec, &pi->spec, err) < 0) {
		if (!spec)
			pea_err_set(err, 0, "pod '%s': invalid stored spec", pi->id);
		pod_info_release(pi);
		return -1;
	}
#if POD_NETWORK
	pi->ip = load_ip(ctx, pi->id);
#endif
	return 0;
}

static int load_where(struct pea_ctx *ctx, const char *where, const char *arg,
		      struct pod_info *out, int *found, struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_free char *sql = xasprintf("SELECT " COLS " FROM pods WHERE %s LIMIT 2;", where);
	cleanup_stmt sqlite3_stmt *s = NULL;
	int rc;

	*found = 0;
	if (!st || !(s = state_prepare(st, sql, err)))
		return -1;
	sqlite3_bind_text(s, 1, arg, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (++*found == 1 && row_to_info(ctx, s, out, err) < 0)
			return -1;
	}
	if (rc != SQLITE_DONE) {
		if (*found)
			pod_info_release(out);
		return state_error(st, err, "load pod");
	}
	if (*found > 1)
		pod_info_release(out);
	return 0;
}

int pod_lookup(struct pea_ctx *ctx, const char *name, struct pod_info *out,
	       struct pea_err **err)
{
	int found;

	if (load_where(ctx, "id = ?1 OR name = ?1", name, out, &found, err) < 0)
		return -1;
	if (found == 1)
		return 0;
	if (found == 0 && *name && strspn(name, "0123456789abcdef") == strlen(name)) {
		if (load_where(ctx, "substr(id, 1, length(?1)) = ?1", name, out, &found, err) < 0)
			return -1;
		if (found == 1)
			return 0;
		if (found > 1)
			return pea_err_setk(err, PEA_E_INVALID, 0, "more than one result for pod "
					    "ID \"%s\"", name);
	}
	return pea_err_setk(err, PEA_E_NOT_FOUND, 0, "no pod with name or ID %s found: "
			    "no such pod", name);
}

int pod_exists(struct pea_ctx *ctx, const char *name)
{
	struct pod_info pi;

	if (pod_lookup(ctx, name, &pi, NULL) < 0)
		return 0;
	pod_info_release(&pi);
	return 1;
}

int pod_list(struct pea_ctx *ctx, struct pod_info **out, size_t *n, struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_stmt sqlite3_stmt *s = NULL;
	struct pod_info *list = NULL;
	size_t nr = 0, alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st || !(s = state_prepare(st, "SELECT " COLS " FROM pods ORDER BY created DESC, id;",
				       err)))
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ALLOC_GROW(list, nr + 1, alloc);
		if (row_to_info(ctx, s, &list[nr], err) < 0) {
			pod_info_list_free(list, nr);
			return -1;
		}
		nr++;
	}
	if (rc != SQLITE_DONE) {
		pod_info_list_free(list, nr);
		return state_error(st, err, "list pods");
	}
	*out = list;
	*n = nr;
	return 0;
}

int pod_containers(struct pea_ctx *ctx, const char *pod_id, struct ctr_info **out, size_t *n,
		   struct pea_err **err)
{
	struct ctr_info *all = NULL, *mine;
	size_t nall = 0, i, kept = 0;

	*out = NULL;
	*n = 0;
	if (ctr_list(ctx, true, &all, &nall, err) < 0)
		return -1;
	mine = xcalloc(nall ? nall : 1, sizeof(*mine));
	/* ctr_list is newest first: keep ours, oldest first */
	for (i = nall; i-- > 0;) {
		if (all[i].pod_id && !strcmp(all[i].pod_id, pod_id))
			mine[kept++] = all[i];
		else
			ctr_info_release(&all[i]);
	}
	free(all);
	*out = mine;
	*n = kept;
	return 0;
}

int pod_save_state(struct pea_ctx *ctx, const char *id, const char *state, const char *netns,
		   struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_stmt sqlite3_stmt *s = NULL;

	if (!st || !(s = state_prepare(st, "UPDATE pods SET state = ?2, netns = ?3 WHERE id = ?1;",
				       err)))
		return -1;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, state, -1, SQLITE_STATIC);
	if (netns)
		sqlite3_bind_text(s, 3, netns, -1, SQLITE_STATIC);
	return state_step_done(st, s, err);
}

const char *pod_status(const struct ctr_info *ctrs, size_t n)
{
	size_t i, running = 0, created = 0, apps = 0;

	for (i = 0; i < n; i++) {
		/* an init container that did its work is no app that stopped */
		if (ctrs[i].infra || (ctrs[i].spec.role == CTR_ROLE_INIT &&
				      ctrs[i].state == CTR_EXITED && ctrs[i].exit_code == 0))
			continue;
		apps++;
		if (ctrs[i].state == CTR_RUNNING || ctrs[i].state == CTR_STOPPING)
			running++;
		else if (ctrs[i].state == CTR_CREATED)
			created++;
	}
	if (apps == 0) {
		for (i = 0; i < n; i++)
			if (ctrs[i].state == CTR_RUNNING)
				return "Running";
		for (i = 0; i < n; i++)
			if (ctrs[i].state != CTR_CREATED)
				return "Exited";
		return "Created";
	}
	if (running == apps)
		return "Running";
	if (running > 0)
		return "Degraded";
	if (created == apps)
		return "Created";
	return "Exited";
}

/* ---- the pod's /etc files --------------------------------------------- */

/* In place (not rename): running containers have the file bind-mounted. */
static int write_in_place(const char *dir, const char *name, const char *text,
			  struct pea_err **err)
{
	cleanup_free char *path = path_join(dir, name);
	cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
				    0644);

	if (fd < 0)
		return pea_err_set(err, errno, "open '%s'", path);
	if (xwrite_all(fd, text, strlen(text)) < 0)
		return pea_err_set(err, errno, "write '%s'", path);
	return 0;
}

/* hosts: the pod's own lines, then (bridge networks with DNS) the other
 * pods of its networks. */
static int write_hosts(struct pea_ctx *ctx, const struct pod_info *pi, char *const *names,
		       const char *hosts, struct pea_err **err)
{
#if POD_NETWORK
	cleanup_free char *path = path_join(pi->dir, "hosts");

	dns_register(ctx, pi, names, path);
	return net_dns_write_hosts(ctx, pi->id, path, hosts, err);
#else
	(void)ctx;
	(void)names;
	return write_in_place(pi->dir, "hosts", hosts, err);
#endif
}

static enum etc_net_mode etc_mode(const struct pod_spec *s)
{
	const char *m = pod_spec_net_mode(s);

	if (!strcmp(m, "host"))
		return ETC_NET_HOST;
	if (!strcmp(m, "none") || !POD_NETWORK)
		return ETC_NET_NONE;
	return ETC_NET_PRIVATE;
}

int pod_write_etc(struct pea_ctx *ctx, const struct pod_info *pi, struct pea_err **err)
{
	const char *hostname = pi->spec.hostname ? pi->spec.hostname : pi->name;
	cleanup_strbuf struct strbuf names = STRBUF_INIT;
	cleanup_strv char **namev = xcalloc(1, sizeof(char *));
	cleanup_free char *hosts = NULL, *resolv = NULL, *hn = NULL;
	struct ctr_info *ctrs = NULL;
	size_t n = 0, i;
	struct etc_files_in in = {
		.bundle = pi->dir, .ip = pi->ip, .net = etc_mode(&pi->spec),
		.add_hosts = pi->spec.add_hosts, .dns_servers = pi->spec.dns_servers,
		.dns_search = pi->spec.dns_search, .dns_options = pi->spec.dns_options,
		.dns_merge = pi->spec.dns_merge,
	};

	if (ctx->rootless && !strcmp(pod_spec_net_mode(&pi->spec), "bridge"))
		in.dns_fallback = NET_PASTA_DNS;   /* pasta's forwarder */
	/* "<ip> [<fqdn>] <hostname> <pod name> <container names...>" */
	if (pi->spec.fqdn && *pi->spec.fqdn && strcmp(pi->spec.fqdn, hostname))
		strv_push(&namev, pi->spec.fqdn);
	strv_push(&namev, hostname);
	if (strcmp(hostname, pi->name))
		strv_push(&namev, pi->name);
	if (pod_containers(ctx, pi->id, &ctrs, &n, NULL) == 0) {
		for (i = 0; i < n; i++)
			if (!ctrs[i].infra && strv_find(namev, ctrs[i].name) < 0)
				strv_push(&namev, ctrs[i].name);
		ctr_info_list_free(ctrs, n);
	}
	for (i = 0; namev[i]; i++)
		strbuf_addf(&names, "%s%s", i ? " " : "", namev[i]);
	in.hostname = names.buf;
	if (!(hosts = etc_files_hosts(&in, err)) || !(resolv = etc_files_resolv(&in, err)))
		return pea_err_wrap(err, "/etc files of pod '%s'", pi->name);
	hn = xasprintf("%s\n", hostname);
	if (io_mkdir_p(pi->dir, 0755, err) < 0 || write_hosts(ctx, pi, namev, hosts, err) < 0 ||
	    write_in_place(pi->dir, "resolv.conf", resolv, err) < 0 ||
	    write_in_place(pi->dir, "hostname", hn, err) < 0)
		return pea_err_wrap(err, "/etc files of pod '%s'", pi->name);
	return 0;
}

void pod_ctr_changed(struct pea_ctx *ctx, const char *pod_id)
{
	struct pod_info pi;

	if (pod_lookup(ctx, pod_id, &pi, NULL) < 0)
		return;
	pod_write_etc(ctx, &pi, NULL);
	pod_info_release(&pi);
}

/* The container's pod volumes must be the pod's; files volumes are
 * read-only.  With an fsGroup the container is in that group too (as in
 * Kubernetes), so that it can use what the pod's volumes hold. */
static int prepare_volumes(const struct pod_info *pi, struct ctr_spec *s, struct pea_err **err)
{
	size_t i;

	for (i = 0; i < s->n_mounts; i++) {
		struct mount_spec *m = &s->mounts[i];
		const struct pod_volume *v;

		if (m->kind != MOUNT_POD_VOLUME)
			continue;
		if (!(v = podvol_find(&pi->spec, m->source)))
			return pea_err_setk(err, PEA_E_NOT_FOUND, 0, "pod '%s' has no volume '%s'",
					    pi->name, m->source ? m->source : "");
		if (v->kind == POD_VOL_FILES)
			m->readonly = true;
	}
	if (pi->spec.fs_group >= 0) {
		cleanup_free char *g = xasprintf("%lld", (long long)pi->spec.fs_group);

		if (strv_find(s->groups, g) < 0)
			strv_push(&s->groups, g);
	}
	return 0;
}

int pod_ctr_prepare(struct pea_ctx *ctx, struct ctr_spec *s, struct pea_err **err)
{
	struct pod_info pi;

	if (!s->pod || s->infra)
		return 0;
	if (pod_lookup(ctx, s->pod, &pi, err) < 0)
		return -1;
	if (prepare_volumes(&pi, s, err) < 0) {
		pod_info_release(&pi);
		return -1;
	}
	free(s->pod);
	s->pod = xstrdup(pi.id);
	if (!s->hostname)
		s->hostname = xstrdup(pi.spec.hostname ? pi.spec.hostname : pi.name);
	if (!s->cgroup_parent)
		s->cgroup_parent = pi.spec.cgroup_parent ? xstrdup(pi.spec.cgroup_parent)
							 : xasprintf("/peapod/pod-%s", pi.id);
	pod_info_release(&pi);
	return 0;
}

/* ---- create ----------------------------------------------------------- */


static char *random_hex(size_t bytes, struct pea_err **err)
{
	unsigned char b[32];
	char *id;
	size_t i;

	if (bytes > sizeof(b) || getrandom(b, bytes, 0) != (ssize_t)bytes) {
		pea_err_set(err, errno, "getrandom");
		return NULL;
	}
	id = xmalloc(2 * bytes + 1);
	for (i = 0; i < bytes; i++)
		snprintf(id + 2 * i, 3, "%02x", b[i]);
	return id;
}

/* podman-like generated names: adjective_noun. */
static char *new_name(struct pea_err **err)
{
	static const char *const adj[] = {
		"amazing", "bold", "clever", "dreamy", "elastic", "festive", "gifted", "hopeful",
		"inspiring", "jovial", "kind", "loving", "modest", "nice", "optimistic", "peaceful",
	};
	static const char *const noun[] = {
		"agnesi", "bell", "cori", "dijkstra", "einstein", "franklin", "goldberg", "hamilton",
		"johnson", "knuth", "lamarr", "mcclintock", "nash", "ostrom", "payne", "ride",
	};
	unsigned char b[2];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		pea_err_set(err, errno, "getrandom");
		return NULL;
	}
	return xasprintf("%s_%s", adj[b[0] % 16], noun[b[1] % 16]);
}

static int insert_row(struct pea_ctx *ctx, const struct pod_info *pi, struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_json struct json_object *js = pod_spec_to_json(&pi->spec);
	cleanup_stmt sqlite3_stmt *q = NULL;

	if (!st || !(q = state_prepare(st, "INSERT INTO pods (id, name, state, created, spec) "
				       "VALUES (?, ?, 'created', ?, ?);", err)))
		return -1;
	sqlite3_bind_text(q, 1, pi->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, pi->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, pi->created);
	sqlite3_bind_text(q, 4, json_object_to_json_string_ext(js, JSON_C_TO_STRING_PLAIN), -1,
			  SQLITE_TRANSIENT);
	if (state_step_done(st, q, err) < 0) {
		if (err && pea_err_is(*err, PEA_E_EXISTS)) {
			pea_err_free(steal_ptr(*err));
			pea_err_setk(err, PEA_E_EXISTS, 0, "adding pod to state: name \"%s\" is in "
				     "use: pod already exists", pi->name);
		}
		return -1;
	}
	return 0;
}

static int set_infra_id(struct pea_ctx *ctx, const char *id, const char *infra_id,
			struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_stmt sqlite3_stmt *q = NULL;

	if (!st || !(q = state_prepare(st, "UPDATE pods SET infra_id = ?2 WHERE id = ?1;", err)))
		return -1;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, infra_id, -1, SQLITE_STATIC);
	return state_step_done(st, q, err);
}

static int delete_row(struct pea_ctx *ctx, const char *id, struct pea_err **err)
{
	struct state *st = state_get(ctx, err);
	cleanup_stmt sqlite3_stmt *q = NULL;

	if (!st || !(q = state_prepare(st, "DELETE FROM pods WHERE id = ?;", err)))
		return -1;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	return state_step_done(st, q, err);
}

static int check_spec(const struct pod_spec *s, struct pea_err **err)
{
	if (s->name && !parse_name_ok(s->name, 253))
		return pea_err_setk(err, PEA_E_INVALID, 0, "names must match "
				    "[a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument \"%s\"", s->name);
	if (!s->infra && s->n_ports)
		return pea_err_setk(err, PEA_E_INVALID, 0, "you must have an infra container to "
				    "publish port bindings to the host");
	if (!POD_NETWORK && s->n_ports)
		return pea_err_setk(err, PEA_E_INVALID, 0, "publishing ports needs the network "
				    "module, which this build does not have yet");
	if (s->n_ports && strcmp(pod_spec_net_mode(s), "bridge"))
		return pea_err_setk(err, PEA_E_INVALID, 0, "published ports need a bridge network");
	if (s->share_pid && s->host_pid)
		return pea_err_setk(err, PEA_E_INVALID, 0, "ShareProcessNamespace and HostPID cannot "
				    "both be enabled");
	if (s->static_ip && (strcmp(pod_spec_net_mode(s), "bridge") ||
			     inet_pton(AF_INET, s->static_ip, &(struct in_addr){ 0 }) != 1))
		return pea_err_setk(err, PEA_E_INVALID, 0, "static IP '%s': an IPv4 address on a "
				    "bridge network is needed", s->static_ip);
	return podvol_check(s, err);
}

/* Everything after the record: dir, /etc files, infra. */
static int create_objects(struct pea_ctx *ctx, struct pod_info *pi, struct pea_err **err)
{
	if (io_mkdir_p(pi->dir, 0755, err) < 0 || podvol_create_all(pi, err) < 0 ||
	    pod_write_etc(ctx, pi, err) < 0)
		return -1;
	if (!pi->spec.infra)
		return 0;
	if (!(pi->infra_id = pod_infra_create(ctx, pi, err)))
		return -1;
	if (set_infra_id(ctx, pi->id, pi->infra_id, err) < 0) {
		ctr_remove(ctx, pi->infra_id, true, false, NULL);
		return -1;
	}
	return 0;
}

char *pod_create(struct pea_ctx *ctx, const struct pod_spec *spec, struct pea_err **err)
{
	cleanup_json struct json_object *js = NULL;
	struct pod_info pi;
	char *id = NULL;

	memset(&pi, 0, sizeof(pi));
	pod_spec_init(&pi.spec);
	js = pod_spec_to_json(spec);   /* deep copy: the caller's spec stays untouched */
	if (check_spec(spec, err) < 0 || pod_check_networks(ctx, spec, err) < 0 ||
	    net_ports_check(ctx, spec->ports, spec->n_ports, err) < 0 ||
	    pod_spec_from_json(js, &pi.spec, err) < 0 ||
	    !(pi.id = random_hex(32, err)))
		goto out;
	if (!pi.spec.name && !(pi.spec.name = new_name(err)))
		goto out;
	pi.name = xstrdup(pi.spec.name);
	pi.dir = xasprintf("%s/pods/%s", ctx->root, pi.id);
	pi.state = xstrdup("created");
	pi.created = ctr_now_ns();
	if (insert_row(ctx, &pi, err) < 0)
		goto out;
	if (create_objects(ctx, &pi, err) < 0) {
		io_rm_rf(pi.dir, NULL);
		delete_row(ctx, pi.id, NULL);
		goto out;
	}
	id = xstrdup(pi.id);
out:
	if (!id)
		pea_err_wrap(err, "create pod");
	pod_info_release(&pi);
	return id;
}

/* ---- remove, prune ---------------------------------------------------- */

static bool ctr_active(const struct ctr_info *ci)
{
	return ci->state == CTR_RUNNING || ci->state == CTR_STOPPING ||
	       ci->state == CTR_RESTARTING;
}

/* The pod's parent cgroup in every hierarchy (the runtime removes only the
 * containers' own). */
static void remove_cgroups(const struct pod_info *pi)
{
	static const char *const roots[] = {
		"/sys/fs/cgroup", "/sys/fs/cgroup/unified", "/sys/fs/cgroup/systemd",
		"/sys/fs/cgroup/memory", "/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/pids",
		"/sys/fs/cgroup/cpuset", "/sys/fs/cgroup/blkio", "/sys/fs/cgroup/devices",
		"/sys/fs/cgroup/freezer", "/sys/fs/cgroup/net_cls,net_prio",
		"/sys/fs/cgroup/perf_event", "/sys/fs/cgroup/hugetlb", "/sys/fs/cgroup/rdma",
		"/sys/fs/cgroup/misc",
	};
	cleanup_free char *rel = pi->spec.cgroup_parent ? xstrdup(pi->spec.cgroup_parent)
							: xasprintf("/peapod/pod-%s", pi->id);
	size_t i;

	for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		cleanup_free char *p = xasprintf("%s%s%s", roots[i], rel[0] == '/' ? "" : "/", rel);

		rmdir(p);
	}
}

static int remove_locked(struct pea_ctx *ctx, struct pod_info *pi, bool force,
			 struct pea_err **err)
{
	struct ctr_info *ctrs = NULL;
	size_t n = 0, i;
	int rc = -1;

	if (pod_containers(ctx, pi->id, &ctrs, &n, err) < 0)
		return -1;
	for (i = 0; i < n && !force; i++) {
		if (!ctrs[i].infra && ctr_active(&ctrs[i])) {
			pea_err_setk(err, PEA_E_IN_USE, 0, "pod %s has containers that are not ready "
				     "to be removed: cannot remove container %s as it is running",
				     pi->id, ctrs[i].id);
			goto out;
		}
	}
	if (pod_stop_locked(ctx, pi, force ? 0 : -1, err) < 0)
		goto out;
	/* apps newest first, the infra last */
	for (i = n; i-- > 0;)
		if (!ctrs[i].infra && ctr_remove(ctx, ctrs[i].id, true, false, err) < 0)
			goto out;
	for (i = 0; i < n; i++)
		if (ctrs[i].infra && ctr_remove(ctx, ctrs[i].id, true, false, err) < 0)
			goto out;
	remove_cgroups(pi);
	if (io_rm_rf(pi->dir, err) < 0 || delete_row(ctx, pi->id, err) < 0)
		goto out;
	rc = 0;
out:
	ctr_info_list_free(ctrs, n);
	return rc;
}

int pod_remove(struct pea_ctx *ctx, const char *name, bool force, struct pea_err **err)
{
	cleanup_close int lock = -1;
	struct pod_info first, pi;
	int rc;

	if (pod_lookup(ctx, name, &first, err) < 0)
		return -1;
	lock = pod_lock(ctx, first.id, err);
	rc = lock < 0 ? -1 : pod_lookup(ctx, first.id, &pi, err);
	if (rc == 0) {
		rc = remove_locked(ctx, &pi, force, err);
		if (rc == 0) {
			cleanup_free char *lp = lock_path(ctx, pi.id, NULL);

			if (lp)
				unlink(lp);
		}
		pod_info_release(&pi);
	}
	if (rc < 0)
		pea_err_wrap(err, "remove pod '%s'", first.name);
	pod_info_release(&first);
	return rc;
}

int pod_prune(struct pea_ctx *ctx, char ***removed, struct pea_err **err)
{
	struct pod_info *list = NULL;
	size_t n = 0, i, j;
	int rc = 0;

	*removed = NULL;
	if (pod_list(ctx, &list, &n, err) < 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		struct ctr_info *ctrs = NULL;
		size_t nc = 0;
		bool busy = false;

		if (pod_containers(ctx, list[i].id, &ctrs, &nc, err) < 0) {
			rc = -1;
			break;
		}
		for (j = 0; j < nc; j++)
			busy |= !ctrs[j].infra && ctr_active(&ctrs[j]);
		ctr_info_list_free(ctrs, nc);
		if (busy)
			continue;
		if (pod_remove(ctx, list[i].id, true, err) < 0)
			rc = -1;
		else
			strv_push(removed, list[i].id);
	}
	pod_info_list_free(list, n);
	return rc;
}
