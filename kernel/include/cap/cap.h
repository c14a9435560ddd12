/*
 * cap/cap.h - ChCore's capability model: kernel objects, and each
 * process's slot table of capabilities to them (docs/CAPS.md).
 *
 * Objects. Every object a capability can name starts with a struct kobj:
 * its type (KITE_CAP_PROCESS, _THREAD, _VMSPACE, _PMO), a reference count
 * and a destroy method. A reference is held by each slot that names the
 * object and by each kernel pointer that keeps it (a process's own
 * cap_group, a cap_group's current vmspace, a thread's process); the last
 * kobj_put destroys it, which may sleep (it lets go of address spaces and
 * memory objects). The objects wrap what the rest of the kernel already
 * has:
 *
 *   struct cap_group    a process (ChCore's cap_group): its slot table,
 *                       and while it lives its struct proc
 *   struct cap_vmspace  an address space (struct vmspace, a reference)
 *   struct cap_thread   a thread of a process (the one cap_thread_create made)
 *   struct pmo          a physical memory object: a memory object
 *                       (struct vmo, mm/vmo.h) and its type
 *
 * Slot tables (cap/slots.h) live in the cap_group. Slot 0 names the
 * process itself and slot 1 its vmspace, both with every right; they are
 * put there when the process is made (fork, spawn, cap_group_create),
 * cannot be freed, and exec points slot 1 at the new vmspace. Making a
 * child gives the parent a capability to it with every right; for fork
 * and spawn it is marked CAP_SLOT_REAP and freed when the parent reaps
 * the child (a POSIX program never sees it, and its table never fills
 * with dead children); one from cap_group_create is the caller's to free.
 *
 * Lifetimes of a process's capabilities:
 *
 *   made (cap_proc_setup / cap_group_create): table with slots 0 and 1,
 *       p->caps holds one reference to the cap_group
 *   lives: its threads look up and free slots; other processes copy
 *       capabilities in (cap_copy, with a WRITE capability to it)
 *   last thread exits (cap_group_exit): the table is dropped - every
 *       slot freed, every reference put - and nothing can enter it again
 *       (dead); the cap_group stays while capabilities name it
 *   reaped (cap_proc_release): the parent's CAP_SLOT_REAP capability and
 *       p->caps's reference go
 *
 * Locks: cg->lock (a spinlock, a leaf but for the allocator) guards the
 * table and the fields marked [lock]; it is taken by the process's own
 * threads for every lookup and by any process that copies a capability
 * into the table. Two tables are never locked at once. References are
 * put with no lock held (destroy may sleep). See docs/CAPS.md.
 */
#ifndef KITE_CAP_CAP_H
#define KITE_CAP_CAP_H

#include "cap/slots.h"
#include "kernel/spinlock.h"
#include "kernel/types.h"
#include "sched/sched.h"
#include "uapi/kite.h"

struct proc;
struct vmspace;
struct vmo;

#define CAP_SLOT_REAP 0x1    /* freed when the parent reaps the child */
#define CAP_SLOT_VMSPACE 1   /* the index of a process's own vmspace */
#define CAP_SLOT_SELF 0      /* the index of the process itself */
#define CAP_NAME_MAX 64      /* longest name cap_group_create / pmo_app read */

struct kobj {
	int type;           /* [const] KITE_CAP_* */
	uint32_t refs;      /* [atomic] */
	void (*destroy)(struct kobj *o); /* [const] frees it (may sleep) */
};

/* What the first thread of a process made by cap_group_create starts
 * with (cap_thread_create). */
struct cap_start {
	uint64_t pc, sp, arg;
	int prio;
};

struct cap_vmspace {
	struct kobj obj;
	struct vmspace *vs; /* [const] a reference */
	bool dead;          /* [atomic] its process exited or exec'd away
			     * from it: nothing may be mapped into it */
};

struct cap_group {
	struct kobj obj;
	struct spinlock lock;
	struct slot_table table;  /* [lock] */
	bool dead;                /* [lock] exited: the table is gone */
	struct proc *proc;        /* [lock] NULL once the process exited */
	struct cap_vmspace *vm;   /* [lock] its vmspace's object (a reference;
				   * NULL once exited) */
	/* only for processes made by cap_group_create: */
	bool started;             /* [lock] its first thread was created */
	bool abandoned;           /* [lock] no one can start it any more */
	struct cap_start start;   /* [lock] set when started */
	struct waitqueue start_wq; /* its first thread waits here to start */
	uint32_t outside;         /* [atomic] slots of other tables naming it */
};

struct cap_thread {
	struct kobj obj;
	struct cap_group *cg; /* [const] its process (a reference) */
};

struct pmo {
	struct kobj obj;
	struct vmo *vmo;  /* [const] a reference */
	int type;         /* [const] KITE_PMO_* */
	uint64_t size;    /* [const] bytes (the object has whole pages) */
};

/* ---- objects (cap.c) ---------------------------------------------------- */

/* A new object of type with one reference (the caller's). */
void kobj_init(struct kobj *o, int type, void (*destroy)(struct kobj *));
void kobj_get(struct kobj *o);
/* Drop a reference; the last destroys the object. No spinlock held. */
void kobj_put(struct kobj *o);
/* Live and created objects by type, used slots and tables. */
void cap_get_stats(struct kite_capstats *st);

/* ---- the caller's table (cap.c) ------------------------------------------ */

/* The calling process's cap_group (every user process has one). */
struct cap_group *cap_mine(void);
/* The object the caller's capability handle names, with a reference
 * for the caller: it must be of type (0: any) and hold every right in
 * rights. -EBADF (no such capability), -EINVAL (another type), -EPERM (a
 * right missing). *have (if not NULL) gets the capability's rights. */
int cap_get(long handle, int type, uint32_t rights, struct kobj **out,
	    uint32_t *have);
/* Put obj in a free slot of cg's table with rights and flags; the slot
 * takes a reference of its own. The handle, or -EMFILE (SLOTS_MAX
 * slots in use), -ENOMEM, -ESRCH (cg's process exited). */
long cap_alloc(struct cap_group *cg, struct kobj *obj, uint32_t rights,
	       uint32_t flags);
/* Free the caller's capability handle. 0, -EBADF, or -EPERM for slots
 * 0 and 1. */
int cap_free(long handle);
/* Copy the caller's capability handle into the table of the process
 * named by the caller's dest (which needs KITE_CAP_WRITE) with rights.
 * The handle in dest's table, or -EBADF, -EINVAL, -EPERM, -EMFILE,
 * -ENOMEM, -ESRCH. */
long cap_copy(long dest, long handle, uint64_t rights);
/* The rights, type and PMO type of the caller's capability handle,
 * packed as uapi/cap.h's KITE_CAP_Q_* read them, or -EBADF. */
long cap_query(long handle);
/* Give cg an empty table of SLOTS_INIT slots. 0 or -ENOMEM. */
int cap_table_init(struct cap_group *cg);
/* Put obj with every right in free slot index of cg's table (slots 0
 * and 1 of a new process); the slot takes a reference. Its handle. */
long cap_install(struct cap_group *cg, uint32_t index, struct kobj *obj);
/* Free holder's CAP_SLOT_REAP capability to obj, if it has one. */
void cap_free_reap(struct cap_group *holder, struct kobj *obj);
/* Free every slot of cg's table and the table itself; nothing can enter
 * it again (cap_alloc: -ESRCH). Its process is exiting or was never
 * registered. No lock held; may sleep. */
void cap_table_drop(struct cap_group *cg);

/* Copy the user string at uname (1 .. CAP_NAME_MAX - 1 bytes) into
 * name[CAP_NAME_MAX]. 0, -EFAULT or -EINVAL (empty, too long). */
long cap_name_from_user(uint64_t uname, char *name);

/* ---- processes (cap_group.c) --------------------------------------------- */

/* fork and spawn (fork.c): give the new process p (not yet registered;
 * p->vm set) its cap_group, and parent (if it has a table) a
 * CAP_SLOT_REAP capability to it. 0 or -ENOMEM. */
int cap_proc_setup(struct proc *p, struct proc *parent);
/* p is gone for good: reaped by parent (proc_wait), or never registered
 * (its creation failed). Its table goes if it is still there, parent's
 * CAP_SLOT_REAP capability to it and p->caps's reference too. */
void cap_proc_release(struct proc *parent, struct proc *p);
/* The last thread of p is leaving: drop p's table (every slot), so a
 * dead process holds no object. No lock held; may sleep. */
void cap_group_exit(struct proc *p);
/* execve: the object for the new space vs (before the old image goes:
 * 0 or -ENOMEM), then, once vs is p's, slot 1 names it. */
int cap_exec_prepare(struct vmspace *vs, struct cap_vmspace **out);
void cap_exec_commit(struct proc *p, struct cap_vmspace *cv);
/* A slot of another table named cg / no longer does. */
void cap_group_outside_get(struct cap_group *cg);
void cap_group_outside_put(struct cap_group *cg);
/* An object for vs (takes a reference to it), or NULL. */
struct cap_vmspace *cap_vmspace_create(struct vmspace *vs);

/* The calls (cap_group.c): see docs/USER.md. */
long cap_group_create(uint64_t uname, uint64_t uout);
long cap_thread_create(long proc, uint64_t pc, uint64_t sp, uint64_t arg,
		       long prio);

/* ---- physical memory objects (pmo.c) ------------------------------------- */

long pmo_create(uint64_t size, long type);
long pmo_write(long handle, uint64_t off, uint64_t ubuf, uint64_t len);
long pmo_read(long handle, uint64_t off, uint64_t ubuf, uint64_t len);
long pmo_map(long vmspace, long handle, uint64_t addr, uint64_t len,
	     uint64_t prot);
long pmo_app(uint64_t uname);

#endif
