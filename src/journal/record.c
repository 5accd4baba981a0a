/*
 * One journal record: building it, its line (quoting, the chain hash) and reading a
 * line back. The format is docs/journal.md's.
 */
#include "journal/journal-int.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int
journal_name_valid(const char *s, int underscore)
{
	size_t n = strlen(s);

	if (n == 0 || n > JOURNAL_NAME_MAX)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		    (underscore && *s == '_')))
			return 0;
	return 1;
}

void
journal_record_init(struct journal_record *r, const char *event)
{
	memset(r, 0, sizeof *r);
	snprintf(r->event, sizeof r->event, "%s", event);
	/* A name too long would be cut to another: the record is refused whole instead. */
	if (strlen(event) > JOURNAL_NAME_MAX)
		r->nfields = -1;
}

int
journal_record_add(struct journal_record *r, const char *key, const char *value)
{
	/* A bad key or a full record poisons the record: journal_append refuses it. */
	if (r->nfields < 0)
		return -1;
	if (r->nfields == JOURNAL_FIELDS_MAX || !journal_name_valid(key, 1)) {
		r->nfields = -1;
		return -1;
	}
	struct journal_field *f = &r->fields[r->nfields++];
	snprintf(f->key, sizeof f->key, "%s", key);
	snprintf(f->value, sizeof f->value, "%s", value != NULL ? value : "");
	return 0;
}

int
journal_record_addf(struct journal_record *r, const char *key, const char *fmt, ...)
{
	char v[JOURNAL_VALUE_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof v, fmt, ap);
	va_end(ap);
	return journal_record_add(r, key, v);
}

const char *
journal_record_get(const struct journal_record *r, const char *key)
{
	for (int i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].key, key) == 0)
			return r->fields[i].value;
	return NULL;
}

/* ---- Formatting ------------------------------------------------------------------ */

struct out {
	char *p;
	size_t len, cap;
	int overflow;
};

static void
out_add(struct out *o, const char *s, size_t n)
{
	if (o->len + n >= o->cap) {
		o->overflow = 1;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void
out_str(struct out *o, const char *s)
{
	out_add(o, s, strlen(s));
}

static int
value_needs_quotes(const char *v)
{
	if (*v == '\0')
		return 1;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p == '"' || *p == '\\' || *p == 0x7f)
			return 1;
	return 0;
}

static void
out_value(struct out *o, const char *v)
{
	char esc[8];

	if (!value_needs_quotes(v)) {
		out_str(o, v);
		return;
	}
	out_str(o, "\"");
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			out_add(o, esc, 2);
		} else if (*p == '\n')
			out_str(o, "\\n");
		else if (*p == '\t')
			out_str(o, "\\t");
		else if (*p < ' ' || *p == 0x7f) {
			snprintf(esc, sizeof esc, "\\x%02x", *p);
			out_str(o, esc);
		} else
			out_add(o, (const char *)p, 1);
	}
	out_str(o, "\"");
}

void
journal_chain_hash(unsigned char out[JOURNAL_HASH_LEN], const unsigned char prev[JOURNAL_HASH_LEN],
    const char *body, size_t len)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, JOURNAL_HASH_LEN);
	crypto_generichash_update(&st, prev, JOURNAL_HASH_LEN);
	crypto_generichash_update(&st, (const unsigned char *)body, len);
	crypto_generichash_final(&st, out, JOURNAL_HASH_LEN);
}

int
journal_record_format(struct journal_record *r, char *buf, size_t bufsz, size_t *len)
{
	struct out o = { buf, 0, bufsz, 0 };
	char num[32], hex[JOURNAL_HEX_LEN + 1];

	buf[0] = '\0';
	snprintf(num, sizeof num, "%llu ", (unsigned long long)r->seq);
	out_str(&o, num);
	out_str(&o, r->time);
	out_str(&o, " ");
	out_str(&o, r->event);
	for (int i = 0; i < r->nfields; i++) {
		out_str(&o, " ");
		out_str(&o, r->fields[i].key);
		out_str(&o, "=");
		out_value(&o, r->fields[i].value);
	}
	out_str(&o, " prev=");
	out_str(&o, sodium_bin2hex(hex, sizeof hex, r->prev, JOURNAL_HASH_LEN));
	if (o.overflow || o.len + JOURNAL_HASH_PART_LEN + 1 > JOURNAL_LINE_MAX)
		return -1;
	journal_chain_hash(r->hash, r->prev, o.p, o.len);
	out_str(&o, " hash=");
	out_str(&o, sodium_bin2hex(hex, sizeof hex, r->hash, JOURNAL_HASH_LEN));
	out_str(&o, "\n");
	*len = o.len;
	return o.overflow ? -1 : 0;
}

/* ---- Parsing ----------------------------------------------------------------------- */

static int
hex_lower(const char *s, size_t n, unsigned char *out)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return -1;
	return sodium_hex2bin(out, n / 2, s, n, NULL, NULL, NULL) == 0 ? 0 : -1;
}

/* The leading sequence number of a line, if it has a whole one: "57 ...". */
static int
parse_seq(const char *s, size_t len, size_t *used, uint64_t *seq)
{
	size_t i = 0;
	uint64_t v = 0;

	while (i < len && s[i] >= '0' && s[i] <= '9') {
		if (i == 19 || (i > 0 && v == 0))
			return -1; /* too long, or a leading zero */
		v = v * 10 + (uint64_t)(s[i] - '0');
		i++;
	}
	if (i == 0 || i >= len || s[i] != ' ' || v == 0)
		return -1;
	*used = i + 1;
	*seq = v;
	return 0;
}

/* A token of name characters up to a space or '='; -1 if empty or too long. */
static int
parse_name(const char *s, size_t len, size_t *i, char *out, int underscore, char stop)
{
	size_t start = *i;

	while (*i < len && s[*i] != stop && s[*i] != ' ')
		(*i)++;
	if (*i == start || *i - start > JOURNAL_NAME_MAX)
		return -1;
	memcpy(out, s + start, *i - start);
	out[*i - start] = '\0';
	return journal_name_valid(out, underscore) ? 0 : -1;
}

static int
parse_value(const char *s, size_t len, size_t *i, char *out)
{
	size_t n = 0;

	if (*i < len && s[*i] == '"') {
		(*i)++;
		for (;;) {
			if (*i >= len)
				return -1;
			char c = s[(*i)++];
			if (c == '"')
				break;
			if (c == '\\') {
				if (*i >= len)
					return -1;
				c = s[(*i)++];
				if (c == 'n')
					c = '\n';
				else if (c == 't')
					c = '\t';
				else if (c == 'x') {
					unsigned char b;
					if (*i + 2 > len || hex_lower(s + *i, 2, &b) < 0)
						return -1;
					c = (char)b;
					*i += 2;
				} else if (c != '"' && c != '\\')
					return -1;
			}
			if (c == '\0' || n == JOURNAL_VALUE_MAX)
				return -1;
			out[n++] = c;
		}
	} else {
		while (*i < len && s[*i] != ' ') {
			if (s[*i] == '"' || s[*i] == '\0' || n == JOURNAL_VALUE_MAX)
				return -1;
			out[n++] = s[(*i)++];
		}
		if (n == 0)
			return -1;
	}
	out[n] = '\0';
	return 0;
}

int
journal_record_parse(const char *line, size_t len, struct journal_record *r, int *has_seq,
    const char **why)
{
	unsigned char want[JOURNAL_HASH_LEN];
	size_t i = 0, head;

	memset(r, 0, sizeof *r);
	*has_seq = parse_seq(line, len, &i, &r->seq) == 0;
	*why = "not a journal record";
	if (!*has_seq || len > JOURNAL_LINE_MAX || len < i + JOURNAL_TAIL_LEN)
		return -1;
	head = len - JOURNAL_TAIL_LEN;
	if (memcmp(line + head, " prev=", 6) != 0 ||
	    hex_lower(line + head + 6, JOURNAL_HEX_LEN, r->prev) < 0 ||
	    memcmp(line + len - JOURNAL_HASH_PART_LEN, " hash=", 6) != 0 ||
	    hex_lower(line + len - JOURNAL_HEX_LEN, JOURNAL_HEX_LEN, r->hash) < 0)
		return -1;

	/* The time is a token of its own; the format is the writer's business. */
	size_t t = i;
	while (i < head && line[i] != ' ')
		i++;
	if (i == t || i - t > JOURNAL_TIME_LEN || i >= head)
		return -1;
	memcpy(r->time, line + t, i - t);
	i++;
	if (parse_name(line, head, &i, r->event, 0, ' ') < 0)
		return -1;
	while (i < head) {
		if (line[i] != ' ' || r->nfields == JOURNAL_FIELDS_MAX)
			return -1;
		i++;
		struct journal_field *f = &r->fields[r->nfields++];
		if (parse_name(line, head, &i, f->key, 1, '=') < 0 || i >= head ||
		    line[i] != '=')
			return -1;
		i++;
		if (parse_value(line, head, &i, f->value) < 0)
			return -1;
	}
	journal_chain_hash(want, r->prev, line, len - JOURNAL_HASH_PART_LEN);
	if (memcmp(want, r->hash, JOURNAL_HASH_LEN) != 0) {
		*why = "the record does not match its hash";
		return -1;
	}
	return 0;
}
