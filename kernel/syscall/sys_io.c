/*
 * sys_io.c - read, write and ioctl on the console's three descriptors.
 *
 * fd 0 reads the console (a line at a time in canonical mode), fds 1 and
 * 2 write to it. A write goes out in one piece of up to WRITE_CHUNK
 * bytes, so it never interleaves with another hart's output; longer
 * writes return the part written, as Linux may, and libc writes the rest.
 */
#include "dev/console.h"
#include "mm/kmalloc.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "signal/signal.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"
#include "uapi/kite.h"
#include "uapi/linux.h"

#define WRITE_CHUNK 4096
#define WRITE_ON_STACK 256 /* writes this short need no allocation */
#define READ_CHUNK 1024

/* The whole buffer must lie in the user half, as Linux checks before
 * doing anything (even when only part of it will be used). */
static bool range_ok(uint64_t buf, uint64_t len)
{
	return len <= USER_TOP && buf <= USER_TOP - len;
}

SYSCALL(write)
{
	size_t n = MIN((size_t)tf->a2, (size_t)WRITE_CHUNK);
	char small[WRITE_ON_STACK], *buf = small;
	long ret;

	if (tf->a0 != 1 && tf->a0 != 2)
		return -EBADF;
	if (!range_ok(tf->a1, tf->a2))
		return -EFAULT;
	if (n == 0)
		return 0;
	if (n > sizeof(small)) {
		buf = kmalloc(n);
		if (!buf)
			return -ENOMEM;
	}
	ret = copy_from_user(current()->proc->vm, buf, tf->a1, n);
	if (ret == 0) {
		console_write(buf, n);
		ret = (long)n;
	}
	if (buf != small)
		kfree(buf);
	return ret;
}

SYSCALL(read)
{
	char buf[READ_CHUNK];
	size_t n = MIN((size_t)tf->a2, sizeof(buf));
	long got;

	if (tf->a0 != 0)
		return -EBADF;
	if (!range_ok(tf->a1, tf->a2))
		return -EFAULT;
	if (n == 0)
		return 0;
	/* check the buffer first: input is not lost on a bad pointer */
	if (access_ok(current()->proc->vm, tf->a1, n, true))
		return -EFAULT;
	got = console_read(buf, n);
	if (got > 0 && copy_to_user(current()->proc->vm, tf->a1, buf, (size_t)got))
		return -EFAULT;
	return got;
}

/* A live process of group pgid, or (as Linux accepts too) a live process
 * whose pid is pgid, in the console's session: 0, or -ESRCH (none) or
 * -EPERM (another session's). proc_lock held. */
static int fg_target_check_locked(int pgid)
{
	struct proc *p = proc_pgrp_member_locked(pgid, NULL);

	if (!p) {
		p = proc_lookup_locked(pgid);
		if (!p || pgid <= 0 || p->state != P_ALIVE || (p->flags & PF_KERNEL))
			return -ESRCH;
	}
	return session_is_console_locked(p) ? 0 : -EPERM;
}

/* TIOCSPGRP: only the foreground group (or anyone when there is none,
 * or a caller that ignores or blocks SIGTTOU, as Linux lets a shell take
 * the console back) hands the console on, to a live group (or process,
 * see above). */
static int set_foreground(int pgid)
{
	int err, caller;

	spin_lock(&proc_lock);
	if (!session_is_console_locked(current()->proc))
		err = -ENOTTY; /* not its controlling terminal */
	else if (!console_may_hand_on_locked(&caller))
		err = -EPERM;
	else if ((err = fg_target_check_locked(pgid)) == 0)
		err = console_set_fg_locked(caller, pgid);
	spin_unlock(&proc_lock);
	return err;
}

/* ioctl(fd, request, arg): TCGETS/TCSETS (canonical/raw, echo) and the
 * foreground process group, on the console descriptors. */
SYSCALL(ioctl)
{
	struct vmspace *vm = current()->proc->vm;
	struct kite_termios t = { 0 };
	int pgid;

	if (tf->a0 > 2)
		return -EBADF;
	switch (tf->a1) {
	case TCGETS:
		t.c_lflag = console_get_lflag();
		return copy_to_user(vm, tf->a2, &t, sizeof(t));
	case TCSETSW: /* output is never queued: as TCSETS */
	case TCSETSF: /* (the unread input stays) */
	case TCSETS:
		if (copy_from_user(vm, &t, tf->a2, sizeof(t)))
			return -EFAULT;
		console_set_lflag(t.c_lflag);
		return 0;
	case TIOCGPGRP:
		spin_lock(&proc_lock);
		pgid = session_is_console_locked(current()->proc) ? 0 : -1;
		spin_unlock(&proc_lock);
		if (pgid < 0)
			return -ENOTTY; /* not its controlling terminal */
		pgid = console_get_fg();
		return copy_to_user(vm, tf->a2, &pgid, sizeof(pgid));
	case TIOCSPGRP:
		if (copy_from_user(vm, &pgid, tf->a2, sizeof(pgid)))
			return -EFAULT;
		if (pgid < 0)
			return -EINVAL;
		return set_foreground(pgid);
	case TIOCGWINSZ:
	case TIOCSWINSZ:
		return tty_winsize_ioctl(tf->a1, tf->a2);
	default:
		return -ENOTTY;
	}
}
