/* The screen model: what one screen shows and says. Every state fills it from its layout;
 * the renderer draws it and screen_speech() turns the same model into speech, so what is
 * seen and what is heard cannot drift apart. */
#ifndef KIOSK_SCREEN_H
#define KIOSK_SCREEN_H

#define SCREEN_MAX_TEXTS 24
#define SCREEN_MAX_ITEMS 12
#define SCREEN_MAX_INPUT 24

struct voice_set;

/* A piece of text in one language: shown as `show`, spoken as `say`. */
struct screen_text {
	char lang[8];
	char *show;
	char *say;
};

enum screen_part {
	SCREEN_TITLE,
	SCREEN_LINE,
	SCREEN_MESSAGE, /* an error or notice, drawn highlighted */
	SCREEN_PROMPT,
};

struct screen_block {
	enum screen_part part;
	struct screen_text text;
};

struct screen_item {
	char key[4]; /* "1" or "F3" */
	struct screen_text label;
};

struct screen_input {
	int active;
	int masked;            /* PIN: stars only; the model never holds a PIN digit */
	char lang[8];
	int len;               /* characters entered */
	char *show;            /* unmasked input as shown, e.g. "¥500" */
	char *say;             /* and as spoken */
};

struct screen {
	char name[32];
	char lang[8];          /* "" on screens shown in every language */
	struct screen_block blocks[SCREEN_MAX_TEXTS];
	int nblocks;
	struct screen_item items[SCREEN_MAX_ITEMS];
	int nitems;
	struct screen_input input;
	struct screen_text warning; /* the timeout warning, when shown */
	struct screen_text more;    /* large print: "Page 1 of 3. More: press 0" */
};

void screen_reset(struct screen *s, const char *name, const char *lang);
void screen_free(struct screen *s);
void screen_add(struct screen *s, enum screen_part part, const char *lang,
    const char *show, const char *say);
void screen_add_item(struct screen *s, const char *key, const char *lang,
    const char *show, const char *say);
void screen_set_warning(struct screen *s, const char *lang, const char *show, const char *say);
void screen_set_more(struct screen *s, const char *lang, const char *show, const char *say);
void screen_clear_more(struct screen *s);

/* One utterance of speech: consecutive text of the same language. */
struct speech_segment {
	char lang[8];
	char *text;
	int item; /* the screen item it says, or -1 */
};

struct speech_script {
	struct speech_segment *seg;
	int n;
};

/* What speech says for the whole screen, in display order, using the voice rules for
 * items ("Balance, press 1") and for masked input ("2 digits entered"). */
void screen_speech(const struct screen *s, const struct voice_set *voices,
    struct speech_script *out);
void speech_script_add(struct speech_script *sc, const char *lang, const char *text);
/* An item is a segment of its own, so that the screen can highlight it while it is heard. */
void speech_script_add_item(struct speech_script *sc, const char *lang, const char *text,
    int item);
void speech_script_free(struct speech_script *sc);
struct strbuf;
/* The input as drawn, between open and close: the PIN as one star per digit typed. */
void screen_input_show(const struct screen_input *in, const char *open, const char *star,
    const char *close, struct strbuf *out);
/* The shown text of the screen on one line, for the trace. */
char *screen_shown_text(const struct screen *s);

#endif
