/*
 * PIN sealing: the kiosk encrypts the PIN digits to the adapter with crypto_box_seal,
 * using the X25519 form of the adapter's Ed25519 key, so one pinned key serves for
 * both signatures and PIN secrecy. Nothing here ever formats a PIN into a message.
 */
#include "proto-int.h"

#include <sodium.h>
#include <string.h>

_Static_assert(KPROTO_SEAL_OVERHEAD == crypto_box_SEALBYTES, "seal overhead");

static int
pin_digits_valid(const char *pin, size_t len)
{
	if (len < KPROTO_PIN_MIN || len > KPROTO_PIN_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return 0;
	return 1;
}

int
kproto_pin_seal(const char *pin, const unsigned char adapter_pk[KPROTO_PK_LEN],
    unsigned char *out, size_t outsz, size_t *outlen)
{
	unsigned char xpk[crypto_box_PUBLICKEYBYTES];
	size_t len = strnlen(pin, KPROTO_PIN_MAX + 1);

	if (!pin_digits_valid(pin, len))
		return KPROTO_E_FIELD_VALUE;
	if (outsz < len + crypto_box_SEALBYTES)
		return KPROTO_E_NOSPACE;
	if (crypto_sign_ed25519_pk_to_curve25519(xpk, adapter_pk) != 0)
		return KPROTO_E_KEY;
	if (crypto_box_seal(out, (const unsigned char *)pin, len, xpk) != 0)
		return KPROTO_E_CRYPTO;
	*outlen = len + crypto_box_SEALBYTES;
	return KPROTO_OK;
}

int
kproto_pin_open(const unsigned char *sealed, size_t sealedlen,
    const unsigned char adapter_sk[KPROTO_SK_LEN], char *pin, size_t pinsz)
{
	unsigned char xpk[crypto_box_PUBLICKEYBYTES], *xsk;
	int rv = KPROTO_OK;

	if (sealedlen < KPROTO_PIN_MIN + crypto_box_SEALBYTES ||
	    sealedlen > KPROTO_SEALED_PIN_MAX)
		return KPROTO_E_FIELD_LEN;
	size_t len = sealedlen - crypto_box_SEALBYTES;
	if (pinsz < len + 1)
		return KPROTO_E_NOSPACE;
	if ((xsk = sodium_malloc(crypto_box_SECRETKEYBYTES)) == NULL)
		return KPROTO_E_NOMEM;
	/* The Ed25519 secret key ends with its public key. */
	if (crypto_sign_ed25519_pk_to_curve25519(xpk, adapter_sk + 32) != 0 ||
	    crypto_sign_ed25519_sk_to_curve25519(xsk, adapter_sk) != 0)
		rv = KPROTO_E_KEY;
	else if (crypto_box_seal_open((unsigned char *)pin, sealed, sealedlen, xpk, xsk) != 0)
		rv = KPROTO_E_CRYPTO;
	else {
		pin[len] = '\0';
		if (!pin_digits_valid(pin, len))
			rv = KPROTO_E_FIELD_VALUE;
	}
	sodium_memzero(xsk, crypto_box_SECRETKEYBYTES);
	sodium_free(xsk);
	if (rv != KPROTO_OK)
		sodium_memzero(pin, pinsz);
	return rv;
}
