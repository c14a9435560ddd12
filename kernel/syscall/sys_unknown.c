/*
 * sys_unknown.c - a call Kite does not have: -ENOSYS, never a kill, and
 * with the boot argument log=debug one line naming it, once per program:
 *
 *	pid 7 (lx_files): unknown system call 244 (not a Linux call)
 *	pid 9 (prog): unknown system call 293 (rseq)
 *
 * (the names are Linux riscv64's, syscall_names.c). "Once" is kept in a
 * small ring of (pid, program name, call) triples already told, under
 * seen_lock (a leaf); a program that tries more different unknown calls
 * than the ring holds may be told about one twice.
 */
#include "kernel/log.h"
#include "kernel/spinlock.h"
#include "lib/string.h"
#include "proc/proc.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"

#define SEEN_SLOTS 64

struct seen_call {
	int pid;
	uint64_t nr;
	char name[PROC_NAME_LEN];
};

static struct spinlock seen_lock = SPINLOCK_INIT("syscall.seen");
static struct seen_call seen[SEEN_SLOTS]; /* [seen_lock] */
static unsigned seen_next;                /* [seen_lock] next slot to use */

/* Record (pid, name, nr); false if it was there already. */
static bool seen_first(int pid, const char *name, uint64_t nr)
{
	bool first = true;

	spin_lock(&seen_lock);
	for (unsigned i = 0; i < SEEN_SLOTS && first; i++)
		if (seen[i].pid == pid && seen[i].nr == nr &&
		    strcmp(seen[i].name, name) == 0)
			first = false;
	if (first) {
		struct seen_call *s = &seen[seen_next++ % SEEN_SLOTS];

		s->pid = pid;
		s->nr = nr;
		kstrlcpy(s->name, name, sizeof(s->name));
	}
	spin_unlock(&seen_lock);
	return first;
}

long syscall_unknown(uint64_t nr)
{
	struct proc *p = current()->proc;
	char name[PROC_NAME_LEN];
	const char *linux_name;

	if (READ_ONCE(log_level) < LOG_DEBUG)
		return -ENOSYS;
	spin_lock(&proc_lock);
	kstrlcpy(name, p->name, sizeof(name));
	spin_unlock(&proc_lock);
	if (seen_first(p->pid, name, nr)) {
		linux_name = syscall_linux_name(nr);
		log_debug("pid %d (%s): unknown system call %lu (%s)", p->pid,
			  name, (unsigned long)nr,
			  linux_name ? linux_name : "not a Linux call");
	}
	return -ENOSYS;
}
