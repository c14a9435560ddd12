/*
 * kprintf.c - kernel console printing and leveled logs.
 *
 * A message is formatted into a buffer on the stack and handed to the
 * console in one write, so it never interleaves with another hart's.
 * Messages longer than the buffer are cut and marked.
 */
#include "dev/console.h"
#include "kernel/clock.h"
#include "kernel/log.h"
#include "lib/printf.h"
#include "lib/string.h"

#define KPRINTF_BUF 512

enum log_level log_level = LOG_WARN;

int kvprintf(const char *fmt, va_list ap)
{
	char buf[KPRINTF_BUF];
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = (n < 0) ? 0 : MIN((size_t)n, sizeof(buf) - 1);

	if ((size_t)n >= sizeof(buf)) { /* cut: say so */
		memcpy(buf + sizeof(buf) - 5, "...\n", 4);
		len = sizeof(buf) - 1;
	}
	console_write(buf, len);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

void klog(enum log_level lvl, const char *fmt, ...)
{
	static const char *const tag[] = { "error: ", "warning: ", "", "" };
	char buf[KPRINTF_BUF];
	uint64_t ns = clock_monotonic_ns();
	va_list ap;
	int n;

	if (lvl > log_level)
		return;
	n = ksnprintf(buf, sizeof(buf), "[%5lu.%06lu] %s",
		      (unsigned long)(ns / 1000000000),
		      (unsigned long)(ns / 1000 % 1000000), tag[lvl]);
	va_start(ap, fmt);
	kvsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	n = (int)strlen(buf);
	buf[n++] = '\n';
	console_write(buf, (size_t)n);
}

bool log_set_level(const char *name)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };

	if (strcmp(name, "trace") == 0) /* debug, named for its process lines */
		name = "debug";
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcmp(name, names[i]) == 0) {
			log_level = (enum log_level)i;
			return true;
		}
	}
	return false;
}
