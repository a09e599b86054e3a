/* Container specs: lifecycle, the JSON form stored with each container, and
 * the flag parsers shared by cli/ and kube/. */
#include "podengine/spec.h"
#include "base/cleanup.h"
#include "base/json.h"
#include "base/parse.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <string.h>

#include "base/banned.h"

void ctr_spec_init(struct ctr_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->security.readonly_tmpfs = true;
	s->stop_timeout = -1;
}

void mount_spec_release(struct mount_spec *m)
{
	free(m->source);
	free(m->destination);
	strv_free(m->options);
	free(m->subpath);
	free(m->host_path_type);
	memset(m, 0, sizeof(*m));
}

void ctr_spec_release(struct ctr_spec *s)
{
	size_t i;

	free(s->name);
	free(s->image);
	strv_free(s->entrypoint);
	strv_free(s->cmd);
	strv_free(s->env);
	free(s->workdir);
	free(s->user);
	strv_free(s->groups);
	free(s->hostname);
	strv_free(s->labels);
	strv_free(s->annotations);
	for (i = 0; i < s->n_mounts; i++)
		mount_spec_release(&s->mounts[i]);
	free(s->mounts);
	for (i = 0; i < s->n_rlimits; i++)
		free(s->rlimits[i].type);
	free(s->rlimits);
	strv_free(s->security.cap_add);
	strv_free(s->security.cap_drop);
	free(s->security.seccomp_profile);
	strv_free(s->security.sysctls);
	free(s->ns.net);
	free(s->ns.ipc);
	free(s->ns.uts);
	free(s->ns.pid);
	strv_free(s->add_hosts);
	strv_free(s->dns_servers);
	strv_free(s->dns_search);
	strv_free(s->dns_options);
	free(s->stop_signal);
	free(s->runtime);
	free(s->pod);
	free(s->cgroup_parent);
	strv_free(s->env_pod_ip);
	free(s->kube);
	ctr_spec_init(s);
}

/* ---- to JSON ---------------------------------------------------------- */

static const char *const mount_kinds[] = { "bind", "volume", "tmpfs", "pod-volume" };
#define N_MOUNT_KINDS (sizeof(mount_kinds) / sizeof(mount_kinds[0]))

static const char *const role_names[] = { "app", "init", "sidecar" };
static const char *const pull_names[] = { "missing", "always", "never", "newer" };

/* The index of `name` in `names`, or -1. */
static int name_index(const char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; name && i < n; i++)
		if (!strcmp(names[i], name))
			return (int)i;
	return -1;
}

static struct json_object *mounts_json(const struct ctr_spec *s)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < s->n_mounts; i++) {
		const struct mount_spec *m = &s->mounts[i];
		struct json_object *o = json_object_new_object();

		json_put_str(o, "kind", mount_kinds[m->kind]);
		json_put_str(o, "source", m->source);
		json_put_str(o, "destination", m->destination);
		json_put_strv(o, "options", m->options);
		json_put_bool(o, "readonly", m->readonly);
		json_put_str(o, "subpath", m->subpath);
		json_put_str(o, "host_path_type", m->host_path_type);
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *rlimits_json(const struct ctr_spec *s)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < s->n_rlimits; i++) {
		struct json_object *o = json_object_new_object();

		json_put_str(o, "type", s->rlimits[i].type);
		json_object_object_add(o, "soft", json_object_new_uint64(s->rlimits[i].soft));
		json_object_object_add(o, "hard", json_object_new_uint64(s->rlimits[i].hard));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *resources_json(const struct resources_spec *r)
{
	struct json_object *o = json_object_new_object();

	json_put_i64(o, "memory", r->memory);
	json_put_i64(o, "memory_swap", r->memory_swap);
	json_put_i64(o, "cpu_quota", r->cpu_quota);
	json_put_i64(o, "cpu_period", (int64_t)r->cpu_period);
	json_put_i64(o, "cpu_shares", (int64_t)r->cpu_shares);
	json_put_i64(o, "pids_limit", r->pids_limit);
	return o;
}

static struct json_object *security_json(const struct security_spec *sec)
{
	struct json_object *o = json_object_new_object();

	json_put_bool(o, "privileged", sec->privileged);
	json_put_strv(o, "cap_add", sec->cap_add);
	json_put_strv(o, "cap_drop", sec->cap_drop);
	json_put_str(o, "seccomp_profile", sec->seccomp_profile);
	json_put_bool(o, "no_new_privileges", sec->no_new_privileges);
	json_put_bool(o, "readonly_rootfs", sec->readonly_rootfs);
	json_put_bool(o, "readonly_tmpfs", sec->readonly_tmpfs);
	json_put_strv(o, "sysctls", sec->sysctls);
	json_put_bool(o, "unmasked_proc", sec->unmasked_proc);
	return o;
}

static struct json_object *ns_json(const struct ns_spec *ns)
{
	struct json_object *o = json_object_new_object();

	json_put_str(o, "net", ns->net);
	json_put_str(o, "ipc", ns->ipc);
	json_put_str(o, "uts", ns->uts);
	json_put_str(o, "pid", ns->pid);
	return o;
}

struct json_object *ctr_spec_to_json(const struct ctr_spec *s)
{
	struct json_object *o = json_object_new_object();

	json_put_str(o, "name", s->name);
	json_put_str(o, "image", s->image);
	json_put_strv(o, "entrypoint", s->entrypoint);
	json_put_strv(o, "cmd", s->cmd);
	json_put_strv(o, "env", s->env);
	json_put_str(o, "workdir", s->workdir);
	json_put_str(o, "user", s->user);
	json_put_strv(o, "groups", s->groups);
	json_put_str(o, "hostname", s->hostname);
	json_put_strv(o, "labels", s->labels);
	json_put_strv(o, "annotations", s->annotations);
	json_object_object_add(o, "mounts", mounts_json(s));
	json_object_object_add(o, "rlimits", rlimits_json(s));
	json_object_object_add(o, "resources", resources_json(&s->resources));
	json_object_object_add(o, "security", security_json(&s->security));
	json_object_object_add(o, "ns", ns_json(&s->ns));
	json_put_strv(o, "add_hosts", s->add_hosts);
	json_put_strv(o, "dns_servers", s->dns_servers);
	json_put_strv(o, "dns_search", s->dns_search);
	json_put_strv(o, "dns_options", s->dns_options);
	json_put_str(o, "restart", spec_restart_name(s->restart));
	json_object_object_add(o, "restart_max", json_object_new_int(s->restart_max));
	json_put_bool(o, "tty", s->tty);
	json_put_bool(o, "stdin_open", s->stdin_open);
	json_put_bool(o, "init", s->init);
	json_put_bool(o, "auto_remove", s->auto_remove);
	json_put_str(o, "stop_signal", s->stop_signal);
	json_object_object_add(o, "stop_timeout", json_object_new_int(s->stop_timeout));
	json_put_i64(o, "log_max_size", s->log_max_size);
	json_put_str(o, "runtime", s->runtime);
	json_put_str(o, "pod", s->pod);
	json_put_str(o, "cgroup_parent", s->cgroup_parent);
	if (s->infra)
		json_put_bool(o, "infra", true);
	/* Only what differs from the defaults: rows of containers made before
	 * these fields existed look the same. */
	if (s->role != CTR_ROLE_APP && (size_t)s->role < 3)
		json_put_str(o, "role", role_names[s->role]);
	if (s->pull != PULL_MISSING && (size_t)s->pull < 4)
		json_put_str(o, "pull", pull_names[s->pull]);
	json_put_strv(o, "env_pod_ip", s->env_pod_ip);
	if (s->run_as_non_root)
		json_put_bool(o, "run_as_non_root", true);
	json_put_str(o, "kube", s->kube);
	return o;
}

/* ---- from JSON -------------------------------------------------------- */

static int mounts_from_json(struct json_object *o, struct ctr_spec *s, struct pea_err **err)
{
	struct json_object *a;
	size_t i, n;

	if (!json_object_object_get_ex(o, "mounts", &a) || !json_object_is_type(a, json_type_array))
		return 0;
	n = json_object_array_length(a);
	s->mounts = xcalloc(n ? n : 1, sizeof(*s->mounts));
	for (i = 0; i < n; i++) {
		struct json_object *m = json_object_array_get_idx(a, i);
		struct mount_spec *ms = &s->mounts[i];
		cleanup_free char *kind = json_dup_str(m, "kind");
		int k = name_index(mount_kinds, N_MOUNT_KINDS, kind);

		if (k < 0)
			return pea_err_setk(err, PEA_E_INVALID, 0, "spec: unknown mount kind '%s'",
					    kind ? kind : "");
		ms->kind = (enum mount_kind)k;
		ms->source = json_dup_str(m, "source");
		ms->destination = json_dup_str(m, "destination");
		ms->options = json_dup_strv(m, "options");
		ms->readonly = json_get_bool(m, "readonly", false);
		ms->subpath = json_dup_str(m, "subpath");
		ms->host_path_type = json_dup_str(m, "host_path_type");
		s->n_mounts++;
	}
	return 0;
}

static void rlimits_from_json(struct json_object *o, struct ctr_spec *s)
{
	struct json_object *a;
	size_t i, n;

	if (!json_object_object_get_ex(o, "rlimits", &a) || !json_object_is_type(a, json_type_array))
		return;
	n = json_object_array_length(a);
	s->rlimits = xcalloc(n ? n : 1, sizeof(*s->rlimits));
	for (i = 0; i < n; i++) {
		struct json_object *r = json_object_array_get_idx(a, i), *v;

		s->rlimits[i].type = json_dup_str(r, "type");
		if (json_object_object_get_ex(r, "soft", &v))
			s->rlimits[i].soft = json_object_get_uint64(v);
		if (json_object_object_get_ex(r, "hard", &v))
			s->rlimits[i].hard = json_object_get_uint64(v);
	}
	s->n_rlimits = n;
}

static void nested_from_json(struct json_object *o, struct ctr_spec *s)
{
	struct json_object *r = json_get_obj(o, "resources"), *sec = json_get_obj(o, "security");
	struct json_object *ns = json_get_obj(o, "ns");

	if (r) {
		s->resources.memory = json_get_i64(r, "memory", 0);
		s->resources.memory_swap = json_get_i64(r, "memory_swap", 0);
		s->resources.cpu_quota = json_get_i64(r, "cpu_quota", 0);
		s->resources.cpu_period = (uint64_t)json_get_i64(r, "cpu_period", 0);
		s->resources.cpu_shares = (uint64_t)json_get_i64(r, "cpu_shares", 0);
		s->resources.pids_limit = json_get_i64(r, "pids_limit", 0);
	}
	if (sec) {
		s->security.privileged = json_get_bool(sec, "privileged", false);
		s->security.cap_add = json_dup_strv(sec, "cap_add");
		s->security.cap_drop = json_dup_strv(sec, "cap_drop");
		s->security.seccomp_profile = json_dup_str(sec, "seccomp_profile");
		s->security.no_new_privileges = json_get_bool(sec, "no_new_privileges", false);
		s->security.readonly_rootfs = json_get_bool(sec, "readonly_rootfs", false);
		s->security.readonly_tmpfs = json_get_bool(sec, "readonly_tmpfs", true);
		s->security.sysctls = json_dup_strv(sec, "sysctls");
		s->security.unmasked_proc = json_get_bool(sec, "unmasked_proc", false);
	}
	if (ns) {
		s->ns.net = json_dup_str(ns, "net");
		s->ns.ipc = json_dup_str(ns, "ipc");
		s->ns.uts = json_dup_str(ns, "uts");
		s->ns.pid = json_dup_str(ns, "pid");
	}
}

/* The fields kube play added; absent in older rows (= the defaults). */
static int kube_fields_from_json(struct json_object *o, struct ctr_spec *s,
				 struct pea_err **err)
{
	cleanup_free char *role = json_dup_str(o, "role");
	cleanup_free char *pull = json_dup_str(o, "pull");
	int r = role ? name_index(role_names, 3, role) : CTR_ROLE_APP;
	int p = pull ? name_index(pull_names, 4, pull) : PULL_MISSING;

	if (r < 0)
		return pea_err_setk(err, PEA_E_INVALID, 0, "spec: unknown container role '%s'", role);
	if (p < 0)
		return pea_err_setk(err, PEA_E_INVALID, 0, "spec: unknown pull policy '%s'", pull);
	s->role = (enum ctr_role)r;
	s->pull = (enum pull_policy)p;
	s->env_pod_ip = json_dup_strv(o, "env_pod_ip");
	s->run_as_non_root = json_get_bool(o, "run_as_non_root", false);
	s->kube = json_dup_str(o, "kube");
	return 0;
}

int ctr_spec_from_json(struct json_object *o, struct ctr_spec *s, struct pea_err **err)
{
	cleanup_free char *restart = NULL;

	if (!json_object_is_type(o, json_type_object))
		return pea_err_setk(err, PEA_E_INVALID, 0, "spec: not a JSON object");
	s->name = json_dup_str(o, "name");
	s->image = json_dup_str(o, "image");
	s->entrypoint = json_dup_strv(o, "entrypoint");
	s->cmd = json_dup_strv(o, "cmd");
	s->env = json_dup_strv(o, "env");
	s->workdir = json_dup_str(o, "workdir");
	s->user = json_dup_str(o, "user");
	s->groups = json_dup_strv(o, "groups");
	s->hostname = json_dup_str(o, "hostname");
	s->labels = json_dup_strv(o, "labels");
	s->annotations = json_dup_strv(o, "annotations");
	if (mounts_from_json(o, s, err) < 0)
		return -1;
	rlimits_from_json(o, s);
	nested_from_json(o, s);
	s->add_hosts = json_dup_strv(o, "add_hosts");
	s->dns_servers = json_dup_strv(o, "dns_servers");
	s->dns_search = json_dup_strv(o, "dns_search");
	s->dns_options = json_dup_strv(o, "dns_options");
	restart = json_dup_str(o, "restart");
	if (restart && spec_parse_restart(restart, &s->restart, &s->restart_max, err) < 0)
		return -1;
	s->restart_max = (int)json_get_i64(o, "restart_max", 0);
	s->tty = json_get_bool(o, "tty", false);
	s->stdin_open = json_get_bool(o, "stdin_open", false);
	s->init = json_get_bool(o, "init", false);
	s->auto_remove = json_get_bool(o, "auto_remove", false);
	s->stop_signal = json_dup_str(o, "stop_signal");
	s->stop_timeout = (int)json_get_i64(o, "stop_timeout", -1);
	s->log_max_size = json_get_i64(o, "log_max_size", 0);
	s->runtime = json_dup_str(o, "runtime");
	s->pod = json_dup_str(o, "pod");
	s->cgroup_parent = json_dup_str(o, "cgroup_parent");
	s->infra = json_get_bool(o, "infra", false);
	return kube_fields_from_json(o, s, err);
}

/* ---- parsers ---------------------------------------------------------- */

/* Split on `sep`, keeping empty fields. */
static char **split(const char *s, char sep)
{
	char **v = xcalloc(1, sizeof(*v));
	const char *p;

	for (;;) {
		p = strchr(s, sep);
		if (!p) {
			strv_push(&v, s);
			return v;
		}
		{
			cleanup_free char *f = xstrndup(s, (size_t)(p - s));

			strv_push(&v, f);
		}
		s = p + 1;
	}
}

static bool is_bind_source(const char *s)
{
	return s[0] == '/' || s[0] == '.';
}

/* Podman's volume name rule: [a-zA-Z0-9][a-zA-Z0-9_.-]* */
static bool valid_volume_name(const char *s)
{
	const char *p;

	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
		return false;
	for (p = s + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-'))
			return false;
	return true;
}

static int check_destination(const char *dst, const char *arg, struct pea_err **err)
{
	if (!dst || dst[0] != '/')
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "invalid container path \"%s\" in '%s': must be an absolute path",
				    dst ? dst : "", arg);
	return 0;
}

static const char *const known_volume_options[] = {
	"z", "Z", "U", "O", "copy", "nocopy", "bind", "rbind", "private", "rprivate", "shared",
	"rshared", "slave", "rslave", "unbindable", "runbindable", "exec", "noexec", "suid",
	"nosuid", "dev", "nodev", "idmap", NULL,
};

/* Options after the last colon: "ro", "rw", "z", "U", "nocopy", ... */
static int volume_options(const char *opts, struct mount_spec *m, const char *arg,
			  struct pea_err **err)
{
	cleanup_strv char **v = split(opts, ',');
	char **p;

	for (p = v; *p; p++) {
		if (!**p)
			continue;
		if (!strcmp(*p, "ro") || !strcmp(*p, "rw"))
			m->readonly = !strcmp(*p, "ro");
		else if (strv_find((char *const *)known_volume_options, *p) < 0)
			return pea_err_setk(err, PEA_E_INVALID, 0, "invalid option '%s' in volume '%s'",
					    *p, arg);
		strv_push(&m->options, *p);
	}
	return 0;
}

int spec_parse_volume(const char *arg, struct mount_spec *out, struct pea_err **err)
{
	cleanup_strv char **f = split(arg, ':');
	size_t n = strv_len(f);
	struct mount_spec m = { 0 };

	if (n < 1 || n > 3 || !*f[0])
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid volume specification '%s'", arg);
	if (n == 1 || (n == 2 && f[1][0] != '/' && f[0][0] == '/')) {
		/* "/ctr" or "/ctr:opts": anonymous volume */
		m.kind = MOUNT_VOLUME;
		m.destination = xstrdup(f[0]);
		if (n == 2 && volume_options(f[1], &m, arg, err) < 0)
			goto fail;
	} else {
		m.kind = is_bind_source(f[0]) ? MOUNT_BIND : MOUNT_VOLUME;
		if (m.kind == MOUNT_VOLUME && !valid_volume_name(f[0])) {
			pea_err_setk(err, PEA_E_INVALID, 0, "invalid volume name '%s': must match "
				     "[a-zA-Z0-9][a-zA-Z0-9_.-]*", f[0]);
			goto fail;
		}
		m.source = xstrdup(f[0]);
		m.destination = xstrdup(f[1]);
		if (n == 3 && volume_options(f[2], &m, arg, err) < 0)
			goto fail;
	}
	if (check_destination(m.destination, arg, err) < 0)
		goto fail;
	*out = m;
	return 0;
fail:
	mount_spec_release(&m);
	return -1;
}

static int mount_kv(struct mount_spec *m, const char *k, const char *v, const char *arg,
		    struct pea_err **err)
{
	int b;

	if (!strcmp(k, "source") || !strcmp(k, "src")) {
		free(m->source);
		m->source = xstrdup(v ? v : "");
	} else if (!strcmp(k, "destination") || !strcmp(k, "dst") || !strcmp(k, "target")) {
		free(m->destination);
		m->destination = xstrdup(v ? v : "");
	} else if (!strcmp(k, "ro") || !strcmp(k, "readonly")) {
		if (v && parse_bool(v, &b, k, err) < 0)
			return -1;
		m->readonly = v ? b : true;
	} else if (!strcmp(k, "rw")) {
		m->readonly = false;
	} else if (!strcmp(k, "subpath") || !strcmp(k, "volume-subpath")) {
		free(m->subpath);
		m->subpath = xstrdup(v ? v : "");
	} else if (!strcmp(k, "tmpfs-size") && v) {
		cleanup_free char *o = xasprintf("size=%s", v);

		strv_push(&m->options, o);
	} else if (!strcmp(k, "tmpfs-mode") && v) {
		cleanup_free char *o = xasprintf("mode=%s", v);

		strv_push(&m->options, o);
	} else if (!strcmp(k, "bind-propagation") && v) {
		strv_push(&m->options, v);
	} else if (!strcmp(k, "relabel") || !strcmp(k, "volume-nocopy") ||
		   !strcmp(k, "bind-nonrecursive") || !strcmp(k, "consistency") || !strcmp(k, "U") ||
		   !strcmp(k, "z") || !strcmp(k, "Z")) {
		if (!strcmp(k, "volume-nocopy"))
			strv_push(&m->options, "nocopy");
	} else {
		return pea_err_setk(err, PEA_E_INVALID, 0, "unknown mount option '%s' in '%s'", k, arg);
	}
	return 0;
}

static int mount_type(const char *v, struct mount_spec *m, const char *arg, struct pea_err **err)
{
	if (!strcmp(v, "bind"))
		m->kind = MOUNT_BIND;
	else if (!strcmp(v, "volume"))
		m->kind = MOUNT_VOLUME;
	else if (!strcmp(v, "tmpfs"))
		m->kind = MOUNT_TMPFS;
	else
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid mount type '%s' in '%s'", v, arg);
	return 0;
}

int spec_parse_mount(const char *arg, struct mount_spec *out, struct pea_err **err)
{
	cleanup_strv char **f = split(arg, ',');
	struct mount_spec m = { 0 };
	bool typed = false;
	char **p;

	for (p = f; *p; p++) {
		char *eq = strchr(*p, '=');
		cleanup_free char *k = eq ? xstrndup(*p, (size_t)(eq - *p)) : xstrdup(*p);
		const char *v = eq ? eq + 1 : NULL;

		if (!*k)
			continue;
		if (!strcmp(k, "type")) {
			if (mount_type(v ? v : "", &m, arg, err) < 0)
				goto fail;
			typed = true;
		} else if (mount_kv(&m, k, v, arg, err) < 0) {
			goto fail;
		}
	}
	if (!typed) {
		pea_err_setk(err, PEA_E_INVALID, 0, "mount '%s': type is required", arg);
		goto fail;
	}
	if (m.kind == MOUNT_TMPFS) {
		free(steal_ptr(m.source));
	} else if (m.kind == MOUNT_BIND && (!m.source || !*m.source)) {
		pea_err_setk(err, PEA_E_INVALID, 0, "mount '%s': bind mounts need a source", arg);
		goto fail;
	} else if (m.kind == MOUNT_VOLUME && m.source && *m.source &&
		   !valid_volume_name(m.source)) {
		pea_err_setk(err, PEA_E_INVALID, 0, "invalid volume name '%s'", m.source);
		goto fail;
	}
	if (m.kind == MOUNT_VOLUME && m.source && !*m.source)
		free(steal_ptr(m.source));
	if (check_destination(m.destination, arg, err) < 0)
		goto fail;
	*out = m;
	return 0;
fail:
	mount_spec_release(&m);
	return -1;
}

int spec_parse_tmpfs(const char *arg, struct mount_spec *out, struct pea_err **err)
{
	const char *colon = strchr(arg, ':');
	struct mount_spec m = { .kind = MOUNT_TMPFS };

	m.destination = colon ? xstrndup(arg, (size_t)(colon - arg)) : xstrdup(arg);
	if (colon && colon[1]) {
		cleanup_strv char **v = split(colon + 1, ',');
		char **p;

		for (p = v; *p; p++) {
			if (!**p)
				continue;
			if (!strcmp(*p, "ro"))
				m.readonly = true;
			strv_push(&m.options, *p);
		}
	}
	if (check_destination(m.destination, arg, err) < 0) {
		mount_spec_release(&m);
		return -1;
	}
	*out = m;
	return 0;
}

int spec_parse_restart(const char *arg, enum restart_policy *p, int *max, struct pea_err **err)
{
	const char *colon = strchr(arg, ':');
	cleanup_free char *name = colon ? xstrndup(arg, (size_t)(colon - arg)) : xstrdup(arg);
	int n = 0;

	if (colon) {
		if (strcmp(name, "on-failure"))
			return pea_err_setk(err, PEA_E_INVALID, 0, "restart policy retries can only "
					    "be specified with on-failure");
		if (parse_int(colon + 1, 0, 1 << 30, &n, "restart policy retries", err) < 0)
			return -1;
	}
	if (!*name || !strcmp(name, "no"))
		*p = RESTART_NO;
	else if (!strcmp(name, "always"))
		*p = RESTART_ALWAYS;
	else if (!strcmp(name, "on-failure"))
		*p = RESTART_ON_FAILURE;
	else if (!strcmp(name, "unless-stopped"))
		*p = RESTART_UNLESS_STOPPED;
	else
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid restart policy '%s': must be "
				    "one of no, always, on-failure[:N], unless-stopped", arg);
	*max = n;
	return 0;
}

const char *spec_restart_name(enum restart_policy p)
{
	switch (p) {
	case RESTART_ALWAYS: return "always";
	case RESTART_ON_FAILURE: return "on-failure";
	case RESTART_UNLESS_STOPPED: return "unless-stopped";
	case RESTART_NO: break;
	}
	return "no";
}
