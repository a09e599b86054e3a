/* resources of a container as the kubelet turns them into cgroup limits:
 * limits.cpu -> CFS quota milli*100 us per 100 ms period (at least 1 ms),
 * requests.cpu -> shares milli*1024/1000 (2..262144; a request defaults to
 * the limit), limits.memory -> the memory limit.
 *
 * Without any cpu request a cluster gives the container 2 shares; peapod
 * leaves the default instead, as the other containers of the machine (those
 * of `peapod run`) have the default 1024 too and would starve it.
 * Other limits (ephemeral-storage, hugepages, extended resources) are not
 * enforced: a warning each. */
#include "kube/plan-internal.h"
#include "base/cleanup.h"
#include "base/xalloc.h"

#include <string.h>

#include "base/banned.h"

#define CFS_PERIOD 100000
#define MIN_QUOTA 1000
#define MIN_SHARES 2
#define MAX_SHARES 262144

/* Every quantity of one list well formed and >= 0. */
static int check_list(struct kplan_pod *p, const struct kube_container *c,
		      const struct kube_map *m, const char *list)
{
	struct pea_err *err = NULL;
	size_t i;
	int64_t v;
	int ret = 0;

	for (i = 0; i < m->n; i++) {
		cleanup_free char *path = xasprintf("resources.%s[%s]", list, m->keys[i]);

		kplan_key(p->k, path);
		if (kube_quantity_value(m->values[i], &v, &err) < 0) {
			kplan_fail(p->k, &c->pos, "%s", err->msg);
			pea_err_free(err);
			err = NULL;
			ret = -1;
		} else if (v < 0 || m->values[i][0] == '-') {
			kplan_fail(p->k, &c->pos, "invalid value \"%s\": must be greater than or "
				   "equal to 0", m->values[i]);
			ret = -1;
		} else if (!strcmp(list, "limits") && strcmp(m->keys[i], "cpu") &&
			   strcmp(m->keys[i], "memory")) {
			kplan_warn(p->k, &c->pos, "not enforced by peapod");
		}
		kplan_pop(p->k, 1);
	}
	return ret;
}

static int check_request(struct kplan_pod *p, const struct kube_container *c,
			 const char *name)
{
	bool cpu = !strcmp(name, "cpu");
	int64_t lim = kplan_resource_get(c, true, name, cpu);
	int64_t req = kplan_resource_get(c, false, name, cpu);

	if (lim < 0 || req <= lim)
		return 0;
	kplan_key(p->k, "resources.requests");
	kplan_fail(p->k, &c->pos, "invalid value \"%s\": must be less than or equal to %s "
		   "limit of %s", kube_map_get(&c->resources.requests, name), name,
		   kube_map_get(&c->resources.limits, name));
	kplan_pop(p->k, 1);
	return -1;
}

int kplan_container_resources(struct kplan_pod *p, const struct kube_container *c,
			      struct ctr_spec *out)
{
	struct resources_spec *r = &out->resources;
	int64_t v;
	int ret = 0;

	if (check_list(p, c, &c->resources.limits, "limits") < 0)
		ret = -1;
	if (check_list(p, c, &c->resources.requests, "requests") < 0)
		ret = -1;
	if (ret < 0)
		return -1;
	if (check_request(p, c, "cpu") < 0 || check_request(p, c, "memory") < 0)
		return -1;
	v = kplan_resource_get(c, true, "cpu", true);
	if (v > 0) {
		r->cpu_period = CFS_PERIOD;
		r->cpu_quota = v > INT64_MAX / 100 ? INT64_MAX : v * 100;
		if (r->cpu_quota < MIN_QUOTA)
			r->cpu_quota = MIN_QUOTA;
	}
	v = kplan_resource_get(c, false, "cpu", true);
	if (v >= 0) {
		v = v > (int64_t)MAX_SHARES * 1000 / 1024 ? MAX_SHARES : v * 1024 / 1000;
		r->cpu_shares = (uint64_t)(v < MIN_SHARES ? MIN_SHARES : v);
	}
	v = kplan_resource_get(c, true, "memory", false);
	if (v > 0)
		r->memory = v;
	return 0;
}
