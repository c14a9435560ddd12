/*
 * mm/vmspace.h - user address spaces: a page table and its regions.
 *
 * A vmspace is one process's view of user memory (the lower half of Sv39):
 * a page-table root whose upper half is the kernel's, and an ordered list
 * of regions (code, data, heap, stack), each with its permissions. For now
 * every page of a region is allocated and mapped when the region is made
 * (fork copies eagerly; copy-on-write and demand paging come with the
 * virtual-memory work).
 *
 * Lifetime: a vmspace is reference-counted. Its process holds one
 * reference through proc->vm, which changes only under proc_lock (execve
 * swaps it, the last thread to exit clears it) and is dropped after the
 * change; a reader that holds proc_lock may therefore use p->vm without a
 * reference of its own, and one that must let proc_lock go takes one
 * (vmspace_get). The space is destroyed when the last reference goes,
 * which is never while a hart has it installed: a thread switches its
 * hart away from a space before it drops its process's reference.
 *
 * Locks: vs->lock, a sleeping lock (mutex), guards the region list, the
 * break and page counts, and is held while user memory is copied in or
 * out, so pages cannot go away under a copy; its holder may allocate,
 * zero and copy many pages with interrupts on. pages[] may also be read
 * without it, one word at a time (ps). vs->active (atomic) says on which
 * harts the space is installed: TLB shootdowns go there, and always
 * before a frame that was mapped is freed. Order: proc_lock is never
 * held when vs->lock is taken; vs->lock -> buddy.
 */
#ifndef KITE_MM_VMSPACE_H
#define KITE_MM_VMSPACE_H

#include "kernel/mutex.h"
#include "kernel/types.h"
#include "lib/list.h"
#include "mm/memlayout.h"
#include "mm/pagetable.h"

#define USER_STACK_TOP (USER_TOP - PAGE_SIZE) /* a guard page above */
#define USER_STACK_SIZE (64 * 1024)
/* brk stays this far below the lowest the stack may grow to */
#define STACK_GUARD_GAP (256 * PAGE_SIZE)
#define RLIM_INF (~0UL) /* no limit (RLIM_INFINITY) */

enum vmr_kind { VMR_CODE, VMR_DATA, VMR_HEAP, VMR_STACK, VMR_NKINDS };

struct vmr {
	struct list_node link; /* [vs lock] in vs->regions, by start */
	vaddr_t start, end;    /* [vs lock] page-aligned, end exclusive */
	unsigned prot;         /* [vs lock] VM_READ/WRITE/EXEC | VM_USER */
	enum vmr_kind kind;    /* [const] */
};

struct vmspace {
	struct mutex lock;
	uint32_t refs;                 /* [atomic] references */
	uint64_t active;               /* [atomic] bit h: installed on hart h */
	pte_t *root;                   /* [const] page-table root */
	struct list_node regions;      /* [lock] struct vmr, ordered */
	vaddr_t heap_start;            /* [lock] where the heap begins */
	vaddr_t brk;                   /* [lock] byte-exact program break */
	vaddr_t heap_limit;            /* [lock] brk may not pass it */
	uint64_t pages[VMR_NKINDS];    /* [lock; single-word reads without] */
};

/* An empty address space with one reference, or NULL (out of memory). */
struct vmspace *vmspace_create(void);
/* Take / drop a reference; the last put frees every user frame, the
 * regions, the page tables and vs itself (it may sleep: thread context,
 * no spinlock held). */
void vmspace_get(struct vmspace *vs);
void vmspace_put(struct vmspace *vs);
/* Install vs (NULL: the kernel's page table) on this hart and keep the
 * active masks right. Interrupts off. */
void vmspace_switch(struct vmspace *vs);
/* Map [start, end) (page-aligned) with fresh zeroed frames as a region.
 * -EINVAL (bad range), -EEXIST (overlap) or -ENOMEM; nothing is left
 * half done. */
int vmspace_map(struct vmspace *vs, vaddr_t start, vaddr_t end, unsigned prot,
		enum vmr_kind kind);
/* Start an empty heap at start (page-aligned, after the program); it may
 * grow up to STACK_GUARD_GAP below the lowest address the stack may
 * reach, stack_reserve bytes below its top. */
int vmspace_init_heap(struct vmspace *vs, vaddr_t start, uint64_t stack_reserve);
/* Copy kernel memory into user pages of vs, ignoring their protection
 * (for the loader). -EFAULT if a page is not mapped. */
int vmspace_write(struct vmspace *vs, vaddr_t va, const void *src, size_t n);
/* A copy of parent's regions and every page (fork), with one reference.
 * NULL on -ENOMEM, at once if free memory cannot hold the copy. */
struct vmspace *vmspace_fork(struct vmspace *parent);
/* Set the break (Linux brk semantics): returns the new break, or the
 * current one if addr is 0, out of range, past as_limit bytes of
 * address space, or memory runs out (found before any page is taken if
 * free memory is short). Pages that come back after a shrink are zeroed. */
vaddr_t vmspace_brk(struct vmspace *vs, vaddr_t addr, uint64_t as_limit);
/* Pages mapped, by kind, and page-table pages (for ps): racy reads,
 * each word whole; the caller keeps vs alive (proc_lock or a reference). */
void vmspace_pages(struct vmspace *vs, uint64_t out[VMR_NKINDS],
		   uint64_t *tables);
/* Bytes of address space that vs maps. */
uint64_t vmspace_size(struct vmspace *vs);

/* User access for system calls, through the page tables (uaccess.c):
 * every page must be mapped, user, and readable (from) or writable (to);
 * addresses must not wrap or leave the user half. 0 or -EFAULT; nothing
 * can fault. They take vs->lock: no spinlock may be held. */
int copy_from_user(struct vmspace *vs, void *dst, vaddr_t src, size_t n);
int copy_to_user(struct vmspace *vs, vaddr_t dst, const void *src, size_t n);
/* 0 if [va, va+n) could be copied to (write) or from now, else -EFAULT. */
int access_ok(struct vmspace *vs, vaddr_t va, size_t n, bool write);
/* Copy a NUL-terminated string of at most max-1 characters; returns its
 * length, -EFAULT, or -ENAMETOOLONG if no NUL came within max bytes. */
long strncpy_from_user(struct vmspace *vs, char *dst, vaddr_t src, size_t max);

#endif
