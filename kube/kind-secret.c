/* Secret (v1): type, data (base64), stringData merged over data as the API
 * server does, immutable. */
#include "kube/schema.h"

#include <stddef.h>
#include <string.h>

#include "base/banned.h"

#define SEC(f) offsetof(struct kube_secret, f)

static const struct kschema_field secret_fields[] = {
	{ "apiVersion", KSCHEMA_IGNORE },
	{ "kind", KSCHEMA_IGNORE },
	{ "metadata", KSCHEMA_OBJECT, SEC(meta), KSCHEMA_REQUIRED, .sub = kube_meta_fields },
	{ "type", KSCHEMA_STRING, SEC(type), KSCHEMA_DEFAULT, .def = "Opaque" },
	{ "data", KSCHEMA_BYTESMAP, SEC(data), 0, kschema_check_config_key },
	{ "stringData", KSCHEMA_STRMAP, SEC(string_data), 0, kschema_check_config_key },
	{ "immutable", KSCHEMA_BOOL, SEC(immutable) },
	{ NULL },
};

int kube_secret_decode(struct kschema_ctx *c, const struct kyaml_node *root,
		       struct kube_secret *out)
{
	size_t i;

	if (kschema_decode(c, secret_fields, root, out) < 0)
		return -1;
	/* stringData is write-only: its keys replace those of data */
	for (i = 0; i < out->string_data.n; i++)
		kube_map_set(&out->data, out->string_data.keys[i], out->string_data.values[i],
			     out->string_data.lens[i]);
	kube_map_release(&out->string_data);
	return 0;
}

void kube_secret_release(struct kube_secret *s)
{
	kschema_free(secret_fields, s);
}
