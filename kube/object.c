/* Kubernetes objects: metadata, kube_decode() (the dispatch by apiVersion and
 * kind, v1 List included) and kube_load() (a whole YAML stream). */
#include "kube/schema.h"
#include "base/cleanup.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

#define MAX_ANNOTATIONS_SIZE (256 * 1024)

/* Annotation keys are qualified names once lowercased (the API server's
 * ValidateAnnotations). */
static char *check_annotation_key(const void *value)
{
	cleanup_free char *lower = xstrdup(*(char *const *)value);
	char *p;

	for (p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return kschema_check_label_key(&lower);
}

/* Label values, and the total size of the annotations. */
static int meta_validate(struct kschema_ctx *c, const struct kschema_field *table,
			 const struct kyaml_node *map, void *obj)
{
	const struct kube_meta *m = obj;
	const struct kyaml_node *labels = kyaml_get(map, "labels");
	size_t i, total = 0;
	int ret = 0;

	for (i = 0; i < m->labels.n; i++) {
		cleanup_free char *msg = kschema_label_value_msg(m->labels.values[i]);

		if (!msg)
			continue;
		kyaml_path_push_key(&c->path, "labels");
		kyaml_path_push_mapkey(&c->path, m->labels.keys[i]);
		kschema_fail(c, kyaml_get(labels, m->labels.keys[i]), "%s", msg);
		kschema_leave(c, 2);
		ret = -1;
	}
	for (i = 0; i < m->annotations.n; i++)
		total += strlen(m->annotations.keys[i]) + m->annotations.lens[i];
	if (total > MAX_ANNOTATIONS_SIZE)
		ret = kschema_fail_key(c, map, "annotations",
				       "too long: must have at most %d bytes",
				       MAX_ANNOTATIONS_SIZE);
	return ret;
}

#define META(f) offsetof(struct kube_meta, f)
#define META_COMMON                                                                    \
	{ "namespace", KSCHEMA_STRING, META(namespace), 0, kschema_check_dns_label },  \
	{ "labels", KSCHEMA_STRMAP, META(labels), 0, kschema_check_label_key },        \
	{ "annotations", KSCHEMA_STRMAP, META(annotations), 0, check_annotation_key }, \
	/* written by the API server or by `kube generate`: accepted, unused */        \
	{ "generateName", KSCHEMA_IGNORE },                                            \
	{ "uid", KSCHEMA_IGNORE },                                                     \
	{ "resourceVersion", KSCHEMA_IGNORE },                                         \
	{ "generation", KSCHEMA_IGNORE },                                              \
	{ "creationTimestamp", KSCHEMA_IGNORE },                                       \
	{ "deletionTimestamp", KSCHEMA_IGNORE },                                       \
	{ "deletionGracePeriodSeconds", KSCHEMA_IGNORE },                              \
	{ "managedFields", KSCHEMA_IGNORE },                                           \
	{ "ownerReferences", KSCHEMA_IGNORE },                                         \
	{ "finalizers", KSCHEMA_IGNORE },                                              \
	{ "selfLink", KSCHEMA_IGNORE },                                                \
	{ "", KSCHEMA_VALIDATE, .validate = meta_validate }

const struct kschema_field kube_meta_fields[] = {
	{ "name", KSCHEMA_STRING, META(name), KSCHEMA_REQUIRED, kschema_check_dns_subdomain },
	META_COMMON,
	{ NULL },
};

const struct kschema_field kube_template_meta_fields[] = {
	{ "name", KSCHEMA_STRING, META(name), 0, kschema_check_dns_subdomain },
	META_COMMON,
	{ NULL },
};

/* A required top-level string (apiVersion, kind); NULL after recording an error. */
static const char *head_string(struct kschema_ctx *c, const struct kyaml_node *root,
			       const char *name)
{
	const struct kyaml_node *n = kyaml_get(root, name);
	const char *s = kyaml_as_str(n);

	kyaml_path_push_key(&c->path, name);
	if (!n || kyaml_is_null(n) || (s && !*s))
		kschema_fail(c, root, "required value");
	else if (!s)
		kschema_fail(c, n, "expected string, got %s", kyaml_type_name(n));
	kyaml_path_pop(&c->path);
	return s && *s ? s : NULL;
}

static const struct {
	const char *kind, *api;
	enum kube_kind k;
} kinds[] = {
	{ "Pod", "v1", KUBE_POD },
	{ "ConfigMap", "v1", KUBE_CONFIGMAP },
	{ "Secret", "v1", KUBE_SECRET },
	{ "PersistentVolumeClaim", "v1", KUBE_PVC },
	{ "List", "v1", KUBE_LIST },
	{ "Deployment", "apps/v1", KUBE_DEPLOYMENT },
	{ "DaemonSet", "apps/v1", KUBE_DAEMONSET },
	{ "Job", "batch/v1", KUBE_JOB },
};

static int decode_object(struct kschema_ctx *c, const char *file, int doc,
			 const struct kyaml_node *root, struct kube_object *out);

static const struct kschema_field list_fields[] = {
	{ "apiVersion", KSCHEMA_IGNORE },
	{ "kind", KSCHEMA_IGNORE },
	{ "metadata", KSCHEMA_IGNORE },
	{ "items", KSCHEMA_IGNORE },
	{ NULL },
};

/* Append o to the items of list; the items of a nested List are spliced in. */
static void list_append(struct kube_object *list, struct kube_object *o)
{
	size_t add = o->kind == KUBE_LIST ? o->u.list.nitems : 1;

	if (!add) { /* an empty List */
		kube_object_release(o);
		return;
	}
	list->u.list.items = xrealloc(list->u.list.items,
				      (list->u.list.nitems + add) * sizeof(*o));
	if (o->kind == KUBE_LIST) {
		memcpy(list->u.list.items + list->u.list.nitems, o->u.list.items,
		       add * sizeof(*o));
		o->u.list.nitems = 0;
		kube_object_release(o);
	} else {
		list->u.list.items[list->u.list.nitems] = *o;
		memset(o, 0, sizeof(*o));
	}
	list->u.list.nitems += add;
}

/* Each item of a List is an object of its own: its errors carry the paths
 * of that object, located at its own line:col. */
static int decode_list(struct kschema_ctx *c, const char *file, int doc,
		       const struct kyaml_node *root, struct kube_object *out)
{
	const struct kyaml_node *items = kyaml_get(root, "items");
	char dummy;
	size_t i;
	int ret = kschema_decode(c, list_fields, root, &dummy);

	if (!items || kyaml_is_null(items))
		return ret;
	if (items->kind != KYAML_SEQUENCE)
		return kschema_fail_key(c, root, "items", "expected array, got %s",
					kyaml_type_name(items));
	for (i = 0; i < items->nitems && !kschema_full(c); i++) {
		struct kube_object o;

		if (decode_object(c, file, doc, items->items[i], &o) < 0) {
			kube_object_release(&o);
			ret = -1;
			continue;
		}
		list_append(out, &o);
	}
	return ret;
}

static int decode_kind(struct kschema_ctx *c, const char *file, int doc,
		       const struct kyaml_node *root, struct kube_object *out)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(out->kind_name, kinds[i].kind))
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0]))
		return 0; /* KUBE_UNKNOWN: the caller skips it */
	if (strcmp(out->api_version, kinds[i].api))
		return kschema_fail_key(c, root, "apiVersion",
					"no kind \"%s\" is registered for version \"%s\" "
					"(want \"%s\")",
					out->kind_name, out->api_version, kinds[i].api);
	out->kind = kinds[i].k;
	switch (out->kind) {
	case KUBE_POD:
		return kube_pod_decode(c, root, &out->u.pod);
	case KUBE_CONFIGMAP:
		return kube_configmap_decode(c, root, &out->u.configmap);
	case KUBE_SECRET:
		return kube_secret_decode(c, root, &out->u.secret);
	case KUBE_PVC:
		return kube_pvc_decode(c, root, &out->u.pvc);
	case KUBE_DEPLOYMENT:
	case KUBE_DAEMONSET:
		return kube_deployment_decode(c, root, out->kind, &out->u.deployment);
	case KUBE_JOB:
		return kube_job_decode(c, root, &out->u.job);
	default:
		return decode_list(c, file, doc, root, out);
	}
}

static int decode_object(struct kschema_ctx *c, const char *file, int doc,
			 const struct kyaml_node *root, struct kube_object *out)
{
	const char *api, *kind;

	memset(out, 0, sizeof(*out));
	out->file = xstrdup(file);
	out->doc = doc;
	out->line = root->line;
	if (root->kind != KYAML_MAPPING) {
		kschema_fail(c, root, "expected object, got %s", kyaml_type_name(root));
		return -1;
	}
	api = head_string(c, root, "apiVersion");
	kind = head_string(c, root, "kind");
	if (!api || !kind)
		return -1;
	out->api_version = xstrdup(api);
	out->kind_name = xstrdup(kind);
	return decode_kind(c, file, doc, root, out);
}

int kube_decode(const char *file, const struct kyaml_doc *doc, struct kube_object *out,
		char ***warnings, struct pea_err **err)
{
	struct kschema_ctx c;
	int ret;

	kschema_ctx_init(&c, file);
	decode_object(&c, file, doc->index, doc->root, out);
	out->line = doc->line;
	ret = kschema_finish(&c, warnings, err);
	kschema_ctx_release(&c);
	if (ret < 0)
		kube_object_release(out);
	return ret;
}

void kube_object_release(struct kube_object *o)
{
	size_t i;

	switch (o->kind) {
	case KUBE_POD:
		kube_pod_release(&o->u.pod);
		break;
	case KUBE_CONFIGMAP:
		kube_configmap_release(&o->u.configmap);
		break;
	case KUBE_SECRET:
		kube_secret_release(&o->u.secret);
		break;
	case KUBE_PVC:
		kube_pvc_release(&o->u.pvc);
		break;
	case KUBE_DEPLOYMENT:
	case KUBE_DAEMONSET:
		kube_deployment_release(&o->u.deployment);
		break;
	case KUBE_JOB:
		kube_job_release(&o->u.job);
		break;
	case KUBE_LIST:
		for (i = 0; i < o->u.list.nitems; i++)
			kube_object_release(&o->u.list.items[i]);
		free(o->u.list.items);
		break;
	default:
		break;
	}
	free(o->api_version);
	free(o->kind_name);
	free(o->file);
	memset(o, 0, sizeof(*o));
}

/* ---- streams ---- */

static void objects_append(struct kube_objects *objs, struct kube_object *o)
{
	size_t add = o->kind == KUBE_LIST ? o->u.list.nitems : 1;

	if (!add) { /* an empty List */
		kube_object_release(o);
		return;
	}
	objs->v = xrealloc(objs->v, (objs->n + add) * sizeof(*o));
	if (o->kind == KUBE_LIST) {
		memcpy(objs->v + objs->n, o->u.list.items, add * sizeof(*o));
		o->u.list.nitems = 0;
		kube_object_release(o);
	} else {
		objs->v[objs->n] = *o;
		memset(o, 0, sizeof(*o));
	}
	objs->n += add;
}

int kube_load(const char *file, const char *buf, size_t len, struct kube_objects *out,
	      char ***warnings, struct pea_err **err)
{
	const char *name = strcmp(file, "-") ? file : "<stdin>";
	struct strbuf errors = STRBUF_INIT;
	struct kyaml_doc *docs = NULL;
	size_t n = 0, i;
	int ret = 0;

	if (kyaml_parse(name, buf, len, &docs, &n, err) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct pea_err *e = NULL;
		struct kube_object o;

		if (kube_decode(name, &docs[i], &o, warnings, &e) < 0) {
			strbuf_addf(&errors, "%s%s", errors.len ? "\n" : "", e->msg);
			pea_err_free(e);
			continue;
		}
		objects_append(out, &o);
	}
	kyaml_docs_free(docs, n);
	if (errors.len)
		ret = pea_err_setk(err, PEA_E_INVALID, 0, "%s", errors.buf);
	strbuf_release(&errors);
	return ret;
}

void kube_objects_release(struct kube_objects *objs)
{
	size_t i;

	for (i = 0; i < objs->n; i++)
		kube_object_release(&objs->v[i]);
	free(objs->v);
	objs->v = NULL;
	objs->n = 0;
}
