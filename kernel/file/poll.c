/*
 * poll.c - ppoll(2) (glibc's poll on riscv64) on pipes and the console
 * (docs/FILES.md).
 *
 * ppoll(fds, nfds, timeout, sigmask, sigsetsize) looks at each
 * descriptor's ready events (file_poll), keeps those asked for plus
 * POLLERR and POLLHUP (always reported), POLLNVAL for a descriptor that
 * is not open, nothing for a negative one; if none is ready it sleeps
 * until something may have changed, the timeout passes (0), a kill, or a
 * signal the thread may take with the wait's mask (-EINTR after its
 * handler; with no handler to run, as after a stop and continue, it
 * restarts with the time left, which Linux writes back to timeout).
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
static int poll_scan(struct kite_pollfd *fds, uint64_t n)
{
	int count = 0;

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

/* Write the time left until deadline to the user's timespec (Linux's
 * ppoll does, unless the timeout was zero). */
static void timeout_left_to_user(uint64_t utmo, uint64_t deadline)
{
	uint64_t now = arch_time_counter();
	uint64_t left = deadline > now ? clock_counter_to_ns(deadline - now) : 0;
	struct kite_timespec ts = { (int64_t)(left / NSEC_PER_SEC),
				    (int64_t)(left % NSEC_PER_SEC) };

	(void)copy_to_user(uvm(), utmo, &ts, sizeof(ts));
}

/* ppoll(fds, nfds, timeout, sigmask, sigsetsize) */
SYSCALL(ppoll)
{
	struct thread *t = current();
	uint64_t n = tf->a1, deadline = UINT64_MAX, mask, seq;
	struct kite_pollfd *fds = NULL;
	struct kite_timespec ts;
	bool zero = false;
	long ret;

	/* Linux's order: the timeout, the mask, then the array */
	if (tf->a2) {
		if (copy_from_user(uvm(), &ts, tf->a2, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 ||
		    ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
			return -EINVAL;
		zero = ts.tv_sec == 0 && ts.tv_nsec == 0;
		deadline = clock_deadline_ns(
			(uint64_t)ts.tv_sec > UINT64_MAX / NSEC_PER_SEC - 1
				? UINT64_MAX
				: (uint64_t)ts.tv_sec * NSEC_PER_SEC +
					  (uint64_t)ts.tv_nsec);
	}
	if (tf->a3) {
		if (tf->a4 != SIGSET_SIZE)
			return -EINVAL;
		if (copy_from_user(uvm(), &mask, tf->a3, sizeof(mask)))
			return -EFAULT;
		t->sig.saved_mask = READ_ONCE(t->sig.blocked);
		t->sig.have_saved = true;
		signal_set_blocked(mask);
	}
	ret = -EINVAL;
	if (n > (uint64_t)fd_limit())
		goto out;
	ret = -ENOMEM;
	if (n && !(fds = kmalloc(n * sizeof(*fds))))
		goto out;
	ret = -EFAULT;
	if (n && copy_from_user(uvm(), fds, tf->a0, n * sizeof(*fds)))
		goto out;
	for (;;) {
		seq = poll_seq();
		ret = poll_scan(fds, n);
		if (ret || zero || arch_time_counter() >= deadline)
			break;
		if (thread_interrupted(t) || poll_wait(seq, deadline)) {
			ret = -ERESTARTNOHAND;
			break;
		}
	}
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
	/* the wait's mask stays until a handler has run (-ERESTARTNOHAND);
	 * otherwise the old one is back now */
	if (ret != -ERESTARTNOHAND && t->sig.have_saved) {
		t->sig.have_saved = false;
		signal_set_blocked(t->sig.saved_mask);
	}
	return ret;
}
