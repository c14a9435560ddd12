/*
 * lib/string.h - the string and memory functions the kernel uses.
 *
 * Host unit tests use the C library's versions instead of ours.
 */
#ifndef KITE_LIB_STRING_H
#define KITE_LIB_STRING_H

#include "kernel/types.h"

#ifdef KITE_HOST_TEST
#include <string.h>
#else
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
#endif

/* Copy at most size-1 bytes and always terminate; returns strlen(src). */
size_t kstrlcpy(char *dst, const char *src, size_t size);

#endif
