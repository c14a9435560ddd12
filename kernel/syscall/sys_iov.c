/*
 * sys_iov.c - readv and writev through the caller's descriptor table
 * (docs/LINUX.md, docs/FILES.md).
 *
 * Linux's order of errors: a descriptor that is not open (-EBADF), then
 * the segment array (more than IOV_MAX_LINUX: -EINVAL; unreadable:
 * -EFAULT; lib/iovec.c's checks), then nothing to do (0), then a
 * descriptor open the other way (a pipe's read end for writev: -EBADF).
 * The segments become one struct uio, which the file moves as it moves
 * read's and write's single buffer (file.c): on the console writev
 * gathers up to 4 KiB into one piece, so its text never interleaves
 * with another writer's (a segment that faults ends the gathering: what
 * came before it is written and counted, or -EFAULT if nothing did), and
 * readv checks every destination byte it may fill before it reads (so a
 * bad pointer loses no input); on a pipe a writev of at most PIPE_BUF
 * bytes in all is as atomic as a write.
 */
#include "file/file.h"
#include "lib/iovec.h"
#include "mm/kmalloc.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"
#include "uapi/linux.h"

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

/* readv(fd, iov, n) or writev(fd, iov, n) */
static long rwv(struct trapframe *tf, bool writing)
{
	struct kite_iovec small[IOV_ON_STACK], *iov = small;
	struct file *f = fd_get((int64_t)(uint32_t)tf->a0);
	struct uio u;
	long total, ret;

	if (!f)
		return -EBADF;
	total = iov_get(tf->a1, tf->a2, small, &iov);
	if (total <= 0) {
		ret = total;
		goto out;
	}
	ret = -EBADF;
	if (writing ? !file_can_write(f) : !file_can_read(f))
		goto out;
	u = (struct uio){ .vm = uvm(), .iov = iov, .niov = (size_t)tf->a2,
			  .resid = (size_t)total };
	ret = writing ? file_write(f, &u) : file_read(f, &u);
out:
	iov_put(iov, small);
	file_put(f);
	return ret;
}

SYSCALL(writev)
{
	return rwv(tf, true);
}

SYSCALL(readv)
{
	return rwv(tf, false);
}
