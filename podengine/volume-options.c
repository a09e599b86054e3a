/* Volume options (podman's --opt): parse, validate and apply them.
 * Options are stored as a JSON object {"type": .., "device": .., "o": ..}. */
#include "podengine/volume.h"
#include "base/cleanup.h"
#include "base/json.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "podengine/volume-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "base/banned.h"

/* "k=v" (or "k") strings -> JSON object text. */
char *vol_kv_json(char *const *kv, const char *what, struct pea_err **err)
{
	cleanup_json struct json_object *o = json_object_new_object();
	char *const *p;

	for (p = kv; p && *p; p++) {
		const char *eq = strchr(*p, '=');
		cleanup_free char *k = eq ? xstrndup(*p, (size_t)(eq - *p)) : xstrdup(*p);

		if (!*k) {
			pea_err_setk(err, PEA_E_INVALID, 0, "invalid %s '%s': empty key", what, *p);
			return NULL;
		}
		json_object_object_add(o, k, json_object_new_string(eq ? eq + 1 : ""));
	}
	return xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
}

const char *vol_json_get(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return json_object_get_string(v);
}

static bool in_list(const char *s, size_t len, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == len && !strncmp(s, *list, len))
			return true;
	return false;
}

/* Check each entry of the comma-separated `o` option against allowed keys. */
static int check_o(const char *o, const char *const *keys, const char *const *flags,
		   const char *type, struct pea_err **err)
{
	const char *p = o, *end;

	while (p && *p) {
		const char *eq;
		size_t len;

		end = strchrnul(p, ',');
		eq = memchr(p, '=', (size_t)(end - p));
		len = (size_t)((eq ? eq : end) - p);
		if (!(eq ? in_list(p, len, keys) : in_list(p, len, flags)))
			return pea_err_setk(err, PEA_E_INVALID, 0, "unsupported mount option '%.*s' "
					    "for a %s volume", (int)(end - p), p, type);
		p = *end ? end + 1 : end;
	}
	return 0;
}

int vol_options_validate(const char *json, struct pea_err **err)
{
	static const char *const tmpfs_keys[] = { "size", "mode", "uid", "gid", "nr_inodes",
						  "nr_blocks", NULL };
	static const char *const tmpfs_flags[] = { "nodev", "noexec", "nosuid", "dev", "exec",
						   "suid", "ro", "rw", NULL };
	static const char *const local_keys[] = { "uid", "gid", NULL };
	static const char *const local_flags[] = { "nocopy", NULL };
	cleanup_json struct json_object *o = json_tokener_parse(json);
	const char *type = vol_json_get(o, "type"), *dev = vol_json_get(o, "device");

	json_object_object_foreach(o, key, val) {
		(void)val;
		if (strcmp(key, "type") && strcmp(key, "device") && strcmp(key, "o"))
			return pea_err_setk(err, PEA_E_INVALID, 0, "unsupported volume option "
					    "'%s' (supported: type, device, o)", key);
	}
	if (type && *type && strcmp(type, "tmpfs"))
		return pea_err_setk(err, PEA_E_INVALID, 0, "unsupported volume type '%s': only "
				    "tmpfs is supported", type);
	if (type && !strcmp(type, "tmpfs")) {
		if (dev && strcmp(dev, "tmpfs"))
			return pea_err_setk(err, PEA_E_INVALID, 0, "a tmpfs volume needs "
					    "device=tmpfs, not '%s'", dev);
		return check_o(vol_json_get(o, "o"), tmpfs_keys, tmpfs_flags, "tmpfs", err);
	}
	if (dev)
		return pea_err_setk(err, PEA_E_INVALID, 0, "option device='%s' needs a volume "
				    "type", dev);
	return check_o(vol_json_get(o, "o"), local_keys, local_flags, "local", err);
}

/* Value of key=N in the `o` option, or -1. */
long vol_opt_number(const char *o, const char *key)
{
	size_t klen = strlen(key);
	const char *p = o;

	while (p && *p) {
		const char *end = strchrnul(p, ',');

		if (!strncmp(p, key, klen) && p[klen] == '=') {
			char *e = NULL;
			long v;

			errno = 0;
			v = strtol(p + klen + 1, &e, 10);
			if (!errno && e == end && v >= 0)
				return v;
			return -2;
		}
		p = *end ? end + 1 : end;
	}
	return -1;
}

bool vol_opt_has_flag(const char *o, const char *flag)
{
	size_t len = strlen(flag);
	const char *p = o;

	while (p && *p) {
		const char *end = strchrnul(p, ',');

		if ((size_t)(end - p) == len && !strncmp(p, flag, len))
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
}

int vol_tmpfs_mount(const char *data, const char *o, struct pea_err **err)
{
	static const struct { const char *name; unsigned long flag; } flags[] = {
		{ "nodev", MS_NODEV }, { "noexec", MS_NOEXEC }, { "nosuid", MS_NOSUID },
		{ "ro", MS_RDONLY },
	};
	struct strbuf data_opts = STRBUF_INIT;
	unsigned long mflags = 0;
	const char *p = o;
	size_t i;
	int r;

	while (p && *p) {
		const char *end = strchrnul(p, ',');
		bool is_flag = false;

		for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
			if ((size_t)(end - p) == strlen(flags[i].name) &&
			    !strncmp(p, flags[i].name, (size_t)(end - p))) {
				mflags |= flags[i].flag;
				is_flag = true;
			}
		if (!is_flag && (size_t)(end - p) > 0 && strncmp(p, "rw", 2) &&
		    strncmp(p, "dev", 3) && strncmp(p, "exec", 4) && strncmp(p, "suid", 4)) {
			if (data_opts.len)
				strbuf_addch(&data_opts, ',');
			strbuf_add(&data_opts, p, (size_t)(end - p));
		}
		p = *end ? end + 1 : end;
	}
	r = mount("tmpfs", data, "tmpfs", mflags, data_opts.len ? data_opts.buf : NULL);
	strbuf_release(&data_opts);
	if (r < 0)
		return pea_err_set(err, errno, "mount tmpfs on '%s'", data);
	return 0;
}

bool vol_is_tmpfs(const struct vol_info *vi, char **o)
{
	cleanup_json struct json_object *opts = json_tokener_parse(vi->options);
	const char *type = vol_json_get(opts, "type");

	if (!type || strcmp(type, "tmpfs"))
		return false;
	if (o)
		*o = vol_json_get(opts, "o") ? xstrdup(vol_json_get(opts, "o")) : NULL;
	return true;
}
