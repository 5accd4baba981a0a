/*
 * kiosk-bankd's permission table: each request answered in each state, through
 * bank_session_dispatch on a real demo bank on either backend.
 * Usage: test_bankd_session [sqlite | pg CONNINFO [PG-SERVER]] (with a database
 * "session" on that server; PG-SERVER is not used here).
 */
#include "bankd/bankd.h"

#include "common/log.h"

#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"


static unsigned char adapter_pk[KPROTO_PK_LEN], *adapter_sk;
static struct bank bk;
static struct kproto_buf req, resp;
static uint8_t rtype;
static int pin_fd = -1;                 /* the PIN workers', while bk.pin_pool */

/* What serve.c does when the PIN workers are done: the job's answer. */
static void
pool_wait(struct bank_session *s)
{
	struct pollfd pfd = { .fd = pin_fd, .events = POLLIN };
	struct pin_job *j = NULL;

	for (int i = 0; i < 100 && j == NULL; i++)
		if ((j = pinpool_take()) == NULL)
			poll(&pfd, 1, 100);
	CHECK(j != NULL);
	if (j == NULL)
		return;
	bank_session_pin_done(&bk, s, j, &rtype, &resp);
	pinpool_job_free(j);
}

/* PIN checks on two PIN workers, as kiosk-bankd --pin-workers 2, until pool_stop. */
static void
pool_start(void)
{
	char err[256];

	pin_fd = pinpool_start(2, 8, err, sizeof err);
	CHECK(pin_fd >= 0);
	bk.pin_pool = 1;
}

static void
pool_stop(void)
{
	bk.pin_pool = 0;
	pinpool_stop();
	pin_fd = -1;
}

static void
call(struct bank_session *s, uint8_t type)
{
	rtype = 0;
	bank_session_dispatch(&bk, s, type, &req, &rtype, &resp);
	if (s->pin_pending) {
		CHECK_EQ(rtype, 0);
		pool_wait(s);
	}
}

static void
call_empty(struct bank_session *s, uint8_t type)
{
	kproto_buf_init(&req);
	call(s, type);
}

/* The last answer must be ERROR code; its message must name the request. */
static void
expect_error(uint16_t code, const char *name, int line)
{
	struct kproto_error e;

	if (rtype != KPROTO_MSG_ERROR) {
		fprintf(stderr, "%s:%d: expected ERROR, got %s\n", __FILE__, line,
		    kproto_type_to_str(rtype));
		failures++;
		return;
	}
	if (kproto_error_unpack(&resp, &e) != KPROTO_OK || e.code != code ||
	    (name != NULL && strstr(e.message, name) == NULL)) {
		fprintf(stderr, "%s:%d: expected ERROR %u naming %s, got %u \"%s\"\n", __FILE__,
		    line, code, name ? name : "-", e.code, e.message);
		failures++;
	}
}
#define EXPECT_ERROR(code, name) expect_error(code, name, __LINE__)

static struct kproto_card_info
card_open(struct bank_session *s, const char *pan)
{
	struct kproto_card_open co;
	struct kproto_card_info ci;

	memset(&ci, 0xff, sizeof ci);
	snprintf(co.pan, sizeof co.pan, "%s", pan);
	CHECK_EQ(kproto_card_open_pack(&req, &co), KPROTO_OK);
	call(s, KPROTO_MSG_CARD_OPEN);
	if (rtype == KPROTO_MSG_CARD_INFO)
		CHECK_EQ(kproto_card_info_unpack(&resp, &ci), KPROTO_OK);
	return ci;
}

/* PIN_VERIFY or PIN_CHANGE with pin sealed to pk. */
static void
pin_call(struct bank_session *s, uint8_t type, const char *pin, const unsigned char *pk)
{
	struct kproto_pin_verify pv;

	CHECK_EQ(kproto_pin_seal(pin, pk, pv.sealed, sizeof pv.sealed, &pv.sealed_len),
	    KPROTO_OK);
	CHECK_EQ(kproto_pin_verify_pack(&req, &pv), KPROTO_OK);
	call(s, type);
}

static struct kproto_pin_result
pin_verify(struct bank_session *s, const char *pin, const unsigned char *pk)
{
	struct kproto_pin_result pr;

	memset(&pr, 0xff, sizeof pr);
	pin_call(s, KPROTO_MSG_PIN_VERIFY, pin, pk);
	if (rtype == KPROTO_MSG_PIN_RESULT)
		CHECK_EQ(kproto_pin_result_unpack(&resp, &pr), KPROTO_OK);
	return pr;
}

static struct kproto_balance_info
balance(struct bank_session *s)
{
	struct kproto_balance_info bi;

	memset(&bi, 0, sizeof bi);
	call_empty(s, KPROTO_MSG_BALANCE);
	CHECK_EQ(rtype, KPROTO_MSG_BALANCE_INFO);
	if (rtype == KPROTO_MSG_BALANCE_INFO)
		CHECK_EQ(kproto_balance_info_unpack(&resp, &bi), KPROTO_OK);
	return bi;
}

static struct kproto_withdraw_result
withdraw(struct bank_session *s, const unsigned char *txid, int64_t amount)
{
	struct kproto_withdraw_auth wa;
	struct kproto_withdraw_result wr;

	memset(&wr, 0xff, sizeof wr);
	memcpy(wa.txid, txid, KPROTO_TXID_LEN);
	wa.amount_fen = amount;
	CHECK_EQ(kproto_withdraw_auth_pack(&req, &wa), KPROTO_OK);
	call(s, KPROTO_MSG_WITHDRAW_AUTH);
	if (rtype == KPROTO_MSG_WITHDRAW_RESULT)
		CHECK_EQ(kproto_withdraw_result_unpack(&resp, &wr), KPROTO_OK);
	return wr;
}

static void
settle(struct bank_session *s, uint8_t type, const unsigned char *txid)
{
	struct kproto_withdraw_txid wt;

	memcpy(wt.txid, txid, KPROTO_TXID_LEN);
	CHECK_EQ(kproto_withdraw_txid_pack(&req, &wt), KPROTO_OK);
	call(s, type);
}

static void
test_before_pin(void)
{
	struct bank_session s;
	unsigned char tx[16];

	memset(tx, 0x33, sizeof tx);
	bank_session_init(&s, 1);

	/* Nothing but CARD_OPEN without a card. */
	call_empty(&s, KPROTO_MSG_BALANCE);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "BALANCE");
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "CARD_CLOSE");
	pin_verify(&s, "1234", adapter_pk);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "PIN_VERIFY");
	CHECK_EQ(s.state, BANK_NO_CARD);

	struct kproto_card_info ci = card_open(&s, "6222000000000017");
	CHECK_EQ(rtype, KPROTO_MSG_CARD_INFO);
	CHECK_EQ(ci.status, KPROTO_CARD_OK);
	CHECK(strcmp(ci.holder, "张伟 Zhang Wei") == 0);
	CHECK_EQ(s.state, BANK_CARD);

	/* Money only after the PIN. */
	call_empty(&s, KPROTO_MSG_BALANCE);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "BALANCE");
	withdraw(&s, tx, 10000);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "WITHDRAW_AUTH");
	settle(&s, KPROTO_MSG_WITHDRAW_COMPLETE, tx);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "WITHDRAW_COMPLETE");
	card_open(&s, "6222000000000025");
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "CARD_OPEN");
	CHECK(strcmp(s.pan, "6222000000000017") == 0);

	/* A PIN sealed to another key does not open and costs no try. */
	unsigned char opk[KPROTO_PK_LEN], osk[KPROTO_SK_LEN];
	crypto_sign_keypair(opk, osk);
	pin_verify(&s, "1234", opk);
	EXPECT_ERROR(KPROTO_ERROR_MALFORMED, "PIN_VERIFY");
	struct kproto_pin_result pr = pin_verify(&s, "4321", adapter_pk);
	CHECK_EQ(rtype, KPROTO_MSG_PIN_RESULT);
	CHECK_EQ(pr.status, KPROTO_PIN_WRONG);
	CHECK_EQ(pr.tries_left, 2);
	CHECK_EQ(s.state, BANK_CARD);
	pr = pin_verify(&s, "1234", adapter_pk);
	CHECK_EQ(pr.status, KPROTO_PIN_OK);
	CHECK_EQ(pr.tries_left, 3);
	CHECK_EQ(pr.available_fen, 500000);
	CHECK_EQ(pr.daily_remaining_fen, 500000);
	CHECK_EQ(pr.note_fen, 10000);
	CHECK_EQ(s.state, BANK_AUTHED);
	pin_verify(&s, "1234", adapter_pk);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "PIN_VERIFY");

	/* Malformed payloads: ERROR 2, the session goes on. */
	kproto_buf_init(&req);
	kproto_put_u8(&req, 1, 1);
	call(&s, KPROTO_MSG_BALANCE);
	EXPECT_ERROR(KPROTO_ERROR_MALFORMED, "BALANCE");
	kproto_buf_init(&req);
	kproto_put_i64(&req, KPROTO_TAG_AMOUNT, 10000);
	call(&s, KPROTO_MSG_WITHDRAW_AUTH);
	EXPECT_ERROR(KPROTO_ERROR_MALFORMED, "WITHDRAW_AUTH");
	call_empty(&s, 0x3e);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "0x3e");
	CHECK_EQ(s.state, BANK_AUTHED);

	/* COMPLETE of a txid never authorised. */
	settle(&s, KPROTO_MSG_WITHDRAW_COMPLETE, tx);
	EXPECT_ERROR(KPROTO_ERROR_UNKNOWN_TX, "WITHDRAW_COMPLETE");
	settle(&s, KPROTO_MSG_WITHDRAW_REVERSE, tx);
	EXPECT_ERROR(KPROTO_ERROR_UNKNOWN_TX, "WITHDRAW_REVERSE");

	/* After CARD_CLOSE, nothing but CARD_OPEN. */
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
	CHECK_EQ(rtype, KPROTO_MSG_OK);
	CHECK_EQ(s.state, BANK_NO_CARD);
	call_empty(&s, KPROTO_MSG_BALANCE);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "BALANCE");
	pin_verify(&s, "1234", adapter_pk);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "PIN_VERIFY");
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "CARD_CLOSE");
	/* A new card needs its own PIN. */
	card_open(&s, "6222000000000017");
	CHECK_EQ(rtype, KPROTO_MSG_CARD_INFO);
	call_empty(&s, KPROTO_MSG_BALANCE);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "BALANCE");
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
	CHECK_EQ(rtype, KPROTO_MSG_OK);
}

static void
test_refused_cards(void)
{
	struct bank_session s;
	struct kproto_card_info ci;

	bank_session_init(&s, 2);
	ci = card_open(&s, "6222000000000041");
	CHECK_EQ(rtype, KPROTO_MSG_CARD_INFO);
	CHECK_EQ(ci.status, KPROTO_CARD_LOCKED);
	CHECK_EQ(s.state, BANK_CARD_REFUSED);
	pin_verify(&s, "4321", adapter_pk);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "PIN_VERIFY");
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
	CHECK_EQ(rtype, KPROTO_MSG_OK);

	ci = card_open(&s, "6222000000000058");
	CHECK_EQ(ci.status, KPROTO_CARD_LOST);
	pin_verify(&s, "1111", adapter_pk);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "PIN_VERIFY");
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);

	ci = card_open(&s, "6222000000000077");
	CHECK_EQ(ci.status, KPROTO_CARD_UNKNOWN);
	CHECK_EQ(s.state, BANK_CARD_REFUSED);
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);

	/* Three wrong PINs through the session: locked, and the session says so. */
	ci = card_open(&s, "6222000000000025");
	CHECK_EQ(ci.status, KPROTO_CARD_OK);
	CHECK_EQ(pin_verify(&s, "0001", adapter_pk).status, KPROTO_PIN_WRONG);
	CHECK_EQ(pin_verify(&s, "0002", adapter_pk).status, KPROTO_PIN_WRONG);
	struct kproto_pin_result pr = pin_verify(&s, "0003", adapter_pk);
	CHECK_EQ(pr.status, KPROTO_PIN_LOCKED);
	CHECK_EQ(pr.tries_left, 0);
	CHECK_EQ(s.state, BANK_CARD_REFUSED);
	pin_verify(&s, "2580", adapter_pk);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "PIN_VERIFY");
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
	ci = card_open(&s, "6222000000000025");
	CHECK_EQ(ci.status, KPROTO_CARD_LOCKED);
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
}

static void
test_withdraw(void)
{
	struct bank_session s, other;
	struct kproto_withdraw_result wr;
	struct kproto_balance_info bi;
	unsigned char t1[16], t2[16], t3[16];

	randombytes_buf(t1, sizeof t1);
	randombytes_buf(t2, sizeof t2);
	randombytes_buf(t3, sizeof t3);
	bank_session_init(&s, 3);
	card_open(&s, "6222000000000033");
	CHECK_EQ(pin_verify(&s, "1357", adapter_pk).status, KPROTO_PIN_OK);
	bi = balance(&s);
	CHECK_EQ(bi.balance_fen, 80000);
	CHECK_EQ(bi.available_fen, 80000);

	wr = withdraw(&s, t1, 30000);
	CHECK_EQ(rtype, KPROTO_MSG_WITHDRAW_RESULT);
	CHECK_EQ(wr.status, KPROTO_WD_APPROVED);
	CHECK_EQ(wr.available_after_fen, 50000);
	bi = balance(&s);
	CHECK_EQ(bi.balance_fen, 80000);
	CHECK_EQ(bi.available_fen, 50000);

	/* Complete once; the second completion is refused and debits nothing. */
	settle(&s, KPROTO_MSG_WITHDRAW_COMPLETE, t1);
	CHECK_EQ(rtype, KPROTO_MSG_OK);
	bi = balance(&s);
	CHECK_EQ(bi.balance_fen, 50000);
	CHECK_EQ(bi.available_fen, 50000);
	settle(&s, KPROTO_MSG_WITHDRAW_COMPLETE, t1);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "WITHDRAW_COMPLETE");
	settle(&s, KPROTO_MSG_WITHDRAW_REVERSE, t1);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "WITHDRAW_REVERSE");
	withdraw(&s, t1, 30000);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "WITHDRAW_AUTH");
	bi = balance(&s);
	CHECK_EQ(bi.balance_fen, 50000);

	/* Reverse releases the hold. */
	wr = withdraw(&s, t2, 20000);
	CHECK_EQ(wr.status, KPROTO_WD_APPROVED);
	CHECK_EQ(balance(&s).available_fen, 30000);
	settle(&s, KPROTO_MSG_WITHDRAW_REVERSE, t2);
	CHECK_EQ(rtype, KPROTO_MSG_OK);
	bi = balance(&s);
	CHECK_EQ(bi.balance_fen, 50000);
	CHECK_EQ(bi.available_fen, 50000);
	settle(&s, KPROTO_MSG_WITHDRAW_COMPLETE, t2);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "WITHDRAW_COMPLETE");

	/* Refusals come as WITHDRAW_RESULT statuses. */
	CHECK_EQ(withdraw(&s, t3, 60000).status, KPROTO_WD_INSUFFICIENT);
	CHECK_EQ(withdraw(&s, t3, 5000).status, KPROTO_WD_NOT_MULTIPLE);
	CHECK_EQ(withdraw(&s, t3, 0).status, KPROTO_WD_INVALID);
	CHECK_EQ(withdraw(&s, t3, 600000).status, KPROTO_WD_OVER_LIMIT);
	settle(&s, KPROTO_MSG_WITHDRAW_COMPLETE, t3);
	EXPECT_ERROR(KPROTO_ERROR_UNKNOWN_TX, "WITHDRAW_COMPLETE");

	/* A hold authorised in one session cannot be completed from another. */
	wr = withdraw(&s, t3, 10000);
	CHECK_EQ(wr.status, KPROTO_WD_APPROVED);
	bank_session_init(&other, 4);
	card_open(&other, "6222000000000033");
	CHECK_EQ(pin_verify(&other, "1357", adapter_pk).status, KPROTO_PIN_OK);
	settle(&other, KPROTO_MSG_WITHDRAW_COMPLETE, t3);
	EXPECT_ERROR(KPROTO_ERROR_UNKNOWN_TX, "WITHDRAW_COMPLETE");
	CHECK_EQ(balance(&other).balance_fen, 50000);
	call_empty(&other, KPROTO_MSG_CARD_CLOSE);
	settle(&s, KPROTO_MSG_WITHDRAW_COMPLETE, t3);
	CHECK_EQ(rtype, KPROTO_MSG_OK);
	CHECK_EQ(balance(&s).balance_fen, 40000);

	/* At most BANK_TX_MAX withdrawals per card session. */
	for (int i = 0; i < BANK_TX_MAX + 1; i++) {
		unsigned char t[16];
		randombytes_buf(t, sizeof t);
		withdraw(&s, t, 10000);
		if (rtype == KPROTO_MSG_WITHDRAW_RESULT)
			settle(&s, KPROTO_MSG_WITHDRAW_REVERSE, t);
	}
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "WITHDRAW_AUTH");
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
	CHECK_EQ(rtype, KPROTO_MSG_OK);
}

static void
settle_req(struct bank_session *s, const unsigned char *txid, uint8_t outcome)
{
	struct kproto_settle m;

	memcpy(m.txid, txid, KPROTO_TXID_LEN);
	m.outcome = outcome;
	CHECK_EQ(kproto_settle_pack(&req, &m), KPROTO_OK);
	call(s, KPROTO_MSG_SETTLE);
}

/*
 * Recovery: a kiosk's new connection settles the holds its old one left, in no-card
 * state only, each once, and never another kiosk's.
 */
static void
test_settle(void)
{
	struct bank_session s, later, other;
	unsigned char t1[16], t2[16], t3[16];
	int64_t start;

	randombytes_buf(t1, sizeof t1);
	randombytes_buf(t2, sizeof t2);
	randombytes_buf(t3, sizeof t3);
	bank_session_init(&s, 10);
	bank_session_set_kiosk(&s, "BR001-K01");
	card_open(&s, "6222000000000017");
	CHECK_EQ(pin_verify(&s, "1234", adapter_pk).status, KPROTO_PIN_OK);
	start = balance(&s).balance_fen;
	CHECK_EQ(withdraw(&s, t1, 30000).status, KPROTO_WD_APPROVED);
	CHECK_EQ(withdraw(&s, t2, 20000).status, KPROTO_WD_APPROVED);
	CHECK_EQ(withdraw(&s, t3, 10000).status, KPROTO_WD_APPROVED);
	/* Not while a card is open, even this kiosk's own. */
	settle_req(&s, t1, KPROTO_SETTLE_COMPLETE);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "SETTLE");
	/* The connection drops: the holds stay. */
	bank_session_reset(&s);
	CHECK(strcmp(s.kiosk_id, "BR001-K01") == 0);

	/* The kiosk's next connection settles them as its journal says. */
	bank_session_init(&later, 11);
	bank_session_set_kiosk(&later, "BR001-K01");
	settle_req(&later, t1, KPROTO_SETTLE_COMPLETE);
	CHECK_EQ(rtype, KPROTO_MSG_OK);
	settle_req(&later, t1, KPROTO_SETTLE_COMPLETE);
	CHECK_EQ(rtype, KPROTO_MSG_OK);
	settle_req(&later, t1, KPROTO_SETTLE_REVERSE);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "SETTLE");
	settle_req(&later, t2, KPROTO_SETTLE_REVERSE);
	CHECK_EQ(rtype, KPROTO_MSG_OK);
	settle_req(&later, t2, KPROTO_SETTLE_COMPLETE);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "SETTLE");

	/* Another kiosk cannot touch t3; an outcome out of range is malformed. */
	bank_session_init(&other, 12);
	bank_session_set_kiosk(&other, "BR001-K02");
	settle_req(&other, t3, KPROTO_SETTLE_COMPLETE);
	EXPECT_ERROR(KPROTO_ERROR_UNKNOWN_TX, "SETTLE");
	kproto_buf_init(&req);
	kproto_put_bytes(&req, KPROTO_TAG_TXID, t3, sizeof t3);
	kproto_put_u8(&req, KPROTO_TAG_OUTCOME, 2);
	call(&later, KPROTO_MSG_SETTLE);
	EXPECT_ERROR(KPROTO_ERROR_MALFORMED, "SETTLE");
	settle_req(&later, t3, KPROTO_SETTLE_REVERSE);
	CHECK_EQ(rtype, KPROTO_MSG_OK);

	/* Exactly t1 was debited, once. */
	card_open(&later, "6222000000000017");
	CHECK_EQ(pin_verify(&later, "1234", adapter_pk).status, KPROTO_PIN_OK);
	struct kproto_balance_info bi = balance(&later);
	CHECK_EQ(bi.balance_fen, start - 30000);
	CHECK_EQ(bi.available_fen, start - 30000);
	/* After SETTLE the withdrawal cannot be completed a second way either. */
	settle(&later, KPROTO_MSG_WITHDRAW_COMPLETE, t1);
	EXPECT_ERROR(KPROTO_ERROR_UNKNOWN_TX, "WITHDRAW_COMPLETE");
	call_empty(&later, KPROTO_MSG_CARD_CLOSE);
	CHECK_EQ(rtype, KPROTO_MSG_OK);
}

static struct kproto_statement_lines
statement(struct bank_session *s, uint8_t account)
{
	struct kproto_statement st = { .account = account };
	struct kproto_statement_lines sl;

	memset(&sl, 0, sizeof sl);
	CHECK_EQ(kproto_statement_pack(&req, &st), KPROTO_OK);
	call(s, KPROTO_MSG_STATEMENT);
	if (rtype == KPROTO_MSG_STATEMENT_LINES)
		CHECK_EQ(kproto_statement_lines_unpack(&resp, &sl), KPROTO_OK);
	return sl;
}

/* The PIN_CHANGE_RESULT status of a request giving the new pin (PIN_CHANGE,
 * CARD_ACTIVATE, CARD_UNLOCK, CARD_PIN_RESET), or -1 for another answer. */
static int
pin_give(struct bank_session *s, uint8_t type, const char *pin)
{
	struct kproto_pin_change_result pr;

	pin_call(s, type, pin, adapter_pk);
	if (rtype != KPROTO_MSG_PIN_CHANGE_RESULT)
		return -1;
	CHECK_EQ(kproto_pin_change_result_unpack(&resp, &pr), KPROTO_OK);
	return pr.status;
}

static int
pin_change(struct bank_session *s, const char *pin)
{
	return pin_give(s, KPROTO_MSG_PIN_CHANGE, pin);
}

/* A card of no customer, with its own account alone and the PIN pin. */
static void
card_add(const char *pan, const char *pin)
{
	char hash[crypto_pwhash_STRBYTES], sql[512], err[256];

	CHECK_EQ(ledger_pin_hash_make(hash, sizeof hash, pin), 0);
	snprintf(sql, sizeof sql, "INSERT INTO accounts (holder, balance_fen, currency) "
	    "VALUES ('Test Single', 10000, 'CNY'); INSERT INTO cards (pan, account_id, "
	    "pin_hash, status, tries_left) VALUES ('%s', (SELECT max(id) FROM accounts), "
	    "'%s', 'active', 3)", pan, hash);
	CHECK(db_exec(bk.db, sql, err, sizeof err) == 0);
}

/* Statements: only after the PIN, the last ten entries newest first, adding up to the
 * balance; an account the customer does not have is ERROR 6. */
static void
test_statement(void)
{
	struct kproto_statement_lines sl;
	struct kproto_balance_info bi;
	struct bank_session s;

	bank_session_init(&s, 7);
	statement(&s, KPROTO_STATEMENT_CURRENT);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "STATEMENT");
	card_open(&s, "6222000000000017");
	statement(&s, KPROTO_STATEMENT_CURRENT);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "STATEMENT");
	CHECK_EQ(pin_change(&s, "7294"), -1);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "PIN_CHANGE");
	CHECK_EQ(pin_verify(&s, "1234", adapter_pk).status, KPROTO_PIN_OK);

	bi = balance(&s);
	sl = statement(&s, KPROTO_STATEMENT_CURRENT);
	CHECK_EQ(rtype, KPROTO_MSG_STATEMENT_LINES);
	CHECK_EQ(sl.count, 10);
	CHECK_EQ(sl.line[0].balance_after_fen, bi.balance_fen);
	for (int i = 1; i < sl.count; i++) {
		CHECK(sl.line[i].at <= sl.line[i - 1].at);
		CHECK_EQ(sl.line[i].balance_after_fen, sl.line[i - 1].balance_after_fen -
		    sl.line[i - 1].amount_fen);
	}
	sl = statement(&s, KPROTO_STATEMENT_SAVINGS);
	CHECK_EQ(rtype, KPROTO_MSG_STATEMENT_LINES);
	CHECK_EQ(sl.count, 2);
	CHECK(sl.line[0].kind == KPROTO_ENTRY_TRANSFER_OUT &&
	    sl.line[0].amount_fen == -100000 && sl.line[0].balance_after_fen == 2000000);
	kproto_buf_init(&req);
	kproto_put_u8(&req, KPROTO_TAG_STATEMENT_ACCOUNT, 2);
	call(&s, KPROTO_MSG_STATEMENT);
	EXPECT_ERROR(KPROTO_ERROR_MALFORMED, "STATEMENT");
	CHECK_EQ(s.state, BANK_AUTHED);
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);

	/* A card of no customer: its own account, no savings. */
	card_add("6222000000000082", "5823");
	card_open(&s, "6222000000000082");
	CHECK_EQ(pin_verify(&s, "5823", adapter_pk).status, KPROTO_PIN_OK);
	statement(&s, KPROTO_STATEMENT_SAVINGS);
	EXPECT_ERROR(KPROTO_ERROR_NO_ACCOUNT, "savings");
	sl = statement(&s, KPROTO_STATEMENT_CURRENT);
	CHECK_EQ(rtype, KPROTO_MSG_STATEMENT_LINES);
	CHECK_EQ(sl.count, 0);
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
	CHECK_EQ(rtype, KPROTO_MSG_OK);
}

/*
 * A PIN change: weak PINs refused with their reason and nothing changed, then one
 * change per verified PIN; the new PIN opens the card, the old one no longer does,
 * and the tries are as they were.
 */
static void
test_pin_change(const char *pan, const char *pin, const char *new_pin)
{
	unsigned char opk[KPROTO_PK_LEN], osk[KPROTO_SK_LEN];
	struct kproto_card_info ci;
	struct bank_session s;

	bank_session_init(&s, 8);
	card_open(&s, pan);
	CHECK_EQ(pin_verify(&s, pin, adapter_pk).status, KPROTO_PIN_OK);
	CHECK_EQ(pin_change(&s, "0000"), KPROTO_PIN_WEAK_REPEATED);
	CHECK_EQ(pin_change(&s, "3456"), KPROTO_PIN_WEAK_RUN);
	CHECK_EQ(pin_change(&s, "9876"), KPROTO_PIN_WEAK_RUN);
	CHECK_EQ(pin_change(&s, pin), KPROTO_PIN_WEAK_SAME);
	crypto_sign_keypair(opk, osk);
	pin_call(&s, KPROTO_MSG_PIN_CHANGE, new_pin, opk);
	EXPECT_ERROR(KPROTO_ERROR_MALFORMED, "PIN_CHANGE");
	CHECK_EQ(pin_change(&s, new_pin), KPROTO_PIN_CHANGED);
	CHECK_EQ(pin_change(&s, "8642"), -1);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "PIN_CHANGE");
	balance(&s);
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);

	ci = card_open(&s, pan);
	CHECK_EQ(ci.status, KPROTO_CARD_OK);
	CHECK_EQ(ci.tries_left, 3);
	struct kproto_pin_result pr = pin_verify(&s, pin, adapter_pk);
	CHECK_EQ(pr.status, KPROTO_PIN_WRONG);
	CHECK_EQ(pr.tries_left, 2);
	CHECK_EQ(pin_verify(&s, new_pin, adapter_pk).status, KPROTO_PIN_OK);
	/* A verified PIN allows one change again: back to the demo's PIN. */
	CHECK_EQ(pin_change(&s, pin), KPROTO_PIN_CHANGED);
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
	card_open(&s, pan);
	CHECK_EQ(pin_verify(&s, pin, adapter_pk).status, KPROTO_PIN_OK);
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
}

/* On the PIN workers: the same, and a change whose connection closed is not made. */
static void
test_pin_change_pool(void)
{
	struct bank_session s;
	struct pin_job *j = NULL;

	pool_start();
	card_add("6222000000000074", "5823");
	test_pin_change("6222000000000074", "5823", "6149");

	bank_session_init(&s, 9);
	card_open(&s, "6222000000000074");
	CHECK_EQ(pin_verify(&s, "5823", adapter_pk).status, KPROTO_PIN_OK);
	struct kproto_pin_verify pv;
	CHECK_EQ(kproto_pin_seal("6149", adapter_pk, pv.sealed, sizeof pv.sealed,
	    &pv.sealed_len), KPROTO_OK);
	CHECK_EQ(kproto_pin_verify_pack(&req, &pv), KPROTO_OK);
	rtype = 0xff;
	bank_session_dispatch(&bk, &s, KPROTO_MSG_PIN_CHANGE, &req, &rtype, &resp);
	CHECK_EQ(rtype, 0);
	CHECK_EQ(s.pin_pending, 1);
	for (int i = 0; i < 100 && j == NULL; i++)
		if ((j = pinpool_take()) == NULL)
			usleep(50000);
	CHECK(j != NULL);
	if (j != NULL) {
		bank_session_pin_done(&bk, NULL, j, &rtype, &resp);
		pinpool_job_free(j);
	}
	s.pin_pending = 0;
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
	card_open(&s, "6222000000000074");
	CHECK_EQ(pin_verify(&s, "5823", adapter_pk).status, KPROTO_PIN_OK);
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);

	pool_stop();
}

static int
card_activate(struct bank_session *s, const char *pin)
{
	return pin_give(s, KPROTO_MSG_CARD_ACTIVATE, pin);
}

/*
 * A new card: CARD_INFO says inactive; its letter's PIN opens it for CARD_ACTIVATE and
 * nothing else; the customer's own PIN, judged by the PIN change's rules, makes it an
 * ordinary card, which the letter's PIN no longer opens.
 */
static void
test_card_activate(void)
{
	struct kproto_card_info ci;
	struct bank_session s;

	bank_session_init(&s, 10);
	CHECK_EQ(card_activate(&s, "3860"), -1);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "CARD_ACTIVATE");
	ci = card_open(&s, "6222000000000090");
	CHECK_EQ(ci.status, KPROTO_CARD_INACTIVE);
	CHECK(strcmp(ci.holder, "陈静 Chen Jing") == 0);
	CHECK_EQ(card_activate(&s, "3860"), -1);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "CARD_ACTIVATE");
	CHECK_EQ(pin_verify(&s, "9518", adapter_pk).status, KPROTO_PIN_WRONG);
	CHECK_EQ(pin_verify(&s, "9517", adapter_pk).status, KPROTO_PIN_OK);
	CHECK_EQ(s.state, BANK_ACTIVATING);
	/* The letter's PIN alone moves no money and changes nothing else. */
	call_empty(&s, KPROTO_MSG_BALANCE);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "BALANCE");
	call_empty(&s, KPROTO_MSG_TRANSFER_OPTIONS);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "TRANSFER_OPTIONS");
	call_empty(&s, KPROTO_MSG_CARD_LIST);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "CARD_LIST");
	CHECK_EQ(pin_change(&s, "3860"), -1);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "PIN_CHANGE");
	CHECK_EQ(card_activate(&s, "5555"), KPROTO_PIN_WEAK_REPEATED);
	CHECK_EQ(card_activate(&s, "2345"), KPROTO_PIN_WEAK_RUN);
	CHECK_EQ(card_activate(&s, "9517"), KPROTO_PIN_WEAK_SAME);
	CHECK_EQ(s.state, BANK_ACTIVATING);
	CHECK_EQ(card_activate(&s, "3860"), KPROTO_PIN_CHANGED);
	CHECK_EQ(s.state, BANK_AUTHED);
	CHECK_EQ(balance(&s).balance_fen, 200000);
	CHECK_EQ(card_activate(&s, "4071"), -1);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "CARD_ACTIVATE");
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);

	ci = card_open(&s, "6222000000000090");
	CHECK_EQ(ci.status, KPROTO_CARD_OK);
	CHECK_EQ(ci.tries_left, 3);
	CHECK_EQ(pin_verify(&s, "9517", adapter_pk).status, KPROTO_PIN_WRONG);
	CHECK_EQ(pin_verify(&s, "3860", adapter_pk).status, KPROTO_PIN_OK);
	CHECK_EQ(s.state, BANK_AUTHED);
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);

	/* An active card is never activated again. */
	card_open(&s, "6222000000000017");
	CHECK_EQ(pin_verify(&s, "1234", adapter_pk).status, KPROTO_PIN_OK);
	CHECK_EQ(card_activate(&s, "3860"), -1);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "CARD_ACTIVATE");
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
}

static struct kproto_card_list_info
card_list(struct bank_session *s)
{
	struct kproto_card_list_info cl;

	memset(&cl, 0xff, sizeof cl);
	call_empty(s, KPROTO_MSG_CARD_LIST);
	CHECK_EQ(rtype, KPROTO_MSG_CARD_LIST_INFO);
	if (rtype == KPROTO_MSG_CARD_LIST_INFO)
		CHECK_EQ(kproto_card_list_info_unpack(&resp, &cl), KPROTO_OK);
	return cl;
}

static void
report_lost(struct bank_session *s, uint8_t index)
{
	struct kproto_card_report_lost rl = { .index = index };

	CHECK_EQ(kproto_card_report_lost_pack(&req, &rl), KPROTO_OK);
	call(s, KPROTO_MSG_CARD_REPORT_LOST);
}

/*
 * Reporting a card lost: after the PIN of another card of the customer, one of the
 * cards CARD_LIST_INFO listed (last four digits only), and only those; the lost card
 * is refused at CARD_OPEN from then on. Saying it twice is no error.
 */
static void
test_card_report_lost(void)
{
	struct kproto_card_list_info cl;
	struct bank_session s;

	bank_session_init(&s, 11);
	card_open(&s, "6222000000000017");
	call_empty(&s, KPROTO_MSG_CARD_LIST);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "CARD_LIST");
	report_lost(&s, 0);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "CARD_REPORT_LOST");
	CHECK_EQ(pin_verify(&s, "1234", adapter_pk).status, KPROTO_PIN_OK);
	report_lost(&s, 0);
	EXPECT_ERROR(KPROTO_ERROR_NO_CARD, "CARD_LIST_INFO");
	cl = card_list(&s);
	CHECK_EQ(cl.count, 1);
	CHECK(strcmp(cl.card[0].last4, "0108") == 0);
	CHECK_EQ(cl.card[0].status, KPROTO_CARD_OK);
	report_lost(&s, 1);
	EXPECT_ERROR(KPROTO_ERROR_NO_CARD, "CARD_REPORT_LOST");
	kproto_buf_init(&req);
	kproto_put_u8(&req, KPROTO_TAG_CARD_INDEX, KPROTO_CARDS_MAX);
	call(&s, KPROTO_MSG_CARD_REPORT_LOST);
	EXPECT_ERROR(KPROTO_ERROR_MALFORMED, "CARD_REPORT_LOST");
	report_lost(&s, 0);
	CHECK_EQ(rtype, KPROTO_MSG_OK);
	report_lost(&s, 0);
	CHECK_EQ(rtype, KPROTO_MSG_OK);
	cl = card_list(&s);
	CHECK_EQ(cl.count, 1);
	CHECK_EQ(cl.card[0].status, KPROTO_CARD_LOST);
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);

	CHECK_EQ(card_open(&s, "6222000000000108").status, KPROTO_CARD_LOST);
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
	/* A customer with one card has nothing to list; the list is theirs alone. */
	card_open(&s, "6222000000000025");
	CHECK_EQ(pin_verify(&s, "2580", adapter_pk).status, KPROTO_PIN_OK);
	CHECK_EQ(card_list(&s).count, 0);
	report_lost(&s, 0);
	EXPECT_ERROR(KPROTO_ERROR_NO_CARD, "CARD_REPORT_LOST");
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
}

/* Neither a PIN nor a whole card number may reach the log. */
/* TRANSFER to a payee (pan) or between own accounts (pan NULL); status, or -1 for
 * anything but a TRANSFER_RESULT. */
static int
transfer(struct bank_session *s, const unsigned char *txid, int64_t amount, int from,
    int to, const char *pan, struct kproto_transfer_result *tr)
{
	struct kproto_transfer t = { .amount_fen = amount, .from_kind = (uint8_t)from,
	    .to_kind = (uint8_t)to };

	memset(tr, 0xff, sizeof *tr);
	memcpy(t.txid, txid, KPROTO_TXID_LEN);
	if (pan != NULL)
		snprintf(t.pan, sizeof t.pan, "%s", pan);
	CHECK_EQ(kproto_transfer_pack(&req, &t), KPROTO_OK);
	call(s, KPROTO_MSG_TRANSFER);
	if (rtype != KPROTO_MSG_TRANSFER_RESULT)
		return -1;
	CHECK_EQ(kproto_transfer_result_unpack(&resp, tr), KPROTO_OK);
	CHECK(memcmp(tr->txid, txid, KPROTO_TXID_LEN) == 0);
	return tr->status;
}

static void
payee_lookup(struct bank_session *s, const char *pan)
{
	struct kproto_payee_lookup pl;

	snprintf(pl.pan, sizeof pl.pan, "%s", pan);
	CHECK_EQ(kproto_payee_lookup_pack(&req, &pl), KPROTO_OK);
	call(s, KPROTO_MSG_PAYEE_LOOKUP);
}

/* Transfers through the permission table: only after the PIN, each txid once. */
static void
test_transfer(void)
{
	struct kproto_transfer_result tr;
	struct kproto_transfer_choices tc;
	struct kproto_payee pi;
	struct kproto_card_info ci;
	struct bank_session s;
	unsigned char t[BANK_TX_MAX + 1][16];
	char err[256];

	/* Fixed txids: the log check below looks for PIN digits, which a random txid's
	 * hex in the log could hold by chance. */
	for (int i = 0; i <= BANK_TX_MAX; i++)
		memset(t[i], 0xa0 + i, sizeof t[i]);
	bank_session_init(&s, 5);
	call_empty(&s, KPROTO_MSG_TRANSFER_OPTIONS);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "TRANSFER_OPTIONS");
	card_open(&s, "6222000000000017");
	call_empty(&s, KPROTO_MSG_TRANSFER_OPTIONS);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "TRANSFER_OPTIONS");
	payee_lookup(&s, "6222000000000041");
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "PAYEE_LOOKUP");
	CHECK_EQ(transfer(&s, t[0], 10000, 0, 0, "6222000000000025", &tr), -1);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "TRANSFER");
	CHECK_EQ(pin_verify(&s, "1234", adapter_pk).status, KPROTO_PIN_OK);
	int64_t start = balance(&s).balance_fen;

	call_empty(&s, KPROTO_MSG_TRANSFER_OPTIONS);
	CHECK_EQ(rtype, KPROTO_MSG_TRANSFER_CHOICES);
	if (rtype == KPROTO_MSG_TRANSFER_CHOICES)
		CHECK_EQ(kproto_transfer_choices_unpack(&resp, &tc), KPROTO_OK);
	CHECK_EQ(tc.naccounts, 2);
	CHECK_EQ(tc.npayees, 2);
	CHECK(strcmp(tc.payees[0].pan, "6222000000000025") == 0);
	CHECK(strcmp(tc.payees[0].name, "李*英") == 0);
	CHECK_EQ(tc.transfer_remaining_fen, BANKD_TRANSFER_LIMIT_FEN);
	kproto_buf_init(&req);
	kproto_put_u8(&req, KPROTO_TAG_ACCOUNT_KIND, 0);
	call(&s, KPROTO_MSG_TRANSFER_OPTIONS);
	EXPECT_ERROR(KPROTO_ERROR_MALFORMED, "TRANSFER_OPTIONS");

	/* A typed payee: known, a slip of the finger, unknown, not a card number. */
	payee_lookup(&s, "6222000000000041");
	CHECK_EQ(rtype, KPROTO_MSG_PAYEE_INFO);
	if (rtype == KPROTO_MSG_PAYEE_INFO)
		CHECK_EQ(kproto_payee_info_unpack(&resp, &pi), KPROTO_OK);
	CHECK(strcmp(pi.name, "赵*") == 0 && pi.paid_before == 0);
	payee_lookup(&s, "6222000000000042");
	EXPECT_ERROR(KPROTO_ERROR_UNKNOWN_PAYEE, "bad card number");
	payee_lookup(&s, "6222000000000066");
	EXPECT_ERROR(KPROTO_ERROR_UNKNOWN_PAYEE, "unknown payee");
	kproto_buf_init(&req);
	kproto_put_str(&req, KPROTO_TAG_PAN, "12345");
	call(&s, KPROTO_MSG_PAYEE_LOOKUP);
	EXPECT_ERROR(KPROTO_ERROR_MALFORMED, "PAYEE_LOOKUP");

	/* Approved once; the retry answers the same and moves nothing. */
	CHECK_EQ(transfer(&s, t[0], 10000, 0, 0, "6222000000000025", &tr),
	    KPROTO_XFER_APPROVED);
	CHECK_EQ(tr.available_after_fen, start - 10000);
	CHECK_EQ(transfer(&s, t[0], 10000, 0, 0, "6222000000000025", &tr),
	    KPROTO_XFER_APPROVED);
	CHECK_EQ(tr.available_after_fen, start - 10000);
	CHECK_EQ(balance(&s).balance_fen, start - 10000);
	CHECK_EQ(transfer(&s, t[0], 20000, 0, 0, "6222000000000025", &tr), -1);
	EXPECT_ERROR(KPROTO_ERROR_MALFORMED, "TRANSFER");
	CHECK_EQ(transfer(&s, t[1], 10000, 0, 0, "6222000000000018", &tr),
	    KPROTO_XFER_UNKNOWN_PAYEE);
	CHECK_EQ(transfer(&s, t[2], 10000, 0, 0, NULL, &tr), KPROTO_XFER_SAME_ACCOUNT);
	CHECK_EQ(transfer(&s, t[3], 10000, 1, 0, NULL, &tr), KPROTO_XFER_APPROVED);
	CHECK_EQ(balance(&s).balance_fen, start);
	call_empty(&s, KPROTO_MSG_TRANSFER_OPTIONS);
	if (rtype == KPROTO_MSG_TRANSFER_CHOICES)
		CHECK_EQ(kproto_transfer_choices_unpack(&resp, &tc), KPROTO_OK);
	CHECK_EQ(tc.payees[0].paid_before, 1);
	CHECK_EQ(tc.transfer_remaining_fen, BANKD_TRANSFER_LIMIT_FEN - 10000);

	/* At most eight txids a card session; those already sent may be sent again. */
	for (int i = 4; i < BANK_TX_MAX; i++)
		CHECK_EQ(transfer(&s, t[i], 100, 0, 1, NULL, &tr), KPROTO_XFER_APPROVED);
	CHECK_EQ(transfer(&s, t[BANK_TX_MAX], 100, 0, 1, NULL, &tr), -1);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "TRANSFER");
	CHECK_EQ(transfer(&s, t[0], 10000, 0, 0, "6222000000000025", &tr),
	    KPROTO_XFER_APPROVED);
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
	CHECK_EQ(rtype, KPROTO_MSG_OK);
	CHECK_EQ(transfer(&s, t[BANK_TX_MAX], 100, 0, 1, NULL, &tr), -1);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "TRANSFER");

	/* An answer lost with the connection: on a new one, once the card and the PIN are
	 * back, the same TRANSFER gets the first answer and moves nothing. */
	struct bank_session again;
	bank_session_init(&again, 6);
	card_open(&again, "6222000000000017");
	CHECK_EQ(pin_verify(&again, "1234", adapter_pk).status, KPROTO_PIN_OK);
	int64_t before = balance(&again).balance_fen;
	CHECK_EQ(transfer(&again, t[0], 10000, 0, 0, "6222000000000025", &tr),
	    KPROTO_XFER_APPROVED);
	CHECK_EQ(tr.available_after_fen, start - 10000);
	CHECK_EQ(balance(&again).balance_fen, before);
	call_empty(&again, KPROTO_MSG_CARD_CLOSE);

	/* 李秀英 (her card unlocked again): the kiosk knows from CARD_INFO that the bank
	 * protects her, and TRANSFER_OPTIONS brings her alert threshold. */
	CHECK(db_exec(bk.db, "UPDATE cards SET status = 'active', tries_left = 3 WHERE "
	    "pan = '6222000000000025'", err, sizeof err) == 0);
	ci = card_open(&s, "6222000000000025");
	CHECK_EQ(ci.status, KPROTO_CARD_OK);
	CHECK_EQ(ci.flags, KPROTO_CARD_F_LARGE_PRINT | KPROTO_CARD_F_FRAUD_PROTECT);
	CHECK_EQ(pin_verify(&s, "2580", adapter_pk).status, KPROTO_PIN_OK);
	call_empty(&s, KPROTO_MSG_TRANSFER_OPTIONS);
	if (rtype == KPROTO_MSG_TRANSFER_CHOICES)
		CHECK_EQ(kproto_transfer_choices_unpack(&resp, &tc), KPROTO_OK);
	CHECK_EQ(tc.fraud_protect, 1);
	CHECK_EQ(tc.large_threshold_fen, 200000);
	CHECK_EQ(tc.npayees, 0);
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
}

static void
profile_save(struct bank_session *s, const struct kproto_profile *p)
{
	CHECK_EQ(kproto_profile_pack(&req, p), KPROTO_OK);
	call(s, KPROTO_MSG_PROFILE_SAVE);
}

/* The profile: saved and forgotten only after the PIN, for that card alone, and a
 * value out of range refused as malformed. */
static void
test_profile(void)
{
	struct kproto_profile p = { .lang = "en", .flags = KPROTO_CARD_F_LARGE_PRINT,
		.volume = 7, .rate = 2, .text_size = 2, .theme = "yellow-on-black" };
	struct kproto_card_info ci;
	struct bank_session s;

	bank_session_init(&s, 9);
	profile_save(&s, &p);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "PROFILE_SAVE");
	card_open(&s, "6222000000000017");
	profile_save(&s, &p);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "PROFILE_SAVE");
	call_empty(&s, KPROTO_MSG_PROFILE_FORGET);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "PROFILE_FORGET");
	CHECK_EQ(pin_verify(&s, "1234", adapter_pk).status, KPROTO_PIN_OK);
	profile_save(&s, &p);
	CHECK_EQ(rtype, KPROTO_MSG_OK);
	/* A volume beyond the scale, and a flag that is not the customer's to set. */
	kproto_buf_init(&req);
	kproto_put_str(&req, KPROTO_TAG_LANG, "en");
	kproto_put_u32(&req, KPROTO_TAG_CARD_FLAGS, KPROTO_CARD_F_FRAUD_PROTECT);
	kproto_put_u8(&req, KPROTO_TAG_VOLUME, 3);
	kproto_put_u8(&req, KPROTO_TAG_RATE, 3);
	kproto_put_u8(&req, KPROTO_TAG_TEXT_SIZE, 1);
	kproto_put_str(&req, KPROTO_TAG_THEME, "");
	call(&s, KPROTO_MSG_PROFILE_SAVE);
	EXPECT_ERROR(KPROTO_ERROR_MALFORMED, "PROFILE_SAVE");
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);

	ci = card_open(&s, "6222000000000017");
	CHECK_EQ(ci.profile, 1);
	CHECK_EQ(ci.volume, 7);
	CHECK_EQ(ci.flags, KPROTO_CARD_F_LARGE_PRINT);
	CHECK(strcmp(ci.lang, "en") == 0);
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
	ci = card_open(&s, "6222000000000025");
	CHECK_EQ(ci.profile, 0);
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);

	card_open(&s, "6222000000000017");
	CHECK_EQ(pin_verify(&s, "1234", adapter_pk).status, KPROTO_PIN_OK);
	call_empty(&s, KPROTO_MSG_PROFILE_FORGET);
	CHECK_EQ(rtype, KPROTO_MSG_OK);
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
	ci = card_open(&s, "6222000000000017");
	CHECK_EQ(ci.profile, 0);
	CHECK_EQ(ci.flags, 0);
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
}

static void
test_log_clean(const char *log_path)
{
	static char text[1 << 20];
	FILE *f = fopen(log_path, "r");
	size_t n;

	CHECK(f != NULL);
	if (f == NULL)
		return;
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	CHECK(n > 0);
	CHECK(strstr(text, "622200******0017") != NULL);
	CHECK(strstr(text, "6222000000000017") == NULL);
	CHECK(strstr(text, "6222000000000033") == NULL);
	/* Transfers name the payee's card masked, never its holder. */
	CHECK(strstr(text, "TRANSFER 622200******0017") != NULL);
	CHECK(strstr(text, "to=payee 622200******0025") != NULL);
	CHECK(strstr(text, "payee=622200******0041") != NULL);
	CHECK(strstr(text, "6222000000000025") == NULL);
	CHECK(strstr(text, "6222000000000041") == NULL);
	CHECK(strstr(text, "6222000000000042") == NULL);
	CHECK(strstr(text, "李") == NULL && strstr(text, "赵") == NULL);
	/* A random txid in hex may hold any four digits: out of the way of the PINs. */
	for (size_t i = 0, run = 0; i <= n; i++) {
		if (i < n && strchr("0123456789abcdef", text[i]) != NULL && text[i] != '\0') {
			run++;
			continue;
		}
		if (run >= 16)
			memset(text + i - run, 'x', run);
		run = 0;
	}
	CHECK(strstr(text, "2580") == NULL);
	CHECK(strstr(text, "1357") == NULL);
	CHECK(strstr(text, "7294") == NULL);
	CHECK(strstr(text, "6149") == NULL);
	CHECK(strstr(text, "PIN changed") != NULL);
	/* Card services: the lost card masked, the activation's PINs nowhere. */
	CHECK(strstr(text, "CARD_REPORT_LOST 622200******0108") != NULL);
	CHECK(strstr(text, "6222000000000108") == NULL);
	CHECK(strstr(text, "6222000000000090") == NULL);
	CHECK(strstr(text, "9517") == NULL);
	CHECK(strstr(text, "3860") == NULL);
	CHECK(strstr(text, "CARD_ACTIVATE 622200******0090 -> PIN changed") != NULL);
	/* Staff-opened services: the staff member named, the new PINs nowhere. */
	CHECK(strstr(text, "CARD_UNLOCK 622200******0041 by staff 0042 -> PIN changed") !=
	    NULL);
	CHECK(strstr(text, "CARD_PIN_RESET 622200******0017 by staff 0042 -> PIN changed") !=
	    NULL);
	CHECK(strstr(text, "CARD_CANCEL 622200******0108 by staff 0042 -> OK") != NULL);
	CHECK(strstr(text, "CARD_CANCEL 622200******0033 by staff 0042 -> refused") != NULL);
	CHECK(strstr(text, "8024") == NULL && strstr(text, "7315") == NULL &&
	    strstr(text, "7316") == NULL && strstr(text, "2581") == NULL);
}

/* STAFF_AUTH with badge id and pin; the STAFF_RESULT status, or -1 for anything else. */
static int
staff_auth(struct bank_session *s, const char *id, const char *pin, int *tries)
{
	struct kproto_staff_auth a;
	struct kproto_staff_result sr;

	snprintf(a.staff_id, sizeof a.staff_id, "%s", id);
	CHECK_EQ(kproto_pin_seal(pin, adapter_pk, a.sealed, sizeof a.sealed, &a.sealed_len),
	    KPROTO_OK);
	CHECK_EQ(kproto_staff_auth_pack(&req, &a), KPROTO_OK);
	call(s, KPROTO_MSG_STAFF_AUTH);
	if (rtype != KPROTO_MSG_STAFF_RESULT)
		return -1;
	CHECK_EQ(kproto_staff_result_unpack(&resp, &sr), KPROTO_OK);
	if (tries != NULL)
		*tries = sr.tries_left;
	return sr.status;
}

/* Every request the table keeps for staff-assisted mode is refused without a verified
 * staff member, whatever the customer's state, and named in the refusal. */
static void
test_staff_only(void)
{
	int staff_only = 0;

	for (int type = 0; type < 256; type++) {
		if (!kproto_type_is_request(type) || !bank_request_needs_staff((uint8_t)type))
			continue;
		staff_only++;
		for (int st = 0; st < 3; st++) {
			struct bank_session s;
			bank_session_init(&s, 20);
			if (st >= 1)
				card_open(&s, "6222000000000017");
			if (st == 2)
				CHECK_EQ(pin_verify(&s, "1234", adapter_pk).status, KPROTO_PIN_OK);
			call_empty(&s, (uint8_t)type);
			EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, kproto_type_to_str(type));
			if (st >= 1)
				call_empty(&s, KPROTO_MSG_CARD_CLOSE);
		}
	}
	CHECK(staff_only >= 1); /* STAFF_LEAVE at least */
	struct bank_session s;
	bank_session_init(&s, 21);
	call_empty(&s, KPROTO_MSG_STAFF_LEAVE);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "staff-assisted mode");
}

/* A staff badge and its PIN open the mode over a customer's session; three wrong PINs
 * lock the badge; a call for staff is recorded with the kiosk and the reason. */
static void
test_staff(void)
{
	struct kproto_staff_call c = { .reason = "card_locked" };
	struct bank_session s;
	int64_t n = -1;
	int tries = -1;

	bank_session_init(&s, 22);
	bank_session_set_kiosk(&s, "kiosk-7");
	CHECK_EQ(kproto_staff_call_pack(&req, &c), KPROTO_OK);
	call(&s, KPROTO_MSG_STAFF_CALL);
	CHECK_EQ(rtype, KPROTO_MSG_OK);
	CHECK_EQ(db_query_int(bk.db, "SELECT COUNT(*) FROM staff_calls WHERE "
	    "kiosk_id = 'kiosk-7' AND reason = 'card_locked' AND at > 0", &n), 0);
	CHECK_EQ(n, 1);

	card_open(&s, "6222000000000017");
	CHECK_EQ(staff_auth(&s, "9999", "8642", NULL), KPROTO_STAFF_UNKNOWN);
	CHECK_EQ(s.staff_id[0], '\0');
	CHECK_EQ(staff_auth(&s, "0042", "8642", &tries), KPROTO_STAFF_OK);
	CHECK_EQ(tries, BANKD_PIN_TRIES);
	CHECK(strcmp(s.staff_id, "0042") == 0);
	call_empty(&s, KPROTO_MSG_STAFF_LEAVE);
	CHECK_EQ(rtype, KPROTO_MSG_OK);
	CHECK_EQ(s.staff_id[0], '\0');
	/* The customer's session goes on as it was. */
	CHECK_EQ(s.state, BANK_CARD);

	/* CARD_CLOSE ends the mode with the customer's session. */
	CHECK_EQ(staff_auth(&s, "0042", "8642", NULL), KPROTO_STAFF_OK);
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
	CHECK_EQ(s.staff_id[0], '\0');

	CHECK_EQ(staff_auth(&s, "0042", "1111", &tries), KPROTO_STAFF_WRONG);
	CHECK_EQ(tries, 2);
	CHECK_EQ(staff_auth(&s, "0042", "2222", &tries), KPROTO_STAFF_WRONG);
	CHECK_EQ(tries, 1);
	CHECK_EQ(staff_auth(&s, "0042", "3333", &tries), KPROTO_STAFF_LOCKED);
	CHECK_EQ(tries, 0);
	/* Locked: the right PIN no longer opens the mode. */
	CHECK_EQ(staff_auth(&s, "0042", "8642", NULL), KPROTO_STAFF_LOCKED);
	CHECK_EQ(s.staff_id[0], '\0');

	/* On the PIN workers, as a card's PIN: answered once the hash was compared. */
	pool_start();
	CHECK_EQ(ledger_staff_add(bk.db, "0077", "2468"), 0);
	CHECK_EQ(staff_auth(&s, "0077", "1111", &tries), KPROTO_STAFF_WRONG);
	CHECK_EQ(tries, 2);
	CHECK_EQ(staff_auth(&s, "0077", "2468", &tries), KPROTO_STAFF_OK);
	CHECK(strcmp(s.staff_id, "0077") == 0);
	pool_stop();
}

/* The demo bank as shipped, for tests that want its cards and staff as they were. */
static void
bank_fresh(const char *path)
{
	char err[1024];

	db_close(bk.db);
	bk.db = NULL;
	CHECK(db_init_demo(path, err, sizeof err) == 0);
	CHECK(db_open(path, &bk.db, err, sizeof err) == 0);
}

static int64_t
rows(const char *sql)
{
	int64_t n = -1;

	CHECK_EQ(db_query_int(bk.db, sql, &n), 0);
	return n;
}

/*
 * A card locked by wrong PINs, unlocked by a member of staff with the customer's new
 * PIN: judged as a PIN change, then the card is usable again with full tries, the new
 * PIN verified as usual and money moves. Only a locked card, and only with staff.
 */
static void
test_card_unlock(void)
{
	struct kproto_pin_result pr;
	struct kproto_card_info ci;
	struct bank_session s;
	unsigned char t[KPROTO_TXID_LEN];

	bank_session_init(&s, 30);
	bank_session_set_kiosk(&s, "kiosk-3");
	ci = card_open(&s, "6222000000000041");
	CHECK_EQ(ci.status, KPROTO_CARD_LOCKED);
	CHECK_EQ(pin_give(&s, KPROTO_MSG_CARD_UNLOCK, "8024"), -1);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "staff-assisted mode");
	CHECK_EQ(staff_auth(&s, "0042", "8642", NULL), KPROTO_STAFF_OK);
	/* A weak PIN changes nothing: still locked, still refused. */
	CHECK_EQ(pin_give(&s, KPROTO_MSG_CARD_UNLOCK, "1111"), KPROTO_PIN_WEAK_REPEATED);
	CHECK_EQ(pin_give(&s, KPROTO_MSG_CARD_UNLOCK, "4321"), KPROTO_PIN_WEAK_RUN);
	CHECK_EQ(s.state, BANK_CARD_REFUSED);
	CHECK_EQ(rows("SELECT count(*) FROM cards WHERE pan = '6222000000000041' AND "
	    "status = 'locked' AND tries_left = 0"), 1);
	CHECK_EQ(pin_give(&s, KPROTO_MSG_CARD_UNLOCK, "8024"), KPROTO_PIN_CHANGED);
	CHECK_EQ(s.state, BANK_CARD);
	CHECK_EQ(s.card_status, KPROTO_CARD_OK);
	CHECK_EQ(rows("SELECT count(*) FROM card_pin_resets WHERE pan = '6222000000000041' "
	    "AND kiosk_id = 'kiosk-3' AND staff_id = '0042' AND kind = 'unlock' AND at > 0"),
	    1);
	/* Once: the new PIN is verified next. */
	CHECK_EQ(pin_give(&s, KPROTO_MSG_CARD_UNLOCK, "8025"), -1);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "CARD_UNLOCK");
	pr = pin_verify(&s, "4321", adapter_pk);
	CHECK_EQ(pr.status, KPROTO_PIN_WRONG);
	CHECK_EQ(pr.tries_left, 2);
	pr = pin_verify(&s, "8024", adapter_pk);
	CHECK_EQ(pr.status, KPROTO_PIN_OK);
	CHECK_EQ(pr.tries_left, 3);
	memset(t, 0xb1, sizeof t);
	CHECK_EQ(withdraw(&s, t, 20000).status, KPROTO_WD_APPROVED);
	settle(&s, KPROTO_MSG_WITHDRAW_REVERSE, t);
	CHECK_EQ(rtype, KPROTO_MSG_OK);
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
	ci = card_open(&s, "6222000000000041");
	CHECK_EQ(ci.status, KPROTO_CARD_OK);
	CHECK_EQ(ci.tries_left, 3);
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);

	/* A lost card is not unlocked; nor is a card in use. */
	CHECK_EQ(card_open(&s, "6222000000000058").status, KPROTO_CARD_LOST);
	CHECK_EQ(staff_auth(&s, "0042", "8642", NULL), KPROTO_STAFF_OK);
	CHECK_EQ(pin_give(&s, KPROTO_MSG_CARD_UNLOCK, "8024"), -1);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "the card is not locked (lost)");
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
	CHECK_EQ(card_open(&s, "6222000000000025").status, KPROTO_CARD_OK);
	CHECK_EQ(staff_auth(&s, "0042", "8642", NULL), KPROTO_STAFF_OK);
	CHECK_EQ(pin_give(&s, KPROTO_MSG_CARD_UNLOCK, "8024"), -1);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "CARD_UNLOCK");

	/* Locked by wrong PINs in this very session: staff unlock it there and then. */
	for (int i = 0; i < 3; i++)
		pin_verify(&s, "0001", adapter_pk);
	CHECK_EQ(s.state, BANK_CARD_REFUSED);
	CHECK_EQ(pin_give(&s, KPROTO_MSG_CARD_UNLOCK, "2581"), KPROTO_PIN_CHANGED);
	CHECK_EQ(pin_verify(&s, "2581", adapter_pk).status, KPROTO_PIN_OK);
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
}

/*
 * A forgotten PIN reset by a member of staff: a usable card, PIN not verified, gets
 * the customer's new PIN and full tries; the old PIN no longer opens it. A card
 * awaiting activation takes its letter's PIN instead. On the PIN workers too.
 */
static void
test_card_pin_reset(void)
{
	struct kproto_pin_result pr;
	struct bank_session s;

	bank_session_init(&s, 31);
	bank_session_set_kiosk(&s, "kiosk-3");
	card_open(&s, "6222000000000017");
	CHECK_EQ(pin_verify(&s, "0001", adapter_pk).status, KPROTO_PIN_WRONG);
	CHECK_EQ(pin_give(&s, KPROTO_MSG_CARD_PIN_RESET, "7315"), -1);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "staff-assisted mode");
	CHECK_EQ(staff_auth(&s, "0042", "8642", NULL), KPROTO_STAFF_OK);
	CHECK_EQ(pin_give(&s, KPROTO_MSG_CARD_PIN_RESET, "6789"), KPROTO_PIN_WEAK_RUN);
	CHECK_EQ(pin_give(&s, KPROTO_MSG_CARD_PIN_RESET, "7315"), KPROTO_PIN_CHANGED);
	CHECK_EQ(s.state, BANK_CARD);
	CHECK_EQ(rows("SELECT count(*) FROM cards WHERE pan = '6222000000000017' AND "
	    "tries_left = 3"), 1);
	CHECK_EQ(rows("SELECT count(*) FROM card_pin_resets WHERE pan = '6222000000000017' "
	    "AND staff_id = '0042' AND kind = 'reset'"), 1);
	CHECK_EQ(pin_verify(&s, "1234", adapter_pk).status, KPROTO_PIN_WRONG);
	pr = pin_verify(&s, "7315", adapter_pk);
	CHECK_EQ(pr.status, KPROTO_PIN_OK);
	CHECK_EQ(pr.tries_left, 3);
	/* With the PIN verified it is a PIN change's business, not a reset's. */
	CHECK_EQ(pin_give(&s, KPROTO_MSG_CARD_PIN_RESET, "1234"), -1);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "CARD_PIN_RESET");
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);

	CHECK_EQ(card_open(&s, "6222000000000090").status, KPROTO_CARD_INACTIVE);
	CHECK_EQ(staff_auth(&s, "0042", "8642", NULL), KPROTO_STAFF_OK);
	CHECK_EQ(pin_give(&s, KPROTO_MSG_CARD_PIN_RESET, "7315"), -1);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "awaits activation");
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);

	/* Judged and hashed on the PIN workers, as a PIN change. */
	pool_start();
	card_open(&s, "6222000000000017");
	CHECK_EQ(staff_auth(&s, "0042", "8642", NULL), KPROTO_STAFF_OK);
	CHECK_EQ(pin_give(&s, KPROTO_MSG_CARD_PIN_RESET, "7315"), KPROTO_PIN_WEAK_SAME);
	CHECK_EQ(pin_give(&s, KPROTO_MSG_CARD_PIN_RESET, "7316"), KPROTO_PIN_CHANGED);
	CHECK_EQ(pin_verify(&s, "7316", adapter_pk).status, KPROTO_PIN_OK);
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
	pool_stop();
}

/*
 * Cancelling the card in the reader, with staff, after its PIN: refused while money
 * would be left where no other card reaches it; a second card of an account another
 * card reaches is cancelled, refused at CARD_OPEN from then on and no longer listed.
 */
static void
test_card_cancel(void)
{
	struct bank_session s;

	bank_session_init(&s, 32);
	bank_session_set_kiosk(&s, "kiosk-3");
	card_open(&s, "6222000000000033");
	CHECK_EQ(pin_verify(&s, "1357", adapter_pk).status, KPROTO_PIN_OK);
	call_empty(&s, KPROTO_MSG_CARD_CANCEL);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "staff-assisted mode");
	CHECK_EQ(staff_auth(&s, "0042", "8642", NULL), KPROTO_STAFF_OK);
	call_empty(&s, KPROTO_MSG_CARD_CANCEL);
	EXPECT_ERROR(KPROTO_ERROR_MONEY_LEFT, "move it first");
	CHECK_EQ(s.state, BANK_AUTHED);
	CHECK_EQ(rows("SELECT count(*) FROM cards WHERE status = 'cancelled'"), 0);
	kproto_buf_init(&req);
	kproto_put_u8(&req, KPROTO_TAG_CARD_INDEX, 0);
	call(&s, KPROTO_MSG_CARD_CANCEL);
	EXPECT_ERROR(KPROTO_ERROR_MALFORMED, "CARD_CANCEL");
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);

	card_open(&s, "6222000000000108");
	CHECK_EQ(pin_verify(&s, "2468", adapter_pk).status, KPROTO_PIN_OK);
	CHECK_EQ(staff_auth(&s, "0042", "8642", NULL), KPROTO_STAFF_OK);
	call_empty(&s, KPROTO_MSG_CARD_CANCEL);
	CHECK_EQ(rtype, KPROTO_MSG_OK);
	CHECK_EQ(s.state, BANK_CARD_REFUSED);
	CHECK_EQ(s.card_status, KPROTO_CARD_CANCELLED);
	CHECK_EQ(rows("SELECT count(*) FROM card_cancellations WHERE pan = "
	    "'6222000000000108' AND kiosk_id = 'kiosk-3' AND staff_id = '0042' AND at > 0"), 1);
	call_empty(&s, KPROTO_MSG_BALANCE);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "BALANCE");
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
	CHECK_EQ(card_open(&s, "6222000000000108").status, KPROTO_CARD_CANCELLED);
	CHECK_EQ(s.state, BANK_CARD_REFUSED);
	CHECK_EQ(staff_auth(&s, "0042", "8642", NULL), KPROTO_STAFF_OK);
	CHECK_EQ(pin_give(&s, KPROTO_MSG_CARD_UNLOCK, "8024"), -1);
	EXPECT_ERROR(KPROTO_ERROR_NOT_PERMITTED, "the card is not locked (cancelled)");
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);

	/* 张伟's first card is now the only one to his money: listed alone, and kept. */
	card_open(&s, "6222000000000017");
	CHECK_EQ(pin_verify(&s, "7316", adapter_pk).status, KPROTO_PIN_OK);
	CHECK_EQ(card_list(&s).count, 0);
	CHECK_EQ(staff_auth(&s, "0042", "8642", NULL), KPROTO_STAFF_OK);
	call_empty(&s, KPROTO_MSG_CARD_CANCEL);
	EXPECT_ERROR(KPROTO_ERROR_MONEY_LEFT, "CARD_CANCEL");
	call_empty(&s, KPROTO_MSG_CARD_CLOSE);
}

int
main(int argc, char **argv)
{
	char dir[64], path[512], log_path[128], err[1024];
	int pg = argc >= 3 && strcmp(argv[1], "pg") == 0;

	if (!pg && argc > 1 && (argc > 2 || strcmp(argv[1], "sqlite") != 0)) {
		fprintf(stderr, "usage: test_bankd_session [sqlite | pg CONNINFO [PG-SERVER]]\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	strcpy(dir, "/tmp/bankd-session-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	if (pg)
		snprintf(path, sizeof path, "%s dbname=session", argv[2]);
	else
		snprintf(path, sizeof path, "%s/bank.db", dir);
	snprintf(log_path, sizeof log_path, "%s/bankd.log", dir);
	log_open("test", log_path);
	log_set_debug(1);

	adapter_sk = sodium_malloc(KPROTO_SK_LEN);
	crypto_sign_keypair(adapter_pk, adapter_sk);
	bk.sk = adapter_sk;
	if (db_init_demo(path, err, sizeof err) < 0 || db_open(path, &bk.db, err,
	    sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}

	test_before_pin();
	test_refused_cards();
	test_withdraw();
	test_settle();
	test_statement(); /* before transfers add to the demo's history */
	test_transfer();
	test_pin_change("6222000000000033", "1357", "7294");
	test_pin_change_pool();
	test_card_activate();
	test_card_report_lost();
	test_staff_only();
	test_staff();
	test_profile();
	/* Staff-opened card services, on the demo bank as shipped (staff 0042 unlocked). */
	bank_fresh(path);
	test_card_unlock();
	test_card_pin_reset();
	test_card_cancel();
	log_close();
	test_log_clean(log_path);
	db_close(bk.db);
	sodium_free(adapter_sk);

	if (failures > 0) {
		fprintf(stderr, "%d check(s) failed (files kept in %s)\n", failures, dir);
		return 1;
	}
	const char *files[] = { "bankd.log", "bank.db", "bank.db-wal", "bank.db-shm" };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	printf("ok\n");
	return 0;
}
