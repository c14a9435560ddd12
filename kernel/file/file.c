/*
 * file.c - open files (struct file) and the user buffers they read into
 * and write from (struct uio) (docs/FILES.md).
 *
 * A file is one open file description: a kind (the console, or an end
 * of a pipe), an access mode fixed when it is made, and the status
 * flags O_NONBLOCK and O_APPEND that F_SETFL changes. It is shared by
 * every descriptor dup, fork and spawn make from the one that opened it,
 * and by calls in progress: each holds a reference (refs), and the last
 * to drop it closes the file - for a pipe end, the pipe then counts one
 * reader or writer fewer (pipe.c).
 *
 * Reads and writes check the access mode (-EBADF, as Linux), then go to
 * the kind's code. The console keeps what sys_io.c did before files
 * existed: a write goes out in one piece of up to CONSOLE_WRITE_CHUNK
 * bytes (never interleaved with another writer's; longer writes return
 * the part written, and libc writes the rest); a read returns a line
 * (canonical mode) or what is there (raw) of up to CONSOLE_READ_CHUNK
 * bytes, and checks the destination first so a bad pointer loses no
 * input. O_NONBLOCK on the console makes a read with nothing typed
 * -EAGAIN.
 *
 * Locks: none of its own. refs and flags are atomic words; the flags'
 * access mode bits never change.
 */
#include "dev/console.h"
#include "file/file.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "uapi/errno.h"

#define CONSOLE_WRITE_CHUNK 4096
#define CONSOLE_READ_CHUNK 1024
#define ON_STACK 256 /* console writes this short need no allocation */

/* ---- user buffers ---- */

void uio_init_one(struct uio *u, struct kite_iovec *one, uint64_t ubuf,
		  size_t n)
{
	one->iov_base = ubuf;
	one->iov_len = n;
	u->vm = current()->proc->vm;
	u->iov = one;
	u->niov = 1;
	u->idx = u->off = 0;
	u->resid = n;
}

/* Move n bytes between kbuf and the user, in segment order; to_user
 * says which way. Returns the bytes moved before a fault. */
static size_t uio_move(struct uio *u, void *kbuf, size_t n, bool to_user)
{
	size_t done = 0;

	assert(n <= u->resid);
	while (done < n && u->idx < u->niov) {
		const struct kite_iovec *v = &u->iov[u->idx];
		size_t k = MIN((size_t)v->iov_len - u->off, n - done);
		int err;

		if (k == 0) {
			u->idx++, u->off = 0;
			continue;
		}
		err = to_user ? copy_to_user(u->vm, v->iov_base + u->off,
					     (char *)kbuf + done, k)
			      : copy_from_user(u->vm, (char *)kbuf + done,
					       v->iov_base + u->off, k);
		if (err)
			break;
		done += k;
		u->off += k;
		u->resid -= k;
	}
	return done;
}

size_t uio_copy_in(struct uio *u, void *kbuf, size_t n)
{
	return uio_move(u, kbuf, n, false);
}

size_t uio_copy_out(struct uio *u, const void *kbuf, size_t n)
{
	return uio_move(u, (void *)kbuf, n, true);
}

int uio_check_writable(const struct uio *u, size_t n)
{
	size_t idx = u->idx, off = u->off;

	while (n && idx < u->niov) {
		const struct kite_iovec *v = &u->iov[idx];
		size_t k = MIN((size_t)v->iov_len - off, n);

		if (k && access_ok(u->vm, v->iov_base + off, k, true))
			return -EFAULT;
		n -= k;
		idx++, off = 0;
	}
	return 0;
}

/* ---- files ---- */

struct file *file_alloc(enum file_kind kind, uint32_t flags, struct pipe *pipe)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->refs = 1;
	f->kind = kind;
	f->flags = flags & (O_ACCMODE | FILE_SETFL_MASK);
	f->pipe = pipe;
	return f;
}

struct file *file_console(uint32_t flags)
{
	return file_alloc(FILE_CONSOLE, flags, NULL);
}

void file_get(struct file *f)
{
	int old = __atomic_fetch_add(&f->refs, 1, __ATOMIC_RELAXED);

	assert(old > 0);
}

void file_put(struct file *f)
{
	int left = __atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL);

	assert(left >= 0);
	if (left)
		return;
	if (f->kind == FILE_PIPE)
		pipe_release(f->pipe, (f->flags & O_ACCMODE) == O_WRONLY);
	kfree(f);
}

static uint32_t file_flags(const struct file *f)
{
	return __atomic_load_n(&f->flags, __ATOMIC_RELAXED);
}

bool file_can_read(const struct file *f)
{
	return (file_flags(f) & O_ACCMODE) != O_WRONLY;
}

bool file_can_write(const struct file *f)
{
	uint32_t mode = file_flags(f) & O_ACCMODE;

	return mode == O_WRONLY || mode == O_RDWR;
}

static long console_file_read(struct file *f, struct uio *u)
{
	char buf[CONSOLE_READ_CHUNK];
	size_t n = MIN(u->resid, sizeof(buf));
	long got;

	if (n == 0)
		return 0;
	if (uio_check_writable(u, n))
		return -EFAULT;
	got = console_read(buf, n, file_flags(f) & O_NONBLOCK);
	if (got > 0 && uio_copy_out(u, buf, (size_t)got) != (size_t)got)
		return -EFAULT; /* unmapped since the check: as Linux's fault */
	return got;
}

static long console_file_write(struct uio *u)
{
	size_t n = MIN(u->resid, (size_t)CONSOLE_WRITE_CHUNK), got;
	char small[ON_STACK], *buf = small;

	if (n == 0)
		return 0;
	if (n > sizeof(small)) {
		buf = kmalloc(n);
		if (!buf)
			return -ENOMEM;
	}
	got = uio_copy_in(u, buf, n);
	if (got)
		console_write(buf, got);
	if (buf != small)
		kfree(buf);
	return got ? (long)got : -EFAULT;
}

long file_read(struct file *f, struct uio *u)
{
	if (!file_can_read(f))
		return -EBADF;
	if (f->kind == FILE_PIPE)
		return pipe_read(f, u);
	return console_file_read(f, u);
}

long file_write(struct file *f, struct uio *u)
{
	if (!file_can_write(f))
		return -EBADF;
	if (f->kind == FILE_PIPE)
		return pipe_write(f, u);
	return console_file_write(u);
}

int file_poll(struct file *f)
{
	if (f->kind == FILE_PIPE)
		return pipe_poll(f);
	return console_poll();
}

void file_stat(struct file *f, struct kite_stat *st)
{
	if (f->kind == FILE_PIPE)
		pipe_stat(f, st);
	else
		console_file_stat(st);
}
