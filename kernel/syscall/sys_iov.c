/*
 * sys_iov.c - readv and writev on the console's descriptors
 * (docs/LINUX.md).
 *
 * Linux's order of errors: a descriptor that is not open (-EBADF), then
 * the segment array (more than IOV_MAX_LINUX: -EINVAL; unreadable:
 * -EFAULT; lib/iovec.c's checks), then nothing to do (0), then a
 * descriptor open the other way (fd 0 only reads, 1 and 2 only write:
 * -EBADF). writev gathers the segments into one buffer of up to
 * IOV_CHUNK bytes and writes it with one console_write, so its text
 * never interleaves with another writer's, and returns the bytes
 * written (a longer request writes a first part, as write does); a
 * segment that faults ends the gathering: what came before it is
 * written and counted, or -EFAULT if nothing did. readv checks every
 * destination byte it may fill before it reads (so a bad pointer loses
 * no input), reads up to IOV_CHUNK bytes as read does, and scatters
 * them in order.
 */
#include "dev/console.h"
#include "lib/iovec.h"
#include "mm/kmalloc.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"
#include "uapi/linux.h"

#define IOV_CHUNK 4096    /* bytes moved per call, as write's chunk */
#define IOV_ON_STACK 8    /* arrays this short need no allocation (UIO_FASTIOV) */

static struct vmspace *uvm(void)
{
	return current()->proc->vm;
}

/* The segment array at uiov (n entries) into *out (small, or a new
 * allocation the caller frees with iov_put); its checked total or an
 * error. */
static long iov_get(uint64_t uiov, uint64_t n, struct kite_iovec *small,
		    struct kite_iovec **out)
{
	struct kite_iovec *iov = small;
	long total;

	*out = small;
	if (n > IOV_MAX_LINUX)
		return -EINVAL;
	if (n == 0)
		return 0;
	if (n > IOV_ON_STACK) {
		iov = kmalloc(n * sizeof(*iov));
		if (!iov)
			return -ENOMEM;
	}
	*out = iov;
	if (copy_from_user(uvm(), iov, uiov, n * sizeof(*iov)))
		return -EFAULT;
	total = iov_check(iov, n, USER_TOP, MAX_RW_COUNT);
	return total;
}

static void iov_put(struct kite_iovec *iov, struct kite_iovec *small)
{
	if (iov != small)
		kfree(iov);
}

/* writev(fd, iov, n) */
SYSCALL(writev)
{
	struct kite_iovec small[IOV_ON_STACK], *iov;
	size_t n = (size_t)tf->a2, got = 0;
	char *buf = NULL;
	long total, ret;

	if (tf->a0 > 2)
		return -EBADF;
	total = iov_get(tf->a1, tf->a2, small, &iov);
	if (total <= 0) {
		ret = total;
		goto out;
	}
	ret = -EBADF;
	if (tf->a0 == 0)
		goto out;
	ret = -ENOMEM;
	buf = kmalloc(MIN((size_t)total, (size_t)IOV_CHUNK));
	if (!buf)
		goto out;
	for (size_t i = 0; i < n && got < IOV_CHUNK; i++) {
		size_t k = MIN((size_t)iov[i].iov_len, IOV_CHUNK - got);

		if (copy_from_user(uvm(), buf + got, iov[i].iov_base, k))
			break;
		got += k;
	}
	ret = -EFAULT;
	if (got) {
		console_write(buf, got);
		ret = (long)got;
	}
out:
	kfree(buf);
	iov_put(iov, small);
	return ret;
}

/* readv(fd, iov, n) */
SYSCALL(readv)
{
	struct kite_iovec small[IOV_ON_STACK], *iov;
	size_t n = (size_t)tf->a2, want, at = 0;
	char *buf = NULL;
	long total, ret, got;

	if (tf->a0 > 2)
		return -EBADF;
	total = iov_get(tf->a1, tf->a2, small, &iov);
	if (total <= 0) {
		ret = total;
		goto out;
	}
	ret = -EBADF;
	if (tf->a0 != 0)
		goto out;
	want = MIN((size_t)total, (size_t)IOV_CHUNK);
	/* every byte the read may fill must be writable first */
	ret = -EFAULT;
	for (size_t i = 0, left = want; i < n && left; i++) {
		size_t k = MIN((size_t)iov[i].iov_len, left);

		if (k && access_ok(uvm(), iov[i].iov_base, k, true))
			goto out;
		left -= k;
	}
	ret = -ENOMEM;
	buf = kmalloc(want);
	if (!buf)
		goto out;
	got = console_read(buf, want);
	ret = got;
	for (size_t i = 0; i < n && got > 0 && at < (size_t)got; i++) {
		size_t k = MIN((size_t)iov[i].iov_len, (size_t)got - at);

		if (copy_to_user(uvm(), iov[i].iov_base, buf + at, k)) {
			ret = at ? (long)at : -EFAULT;
			break;
		}
		at += k;
	}
out:
	kfree(buf);
	iov_put(iov, small);
	return ret;
}
