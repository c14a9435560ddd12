/*
 * dev/console.h - the system console on the UART.
 *
 * Output: console_write() sends a buffer whole under the console lock, so
 * writers on different harts never interleave. After a panic starts,
 * output bypasses the lock (the holder may be a stopped hart).
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
 * sleeps until input; 0 at end of file; -EINTR if the caller is killed. */
long console_read(char *buf, size_t n);
/* The line discipline's flags (KITE_ICANON | KITE_ECHO | KITE_ISIG). */
uint32_t console_get_lflag(void);
void console_set_lflag(uint32_t lflag);
/* The foreground process group (Ctrl-C); set >= 0 changes it. Returns
 * the previous one. */
int console_fg_pgid(int set);
/* From now on write without the lock (panic). */
void console_panic_mode(void);

/* UART driver */
void uart_init(void);
void uart_putc_sync(int c);
void uart_intr(void);

#endif
