/*
 * trace.h - the kernel's event trace from user space (docs/TRACE.md):
 * the kite_trace call, user marks, and the `trace` command the shell
 * runs (user/lib/trace.c).
 */
#ifndef KITE_USER_TRACE_H
#define KITE_USER_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include "uapi/trace.h"

/* SYS_kite_trace: op is KITE_TRACE_OP_*; -1 and errno on error. */
long kite_trace(int op, void *buf, size_t n);
/* A mark in the trace: text (up to 16 bytes, or NULL) and a number. */
long trace_mark(const char *text, long number);
/* `trace on [RECORDS]|off|dump|clear|status` (argv[0] is "trace"):
 * returns the exit status (0, or 1 after printing what went wrong). */
int trace_command(int argc, char **argv);

#endif
