/*
 * files.c - lx_files: the standard descriptors, and the errors of calls
 * on what does not exist.
 *
 * fds 0-2 are a terminal on both sides (the console on Kite, a
 * pseudo-terminal under qemu-user): isatty, fstat (a character device,
 * crw--w----), fstatat with AT_EMPTY_PATH, tcgetattr, the window size
 * (80x24: the harness sets the pseudo-terminal's), lseek (ESPIPE), writev and readv with their errors
 * (EINVAL for too many or negative-length segments, EFAULT for bad
 * pointers, EBADF); then errno of calls on bad descriptors (EBADF), bad
 * pointers (EFAULT) and bad arguments (EINVAL), and of paths that do
 * not exist (ENOENT), on the kernel's side of glibc; calls that do not
 * exist (ENOSYS).
 *
 * fd 0 writes too: one terminal opened read-write is behind all three,
 * on both sides. Left out: reading fds 1-2 (it would wait for input),
 * and unknown ioctls (Linux: ENOTTY,
 * but qemu-user answers ENOSYS), and readv into an unmapped buffer
 * (Linux waits for input first; qemu-user and Kite fail at once).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>
#include <unistd.h>


/* an address no program has mapped (volatile: gcc cannot see it) */
static void *volatile bad_ptr = (void *)16;
#define BAD bad_ptr
static const char *ename(long r, int e)
{
	if (r >= 0)
		return "ok";
	switch (e) {
	case EBADF: return "EBADF";
	case EFAULT: return "EFAULT";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case ESPIPE: return "ESPIPE";
	case ENOTTY: return "ENOTTY";
	case ENOTDIR: return "ENOTDIR";
	case EROFS: return "EROFS";
	case ERANGE: return "ERANGE";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case EACCES: return "EACCES";
	case ENOSYS: return "ENOSYS";
	default: return strerror(e);
	}
}

#define TRY(what, call)                                               \
	do {                                                          \
		errno = 0;                                            \
		long r_ = (long)(call);                               \
		printf("%s: %s\n", what, ename(r_, errno));           \
	} while (0)

static void terminal(void)
{
	struct stat st;
	struct termios t;
	struct winsize ws;

	for (int fd = 0; fd < 3; fd++) {
		int r = fstat(fd, &st);

		printf("fd %d: isatty %d, fstat %d, chr %d, owner rw %d, nlink %lu, "
		       "size %lld, major 136..143 %s\n", fd, isatty(fd), r,
		       S_ISCHR(st.st_mode), (st.st_mode & 0600) == 0600,
		       (unsigned long)st.st_nlink,
		       (long long)st.st_size,
		       (st.st_rdev >> 8 & 0xfff) >= 136 && (st.st_rdev >> 8 & 0xfff) <= 143
		       ? "yes" : "no");
	}
	struct stat a, b;
	fstat(1, &a);
	int r = fstatat(1, "", &b, AT_EMPTY_PATH);
	printf("fstatat(1, \"\", AT_EMPTY_PATH): %d, same as fstat %s\n", r,
	       a.st_rdev == b.st_rdev && a.st_ino == b.st_ino ? "yes" : "NO");
	printf("tcgetattr(0): %d\n", tcgetattr(0, &t));
	r = ioctl(1, TIOCGWINSZ, &ws);
	printf("TIOCGWINSZ: %d, %dx%d\n", r, ws.ws_col, ws.ws_row);
	struct winsize big = { 50, 132, 0, 0 };
	r = ioctl(1, TIOCSWINSZ, &big);
	ioctl(1, TIOCGWINSZ, &ws);
	printf("TIOCSWINSZ 132x50: %d, now %dx%d\n", r, ws.ws_col, ws.ws_row);
	ws.ws_col = 80, ws.ws_row = 24;
	ioctl(1, TIOCSWINSZ, &ws);
	TRY("lseek(0)", lseek(0, 0, SEEK_CUR));
	TRY("lseek(1)", lseek(1, 10, SEEK_SET));
	TRY("TIOCGWINSZ bad pointer", ioctl(1, TIOCGWINSZ, BAD));
	TRY("isatty(7)", isatty(7) ? 0 : -1);
	TRY("fstat(7)", fstat(7, &st));
	TRY("fstat(-1)", fstat(-1, &st));
	TRY("fstat(1, bad pointer)", fstat(1, BAD));
}

static void vectors(void)
{
	char a[] = "writev: one", b[] = " two", c[] = " three\n";
	struct iovec v[3] = { { a, strlen(a) }, { b, strlen(b) }, { c, strlen(c) } };
	ssize_t n = writev(1, v, 3);

	printf("writev returned %zd\n", n);
	printf("write to fd 0: %zd\n", write(0, "fd 0 is the terminal too\n", 26));
	printf("writev 0 segments: %zd\n", writev(1, v, 0));
	struct iovec e[2] = { { a, 0 }, { NULL, 0 } };
	printf("writev of empty segments (one NULL): %zd\n", writev(1, e, 2));
	static struct iovec many[IOV_MAX + 1];
	for (int i = 0; i <= IOV_MAX; i++)
		many[i] = (struct iovec){ a, 0 };
	TRY("writev 1024 segments", writev(1, many, IOV_MAX));
	TRY("writev 1025 segments", writev(1, many, IOV_MAX + 1));
	TRY("writev -1 segments", syscall(SYS_writev, 1, v, -1));
	struct iovec neg[2] = { { a, 1 }, { b, (size_t)-1 } };
	TRY("writev negative length", writev(1, neg, 2));
	struct iovec over[2] = { { a, (size_t)LONG_MAX }, { b, (size_t)LONG_MAX } };
	TRY("writev lengths adding past LONG_MAX", writev(1, over, 2));
	TRY("writev bad iovec pointer", writev(1, BAD, 2));
	struct iovec badbuf[1] = { { BAD, 4 } };
	TRY("writev bad buffer", writev(1, badbuf, 1));
	struct iovec part[2] = { { "partial\n", 8 }, { BAD, 4 } };
	n = writev(1, part, 2);
	printf("writev good then bad buffer: %zd\n", n);
	TRY("writev(9)", writev(9, v, 1));
	struct iovec rv[1] = { { a, 4 } };
	TRY("readv(9)", readv(9, rv, 1));
	TRY("readv 1025 segments", readv(0, many, IOV_MAX + 1));
	TRY("write(5)", write(5, a, 1));
	TRY("write(1, bad pointer)", write(1, BAD, 4));
}

static void paths(void)
{
	char buf[256];
	struct stat st;
	static char longpath[PATH_MAX + 10];

	TRY("open /etc/nosuch", open("/etc/nosuch-lx", O_RDONLY));
	TRY("open relative nosuch", open("nosuch-lx", O_RDONLY));
	TRY("open bad pointer", syscall(SYS_openat, AT_FDCWD, BAD, O_RDONLY));
	TRY("open \"\"", open("", O_RDONLY));
	memset(longpath, 'a', sizeof(longpath) - 1);
	TRY("open too long a path", open(longpath, O_RDONLY));
	TRY("openat(9, relative)", openat(9, "x", O_RDONLY));
	TRY("openat(1, relative)", openat(1, "x", O_RDONLY));
	TRY("stat /nosuch", stat("/nosuch-lx", &st));
	TRY("stat \"\"", stat("", &st));
	TRY("fstatat bad flags", fstatat(AT_FDCWD, "/x", &st, 0x40000000));
	TRY("readlink /nosuch", readlink("/nosuch-lx", buf, sizeof(buf)));
	TRY("readlink bufsiz 0", syscall(SYS_readlinkat, AT_FDCWD, "/x", buf, 0));
	TRY("readlink bad path pointer", syscall(SYS_readlinkat, AT_FDCWD, BAD, buf, 10));
	TRY("getcwd size 1", syscall(SYS_getcwd, buf, 1));
	TRY("getcwd bad pointer", syscall(SYS_getcwd, BAD, 100));
}

/* Calls no kernel has: -ENOSYS, and the process goes on (on Kite with
 * log=debug the kernel names 244 once: tests/jobs_linux.py checks). */
static void unknown(void)
{
	TRY("syscall 244", syscall(244, 1, 2, 3));
	TRY("syscall 244 again", syscall(244));
	TRY("syscall 1000", syscall(1000));
}

int main(void)
{
	terminal();
	vectors();
	paths();
	unknown();
	return 0;
}
