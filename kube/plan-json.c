/* The Kubernetes objects as JSON text (API field names, as written in the
 * YAML after defaulting), kept in the specs for `kube generate`:
 *
 *   ctr_spec.kube   the container object (probes, lifecycle, ports without
 *                   hostPort, env as written, ...);
 *   pod_spec.kube   {"metadata": {...}, "spec": {pod-level fields and every
 *                   volume}} (no containers: each has its own);
 *   pod_volume.kube the volume object.
 *
 * Absent fields are left out (NULL strings, unset optionals, empty lists). */
#include "kube/plan-internal.h"
#include "base/json.h"
#include "base/xalloc.h"

#include <string.h>

#include "base/banned.h"

static void put(struct json_object *o, const char *k, struct json_object *v)
{
	if (v)
		json_object_object_add(o, k, v);
}

static void put_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static void put_true(struct json_object *o, const char *k, bool v)
{
	if (v)
		json_put_bool(o, k, true);
}

static struct json_object *map_json(const struct kube_map *m)
{
	struct json_object *o;
	size_t i;

	if (!m->n)
		return NULL;
	o = json_object_new_object();
	for (i = 0; i < m->n; i++)
		json_object_object_add(o, m->keys[i],
				       json_object_new_string_len(m->values[i], (int)m->lens[i]));
	return o;
}

static struct json_object *strv_json(char *const *v)
{
	return v ? json_strv_new(v) : NULL;
}

static struct json_object *intstr_json(const struct kube_intstr *v)
{
	if (!v->set)
		return NULL;
	return v->is_str ? json_object_new_string(v->s ? v->s : "")
			 : json_object_new_int(v->i);
}

static struct json_object *key_ref_json(const struct kube_key_ref *r, bool with_key)
{
	struct json_object *o;

	if (!r)
		return NULL;
	o = json_object_new_object();
	json_put_str(o, "name", r->name);
	if (with_key)
		json_put_str(o, "key", r->key);
	put_true(o, "optional", r->optional);
	return o;
}

static struct json_object *field_ref_json(const struct kube_field_ref *r)
{
	struct json_object *o;

	if (!r)
		return NULL;
	o = json_object_new_object();
	json_put_str(o, "apiVersion", r->api_version);
	json_put_str(o, "fieldPath", r->field_path);
	return o;
}

static struct json_object *resource_ref_json(const struct kube_resource_ref *r)
{
	struct json_object *o;

	if (!r)
		return NULL;
	o = json_object_new_object();
	json_put_str(o, "containerName", r->container_name);
	json_put_str(o, "resource", r->resource);
	json_put_str(o, "divisor", r->divisor);
	return o;
}

static struct json_object *env_json(const struct kube_container *c)
{
	struct json_object *a = json_object_new_array(), *e, *vf;
	size_t i;

	for (i = 0; i < c->nenv; i++) {
		const struct kube_env_source *s = c->env[i].value_from;

		e = json_object_new_object();
		json_put_str(e, "name", c->env[i].name);
		json_put_str(e, "value", c->env[i].value);
		if (s) {
			vf = json_object_new_object();
			put(vf, "configMapKeyRef", key_ref_json(s->config_map_key_ref, true));
			put(vf, "secretKeyRef", key_ref_json(s->secret_key_ref, true));
			put(vf, "fieldRef", field_ref_json(s->field_ref));
			put(vf, "resourceFieldRef", resource_ref_json(s->resource_field_ref));
			put(e, "valueFrom", vf);
		}
		json_object_array_add(a, e);
	}
	return a;
}

static struct json_object *env_from_json(const struct kube_container *c)
{
	struct json_object *a = json_object_new_array(), *e;
	size_t i;

	for (i = 0; i < c->nenv_from; i++) {
		e = json_object_new_object();
		json_put_str(e, "prefix", c->env_from[i].prefix);
		put(e, "configMapRef", key_ref_json(c->env_from[i].config_map_ref, false));
		put(e, "secretRef", key_ref_json(c->env_from[i].secret_ref, false));
		json_object_array_add(a, e);
	}
	return a;
}

static struct json_object *ports_json(const struct kube_container *c)
{
	struct json_object *a = json_object_new_array(), *e;
	size_t i;

	for (i = 0; i < c->nports; i++) {
		const struct kube_port *p = &c->ports[i];

		e = json_object_new_object();
		json_put_str(e, "name", p->name);
		put_int(e, "containerPort", p->container_port);
		if (p->host_port)
			put_int(e, "hostPort", p->host_port);
		json_put_str(e, "hostIP", p->host_ip);
		json_put_str(e, "protocol", p->protocol);
		json_object_array_add(a, e);
	}
	return a;
}

static struct json_object *mounts_json(const struct kube_container *c)
{
	struct json_object *a = json_object_new_array(), *e;
	size_t i;

	for (i = 0; i < c->nvolume_mounts; i++) {
		const struct kube_vol_mount *m = &c->volume_mounts[i];

		e = json_object_new_object();
		json_put_str(e, "name", m->name);
		json_put_str(e, "mountPath", m->mount_path);
		put_true(e, "readOnly", m->read_only);
		json_put_str(e, "subPath", m->sub_path);
		json_put_str(e, "subPathExpr", m->sub_path_expr);
		json_put_str(e, "mountPropagation", m->mount_propagation);
		json_put_str(e, "recursiveReadOnly", m->recursive_read_only);
		json_object_array_add(a, e);
	}
	return a;
}

static struct json_object *handler_json(const struct kube_handler *h, struct json_object *o)
{
	struct json_object *x, *hs;
	size_t i;

	if (h->exec_command) {
		x = json_object_new_object();
		put(x, "command", strv_json(h->exec_command));
		put(o, "exec", x);
	}
	if (h->has_http_get) {
		x = json_object_new_object();
		json_put_str(x, "path", h->http_path);
		json_put_str(x, "host", h->http_host);
		json_put_str(x, "scheme", h->http_scheme);
		put(x, "port", intstr_json(&h->http_port));
		if (h->nhttp_headers) {
			hs = json_object_new_array();
			for (i = 0; i < h->nhttp_headers; i++) {
				struct json_object *e = json_object_new_object();

				json_put_str(e, "name", h->http_headers[i].name);
				json_put_str(e, "value", h->http_headers[i].value);
				json_object_array_add(hs, e);
			}
			put(x, "httpHeaders", hs);
		}
		put(o, "httpGet", x);
	}
	if (h->has_tcp_socket) {
		x = json_object_new_object();
		json_put_str(x, "host", h->tcp_host);
		put(x, "port", intstr_json(&h->tcp_port));
		put(o, "tcpSocket", x);
	}
	if (h->has_grpc) {
		x = json_object_new_object();
		put_int(x, "port", h->grpc_port);
		json_put_str(x, "service", h->grpc_service);
		put(o, "grpc", x);
	}
	if (h->has_sleep) {
		x = json_object_new_object();
		put_int(x, "seconds", h->sleep_seconds);
		put(o, "sleep", x);
	}
	return o;
}

static struct json_object *probe_json(const struct kube_probe *p)
{
	struct json_object *o;

	if (!p)
		return NULL;
	o = handler_json(&p->handler, json_object_new_object());
	put_int(o, "initialDelaySeconds", p->initial_delay_seconds);
	put_int(o, "timeoutSeconds", p->timeout_seconds);
	put_int(o, "periodSeconds", p->period_seconds);
	put_int(o, "successThreshold", p->success_threshold);
	put_int(o, "failureThreshold", p->failure_threshold);
	if (p->has_termination_grace_period_seconds)
		put_int(o, "terminationGracePeriodSeconds", p->termination_grace_period_seconds);
	return o;
}

static struct json_object *lifecycle_json(const struct kube_lifecycle *l)
{
	struct json_object *o;

	if (!l)
		return NULL;
	o = json_object_new_object();
	if (l->post_start)
		put(o, "postStart", handler_json(l->post_start, json_object_new_object()));
	if (l->pre_stop)
		put(o, "preStop", handler_json(l->pre_stop, json_object_new_object()));
	json_put_str(o, "stopSignal", l->stop_signal);
	return o;
}

static struct json_object *seccomp_json(const struct kube_seccomp *s)
{
	struct json_object *o;

	if (!s)
		return NULL;
	o = json_object_new_object();
	json_put_str(o, "type", s->type);
	json_put_str(o, "localhostProfile", s->localhost_profile);
	return o;
}

static struct json_object *ctr_security_json(const struct kube_security_context *s)
{
	struct json_object *o, *caps;

	if (!s)
		return NULL;
	o = json_object_new_object();
	if (s->has_run_as_user)
		put_int(o, "runAsUser", s->run_as_user);
	if (s->has_run_as_group)
		put_int(o, "runAsGroup", s->run_as_group);
	if (s->has_run_as_non_root)
		json_put_bool(o, "runAsNonRoot", s->run_as_non_root);
	if (s->has_privileged)
		json_put_bool(o, "privileged", s->privileged);
	if (s->has_read_only_root_filesystem)
		json_put_bool(o, "readOnlyRootFilesystem", s->read_only_root_filesystem);
	if (s->has_allow_privilege_escalation)
		json_put_bool(o, "allowPrivilegeEscalation", s->allow_privilege_escalation);
	if (s->capabilities) {
		caps = json_object_new_object();
		put(caps, "add", strv_json(s->capabilities->add));
		put(caps, "drop", strv_json(s->capabilities->drop));
		put(o, "capabilities", caps);
	}
	json_put_str(o, "procMount", s->proc_mount);
	put(o, "seccompProfile", seccomp_json(s->seccomp_profile));
	return o;
}

static struct json_object *resources_json(const struct kube_resources *r)
{
	struct json_object *o;

	if (!r->limits.n && !r->requests.n)
		return NULL;
	o = json_object_new_object();
	put(o, "limits", map_json(&r->limits));
	put(o, "requests", map_json(&r->requests));
	return o;
}

/* Empty arrays are left out. */
static void put_list(struct json_object *o, const char *k, struct json_object *a)
{
	if (json_object_array_length(a))
		json_object_object_add(o, k, a);
	else
		json_object_put(a);
}

static char *text(struct json_object *o)
{
	char *s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));

	json_object_put(o);
	return s;
}

char *kplan_json_container(const struct kube_container *c)
{
	struct json_object *o = json_object_new_object();

	json_put_str(o, "name", c->name);
	json_put_str(o, "image", c->image);
	json_put_str(o, "imagePullPolicy", c->image_pull_policy);
	put(o, "command", strv_json(c->command));
	put(o, "args", strv_json(c->args));
	json_put_str(o, "workingDir", c->working_dir);
	put_list(o, "envFrom", env_from_json(c));
	put_list(o, "env", env_json(c));
	put_list(o, "ports", ports_json(c));
	put(o, "resources", resources_json(&c->resources));
	put_list(o, "volumeMounts", mounts_json(c));
	put(o, "securityContext", ctr_security_json(c->security_context));
	put(o, "livenessProbe", probe_json(c->liveness_probe));
	put(o, "readinessProbe", probe_json(c->readiness_probe));
	put(o, "startupProbe", probe_json(c->startup_probe));
	put(o, "lifecycle", lifecycle_json(c->lifecycle));
	json_put_str(o, "restartPolicy", c->restart_policy);
	put_true(o, "stdin", c->stdin);
	put_true(o, "stdinOnce", c->stdin_once);
	put_true(o, "tty", c->tty);
	json_put_str(o, "terminationMessagePath", c->termination_message_path);
	json_put_str(o, "terminationMessagePolicy", c->termination_message_policy);
	return text(o);
}

static struct json_object *items_json(const struct kube_key_path *it, size_t n)
{
	struct json_object *a = json_object_new_array(), *e;
	size_t i;

	for (i = 0; i < n; i++) {
		e = json_object_new_object();
		json_put_str(e, "key", it[i].key);
		json_put_str(e, "path", it[i].path);
		if (it[i].has_mode)
			put_int(e, "mode", it[i].mode);
		json_object_array_add(a, e);
	}
	return a;
}

static struct json_object *cm_json(const struct kube_cm_source *s, const char *name_key)
{
	struct json_object *o;

	if (!s)
		return NULL;
	o = json_object_new_object();
	json_put_str(o, name_key, s->name);
	put_list(o, "items", items_json(s->items, s->nitems));
	if (s->has_default_mode)
		put_int(o, "defaultMode", s->default_mode);
	put_true(o, "optional", s->optional);
	return o;
}

static struct json_object *dapi_json(const struct kube_dapi_source *s)
{
	struct json_object *o, *a, *e;
	size_t i;

	if (!s)
		return NULL;
	o = json_object_new_object();
	a = json_object_new_array();
	for (i = 0; i < s->nitems; i++) {
		e = json_object_new_object();
		json_put_str(e, "path", s->items[i].path);
		put(e, "fieldRef", field_ref_json(s->items[i].field_ref));
		put(e, "resourceFieldRef", resource_ref_json(s->items[i].resource_field_ref));
		if (s->items[i].has_mode)
			put_int(e, "mode", s->items[i].mode);
		json_object_array_add(a, e);
	}
	put_list(o, "items", a);
	if (s->has_default_mode)
		put_int(o, "defaultMode", s->default_mode);
	return o;
}

static struct json_object *projected_json(const struct kube_volume *v)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array(), *e;
	size_t i;

	for (i = 0; i < v->nprojected_sources; i++) {
		const struct kube_projection *s = &v->projected_sources[i];

		e = json_object_new_object();
		put(e, "configMap", cm_json(s->config_map, "name"));
		put(e, "secret", cm_json(s->secret, "name"));
		put(e, "downwardAPI", dapi_json(s->downward_api));
		if (s->service_account_token)
			put(e, "serviceAccountToken", json_object_new_object());
		if (s->unsupported)
			put(e, s->unsupported, json_object_new_object());
		json_object_array_add(a, e);
	}
	put_list(o, "sources", a);
	if (v->has_projected_default_mode)
		put_int(o, "defaultMode", v->projected_default_mode);
	return o;
}

static struct json_object *volume_obj(const struct kube_volume *v)
{
	struct json_object *o = json_object_new_object(), *x;

	json_put_str(o, "name", v->name);
	if (v->has_host_path) {
		x = json_object_new_object();
		json_put_str(x, "path", v->host_path);
		if (v->host_path_type && *v->host_path_type)
			json_put_str(x, "type", v->host_path_type);
		put(o, "hostPath", x);
	} else if (v->config_map) {
		put(o, "configMap", cm_json(v->config_map, "name"));
	} else if (v->secret) {
		put(o, "secret", cm_json(v->secret, "secretName"));
	} else if (v->pvc_claim_name) {
		x = json_object_new_object();
		json_put_str(x, "claimName", v->pvc_claim_name);
		put_true(x, "readOnly", v->pvc_read_only);
		put(o, "persistentVolumeClaim", x);
	} else if (v->downward_api) {
		put(o, "downwardAPI", dapi_json(v->downward_api));
	} else if (v->has_projected || v->projected_sources) {
		put(o, "projected", projected_json(v));
	} else if (v->unsupported) {
		put(o, v->unsupported, json_object_new_object());
	} else {
		x = json_object_new_object();
		json_put_str(x, "medium", v->empty_dir_medium && *v->empty_dir_medium
				  ? v->empty_dir_medium : NULL);
		json_put_str(x, "sizeLimit", v->empty_dir_size_limit);
		put(o, "emptyDir", x);
	}
	return o;
}

char *kplan_json_volume(const struct kube_volume *v)
{
	return text(volume_obj(v));
}

static struct json_object *pod_security_json(const struct kube_pod_security_context *s)
{
	struct json_object *o, *a, *e;
	size_t i;

	if (!s)
		return NULL;
	o = json_object_new_object();
	if (s->has_run_as_user)
		put_int(o, "runAsUser", s->run_as_user);
	if (s->has_run_as_group)
		put_int(o, "runAsGroup", s->run_as_group);
	if (s->has_run_as_non_root)
		json_put_bool(o, "runAsNonRoot", s->run_as_non_root);
	if (s->has_fs_group)
		put_int(o, "fsGroup", s->fs_group);
	a = json_object_new_array();
	for (i = 0; i < s->nsupplemental_groups; i++)
		json_object_array_add(a, json_object_new_int64(s->supplemental_groups[i]));
	put_list(o, "supplementalGroups", a);
	json_put_str(o, "fsGroupChangePolicy", s->fs_group_change_policy);
	a = json_object_new_array();
	for (i = 0; i < s->nsysctls; i++) {
		e = json_object_new_object();
		json_put_str(e, "name", s->sysctls[i].name);
		json_put_str(e, "value", s->sysctls[i].value);
		json_object_array_add(a, e);
	}
	put_list(o, "sysctls", a);
	put(o, "seccompProfile", seccomp_json(s->seccomp_profile));
	return o;
}

static struct json_object *dns_json(const struct kube_dns_config *d)
{
	struct json_object *o, *a, *e;
	size_t i;

	if (!d)
		return NULL;
	o = json_object_new_object();
	put(o, "nameservers", strv_json(d->nameservers));
	put(o, "searches", strv_json(d->searches));
	a = json_object_new_array();
	for (i = 0; i < d->noptions; i++) {
		e = json_object_new_object();
		json_put_str(e, "name", d->options[i].name);
		json_put_str(e, "value", d->options[i].value);
		json_object_array_add(a, e);
	}
	put_list(o, "options", a);
	return o;
}

static struct json_object *pod_spec_json(const struct kube_pod_spec *s)
{
	struct json_object *o = json_object_new_object(), *a, *e;
	size_t i;

	json_put_str(o, "restartPolicy", s->restart_policy);
	put_true(o, "hostNetwork", s->host_network);
	put_true(o, "hostPID", s->host_pid);
	put_true(o, "hostIPC", s->host_ipc);
	put_true(o, "shareProcessNamespace", s->share_process_namespace);
	if (s->has_host_users)
		json_put_bool(o, "hostUsers", s->host_users);
	json_put_str(o, "hostname", s->hostname);
	json_put_str(o, "subdomain", s->subdomain);
	put_true(o, "setHostnameAsFQDN", s->set_hostname_as_fqdn);
	a = json_object_new_array();
	for (i = 0; i < s->nhost_aliases; i++) {
		e = json_object_new_object();
		json_put_str(e, "ip", s->host_aliases[i].ip);
		put(e, "hostnames", strv_json(s->host_aliases[i].hostnames));
		json_object_array_add(a, e);
	}
	put_list(o, "hostAliases", a);
	json_put_str(o, "dnsPolicy", s->dns_policy);
	put(o, "dnsConfig", dns_json(s->dns_config));
	json_put_str(o, "serviceAccountName", s->service_account_name);
	put(o, "securityContext", pod_security_json(s->security_context));
	put_int(o, "terminationGracePeriodSeconds", s->termination_grace_period_seconds);
	if (s->has_active_deadline_seconds)
		put_int(o, "activeDeadlineSeconds", s->active_deadline_seconds);
	a = json_object_new_array();
	for (i = 0; i < s->nvolumes; i++)
		json_object_array_add(a, volume_obj(&s->volumes[i]));
	put_list(o, "volumes", a);
	return o;
}

char *kplan_json_pod(const struct kube_meta *meta, const struct kube_pod_spec *spec)
{
	struct json_object *o = json_object_new_object(), *m = json_object_new_object();

	json_put_str(m, "name", meta->name);
	json_put_str(m, "namespace", meta->namespace);
	put(m, "labels", map_json(&meta->labels));
	put(m, "annotations", map_json(&meta->annotations));
	put(o, "metadata", m);
	put(o, "spec", pod_spec_json(spec));
	return text(o);
}
