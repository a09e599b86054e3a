/* json-c helpers shared by every module that speaks JSON (all JSON goes
 * through json-c, never printf). */
#ifndef PEA_JSON_H
#define PEA_JSON_H

#include <json-c/json.h>

static inline void cleanup_json_putp(struct json_object **o)
{
	if (*o)
		json_object_put(*o);
}
#define cleanup_json __attribute__((cleanup(cleanup_json_putp)))

#endif
