/* The font compiled in (bundled.c), for font.c. */
#ifndef LARGEPRINT_BUNDLED_H
#define LARGEPRINT_BUNDLED_H

#include "largeprint/largeprint.h"

/* Decodes the drawings once into *glyphs (static storage, sorted by code point) and
 * returns how many there are. */
int bundled_glyphs(struct lp_glyph **glyphs);

#endif
