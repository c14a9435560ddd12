/*
 * lib/iovec.h - checking an array of iovecs the way Linux's
 * import_iovec does (pure: tests/host/test_iovec.c).
 */
#ifndef KITE_LIB_IOVEC_H
#define KITE_LIB_IOVEC_H

#include "kernel/types.h"
#include "uapi/linux.h"

/* Check the n iovecs copied from the user, in Linux's order: any length
 * negative as a signed size is -EINVAL; then any segment reaching past
 * user_top (or wrapping) is -EFAULT; then lengths are cut, in order, so
 * the total stays within max_total (Linux: MAX_RW_COUNT). Returns the
 * total, or the error. */
long iov_check(struct kite_iovec *iov, size_t n, uint64_t user_top,
	       uint64_t max_total);

#endif
