/*
 * cap.h - ChCore's capabilities from user space (docs/CAPS.md): the
 * capability calls (user/lib/cap.c) and a loader that builds a child
 * process by hand from an app's ELF image, as ChCore's load_binary does
 * in its kernel (user/lib/capload.c). Included by <kite.h>.
 *
 * A capability is a handle (cap_t, >= 0) into the caller's slot table;
 * CAP_SELF names the caller and CAP_VMSPACE its address space. Every
 * call returns -1 and sets errno on failure: EBADF (no such capability:
 * never given, or freed), EINVAL (another type of object, or a bad
 * argument), EPERM (a right missing), EFAULT (a bad pointer), ENOMEM,
 * EMFILE (a full table), ESRCH (the process has exited).
 */
#ifndef KITE_USER_CAP_H
#define KITE_USER_CAP_H

#include <stddef.h>
#include <stdint.h>
#include "uapi/kite.h"
#include "sys/types.h"

typedef long cap_t;

#define CAP_SELF 0    /* the calling process (slot 0) */
#define CAP_VMSPACE 1 /* its address space (slot 1) */

/* A new empty process named name, the caller's child (ps, wait4 and
 * kill see it): its handle; out (if not NULL) gets a handle of its
 * vmspace and its pid. It starts when its first thread is created. */
cap_t cap_group_create(const char *name, struct kite_capproc *out);
/* A new PMO of size bytes (whole pages), KITE_PMO_DATA, _ANON or
 * _SHARED: its handle, with every right. */
cap_t pmo_create(size_t size, int type);
/* Copy len bytes between buf and the PMO at offset off (all inside the
 * PMO, else EINVAL): returns len. */
long pmo_write(cap_t pmo, uint64_t off, const void *buf, size_t len);
long pmo_read(cap_t pmo, uint64_t off, void *buf, size_t len);
/* Map the first len bytes of pmo into vmspace at addr (page-aligned; 0:
 * where there is room) with prot (PROT_*): the address. EEXIST if
 * something is mapped there. */
long pmo_map(cap_t vmspace, cap_t pmo, uintptr_t addr, size_t len, int prot);
/* Start the first thread of process proc at pc with sp, a0 = arg, at
 * priority prio (0: the caller's): its handle. EAGAIN if proc has
 * started already. */
cap_t cap_thread_create(cap_t proc, uintptr_t pc, uintptr_t sp, uint64_t arg,
			int prio);
/* Copy cap into process dest's table with rights (a subset of cap's;
 * cap needs KITE_CAP_COPY, dest KITE_CAP_WRITE): the handle there. */
cap_t cap_copy(cap_t dest, cap_t cap, unsigned rights);
/* Free a capability (not CAP_SELF or CAP_VMSPACE: EPERM). */
int cap_free(cap_t cap);
/* Rights, type and PMO type of cap: read them with KITE_CAP_Q_*. */
long cap_query(cap_t cap);
/* A read-only PMO holding the ELF image of the embedded app name. */
cap_t pmo_app(const char *name);
/* Kernel objects alive now, by type. 0 or -1. */
int kite_capstats(struct kite_capstats *st);
/* ChCore's putc, getc (a byte of console input, 4 at end of file) and
 * thread_exit (the calling thread ends; its process ends with its last
 * thread). */
void kite_putc(char c);
int kite_getc(void);
__attribute__((noreturn)) void kite_thread_exit(void);

/* ---- building a child by hand (capload.c) ---------------------------- */

#define CAPLOAD_STACK_TOP 0x3ffffff000UL /* as exec: a guard page above */
#define CAPLOAD_STACK_SIZE (1UL << 20)   /* an ANON PMO: pages on touch */
#define CAPLOAD_MAX_SEGS 8

/* A child being built, then running. */
struct capload {
	cap_t proc, vmspace, thread; /* the caller's handles of the child's */
	pid_t pid;
	uintptr_t entry, sp;         /* where its main thread starts */
	int argc;
	int nsegs;                   /* PT_LOAD segments mapped */
};

/* Build a child process running the embedded app (argv and envp as
 * execve takes them; envp may be NULL), as ChCore's load_binary does:
 * its ELF image as a PMO, its headers read and checked, a DATA PMO per
 * PT_LOAD segment written with the segment's bytes and mapped with its
 * permissions, an ANON PMO for the stack holding argc, argv, envp and
 * auxv as exec lays them out. The child has not started: the caller may
 * map more into c->vmspace, then capload_start (or capload_abort).
 * 0, or -1 with errno (ENOENT: no such app; ENOEXEC: a bad ELF; E2BIG;
 * any of the calls' errors), and then nothing is left behind. */
int capload_build(struct capload *c, const char *app, char *const argv[],
		  char *const envp[]);
/* Create the child's main thread at its entry point: it runs. 0 or -1
 * (the child is then aborted). */
int capload_start(struct capload *c, int prio);
/* Give up a built child that has not started: free its capabilities
 * (so it ends) and reap it. */
void capload_abort(struct capload *c);
/* Let go of a started child's capabilities (it runs on). */
void capload_release(struct capload *c);

#endif
