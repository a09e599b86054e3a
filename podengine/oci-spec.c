/* config.json generation (see oci-spec.h).  The defaults follow podman 4's
 * pkg/specgen/generate and containers-common: what a container gets with
 * `podman run` and no security flags is what it gets here. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/io.h"
#include "base/json.h"
#include "base/parse.h"
#include "base/strbuf.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "podengine/caps.h"
#include "podengine/oci-spec.h"
#include "podengine/rootless.h"
#include "podengine/host-devices.h"
#include "podengine/seccomp.h"
#include "podengine/user.h"

#include "base/banned.h"

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define RLIMIT_DEFAULT 1048576ULL
#define INIT_PATH "/run/peapod-init"

/* podman 4 (containers-common DefaultMaskedPaths), plus powercap (podman 4.8) */
static const char *const masked_paths[] = {
	"/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
	"/sys/firmware", "/sys/fs/selinux", "/sys/dev/block", "/sys/devices/virtual/powercap",
	NULL,
};

static const char *const readonly_paths[] = {
	"/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
	"/proc/sysrq-trigger", NULL,
};

static void jset(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static void jset_str(struct json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, json_object_new_string(s));
}

/* An image config string array (Entrypoint, Cmd, Env): NULL when absent. */
static char **image_strv(struct json_object *cfg, const char *key)
{
	struct json_object *a;
	char **out;

	if (!cfg || !json_object_object_get_ex(cfg, key, &a) || !json_object_is_type(a, json_type_array))
		return NULL;
	out = xcalloc(1, sizeof(*out));
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(a, i));

		if (s)
			strv_push(&out, s);
	}
	return out;
}

static const char *image_str(struct json_object *cfg, const char *key)
{
	struct json_object *v;

	if (!cfg || !json_object_object_get_ex(cfg, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

char **oci_resolve_argv(const struct ctr_spec *spec, struct json_object *image_config,
			struct pea_err **err)
{
	cleanup_strv char **img_ep = image_strv(image_config, "Entrypoint");
	cleanup_strv char **img_cmd = image_strv(image_config, "Cmd");
	char *const *ep = spec->entrypoint ? spec->entrypoint : img_ep;
	char *const *cmd = spec->cmd ? spec->cmd : spec->entrypoint ? NULL : img_cmd;
	char **argv = xcalloc(1, sizeof(*argv));

	for (; ep && *ep; ep++)
		strv_push(&argv, *ep);
	for (; cmd && *cmd; cmd++)
		strv_push(&argv, *cmd);
	if (!argv[0]) {
		strv_free(argv);
		pea_err_setk(err, PEA_E_INVALID, 0, "no command specified");
		return NULL;
	}
	return argv;
}

/* Set "K=V" in env, replacing an entry with the same key. */
static void env_set(char ***env, const char *kv, bool replace)
{
	size_t klen = strcspn(kv, "=");

	for (char **e = *env; e && *e; e++) {
		if (!strncmp(*e, kv, klen) && ((*e)[klen] == '=' || !(*e)[klen])) {
			if (replace) {
				free(*e);
				*e = xstrdup(kv);
			}
			return;
		}
	}
	strv_push(env, kv);
}

static struct json_object *build_env(const struct oci_spec_in *in, const char *hostname,
				     const char *home)
{
	cleanup_strv char **img = image_strv(in->image_config, "Env");
	cleanup_strv char **env = xcalloc(1, sizeof(char *));
	cleanup_free char *h = xasprintf("HOSTNAME=%s", hostname);
	cleanup_free char *hm = xasprintf("HOME=%s", home);

	env_set(&env, DEFAULT_PATH, false);
	for (char **e = img; e && *e; e++)
		env_set(&env, *e, true);
	for (char *const *e = in->spec->env; e && *e; e++)
		env_set(&env, *e, true);
	for (char *const *e = in->env_extra; e && *e; e++)
		env_set(&env, *e, true);
	if (in->spec->tty)
		env_set(&env, "TERM=xterm", false);
	env_set(&env, h, false);
	env_set(&env, hm, false);
	return json_strv_new(env);
}

static struct json_object *build_caps(char *const *caps, char *const *add, bool root)
{
	struct json_object *c = json_object_new_object();
	cleanup_strv char **user_caps = root ? strv_dup(caps) : caps_added(caps, add);

	jset(c, "bounding", json_strv_new(caps));
	jset(c, "effective", json_strv_new(user_caps));
	jset(c, "permitted", json_strv_new(user_caps));
	jset(c, "inheritable", root ? json_object_new_array() : json_strv_new(user_caps));
	jset(c, "ambient", root ? json_object_new_array() : json_strv_new(user_caps));
	return c;
}

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "CPU", RLIMIT_CPU }, { "FSIZE", RLIMIT_FSIZE }, { "DATA", RLIMIT_DATA },
	{ "STACK", RLIMIT_STACK }, { "CORE", RLIMIT_CORE }, { "RSS", RLIMIT_RSS },
	{ "NPROC", RLIMIT_NPROC }, { "NOFILE", RLIMIT_NOFILE }, { "MEMLOCK", RLIMIT_MEMLOCK },
	{ "AS", RLIMIT_AS }, { "LOCKS", RLIMIT_LOCKS }, { "SIGPENDING", RLIMIT_SIGPENDING },
	{ "MSGQUEUE", RLIMIT_MSGQUEUE }, { "NICE", RLIMIT_NICE }, { "RTPRIO", RLIMIT_RTPRIO },
	{ "RTTIME", RLIMIT_RTTIME },
};

static int rlimit_lookup(const char *type, struct pea_err **err)
{
	const char *n = !strncasecmp(type, "RLIMIT_", 7) ? type + 7 : type;

	for (size_t i = 0; i < sizeof(rlimit_names) / sizeof(rlimit_names[0]); i++)
		if (!strcasecmp(n, rlimit_names[i].name))
			return (int)i;
	return pea_err_setk(err, PEA_E_INVALID, 0, "unknown rlimit '%s'", type);
}

/* CAP_SYS_RESOURCE counts for rlimits only in the initial user namespace:
 * rootless root has it in its own namespace and still cannot raise a hard
 * limit. */
static bool have_cap_sys_resource(void)
{
	cap_t c;
	cap_flag_value_t v = CAP_CLEAR;

	if (rootless_in_userns())
		return false;
	c = cap_get_proc();

	if (c) {
		cap_get_flag(c, CAP_SYS_RESOURCE, CAP_EFFECTIVE, &v);
		cap_free(c);
	}
	return v == CAP_SET;
}

/* What the runtime (running with our privileges) may set for a resource. */
static int default_rlimit_max(int resource, struct rlimit *out)
{
	if (getrlimit(resource, out) < 0)
		return -1;
	if (have_cap_sys_resource()) {
		out->rlim_max = RLIM_INFINITY;
		if (resource == RLIMIT_NOFILE) {
			struct strbuf sb = STRBUF_INIT;
			int64_t v;

			if (io_read_file("/proc/sys/fs/nr_open", &sb, NULL) == 0 &&
			    (strbuf_rtrim(&sb), parse_i64(sb.buf, 1, INT64_MAX, &v, "nr_open", NULL)) == 0)
				out->rlim_max = (rlim_t)v;
			strbuf_release(&sb);
		}
	}
	return 0;
}

static void add_rlimit(struct json_object *arr, const struct oci_spec_in *in, int idx,
		       uint64_t soft, uint64_t hard)
{
	struct rlimit max = { RLIM_INFINITY, RLIM_INFINITY };
	struct json_object *r = json_object_new_object();
	int (*get)(int, struct rlimit *) = in->rlimit_max ? in->rlimit_max : default_rlimit_max;
	cleanup_free char *type = xasprintf("RLIMIT_%s", rlimit_names[idx].name);

	if (get(rlimit_names[idx].resource, &max) == 0 && max.rlim_max != RLIM_INFINITY) {
		if (hard > (uint64_t)max.rlim_max)
			hard = max.rlim_max;
		if (soft > hard)
			soft = hard;
	}
	jset_str(r, "type", type);
	jset(r, "hard", json_object_new_uint64(hard));
	jset(r, "soft", json_object_new_uint64(soft));
	json_object_array_add(arr, r);
}

static struct json_object *build_rlimits(const struct oci_spec_in *in, struct pea_err **err)
{
	cleanup_json struct json_object *arr = json_object_new_array();
	bool seen[sizeof(rlimit_names) / sizeof(rlimit_names[0])] = { 0 };
	int idx;

	for (size_t i = 0; i < in->spec->n_rlimits; i++) {
		const struct rlimit_spec *r = &in->spec->rlimits[i];

		idx = rlimit_lookup(r->type, err);
		if (idx < 0)
			return NULL;
		if (r->soft > r->hard) {
			pea_err_setk(err, PEA_E_INVALID, 0, "rlimit '%s': soft limit above hard limit",
				     r->type);
			return NULL;
		}
		seen[idx] = true;
		add_rlimit(arr, in, idx, r->soft, r->hard);
	}
	for (idx = 0; idx < (int)(sizeof(seen) / sizeof(seen[0])); idx++)
		if (!seen[idx] && (rlimit_names[idx].resource == RLIMIT_NOFILE ||
				   rlimit_names[idx].resource == RLIMIT_NPROC))
			add_rlimit(arr, in, idx, RLIMIT_DEFAULT, RLIMIT_DEFAULT);
	return steal_ptr(arr);
}

static const char *container_hostname(const struct oci_spec_in *in, char *buf, size_t len)
{
	if (in->spec->hostname && *in->spec->hostname)
		return in->spec->hostname;
	if (in->utsns_path && !strcmp(in->utsns_path, "host") && gethostname(buf, len) == 0) {
		buf[len - 1] = '\0';
		return buf;
	}
	snprintf(buf, len, "%.12s", in->id);
	return buf;
}

static struct json_object *build_user(const struct user_ids *ids)
{
	struct json_object *u = json_object_new_object();
	struct json_object *g = json_object_new_array();

	jset(u, "uid", json_object_new_int64(ids->uid));
	jset(u, "gid", json_object_new_int64(ids->gid));
	jset(u, "umask", json_object_new_int(022));
	for (size_t i = 0; i < ids->n_groups; i++)
		json_object_array_add(g, json_object_new_int64(ids->groups[i]));
	jset(u, "additionalGids", g);
	return u;
}

static char *container_cwd(const struct oci_spec_in *in)
{
	const char *w = in->spec->workdir && *in->spec->workdir ? in->spec->workdir
								 : image_str(in->image_config, "WorkingDir");

	if (!w || !*w)
		return xstrdup("/");
	return w[0] == '/' ? xstrdup(w) : xasprintf("/%s", w);
}

static struct json_object *build_process(const struct oci_spec_in *in, char *const *caps,
					 const char *hostname, struct pea_err **err)
{
	cleanup_json struct json_object *p = json_object_new_object();
	cleanup_strv char **argv = oci_resolve_argv(in->spec, in->image_config, err);
	const char *user = in->spec->user ? in->spec->user : image_str(in->image_config, "User");
	cleanup_free char *cwd = container_cwd(in);
	struct user_ids ids;
	struct json_object *rl;

	if (!argv)
		return NULL;
	if (user_resolve_path(in->rootfs, user, in->spec->groups, &ids, err) < 0)
		return NULL;
	if (in->spec->run_as_non_root &&
	    user_check_non_root(in->spec->user, image_str(in->image_config, "User"), ids.uid,
				err) < 0) {
		user_ids_release(&ids);
		return NULL;
	}
	jset(p, "terminal", json_object_new_boolean(in->spec->tty));
	jset(p, "user", build_user(&ids));
	if (in->spec->init && in->pause_path) {
		/* peapod-pause -- CMD: a minimal init that forwards signals and reaps */
		struct json_object *a = json_object_new_array();
		char **v;

		json_object_array_add(a, json_object_new_string(INIT_PATH));
		json_object_array_add(a, json_object_new_string("--"));
		for (v = argv; *v; v++)
			json_object_array_add(a, json_object_new_string(*v));
		jset(p, "args", a);
	} else {
		jset(p, "args", json_strv_new(argv));
	}
	jset(p, "env", build_env(in, hostname, ids.home));
	jset_str(p, "cwd", cwd);
	jset(p, "capabilities", build_caps(caps, in->spec->security.cap_add, ids.uid == 0));
	user_ids_release(&ids);
	rl = build_rlimits(in, err);
	if (!rl)
		return NULL;
	jset(p, "rlimits", rl);
	jset(p, "noNewPrivileges", json_object_new_boolean(in->spec->security.no_new_privileges));
	return steal_ptr(p);
}

/* ---- mounts ---- */

static struct json_object *mount_obj(const char *dest, const char *type, const char *source,
				     char *const *options)
{
	struct json_object *m = json_object_new_object();

	jset_str(m, "destination", dest);
	jset_str(m, "type", type);
	jset_str(m, "source", source);
	jset(m, "options", json_strv_new(options));
	return m;
}

/* Options that cancel each other: the later one given wins. */
static const char *const opposite[][2] = {
	{ "ro", "rw" }, { "exec", "noexec" }, { "suid", "nosuid" }, { "dev", "nodev" },
	{ "atime", "noatime" },
};

static void opt_push(char ***opts, const char *o)
{
	const char *other = NULL;
	size_t klen = strcspn(o, "=");

	for (size_t i = 0; i < sizeof(opposite) / sizeof(opposite[0]); i++)
		for (int j = 0; j < 2; j++)
			if (!strcmp(o, opposite[i][j]))
				other = opposite[i][1 - j];
	for (char **p = *opts; p && *p; p++) {
		bool same_key = !strncmp(*p, o, klen) && ((*p)[klen] == '=' || !(*p)[klen]);

		if (same_key || (other && !strcmp(*p, other))) {
			free(*p);
			*p = xstrdup(o);
			return;
		}
	}
	strv_push(opts, o);
}

static void opts_push_list(char ***opts, const char *list)
{
	cleanup_free char *copy = xstrdup(list);
	char *save = NULL;

	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save))
		opt_push(opts, o);
}

static struct json_object *user_mount(const struct oci_spec_in *in, size_t i,
				      struct pea_err **err)
{
	const struct mount_spec *m = &in->spec->mounts[i];
	const char *src = in->mount_sources ? in->mount_sources[i] : NULL;
	cleanup_strv char **opts = xcalloc(1, sizeof(char *));

	if (!m->destination || m->destination[0] != '/') {
		pea_err_setk(err, PEA_E_INVALID, 0, "mount destination '%s' is not absolute",
			     m->destination ? m->destination : "");
		return NULL;
	}
	if (m->kind == MOUNT_TMPFS) {
		opts_push_list(&opts, "rw,noexec,nosuid,nodev");
	} else {
		/* subPaths are resolved (safely) by the caller only: a path
		 * joined here could lead anywhere through a symlink */
		if (!src && (m->kind != MOUNT_BIND || !m->source || (m->subpath && *m->subpath))) {
			pea_err_setk(err, PEA_E_INVALID, 0, "mount '%s': source not resolved",
				     m->destination);
			return NULL;
		}
		if (!src)
			src = m->source;
		opts_push_list(&opts, m->kind == MOUNT_BIND ? "rbind,rw" : "rbind,nosuid,nodev,rw");
	}
	for (char **o = m->options; o && *o; o++)
		if (strcmp(*o, "bind") && strcmp(*o, "rbind"))
			opt_push(&opts, *o);
	if (m->readonly || (in->readonly_mounts && in->readonly_mounts[i]))
		opt_push(&opts, "ro");
	if (m->kind == MOUNT_TMPFS)
		return mount_obj(m->destination, "tmpfs", "tmpfs", opts);
	return mount_obj(m->destination, "bind", src, opts);
}

static bool user_mounts_have(const struct ctr_spec *s, const char *dest)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (s->mounts[i].destination && !strcmp(s->mounts[i].destination, dest))
			return true;
	return false;
}

static void add_default(struct json_object *arr, const struct ctr_spec *s, const char *dest,
			const char *type, const char *source, const char *options)
{
	cleanup_strv char **opts = NULL;

	if (user_mounts_have(s, dest))
		return;
	opts_push_list(&opts, options);
	json_object_array_add(arr, mount_obj(dest, type, source, opts));
}

static size_t path_depth(const char *p)
{
	size_t n = 0;

	for (; *p; p++)
		if (*p == '/' && p[1] && p[1] != '/')
			n++;
	return n;
}

static int add_user_mounts(struct json_object *arr, const struct oci_spec_in *in,
			   struct pea_err **err)
{
	const struct ctr_spec *s = in->spec;

	/* parents before children: stable by depth */
	for (size_t depth = 0; depth < PATH_MAX / 2; depth++) {
		bool more = false;

		for (size_t i = 0; i < s->n_mounts; i++) {
			size_t d = s->mounts[i].destination ? path_depth(s->mounts[i].destination) : 0;
			struct json_object *m;

			more |= d > depth;
			if (d != depth)
				continue;
			m = user_mount(in, i, err);
			if (!m)
				return -1;
			json_object_array_add(arr, m);
		}
		if (!more)
			break;
	}
	return 0;
}

static struct json_object *build_mounts(const struct oci_spec_in *in, struct pea_err **err)
{
	cleanup_json struct json_object *arr = json_object_new_array();
	const struct ctr_spec *s = in->spec;
	bool priv = s->security.privileged;
	static const char *const etc[] = { "hosts", "resolv.conf", "hostname" };

	if (in->rootless && in->pidns_path && !strcmp(in->pidns_path, "host"))
		/* a user namespace may not mount the host pid namespace's proc:
		 * bind it, as podman does for rootless --pid=host */
		add_default(arr, s, "/proc", "bind", "/proc", "rbind,nosuid,noexec,nodev");
	else
		add_default(arr, s, "/proc", "proc", "proc", "nosuid,noexec,nodev");
	add_default(arr, s, "/dev", "tmpfs", "tmpfs", "nosuid,strictatime,mode=755,size=65536k");
	add_default(arr, s, "/dev/pts", "devpts", "devpts",
		    in->no_tty_gid ? "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620"
				   : "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5");
	if (in->shm_path)
		add_default(arr, s, "/dev/shm", "bind", in->shm_path, "rbind,rprivate,nosuid,noexec,nodev");
	else
		add_default(arr, s, "/dev/shm", "tmpfs", "shm", "nosuid,noexec,nodev,mode=1777,size=65536k");
	if (in->rootless && in->ipcns_path && !strcmp(in->ipcns_path, "host")) {
		/* the same for the host ipc namespace's mqueue (when the host
		 * has it mounted at all) */
		if (access("/dev/mqueue", F_OK) == 0)
			add_default(arr, s, "/dev/mqueue", "bind", "/dev/mqueue",
				    "rbind,nosuid,noexec,nodev");
	} else
		add_default(arr, s, "/dev/mqueue", "mqueue", "mqueue", "nosuid,noexec,nodev");
	if (priv && in->netns_path && in->netns_path[0] == '/')
		/* runc turns sysfs into a read-only rbind of the host's /sys when
		 * the container joins a netns it did not create (a pod's): a
		 * privileged container asks for that rbind read-write itself */
		add_default(arr, s, "/sys", "bind", "/sys", "rbind,nosuid,noexec,nodev,rw");
	else
		add_default(arr, s, "/sys", "sysfs", "sysfs",
			    priv ? "nosuid,noexec,nodev,rw" : "nosuid,noexec,nodev,ro");
	add_default(arr, s, "/sys/fs/cgroup", "cgroup", "cgroup",
		    priv ? "nosuid,noexec,nodev,relatime,rw" : "nosuid,noexec,nodev,relatime,ro");
	for (size_t i = 0; i < sizeof(etc) / sizeof(etc[0]); i++) {
		cleanup_free char *dest = xasprintf("/etc/%s", etc[i]);
		cleanup_free char *src = path_join(in->etc_dir ? in->etc_dir : in->bundle, etc[i]);

		if (s->no_hosts && !strcmp(etc[i], "hosts"))
			continue;
		add_default(arr, s, dest, "bind", src, "rbind,rprivate");
	}
	if (s->security.readonly_rootfs && s->security.readonly_tmpfs) {
		add_default(arr, s, "/tmp", "tmpfs", "tmpfs", "rw,rprivate,nosuid,nodev");
		add_default(arr, s, "/var/tmp", "tmpfs", "tmpfs", "rw,rprivate,nosuid,nodev");
		add_default(arr, s, "/run", "tmpfs", "tmpfs", "rw,rprivate,nosuid,nodev");
	}
	if (s->init && in->pause_path)
		add_default(arr, s, INIT_PATH, "bind", in->pause_path, "bind,ro,rprivate");
	if (add_user_mounts(arr, in, err) < 0)
		return NULL;
	return steal_ptr(arr);
}

/* ---- linux ---- */

static void add_ns(struct json_object *arr, const char *type, const char *path)
{
	struct json_object *ns;

	if (path && !strcmp(path, "host"))
		return;
	ns = json_object_new_object();
	jset_str(ns, "type", type);
	if (path)
		jset_str(ns, "path", path);
	json_object_array_add(arr, ns);
}

static struct json_object *build_namespaces(const struct oci_spec_in *in)
{
	struct json_object *arr = json_object_new_array();

	add_ns(arr, "pid", in->pidns_path);
	add_ns(arr, "network", in->netns_path);
	add_ns(arr, "ipc", in->ipcns_path);
	add_ns(arr, "uts", in->utsns_path);
	add_ns(arr, "mount", NULL);
	/* podman: private cgroup namespace on v2, the host's on v1 */
	if (in->cgroup_v2)
		add_ns(arr, "cgroup", NULL);
	return arr;
}

static struct json_object *device_rule(bool allow, const char *type, int64_t major,
				       int64_t minor, const char *access)
{
	struct json_object *d = json_object_new_object();

	jset(d, "allow", json_object_new_boolean(allow));
	if (type)
		jset_str(d, "type", type);
	if (major >= 0)
		jset(d, "major", json_object_new_int64(major));
	if (minor >= 0)
		jset(d, "minor", json_object_new_int64(minor));
	jset_str(d, "access", access);
	return d;
}

/* Deny all, then runc's default allow-list (-1 = any). */
static struct json_object *build_devices(bool privileged)
{
	static const struct { const char *type; int major, minor; const char *access; } allow[] = {
		{ "c", -1, -1, "m" }, { "b", -1, -1, "m" },
		{ "c", 1, 3, "rwm" }, { "c", 1, 5, "rwm" }, { "c", 1, 7, "rwm" },
		{ "c", 1, 8, "rwm" }, { "c", 1, 9, "rwm" }, { "c", 5, 0, "rwm" },
		{ "c", 5, 1, "rwm" }, { "c", 5, 2, "rwm" }, { "c", 136, -1, "rwm" },
		{ "c", 10, 200, "rwm" },
	};
	struct json_object *arr = json_object_new_array();

	if (privileged) {
		json_object_array_add(arr, device_rule(true, NULL, -1, -1, "rwm"));
		return arr;
	}
	json_object_array_add(arr, device_rule(false, NULL, -1, -1, "rwm"));
	for (size_t i = 0; i < sizeof(allow) / sizeof(allow[0]); i++)
		json_object_array_add(arr, device_rule(true, allow[i].type, allow[i].major,
						       allow[i].minor, allow[i].access));
	return arr;
}

static struct json_object *build_resources(const struct oci_spec_in *in)
{
	const struct resources_spec *r = &in->spec->resources;
	struct json_object *res = json_object_new_object();
	struct json_object *o;

	jset(res, "devices", build_devices(in->spec->security.privileged));
	if (r->memory > 0 || r->memory_swap != 0) {
		o = json_object_new_object();
		if (r->memory > 0)
			jset(o, "limit", json_object_new_int64(r->memory));
		if (r->memory_swap != 0)
			jset(o, "swap", json_object_new_int64(r->memory_swap));
		jset(res, "memory", o);
	}
	if (r->cpu_quota > 0 || r->cpu_period > 0 || r->cpu_shares > 0) {
		o = json_object_new_object();
		if (r->cpu_shares > 0)
			jset(o, "shares", json_object_new_uint64(r->cpu_shares));
		if (r->cpu_quota > 0)
			jset(o, "quota", json_object_new_int64(r->cpu_quota));
		if (r->cpu_quota > 0 || r->cpu_period > 0)
			jset(o, "period", json_object_new_uint64(r->cpu_period ? r->cpu_period : 100000));
		jset(res, "cpu", o);
	}
	if (r->pids_limit > 0) {
		o = json_object_new_object();
		jset(o, "limit", json_object_new_int64(r->pids_limit));
		jset(res, "pids", o);
	}
	return res;
}

/* "k=v" vector -> {"k": "v"}; what names the list in errors. */
static struct json_object *kv_object(char *const *v, const char *what, struct pea_err **err)
{
	cleanup_json struct json_object *o = json_object_new_object();

	for (; v && *v; v++) {
		const char *eq = strchr(*v, '=');
		cleanup_free char *key = NULL;

		if (!eq || eq == *v) {
			pea_err_setk(err, PEA_E_INVALID, 0, "invalid %s '%s': want key=value", what, *v);
			return NULL;
		}
		key = xstrndup(*v, (size_t)(eq - *v));
		jset_str(o, key, eq + 1);
	}
	return steal_ptr(o);
}

/* A mount that propagates back to the host (rshared) needs a shared root in
 * the container's mount namespace, one that receives (rslave) at least a
 * slave root: what CRI-O and containerd set for Kubernetes' Bidirectional
 * and HostToContainer propagation.  NULL: the runtime's default. */
static const char *root_propagation(const struct ctr_spec *s)
{
	const char *p = NULL;

	for (size_t i = 0; i < s->n_mounts; i++) {
		for (char **o = s->mounts[i].options; o && *o; o++) {
			if (!strcmp(*o, "rshared") || !strcmp(*o, "shared"))
				return "rshared";
			if (!strcmp(*o, "rslave") || !strcmp(*o, "slave"))
				p = "rslave";
		}
	}
	return p;
}

static int build_linux(struct json_object *spec, const struct oci_spec_in *in,
		       char *const *caps, struct pea_err **err)
{
	const struct security_spec *sec = &in->spec->security;
	struct json_object *lx = json_object_new_object();
	const char *parent = in->spec->cgroup_parent ? in->spec->cgroup_parent
			     : in->cgroup_parent ? in->cgroup_parent : "/peapod";
	cleanup_free char *cg = xasprintf("%s%s/%s", parent[0] == '/' ? "" : "/", parent, in->id);
	struct json_object *seccomp = NULL, *sysctl;

	jset(spec, "linux", lx);
	jset(lx, "namespaces", build_namespaces(in));
	if (!sec->privileged && !sec->unmasked_proc) {
		jset(lx, "maskedPaths", json_strv_new((char *const *)masked_paths));
		jset(lx, "readonlyPaths", json_strv_new((char *const *)readonly_paths));
	}
	/* Rootless without a delegated cgroup (v1, or v2 not delegated): no
	 * cgroup of our own to put limits on; the runtime leaves the
	 * container in ours. */
	if (!in->rootless || in->cgroup_delegated)
		jset(lx, "resources", build_resources(in));
	if (sec->privileged)
		jset(lx, "devices", host_devices_json(in->dev_dir ? in->dev_dir : "/dev"));
	if (in->rootless && in->cgroup_delegated) {
		cleanup_free char *dcg = xasprintf("%s/peapod/%s", in->cgroup_delegated, in->id);

		jset_str(lx, "cgroupsPath", dcg);
	} else if (!in->rootless) {
		jset_str(lx, "cgroupsPath", cg);
	}
	if (root_propagation(in->spec))
		jset_str(lx, "rootfsPropagation", root_propagation(in->spec));
	sysctl = kv_object(sec->sysctls, "sysctl", err);
	if (!sysctl)
		return -1;
	if (json_object_object_length(sysctl) > 0)
		jset(lx, "sysctl", sysctl);
	else
		json_object_put(sysctl);
	if (!sec->privileged && seccomp_profile_for(sec->seccomp_profile, caps, &seccomp, err) < 0)
		return -1;
	if (seccomp)
		jset(lx, "seccomp", seccomp);
	return 0;
}

struct json_object *oci_spec_build(const struct oci_spec_in *in, struct pea_err **err)
{
	const struct security_spec *sec = &in->spec->security;
	cleanup_json struct json_object *spec = json_object_new_object();
	cleanup_strv char **caps = caps_resolve(sec->cap_add, sec->cap_drop, sec->privileged,
						in->last_cap > 0 ? in->last_cap : -1, err);
	struct json_object *o;
	char hostbuf[HOST_NAME_MAX + 1];
	const char *hostname = container_hostname(in, hostbuf, sizeof(hostbuf));

	if (!caps)
		return NULL;
	jset_str(spec, "ociVersion", "1.0.2");
	o = build_process(in, caps, hostname, err);
	if (!o)
		return NULL;
	jset(spec, "process", o);
	o = json_object_new_object();
	jset_str(o, "path", in->rootfs);
	jset(o, "readonly", json_object_new_boolean(sec->readonly_rootfs));
	jset(spec, "root", o);
	if (!in->utsns_path)
		jset_str(spec, "hostname", hostname);
	o = build_mounts(in, err);
	if (!o)
		return NULL;
	jset(spec, "mounts", o);
	o = kv_object(in->spec->annotations, "annotation", err);
	if (!o)
		return NULL;
	jset(spec, "annotations", o);
	if (build_linux(spec, in, caps, err) < 0)
		return NULL;
	return steal_ptr(spec);
}

int oci_spec_write(const char *bundle, struct json_object *spec, struct pea_err **err)
{
	cleanup_free char *path = path_join(bundle, "config.json");
	const char *text = json_object_to_json_string_ext(spec, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_NOSLASHESCAPE);

	if (io_write_file_atomic(path, text, strlen(text), 0600, err) < 0)
		return pea_err_wrap(err, "write OCI spec");
	return 0;
}
