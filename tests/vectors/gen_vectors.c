/*
 * Writes the bank link test vectors (keys.txt, handshake.txt, frames.txt) into DIR from
 * fixed seeds and nonces. Built from docs/protocol.md and libsodium alone, on purpose
 * not from libkproto: the vectors are a second implementation that the library is
 * checked against. Ed25519 signatures are deterministic, so a run reproduces the
 * committed files byte for byte.
 *
 *   gen-vectors DIR
 */
#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* docs/protocol.md, section 2 and 4.1. */
#define HDR 40
#define SIG 64
#define SID 16
#define NONCE 32
#define MAX_PAYLOAD 16384

enum {
	T_HELLO = 0x01, T_HELLO_REPLY = 0x02, T_HELLO_CONFIRM = 0x03,
	T_CARD_OPEN = 0x10, T_BALANCE = 0x12,
	T_TRANSFER_OPTIONS = 0x18, T_PAYEE_LOOKUP = 0x19, T_TRANSFER = 0x1A,
	T_STATEMENT = 0x1B, T_PIN_CHANGE = 0x1C,
	T_STAFF_CALL = 0x1D, T_STAFF_AUTH = 0x1E, T_STAFF_LEAVE = 0x1F,
	T_PROFILE_SAVE = 0x26, T_PROFILE_FORGET = 0x27,
	T_CARD_ACTIVATE = 0x20, T_CARD_LIST = 0x21, T_CARD_REPORT_LOST = 0x22,
	T_CARD_UNLOCK = 0x23, T_CARD_PIN_RESET = 0x24, T_CARD_CANCEL = 0x25,
	T_CARD_INFO = 0x40, T_BALANCE_INFO = 0x42, T_OK = 0x44,
	T_TRANSFER_CHOICES = 0x45, T_PAYEE_INFO = 0x46, T_TRANSFER_RESULT = 0x47,
	T_STATEMENT_LINES = 0x48, T_PIN_CHANGE_RESULT = 0x49,
	T_STAFF_RESULT = 0x4A,
	T_CARD_LIST_INFO = 0x4C,
	T_ERROR = 0x4f,
};
enum {
	F_KIOSK_ID = 0x01, F_NONCE = 0x02, F_ADAPTER_ID = 0x03, F_PAN = 0x10,
	F_CARD_STATUS = 0x11, F_HOLDER = 0x12, F_LANG = 0x13, F_CARD_FLAGS = 0x14,
	F_TRIES_LEFT = 0x15, F_SEALED_PIN = 0x20, F_AVAILABLE = 0x24, F_BALANCE = 0x30,
	F_CURRENCY = 0x31,
	F_TXID = 0x40, F_AMOUNT = 0x41, F_AVAILABLE_AFTER = 0x43, F_ERROR_CODE = 0x50,
	F_MESSAGE = 0x51,
	F_ACCOUNT_COUNT = 0x60, F_ACCOUNT_KIND = 0x61, F_PAYEE_COUNT = 0x62,
	F_PAYEE_NAME = 0x63, F_PAID_BEFORE = 0x64, F_TRANSFER_REMAINING = 0x65,
	F_LARGE_THRESHOLD = 0x66, F_FRAUD_PROTECT = 0x67, F_FROM_ACCOUNT_KIND = 0x68,
	F_TO_ACCOUNT_KIND = 0x69, F_TRANSFER_STATUS = 0x6A,
	F_STATEMENT_ACCOUNT = 0x70, F_LINE_COUNT = 0x71, F_ENTRY_AT = 0x72,
	F_ENTRY_KIND = 0x73, F_ENTRY_AMOUNT = 0x74, F_BALANCE_AFTER = 0x75,
	F_PIN_CHANGE_STATUS = 0x76,
	F_CARD_COUNT = 0x90, F_CARD_LAST4 = 0x91, F_CARD_INDEX = 0x92,
	F_STAFF_REASON = 0x80, F_STAFF_ID = 0x81, F_STAFF_STATUS = 0x82,
	F_VOLUME = 0xA0, F_RATE = 0xA1, F_TEXT_SIZE = 0xA2, F_THEME = 0xA3,
};

#define KIOSK_ID "kiosk-test-01"
#define NEW_PIN "7294"
#define STAFF_PIN "8642"
#define ADAPTER_ID "kiosk-bankd"

struct key {
	unsigned char seed[32], pk[32], sk[64];
};

struct payload {
	unsigned char b[MAX_PAYLOAD];
	size_t len;
};

struct frame {
	unsigned char b[HDR + MAX_PAYLOAD + SIG];
	size_t len;
};

static FILE *out;
static struct key kiosk, adapter, other;
static unsigned char nonce_c[NONCE], nonce_s[NONCE], session[SID];

static void
key_make(struct key *k, unsigned char first)
{
	for (int i = 0; i < 32; i++)
		k->seed[i] = (unsigned char)(first + i);
	if (crypto_sign_seed_keypair(k->pk, k->sk, k->seed) != 0)
		abort();
}

static void
be_put(unsigned char *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)(v & 0xff);
}

/* tag u8 | length u16 | value */
static void
field(struct payload *p, int tag, const void *v, size_t len)
{
	p->b[p->len] = (unsigned char)tag;
	be_put(p->b + p->len + 1, len, 2);
	memcpy(p->b + p->len + 3, v, len);
	p->len += 3 + len;
}

static void
field_str(struct payload *p, int tag, const char *s)
{
	field(p, tag, s, strlen(s));
}

static void
field_int(struct payload *p, int tag, uint64_t v, int size)
{
	unsigned char b[8];

	be_put(b, v, size);
	field(p, tag, b, (size_t)size);
}

/* magic "KB" | version 1 | type | seq u64 | session | length u32 | 8 zero bytes,
 * then the payload and the Ed25519 signature over both. */
static void
frame_make(struct frame *f, int type, uint64_t seq, const unsigned char *sid,
    const struct payload *p, const struct key *k)
{
	memset(f->b, 0, HDR);
	f->b[0] = 'K';
	f->b[1] = 'B';
	f->b[2] = 1;
	f->b[3] = (unsigned char)type;
	be_put(f->b + 4, seq, 8);
	if (sid != NULL)
		memcpy(f->b + 12, sid, SID);
	be_put(f->b + 28, p->len, 4);
	memcpy(f->b + HDR, p->b, p->len);
	crypto_sign_detached(f->b + HDR + p->len, NULL, f->b, HDR + p->len, k->sk);
	f->len = HDR + p->len + SIG;
}

/*
 * crypto_box_seal written out (docs/protocol.md, section 10), with the ephemeral key
 * pair made from a fixed seed instead of drawn, so that the sealed PIN is reproducible:
 * epk || crypto_box(pin, nonce = BLAKE2b-192(epk || x_pk), x_pk, esk).
 */
static size_t
seal_fixed(unsigned char *sealed, const char *pin, const unsigned char ed_pk[32])
{
	unsigned char xpk[crypto_box_PUBLICKEYBYTES], eseed[crypto_box_SEEDBYTES];
	unsigned char esk[crypto_box_SECRETKEYBYTES], nonce[crypto_box_NONCEBYTES];
	crypto_generichash_state st;

	for (size_t i = 0; i < sizeof eseed; i++)
		eseed[i] = (unsigned char)(0x60 + i);
	if (crypto_sign_ed25519_pk_to_curve25519(xpk, ed_pk) != 0 ||
	    crypto_box_seed_keypair(sealed, esk, eseed) != 0)
		abort();
	crypto_generichash_init(&st, NULL, 0, sizeof nonce);
	crypto_generichash_update(&st, sealed, crypto_box_PUBLICKEYBYTES);
	crypto_generichash_update(&st, xpk, sizeof xpk);
	crypto_generichash_final(&st, nonce, sizeof nonce);
	if (crypto_box_easy(sealed + crypto_box_PUBLICKEYBYTES, (const unsigned char *)pin,
	    strlen(pin), nonce, xpk, esk) != 0)
		abort();
	return crypto_box_SEALBYTES + strlen(pin);
}

/* One statement line: the four fields in their order. */
static void
statement_line(struct payload *p, uint64_t at, int kind, int64_t amount, int64_t after)
{
	field_int(p, F_ENTRY_AT, at, 8);
	field_int(p, F_ENTRY_KIND, (uint64_t)kind, 1);
	field_int(p, F_ENTRY_AMOUNT, (uint64_t)amount, 8);
	field_int(p, F_BALANCE_AFTER, (uint64_t)after, 8);
}

static void
put_hex(const char *key, const unsigned char *p, size_t len)
{
	fprintf(out, "%s = ", key);
	for (size_t i = 0; i < len; i++)
		fprintf(out, "%02x", p[i]);
	fputc('\n', out);
}

/* One record of frames.txt: comment, receiver state, expected seq, bytes, result. */
static void
record(const char *name, const char *comment, const char *at, unsigned seq,
    const unsigned char *b, size_t len, const char *result)
{
	fprintf(out, "\n# %s\nname = %s\nat = %s\nseq = %u\n", comment, name, at, seq);
	put_hex("frame", b, len);
	fprintf(out, "result = %s\n", result);
}

static int
file_open(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((out = fopen(path, "w")) == NULL) {
		perror(path);
		return -1;
	}
	return 0;
}

static int
file_close(void)
{
	int rv = ferror(out) ? -1 : 0;

	if (fclose(out) != 0)
		rv = -1;
	return rv;
}

static int
write_keys(const char *dir)
{
	if (file_open(dir, "keys.txt") < 0)
		return -1;
	fprintf(out, "# Test keys for the bank link, version 1: for tests only, never deploy.\n"
	    "# Each is crypto_sign_seed_keypair(seed); the secret key is seed || pk.\n"
	    "# \"other\" is a key nobody pins: frames signed with it must be refused.\n");
	put_hex("kiosk.seed", kiosk.seed, 32);
	put_hex("kiosk.pk", kiosk.pk, 32);
	put_hex("adapter.seed", adapter.seed, 32);
	put_hex("adapter.pk", adapter.pk, 32);
	put_hex("other.seed", other.seed, 32);
	put_hex("other.pk", other.pk, 32);
	return file_close();
}

static int
write_handshake(const char *dir)
{
	if (file_open(dir, "handshake.txt") < 0)
		return -1;
	fprintf(out, "# The handshake's inputs and the session id derived from them:\n"
	    "# session = BLAKE2b-128(\"kiosk-proto-v1\" || nonce_c || nonce_s).\n"
	    "# kiosk_id and adapter_id are the UTF-8 names sent in HELLO and HELLO_REPLY.\n");
	put_hex("kiosk_id", (const unsigned char *)KIOSK_ID, strlen(KIOSK_ID));
	put_hex("adapter_id", (const unsigned char *)ADAPTER_ID, strlen(ADAPTER_ID));
	put_hex("nonce_c", nonce_c, NONCE);
	put_hex("nonce_s", nonce_s, NONCE);
	put_hex("session", session, SID);
	return file_close();
}

/* The good session goes on: a transfer from 张伟's card (section 6, transfers). */
/* The remembered profile: saved, the card read again with it, forgotten. */
static void
profile_settings(struct payload *p)
{
	field_int(p, F_VOLUME, 6, 1);
	field_int(p, F_RATE, 2, 1);
	field_int(p, F_TEXT_SIZE, 2, 1);
	field_str(p, F_THEME, "yellow-on-black");
}

static void
write_profile_frames(void)
{
	struct payload p, empty = { .len = 0 };
	struct frame f;

	p.len = 0;
	field_str(&p, F_LANG, "en");
	field_int(&p, F_CARD_FLAGS, 1, 4);
	profile_settings(&p);
	frame_make(&f, T_PROFILE_SAVE, 6, session, &p, &kiosk);
	record("request_profile_save", "PROFILE_SAVE: English, large print, volume 6, rate 2, "
	    "text size 2, theme yellow-on-black", "adapter", 6, f.b, f.len, "OK");
	frame_make(&f, T_OK, 5, session, &empty, &adapter);
	record("response_profile_saved", "OK: the profile saved", "kiosk", 5, f.b, f.len, "OK");

	p.len = 0;
	field_int(&p, F_CARD_STATUS, 0, 1);
	field_str(&p, F_HOLDER, "张伟 Zhang Wei");
	field_str(&p, F_LANG, "en");
	field_int(&p, F_CARD_FLAGS, 1, 4);
	field_int(&p, F_TRIES_LEFT, 3, 1);
	profile_settings(&p);
	frame_make(&f, T_CARD_INFO, 6, session, &p, &adapter);
	record("response_card_info_profile", "CARD_INFO of a card with a remembered profile: "
	    "its four fields after TRIES_LEFT", "kiosk", 6, f.b, f.len, "OK");

	frame_make(&f, T_PROFILE_FORGET, 7, session, &empty, &kiosk);
	record("request_profile_forget", "PROFILE_FORGET: an empty payload", "adapter", 7, f.b,
	    f.len, "OK");
}

/* Card services: a new card's CARD_INFO, its activation, a card reported lost, and the
 * services staff open: a card unlocked, a PIN reset, a card cancelled (or refused). */
static void
write_card_frames(void)
{
	static struct frame f;
	static struct payload p;
	unsigned char sealed[128];

	p.len = 0;
	field_int(&p, F_CARD_STATUS, 4, 1);
	field_str(&p, F_HOLDER, "\xe9\x99\x88\xe9\x9d\x99 Chen Jing"); /* 陈静 */
	field_str(&p, F_LANG, "zh");
	field_int(&p, F_CARD_FLAGS, 0, 4);
	field_int(&p, F_TRIES_LEFT, 3, 1);
	frame_make(&f, T_CARD_INFO, 1, session, &p, &adapter);
	record("response_card_inactive", "CARD_INFO: inactive (awaiting activation), holder "
	    "\"Chen Jing\", zh, no flags, 3 tries", "kiosk", 1, f.b, f.len, "OK");

	p.len = 0;
	field(&p, F_SEALED_PIN, sealed, seal_fixed(sealed, NEW_PIN, adapter.pk));
	frame_make(&f, T_CARD_ACTIVATE, 4, session, &p, &kiosk);
	record("request_card_activate", "CARD_ACTIVATE: the customer's own PIN " NEW_PIN
	    " sealed as in request_pin_change; answered with PIN_CHANGE_RESULT", "adapter", 4,
	    f.b, f.len, "OK");

	p.len = 0;
	frame_make(&f, T_CARD_LIST, 4, session, &p, &kiosk);
	record("request_card_list", "CARD_LIST: empty, after the PIN", "adapter", 4, f.b, f.len,
	    "OK");

	field_int(&p, F_CARD_COUNT, 2, 1);
	field_str(&p, F_CARD_LAST4, "0108");
	field_int(&p, F_CARD_STATUS, 0, 1);
	field_str(&p, F_CARD_LAST4, "0058");
	field_int(&p, F_CARD_STATUS, 2, 1);
	frame_make(&f, T_CARD_LIST_INFO, 3, session, &p, &adapter);
	record("response_card_list", "CARD_LIST_INFO: two other cards, ending 0108 (ok) and "
	    "0058 (lost)", "kiosk", 3, f.b, f.len, "OK");

	p.len = 0;
	field_int(&p, F_CARD_INDEX, 0, 1);
	frame_make(&f, T_CARD_REPORT_LOST, 5, session, &p, &kiosk);
	record("request_card_report_lost", "CARD_REPORT_LOST: the first card listed; answered "
	    "with OK", "adapter", 5, f.b, f.len, "OK");

	p.len = 0;
	field(&p, F_SEALED_PIN, sealed, seal_fixed(sealed, NEW_PIN, adapter.pk));
	frame_make(&f, T_CARD_UNLOCK, 4, session, &p, &kiosk);
	record("request_card_unlock", "CARD_UNLOCK in staff-assisted mode: the customer's new "
	    "PIN " NEW_PIN " sealed as in request_pin_change; answered with PIN_CHANGE_RESULT",
	    "adapter", 4, f.b, f.len, "OK");
	frame_make(&f, T_CARD_PIN_RESET, 4, session, &p, &kiosk);
	record("request_card_pin_reset", "CARD_PIN_RESET in staff-assisted mode: the same "
	    "payload as request_card_unlock", "adapter", 4, f.b, f.len, "OK");

	p.len = 0;
	frame_make(&f, T_CARD_CANCEL, 5, session, &p, &kiosk);
	record("request_card_cancel", "CARD_CANCEL in staff-assisted mode: empty, after the "
	    "PIN; answered with OK", "adapter", 5, f.b, f.len, "OK");

	field_int(&p, F_ERROR_CODE, 10, 2);
	field_str(&p, F_MESSAGE, "CARD_CANCEL refused: an account only this card reaches "
	    "still holds money; move it first");
	frame_make(&f, T_ERROR, 5, session, &p, &adapter);
	record("response_money_left", "ERROR 10 (money left) for it", "kiosk", 5, f.b, f.len,
	    "OK");

	p.len = 0;
	field_int(&p, F_CARD_STATUS, 5, 1);
	field_str(&p, F_HOLDER, "");
	field_str(&p, F_LANG, "");
	field_int(&p, F_CARD_FLAGS, 0, 4);
	field_int(&p, F_TRIES_LEFT, 3, 1);
	frame_make(&f, T_CARD_INFO, 1, session, &p, &adapter);
	record("response_card_cancelled", "CARD_INFO: cancelled, no holder, no language, no "
	    "flags", "kiosk", 1, f.b, f.len, "OK");
}

static void
write_transfer_frames(void)
{
	static struct frame f;
	static struct payload p;
	unsigned char txid[16];

	p.len = 0;
	frame_make(&f, T_TRANSFER_OPTIONS, 4, session, &p, &kiosk);
	record("request_transfer_options", "TRANSFER_OPTIONS: empty, after the PIN", "adapter",
	    4, f.b, f.len, "OK");

	/* Counts before each repeated group; payee names masked; no threshold set. */
	field_int(&p, F_ACCOUNT_COUNT, 2, 1);
	field_int(&p, F_ACCOUNT_KIND, 0, 1);
	field_int(&p, F_AVAILABLE, 500000, 8);
	field_int(&p, F_ACCOUNT_KIND, 1, 1);
	field_int(&p, F_AVAILABLE, 2000000, 8);
	field_int(&p, F_PAYEE_COUNT, 2, 1);
	field_str(&p, F_PAN, "6222000000000025");
	field_str(&p, F_PAYEE_NAME, "\xe6\x9d\x8e*\xe8\x8b\xb1"); /* 李*英 */
	field_int(&p, F_PAID_BEFORE, 1, 1);
	field_str(&p, F_PAN, "6222000000000033");
	field_str(&p, F_PAYEE_NAME, "\xe7\x8e\x8b*"); /* 王* */
	field_int(&p, F_PAID_BEFORE, 0, 1);
	field_int(&p, F_TRANSFER_REMAINING, 5000000, 8);
	field_int(&p, F_LARGE_THRESHOLD, 0, 8);
	field_int(&p, F_FRAUD_PROTECT, 0, 1);
	frame_make(&f, T_TRANSFER_CHOICES, 3, session, &p, &adapter);
	record("response_transfer_choices", "TRANSFER_CHOICES: current 5000.00 and savings "
	    "20000.00; payees \"Li*Ying\" (paid before) and \"Wang*\"; 50000.00 left today, "
	    "no threshold, not protected", "kiosk", 3, f.b, f.len, "OK");

	p.len = 0;
	field_str(&p, F_PAN, "6222000000000041");
	frame_make(&f, T_PAYEE_LOOKUP, 5, session, &p, &kiosk);
	record("request_payee_lookup", "PAYEE_LOOKUP for a typed card number", "adapter", 5,
	    f.b, f.len, "OK");

	p.len = 0;
	field_str(&p, F_PAN, "6222000000000041");
	field_str(&p, F_PAYEE_NAME, "\xe8\xb5\xb5*"); /* 赵* */
	field_int(&p, F_PAID_BEFORE, 0, 1);
	frame_make(&f, T_PAYEE_INFO, 4, session, &p, &adapter);
	record("response_payee_info", "PAYEE_INFO: \"Zhao*\", never paid", "kiosk", 4, f.b,
	    f.len, "OK");

	p.len = 0;
	field_str(&p, F_PAN, "6222000000000042");
	frame_make(&f, T_PAYEE_LOOKUP, 6, session, &p, &kiosk);
	record("request_payee_lookup_luhn", "PAYEE_LOOKUP for a number with a wrong check "
	    "digit", "adapter", 6, f.b, f.len, "OK");

	p.len = 0;
	field_int(&p, F_ERROR_CODE, 5, 2);
	field_str(&p, F_MESSAGE, "PAYEE_LOOKUP: bad card number");
	frame_make(&f, T_ERROR, 5, session, &p, &adapter);
	record("response_unknown_payee", "ERROR 5 (unknown payee) for it", "kiosk", 5, f.b,
	    f.len, "OK");

	for (int i = 0; i < 16; i++)
		txid[i] = (unsigned char)(0x10 + i);
	p.len = 0;
	field(&p, F_TXID, txid, sizeof txid);
	field_int(&p, F_AMOUNT, 100000, 8);
	field_int(&p, F_FROM_ACCOUNT_KIND, 0, 1);
	field_str(&p, F_PAN, "6222000000000025");
	frame_make(&f, T_TRANSFER, 7, session, &p, &kiosk);
	record("request_transfer_payee", "TRANSFER 1000.00 from current to a payee's card",
	    "adapter", 7, f.b, f.len, "OK");

	p.len = 0;
	field(&p, F_TXID, txid, sizeof txid);
	field_int(&p, F_TRANSFER_STATUS, 0, 1);
	field_int(&p, F_AVAILABLE_AFTER, 400000, 8);
	frame_make(&f, T_TRANSFER_RESULT, 6, session, &p, &adapter);
	record("response_transfer_payee", "TRANSFER_RESULT: approved, 4000.00 left in current",
	    "kiosk", 6, f.b, f.len, "OK");

	txid[15] = 0xff;
	p.len = 0;
	field(&p, F_TXID, txid, sizeof txid);
	field_int(&p, F_AMOUNT, 50000, 8);
	field_int(&p, F_FROM_ACCOUNT_KIND, 1, 1);
	field_int(&p, F_TO_ACCOUNT_KIND, 0, 1);
	frame_make(&f, T_TRANSFER, 8, session, &p, &kiosk);
	record("request_transfer_own", "TRANSFER 500.00 from savings to current", "adapter",
	    8, f.b, f.len, "OK");

	p.len = 0;
	field(&p, F_TXID, txid, sizeof txid);
	field_int(&p, F_TRANSFER_STATUS, 0, 1);
	field_int(&p, F_AVAILABLE_AFTER, 1950000, 8);
	frame_make(&f, T_TRANSFER_RESULT, 7, session, &p, &adapter);
	record("response_transfer_own", "TRANSFER_RESULT: approved, 19500.00 left in savings",
	    "kiosk", 7, f.b, f.len, "OK");
}

static int
write_frames(const char *dir)
{
	static struct frame hello, reply, confirm, req, resp, req2, resp2, f;
	unsigned char sealed[crypto_box_SEALBYTES + 12];
	static struct payload p, empty;
	unsigned char sid2[SID], b[HDR + MAX_PAYLOAD + SIG];
	static const char holder[] = "\xe5\xbc\xa0\xe4\xbc\x9f Zhang Wei"; /* 张伟 */

	if (file_open(dir, "frames.txt") < 0)
		return -1;
	fprintf(out, "# One session's frames, then frames that break one rule each. \"at\" is\n"
	    "# the receiver and its state, \"seq\" the seq it expects next, \"result\" what\n"
	    "# it must conclude (tests/vectors/README.md).\n");

	/* The good session. */
	p.len = 0;
	field_str(&p, F_KIOSK_ID, KIOSK_ID);
	field(&p, F_NONCE, nonce_c, NONCE);
	frame_make(&hello, T_HELLO, 0, NULL, &p, &kiosk);
	record("hello", "HELLO: seq 0, session all zero, signed by the kiosk", "adapter-hello",
	    0, hello.b, hello.len, "OK");

	p.len = 0;
	field(&p, F_NONCE, nonce_s, NONCE);
	field_str(&p, F_ADAPTER_ID, ADAPTER_ID);
	frame_make(&reply, T_HELLO_REPLY, 0, session, &p, &adapter);
	record("hello_reply", "HELLO_REPLY: seq 0, the session id, signed by the adapter",
	    "kiosk-reply", 0, reply.b, reply.len, "OK");

	p.len = 0;
	field(&p, F_NONCE, nonce_s, NONCE);
	frame_make(&confirm, T_HELLO_CONFIRM, 1, session, &p, &kiosk);
	record("hello_confirm", "HELLO_CONFIRM: seq 1, echoes nonce_s, signed by the kiosk",
	    "adapter-confirm", 1, confirm.b, confirm.len, "OK");

	p.len = 0;
	field_str(&p, F_PAN, "6222000000000017");
	frame_make(&req, T_CARD_OPEN, 2, session, &p, &kiosk);
	record("request", "CARD_OPEN for PAN 6222000000000017: the kiosk's first request",
	    "adapter", 2, req.b, req.len, "OK");

	p.len = 0;
	field_int(&p, F_CARD_STATUS, 0, 1);
	field_str(&p, F_HOLDER, holder);
	field_str(&p, F_LANG, "zh");
	field_int(&p, F_CARD_FLAGS, 0, 4);
	field_int(&p, F_TRIES_LEFT, 3, 1);
	frame_make(&resp, T_CARD_INFO, 1, session, &p, &adapter);
	record("response", "CARD_INFO: ok, holder \"Zhang Wei\" in Chinese and Latin letters, "
	    "zh, no flags, 3 tries", "kiosk", 1, resp.b, resp.len, "OK");

	empty.len = 0;
	frame_make(&req2, T_BALANCE, 3, session, &empty, &kiosk);
	record("request_empty", "BALANCE: a request with an empty payload", "adapter", 3,
	    req2.b, req2.len, "OK");

	p.len = 0;
	field_int(&p, F_BALANCE, 500000, 8);
	field_int(&p, F_AVAILABLE, 500000, 8);
	field_str(&p, F_CURRENCY, "CNY");
	frame_make(&resp2, T_BALANCE_INFO, 2, session, &p, &adapter);
	record("response_balance", "BALANCE_INFO: 5000.00 balance and available, CNY", "kiosk",
	    2, resp2.b, resp2.len, "OK");

	write_transfer_frames();
	write_card_frames();

	p.len = 0;
	field_int(&p, F_STATEMENT_ACCOUNT, 0, 1);
	frame_make(&f, T_STATEMENT, 4, session, &p, &kiosk);
	record("request_statement", "STATEMENT of the current account", "adapter", 4, f.b,
	    f.len, "OK");

	p.len = 0;
	field_int(&p, F_LINE_COUNT, 3, 1);
	statement_line(&p, 1764806400, 0, -50000, 450000);
	statement_line(&p, 1764547200, 2, 200000, 500000);
	statement_line(&p, 1764288000, 3, 300000, 300000);
	frame_make(&f, T_STATEMENT_LINES, 3, session, &p, &adapter);
	record("response_statement", "STATEMENT_LINES: 3 lines, newest first: a 500.00 "
	    "withdrawal, a 2000.00 transfer in, a 3000.00 deposit", "kiosk", 3, f.b, f.len,
	    "OK");

	p.len = 0;
	field(&p, F_SEALED_PIN, sealed, seal_fixed(sealed, NEW_PIN, adapter.pk));
	frame_make(&f, T_PIN_CHANGE, 5, session, &p, &kiosk);
	record("request_pin_change", "PIN_CHANGE: the new PIN " NEW_PIN " sealed to adapter.pk "
	    "with the ephemeral key of seed 60 61 .. 7f", "adapter", 5, f.b, f.len, "OK");

	p.len = 0;
	field_int(&p, F_PIN_CHANGE_STATUS, 0, 1);
	frame_make(&f, T_PIN_CHANGE_RESULT, 4, session, &p, &adapter);
	record("response_pin_change", "PIN_CHANGE_RESULT: changed", "kiosk", 4, f.b, f.len,
	    "OK");

	p.len = 0;
	field_str(&p, F_STAFF_REASON, "card_locked");
	frame_make(&f, T_STAFF_CALL, 6, session, &p, &kiosk);
	record("request_staff_call", "STAFF_CALL: reason card_locked", "adapter", 6, f.b,
	    f.len, "OK");

	p.len = 0;
	field_str(&p, F_STAFF_ID, "0042");
	field(&p, F_SEALED_PIN, sealed, seal_fixed(sealed, STAFF_PIN, adapter.pk));
	frame_make(&f, T_STAFF_AUTH, 7, session, &p, &kiosk);
	record("request_staff_auth", "STAFF_AUTH: badge 0042, its PIN " STAFF_PIN " sealed to "
	    "adapter.pk with the ephemeral key of seed 60 61 .. 7f", "adapter", 7, f.b, f.len,
	    "OK");

	p.len = 0;
	field_int(&p, F_STAFF_STATUS, 1, 1);
	field_int(&p, F_TRIES_LEFT, 2, 1);
	frame_make(&f, T_STAFF_RESULT, 5, session, &p, &adapter);
	record("response_staff_result", "STAFF_RESULT: wrong PIN, 2 tries left", "kiosk", 5,
	    f.b, f.len, "OK");

	p.len = 0;
	frame_make(&f, T_STAFF_LEAVE, 8, session, &p, &kiosk);
	record("request_staff_leave", "STAFF_LEAVE: no fields", "adapter", 8, f.b, f.len, "OK");

	write_profile_frames();

	/* Frames that break one rule each. */
	memcpy(b, req.b, req.len);
	b[req.len - SIG - 1] ^= 0x01;
	record("tampered_payload", "the request with its last payload byte changed",
	    "adapter", 2, b, req.len, "BADSIG");
	memcpy(b, req.b, req.len);
	b[3] = T_BALANCE;
	record("tampered_header", "the request with its type byte changed", "adapter", 2, b,
	    req.len, "BADSIG");
	memcpy(b, req.b, req.len);
	b[req.len - 1] ^= 0x80;
	record("tampered_signature", "the request with its last signature byte changed",
	    "adapter", 2, b, req.len, "BADSIG");

	p.len = 0;
	field_str(&p, F_PAN, "6222000000000017");
	frame_make(&f, T_CARD_OPEN, 2, session, &p, &other);
	record("wrong_key", "the request signed with the other key", "adapter", 2, f.b, f.len,
	    "BADSIG");
	p.len = 0;
	field(&p, F_NONCE, nonce_s, NONCE);
	field_str(&p, F_ADAPTER_ID, ADAPTER_ID);
	frame_make(&f, T_HELLO_REPLY, 0, session, &p, &other);
	record("reply_wrong_key", "HELLO_REPLY signed with the other key", "kiosk-reply", 0,
	    f.b, f.len, "BADSIG");

	record("replay", "the request again, after it was received", "adapter", 3, req.b,
	    req.len, "SEQ");
	p.len = 0;
	field_str(&p, F_PAN, "6222000000000017");
	frame_make(&f, T_CARD_OPEN, 3, session, &p, &kiosk);
	record("skip", "the first request with seq 3: one skipped", "adapter", 2, f.b, f.len,
	    "SEQ");
	frame_make(&f, T_OK, 2, session, &empty, &adapter);
	record("response_replay", "a response with seq 2 where 3 is expected", "kiosk", 3,
	    f.b, f.len, "SEQ");

	memcpy(sid2, session, SID);
	sid2[0] ^= 0x01;
	p.len = 0;
	field_str(&p, F_PAN, "6222000000000017");
	frame_make(&f, T_CARD_OPEN, 2, sid2, &p, &kiosk);
	record("wrong_session", "the request, signed, but for another session id", "adapter",
	    2, f.b, f.len, "SESSION");
	p.len = 0;
	field_str(&p, F_KIOSK_ID, KIOSK_ID);
	field(&p, F_NONCE, nonce_c, NONCE);
	frame_make(&f, T_HELLO, 0, session, &p, &kiosk);
	record("hello_with_session", "HELLO carrying a session id: lifted from a session",
	    "adapter-hello", 0, f.b, f.len, "SESSION");
	p.len = 0;
	field(&p, F_NONCE, nonce_s, NONCE);
	field_str(&p, F_ADAPTER_ID, ADAPTER_ID);
	frame_make(&f, T_HELLO_REPLY, 0, sid2, &p, &adapter);
	record("reply_wrong_session", "HELLO_REPLY whose session id is not the one its "
	    "nonces give", "kiosk-reply", 0, f.b, f.len, "SESSION");

	frame_make(&f, T_OK, 2, session, &empty, &kiosk);
	record("wrong_type", "a response type sent by the kiosk", "adapter", 2, f.b, f.len,
	    "TYPE");
	frame_make(&f, T_BALANCE, 1, session, &empty, &kiosk);
	record("request_before_confirm", "a request in HELLO_CONFIRM's place", "adapter-confirm",
	    1, f.b, f.len, "TYPE");
	p.len = 0;
	field(&p, F_NONCE, nonce_c, NONCE);
	frame_make(&f, T_HELLO_CONFIRM, 1, session, &p, &kiosk);
	record("confirm_wrong_nonce", "HELLO_CONFIRM echoing the kiosk's own nonce",
	    "adapter-confirm", 1, f.b, f.len, "FIELD_VALUE");

	memcpy(b, req.b, HDR);
	memset(b + 28, 0xff, 4);
	record("oversize_4g", "a header announcing a 4 GB payload, judged on the header alone",
	    "adapter", 2, b, HDR, "OVERSIZE");
	be_put(b + 28, MAX_PAYLOAD + 1, 4);
	record("oversize_16385", "a header announcing one byte more than the maximum",
	    "adapter", 2, b, HDR, "OVERSIZE");
	record("truncated_signature", "the request without its last byte, then end of stream",
	    "adapter", 2, req.b, req.len - 1, "TRUNCATED");
	record("truncated_header", "the first 20 bytes of the request, then end of stream",
	    "adapter", 2, req.b, 20, "TRUNCATED");

	memcpy(b, req.b, req.len);
	b[1] = 'C';
	record("bad_magic", "the request with \"KC\" for magic", "adapter", 2, b, req.len,
	    "MAGIC");
	memcpy(b, req.b, req.len);
	b[2] = 2;
	record("bad_version", "the request with version 2", "adapter", 2, b, req.len,
	    "VERSION");
	memcpy(b, req.b, req.len);
	b[39] = 1;
	record("reserved", "the request with its last reserved byte set", "adapter", 2, b,
	    req.len, "RESERVED");
	return file_close();
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen-vectors DIR\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	key_make(&kiosk, 0x00);
	key_make(&adapter, 0x20);
	key_make(&other, 0x40);
	memset(nonce_c, 0x01, sizeof nonce_c);
	memset(nonce_s, 0x02, sizeof nonce_s);

	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, SID);
	crypto_generichash_update(&st, (const unsigned char *)"kiosk-proto-v1", 14);
	crypto_generichash_update(&st, nonce_c, NONCE);
	crypto_generichash_update(&st, nonce_s, NONCE);
	crypto_generichash_final(&st, session, SID);

	if (write_keys(argv[1]) < 0 || write_handshake(argv[1]) < 0 ||
	    write_frames(argv[1]) < 0) {
		fprintf(stderr, "gen-vectors: cannot write to %s\n", argv[1]);
		return 1;
	}
	return 0;
}
