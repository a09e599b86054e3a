/* auth.json as podman and docker write it. */
#include "podengine/auth.h"
#include "base/json.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/banned.h"

char *auth_b64_encode(const void *data, size_t len)
{
	char *out = xmalloc(4 * ((len + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

char *auth_b64_decode(const char *s, size_t *len)
{
	size_t n = strlen(s), pad = 0;
	unsigned char *out;
	int r;

	*len = 0;
	if (n == 0)
		return xstrdup("");
	if (n % 4 || n > (1 << 20))
		return NULL;
	while (pad < 2 && s[n - 1 - pad] == '=')
		pad++;
	out = xmalloc(3 * (n / 4) + 1);
	r = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n);
	if (r < 0 || (size_t)r < pad) {
		free(out);
		return NULL;
	}
	*len = (size_t)r - pad;
	out[*len] = '\0';
	return (char *)out;
}

char *auth_default_path(uid_t uid)
{
	const char *env = getenv("REGISTRY_AUTH_FILE");
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (env && *env)
		return xstrdup(env);
	if (xdg && *xdg)
		return xasprintf("%s/containers/auth.json", xdg);
	if (uid == 0)
		return xstrdup("/run/containers/0/auth.json");
	return xasprintf("/run/user/%u/containers/auth.json", (unsigned)uid);
}

static char *docker_config_path(void)
{
	const char *dc = getenv("DOCKER_CONFIG");
	const char *home = getenv("HOME");

	if (dc && *dc)
		return xasprintf("%s/config.json", dc);
	if (home && *home)
		return xasprintf("%s/.docker/config.json", home);
	return NULL;
}

/* Read an auth file; *out is NULL when the file does not exist (returns 0). */
static int read_auth_file(const char *path, struct json_object **out, struct pea_err **err)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	struct pea_err *e = NULL;
	struct json_object *o, *auths;

	*out = NULL;
	if (io_read_file(path, &sb, &e) < 0) {
		if (pea_err_is(e, PEA_E_NOT_FOUND) || (e && e->errnum == ENOENT)) {
			pea_err_free(e);
			return 0;
		}
		return pea_err_pass(err, e);
	}
	o = json_tokener_parse(sb.len ? sb.buf : "{}");
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return pea_err_setk(err, PEA_E_INVALID, 0, "auth file '%s': invalid JSON", path);
	}
	if (json_object_object_get_ex(o, "auths", &auths) &&
	    !json_object_is_type(auths, json_type_object)) {
		json_object_put(o);
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "auth file '%s': 'auths' is not an object", path);
	}
	*out = o;
	return 0;
}

/* "https://host:5000/v1/" -> "host:5000" (length of the host part). */
static size_t key_host(const char *key, const char **start)
{
	if (!strncmp(key, "https://", 8))
		key += 8;
	else if (!strncmp(key, "http://", 7))
		key += 7;
	*start = key;
	return strcspn(key, "/");
}

static bool host_matches(const char *key, const char *host)
{
	static const char *const hub[] = { "docker.io", "index.docker.io", "registry-1.docker.io" };
	const char *h;
	size_t n = key_host(key, &h);
	bool key_hub = false, host_hub = false;

	if (strlen(host) == n && !strncmp(h, host, n))
		return true;
	for (size_t i = 0; i < 3; i++) {
		key_hub |= strlen(hub[i]) == n && !strncmp(h, hub[i], n);
		host_hub |= !strcmp(host, hub[i]);
	}
	return key_hub && host_hub;
}

static int decode_entry(const char *path, const char *key, struct json_object *entry,
			char **user, char **pass, struct pea_err **err)
{
	struct json_object *a;
	cleanup_free char *plain = NULL;
	size_t len;
	char *colon;

	if (!json_object_is_type(entry, json_type_object) ||
	    !json_object_object_get_ex(entry, "auth", &a) || !json_object_is_type(a, json_type_string))
		return 1;
	plain = auth_b64_decode(json_object_get_string(a), &len);
	if (!plain || strlen(plain) != len || !(colon = strchr(plain, ':')))
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "auth file '%s': entry '%s': malformed 'auth' value", path, key);
	*colon = '\0';
	*user = xstrdup(plain);
	*pass = xstrdup(colon + 1);
	return 0;
}

static int lookup_in(const char *path, const char *host, char **user, char **pass,
		     struct pea_err **err)
{
	cleanup_json struct json_object *o = NULL;
	struct json_object *auths, *entry;

	if (read_auth_file(path, &o, err) < 0)
		return -1;
	if (!o || !json_object_object_get_ex(o, "auths", &auths))
		return 1;
	/* an exact key wins over a key that only matches after normalising */
	if (json_object_object_get_ex(auths, host, &entry))
		return decode_entry(path, host, entry, user, pass, err);
	json_object_object_foreach(auths, k, v) {
		if (host_matches(k, host)) {
			int r = decode_entry(path, k, v, user, pass, err);

			if (r <= 0)
				return r;
		}
	}
	return 1;
}

int auth_lookup(const char *authfile, uid_t uid, const char *host, char **user, char **pass,
		struct pea_err **err)
{
	cleanup_free char *podman = NULL;
	cleanup_free char *docker = NULL;
	int r;

	*user = *pass = NULL;
	if (authfile)
		return lookup_in(authfile, host, user, pass, err);
	podman = auth_default_path(uid);
	r = lookup_in(podman, host, user, pass, err);
	if (r != 1)
		return r;
	docker = docker_config_path();
	if (!docker)
		return 1;
	return lookup_in(docker, host, user, pass, err);
}

int auth_parse_creds(const char *creds, char **user, char **pass, struct pea_err **err)
{
	const char *colon = strchr(creds, ':');

	if (!colon || colon == creds)
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "invalid credentials: want 'username:password'");
	*user = xstrndup(creds, (size_t)(colon - creds));
	*pass = xstrdup(colon + 1);
	return 0;
}

static int write_auth_file(const char *path, struct json_object *o, struct pea_err **err)
{
	cleanup_free char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	const char *text;

	if (slash && slash != dir) {
		*slash = '\0';
		if (io_mkdir_p(dir, 0700, err) < 0)
			return pea_err_wrap(err, "write auth file '%s'", path);
	}
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						 JSON_C_TO_STRING_NOSLASHESCAPE);
	if (io_write_file_atomic(path, text, strlen(text), 0600, err) < 0)
		return pea_err_wrap(err, "write auth file '%s'", path);
	return 0;
}

/* The file's JSON (a fresh object if it does not exist) and its "auths". */
static struct json_object *load_for_update(const char *path, struct json_object **auths,
					   struct pea_err **err)
{
	struct json_object *o = NULL;

	if (read_auth_file(path, &o, err) < 0)
		return NULL;
	if (!o)
		o = json_object_new_object();
	if (!json_object_object_get_ex(o, "auths", auths)) {
		*auths = json_object_new_object();
		json_object_object_add(o, "auths", *auths);
	}
	return o;
}

int auth_login(const char *authfile, uid_t uid, const char *host, const char *user,
	       const char *pass, struct pea_err **err)
{
	cleanup_free char *def = authfile ? NULL : auth_default_path(uid);
	const char *path = authfile ? authfile : def;
	cleanup_json struct json_object *o = NULL;
	cleanup_free char *plain = NULL;
	cleanup_free char *enc = NULL;
	struct json_object *auths, *entry;

	if (!host || !*host || !user || !*user || strchr(user, ':'))
		return pea_err_setk(err, PEA_E_INVALID, 0, "login: invalid registry or username");
	o = load_for_update(path, &auths, err);
	if (!o)
		return -1;
	plain = xasprintf("%s:%s", user, pass ? pass : "");
	enc = auth_b64_encode(plain, strlen(plain));
	entry = json_object_new_object();
	json_object_object_add(entry, "auth", json_object_new_string(enc));
	json_object_object_add(auths, host, entry);
	return write_auth_file(path, o, err);
}

int auth_logout(const char *authfile, uid_t uid, const char *host, struct pea_err **err)
{
	cleanup_free char *def = authfile ? NULL : auth_default_path(uid);
	const char *path = authfile ? authfile : def;
	cleanup_json struct json_object *o = NULL;
	struct json_object *auths;
	bool found = false;

	o = load_for_update(path, &auths, err);
	if (!o)
		return -1;
	if (!host) {
		json_object_object_add(o, "auths", json_object_new_object());
		return write_auth_file(path, o, err);
	}
	if (json_object_object_get_ex(auths, host, NULL)) {
		json_object_object_del(auths, host);
		found = true;
	} else {
		/* a key written as "https://host/..." by docker */
		json_object_object_foreach(auths, k, v) {
			(void)v;
			if (host_matches(k, host)) {
				json_object_object_del(auths, k);
				found = true;
				break;
			}
		}
	}
	if (!found)
		return pea_err_setk(err, PEA_E_NOT_FOUND, 0, "not logged into '%s'", host);
	return write_auth_file(path, o, err);
}
