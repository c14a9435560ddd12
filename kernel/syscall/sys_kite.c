/*
 * sys_kite.c - Kite's own calls: the app list, the process table, memory
 * counts and the scheduling class (for lsapp, ps, mem and sched).
 */
#include "dev/console.h"
#include "kernel/clock.h"
#include "kernel/cpu.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/kvm.h"
#include "mm/pmm.h"
#include "mm/reclaim.h"
#include "mm/swap.h"
#include "mm/vmo.h"
#include "mm/vmspace.h"
#include "proc/apps.h"
#include "proc/exec.h"
#include "proc/proc.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"
#include "uapi/kite.h"

static struct vmspace *uvm(void)
{
	return current()->proc->vm;
}

/* kite_apps(buf, len): the names, one per line; returns the bytes
 * needed (the text is cut to len). */
SYSCALL(kite_apps)
{
	size_t need = 0;
	long err = 0;

	for (uint64_t i = 0; i < app_count(); i++) {
		const char *name = app_get(i)->name;
		size_t n = strlen(name);

		if (need + n + 1 <= tf->a1 && !err)
			err = copy_to_user(uvm(), tf->a0 + need, name, n) ?:
			      copy_to_user(uvm(), tf->a0 + need + n, "\n", 1);
		need += n + 1;
	}
	return err ? err : (long)need;
}

/* kite_procs(buf, n): up to n entries; returns how many there are. */
SYSCALL(kite_procs)
{
	/* an entry per thread and per zombie */
	size_t max = MIN((size_t)tf->a1, (size_t)MAX_THREADS + MAX_PROCESS);
	struct kite_procinfo *info = NULL;
	long n;

	if (max) {
		info = kzalloc(max * sizeof(*info));
		if (!info)
			return -ENOMEM;
	}
	n = proc_snapshot(info, max);
	if (max && copy_to_user(uvm(), tf->a0, info,
				MIN((size_t)n, max) * sizeof(*info)))
		n = -EFAULT;
	kfree(info);
	return n;
}

SYSCALL(kite_meminfo)
{
	struct pmm_stats st;
	struct kite_meminfo m = { 0 };

	struct kmalloc_stats ks;
	struct swap_stats sw;
	struct reclaim_stats rs;
	uint64_t cached;

	pmm_get_stats(&st);
	kmalloc_get_stats(&ks);
	/* frames the kernel keeps only for reuse count as free */
	cached = kstack_cached_frames() + ks.idle_slabs;
	m.total = st.total;
	m.free = st.free + cached;
	m.kernel = st.kernel - MIN(st.kernel, cached);
	m.user = st.user;
	m.shared = uframe_shared_count();
	m.pagetables = pt_user_table_pages();
	swap_get_stats(&sw);
	m.swap_total = sw.total;
	m.swap_used = sw.used;
	m.swap_outs = sw.outs;
	m.swap_ins = sw.ins;
	m.user_cap = pmm_user_cap();
	for (int h = 0; h < NCPU; h++)
		m.faults += __atomic_load_n(&cpus[h].faults, __ATOMIC_RELAXED);
	reclaim_get_stats(&rs);
	m.reclaim_scans = rs.scanned;
	m.reclaim_evicted = rs.evicted;
	return copy_to_user(uvm(), tf->a0, &m, sizeof(m));
}

/* kite_cpustat(buf, n, reset): up to n per-hart entries; returns NCPU.
 * reset (after the copy) clears the interrupts-off maxima. */
SYSCALL(kite_cpustat)
{
	struct kite_cpustat st[NCPU];
	size_t n = MIN((size_t)tf->a1, (size_t)NCPU);

	for (size_t h = 0; h < n; h++) {
		uintptr_t pc;
		const char *lock;
		uint64_t max = cpu_irqoff_max((int)h, &pc, &lock, false);

		st[h].hart = (uint32_t)h;
		st[h].online = READ_ONCE(cpus[h].online);
		st[h].ticks = __atomic_load_n(&cpus[h].ticks, __ATOMIC_RELAXED);
		st[h].late_ticks = __atomic_load_n(&cpus[h].late_ticks,
						   __ATOMIC_RELAXED);
		st[h].irqoff_max_ns = clock_counter_to_ns(max);
		st[h].irqoff_max_pc = pc;
		memset(st[h].irqoff_max_lock, 0, sizeof(st[h].irqoff_max_lock));
		if (lock)
			kstrlcpy(st[h].irqoff_max_lock, lock,
				 sizeof(st[h].irqoff_max_lock));
	}
	if (n && copy_to_user(uvm(), tf->a0, st, n * sizeof(st[0])))
		return -EFAULT;
	if (tf->a2)
		for (int h = 0; h < NCPU; h++)
			cpu_irqoff_max(h, NULL, NULL, true);
	return NCPU;
}

/* The name of a machine-wide setting from user address u (a scheduling
 * class, a replacement policy) into name, if the caller may change it:
 * only the console's user may (a process of the foreground group, or any
 * when there is none). 0, -EFAULT, -EINVAL (too long) or -EPERM. */
static long setting_name(uint64_t u, char name[16])
{
	long len = strncpy_from_user(uvm(), name, u, 16);
	int pgid;

	if (len < 0)
		return len == -ENAMETOOLONG ? -EINVAL : len;
	spin_lock(&proc_lock);
	pgid = current()->proc->pgid;
	spin_unlock(&proc_lock);
	return console_may_control(pgid) ? 0 : -EPERM;
}

/* kite_swap(policy, info): switch the page-replacement policy if policy
 * is not NULL (the console user's, as kite_sched), then fill info if
 * not NULL. */
SYSCALL(kite_swap)
{
	struct kite_swapinfo k = { 0 };
	struct swap_stats sw;
	struct reclaim_stats rs;
	char name[16];
	long err;

	if (tf->a0) {
		err = setting_name(tf->a0, name);
		if (err)
			return err;
		if (reclaim_set_policy(name))
			return -EINVAL;
		reclaimd_kick(); /* a policy that ages starts its walks */
	}
	if (!tf->a1)
		return 0;
	kstrlcpy(k.policy, reclaim_policy_name(), sizeof(k.policy));
	swap_get_stats(&sw);
	reclaim_get_stats(&rs);
	k.total = sw.total;
	k.used = sw.used;
	k.outs = sw.outs;
	k.ins = sw.ins;
	k.write_errors = sw.write_errors;
	k.read_errors = sw.read_errors;
	k.scanned = rs.scanned;
	k.evicted = rs.evicted;
	k.referenced = rs.referenced;
	k.busy = rs.busy;
	k.direct = rs.direct;
	k.aged = rs.aged;
	k.queued = rs.queued;
	reclaimd_watermarks(&k.low, &k.high);
	k.rounds = reclaimd_rounds();
	return copy_to_user(uvm(), tf->a1, &k, sizeof(k));
}

/* kite_usermem(bytes): cap the memory user pages may hold, as the boot
 * argument usermem= does (KITE_USERMEM_NONE: no cap); the console
 * user's, as kite_sched. Lowering it below what is in use makes the
 * reclaim thread swap the excess out. */
SYSCALL(kite_usermem)
{
	uint64_t bytes = tf->a0;
	int pgid;
	int err;

	spin_lock(&proc_lock);
	pgid = current()->proc->pgid;
	spin_unlock(&proc_lock);
	if (!console_may_control(pgid))
		return -EPERM;
	err = pmm_set_user_cap(bytes == KITE_USERMEM_NONE ? ~0UL
							: bytes / PAGE_SIZE);
	if (err)
		return err;
	reclaimd_cap_changed();
	return 0;
}

/* kite_swapsim(policy, refs, n, frames, out): run the reference string
 * through the named policy (NULL: the active one) on paper; see
 * mm/policy_sim.c. */
SYSCALL(kite_swapsim)
{
	const struct swap_policy *p;
	struct kite_swapsim k = { 0 };
	struct swap_sim_result r;
	size_t n = tf->a2;
	uint32_t *refs = NULL;
	char name[16];
	long err;

	if (tf->a0) {
		err = strncpy_from_user(uvm(), name, tf->a0, sizeof(name));
		if (err < 0)
			return err == -ENAMETOOLONG ? -EINVAL : err;
	}
	p = reclaim_policy_find(tf->a0 ? name : NULL);
	if (!p || n > KITE_SWAPSIM_MAXREFS || tf->a3 == 0 ||
	    tf->a3 > SWAP_SIM_FRAMES)
		return -EINVAL;
	if (n) {
		refs = kmalloc(n * sizeof(*refs));
		if (!refs)
			return -ENOMEM;
		err = copy_from_user(uvm(), refs, tf->a1, n * sizeof(*refs));
		if (err)
			goto out;
	}
	err = swap_simulate(p, refs, n, (unsigned)tf->a3, &r);
	if (err)
		goto out;
	k.faults = r.faults;
	k.evictions = r.evictions;
	k.chances = r.chances;
	err = copy_to_user(uvm(), tf->a4, &k, sizeof(k));
out:
	kfree(refs);
	return err;
}

/* kite_sched(set, buf, len): set the class if set is not NULL, then copy
 * the active class's name to buf. The class is the whole machine's: only
 * the console's user may switch it (-EPERM for others). */
SYSCALL(kite_sched)
{
	char name[16];
	const char *now;
	size_t n;
	long err;

	if (tf->a0) {
		err = setting_name(tf->a0, name);
		if (err)
			return err;
		if (sched_set_class(name))
			return -EINVAL;
	}
	now = sched_class_name();
	n = strlen(now) + 1;
	if (tf->a1 && (tf->a2 < n || copy_to_user(uvm(), tf->a1, now, n)))
		return tf->a2 < n ? -ERANGE : -EFAULT;
	return 0;
}
