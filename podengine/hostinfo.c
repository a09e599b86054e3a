/* Host facts for `peapod info`. */
#include "podengine/hostinfo.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <ifaddrs.h>
#include <linux/magic.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "podengine/rootless.h"
#include "podengine/runtime-probe.h"

#include "base/banned.h"

/* ---------- string lists ---------- */

struct strlist {
	char **v;        /* NULL-terminated once non-empty */
	size_t n, alloc;
};

static void strlist_add_unique(struct strlist *l, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strlen(l->v[i]) == len && !strncmp(l->v[i], s, len))
			return;
	ALLOC_GROW(l->v, l->n + 2, l->alloc);
	l->v[l->n++] = xstrndup(s, len);
	l->v[l->n] = NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted, NULL-terminated, never NULL. */
static char **strlist_finish(struct strlist *l)
{
	if (!l->v)
		return xcalloc(1, sizeof(char *));
	qsort(l->v, l->n, sizeof(*l->v), cmp_str);
	return l->v;
}

static void strv_free(char **v)
{
	char **p;

	for (p = v; p && *p; p++)
		free(*p);
	free(v);
}

static struct json_object *strv_json(char **v)
{
	struct json_object *a = json_object_new_array();

	for (; v && *v; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

/* ---------- cgroups ---------- */

static bool is_v1_controller_option(const char *s, size_t len)
{
	static const char *const not_controllers[] = {
		"rw", "ro", "noprefix", "clone_children", "xattr", "none",
		"cpuset_v2_mode", "favordynmods", "nosuid", "nodev", "noexec", "relatime",
	};
	size_t i;

	if (len == 0 || memchr(s, '=', len))
		return false;
	for (i = 0; i < sizeof(not_controllers) / sizeof(not_controllers[0]); i++)
		if (strlen(not_controllers[i]) == len && !strncmp(not_controllers[i], s, len))
			return false;
	return true;
}

static void add_v1_controllers(struct strlist *l, const char *opts)
{
	while (*opts) {
		const char *comma = strchrnul(opts, ',');

		if (is_v1_controller_option(opts, (size_t)(comma - opts)))
			strlist_add_unique(l, opts, (size_t)(comma - opts));
		opts = *comma ? comma + 1 : comma;
	}
}

static void read_v2_controllers(const char *root, const char *mnt, struct strlist *l)
{
	cleanup_free char *file = xasprintf("%s%s/cgroup.controllers", root ? root : "", mnt);
	struct strbuf sb = STRBUF_INIT;
	const char *p;

	if (io_read_file(file, &sb, NULL) == 0) {
		for (p = sb.buf; *p;) {
			size_t n = strcspn(p, " \t\n");

			if (n)
				strlist_add_unique(l, p, n);
			p += n;
			p += strspn(p, " \t\n");
		}
	}
	strbuf_release(&sb);
}

/* Split one mountinfo line: mount point, fs type and super options. */
static bool mountinfo_fields(char *line, char **mnt, char **fstype, char **opts)
{
	char *f[6] = { 0 }, *p = line, *sep;
	int i;

	for (i = 0; i < 5 && p; i++) {
		f[i] = p;
		p = strchr(p, ' ');
		if (p)
			*p++ = '\0';
	}
	sep = p ? strstr(p, "- ") : NULL;
	if (i < 5 || !sep || (sep != p && sep[-1] != ' '))
		return false;
	*mnt = f[4];
	*fstype = sep + 2;
	p = strchr(*fstype, ' ');
	if (!p)
		return false;
	*p++ = '\0';
	p = strchr(p, ' ');   /* skip the source */
	*opts = p ? p + 1 : (char *)"";
	return true;
}

int host_cgroups_parse(const char *mountinfo, const char *root, struct host_cgroups *cg,
		       struct pea_err **err)
{
	cleanup_free char *text = xstrdup(mountinfo);
	struct strlist v1 = { 0 }, v2 = { 0 };
	char *line = text, *next, *mnt, *fstype, *opts;
	bool unified = false;

	memset(cg, 0, sizeof(*cg));
	for (; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!mountinfo_fields(line, &mnt, &fstype, &opts))
			continue;
		if (!strcmp(fstype, "cgroup2")) {
			if (!cg->v2_mount || !strcmp(mnt, "/sys/fs/cgroup")) {
				free(cg->v2_mount);
				cg->v2_mount = xstrdup(mnt);
			}
			unified |= !strcmp(mnt, "/sys/fs/cgroup");
		} else if (!strcmp(fstype, "cgroup")) {
			add_v1_controllers(&v1, opts);
		}
	}
	if (cg->v2_mount)
		read_v2_controllers(root, cg->v2_mount, &v2);
	cg->v1_controllers = strlist_finish(&v1);
	cg->v2_controllers = strlist_finish(&v2);
	if (unified || (cg->v2_mount && v1.n == 0))
		cg->layout = "v2";
	else if (v1.n && cg->v2_mount)
		cg->layout = "hybrid";
	else if (v1.n)
		cg->layout = "v1";
	else
		cg->layout = "none";
	cg->version = !strcmp(cg->layout, "v2") ? "v2" : "v1";
	(void)err;
	return 0;
}

void host_cgroups_release(struct host_cgroups *cg)
{
	free(cg->v2_mount);
	strv_free(cg->v1_controllers);
	strv_free(cg->v2_controllers);
	memset(cg, 0, sizeof(*cg));
}

/* ---------- the rest of the host ---------- */

static const char *go_arch(const char *machine)
{
	static const char *const map[][2] = {
		{ "x86_64", "amd64" }, { "aarch64", "arm64" }, { "i686", "386" },
		{ "i386", "386" },     { "armv7l", "arm" },    { "armv6l", "arm" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], machine))
			return map[i][1];
	return machine;
}

/* Value of KEY= in an os-release style text, unquoted; NULL if absent. */
static char *kv_value(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		const char *eol = strchrnul(p, '\n');

		if ((size_t)(eol - p) > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			const char *v = p + klen + 1;
			size_t n = (size_t)(eol - v);

			if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
				v++;
				n -= 2;
			}
			return xstrndup(v, n);
		}
		p = *eol ? eol + 1 : NULL;
	}
	return NULL;
}

static void read_os_release(struct host_info *hi)
{
	struct strbuf sb = STRBUF_INIT;

	if (io_read_file("/etc/os-release", &sb, NULL) < 0)
		io_read_file("/usr/lib/os-release", &sb, NULL);
	hi->os_id = kv_value(sb.buf, "ID");
	hi->os_version = kv_value(sb.buf, "VERSION_ID");
	hi->os_codename = kv_value(sb.buf, "VERSION_CODENAME");
	hi->os_pretty = kv_value(sb.buf, "PRETTY_NAME");
	strbuf_release(&sb);
}

/* "MemTotal:  123 kB" -> bytes; -1 if absent. */
static int64_t meminfo_bytes(const char *text, const char *key)
{
	cleanup_free char *pat = xasprintf("\n%s:", key);
	const char *p = strstr(text, pat);

	if (!p)
		return -1;
	return strtoll(p + strlen(pat), NULL, 10) * 1024;
}

static void read_memory(struct host_info *hi)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addch(&sb, '\n');
	io_read_file("/proc/meminfo", &sb, NULL);
	hi->mem_total = meminfo_bytes(sb.buf, "MemTotal");
	hi->mem_free = meminfo_bytes(sb.buf, "MemAvailable");
	if (hi->mem_free < 0)
		hi->mem_free = meminfo_bytes(sb.buf, "MemFree");
	hi->swap_total = meminfo_bytes(sb.buf, "SwapTotal");
	hi->swap_free = meminfo_bytes(sb.buf, "SwapFree");
	strbuf_reset(&sb);
	if (io_read_file("/proc/uptime", &sb, NULL) == 0)
		hi->uptime_seconds = strtoll(sb.buf, NULL, 10);
	strbuf_release(&sb);
}

static void read_features(struct host_info *hi)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;

	if (io_read_file("/proc/filesystems", &sb, NULL) == 0)
		for (p = sb.buf; (p = strstr(p, "overlay")); p += 7)
			if ((p == sb.buf || isspace((unsigned char)p[-1])) &&
			    (p[7] == '\n' || p[7] == '\0'))
				hi->overlay = true;
	strbuf_reset(&sb);
	if (io_read_file("/proc/sys/user/max_user_namespaces", &sb, NULL) == 0)
		hi->userns = strtol(sb.buf, NULL, 10) > 0;
	strbuf_release(&sb);
}

int host_info_get(struct host_info *hi, struct pea_err **err)
{
	struct strbuf mi = STRBUF_INIT;
	struct utsname u;
	char host[256] = "";

	memset(hi, 0, sizeof(*hi));
	if (uname(&u) == 0) {
		hi->kernel = xstrdup(u.release);
		hi->arch = xstrdup(go_arch(u.machine));
	}
	if (gethostname(host, sizeof(host) - 1) == 0)
		hi->hostname = xstrdup(host);
	hi->cpus = sysconf(_SC_NPROCESSORS_ONLN);
	read_os_release(hi);
	read_memory(hi);
	read_features(hi);
	if (io_read_file("/proc/self/mountinfo", &mi, err) < 0 ||
	    host_cgroups_parse(mi.buf, NULL, &hi->cg, err) < 0) {
		strbuf_release(&mi);
		host_info_release(hi);
		return pea_err_wrap(err, "detect cgroups");
	}
	strbuf_release(&mi);
	return 0;
}

void host_info_release(struct host_info *hi)
{
	free(hi->kernel);
	free(hi->arch);
	free(hi->hostname);
	free(hi->os_id);
	free(hi->os_version);
	free(hi->os_codename);
	free(hi->os_pretty);
	host_cgroups_release(&hi->cg);
	memset(hi, 0, sizeof(*hi));
}

static struct json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *uptime_json(int64_t s)
{
	cleanup_free char *t = xasprintf("%lldh %lldm %lld.00s (Approximately %.2f days)",
					 (long long)(s / 3600), (long long)(s / 60 % 60),
					 (long long)(s % 60), (double)s / 86400.0);

	return json_object_new_string(t);
}

struct json_object *host_info_to_json(const struct host_info *hi)
{
	struct json_object *o = json_object_new_object(), *d = json_object_new_object();
	bool v2 = hi->cg.version && !strcmp(hi->cg.version, "v2");

	json_object_object_add(o, "arch", str_or_null(hi->arch));
	json_object_object_add(o, "cgroupManager", json_object_new_string("cgroupfs"));
	json_object_object_add(o, "cgroupVersion", str_or_null(hi->cg.version));
	json_object_object_add(o, "cgroupLayout", str_or_null(hi->cg.layout));
	json_object_object_add(o, "cgroupControllers",
			       strv_json(v2 ? hi->cg.v2_controllers : hi->cg.v1_controllers));
	json_object_object_add(o, "cgroupV2Controllers", strv_json(hi->cg.v2_controllers));
	json_object_object_add(o, "cpus", json_object_new_int64(hi->cpus));
	json_object_object_add(d, "distribution", str_or_null(hi->os_id));
	json_object_object_add(d, "version", str_or_null(hi->os_version));
	json_object_object_add(d, "codename", str_or_null(hi->os_codename));
	json_object_object_add(d, "prettyName", str_or_null(hi->os_pretty));
	json_object_object_add(o, "distribution", d);
	json_object_object_add(o, "hostname", str_or_null(hi->hostname));
	json_object_object_add(o, "kernel", str_or_null(hi->kernel));
	json_object_object_add(o, "memFree", json_object_new_int64(hi->mem_free));
	json_object_object_add(o, "memTotal", json_object_new_int64(hi->mem_total));
	json_object_object_add(o, "os", json_object_new_string("linux"));
	json_object_object_add(o, "overlaySupported", json_object_new_boolean(hi->overlay));
	json_object_object_add(o, "swapFree", json_object_new_int64(hi->swap_free));
	json_object_object_add(o, "swapTotal", json_object_new_int64(hi->swap_total));
	json_object_object_add(o, "uptime", uptime_json(hi->uptime_seconds));
	json_object_object_add(o, "userNamespaces", json_object_new_boolean(hi->userns));
	return o;
}

/* "runtimes" array and host.ociRuntime (the one runtime_select would pick). */
static void add_runtimes(struct pea_ctx *ctx, struct json_object *doc, struct json_object *host)
{
	struct runtime_info *list = NULL;
	struct pea_err *err = NULL;
	struct json_object *arr = json_object_new_array();
	size_t n = 0, i, pick = 0;
	cleanup_free char *want = ctx->runtime ? runtime_find(ctx->runtime, NULL) : NULL;

	if (runtime_probe_all(ctx, &list, &n, &err) < 0) {
		cleanup_free char *t = pea_err_text(err);

		json_object_object_add(doc, "runtimesError", json_object_new_string(t));
		pea_err_free(err);
	}
	for (i = 0; i < n; i++)
		json_object_array_add(arr, runtime_info_json(&list[i]));
	for (pick = 0; pick < n; pick++)
		if (want ? !strcmp(list[pick].path, want) : list[pick].works)
			break;
	json_object_object_add(host, "ociRuntime",
			       pick < n ? runtime_info_json(&list[pick]) : NULL);
	json_object_object_add(doc, "runtimes", arr);
	runtime_info_free_all(list, n);
}

const char *host_fs_name(unsigned long f_type)
{
	static const struct {
		unsigned long magic;
		const char *name;
	} fs[] = {
		{ EXT4_SUPER_MAGIC, "extfs" },     { XFS_SUPER_MAGIC, "xfs" },
		{ BTRFS_SUPER_MAGIC, "btrfs" },    { TMPFS_MAGIC, "tmpfs" },
		{ OVERLAYFS_SUPER_MAGIC, "overlayfs" }, { F2FS_SUPER_MAGIC, "f2fs" },
		{ NFS_SUPER_MAGIC, "nfs" },        { FUSE_SUPER_MAGIC, "fuse" },
		{ 0x2fc12fc1UL, "zfs" },           { RAMFS_MAGIC, "ramfs" },
		{ REISERFS_SUPER_MAGIC, "reiserfs" }, { SQUASHFS_MAGIC, "squashfs" },
	};
	size_t i;

	for (i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
		if (fs[i].magic == (f_type & 0xffffffffUL))
			return fs[i].name;
	return "unknown";
}

/* podman's store.graphStatus (string values), plus why this driver. */
static struct json_object *graph_status(struct pea_ctx *ctx, const char *driver,
					const char *reason)
{
	struct json_object *o = json_object_new_object();
	struct statfs sf;

	if (ctx->root && statfs(ctx->root, &sf) == 0)
		json_object_object_add(o, "Backing Filesystem",
				       json_object_new_string(host_fs_name((unsigned long)sf.f_type)));
	if (!strcmp(driver, "overlay") || !strcmp(driver, "fuse-overlayfs"))
		json_object_object_add(o, "Native Overlay Diff",
				       json_object_new_string(strcmp(driver, "overlay") ? "false"
											 : "true"));
	if (!strcmp(driver, "overlay"))
		json_object_object_add(o, "Using metacopy", json_object_new_string("false"));
	if (reason && *reason)
		json_object_object_add(o, "Driver Reason", json_object_new_string(reason));
	return o;
}

/* host.idMappings as podman shows it: the user namespace's maps rootless,
 * null maps rootful. */
static struct json_object *id_mappings(struct pea_ctx *ctx)
{
	struct json_object *o;

	if (ctx->rootless && ctx->in_userns)
		return rootless_id_mappings_json();
	o = json_object_new_object();
	json_object_object_add(o, "gidmap", NULL);
	json_object_object_add(o, "uidmap", NULL);
	return o;
}

struct json_object *host_info_json(struct pea_ctx *ctx, const char *graph_driver,
				   const char *graph_reason, struct pea_err **err)
{
	struct host_info hi;
	struct json_object *doc, *host, *store, *sec;

	if (host_info_get(&hi, err) < 0)
		return NULL;
	doc = json_object_new_object();
	host = host_info_to_json(&hi);
	json_object_object_add(host, "idMappings", id_mappings(ctx));
	json_object_object_add(host, "rootless", json_object_new_boolean(ctx->rootless));
	sec = json_object_new_object();
	json_object_object_add(sec, "rootless", json_object_new_boolean(ctx->rootless));
	json_object_object_add(host, "security", sec);
	json_object_object_add(doc, "host", host);
	add_runtimes(ctx, doc, host);
	if (!graph_driver)
		graph_driver = ctx->storage_driver ? ctx->storage_driver
						   : hi.overlay ? "overlay" : "vfs";
	store = json_object_new_object();
	json_object_object_add(store, "configDir", str_or_null(ctx->confdir));
	json_object_object_add(store, "graphDriverName", json_object_new_string(graph_driver));
	json_object_object_add(store, "graphRoot", str_or_null(ctx->root));
	json_object_object_add(store, "graphStatus", graph_status(ctx, graph_driver, graph_reason));
	json_object_object_add(store, "runRoot", str_or_null(ctx->runroot));
	json_object_object_add(doc, "store", store);
	host_info_release(&hi);
	return doc;
}

/* ---------- the primary address ---------- */

/* The interface of the IPv4 default route, or NULL. */
static char *default_route_iface(void)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	char *line, *save = NULL;

	if (io_read_file("/proc/net/route", &sb, NULL) < 0)
		return NULL;
	/* "Iface Destination Gateway Flags ..." with hex fields */
	for (line = strtok_r(sb.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char iface[IF_NAMESIZE + 1], dest[16], mask[16];
		unsigned flags;

		if (sscanf(line, "%16s %15s %*s %x %*s %*s %*s %15s", iface, dest, &flags, mask) == 4 &&
		    !strcmp(dest, "00000000") && !strcmp(mask, "00000000") && (flags & 0x1))
			return xstrdup(iface);
	}
	return NULL;
}

char *host_primary_ip4(void)
{
	cleanup_free char *iface = default_route_iface();
	struct ifaddrs *ifa = NULL, *p;
	char buf[INET_ADDRSTRLEN], *found = NULL;
	int pass;

	if (getifaddrs(&ifa) < 0)
		return xstrdup("127.0.0.1");
	/* pass 0: the default route's interface; pass 1: any that is up */
	for (pass = iface ? 0 : 1; pass < 2 && !found; pass++) {
		for (p = ifa; p && !found; p = p->ifa_next) {
			const struct sockaddr_in *sin = (const struct sockaddr_in *)p->ifa_addr;

			if (!sin || sin->sin_family != AF_INET || (p->ifa_flags & IFF_LOOPBACK) ||
			    !(p->ifa_flags & IFF_UP) || (pass == 0 && strcmp(p->ifa_name, iface)))
				continue;
			if (inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf)))
				found = xstrdup(buf);
		}
	}
	freeifaddrs(ifa);
	return found ? found : xstrdup("127.0.0.1");
}
