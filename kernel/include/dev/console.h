/*
 * dev/console.h - the system console on the UART.
 *
 * Output: console_write() from a thread sends its buffer whole (a
 * sleeping lock), in short pieces with interrupts off only per piece;
 * code that cannot sleep sends a message whole under the spinlock. After
 * a panic starts, output bypasses the locks (the holder may be stopped).
 * Input: the UART interrupt passes each byte through a small line
 * discipline (canonical or raw, see console.c) to readers.
 */
#ifndef KITE_DEV_CONSOLE_H
#define KITE_DEV_CONSOLE_H

#include "kernel/types.h"

void console_init(void);
void console_write(const char *buf, size_t n);
/* Called by the UART driver for each received byte (interrupts off). */
void console_input(int c);
/* Next received byte, or -1 if none is waiting. */
int console_getc(void);
/* Next received byte; sleeps until one arrives (thread context). */
int console_read_char(void);
/* read(2) on the console: a line (canonical) or what is there (raw);
 * sleeps until input (nonblock: -EAGAIN instead); 0 at end of file;
 * -ERESTARTSYS if a signal or a kill ends the wait. */
long console_read(char *buf, size_t n, bool nonblock);
/* poll: POLLIN when a read would not wait, POLLOUT always. */
int console_poll(void);
/* The line discipline's flags (KITE_ICANON | KITE_ECHO | KITE_ISIG). */
uint32_t console_get_lflag(void);
void console_set_lflag(uint32_t lflag);
/* The foreground process group (Ctrl-C, Ctrl-\, Ctrl-Z), 0 if none. */
int console_get_fg(void);
/* May a process of group caller_pgid act for the console's user (set the
 * foreground group, switch the scheduling class)? Yes if its group is
 * the foreground group or there is none. */
bool console_may_control(int caller_pgid);
/* TIOCSPGRP: make pgid (a group with a live process: the caller checks,
 * holding proc_lock) the foreground group. 0 or -EPERM (see
 * console_may_control; caller_pgid -1: a caller that ignores or blocks
 * SIGTTOU, which may). */
int console_set_fg_locked(int caller_pgid, int pgid);
/* May the calling thread hand the console on (TIOCSPGRP, a foreground
 * spawn)? If so, *caller_pgid is what console_set_fg_locked takes: its
 * group, or -1 when it may only because it ignores or blocks SIGTTOU.
 * proc_lock held. */
bool console_may_hand_on_locked(int *caller_pgid);
/* The last process of group pgid has ended: it is no longer foreground.
 * proc_lock held. */
void console_pgrp_ended_locked(int pgid);
/* Start the kernel worker that prints the process table on Ctrl-P. */
int console_start_worker(void);
/* From now on write without the lock (panic). */
void console_panic_mode(void);

/* UART driver */
void uart_init(void);
void uart_putc_sync(int c);
void uart_intr(void *unused);

#endif
