/*
 * stdio.h - formatted output and simple input, unbuffered.
 *
 * A FILE is just a file descriptor: stdin, stdout and stderr are fds 0, 1
 * and 2. There is no buffering: every printf-family call formats into a
 * stack buffer and hands the whole result to ONE write(), so lines printed
 * by different processes never interleave mid-line. fflush() is a no-op.
 *
 * Conversions are the kernel's kvsnprintf ones (lib/printf.h): %d %i %u
 * %x %X %o %c %s %p %% with h/hh/l/ll/z, width, precision, '-', '0', '+',
 * ' '. No floating point.
 */
#ifndef KITE_USER_STDIO_H
#define KITE_USER_STDIO_H

#include <stdarg.h>
#include <stddef.h>
#include "sys/types.h"

#define EOF (-1)
#define BUFSIZ 1024

typedef struct kite_file {
	int fd;
} FILE;

extern FILE *const stdin;
extern FILE *const stdout;
extern FILE *const stderr;

#define __printf_like(f, a) __attribute__((format(printf, f, a)))

__printf_like(1, 2) int printf(const char *fmt, ...);
__printf_like(2, 3) int fprintf(FILE *f, const char *fmt, ...);
__printf_like(2, 3) int dprintf(int fd, const char *fmt, ...);
__printf_like(3, 4) int snprintf(char *buf, size_t size, const char *fmt, ...);
int vprintf(const char *fmt, va_list ap);
int vfprintf(FILE *f, const char *fmt, va_list ap);
int vdprintf(int fd, const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

int puts(const char *s);              /* s and '\n' in one write */
int fputs(const char *s, FILE *f);
int putchar(int c);
int fputc(int c, FILE *f);
#define putc(c, f) fputc((c), (f))
int getchar(void);                    /* one byte from fd 0, or EOF */
int fgetc(FILE *f);
#define getc(f) fgetc(f)
int fflush(FILE *f);                  /* nothing is buffered: returns 0 */
int fileno(FILE *f);

/* "s: message for errno\n" on stderr (just the message if s is NULL/""). */
void perror(const char *s);

/*
 * Kite: read one line from fd 0 into buf (size > 0): bytes up to '\n' or
 * end of input. The '\n' is dropped and buf NUL-terminated; the rest of a
 * line longer than size-1 bytes is read and discarded. Returns the length
 * stored, or -1 at end of input (or on error) with nothing read.
 */
ssize_t read_line(char *buf, size_t size);

#endif
