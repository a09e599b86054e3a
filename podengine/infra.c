/* The infra container of a pod (pod.h): no image; an empty read-only root
 * with peapod-pause bind-mounted read-only at /pause, running `/pause -P`
 * (what podman 5 does with catatonit).  It is created through the
 * container engine with spec.infra set: ctr_create then uses no storage
 * driver and the start path takes the root from pod_ctr_join. */
#include "podengine/pod.h"
#include "podengine/ctr-runtime.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/xalloc.h"

#include <string.h>
#include <sys/stat.h>

#include "base/banned.h"

char *pod_infra_name(const char *pod_id)
{
	return xasprintf("%.12s-infra", pod_id);
}

char *pod_infra_rootfs(struct pea_ctx *ctx, const char *pod_id)
{
	return xasprintf("%s/pods/%s/infra-rootfs", ctx->root, pod_id);
}

int pod_infra_spec(struct pea_ctx *ctx, const struct pod_info *pi, struct ctr_spec *s,
		   struct pea_err **err)
{
	cleanup_free char *pause = ctr_helper_path("peapod-pause", err);
	struct mount_spec *m;

	if (!pause)
		return pea_err_wrap(err, "infra container of pod '%s'", pi->name);
	s->infra = true;
	s->name = pod_infra_name(pi->id);
	s->pod = xstrdup(pi->id);
	s->hostname = xstrdup(pi->spec.hostname ? pi->spec.hostname : pi->name);
	strv_push(&s->entrypoint, "/pause");
	strv_push(&s->cmd, "-P");
	s->security.readonly_rootfs = true;
	s->security.readonly_tmpfs = false;
	s->cgroup_parent = pi->spec.cgroup_parent ? xstrdup(pi->spec.cgroup_parent)
						  : xasprintf("/peapod/pod-%s", pi->id);
	s->stop_timeout = 10;
	s->mounts = xcalloc(1, sizeof(*s->mounts));
	m = &s->mounts[0];
	m->kind = MOUNT_BIND;
	m->source = steal_ptr(pause);
	m->destination = xstrdup("/pause");
	m->readonly = true;
	strv_push(&m->options, "rprivate");
	s->n_mounts = 1;
	if (!pi->spec.share_net)
		s->ns.net = xstrdup("none");
	return 0;
}

char *pod_infra_create(struct pea_ctx *ctx, const struct pod_info *pi, struct pea_err **err)
{
	cleanup_free char *root = pod_infra_rootfs(ctx, pi->id);
	struct ctr_spec s;
	char *id;

	if (io_mkdir_p(root, 0755, err) < 0)
		return NULL;
	ctr_spec_init(&s);
	if (pod_infra_spec(ctx, pi, &s, err) < 0) {
		ctr_spec_release(&s);
		return NULL;
	}
	id = ctr_create(ctx, &s, err);
	ctr_spec_release(&s);
	return id;
}
