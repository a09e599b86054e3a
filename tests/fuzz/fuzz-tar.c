/* libFuzzer target: arbitrary bytes as a layer stream.  The unpacker must
 * neither crash nor write outside its directory: every input is unpacked
 * into <tmp>/layer, and anything that appears next to it aborts. */
#include "base/cleanup.h"
#include "base/io.h"
#include "base/xalloc.h"
#include "podengine/layer-unpack.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_tmpl[] = "/tmp/pea-fuzz-tar-XXXXXX";

/* The scratch dir goes when the fuzzer exits (a finished -runs=N). */
static void fuzz_root_remove(void)
{
	io_rm_rf(fuzz_tmpl, NULL);
}

static char *fuzz_root(void)
{
	static char *root;

	if (!root) {
		root = mkdtemp(fuzz_tmpl);
		if (root)
			atexit(fuzz_root_remove);
	}
	return root;
}

static int count_entries(const char *dir)
{
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *root = fuzz_root();
	cleanup_free char *layer = path_join(root, "layer");
	cleanup_close int in = memfd_create("fuzz", MFD_CLOEXEC);
	cleanup_close int dfd = -1;
	struct layer_unpack_opts o = { .privileged = false };
	struct pea_err *err = NULL;
	char id[DIGEST_MAX];

	if (!root || in < 0)
		abort();
	if (xwrite_all(in, data, size) < 0 || lseek(in, 0, SEEK_SET) < 0)
		abort();
	mkdir(layer, 0755);
	dfd = open(layer, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		abort();
	if (layer_unpack_fd(in, dfd, &o, id, NULL, &err) < 0) {
		pea_err_free(err);
		if (count_entries(layer) != 0)
			abort();   /* a refused layer must leave nothing behind */
	}
	if (count_entries(root) != 1)
		abort();   /* something escaped the layer directory */
	layer_empty_dir(dfd, NULL);
	return 0;
}
