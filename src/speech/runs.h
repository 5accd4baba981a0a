/* Latin runs inside Chinese text.
 *
 * espeak-ng's Mandarin voice (cmn-latn-pinyin) reads Latin letters as pinyin: "PIN" comes
 * out as the syllable pin1, "ENTER" as en-te. speech_runs_split cuts a text into runs
 * for speech_say_parts, so that Latin words are spoken by an English voice in their own
 * run and everything else by the Mandarin one. A pure function: no espeak-ng, no state.
 *
 * The rules:
 *  - A Latin word is a stretch of Latin letters (ASCII, accented, fullwidth) and digits
 *    with at least one letter; ' - . _ join two parts of one word (F1, 80x24, e-mail,
 *    BR001-K01). Latin words go to latin_lang.
 *  - Chinese characters, Chinese punctuation and every other script go to lang.
 *  - Digits on their own (3, 2026, 12,345), spaces and punctuation belong to no language:
 *    they join the Latin run when Latin words (or the text's ends) stand on both sides
 *    ("Zhang Wei", "Model 3 Plus"), else the run of lang. cmn-latn-pinyin reads Arabic
 *    digits as Mandarin numbers (1234 as 一千二百三十四), so digits in Chinese text stay
 *    Mandarin; say counts with voice_number anyway, which gives Chinese words.
 *  - Fullwidth letters and digits (ＡＴＭ, １２３) become ASCII: neither voice reads them.
 *  - Whitespace, newlines included, becomes one space inside a run and is dropped at its
 *    ends; espeak-ng reads a newline as a space too.
 *  - A run with nothing to say (only spaces and punctuation, such as the "。" after a
 *    Latin word) is dropped.
 */
#ifndef SPEECH_RUNS_H
#define SPEECH_RUNS_H

#include "speech/speech.h"

struct speech_runs {
	struct speech_part *parts; /* each lang is the lang or latin_lang pointer passed in */
	int n;
};

/* Splits text (UTF-8) into runs. lang and latin_lang are not copied: they must outlive
 * out. Returns out->n (0 when there is nothing to say); free out with speech_runs_free. */
int speech_runs_split(const char *text, const char *lang, const char *latin_lang,
    struct speech_runs *out);
void speech_runs_free(struct speech_runs *r);

#endif
