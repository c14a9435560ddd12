/*
 * mm/vmspace.h - user address spaces: a page table, its regions, and the
 * page-fault path that fills them.
 *
 * A vmspace is one process's view of user memory (the lower half of
 * Sv39): a page-table root whose upper half is the kernel's, and an
 * ordered list of regions (struct vmr). A region is a range of pages
 * with one protection, backed by a memory object (mm/vmo.h): an app
 * image (code, data), shared memory, or plain anonymous memory (heap,
 * stack, private mmap) whose pages live only in the page table. Nothing
 * is allocated when a region is made: vm_fault() commits each page on
 * first touch (zero-filled, copied from the image, or the shared
 * object's frame), and fork shares every private page read-only until
 * one side writes it (copy-on-write). docs/MEMORY.md has the diagrams.
 *
 * Layout of a process (addresses grow upwards):
 *
 *   USER_MIN   app segments (code, data)  heap (brk) ->
 *              ... free ...
 *              <- mmap regions (top-down from mmap_base)
 *              guard gap, then room for the stack to grow (RLIMIT_STACK)
 *   USER_STACK_TOP  <- stack (grows down on faults)
 *
 * Lifetime: a vmspace is reference-counted. Its process holds one
 * reference through proc->vm, which changes only under proc_lock (execve
 * swaps it, the last thread to exit clears it) and is dropped after the
 * change; a reader that holds proc_lock may therefore use p->vm without a
 * reference of its own, and one that must let proc_lock go takes one
 * (vmspace_get). The space is destroyed when the last reference goes,
 * which is never while a hart has it installed.
 *
 * Locks: vs->lock, a sleeping lock (mutex), guards the regions, the page
 * table's user half, the break and the counts; faults and user copies
 * hold it, so pages cannot go away under a copy, and its holder may
 * allocate, zero and copy pages with interrupts on. pages[] and vsz may
 * be read without it, one word at a time (ps). vs->active (atomic) says
 * on which harts the space is installed: TLB shootdowns go there, always
 * before a frame that was mapped is freed. Order: proc_lock is never held
 * when vs->lock is taken; vs->lock -> vmo->lock -> buddy.
 */
#ifndef KITE_MM_VMSPACE_H
#define KITE_MM_VMSPACE_H

#include "kernel/mutex.h"
#include "kernel/types.h"
#include "lib/list.h"
#include "mm/memlayout.h"
#include "mm/pagetable.h"

struct vmo;
struct kite_region;

#define USER_STACK_TOP (USER_TOP - PAGE_SIZE) /* a guard page above */
#define STACK_INIT_SIZE (128 * 1024) /* the stack region exec makes */
/* nothing else comes this close below the lowest a stack may grow */
#define STACK_GUARD_GAP (256 * PAGE_SIZE)
#define MMAP_MIN_GAP (128UL << 20) /* room kept for the stack below its top */
#define VM_MAX_REGIONS 65530       /* Linux's default vm.max_map_count */
#define RLIM_INF (~0UL)            /* no limit (RLIM_INFINITY) */

/* Kinds, for accounting (the KITE_VM_* values of uapi/kite.h). */
enum vmr_kind {
	VMR_CODE, VMR_DATA, VMR_HEAP, VMR_STACK, VMR_ANON, VMR_SHARED,
	VMR_NKINDS
};

#define VMR_F_SHARED 0x1     /* pages shared with children (obj VMO_SHARED) */
#define VMR_F_GROWSDOWN 0x2  /* grows down when a fault lands below it */
#define VMR_F_DONTFORK 0x4   /* children do not get it (MADV_DONTFORK) */
#define VMR_F_WIPEONFORK 0x8 /* children get it empty (MADV_WIPEONFORK) */
#define VMR_F_LOCKED 0x10    /* mlock: its pages stay in memory (a
			      * reclaimer takes them off its list) */

struct vmr {
	struct list_node link; /* [vs lock] in vs->regions, by start */
	vaddr_t start, end;    /* [vs lock] page-aligned, end exclusive */
	unsigned prot;         /* [vs lock] VM_READ/WRITE/EXEC */
	unsigned flags;        /* [vs lock] VMR_F_* */
	enum vmr_kind kind;    /* [vs lock] */
	struct vmo *obj;       /* [vs lock] backing object, NULL: anonymous */
	uint64_t pgoff;        /* [vs lock] obj's page at start */
	struct vmspace *vs;    /* [const] the space it belongs to */
	struct list_node obj_link; /* [obj's lock] in a shared obj's list of
				    * regions (vmo_attach) */
};

struct vmspace {
	struct mutex lock;
	uint32_t refs;                 /* [atomic] references */
	uint32_t users;                /* [atomic] processes running in it
					* (CLONE_VM without CLONE_THREAD
					* shares it); the last one to let go
					* empties it */
	uint64_t active;               /* [atomic] bit h: installed on hart h */
	pte_t *root;                   /* [const] page-table root */
	struct list_node regions;      /* [lock] struct vmr, ordered */
	struct vmr *hint;              /* [lock] the region last found */
	uint32_t nregions;             /* [lock] */
	vaddr_t heap_start;            /* [lock] where the heap begins */
	vaddr_t brk;                   /* [lock] byte-exact program break */
	vaddr_t heap_limit;            /* [lock] brk may not pass it */
	vaddr_t mmap_base;             /* [lock] mmap searches down from here */
	uint64_t pages[VMR_NKINDS];    /* [lock; word reads without] resident */
	uint64_t swapped;              /* [lock; word reads without] pages
					* whose entries hold swap slots */
	uint64_t swap_ins, swap_outs;  /* [atomic] its pages read back,
					* written out */
	struct vm_family *family;      /* [const] spaces its frames may be
					* mapped in too (mm/reclaim.h) */
	struct list_node family_link;  /* [family lock] */
	struct list_node all_link;     /* [vmspace.c's spaces lock] every
					* space, for the aging walks */
	uint64_t reclaim_scans;        /* [atomic] frames its faults looked
					* at to reclaim (direct reclaim) */
	uint64_t vsz;                  /* [lock; word reads without] bytes */
	unsigned lock_future;          /* [lock; word reads without]
					* mlockall's MCL_FUTURE (with
					* MCL_ONFAULT): new mappings are
					* locked */
};

/* ---- life cycle (vmspace.c) ------------------------------------------- */

/* An empty address space with one reference, or NULL (out of memory). */
struct vmspace *vmspace_create(void);
/* Take / drop a reference; the last put frees every user frame, the
 * regions, the page tables and vs itself (it may sleep: thread context,
 * no spinlock held). */
void vmspace_get(struct vmspace *vs);
void vmspace_put(struct vmspace *vs);
/* An owner (an exiting process, or exec replacing the image) lets go:
 * if it was the last process running in vs, empty vs now - its frames
 * and swap slots are free when this returns, even if a reclaimer or a
 * reader still holds a reference - then drop the owner's reference. */
void vmspace_release(struct vmspace *vs);
/* One more process runs in vs (clone with CLONE_VM, not a thread): a
 * reference and a user, which vmspace_release gives back. */
void vmspace_share(struct vmspace *vs);
/* A reference unless the space is already going (refs 0): the
 * reclaimer, which finds spaces through their family. */
bool vmspace_tryget(struct vmspace *vs);
/* Call fn(vs, arg) for every address space in turn, holding a
 * reference to it and no lock (fn may sleep). */
void vmspace_for_each(void (*fn)(struct vmspace *vs, void *arg), void *arg);
/* Install vs (NULL: the kernel's page table) on this hart and keep the
 * active masks right. Interrupts off. */
void vmspace_switch(struct vmspace *vs);
/* A copy-on-write copy of parent (fork), with one reference, or NULL
 * when memory is short. No page is copied: private pages become
 * read-only in both spaces and shared ones stay shared. */
struct vmspace *vmspace_fork(struct vmspace *parent);

/* ---- building an image (exec) ------------------------------------------ */

/* Map [start, end) as a region backed by an app image: page i of the
 * region holds base[i * PAGE_SIZE + x] for x in [lo, hi) of the region's
 * bytes, zero elsewhere. -EINVAL, -EEXIST (overlap) or -ENOMEM. */
int vmspace_map_image(struct vmspace *vs, vaddr_t start, vaddr_t end,
		      unsigned prot, enum vmr_kind kind, const uint8_t *base,
		      uint64_t lo, uint64_t hi);
/* Set up the heap after the program (at start, page-aligned) and the
 * stack region under USER_STACK_TOP, with stack_limit (RLIMIT_STACK)
 * deciding where mmap begins and how far the heap may grow. */
int vmspace_init_layout(struct vmspace *vs, vaddr_t heap_start,
			uint64_t stack_limit);
/* The same without the stack region (a space built by hand through
 * capabilities, cap/cap_group.c): heap at heap_start (page-aligned; 0:
 * none yet), mmap below the stack's room. vs->lock held. */
void vmspace_set_layout(struct vmspace *vs, vaddr_t heap_start,
			uint64_t stack_limit);
/* Copy kernel memory into vs at va, whatever the protection (for the
 * loader; pages are faulted in). 0, -EFAULT or -ENOMEM. */
int vmspace_write(struct vmspace *vs, vaddr_t va, const void *src, size_t n);

/* ---- system calls (vmmap.c): Linux semantics, -errno on failure ------- */

/* brk: the new break, or the current one when addr is 0, out of range,
 * past as_limit bytes of address space, or would meet another region. */
vaddr_t vmspace_brk(struct vmspace *vs, vaddr_t addr, uint64_t as_limit);
/* mmap of anonymous memory: flags are MAP_* (already checked by the
 * caller), prot PROT_*. The address, or -errno. */
long vm_mmap(struct vmspace *vs, vaddr_t addr, size_t len, unsigned prot,
	     unsigned flags, uint64_t as_limit);
long vm_munmap(struct vmspace *vs, vaddr_t addr, size_t len);
long vm_mprotect(struct vmspace *vs, vaddr_t addr, size_t len, unsigned prot);
long vm_madvise(struct vmspace *vs, vaddr_t addr, size_t len, int advice);
/* Memory locks and residency (vmlock.c): Linux's mlock2 (flags
 * MLOCK_ONFAULT), munlock, mlockall, munlockall, msync and mincore (the
 * vector written to the user at uvec); limit is RLIMIT_MEMLOCK. */
long vm_mlock(struct vmspace *vs, vaddr_t addr, size_t len, unsigned flags,
	      uint64_t limit);
long vm_munlock(struct vmspace *vs, vaddr_t addr, size_t len);
long vm_mlockall(struct vmspace *vs, unsigned flags, uint64_t limit);
long vm_munlockall(struct vmspace *vs);
long vm_msync(struct vmspace *vs, vaddr_t addr, size_t len, unsigned flags);
long vm_mincore(struct vmspace *vs, vaddr_t addr, size_t len, uint64_t uvec);
long vm_mremap(struct vmspace *vs, vaddr_t old, size_t old_len,
	       size_t new_len, unsigned flags, vaddr_t new_addr,
	       uint64_t as_limit);

/* ---- accounting ------------------------------------------------------- */

/* Resident pages by kind and page-table pages (for ps): racy reads,
 * each word whole; the caller keeps vs alive (proc_lock or a reference). */
void vmspace_pages(struct vmspace *vs, uint64_t out[VMR_NKINDS],
		   uint64_t *tables);
/* Resident pages in all (racy). */
uint64_t vmspace_rss(struct vmspace *vs);
/* Bytes of address space that vs's regions cover. */
uint64_t vmspace_size(struct vmspace *vs);
/* Fill out[0..n) with vs's regions, lowest first, skipping the first
 * skip; returns how many regions there are in all. */
long vmspace_regions(struct vmspace *vs, size_t skip, struct kite_region *out,
		     size_t n);

/* ---- page faults (fault.c) --------------------------------------------- */

/* Access kinds: VM_READ, VM_WRITE, VM_EXEC, and for the loader: */
#define VM_FORCE 0x100 /* ignore the region's protection (kernel writes) */

/* Why a fault could not be served. */
enum vm_fault_err {
	VMF_OK = 0,
	VMF_NOMAP,       /* no region there */
	VMF_ACCESS,      /* the region does not allow the access */
	VMF_STACK_LIMIT, /* a stack would grow past RLIMIT_STACK */
	VMF_STACK_GAP,   /* a stack would grow into the region below */
	VMF_OOM,         /* no memory (the caller was chosen to die) */
	VMF_IO,          /* the page could not be read back from swap */
};

/* Serve a fault at va for access in vs (vs->lock held): afterwards the
 * page is mapped and allows the access. *pa (if not NULL) gets the
 * frame's address. VMF_OK or why not. May sleep. */
int vm_fault_locked(struct vmspace *vs, vaddr_t va, unsigned access,
		    paddr_t *pa);
/* The same, taking vs->lock; while it waits for others to make room
 * the lock is let go (they may need it to evict frames it maps too), so
 * the regions may change meanwhile. */
int vm_fault(struct vmspace *vs, vaddr_t va, unsigned access);
/* A page fault in user mode by the current process at va (pc, sp the
 * user's registers): serve it, or send the thread SIGSEGV (SEGV_MAPERR
 * or SEGV_ACCERR) or SIGBUS, which its handler may catch; without one
 * the process ends with a message that names the reason (SIGKILL for
 * OOM). */
void vm_user_fault(vaddr_t va, unsigned access, vaddr_t pc, vaddr_t sp);
/* Words for a vm_fault_err of an access, for messages (buf may be
 * used). */
const char *vm_fault_reason(int err, unsigned access, char *buf, size_t len);

/* ---- region list helpers shared by vmspace.c, vmmap.c, fault.c -------- */

/* The region containing va, or NULL. vs->lock held. */
struct vmr *vmr_find(struct vmspace *vs, vaddr_t va);
/* First region ending after va, or NULL. vs->lock held. */
struct vmr *vmr_after(struct vmspace *vs, vaddr_t va);
/* A new region [start, end) (page-aligned, free) with no pages yet; it
 * takes obj's reference (and joins a shared obj's regions). *out (if not
 * NULL) gets it. -EINVAL, -EEXIST, -ENOMEM. vs->lock held. */
int vmr_insert(struct vmspace *vs, vaddr_t start, vaddr_t end, unsigned prot,
	       enum vmr_kind kind, unsigned flags, struct vmo *obj,
	       struct vmr **out);
/* The region before r, or NULL. */
struct vmr *vmr_prev(struct vmspace *vs, struct vmr *r);
/* Unmap the pages of [start, end) inside r (frames freed after the
 * shootdown) and take them off r's kind's count. vs->lock held. */
void vmr_unmap_pages(struct vmspace *vs, struct vmr *r, vaddr_t start,
		     vaddr_t end);
/* Flush [va, va+size) of vs from every hart that has it installed. */
void vmspace_shootdown(struct vmspace *vs, vaddr_t va, size_t size);

/* ---- user access for system calls (uaccess.c) ------------------------- */

/* Copies through the page tables and the direct map: every page must be
 * in a region that allows the access (pages not yet there are faulted
 * in); addresses must not wrap or leave the user half. 0 or -EFAULT.
 * They take vs->lock: no spinlock may be held. */
int copy_from_user(struct vmspace *vs, void *dst, vaddr_t src, size_t n);
int copy_to_user(struct vmspace *vs, vaddr_t dst, const void *src, size_t n);
/* 0 if [va, va+n) could be copied to (write) or from now, else -EFAULT
 * (the pages are faulted in). */
int access_ok(struct vmspace *vs, vaddr_t va, size_t n, bool write);
/* Copy a NUL-terminated string of at most max-1 characters; returns its
 * length, -EFAULT, or -ENAMETOOLONG if no NUL came within max bytes. */
long strncpy_from_user(struct vmspace *vs, char *dst, vaddr_t src, size_t max);

#endif
