/*
 * sys_time.c - time: nanosleep, clock_gettime, gettimeofday, times, and
 * uname.
 */
#include "kernel/clock.h"
#include "kernel/param.h"
#include "lib/string.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"
#include "uapi/kite.h"

static struct vmspace *uvm(void)
{
	return current()->proc->vm;
}

SYSCALL(nanosleep)
{
	struct kite_timespec ts;
	uint64_t ms;

	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	if (copy_from_user(uvm(), &ts, a0, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -EINVAL;
	ms = (uint64_t)ts.tv_sec * 1000 + ((uint64_t)ts.tv_nsec + 999999) / 1000000;
	if (ms)
		sleep_ms(ms);
	return proc_killed(current()->proc) ? -EINTR : 0;
}

SYSCALL(clock_gettime)
{
	struct kite_timespec ts;
	uint64_t ns;

	(void)a2, (void)a3, (void)a4, (void)a5;
	if (a0 == CLOCK_REALTIME)
		ns = clock_realtime_ns();
	else if (a0 == CLOCK_MONOTONIC)
		ns = clock_monotonic_ns();
	else
		return -EINVAL;
	ts.tv_sec = (int64_t)(ns / NSEC_PER_SEC);
	ts.tv_nsec = (int64_t)(ns % NSEC_PER_SEC);
	return copy_to_user(uvm(), a1, &ts, sizeof(ts));
}

SYSCALL(gettimeofday)
{
	uint64_t ns = clock_realtime_ns();
	struct kite_timeval tv = { (int64_t)(ns / NSEC_PER_SEC),
				   (int64_t)(ns % NSEC_PER_SEC / 1000) };

	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	return a0 ? copy_to_user(uvm(), a0, &tv, sizeof(tv)) : 0;
}

/* times(buf): ticks of this process and its reaped children; returns
 * ticks since boot. */
SYSCALL(times)
{
	struct proc *p = current()->proc;
	struct kite_tms t = { 0 };
	uint64_t now = clock_monotonic_ns() / (NSEC_PER_SEC / clock_hz);

	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	t.tms_utime = (int64_t)current()->ticks;
	t.tms_cutime = (int64_t)__atomic_load_n(&p->ticks, __ATOMIC_RELAXED);
	if (a0 && copy_to_user(uvm(), a0, &t, sizeof(t)))
		return -EFAULT;
	return (long)now;
}

SYSCALL(uname)
{
	struct kite_utsname u;

	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	memset(&u, 0, sizeof(u));
	kstrlcpy(u.sysname, "Kite", sizeof(u.sysname));
	kstrlcpy(u.nodename, "kite", sizeof(u.nodename));
	kstrlcpy(u.release, KITE_VERSION, sizeof(u.release));
	kstrlcpy(u.version, "Kite " KITE_VERSION, sizeof(u.version));
	kstrlcpy(u.machine, "riscv64", sizeof(u.machine));
	return copy_to_user(uvm(), a0, &u, sizeof(u));
}
