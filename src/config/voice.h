/* voice/LANG.yaml: how speech phrases items, PIN digits, keys and money in one language. */
#ifndef CONFIG_VOICE_H
#define CONFIG_VOICE_H

#include "common/diag.h"
#include "config/config.h"
#include "config/keyfn.h"

struct voice_rules {
	char lang[8];
	char *file;
	char *item;		/* "{label}, press {key}" */
	char *pin_digit;	/* said for every PIN digit, whatever it is */
	char *digits_entered;	/* "{count} digits entered" */
	char *money;		/* "{yuan} yuan {fen} fen" */
	char *money_whole;	/* "{yuan} yuan" */
	char *keys[KEYFN_COUNT]; /* spoken key names; NULL for digits and functions not named */
};

struct voice_set {
	struct voice_rules *v;
	int n;
};

/* Reads voice/LANG.yaml for every offered language. Returns 0 when no diagnostic was
 * added; the set must be freed either way. */
int voices_load(const struct kiosk_config *cfg, struct voice_set *set, struct diag_list *d);
void voices_free(struct voice_set *set);

/* NULL when lang has no voice file loaded. */
const struct voice_rules *voice_for(const struct voice_set *set, const char *lang);
/* Spoken name of a key function: digits as themselves, else the file's name, else
 * keyfn_to_str(). Never NULL. */
const char *voice_key_name(const struct voice_rules *v, enum key_fn fn);
/* An amount in fen as spoken: money_whole when fen is a multiple of 100, else money with
 * {fen} the remainder (0..99). Returns a new string the caller frees. */
char *voice_money(const struct voice_rules *v, long long fen);

#endif
