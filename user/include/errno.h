/*
 * errno.h - the error number of the last failed call.
 *
 * The E* values are the kernel's (uapi/errno.h, Linux numbers). errno is
 * each thread's own (<thread.h>): a word of its thread control block,
 * which tp points at; the first thread (tp 0, as crt0 leaves it) uses
 * one global word.
 */
#ifndef KITE_USER_ERRNO_H
#define KITE_USER_ERRNO_H

#include "uapi/errno.h"

/* The calling thread's errno. */
int *__errno_location(void);
#define errno (*__errno_location())

#endif
