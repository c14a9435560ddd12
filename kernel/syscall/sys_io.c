/*
 * sys_io.c - read, write and ioctl through the caller's descriptor table
 * (file/: the console or a pipe end, docs/FILES.md).
 *
 * Errors come in Linux's order: a descriptor that is not open (-EBADF),
 * then one not open that way (-EBADF), then a buffer not wholly in the
 * user half (-EFAULT), then a count of 0 (0). What moves, and how much
 * at once, is the file's business (file.c: the console writes up to 4
 * KiB in one piece, never interleaved; pipe.c: a pipe's atomic writes
 * and blocking). ioctl: the terminal's requests on any descriptor that
 * is the console; on a pipe only FIONREAD, the rest -ENOTTY.
 */
#include "dev/console.h"
#include "file/file.h"
#include "mm/kmalloc.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "signal/signal.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"
#include "uapi/kite.h"
#include "uapi/linux.h"

/* The whole buffer must lie in the user half, as Linux checks before
 * doing anything (even when only part of it will be used). */
static bool range_ok(uint64_t buf, uint64_t len)
{
	return len <= USER_TOP && buf <= USER_TOP - len;
}

/* read(fd, buf, n) or write(fd, buf, n) */
static long rw(struct trapframe *tf, bool writing)
{
	struct file *f = fd_get((int64_t)(uint32_t)tf->a0);
	struct kite_iovec one;
	struct uio u;
	long ret;

	if (!f)
		return -EBADF;
	ret = -EBADF;
	if (writing ? !file_can_write(f) : !file_can_read(f))
		goto out;
	ret = -EFAULT;
	if (!range_ok(tf->a1, tf->a2))
		goto out;
	uio_init_one(&u, &one, tf->a1, MIN((size_t)tf->a2, (size_t)MAX_RW_COUNT));
	ret = writing ? file_write(f, &u) : file_read(f, &u);
out:
	file_put(f);
	return ret;
}

SYSCALL(write)
{
	return rw(tf, true);
}

SYSCALL(read)
{
	return rw(tf, false);
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

/* ioctl on a pipe: FIONREAD, the bytes waiting; nothing else. */
static long pipe_ioctl(struct file *f, uint64_t req, uint64_t uarg)
{
	int n;

	if (req != FIONREAD)
		return -ENOTTY;
	n = pipe_nread(f);
	return copy_to_user(current()->proc->vm, uarg, &n, sizeof(n));
}

/* The terminal's requests: TCGETS/TCSETS (canonical/raw, echo), the
 * foreground process group and the window size. */
static long console_ioctl(uint64_t req, uint64_t uarg)
{
	struct vmspace *vm = current()->proc->vm;
	struct kite_termios t = { 0 };
	int pgid;

	switch (req) {
	case TCGETS:
		t.c_lflag = console_get_lflag();
		return copy_to_user(vm, uarg, &t, sizeof(t));
	case TCSETSW: /* output is never queued: as TCSETS */
	case TCSETSF: /* (the unread input stays) */
	case TCSETS:
		if (copy_from_user(vm, &t, uarg, sizeof(t)))
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
		return copy_to_user(vm, uarg, &pgid, sizeof(pgid));
	case TIOCSPGRP:
		if (copy_from_user(vm, &pgid, uarg, sizeof(pgid)))
			return -EFAULT;
		if (pgid < 0)
			return -EINVAL;
		return set_foreground(pgid);
	case TIOCGWINSZ:
	case TIOCSWINSZ:
		return tty_winsize_ioctl(req, uarg);
	default:
		return -ENOTTY;
	}
}

/* ioctl(fd, request, arg) */
SYSCALL(ioctl)
{
	struct file *f = fd_get((int64_t)(uint32_t)tf->a0);
	long ret;

	if (!f)
		return -EBADF;
	/* the request is an unsigned int, as Linux's */
	if (f->kind == FILE_PIPE)
		ret = pipe_ioctl(f, (uint32_t)tf->a1, tf->a2);
	else
		ret = console_ioctl((uint32_t)tf->a1, tf->a2);
	file_put(f);
	return ret;
}
