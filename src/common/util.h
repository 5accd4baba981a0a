/* Small helpers shared by every part: memory, monotonic time, growable strings. */
#ifndef COMMON_UTIL_H
#define COMMON_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Microseconds on CLOCK_MONOTONIC: the one clock for timers and the trace. */
int64_t mono_usec(void);

/* A growable NUL-terminated string. */
struct strbuf {
	char *s;
	size_t len, cap;
};

void strbuf_init(struct strbuf *b);
void strbuf_free(struct strbuf *b);
void strbuf_add(struct strbuf *b, const char *s);
void strbuf_addn(struct strbuf *b, const char *s, size_t n);
void strbuf_addc(struct strbuf *b, char c);
void strbuf_addf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_reset(struct strbuf *b);
/* Hands the string over to the caller, leaving b empty. */
char *strbuf_take(struct strbuf *b);

/* 1 when s is one of the strings of list (NULL-terminated; NULL is an empty list). */
int str_in_list(const char *s, const char *const *list);

/* Resolve path against the directory of base_file unless it is absolute. */
char *path_relative_to(const char *base_file, const char *path);

#endif
