/*
 * kernel/random.h - the kernel's random numbers (kernel/syscall/
 * sys_random.c: a ChaCha20 generator stirred with interrupt timing).
 */
#ifndef KITE_KERNEL_RANDOM_H
#define KITE_KERNEL_RANDOM_H

#include "kernel/types.h"

/* Fill out with n random bytes (never blocks; takes a spinlock briefly:
 * not from interrupts). */
void random_bytes(void *out, size_t n);
/* Stir a sample (a time counter value at an interrupt, a typed key)
 * into the entropy pool. Lock-free: interrupts call it. */
void random_add_entropy(uint64_t sample);

#endif
