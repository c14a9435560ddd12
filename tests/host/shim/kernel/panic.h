/*
 * Host shim of kernel/panic.h: panic() is check.c's, which longjmps back
 * into a test that expects it (PANICS()) and aborts otherwise.
 */
#ifndef KITE_KERNEL_PANIC_H
#define KITE_KERNEL_PANIC_H

#include "kernel/types.h"

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

#define assert(cond)                                                       \
	do {                                                               \
		if (!(cond))                                               \
			panic("assertion failed: %s at %s:%d", #cond,      \
			      __FILE__, __LINE__);                         \
	} while (0)

#define BUILD_ASSERT(cond) _Static_assert(cond, #cond)

#endif
