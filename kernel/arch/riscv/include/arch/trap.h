/*
 * arch/trap.h - trap handling entry points and the panic dump helpers.
 */
#ifndef KITE_ARCH_TRAP_H
#define KITE_ARCH_TRAP_H

#include "arch/trapframe.h"

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
