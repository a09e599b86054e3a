/* libFuzzer target: manifests, indexes and image configs.  The first byte
 * chooses the parser; the rest is the document. */
#include <stdint.h>
#include <stdlib.h>

#include "podengine/manifest.h"

#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *json = (const char *)data + 1;
	size_t len = size ? size - 1 : 0;
	struct pea_err *err = NULL;

	if (size == 0)
		return 0;
	mf_detect_type(json, len, NULL);
	switch (data[0] % 3) {
	case 0: {
		struct mf_manifest m;

		if (mf_manifest_parse(json, len, &m, &err) == 0)
			mf_manifest_release(&m);
		break;
	}
	case 1: {
		struct mf_index ix;

		if (mf_index_parse(json, len, &ix, &err) == 0) {
			mf_index_select(&ix, "linux/arm64", NULL);
			mf_index_select(&ix, "linux/arm/v6", NULL);
			mf_index_select(&ix, NULL, NULL);
			mf_index_release(&ix);
		}
		break;
	}
	default: {
		struct mf_config c;

		if (mf_config_parse(json, len, &c, &err) == 0)
			mf_config_release(&c);
		break;
	}
	}
	pea_err_free(err);
	return 0;
}
