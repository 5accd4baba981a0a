/*
 * The signed bank link between the kiosk and a core-banking adapter (libkproto).
 *
 * A frame is header (40 bytes) | payload | Ed25519 signature (64 bytes) over
 * header || payload. docs/protocol.md describes the wire format precisely enough to
 * write an adapter in another language; this header is the C interface to it.
 *
 * The library depends only on libc and libsodium (call sodium_init() before using
 * it). It never prints: every function returns a status (KPROTO_OK, KPROTO_AGAIN or a
 * negative enum kproto_err) and, where it takes err/errlen, writes a one-line reason
 * there. Messages never contain a PIN or key material.
 */
#ifndef KIOSK_PROTO_H
#define KIOSK_PROTO_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define KPROTO_WUR __attribute__((warn_unused_result))
#else
#define KPROTO_WUR
#endif

/*
 * Wire constants. Bump KPROTO_VERSION if any of these change, and if any of the
 * enums, sizes or field tags below change: both ends check the version on every frame.
 */
#define KPROTO_VERSION 1
#define KPROTO_MAGIC0 0x4B /* 'K' */
#define KPROTO_MAGIC1 0x42 /* 'B' */

#define KPROTO_HEADER_LEN 40
#define KPROTO_SIG_LEN 64
#define KPROTO_MAX_PAYLOAD 16384
#define KPROTO_MAX_FRAME (KPROTO_HEADER_LEN + KPROTO_MAX_PAYLOAD + KPROTO_SIG_LEN)

/* Header layout: byte offsets. Bytes 32..39 are reserved and must be zero. */
#define KPROTO_OFF_MAGIC 0
#define KPROTO_OFF_VERSION 2
#define KPROTO_OFF_TYPE 3
#define KPROTO_OFF_SEQ 4
#define KPROTO_OFF_SESSION 12
#define KPROTO_OFF_LENGTH 28
#define KPROTO_OFF_RESERVED 32
#define KPROTO_RESERVED_LEN 8

#define KPROTO_SESSION_LEN 16
#define KPROTO_NONCE_LEN 32
#define KPROTO_TXID_LEN 16
#define KPROTO_PK_LEN 32 /* Ed25519 public key */
#define KPROTO_SK_LEN 64 /* Ed25519 secret key (seed || public key) */
#define KPROTO_SESSION_CONTEXT "kiosk-proto-v1"

/* Field limits (bytes, without the terminating NUL). */
#define KPROTO_ID_MAX 64
#define KPROTO_PAN_MIN 12
#define KPROTO_PAN_MAX 19
#define KPROTO_HOLDER_MAX 128
#define KPROTO_LANG_MAX 7
#define KPROTO_CURRENCY_MAX 7
#define KPROTO_MESSAGE_MAX 255
#define KPROTO_PIN_MIN 4
#define KPROTO_PIN_MAX 12
#define KPROTO_SEAL_OVERHEAD 48 /* crypto_box_SEALBYTES */
#define KPROTO_SEALED_PIN_MAX (KPROTO_PIN_MAX + KPROTO_SEAL_OVERHEAD)
#define KPROTO_STATEMENT_LINES 10 /* most lines in one STATEMENT_LINES */
#define KPROTO_VOLUME_MAX 8
#define KPROTO_RATE_MAX 7
#define KPROTO_TEXT_SIZE_MAX 8
#define KPROTO_THEME_MAX 32
#define KPROTO_CARDS_MAX 8        /* most other cards in one CARD_LIST_INFO */

/* Transfers: own accounts and saved payees listed in TRANSFER_CHOICES. */
#define KPROTO_ACCOUNTS_MAX 2          /* current and savings */
#define KPROTO_PAYEES_MAX 16
#define KPROTO_PAYEE_NAME_MAX 128      /* masked by the adapter: "李*英", "Z*** Wei" */
#define KPROTO_STAFF_REASON_MAX 31     /* help, card_locked, fraud_warning, ... */
#define KPROTO_STAFF_ID_MAX 16         /* a staff badge: "0042" */

/* Message types, in ranges: handshake, requests (kiosk), responses (adapter). */
enum kproto_type {
	KPROTO_MSG_HELLO = 0x01,
	KPROTO_MSG_HELLO_REPLY = 0x02,
	KPROTO_MSG_HELLO_CONFIRM = 0x03,

	KPROTO_MSG_CARD_OPEN = 0x10,
	KPROTO_MSG_PIN_VERIFY = 0x11,
	KPROTO_MSG_BALANCE = 0x12,
	KPROTO_MSG_WITHDRAW_AUTH = 0x13,
	KPROTO_MSG_WITHDRAW_COMPLETE = 0x14,
	KPROTO_MSG_WITHDRAW_REVERSE = 0x15,
	KPROTO_MSG_CARD_CLOSE = 0x16,
	KPROTO_MSG_SETTLE = 0x17,      /* recovery: settle a hold of an earlier connection */
	KPROTO_MSG_TRANSFER_OPTIONS = 0x18,
	KPROTO_MSG_PAYEE_LOOKUP = 0x19,
	KPROTO_MSG_TRANSFER = 0x1A,

	KPROTO_MSG_STATEMENT = 0x1B,
	KPROTO_MSG_PIN_CHANGE = 0x1C,
	/* Staff: a call for a member of staff, and a staff member at the kiosk. */
	KPROTO_MSG_STAFF_CALL = 0x1D,
	KPROTO_MSG_STAFF_AUTH = 0x1E,
	KPROTO_MSG_STAFF_LEAVE = 0x1F,

	/* The customer's accessibility profile, kept with the card: answered OK. */
	KPROTO_MSG_PROFILE_SAVE = 0x26,
	KPROTO_MSG_PROFILE_FORGET = 0x27,

	/* Card services: activation of a new card, and reporting another card lost. */
	KPROTO_MSG_CARD_ACTIVATE = 0x20,    /* answered with PIN_CHANGE_RESULT */
	KPROTO_MSG_CARD_LIST = 0x21,
	KPROTO_MSG_CARD_REPORT_LOST = 0x22, /* answered with OK */
	/* Card services only a member of staff may open (staff-assisted mode): a card
	 * locked by wrong PINs unlocked, a forgotten PIN reset, each with the customer's new
	 * PIN (answered with PIN_CHANGE_RESULT); this card cancelled (answered with OK). */
	KPROTO_MSG_CARD_UNLOCK = 0x23,
	KPROTO_MSG_CARD_PIN_RESET = 0x24,
	KPROTO_MSG_CARD_CANCEL = 0x25,

	KPROTO_MSG_CARD_INFO = 0x40,
	KPROTO_MSG_PIN_RESULT = 0x41,
	KPROTO_MSG_BALANCE_INFO = 0x42,
	KPROTO_MSG_WITHDRAW_RESULT = 0x43,
	KPROTO_MSG_OK = 0x44,
	KPROTO_MSG_TRANSFER_CHOICES = 0x45,
	KPROTO_MSG_PAYEE_INFO = 0x46,
	KPROTO_MSG_TRANSFER_RESULT = 0x47,
	KPROTO_MSG_STATEMENT_LINES = 0x48,
	KPROTO_MSG_PIN_CHANGE_RESULT = 0x49,

	KPROTO_MSG_CARD_LIST_INFO = 0x4C,
	KPROTO_MSG_STAFF_RESULT = 0x4A,
	KPROTO_MSG_ERROR = 0x4f,
};
#define KPROTO_REQUEST_FIRST 0x10
#define KPROTO_REQUEST_LAST 0x3f
#define KPROTO_RESPONSE_FIRST 0x40
#define KPROTO_RESPONSE_LAST 0x6f

/* Field tags: every field of every payload starts with one of these. */
enum kproto_tag {
	KPROTO_TAG_KIOSK_ID = 0x01,        /* str */
	KPROTO_TAG_NONCE = 0x02,           /* bytes[32] */
	KPROTO_TAG_ADAPTER_ID = 0x03,      /* str */
	KPROTO_TAG_PAN = 0x10,             /* str, 12-19 ASCII digits */
	KPROTO_TAG_CARD_STATUS = 0x11,     /* u8, enum kproto_card_status */
	KPROTO_TAG_HOLDER = 0x12,          /* str */
	KPROTO_TAG_LANG = 0x13,            /* str, "zh", "en" or "" */
	KPROTO_TAG_CARD_FLAGS = 0x14,      /* u32, KPROTO_CARD_F_* */
	KPROTO_TAG_TRIES_LEFT = 0x15,      /* u8 */
	KPROTO_TAG_SEALED_PIN = 0x20,      /* bytes, 52-60 */
	KPROTO_TAG_PIN_STATUS = 0x21,      /* u8, enum kproto_pin_status */
	KPROTO_TAG_NOTE = 0x22,            /* i64 fen */
	KPROTO_TAG_DAILY_REMAINING = 0x23, /* i64 fen */
	KPROTO_TAG_AVAILABLE = 0x24,       /* i64 fen */
	KPROTO_TAG_BALANCE = 0x30,         /* i64 fen */
	KPROTO_TAG_CURRENCY = 0x31,        /* str */
	KPROTO_TAG_TXID = 0x40,            /* bytes[16] */
	KPROTO_TAG_AMOUNT = 0x41,          /* i64 fen */
	KPROTO_TAG_WITHDRAW_STATUS = 0x42, /* u8, enum kproto_withdraw_status */
	KPROTO_TAG_AVAILABLE_AFTER = 0x43, /* i64 fen */
	KPROTO_TAG_OUTCOME = 0x44,         /* u8, enum kproto_settle_outcome */

	KPROTO_TAG_STATEMENT_ACCOUNT = 0x70, /* u8, enum kproto_statement_account */
	KPROTO_TAG_LINE_COUNT = 0x71,        /* u8, 0..KPROTO_STATEMENT_LINES */
	KPROTO_TAG_ENTRY_AT = 0x72,          /* u64, unix seconds */
	KPROTO_TAG_ENTRY_KIND = 0x73,        /* u8, enum kproto_entry_kind */
	KPROTO_TAG_ENTRY_AMOUNT = 0x74,      /* i64 fen, negative for money out */
	KPROTO_TAG_BALANCE_AFTER = 0x75,     /* i64 fen */
	KPROTO_TAG_PIN_CHANGE_STATUS = 0x76, /* u8, enum kproto_pin_change_status */

	KPROTO_TAG_CARD_COUNT = 0x90,        /* u8, 0..KPROTO_CARDS_MAX */
	KPROTO_TAG_CARD_LAST4 = 0x91,        /* str, the last 4 digits of a card */
	KPROTO_TAG_CARD_INDEX = 0x92,        /* u8, a card's place in CARD_LIST_INFO */
	KPROTO_TAG_STAFF_REASON = 0x80,      /* str, KPROTO_STAFF_REASON_MAX: [a-z_] */
	KPROTO_TAG_STAFF_ID = 0x81,          /* str, KPROTO_STAFF_ID_MAX: [A-Za-z0-9] */
	KPROTO_TAG_STAFF_STATUS = 0x82,      /* u8, enum kproto_staff_status */

	/* The remembered accessibility profile: 0xA0..0xAF. */
	KPROTO_TAG_VOLUME = 0xA0,            /* u8, 1..KPROTO_VOLUME_MAX */
	KPROTO_TAG_RATE = 0xA1,              /* u8, 1..KPROTO_RATE_MAX */
	KPROTO_TAG_TEXT_SIZE = 0xA2,         /* u8, 1..KPROTO_TEXT_SIZE_MAX */
	KPROTO_TAG_THEME = 0xA3,             /* str, a theme's name, or "" */

	KPROTO_TAG_ERROR_CODE = 0x50,      /* u16, enum kproto_error_code */
	KPROTO_TAG_MESSAGE = 0x51,         /* str */
	/* Transfers: 0x60..0x6F. */
	KPROTO_TAG_ACCOUNT_COUNT = 0x60,   /* u8, accounts that follow */
	KPROTO_TAG_ACCOUNT_KIND = 0x61,    /* u8, enum kproto_account_kind */
	KPROTO_TAG_PAYEE_COUNT = 0x62,     /* u8, payees that follow */
	KPROTO_TAG_PAYEE_NAME = 0x63,      /* str, masked */
	KPROTO_TAG_PAID_BEFORE = 0x64,     /* u8, 0 or 1 */
	KPROTO_TAG_TRANSFER_REMAINING = 0x65, /* i64 fen */
	KPROTO_TAG_LARGE_THRESHOLD = 0x66, /* i64 fen, 0 none */
	KPROTO_TAG_FRAUD_PROTECT = 0x67,   /* u8, 0 or 1 */
	KPROTO_TAG_FROM_ACCOUNT_KIND = 0x68, /* u8, enum kproto_account_kind */
	KPROTO_TAG_TO_ACCOUNT_KIND = 0x69, /* u8, enum kproto_account_kind */
	KPROTO_TAG_TRANSFER_STATUS = 0x6A, /* u8, enum kproto_transfer_status */
};

enum kproto_card_status {
	KPROTO_CARD_OK = 0,
	KPROTO_CARD_LOCKED = 1,
	KPROTO_CARD_LOST = 2,
	KPROTO_CARD_UNKNOWN = 3,
	KPROTO_CARD_INACTIVE = 4,  /* new, its PIN still the letter's: only activation */
	KPROTO_CARD_CANCELLED = 5, /* cancelled with staff: kept by the machine if seen */
};
#define KPROTO_CARD_F_LARGE_PRINT 0x00000001u
#define KPROTO_CARD_F_SPEECH 0x00000002u
#define KPROTO_CARD_F_FRAUD_PROTECT 0x00000004u /* the bank protects this customer */
/* The preferences a customer may set and have remembered (PROFILE_SAVE). */
#define KPROTO_CARD_F_PROFILE (KPROTO_CARD_F_LARGE_PRINT | KPROTO_CARD_F_SPEECH)

enum kproto_pin_status {
	KPROTO_PIN_OK = 0,
	KPROTO_PIN_WRONG = 1,
	KPROTO_PIN_LOCKED = 2,
};

enum kproto_withdraw_status {
	KPROTO_WD_APPROVED = 0,
	KPROTO_WD_INSUFFICIENT = 1,
	KPROTO_WD_OVER_LIMIT = 2,
	KPROTO_WD_NOT_MULTIPLE = 3,
	KPROTO_WD_INVALID = 4,
};

/* What SETTLE does with a hold: the kiosk knows whether the cash left the machine. */
enum kproto_settle_outcome {
	KPROTO_SETTLE_COMPLETE = 0,   /* the cash was dispensed: debit */
	KPROTO_SETTLE_REVERSE = 1,    /* it was not: release the hold */
};

/* Transfers: the customer's accounts, and what became of a TRANSFER. */
enum kproto_account_kind {
	KPROTO_ACCOUNT_CURRENT = 0,   /* the card's own */
	KPROTO_ACCOUNT_SAVINGS = 1,
};

enum kproto_transfer_status {
	KPROTO_XFER_APPROVED = 0,
	KPROTO_XFER_INSUFFICIENT = 1,
	KPROTO_XFER_OVER_LIMIT = 2,   /* today's transfer limit */
	KPROTO_XFER_SAME_ACCOUNT = 3,
	KPROTO_XFER_UNKNOWN_PAYEE = 4,
	KPROTO_XFER_INVALID = 5,      /* amount <= 0, or no such own account */
};

/* Which of the customer's accounts a STATEMENT asks for. */
enum kproto_statement_account {
	KPROTO_STATEMENT_CURRENT = KPROTO_ACCOUNT_CURRENT,
	KPROTO_STATEMENT_SAVINGS = KPROTO_ACCOUNT_SAVINGS,
};

/* What a statement line was. */
enum kproto_entry_kind {
	KPROTO_ENTRY_WITHDRAWAL = 0,
	KPROTO_ENTRY_TRANSFER_OUT = 1,
	KPROTO_ENTRY_TRANSFER_IN = 2,
	KPROTO_ENTRY_DEPOSIT = 3,
	KPROTO_ENTRY_OTHER = 4,
};

/* The answer to PIN_CHANGE: changed, or which rule refused the new PIN. */
enum kproto_pin_change_status {
	KPROTO_PIN_CHANGED = 0,
	KPROTO_PIN_WEAK_REPEATED = 1, /* one digit repeated: 0000, 888888 */
	KPROTO_PIN_WEAK_RUN = 2,      /* a run up or down: 1234, 9876, 3456 */
	KPROTO_PIN_WEAK_SAME = 3,     /* the same as the PIN it replaces */
};

/* The answer to STAFF_AUTH. */
enum kproto_staff_status {
	KPROTO_STAFF_OK = 0,          /* staff-assisted mode is open */
	KPROTO_STAFF_WRONG = 1,       /* wrong PIN; tries_left more before the badge locks */
	KPROTO_STAFF_LOCKED = 2,      /* the badge is locked (now or before) */
	KPROTO_STAFF_UNKNOWN = 3,     /* no such staff member */
};

/* Codes carried by KPROTO_MSG_ERROR. */
enum kproto_error_code {
	KPROTO_ERROR_NOT_PERMITTED = 1,
	KPROTO_ERROR_MALFORMED = 2,
	KPROTO_ERROR_UNKNOWN_TX = 3,
	KPROTO_ERROR_INTERNAL = 4,
	KPROTO_ERROR_UNKNOWN_PAYEE = 5, /* PAYEE_LOOKUP: not a card of the bank, or bad Luhn */
	KPROTO_ERROR_NO_ACCOUNT = 6,  /* STATEMENT of an account the customer does not have */

	KPROTO_ERROR_NO_CARD = 9,     /* CARD_REPORT_LOST: no such card in the last list */
	KPROTO_ERROR_MONEY_LEFT = 10, /* CARD_CANCEL: an account only this card reaches
	                               * still holds money: move it first */
};

/*
 * Library status. The frame reject reasons (a peer sent something that is not a valid
 * next frame) are KPROTO_E_MAGIC .. KPROTO_E_TYPE: the caller logs kproto_strerror()
 * and closes the connection. The others are local failures.
 */
enum kproto_err {
	KPROTO_OK = 0,
	KPROTO_AGAIN = 1,         /* no complete frame yet: wait for the fd, call again */

	KPROTO_E_MAGIC = -1,      /* first two bytes are not "KB" */
	KPROTO_E_VERSION = -2,    /* version byte is not KPROTO_VERSION */
	KPROTO_E_RESERVED = -3,   /* reserved header bytes are not zero */
	KPROTO_E_OVERSIZE = -4,   /* length field above KPROTO_MAX_PAYLOAD */
	KPROTO_E_TRUNCATED = -5,  /* end of stream (or buffer) in the middle of a frame */
	KPROTO_E_BADSIG = -6,     /* signature does not verify with the pinned key */
	KPROTO_E_SESSION = -7,    /* session id is not this session's */
	KPROTO_E_SEQ = -8,        /* seq is not last received + 1 (replay or skip) */
	KPROTO_E_TYPE = -9,       /* type unknown or not expected here */

	KPROTO_E_FIELD_TAG = -20,      /* payload field has an unexpected tag */
	KPROTO_E_FIELD_LEN = -21,      /* wrong length for the field, or too long */
	KPROTO_E_FIELD_SHORT = -22,    /* payload ends inside or before a field */
	KPROTO_E_FIELD_UTF8 = -23,     /* string is not valid UTF-8 or contains NUL */
	KPROTO_E_FIELD_TRAILING = -24, /* bytes left over after the last field */
	KPROTO_E_FIELD_VALUE = -25,    /* value out of range (status, digits, ...) */

	KPROTO_E_EOF = -40,       /* peer closed the connection between frames */
	KPROTO_E_IO = -41,        /* read/write/socket error: see errno */
	KPROTO_E_TIMEOUT = -42,   /* no progress before the timeout */
	KPROTO_E_NOSPACE = -43,   /* output buffer or payload too small */
	KPROTO_E_INVAL = -44,     /* bad argument or call in the wrong state */
	KPROTO_E_KEY = -45,       /* key file missing, malformed or too open */
	KPROTO_E_CRYPTO = -46,    /* sealing, opening or signing failed */
	KPROTO_E_NOMEM = -47,     /* sodium_malloc failed */
	KPROTO_E_CLOSED = -48,    /* connection already failed or closed */
};

/* Short names for logs ("BADSIG", "CARD_OPEN", ...); "?" for unknown values. */
const char *kproto_err_to_str(int code);
/* A sentence for people: "bad signature", "peer closed the connection", ... */
const char *kproto_strerror(int code);
const char *kproto_type_to_str(int type);
const char *kproto_card_status_to_str(int status);
const char *kproto_pin_status_to_str(int status);
const char *kproto_withdraw_status_to_str(int status);
const char *kproto_error_code_to_str(int code);
const char *kproto_settle_outcome_to_str(int outcome);
const char *kproto_account_kind_to_str(int kind);
const char *kproto_transfer_status_to_str(int status);
const char *kproto_statement_account_to_str(int account);
const char *kproto_entry_kind_to_str(int kind);
const char *kproto_pin_change_status_to_str(int status);
const char *kproto_staff_status_to_str(int status);
/* 1 if type is a known request (section 5 of docs/protocol.md), respectively a known
 * response. */
int kproto_type_is_request(int type);
int kproto_type_is_response(int type);

/* ---- Payload builder and reader (fields.c) ----------------------------------------
 *
 * A payload is a fixed sequence of fields: tag u8 | length u16 BE | value. Integers are
 * big-endian. The put functions append; the first failure sticks in b->error so a
 * sequence of puts can be checked once. Each get checks the tag and, for fixed-size
 * fields, the exact length, then advances; kproto_get_end fails if bytes are left.
 */
struct kproto_buf {
	unsigned char data[KPROTO_MAX_PAYLOAD];
	size_t len;  /* bytes in data */
	size_t off;  /* read position */
	int error;   /* first put error, KPROTO_OK if none */
};

/* Empties b for building. */
void kproto_buf_init(struct kproto_buf *b);
/* Copies len bytes in for reading (KPROTO_E_OVERSIZE above KPROTO_MAX_PAYLOAD). */
int kproto_buf_set(struct kproto_buf *b, const void *data, size_t len);
/* sodium_memzero of the whole buffer. */
void kproto_buf_wipe(struct kproto_buf *b);

int kproto_put_u8(struct kproto_buf *b, uint8_t tag, uint8_t v);
int kproto_put_u16(struct kproto_buf *b, uint8_t tag, uint16_t v);
int kproto_put_u32(struct kproto_buf *b, uint8_t tag, uint32_t v);
int kproto_put_u64(struct kproto_buf *b, uint8_t tag, uint64_t v);
int kproto_put_i64(struct kproto_buf *b, uint8_t tag, int64_t v);
int kproto_put_bytes(struct kproto_buf *b, uint8_t tag, const void *p, size_t len);
/* s must be valid UTF-8 (KPROTO_E_FIELD_UTF8 otherwise); sent without the NUL. */
int kproto_put_str(struct kproto_buf *b, uint8_t tag, const char *s);

int kproto_get_u8(struct kproto_buf *b, uint8_t tag, uint8_t *v);
int kproto_get_u16(struct kproto_buf *b, uint8_t tag, uint16_t *v);
int kproto_get_u32(struct kproto_buf *b, uint8_t tag, uint32_t *v);
int kproto_get_u64(struct kproto_buf *b, uint8_t tag, uint64_t *v);
int kproto_get_i64(struct kproto_buf *b, uint8_t tag, int64_t *v);
/* Exactly len bytes. */
int kproto_get_bytes(struct kproto_buf *b, uint8_t tag, void *out, size_t len);
/* Between min and max bytes; *p points into b and is valid while b is. */
int kproto_get_blob(struct kproto_buf *b, uint8_t tag, size_t min, size_t max,
    const unsigned char **p, size_t *len);
/* Valid UTF-8 without NUL, at most outsz - 1 bytes; copied NUL-terminated. */
int kproto_get_str(struct kproto_buf *b, uint8_t tag, char *out, size_t outsz);
int kproto_get_end(struct kproto_buf *b);
/* The tag of the next field, without reading it; -1 at the end of the payload. */
int kproto_next_tag(const struct kproto_buf *b);

/* 1 if s[0..len) is valid UTF-8 (shortest form, no surrogates) without NUL. */
int kproto_utf8_valid(const char *s, size_t len);
/* 1 if pan is 12-19 ASCII digits. */
int kproto_pan_valid(const char *pan);
/*
 * 1 if pan is all digits and its last one is the Luhn check digit of the others, as on
 * every real card: a typed number with a digit wrong or two swapped fails. Not part
 * of kproto_pan_valid, since the bank may still know a card that fails it.
 */
int kproto_pan_luhn(const char *pan);
/* Writes "622200******0017" (first 6 and last 4 digits) for logs. */
void kproto_pan_mask(const char *pan, char *out, size_t outsz);

/* ---- Typed messages (msg.c) ----------------------------------------------------------
 * One struct per message with a payload; _pack builds it (b is reset first), _unpack
 * reads all fields and kproto_get_end, and checks values (statuses in range, PAN
 * digits, sealed PIN size). Empty messages (BALANCE, CARD_CLOSE, OK) have no struct:
 * send an initialised empty buffer, check with kproto_get_end.
 */
struct kproto_card_open {
	char pan[KPROTO_PAN_MAX + 1];
};
struct kproto_card_info {
	uint8_t status;           /* enum kproto_card_status */
	char holder[KPROTO_HOLDER_MAX + 1];
	char lang[KPROTO_LANG_MAX + 1];
	uint32_t flags;           /* KPROTO_CARD_F_* */
	uint8_t tries_left;
	/* Optional, after the rest: the settings the customer had remembered (profile 1),
	 * else all zero. */
	uint8_t profile;
	uint8_t volume, rate, text_size;
	char theme[KPROTO_THEME_MAX + 1];
};
/* PROFILE_SAVE: what the customer asked to have remembered for the card. */
struct kproto_profile {
	char lang[KPROTO_LANG_MAX + 1];
	uint32_t flags;           /* KPROTO_CARD_F_LARGE_PRINT, KPROTO_CARD_F_SPEECH only */
	uint8_t volume, rate, text_size;
	char theme[KPROTO_THEME_MAX + 1];
};
struct kproto_pin_verify {
	unsigned char sealed[KPROTO_SEALED_PIN_MAX];
	size_t sealed_len;
};
struct kproto_pin_result {
	uint8_t status;           /* enum kproto_pin_status */
	uint8_t tries_left;
	int64_t note_fen;         /* smallest note the dispenser pays, e.g. 10000 */
	int64_t daily_remaining_fen;
	int64_t available_fen;
};
struct kproto_balance_info {
	int64_t balance_fen;
	int64_t available_fen;    /* balance minus held */
	char currency[KPROTO_CURRENCY_MAX + 1];
};
struct kproto_withdraw_auth {
	unsigned char txid[KPROTO_TXID_LEN];
	int64_t amount_fen;
};
/* WITHDRAW_COMPLETE and WITHDRAW_REVERSE. */
struct kproto_withdraw_txid {
	unsigned char txid[KPROTO_TXID_LEN];
};
struct kproto_withdraw_result {
	uint8_t status;           /* enum kproto_withdraw_status */
	int64_t amount_fen;
	int64_t available_after_fen;
};
/* SETTLE: completes or reverses a hold this kiosk authorised on an earlier connection. */
struct kproto_settle {
	unsigned char txid[KPROTO_TXID_LEN];
	uint8_t outcome;          /* enum kproto_settle_outcome */
};
struct kproto_error {
	uint16_t code;            /* enum kproto_error_code */
	char message[KPROTO_MESSAGE_MAX + 1];
};
/* Transfers. TRANSFER_OPTIONS has no payload. */
struct kproto_account {
	uint8_t kind;             /* enum kproto_account_kind */
	int64_t available_fen;    /* private: never spoken through the loudspeaker */
};
/* A saved payee (in TRANSFER_CHOICES) or one looked up (PAYEE_INFO). */
struct kproto_payee {
	char pan[KPROTO_PAN_MAX + 1]; /* whole: the kiosk sends it back in TRANSFER */
	char name[KPROTO_PAYEE_NAME_MAX + 1]; /* masked by the adapter */
	uint8_t paid_before;      /* this card has transferred to it before: 0 or 1 */
};
struct kproto_transfer_choices {
	uint8_t naccounts;        /* at most KPROTO_ACCOUNTS_MAX, current first */
	struct kproto_account accounts[KPROTO_ACCOUNTS_MAX];
	uint8_t npayees;          /* at most KPROTO_PAYEES_MAX, in the customer's order */
	struct kproto_payee payees[KPROTO_PAYEES_MAX];
	int64_t transfer_remaining_fen; /* what the card may still transfer today */
	int64_t large_threshold_fen; /* the card's large-transaction alert; 0 none set */
	uint8_t fraud_protect;    /* 0 or 1 */
};
struct kproto_payee_lookup {
	char pan[KPROTO_PAN_MAX + 1];
};
/* To an own account (pan empty) or to a payee (pan set; to_kind is then ignored). */
struct kproto_transfer {
	unsigned char txid[KPROTO_TXID_LEN];
	int64_t amount_fen;
	uint8_t from_kind;        /* enum kproto_account_kind */
	uint8_t to_kind;          /* enum kproto_account_kind, when pan is empty */
	char pan[KPROTO_PAN_MAX + 1];
};
struct kproto_transfer_result {
	unsigned char txid[KPROTO_TXID_LEN];
	uint8_t status;           /* enum kproto_transfer_status */
	int64_t available_after_fen; /* of the account debited; unchanged if refused */
};

/*
 * STATEMENT and its answer. PIN_CHANGE carries the new PIN exactly as PIN_VERIFY
 * carries the PIN: struct kproto_pin_verify with kproto_pin_verify_pack/unpack.
 */
struct kproto_statement {
	uint8_t account;          /* enum kproto_statement_account */
};
struct kproto_statement_line {
	uint64_t at;              /* unix seconds */
	uint8_t kind;             /* enum kproto_entry_kind */
	int64_t amount_fen;       /* negative for money out */
	int64_t balance_after_fen;
};
struct kproto_statement_lines {
	uint8_t count;            /* 0..KPROTO_STATEMENT_LINES, newest first */
	struct kproto_statement_line line[KPROTO_STATEMENT_LINES];
};
struct kproto_pin_change_result {
	uint8_t status;           /* enum kproto_pin_change_status */
};

/* Staff. STAFF_LEAVE has no fields and is answered OK, as STAFF_CALL is. */
struct kproto_staff_call {
	char reason[KPROTO_STAFF_REASON_MAX + 1]; /* 1-31 of a-z and '_' */
};
struct kproto_staff_auth {
	char staff_id[KPROTO_STAFF_ID_MAX + 1];   /* 1-16 ASCII letters and digits */
	unsigned char sealed[KPROTO_SEALED_PIN_MAX]; /* the staff PIN, sealed as a card's */
	size_t sealed_len;
};
struct kproto_staff_result {
	uint8_t status;           /* enum kproto_staff_status */
	uint8_t tries_left;       /* before the badge locks */
};
/* 1 if s may be a STAFF_CALL reason, respectively a staff id. */
int kproto_staff_reason_valid(const char *s);
int kproto_staff_id_valid(const char *s);

int kproto_card_open_pack(struct kproto_buf *b, const struct kproto_card_open *m);
int kproto_card_open_unpack(struct kproto_buf *b, struct kproto_card_open *m);
int kproto_card_info_pack(struct kproto_buf *b, const struct kproto_card_info *m);
int kproto_card_info_unpack(struct kproto_buf *b, struct kproto_card_info *m);
int kproto_pin_verify_pack(struct kproto_buf *b, const struct kproto_pin_verify *m);
int kproto_pin_verify_unpack(struct kproto_buf *b, struct kproto_pin_verify *m);
int kproto_pin_result_pack(struct kproto_buf *b, const struct kproto_pin_result *m);
int kproto_pin_result_unpack(struct kproto_buf *b, struct kproto_pin_result *m);
int kproto_balance_info_pack(struct kproto_buf *b, const struct kproto_balance_info *m);
int kproto_balance_info_unpack(struct kproto_buf *b, struct kproto_balance_info *m);
int kproto_withdraw_auth_pack(struct kproto_buf *b, const struct kproto_withdraw_auth *m);
int kproto_withdraw_auth_unpack(struct kproto_buf *b, struct kproto_withdraw_auth *m);
int kproto_withdraw_txid_pack(struct kproto_buf *b, const struct kproto_withdraw_txid *m);
int kproto_withdraw_txid_unpack(struct kproto_buf *b, struct kproto_withdraw_txid *m);
int kproto_withdraw_result_pack(struct kproto_buf *b, const struct kproto_withdraw_result *m);
int kproto_withdraw_result_unpack(struct kproto_buf *b, struct kproto_withdraw_result *m);
int kproto_settle_pack(struct kproto_buf *b, const struct kproto_settle *m);
int kproto_settle_unpack(struct kproto_buf *b, struct kproto_settle *m);
int kproto_error_pack(struct kproto_buf *b, const struct kproto_error *m);
int kproto_error_unpack(struct kproto_buf *b, struct kproto_error *m);
int kproto_transfer_choices_pack(struct kproto_buf *b,
    const struct kproto_transfer_choices *m);
int kproto_transfer_choices_unpack(struct kproto_buf *b, struct kproto_transfer_choices *m);
int kproto_payee_lookup_pack(struct kproto_buf *b, const struct kproto_payee_lookup *m);
int kproto_payee_lookup_unpack(struct kproto_buf *b, struct kproto_payee_lookup *m);
int kproto_payee_info_pack(struct kproto_buf *b, const struct kproto_payee *m);
int kproto_payee_info_unpack(struct kproto_buf *b, struct kproto_payee *m);
int kproto_transfer_pack(struct kproto_buf *b, const struct kproto_transfer *m);
int kproto_transfer_unpack(struct kproto_buf *b, struct kproto_transfer *m);
int kproto_transfer_result_pack(struct kproto_buf *b, const struct kproto_transfer_result *m);
int kproto_transfer_result_unpack(struct kproto_buf *b, struct kproto_transfer_result *m);

/*
 * Card services. CARD_ACTIVATE carries the new PIN as PIN_CHANGE does; CARD_LIST has
 * no payload and is answered with the customer's other cards, by their last four
 * digits only; CARD_REPORT_LOST names one by its place in that answer.
 */
struct kproto_card_brief {
	char last4[5];
	uint8_t status;           /* enum kproto_card_status */
};
struct kproto_card_list_info {
	uint8_t count;            /* 0..KPROTO_CARDS_MAX */
	struct kproto_card_brief card[KPROTO_CARDS_MAX];
};
struct kproto_card_report_lost {
	uint8_t index;            /* < count of the last CARD_LIST_INFO */
};

int kproto_statement_pack(struct kproto_buf *b, const struct kproto_statement *m);
int kproto_statement_unpack(struct kproto_buf *b, struct kproto_statement *m);
int kproto_statement_lines_pack(struct kproto_buf *b,
    const struct kproto_statement_lines *m);
int kproto_statement_lines_unpack(struct kproto_buf *b, struct kproto_statement_lines *m);
int kproto_pin_change_result_pack(struct kproto_buf *b,
    const struct kproto_pin_change_result *m);
int kproto_profile_pack(struct kproto_buf *b, const struct kproto_profile *m);
int kproto_profile_unpack(struct kproto_buf *b, struct kproto_profile *m);
int kproto_pin_change_result_unpack(struct kproto_buf *b,
    struct kproto_pin_change_result *m);
int kproto_staff_call_pack(struct kproto_buf *b, const struct kproto_staff_call *m);
int kproto_staff_call_unpack(struct kproto_buf *b, struct kproto_staff_call *m);
int kproto_staff_auth_pack(struct kproto_buf *b, const struct kproto_staff_auth *m);
int kproto_staff_auth_unpack(struct kproto_buf *b, struct kproto_staff_auth *m);
int kproto_staff_result_pack(struct kproto_buf *b, const struct kproto_staff_result *m);
int kproto_staff_result_unpack(struct kproto_buf *b, struct kproto_staff_result *m);

int kproto_card_list_info_pack(struct kproto_buf *b,
    const struct kproto_card_list_info *m);
int kproto_card_list_info_unpack(struct kproto_buf *b, struct kproto_card_list_info *m);
int kproto_card_report_lost_pack(struct kproto_buf *b,
    const struct kproto_card_report_lost *m);
int kproto_card_report_lost_unpack(struct kproto_buf *b,
    struct kproto_card_report_lost *m);

/* ---- Frames (frame.c): pure functions, no I/O --------------------------------------- */
struct kproto_header {
	uint8_t version;
	uint8_t type;
	uint64_t seq;
	unsigned char session[KPROTO_SESSION_LEN];
	uint32_t length;          /* payload length */
};

/*
 * Checks the first KPROTO_HEADER_LEN bytes: magic, version, reserved bytes, length not
 * above KPROTO_MAX_PAYLOAD. KPROTO_AGAIN if fewer than KPROTO_HEADER_LEN bytes.
 * Does not check the signature: nothing in h is trusted until kproto_frame_verify.
 */
int kproto_header_decode(const unsigned char *in, size_t inlen, struct kproto_header *h)
    KPROTO_WUR;

/* Writes header | payload | signature with sk into out; *outlen gets the frame size. */
int kproto_frame_encode(unsigned char *out, size_t outsz, size_t *outlen, uint8_t type,
    uint64_t seq, const unsigned char session[KPROTO_SESSION_LEN],
    const unsigned char *payload, size_t paylen, const unsigned char sk[KPROTO_SK_LEN]);

/*
 * Verifies one complete frame of exactly framelen bytes with the peer's public key:
 * header checks, KPROTO_E_TRUNCATED if framelen is short of the length field (or
 * longer), then the signature. On KPROTO_OK fills h and points *payload into frame.
 * Session and seq are the caller's to check (kproto_recv does it).
 */
int kproto_frame_verify(const unsigned char *frame, size_t framelen,
    const unsigned char pk[KPROTO_PK_LEN], struct kproto_header *h,
    const unsigned char **payload) KPROTO_WUR;

/* BLAKE2b-128 of KPROTO_SESSION_CONTEXT || nonce_client || nonce_server. */
int kproto_session_id(unsigned char out[KPROTO_SESSION_LEN],
    const unsigned char nonce_client[KPROTO_NONCE_LEN],
    const unsigned char nonce_server[KPROTO_NONCE_LEN]);

/* ---- Connections (session.c, conn.c) -----------------------------------------------
 *
 * A connection is a non-blocking stream socket plus the session state. Keys are not
 * copied: my_sk (64 bytes, keep it in sodium_malloc'd memory) and peer_pk (32 bytes,
 * the key pinned from configuration) must outlive the connection.
 *
 * Client: kproto_client_connect(), then kproto_send() requests and kproto_recv()
 * responses (or kproto_request() for both with a timeout).
 * Server: accept(), kproto_conn_init(), then call kproto_server_handshake() each time
 * the fd is readable until it returns KPROTO_OK, then kproto_recv()/kproto_send().
 * The handshake is HELLO (client, seq 0), HELLO_REPLY (server, seq 0), HELLO_CONFIRM
 * (client, seq 1): so a client's first request carries seq 2, a server's first
 * response seq 1.
 * After any negative status other than KPROTO_AGAIN the connection is unusable: log
 * the reason and kproto_conn_close() it.
 */
#define KPROTO_IO_TIMEOUT_MS 5000

enum kproto_role {
	KPROTO_ROLE_NONE = 0,
	KPROTO_ROLE_CLIENT,       /* the kiosk: sends requests */
	KPROTO_ROLE_SERVER,       /* the adapter: sends responses */
};

enum kproto_conn_state {
	KPROTO_CONN_NEW = 0,      /* no handshake yet */
	KPROTO_CONN_HELLO_SENT,   /* client waiting for HELLO_REPLY */
	KPROTO_CONN_REPLY_SENT,   /* server waiting for HELLO_CONFIRM */
	KPROTO_CONN_READY,        /* session established */
	KPROTO_CONN_FAILED,       /* a reject or I/O error: close it */
};

struct kproto_conn {
	int fd;
	enum kproto_role role;
	enum kproto_conn_state state;
	int io_timeout_ms;        /* bound on a blocked kproto_send; KPROTO_IO_TIMEOUT_MS */
	uint64_t send_seq;        /* seq of the next frame sent */
	uint64_t recv_seq;        /* seq the next received frame must carry */
	unsigned char session[KPROTO_SESSION_LEN];
	unsigned char nonce[KPROTO_NONCE_LEN]; /* own handshake nonce */
	const unsigned char *my_sk;
	const unsigned char *peer_pk;
	char peer_id[KPROTO_ID_MAX + 1]; /* kiosk id or adapter id from the handshake */
	int sys_errno;            /* errno of the last KPROTO_E_IO */
	size_t inlen;             /* bytes of the current frame read so far */
	unsigned char in[KPROTO_MAX_FRAME];
	unsigned char out[KPROTO_MAX_FRAME];
};

/* Takes fd (sets it non-blocking and close-on-exec); the role is set by the handshake. */
int kproto_conn_init(struct kproto_conn *c, int fd, const unsigned char *my_sk,
    const unsigned char *peer_pk);
/* Closes the fd (if >= 0) and wipes the session state. Safe to call twice, but only on
 * a conn that went through kproto_conn_init or kproto_client_connect (fd 0 is valid). */
void kproto_conn_close(struct kproto_conn *c);
int kproto_conn_ready(const struct kproto_conn *c);

/*
 * Connects to the adapter's Unix socket and runs the client handshake, all within
 * timeout_ms. On KPROTO_OK the fd is non-blocking and c->peer_id holds the adapter id.
 * On failure c->fd is closed and err says why. The HELLO_CONFIRM is not answered: an
 * adapter that refuses it closes the connection, which the first request then sees.
 */
int kproto_client_connect(struct kproto_conn *c, const char *socket_path,
    const unsigned char *my_sk, const unsigned char *peer_pk, const char *kiosk_id,
    int timeout_ms, char *err, size_t errlen);
/* The client handshake on an fd already set up with kproto_conn_init (socketpair). */
int kproto_client_handshake(struct kproto_conn *c, const char *kiosk_id, int timeout_ms,
    char *err, size_t errlen);

/*
 * Server handshake step for a poll loop: reads what is available, at most one frame.
 * A verified HELLO is answered with HELLO_REPLY (blocking at most c->io_timeout_ms)
 * and gives KPROTO_AGAIN (state KPROTO_CONN_REPLY_SENT); a verified HELLO_CONFIRM
 * gives KPROTO_OK with c->peer_id holding the kiosk id. Until then the kiosk has not
 * proved it is live (a recorded HELLO can be replayed): serve nothing, and bound the
 * time a connection may stay in the handshake yourself.
 */
int kproto_server_handshake(struct kproto_conn *c, const char *adapter_id, char *err,
    size_t errlen);
/* The same, waiting at most timeout_ms in all for HELLO and HELLO_CONFIRM. */
int kproto_server_handshake_wait(struct kproto_conn *c, const char *adapter_id,
    int timeout_ms, char *err, size_t errlen);

/*
 * Signs and writes one frame with the next send seq; waits with poll when the socket
 * is full, for at most c->io_timeout_ms in all. A client may send only request types,
 * a server only response types (KPROTO_E_TYPE otherwise).
 */
int kproto_send(struct kproto_conn *c, uint8_t type, const struct kproto_buf *payload);

/*
 * Reads what is available without blocking. KPROTO_OK: one frame verified (signature,
 * session id, seq, type direction) and its payload in *payload ready for kproto_get_*;
 * KPROTO_AGAIN: incomplete, wait for POLLIN and call again; negative: a reject reason
 * (KPROTO_E_BADSIG, KPROTO_E_SEQ, ...) or KPROTO_E_EOF / KPROTO_E_IO.
 * It reads no further than the end of the current frame, so a readable fd is the only
 * signal a poll loop needs.
 */
int kproto_recv(struct kproto_conn *c, uint8_t *type, struct kproto_buf *payload);
/* kproto_recv waiting at most timeout_ms (KPROTO_E_TIMEOUT). */
int kproto_recv_wait(struct kproto_conn *c, uint8_t *type, struct kproto_buf *payload,
    int timeout_ms);
/* Client: kproto_send then kproto_recv_wait; resp may be the same buffer as req. */
int kproto_request(struct kproto_conn *c, uint8_t type, const struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp, int timeout_ms);

/* ---- Key files (keyfile.c) -----------------------------------------------------------
 * One line of lowercase hex and a newline. NAME.key: the 64-byte Ed25519 secret key
 * (128 hex characters), mode 0600. NAME.pub: the 32-byte public key (64 hex).
 */

/*
 * Loads a secret key into sk (KPROTO_SK_LEN bytes, caller's sodium_malloc'd memory).
 * KPROTO_E_KEY if the file is missing, not hex, the wrong length, inconsistent (the
 * public half does not match the seed), or readable/writable by group or others.
 */
int kproto_key_load_secret(const char *path, unsigned char *sk, char *err, size_t errlen)
    KPROTO_WUR;
int kproto_key_load_public(const char *path, unsigned char *pk, char *err, size_t errlen)
    KPROTO_WUR;
/*
 * Writes DIR/NAME.key (0600) and DIR/NAME.pub (0644) for a fresh key pair. Refuses
 * (KPROTO_E_KEY) to replace an existing file unless force. dir must exist.
 */
int kproto_keypair_generate_files(const char *dir, const char *name, int force, char *err,
    size_t errlen);

/* ---- PIN sealing (pin.c) --------------------------------------------------------------
 * The kiosk seals the PIN digits to the adapter (crypto_box_seal to the X25519 key
 * derived from the adapter's Ed25519 public key); only the adapter can open it.
 * Never log, trace or put the PIN into an error message.
 */

/* pin: 4-12 ASCII digits. out needs KPROTO_SEALED_PIN_MAX bytes. */
int kproto_pin_seal(const char *pin, const unsigned char adapter_pk[KPROTO_PK_LEN],
    unsigned char *out, size_t outsz, size_t *outlen);
/*
 * Opens a sealed PIN with the adapter's Ed25519 secret key into pin, a caller's
 * sodium_malloc'd buffer of at least KPROTO_PIN_MAX + 1 bytes, NUL-terminated.
 * KPROTO_E_CRYPTO if it does not open, KPROTO_E_FIELD_VALUE if it is not 4-12 digits
 * (pin is wiped on failure).
 */
int kproto_pin_open(const unsigned char *sealed, size_t sealedlen,
    const unsigned char adapter_sk[KPROTO_SK_LEN], char *pin, size_t pinsz) KPROTO_WUR;

#endif
