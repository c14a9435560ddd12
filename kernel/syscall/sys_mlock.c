/*
 * sys_mlock.c - Linux's memory-lock and residency calls: mlock, mlock2,
 * munlock, mlockall, munlockall, msync, mincore (the work and the rules
 * are in mm/vmlock.c), and the locking of new mappings that MAP_LOCKED
 * or mlockall(MCL_FUTURE) asks for (mmap and brk in sys_mm.c).
 */
#include "kernel/cpu.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"
#include "uapi/kite.h"

static struct vmspace *uvm(void)
{
	return current()->proc->vm;
}

long mm_lock_new(struct vmspace *vs, long start, size_t len, unsigned mflags)
{
	unsigned future = READ_ONCE(vs->lock_future);
	long err;

	if (start < 0 || !((mflags & MAP_LOCKED) || future))
		return start;
	err = vm_mlock(vs, (vaddr_t)start, len,
		       (!(mflags & MAP_LOCKED) && (future & MCL_ONFAULT))
			       ? MLOCK_ONFAULT : 0,
		       proc_rlimit(RLIMIT_MEMLOCK));
	if (err == -ENOMEM || err == -EPERM) { /* past RLIMIT_MEMLOCK */
		vm_munmap(vs, (vaddr_t)start, len);
		return -EAGAIN;
	}
	return start; /* pages that could not be made come on faults */
}

/* mlock(addr, len) */
SYSCALL(mlock)
{
	return vm_mlock(uvm(), tf->a0, tf->a1, 0, proc_rlimit(RLIMIT_MEMLOCK));
}

/* mlock2(addr, len, flags): MLOCK_ONFAULT */
SYSCALL(mlock2)
{
	return vm_mlock(uvm(), tf->a0, tf->a1, (unsigned)tf->a2,
			proc_rlimit(RLIMIT_MEMLOCK));
}

SYSCALL(munlock)
{
	return vm_munlock(uvm(), tf->a0, tf->a1);
}

/* mlockall(flags): MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT */
SYSCALL(mlockall)
{
	if (tf->a0 > UINT32_MAX)
		return -EINVAL;
	return vm_mlockall(uvm(), (unsigned)tf->a0, proc_rlimit(RLIMIT_MEMLOCK));
}

SYSCALL(munlockall)
{
	(void)tf;
	return vm_munlockall(uvm());
}

/* msync(addr, len, flags) */
SYSCALL(msync)
{
	if (tf->a2 > UINT32_MAX)
		return -EINVAL;
	return vm_msync(uvm(), tf->a0, tf->a1, (unsigned)tf->a2);
}

/* mincore(addr, len, vec) */
SYSCALL(mincore)
{
	return vm_mincore(uvm(), tf->a0, tf->a1, tf->a2);
}
