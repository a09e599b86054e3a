/* libFuzzer target: the kube YAML reader and the object decoder.  Parses the
 * input, walks every tree through the public accessors (aliases share
 * subtrees: the walk is bounded by the node cap), then decodes the stream
 * with kube_load as `kube play` does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/strv.h"
#include "kube/kube.h"
#include "kube/yaml.h"

#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t walk(const struct kyaml_node *n, size_t budget)
{
	char buf[32];
	size_t i, seen = 1;
	int64_t v;
	bool b;

	if (budget == 0)
		return 0;
	if (n->line < 1 || n->col < 1)
		abort();
	switch (n->kind) {
	case KYAML_SCALAR:
		if (!kyaml_str(n) || n->text[n->len] != '\0')
			abort();
		kyaml_as_int(n, &v);
		kyaml_as_bool(n, &b);
		kyaml_key_string(n, buf, sizeof(buf));
		break;
	case KYAML_MAPPING:
		for (i = 0; i < n->npairs && seen < budget; i++) {
			const char *k = kyaml_key_string(n->pairs[i].key, buf, sizeof(buf));

			if (k && !kyaml_get(n, k))
				abort();
			seen += walk(n->pairs[i].key, budget - seen);
			seen += walk(n->pairs[i].value, budget - seen);
		}
		break;
	case KYAML_SEQUENCE:
		for (i = 0; i < n->nitems && seen < budget; i++)
			seen += walk(n->items[i], budget - seen);
		break;
	}
	kyaml_type_name(n);
	return seen;
}

/* Every object kept has its file; every error names the file. */
static void load(const uint8_t *data, size_t size)
{
	struct kube_objects objs = { 0 };
	struct pea_err *err = NULL;
	char **warnings = NULL;
	size_t i;

	if (kube_load("fuzz.yaml", (const char *)data, size, &objs, &warnings, &err) < 0) {
		if (!err || !err->msg || strncmp(err->msg, "fuzz.yaml:", 10))
			abort();
		pea_err_free(err);
	}
	for (i = 0; i < objs.n; i++)
		if (!objs.v[i].file || objs.v[i].kind == KUBE_LIST)
			abort();
	kube_objects_release(&objs);
	strv_free(warnings);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kyaml_doc *docs = NULL;
	struct pea_err *err = NULL;
	size_t n = 0, i;

	if (kyaml_parse("fuzz.yaml", (const char *)data, size, &docs, &n, &err) < 0) {
		if (!err || !err->msg)
			abort();
		pea_err_free(err);
		return 0;
	}
	for (i = 0; i < n; i++)
		walk(docs[i].root, 100000);
	kyaml_docs_free(docs, n);
	load(data, size);
	return 0;
}
