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

#endif
