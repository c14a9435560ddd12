/*
 * sys_fd.c - the descriptor and path calls of a kernel without a file
 * system: fstat, newfstatat, readlinkat, openat, lseek and getcwd, as
 * Linux answers them for a process whose open files are the console and
 * pipes (file/, docs/FILES.md), in an empty file system (docs/LINUX.md).
 *
 * The console is a terminal: a character device with the mode, owner
 * and device number of a Linux pseudo-terminal (crw--w---- root tty
 * 136:0), so glibc's isatty and stdio's line buffering of a terminal
 * work. Every path names nothing (-ENOENT; "/" too, which Linux would
 * answer for as its root directory), nothing can be created
 * (-EROFS), the working directory is "/" (where app names resolve:
 * "/hello" runs hello), and nothing is a symbolic link: readlinkat of
 * /proc/self/exe too gives -ENOENT. A descriptor that is not open is
 * -EBADF; an open one is no directory (-ENOTDIR) and cannot seek
 * (-ESPIPE); a pipe's stat is a FIFO (pipe.c). Errors come in Linux's order: the flags,
 * then the path's pointer and length, then the descriptor. The
 * terminal's window size (TIOCGWINSZ/TIOCSWINSZ, through sys_io.c's
 * ioctl) lives here too, under winsize_lock (a leaf).
 */
#include "file/file.h"
#include "kernel/clock.h"
#include "kernel/panic.h"
#include "kernel/spinlock.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"
#include "uapi/linux.h"

#define TTY_MAJOR 136           /* Linux's first pseudo-terminal major */
#define TTY_GID 5               /* Linux's tty group */
#define TTY_MODE (S_IFCHR | 0620)
#define TTY_INO 3               /* /dev/pts/0's inode on a fresh devpts */
#define TTY_BLKSIZE 1024
#define DEVPTS_DEV KITE_MKDEV(0, 24)
#define AT_STAT_FLAGS (AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH)
#define CWD "/"
#define DEFAULT_ROWS 24
#define DEFAULT_COLS 80

static struct vmspace *uvm(void)
{
	return current()->proc->vm;
}

/* Is fd (an int argument) open in the caller's table? */
static bool fd_open(int64_t fd)
{
	struct file *f = fd_get((int64_t)(uint32_t)fd);

	if (f)
		file_put(f);
	return f != NULL;
}

/* The console's stat: a pseudo-terminal. Its times are the boot's. */
void console_file_stat(struct kite_stat *st)
{
	uint64_t boot = clock_realtime_ns() - clock_monotonic_ns();

	memset(st, 0, sizeof(*st));
	st->st_dev = DEVPTS_DEV;
	st->st_ino = TTY_INO;
	st->st_mode = TTY_MODE;
	st->st_nlink = 1;
	st->st_gid = TTY_GID;
	st->st_rdev = KITE_MKDEV(TTY_MAJOR, 0);
	st->st_blksize = TTY_BLKSIZE;
	st->st_atime_sec = st->st_mtime_sec = st->st_ctime_sec =
		(int64_t)(boot / NSEC_PER_SEC);
	st->st_atime_nsec = st->st_mtime_nsec = st->st_ctime_nsec =
		boot % NSEC_PER_SEC;
}

static long stat_fd_to_user(int64_t fd, uint64_t ubuf)
{
	struct file *f = fd_get((int64_t)(uint32_t)fd);
	struct kite_stat st;

	if (!f)
		return -EBADF;
	file_stat(f, &st);
	file_put(f);
	return copy_to_user(uvm(), ubuf, &st, sizeof(st));
}

/* Copy the path at upath into a new buffer of LINUX_PATH_MAX bytes (the
 * caller kfrees *out): 0, -EFAULT, -ENAMETOOLONG or -ENOMEM. */
static long path_from_user(uint64_t upath, char **out)
{
	char *path = kmalloc(LINUX_PATH_MAX);
	long len;

	if (!path)
		return -ENOMEM;
	len = strncpy_from_user(uvm(), path, upath, LINUX_PATH_MAX);
	if (len < 0) {
		kfree(path);
		return len;
	}
	*out = path;
	return 0;
}

/* What a lookup of path relative to dirfd finds in Kite's empty file
 * system: -ENOENT for every name, after Linux's checks of dirfd
 * (-EBADF; a relative path under a non-directory: -ENOTDIR). */
static long lookup(int64_t dirfd, const char *path)
{
	if (!path[0] || path[0] == '/')
		return -ENOENT;
	if (dirfd == AT_FDCWD)
		return -ENOENT;
	return fd_open(dirfd) ? -ENOTDIR : -EBADF;
}

/* fstat(fd, statbuf) */
SYSCALL(fstat)
{
	return stat_fd_to_user((int64_t)tf->a0, tf->a1);
}

/* newfstatat(dirfd, path, statbuf, flags): with AT_EMPTY_PATH and "" it
 * is fstat(dirfd) (AT_FDCWD: the working directory, which Kite has no
 * inode for: -ENOENT). */
SYSCALL(newfstatat)
{
	int64_t dirfd = (int32_t)tf->a0;
	char *path;
	long err;

	if (tf->a3 & ~(uint64_t)AT_STAT_FLAGS)
		return -EINVAL;
	err = path_from_user(tf->a1, &path);
	if (err)
		return err;
	if (!path[0] && (tf->a3 & AT_EMPTY_PATH))
		err = dirfd == AT_FDCWD ? -ENOENT : stat_fd_to_user(dirfd, tf->a2);
	else
		err = lookup(dirfd, path);
	kfree(path);
	return err;
}

/* readlinkat(dirfd, path, buf, bufsiz): nothing is a symbolic link. */
SYSCALL(readlinkat)
{
	char *path;
	long err;

	if ((int64_t)(int32_t)tf->a3 <= 0)
		return -EINVAL;
	err = path_from_user(tf->a1, &path);
	if (err)
		return err;
	err = lookup((int32_t)tf->a0, path);
	kfree(path);
	return err;
}

/* openat(dirfd, path, flags, mode): nothing exists, and nothing can be
 * made. */
SYSCALL(openat)
{
	char *path;
	long err;

	err = path_from_user(tf->a1, &path);
	if (err)
		return err;
	err = lookup((int32_t)tf->a0, path);
	if (err == -ENOENT && (tf->a2 & O_CREAT))
		err = -EROFS;
	kfree(path);
	return err;
}

/* lseek(fd, offset, whence): neither a terminal nor a pipe can seek. */
SYSCALL(lseek)
{
	return fd_open((int64_t)(int32_t)tf->a0) ? -ESPIPE : -EBADF;
}

/* getcwd(buf, size): "/"; returns the length with the NUL, as Linux. */
SYSCALL(getcwd)
{
	if (tf->a1 < sizeof(CWD))
		return -ERANGE;
	if (copy_to_user(uvm(), tf->a0, CWD, sizeof(CWD)))
		return -EFAULT;
	return sizeof(CWD);
}

/* The console's window size, which TIOCSWINSZ sets and TIOCGWINSZ reads
 * (Kite does not know the real terminal's: 80x24 until set). */
static struct spinlock winsize_lock = SPINLOCK_INIT("console.winsize");
static struct kite_winsize winsize = { DEFAULT_ROWS, DEFAULT_COLS, 0, 0 }; /* [winsize_lock] */

long tty_winsize_ioctl(uint64_t req, uint64_t uarg)
{
	struct kite_winsize ws;

	if (req == TIOCGWINSZ) {
		spin_lock(&winsize_lock);
		ws = winsize;
		spin_unlock(&winsize_lock);
		return copy_to_user(uvm(), uarg, &ws, sizeof(ws));
	}
	assert(req == TIOCSWINSZ);
	if (copy_from_user(uvm(), &ws, uarg, sizeof(ws)))
		return -EFAULT;
	spin_lock(&winsize_lock);
	winsize = ws;
	spin_unlock(&winsize_lock);
	return 0;
}
