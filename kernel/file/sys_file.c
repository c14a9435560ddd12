/*
 * sys_file.c - the descriptor calls: close, dup, dup3, fcntl, pipe2 and
 * close_range, with Linux's riscv64 numbers, arguments and errors
 * (docs/FILES.md; man 2 of each).
 *
 * Descriptors are ints: the kernel looks at the low 32 bits of the
 * register, as Linux's unsigned int fd, so a negative fd is a huge one
 * (-EBADF). Errors come in Linux's order: the flags (-EINVAL), then the
 * descriptors (-EBADF), then resources (-EMFILE, -ENOMEM), then the
 * user pointer (-EFAULT).
 *
 * Locks: none of their own (fdtable.c, pipe.c).
 */
#include "file/file.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"

#define PIPE2_FLAGS (O_CLOEXEC | O_NONBLOCK)

/* A descriptor argument: the register's low 32 bits, unsigned (a
 * negative int is past every limit). */
static int64_t fd_arg(uint64_t reg)
{
	return (int64_t)(uint32_t)reg;
}

/* close(fd) */
SYSCALL(close)
{
	return fd_close(fd_arg(tf->a0));
}

/* dup(fd): the lowest free descriptor names the same file. */
SYSCALL(dup)
{
	struct file *f = fd_get(fd_arg(tf->a0));
	int fd;

	if (!f)
		return -EBADF;
	fd = fd_install(f, 0, false);
	if (fd < 0)
		file_put(f);
	return fd;
}

/* dup3(oldfd, newfd, flags): newfd names oldfd's file (an open newfd is
 * closed first, silently); flags may be O_CLOEXEC. glibc's dup2 is this
 * with flags 0 (and its own check for oldfd == newfd). */
SYSCALL(dup3)
{
	int64_t oldfd = fd_arg(tf->a0), newfd = fd_arg(tf->a1);

	if (tf->a2 & ~(uint64_t)O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return fd_dup_to(oldfd, newfd, tf->a2 & O_CLOEXEC);
}

/* F_DUPFD and F_DUPFD_CLOEXEC: the lowest free descriptor >= from. */
static long dupfd(struct file *f, uint64_t from, bool cloexec)
{
	int fd;

	if (from >= (uint64_t)fd_limit())
		return -EINVAL;
	file_get(f);
	fd = fd_install(f, (int64_t)from, cloexec);
	if (fd < 0)
		file_put(f);
	return fd;
}

/* F_SETFL: O_NONBLOCK and O_APPEND change; the access mode and the
 * creation flags are ignored, as Linux. */
static long setfl(struct file *f, uint64_t arg)
{
	uint32_t old = __atomic_load_n(&f->flags, __ATOMIC_RELAXED), want;

	do {
		want = (old & ~(uint32_t)FILE_SETFL_MASK) |
		       ((uint32_t)arg & FILE_SETFL_MASK);
	} while (!__atomic_compare_exchange_n(&f->flags, &old, want, false,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	/* a pipe's waiters look again (a writer may now stop waiting) */
	poll_notify();
	return 0;
}

/* fcntl(fd, cmd, arg) */
SYSCALL(fcntl)
{
	int64_t fd = fd_arg(tf->a0);
	struct file *f = fd_get(fd);
	uint64_t arg = tf->a2;
	long ret;

	if (!f)
		return -EBADF;
	switch ((uint32_t)tf->a1) {
	case F_DUPFD:
		ret = dupfd(f, arg, false);
		break;
	case F_DUPFD_CLOEXEC:
		ret = dupfd(f, arg, true);
		break;
	case F_GETFD:
		ret = fd_get_cloexec(fd);
		break;
	case F_SETFD:
		ret = fd_set_cloexec(fd, arg & FD_CLOEXEC);
		break;
	case F_GETFL:
		ret = __atomic_load_n(&f->flags, __ATOMIC_RELAXED);
		break;
	case F_SETFL:
		ret = setfl(f, arg);
		break;
	case F_GETPIPE_SZ:
		ret = f->kind == FILE_PIPE ? PIPE_CAPACITY : -EBADF;
		break;
	case F_SETPIPE_SZ:
		/* the size is fixed: a request it meets gets it, a larger
		 * one is refused as beyond the unprivileged maximum */
		if (f->kind != FILE_PIPE)
			ret = -EBADF;
		else if (arg > PIPE_CAPACITY)
			ret = -EPERM;
		else
			ret = PIPE_CAPACITY;
		break;
	default:
		ret = -EINVAL;
		break;
	}
	file_put(f);
	return ret;
}

/* pipe2(fds, flags): fds[0] the read end, fds[1] the write end. */
SYSCALL(pipe2)
{
	struct file *rd, *wr;
	int fds[2], err;
	bool cloexec = tf->a1 & O_CLOEXEC;

	if (tf->a1 & ~(uint64_t)PIPE2_FLAGS)
		return -EINVAL;
	/* nothing is made for a pointer that cannot take the result */
	if (access_ok(current()->proc->vm, tf->a0, sizeof(fds), true))
		return -EFAULT;
	err = pipe_create((uint32_t)tf->a1, &rd, &wr);
	if (err)
		return err;
	fds[0] = fd_install(rd, 0, cloexec);
	if (fds[0] < 0) {
		file_put(rd);
		file_put(wr);
		return fds[0];
	}
	fds[1] = fd_install(wr, 0, cloexec);
	if (fds[1] < 0) {
		fd_close(fds[0]);
		file_put(wr);
		return fds[1];
	}
	if (copy_to_user(current()->proc->vm, tf->a0, fds, sizeof(fds))) {
		/* unmapped since the check, by another thread */
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

/* close_range(first, last, flags) */
SYSCALL(close_range)
{
	return fd_close_range((uint32_t)tf->a0, (uint32_t)tf->a1, tf->a2);
}
