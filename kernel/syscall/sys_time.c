/*
 * sys_time.c - time: nanosleep (and the sleeping clock_nanosleep shares),
 * gettimeofday, times, and uname. The clocks are sys_clock.c's.
 */
#include "arch/arch.h"
#include "kernel/clock.h"
#include "kernel/param.h"
#include "lib/string.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "signal/signal.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"
#include "uapi/kite.h"

static struct vmspace *uvm(void)
{
	return current()->proc->vm;
}

/* A valid timespec as nanoseconds, saturating at UINT64_MAX; -EINVAL if
 * a field is negative or tv_nsec is not below one second. */
int timespec_to_ns(const struct kite_timespec *ts, uint64_t *ns)
{
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	if ((uint64_t)ts->tv_sec > (UINT64_MAX - (uint64_t)ts->tv_nsec) / NSEC_PER_SEC)
		*ns = UINT64_MAX;
	else
		*ns = (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
	return 0;
}

/* Sleep until the time counter reaches deadline: 0, or, after a kill or
 * a signal to handle, -ERESTARTNOHAND (-EINTR once a handler runs: never
 * restarted by SA_RESTART, as Linux) with the time left written to urem
 * (if not 0), -EFAULT if that fails. nanosleep and clock_nanosleep
 * (sys_clock.c) both sleep here. */
long time_sleep_until(uint64_t deadline, uint64_t urem)
{
	struct kite_timespec ts;
	uint64_t ns, now;

	if (!sleep_until_intr(deadline))
		return 0;
	now = arch_time_counter();
	ns = deadline == UINT64_MAX ? UINT64_MAX
				    : clock_counter_to_ns(deadline > now ? deadline - now : 0);
	ts.tv_sec = (int64_t)(MIN(ns / NSEC_PER_SEC, (uint64_t)INT64_MAX));
	ts.tv_nsec = (int64_t)(ns % NSEC_PER_SEC);
	if (urem && copy_to_user(uvm(), urem, &ts, sizeof(ts)))
		return -EFAULT;
	return -ERESTARTNOHAND; /* -EINTR once a handler runs */
}

/* nanosleep(req, rem): a kill or a handled signal ends it early with
 * -EINTR, and the time left goes to rem if it is not NULL. */
SYSCALL(nanosleep)
{
	struct kite_timespec ts;
	uint64_t ns;
	int err;

	if (copy_from_user(uvm(), &ts, tf->a0, sizeof(ts)))
		return -EFAULT;
	err = timespec_to_ns(&ts, &ns);
	if (err)
		return err;
	return time_sleep_until(clock_deadline_ns(ns), tf->a1);
}

SYSCALL(gettimeofday)
{
	uint64_t ns = clock_realtime_ns();
	struct kite_timeval tv = { (int64_t)(ns / NSEC_PER_SEC),
				   (int64_t)(ns % NSEC_PER_SEC / 1000) };

	return tf->a0 ? copy_to_user(uvm(), tf->a0, &tv, sizeof(tv)) : 0;
}

/* times(buf): ticks of this process (every thread's, the exited ones'
 * too) and of its reaped children; returns ticks since boot. */
SYSCALL(times)
{
	struct proc *p = current()->proc;
	struct kite_tms t = { 0 };
	uint64_t now = clock_monotonic_ns() / (NSEC_PER_SEC / clock_hz);

	t.tms_utime = (int64_t)proc_ticks(p);
	t.tms_cutime = (int64_t)__atomic_load_n(&p->cticks, __ATOMIC_RELAXED);
	if (tf->a0 && copy_to_user(uvm(), tf->a0, &t, sizeof(t)))
		return -EFAULT;
	return (long)now;
}

SYSCALL(uname)
{
	struct kite_utsname u;

	memset(&u, 0, sizeof(u));
	kstrlcpy(u.sysname, "Kite", sizeof(u.sysname));
	kstrlcpy(u.nodename, "kite", sizeof(u.nodename));
	kstrlcpy(u.release, KITE_VERSION, sizeof(u.release));
	kstrlcpy(u.version, "Kite " KITE_VERSION, sizeof(u.version));
	kstrlcpy(u.machine, "riscv64", sizeof(u.machine));
	return copy_to_user(uvm(), tf->a0, &u, sizeof(u));
}
