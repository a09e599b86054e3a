/* Name resolution between pods of one network, without a daemon.
 *
 * Design: hosts files, as podman does without aardvark-dns.  Every pod has
 * its own /etc/hosts (<root>/pods/<id>/hosts, written by podengine/pod.c and
 * bind-mounted into each of its containers).  When a pod's network comes
 * up, the pod is registered on each of its networks that has DNS enabled:
 * a small JSON record <runroot>/dns/<network>/<pod id> holds the path of its
 * hosts file, its addresses on that network and its names (pod name,
 * hostname, container names).  Then the hosts file of every pod registered
 * on those networks gets its peers' block rewritten: everything after
 * NET_DNS_MARKER is replaced by one line per address of every other pod
 * sharing a network with it.  When a pod stops, its records go and its
 * former peers' files are rewritten again.  So a pod started later becomes
 * resolvable from one started earlier, and nothing runs when no pod does.
 *
 * The files are rewritten in place (truncate and write on the same inode):
 * a container has the file bind-mounted, and a rename would leave it
 * reading the old inode.  A reader may see a half-written file for the
 * moment of the write; resolvers read /etc/hosts anew on each lookup, so
 * the next lookup sees the whole file.  Every change runs under one lock
 * (<runroot>/dns/lock); records live on the run root (a tmpfs), so a reboot
 * forgets them as it forgets the pods' network.
 *
 * Other names are resolved by the host's resolvers through the pod's
 * resolv.conf (the host's, without loopback servers; podengine/etc-files.c).
 * Networks created with --disable-dns register nobody. */
#include "network/dns.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/json.h"
#include "base/lockfile.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/banned.h"

static char *dns_dir(struct pea_ctx *ctx)
{
	return path_join(ctx->runroot, "dns");
}

static int dns_lock(struct pea_ctx *ctx, struct pea_err **err)
{
	cleanup_free char *dir = dns_dir(ctx);
	cleanup_free char *lock = path_join(dir, "lock");

	if (io_mkdir_p(dir, 0700, err) < 0)
		return -1;
	return lockfile_lock(lock, err);
}

/* A name that can go into a hosts file line. */
static bool name_ok(const char *s)
{
	return s && *s && !strpbrk(s, " \t\n\r#");
}

/* ---- records -------------------------------------------------------- */

static struct json_object *load_rec(const char *path)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;

	if (io_read_file(path, &sb, NULL) < 0)
		return NULL;
	return json_tokener_parse(sb.buf);
}

static const char *rec_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static struct json_object *rec_arr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

/* The networks (directory names) that hold a record of owner. */
static char **owner_networks(struct pea_ctx *ctx, const char *owner)
{
	cleanup_free char *dir = dns_dir(ctx);
	cleanup_dir DIR *d = opendir(dir);
	char **nets = xcalloc(1, sizeof(char *));
	struct dirent *de;

	while (d && (de = readdir(d))) {
		cleanup_free char *p = NULL;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "lock"))
			continue;
		p = xasprintf("%s/%s/%s", dir, de->d_name, owner);
		if (io_exists(p))
			strv_push(&nets, de->d_name);
	}
	return nets;
}

/* The owners registered on network. */
static char **network_owners(struct pea_ctx *ctx, const char *network)
{
	cleanup_free char *dir = dns_dir(ctx);
	cleanup_free char *nd = path_join(dir, network);
	cleanup_dir DIR *d = opendir(nd);
	char **owners = xcalloc(1, sizeof(char *));
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			strv_push(&owners, de->d_name);
	return owners;
}

/* "ADDR\tNAMES" lines for one record into out (deduplicated). */
static void rec_lines(struct json_object *rec, char ***out)
{
	struct json_object *ips = rec_arr(rec, "ips"), *names = rec_arr(rec, "names");
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	size_t i, j;

	if (!ips || !names || !json_object_array_length(names))
		return;
	for (i = 0; i < json_object_array_length(ips); i++) {
		strbuf_setlen(&sb, 0);
		strbuf_addstr(&sb, json_object_get_string(json_object_array_get_idx(ips, i)));
		for (j = 0; j < json_object_array_length(names); j++)
			strbuf_addf(&sb, "%s%s", j ? " " : "\t",
				    json_object_get_string(json_object_array_get_idx(names, j)));
		if (strv_find(*out, sb.buf) < 0)
			strv_push(out, sb.buf);
	}
}

int net_dns_peers(struct pea_ctx *ctx, const char *owner, struct strbuf *out,
		  struct pea_err **err)
{
	cleanup_free char *dir = dns_dir(ctx);
	cleanup_strv char **nets = owner_networks(ctx, owner);
	cleanup_strv char **lines = xcalloc(1, sizeof(char *));

	(void)err;
	for (char **n = nets; *n; n++) {
		cleanup_strv char **owners = network_owners(ctx, *n);

		for (char **o = owners; *o; o++) {
			cleanup_free char *p = NULL;
			cleanup_json struct json_object *rec = NULL;

			if (!strcmp(*o, owner))
				continue;
			p = xasprintf("%s/%s/%s", dir, *n, *o);
			if ((rec = load_rec(p)))
				rec_lines(rec, &lines);
		}
	}
	for (char **l = lines; *l; l++)
		strbuf_addf(out, "%s\n", *l);
	return 0;
}

/* ---- hosts files ------------------------------------------------------ */

/* Truncate and write on the same inode; `create` for the owner's own first
 * write, else a missing file (a pod going away) is left alone. */
static int write_in_place(const char *path, const char *text, bool create,
			  struct pea_err **err)
{
	int flags = O_WRONLY | O_NOFOLLOW | O_CLOEXEC | (create ? O_CREAT : 0);
	cleanup_close int fd = open(path, flags, 0644);

	if (fd < 0) {
		if (errno == ENOENT && !create)
			return 0;
		return pea_err_set(err, errno, "open '%s'", path);
	}
	if (ftruncate(fd, 0) < 0 || xwrite_all(fd, text, strlen(text)) < 0)
		return pea_err_set(err, errno, "write '%s'", path);
	return 0;
}

static int compose_and_write(struct pea_ctx *ctx, const char *owner, const char *path,
			     const char *base, bool create, struct pea_err **err)
{
	cleanup_strbuf struct strbuf text = STRBUF_INIT;
	cleanup_strbuf struct strbuf peers = STRBUF_INIT;

	strbuf_addstr(&text, base);
	if (net_dns_peers(ctx, owner, &peers, err) < 0)
		return -1;
	if (peers.len) {
		if (text.len && text.buf[text.len - 1] != '\n')
			strbuf_addch(&text, '\n');
		strbuf_addf(&text, "%s\n%s", NET_DNS_MARKER, peers.buf);
	}
	return write_in_place(path, text.buf, create, err);
}

/* Keep what comes before the marker, rewrite the rest. */
static int refresh_hosts(struct pea_ctx *ctx, const char *owner, const char *path,
			 struct pea_err **err)
{
	cleanup_strbuf struct strbuf cur = STRBUF_INIT;
	struct pea_err *e = NULL;
	char *m;

	if (io_read_file(path, &cur, &e) < 0) {
		bool gone = e && e->errnum == ENOENT;

		pea_err_free(e);
		return gone ? 0 : pea_err_set(err, 0, "read hosts file '%s'", path);
	}
	if (!strncmp(cur.buf, NET_DNS_MARKER, strlen(NET_DNS_MARKER)))
		strbuf_setlen(&cur, 0);
	else if ((m = strstr(cur.buf, "\n" NET_DNS_MARKER)))
		strbuf_setlen(&cur, (size_t)(m - cur.buf) + 1);
	return compose_and_write(ctx, owner, path, cur.buf, false, err);
}

/* Rewrite the hosts file of every owner registered on the networks. */
static int refresh_networks(struct pea_ctx *ctx, char *const *nets, struct pea_err **err)
{
	cleanup_free char *dir = dns_dir(ctx);
	cleanup_strv char **done = xcalloc(1, sizeof(char *));
	int rc = 0;

	for (char *const *n = nets; *n; n++) {
		cleanup_strv char **owners = network_owners(ctx, *n);

		for (char **o = owners; *o; o++) {
			cleanup_free char *p = xasprintf("%s/%s/%s", dir, *n, *o);
			cleanup_json struct json_object *rec = NULL;
			const char *hosts;

			if (strv_find(done, *o) >= 0)
				continue;
			strv_push(&done, *o);
			if (!(rec = load_rec(p)) || !(hosts = rec_str(rec, "hosts")))
				continue;
			if (rc == 0 && refresh_hosts(ctx, *o, hosts, err) < 0)
				rc = -1;
		}
	}
	return rc;
}

/* Remove owner's records; the networks they were on go into *nets. */
static void drop_records(struct pea_ctx *ctx, const char *owner, char ***nets)
{
	cleanup_free char *dir = dns_dir(ctx);
	cleanup_strv char **mine = owner_networks(ctx, owner);

	for (char **n = mine; *n; n++) {
		cleanup_free char *p = xasprintf("%s/%s/%s", dir, *n, owner);
		cleanup_free char *nd = path_join(dir, *n);

		unlink(p);
		rmdir(nd);           /* only when it was the last one */
		if (strv_find(*nets, *n) < 0)
			strv_push(nets, *n);
	}
}

static int write_record(struct pea_ctx *ctx, const struct net_dns_rec *rec,
			const struct net_iface_status *ifc, struct pea_err **err)
{
	cleanup_free char *dir = dns_dir(ctx);
	cleanup_free char *nd = path_join(dir, ifc->network);
	cleanup_free char *p = path_join(nd, rec->owner);
	cleanup_json struct json_object *o = json_object_new_object();
	struct json_object *ips = json_object_new_array(), *names = json_object_new_array();
	const char *text;

	if (ifc->ip4)
		json_object_array_add(ips, json_object_new_string(ifc->ip4));
	if (ifc->ip6)
		json_object_array_add(ips, json_object_new_string(ifc->ip6));
	for (char *const *n = rec->names; n && *n; n++)
		if (name_ok(*n))
			json_object_array_add(names, json_object_new_string(*n));
	json_object_object_add(o, "hosts", json_object_new_string(rec->hosts_path));
	json_object_object_add(o, "ips", ips);
	json_object_object_add(o, "names", names);
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	if (io_mkdir_p(nd, 0700, err) < 0 ||
	    io_write_file_atomic(p, text, strlen(text), 0600, err) < 0)
		return -1;
	return 0;
}

static bool dns_enabled(struct pea_ctx *ctx, const char *network)
{
	struct net_config nc;
	bool on;

	if (!network || net_lookup(ctx, network, &nc, NULL) < 0)
		return false;
	on = nc.dns_enabled;
	net_config_release(&nc);
	return on;
}

int net_dns_register(struct pea_ctx *ctx, const struct net_dns_rec *rec, struct pea_err **err)
{
	cleanup_close int lock = dns_lock(ctx, err);
	cleanup_strv char **nets = xcalloc(1, sizeof(char *));
	int rc = 0;

	if (lock < 0)
		return pea_err_wrap(err, "register '%s' for name resolution", rec->owner);
	drop_records(ctx, rec->owner, &nets);
	for (size_t i = 0; rec->status && i < rec->status->n && rc == 0; i++) {
		const struct net_iface_status *ifc = &rec->status->ifaces[i];

		if (!dns_enabled(ctx, ifc->network) || (!ifc->ip4 && !ifc->ip6))
			continue;
		rc = write_record(ctx, rec, ifc, err);
		if (strv_find(nets, ifc->network) < 0)
			strv_push(&nets, ifc->network);
	}
	if (rc == 0)
		rc = refresh_networks(ctx, nets, err);
	if (rc < 0) {
		drop_records(ctx, rec->owner, &nets);
		return pea_err_wrap(err, "register '%s' for name resolution", rec->owner);
	}
	return 0;
}

int net_dns_unregister(struct pea_ctx *ctx, const char *owner, struct pea_err **err)
{
	cleanup_close int lock = dns_lock(ctx, err);
	cleanup_strv char **nets = xcalloc(1, sizeof(char *));

	if (lock < 0)
		return -1;
	drop_records(ctx, owner, &nets);
	if (refresh_networks(ctx, nets, err) < 0)
		return pea_err_wrap(err, "unregister '%s' from name resolution", owner);
	return 0;
}

int net_dns_write_hosts(struct pea_ctx *ctx, const char *owner, const char *path,
			const char *base, struct pea_err **err)
{
	cleanup_close int lock = dns_lock(ctx, err);

	if (lock < 0)
		return -1;
	return compose_and_write(ctx, owner, path, base, true, err);
}

int net_dns_reset(struct pea_ctx *ctx, struct pea_err **err)
{
	cleanup_free char *dir = dns_dir(ctx);

	return io_rm_rf(dir, err);
}
