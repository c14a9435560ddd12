/*
 * errno.h - the error number of the last failed call.
 *
 * The E* values are the kernel's (uapi/errno.h, Linux numbers). Kite
 * processes are single-threaded as far as the library is concerned, so
 * errno is one plain global; crt0 clears it before main.
 */
#ifndef KITE_USER_ERRNO_H
#define KITE_USER_ERRNO_H

#include "uapi/errno.h"

extern int errno;

#endif
