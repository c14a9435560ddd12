/*
 * kernel/panic.h - panic and assert: for kernel bugs only.
 *
 * Nothing a user program does may reach these; user errors return -E*.
 */
#ifndef KITE_KERNEL_PANIC_H
#define KITE_KERNEL_PANIC_H

#include "kernel/types.h"

struct trapframe;

/* Print the message, registers and a backtrace on this hart, stop the
 * others and power off with a failure status (or halt: bootarg panic=halt). */
/* True once some hart has begun to panic. */
bool panic_in_progress(void);
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/* panic() with a trap frame whose registers and pc are shown. */
__attribute__((noreturn, format(printf, 2, 3))) void
panic_trap(struct trapframe *tf, const char *fmt, ...);

#define assert(cond)                                                       \
	do {                                                               \
		if (unlikely(!(cond)))                                     \
			panic("assertion failed: %s at %s:%d", #cond,      \
			      __FILE__, __LINE__);                         \
	} while (0)

#define BUILD_ASSERT(cond) _Static_assert(cond, #cond)

#endif
