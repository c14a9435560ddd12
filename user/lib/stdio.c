/*
 * stdio.c - printf and friends, puts, putchar, getchar and read_line.
 *
 * Formatting is the kernel's kvsnprintf (kernel/lib/printf.c, compiled
 * into this library as is). Output is unbuffered and atomic per call:
 * the text is formatted into a stack buffer (or, when it does not fit, a
 * malloc'ed one) and written with a single write(), so two processes
 * printing lines at once never mix them. Input is read a byte at a time,
 * so nothing past the end of a line is consumed.
 */
#include <stdarg.h>
#include "kite.h"
#include "lib/printf.h"

#define STACK_BUF 512

static FILE files[3] = { { 0 }, { 1 }, { 2 } };
FILE *const stdin = &files[0];
FILE *const stdout = &files[1];
FILE *const stderr = &files[2];

/* Write all of buf (the console takes it whole; loop for anything else). */
static int write_all(int fd, const char *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = write(fd, buf + done, n - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		done += r;
	}
	return 0;
}

int vdprintf(int fd, const char *fmt, va_list ap)
{
	char stack[STACK_BUF];
	char *buf = stack;
	va_list again;
	int n, ret;

	va_copy(again, ap);
	n = kvsnprintf(stack, sizeof(stack), fmt, ap);
	if (n >= (int)sizeof(stack)) {
		char *big = malloc((size_t)n + 1);

		/* out of memory: write what fitted rather than nothing */
		if (big) {
			kvsnprintf(big, (size_t)n + 1, fmt, again);
			buf = big;
		} else {
			n = sizeof(stack) - 1;
		}
	}
	va_end(again);
	ret = write_all(fd, buf, (size_t)n) ? EOF : n;
	if (buf != stack)
		free(buf);
	return ret;
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
	return vdprintf(f->fd, fmt, ap);
}

int vprintf(const char *fmt, va_list ap)
{
	return vdprintf(STDOUT_FILENO, fmt, ap);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return kvsnprintf(buf, size, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vdprintf(STDOUT_FILENO, fmt, ap);
	va_end(ap);
	return n;
}

int fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vdprintf(f->fd, fmt, ap);
	va_end(ap);
	return n;
}

int dprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vdprintf(fd, fmt, ap);
	va_end(ap);
	return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int puts(const char *s)
{
	return printf("%s\n", s) < 0 ? EOF : 0;
}

int fputs(const char *s, FILE *f)
{
	return write_all(f->fd, s, strlen(s)) ? EOF : 0;
}

int fputc(int c, FILE *f)
{
	char ch = (char)c;

	return write_all(f->fd, &ch, 1) ? EOF : (unsigned char)ch;
}

int putchar(int c)
{
	return fputc(c, stdout);
}

int fgetc(FILE *f)
{
	unsigned char c;
	ssize_t r;

	do {
		r = read(f->fd, &c, 1);
	} while (r < 0 && errno == EINTR);
	return r == 1 ? c : EOF;
}

int getchar(void)
{
	return fgetc(stdin);
}

int fflush(FILE *f)
{
	(void)f;
	return 0;
}

int fileno(FILE *f)
{
	return f->fd;
}

ssize_t read_line(char *buf, size_t size)
{
	size_t len = 0;
	bool any = false;
	int c;

	while ((c = getchar()) != EOF) {
		any = true;
		if (c == '\n')
			break;
		if (len + 1 < size)
			buf[len++] = (char)c;
	}
	if (size)
		buf[len] = '\0';
	return any ? (ssize_t)len : -1;
}
