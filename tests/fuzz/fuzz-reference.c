/* libFuzzer target: image reference parsing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "podengine/reference.h"
#include "base/xalloc.h"

#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);
	struct pea_err *err = NULL;
	struct img_ref ref;

	if (img_ref_parse(s, &ref, &err) == 0) {
		char *str = img_ref_string(&ref);
		char *repo = img_ref_repo(&ref);
		struct img_ref again;

		/* the normalised form must parse to itself */
		if (img_ref_parse(str, &again, NULL) < 0)
			abort();
		{
			char *str2 = img_ref_string(&again);

			if (strcmp(str, str2))
				abort();
			free(str2);
		}
		img_ref_release(&again);
		free(str);
		free(repo);
		img_ref_release(&ref);
	} else {
		pea_err_free(err);
	}
	img_ref_is_id_prefix(s);
	free(s);
	return 0;
}
