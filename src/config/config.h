/* kiosk.yaml: the settings of one kiosk. Every path in struct kiosk_config is already
 * resolved against the directory of kiosk.yaml. */
#ifndef CONFIG_CONFIG_H
#define CONFIG_CONFIG_H

#include <stdint.h>

#include "common/diag.h"
#include "config/keyfn.h"

/* Ranges checked by config_load; the kiosk may use them for its own clamping. */
#define CONFIG_TIMEOUT_MS_MIN 100
#define CONFIG_TIMEOUT_MS_MAX 60000
#define CONFIG_SECONDS_MIN 10
#define CONFIG_SECONDS_MAX 600
#define CONFIG_RATE_MIN 80
#define CONFIG_RATE_MAX 450
#define CONFIG_VOLUME_MIN 0
#define CONFIG_VOLUME_MAX 200
/* large_print: a terminal row from a tiny panel to a wall screen; the viewing distance
 * from leaning in (EN 301 549 reckons with 500 mm) to reading from a step back. */
#define CONFIG_CELL_MM_MIN 1
#define CONFIG_CELL_MM_MAX 50
#define CONFIG_DISTANCE_MM_MIN 200
#define CONFIG_DISTANCE_MM_MAX 2000
/* keypad.double_strike_ms: EN 301 549 5.8 asks for a window adjustable up to 0.5 s; past
 * 1 s it would swallow REPEAT pressed twice (1.5 s) and deliberate repeats. */
#define CONFIG_DOUBLE_STRIKE_MS_MAX 1000
/* transfer.large_amount and fraud.withdrawal_warning, in whole yuan. fraud.cooling_off in
 * seconds: long enough to take in the warning, short enough that nobody walks away. */
#define CONFIG_AMOUNT_YUAN_MAX 1000000
#define CONFIG_COOLING_OFF_MIN 5
#define CONFIG_COOLING_OFF_MAX 120
/* staff.wait_max: how long a call for staff holds the session's timeouts, seconds. */
#define CONFIG_STAFF_WAIT_MIN 1
#define CONFIG_STAFF_WAIT_MAX 1800

/* Where a value sits in kiosk.yaml, so that later checks (missing layout or voice files)
 * can point at the line that named the directory. */
struct config_where {
	int line, column;
};

struct speech_lang {
	char lang[8];
	char *voice;      /* espeak-ng voice name, e.g. "cmn-latn-pinyin" */
	int rate, volume; /* words per minute 80..450, volume 0..200 */
	struct config_where where_voice; /* for kioskctl check, which asks espeak-ng */
};

/* The smallest terminal the kiosk draws on: smaller ones get a "too small" screen. */
#define CONFIG_MIN_COLS 80
#define CONFIG_MIN_ROWS 24

/* function_keys: a side key F1..F8 beside the screen, so that an item on it is drawn level
 * with it (docs/configuration.md). */
enum fkey_side { FKEY_NONE, FKEY_LEFT, FKEY_RIGHT };

#define CONFIG_FKEYS 8

struct fkey_place {
	enum fkey_side side;   /* FKEY_NONE: not placed; items on it are listed with the rest */
	int at_percent;        /* the key's centre, 0..100 % of the screen's height from the top */
	struct config_where where;
};

struct key_binding {
	enum key_fn fn;
	char *key; /* key name as accepted by keyname_valid() */
};

struct kiosk_config {
	char *path;            /* kiosk.yaml as given */
	char *dir;             /* its directory, "." when none */
	char *kiosk_id;
	char **languages;      /* offered, in order; languages[0] is not necessarily the default */
	int nlanguages;
	char *default_language;
	char *adapter_socket, *adapter_public_key;
	int adapter_timeout_ms;
	char *kiosk_key;
	char *layouts_dir, *voice_dir;
	char *device_socket;
	char *log_file;        /* NULL: log to stderr */
	char *journal;         /* the electronic journal; default var/journal */
	int timeout_idle, timeout_warning, timeout_pin, timeout_take; /* seconds */
	int timeout_speech_percent; /* idle, pin and take while speech is on, 100..500 */
	char *audio;           /* "alsa", "alsa:DEVICE", "wav:FILE" (FILE resolved) or "none" */
	struct speech_lang *speech; /* one per offered language, same order as languages */
	int nspeech;
	struct key_binding *keys;   /* final bindings: defaults with kiosk.yaml's replacements */
	int nkeys;
	int demo;
	int blank_screen;      /* speech mode starts with the screen blanked (BLANK toggles) */
	int double_strike_ms;  /* keypad: the same key again this soon is ignored; 0: off */
	/* Fraud protection (docs/configuration.md, "Fraud protection"): */
	int64_t transfer_large_fen;   /* the large-transaction alert from here, unless the
	                                 bank sets the card's own */
	int fraud_cooling_off;        /* seconds after the anti-fraud warning before confirming */
	int64_t fraud_withdrawal_fen; /* a flagged customer's cash from here: the warning */
	int staff_wait_max;           /* a call for staff holds the timeouts this long, s */
	/* large_print: (docs/large-print.md) */
	char *lp_theme;        /* a theme of src/largeprint/theme.c; "white-on-black" */
	char *lp_font;         /* GNU Unifont .hex; /usr/share/unifont/unifont.hex. Not
	                          checked at load: the kiosk falls back to its bundled font */
	double lp_cell_height_mm;      /* one terminal row on this kiosk's screen; 0: unknown */
	double lp_viewing_distance_mm; /* from the customer's eyes to the screen; 0: unknown */
	struct fkey_place fkeys[CONFIG_FKEYS]; /* F1..F8 */
	struct config_where where_fkeys; /* function_keys; 0:0 when it is left out */
	struct config_where where_languages, where_layouts, where_voice;
	struct config_where where_audio; /* audio.output; 0:0 when it is left out */
	struct config_where where_lp_theme, where_lp_font; /* 0:0 when left out */
};

/* Reads and checks path. Every problem is added to d; the fields that could be read are
 * filled even then, so config_free must always be called. Returns 0 when nothing was
 * added to d, -1 otherwise. */
int config_load(const char *path, struct kiosk_config *cfg, struct diag_list *d);
void config_free(struct kiosk_config *cfg);

int config_offers(const struct kiosk_config *cfg, const char *lang);
/* NULL when lang is not offered. */
const struct speech_lang *config_speech(const struct kiosk_config *cfg, const char *lang);
/* The function bound to a key name, or KEYFN_NONE. */
enum key_fn config_key_fn(const struct kiosk_config *cfg, const char *keyname);
/* 0 for "F1" .. 7 for "F8", -1 for anything else. */
int config_fkey_index(const char *key);
/* Where an item key ("F3") sits beside the screen; NULL for a digit or a key not placed. */
const struct fkey_place *config_fkey(const struct kiosk_config *cfg, const char *key);
/* The terminal row level with the key's centre on a screen of rows rows. */
int config_fkey_row(const struct fkey_place *p, int rows);

#endif
