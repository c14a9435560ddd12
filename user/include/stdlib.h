/*
 * stdlib.h - memory allocation, number conversion, exit, environment.
 *
 * malloc and friends live on the brk heap (user/lib/malloc.c); a bad
 * free() or realloc() prints a message on stderr and exits with 134.
 */
#ifndef KITE_USER_STDLIB_H
#define KITE_USER_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

void *malloc(size_t size);
void free(void *p);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);

/* Nothing is buffered, so exit() only ends the process (exit_group). */
__attribute__((noreturn)) void exit(int status);
__attribute__((noreturn)) void _Exit(int status);
__attribute__((noreturn)) void abort(void); /* exit status 134 */

long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
int atoi(const char *s);
long atol(const char *s);
int abs(int v);
long labs(long v);

extern char **environ;
char *getenv(const char *name);

#endif
