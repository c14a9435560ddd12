/*
 * pmo.c - physical memory objects (ChCore's PMOs): creating them,
 * reading and writing their bytes, mapping them into a vmspace, and the
 * read-only PMO of an embedded app's ELF image (see cap/cap.h).
 *
 * A PMO is a memory object of mm/vmo.h with a type:
 *
 *   type     object       pages                         a mapping is
 *   DATA     frame table  all made (zeroed) at creation private: copy on
 *   ANON     frame table  made when first written       write (MAP_PRIVATE)
 *   SHARED   frame table  made when first written       shared (MAP_SHARED)
 *   app ELF  image        the app's bytes in the kernel private, read-only
 *                         image (pmo_app; nothing      capability
 *                         copied), type DATA
 *
 * A private mapping sees the object's page until it writes it, then a
 * copy of its own (mm/fault.c): the PMO is like a file mapped
 * MAP_PRIVATE, so one PMO of an app's data can be mapped into many
 * processes, each with its own copy of what it writes. A shared mapping
 * maps the object's frames writable: every mapper and pmo_read see each
 * other's stores. A region over a PMO is a region like any other: it
 * shows in pmap (kind code or data by its protection, shared for a
 * SHARED PMO), faults fill it, fork copies it (copy-on-write or shared),
 * munmap, mprotect and madvise work on it, its frames may go to swap.
 * The region holds a reference to the object, so the PMO lives on while
 * it is mapped even when every capability to it is gone.
 *
 * Rights: pmo_read needs READ, pmo_write WRITE, pmo_map MAP on both the
 * PMO and the vmspace, plus READ for any access and WRITE for a shared
 * writable mapping (a private one copies: it changes nothing of the
 * PMO's). The creator gets every right; pmo_app gives READ, MAP, COPY.
 *
 * Locks: none of its own. A PMO's fields are constant; its object and
 * the target space have theirs (vs->lock -> vmo->lock).
 */
#include "cap/cap.h"
#include "kernel/panic.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "mm/vmmap.h"
#include "mm/vmo.h"
#include "mm/vmspace.h"
#include "proc/exec.h"
#include "proc/apps.h"
#include "proc/proc.h"
#include "uapi/errno.h"

#define PMO_KILL_CHECK 64 /* pages between looks for a kill in long loops */
#define PMO_MAX_BYTES (VMO_MAX_PAGES * PAGE_SIZE)

static void pmo_destroy(struct kobj *o)
{
	struct pmo *p = container_of(o, struct pmo, obj);

	vmo_put(p->vmo);
	kfree(p);
}

/* A capability in the caller's table, with rights, to a new PMO over
 * vmo (whose reference it takes, or puts on failure). */
static long pmo_install(struct vmo *vmo, int type, uint64_t size,
			uint32_t rights)
{
	struct pmo *p = kzalloc(sizeof(*p));
	long h;

	if (!p) {
		vmo_put(vmo);
		return -ENOMEM;
	}
	kobj_init(&p->obj, KITE_CAP_PMO, pmo_destroy);
	p->vmo = vmo;
	p->type = type;
	p->size = size;
	h = cap_alloc(cap_mine(), &p->obj, rights, 0);
	kobj_put(&p->obj); /* the slot's reference keeps it, or it goes */
	return h;
}

/* Make every page of a new DATA object now. 0, -ENOMEM, -EINTR. */
static int pmo_commit_all(struct vmo *o)
{
	for (uint64_t i = 0; i < o->npages; i++) {
		struct page *pg;

		if (i % PMO_KILL_CHECK == 0 && proc_killed(current()->proc))
			return -EINTR;
		if (vmo_shared_page(o, i, &pg))
			return -ENOMEM;
		uframe_put(pg); /* the object keeps its own reference */
	}
	return 0;
}

long pmo_create(uint64_t size, long type)
{
	struct vmo *o;
	int err;

	if (type < KITE_PMO_DATA || type > KITE_PMO_SHARED || size == 0)
		return -EINVAL;
	if (size > PMO_MAX_BYTES || !vm_fits_in_ram(size))
		return -ENOMEM; /* as mmap: larger than all of RAM */
	o = vmo_create_shared(ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
	if (!o)
		return -ENOMEM;
	if (type == KITE_PMO_DATA) {
		err = pmo_commit_all(o);
		if (err) {
			vmo_put(o);
			return err;
		}
	}
	return pmo_install(o, (int)type, size, KITE_CAP_ALL);
}

long pmo_app(uint64_t uname)
{
	char name[CAP_NAME_MAX];
	const struct app *app;
	struct vmo *o;
	long err = cap_name_from_user(uname, name);

	if (err)
		return err;
	app = app_find(name);
	if (!app)
		return -ENOENT;
	o = vmo_create_image(app->data, 0, app->size,
			     ALIGN_UP(app->size, PAGE_SIZE) / PAGE_SIZE);
	if (!o)
		return -ENOMEM;
	return pmo_install(o, KITE_PMO_DATA, app->size,
			   KITE_CAP_READ | KITE_CAP_MAP | KITE_CAP_COPY);
}

/* Bytes [x, x + n) of p (within one page) to the user at ubuf. */
static int pmo_read_page(struct pmo *p, uint64_t x, uint64_t ubuf, size_t n)
{
	struct vmspace *vs = current()->proc->vm;
	struct page *pg;
	int err;

	if (p->vmo->type == VMO_IMAGE) /* x < size: the app's own bytes */
		return copy_to_user(vs, ubuf, p->vmo->base + x, n);
	err = vmo_shared_find(p->vmo, x / PAGE_SIZE, &pg);
	if (err)
		return err;
	if (!pg) /* never written: zero, and it stays unmade */
		return copy_to_user(vs, ubuf, P2V(zero_frame_pa()), n);
	err = copy_to_user(vs, ubuf, (char *)page_to_va(pg) + x % PAGE_SIZE, n);
	uframe_put(pg);
	return err;
}

/* Bytes [x, x + n) of p (within one page) from the user at ubuf. */
static int pmo_write_page(struct pmo *p, uint64_t x, uint64_t ubuf, size_t n)
{
	struct vmspace *vs = current()->proc->vm;
	struct page *pg;
	int err;

	assert(p->vmo->type == VMO_SHARED); /* images have no WRITE right */
	err = vmo_shared_page(p->vmo, x / PAGE_SIZE, &pg);
	if (err)
		return err;
	/* our reference keeps the frame: no reclaimer takes it meanwhile */
	err = copy_from_user(vs, (char *)page_to_va(pg) + x % PAGE_SIZE, ubuf, n);
	uframe_put(pg);
	return err;
}

/* pmo_read / pmo_write: bytes done, or -errno (the first error). */
static long pmo_rw(long handle, uint64_t off, uint64_t ubuf, uint64_t len,
		   bool write)
{
	struct kobj *o;
	struct pmo *p;
	uint64_t done = 0;
	long err = cap_get(handle, KITE_CAP_PMO,
			   write ? KITE_CAP_WRITE : KITE_CAP_READ, &o, NULL);

	if (err)
		return err;
	p = container_of(o, struct pmo, obj);
	if (off > p->size || len > p->size - off)
		err = -EINVAL; /* outside the PMO */
	for (uint64_t i = 0; !err && done < len; i++) {
		uint64_t x = off + done;
		size_t n = MIN(PAGE_SIZE - x % PAGE_SIZE, len - done);

		if (i % PMO_KILL_CHECK == PMO_KILL_CHECK - 1 &&
		    proc_killed(current()->proc))
			err = -EINTR;
		else if (write)
			err = pmo_write_page(p, x, ubuf + done, n);
		else
			err = pmo_read_page(p, x, ubuf + done, n);
		if (!err)
			done += n;
	}
	kobj_put(o);
	return err ? err : (long)done;
}

long pmo_write(long handle, uint64_t off, uint64_t ubuf, uint64_t len)
{
	return pmo_rw(handle, off, ubuf, len, true);
}

long pmo_read(long handle, uint64_t off, uint64_t ubuf, uint64_t len)
{
	return pmo_rw(handle, off, ubuf, len, false);
}

/* Check pmo_map's arguments against p and the rights have on it: 0,
 * -EINVAL or -EPERM; *size gets the bytes to map. */
static int map_check(const struct pmo *p, uint32_t have, uint64_t addr,
		     uint64_t len, uint64_t prot, uint64_t *size)
{
	uint32_t need = 0;

	if (prot & ~(uint64_t)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (prot)
		need |= KITE_CAP_READ; /* every access reads, on RISC-V too */
	if ((prot & PROT_WRITE) && p->type == KITE_PMO_SHARED)
		need |= KITE_CAP_WRITE;
	if ((have & need) != need)
		return -EPERM;
	*size = ALIGN_UP(len, PAGE_SIZE);
	if (len == 0 || *size < len || *size > p->vmo->npages * PAGE_SIZE)
		return -EINVAL; /* nothing, or past the PMO */
	if (!IS_ALIGNED(addr, PAGE_SIZE) ||
	    (addr && (addr < USER_MIN || addr + *size > USER_TOP ||
		      addr + *size < addr)))
		return -EINVAL;
	return 0;
}

long pmo_map(long vmspace, long handle, uint64_t addr, uint64_t len,
	     uint64_t prot)
{
	struct kobj *vo, *po = NULL;
	struct cap_vmspace *cv;
	struct vmspace *vs;
	struct pmo *p;
	uint64_t size = 0;
	uint32_t have;
	bool shared;
	long err = cap_get(vmspace, KITE_CAP_VMSPACE, KITE_CAP_MAP, &vo, NULL);

	if (err)
		return err;
	cv = container_of(vo, struct cap_vmspace, obj);
	err = cap_get(handle, KITE_CAP_PMO, KITE_CAP_MAP, &po, &have);
	if (err)
		goto out;
	p = container_of(po, struct pmo, obj);
	err = map_check(p, have, addr, len, prot, &size);
	if (err)
		goto out;
	err = -ESRCH; /* its process has exited or exec'd */
	if (__atomic_load_n(&cv->dead, __ATOMIC_ACQUIRE))
		goto out;
	vs = cv->vs;
	shared = p->type == KITE_PMO_SHARED;
	vmo_get(p->vmo); /* the region's */
	mutex_lock(&vs->lock);
	err = -ENOMEM;
	if (!addr)
		addr = vm_find_area(vs, 0, size);
	if (addr && vs->vsz + size <= proc_rlimit(RLIMIT_AS))
		err = vmr_insert(vs, addr, addr + size, vm_prot_from_uapi(prot),
				 shared ? VMR_SHARED
				 : (prot & PROT_WRITE) ? VMR_DATA : VMR_CODE,
				 shared ? VMR_F_SHARED : 0, p->vmo, NULL);
	mutex_unlock(&vs->lock);
	if (err)
		vmo_put(p->vmo);
out:
	if (po)
		kobj_put(po);
	kobj_put(vo);
	return err ? err : (long)addr;
}
