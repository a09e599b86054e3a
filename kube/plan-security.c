/* securityContext: the pod's, then the container's fields over it (same
 * names win), as the kubelet's determineEffectiveSecurityContext.
 *
 * runAsGroup without runAsUser is refused: containerd and CRI-O both fail
 * such a container ("user group is specified without user"), so a cluster
 * would not run it either.  readOnlyRootFilesystem gives no writable /tmp
 * (podman's --read-only-tmpfs is not Kubernetes'). */
#include "kube/plan-internal.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <ctype.h>
#include <string.h>

#include "base/banned.h"

/* A field of the effective context: the container's when it has it. */
struct eff {
	bool set, from_ctr;
	int64_t v;
};

static struct eff eff_id(bool c_has, int64_t c_v, bool p_has, int64_t p_v)
{
	if (c_has)
		return (struct eff){ true, true, c_v };
	if (p_has)
		return (struct eff){ true, false, p_v };
	return (struct eff){ false, false, 0 };
}

/* Report at the container's securityContext.<field>, or name the pod's. */
static void fail_sc(struct kplan_pod *p, const struct kube_container *c, bool from_ctr,
		    const char *field, const char *msg)
{
	cleanup_free char *path = xasprintf("securityContext.%s", field);

	if (from_ctr) {
		kplan_key(p->k, path);
		kplan_fail(p->k, &c->pos, "%s", msg);
		kplan_pop(p->k, 1);
	} else {
		kplan_fail(p->k, &c->pos, "the pod's %s: %s", path, msg);
	}
}

static int plan_user(struct kplan_pod *p, const struct kube_container *c,
		     struct ctr_spec *out)
{
	const struct kube_pod_security_context *ps = p->spec->security_context;
	const struct kube_security_context *cs = c->security_context;
	struct eff uid = eff_id(cs && cs->has_run_as_user, cs ? cs->run_as_user : 0,
				ps && ps->has_run_as_user, ps ? ps->run_as_user : 0);
	struct eff gid = eff_id(cs && cs->has_run_as_group, cs ? cs->run_as_group : 0,
				ps && ps->has_run_as_group, ps ? ps->run_as_group : 0);
	cleanup_free char *msg = NULL;

	if (cs && cs->has_run_as_non_root)
		out->run_as_non_root = cs->run_as_non_root;
	else if (ps && ps->has_run_as_non_root)
		out->run_as_non_root = ps->run_as_non_root;
	if ((uid.set && (uid.v < 0 || uid.v > INT32_MAX)) ||
	    (gid.set && (gid.v < 0 || gid.v > INT32_MAX))) {
		bool u = uid.set && (uid.v < 0 || uid.v > INT32_MAX);

		msg = xasprintf("invalid value %lld: must be between 0 and 2147483647, inclusive",
				(long long)(u ? uid.v : gid.v));
		fail_sc(p, c, u ? uid.from_ctr : gid.from_ctr, u ? "runAsUser" : "runAsGroup", msg);
		return -1;
	}
	if (gid.set && !uid.set) {
		msg = xasprintf("runAsGroup %lld without runAsUser: container runtimes refuse a "
				"group without a user", (long long)gid.v);
		fail_sc(p, c, gid.from_ctr, "runAsGroup", msg);
		return -1;
	}
	if (out->run_as_non_root && uid.set && uid.v == 0) {
		fail_sc(p, c, uid.from_ctr, "runAsUser",
			"runAsUser 0 breaks the runAsNonRoot policy");
		return -1;
	}
	if (uid.set)
		out->user = gid.set ? xasprintf("%lld:%lld", (long long)uid.v, (long long)gid.v)
				    : xasprintf("%lld", (long long)uid.v);
	return 0;
}

static void plan_groups(struct kplan_pod *p, struct ctr_spec *out)
{
	const struct kube_pod_security_context *ps = p->spec->security_context;
	size_t i;

	if (!ps)
		return;
	for (i = 0; i <= ps->nsupplemental_groups; i++) {
		cleanup_free char *g = NULL;

		if (i < ps->nsupplemental_groups)
			g = xasprintf("%lld", (long long)ps->supplemental_groups[i]);
		else if (ps->has_fs_group)
			g = xasprintf("%lld", (long long)ps->fs_group);
		if (g && strv_find(out->groups, g) < 0)
			strv_push(&out->groups, g);
	}
}

/* "cap_net_admin", "CAP_NET_ADMIN", "NET_ADMIN" -> "NET_ADMIN". */
static char **caps(char *const *v)
{
	char **out = NULL;
	size_t i;

	for (; v && *v; v++) {
		cleanup_free char *s = xstrdup(*v);

		for (i = 0; s[i]; i++)
			s[i] = (char)toupper((unsigned char)s[i]);
		if (*s)
			strv_push(&out, strncmp(s, "CAP_", 4) ? s : s + 4);
	}
	return out;
}

static int plan_seccomp(struct kplan_pod *p, const struct kube_container *c,
			struct security_spec *sec)
{
	const struct kube_security_context *cs = c->security_context;
	const struct kube_pod_security_context *ps = p->spec->security_context;
	bool from_ctr = cs && cs->seccomp_profile;
	const struct kube_seccomp *s = from_ctr ? cs->seccomp_profile
				      : ps ? ps->seccomp_profile : NULL;
	const char *t = s && s->type ? s->type : "RuntimeDefault";
	const char *lp = s ? s->localhost_profile : NULL;
	cleanup_free char *copy = NULL;
	char *part, *save = NULL;

	if (!strcmp(t, "RuntimeDefault"))
		return 0;
	if (!strcmp(t, "Unconfined")) {
		sec->seccomp_profile = xstrdup("unconfined");
		return 0;
	}
	if (strcmp(t, "Localhost")) {
		cleanup_free char *m = xasprintf("unsupported value \"%s\": supported values: "
						 "\"Localhost\", \"RuntimeDefault\", "
						 "\"Unconfined\"", t);

		fail_sc(p, c, from_ctr, "seccompProfile.type", m);
		return -1;
	}
	if (!lp || !*lp || *lp == '/') {
		fail_sc(p, c, from_ctr, "seccompProfile.localhostProfile",
			lp && *lp ? "must be a relative path" : "required value");
		return -1;
	}
	copy = xstrdup(lp);
	for (part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
		if (!strcmp(part, "..")) {
			fail_sc(p, c, from_ctr, "seccompProfile.localhostProfile",
				"must not contain '..'");
			return -1;
		}
	}
	sec->seccomp_profile = path_join(p->k->env.seccomp_root, lp);
	return 0;
}

static int check_escalation(struct kplan_pod *p, const struct kube_container *c,
			    const struct security_spec *sec)
{
	if (!sec->no_new_privileges)
		return 0;
	if (sec->privileged || strv_find(sec->cap_add, "SYS_ADMIN") >= 0) {
		fail_sc(p, c, true, "allowPrivilegeEscalation", sec->privileged
			? "cannot set allowPrivilegeEscalation to false and privileged to true"
			: "cannot set allowPrivilegeEscalation to false and capabilities.add "
			  "CAP_SYS_ADMIN");
		return -1;
	}
	return 0;
}

int kplan_container_security(struct kplan_pod *p, const struct kube_container *c,
			     struct ctr_spec *out)
{
	const struct kube_security_context *cs = c->security_context;
	const struct kube_pod_security_context *ps = p->spec->security_context;
	struct security_spec *sec = &out->security;
	size_t i;
	int ret = 0;

	if (plan_user(p, c, out) < 0)
		ret = -1;
	plan_groups(p, out);
	sec->readonly_tmpfs = false;
	if (cs) {
		sec->privileged = cs->has_privileged && cs->privileged;
		sec->readonly_rootfs = cs->has_read_only_root_filesystem &&
				       cs->read_only_root_filesystem;
		sec->no_new_privileges = cs->has_allow_privilege_escalation &&
					 !cs->allow_privilege_escalation;
		if (cs->capabilities) {
			sec->cap_add = caps(cs->capabilities->add);
			sec->cap_drop = caps(cs->capabilities->drop);
		}
		sec->unmasked_proc = cs->proc_mount && !strcmp(cs->proc_mount, "Unmasked");
		if (check_escalation(p, c, sec) < 0)
			ret = -1;
	}
	for (i = 0; ps && i < ps->nsysctls; i++) {
		cleanup_free char *s = xasprintf("%s=%s", ps->sysctls[i].name ? ps->sysctls[i].name
					       : "", ps->sysctls[i].value ? ps->sysctls[i].value : "");

		strv_push(&sec->sysctls, s);
	}
	if (plan_seccomp(p, c, sec) < 0)
		ret = -1;
	if (p->spec->host_pid)
		out->ns.pid = xstrdup("host");
	if (p->spec->host_ipc)
		out->ns.ipc = xstrdup("host");
	return ret;
}
