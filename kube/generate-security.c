/* resources and securityContext of containers that have no kube object
 * (`peapod run`, `pod create`): what the spec runs with, said the way the
 * kubelet would turn it back into the same limits and privileges.
 *
 *  - limits.cpu from the CFS quota and period (50000/100000 -> "500m"),
 *    requests.cpu from the shares (milli = shares * 1000 / 1024),
 *    limits.memory in the largest binary unit that is exact ("64Mi");
 *  - capabilities as add/drop against the default set (caps.h); a
 *    privileged container says privileged and nothing else;
 *  - runAsUser/runAsGroup from a numeric "uid[:gid]" user that is not the
 *    image's own; allowPrivilegeEscalation false for no_new_privileges;
 *    seccomp "unconfined" -> Unconfined, a profile under the seccomp root
 *    -> Localhost (other files cannot be named: a note). */
#include "kube/generate-internal.h"
#include "base/cleanup.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/banned.h"

#define CFS_PERIOD 100000
#define DEFAULT_SECCOMP_ROOT "/var/lib/kubelet/seccomp"

static const char *const default_caps[] = {
	"CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "NET_BIND_SERVICE",
	"SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT", NULL,
};

char *kgen_cpu_quantity(int64_t milli)
{
	if (milli % 1000 == 0)
		return xasprintf("%" PRId64, milli / 1000);
	return xasprintf("%" PRId64 "m", milli);
}

char *kgen_mem_quantity(int64_t bytes)
{
	static const char *const units[] = { "Ei", "Pi", "Ti", "Gi", "Mi", "Ki" };
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		int64_t unit = (int64_t)1 << (10 * (6 - i));

		if (bytes >= unit && bytes % unit == 0)
			return xasprintf("%" PRId64 "%s", bytes / unit, units[i]);
	}
	return xasprintf("%" PRId64, bytes);
}

struct kgen_node *kgen_spec_resources(const struct ctr_spec *s)
{
	const struct resources_spec *r = &s->resources;
	struct kgen_node *res = kgen_map(), *lim = kgen_map(), *req = kgen_map();
	uint64_t period = r->cpu_period ? r->cpu_period : CFS_PERIOD;
	char *q;

	if (r->cpu_quota > 0) {
		/* rounded up: the kubelet gives at least the quota back */
		int64_t milli = (int64_t)(((uint64_t)r->cpu_quota * 1000 + period - 1) / period);

		q = kgen_cpu_quantity(milli);
		kgen_put_str(lim, "cpu", q);
		free(q);
	}
	if (r->memory > 0) {
		q = kgen_mem_quantity(r->memory);
		kgen_put_str(lim, "memory", q);
		free(q);
	}
	if (r->cpu_shares > 0) {
		int64_t milli = (int64_t)((r->cpu_shares * 1000 + 1023) / 1024);

		q = kgen_cpu_quantity(milli);
		kgen_put_str(req, "cpu", q);
		free(q);
	}
	kgen_put_nonempty(res, "limits", lim);
	kgen_put_nonempty(res, "requests", req);
	if (!res->n) {
		kgen_free(res);
		return NULL;
	}
	return res;
}

/* "net_admin", "CAP_NET_ADMIN" -> "NET_ADMIN" (a new string). */
static char *cap_name(const char *s)
{
	char *c = xstrdup(!strncasecmp(s, "CAP_", 4) ? s + 4 : s), *p;

	for (p = c; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return c;
}

static char **cap_names(char *const *v)
{
	char **out = NULL;

	for (; v && *v; v++) {
		cleanup_free char *c = cap_name(*v);

		if (*c && strv_find(out, c) < 0)
			strv_push(&out, c);
	}
	return out;
}

/* add/drop against the defaults, as caps_resolve() resolves them. */
static struct kgen_node *capabilities(const struct security_spec *sec)
{
	cleanup_strv char **add = cap_names(sec->cap_add), **drop = cap_names(sec->cap_drop);
	struct kgen_node *caps = kgen_map(), *a = kgen_seq(), *d = kgen_seq();
	bool drop_all = strv_find(drop, "ALL") >= 0;
	char **p;

	for (p = add; p && *p; p++) {
		bool dflt = strv_find((char *const *)default_caps, *p) >= 0;

		if (strv_find(drop, *p) < 0 && (drop_all || !dflt))
			kgen_push(a, kgen_str(*p));
	}
	if (drop_all)
		kgen_push(d, kgen_str("ALL"));
	for (p = drop; !drop_all && p && *p; p++)
		if (strv_find((char *const *)default_caps, *p) >= 0)
			kgen_push(d, kgen_str(*p));
	kgen_put_nonempty(caps, "add", a);
	kgen_put_nonempty(caps, "drop", d);
	return caps;
}

/* "1000" or "1000:1000" -> ids; false for names. */
static bool numeric_user(const char *u, int64_t *uid, int64_t *gid)
{
	char *end;

	*gid = -1;
	if (!isdigit((unsigned char)u[0]))
		return false;
	*uid = strtoll(u, &end, 10);
	if (*end == ':' && isdigit((unsigned char)end[1]))
		*gid = strtoll(end + 1, &end, 10);
	return !*end && *uid >= 0 && *uid <= INT32_MAX && *gid <= INT32_MAX;
}

static void user_fields(struct kgen_pod *p, const struct ctr_info *ci, struct kgen_node *sc)
{
	const char *u = ci->spec.user;
	struct json_object *img_user = NULL;
	int64_t uid, gid;

	if (!u || !*u)
		return;
	if (ci->image_config && json_object_object_get_ex(ci->image_config, "User", &img_user) &&
	    !strcmp(json_object_get_string(img_user), u))
		return;
	if (!numeric_user(u, &uid, &gid)) {
		kgen_note(p->g, "container \"%s\": user \"%s\" is not numeric; runAsUser left "
			  "out", ci->name, u);
		return;
	}
	kgen_put(sc, "runAsUser", kgen_int(uid));
	if (gid >= 0)
		kgen_put(sc, "runAsGroup", kgen_int(gid));
}

static struct kgen_node *seccomp(struct kgen_pod *p, const struct ctr_info *ci)
{
	const char *prof = ci->spec.security.seccomp_profile;
	const char *root = p->g->opts->seccomp_root ? p->g->opts->seccomp_root
						    : DEFAULT_SECCOMP_ROOT;
	size_t rl = strlen(root);
	struct kgen_node *s;

	if (!prof || !*prof)
		return NULL;
	s = kgen_map();
	if (!strcmp(prof, "unconfined")) {
		kgen_put_str(s, "type", "Unconfined");
		return s;
	}
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	if (!strncmp(prof, root, rl) && prof[rl] == '/' && prof[rl + 1]) {
		kgen_put_str(s, "type", "Localhost");
		kgen_put_str(s, "localhostProfile", prof + rl + 1);
		return s;
	}
	kgen_note(p->g, "container \"%s\": seccomp profile \"%s\" is not under %s; left out",
		  ci->name, prof, root);
	kgen_free(s);
	return NULL;
}

struct kgen_node *kgen_spec_security(struct kgen_pod *p, const struct ctr_info *ci)
{
	const struct security_spec *sec = &ci->spec.security;
	struct kgen_node *sc = kgen_map();

	user_fields(p, ci, sc);
	if (ci->spec.run_as_non_root)
		kgen_put(sc, "runAsNonRoot", kgen_bool(true));
	if (sec->privileged)
		kgen_put(sc, "privileged", kgen_bool(true));
	if (sec->readonly_rootfs)
		kgen_put(sc, "readOnlyRootFilesystem", kgen_bool(true));
	if (sec->no_new_privileges)
		kgen_put(sc, "allowPrivilegeEscalation", kgen_bool(false));
	if (!sec->privileged)
		kgen_put_nonempty(sc, "capabilities", capabilities(sec));
	if (sec->unmasked_proc)
		kgen_put_str(sc, "procMount", "Unmasked");
	kgen_put(sc, "seccompProfile", seccomp(p, ci));
	if (!sc->n) {
		kgen_free(sc);
		return NULL;
	}
	return sc;
}

struct kgen_node *kgen_kube_security(struct json_object *o)
{
	struct kgen_node *sc = kgen_from_json(o), *caps;
	const char *pm;

	if (!sc || sc->type != KGEN_MAP) {
		kgen_free(sc);
		return NULL;
	}
	pm = kgen_get_str(sc, "procMount");
	if (pm && !strcmp(pm, "Default"))
		kgen_del(sc, "procMount");
	caps = kgen_get(sc, "capabilities");
	if (caps) {
		if (kgen_get(caps, "add") && !kgen_get(caps, "add")->n)
			kgen_del(caps, "add");
		if (kgen_get(caps, "drop") && !kgen_get(caps, "drop")->n)
			kgen_del(caps, "drop");
		if (!caps->n)
			kgen_del(sc, "capabilities");
	}
	if (!sc->n) {
		kgen_free(sc);
		return NULL;
	}
	return sc;
}
