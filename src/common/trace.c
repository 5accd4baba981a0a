#include "common/trace.h"

#include "common/util.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int trace_fd = -1;

int
trace_open(const char *path)
{
	trace_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	return trace_fd < 0 ? -1 : 0;
}

void
trace_close(void)
{
	if (trace_fd >= 0)
		close(trace_fd);
	trace_fd = -1;
}

int
trace_enabled(void)
{
	return trace_fd >= 0;
}

void
trace_event(const char *event, const char *fmt, ...)
{
	if (trace_fd < 0)
		return;
	struct strbuf b = {0};
	strbuf_addf(&b, "%lld %s", (long long)mono_usec(), event);
	if (fmt != NULL && fmt[0] != '\0') {
		char body[4096];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(body, sizeof body, fmt, ap);
		va_end(ap);
		strbuf_addc(&b, ' ');
		strbuf_add(&b, body);
	}
	strbuf_addc(&b, '\n');
	/* One write per line: O_APPEND keeps lines from two threads whole. */
	ssize_t n = write(trace_fd, b.s, b.len);
	(void)n;
	strbuf_free(&b);
}

char *
trace_quote(const char *text)
{
	struct strbuf b = {0};
	strbuf_addc(&b, '"');
	for (const char *p = text; *p; p++) {
		switch (*p) {
		case '"': strbuf_add(&b, "\\\""); break;
		case '\\': strbuf_add(&b, "\\\\"); break;
		case '\n': strbuf_add(&b, "\\n"); break;
		default: strbuf_addc(&b, *p);
		}
	}
	strbuf_addc(&b, '"');
	return strbuf_take(&b);
}
