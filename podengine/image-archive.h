/* What image-archive.c (load) and image-save.c (save) share: the OCI
 * annotation naming an image in an index, and descriptor objects.
 * Internal to podengine. */
#ifndef PEA_IMAGE_ARCHIVE_H
#define PEA_IMAGE_ARCHIVE_H

#include <stdint.h>
#include <json-c/json.h>

#define ANNOT_REF_NAME "org.opencontainers.image.ref.name"

/* {"mediaType", "digest", "size"}; the caller owns the new object. */
static inline struct json_object *descriptor(const char *mt, const char *digest, int64_t size)
{
	struct json_object *d = json_object_new_object();

	json_object_object_add(d, "mediaType", json_object_new_string(mt));
	json_object_object_add(d, "digest", json_object_new_string(digest));
	json_object_object_add(d, "size", json_object_new_int64(size));
	return d;
}

#endif
