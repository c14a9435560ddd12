/*
 * iovec.c - Linux's checks of a readv/writev segment array (lib/iovec.h).
 *
 * Linux copies the array in (a negative length: -EINVAL while copying,
 * so it wins over any bad address), then checks each segment's range
 * against the user half (-EFAULT) and cuts the lengths so that the total
 * never passes MAX_RW_COUNT (no error: the call transfers less). Whether
 * the memory is mapped is found only while copying the data.
 */
#include "lib/iovec.h"
#include "uapi/errno.h"

long iov_check(struct kite_iovec *iov, size_t n, uint64_t user_top,
	       uint64_t max_total)
{
	uint64_t total = 0;

	for (size_t i = 0; i < n; i++)
		if ((int64_t)iov[i].iov_len < 0)
			return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		uint64_t base = iov[i].iov_base, len = iov[i].iov_len;

		if (len > user_top || base > user_top - len)
			return -EFAULT;
		if (len > max_total - total)
			iov[i].iov_len = len = max_total - total;
		total += len;
	}
	return (long)total;
}
