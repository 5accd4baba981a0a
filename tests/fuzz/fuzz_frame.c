/*
 * libFuzzer harness for the frame decoder: kproto_header_decode and
 * kproto_frame_verify on the input as it is, then on the input re-signed with the test
 * key (so that the fuzzer gets past the signature), and every typed unpack on the
 * payload. A payload that unpacks must pack back to the same bytes: the encoding has
 * exactly one form.
 */
#include "kiosk/proto.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char pk[KPROTO_PK_LEN], sk[KPROTO_SK_LEN];
static unsigned char frame[KPROTO_MAX_FRAME];
static struct kproto_buf in, out;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	unsigned char seed[32];

	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	/* The kiosk key of tests/vectors, so the vectors' frames make good seeds. */
	for (int i = 0; i < 32; i++)
		seed[i] = (unsigned char)i;
	crypto_sign_seed_keypair(pk, sk, seed);
	return 0;
}

/* The packed form of what was unpacked must be the bytes it came from. */
static void
same(const struct kproto_buf *a, const struct kproto_buf *b)
{
	if (a->len != b->len || memcmp(a->data, b->data, a->len) != 0)
		abort();
}

/* msg: the message's functions; st: the struct they take. */
#define ROUND_TRIP_AS(msg, st, p, len) do { \
	struct kproto_##st m; \
	kproto_buf_set(&in, p, len); \
	if (kproto_##msg##_unpack(&in, &m) == KPROTO_OK) { \
		if (kproto_##msg##_pack(&out, &m) != KPROTO_OK) \
			abort(); \
		same(&in, &out); \
	} \
} while (0)
#define ROUND_TRIP(type, p, len) ROUND_TRIP_AS(type, type, p, len)

static void
unpack_all(const unsigned char *p, size_t len)
{
	if (len > KPROTO_MAX_PAYLOAD)
		len = KPROTO_MAX_PAYLOAD;
	ROUND_TRIP(card_open, p, len);
	ROUND_TRIP(card_info, p, len);
	ROUND_TRIP(pin_verify, p, len);
	ROUND_TRIP(pin_result, p, len);
	ROUND_TRIP(balance_info, p, len);
	ROUND_TRIP(withdraw_auth, p, len);
	ROUND_TRIP(withdraw_txid, p, len);
	ROUND_TRIP(withdraw_result, p, len);
	ROUND_TRIP(error, p, len);
	ROUND_TRIP(settle, p, len);
	ROUND_TRIP(transfer_choices, p, len);
	ROUND_TRIP(payee_lookup, p, len);
	ROUND_TRIP_AS(payee_info, payee, p, len);
	ROUND_TRIP(transfer, p, len);
	ROUND_TRIP(transfer_result, p, len);
	ROUND_TRIP(statement, p, len);
	ROUND_TRIP(statement_lines, p, len);
	ROUND_TRIP(pin_change_result, p, len);
	ROUND_TRIP(card_list_info, p, len);
	ROUND_TRIP(card_report_lost, p, len);
	ROUND_TRIP(staff_call, p, len);
	ROUND_TRIP(staff_auth, p, len);
	ROUND_TRIP(staff_result, p, len);
	ROUND_TRIP(profile, p, len);
	kproto_buf_set(&in, p, len);
	if (kproto_get_end(&in) == KPROTO_OK && len != 0)
		abort();

	/* The field readers one by one, as the handshake uses them. */
	unsigned char nonce[KPROTO_NONCE_LEN];
	char id[KPROTO_ID_MAX + 1];
	kproto_buf_set(&in, p, len);
	if (kproto_get_str(&in, KPROTO_TAG_KIOSK_ID, id, sizeof id) == KPROTO_OK &&
	    (strlen(id) > KPROTO_ID_MAX || !kproto_utf8_valid(id, strlen(id))))
		abort();
	(void)kproto_get_bytes(&in, KPROTO_TAG_NONCE, nonce, sizeof nonce);
	(void)kproto_get_end(&in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kproto_header h;
	const unsigned char *payload = NULL;
	int rv;

	rv = kproto_header_decode(data, size, &h);
	if (rv == KPROTO_OK && (h.length > KPROTO_MAX_PAYLOAD || size < KPROTO_HEADER_LEN))
		abort();
	if (rv == KPROTO_AGAIN && size >= KPROTO_HEADER_LEN)
		abort();
	rv = kproto_frame_verify(data, size, pk, &h, &payload);
	if (rv == KPROTO_OK && (payload != data + KPROTO_HEADER_LEN ||
	    size != KPROTO_HEADER_LEN + h.length + KPROTO_SIG_LEN))
		abort();

	/* The same header and payload, signed as the kiosk would: must verify. */
	if (kproto_header_decode(data, size, &h) == KPROTO_OK &&
	    size >= KPROTO_HEADER_LEN + (size_t)h.length) {
		size_t signed_len = KPROTO_HEADER_LEN + (size_t)h.length;
		memcpy(frame, data, signed_len);
		crypto_sign_detached(frame + signed_len, NULL, frame, signed_len, sk);
		if (kproto_frame_verify(frame, signed_len + KPROTO_SIG_LEN, pk, &h,
		    &payload) != KPROTO_OK)
			abort();
		/* One bit flipped anywhere signed must not verify. */
		frame[size % signed_len] ^= 0x01;
		rv = kproto_frame_verify(frame, signed_len + KPROTO_SIG_LEN, pk, &h, &payload);
		if (rv == KPROTO_OK)
			abort();
		frame[size % signed_len] ^= 0x01;
		unpack_all(frame + KPROTO_HEADER_LEN, h.length);
	}
	/* And the raw input as a payload, for the readers. */
	unpack_all(data, size);
	return 0;
}
