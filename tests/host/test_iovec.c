/*
 * tests/host/test_iovec.c - Linux's checks of readv/writev segments
 * (kernel/lib/iovec.c).
 *
 * Covers: an empty array; totals; a negative length anywhere is EINVAL,
 * even after a bad address (Linux checks lengths while copying the
 * array); a segment past the user half or wrapping is EFAULT; zero-length
 * segments at any address (NULL too) are fine, unless out of range;
 * lengths cut, in order, to the maximum total, later ones to 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "lib/iovec.h"
#include "uapi/errno.h"

#define TOP 0x4000000000ULL
#define MAXT 0x7ffff000ULL

TEST(totals)
{
	struct kite_iovec v[3] = { { 0x1000, 10 }, { 0x2000, 0 }, { 0x3000, 5 } };

	CHECK(iov_check(v, 0, TOP, MAXT) == 0);
	CHECK(iov_check(v, 3, TOP, MAXT) == 15);
	struct kite_iovec z[2] = { { 0, 0 }, { TOP, 0 } };
	CHECK(iov_check(z, 2, TOP, MAXT) == 0);
}

TEST(negative_is_einval_first)
{
	struct kite_iovec v[2] = { { TOP + 5, 10 }, { 0x1000, (uint64_t)-1 } };

	CHECK(iov_check(v, 2, TOP, MAXT) == -EINVAL);
	struct kite_iovec w[1] = { { 0x1000, 1ULL << 63 } };
	CHECK(iov_check(w, 1, TOP, MAXT) == -EINVAL);
}

TEST(out_of_range_is_efault)
{
	struct kite_iovec a[1] = { { TOP - 4, 5 } };
	struct kite_iovec b[1] = { { TOP - 4, 4 } };
	struct kite_iovec c[2] = { { 0x1000, 1 }, { UINT64_MAX - 2, 4 } };
	struct kite_iovec d[1] = { { 0x1000, (uint64_t)INT64_MAX } };
	struct kite_iovec e[1] = { { TOP + 1, 0 } };

	CHECK(iov_check(a, 1, TOP, MAXT) == -EFAULT);
	CHECK(iov_check(b, 1, TOP, MAXT) == 4);
	CHECK(iov_check(c, 2, TOP, MAXT) == -EFAULT);
	CHECK(iov_check(d, 1, TOP, MAXT) == -EFAULT);
	CHECK(iov_check(e, 1, TOP, MAXT) == -EFAULT);
}

TEST(cut_to_maximum)
{
	struct kite_iovec v[3] = { { 0x1000, 600 }, { 0x10000, 600 }, { 0x20000, 9 } };

	CHECK(iov_check(v, 3, TOP, 1000) == 1000);
	CHECK(v[0].iov_len == 600);
	CHECK(v[1].iov_len == 400);
	CHECK(v[2].iov_len == 0);
}

int main(void)
{
	CHECK_MAIN_BEGIN("iovec");
	RUN(totals);
	RUN(negative_is_einval_first);
	RUN(out_of_range_is_efault);
	RUN(cut_to_maximum);
	CHECK_MAIN_END();
}
