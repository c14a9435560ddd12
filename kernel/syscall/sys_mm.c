/*
 * sys_mm.c - memory system calls: brk, mmap, munmap, mprotect, madvise,
 * mremap (Linux's numbers, arguments and errors; the work is in mm/),
 * and kite_maps, the region list behind pmap.
 *
 * The checks here are the ones Linux makes before it looks at the
 * address space, in Linux's order, so that a bad call gets the same
 * error as on Linux: the offset, then the file descriptor (Kite has no
 * files that can be mapped: an open descriptor - the console, a pipe -
 * gives -ENODEV as a terminal or a pipe does, a closed one -EBADF),
 * then the length and the flags.
 */
#include "file/file.h"
#include "kernel/cpu.h"
#include "mm/kmalloc.h"
#include "mm/vmmap.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"
#include "uapi/kite.h"

/* The flags every kernel knows, which MAP_SHARED_VALIDATE accepts for a
 * file (Linux's LEGACY_MAP_MASK); anything else is -EOPNOTSUPP there. */
#define MAP_UNINITIALIZED 0x4000000
#define MAP_HUGE_MASK (0x3fUL << 26)
#define LEGACY_MAP_MASK                                                   \
	(MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | \
	 MAP_EXECUTABLE | MAP_UNINITIALIZED | MAP_GROWSDOWN | MAP_LOCKED |     \
	 MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK |             \
	 MAP_HUGETLB | MAP_HUGE_MASK)
#define MAPS_CHUNK 32 /* regions copied out at a time */

static struct vmspace *uvm(void)
{
	return current()->proc->vm;
}

SYSCALL(brk)
{
	struct vmspace *vs = uvm();
	vaddr_t old = READ_ONCE(vs->lock_future) ? vmspace_brk(vs, 0, 0) : 0;
	vaddr_t now = vmspace_brk(vs, tf->a0, proc_rlimit(RLIMIT_AS));

	if (old && now > old) /* mlockall(MCL_FUTURE): the new heap too */
		mm_lock_new(vs, old, now - old, 0);
	return (long)now;
}

/* mmap(addr, len, prot, flags, fd, offset) */
SYSCALL(mmap)
{
	vaddr_t addr = tf->a0;
	size_t len = tf->a1;
	unsigned prot = (unsigned)tf->a2, flags = (unsigned)tf->a3;
	struct file *f;
	uint64_t off = tf->a5;
	unsigned type = flags & MAP_TYPE;

	if (off & PAGE_MASK)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		f = fd_get((int32_t)tf->a4);
		if (!f)
			return -EBADF;
		file_put(f);
		if (type == MAP_SHARED_VALIDATE && (flags & ~LEGACY_MAP_MASK))
			return -EOPNOTSUPP;
		return -ENODEV; /* a terminal or a pipe cannot be mapped */
	}
	if (len == 0)
		return -EINVAL;
	if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && (addr & PAGE_MASK))
		return -EINVAL;
	if (ALIGN_UP(len, PAGE_SIZE) == 0 || len > USER_TOP)
		return -ENOMEM;
	if (type != MAP_PRIVATE && type != MAP_SHARED)
		return -EINVAL; /* anonymous MAP_SHARED_VALIDATE too, as Linux */
	if (type == MAP_SHARED && (flags & MAP_GROWSDOWN))
		return -EINVAL;
	if (flags & MAP_HUGETLB)
		return -ENOMEM; /* no huge pages reserved */
	return mm_lock_new(uvm(), vm_mmap(uvm(), addr, len, prot, flags,
					  proc_rlimit(RLIMIT_AS)),
			   len, flags);
}

SYSCALL(munmap)
{
	return vm_munmap(uvm(), tf->a0, tf->a1);
}

SYSCALL(mprotect)
{
	return vm_mprotect(uvm(), tf->a0, tf->a1, (unsigned)tf->a2);
}

SYSCALL(madvise)
{
	return vm_madvise(uvm(), tf->a0, tf->a1, (int)tf->a2);
}

/* mremap(old, old_len, new_len, flags, new_addr) */
SYSCALL(mremap)
{
	return vm_mremap(uvm(), tf->a0, tf->a1, tf->a2, (unsigned)tf->a3,
			 tf->a4, proc_rlimit(RLIMIT_AS));
}

/* The address space of pid (0: the caller's) with a reference, NULL if
 * it has none (a zombie), or an error in *err. */
static struct vmspace *vm_of(int pid, long *err)
{
	struct vmspace *vs = NULL;
	struct proc *p;

	*err = 0;
	spin_lock(&proc_lock);
	p = pid ? proc_lookup_locked(pid) : current()->proc;
	if (!p || pid < 0)
		*err = -ESRCH;
	else if (p->vm) {
		vs = p->vm; /* alive while proc_lock is held */
		vmspace_get(vs);
	}
	spin_unlock(&proc_lock);
	return vs;
}

/* kite_maps(pid, buf, n): up to n struct kite_region; returns how many
 * regions there are. Filled a chunk at a time, so a space that changes
 * meanwhile may give a list that mixes before and after. */
SYSCALL(kite_maps)
{
	size_t n = tf->a2, done = 0;
	struct kite_region *k;
	struct vmspace *vs;
	long total = 0, err;

	if ((long)n < 0)
		return -EINVAL;
	vs = vm_of((int)tf->a0, &err);
	if (!vs)
		return err;
	k = kmalloc(MAPS_CHUNK * sizeof(*k));
	if (!k) {
		vmspace_put(vs);
		return -ENOMEM;
	}
	do {
		size_t want = MIN(n - done, (size_t)MAPS_CHUNK);

		total = vmspace_regions(vs, done, k, want);
		want = MIN(want, (size_t)MAX(total - (long)done, 0L));
		if (want && copy_to_user(uvm(), tf->a1 + done * sizeof(*k), k,
					 want * sizeof(*k))) {
			total = -EFAULT;
			break;
		}
		done += want;
	} while (done < n && (long)done < total);
	kfree(k);
	vmspace_put(vs);
	return total;
}
