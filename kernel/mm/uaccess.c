/*
 * uaccess.c - copying to and from user memory for system calls.
 *
 * User access goes through the page tables rather than through the user
 * mapping: each page is looked up (mapped? user? readable/writable?) and
 * copied through the kernel's direct map. A page that is not there yet,
 * or is read-only for now (copy-on-write), goes through vm_fault() like a
 * user fault would, so a read() into a buffer never touched just works;
 * a page no region allows is -EFAULT. The kernel itself never faults on
 * a user address, and sstatus.SUM is never needed.
 *
 * Lock: each call holds vs->lock (a mutex) across the copy, so the pages
 * cannot be unmapped and freed under it; interrupts stay on, so a long
 * copy stalls nobody.
 */
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/memlayout.h"
#include "mm/vmspace.h"
#include "uapi/errno.h"

/* The frame under user page va for an access (VM_READ, VM_WRITE, or
 * VM_WRITE | VM_FORCE for the loader), faulting it in if needed. */
static int user_page(struct vmspace *vs, vaddr_t va, unsigned access,
		     paddr_t *pa)
{
	unsigned prot, need = VM_USER | (access & (VM_READ | VM_WRITE));

	if (!(access & VM_FORCE) && pt_walk(vs->root, va, pa, &prot) &&
	    (prot & need) == need)
		return 0;
	if (vm_fault_locked(vs, va, access, pa) != VMF_OK)
		return -EFAULT;
	*pa = ALIGN_DOWN(*pa, PAGE_SIZE) + (va & PAGE_MASK);
	return 0;
}

/*
 * Walk [va, va+n) page by page: for each piece call fn(kernel address,
 * offset into the buffer, length). vs->lock held. 0 or -EFAULT (before
 * any piece is done only if the range itself is bad; a copy may be
 * partial otherwise).
 */
static int walk_user(struct vmspace *vs, vaddr_t va, size_t n, unsigned access,
		     void (*fn)(void *kva, size_t off, size_t len, void *arg),
		     void *arg)
{
	size_t done = 0;

	assert(mutex_holding(&vs->lock));
	if (va + n < va || va + n > USER_TOP)
		return -EFAULT;
	while (done < n) {
		vaddr_t cur = va + done;
		size_t len = MIN(n - done, PAGE_SIZE - (cur & PAGE_MASK));
		paddr_t pa;

		if (user_page(vs, cur, access, &pa))
			return -EFAULT;
		fn(P2V(pa), done, len, arg);
		done += len;
	}
	return 0;
}

static void piece_in(void *kva, size_t off, size_t len, void *dst)
{
	memcpy((char *)dst + off, kva, len);
}

static void piece_out(void *kva, size_t off, size_t len, void *src)
{
	memcpy(kva, (const char *)src + off, len);
}

static void piece_none(void *kva, size_t off, size_t len, void *arg)
{
	(void)kva, (void)off, (void)len, (void)arg;
}

/* walk_user under vs->lock. */
static int walk_locked(struct vmspace *vs, vaddr_t va, size_t n, unsigned access,
		       void (*fn)(void *, size_t, size_t, void *), void *arg)
{
	int err;

	mutex_lock(&vs->lock);
	err = walk_user(vs, va, n, access, fn, arg);
	mutex_unlock(&vs->lock);
	return err;
}

int access_ok(struct vmspace *vs, vaddr_t va, size_t n, bool write)
{
	return walk_locked(vs, va, n, write ? VM_WRITE : VM_READ, piece_none,
			   NULL);
}

int vmspace_write(struct vmspace *vs, vaddr_t va, const void *src, size_t n)
{
	return walk_locked(vs, va, n, VM_WRITE | VM_FORCE, piece_out, (void *)src);
}

int copy_from_user(struct vmspace *vs, void *dst, vaddr_t src, size_t n)
{
	return walk_locked(vs, src, n, VM_READ, piece_in, dst);
}

int copy_to_user(struct vmspace *vs, vaddr_t dst, const void *src, size_t n)
{
	return walk_locked(vs, dst, n, VM_WRITE, piece_out, (void *)src);
}

long strncpy_from_user(struct vmspace *vs, char *dst, vaddr_t src, size_t max)
{
	size_t i = 0;
	long ret = -ENAMETOOLONG;

	if (max == 0)
		return -ENAMETOOLONG;
	mutex_lock(&vs->lock);
	while (i < max) {
		vaddr_t cur = src + i;
		size_t len = MIN(max - i, PAGE_SIZE - (cur & PAGE_MASK));
		paddr_t pa;
		const char *k;

		if (cur < src || cur >= USER_TOP ||
		    user_page(vs, cur, VM_READ, &pa)) {
			ret = -EFAULT;
			break;
		}
		k = P2V(pa);
		for (size_t j = 0; j < len; j++, i++) {
			dst[i] = k[j];
			if (!k[j]) {
				ret = (long)i;
				goto out;
			}
		}
	}
out:
	mutex_unlock(&vs->lock);
	if (ret < 0)
		dst[0] = '\0';
	return ret;
}
