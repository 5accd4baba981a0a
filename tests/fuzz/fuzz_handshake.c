/*
 * libFuzzer harness for the adapter's side of the handshake, and the session checks
 * after it: kproto_server_handshake, then kproto_recv, fed over a socketpair.
 *
 * The first input byte chooses the form of the rest:
 *   even: raw bytes, written as they are, then end of stream;
 *   odd:  records "type u8 | seq u8 | flags u8 | length u16 | payload", each made into a
 *         frame that the harness signs, so the fuzzer reaches what lies behind the
 *         signature. Flags: 0x01 sign with a key nobody pins, 0x02 put the live session
 *         id in the header, 0x04 use the payload's first 16 bytes as the session id
 *         instead, 0x08 replace the payload by a NONCE field holding the adapter's nonce
 *         (a valid HELLO_CONFIRM), 0x10 cut the frame short and end the stream.
 * The RNG is replaced by a fixed stream, so the adapter's nonce is the same every run
 * and a crash reproduces.
 */
#include "kiosk/proto.h"

#include <sys/socket.h>

#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Frames the harness writes per input; the socket buffer takes them all. */
#define FUZZ_INPUT_MAX 65536

static unsigned char kiosk_pk[KPROTO_PK_LEN], kiosk_sk[KPROTO_SK_LEN];
static unsigned char adapter_pk[KPROTO_PK_LEN], adapter_sk[KPROTO_SK_LEN];
static unsigned char other_pk[KPROTO_PK_LEN], other_sk[KPROTO_SK_LEN];
static unsigned char frame[KPROTO_MAX_FRAME], sink[KPROTO_MAX_FRAME];
static struct kproto_conn server;
static struct kproto_buf payload;
static uint64_t rng_state;

static uint32_t
rng_random(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static void
rng_buf(void *const buf, const size_t size)
{
	for (size_t i = 0; i < size; i++)
		((unsigned char *)buf)[i] = (unsigned char)rng_random();
}

static const char *
rng_name(void)
{
	return "fixed";
}

static void
seed_key(unsigned char *pk, unsigned char *sk, unsigned char first)
{
	unsigned char seed[32];

	for (int i = 0; i < 32; i++)
		seed[i] = (unsigned char)(first + i);
	crypto_sign_seed_keypair(pk, sk, seed);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static randombytes_implementation fixed = {
		.implementation_name = rng_name,
		.random = rng_random,
		.buf = rng_buf,
	};

	(void)argc;
	(void)argv;
	rng_state = 0x9e3779b97f4a7c15ull;
	if (randombytes_set_implementation(&fixed) != 0 || sodium_init() < 0)
		abort();
	signal(SIGPIPE, SIG_IGN);
	/* The keys of tests/vectors. */
	seed_key(kiosk_pk, kiosk_sk, 0x00);
	seed_key(adapter_pk, adapter_sk, 0x20);
	seed_key(other_pk, other_sk, 0x40);
	return 0;
}

/* Runs the server on what arrived so far; returns 0 once the connection is done. */
static int
serve(int peer)
{
	char err[256];
	uint8_t type;

	for (int i = 0; i < 4; i++) {
		int rv;
		if (server.state == KPROTO_CONN_READY)
			rv = kproto_recv(&server, &type, &payload);
		else
			rv = kproto_server_handshake(&server, "kiosk-bankd", err, sizeof err);
		/* The adapter's answers are not looked at; keep the socket from filling. */
		while (read(peer, sink, sizeof sink) > 0)
			;
		/* Every refusal leaves the connection failed, never half usable. */
		if (rv < 0) {
			if (server.state != KPROTO_CONN_FAILED)
				abort();
			return 0;
		}
		if (rv == KPROTO_AGAIN && server.inlen == 0 &&
		    server.state != KPROTO_CONN_REPLY_SENT)
			break;
	}
	return 1;
}

static void
run_raw(int peer, const uint8_t *data, size_t size)
{
	if (size > 0 && write(peer, data, size) != (ssize_t)size)
		abort();
	shutdown(peer, SHUT_WR);
	for (int i = 0; i < 64 && serve(peer); i++)
		;
}

static void
run_records(int peer, const uint8_t *data, size_t size)
{
	static const unsigned char zero[KPROTO_SESSION_LEN];

	while (size >= 5) {
		uint8_t type = data[0], seq = data[1], flags = data[2];
		size_t len = (size_t)data[3] << 8 | data[4];
		const unsigned char *sid = zero;
		size_t flen;

		data += 5;
		size -= 5;
		if (len > size)
			len = size;
		if (len > KPROTO_MAX_PAYLOAD)
			len = KPROTO_MAX_PAYLOAD;
		kproto_buf_init(&payload);
		if (flags & 0x08)
			kproto_put_bytes(&payload, KPROTO_TAG_NONCE, server.nonce,
			    sizeof server.nonce);
		else
			kproto_buf_set(&payload, data, len);
		if (flags & 0x04 && len >= KPROTO_SESSION_LEN)
			sid = data;
		else if (flags & 0x02)
			sid = server.session;
		data += len;
		size -= len;
		if (kproto_frame_encode(frame, sizeof frame, &flen, type, seq, sid, payload.data,
		    payload.len, flags & 0x01 ? other_sk : kiosk_sk) != KPROTO_OK)
			abort();
		if (flags & 0x10)
			flen = flen * seq / 256;
		if (flen > 0 && write(peer, frame, flen) != (ssize_t)flen)
			abort();
		if (flags & 0x10)
			shutdown(peer, SHUT_WR);
		if (!serve(peer))
			return;
		if (flags & 0x10)
			break;
	}
	shutdown(peer, SHUT_WR);
	serve(peer);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int sv[2];

	if (size < 1 || size > FUZZ_INPUT_MAX)
		return 0;
	rng_state = 0x9e3779b97f4a7c15ull;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) < 0)
		abort();
	int buf = 4 * FUZZ_INPUT_MAX;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
	if (kproto_conn_init(&server, sv[1], adapter_sk, kiosk_pk) != KPROTO_OK)
		abort();
	server.io_timeout_ms = 100;
	if (data[0] & 1)
		run_records(sv[0], data + 1, size - 1);
	else
		run_raw(sv[0], data + 1, size - 1);
	/* A connection is either established with the kiosk's name or not at all. */
	if (server.state == KPROTO_CONN_READY && server.peer_id[0] == '\0')
		abort();
	kproto_conn_close(&server);
	close(sv[0]);
	return 0;
}
