/* ConfigMap (v1): data, binaryData (base64), immutable. */
#include "kube/schema.h"

#include <stddef.h>
#include <string.h>

#include "base/banned.h"

#define CM(f) offsetof(struct kube_configmap, f)

static const struct kschema_field configmap_fields[] = {
	{ "apiVersion", KSCHEMA_IGNORE },
	{ "kind", KSCHEMA_IGNORE },
	{ "metadata", KSCHEMA_OBJECT, CM(meta), KSCHEMA_REQUIRED, .sub = kube_meta_fields },
	{ "data", KSCHEMA_STRMAP, CM(data), 0, kschema_check_config_key },
	{ "binaryData", KSCHEMA_BYTESMAP, CM(binary_data), 0, kschema_check_config_key },
	{ "immutable", KSCHEMA_BOOL, CM(immutable) },
	{ NULL },
};

/* A key may not be in both data and binaryData (Kubernetes' validation). */
static int check_duplicates(struct kschema_ctx *c, const struct kyaml_node *root,
			    const struct kube_configmap *cm)
{
	const struct kyaml_node *bin = kyaml_get(root, "binaryData");
	char buf[32];
	size_t i;
	int ret = 0;

	for (i = 0; bin && bin->kind == KYAML_MAPPING && i < bin->npairs; i++) {
		const char *key = kyaml_key_string(bin->pairs[i].key, buf, sizeof(buf));

		if (!key || kube_map_find(&cm->data, key) < 0)
			continue;
		kyaml_path_push_key(&c->path, "binaryData");
		kyaml_path_push_mapkey(&c->path, key);
		kschema_fail(c, bin->pairs[i].key, "duplicate of key \"%s\" present in data",
			     key);
		kyaml_path_pop(&c->path);
		kyaml_path_pop(&c->path);
		ret = -1;
	}
	return ret;
}

int kube_configmap_decode(struct kschema_ctx *c, const struct kyaml_node *root,
			  struct kube_configmap *out)
{
	if (kschema_decode(c, configmap_fields, root, out) < 0)
		return -1;
	return check_duplicates(c, root, out);
}

void kube_configmap_release(struct kube_configmap *cm)
{
	kschema_free(configmap_fields, cm);
}
