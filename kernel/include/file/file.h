/*
 * file/file.h - open files, descriptor tables, pipes and poll
 * (docs/FILES.md).
 *
 * Model (as Linux's): a descriptor is a small integer naming a slot of
 * its process's table (struct fdtable); the slot holds a reference to an
 * open file (struct file: Linux's "open file description") and the
 * descriptor's own flag, FD_CLOEXEC. dup, fork and spawn make more slots
 * that name the same file, so they share its O_NONBLOCK/O_APPEND flags;
 * a file ends (a pipe end closes) when its last reference goes.
 *
 *   proc->files --> struct fdtable (refs: processes sharing it, CLONE_FILES)
 *                     fds[0..size): struct file * or NULL, fdflags[]
 *                          |
 *                          v
 *                   struct file (refs: slots + calls in progress)
 *                     kind: FILE_CONSOLE, or FILE_PIPE + pipe
 *                          |
 *                          v
 *                   struct pipe (readers, writers: files of each end)
 *
 * Kinds: FILE_CONSOLE (the terminal: dev/console.c) and FILE_PIPE (one
 * end of a pipe: its access mode says which, O_RDONLY the read end,
 * O_WRONLY the write end).
 *
 * Locks: fdtable.lock (a spinlock, a leaf but for file refcounts) guards
 * the slots; struct file's refs and flags are atomic words; pipe.lock
 * guards a pipe's ring and end counts, and its readers and writers sleep
 * on its wait queues with it held (pipe.lock -> waitqueue lock -> rq
 * lock). The poll wait (poll.c) has its own lock, taken after none of
 * these. No sleeping lock is involved: user bytes are copied outside
 * every spinlock, through a kernel bounce buffer.
 */
#ifndef KITE_FILE_FILE_H
#define KITE_FILE_FILE_H

#include "kernel/spinlock.h"
#include "kernel/types.h"
#include "uapi/linux.h"

struct pipe;
struct proc;
struct vmspace;

enum file_kind {
	FILE_CONSOLE = 1, /* the terminal (dev/console.c) */
	FILE_PIPE,        /* an end of a pipe: O_RDONLY read, O_WRONLY write */
};

/* The file status flags F_SETFL may change. */
#define FILE_SETFL_MASK (O_NONBLOCK | O_APPEND)

struct file {
	int refs;            /* [atomic] table slots + calls in progress */
	enum file_kind kind; /* [const] */
	uint32_t flags;      /* [atomic] O_ACCMODE [const] | O_NONBLOCK |
			      * O_APPEND (F_SETFL) */
	struct pipe *pipe;   /* [const] FILE_PIPE: its pipe */
};

/* ---- a user buffer, or a list of them (file.c) ---- */

/* Where a read's bytes go or a write's come from: segments of the
 * caller's address space, walked in order (read/write: one segment;
 * readv/writev: the checked iovec array). */
struct uio {
	struct vmspace *vm;
	const struct kite_iovec *iov;
	size_t niov;
	size_t idx, off; /* the next byte: segment idx, offset off */
	size_t resid;    /* bytes left to move */
};
/* One segment: ubuf, n bytes. */
void uio_init_one(struct uio *u, struct kite_iovec *one, uint64_t ubuf,
		  size_t n);
/* Copy the next n (<= resid) bytes from the user into kbuf: returns
 * how many were copied before a fault (n if none). */
size_t uio_copy_in(struct uio *u, void *kbuf, size_t n);
/* Copy n (<= resid) bytes of kbuf out to the user: how many before a
 * fault. */
size_t uio_copy_out(struct uio *u, const void *kbuf, size_t n);
/* Are the next n bytes writable (a read checks before it takes input,
 * so a bad pointer loses none)? 0 or -EFAULT. */
int uio_check_writable(const struct uio *u, size_t n);

/* ---- open files (file.c) ---- */

/* A new file of kind with flags (access mode, O_NONBLOCK, O_APPEND)
 * and one reference; NULL on -ENOMEM. A pipe end takes pipe's end
 * count, which the caller has already raised (pipe_create). */
struct file *file_alloc(enum file_kind kind, uint32_t flags, struct pipe *pipe);
void file_get(struct file *f);
/* Drop a reference; the last closes the file (a pipe end: its peers
 * see EOF or EPIPE). Thread or interrupt context, no spinlock held. */
void file_put(struct file *f);
/* Is f open for reading / for writing (its access mode)? */
bool file_can_read(const struct file *f);
bool file_can_write(const struct file *f);
/* read/write through f: bytes moved, 0 (end of file), or -EBADF (not
 * open that way), -EFAULT, -EAGAIN, -EPIPE, -ERESTARTSYS, -EIO. */
long file_read(struct file *f, struct uio *u);
long file_write(struct file *f, struct uio *u);
/* Ready events of f now (POLLIN, POLLOUT, POLLHUP, POLLERR, ...). */
int file_poll(struct file *f);
/* fstat of f. */
void file_stat(struct file *f, struct kite_stat *st);
/* The console's stat (a pseudo-terminal, sys_fd.c). */
void console_file_stat(struct kite_stat *st);
/* A new console file opened with flags (O_RDWR for the first process). */
struct file *file_console(uint32_t flags);

/* ---- descriptor tables (fdtable.c) ---- */

struct fdtable {
	struct spinlock lock;
	int refs;             /* [atomic] processes using it (CLONE_FILES) */
	int size;             /* [lock] slots in fds and fdflags */
	struct file **fds;    /* [lock] each slot's file (a reference) or NULL */
	uint8_t *fdflags;     /* [lock] each slot's FD_CLOEXEC */
};

/* The first user process's table: the console on 0, 1 and 2, O_RDWR
 * (as a Linux terminal). NULL on -ENOMEM. */
struct fdtable *fdtable_console(void);
/* A copy of t: the same files in the same slots (fork); without the
 * FD_CLOEXEC ones if drop_cloexec (spawn, as posix_spawn's exec would).
 * NULL on -ENOMEM. */
struct fdtable *fdtable_copy(struct fdtable *t, bool drop_cloexec);
/* One more process uses t (CLONE_FILES). */
void fdtable_share(struct fdtable *t);
/* A process lets go of t; the last one closes every file in it. */
void fdtable_put(struct fdtable *t);
/* The table of a process being made by the calling thread: a copy of
 * the caller's (share: the caller's own, CLONE_FILES; spawn:
 * drop_cloexec), or the console's for a kernel thread's child (init's
 * first program). 0 or -ENOMEM; the process's files is set. */
int fdtable_for_child(struct proc *p, bool share, bool drop_cloexec);
/* execve: before its point of no return, a private copy of a table
 * shared with another process (*fresh; NULL if not shared); 0 or
 * -ENOMEM. After it, fdtable_exec_commit installs that copy and closes
 * every FD_CLOEXEC descriptor; fdtable_exec_abort drops it. */
int fdtable_exec_prepare(struct fdtable **fresh);
void fdtable_exec_commit(struct fdtable *fresh);
void fdtable_exec_abort(struct fdtable *fresh);
/* The calling process's last thread is leaving: its table goes. */
void fdtable_proc_exit(struct proc *p);

/* The calling process's descriptors. */
/* The file at fd with a reference (file_put it), or NULL (-EBADF). */
struct file *fd_get(int64_t fd);
/* Put f (the caller's reference passes to the table) in the lowest free
 * slot >= minfd below RLIMIT_NOFILE: the fd, or -EMFILE, -ENOMEM. */
int fd_install(struct file *f, int64_t minfd, bool cloexec);
/* close(fd): 0 or -EBADF. */
int fd_close(int64_t fd);
/* dup3(oldfd, newfd, cloexec) without the flag checks: newfd or -EBADF
 * (either fd), -ENOMEM. */
int fd_dup_to(int64_t oldfd, int64_t newfd, bool cloexec);
/* F_GETFD / F_SETFD: the flags, 0, or -EBADF. */
int fd_get_cloexec(int64_t fd);
int fd_set_cloexec(int64_t fd, bool on);
/* close_range(first, last, flags): 0, -EINVAL, -ENOMEM. */
int fd_close_range(uint64_t first, uint64_t last, uint64_t flags);
/* RLIMIT_NOFILE of the calling process, capped at the table's ceiling. */
int fd_limit(void);

/* ---- pipes (pipe.c) ---- */

#define PIPE_BUF 4096            /* writes up to this size are atomic */
#define PIPE_CAPACITY (4 * 4096) /* bytes a pipe holds (Linux: 64 KiB) */

/* A new pipe and its two files (flags: O_NONBLOCK): 0, -ENOMEM, or
 * -ENFILE when pipes hold their whole share of RAM. */
int pipe_create(uint32_t flags, struct file **rd, struct file **wr);
long pipe_read(struct file *f, struct uio *u);
long pipe_write(struct file *f, struct uio *u);
int pipe_poll(struct file *f);
/* One end's file is closing (its last reference went). */
void pipe_release(struct pipe *p, bool writer);
void pipe_stat(struct file *f, struct kite_stat *st);
/* FIONREAD: bytes waiting. */
int pipe_nread(struct file *f);

/* ---- waiting for events (poll.c) ---- */

/* Something a poller may wait for has happened (pipe data or space, an
 * end closed, console input): every ppoll asleep looks again.
 * Any context. */
void poll_notify(void);
/* Boot, before interrupts are on: the pollers' wait queue. */
void poll_init(void);

#endif
