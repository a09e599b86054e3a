/* Image commands: pull, push, images, image *, rmi, tag, save, load, import. */
#include "cli/cli.h"
#include "cli/format.h"
#include "base/cleanup.h"
#include "base/parse.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "podengine/image.h"
#include "podengine/image-inspect.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

enum { OPT_TLS = 2000, OPT_CREDS, OPT_AUTHFILE, OPT_CERTDIR, OPT_PLATFORM, OPT_FORMAT,
       OPT_NOTRUNC, OPT_ARCH, OPT_OS };

#define REGISTRY_OPTS                                                       \
	{ "tls-verify", optional_argument, NULL, OPT_TLS },                  \
	{ "creds", required_argument, NULL, OPT_CREDS },                     \
	{ "authfile", required_argument, NULL, OPT_AUTHFILE },               \
	{ "cert-dir", required_argument, NULL, OPT_CERTDIR },                \
	{ "quiet", no_argument, NULL, 'q' }

#define REGISTRY_HELP                                                             \
	"  --authfile FILE        credentials file (default: podman's auth.json, then\n" \
	"                         ~/.docker/config.json)\n"                          \
	"  --cert-dir DIR         certificates (default /etc/containers/certs.d/HOST)\n" \
	"  --creds USER:PASS      credentials for the registry\n"                    \
	"  --tls-verify[=BOOL]    verify TLS (default true); false also allows http\n" \
	"  -q, --quiet            no progress output\n"

/* Registry flags shared by pull and push; returns 1 if handled. */
static int registry_opt(int c, struct img_registry_opts *o, struct pea_err **err)
{
	int v;

	switch (c) {
	case OPT_TLS:
		if (!optarg) {
			o->tls_verify = 1;
			return 1;
		}
		if (parse_bool(optarg, &v, "--tls-verify", err) < 0)
			return -1;
		o->tls_verify = v;
		return 1;
	case OPT_CREDS: o->creds = optarg; return 1;
	case OPT_AUTHFILE: o->authfile = optarg; return 1;
	case OPT_CERTDIR: o->cert_dir = optarg; return 1;
	case 'q': o->quiet = true; return 1;
	}
	return 0;
}



static int cmd_pull(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		REGISTRY_OPTS,
		{ "platform", required_argument, NULL, OPT_PLATFORM },
		{ "arch", required_argument, NULL, OPT_ARCH },
		{ "os", required_argument, NULL, OPT_OS },
		{ NULL, 0, NULL, 0 },
	};
	struct img_registry_opts o = { .tls_verify = 1 };
	const char *arch = NULL, *os = NULL;
	cleanup_free char *platform = NULL;
	int c, i, r;

	while ((c = cli_getopt(argc, argv, "+q", opts)) != -1) {
		if ((r = registry_opt(c, &o, err)) < 0)
			return -1;
		if (r)
			continue;
		switch (c) {
		case OPT_PLATFORM: free(platform); platform = xstrdup(optarg); break;
		case OPT_ARCH: arch = optarg; break;
		case OPT_OS: os = optarg; break;
		default: return cli_bad_flag(err, "pull", argc, argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error(err, "pull", "requires at least one image reference");
	if (!platform && (arch || os))
		platform = xasprintf("%s/%s", os ? os : "linux", arch ? arch : "amd64");
	o.platform = platform;
	for (i = optind; i < argc; i++) {
		cleanup_free char *id = img_pull(ctx, argv[i], &o, err);

		if (!id)
			return -1;   /* img_pull names the reference */
		printf("%s\n", id);
	}
	return 0;
}

static int cmd_push(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = { REGISTRY_OPTS, { NULL, 0, NULL, 0 } };
	struct img_registry_opts o = { .tls_verify = 1 };
	int c, r;

	while ((c = cli_getopt(argc, argv, "+q", opts)) != -1) {
		if ((r = registry_opt(c, &o, err)) < 0)
			return -1;
		if (!r)
			return cli_bad_flag(err, "push", argc, argv);
	}
	if (optind >= argc || argc - optind > 2)
		return cli_usage_error(err, "push", "requires IMAGE [DESTINATION]");
	if (img_push(ctx, argv[optind], optind + 1 < argc ? argv[optind + 1] : NULL, &o, err) < 0)
		return pea_err_wrap(err, "push '%s'", argv[optind]);
	return 0;
}

static void print_images_table(struct json_object *arr, bool notrunc)
{
	struct fmt_table *t = fmt_table_new();
	int64_t now = (int64_t)time(NULL);
	size_t i;

	fmt_table_add(t, "REPOSITORY");
	fmt_table_add(t, "TAG");
	fmt_table_add(t, "IMAGE ID");
	fmt_table_add(t, "CREATED");
	fmt_table_add(t, "SIZE");
	fmt_table_end_row(t);
	for (i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *o = json_object_array_get_idx(arr, i), *v;
		cleanup_free char *ago = NULL, *size = NULL, *id = NULL;

		json_object_object_get_ex(o, "Repository", &v);
		fmt_table_add(t, json_object_get_string(v));
		json_object_object_get_ex(o, "Tag", &v);
		fmt_table_add(t, json_object_get_string(v));
		json_object_object_get_ex(o, "Id", &v);
		id = xstrndup(json_object_get_string(v), notrunc ? 64 : 12);
		fmt_table_add(t, id);
		json_object_object_get_ex(o, "Created", &v);
		ago = fmt_human_ago(json_object_get_int64(v), now);
		fmt_table_add(t, ago);
		json_object_object_get_ex(o, "Size", &v);
		size = fmt_human_size(json_object_get_int64(v));
		fmt_table_add(t, size);
		fmt_table_end_row(t);
	}
	fmt_table_print(t, stdout);
	fmt_table_free(t);
}

static int cmd_images(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "all", no_argument, NULL, 'a' },
		{ "no-trunc", no_argument, NULL, OPT_NOTRUNC },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ NULL, 0, NULL, 0 },
	};
	bool quiet = false, notrunc = false;
	const char *format = NULL;
	struct img_info *list = NULL;
	struct json_object *arr;
	size_t n = 0, i;
	int c, rc = 0;

	while ((c = cli_getopt(argc, argv, "+qa", opts)) != -1) {
		switch (c) {
		case 'q': quiet = true; break;
		case 'a': break;
		case OPT_NOTRUNC: notrunc = true; break;
		case OPT_FORMAT: format = optarg; break;
		default: return cli_bad_flag(err, "images", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(err, "images", "filtering by name is not supported yet");
	if (img_list(ctx, &list, &n, err) < 0)
		return -1;
	if (quiet) {
		for (i = 0; i < n; i++)
			printf("%.*s\n", notrunc ? 64 : 12, list[i].id);
		img_info_list_free(list, n);
		return 0;
	}
	arr = img_list_json(list, n, !format || strcmp(format, "json"));
	if (format)
		rc = fmt_print(stdout, format, arr, true, err);
	else
		print_images_table(arr, notrunc);
	json_object_put(arr);
	img_info_list_free(list, n);
	return rc;
}

static int cmd_image_inspect(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = "json";
	struct json_object *arr;
	int c, i, rc = 0;

	while ((c = cli_getopt(argc, argv, "+f:", opts)) != -1) {
		if (c != 'f')
			return cli_bad_flag(err, "image inspect", argc, argv);
		format = optarg;
	}
	if (optind >= argc)
		return cli_usage_error(err, "image inspect", "requires at least one image");
	arr = json_object_new_array();
	for (i = optind; i < argc; i++) {
		struct img_info info = { 0 };
		struct json_object *o;

		if (img_lookup(ctx, argv[i], &info, err) < 0) {
			json_object_put(arr);
			return pea_err_wrap(err, "inspect");
		}
		o = img_inspect_json(ctx, &info, err);
		img_info_release(&info);
		if (!o) {
			json_object_put(arr);
			return -1;
		}
		json_object_array_add(arr, o);
	}
	rc = fmt_print(stdout, format, arr, true, err);
	json_object_put(arr);
	return rc;
}

struct rm_report {
	bool any;
};

/* podman's words: "Untagged: NAME", "Deleted: ID". */
static void print_removed(const char *what, const char *value, void *data)
{
	printf("%c%s: %s\n", what[0] >= 'a' && what[0] <= 'z' ? what[0] - 'a' + 'A' : what[0],
	       what + 1, value);
}

static int cmd_rmi(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	bool force = false, all = false;
	int c, i, rc = 0;

	while ((c = cli_getopt(argc, argv, "+fa", opts)) != -1) {
		switch (c) {
		case 'f': force = true; break;
		case 'a': all = true; break;
		default: return cli_bad_flag(err, "rmi", argc, argv);
		}
	}
	if (all) {
		struct img_info *list = NULL;
		size_t n = 0, k;

		if (img_list(ctx, &list, &n, err) < 0)
			return -1;
		for (k = 0; k < n && rc == 0; k++)
			if (img_remove(ctx, list[k].id, force, print_removed, NULL, err) < 0)
				rc = -1;
		img_info_list_free(list, n);
		return rc;
	}
	if (optind >= argc)
		return cli_usage_error(err, "rmi", "requires at least one image (or --all)");
	for (i = optind; i < argc; i++) {
		if (img_remove(ctx, argv[i], force, print_removed, NULL, err) < 0)
			return pea_err_wrap(err, "remove image '%s'", argv[i]);
	}
	return 0;
}

static int cmd_tag(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	int i;

	if (cli_no_flags("tag", argc, argv, err) < 0)
		return -1;
	if (argc - optind < 2)
		return cli_usage_error(err, "tag", "requires IMAGE TARGET_NAME [TARGET_NAME...]");
	for (i = optind + 1; i < argc; i++)
		if (img_tag(ctx, argv[optind], argv[i], err) < 0)
			return pea_err_wrap(err, "tag '%s'", argv[optind]);
	return 0;
}

static void print_id(const char *id, void *data)
{
	printf("%s\n", id);
}

static int cmd_image_prune(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	bool all = false, force = false;
	int c;

	while ((c = cli_getopt(argc, argv, "+af", opts)) != -1) {
		switch (c) {
		case 'a': all = true; break;
		case 'f': force = true; break;
		default: return cli_bad_flag(err, "image prune", argc, argv);
		}
	}
	if (!force && !cli_confirm(all ? "WARNING! This command removes all images without at least "
				     "one container associated with them.\nAre you sure you want "
				     "to continue?"
				   : "WARNING! This command removes all dangling images.\nAre you "
				     "sure you want to continue?"))
		return 0;
	return img_prune(ctx, all, print_id, NULL, err) < 0 ? -1 : 0;
}

static int cmd_image_exists(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	if (cli_no_flags("image exists", argc, argv, err) < 0)
		return -1;
	if (argc - optind != 1)
		return cli_usage_error(err, "image exists", "requires exactly one image");
	return img_exists(ctx, argv[optind]) ? 0 : 1;
}

static int cmd_save(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "quiet", no_argument, NULL, 'q' },
		{ "multi-image-archive", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	enum img_archive_format fmt = IMG_DOCKER_ARCHIVE;
	const char *out = NULL;
	int c;

	while ((c = cli_getopt(argc, argv, "+o:qm", opts)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'q': case 'm': break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "docker-archive"))
				fmt = IMG_DOCKER_ARCHIVE;
			else if (!strcmp(optarg, "oci-archive"))
				fmt = IMG_OCI_ARCHIVE;
			else
				return cli_usage_error(err, "save", "unsupported format '%s' "
						       "(docker-archive, oci-archive)", optarg);
			break;
		default: return cli_bad_flag(err, "save", argc, argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error(err, "save", "requires at least one image");
	if ((!out || !strcmp(out, "-")) && isatty(STDOUT_FILENO))
		return cli_usage_error(err, "save", "refusing to write an archive to a terminal; "
				       "use -o FILE or redirect stdout");
	if (img_save(ctx, (const char *const *)argv + optind, (size_t)(argc - optind), fmt, out,
		     err) < 0)
		return pea_err_wrap(err, "save");
	return 0;
}

static int cmd_load(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	const char *in = NULL;
	cleanup_strv char **names = NULL;
	char **p;
	int c;

	while ((c = cli_getopt(argc, argv, "+i:q", opts)) != -1) {
		switch (c) {
		case 'i': in = optarg; break;
		case 'q': break;
		default: return cli_bad_flag(err, "load", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(err, "load", "takes no arguments (use -i FILE)");
	if ((!in || !strcmp(in, "-")) && isatty(STDIN_FILENO))
		return cli_usage_error(err, "load", "no archive given: use -i FILE or a pipe");
	names = img_load(ctx, in, err);
	if (!names)
		return pea_err_wrap(err, "load");
	for (p = names; *p; p++)
		printf("Loaded image: %s\n", *p);
	return 0;
}

static int cmd_import(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "change", required_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "message", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_free const char **changes = NULL;
	cleanup_free char *id = NULL;
	size_t n = 0, alloc = 0;
	int c;

	while ((c = cli_getopt(argc, argv, "+c:qm:", opts)) != -1) {
		switch (c) {
		case 'c':
			ALLOC_GROW(changes, n + 1, alloc);
			changes[n++] = optarg;
			break;
		case 'q': case 'm': break;
		default: return cli_bad_flag(err, "import", argc, argv);
		}
	}
	if (optind >= argc || argc - optind > 2)
		return cli_usage_error(err, "import", "requires FILE|- [REFERENCE]");
	id = img_import(ctx, argv[optind], optind + 1 < argc ? argv[optind + 1] : NULL,
			changes, n, err);
	if (!id)
		return pea_err_wrap(err, "import '%s'", argv[optind]);
	printf("%s\n", id);
	return 0;
}

static int cmd_image_mount(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	cleanup_free char *mnt = NULL;

	if (cli_no_flags("image mount", argc, argv, err) < 0)
		return -1;
	if (argc - optind != 1)
		return cli_usage_error(err, "image mount", "requires exactly one image");
	mnt = img_mount(ctx, argv[optind], err);
	if (!mnt)
		return pea_err_wrap(err, "mount image '%s'", argv[optind]);
	printf("%s\n", mnt);
	return 0;
}

static int cmd_image_unmount(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	if (cli_no_flags("image unmount", argc, argv, err) < 0)
		return -1;
	if (argc - optind != 1)
		return cli_usage_error(err, "image unmount", "requires exactly one image");
	if (img_unmount(ctx, argv[optind], err) < 0)
		return pea_err_wrap(err, "unmount image '%s'", argv[optind]);
	printf("%s\n", argv[optind]);
	return 0;
}

static const char pull_help[] =
	"Usage: peapod pull [options] IMAGE [IMAGE...]\n\n"
	"Pull images from a registry and print their ids.\n\nOptions:\n" REGISTRY_HELP
	"  --platform OS/ARCH[/VARIANT]  pick this platform from a manifest list\n"
	"  --arch ARCH, --os OS          the same, separately\n";
static const char push_help[] =
	"Usage: peapod push [options] IMAGE [DESTINATION]\n\n"
	"Push an image to a registry.\n\nOptions:\n" REGISTRY_HELP;
static const char images_help[] =
	"Usage: peapod images [options]\n\n"
	"List local images.\n\nOptions:\n"
	"  -a, --all              accepted for podman compatibility\n"
	"  --format FORMAT        json or a Go template, e.g. '{{.Repository}}:{{.Tag}}'\n"
	"  --no-trunc             full image ids\n"
	"  -q, --quiet            ids only\n";
static const char inspect_help[] =
	"Usage: peapod image inspect [--format FORMAT] IMAGE [IMAGE...]\n\n"
	"Show images as JSON (or through a Go template).\n";
static const char rmi_help[] =
	"Usage: peapod rmi [options] IMAGE [IMAGE...]\n\n"
	"Remove names from images, and images that have no name left.\n\nOptions:\n"
	"  -a, --all              remove all images\n"
	"  -f, --force            remove even if containers use the image\n";
static const char tag_help[] =
	"Usage: peapod tag IMAGE TARGET_NAME [TARGET_NAME...]\n\nAdd names to a local image.\n";
static const char prune_help[] =
	"Usage: peapod image prune [options]\n\n"
	"Remove dangling images, then layers and blobs nothing uses.\n\nOptions:\n"
	"  -a, --all              remove every image no container uses\n"
	"  -f, --force            do not ask for confirmation\n";
static const char exists_help[] =
	"Usage: peapod image exists IMAGE\n\nExit 0 if the image exists locally, 1 if not.\n";
static const char save_help[] =
	"Usage: peapod save [options] IMAGE [IMAGE...]\n\n"
	"Write images to an archive.\n\nOptions:\n"
	"  --format FORMAT        docker-archive (default) or oci-archive\n"
	"  -o, --output FILE      write to FILE instead of stdout\n";
static const char load_help[] =
	"Usage: peapod load [-i FILE]\n\n"
	"Load images from a docker-archive or oci-archive (file or stdin).\n\nOptions:\n"
	"  -i, --input FILE       read FILE instead of stdin\n  -q, --quiet\n";
static const char import_help[] =
	"Usage: peapod import [options] FILE|- [REFERENCE]\n\n"
	"Create a one-layer image from a root filesystem tarball.\n\nOptions:\n"
	"  -c, --change INSTR     apply CMD, ENTRYPOINT, ENV, WORKDIR, USER, LABEL, EXPOSE,\n"
	"                         STOPSIGNAL or VOLUME (Dockerfile syntax); repeatable\n";
static const char mount_help[] =
	"Usage: peapod image mount IMAGE\n\nMount an image's tree read-only and print where.\n";
static const char unmount_help[] =
	"Usage: peapod image unmount IMAGE\n\nUndo 'image mount'.\n";

#define IMG_CMD(n, s, h, f) { n, s, h, f, NULL, false }
#define IMG_ALIAS(n, s, h, f) { n, s, h, f, NULL, true }

const struct cli_cmd cli_image_cmds[] = {
	IMG_CMD("exists", "check whether an image exists", exists_help, cmd_image_exists),
	IMG_CMD("import", "import a rootfs tarball as an image", import_help, cmd_import),
	IMG_CMD("inspect", "show image details", inspect_help, cmd_image_inspect),
	IMG_CMD("list", "list images", images_help, cmd_images),
	IMG_CMD("load", "load images from an archive", load_help, cmd_load),
	IMG_ALIAS("ls", "list images", images_help, cmd_images),
	IMG_CMD("mount", "mount an image read-only", mount_help, cmd_image_mount),
	IMG_CMD("prune", "remove unused images", prune_help, cmd_image_prune),
	IMG_CMD("pull", "pull an image", pull_help, cmd_pull),
	IMG_CMD("push", "push an image", push_help, cmd_push),
	IMG_CMD("rm", "remove images", rmi_help, cmd_rmi),
	IMG_CMD("save", "save images to an archive", save_help, cmd_save),
	IMG_CMD("tag", "add a name to an image", tag_help, cmd_tag),
	IMG_CMD("unmount", "unmount an image", unmount_help, cmd_image_unmount),
	IMG_ALIAS("umount", "unmount an image", unmount_help, cmd_image_unmount),
	{ NULL, NULL, NULL, NULL, NULL, false },
};

/* Top-level shortcuts, as podman has them. */
const struct cli_cmd cli_image_top_cmds[] = {
	IMG_CMD("images", "list images", images_help, cmd_images),
	IMG_CMD("import", "import a rootfs tarball as an image", import_help, cmd_import),
	IMG_CMD("load", "load images from an archive", load_help, cmd_load),
	IMG_CMD("pull", "pull an image from a registry", pull_help, cmd_pull),
	IMG_CMD("push", "push an image to a registry", push_help, cmd_push),
	IMG_CMD("rmi", "remove images", rmi_help, cmd_rmi),
	IMG_CMD("save", "save images to an archive", save_help, cmd_save),
	IMG_CMD("tag", "add a name to an image", tag_help, cmd_tag),
	{ NULL, NULL, NULL, NULL, NULL, false },
};

static char *read_password_stdin(void)
{
	struct strbuf sb = STRBUF_INIT;
	int c;

	while ((c = getchar()) != EOF && c != '\n')
		strbuf_addch(&sb, (char)c);
	strbuf_rtrim(&sb);
	return strbuf_detach(&sb, NULL);
}

static int cmd_login(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		REGISTRY_OPTS,
		{ "username", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'p' },
		{ "password-stdin", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	struct img_registry_opts o = { .tls_verify = 1 };
	const char *user = NULL, *pass = NULL;
	cleanup_free char *stdin_pass = NULL;
	bool pass_stdin = false;
	int c, r;

	while ((c = cli_getopt(argc, argv, "+qu:p:", opts)) != -1) {
		if ((r = registry_opt(c, &o, err)) < 0)
			return -1;
		if (r)
			continue;
		switch (c) {
		case 'u': user = optarg; break;
		case 'p': pass = optarg; break;
		case 'P': pass_stdin = true; break;
		default: return cli_bad_flag(err, "login", argc, argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(err, "login", "requires exactly one registry");
	if (!user || (!pass && !pass_stdin))
		return cli_usage_error(err, "login", "requires --username and --password "
				       "(or --password-stdin)");
	if (pass_stdin)
		pass = stdin_pass = read_password_stdin();
	if (img_login(ctx, argv[optind], user, pass, &o, err) < 0)
		return -1;
	printf("Login Succeeded!\n");
	return 0;
}

static int cmd_logout(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "authfile", required_argument, NULL, OPT_AUTHFILE },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *authfile = NULL;
	bool all = false;
	int c;

	while ((c = cli_getopt(argc, argv, "+a", opts)) != -1) {
		switch (c) {
		case OPT_AUTHFILE: authfile = optarg; break;
		case 'a': all = true; break;
		default: return cli_bad_flag(err, "logout", argc, argv);
		}
	}
	if (!all && optind + 1 != argc)
		return cli_usage_error(err, "logout", "requires exactly one registry (or --all)");
	if (img_logout(ctx, all ? NULL : argv[optind], authfile, err) < 0)
		return -1;
	if (all)
		printf("Removed login credentials for all registries\n");
	else
		printf("Removed login credentials for %s\n", argv[optind]);
	return 0;
}

static const char login_help[] =
	"Usage: peapod login [options] REGISTRY\n\n"
	"Check credentials against a registry and store them (podman's auth.json).\n\n"
	"Options:\n" REGISTRY_HELP
	"  -u, --username USER\n  -p, --password PASS\n"
	"  --password-stdin       read the password from stdin\n";
static const char logout_help[] =
	"Usage: peapod logout [--authfile FILE] [-a] REGISTRY\n\n"
	"Forget the credentials stored for a registry (all with -a).\n";

const struct cli_cmd cli_login_cmds[] = {
	IMG_CMD("login", "log in to a registry", login_help, cmd_login),
	IMG_CMD("logout", "log out of a registry", logout_help, cmd_logout),
	{ NULL, NULL, NULL, NULL, NULL, false },
};
