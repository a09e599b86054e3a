/* Downward API values, as the kubelet computes them for env (fieldRef,
 * resourceFieldRef) and for downwardAPI volume files.
 *
 * fieldRef: metadata.name/namespace/uid, metadata.labels['k'] and
 * metadata.annotations['k'] ("" when absent); env also spec.nodeName,
 * spec.serviceAccountName, status.hostIP(s), status.podIP(s); volumes also
 * the whole label and annotation maps, one `k="v"` line per key in key
 * order, values quoted as Go's %q does (FormatMap).
 *
 * resourceFieldRef: limits/requests of cpu, memory, ephemeral-storage and
 * hugepages-*, divided by the divisor and rounded up (cpu in milli units,
 * the rest as values).  Unset limits are the node's allocatable (struct
 * kube_plan_env); unset requests are the limit when one is set (the API
 * server's defaulting), else 0. */
#include "kube/plan-internal.h"
#include "base/cleanup.h"
#include "base/xalloc.h"

#include <string.h>

#include "base/banned.h"

static const char *const env_fields[] = {
	"metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
	"spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP",
	"status.podIPs", NULL,
};

static const char *const volume_fields[] = {
	"metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace",
	"metadata.uid", NULL,
};

/* Bytes of the valid UTF-8 sequence at s (1-4), or 0. */
static size_t utf8_len(const unsigned char *s, uint32_t *rune)
{
	size_t n, i;
	uint32_t r;

	if (s[0] < 0x80)
		return *rune = s[0], 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, r = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, r = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, r = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		r = r << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (r < 0x800 || (r >= 0xd800 && r <= 0xdfff))) ||
	    (n == 4 && (r < 0x10000 || r > 0x10ffff)))
		return 0;
	*rune = r;
	return n;
}

/* Go's strconv.Quote for the runes labels and annotations hold: escapes
 * for quotes, backslashes, control characters and invalid bytes; other
 * runes as they are (Go also escapes a few non-printing ones beyond
 * Latin-1, which are spelled \u here only for C1, NBSP, SHY, LS, PS, BOM). */
static void go_quote(struct strbuf *sb, const char *str)
{
	static const char esc[] = "\a\b\f\n\r\t\v", letter[] = "abfnrtv";
	const unsigned char *s = (const unsigned char *)str;
	const char *e;
	uint32_t r;
	size_t n;

	strbuf_addch(sb, '"');
	while (*s) {
		n = utf8_len(s, &r);
		if (!n) {
			strbuf_addf(sb, "\\x%02x", *s++);
			continue;
		}
		if (r == '"' || r == '\\')
			strbuf_addf(sb, "\\%c", (char)r);
		else if (r < 0x80 && (e = strchr(esc, (int)r)) && r)
			strbuf_addf(sb, "\\%c", letter[e - esc]);
		else if (r < 0x20 || r == 0x7f)
			strbuf_addf(sb, "\\x%02x", (unsigned)r);
		else if ((r >= 0x80 && r <= 0xa0) || r == 0xad || r == 0x2028 || r == 0x2029 ||
			 r == 0xfeff)
			strbuf_addf(sb, "\\u%04x", (unsigned)r);
		else
			strbuf_add(sb, s, n);
		s += n;
	}
	strbuf_addch(sb, '"');
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(**(char *const *const *)a, **(char *const *const *)b);
}

static char *format_map(const struct kube_map *m)
{
	struct strbuf sb = STRBUF_INIT;
	char ***keys = xcalloc(m->n ? m->n : 1, sizeof(*keys));
	size_t i;

	for (i = 0; i < m->n; i++)
		keys[i] = &m->keys[i];
	qsort(keys, m->n, sizeof(*keys), cmp_keys);
	for (i = 0; i < m->n; i++) {
		if (i)
			strbuf_addch(&sb, '\n');
		strbuf_addf(&sb, "%s=", *keys[i]);
		go_quote(&sb, m->values[keys[i] - m->keys]);
	}
	free(keys);
	return strbuf_detach(&sb, NULL);
}

static char *unsupported(struct kplan_pod *p, const struct kube_pos *pos, const char *what,
			 const char *value, const char *const *ok)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; ok[i]; i++)
		strbuf_addf(&sb, "%s\"%s\"", i ? ", " : "", ok[i]);
	kplan_key(p->k, what);
	kplan_fail(p->k, pos, "unsupported value \"%s\": supported values: %s", value, sb.buf);
	kplan_pop(p->k, 1);
	strbuf_release(&sb);
	return NULL;
}

/* metadata.labels['k'] / metadata.annotations['k'] (Kubernetes'
 * SplitMaybeSubscriptedPath). */
static char *subscripted(struct kplan_pod *p, const char *path, bool *matched)
{
	size_t n = strlen(path);
	const char *open = strstr(path, "['");
	const struct kube_map *m;
	const char *v;
	char *key;

	*matched = false;
	if (n < 4 || strcmp(path + n - 2, "']") || !open || open + 2 > path + n - 2)
		return NULL;
	if ((size_t)(open - path) == 15 && !memcmp(path, "metadata.labels", 15))
		m = &p->meta->labels;
	else if ((size_t)(open - path) == 20 && !memcmp(path, "metadata.annotations", 20))
		m = &p->meta->annotations;
	else
		return NULL;
	key = xstrndup(open + 2, (size_t)(path + n - 2 - open - 2));
	if (!*key) {
		free(key);
		return NULL;
	}
	*matched = true;
	v = kube_map_get(m, key);
	free(key);
	return xstrdup(v ? v : "");
}

char *kplan_field_value(struct kplan_pod *p, const struct kube_pos *pos,
			const struct kube_field_ref *ref, bool in_volume, bool *pod_ip)
{
	const char *f = ref->field_path ? ref->field_path : "";
	const char *sa = p->spec->service_account_name;
	bool matched;
	char *v;

	*pod_ip = false;
	if (ref->api_version && *ref->api_version && strcmp(ref->api_version, "v1")) {
		static const char *const v1[] = { "v1", NULL };

		return unsupported(p, pos, "apiVersion", ref->api_version, v1);
	}
	if ((v = subscripted(p, f, &matched)) || matched)
		return v;
	if (!strcmp(f, "metadata.name"))
		return xstrdup(p->name);
	if (!strcmp(f, "metadata.namespace"))
		return xstrdup(p->namespace);
	if (!strcmp(f, "metadata.uid"))
		return xstrdup(p->uid);
	if (in_volume) {
		if (!strcmp(f, "metadata.labels"))
			return format_map(&p->meta->labels);
		if (!strcmp(f, "metadata.annotations"))
			return format_map(&p->meta->annotations);
		return unsupported(p, pos, "fieldPath", f, volume_fields);
	}
	if (!strcmp(f, "spec.nodeName"))
		return xstrdup(p->k->env.node_name);
	if (!strcmp(f, "spec.serviceAccountName"))
		return xstrdup(sa && *sa ? sa : "default");
	if (!strcmp(f, "status.hostIP") || !strcmp(f, "status.hostIPs"))
		return xstrdup(p->k->env.host_ip);
	if (!strcmp(f, "status.podIP") || !strcmp(f, "status.podIPs")) {
		/* with hostNetwork the pod's address is the host's */
		if (p->spec->host_network)
			return xstrdup(p->k->env.host_ip);
		*pod_ip = true;
		return xstrdup("");
	}
	return unsupported(p, pos, "fieldPath", f, env_fields);
}

int64_t kplan_resource_get(const struct kube_container *c, bool limits, const char *name,
			   bool milli)
{
	const char *q = kube_map_get(limits ? &c->resources.limits : &c->resources.requests,
				     name);
	int64_t v;

	if (!q && !limits)
		q = kube_map_get(&c->resources.limits, name);
	if (!q)
		return -1;
	if ((milli ? kube_quantity_milli(q, &v, NULL) : kube_quantity_value(q, &v, NULL)) < 0 ||
	    v < 0)
		return -1;
	return v;
}

static const struct kube_container *find_container(const struct kube_pod_spec *s,
						   const char *name)
{
	size_t i;

	for (i = 0; i < s->ncontainers; i++)
		if (s->containers[i].name && !strcmp(s->containers[i].name, name))
			return &s->containers[i];
	for (i = 0; i < s->ninit_containers; i++)
		if (s->init_containers[i].name && !strcmp(s->init_containers[i].name, name))
			return &s->init_containers[i];
	return NULL;
}

/* The divisor in the unit of the resource (milli for cpu), 1 when unset
 * or zero; -1 (recorded) when it is not one Kubernetes allows. */
static int64_t divisor(struct kplan_pod *p, const struct kube_pos *pos,
		       const struct kube_resource_ref *ref, bool cpu)
{
	static const int64_t mem_ok[] = {
		1, 1000, 1000000, 1000000000, 1000000000000, 1000000000000000,
		1000000000000000000, 1LL << 10, 1LL << 20, 1LL << 30, 1LL << 40, 1LL << 50,
		1LL << 60,
	};
	struct pea_err *err = NULL;
	int64_t d;
	size_t i;

	if (!ref->divisor)
		return cpu ? 1000 : 1;
	if ((cpu ? kube_quantity_milli(ref->divisor, &d, &err)
		 : kube_quantity_value(ref->divisor, &d, &err)) < 0) {
		kplan_key(p->k, "divisor");
		kplan_fail(p->k, pos, "%s", err->msg);
		kplan_pop(p->k, 1);
		pea_err_free(err);
		return -1;
	}
	if (d == 0)
		return cpu ? 1000 : 1;
	if (cpu && (d == 1 || d == 1000))
		return d;
	for (i = 0; !cpu && i < sizeof(mem_ok) / sizeof(mem_ok[0]); i++)
		if (d == mem_ok[i])
			return d;
	kplan_key(p->k, "divisor");
	kplan_fail(p->k, pos, "invalid value \"%s\": only divisor's values %s are supported with "
		   "the %s resource", ref->divisor, cpu ? "1m and 1" : "1, 1k, 1M, 1G, 1T, 1P, "
		   "1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei", ref->resource);
	kplan_pop(p->k, 1);
	return -1;
}

/* The value of resource `name` (cpu in milli) with the node's defaults. */
static int64_t resource_amount(struct kplan_pod *p, const struct kube_pos *pos,
			       const struct kube_container *c, bool limits, const char *name)
{
	bool cpu = !strcmp(name, "cpu");
	int64_t v = kplan_resource_get(c, limits, name, cpu);

	if (v >= 0 || !limits)
		return v < 0 ? 0 : v;
	if (cpu)
		return p->k->env.node_cpu_milli > 0 ? p->k->env.node_cpu_milli : 0;
	if (!strcmp(name, "memory"))
		return p->k->env.node_memory > 0 ? p->k->env.node_memory : 0;
	if (!strcmp(name, "ephemeral-storage"))
		kplan_warn(p->k, pos, "container \"%s\" has no ephemeral-storage limit and the "
			   "node's allocatable storage is not known: 0", c->name);
	return 0;
}

char *kplan_resource_value(struct kplan_pod *p, const struct kube_pos *pos,
			   const struct kube_container *self,
			   const struct kube_resource_ref *ref)
{
	static const char *const ok[] = {
		"limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu",
		"requests.ephemeral-storage", "requests.memory", NULL,
	};
	const struct kube_container *c = self;
	const char *r = ref->resource ? ref->resource : "", *name;
	bool limits;
	int64_t d, v;

	if (ref->container_name && *ref->container_name) {
		c = find_container(p->spec, ref->container_name);
		if (!c) {
			kplan_key(p->k, "containerName");
			kplan_fail(p->k, pos, "container \"%s\" not found in the pod",
				   ref->container_name);
			kplan_pop(p->k, 1);
			return NULL;
		}
	} else if (!c) {
		kplan_key(p->k, "containerName");
		kplan_fail(p->k, pos, "required value");
		kplan_pop(p->k, 1);
		return NULL;
	}
	limits = !strncmp(r, "limits.", 7);
	if (!limits && strncmp(r, "requests.", 9))
		return unsupported(p, pos, "resource", r, ok);
	name = r + (limits ? 7 : 9);
	if (strcmp(name, "cpu") && strcmp(name, "memory") && strcmp(name, "ephemeral-storage") &&
	    (strncmp(name, "hugepages-", 10) || !name[10]))
		return unsupported(p, pos, "resource", r, ok);
	d = divisor(p, pos, ref, !strcmp(name, "cpu"));
	if (d < 0)
		return NULL;
	v = resource_amount(p, pos, c, limits, name);
	return xasprintf("%lld", (long long)(v / d + (v % d != 0)));
}
