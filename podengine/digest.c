#include "podengine/digest.h"
#include "base/xalloc.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "base/banned.h"

struct digester {
	EVP_MD_CTX *md;
	char algo[16];
};

static size_t hex_len(const char *algo)
{
	if (!strcmp(algo, "sha256"))
		return 64;
	if (!strcmp(algo, "sha512"))
		return 128;
	return 0;
}

int digest_validate(const char *d, struct pea_err **err)
{
	const char *colon = d ? strchr(d, ':') : NULL;
	char algo[16];
	size_t n, i;

	if (!colon || colon == d || (size_t)(colon - d) >= sizeof(algo))
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid digest '%s'", d ? d : "");
	memcpy(algo, d, (size_t)(colon - d));
	algo[colon - d] = '\0';
	n = hex_len(algo);
	if (!n)
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "unsupported digest algorithm '%s'", algo);
	if (strlen(colon + 1) != n)
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid digest '%s'", d);
	for (i = 0; i < n; i++) {
		char c = colon[1 + i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return pea_err_setk(err, PEA_E_INVALID, 0, "invalid digest '%s'", d);
	}
	return 0;
}

const char *digest_hex(const char *d)
{
	const char *colon = strchr(d, ':');

	return colon ? colon + 1 : d;
}

void digest_algo(const char *d, char algo[16])
{
	const char *colon = strchr(d, ':');
	size_t n = colon ? (size_t)(colon - d) : 0;

	if (n >= 16)
		n = 15;
	memcpy(algo, d, n);
	algo[n] = '\0';
}

struct digester *digester_new(const char *algo)
{
	struct digester *dg = xcalloc(1, sizeof(*dg));
	const EVP_MD *md;

	if (!algo)
		algo = "sha256";
	md = !strcmp(algo, "sha512") ? EVP_sha512() : EVP_sha256();
	snprintf(dg->algo, sizeof(dg->algo), "%s", !strcmp(algo, "sha512") ? "sha512" : "sha256");
	dg->md = EVP_MD_CTX_new();
	if (!dg->md || !EVP_DigestInit_ex(dg->md, md, NULL))
		abort();
	return dg;
}

void digester_update(struct digester *dg, const void *data, size_t len)
{
	EVP_DigestUpdate(dg->md, data, len);
}

void digester_final(struct digester *dg, char out[DIGEST_MAX])
{
	unsigned char raw[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	size_t off;

	EVP_DigestFinal_ex(dg->md, raw, &n);
	off = (size_t)snprintf(out, DIGEST_MAX, "%s:", dg->algo);
	for (i = 0; i < n && off + 2 < DIGEST_MAX; i++, off += 2)
		snprintf(out + off, 3, "%02x", raw[i]);
}

void digester_free(struct digester *dg)
{
	if (!dg)
		return;
	EVP_MD_CTX_free(dg->md);
	free(dg);
}

void digest_buf(const void *data, size_t len, char out[DIGEST_MAX])
{
	struct digester *dg = digester_new("sha256");

	digester_update(dg, data, len);
	digester_final(dg, out);
	digester_free(dg);
}
