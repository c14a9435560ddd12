/*
 * poll.c - ppoll(2) and pselect6(2) (glibc's poll and select on
 * riscv64) on pipes and the console (docs/FILES.md).
 *
 * ppoll(fds, nfds, timeout, sigmask, sigsetsize) looks at each
 * descriptor's ready events (file_poll), keeps those asked for plus
 * POLLERR and POLLHUP (always reported), POLLNVAL for a descriptor that
 * is not open, nothing for a negative one; if none is ready it sleeps
 * until something may have changed, the timeout passes (0), a kill, or a
 * signal the thread may take with the wait's mask (-EINTR after its
 * handler; with no handler to run, as after a stop and continue, it
 * restarts with the time left, which Linux writes back to timeout).
 * pselect6 is the same wait over three bitmaps (readable: POLLIN, also
 * at end of file or an error; writable: POLLOUT or an error;
 * exceptional: POLLPRI, which no Kite file has); a set bit naming a
 * descriptor that is not open fails the call (-EBADF), and the ready
 * bits replace the sets.
 *
 * The wait: Kite's wait queues hold a thread on one queue at a time, so
 * a poller cannot sleep on each file's queue. Instead every event a
 * poller may wait for (pipe data, room, an end closed; console input)
 * calls poll_notify, which bumps a global sequence number and wakes the
 * global queue; a poller reads the number before it looks at its
 * descriptors and sleeps only if it has not changed since, so an event
 * between its look and its sleep is never lost. Every poller wakes on
 * every event and looks again: simple, and cheap while pollers are few.
 *
 * Locks: pw.lock guards the sequence number; pollers sleep on pw.wq
 * with it held. It is a leaf (poll_notify is called with no other lock
 * held, from threads and from the console's interrupt).
 */
#include "arch/arch.h"
#include "file/file.h"
#include "kernel/clock.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "signal/signal.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"
#include "uapi/kite.h"

static struct {
	struct spinlock lock;
	uint64_t seq;        /* [lock] events so far */
	struct waitqueue wq; /* pollers with nothing ready */
} pw = { .lock = SPINLOCK_INIT("poll") };

void poll_init(void)
{
	wq_init(&pw.wq, "poll.wait");
}

void poll_notify(void)
{
	spin_lock(&pw.lock);
	pw.seq++;
	spin_unlock(&pw.lock);
	wq_wake_all(&pw.wq);
}

static uint64_t poll_seq(void)
{
	uint64_t s;

	spin_lock(&pw.lock);
	s = pw.seq;
	spin_unlock(&pw.lock);
	return s;
}

/* Sleep until an event after seq, the deadline, a kill or a signal:
 * 0, or -EINTR (kill or signal). */
static int poll_wait(uint64_t seq, uint64_t deadline)
{
	int err = 0;

	spin_lock(&pw.lock);
	if (pw.seq == seq)
		err = deadline == UINT64_MAX
			? wq_sleep_intr(&pw.wq, &pw.lock)
			: wq_sleep_until_intr(&pw.wq, &pw.lock, deadline);
	spin_unlock(&pw.lock);
	return err;
}

/* The ready events of each entry (revents), and how many have any. */
static long poll_scan(void *arg, uint64_t n)
{
	struct kite_pollfd *fds = arg;
	long count = 0;

	for (uint64_t i = 0; i < n; i++) {
		struct file *f;
		int mask;

		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		f = fd_get(fds[i].fd);
		if (!f) {
			mask = POLLNVAL;
		} else {
			mask = file_poll(f) &
			       ((uint16_t)fds[i].events | POLLERR | POLLHUP);
			file_put(f);
		}
		fds[i].revents = (int16_t)mask;
		count += mask != 0;
	}
	return count;
}

static struct vmspace *uvm(void)
{
	return current()->proc->vm;
}

/* A wait's timeout: the user's timespec at u (0: none, wait for ever)
 * as a deadline; *zero if it is 0 (look once). 0, -EFAULT, -EINVAL. */
static long timeout_from_user(uint64_t u, uint64_t *deadline, bool *zero)
{
	struct kite_timespec ts;
	uint64_t ns;
	long err;

	*deadline = UINT64_MAX;
	*zero = false;
	if (!u)
		return 0;
	if (copy_from_user(uvm(), &ts, u, sizeof(ts)))
		return -EFAULT;
	if ((err = timespec_to_ns(&ts, &ns)))
		return err;
	*zero = ns == 0;
	*deadline = clock_deadline_ns(ns);
	return 0;
}

/* Write the time left until deadline to the user's timespec (Linux's
 * ppoll and pselect6 do, unless the timeout was zero; a bad pointer
 * now is ignored, as Linux's "sticky" fallback). */
static void timeout_left_to_user(uint64_t utmo, uint64_t deadline)
{
	uint64_t now = arch_time_counter();
	uint64_t left = deadline > now ? clock_counter_to_ns(deadline - now) : 0;
	struct kite_timespec ts = { (int64_t)(left / NSEC_PER_SEC),
				    (int64_t)(left % NSEC_PER_SEC) };

	(void)copy_to_user(uvm(), utmo, &ts, sizeof(ts));
}

/* The wait's signal mask: the set at umask (size bytes; 0: keep the
 * mask), the old one kept to come back (mask_restore). 0, -EINVAL,
 * -EFAULT. */
static long mask_from_user(uint64_t umask, uint64_t size)
{
	struct thread *t = current();
	uint64_t mask;

	if (!umask)
		return 0;
	if (size != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(uvm(), &mask, umask, sizeof(mask)))
		return -EFAULT;
	t->sig.saved_mask = READ_ONCE(t->sig.blocked);
	t->sig.have_saved = true;
	signal_set_blocked(mask);
	return 0;
}

/* The call ends with ret: the old mask is back, unless a handler is to
 * run first (-ERESTARTNOHAND: delivery puts it back after the handler,
 * or before a restart). Returns ret. */
static long mask_restore(long ret)
{
	struct thread *t = current();

	if (ret != -ERESTARTNOHAND && t->sig.have_saved) {
		t->sig.have_saved = false;
		signal_set_blocked(t->sig.saved_mask);
	}
	return ret;
}

/* Look (scan(arg, n): the ready count, or an error) until something is
 * ready, the deadline passes (0), or a kill or a signal ends the wait
 * (-ERESTARTNOHAND). */
static long wait_ready(long (*scan)(void *, uint64_t), void *arg, uint64_t n,
		       uint64_t deadline, bool zero)
{
	for (;;) {
		uint64_t seq = poll_seq();
		long ret = scan(arg, n);

		if (ret || zero || arch_time_counter() >= deadline)
			return ret;
		if (thread_interrupted(current()) || poll_wait(seq, deadline))
			return -ERESTARTNOHAND;
	}
}

/* ppoll(fds, nfds, timeout, sigmask, sigsetsize) */
SYSCALL(ppoll)
{
	uint64_t n = tf->a1, deadline;
	struct kite_pollfd *fds = NULL;
	bool zero;
	long ret;

	/* Linux's order: the timeout, the mask, then the array */
	if ((ret = timeout_from_user(tf->a2, &deadline, &zero)))
		return ret;
	if ((ret = mask_from_user(tf->a3, tf->a4)))
		return ret;
	ret = -EINVAL;
	if (n > (uint64_t)fd_limit())
		goto out;
	ret = -ENOMEM;
	if (n && !(fds = kmalloc(n * sizeof(*fds))))
		goto out;
	ret = -EFAULT;
	if (n && copy_from_user(uvm(), fds, tf->a0, n * sizeof(*fds)))
		goto out;
	ret = wait_ready(poll_scan, fds, n, deadline, zero);
	/* revents back (Linux writes each entry's, whatever the result) */
	for (uint64_t i = 0; i < n; i++) {
		uint64_t at = tf->a0 + i * sizeof(*fds) +
			      offsetof(struct kite_pollfd, revents);

		if (copy_to_user(uvm(), at, &fds[i].revents, sizeof(int16_t))) {
			ret = -EFAULT;
			break;
		}
	}
	if (tf->a2 && !zero)
		timeout_left_to_user(tf->a2, deadline);
out:
	kfree(fds);
	return mask_restore(ret);
}

/* ---- pselect6 ---- */

#define SELECT_IN (POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define SELECT_OUT (POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR)
#define SELECT_EX POLLPRI
#define WORD_BITS 64

/* The three sets asked about (in[], out[], ex[]) and the ready ones
 * (rin[], rout[], rex[]), words of 64 descriptors each. */
struct select_sets {
	uint64_t *in, *out, *ex, *rin, *rout, *rex;
	size_t words;
};

static bool bit(const uint64_t *set, uint64_t fd)
{
	return (set[fd / WORD_BITS] >> (fd % WORD_BITS)) & 1;
}

/* Ready bits of each descriptor asked about, and how many; -EBADF for
 * one that is not open. */
static long select_scan(void *arg, uint64_t n)
{
	struct select_sets *s = arg;
	long count = 0;

	memset(s->rin, 0, 3 * s->words * sizeof(uint64_t));
	for (uint64_t fd = 0; fd < n; fd++) {
		bool in = bit(s->in, fd), out = bit(s->out, fd), ex = bit(s->ex, fd);
		uint64_t b = 1UL << (fd % WORD_BITS);
		struct file *f;
		int mask;

		if (!in && !out && !ex)
			continue;
		f = fd_get((int64_t)fd);
		if (!f)
			return -EBADF;
		mask = file_poll(f);
		file_put(f);
		if (in && (mask & SELECT_IN))
			s->rin[fd / WORD_BITS] |= b, count++;
		if (out && (mask & SELECT_OUT))
			s->rout[fd / WORD_BITS] |= b, count++;
		if (ex && (mask & SELECT_EX))
			s->rex[fd / WORD_BITS] |= b, count++;
	}
	return count;
}

/* The set at u (n descriptors' bits, whole words as Linux reads them)
 * into set; NULL: none asked. 0 or -EFAULT. */
static long set_from_user(uint64_t u, uint64_t *set, size_t words)
{
	memset(set, 0, words * sizeof(uint64_t));
	if (!u)
		return 0;
	return copy_from_user(uvm(), set, u, words * sizeof(uint64_t)) ? -EFAULT : 0;
}

static long set_to_user(uint64_t u, const uint64_t *set, size_t words)
{
	if (!u)
		return 0;
	return copy_to_user(uvm(), u, set, words * sizeof(uint64_t)) ? -EFAULT : 0;
}

/* The descriptors select looks at: Linux cuts n to its table's size
 * (a multiple of 64); bits beyond it are ignored. */
static uint64_t select_max_fds(void)
{
	struct fdtable *t = current()->proc->files;
	int size;

	if (!t)
		return 0;
	spin_lock(&t->lock);
	size = t->size;
	spin_unlock(&t->lock);
	return ALIGN_UP((uint64_t)size, WORD_BITS);
}

/* pselect6(n, in, out, ex, timeout, sig): sig points at { sigset_t *,
 * size } (glibc's select and pselect on riscv64). */
SYSCALL(pselect6)
{
	int64_t n = (int32_t)tf->a0;
	struct select_sets s = { 0 };
	struct { uint64_t set, size; } sig = { 0, 0 };
	uint64_t deadline, *mem = NULL;
	bool zero;
	long ret;

	/* Linux's order: the timeout, the mask, then n and the sets */
	if ((ret = timeout_from_user(tf->a4, &deadline, &zero)))
		return ret;
	if (tf->a5 && copy_from_user(uvm(), &sig, tf->a5, sizeof(sig)))
		return -EFAULT;
	if ((ret = mask_from_user(sig.set, sig.size)))
		return ret;
	ret = -EINVAL;
	if (n < 0)
		goto out;
	if ((uint64_t)n > select_max_fds())
		n = (int64_t)select_max_fds();
	s.words = (size_t)ALIGN_UP((uint64_t)n, WORD_BITS) / WORD_BITS;
	ret = -ENOMEM;
	if (s.words && !(mem = kmalloc(6 * s.words * sizeof(uint64_t))))
		goto out;
	s.in = mem, s.out = mem + s.words, s.ex = mem + 2 * s.words;
	s.rin = mem + 3 * s.words, s.rout = mem + 4 * s.words;
	s.rex = mem + 5 * s.words;
	if ((ret = set_from_user(tf->a1, s.in, s.words)) ||
	    (ret = set_from_user(tf->a2, s.out, s.words)) ||
	    (ret = set_from_user(tf->a3, s.ex, s.words)))
		goto out;
	ret = wait_ready(select_scan, &s, (uint64_t)n, deadline, zero);
	/* the ready sets replace the asked ones, unless the call failed or
	 * a signal ended it */
	if (ret >= 0 && (set_to_user(tf->a1, s.rin, s.words) ||
			 set_to_user(tf->a2, s.rout, s.words) ||
			 set_to_user(tf->a3, s.rex, s.words)))
		ret = -EFAULT;
	if (tf->a4 && !zero)
		timeout_left_to_user(tf->a4, deadline);
out:
	kfree(mem);
	return mask_restore(ret);
}
