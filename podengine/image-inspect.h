/* JSON views of local images (podman's shapes).  Returned objects are owned
 * by the caller (json_object_put). */
#ifndef PEA_IMAGE_INSPECT_H
#define PEA_IMAGE_INSPECT_H

#include <json-c/json.h>
#include <stdbool.h>

#include "podengine/image.h"

/* `image inspect` object for one image. */
struct json_object *img_inspect_json(struct pea_ctx *ctx, const struct img_info *info,
				     struct pea_err **err);
/* `images --format json` array; with per_name one entry per name (as the
 * default table shows), else one per image. */
struct json_object *img_list_json(const struct img_info *list, size_t n, bool per_name);
/* "domain/path:tag" -> repo, tag ("<none>" when absent).  Caller frees both. */
void img_split_name(const char *name, char **repo, char **tag);

#endif
