/*
 * arch/trap.h - trap handling entry points and the panic dump helpers.
 */
#ifndef KITE_ARCH_TRAP_H
#define KITE_ARCH_TRAP_H

#include "arch/csr.h"
#include "arch/trapframe.h"

/* For signal delivery (signal/deliver.c): did the thread enter the
 * kernel by a system call? Run it again (the ecall once more, with its
 * first argument back)? Forget it was one (rt_sigreturn: the restored
 * a0 is a value, never an error to restart)? */
static inline bool arch_tf_syscall(const struct trapframe *tf)
{
	return tf->scause == EXC_ECALL_U;
}

static inline void arch_tf_syscall_again(struct trapframe *tf)
{
	tf->a0 = tf->orig_a0;
	tf->sepc -= 4; /* ecall is 4 bytes */
}

static inline void arch_tf_syscall_forget(struct trapframe *tf)
{
	tf->scause = ~0UL;
}

void kernel_trap(struct trapframe *tf);
void user_trap(struct trapframe *tf);
/* Go (back) to user mode with the registers in tf; never returns.
 * Handles a pending kill or reschedule first. */
__attribute__((noreturn)) void arch_return_to_user(struct trapframe *tf);
/* vector.S: restore tf and sret (interrupts off). */
__attribute__((noreturn)) void user_return(struct trapframe *tf);
void kernel_stack_overflow(struct trapframe *tf);
const char *arch_exception_name(uint64_t cause);
/* Print the registers of tf. */
void arch_dump_trapframe(const struct trapframe *tf);
/* Print pc and the return addresses found by walking the frame-pointer
 * chain from fp, staying inside the stack [lo, hi). */
void arch_backtrace(uintptr_t pc, uintptr_t fp, uintptr_t lo, uintptr_t hi);

#endif
