/*
 * setjmp.h - non-local jumps: setjmp/longjmp keep the callee-saved
 * registers, sp and ra (user/lib/setjmp.S); sigsetjmp/siglongjmp also
 * the signal mask when savemask is nonzero, so a handler may jump out
 * of itself (its mask, with the signal blocked, is undone).
 */
#ifndef KITE_USER_SETJMP_H
#define KITE_USER_SETJMP_H

#include <stdint.h>

/* ra, sp, s0..s11; then sigsetjmp's: saved?, the mask */
typedef uint64_t jmp_buf[14];
typedef uint64_t sigjmp_buf[16];

int setjmp(jmp_buf env) __attribute__((returns_twice));
__attribute__((noreturn)) void longjmp(jmp_buf env, int val);
int sigsetjmp(sigjmp_buf env, int savemask) __attribute__((returns_twice));
__attribute__((noreturn)) void siglongjmp(sigjmp_buf env, int val);

#endif
