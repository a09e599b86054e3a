#include "tests/unit/tap.h"
#include "podengine/manifest.h"
#include "base/err.h"

#include "base/banned.h"

#define DA "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define DB "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define DC "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define DD "sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"

static const char oci_manifest[] =
	"{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\","
	"\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"digest\":\"" DA "\",\"size\":123},"
	"\"layers\":[{\"mediaType\":\"" MT_OCI_LAYER_GZIP "\",\"digest\":\"" DB "\",\"size\":4567},"
	"{\"mediaType\":\"" MT_OCI_LAYER_ZSTD "\",\"digest\":\"" DC "\",\"size\":89}]}\n";

static const char docker_manifest[] =
	"{\"schemaVersion\":2,\"mediaType\":\"" MT_DOCKER_MANIFEST "\","
	"\"config\":{\"mediaType\":\"" MT_DOCKER_CONFIG "\",\"digest\":\"" DA "\",\"size\":1},"
	"\"layers\":[{\"mediaType\":\"" MT_DOCKER_LAYER_GZIP "\",\"digest\":\"" DB "\",\"size\":2}]}";

static const char index_json[] =
	"{\"schemaVersion\":2,\"mediaType\":\"" MT_DOCKER_LIST "\",\"manifests\":["
	"{\"mediaType\":\"" MT_DOCKER_MANIFEST "\",\"digest\":\"" DA "\",\"size\":1,"
	" \"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
	"{\"mediaType\":\"" MT_DOCKER_MANIFEST "\",\"digest\":\"" DB "\",\"size\":1,"
	" \"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v6\"}},"
	"{\"mediaType\":\"" MT_DOCKER_MANIFEST "\",\"digest\":\"" DC "\",\"size\":1,"
	" \"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"}},"
	"{\"mediaType\":\"" MT_DOCKER_MANIFEST "\",\"digest\":\"" DD "\",\"size\":1,"
	" \"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}}]}";

static const char config_json[] =
	"{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-02T03:04:05Z\","
	"\"config\":{\"User\":\"1000:1000\",\"WorkingDir\":\"/app\",\"StopSignal\":\"SIGINT\","
	"\"Env\":[\"PATH=/bin\",\"A=b\"],\"Entrypoint\":[\"/bin/sh\",\"-c\"],\"Cmd\":null,"
	"\"ExposedPorts\":{\"80/tcp\":{}},\"Volumes\":{\"/data\":{}},\"Labels\":{\"k\":\"v\"}},"
	"\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" DC "\",\"" DD "\"]},\"history\":[]}";

#define LEN(s) (sizeof(s) - 1)

TEST(detect_types)
{
	CHECK_STR(mf_detect_type(oci_manifest, LEN(oci_manifest), NULL), MT_OCI_MANIFEST);
	CHECK_STR(mf_detect_type(docker_manifest, LEN(docker_manifest), NULL), MT_DOCKER_MANIFEST);
	CHECK_STR(mf_detect_type(index_json, LEN(index_json), NULL), MT_DOCKER_LIST);
	/* no mediaType: content type, then shape */
	CHECK_STR(mf_detect_type("{\"manifests\":[]}", 16, MT_DOCKER_LIST "; charset=utf-8"),
		  MT_DOCKER_LIST);
	CHECK_STR(mf_detect_type("{\"manifests\":[]}", 16, "application/json"), MT_OCI_INDEX);
	CHECK_STR(mf_detect_type("{\"config\":{},\"layers\":[]}", 25, NULL), MT_OCI_MANIFEST);
	CHECK(mf_detect_type("{\"schemaVersion\":1}", 19, NULL) == NULL);
	CHECK(mf_detect_type("garbage", 7, NULL) == NULL);
	CHECK(mf_is_index_type(MT_OCI_INDEX));
	CHECK(!mf_is_index_type(MT_OCI_MANIFEST));
	CHECK(!mf_is_index_type(NULL));
}

TEST(parse_oci_and_docker_manifests)
{
	struct mf_manifest m;
	struct pea_err *err = NULL;

	CHECK_INT(mf_manifest_parse(oci_manifest, LEN(oci_manifest), &m, &err), 0);
	CHECK_STR(m.media_type, MT_OCI_MANIFEST);
	CHECK_STR(m.config.digest, DA);
	CHECK_INT(m.config.size, 123);
	CHECK_INT(m.n_layers, 2);
	CHECK_STR(m.layers[0].media_type, MT_OCI_LAYER_GZIP);
	CHECK_STR(m.layers[1].digest, DC);
	CHECK_INT(m.layers[0].size, 4567);
	mf_manifest_release(&m);

	CHECK_INT(mf_manifest_parse(docker_manifest, LEN(docker_manifest), &m, &err), 0);
	CHECK_STR(m.media_type, MT_DOCKER_MANIFEST);
	CHECK_STR(m.config.media_type, MT_DOCKER_CONFIG);
	CHECK_INT(m.n_layers, 1);
	mf_manifest_release(&m);
}

static void check_bad_manifest(const char *json, const char *needle, int line)
{
	struct mf_manifest m;
	struct pea_err *err = NULL;

	if (mf_manifest_parse(json, strlen(json), &m, &err) == 0) {
		printf("#   line %d: parsed but should fail\n", line);
		tap_cur_failed = 1;
		mf_manifest_release(&m);
		return;
	}
	if (!pea_err_is(err, PEA_E_INVALID) || !strstr(err->msg, needle)) {
		printf("#   line %d: error '%s', want '%s'\n", line, err ? err->msg : "", needle);
		tap_cur_failed = 1;
	}
	pea_err_free(err);
}
#define BADM(j, n) check_bad_manifest((j), (n), __LINE__)

TEST(malformed_manifests_are_refused)
{
	BADM("", "invalid JSON");
	BADM("[1,2]", "not a JSON object");
	BADM("{\"schemaVersion\":1}", "schemaVersion");
	BADM("{\"layers\":[]}", "missing 'config'");
	BADM("{\"config\":{\"digest\":\"sha256:xx\"},\"layers\":[]}", "config");
	BADM("{\"config\":{\"digest\":\"" DA "\"}}", "missing 'layers'");
	BADM("{\"config\":{\"digest\":\"" DA "\"},\"layers\":{}}", "not an array");
	BADM("{\"config\":{\"digest\":\"" DA "\"},\"layers\":[{\"digest\":5}]}", "not a string");
	BADM("{\"config\":{\"digest\":\"" DA "\"},\"layers\":[{}]}", "layers[0]: missing 'digest'");
	BADM("{\"config\":{\"digest\":\"" DA "\",\"size\":-1},\"layers\":[]}", "size");
	BADM("{\"config\":{\"digest\":\"" DA "\"},\"layers\":[]} trailing", "trailing");
	BADM("{\"manifests\":[]}", "image index");
	BADM("{\"config\":", "invalid JSON");
}

TEST(parse_index_and_select_platform)
{
	struct mf_index ix;
	struct pea_err *err = NULL;

	CHECK_INT(mf_index_parse(index_json, LEN(index_json), &ix, &err), 0);
	CHECK_INT(ix.n_manifests, 4);
	CHECK_STR(ix.manifests[1].variant, "v6");
	CHECK_INT(mf_index_select(&ix, "linux/amd64", &err), 0);
	CHECK_INT(mf_index_select(&ix, "linux/x86_64", &err), 0);
	CHECK_INT(mf_index_select(&ix, "linux/arm/v6", &err), 1);
	CHECK_INT(mf_index_select(&ix, "linux/arm", &err), 2);
	CHECK_INT(mf_index_select(&ix, "linux/arm/v7", &err), 2);
	CHECK_INT(mf_index_select(&ix, "linux/arm64", &err), 3);
	CHECK_INT(mf_index_select(&ix, "linux/arm64/v8", &err), 3);
	CHECK_INT(mf_index_select(&ix, "linux/aarch64", &err), 3);
	CHECK(err == NULL);
	CHECK_INT(mf_index_select(&ix, "linux/s390x", &err), -1);
	CHECK(pea_err_is(err, PEA_E_NOT_FOUND));
	CHECK(err && strstr(err->msg, "'linux/s390x'"));
	CHECK(err && strstr(err->msg, "linux/amd64, linux/arm/v6, linux/arm/v7, linux/arm64/v8"));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(mf_index_select(&ix, "linux", &err), -1);
	CHECK(pea_err_is(err, PEA_E_INVALID));
	pea_err_free(err);
	err = NULL;
	if (!strcmp(mf_host_platform(), "linux/amd64"))
		CHECK_INT(mf_index_select(&ix, NULL, &err), 0);
	mf_index_release(&ix);

	/* a manifest passed where an index is expected */
	CHECK_INT(mf_index_parse(oci_manifest, LEN(oci_manifest), &ix, &err), -1);
	CHECK(err && strstr(err->msg, "unexpected mediaType"));
	pea_err_free(err);
}

TEST(amd64_variants_and_unplatformed_entries)
{
	static const char j[] = "{\"manifests\":["
		"{\"digest\":\"" DA "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\",\"variant\":\"v3\"}},"
		"{\"digest\":\"" DB "\",\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}}]}";
	static const char one[] = "{\"manifests\":[{\"digest\":\"" DA "\"}]}";
	struct mf_index ix;
	struct pea_err *err = NULL;

	CHECK_INT(mf_index_parse(j, LEN(j), &ix, &err), 0);
	CHECK_STR(ix.media_type, MT_OCI_INDEX);
	CHECK_INT(mf_index_select(&ix, "linux/amd64", &err), 0);
	CHECK_INT(mf_index_select(&ix, "linux/amd64/v3", &err), 0);
	CHECK_INT(mf_index_select(&ix, "linux/amd64/v2", &err), -1);
	CHECK(err && strstr(err->msg, "available: linux/amd64/v3)"));
	pea_err_free(err);
	err = NULL;
	mf_index_release(&ix);
	CHECK_INT(mf_index_parse(one, LEN(one), &ix, &err), 0);
	CHECK_INT(mf_index_select(&ix, "linux/arm64", &err), 0);
	mf_index_release(&ix);
}

TEST(parse_config)
{
	struct mf_config c;
	struct pea_err *err = NULL;

	CHECK_INT(mf_config_parse(config_json, LEN(config_json), &c, &err), 0);
	CHECK_STR(c.os, "linux");
	CHECK_STR(c.arch, "amd64");
	CHECK(c.variant == NULL);
	CHECK_STR(c.created, "2024-01-02T03:04:05Z");
	CHECK_STR(c.user, "1000:1000");
	CHECK_STR(c.working_dir, "/app");
	CHECK_STR(c.stop_signal, "SIGINT");
	CHECK_STR(c.env[1], "A=b");
	CHECK(c.env[2] == NULL);
	CHECK_STR(c.entrypoint[0], "/bin/sh");
	CHECK(c.cmd == NULL);
	CHECK_STR(c.exposed_ports[0], "80/tcp");
	CHECK_STR(c.volumes[0], "/data");
	CHECK_STR(c.label_keys[0], "k");
	CHECK_STR(c.label_values[0], "v");
	CHECK_INT(c.n_diff_ids, 2);
	CHECK_STR(c.diff_ids[1], DD);
	mf_config_release(&c);

	CHECK_INT(mf_config_parse("{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"x\"]}}", 45,
				  &c, &err), -1);
	CHECK(err && strstr(err->msg, "diff_ids[0]"));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(mf_config_parse("{\"os\":\"linux\"}", 14, &c, &err), -1);
	CHECK(err && strstr(err->msg, "missing 'rootfs'"));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(mf_config_parse("{\"config\":{\"Env\":[1]},\"rootfs\":{}}", 34, &c, &err), -1);
	CHECK(err && strstr(err->msg, "'Env[0]' is not a string"));
	pea_err_free(err);
}

int main(void)
{
	RUN(detect_types);
	RUN(parse_oci_and_docker_manifests);
	RUN(malformed_manifests_are_refused);
	RUN(parse_index_and_select_platform);
	RUN(amd64_variants_and_unplatformed_entries);
	RUN(parse_config);
	return tap_done();
}
