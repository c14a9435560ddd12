/*
 * kernel/bootargs.h - boot arguments from /chosen/bootargs.
 *
 * The command line is words separated by spaces, each "key" or
 * "key=value". It is copied once at boot and read-only afterwards.
 */
#ifndef KITE_KERNEL_BOOTARGS_H
#define KITE_KERNEL_BOOTARGS_H

#include "kernel/types.h"

void bootargs_init(const char *cmdline);
/* The whole command line as given. */
const char *bootargs_line(void);
/* Copy the value of key into buf: "" for a bare key. Returns false if
 * the key is absent. */
bool bootarg_get(const char *key, char *buf, size_t size);
bool bootarg_has(const char *key);
/* Numeric value of key, or def if absent or not a number. */
long bootarg_long(const char *key, long def);

#endif
