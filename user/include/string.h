/*
 * string.h - string and memory functions.
 *
 * mem*, strlen, strnlen, strcmp, strncmp and strchr are the kernel's own
 * (kernel/lib/string.c, compiled into the user library unchanged); the
 * rest are in user/lib/string.c, strdup in user/lib/malloc.c.
 */
#ifndef KITE_USER_STRING_H
#define KITE_USER_STRING_H

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);

char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, size_t n);
char *strcat(char *dst, const char *src);
char *strncat(char *dst, const char *src, size_t n);
size_t strlcpy(char *dst, const char *src, size_t size);
char *strdup(const char *s);
char *strtok_r(char *s, const char *delim, char **save);

/* The message for an error number ("Unknown error N" if there is none). */
char *strerror(int err);

#endif
