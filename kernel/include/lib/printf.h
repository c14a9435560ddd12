/*
 * lib/printf.h - formatted output into a buffer (pure; host-tested).
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %% with the l and ll length
 * modifiers (%ld %lu %lx %lld ...), z (size_t), field width (number or *),
 * '0' padding and '-' left justification. %p prints 0x and 16 hex digits.
 * A NULL %s prints "(null)". Unknown conversions are printed literally.
 */
#ifndef KITE_LIB_PRINTF_H
#define KITE_LIB_PRINTF_H

#include "kernel/types.h"

/* Format into buf (size bytes, always NUL-terminated when size > 0).
 * Returns the length the full output would have, like C's vsnprintf. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__attribute__((format(printf, 3, 4))) int ksnprintf(char *buf, size_t size,
						    const char *fmt, ...);

#endif
