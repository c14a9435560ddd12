/*
 * uaccess.c - copying to and from user memory for system calls.
 *
 * User access goes through the page tables rather than through the user
 * mapping: each page is looked up (mapped? user? readable/writable?) and
 * copied through the kernel's direct map. Nothing faults, sstatus.SUM is
 * never needed, and a bad pointer is just -EFAULT.
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

/*
 * Walk [va, va+n) page by page: for each piece call fn(kernel address,
 * offset into the buffer, length). Every page must be mapped with all of
 * the `need` bits. vs->lock held. 0 or -EFAULT (before any piece is done
 * only if the range itself is bad; a copy may be partial otherwise).
 */
static int walk_user(struct vmspace *vs, vaddr_t va, size_t n, unsigned need,
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
		unsigned prot;

		if (!pt_walk(vs->root, cur, &pa, &prot) || (prot & need) != need)
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
static int walk_locked(struct vmspace *vs, vaddr_t va, size_t n, unsigned need,
		       void (*fn)(void *, size_t, size_t, void *), void *arg)
{
	int err;

	mutex_lock(&vs->lock);
	err = walk_user(vs, va, n, need, fn, arg);
	mutex_unlock(&vs->lock);
	return err;
}

int access_ok(struct vmspace *vs, vaddr_t va, size_t n, bool write)
{
	return walk_locked(vs, va, n, VM_USER | (write ? VM_WRITE : VM_READ),
			   piece_none, NULL);
}

int vmspace_write(struct vmspace *vs, vaddr_t va, const void *src, size_t n)
{
	return walk_locked(vs, va, n, VM_USER, piece_out, (void *)src);
}

int copy_from_user(struct vmspace *vs, void *dst, vaddr_t src, size_t n)
{
	return walk_locked(vs, src, n, VM_USER | VM_READ, piece_in, dst);
}

int copy_to_user(struct vmspace *vs, vaddr_t dst, const void *src, size_t n)
{
	return walk_locked(vs, dst, n, VM_USER | VM_WRITE, piece_out,
			   (void *)src);
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
		unsigned prot;
		const char *k;

		if (cur < src || cur >= USER_TOP ||
		    !pt_walk(vs->root, cur, &pa, &prot) ||
		    (prot & (VM_USER | VM_READ)) != (VM_USER | VM_READ)) {
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
