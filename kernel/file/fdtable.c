/*
 * fdtable.c - a process's descriptor table (docs/FILES.md).
 *
 * A table is an array of slots, each empty or holding a reference to an
 * open file plus the descriptor's FD_CLOEXEC flag. It starts with
 * FDTABLE_INITIAL slots and doubles when a descriptor beyond them is
 * wanted, up to the caller's RLIMIT_NOFILE (itself at most NOFILE_MAX):
 * a new descriptor is the lowest free slot (-EMFILE when none is below
 * the limit), as POSIX requires.
 *
 * Who has which table:
 *   the first process        the console on 0, 1 and 2, O_RDWR
 *   fork / clone             a copy (same files, same flags); with
 *                            CLONE_FILES the same table (refs counts the
 *                            processes using it); threads of a process
 *                            always use the process's table
 *   spawn (400)              a copy without the FD_CLOEXEC descriptors,
 *                            as posix_spawn's exec would leave
 *   execve                   a table shared with another process is
 *                            copied first (as Linux's unshare_files),
 *                            then the FD_CLOEXEC descriptors close
 *   exit                     the last thread drops the table; the last
 *                            process using it closes every file
 *
 * proc->files changes only while its process has one thread (execve
 * after the others ended, the last thread's exit), so the process's
 * threads read the pointer without a lock.
 *
 * Locks: fdtable.lock guards size, fds[] and fdflags[]. Taking a file
 * from a slot raises its refcount under the lock (fd_get), so a
 * concurrent close cannot free it under the caller; a file leaves the
 * table under the lock and is put after it is released (putting may
 * close a pipe end, which takes pipe.lock). Growing allocates with no
 * lock held and installs the bigger arrays if still needed.
 */
#include "file/file.h"
#include "kernel/panic.h"
#include "kernel/param.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "proc/proc.h"
#include "uapi/errno.h"

#define FDTABLE_INITIAL 16

static struct fdtable *fdtable_alloc(int size)
{
	struct fdtable *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->fds = kzalloc((size_t)size * sizeof(*t->fds));
	t->fdflags = kzalloc((size_t)size);
	if (!t->fds || !t->fdflags) {
		kfree(t->fds);
		kfree(t->fdflags);
		kfree(t);
		return NULL;
	}
	spin_init(&t->lock, "fdtable");
	t->refs = 1;
	t->size = size;
	return t;
}

struct fdtable *fdtable_console(void)
{
	struct fdtable *t = fdtable_alloc(FDTABLE_INITIAL);
	struct file *con = file_console(O_RDWR);

	if (!t || !con) {
		kfree(con);
		if (t)
			fdtable_put(t);
		return NULL;
	}
	/* one file description on all three, as a terminal's login */
	for (int fd = 0; fd < 3; fd++) {
		if (fd)
			file_get(con);
		t->fds[fd] = con;
	}
	return t;
}

struct fdtable *fdtable_copy(struct fdtable *t, bool drop_cloexec)
{
	for (;;) {
		int size = READ_ONCE(t->size);
		struct fdtable *n = fdtable_alloc(size);

		if (!n)
			return NULL;
		spin_lock(&t->lock);
		if (t->size != size) { /* it grew meanwhile */
			spin_unlock(&t->lock);
			fdtable_put(n);
			continue;
		}
		for (int fd = 0; fd < size; fd++) {
			struct file *f = t->fds[fd];

			if (!f || (drop_cloexec && t->fdflags[fd]))
				continue;
			file_get(f);
			n->fds[fd] = f;
			n->fdflags[fd] = t->fdflags[fd];
		}
		spin_unlock(&t->lock);
		return n;
	}
}

void fdtable_share(struct fdtable *t)
{
	int old = __atomic_fetch_add(&t->refs, 1, __ATOMIC_RELAXED);

	assert(old > 0);
}

void fdtable_put(struct fdtable *t)
{
	int left = __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL);

	assert(left >= 0);
	if (left)
		return;
	/* nobody else can reach it: no lock */
	for (int fd = 0; fd < t->size; fd++)
		if (t->fds[fd])
			file_put(t->fds[fd]);
	kfree(t->fds);
	kfree(t->fdflags);
	kfree(t);
}

int fdtable_for_child(struct proc *p, bool share, bool drop_cloexec)
{
	struct fdtable *mine = current()->proc->files;

	assert(!p->files);
	if (!mine)
		p->files = fdtable_console(); /* init's first program */
	else if (share)
		fdtable_share(mine), p->files = mine;
	else
		p->files = fdtable_copy(mine, drop_cloexec);
	return p->files ? 0 : -ENOMEM;
}

static struct fdtable *mine(void)
{
	return current()->proc->files;
}

int fd_limit(void)
{
	uint64_t lim = proc_rlimit(RLIMIT_NOFILE);

	return lim > NOFILE_MAX ? NOFILE_MAX : (int)lim;
}

/* Make t hold at least need slots (need <= NOFILE_MAX). 0 or -ENOMEM. */
static int fdtable_grow(struct fdtable *t, int need)
{
	int size = READ_ONCE(t->size), nsize = size;
	struct file **fds, **oldfds;
	uint8_t *flags, *oldflags;

	assert(need <= NOFILE_MAX);
	while (nsize < need)
		nsize *= 2;
	if (nsize > NOFILE_MAX)
		nsize = NOFILE_MAX;
	fds = kzalloc((size_t)nsize * sizeof(*fds));
	flags = kzalloc((size_t)nsize);
	if (!fds || !flags) {
		kfree(fds);
		kfree(flags);
		return -ENOMEM;
	}
	spin_lock(&t->lock);
	if (t->size >= nsize) { /* another thread grew it */
		spin_unlock(&t->lock);
		kfree(fds);
		kfree(flags);
		return 0;
	}
	memcpy(fds, t->fds, (size_t)t->size * sizeof(*fds));
	memcpy(flags, t->fdflags, (size_t)t->size);
	oldfds = t->fds;
	oldflags = t->fdflags;
	t->fds = fds;
	t->fdflags = flags;
	t->size = nsize;
	spin_unlock(&t->lock);
	kfree(oldfds);
	kfree(oldflags);
	return 0;
}

struct file *fd_get(int64_t fd)
{
	struct fdtable *t = mine();
	struct file *f = NULL;

	if (!t || fd < 0)
		return NULL;
	spin_lock(&t->lock);
	if (fd < t->size && (f = t->fds[fd]))
		file_get(f);
	spin_unlock(&t->lock);
	return f;
}

int fd_install(struct file *f, int64_t minfd, bool cloexec)
{
	struct fdtable *t = mine();
	int limit = fd_limit(), fd, err;

	assert(t && minfd >= 0);
	for (;;) {
		spin_lock(&t->lock);
		for (fd = (int)MIN(minfd, (int64_t)limit); fd < t->size && fd < limit; fd++) {
			if (!t->fds[fd]) {
				t->fds[fd] = f;
				t->fdflags[fd] = cloexec;
				spin_unlock(&t->lock);
				return fd;
			}
		}
		spin_unlock(&t->lock);
		if (fd >= limit)
			return -EMFILE;
		if ((err = fdtable_grow(t, fd + 1)))
			return err;
	}
}

int fd_close(int64_t fd)
{
	struct fdtable *t = mine();
	struct file *f = NULL;

	if (!t || fd < 0)
		return -EBADF;
	spin_lock(&t->lock);
	if (fd < t->size && (f = t->fds[fd])) {
		t->fds[fd] = NULL;
		t->fdflags[fd] = 0;
	}
	spin_unlock(&t->lock);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

int fd_dup_to(int64_t oldfd, int64_t newfd, bool cloexec)
{
	struct fdtable *t = mine();
	struct file *f, *prev;
	int err;

	if (!t || oldfd < 0 || newfd < 0 || newfd >= fd_limit())
		return -EBADF;
	for (;;) {
		spin_lock(&t->lock);
		if (oldfd >= t->size || !(f = t->fds[oldfd])) {
			spin_unlock(&t->lock);
			return -EBADF;
		}
		if (newfd < t->size)
			break;
		spin_unlock(&t->lock);
		if ((err = fdtable_grow(t, (int)newfd + 1)))
			return err;
	}
	file_get(f);
	prev = t->fds[newfd];
	t->fds[newfd] = f;
	t->fdflags[newfd] = cloexec;
	spin_unlock(&t->lock);
	if (prev)
		file_put(prev); /* dup2 onto an open fd closes it, silently */
	return (int)newfd;
}

int fd_get_cloexec(int64_t fd)
{
	struct fdtable *t = mine();
	int ret = -EBADF;

	if (!t || fd < 0)
		return -EBADF;
	spin_lock(&t->lock);
	if (fd < t->size && t->fds[fd])
		ret = t->fdflags[fd] ? FD_CLOEXEC : 0;
	spin_unlock(&t->lock);
	return ret;
}

int fd_set_cloexec(int64_t fd, bool on)
{
	struct fdtable *t = mine();
	int ret = -EBADF;

	if (!t || fd < 0)
		return -EBADF;
	spin_lock(&t->lock);
	if (fd < t->size && t->fds[fd]) {
		t->fdflags[fd] = on;
		ret = 0;
	}
	spin_unlock(&t->lock);
	return ret;
}

/* Close the open descriptors first..last of t (only_cloexec: just those
 * with FD_CLOEXEC, for execve): each file leaves under the lock and is
 * put after it is released. */
static void close_span(struct fdtable *t, uint64_t first, uint64_t last,
		       bool only_cloexec)
{
	for (uint64_t fd = first; fd <= last; fd++) {
		struct file *f = NULL;

		spin_lock(&t->lock);
		if (fd >= (uint64_t)t->size) {
			spin_unlock(&t->lock);
			return;
		}
		if (t->fds[fd] && (!only_cloexec || t->fdflags[fd])) {
			f = t->fds[fd];
			t->fds[fd] = NULL;
			t->fdflags[fd] = 0;
		}
		spin_unlock(&t->lock);
		if (f)
			file_put(f);
	}
}

int fd_close_range(uint64_t first, uint64_t last, uint64_t flags)
{
	struct proc *p = current()->proc;
	struct fdtable *t = mine(), *fresh;
	int nthreads;

	if (flags & ~(uint64_t)(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
		return -EINVAL;
	if (first > last)
		return -EINVAL;
	if (!t)
		return 0;
	spin_lock(&proc_lock);
	nthreads = p->nthreads;
	spin_unlock(&proc_lock);
	/* unsharing swaps proc->files, which this process's other threads
	 * read without a lock: only a single-threaded process does it (a
	 * shared table's descriptors close for every process using it
	 * otherwise, as without the flag) */
	if ((flags & CLOSE_RANGE_UNSHARE) && nthreads == 1 &&
	    __atomic_load_n(&t->refs, __ATOMIC_ACQUIRE) > 1) {
		fresh = fdtable_copy(t, false);
		if (!fresh)
			return -ENOMEM;
		spin_lock(&proc_lock);
		p->files = fresh;
		spin_unlock(&proc_lock);
		fdtable_put(t);
		t = fresh;
	}
	if (flags & CLOSE_RANGE_CLOEXEC) {
		spin_lock(&t->lock);
		for (uint64_t fd = first; fd <= last && fd < (uint64_t)t->size; fd++)
			if (t->fds[fd])
				t->fdflags[fd] = 1;
		spin_unlock(&t->lock);
		return 0;
	}
	close_span(t, first, last, false);
	return 0;
}

int fdtable_exec_prepare(struct fdtable **fresh)
{
	struct fdtable *t = mine();

	*fresh = NULL;
	if (!t || __atomic_load_n(&t->refs, __ATOMIC_ACQUIRE) == 1)
		return 0;
	*fresh = fdtable_copy(t, false);
	return *fresh ? 0 : -ENOMEM;
}

void fdtable_exec_abort(struct fdtable *fresh)
{
	if (fresh)
		fdtable_put(fresh);
}

void fdtable_exec_commit(struct fdtable *fresh)
{
	struct proc *p = current()->proc;
	struct fdtable *old;

	if (fresh) {
		spin_lock(&proc_lock);
		old = p->files;
		p->files = fresh;
		spin_unlock(&proc_lock);
		fdtable_put(old);
	}
	if (p->files)
		close_span(p->files, 0, UINT64_MAX - 1, true);
}

void fdtable_proc_exit(struct proc *p)
{
	struct fdtable *t;

	spin_lock(&proc_lock);
	t = p->files;
	p->files = NULL;
	spin_unlock(&proc_lock);
	if (t)
		fdtable_put(t);
}
