/* Internals shared by the files of libkproto; not installed. */
#ifndef PROTO_INT_H
#define PROTO_INT_H

#include "kiosk/proto.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define KPROTO_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* snprintf into err when err is not NULL; returns code so callers can return it. */
int kproto_seterr(char *err, size_t errlen, int code, const char *fmt, ...)
    KPROTO_PRINTF(4, 5);

void kproto_be16_put(unsigned char *p, uint16_t v);
void kproto_be32_put(unsigned char *p, uint32_t v);
void kproto_be64_put(unsigned char *p, uint64_t v);
uint16_t kproto_be16_get(const unsigned char *p);
uint32_t kproto_be32_get(const unsigned char *p);
uint64_t kproto_be64_get(const unsigned char *p);

/* conn.c: one frame verified by signature only; session/seq/type are left to callers. */
int kproto_conn_read_frame(struct kproto_conn *c, struct kproto_header *h,
    struct kproto_buf *payload);
/* conn.c: signs and writes a frame without role checks (the handshake uses it). */
int kproto_conn_write_frame(struct kproto_conn *c, uint8_t type, uint64_t seq,
    const struct kproto_buf *payload);
/* conn.c: poll fd for events until deadline (mono ms); KPROTO_OK or KPROTO_E_TIMEOUT. */
int kproto_conn_poll(int fd, short events, int64_t deadline_ms);
int64_t kproto_now_ms(void);
int64_t kproto_deadline(int timeout_ms);

#endif
