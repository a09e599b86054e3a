/* PersistentVolumeClaim (v1): access modes, storage class, volume mode and
 * the storage request, validated as the API server does.  On one machine a
 * claim is a named volume: selectors and data sources cannot apply. */
#include "kube/schema.h"
#include "base/cleanup.h"
#include "base/strv.h"

#include <stddef.h>
#include <string.h>

#include "base/banned.h"

KSCHEMA_ENUM_CHECK(check_access_mode, "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce",
		   "ReadWriteOncePod")
KSCHEMA_ENUM_CHECK(check_volume_mode, "Block", "Filesystem")

/* "" asks for no class; anything else names one */
static char *check_class(const void *value)
{
	return **(char *const *)value ? kschema_check_dns_subdomain(value) : NULL;
}

#define R(f) offsetof(struct kube_resources, f)
static const struct kschema_field pvc_resources_fields[] = {
	{ "limits", KSCHEMA_QUANTMAP, R(limits), 0, kschema_check_label_key },
	{ "requests", KSCHEMA_QUANTMAP, R(requests), 0, kschema_check_label_key },
	{ NULL },
};

static int pvc_spec_validate(struct kschema_ctx *c, const struct kschema_field *table,
			     const struct kyaml_node *map, void *obj)
{
	const struct kube_pvc *p = obj;
	const char *storage = kube_map_get(&p->resources.requests, "storage");
	size_t n = strv_len(p->access_modes);
	int ret = 0;

	if (!n)
		ret = kschema_fail_key(c, map, "accessModes",
				       "required value: at least 1 access mode is required");
	else if (n > 1 && strv_find(p->access_modes, "ReadWriteOncePod") >= 0)
		ret = kschema_fail_key(c, map, "accessModes",
				       "forbidden: may not use ReadWriteOncePod with other access "
				       "modes");
	kyaml_path_push_key(&c->path, "resources");
	kyaml_path_push_mapkey(&c->path, "storage");
	if (!storage) {
		kschema_fail(c, kyaml_get(map, "resources") ? kyaml_get(map, "resources") : map,
			     "required value");
		ret = -1;
	} else if (strspn(storage, "0.") == strcspn(storage, "eEinumkKMGTP")) {
		kschema_fail(c, kyaml_get(kyaml_get(kyaml_get(map, "resources"), "requests"),
					  "storage"),
			     "invalid value \"%s\": must be greater than zero", storage);
		ret = -1;
	}
	kschema_leave(c, 2);
	return ret;
}

#define PVC(f) offsetof(struct kube_pvc, f)
static const struct kschema_field pvc_spec_fields[] = {
	{ "accessModes", KSCHEMA_STRLIST, PVC(access_modes), 0, check_access_mode },
	{ "resources", KSCHEMA_OBJECT, PVC(resources), .sub = pvc_resources_fields },
	{ "storageClassName", KSCHEMA_STRING, PVC(storage_class_name), 0, check_class },
	{ "volumeMode", KSCHEMA_STRING, PVC(volume_mode), KSCHEMA_DEFAULT, check_volume_mode,
	  .def = "Filesystem" },
	{ "volumeName", KSCHEMA_IGNORE },
	{ "selector", KSCHEMA_IGNORE },
	{ "volumeAttributesClassName", KSCHEMA_IGNORE },
	{ "dataSource", KSCHEMA_IGNORE, 0, KSCHEMA_WARN },
	{ "dataSourceRef", KSCHEMA_IGNORE, 0, KSCHEMA_WARN },
	{ "", KSCHEMA_VALIDATE, .validate = pvc_spec_validate },
	{ NULL },
};

static const struct kschema_field pvc_fields[] = {
	{ "apiVersion", KSCHEMA_IGNORE },
	{ "kind", KSCHEMA_IGNORE },
	{ "metadata", KSCHEMA_OBJECT, PVC(meta), KSCHEMA_REQUIRED, .sub = kube_meta_fields },
	{ "spec", KSCHEMA_OBJECT, 0, KSCHEMA_REQUIRED, .sub = pvc_spec_fields },
	{ "status", KSCHEMA_IGNORE },
	{ NULL },
};

int kube_pvc_decode(struct kschema_ctx *c, const struct kyaml_node *root, struct kube_pvc *out)
{
	return kschema_decode(c, pvc_fields, root, out);
}

void kube_pvc_release(struct kube_pvc *p)
{
	kschema_free(pvc_fields, p);
}
