/* Frames, payload fields, typed messages and PIN sealing: pure functions, no I/O. */
#include "kiosk/proto.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"


static unsigned char kiosk_pk[KPROTO_PK_LEN], kiosk_sk[KPROTO_SK_LEN];
static unsigned char adapter_pk[KPROTO_PK_LEN], adapter_sk[KPROTO_SK_LEN];
static unsigned char frame[KPROTO_MAX_FRAME + 16];

static size_t
make_frame(uint8_t type, uint64_t seq, const struct kproto_buf *b)
{
	unsigned char session[KPROTO_SESSION_LEN];
	size_t len = 0;

	memset(session, 0xa5, sizeof session);
	CHECK_EQ(kproto_frame_encode(frame, sizeof frame, &len, type, seq, session, b->data,
	    b->len, kiosk_sk), KPROTO_OK);
	return len;
}

static void
test_frame_roundtrip(void)
{
	struct kproto_card_open co = { .pan = "6222000000000017" };
	struct kproto_header h;
	struct kproto_buf b;
	const unsigned char *payload = NULL;

	CHECK_EQ(kproto_card_open_pack(&b, &co), KPROTO_OK);
	/* The payload example in docs/protocol.md. */
	static const unsigned char wire[] = { 0x10, 0x00, 0x10, '6', '2', '2', '2', '0', '0',
	    '0', '0', '0', '0', '0', '0', '0', '0', '1', '7' };
	CHECK_EQ(b.len, sizeof wire);
	CHECK(memcmp(b.data, wire, sizeof wire) == 0);
	size_t len = make_frame(KPROTO_MSG_CARD_OPEN, 7, &b);
	CHECK_EQ(len, KPROTO_HEADER_LEN + b.len + KPROTO_SIG_LEN);
	CHECK(frame[0] == 'K' && frame[1] == 'B' && frame[2] == 1);
	CHECK_EQ(frame[3], KPROTO_MSG_CARD_OPEN);
	CHECK_EQ(frame[11], 7);  /* seq is big-endian */
	CHECK_EQ(frame[31], b.len);
	CHECK_EQ(kproto_frame_verify(frame, len, kiosk_pk, &h, &payload), KPROTO_OK);
	CHECK_EQ(h.type, KPROTO_MSG_CARD_OPEN);
	CHECK_EQ(h.seq, 7);
	CHECK_EQ(h.length, b.len);
	CHECK(payload != NULL && memcmp(payload, b.data, b.len) == 0);

	/* Empty payload and the largest allowed payload both pass. */
	kproto_buf_init(&b);
	len = make_frame(KPROTO_MSG_BALANCE, 1, &b);
	CHECK_EQ(len, KPROTO_HEADER_LEN + KPROTO_SIG_LEN);
	CHECK_EQ(kproto_frame_verify(frame, len, kiosk_pk, &h, &payload), KPROTO_OK);
	memset(b.data, 'x', KPROTO_MAX_PAYLOAD);
	b.len = KPROTO_MAX_PAYLOAD;
	len = make_frame(KPROTO_MSG_BALANCE, 1, &b);
	CHECK_EQ(kproto_frame_verify(frame, len, kiosk_pk, &h, &payload), KPROTO_OK);

	size_t out = 0;
	unsigned char session[KPROTO_SESSION_LEN] = {0};
	CHECK_EQ(kproto_frame_encode(frame, sizeof frame, &out, 1, 0, session, b.data,
	    KPROTO_MAX_PAYLOAD + 1, kiosk_sk), KPROTO_E_OVERSIZE);
	CHECK_EQ(kproto_frame_encode(frame, 100, &out, 1, 0, session, b.data, 100,
	    kiosk_sk), KPROTO_E_NOSPACE);
}

static void
test_frame_tamper(void)
{
	struct kproto_withdraw_auth wa = { .amount_fen = 50000 };
	struct kproto_header h;
	struct kproto_buf b;
	const unsigned char *payload;

	memset(wa.txid, 0x11, sizeof wa.txid);
	CHECK_EQ(kproto_withdraw_auth_pack(&b, &wa), KPROTO_OK);
	size_t len = make_frame(KPROTO_MSG_WITHDRAW_AUTH, 3, &b);

	/* One byte each in header (type, seq, session), payload and signature. */
	size_t spots[] = { KPROTO_OFF_TYPE, KPROTO_OFF_SEQ + 7, KPROTO_OFF_SESSION + 3,
	    KPROTO_HEADER_LEN + 5, len - 1, len - KPROTO_SIG_LEN };
	for (size_t i = 0; i < sizeof spots / sizeof spots[0]; i++) {
		frame[spots[i]] ^= 0x01;
		CHECK_EQ(kproto_frame_verify(frame, len, kiosk_pk, &h, &payload),
		    KPROTO_E_BADSIG);
		frame[spots[i]] ^= 0x01;
	}
	/* Every single bit of the frame matters. */
	int accepted = 0;
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			frame[i] ^= (unsigned char)(1u << bit);
			if (kproto_frame_verify(frame, len, kiosk_pk, &h, &payload) == KPROTO_OK)
				accepted++;
			frame[i] ^= (unsigned char)(1u << bit);
		}
	}
	CHECK_EQ(accepted, 0);
	CHECK_EQ(kproto_frame_verify(frame, len, kiosk_pk, &h, &payload), KPROTO_OK);

	/* Signed by the kiosk, checked against the adapter's key. */
	CHECK_EQ(kproto_frame_verify(frame, len, adapter_pk, &h, &payload), KPROTO_E_BADSIG);
}

static void
test_frame_header(void)
{
	struct kproto_header h;
	struct kproto_buf b;
	const unsigned char *payload;

	kproto_buf_init(&b);
	kproto_put_u8(&b, KPROTO_TAG_TRIES_LEFT, 3);
	size_t len = make_frame(KPROTO_MSG_BALANCE, 1, &b);

	frame[0] = 'X';
	CHECK_EQ(kproto_frame_verify(frame, len, kiosk_pk, &h, &payload), KPROTO_E_MAGIC);
	CHECK_EQ(kproto_header_decode(frame, 1, &h), KPROTO_E_MAGIC);
	frame[0] = 'K';

	/* A correctly signed frame of another version is still refused. */
	frame[KPROTO_OFF_VERSION] = 2;
	CHECK(crypto_sign_detached(frame + KPROTO_HEADER_LEN + b.len, NULL, frame,
	    KPROTO_HEADER_LEN + b.len, kiosk_sk) == 0);
	CHECK_EQ(kproto_frame_verify(frame, len, kiosk_pk, &h, &payload), KPROTO_E_VERSION);
	CHECK_EQ(kproto_header_decode(frame, 3, &h), KPROTO_E_VERSION);
	frame[KPROTO_OFF_VERSION] = 1;
	len = make_frame(KPROTO_MSG_BALANCE, 1, &b);

	frame[KPROTO_OFF_RESERVED + 4] = 1;
	CHECK_EQ(kproto_frame_verify(frame, len, kiosk_pk, &h, &payload), KPROTO_E_RESERVED);
	frame[KPROTO_OFF_RESERVED + 4] = 0;

	/* Truncated anywhere, or with bytes beyond the signature. */
	CHECK_EQ(kproto_frame_verify(frame, len - 1, kiosk_pk, &h, &payload),
	    KPROTO_E_TRUNCATED);
	CHECK_EQ(kproto_frame_verify(frame, KPROTO_HEADER_LEN, kiosk_pk, &h, &payload),
	    KPROTO_E_TRUNCATED);
	CHECK_EQ(kproto_frame_verify(frame, 10, kiosk_pk, &h, &payload), KPROTO_E_TRUNCATED);
	CHECK_EQ(kproto_frame_verify(frame, len + 1, kiosk_pk, &h, &payload),
	    KPROTO_E_TRUNCATED);
	CHECK_EQ(kproto_header_decode(frame, KPROTO_HEADER_LEN - 1, &h), KPROTO_AGAIN);

	/* A 4 GB length is refused from the header alone. */
	frame[KPROTO_OFF_LENGTH] = frame[KPROTO_OFF_LENGTH + 1] = 0xff;
	frame[KPROTO_OFF_LENGTH + 2] = frame[KPROTO_OFF_LENGTH + 3] = 0xff;
	CHECK_EQ(kproto_header_decode(frame, KPROTO_HEADER_LEN, &h), KPROTO_E_OVERSIZE);
	CHECK_EQ(kproto_frame_verify(frame, KPROTO_HEADER_LEN, kiosk_pk, &h, &payload),
	    KPROTO_E_OVERSIZE);
	/* One byte above the maximum too. */
	frame[KPROTO_OFF_LENGTH] = 0;
	frame[KPROTO_OFF_LENGTH + 1] = 0;
	frame[KPROTO_OFF_LENGTH + 2] = (KPROTO_MAX_PAYLOAD + 1) >> 8;
	frame[KPROTO_OFF_LENGTH + 3] = (KPROTO_MAX_PAYLOAD + 1) & 0xff;
	CHECK_EQ(kproto_header_decode(frame, KPROTO_HEADER_LEN, &h), KPROTO_E_OVERSIZE);
}

static void
test_session_id(void)
{
	unsigned char nc[KPROTO_NONCE_LEN], ns[KPROTO_NONCE_LEN], in[14 + 64];
	unsigned char a[KPROTO_SESSION_LEN], expect[KPROTO_SESSION_LEN];

	randombytes_buf(nc, sizeof nc);
	randombytes_buf(ns, sizeof ns);
	memcpy(in, "kiosk-proto-v1", 14);
	memcpy(in + 14, nc, 32);
	memcpy(in + 46, ns, 32);
	crypto_generichash(expect, sizeof expect, in, sizeof in, NULL, 0);
	CHECK_EQ(kproto_session_id(a, nc, ns), KPROTO_OK);
	CHECK(memcmp(a, expect, sizeof a) == 0);
	CHECK_EQ(kproto_session_id(a, ns, nc), KPROTO_OK);
	CHECK(memcmp(a, expect, sizeof a) != 0);

	/* The test vector published in docs/protocol.md. */
	static const unsigned char vec[KPROTO_SESSION_LEN] = { 0x5a, 0xa0, 0xce, 0x3b, 0x7d,
	    0x2d, 0xc4, 0x2a, 0xcf, 0xa5, 0xbc, 0x9f, 0xa0, 0x09, 0x65, 0x35 };
	memset(nc, 0x01, sizeof nc);
	memset(ns, 0x02, sizeof ns);
	CHECK_EQ(kproto_session_id(a, nc, ns), KPROTO_OK);
	CHECK(memcmp(a, vec, sizeof a) == 0);
}

static void
test_fields(void)
{
	struct kproto_buf b;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	int64_t i64;
	unsigned char txid[16], txid2[16];
	char s[64];

	randombytes_buf(txid, sizeof txid);
	kproto_buf_init(&b);
	kproto_put_u8(&b, 1, 0xfe);
	kproto_put_u16(&b, 2, 0xbeef);
	kproto_put_u32(&b, 3, 0xdeadbeef);
	kproto_put_u64(&b, 4, 0x0102030405060708ull);
	kproto_put_i64(&b, 5, INT64_MIN);
	kproto_put_i64(&b, 6, -1234567);
	kproto_put_bytes(&b, 7, txid, sizeof txid);
	kproto_put_str(&b, 8, "张伟 Zhang Wei");
	kproto_put_str(&b, 9, "");
	CHECK_EQ(b.error, KPROTO_OK);
	/* Big-endian on the wire, tag and u16 length first. */
	CHECK(b.data[4] == 2 && b.data[5] == 0 && b.data[6] == 2 && b.data[7] == 0xbe);

	CHECK_EQ(kproto_get_u8(&b, 1, &u8), KPROTO_OK);
	CHECK_EQ(u8, 0xfe);
	CHECK_EQ(kproto_get_u16(&b, 2, &u16), KPROTO_OK);
	CHECK_EQ(u16, 0xbeef);
	CHECK_EQ(kproto_get_u32(&b, 3, &u32), KPROTO_OK);
	CHECK_EQ(u32, 0xdeadbeef);
	CHECK_EQ(kproto_get_u64(&b, 4, &u64), KPROTO_OK);
	CHECK(u64 == 0x0102030405060708ull);
	CHECK_EQ(kproto_get_i64(&b, 5, &i64), KPROTO_OK);
	CHECK(i64 == INT64_MIN);
	CHECK_EQ(kproto_get_i64(&b, 6, &i64), KPROTO_OK);
	CHECK_EQ(i64, -1234567);
	CHECK_EQ(kproto_get_bytes(&b, 7, txid2, sizeof txid2), KPROTO_OK);
	CHECK(memcmp(txid, txid2, sizeof txid) == 0);
	CHECK_EQ(kproto_get_str(&b, 8, s, sizeof s), KPROTO_OK);
	CHECK(strcmp(s, "张伟 Zhang Wei") == 0);
	CHECK_EQ(kproto_get_str(&b, 9, s, sizeof s), KPROTO_OK);
	CHECK(s[0] == '\0');
	CHECK_EQ(kproto_get_end(&b), KPROTO_OK);
	CHECK_EQ(kproto_get_u8(&b, 10, &u8), KPROTO_E_FIELD_SHORT);

	/* Wrong tag, wrong length, trailing bytes. */
	kproto_buf_init(&b);
	kproto_put_u8(&b, 1, 5);
	kproto_put_u8(&b, 2, 6);
	CHECK_EQ(kproto_get_u8(&b, 9, &u8), KPROTO_E_FIELD_TAG);
	CHECK_EQ(kproto_get_u32(&b, 1, &u32), KPROTO_E_FIELD_LEN);
	CHECK_EQ(kproto_get_u8(&b, 1, &u8), KPROTO_OK);
	CHECK_EQ(kproto_get_end(&b), KPROTO_E_FIELD_TRAILING);
	CHECK_EQ(kproto_get_bytes(&b, 2, txid2, 2), KPROTO_E_FIELD_LEN);
	/* Longer than the type, too: a u16 where a u8 belongs. */
	kproto_buf_init(&b);
	kproto_put_u16(&b, 3, 7);
	CHECK_EQ(kproto_get_u8(&b, 3, &u8), KPROTO_E_FIELD_LEN);
	CHECK_EQ(kproto_get_bytes(&b, 3, txid2, 1), KPROTO_E_FIELD_LEN);
	CHECK_EQ(kproto_get_u16(&b, 3, &u16), KPROTO_OK);

	/* A field whose length runs past the end of the payload. */
	unsigned char shortf[] = { 7, 0x00, 0x10, 1, 2, 3 };
	CHECK_EQ(kproto_buf_set(&b, shortf, sizeof shortf), KPROTO_OK);
	CHECK_EQ(kproto_get_bytes(&b, 7, txid2, 16), KPROTO_E_FIELD_SHORT);
	unsigned char stub[] = { 7, 0x00 };
	CHECK_EQ(kproto_buf_set(&b, stub, sizeof stub), KPROTO_OK);
	CHECK_EQ(kproto_get_u8(&b, 7, &u8), KPROTO_E_FIELD_SHORT);

	/* Strings: invalid UTF-8, NUL, overlong, surrogate, too long for the buffer. */
	static const struct { const char *bytes; size_t len; } bad[] = {
		{ "\xff", 1 }, { "ab\0c", 4 }, { "\xc0\x80", 2 }, { "\xed\xa0\x80", 3 },
		{ "\xe4\xbd", 2 }, { "\xf5\x80\x80\x80", 4 }, { "a\x80", 2 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		unsigned char raw[16] = { 8, 0, (unsigned char)bad[i].len };
		memcpy(raw + 3, bad[i].bytes, bad[i].len);
		CHECK_EQ(kproto_buf_set(&b, raw, 3 + bad[i].len), KPROTO_OK);
		CHECK_EQ(kproto_get_str(&b, 8, s, sizeof s), KPROTO_E_FIELD_UTF8);
	}
	CHECK(kproto_utf8_valid("\xf0\x9f\x98\x80", 4));
	kproto_buf_init(&b);
	kproto_put_str(&b, 8, "abcdef");
	CHECK_EQ(kproto_get_str(&b, 8, s, 6), KPROTO_E_FIELD_LEN);
	CHECK_EQ(kproto_get_str(&b, 8, s, 7), KPROTO_OK);

	/* Writers refuse bad strings and overflow, and the error sticks. */
	kproto_buf_init(&b);
	CHECK_EQ(kproto_put_str(&b, 8, "\xff"), KPROTO_E_FIELD_UTF8);
	CHECK_EQ(kproto_put_u8(&b, 1, 1), KPROTO_E_FIELD_UTF8);
	CHECK_EQ(b.len, 0);
	kproto_buf_init(&b);
	static unsigned char big[KPROTO_MAX_PAYLOAD];
	CHECK_EQ(kproto_put_bytes(&b, 1, big, KPROTO_MAX_PAYLOAD - 3), KPROTO_OK);
	CHECK_EQ(kproto_put_u8(&b, 1, 1), KPROTO_E_NOSPACE);
	CHECK_EQ(b.error, KPROTO_E_NOSPACE);
	CHECK_EQ(kproto_buf_set(&b, big, KPROTO_MAX_PAYLOAD + 1), KPROTO_E_OVERSIZE);
}

static void
test_messages(void)
{
	struct kproto_buf b;
	struct kproto_card_info ci = { .status = KPROTO_CARD_OK, .holder = "李秀英 Li Xiuying",
	    .lang = "zh", .flags = KPROTO_CARD_F_LARGE_PRINT, .tries_left = 3 }, ci2;
	struct kproto_card_open co = { .pan = "12345" }, co2;
	struct kproto_error e = { .code = KPROTO_ERROR_NOT_PERMITTED, .message = "BALANCE" }, e2;

	CHECK_EQ(kproto_card_info_pack(&b, &ci), KPROTO_OK);
	memset(&ci2, 0, sizeof ci2);
	CHECK_EQ(kproto_card_info_unpack(&b, &ci2), KPROTO_OK);
	CHECK_EQ(ci2.status, ci.status);
	CHECK(strcmp(ci2.holder, ci.holder) == 0);
	CHECK(strcmp(ci2.lang, "zh") == 0);
	CHECK_EQ(ci2.flags, KPROTO_CARD_F_LARGE_PRINT);
	CHECK_EQ(ci2.tries_left, 3);
	CHECK_EQ(ci2.profile, 0);
	/* A remembered profile comes after the rest, and only then. */
	ci.profile = 1;
	ci.volume = 6;
	ci.rate = 2;
	ci.text_size = 2;
	snprintf(ci.theme, sizeof ci.theme, "%s", "yellow-on-black");
	CHECK_EQ(kproto_card_info_pack(&b, &ci), KPROTO_OK);
	memset(&ci2, 0, sizeof ci2);
	CHECK_EQ(kproto_card_info_unpack(&b, &ci2), KPROTO_OK);
	CHECK_EQ(ci2.profile, 1);
	CHECK_EQ(ci2.volume, 6);
	CHECK_EQ(ci2.rate, 2);
	CHECK_EQ(ci2.text_size, 2);
	CHECK(strcmp(ci2.theme, "yellow-on-black") == 0);
	ci.volume = KPROTO_VOLUME_MAX + 1;
	CHECK_EQ(kproto_card_info_pack(&b, &ci), KPROTO_E_FIELD_VALUE);
	ci.volume = 6;
	ci.profile = 0;
	ci.status = 9;
	CHECK_EQ(kproto_card_info_pack(&b, &ci), KPROTO_E_FIELD_VALUE);

	CHECK_EQ(kproto_card_open_pack(&b, &co), KPROTO_E_FIELD_VALUE);
	/* A short PAN from a peer is refused on reading too. */
	kproto_buf_init(&b);
	kproto_put_str(&b, KPROTO_TAG_PAN, "12345");
	CHECK_EQ(kproto_card_open_unpack(&b, &co2), KPROTO_E_FIELD_VALUE);
	kproto_buf_init(&b);
	kproto_put_str(&b, KPROTO_TAG_PAN, "62220000000000a1");
	CHECK_EQ(kproto_card_open_unpack(&b, &co2), KPROTO_E_FIELD_VALUE);

	CHECK_EQ(kproto_error_pack(&b, &e), KPROTO_OK);
	CHECK_EQ(kproto_error_unpack(&b, &e2), KPROTO_OK);
	CHECK_EQ(e2.code, KPROTO_ERROR_NOT_PERMITTED);
	CHECK(strcmp(e2.message, "BALANCE") == 0);

	/* Field order is fixed: a swapped payload is refused. */
	kproto_buf_init(&b);
	kproto_put_i64(&b, KPROTO_TAG_AMOUNT, 100);
	kproto_put_bytes(&b, KPROTO_TAG_TXID, "0123456789abcdef", 16);
	struct kproto_withdraw_auth wa;
	CHECK_EQ(kproto_withdraw_auth_unpack(&b, &wa), KPROTO_E_FIELD_TAG);

	char m[32];
	kproto_pan_mask("6222000000000017", m, sizeof m);
	CHECK(strcmp(m, "622200******0017") == 0);
	kproto_pan_mask("6222000000000017", m, 5);
	CHECK(strcmp(m, "6222") == 0);
	CHECK(kproto_pan_valid("622200000001"));
	CHECK(!kproto_pan_valid("62220000001"));
	CHECK(!kproto_pan_valid("62220000000000000001"));

	CHECK(strcmp(kproto_type_to_str(KPROTO_MSG_WITHDRAW_COMPLETE), "WITHDRAW_COMPLETE")
	    == 0);
	CHECK(strcmp(kproto_err_to_str(KPROTO_E_BADSIG), "BADSIG") == 0);
	CHECK(strcmp(kproto_type_to_str(0x99), "?") == 0);
	CHECK(kproto_type_is_request(KPROTO_MSG_CARD_CLOSE));
	CHECK(!kproto_type_is_request(KPROTO_MSG_HELLO));
	CHECK(kproto_type_is_response(KPROTO_MSG_ERROR));
	CHECK(!kproto_type_is_response(KPROTO_MSG_CARD_OPEN));
}

/* Transfers: the repeated groups, the two destinations, and values out of range. */
static void
test_transfer_messages(void)
{
	struct kproto_buf b;
	struct kproto_transfer_choices tc = {
		.naccounts = 2,
		.accounts = { { KPROTO_ACCOUNT_CURRENT, 500000 },
		    { KPROTO_ACCOUNT_SAVINGS, 2000000 } },
		.npayees = 2,
		.payees = { { "6222000000000025", "李*英", 1 },
		    { "6222000000000033", "W*** Fang", 0 } },
		.transfer_remaining_fen = 5000000, .large_threshold_fen = 200000,
		.fraud_protect = 1,
	}, tc2;
	struct kproto_transfer own = { .txid = "0123456789abcdef", .amount_fen = 10000,
	    .from_kind = KPROTO_ACCOUNT_SAVINGS, .to_kind = KPROTO_ACCOUNT_CURRENT }, t2;
	struct kproto_transfer payee = { .txid = "fedcba9876543210", .amount_fen = 2500,
	    .from_kind = KPROTO_ACCOUNT_CURRENT, .pan = "6222000000000025" };
	struct kproto_transfer_result tr = { .txid = "0123456789abcdef",
	    .status = KPROTO_XFER_SAME_ACCOUNT, .available_after_fen = 490000 }, tr2;
	struct kproto_payee pi = { "6222000000000041", "赵*", 0 }, pi2;
	struct kproto_payee_lookup pl = { "6222000000000041" }, pl2;

	memset(&tc2, 0xff, sizeof tc2);
	CHECK_EQ(kproto_transfer_choices_pack(&b, &tc), KPROTO_OK);
	CHECK_EQ(kproto_transfer_choices_unpack(&b, &tc2), KPROTO_OK);
	CHECK_EQ(tc2.naccounts, 2);
	CHECK_EQ(tc2.accounts[1].kind, KPROTO_ACCOUNT_SAVINGS);
	CHECK_EQ(tc2.accounts[1].available_fen, 2000000);
	CHECK_EQ(tc2.npayees, 2);
	CHECK(strcmp(tc2.payees[0].name, "李*英") == 0);
	CHECK(strcmp(tc2.payees[1].pan, "6222000000000033") == 0);
	CHECK_EQ(tc2.payees[0].paid_before, 1);
	CHECK_EQ(tc2.payees[1].paid_before, 0);
	CHECK_EQ(tc2.transfer_remaining_fen, 5000000);
	CHECK_EQ(tc2.large_threshold_fen, 200000);
	CHECK_EQ(tc2.fraud_protect, 1);
	/* No payees at all is two counts and the three limits. */
	tc.npayees = 0;
	CHECK_EQ(kproto_transfer_choices_pack(&b, &tc), KPROTO_OK);
	CHECK_EQ(kproto_transfer_choices_unpack(&b, &tc2), KPROTO_OK);
	CHECK_EQ(tc2.npayees, 0);
	tc.npayees = KPROTO_PAYEES_MAX + 1;
	CHECK_EQ(kproto_transfer_choices_pack(&b, &tc), KPROTO_E_FIELD_VALUE);
	tc.npayees = 1;
	tc.payees[0].paid_before = 2;
	CHECK_EQ(kproto_transfer_choices_pack(&b, &tc), KPROTO_E_FIELD_VALUE);
	/* A count that promises more groups than follow. */
	kproto_buf_init(&b);
	kproto_put_u8(&b, KPROTO_TAG_ACCOUNT_COUNT, 1);
	kproto_put_u8(&b, KPROTO_TAG_PAYEE_COUNT, 0);
	CHECK_EQ(kproto_transfer_choices_unpack(&b, &tc2), KPROTO_E_FIELD_TAG);
	kproto_buf_init(&b);
	kproto_put_u8(&b, KPROTO_TAG_ACCOUNT_COUNT, KPROTO_ACCOUNTS_MAX + 1);
	CHECK_EQ(kproto_transfer_choices_unpack(&b, &tc2), KPROTO_E_FIELD_VALUE);

	CHECK_EQ(kproto_transfer_pack(&b, &own), KPROTO_OK);
	CHECK_EQ(kproto_transfer_unpack(&b, &t2), KPROTO_OK);
	CHECK(memcmp(t2.txid, own.txid, KPROTO_TXID_LEN) == 0);
	CHECK_EQ(t2.amount_fen, 10000);
	CHECK_EQ(t2.from_kind, KPROTO_ACCOUNT_SAVINGS);
	CHECK_EQ(t2.to_kind, KPROTO_ACCOUNT_CURRENT);
	CHECK(t2.pan[0] == '\0');
	CHECK_EQ(kproto_transfer_pack(&b, &payee), KPROTO_OK);
	CHECK_EQ(kproto_transfer_unpack(&b, &t2), KPROTO_OK);
	CHECK(strcmp(t2.pan, "6222000000000025") == 0);
	CHECK_EQ(t2.amount_fen, 2500);
	/* Both destinations, or an account kind out of range, are refused. */
	kproto_transfer_pack(&b, &own);
	kproto_put_str(&b, KPROTO_TAG_PAN, "6222000000000025");
	CHECK_EQ(kproto_transfer_unpack(&b, &t2), KPROTO_E_FIELD_TRAILING);
	own.to_kind = 2;
	CHECK_EQ(kproto_transfer_pack(&b, &own), KPROTO_E_FIELD_VALUE);
	kproto_buf_init(&b);
	kproto_put_bytes(&b, KPROTO_TAG_TXID, own.txid, KPROTO_TXID_LEN);
	kproto_put_i64(&b, KPROTO_TAG_AMOUNT, 1);
	kproto_put_u8(&b, KPROTO_TAG_FROM_ACCOUNT_KIND, 0);
	kproto_put_u8(&b, KPROTO_TAG_TO_ACCOUNT_KIND, 7);
	CHECK_EQ(kproto_transfer_unpack(&b, &t2), KPROTO_E_FIELD_VALUE);
	kproto_buf_init(&b);
	kproto_put_bytes(&b, KPROTO_TAG_TXID, own.txid, KPROTO_TXID_LEN);
	kproto_put_i64(&b, KPROTO_TAG_AMOUNT, 1);
	kproto_put_u8(&b, KPROTO_TAG_FROM_ACCOUNT_KIND, 0);
	CHECK_EQ(kproto_transfer_unpack(&b, &t2), KPROTO_E_FIELD_SHORT);

	CHECK_EQ(kproto_transfer_result_pack(&b, &tr), KPROTO_OK);
	CHECK_EQ(kproto_transfer_result_unpack(&b, &tr2), KPROTO_OK);
	CHECK_EQ(tr2.status, KPROTO_XFER_SAME_ACCOUNT);
	CHECK_EQ(tr2.available_after_fen, 490000);
	tr.status = KPROTO_XFER_INVALID + 1;
	CHECK_EQ(kproto_transfer_result_pack(&b, &tr), KPROTO_E_FIELD_VALUE);

	CHECK_EQ(kproto_payee_lookup_pack(&b, &pl), KPROTO_OK);
	CHECK_EQ(kproto_payee_lookup_unpack(&b, &pl2), KPROTO_OK);
	CHECK(strcmp(pl2.pan, pl.pan) == 0);
	CHECK_EQ(kproto_payee_info_pack(&b, &pi), KPROTO_OK);
	CHECK_EQ(kproto_payee_info_unpack(&b, &pi2), KPROTO_OK);
	CHECK(strcmp(pi2.name, "赵*") == 0 && pi2.paid_before == 0);

	CHECK(kproto_type_is_request(KPROTO_MSG_TRANSFER));
	CHECK(kproto_type_is_response(KPROTO_MSG_TRANSFER_RESULT));
	CHECK(!kproto_type_is_request(KPROTO_MSG_TRANSFER_RESULT));
	CHECK(strcmp(kproto_type_to_str(KPROTO_MSG_PAYEE_LOOKUP), "PAYEE_LOOKUP") == 0);
	CHECK(strcmp(kproto_transfer_status_to_str(KPROTO_XFER_OVER_LIMIT),
	    "over-transfer-limit") == 0);
	CHECK(strcmp(kproto_error_code_to_str(KPROTO_ERROR_UNKNOWN_PAYEE), "unknown-payee")
	    == 0);
}

/* Luhn: the demo cards pass, as a typed payee's card must; a slip of the finger fails. */
static void
test_pan_luhn(void)
{
	static const char *const demo[] = { "6222000000000017", "6222000000000025",
	    "6222000000000033", "6222000000000041", "6222000000000058" };

	for (size_t i = 0; i < sizeof demo / sizeof demo[0]; i++)
		CHECK(kproto_pan_luhn(demo[i]));
	CHECK(kproto_pan_luhn("79927398713"));        /* the textbook example */
	CHECK(kproto_pan_luhn("4111111111111111"));
	CHECK(!kproto_pan_luhn("6222000000000018")); /* last digit wrong */
	CHECK(!kproto_pan_luhn("6222000000000071")); /* two digits swapped */
	CHECK(!kproto_pan_luhn("6222000000000099"));
	CHECK(!kproto_pan_luhn("62220000000000a7"));
	CHECK(!kproto_pan_luhn("0"));
	CHECK(!kproto_pan_luhn(""));
}

static void
test_pin(void)
{
	unsigned char sealed[KPROTO_SEALED_PIN_MAX], osk[KPROTO_SK_LEN], opk[KPROTO_PK_LEN];
	size_t len = 0;
	char *pin = sodium_malloc(KPROTO_PIN_MAX + 1);

	CHECK(pin != NULL);
	CHECK_EQ(kproto_pin_seal("1234", adapter_pk, sealed, sizeof sealed, &len), KPROTO_OK);
	CHECK_EQ(len, 4 + KPROTO_SEAL_OVERHEAD);
	for (size_t i = 0; i + 4 <= len; i++)
		CHECK(memcmp(sealed + i, "1234", 4) != 0);
	CHECK_EQ(kproto_pin_open(sealed, len, adapter_sk, pin, KPROTO_PIN_MAX + 1), KPROTO_OK);
	CHECK(strcmp(pin, "1234") == 0);

	crypto_sign_keypair(opk, osk);
	CHECK_EQ(kproto_pin_open(sealed, len, osk, pin, KPROTO_PIN_MAX + 1), KPROTO_E_CRYPTO);
	CHECK(pin[0] == '\0');
	sealed[len - 1] ^= 1;
	CHECK_EQ(kproto_pin_open(sealed, len, adapter_sk, pin, KPROTO_PIN_MAX + 1),
	    KPROTO_E_CRYPTO);
	CHECK_EQ(kproto_pin_open(sealed, 10, adapter_sk, pin, KPROTO_PIN_MAX + 1),
	    KPROTO_E_FIELD_LEN);

	CHECK_EQ(kproto_pin_seal("123456789012", adapter_pk, sealed, sizeof sealed, &len),
	    KPROTO_OK);
	CHECK_EQ(kproto_pin_open(sealed, len, adapter_sk, pin, KPROTO_PIN_MAX + 1), KPROTO_OK);
	CHECK(strcmp(pin, "123456789012") == 0);
	CHECK_EQ(kproto_pin_open(sealed, len, adapter_sk, pin, 5), KPROTO_E_NOSPACE);

	CHECK_EQ(kproto_pin_seal("123", adapter_pk, sealed, sizeof sealed, &len),
	    KPROTO_E_FIELD_VALUE);
	CHECK_EQ(kproto_pin_seal("12a4", adapter_pk, sealed, sizeof sealed, &len),
	    KPROTO_E_FIELD_VALUE);
	CHECK_EQ(kproto_pin_seal("1234567890123", adapter_pk, sealed, sizeof sealed, &len),
	    KPROTO_E_FIELD_VALUE);
	CHECK_EQ(kproto_pin_seal("1234", adapter_pk, sealed, 20, &len), KPROTO_E_NOSPACE);

	/* Non-digits sealed by hand are refused after opening. */
	unsigned char xpk[32];
	CHECK(crypto_sign_ed25519_pk_to_curve25519(xpk, adapter_pk) == 0);
	crypto_box_seal(sealed, (const unsigned char *)"12;4", 4, xpk);
	CHECK_EQ(kproto_pin_open(sealed, 4 + KPROTO_SEAL_OVERHEAD, adapter_sk, pin,
	    KPROTO_PIN_MAX + 1), KPROTO_E_FIELD_VALUE);

	/* The sealed PIN fits PIN_VERIFY and survives a round trip. */
	struct kproto_pin_verify pv, pv2;
	struct kproto_buf b;
	CHECK_EQ(kproto_pin_seal("2580", adapter_pk, pv.sealed, sizeof pv.sealed,
	    &pv.sealed_len), KPROTO_OK);
	CHECK_EQ(kproto_pin_verify_pack(&b, &pv), KPROTO_OK);
	CHECK_EQ(kproto_pin_verify_unpack(&b, &pv2), KPROTO_OK);
	CHECK_EQ(kproto_pin_open(pv2.sealed, pv2.sealed_len, adapter_sk, pin,
	    KPROTO_PIN_MAX + 1), KPROTO_OK);
	CHECK(strcmp(pin, "2580") == 0);
	sodium_free(pin);
}

/* STATEMENT, STATEMENT_LINES and PIN_CHANGE_RESULT: the count bounds the lines. */
static void
test_statement_messages(void)
{
	struct kproto_statement st = { .account = KPROTO_STATEMENT_SAVINGS }, st2;
	struct kproto_statement_lines sl = { .count = 2 }, sl2;
	struct kproto_pin_change_result pc = { .status = KPROTO_PIN_WEAK_RUN }, pc2;
	struct kproto_buf b;

	CHECK_EQ(kproto_statement_pack(&b, &st), KPROTO_OK);
	CHECK_EQ(b.len, 4);
	CHECK_EQ(kproto_statement_unpack(&b, &st2), KPROTO_OK);
	CHECK_EQ(st2.account, KPROTO_STATEMENT_SAVINGS);
	st.account = 2;
	CHECK_EQ(kproto_statement_pack(&b, &st), KPROTO_E_FIELD_VALUE);
	kproto_buf_init(&b);
	kproto_put_u8(&b, KPROTO_TAG_STATEMENT_ACCOUNT, 2);
	CHECK_EQ(kproto_statement_unpack(&b, &st2), KPROTO_E_FIELD_VALUE);

	sl.line[0] = (struct kproto_statement_line){ 1764800000, KPROTO_ENTRY_WITHDRAWAL,
	    -50000, 1280050 };
	sl.line[1] = (struct kproto_statement_line){ 1764700000, KPROTO_ENTRY_TRANSFER_IN,
	    300000, 1330050 };
	CHECK_EQ(kproto_statement_lines_pack(&b, &sl), KPROTO_OK);
	CHECK_EQ(b.len, 4 + 2 * (11 + 4 + 11 + 11));
	CHECK_EQ(kproto_statement_lines_unpack(&b, &sl2), KPROTO_OK);
	CHECK_EQ(sl2.count, 2);
	CHECK(sl2.line[0].amount_fen == -50000 && sl2.line[1].at == 1764700000 &&
	    sl2.line[1].kind == KPROTO_ENTRY_TRANSFER_IN && sl2.line[0].balance_after_fen ==
	    1280050);

	/* A count above the lines sent, or lines beyond the count, are refused. */
	CHECK_EQ(kproto_statement_lines_pack(&b, &sl), KPROTO_OK);
	b.data[3] = 3;
	CHECK_EQ(kproto_statement_lines_unpack(&b, &sl2), KPROTO_E_FIELD_SHORT);
	b.off = 0;
	b.data[3] = 1;
	CHECK_EQ(kproto_statement_lines_unpack(&b, &sl2), KPROTO_E_FIELD_TRAILING);
	b.off = 0;
	b.data[3] = KPROTO_STATEMENT_LINES + 1;
	CHECK_EQ(kproto_statement_lines_unpack(&b, &sl2), KPROTO_E_FIELD_VALUE);
	sl.count = KPROTO_STATEMENT_LINES + 1;
	CHECK_EQ(kproto_statement_lines_pack(&b, &sl), KPROTO_E_FIELD_VALUE);
	sl.count = 1;
	sl.line[0].kind = KPROTO_ENTRY_OTHER + 1;
	CHECK_EQ(kproto_statement_lines_pack(&b, &sl), KPROTO_E_FIELD_VALUE);
	sl.count = 0;
	CHECK_EQ(kproto_statement_lines_pack(&b, &sl), KPROTO_OK);
	CHECK_EQ(kproto_statement_lines_unpack(&b, &sl2), KPROTO_OK);
	CHECK_EQ(sl2.count, 0);

	CHECK_EQ(kproto_pin_change_result_pack(&b, &pc), KPROTO_OK);
	CHECK_EQ(kproto_pin_change_result_unpack(&b, &pc2), KPROTO_OK);
	CHECK_EQ(pc2.status, KPROTO_PIN_WEAK_RUN);
	pc.status = KPROTO_PIN_WEAK_SAME + 1;
	CHECK_EQ(kproto_pin_change_result_pack(&b, &pc), KPROTO_E_FIELD_VALUE);

	CHECK(kproto_type_is_request(KPROTO_MSG_STATEMENT));
	CHECK(kproto_type_is_request(KPROTO_MSG_PIN_CHANGE));
	CHECK(!kproto_type_is_request(KPROTO_MSG_STATEMENT_LINES));
	CHECK(kproto_type_is_response(KPROTO_MSG_STATEMENT_LINES));
	CHECK(kproto_type_is_response(KPROTO_MSG_PIN_CHANGE_RESULT));
	CHECK(!kproto_type_is_response(KPROTO_MSG_PIN_CHANGE));
	CHECK(strcmp(kproto_type_to_str(KPROTO_MSG_PIN_CHANGE_RESULT), "PIN_CHANGE_RESULT")
	    == 0);
	CHECK(strcmp(kproto_error_code_to_str(KPROTO_ERROR_NO_ACCOUNT), "no-such-account")
	    == 0);
	CHECK(strcmp(kproto_pin_change_status_to_str(KPROTO_PIN_WEAK_SAME), "weak-same") == 0);
	CHECK(strcmp(kproto_entry_kind_to_str(KPROTO_ENTRY_DEPOSIT), "deposit") == 0);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	crypto_sign_keypair(kiosk_pk, kiosk_sk);
	crypto_sign_keypair(adapter_pk, adapter_sk);

	test_frame_roundtrip();
	test_frame_tamper();
	test_frame_header();
	test_session_id();
	test_fields();
	test_messages();
	test_transfer_messages();
	test_pan_luhn();
	test_pin();
	test_statement_messages();
	if (failures > 0) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}
