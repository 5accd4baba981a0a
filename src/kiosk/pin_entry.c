/* Typing a PIN, for every screen that asks for one: the PIN check and the PIN change. */
#include "kiosk/pin_entry.h"

#include "common/log.h"
#include "kiosk/journal_events.h"
#include "kiosk/present.h"
#include "kiosk/speak.h"
#include "kiosk/state.h"
#include "kiosk/states.h"

#include <sodium.h>

void
pin_entry_open(struct kiosk *k)
{
	if (k->s.pin == NULL) {
		k->s.pin = sodium_malloc(KPROTO_PIN_MAX + 1);
		if (k->s.pin == NULL)
			fatalx("cannot allocate protected memory for the PIN");
	}
	sodium_memzero(k->s.pin, KPROTO_PIN_MAX + 1);
	k->s.pin_len = 0;
}

void
pin_entry_close(struct kiosk *k)
{
	if (k->s.pin != NULL)
		sodium_free(k->s.pin);
	k->s.pin = NULL;
	k->s.pin_len = 0;
}

int
pin_entry_key(struct kiosk *k, enum key_fn fn)
{
	const struct voice_rules *v = voice_for(&k->setup->voices, k->lang);

	if (KEYFN_IS_DIGIT(fn)) {
		if (k->s.pin_len == KPROTO_PIN_MAX)
			return 1;
		k->s.pin[k->s.pin_len++] = (char)('0' + (fn - KEYFN_0));
		kiosk_dirty(k, PRESENT_SCREEN);
		/* Every digit sounds the same: the word says a key was taken, not which. */
		if (v != NULL)
			speak_text(k, k->lang, v->pin_digit);
		return 1;
	}
	if (fn == KEYFN_CLEAR) {
		if (k->s.pin_len > 0)
			k->s.pin[--k->s.pin_len] = '\0';
		kiosk_dirty(k, PRESENT_SCREEN | PRESENT_SPEECH);
		return 1;
	}
	return 0;
}

int
pin_entry_done(struct kiosk *k)
{
	if (k->s.pin_len >= KPROTO_PIN_MIN)
		return 1;
	kiosk_set_message(k, MSG_PIN_TOO_SHORT);
	kiosk_dirty(k, PRESENT_SCREEN | PRESENT_SPEECH);
	return 0;
}

/* Stars only: the model never holds a PIN digit. */
void
pin_entry_input(struct kiosk *k, struct screen_input *in)
{
	in->active = 1;
	in->masked = 1;
	in->len = k->s.pin_len;
}

int
pin_entry_seal(struct kiosk *k, unsigned char *sealed, size_t sealedsz, size_t *len)
{
	k->s.pin[k->s.pin_len] = '\0';
	int r = kproto_pin_seal(k->s.pin, k->adapter_pk, sealed, sealedsz, len);
	sodium_memzero(k->s.pin, KPROTO_PIN_MAX + 1);
	k->s.pin_len = 0;
	if (r != KPROTO_OK) {
		log_warnx("pin: cannot seal: %s", kproto_strerror(r));
		kiosk_journal(k, "error", "what", "cannot seal the PIN", NULL);
		return -1;
	}
	return 0;
}

void
pin_entry_send(struct kiosk *k, uint8_t type, bank_handler h)
{
	struct kproto_pin_verify m;
	struct kproto_buf b;

	if (pin_entry_seal(k, m.sealed, sizeof m.sealed, &m.sealed_len) < 0) {
		session_end(k, MSG_BANK_UNAVAILABLE);
		return;
	}
	/* PIN_CHANGE carries the new PIN exactly as PIN_VERIFY carries the PIN. */
	if (kproto_pin_verify_pack(&b, &m) != KPROTO_OK) {
		session_end(k, MSG_BANK_UNAVAILABLE);
		return;
	}
	state_enter(k, &state_wait);
	bank_call(k->bank, type, &b, h);
}
