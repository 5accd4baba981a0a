#include "kiosk/money.h"

#include <stdio.h>
#include <string.h>

/* "¥12,345.60": the sign the customer sees on notes and statements. */
void
money_show(int64_t fen, char *out, size_t outsz)
{
	char digits[32], grouped[48];
	int neg = fen < 0;
	uint64_t v = neg ? (uint64_t)(-(fen + 1)) + 1 : (uint64_t)fen;

	snprintf(digits, sizeof digits, "%llu", (unsigned long long)(v / 100));
	size_t n = strlen(digits), j = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			grouped[j++] = ',';
		grouped[j++] = digits[i];
	}
	grouped[j] = '\0';
	snprintf(out, outsz, "%s¥%s.%02llu", neg ? "-" : "", grouped,
	    (unsigned long long)(v % 100));
}
