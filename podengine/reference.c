/* Docker image reference grammar (distribution/reference), normalised the
 * way docker and podman do for short names. */
#include "podengine/reference.h"
#include "podengine/digest.h"
#include "base/cleanup.h"
#include "base/xalloc.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "base/banned.h"

#define NAME_MAX_LEN 255
#define TAG_MAX_LEN 128

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
	return isascii((unsigned char)c) && isalnum((unsigned char)c);
}

/* One path component: [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)*.  Returns 0, or -1
 * with a message; `upper` is set when the only problem is uppercase. */
static int check_path_component(const char *s, size_t n, bool *upper)
{
	size_t i = 0;

	if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
		goto bad;
	while (i < n) {
		if (is_lower_alnum(s[i])) {
			i++;
			continue;
		}
		if (s[i] == '.') {
			i++;
		} else if (s[i] == '_') {
			i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
		} else if (s[i] == '-') {
			while (i < n && s[i] == '-')
				i++;
		} else {
			goto bad;
		}
		if (i >= n || !is_lower_alnum(s[i]))
			goto bad;
	}
	return 0;
bad:
	for (i = 0; i < n; i++)
		if (isupper((unsigned char)s[i]))
			*upper = true;
	return -1;
}

/* host[:port] where host is dot-separated labels of [A-Za-z0-9-] (not
 * starting or ending with '-') or a bracketed IPv6 address. */
static bool valid_domain(const char *s, size_t n)
{
	size_t i = 0, label = 0;
	const char *colon;

	if (n > 0 && s[0] == '[') {
		const char *end = memchr(s, ']', n);

		if (!end || end == s + 1)
			return false;
		for (const char *p = s + 1; p < end; p++)
			if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
				return false;
		i = (size_t)(end - s) + 1;
		goto port;
	}
	for (; i < n && s[i] != ':'; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
		} else if (is_alnum(s[i]) || (s[i] == '-' && label > 0)) {
			label++;
		} else {
			return false;
		}
	}
	if (label == 0 || s[i - 1] == '-')
		return false;
port:
	if (i == n)
		return true;
	colon = s + i;
	if (*colon != ':' || i + 1 == n || n - i - 1 > 5)
		return false;
	for (i++; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static int validate_tag(const char *t, struct pea_err **err)
{
	size_t n = strlen(t);

	if (n == 0 || n > TAG_MAX_LEN)
		goto bad;
	if (!is_alnum(t[0]) && t[0] != '_')
		goto bad;
	for (size_t i = 1; i < n; i++)
		if (!is_alnum(t[i]) && t[i] != '_' && t[i] != '.' && t[i] != '-')
			goto bad;
	return 0;
bad:
	return pea_err_setk(err, PEA_E_INVALID, 0, "invalid tag '%s'", t);
}

static bool is_hex_string(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int img_ref_is_id_prefix(const char *s)
{
	size_t n;

	if (!s)
		return 0;
	if (!strncmp(s, "sha256:", 7))
		s += 7;
	n = strlen(s);
	return n >= 3 && n <= 64 && is_hex_string(s, n);
}

/* Split "name" into domain and remainder as docker's splitDockerDomain. */
static void split_domain(const char *name, char **domain, char **path)
{
	const char *slash = strchr(name, '/');
	size_t n;

	if (slash) {
		n = (size_t)(slash - name);
		if (memchr(name, '.', n) || memchr(name, ':', n) ||
		    (n == 9 && !memcmp(name, "localhost", 9))) {
			*domain = xstrndup(name, n);
			*path = xstrdup(slash + 1);
			goto normalise;
		}
	}
	*domain = xstrdup("docker.io");
	*path = xstrdup(name);
normalise:
	if (!strcmp(*domain, "index.docker.io") || !strcmp(*domain, "registry-1.docker.io")) {
		free(*domain);
		*domain = xstrdup("docker.io");
	}
	if (!strcmp(*domain, "docker.io") && !strchr(*path, '/')) {
		char *p = xasprintf("library/%s", *path);

		free(*path);
		*path = p;
	}
}

static int validate_path(const char *ref, const char *path, struct pea_err **err)
{
	const char *p = path;
	bool upper = false;

	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (check_path_component(p, n, &upper) < 0) {
			if (upper)
				return pea_err_setk(err, PEA_E_INVALID, 0,
						    "invalid reference '%s': repository name must be lowercase",
						    ref);
			return pea_err_setk(err, PEA_E_INVALID, 0,
					    "invalid reference '%s': bad repository name component '%.*s'",
					    ref, (int)n, p);
		}
		if (!slash)
			return 0;
		p = slash + 1;
	}
}

/* Split off "@digest" and ":tag" (a ':' after the last '/'). */
static int split_tag_digest(const char *s, char **name, char **tag, char **digest,
			    struct pea_err **err)
{
	const char *at = strchr(s, '@');
	cleanup_free char *rest = at ? xstrndup(s, (size_t)(at - s)) : xstrdup(s);
	char *slash, *colon;

	if (at) {
		struct pea_err *e = NULL;

		if (digest_validate(at + 1, &e) < 0) {
			pea_err_free(e);
			return pea_err_setk(err, PEA_E_INVALID, 0,
					    "invalid reference '%s': bad digest '%s'", s, at + 1);
		}
		*digest = xstrdup(at + 1);
	}
	slash = strrchr(rest, '/');
	colon = strrchr(slash ? slash : rest, ':');
	if (colon) {
		*colon = '\0';
		*tag = xstrdup(colon + 1);
		if (validate_tag(*tag, err) < 0)
			return pea_err_wrap(err, "invalid reference '%s'", s);
	}
	*name = steal_ptr(rest);
	return 0;
}

static int parse_into(const char *s, struct img_ref *out, struct pea_err **err)
{
	cleanup_free char *name = NULL;

	if (split_tag_digest(s, &name, &out->tag, &out->digest, err) < 0)
		return -1;
	if (!*name)
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "invalid reference '%s': missing repository name", s);
	if (strlen(name) == 64 && is_hex_string(name, 64))
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "invalid reference '%s': cannot specify 64-byte hexadecimal strings",
				    s);
	split_domain(name, &out->domain, &out->path);
	if (strlen(out->domain) + 1 + strlen(out->path) > NAME_MAX_LEN)
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "invalid reference '%s': repository name longer than %d characters",
				    s, NAME_MAX_LEN);
	if (!valid_domain(out->domain, strlen(out->domain)))
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "invalid reference '%s': bad registry host '%s'", s, out->domain);
	if (validate_path(s, out->path, err) < 0)
		return -1;
	if (!out->tag && !out->digest)
		out->tag = xstrdup("latest");
	return 0;
}

int img_ref_parse(const char *s, struct img_ref *out, struct pea_err **err)
{
	memset(out, 0, sizeof(*out));
	if (!s || !*s)
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid reference '': empty name");
	if (strchr(s, ' ') || strchr(s, '\t') || strchr(s, '\n'))
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "invalid reference '%s': contains whitespace", s);
	if (parse_into(s, out, err) < 0) {
		img_ref_release(out);
		return -1;
	}
	return 0;
}

void img_ref_release(struct img_ref *ref)
{
	if (!ref)
		return;
	free(ref->domain);
	free(ref->path);
	free(ref->tag);
	free(ref->digest);
	memset(ref, 0, sizeof(*ref));
}

char *img_ref_string(const struct img_ref *ref)
{
	if (ref->tag && ref->digest)
		return xasprintf("%s/%s:%s@%s", ref->domain, ref->path, ref->tag, ref->digest);
	if (ref->digest)
		return xasprintf("%s/%s@%s", ref->domain, ref->path, ref->digest);
	return xasprintf("%s/%s:%s", ref->domain, ref->path, ref->tag ? ref->tag : "latest");
}

char *img_ref_repo(const struct img_ref *ref)
{
	return xasprintf("%s/%s", ref->domain, ref->path);
}
