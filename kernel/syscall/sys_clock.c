/*
 * sys_clock.c - Linux's clocks: clock_gettime, clock_getres and
 * clock_nanosleep on every clock id Linux has that Kite can answer, and
 * getrusage (docs/LINUX.md).
 *
 * Clocks and what they read:
 *
 *   REALTIME, REALTIME_COARSE, TAI   the wall clock (clock_realtime_ns;
 *                                     TAI's offset is 0, as on a Linux
 *                                     that NTP has not told otherwise)
 *   MONOTONIC, MONOTONIC_RAW,         time since boot (Kite never
 *   MONOTONIC_COARSE, BOOTTIME        suspends, so BOOTTIME is MONOTONIC)
 *   PROCESS_CPUTIME_ID, THREAD_       timer ticks charged to the process
 *   CPUTIME_ID and the negative       (all its threads, the exited ones
 *   CPU clock ids (clock_getcpu-      too) or to one thread, times the
 *   clockid, pthread_getcpuclockid)   tick's length: CPU time counts in
 *                                     whole ticks
 *
 * The alarm clocks (8, 9) need a wake-up device Kite lacks: -EINVAL, as
 * for every unknown id. Resolutions are honest: the time counter's
 * period for the fine clocks, a tick for the coarse and CPU clocks.
 * clock_nanosleep sleeps in time_sleep_until (sys_time.c), nanosleep's
 * own sleep; on the process's CPU clock it waits tick by tick until that
 * much CPU time has been used (by other threads: as on Linux, a process
 * whose only thread sleeps on its own CPU clock sleeps until killed).
 * Kite does not tell user from system time: all of it is user time.
 *
 * Locks: proc_lock while reading another process's or thread's ticks
 * (the lookup keeps it alive); nothing else.
 */
#include "kernel/clock.h"
#include "lib/string.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"
#include "uapi/kite.h"
#include "uapi/linux.h"

static struct vmspace *uvm(void)
{
	return current()->proc->vm;
}

static uint64_t tick_ns(void)
{
	return NSEC_PER_SEC / clock_hz;
}

/* Ticks of p's threads, the exited ones' too. proc_lock held. */
static uint64_t proc_ticks_locked(struct proc *p)
{
	uint64_t sum = __atomic_load_n(&p->ticks, __ATOMIC_RELAXED);
	struct list_node *it;

	list_for_each(it, &p->threads)
		sum += READ_ONCE(list_entry(it, struct thread, proc_link)->ticks);
	return sum;
}

/* A CPU clock id (negative): the ticks of the process or thread it
 * names, or -EINVAL (a bad type, no such process, a thread of another
 * process). */
static int cpu_clock_ticks(int64_t clk, uint64_t *ticks)
{
	struct thread *me = current(), *t;
	int64_t pid = CPUCLOCK_PID(clk);
	struct proc *p;
	int err = 0;

	if (CPUCLOCK_TYPE(clk) >= CPUCLOCK_TYPE_MAX || pid < 0 || pid > INT32_MAX)
		return -EINVAL;
	spin_lock(&proc_lock);
	if (CPUCLOCK_PERTHREAD(clk)) {
		t = pid == 0 ? me : thread_lookup_locked((int)pid);
		if (t && t->proc == me->proc)
			*ticks = READ_ONCE(t->ticks);
		else
			err = -EINVAL;
	} else {
		p = pid == 0 ? me->proc : proc_lookup_locked((int)pid);
		if (p && p->state == P_ALIVE && !(p->flags & PF_KERNEL))
			*ticks = proc_ticks_locked(p);
		else
			err = -EINVAL;
	}
	spin_unlock(&proc_lock);
	return err;
}

/* The CPU clock id an id names (PROCESS_CPUTIME_ID and THREAD_CPUTIME_ID
 * are this process's and this thread's), or 0 if it is not a CPU clock. */
static int64_t cpu_clock_of(int64_t clk)
{
	if (clk == CLOCK_PROCESS_CPUTIME_ID)
		return -8 | 2;      /* ~0 << 3: pid 0; SCHED */
	if (clk == CLOCK_THREAD_CPUTIME_ID)
		return -8 | 4 | 2;  /* tid 0, per thread, SCHED */
	return clk < 0 ? clk : 0;
}

/* Read clock clk: 0 and *ns, or -EINVAL. */
static int clock_read(int64_t clk, uint64_t *ns)
{
	int64_t cpu = cpu_clock_of(clk);
	uint64_t ticks;
	int err;

	if (cpu) {
		err = cpu_clock_ticks(cpu, &ticks);
		if (!err)
			*ns = ticks * tick_ns();
		return err;
	}
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
		*ns = clock_realtime_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = clock_monotonic_ns();
		return 0;
	default:
		return -EINVAL;
	}
}

static struct kite_timespec ns_to_timespec(uint64_t ns)
{
	struct kite_timespec ts = { (int64_t)(ns / NSEC_PER_SEC),
				    (int64_t)(ns % NSEC_PER_SEC) };
	return ts;
}

/* clock_gettime(clk, tp) */
SYSCALL(clock_gettime)
{
	struct kite_timespec ts;
	uint64_t ns;
	int err = clock_read((int32_t)tf->a0, &ns);

	if (err)
		return err;
	ts = ns_to_timespec(ns);
	return copy_to_user(uvm(), tf->a1, &ts, sizeof(ts));
}

/* clock_getres(clk, res): res may be NULL. */
SYSCALL(clock_getres)
{
	int64_t clk = (int32_t)tf->a0;
	struct kite_timespec ts;
	uint64_t ns;
	int err = clock_read(clk, &ns);

	if (err)
		return err;
	if (cpu_clock_of(clk) || clk == CLOCK_REALTIME_COARSE ||
	    clk == CLOCK_MONOTONIC_COARSE)
		ns = tick_ns();
	else
		ns = MAX(clock_counter_to_ns(1), 1);
	ts = ns_to_timespec(ns);
	return tf->a1 ? copy_to_user(uvm(), tf->a1, &ts, sizeof(ts)) : 0;
}

/* Sleep until the process's CPU time reaches target ns (its clock cpu),
 * a tick at a time. */
static long cpu_clock_sleep(int64_t cpu, uint64_t target)
{
	for (;;) {
		uint64_t ticks;
		long err = cpu_clock_ticks(cpu, &ticks);

		if (err)
			return err;
		if (ticks * tick_ns() >= target)
			return 0;
		err = time_sleep_until(clock_deadline_ns(tick_ns()), 0);
		if (err)
			return err;
	}
}

/* clock_nanosleep(clk, flags, req, rem): TIMER_ABSTIME sleeps until the
 * clock reads req; rem (relative sleeps only) gets the time left when a
 * kill ends the sleep. */
SYSCALL(clock_nanosleep)
{
	int64_t clk = (int32_t)tf->a0, cpu = cpu_clock_of(clk);
	bool abs = tf->a1 & TIMER_ABSTIME;
	struct kite_timespec ts;
	uint64_t req, now;
	int err = clock_read(clk, &now);

	if (err)
		return err;
	if (clk == CLOCK_MONOTONIC_RAW || clk == CLOCK_REALTIME_COARSE ||
	    clk == CLOCK_MONOTONIC_COARSE)
		return -EOPNOTSUPP; /* Linux cannot sleep on these */
	if (cpu && CPUCLOCK_PERTHREAD(cpu))
		return -EINVAL;     /* nor on a thread's CPU clock */
	if (copy_from_user(uvm(), &ts, tf->a2, sizeof(ts)))
		return -EFAULT;
	err = timespec_to_ns(&ts, &req);
	if (err)
		return err;
	if (cpu)
		return cpu_clock_sleep(cpu, abs ? req : now + MIN(req, UINT64_MAX - now));
	if (abs) {
		if (req <= now)
			return 0;
		return time_sleep_until(clock_deadline_ns(req - now), 0);
	}
	return time_sleep_until(clock_deadline_ns(req), tf->a3);
}

static struct kite_timeval ns_to_timeval(uint64_t ns)
{
	struct kite_timeval tv = { (int64_t)(ns / NSEC_PER_SEC),
				   (int64_t)(ns % NSEC_PER_SEC / 1000) };
	return tv;
}

/* getrusage(who, usage): CPU time (all of it user time), the resident
 * set now as the maximum (KiB; Kite keeps no peak), page faults served
 * as minor faults (for the process; a thread's own are not counted). */
SYSCALL(getrusage)
{
	struct proc *p = current()->proc;
	struct kite_rusage ru;
	uint64_t ticks;

	memset(&ru, 0, sizeof(ru));
	switch ((int32_t)tf->a0) {
	case RUSAGE_SELF:
		ticks = proc_ticks(p);
		ru.ru_minflt = (int64_t)__atomic_load_n(&p->faults, __ATOMIC_RELAXED);
		ru.ru_maxrss = (int64_t)(vmspace_rss(p->vm) * (PAGE_SIZE / 1024));
		break;
	case RUSAGE_THREAD:
		ticks = READ_ONCE(current()->ticks);
		ru.ru_maxrss = (int64_t)(vmspace_rss(p->vm) * (PAGE_SIZE / 1024));
		break;
	case RUSAGE_CHILDREN:
		ticks = __atomic_load_n(&p->cticks, __ATOMIC_RELAXED);
		break;
	default:
		return -EINVAL;
	}
	ru.ru_utime = ns_to_timeval(ticks * tick_ns());
	return copy_to_user(uvm(), tf->a1, &ru, sizeof(ru));
}
