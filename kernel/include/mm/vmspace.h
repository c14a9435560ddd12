/*
 * mm/vmspace.h - user address spaces: a page table and its regions.
 *
 * A vmspace is one process's view of user memory (the lower half of Sv39):
 * a page-table root whose upper half is the kernel's, and an ordered list
 * of regions (code, data, heap, stack), each with its permissions. For now
 * every page of a region is allocated and mapped when the region is made
 * (fork copies eagerly; copy-on-write and demand paging come with the
 * virtual-memory issue).
 *
 * Lock: vs->lock guards the region list, the break and the page counts,
 * and is held while user memory is copied in or out, so pages cannot go
 * away under a copy. It nests inside nothing but the buddy lock.
 */
#ifndef KITE_MM_VMSPACE_H
#define KITE_MM_VMSPACE_H

#include "kernel/spinlock.h"
#include "kernel/types.h"
#include "lib/list.h"
#include "mm/pagetable.h"

#define USER_TOP 0x4000000000UL    /* end of the lower half */
#define USER_STACK_TOP (USER_TOP - PAGE_SIZE_VM) /* a guard page above */
#define USER_STACK_SIZE (64 * 1024)
#define PAGE_SIZE_VM 4096UL

enum vmr_kind { VMR_CODE, VMR_DATA, VMR_HEAP, VMR_STACK, VMR_NKINDS };

struct vmr {
	struct list_node link; /* [vs lock] in vs->regions, by start */
	vaddr_t start, end;    /* [vs lock] page-aligned, end exclusive */
	unsigned prot;         /* [vs lock] VM_READ/WRITE/EXEC | VM_USER */
	enum vmr_kind kind;    /* [const] */
};

struct vmspace {
	struct spinlock lock;
	pte_t *root;                   /* [const] page-table root */
	struct list_node regions;      /* [lock] struct vmr, ordered */
	vaddr_t heap_start;            /* [lock] where the heap begins */
	vaddr_t brk;                   /* [lock] byte-exact program break */
	uint64_t pages[VMR_NKINDS];    /* [lock] mapped pages by kind */
};

/* An empty address space, or NULL when out of memory. */
struct vmspace *vmspace_create(void);
/* Free every user frame, the regions, the page tables and vs itself.
 * vs must not be the page table a hart is using. */
void vmspace_destroy(struct vmspace *vs);
/* Map [start, end) (page-aligned) with fresh zeroed frames as a region.
 * -EINVAL (bad range), -EEXIST (overlap) or -ENOMEM; nothing is left
 * half done. */
int vmspace_map(struct vmspace *vs, vaddr_t start, vaddr_t end, unsigned prot,
		enum vmr_kind kind);
/* Start an empty heap at start (page-aligned, after the program). */
int vmspace_init_heap(struct vmspace *vs, vaddr_t start);
/* Copy kernel memory into user pages of vs, ignoring their protection
 * (for the loader). -EFAULT if a page is not mapped. */
int vmspace_write(struct vmspace *vs, vaddr_t va, const void *src, size_t n);
/* A copy of parent's regions and every page (fork). NULL on -ENOMEM. */
struct vmspace *vmspace_fork(struct vmspace *parent);
/* Set the break (Linux brk semantics): returns the new break, or the
 * current one if addr is 0, out of range or memory runs out. Pages
 * that come back after a shrink are zeroed. */
vaddr_t vmspace_brk(struct vmspace *vs, vaddr_t addr);
/* Pages mapped, by kind (for ps). */
void vmspace_pages(struct vmspace *vs, uint64_t out[VMR_NKINDS]);

/* User access for system calls, through the page tables: every page must
 * be mapped, user, and readable (from) or writable (to); addresses must
 * not wrap or leave the user half. 0 or -EFAULT; nothing can fault. */
int copy_from_user(struct vmspace *vs, void *dst, vaddr_t src, size_t n);
int copy_to_user(struct vmspace *vs, vaddr_t dst, const void *src, size_t n);
/* 0 if [va, va+n) could be copied to (write) or from now, else -EFAULT. */
int access_ok(struct vmspace *vs, vaddr_t va, size_t n, bool write);
/* Copy a NUL-terminated string of at most max-1 characters; returns its
 * length, -EFAULT, or -ENAMETOOLONG if no NUL came within max bytes. */
long strncpy_from_user(struct vmspace *vs, char *dst, vaddr_t src, size_t max);

#endif
