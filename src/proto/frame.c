/*
 * Frames: header (40) | payload | Ed25519 signature (64) over header || payload.
 * Pure functions over byte arrays, shared by the connection code, tests and fuzzers.
 */
#include "proto-int.h"

#include <sodium.h>
#include <string.h>

int
kproto_header_decode(const unsigned char *in, size_t inlen, struct kproto_header *h)
{
	/* Judge the magic and version on the first bytes, before waiting for the rest. */
	if (inlen >= 1 && in[KPROTO_OFF_MAGIC] != KPROTO_MAGIC0)
		return KPROTO_E_MAGIC;
	if (inlen >= 2 && in[KPROTO_OFF_MAGIC + 1] != KPROTO_MAGIC1)
		return KPROTO_E_MAGIC;
	if (inlen >= 3 && in[KPROTO_OFF_VERSION] != KPROTO_VERSION)
		return KPROTO_E_VERSION;
	if (inlen < KPROTO_HEADER_LEN)
		return KPROTO_AGAIN;
	for (size_t i = 0; i < KPROTO_RESERVED_LEN; i++)
		if (in[KPROTO_OFF_RESERVED + i] != 0)
			return KPROTO_E_RESERVED;
	uint32_t len = kproto_be32_get(in + KPROTO_OFF_LENGTH);
	if (len > KPROTO_MAX_PAYLOAD)
		return KPROTO_E_OVERSIZE;
	h->version = in[KPROTO_OFF_VERSION];
	h->type = in[KPROTO_OFF_TYPE];
	h->seq = kproto_be64_get(in + KPROTO_OFF_SEQ);
	memcpy(h->session, in + KPROTO_OFF_SESSION, KPROTO_SESSION_LEN);
	h->length = len;
	return KPROTO_OK;
}

int
kproto_frame_encode(unsigned char *out, size_t outsz, size_t *outlen, uint8_t type,
    uint64_t seq, const unsigned char session[KPROTO_SESSION_LEN],
    const unsigned char *payload, size_t paylen, const unsigned char sk[KPROTO_SK_LEN])
{
	if (paylen > KPROTO_MAX_PAYLOAD)
		return KPROTO_E_OVERSIZE;
	size_t total = KPROTO_HEADER_LEN + paylen + KPROTO_SIG_LEN;
	if (outsz < total)
		return KPROTO_E_NOSPACE;

	out[KPROTO_OFF_MAGIC] = KPROTO_MAGIC0;
	out[KPROTO_OFF_MAGIC + 1] = KPROTO_MAGIC1;
	out[KPROTO_OFF_VERSION] = KPROTO_VERSION;
	out[KPROTO_OFF_TYPE] = type;
	kproto_be64_put(out + KPROTO_OFF_SEQ, seq);
	memcpy(out + KPROTO_OFF_SESSION, session, KPROTO_SESSION_LEN);
	kproto_be32_put(out + KPROTO_OFF_LENGTH, (uint32_t)paylen);
	memset(out + KPROTO_OFF_RESERVED, 0, KPROTO_RESERVED_LEN);
	if (paylen > 0)
		memmove(out + KPROTO_HEADER_LEN, payload, paylen);

	if (crypto_sign_detached(out + KPROTO_HEADER_LEN + paylen, NULL, out,
	    KPROTO_HEADER_LEN + paylen, sk) != 0)
		return KPROTO_E_CRYPTO;
	*outlen = total;
	return KPROTO_OK;
}

int
kproto_frame_verify(const unsigned char *frame, size_t framelen,
    const unsigned char pk[KPROTO_PK_LEN], struct kproto_header *h,
    const unsigned char **payload)
{
	struct kproto_header hh;
	int rv;

	rv = kproto_header_decode(frame, framelen, &hh);
	if (rv == KPROTO_AGAIN)
		return KPROTO_E_TRUNCATED;
	if (rv != KPROTO_OK)
		return rv;
	size_t signed_len = KPROTO_HEADER_LEN + (size_t)hh.length;
	if (framelen != signed_len + KPROTO_SIG_LEN)
		return KPROTO_E_TRUNCATED;
	if (crypto_sign_verify_detached(frame + signed_len, frame, signed_len, pk) != 0)
		return KPROTO_E_BADSIG;
	*h = hh;
	*payload = frame + KPROTO_HEADER_LEN;
	return KPROTO_OK;
}

int
kproto_session_id(unsigned char out[KPROTO_SESSION_LEN],
    const unsigned char nonce_client[KPROTO_NONCE_LEN],
    const unsigned char nonce_server[KPROTO_NONCE_LEN])
{
	crypto_generichash_state st;

	if (crypto_generichash_init(&st, NULL, 0, KPROTO_SESSION_LEN) != 0 ||
	    crypto_generichash_update(&st, (const unsigned char *)KPROTO_SESSION_CONTEXT,
	    strlen(KPROTO_SESSION_CONTEXT)) != 0 ||
	    crypto_generichash_update(&st, nonce_client, KPROTO_NONCE_LEN) != 0 ||
	    crypto_generichash_update(&st, nonce_server, KPROTO_NONCE_LEN) != 0 ||
	    crypto_generichash_final(&st, out, KPROTO_SESSION_LEN) != 0)
		return KPROTO_E_CRYPTO;
	return KPROTO_OK;
}
