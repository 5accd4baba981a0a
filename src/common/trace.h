/* The event trace (--trace FILE): one line per event, read by tests and benchmarks.
 * Format (docs/trace.md):  <usec> <event> [key=value ...]
 * usec is CLOCK_MONOTONIC in microseconds; values with spaces are double-quoted with
 * \" \\ \n escapes. Never pass a PIN digit or a key here. */
#ifndef COMMON_TRACE_H
#define COMMON_TRACE_H

int trace_open(const char *path);
void trace_close(void);
int trace_enabled(void);
/* fmt is the part after the event name, already in key=value form. */
void trace_event(const char *event, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Quotes text for a trace value; returns a malloc'd string. */
char *trace_quote(const char *text);

#endif
