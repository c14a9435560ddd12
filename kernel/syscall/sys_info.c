/*
 * sys_info.c - who the process is and what the machine has: getuid,
 * geteuid, getgid, getegid, getresuid, getresgid and sysinfo
 * (docs/LINUX.md).
 *
 * Kite has one user: every process runs as root, uid and gid 0 (real,
 * effective and saved), and no call changes that. sysinfo reports
 * memory in bytes (mem_unit 1, as a 64-bit Linux does): RAM the frame
 * allocator manages, free frames (with those the kernel keeps only for
 * reuse), frames shared between address spaces, the swap area; procs
 * counts threads, as Linux's does; Kite keeps no load average (0).
 * Nothing here takes a lock beyond what the counters' owners take.
 */
#include "kernel/clock.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/kvm.h"
#include "mm/pmm.h"
#include "mm/swap.h"
#include "mm/vmo.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"
#include "uapi/linux.h"

#define ROOT_ID 0u

static struct vmspace *uvm(void)
{
	return current()->proc->vm;
}

SYSCALL(getuid)
{
	return ROOT_ID;
}

SYSCALL(geteuid)
{
	return ROOT_ID;
}

SYSCALL(getgid)
{
	return ROOT_ID;
}

SYSCALL(getegid)
{
	return ROOT_ID;
}

/* getresuid(ruid, euid, suid) and getresgid: three 32-bit ids, each
 * written in turn (-EFAULT at the first that cannot be). */
static long put_three_ids(struct trapframe *tf)
{
	uint32_t id = ROOT_ID;

	if (copy_to_user(uvm(), tf->a0, &id, sizeof(id)) ||
	    copy_to_user(uvm(), tf->a1, &id, sizeof(id)) ||
	    copy_to_user(uvm(), tf->a2, &id, sizeof(id)))
		return -EFAULT;
	return 0;
}

SYSCALL(getresuid)
{
	return put_three_ids(tf);
}

SYSCALL(getresgid)
{
	return put_three_ids(tf);
}

/* sysinfo(info) */
SYSCALL(sysinfo)
{
	struct kite_sysinfo si;
	struct pmm_stats st;
	struct kmalloc_stats ks;
	struct swap_stats sw;
	uint64_t up = clock_monotonic_ns();

	memset(&si, 0, sizeof(si));
	pmm_get_stats(&st);
	kmalloc_get_stats(&ks);
	swap_get_stats(&sw);
	si.uptime = (int64_t)(up / NSEC_PER_SEC + (up % NSEC_PER_SEC != 0));
	si.totalram = st.total * PAGE_SIZE;
	si.freeram = MIN(st.free + kstack_cached_frames() + ks.idle_slabs,
			 st.total) * PAGE_SIZE;
	si.sharedram = uframe_shared_count() * PAGE_SIZE;
	si.totalswap = sw.total * PAGE_SIZE;
	si.freeswap = (sw.total - MIN(sw.used, sw.total)) * PAGE_SIZE;
	si.procs = (uint16_t)MIN(thread_count(), UINT16_MAX);
	si.mem_unit = 1;
	return copy_to_user(uvm(), tf->a0, &si, sizeof(si));
}
