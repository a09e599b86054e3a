/* Capability sets (see caps.h).  Sets are computed on a bitmap indexed by
 * capability number and turned into names at the end, so the result is in
 * a stable order whatever the order of the flags. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>

#include "base/cleanup.h"
#include "base/io.h"
#include "base/parse.h"
#include "base/strbuf.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "podengine/caps.h"

#include "base/banned.h"

#define CAPS_MAX 64

static const char *const default_caps[] = {
	"CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "NET_BIND_SERVICE",
	"SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT", NULL,
};

static char *upper_name(const char *name)
{
	bool prefixed = !strncasecmp(name, "CAP_", 4);
	char *s = xasprintf("%s%s", prefixed ? "" : "CAP_", name);

	for (char *p = s; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return s;
}

/* Capability number of a name, or -1 with *err. */
static int cap_number(const char *name, struct pea_err **err)
{
	cleanup_free char *full = upper_name(name);
	cap_value_t v;

	/* cap_from_name() also takes numbers ("12"); podman does not */
	if (strlen(full) > 4 && !isdigit((unsigned char)full[4]) &&
	    cap_from_name(full, &v) == 0 && v >= 0 && v < CAPS_MAX)
		return v;
	return pea_err_setk(err, PEA_E_INVALID, 0, "unknown capability '%s'", name);
}

char *caps_normalize(const char *name, struct pea_err **err)
{
	if (!strcasecmp(name, "ALL") || !strcasecmp(name, "CAP_ALL"))
		return xstrdup("ALL");
	if (cap_number(name, err) < 0)
		return NULL;
	return upper_name(name);
}

int caps_last_cap(void)
{
	struct strbuf sb = STRBUF_INIT;
	int last = (int)cap_max_bits() - 1;
	int v;

	if (io_read_file("/proc/sys/kernel/cap_last_cap", &sb, NULL) == 0) {
		strbuf_rtrim(&sb);
		if (parse_int(sb.buf, 0, CAPS_MAX - 1, &v, "cap_last_cap", NULL) == 0)
			last = v;
	}
	strbuf_release(&sb);
	return last;
}

static bool is_all(const char *name)
{
	return !strcasecmp(name, "ALL") || !strcasecmp(name, "CAP_ALL");
}

static bool list_has_all(char *const *v)
{
	for (; v && *v; v++)
		if (is_all(*v))
			return true;
	return false;
}

/* Set (or clear) the bits named in v; "ALL" is skipped here. */
static int apply_names(bool *set, char *const *v, bool value, struct pea_err **err)
{
	for (; v && *v; v++) {
		int n;

		if (is_all(*v))
			continue;
		n = cap_number(*v, err);
		if (n < 0)
			return -1;
		set[n] = value;
	}
	return 0;
}

static char **set_to_names(const bool *set, int last)
{
	char **out = xcalloc(1, sizeof(*out));

	for (int i = 0; i <= last && i < CAPS_MAX; i++) {
		char *name;

		if (!set[i])
			continue;
		name = cap_to_name(i);
		if (!name)
			continue;
		{
			cleanup_free char *up = upper_name(name);

			strv_push(&out, up);
		}
		cap_free(name);
	}
	return out;
}

/* This process's bounding set: a capability outside it cannot be given to a
 * container (root here may lack CAP_SYS_RESOURCE).  All bits if unknown. */
static uint64_t own_bounding_set(void)
{
	struct strbuf sb = STRBUF_INIT;
	uint64_t v = ~(uint64_t)0;
	const char *p;

	if (io_read_file("/proc/self/status", &sb, NULL) == 0 &&
	    (p = strstr(sb.buf, "\nCapBnd:")))
		v = strtoull(p + 9, NULL, 16);
	strbuf_release(&sb);
	return v;
}

char **caps_resolve(char *const *add, char *const *drop, bool privileged, int last_cap,
		    struct pea_err **err)
{
	bool set[CAPS_MAX] = { 0 };
	int last = last_cap >= 0 ? last_cap : caps_last_cap();
	int libcap_last = (int)cap_max_bits() - 1;

	if (last > libcap_last)
		last = libcap_last;
	if (privileged || list_has_all(add)) {
		for (int i = 0; i <= last; i++)
			set[i] = true;
	} else if (!list_has_all(drop)) {
		if (apply_names(set, (char *const *)default_caps, true, err) < 0)
			return NULL;
	}
	if (apply_names(set, add, true, err) < 0)
		return NULL;
	if (list_has_all(drop) && !list_has_all(add) && !privileged) {
		/* drop ALL then add: only what add names */
		memset(set, 0, sizeof(set));
		if (apply_names(set, add, true, err) < 0)
			return NULL;
	}
	if (apply_names(set, drop, false, err) < 0)
		return NULL;
	if (last_cap < 0) {   /* the real host, not a test's fixed view */
		uint64_t bnd = own_bounding_set();

		for (int i = 0; i <= last && i < 64; i++)
			if (!(bnd & ((uint64_t)1 << i)))
				set[i] = false;
	}
	return set_to_names(set, last);
}

char **caps_added(char *const *caps, char *const *add)
{
	char **out = xcalloc(1, sizeof(*out));

	for (; caps && *caps; caps++) {
		bool want = list_has_all(add);

		for (char *const *a = add; !want && a && *a; a++) {
			cleanup_free char *up = upper_name(*a);

			want = !strcmp(up, *caps);
		}
		if (want)
			strv_push(&out, *caps);
	}
	return out;
}

bool caps_has(char *const *caps, const char *name)
{
	cleanup_free char *want = upper_name(name);

	for (; caps && *caps; caps++) {
		cleanup_free char *up = upper_name(*caps);

		if (!strcmp(up, want))
			return true;
	}
	return false;
}
