/*
 * pipe.c - pipes: a ring of bytes between a read end and a write end
 * (docs/FILES.md).
 *
 * A pipe holds PIPE_CAPACITY bytes (16 KiB: Linux's default is 64 KiB;
 * F_GETPIPE_SZ reports Kite's) in a ring, buf[tail..head) modulo the
 * capacity. Every pipe's ring together may take an eighth of RAM; past
 * that pipe2 is -ENFILE (as Linux's pipe-user-pages-hard), so pipes
 * cannot starve the kernel of memory. Each end is an open file (file.c): readers and writers count
 * the files of each end, and the pipe goes when both reach zero.
 *
 * Semantics (Linux's, man 7 pipe):
 *   read     waits while the pipe is empty and a writer exists; returns
 *            what is there (up to the count), 0 (end of file) once every
 *            write end is closed and the ring is empty
 *   write    waits for room; a write of at most PIPE_BUF bytes goes in
 *            at once, never interleaved with another writer's bytes; a
 *            longer one goes in as room appears and may interleave. With
 *            no read end left: SIGPIPE to the writing thread and -EPIPE
 *            (or the bytes already written)
 *   O_NONBLOCK  -EAGAIN instead of waiting: an atomic write needs room
 *            for all of it, a longer one writes what fits
 *   signals  a wait ends on a kill, or on a signal the thread may take:
 *            -ERESTARTSYS (-EINTR, or the call restarts under SA_RESTART)
 *            when nothing was moved yet, else the bytes moved
 *
 * User bytes never move under the lock: a writer copies a piece (up to
 * PIPE_BUF) from its user buffer into a kernel bounce buffer first and
 * then into the ring under the lock (a memcpy of at most PIPE_BUF
 * bytes); a reader takes bytes out under the lock into its bounce
 * buffer and copies them to the user after. A reader checks that its
 * destination is writable before it takes anything, so a bad pointer
 * loses no data (-EFAULT).
 *
 * Locks: pipe.lock guards the ring (head, tail) and the end counts.
 * Readers sleep on rd_wait and writers on wr_wait with it held
 * (pipe.lock -> waitqueue lock -> rq lock); every change wakes the other
 * side and the pollers (poll_notify, after the lock is released).
 */
#include "file/file.h"
#include "kernel/clock.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "proc/proc.h"
#include "sched/sched.h"
#include "signal/signal.h"
#include "uapi/errno.h"

#define PIPE_MODE (S_IFIFO | 0600)
#define PIPE_RAM_SHARE 8 /* every pipe's ring together: at most 1/8 of RAM */
#define PIPEFS_DEV KITE_MKDEV(0, 13) /* Linux's pipefs: an anonymous device */
#define PIPE_INO_FIRST 10000

struct pipe {
	struct spinlock lock;
	char *buf;                /* [const] PIPE_CAPACITY bytes */
	uint64_t head, tail;      /* [lock] bytes ever put and taken */
	int readers, writers;     /* [lock] open files of each end */
	struct waitqueue rd_wait; /* readers: data, or the last writer gone */
	struct waitqueue wr_wait; /* writers: room, or the last reader gone */
	uint64_t ino;             /* [const] fstat's inode number */
	uint64_t born_ns;         /* [const] real time it was made */
};

static uint64_t next_ino = PIPE_INO_FIRST; /* [atomic] */
static uint64_t ring_bytes;                /* [atomic] every pipe's ring */

/* Count one more ring, unless the rings would take more than their
 * share of RAM (Linux's pipe-user-pages-hard: -ENFILE). */
static bool ring_charge(void)
{
	uint64_t limit = pmm_total() * PAGE_SIZE / PIPE_RAM_SHARE;

	if (__atomic_add_fetch(&ring_bytes, PIPE_CAPACITY, __ATOMIC_RELAXED) <= limit)
		return true;
	__atomic_sub_fetch(&ring_bytes, PIPE_CAPACITY, __ATOMIC_RELAXED);
	return false;
}

static void ring_uncharge(void)
{
	__atomic_sub_fetch(&ring_bytes, PIPE_CAPACITY, __ATOMIC_RELAXED);
}

int pipe_create(uint32_t flags, struct file **rd, struct file **wr)
{
	struct pipe *p = kzalloc(sizeof(*p));

	*rd = *wr = NULL;
	if (!p)
		return -ENOMEM;
	if (!ring_charge()) {
		kfree(p);
		return -ENFILE;
	}
	p->buf = kmalloc(PIPE_CAPACITY);
	if (!p->buf)
		goto fail;
	spin_init(&p->lock, "pipe");
	wq_init(&p->rd_wait, "pipe.readers");
	wq_init(&p->wr_wait, "pipe.writers");
	p->ino = __atomic_fetch_add(&next_ino, 1, __ATOMIC_RELAXED);
	p->born_ns = clock_realtime_ns();
	p->readers = p->writers = 1;
	*rd = file_alloc(FILE_PIPE, O_RDONLY | (flags & O_NONBLOCK), p);
	*wr = file_alloc(FILE_PIPE, O_WRONLY | (flags & O_NONBLOCK), p);
	if (*rd && *wr)
		return 0;
	/* no file holds the pipe yet: free it all by hand */
	kfree(*rd);
	kfree(*wr);
	*rd = *wr = NULL;
fail:
	kfree(p->buf);
	kfree(p);
	ring_uncharge();
	return -ENOMEM;
}

static uint64_t used_locked(const struct pipe *p)
{
	return p->head - p->tail;
}

/* Copy n bytes (they fit) into the ring. lock held. */
static void ring_put(struct pipe *p, const char *src, size_t n)
{
	size_t at = p->head % PIPE_CAPACITY, first = MIN(n, PIPE_CAPACITY - at);

	assert(spin_holding(&p->lock) && n <= PIPE_CAPACITY - used_locked(p));
	memcpy(p->buf + at, src, first);
	memcpy(p->buf, src + first, n - first);
	p->head += n;
}

/* Take n bytes (they are there) out of the ring. lock held. */
static void ring_get(struct pipe *p, char *dst, size_t n)
{
	size_t at = p->tail % PIPE_CAPACITY, first = MIN(n, PIPE_CAPACITY - at);

	assert(spin_holding(&p->lock) && n <= used_locked(p));
	memcpy(dst, p->buf + at, first);
	memcpy(dst + first, p->buf, n - first);
	p->tail += n;
}

static bool nonblocking(const struct file *f)
{
	return __atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK;
}

/* Wait until p has bytes to read: 0 with the lock held, or the
 * call's result (0 at end of file, -EAGAIN, -ERESTARTSYS) with it
 * released. */
static long wait_for_data(struct file *f, struct pipe *p)
{
	spin_lock(&p->lock);
	while (used_locked(p) == 0) {
		long ret = 0;

		if (p->writers == 0)
			ret = 0; /* end of file */
		else if (nonblocking(f))
			ret = -EAGAIN;
		else if (wq_sleep_intr(&p->rd_wait, &p->lock))
			ret = -ERESTARTSYS;
		else
			continue;
		spin_unlock(&p->lock);
		return ret ? ret : 1;
	}
	return 0;
}

long pipe_read(struct file *f, struct uio *u)
{
	struct pipe *p = f->pipe;
	size_t want = MIN(u->resid, (size_t)PIPE_CAPACITY), got = 0, k, moved;
	size_t avail;
	char *bounce;
	long ret;

	if (want == 0)
		return 0;
	bounce = kmalloc(MIN(want, (size_t)PIPE_BUF));
	if (!bounce)
		return -ENOMEM;
	for (;;) {
		ret = wait_for_data(f, p);
		if (ret) {
			kfree(bounce);
			return ret == 1 ? 0 : ret;
		}
		avail = MIN((size_t)used_locked(p), want);
		spin_unlock(&p->lock);
		/* the bytes it will take must be writable first: a bad
		 * pointer loses no data */
		if (uio_check_writable(u, avail)) {
			kfree(bounce);
			return -EFAULT;
		}
		spin_lock(&p->lock);
		if (used_locked(p))
			break;
		spin_unlock(&p->lock); /* another reader took them: again */
	}
	/* take what is there, a bounce buffer at a time, up to avail */
	while (got < avail && used_locked(p)) {
		k = MIN(MIN((size_t)used_locked(p), avail - got),
			(size_t)PIPE_BUF);
		ring_get(p, bounce, k);
		spin_unlock(&p->lock);
		wq_wake_all(&p->wr_wait);
		poll_notify();
		moved = uio_copy_out(u, bounce, k);
		got += moved;
		if (moved < k) { /* unmapped since the check */
			kfree(bounce);
			return got ? (long)got : -EFAULT;
		}
		spin_lock(&p->lock);
	}
	spin_unlock(&p->lock);
	kfree(bounce);
	return (long)got;
}

/* SIGPIPE to the calling thread, as Linux sends it to the writer
 * (si_code SI_USER, si_pid the writer's own). */
static void send_sigpipe(void)
{
	struct ksiginfo info = { .signo = SIGPIPE, .code = SI_USER };

	spin_lock(&proc_lock);
	info.pid = current()->proc->pid;
	signal_send_thread_locked(current(), SIGPIPE, &info);
	spin_unlock(&proc_lock);
}

/* Put bounce[0..n) into the pipe: all at once if atomic, else as room
 * appears. Returns the bytes put; *err says why it stopped short
 * (-EPIPE, -EAGAIN, -ERESTARTSYS). */
static size_t push(struct file *f, const char *bounce, size_t n, bool atomic,
		   long *err)
{
	struct pipe *p = f->pipe;
	size_t off = 0, room, k;

	spin_lock(&p->lock);
	while (off < n) {
		if (p->readers == 0) {
			*err = -EPIPE;
			break;
		}
		room = PIPE_CAPACITY - used_locked(p);
		if (room >= (atomic ? n : 1)) {
			k = MIN(room, n - off);
			ring_put(p, bounce + off, k);
			off += k;
			wq_wake_all(&p->rd_wait);
			continue;
		}
		if (nonblocking(f)) {
			*err = -EAGAIN;
			break;
		}
		if (wq_sleep_intr(&p->wr_wait, &p->lock)) {
			*err = -ERESTARTSYS;
			break;
		}
	}
	spin_unlock(&p->lock);
	if (off)
		poll_notify();
	return off;
}

long pipe_write(struct file *f, struct uio *u)
{
	size_t total = u->resid, done = 0, piece, got, put;
	bool atomic = total <= PIPE_BUF;
	char *bounce;
	long err = 0;

	if (total == 0)
		return 0; /* as Linux: before looking for readers */
	bounce = kmalloc(MIN(total, (size_t)PIPE_BUF));
	if (!bounce)
		return -ENOMEM;
	while (done < total && !err) {
		/* a long write whose reader keeps up never waits: a kill
		 * still ends it between pieces */
		if (done && thread_killed(current()))
			break;
		piece = MIN(total - done, (size_t)PIPE_BUF);
		got = uio_copy_in(u, bounce, piece);
		if (got == 0) {
			err = -EFAULT;
			break;
		}
		put = push(f, bounce, got, atomic, &err);
		done += put;
		if (got < piece && !err)
			err = -EFAULT; /* the rest of the buffer is not there */
	}
	kfree(bounce);
	if (err == -EPIPE)
		send_sigpipe();
	return done ? (long)done : err;
}

int pipe_poll(struct file *f)
{
	struct pipe *p = f->pipe;
	int mask = 0;

	spin_lock(&p->lock);
	if ((f->flags & O_ACCMODE) == O_RDONLY) {
		if (used_locked(p))
			mask |= POLLIN | POLLRDNORM;
		if (p->writers == 0)
			mask |= POLLHUP;
	} else {
		if (PIPE_CAPACITY - used_locked(p) >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (p->readers == 0)
			mask |= POLLERR;
	}
	spin_unlock(&p->lock);
	return mask;
}

int pipe_nread(struct file *f)
{
	struct pipe *p = f->pipe;
	int n;

	spin_lock(&p->lock);
	n = (int)used_locked(p);
	spin_unlock(&p->lock);
	return n;
}

void pipe_release(struct pipe *p, bool writer)
{
	bool gone;

	spin_lock(&p->lock);
	if (writer)
		p->writers--;
	else
		p->readers--;
	assert(p->readers >= 0 && p->writers >= 0);
	gone = p->readers == 0 && p->writers == 0;
	spin_unlock(&p->lock);
	if (gone) { /* no file names it: nobody can be waiting on it */
		kfree(p->buf);
		kfree(p);
		ring_uncharge();
		return;
	}
	/* the other side sees end of file, or EPIPE */
	wq_wake_all(writer ? &p->rd_wait : &p->wr_wait);
	poll_notify();
}

void pipe_stat(struct file *f, struct kite_stat *st)
{
	struct pipe *p = f->pipe;

	memset(st, 0, sizeof(*st));
	st->st_dev = PIPEFS_DEV;
	st->st_ino = p->ino;
	st->st_mode = PIPE_MODE;
	st->st_nlink = 1;
	st->st_blksize = PIPE_BUF;
	st->st_atime_sec = st->st_mtime_sec = st->st_ctime_sec =
		(int64_t)(p->born_ns / NSEC_PER_SEC);
	st->st_atime_nsec = st->st_mtime_nsec = st->st_ctime_nsec =
		p->born_ns % NSEC_PER_SEC;
}
