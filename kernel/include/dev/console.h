/*
 * dev/console.h - the system console on the UART.
 *
 * Output: console_write() sends a buffer whole under the console lock, so
 * writers on different harts never interleave. After a panic starts,
 * output bypasses the lock (the holder may be a stopped hart).
 * Input: the UART interrupt puts received bytes into a ring buffer;
 * console_getc() takes them out.
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
/* From now on write without the lock (panic). */
void console_panic_mode(void);

/* UART driver */
void uart_init(void);
void uart_putc_sync(int c);
void uart_intr(void);

#endif
