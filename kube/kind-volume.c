/* Pod volumes (core/v1 Volume): the sources peapod runs (hostPath, emptyDir,
 * configMap, secret, persistentVolumeClaim, downwardAPI, projected) are
 * decoded; the others are recorded by name in kube_volume.unsupported for
 * the plan to refuse.  Exactly one source per volume (none is an emptyDir,
 * as the API server defaults it). */
#include "kube/schema.h"
#include "base/xalloc.h"

#include <stddef.h>
#include <string.h>

#include "base/banned.h"

KSCHEMA_ENUM_CHECK(check_host_path_type, "", "BlockDevice", "CharDevice", "Directory",
		   "DirectoryOrCreate", "File", "FileOrCreate", "Socket")
KSCHEMA_ENUM_CHECK(check_medium, "", "Memory")

static const char volume_oneof[] = "forbidden: may not specify more than 1 volume type";
static const char projection_oneof[] =
	"forbidden: may not specify more than 1 volume type per source";
static const char dapi_oneof[] =
	"invalid value \"resource\": fieldRef and resourceFieldRef can not be specified "
	"simultaneously";

#define KP(f) offsetof(struct kube_key_path, f)
static const struct kschema_field key_path_fields[] = {
	{ "key", KSCHEMA_STRING, KP(key), KSCHEMA_REQUIRED },
	{ "path", KSCHEMA_STRING, KP(path), KSCHEMA_REQUIRED, kschema_check_key_path },
	{ "mode", KSCHEMA_INT32, KP(mode), KSCHEMA_HAS, kschema_check_mode,
	  .has_off = KP(has_mode) },
	{ NULL },
};

/* configMap and secret volumes and projections (struct kube_cm_source) */
#define CMS(f) offsetof(struct kube_cm_source, f)
#define CMS_ITEMS                                                                    \
	{ "items", KSCHEMA_OBJLIST, CMS(items), .sub = key_path_fields,              \
	  .elem_size = sizeof(struct kube_key_path), .count_off = CMS(nitems) },     \
	{ "optional", KSCHEMA_BOOL, CMS(optional) }
#define CMS_MODE                                                                     \
	{ "defaultMode", KSCHEMA_INT32, CMS(default_mode), KSCHEMA_HAS | KSCHEMA_DEFAULT, \
	  kschema_check_mode, .idef = 0644, .has_off = CMS(has_default_mode) }

static const struct kschema_field cm_volume_fields[] = {
	{ "name", KSCHEMA_STRING, CMS(name), KSCHEMA_REQUIRED },
	CMS_ITEMS,
	CMS_MODE,
	{ NULL },
};

static const struct kschema_field secret_volume_fields[] = {
	{ "secretName", KSCHEMA_STRING, CMS(name), KSCHEMA_REQUIRED },
	CMS_ITEMS,
	CMS_MODE,
	{ NULL },
};

static const struct kschema_field cm_projection_fields[] = {
	{ "name", KSCHEMA_STRING, CMS(name), KSCHEMA_REQUIRED },
	CMS_ITEMS,
	{ NULL },
};

/* downwardAPI volumes and projections */
static int dapi_file_validate(struct kschema_ctx *c, const struct kschema_field *table,
			      const struct kyaml_node *map, void *obj)
{
	if (kschema_oneof_count(table, map))
		return 0;
	kschema_fail(c, map, "required value: one of fieldRef and resourceFieldRef is required");
	return -1;
}

#define DF(f) offsetof(struct kube_dapi_file, f)
static const struct kschema_field dapi_file_fields[] = {
	{ "path", KSCHEMA_STRING, DF(path), KSCHEMA_REQUIRED, kschema_check_key_path },
	{ "fieldRef", KSCHEMA_OBJPTR, DF(field_ref), .sub = kube_field_ref_vol_fields,
	  .elem_size = sizeof(struct kube_field_ref), .oneof = dapi_oneof },
	{ "resourceFieldRef", KSCHEMA_OBJPTR, DF(resource_field_ref),
	  .sub = kube_resource_ref_vol_fields, .elem_size = sizeof(struct kube_resource_ref),
	  .oneof = dapi_oneof },
	{ "mode", KSCHEMA_INT32, DF(mode), KSCHEMA_HAS, kschema_check_mode,
	  .has_off = DF(has_mode) },
	{ "", KSCHEMA_VALIDATE, .validate = dapi_file_validate },
	{ NULL },
};

#define DS(f) offsetof(struct kube_dapi_source, f)
#define DS_ITEMS                                                                     \
	{ "items", KSCHEMA_OBJLIST, DS(items), .sub = dapi_file_fields,              \
	  .elem_size = sizeof(struct kube_dapi_file), .count_off = DS(nitems) }

static const struct kschema_field dapi_volume_fields[] = {
	DS_ITEMS,
	{ "defaultMode", KSCHEMA_INT32, DS(default_mode), KSCHEMA_HAS | KSCHEMA_DEFAULT,
	  kschema_check_mode, .idef = 0644, .has_off = DS(has_default_mode) },
	{ NULL },
};

static const struct kschema_field dapi_projection_fields[] = {
	DS_ITEMS,
	{ NULL },
};

/* projected.sources[] */
static const struct kschema_field sa_token_fields[] = {
	{ "path", KSCHEMA_IGNORE, 0, KSCHEMA_REQUIRED },
	{ "audience", KSCHEMA_IGNORE },
	{ "expirationSeconds", KSCHEMA_IGNORE },
	{ NULL },
};

#define PJ(f) offsetof(struct kube_projection, f)
static const struct kschema_field projection_fields[] = {
	{ "configMap", KSCHEMA_OBJPTR, PJ(config_map), .sub = cm_projection_fields,
	  .elem_size = sizeof(struct kube_cm_source), .oneof = projection_oneof },
	{ "secret", KSCHEMA_OBJPTR, PJ(secret), .sub = cm_projection_fields,
	  .elem_size = sizeof(struct kube_cm_source), .oneof = projection_oneof },
	{ "downwardAPI", KSCHEMA_OBJPTR, PJ(downward_api), .sub = dapi_projection_fields,
	  .elem_size = sizeof(struct kube_dapi_source), .oneof = projection_oneof },
	{ "serviceAccountToken", KSCHEMA_OBJECT, 0, KSCHEMA_HAS, .sub = sa_token_fields,
	  .has_off = PJ(service_account_token), .oneof = projection_oneof },
	{ "clusterTrustBundle", KSCHEMA_KEYNAME, PJ(unsupported), .oneof = projection_oneof },
	{ "podCertificate", KSCHEMA_KEYNAME, PJ(unsupported), .oneof = projection_oneof },
	{ NULL },
};

/* The flattened sources, written for struct kube_volume. */
#define V(f) offsetof(struct kube_volume, f)
static const struct kschema_field host_path_fields[] = {
	{ "path", KSCHEMA_STRING, V(host_path), KSCHEMA_REQUIRED, kschema_check_no_backsteps },
	{ "type", KSCHEMA_STRING, V(host_path_type), KSCHEMA_DEFAULT, check_host_path_type,
	  .def = "" },
	{ NULL },
};

static const struct kschema_field empty_dir_fields[] = {
	{ "medium", KSCHEMA_STRING, V(empty_dir_medium), KSCHEMA_DEFAULT, check_medium,
	  .def = "" },
	{ "sizeLimit", KSCHEMA_QUANTITY, V(empty_dir_size_limit) },
	{ NULL },
};

static const struct kschema_field pvc_source_fields[] = {
	{ "claimName", KSCHEMA_STRING, V(pvc_claim_name), KSCHEMA_REQUIRED },
	{ "readOnly", KSCHEMA_BOOL, V(pvc_read_only) },
	{ NULL },
};

static const struct kschema_field projected_fields[] = {
	{ "sources", KSCHEMA_OBJLIST, V(projected_sources), .sub = projection_fields,
	  .elem_size = sizeof(struct kube_projection), .count_off = V(nprojected_sources) },
	{ "defaultMode", KSCHEMA_INT32, V(projected_default_mode),
	  KSCHEMA_HAS | KSCHEMA_DEFAULT, kschema_check_mode, .idef = 0644,
	  .has_off = V(has_projected_default_mode) },
	{ NULL },
};

/* No source at all is an emptyDir (SetDefaults_Volume). */
static int volume_validate(struct kschema_ctx *c, const struct kschema_field *table,
			   const struct kyaml_node *map, void *obj)
{
	struct kube_volume *v = obj;

	if (kschema_oneof_count(table, map))
		return 0;
	v->has_empty_dir = true;
	v->empty_dir_medium = xstrdup("");
	return 0;
}

#define UNSUPPORTED(json)                                                            \
	{ json, KSCHEMA_KEYNAME, V(unsupported), .oneof = volume_oneof }
const struct kschema_field kube_volume_fields[] = {
	{ "", KSCHEMA_POS, V(pos) },
	{ "name", KSCHEMA_STRING, V(name), KSCHEMA_REQUIRED, kschema_check_dns_label },
	{ "hostPath", KSCHEMA_OBJECT, 0, KSCHEMA_HAS, .sub = host_path_fields,
	  .has_off = V(has_host_path), .oneof = volume_oneof },
	{ "emptyDir", KSCHEMA_OBJECT, 0, KSCHEMA_HAS, .sub = empty_dir_fields,
	  .has_off = V(has_empty_dir), .oneof = volume_oneof },
	{ "configMap", KSCHEMA_OBJPTR, V(config_map), .sub = cm_volume_fields,
	  .elem_size = sizeof(struct kube_cm_source), .oneof = volume_oneof },
	{ "secret", KSCHEMA_OBJPTR, V(secret), .sub = secret_volume_fields,
	  .elem_size = sizeof(struct kube_cm_source), .oneof = volume_oneof },
	{ "persistentVolumeClaim", KSCHEMA_OBJECT, 0, .sub = pvc_source_fields,
	  .oneof = volume_oneof },
	{ "downwardAPI", KSCHEMA_OBJPTR, V(downward_api), .sub = dapi_volume_fields,
	  .elem_size = sizeof(struct kube_dapi_source), .oneof = volume_oneof },
	{ "projected", KSCHEMA_OBJECT, 0, KSCHEMA_HAS, .sub = projected_fields,
	  .has_off = V(has_projected), .oneof = volume_oneof },
	UNSUPPORTED("gcePersistentDisk"),
	UNSUPPORTED("awsElasticBlockStore"),
	UNSUPPORTED("gitRepo"),
	UNSUPPORTED("nfs"),
	UNSUPPORTED("iscsi"),
	UNSUPPORTED("glusterfs"),
	UNSUPPORTED("rbd"),
	UNSUPPORTED("flexVolume"),
	UNSUPPORTED("cinder"),
	UNSUPPORTED("cephfs"),
	UNSUPPORTED("flocker"),
	UNSUPPORTED("fc"),
	UNSUPPORTED("azureFile"),
	UNSUPPORTED("vsphereVolume"),
	UNSUPPORTED("quobyte"),
	UNSUPPORTED("azureDisk"),
	UNSUPPORTED("photonPersistentDisk"),
	UNSUPPORTED("portworxVolume"),
	UNSUPPORTED("scaleIO"),
	UNSUPPORTED("storageos"),
	UNSUPPORTED("csi"),
	UNSUPPORTED("ephemeral"),
	UNSUPPORTED("image"),
	{ "", KSCHEMA_VALIDATE, .validate = volume_validate },
	{ NULL },
};
