/*
 * syscall.h - raw system calls: the ecall instruction and errno handling.
 *
 * ABI (Linux RISC-V): number in a7, arguments in a0..a5, result in a0.
 * The kernel reports an error as -errno, i.e. a value in [-4095, -1].
 * syscall6() returns the raw value; __syscall_ret() turns an error into
 * errno plus a -1 result, as every C library wrapper does.
 */
#ifndef KITE_USER_SYSCALL_H
#define KITE_USER_SYSCALL_H

#include "uapi/syscall.h"

static inline long syscall6(long n, long a0, long a1, long a2, long a3,
			    long a4, long a5)
{
	register long r_a0 __asm__("a0") = a0;
	register long r_a1 __asm__("a1") = a1;
	register long r_a2 __asm__("a2") = a2;
	register long r_a3 __asm__("a3") = a3;
	register long r_a4 __asm__("a4") = a4;
	register long r_a5 __asm__("a5") = a5;
	register long r_a7 __asm__("a7") = n;

	__asm__ volatile("ecall"
			 : "+r"(r_a0)
			 : "r"(r_a1), "r"(r_a2), "r"(r_a3), "r"(r_a4),
			   "r"(r_a5), "r"(r_a7)
			 : "memory");
	return r_a0;
}

#define syscall0(n) syscall6((n), 0, 0, 0, 0, 0, 0)
#define syscall1(n, a) syscall6((n), (long)(a), 0, 0, 0, 0, 0)
#define syscall2(n, a, b) syscall6((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define syscall3(n, a, b, c) \
	syscall6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define syscall4(n, a, b, c, d) \
	syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define syscall5(n, a, b, c, d, e) \
	syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

/* Is a raw result an error (-4095..-1)? */
#define SYSCALL_IS_ERR(r) ((unsigned long)(r) > -4096UL)

/* Raw result -> C convention: on error set errno and return -1. */
long __syscall_ret(long r);

#endif
