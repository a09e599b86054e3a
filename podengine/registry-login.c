/* login / logout: check credentials against the registry, then keep them in
 * podman's auth.json (or --authfile). */
#include "podengine/auth.h"
#include "podengine/image.h"
#include "podengine/registry.h"
#include "base/cleanup.h"
#include "base/xalloc.h"

#include <string.h>

#include "base/banned.h"

/* Accept "host", "host:port", "https://host/..." as podman does. */
static char *login_host(const char *server)
{
	const char *s = server, *slash;

	if (!strncmp(s, "https://", 8))
		s += 8;
	else if (!strncmp(s, "http://", 7))
		s += 7;
	slash = strchr(s, '/');
	return slash ? xstrndup(s, (size_t)(slash - s)) : xstrdup(s);
}

int img_login(struct pea_ctx *ctx, const char *server, const char *user, const char *pass,
	      const struct img_registry_opts *opts, struct pea_err **err)
{
	cleanup_free char *host = login_host(server);
	cleanup_free char *creds = xasprintf("%s:%s", user, pass);
	struct img_registry_opts o = *opts;
	struct reg_client *c;
	int rc;

	if (!*host)
		return pea_err_setk(err, PEA_E_INVALID, 0, "no registry given");
	o.creds = creds;
	o.uid = ctx->uid;
	c = reg_client_new(host, "", &o, false, err);
	if (!c)
		return pea_err_wrap(err, "login to '%s'", host);
	rc = reg_ping(c, err);
	reg_client_free(c);
	if (rc < 0)
		return pea_err_wrap(err, "login to '%s'", host);
	if (auth_login(opts->authfile, ctx->uid, host, user, pass, err) < 0)
		return pea_err_wrap(err, "login to '%s'", host);
	log_info(&ctx->log, "credentials for %s stored", host);
	return 0;
}

int img_logout(struct pea_ctx *ctx, const char *server, const char *authfile,
	       struct pea_err **err)
{
	cleanup_free char *host = server ? login_host(server) : NULL;

	if (auth_logout(authfile, ctx->uid, host, err) < 0)
		return pea_err_wrap(err, "logout");
	return 0;
}
