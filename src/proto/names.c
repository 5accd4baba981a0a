/* Names of the protocol's enums, for logs and error messages. */
#include "proto-int.h"

#include <stdio.h>

int
kproto_seterr(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return code;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return code;
}

const char *
kproto_err_to_str(int code)
{
	switch (code) {
	case KPROTO_OK: return "OK";
	case KPROTO_AGAIN: return "AGAIN";
	case KPROTO_E_MAGIC: return "MAGIC";
	case KPROTO_E_VERSION: return "VERSION";
	case KPROTO_E_RESERVED: return "RESERVED";
	case KPROTO_E_OVERSIZE: return "OVERSIZE";
	case KPROTO_E_TRUNCATED: return "TRUNCATED";
	case KPROTO_E_BADSIG: return "BADSIG";
	case KPROTO_E_SESSION: return "SESSION";
	case KPROTO_E_SEQ: return "SEQ";
	case KPROTO_E_TYPE: return "TYPE";
	case KPROTO_E_FIELD_TAG: return "FIELD_TAG";
	case KPROTO_E_FIELD_LEN: return "FIELD_LEN";
	case KPROTO_E_FIELD_SHORT: return "FIELD_SHORT";
	case KPROTO_E_FIELD_UTF8: return "FIELD_UTF8";
	case KPROTO_E_FIELD_TRAILING: return "FIELD_TRAILING";
	case KPROTO_E_FIELD_VALUE: return "FIELD_VALUE";
	case KPROTO_E_EOF: return "EOF";
	case KPROTO_E_IO: return "IO";
	case KPROTO_E_TIMEOUT: return "TIMEOUT";
	case KPROTO_E_NOSPACE: return "NOSPACE";
	case KPROTO_E_INVAL: return "INVAL";
	case KPROTO_E_KEY: return "KEY";
	case KPROTO_E_CRYPTO: return "CRYPTO";
	case KPROTO_E_NOMEM: return "NOMEM";
	case KPROTO_E_CLOSED: return "CLOSED";
	}
	return "?";
}

const char *
kproto_strerror(int code)
{
	switch (code) {
	case KPROTO_OK: return "success";
	case KPROTO_AGAIN: return "incomplete frame, more input needed";
	case KPROTO_E_MAGIC: return "bad magic (not a bank link frame)";
	case KPROTO_E_VERSION: return "unsupported protocol version";
	case KPROTO_E_RESERVED: return "reserved header bytes are not zero";
	case KPROTO_E_OVERSIZE: return "payload length above the maximum";
	case KPROTO_E_TRUNCATED: return "truncated frame";
	case KPROTO_E_BADSIG: return "bad signature (wrong key or altered frame)";
	case KPROTO_E_SESSION: return "session id mismatch";
	case KPROTO_E_SEQ: return "sequence number out of order (replay or gap)";
	case KPROTO_E_TYPE: return "unexpected message type";
	case KPROTO_E_FIELD_TAG: return "unexpected field tag";
	case KPROTO_E_FIELD_LEN: return "wrong field length";
	case KPROTO_E_FIELD_SHORT: return "payload ends before the field";
	case KPROTO_E_FIELD_UTF8: return "string is not valid UTF-8 or contains NUL";
	case KPROTO_E_FIELD_TRAILING: return "bytes left over after the last field";
	case KPROTO_E_FIELD_VALUE: return "field value out of range";
	case KPROTO_E_EOF: return "peer closed the connection";
	case KPROTO_E_IO: return "input/output error";
	case KPROTO_E_TIMEOUT: return "timed out";
	case KPROTO_E_NOSPACE: return "buffer too small";
	case KPROTO_E_INVAL: return "invalid argument or state";
	case KPROTO_E_KEY: return "key file error";
	case KPROTO_E_CRYPTO: return "cryptographic operation failed";
	case KPROTO_E_NOMEM: return "out of secure memory";
	case KPROTO_E_CLOSED: return "connection closed after an earlier error";
	}
	return "unknown error";
}

const char *
kproto_type_to_str(int type)
{
	switch (type) {
	case KPROTO_MSG_HELLO: return "HELLO";
	case KPROTO_MSG_HELLO_REPLY: return "HELLO_REPLY";
	case KPROTO_MSG_HELLO_CONFIRM: return "HELLO_CONFIRM";
	case KPROTO_MSG_CARD_OPEN: return "CARD_OPEN";
	case KPROTO_MSG_PIN_VERIFY: return "PIN_VERIFY";
	case KPROTO_MSG_BALANCE: return "BALANCE";
	case KPROTO_MSG_WITHDRAW_AUTH: return "WITHDRAW_AUTH";
	case KPROTO_MSG_WITHDRAW_COMPLETE: return "WITHDRAW_COMPLETE";
	case KPROTO_MSG_WITHDRAW_REVERSE: return "WITHDRAW_REVERSE";
	case KPROTO_MSG_CARD_CLOSE: return "CARD_CLOSE";
	case KPROTO_MSG_SETTLE: return "SETTLE";
	case KPROTO_MSG_TRANSFER_OPTIONS: return "TRANSFER_OPTIONS";
	case KPROTO_MSG_PAYEE_LOOKUP: return "PAYEE_LOOKUP";
	case KPROTO_MSG_TRANSFER: return "TRANSFER";
	case KPROTO_MSG_STATEMENT: return "STATEMENT";
	case KPROTO_MSG_PIN_CHANGE: return "PIN_CHANGE";
	case KPROTO_MSG_CARD_ACTIVATE: return "CARD_ACTIVATE";
	case KPROTO_MSG_CARD_LIST: return "CARD_LIST";
	case KPROTO_MSG_CARD_REPORT_LOST: return "CARD_REPORT_LOST";
	case KPROTO_MSG_CARD_UNLOCK: return "CARD_UNLOCK";
	case KPROTO_MSG_CARD_PIN_RESET: return "CARD_PIN_RESET";
	case KPROTO_MSG_CARD_CANCEL: return "CARD_CANCEL";
	case KPROTO_MSG_STAFF_CALL: return "STAFF_CALL";
	case KPROTO_MSG_STAFF_AUTH: return "STAFF_AUTH";
	case KPROTO_MSG_STAFF_LEAVE: return "STAFF_LEAVE";
	case KPROTO_MSG_PROFILE_SAVE: return "PROFILE_SAVE";
	case KPROTO_MSG_PROFILE_FORGET: return "PROFILE_FORGET";
	case KPROTO_MSG_CARD_INFO: return "CARD_INFO";
	case KPROTO_MSG_PIN_RESULT: return "PIN_RESULT";
	case KPROTO_MSG_BALANCE_INFO: return "BALANCE_INFO";
	case KPROTO_MSG_WITHDRAW_RESULT: return "WITHDRAW_RESULT";
	case KPROTO_MSG_OK: return "OK";
	case KPROTO_MSG_TRANSFER_CHOICES: return "TRANSFER_CHOICES";
	case KPROTO_MSG_PAYEE_INFO: return "PAYEE_INFO";
	case KPROTO_MSG_TRANSFER_RESULT: return "TRANSFER_RESULT";
	case KPROTO_MSG_STATEMENT_LINES: return "STATEMENT_LINES";
	case KPROTO_MSG_PIN_CHANGE_RESULT: return "PIN_CHANGE_RESULT";
	case KPROTO_MSG_CARD_LIST_INFO: return "CARD_LIST_INFO";
	case KPROTO_MSG_STAFF_RESULT: return "STAFF_RESULT";
	case KPROTO_MSG_ERROR: return "ERROR";
	}
	return "?";
}

int
kproto_type_is_request(int type)
{
	return (type >= KPROTO_MSG_CARD_OPEN && type <= KPROTO_MSG_STAFF_LEAVE) ||
	    (type >= KPROTO_MSG_CARD_ACTIVATE && type <= KPROTO_MSG_PROFILE_FORGET);
}

int
kproto_type_is_response(int type)
{
	return (type >= KPROTO_MSG_CARD_INFO && type <= KPROTO_MSG_STAFF_RESULT) ||
	    type == KPROTO_MSG_CARD_LIST_INFO || type == KPROTO_MSG_ERROR;
}

const char *
kproto_card_status_to_str(int status)
{
	switch (status) {
	case KPROTO_CARD_OK: return "ok";
	case KPROTO_CARD_LOCKED: return "locked";
	case KPROTO_CARD_LOST: return "lost";
	case KPROTO_CARD_UNKNOWN: return "unknown";
	case KPROTO_CARD_INACTIVE: return "inactive";
	case KPROTO_CARD_CANCELLED: return "cancelled";
	}
	return "?";
}

const char *
kproto_pin_status_to_str(int status)
{
	switch (status) {
	case KPROTO_PIN_OK: return "ok";
	case KPROTO_PIN_WRONG: return "wrong";
	case KPROTO_PIN_LOCKED: return "locked";
	}
	return "?";
}

const char *
kproto_withdraw_status_to_str(int status)
{
	switch (status) {
	case KPROTO_WD_APPROVED: return "approved";
	case KPROTO_WD_INSUFFICIENT: return "insufficient-funds";
	case KPROTO_WD_OVER_LIMIT: return "over-daily-limit";
	case KPROTO_WD_NOT_MULTIPLE: return "not-multiple-of-note";
	case KPROTO_WD_INVALID: return "invalid-amount";
	}
	return "?";
}

const char *
kproto_error_code_to_str(int code)
{
	switch (code) {
	case KPROTO_ERROR_NOT_PERMITTED: return "not-permitted";
	case KPROTO_ERROR_MALFORMED: return "malformed";
	case KPROTO_ERROR_UNKNOWN_TX: return "unknown-transaction";
	case KPROTO_ERROR_INTERNAL: return "internal";
	case KPROTO_ERROR_UNKNOWN_PAYEE: return "unknown-payee";
	case KPROTO_ERROR_NO_ACCOUNT: return "no-such-account";
	case KPROTO_ERROR_NO_CARD: return "no-such-card";
	case KPROTO_ERROR_MONEY_LEFT: return "money-left";
	}
	return "?";
}

const char *
kproto_settle_outcome_to_str(int outcome)
{
	switch (outcome) {
	case KPROTO_SETTLE_COMPLETE: return "complete";
	case KPROTO_SETTLE_REVERSE: return "reverse";
	}
	return "?";
}

const char *
kproto_account_kind_to_str(int kind)
{
	switch (kind) {
	case KPROTO_ACCOUNT_CURRENT: return "current";
	case KPROTO_ACCOUNT_SAVINGS: return "savings";
	}
	return "?";
}

const char *
kproto_statement_account_to_str(int account)
{
	switch (account) {
	case KPROTO_STATEMENT_CURRENT: return "current";
	case KPROTO_STATEMENT_SAVINGS: return "savings";
	}
	return "?";
}

const char *
kproto_entry_kind_to_str(int kind)
{
	switch (kind) {
	case KPROTO_ENTRY_WITHDRAWAL: return "withdrawal";
	case KPROTO_ENTRY_TRANSFER_OUT: return "transfer-out";
	case KPROTO_ENTRY_TRANSFER_IN: return "transfer-in";
	case KPROTO_ENTRY_DEPOSIT: return "deposit";
	case KPROTO_ENTRY_OTHER: return "other";
	}
	return "?";
}

const char *
kproto_transfer_status_to_str(int status)
{
	switch (status) {
	case KPROTO_XFER_APPROVED: return "approved";
	case KPROTO_XFER_INSUFFICIENT: return "insufficient-funds";
	case KPROTO_XFER_OVER_LIMIT: return "over-transfer-limit";
	case KPROTO_XFER_SAME_ACCOUNT: return "same-account";
	case KPROTO_XFER_UNKNOWN_PAYEE: return "unknown-payee";
	case KPROTO_XFER_INVALID: return "invalid-amount";
	}
	return "?";
}

const char *
kproto_pin_change_status_to_str(int status)
{
	switch (status) {
	case KPROTO_PIN_CHANGED: return "changed";
	case KPROTO_PIN_WEAK_REPEATED: return "weak-repeated";
	case KPROTO_PIN_WEAK_RUN: return "weak-run";
	case KPROTO_PIN_WEAK_SAME: return "weak-same";
	}
	return "?";
}

const char *
kproto_staff_status_to_str(int status)
{
	switch (status) {
	case KPROTO_STAFF_OK: return "ok";
	case KPROTO_STAFF_WRONG: return "wrong";
	case KPROTO_STAFF_LOCKED: return "locked";
	case KPROTO_STAFF_UNKNOWN: return "unknown";
	}
	return "?";
}
