/*
 * Payload fields: tag u8 | length u16 BE | value. Readers are strict in the manner of
 * OpenSMTPD's m_get_*: the tag must match, fixed-size fields must have their exact
 * length, strings must be UTF-8 without NUL, and kproto_get_end wants nothing left.
 */
#include "proto-int.h"

#include <sodium.h>
#include <string.h>

#define FIELD_HDR 3

void
kproto_be16_put(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

void
kproto_be32_put(unsigned char *p, uint32_t v)
{
	for (int i = 3; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

void
kproto_be64_put(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

uint16_t
kproto_be16_get(const unsigned char *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

uint32_t
kproto_be32_get(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint64_t
kproto_be64_get(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

void
kproto_buf_init(struct kproto_buf *b)
{
	b->len = 0;
	b->off = 0;
	b->error = KPROTO_OK;
}

int
kproto_buf_set(struct kproto_buf *b, const void *data, size_t len)
{
	kproto_buf_init(b);
	if (len > sizeof b->data)
		return b->error = KPROTO_E_OVERSIZE;
	if (len > 0)
		memcpy(b->data, data, len);
	b->len = len;
	return KPROTO_OK;
}

void
kproto_buf_wipe(struct kproto_buf *b)
{
	sodium_memzero(b, sizeof *b);
}

static int
put_field(struct kproto_buf *b, uint8_t tag, const void *p, size_t len)
{
	if (b->error != KPROTO_OK)
		return b->error;
	/* Checked as a subtraction from the room left, which cannot overflow. */
	if (len > UINT16_MAX || len + FIELD_HDR > sizeof b->data - b->len)
		return b->error = KPROTO_E_NOSPACE;
	b->data[b->len] = tag;
	kproto_be16_put(b->data + b->len + 1, (uint16_t)len);
	if (len > 0)
		memcpy(b->data + b->len + FIELD_HDR, p, len);
	b->len += FIELD_HDR + len;
	return KPROTO_OK;
}

int
kproto_put_u8(struct kproto_buf *b, uint8_t tag, uint8_t v)
{
	return put_field(b, tag, &v, 1);
}

int
kproto_put_u16(struct kproto_buf *b, uint8_t tag, uint16_t v)
{
	unsigned char p[2];

	kproto_be16_put(p, v);
	return put_field(b, tag, p, sizeof p);
}

int
kproto_put_u32(struct kproto_buf *b, uint8_t tag, uint32_t v)
{
	unsigned char p[4];

	kproto_be32_put(p, v);
	return put_field(b, tag, p, sizeof p);
}

int
kproto_put_u64(struct kproto_buf *b, uint8_t tag, uint64_t v)
{
	unsigned char p[8];

	kproto_be64_put(p, v);
	return put_field(b, tag, p, sizeof p);
}

int
kproto_put_i64(struct kproto_buf *b, uint8_t tag, int64_t v)
{
	/* Two's complement on the wire; the cast is defined for every value. */
	return kproto_put_u64(b, tag, (uint64_t)v);
}

int
kproto_put_bytes(struct kproto_buf *b, uint8_t tag, const void *p, size_t len)
{
	return put_field(b, tag, p, len);
}

int
kproto_put_str(struct kproto_buf *b, uint8_t tag, const char *s)
{
	size_t len = strlen(s);

	if (b->error != KPROTO_OK)
		return b->error;
	if (!kproto_utf8_valid(s, len))
		return b->error = KPROTO_E_FIELD_UTF8;
	return put_field(b, tag, s, len);
}

/* Reads the next field header; on success val and len describe the value. */
static int
get_field(struct kproto_buf *b, uint8_t tag, const unsigned char **val, size_t *len)
{
	size_t left = b->len - b->off;

	if (left < FIELD_HDR)
		return KPROTO_E_FIELD_SHORT;
	if (b->data[b->off] != tag)
		return KPROTO_E_FIELD_TAG;
	size_t n = kproto_be16_get(b->data + b->off + 1);
	if (n > left - FIELD_HDR)
		return KPROTO_E_FIELD_SHORT;
	*val = b->data + b->off + FIELD_HDR;
	*len = n;
	return KPROTO_OK;
}

static int
get_fixed(struct kproto_buf *b, uint8_t tag, unsigned char *out, size_t want)
{
	const unsigned char *val;
	size_t len;
	int rv;

	if ((rv = get_field(b, tag, &val, &len)) != KPROTO_OK)
		return rv;
	if (len != want)
		return KPROTO_E_FIELD_LEN;
	memcpy(out, val, want);
	b->off += FIELD_HDR + len;
	return KPROTO_OK;
}

int
kproto_get_u8(struct kproto_buf *b, uint8_t tag, uint8_t *v)
{
	return get_fixed(b, tag, v, 1);
}

int
kproto_get_u16(struct kproto_buf *b, uint8_t tag, uint16_t *v)
{
	unsigned char p[2];
	int rv;

	if ((rv = get_fixed(b, tag, p, sizeof p)) == KPROTO_OK)
		*v = kproto_be16_get(p);
	return rv;
}

int
kproto_get_u32(struct kproto_buf *b, uint8_t tag, uint32_t *v)
{
	unsigned char p[4];
	int rv;

	if ((rv = get_fixed(b, tag, p, sizeof p)) == KPROTO_OK)
		*v = kproto_be32_get(p);
	return rv;
}

int
kproto_get_u64(struct kproto_buf *b, uint8_t tag, uint64_t *v)
{
	unsigned char p[8];
	int rv;

	if ((rv = get_fixed(b, tag, p, sizeof p)) == KPROTO_OK)
		*v = kproto_be64_get(p);
	return rv;
}

int
kproto_get_i64(struct kproto_buf *b, uint8_t tag, int64_t *v)
{
	uint64_t u;
	int rv;

	if ((rv = kproto_get_u64(b, tag, &u)) != KPROTO_OK)
		return rv;
	/* Converting an out-of-range uint64_t to int64_t is implementation-defined. */
	if (u > (uint64_t)INT64_MAX)
		*v = -(int64_t)(~u) - 1;
	else
		*v = (int64_t)u;
	return KPROTO_OK;
}

int
kproto_get_bytes(struct kproto_buf *b, uint8_t tag, void *out, size_t len)
{
	return get_fixed(b, tag, out, len);
}

int
kproto_get_blob(struct kproto_buf *b, uint8_t tag, size_t min, size_t max,
    const unsigned char **p, size_t *len)
{
	const unsigned char *val;
	size_t n;
	int rv;

	if ((rv = get_field(b, tag, &val, &n)) != KPROTO_OK)
		return rv;
	if (n < min || n > max)
		return KPROTO_E_FIELD_LEN;
	*p = val;
	*len = n;
	b->off += FIELD_HDR + n;
	return KPROTO_OK;
}

int
kproto_get_str(struct kproto_buf *b, uint8_t tag, char *out, size_t outsz)
{
	const unsigned char *val;
	size_t n;
	int rv;

	if (outsz == 0)
		return KPROTO_E_INVAL;
	if ((rv = get_field(b, tag, &val, &n)) != KPROTO_OK)
		return rv;
	if (n >= outsz)
		return KPROTO_E_FIELD_LEN;
	if (!kproto_utf8_valid((const char *)val, n))
		return KPROTO_E_FIELD_UTF8;
	memcpy(out, val, n);
	out[n] = '\0';
	b->off += FIELD_HDR + n;
	return KPROTO_OK;
}

int
kproto_get_end(struct kproto_buf *b)
{
	return b->off == b->len ? KPROTO_OK : KPROTO_E_FIELD_TRAILING;
}

int
kproto_next_tag(const struct kproto_buf *b)
{
	return b->off < b->len ? b->data[b->off] : -1;
}

int
kproto_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		size_t n;
		uint32_t cp, min;

		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1; cp = c & 0x1f; min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2; cp = c & 0x0f; min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3; cp = c & 0x07; min = 0x10000;
		} else
			return 0;
		if (n > len - i - 1)
			return 0;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		/* Overlong forms and surrogates would let two spellings of one text pass. */
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

int
kproto_pan_valid(const char *pan)
{
	size_t n = 0;

	for (; pan[n] != '\0'; n++)
		if (pan[n] < '0' || pan[n] > '9')
			return 0;
	return n >= KPROTO_PAN_MIN && n <= KPROTO_PAN_MAX;
}

int
kproto_pan_luhn(const char *pan)
{
	size_t n = strlen(pan);
	int sum = 0;

	if (n < 2)
		return 0;
	/* From the right, every second digit is doubled, its digits added. */
	for (size_t i = 0; i < n; i++) {
		int d = pan[n - 1 - i] - '0';
		if (d < 0 || d > 9)
			return 0;
		if (i % 2 == 1)
			d = d * 2 > 9 ? d * 2 - 9 : d * 2;
		sum += d;
	}
	return sum % 10 == 0;
}

void
kproto_pan_mask(const char *pan, char *out, size_t outsz)
{
	size_t n = strlen(pan), i;

	if (outsz == 0)
		return;
	for (i = 0; i < n && i + 1 < outsz; i++) {
		/* Short or odd input is masked completely rather than half shown. */
		if (n >= 10 && (i < 6 || i >= n - 4))
			out[i] = pan[i];
		else
			out[i] = '*';
	}
	out[i] = '\0';
}
