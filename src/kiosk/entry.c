/* Digits typed on the keypad: what a key does to the field, and an amount field as the
 * screen shows and speech says it. */
#include "kiosk/entry.h"

#include "common/util.h"
#include "kiosk/money.h"
#include "kiosk/present.h"
#include "kiosk/view.h"

#include <stdlib.h>

unsigned
entry_key(char *buf, int *len, int max, int lead_zero, enum key_fn fn)
{
	if (KEYFN_IS_DIGIT(fn)) {
		if (*len == max || (*len == 0 && fn == KEYFN_0 && !lead_zero))
			return 0;
		buf[(*len)++] = (char)('0' + (fn - KEYFN_0));
		buf[*len] = '\0';
		/* Only the new field is said: the customer is typing. */
		return PRESENT_SCREEN | PRESENT_SAY_INPUT;
	}
	if (fn == KEYFN_CLEAR) {
		if (*len > 0)
			buf[--(*len)] = '\0';
		return PRESENT_SCREEN | PRESENT_SPEECH;
	}
	return 0;
}

int64_t
entry_fen(const char *buf)
{
	return (int64_t)atoll(buf) * 100;
}

void
entry_amount_input(struct kiosk *k, const char *buf, int len, struct screen_input *in)
{
	int64_t fen = entry_fen(buf);
	char shown[64];

	in->active = 1;
	in->len = len;
	money_show(fen, shown, sizeof shown);
	in->show = xstrdup(len ? shown : "¥");
	in->say = view_money(k, fen, k->lang, 1);
}
