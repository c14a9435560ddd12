/*
 * cap/sys_cap.h - the capability calls' handlers (cap/sys_cap.c), for
 * the system call table (syscall/syscall.c).
 */
#ifndef KITE_CAP_SYS_CAP_H
#define KITE_CAP_SYS_CAP_H

#include "syscall/syscall.h"

SYSCALL(cap_group_create);
SYSCALL(pmo_create);
SYSCALL(pmo_write);
SYSCALL(pmo_read);
SYSCALL(pmo_map);
SYSCALL(cap_thread_create);
SYSCALL(cap_copy);
SYSCALL(cap_free);
SYSCALL(cap_query);
SYSCALL(kite_putc);
SYSCALL(kite_getc);
SYSCALL(kite_thread_exit);
SYSCALL(pmo_app);
SYSCALL(kite_capstats);

#endif
