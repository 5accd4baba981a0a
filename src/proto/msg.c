/*
 * Typed messages: the field sequence of each payload in one place, so that the kiosk
 * and the adapter cannot disagree on order, tags or value ranges.
 */
#include "proto-int.h"

#include <string.h>

#define TRY(x) do { int rv_ = (x); if (rv_ != KPROTO_OK) return rv_; } while (0)

static int
lang_valid(const char *lang)
{
	return strcmp(lang, "zh") == 0 || strcmp(lang, "en") == 0 || lang[0] == '\0';
}

/* Exactly four ASCII digits: all of a card number a list of cards may show. */
static int
last4_valid(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[4] == '\0';
}

int
kproto_card_open_pack(struct kproto_buf *b, const struct kproto_card_open *m)
{
	kproto_buf_init(b);
	if (!kproto_pan_valid(m->pan))
		return b->error = KPROTO_E_FIELD_VALUE;
	return kproto_put_str(b, KPROTO_TAG_PAN, m->pan);
}

int
kproto_card_open_unpack(struct kproto_buf *b, struct kproto_card_open *m)
{
	TRY(kproto_get_str(b, KPROTO_TAG_PAN, m->pan, sizeof m->pan));
	TRY(kproto_get_end(b));
	return kproto_pan_valid(m->pan) ? KPROTO_OK : KPROTO_E_FIELD_VALUE;
}

/* The profile's settings, in CARD_INFO (optional, at its end) and in PROFILE_SAVE. */
static int
profile_settings_valid(uint8_t volume, uint8_t rate, uint8_t text_size, const char *theme)
{
	return volume >= 1 && volume <= KPROTO_VOLUME_MAX && rate >= 1 &&
	    rate <= KPROTO_RATE_MAX && text_size >= 1 && text_size <= KPROTO_TEXT_SIZE_MAX &&
	    strlen(theme) <= KPROTO_THEME_MAX;
}

static int
profile_settings_put(struct kproto_buf *b, uint8_t volume, uint8_t rate,
    uint8_t text_size, const char *theme)
{
	if (!profile_settings_valid(volume, rate, text_size, theme))
		return b->error = KPROTO_E_FIELD_VALUE;
	kproto_put_u8(b, KPROTO_TAG_VOLUME, volume);
	kproto_put_u8(b, KPROTO_TAG_RATE, rate);
	kproto_put_u8(b, KPROTO_TAG_TEXT_SIZE, text_size);
	return kproto_put_str(b, KPROTO_TAG_THEME, theme);
}

static int
profile_settings_get(struct kproto_buf *b, uint8_t *volume, uint8_t *rate,
    uint8_t *text_size, char theme[KPROTO_THEME_MAX + 1])
{
	TRY(kproto_get_u8(b, KPROTO_TAG_VOLUME, volume));
	TRY(kproto_get_u8(b, KPROTO_TAG_RATE, rate));
	TRY(kproto_get_u8(b, KPROTO_TAG_TEXT_SIZE, text_size));
	TRY(kproto_get_str(b, KPROTO_TAG_THEME, theme, KPROTO_THEME_MAX + 1));
	return profile_settings_valid(*volume, *rate, *text_size, theme) ? KPROTO_OK :
	    KPROTO_E_FIELD_VALUE;
}

/* Packers check values too: the peer would refuse an out-of-range status, and that
 * costs a whole exchange instead of an error at the source. */
int
kproto_card_info_pack(struct kproto_buf *b, const struct kproto_card_info *m)
{
	kproto_buf_init(b);
	if (m->status > KPROTO_CARD_CANCELLED || !lang_valid(m->lang) ||
	    strlen(m->holder) > KPROTO_HOLDER_MAX)
		return b->error = KPROTO_E_FIELD_VALUE;
	kproto_put_u8(b, KPROTO_TAG_CARD_STATUS, m->status);
	kproto_put_str(b, KPROTO_TAG_HOLDER, m->holder);
	kproto_put_str(b, KPROTO_TAG_LANG, m->lang);
	kproto_put_u32(b, KPROTO_TAG_CARD_FLAGS, m->flags);
	kproto_put_u8(b, KPROTO_TAG_TRIES_LEFT, m->tries_left);
	if (!m->profile)
		return b->error;
	return profile_settings_put(b, m->volume, m->rate, m->text_size, m->theme);
}

int
kproto_card_info_unpack(struct kproto_buf *b, struct kproto_card_info *m)
{
	TRY(kproto_get_u8(b, KPROTO_TAG_CARD_STATUS, &m->status));
	TRY(kproto_get_str(b, KPROTO_TAG_HOLDER, m->holder, sizeof m->holder));
	TRY(kproto_get_str(b, KPROTO_TAG_LANG, m->lang, sizeof m->lang));
	TRY(kproto_get_u32(b, KPROTO_TAG_CARD_FLAGS, &m->flags));
	TRY(kproto_get_u8(b, KPROTO_TAG_TRIES_LEFT, &m->tries_left));
	m->profile = kproto_next_tag(b) == KPROTO_TAG_VOLUME;
	if (m->profile)
		TRY(profile_settings_get(b, &m->volume, &m->rate, &m->text_size, m->theme));
	else {
		m->volume = m->rate = m->text_size = 0;
		m->theme[0] = '\0';
	}
	TRY(kproto_get_end(b));
	if (m->status > KPROTO_CARD_CANCELLED || !lang_valid(m->lang))
		return KPROTO_E_FIELD_VALUE;
	return KPROTO_OK;
}

int
kproto_pin_verify_pack(struct kproto_buf *b, const struct kproto_pin_verify *m)
{
	kproto_buf_init(b);
	if (m->sealed_len < KPROTO_PIN_MIN + KPROTO_SEAL_OVERHEAD ||
	    m->sealed_len > KPROTO_SEALED_PIN_MAX)
		return b->error = KPROTO_E_FIELD_VALUE;
	return kproto_put_bytes(b, KPROTO_TAG_SEALED_PIN, m->sealed, m->sealed_len);
}

int
kproto_pin_verify_unpack(struct kproto_buf *b, struct kproto_pin_verify *m)
{
	const unsigned char *p;
	size_t len;

	/* The size bounds the PIN length; the adapter checks the digits after opening. */
	TRY(kproto_get_blob(b, KPROTO_TAG_SEALED_PIN, KPROTO_PIN_MIN + KPROTO_SEAL_OVERHEAD,
	    KPROTO_SEALED_PIN_MAX, &p, &len));
	TRY(kproto_get_end(b));
	memcpy(m->sealed, p, len);
	m->sealed_len = len;
	return KPROTO_OK;
}

int
kproto_pin_result_pack(struct kproto_buf *b, const struct kproto_pin_result *m)
{
	kproto_buf_init(b);
	if (m->status > KPROTO_PIN_LOCKED)
		return b->error = KPROTO_E_FIELD_VALUE;
	kproto_put_u8(b, KPROTO_TAG_PIN_STATUS, m->status);
	kproto_put_u8(b, KPROTO_TAG_TRIES_LEFT, m->tries_left);
	kproto_put_i64(b, KPROTO_TAG_NOTE, m->note_fen);
	kproto_put_i64(b, KPROTO_TAG_DAILY_REMAINING, m->daily_remaining_fen);
	return kproto_put_i64(b, KPROTO_TAG_AVAILABLE, m->available_fen);
}

int
kproto_pin_result_unpack(struct kproto_buf *b, struct kproto_pin_result *m)
{
	TRY(kproto_get_u8(b, KPROTO_TAG_PIN_STATUS, &m->status));
	TRY(kproto_get_u8(b, KPROTO_TAG_TRIES_LEFT, &m->tries_left));
	TRY(kproto_get_i64(b, KPROTO_TAG_NOTE, &m->note_fen));
	TRY(kproto_get_i64(b, KPROTO_TAG_DAILY_REMAINING, &m->daily_remaining_fen));
	TRY(kproto_get_i64(b, KPROTO_TAG_AVAILABLE, &m->available_fen));
	TRY(kproto_get_end(b));
	return m->status > KPROTO_PIN_LOCKED ? KPROTO_E_FIELD_VALUE : KPROTO_OK;
}

int
kproto_balance_info_pack(struct kproto_buf *b, const struct kproto_balance_info *m)
{
	kproto_buf_init(b);
	kproto_put_i64(b, KPROTO_TAG_BALANCE, m->balance_fen);
	kproto_put_i64(b, KPROTO_TAG_AVAILABLE, m->available_fen);
	return kproto_put_str(b, KPROTO_TAG_CURRENCY, m->currency);
}

int
kproto_balance_info_unpack(struct kproto_buf *b, struct kproto_balance_info *m)
{
	TRY(kproto_get_i64(b, KPROTO_TAG_BALANCE, &m->balance_fen));
	TRY(kproto_get_i64(b, KPROTO_TAG_AVAILABLE, &m->available_fen));
	TRY(kproto_get_str(b, KPROTO_TAG_CURRENCY, m->currency, sizeof m->currency));
	return kproto_get_end(b);
}

int
kproto_withdraw_auth_pack(struct kproto_buf *b, const struct kproto_withdraw_auth *m)
{
	kproto_buf_init(b);
	kproto_put_bytes(b, KPROTO_TAG_TXID, m->txid, sizeof m->txid);
	return kproto_put_i64(b, KPROTO_TAG_AMOUNT, m->amount_fen);
}

int
kproto_withdraw_auth_unpack(struct kproto_buf *b, struct kproto_withdraw_auth *m)
{
	TRY(kproto_get_bytes(b, KPROTO_TAG_TXID, m->txid, sizeof m->txid));
	TRY(kproto_get_i64(b, KPROTO_TAG_AMOUNT, &m->amount_fen));
	return kproto_get_end(b);
}

int
kproto_withdraw_txid_pack(struct kproto_buf *b, const struct kproto_withdraw_txid *m)
{
	kproto_buf_init(b);
	return kproto_put_bytes(b, KPROTO_TAG_TXID, m->txid, sizeof m->txid);
}

int
kproto_withdraw_txid_unpack(struct kproto_buf *b, struct kproto_withdraw_txid *m)
{
	TRY(kproto_get_bytes(b, KPROTO_TAG_TXID, m->txid, sizeof m->txid));
	return kproto_get_end(b);
}

int
kproto_withdraw_result_pack(struct kproto_buf *b, const struct kproto_withdraw_result *m)
{
	kproto_buf_init(b);
	if (m->status > KPROTO_WD_INVALID)
		return b->error = KPROTO_E_FIELD_VALUE;
	kproto_put_u8(b, KPROTO_TAG_WITHDRAW_STATUS, m->status);
	kproto_put_i64(b, KPROTO_TAG_AMOUNT, m->amount_fen);
	return kproto_put_i64(b, KPROTO_TAG_AVAILABLE_AFTER, m->available_after_fen);
}

int
kproto_withdraw_result_unpack(struct kproto_buf *b, struct kproto_withdraw_result *m)
{
	TRY(kproto_get_u8(b, KPROTO_TAG_WITHDRAW_STATUS, &m->status));
	TRY(kproto_get_i64(b, KPROTO_TAG_AMOUNT, &m->amount_fen));
	TRY(kproto_get_i64(b, KPROTO_TAG_AVAILABLE_AFTER, &m->available_after_fen));
	TRY(kproto_get_end(b));
	return m->status > KPROTO_WD_INVALID ? KPROTO_E_FIELD_VALUE : KPROTO_OK;
}

int
kproto_settle_pack(struct kproto_buf *b, const struct kproto_settle *m)
{
	kproto_buf_init(b);
	if (m->outcome > KPROTO_SETTLE_REVERSE)
		return b->error = KPROTO_E_FIELD_VALUE;
	kproto_put_bytes(b, KPROTO_TAG_TXID, m->txid, sizeof m->txid);
	return kproto_put_u8(b, KPROTO_TAG_OUTCOME, m->outcome);
}

int
kproto_settle_unpack(struct kproto_buf *b, struct kproto_settle *m)
{
	TRY(kproto_get_bytes(b, KPROTO_TAG_TXID, m->txid, sizeof m->txid));
	TRY(kproto_get_u8(b, KPROTO_TAG_OUTCOME, &m->outcome));
	TRY(kproto_get_end(b));
	return m->outcome > KPROTO_SETTLE_REVERSE ? KPROTO_E_FIELD_VALUE : KPROTO_OK;
}

int
kproto_error_pack(struct kproto_buf *b, const struct kproto_error *m)
{
	kproto_buf_init(b);
	if (strlen(m->message) > KPROTO_MESSAGE_MAX)
		return b->error = KPROTO_E_FIELD_VALUE;
	kproto_put_u16(b, KPROTO_TAG_ERROR_CODE, m->code);
	return kproto_put_str(b, KPROTO_TAG_MESSAGE, m->message);
}

int
kproto_error_unpack(struct kproto_buf *b, struct kproto_error *m)
{
	TRY(kproto_get_u16(b, KPROTO_TAG_ERROR_CODE, &m->code));
	TRY(kproto_get_str(b, KPROTO_TAG_MESSAGE, m->message, sizeof m->message));
	return kproto_get_end(b);
}

/* ---- Transfers --------------------------------------------------------------------- */

static int
account_kind_valid(uint8_t kind)
{
	return kind <= KPROTO_ACCOUNT_SAVINGS;
}

static int
payee_valid(const struct kproto_payee *p)
{
	return kproto_pan_valid(p->pan) && strlen(p->name) <= KPROTO_PAYEE_NAME_MAX &&
	    p->paid_before <= 1;
}

static int
payee_put(struct kproto_buf *b, const struct kproto_payee *p)
{
	kproto_put_str(b, KPROTO_TAG_PAN, p->pan);
	kproto_put_str(b, KPROTO_TAG_PAYEE_NAME, p->name);
	return kproto_put_u8(b, KPROTO_TAG_PAID_BEFORE, p->paid_before);
}

static int
payee_get(struct kproto_buf *b, struct kproto_payee *p)
{
	TRY(kproto_get_str(b, KPROTO_TAG_PAN, p->pan, sizeof p->pan));
	TRY(kproto_get_str(b, KPROTO_TAG_PAYEE_NAME, p->name, sizeof p->name));
	TRY(kproto_get_u8(b, KPROTO_TAG_PAID_BEFORE, &p->paid_before));
	return payee_valid(p) ? KPROTO_OK : KPROTO_E_FIELD_VALUE;
}

static int
choices_valid(const struct kproto_transfer_choices *m)
{
	if (m->naccounts > KPROTO_ACCOUNTS_MAX || m->npayees > KPROTO_PAYEES_MAX ||
	    m->transfer_remaining_fen < 0 || m->large_threshold_fen < 0 ||
	    m->fraud_protect > 1)
		return 0;
	for (int i = 0; i < m->naccounts; i++)
		if (!account_kind_valid(m->accounts[i].kind))
			return 0;
	for (int i = 0; i < m->npayees; i++)
		if (!payee_valid(&m->payees[i]))
			return 0;
	return 1;
}

/* Each repeated group is a count field followed by that many groups of fields. */
int
kproto_transfer_choices_pack(struct kproto_buf *b, const struct kproto_transfer_choices *m)
{
	kproto_buf_init(b);
	if (!choices_valid(m))
		return b->error = KPROTO_E_FIELD_VALUE;
	kproto_put_u8(b, KPROTO_TAG_ACCOUNT_COUNT, m->naccounts);
	for (int i = 0; i < m->naccounts; i++) {
		kproto_put_u8(b, KPROTO_TAG_ACCOUNT_KIND, m->accounts[i].kind);
		kproto_put_i64(b, KPROTO_TAG_AVAILABLE, m->accounts[i].available_fen);
	}
	kproto_put_u8(b, KPROTO_TAG_PAYEE_COUNT, m->npayees);
	for (int i = 0; i < m->npayees; i++)
		payee_put(b, &m->payees[i]);
	kproto_put_i64(b, KPROTO_TAG_TRANSFER_REMAINING, m->transfer_remaining_fen);
	kproto_put_i64(b, KPROTO_TAG_LARGE_THRESHOLD, m->large_threshold_fen);
	return kproto_put_u8(b, KPROTO_TAG_FRAUD_PROTECT, m->fraud_protect);
}

int
kproto_transfer_choices_unpack(struct kproto_buf *b, struct kproto_transfer_choices *m)
{
	TRY(kproto_get_u8(b, KPROTO_TAG_ACCOUNT_COUNT, &m->naccounts));
	if (m->naccounts > KPROTO_ACCOUNTS_MAX)
		return KPROTO_E_FIELD_VALUE;
	for (int i = 0; i < m->naccounts; i++) {
		TRY(kproto_get_u8(b, KPROTO_TAG_ACCOUNT_KIND, &m->accounts[i].kind));
		TRY(kproto_get_i64(b, KPROTO_TAG_AVAILABLE, &m->accounts[i].available_fen));
	}
	TRY(kproto_get_u8(b, KPROTO_TAG_PAYEE_COUNT, &m->npayees));
	if (m->npayees > KPROTO_PAYEES_MAX)
		return KPROTO_E_FIELD_VALUE;
	for (int i = 0; i < m->npayees; i++)
		TRY(payee_get(b, &m->payees[i]));
	TRY(kproto_get_i64(b, KPROTO_TAG_TRANSFER_REMAINING, &m->transfer_remaining_fen));
	TRY(kproto_get_i64(b, KPROTO_TAG_LARGE_THRESHOLD, &m->large_threshold_fen));
	TRY(kproto_get_u8(b, KPROTO_TAG_FRAUD_PROTECT, &m->fraud_protect));
	TRY(kproto_get_end(b));
	return choices_valid(m) ? KPROTO_OK : KPROTO_E_FIELD_VALUE;
}

int
kproto_payee_lookup_pack(struct kproto_buf *b, const struct kproto_payee_lookup *m)
{
	kproto_buf_init(b);
	if (!kproto_pan_valid(m->pan))
		return b->error = KPROTO_E_FIELD_VALUE;
	return kproto_put_str(b, KPROTO_TAG_PAN, m->pan);
}

int
kproto_payee_lookup_unpack(struct kproto_buf *b, struct kproto_payee_lookup *m)
{
	TRY(kproto_get_str(b, KPROTO_TAG_PAN, m->pan, sizeof m->pan));
	TRY(kproto_get_end(b));
	return kproto_pan_valid(m->pan) ? KPROTO_OK : KPROTO_E_FIELD_VALUE;
}

int
kproto_payee_info_pack(struct kproto_buf *b, const struct kproto_payee *m)
{
	kproto_buf_init(b);
	if (!payee_valid(m))
		return b->error = KPROTO_E_FIELD_VALUE;
	return payee_put(b, m);
}

int
kproto_payee_info_unpack(struct kproto_buf *b, struct kproto_payee *m)
{
	TRY(payee_get(b, m));
	return kproto_get_end(b);
}

/* The destination's tag says which it is: TO_ACCOUNT_KIND (own) or PAN (payee). */
int
kproto_transfer_pack(struct kproto_buf *b, const struct kproto_transfer *m)
{
	kproto_buf_init(b);
	if (!account_kind_valid(m->from_kind) ||
	    (m->pan[0] == '\0' ? !account_kind_valid(m->to_kind) : !kproto_pan_valid(m->pan)))
		return b->error = KPROTO_E_FIELD_VALUE;
	kproto_put_bytes(b, KPROTO_TAG_TXID, m->txid, sizeof m->txid);
	kproto_put_i64(b, KPROTO_TAG_AMOUNT, m->amount_fen);
	kproto_put_u8(b, KPROTO_TAG_FROM_ACCOUNT_KIND, m->from_kind);
	if (m->pan[0] != '\0')
		return kproto_put_str(b, KPROTO_TAG_PAN, m->pan);
	return kproto_put_u8(b, KPROTO_TAG_TO_ACCOUNT_KIND, m->to_kind);
}

int
kproto_transfer_unpack(struct kproto_buf *b, struct kproto_transfer *m)
{
	TRY(kproto_get_bytes(b, KPROTO_TAG_TXID, m->txid, sizeof m->txid));
	TRY(kproto_get_i64(b, KPROTO_TAG_AMOUNT, &m->amount_fen));
	TRY(kproto_get_u8(b, KPROTO_TAG_FROM_ACCOUNT_KIND, &m->from_kind));
	m->to_kind = 0;
	m->pan[0] = '\0';
	if (kproto_next_tag(b) == KPROTO_TAG_PAN) {
		TRY(kproto_get_str(b, KPROTO_TAG_PAN, m->pan, sizeof m->pan));
		if (!kproto_pan_valid(m->pan))
			return KPROTO_E_FIELD_VALUE;
	} else {
		TRY(kproto_get_u8(b, KPROTO_TAG_TO_ACCOUNT_KIND, &m->to_kind));
		if (!account_kind_valid(m->to_kind))
			return KPROTO_E_FIELD_VALUE;
	}
	TRY(kproto_get_end(b));
	return account_kind_valid(m->from_kind) ? KPROTO_OK : KPROTO_E_FIELD_VALUE;
}

int
kproto_transfer_result_pack(struct kproto_buf *b, const struct kproto_transfer_result *m)
{
	kproto_buf_init(b);
	if (m->status > KPROTO_XFER_INVALID)
		return b->error = KPROTO_E_FIELD_VALUE;
	kproto_put_bytes(b, KPROTO_TAG_TXID, m->txid, sizeof m->txid);
	kproto_put_u8(b, KPROTO_TAG_TRANSFER_STATUS, m->status);
	return kproto_put_i64(b, KPROTO_TAG_AVAILABLE_AFTER, m->available_after_fen);
}

int
kproto_transfer_result_unpack(struct kproto_buf *b, struct kproto_transfer_result *m)
{
	TRY(kproto_get_bytes(b, KPROTO_TAG_TXID, m->txid, sizeof m->txid));
	TRY(kproto_get_u8(b, KPROTO_TAG_TRANSFER_STATUS, &m->status));
	TRY(kproto_get_i64(b, KPROTO_TAG_AVAILABLE_AFTER, &m->available_after_fen));
	TRY(kproto_get_end(b));
	return m->status > KPROTO_XFER_INVALID ? KPROTO_E_FIELD_VALUE : KPROTO_OK;
}

int
kproto_statement_pack(struct kproto_buf *b, const struct kproto_statement *m)
{
	kproto_buf_init(b);
	if (m->account > KPROTO_STATEMENT_SAVINGS)
		return b->error = KPROTO_E_FIELD_VALUE;
	return kproto_put_u8(b, KPROTO_TAG_STATEMENT_ACCOUNT, m->account);
}

int
kproto_statement_unpack(struct kproto_buf *b, struct kproto_statement *m)
{
	TRY(kproto_get_u8(b, KPROTO_TAG_STATEMENT_ACCOUNT, &m->account));
	TRY(kproto_get_end(b));
	return m->account > KPROTO_STATEMENT_SAVINGS ? KPROTO_E_FIELD_VALUE : KPROTO_OK;
}

/* A count, then the four fields of each line in turn: the count bounds the loop before
 * any line is read, so a reader never walks past the array. */
int
kproto_statement_lines_pack(struct kproto_buf *b, const struct kproto_statement_lines *m)
{
	kproto_buf_init(b);
	if (m->count > KPROTO_STATEMENT_LINES)
		return b->error = KPROTO_E_FIELD_VALUE;
	kproto_put_u8(b, KPROTO_TAG_LINE_COUNT, m->count);
	for (int i = 0; i < m->count; i++) {
		const struct kproto_statement_line *l = &m->line[i];
		if (l->kind > KPROTO_ENTRY_OTHER)
			return b->error = KPROTO_E_FIELD_VALUE;
		kproto_put_u64(b, KPROTO_TAG_ENTRY_AT, l->at);
		kproto_put_u8(b, KPROTO_TAG_ENTRY_KIND, l->kind);
		kproto_put_i64(b, KPROTO_TAG_ENTRY_AMOUNT, l->amount_fen);
		kproto_put_i64(b, KPROTO_TAG_BALANCE_AFTER, l->balance_after_fen);
	}
	return b->error;
}

int
kproto_statement_lines_unpack(struct kproto_buf *b, struct kproto_statement_lines *m)
{
	TRY(kproto_get_u8(b, KPROTO_TAG_LINE_COUNT, &m->count));
	if (m->count > KPROTO_STATEMENT_LINES)
		return KPROTO_E_FIELD_VALUE;
	for (int i = 0; i < m->count; i++) {
		struct kproto_statement_line *l = &m->line[i];
		TRY(kproto_get_u64(b, KPROTO_TAG_ENTRY_AT, &l->at));
		TRY(kproto_get_u8(b, KPROTO_TAG_ENTRY_KIND, &l->kind));
		TRY(kproto_get_i64(b, KPROTO_TAG_ENTRY_AMOUNT, &l->amount_fen));
		TRY(kproto_get_i64(b, KPROTO_TAG_BALANCE_AFTER, &l->balance_after_fen));
		if (l->kind > KPROTO_ENTRY_OTHER)
			return KPROTO_E_FIELD_VALUE;
	}
	return kproto_get_end(b);
}

int
kproto_pin_change_result_pack(struct kproto_buf *b,
    const struct kproto_pin_change_result *m)
{
	kproto_buf_init(b);
	if (m->status > KPROTO_PIN_WEAK_SAME)
		return b->error = KPROTO_E_FIELD_VALUE;
	return kproto_put_u8(b, KPROTO_TAG_PIN_CHANGE_STATUS, m->status);
}

int
kproto_pin_change_result_unpack(struct kproto_buf *b, struct kproto_pin_change_result *m)
{
	TRY(kproto_get_u8(b, KPROTO_TAG_PIN_CHANGE_STATUS, &m->status));
	TRY(kproto_get_end(b));
	return m->status > KPROTO_PIN_WEAK_SAME ? KPROTO_E_FIELD_VALUE : KPROTO_OK;
}

/* A count, then each card's last four digits and status: as a statement's lines. */
int
kproto_card_list_info_pack(struct kproto_buf *b, const struct kproto_card_list_info *m)
{
	kproto_buf_init(b);
	if (m->count > KPROTO_CARDS_MAX)
		return b->error = KPROTO_E_FIELD_VALUE;
	kproto_put_u8(b, KPROTO_TAG_CARD_COUNT, m->count);
	for (int i = 0; i < m->count; i++) {
		if (!last4_valid(m->card[i].last4) || m->card[i].status > KPROTO_CARD_CANCELLED)
			return b->error = KPROTO_E_FIELD_VALUE;
		kproto_put_str(b, KPROTO_TAG_CARD_LAST4, m->card[i].last4);
		kproto_put_u8(b, KPROTO_TAG_CARD_STATUS, m->card[i].status);
	}
	return b->error;
}

int
kproto_card_list_info_unpack(struct kproto_buf *b, struct kproto_card_list_info *m)
{
	TRY(kproto_get_u8(b, KPROTO_TAG_CARD_COUNT, &m->count));
	if (m->count > KPROTO_CARDS_MAX)
		return KPROTO_E_FIELD_VALUE;
	for (int i = 0; i < m->count; i++) {
		TRY(kproto_get_str(b, KPROTO_TAG_CARD_LAST4, m->card[i].last4,
		    sizeof m->card[i].last4));
		TRY(kproto_get_u8(b, KPROTO_TAG_CARD_STATUS, &m->card[i].status));
		if (!last4_valid(m->card[i].last4) || m->card[i].status > KPROTO_CARD_CANCELLED)
			return KPROTO_E_FIELD_VALUE;
	}
	return kproto_get_end(b);
}

int
kproto_card_report_lost_pack(struct kproto_buf *b, const struct kproto_card_report_lost *m)
{
	kproto_buf_init(b);
	if (m->index >= KPROTO_CARDS_MAX)
		return b->error = KPROTO_E_FIELD_VALUE;
	return kproto_put_u8(b, KPROTO_TAG_CARD_INDEX, m->index);
}

int
kproto_card_report_lost_unpack(struct kproto_buf *b, struct kproto_card_report_lost *m)
{
	TRY(kproto_get_u8(b, KPROTO_TAG_CARD_INDEX, &m->index));
	TRY(kproto_get_end(b));
	return m->index >= KPROTO_CARDS_MAX ? KPROTO_E_FIELD_VALUE : KPROTO_OK;
}

/* ---- staff ---------------------------------------------------------------------- */

/* A reason is a short code the branch's pager shows: nothing to escape, nothing free. */
int
kproto_staff_reason_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > KPROTO_STAFF_REASON_MAX)
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
			return 0;
	return 1;
}

int
kproto_staff_id_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > KPROTO_STAFF_ID_MAX)
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

int
kproto_staff_call_pack(struct kproto_buf *b, const struct kproto_staff_call *m)
{
	kproto_buf_init(b);
	if (!kproto_staff_reason_valid(m->reason))
		return b->error = KPROTO_E_FIELD_VALUE;
	return kproto_put_str(b, KPROTO_TAG_STAFF_REASON, m->reason);
}

int
kproto_staff_call_unpack(struct kproto_buf *b, struct kproto_staff_call *m)
{
	TRY(kproto_get_str(b, KPROTO_TAG_STAFF_REASON, m->reason, sizeof m->reason));
	TRY(kproto_get_end(b));
	return kproto_staff_reason_valid(m->reason) ? KPROTO_OK : KPROTO_E_FIELD_VALUE;
}

int
kproto_staff_auth_pack(struct kproto_buf *b, const struct kproto_staff_auth *m)
{
	kproto_buf_init(b);
	if (!kproto_staff_id_valid(m->staff_id) ||
	    m->sealed_len < KPROTO_PIN_MIN + KPROTO_SEAL_OVERHEAD ||
	    m->sealed_len > KPROTO_SEALED_PIN_MAX)
		return b->error = KPROTO_E_FIELD_VALUE;
	kproto_put_str(b, KPROTO_TAG_STAFF_ID, m->staff_id);
	return kproto_put_bytes(b, KPROTO_TAG_SEALED_PIN, m->sealed, m->sealed_len);
}

int
kproto_staff_auth_unpack(struct kproto_buf *b, struct kproto_staff_auth *m)
{
	const unsigned char *p;
	size_t len;

	TRY(kproto_get_str(b, KPROTO_TAG_STAFF_ID, m->staff_id, sizeof m->staff_id));
	TRY(kproto_get_blob(b, KPROTO_TAG_SEALED_PIN, KPROTO_PIN_MIN + KPROTO_SEAL_OVERHEAD,
	    KPROTO_SEALED_PIN_MAX, &p, &len));
	TRY(kproto_get_end(b));
	memcpy(m->sealed, p, len);
	m->sealed_len = len;
	return kproto_staff_id_valid(m->staff_id) ? KPROTO_OK : KPROTO_E_FIELD_VALUE;
}

int
kproto_staff_result_pack(struct kproto_buf *b, const struct kproto_staff_result *m)
{
	kproto_buf_init(b);
	if (m->status > KPROTO_STAFF_UNKNOWN)
		return b->error = KPROTO_E_FIELD_VALUE;
	kproto_put_u8(b, KPROTO_TAG_STAFF_STATUS, m->status);
	return kproto_put_u8(b, KPROTO_TAG_TRIES_LEFT, m->tries_left);
}

int
kproto_staff_result_unpack(struct kproto_buf *b, struct kproto_staff_result *m)
{
	TRY(kproto_get_u8(b, KPROTO_TAG_STAFF_STATUS, &m->status));
	TRY(kproto_get_u8(b, KPROTO_TAG_TRIES_LEFT, &m->tries_left));
	TRY(kproto_get_end(b));
	return m->status > KPROTO_STAFF_UNKNOWN ? KPROTO_E_FIELD_VALUE : KPROTO_OK;
}

int
kproto_profile_pack(struct kproto_buf *b, const struct kproto_profile *m)
{
	kproto_buf_init(b);
	if (!lang_valid(m->lang) || (m->flags & ~KPROTO_CARD_F_PROFILE) != 0)
		return b->error = KPROTO_E_FIELD_VALUE;
	kproto_put_str(b, KPROTO_TAG_LANG, m->lang);
	kproto_put_u32(b, KPROTO_TAG_CARD_FLAGS, m->flags);
	return profile_settings_put(b, m->volume, m->rate, m->text_size, m->theme);
}

int
kproto_profile_unpack(struct kproto_buf *b, struct kproto_profile *m)
{
	TRY(kproto_get_str(b, KPROTO_TAG_LANG, m->lang, sizeof m->lang));
	TRY(kproto_get_u32(b, KPROTO_TAG_CARD_FLAGS, &m->flags));
	TRY(profile_settings_get(b, &m->volume, &m->rate, &m->text_size, m->theme));
	TRY(kproto_get_end(b));
	if (!lang_valid(m->lang) || (m->flags & ~KPROTO_CARD_F_PROFILE) != 0)
		return KPROTO_E_FIELD_VALUE;
	return KPROTO_OK;
}
