/*
 * kernel/param.h - compile-time limits.
 */
#ifndef KITE_KERNEL_PARAM_H
#define KITE_KERNEL_PARAM_H

#define NCPU 8              /* most harts Kite will run on */
#define KSTACK_SIZE (16 * 1024) /* kernel stack per thread, plus a guard */
#define HZ_DEFAULT 100      /* timer interrupts per second per hart */
#define BOOTARGS_MAX 256    /* longest /chosen/bootargs kept */
#define KITE_VERSION "0.1.0"

/* Default resource limits (Linux's for its first process) */
#define RLIMIT_STACK_DEFAULT (8UL << 20) /* 8 MiB of stack */
#define NOFILE_DEFAULT 1024   /* open files: soft limit */
#define NOFILE_MAX 4096       /* open files: hard limit, and its ceiling */
#define MEMLOCK_DEFAULT (8UL << 20)
#define MSGQUEUE_DEFAULT 819200

#endif
