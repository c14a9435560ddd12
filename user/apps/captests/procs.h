/*
 * procs.h - processes through capabilities: the capability a parent
 * gets for a child (fork, spawn, cap_group_create), empty processes
 * (ps, kill, wait4, abandoned ones end), cap_thread_create, copies into
 * another process's table (used there; many at once from several
 * processes), exec keeping the table with slot 1 renewed, and capspawn.
 */
#ifndef KITE_CAPTESTS_PROCS_H
#define KITE_CAPTESTS_PROCS_H

#include "ct.h"

/* The handle of the one process capability among the first slots and
 * generations (the calls above freed some), or -1. */
static cap_t process_cap(void)
{
	for (long gen = 0; gen < 8; gen++)
		for (long i = 2; i < 16; i++) {
			long q = cap_query(gen << 16 | i);

			if (q >= 0 && KITE_CAP_Q_TYPE(q) == KITE_CAP_PROCESS)
				return gen << 16 | i;
		}
	return -1;
}

/* fork and spawn give the parent a capability to the child, freed when
 * the child is reaped; a copy of it outlives the child's process. */
static void t_fork_cap(void)
{
	char *argv[] = { "true", NULL };
	pid_t pid = fork();
	cap_t copy, h;

	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) /* a fresh table: nothing inherited */
		exit(cap_query(2) == -1 && errno == EBADF ? 0 : 3);
	IS_CAP(2, KITE_CAP_PROCESS, KITE_CAP_ALL);
	copy = OK(cap_copy(CAP_SELF, 2, KITE_CAP_ALL));
	reap_code(pid, 0, "fork child");
	ERR(cap_query(2), EBADF); /* freed with the reaping */
	IS_CAP(copy, KITE_CAP_PROCESS, KITE_CAP_ALL); /* the object stays */
	ERR(cap_thread_create(copy, 0x10000, STACK_TOP, 0, 0), ESRCH);
	ERR(cap_copy(copy, CAP_VMSPACE, KITE_CAP_READ), ESRCH);
	EQ(cap_free(copy), 0);
	pid = spawn("true", argv, NULL);
	h = process_cap();
	IS_CAP(h, KITE_CAP_PROCESS, KITE_CAP_ALL);
	reap_code(pid, 0, "spawned true");
	ERR(cap_query(h), EBADF);
}

/* cap_group_create: a real, empty process that waits to be started. */
static void t_create(void)
{
	char longname[80];
	struct kite_capproc info = { 0 }, i2;
	struct kite_procinfo e;
	struct kite_region r[4];
	cap_t c, c2, keep, p;
	int st;

	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	ERR(cap_group_create(NULL, NULL), EFAULT);
	ERR(cap_group_create(KADDR, NULL), EFAULT);
	ERR(cap_group_create("", NULL), EINVAL);
	ERR(cap_group_create(longname, NULL), EINVAL);
	ERR(cap_group_create("x", KADDR), EFAULT);
	ERR(waitpid(-1, NULL, WNOHANG), ECHILD); /* none was made */
	c = OK(cap_group_create("ct_empty_process", &info));
	IS_CAP(c, KITE_CAP_PROCESS, KITE_CAP_ALL);
	IS_CAP(info.vmspace, KITE_CAP_VMSPACE, KITE_CAP_ALL);
	CHECK(proc_entry(info.pid, &e), "pid %d not in the process table", info.pid);
	/* it waits to be started: runnable, or (on another hart) running in
	 * the kernel on its way to sleep, until its thread sleeps */
	CHECK(e.ppid == getpid() && e.state >= 1 && e.state <= 3 &&
	      !strcmp(e.name, "ct_empty_proces"),
	      "ps: ppid %d state %d name '%s'", e.ppid, e.state, e.name);
	EQ(kite_maps(info.pid, r, 4), 0); /* an empty vmspace */
	EQ(waitpid(info.pid, NULL, WNOHANG), 0);
	EQ(kill(info.pid, SIGKILL), 0);
	st = reap(info.pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status 0x%x", st);
	/* its vmspace is gone: nothing maps into it */
	p = OK(pmo_create(PAGE, KITE_PMO_ANON));
	ERR(pmo_map(info.vmspace, p, 0, PAGE, PROT_READ), ESRCH);
	EQ(cap_free(c), 0);
	EQ(cap_free(info.vmspace), 0);
	/* no capability to it left outside its table: nobody can start it,
	 * so it ends as if killed - unless a copy is still around */
	c2 = OK(cap_group_create("ct_abandoned", &i2));
	keep = OK(cap_copy(CAP_SELF, c2, KITE_CAP_READ));
	EQ(cap_free(c2), 0);
	sleep_ms(20);
	EQ(waitpid(i2.pid, NULL, WNOHANG), 0);
	EQ(cap_free(keep), 0);
	st = reap_within(i2.pid, 3000);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "abandoned: status 0x%x", st);
	EQ(cap_free(i2.vmspace), 0);
}

/* A process made and left unstarted by a process that exits ends too
 * (init reaps it). */
static void t_orphan_unstarted(void)
{
	pid_t *shared = mmap(NULL, PAGE, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct kite_procinfo e;
	uint64_t end;
	pid_t pid;

	CHECK(shared != MAP_FAILED, "mmap: %s", strerror(errno));
	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		struct kite_capproc info;

		if (cap_group_create("ct_orphan", &info) < 0)
			exit(3);
		*shared = info.pid;
		exit(0);
	}
	reap_code(pid, 0, "creator");
	CHECK(*shared > 0, "no pid");
	for (end = now_ms() + 3000; proc_entry(*shared, &e); sleep_ms(5))
		CHECK(now_ms() < end, "pid %d (%s) still there after 3 s",
		      *shared, e.name);
}

static void t_thread_create(void)
{
	struct kite_capproc info;
	struct capload sp;
	char *argv[] = { "spin", NULL };
	cap_t c = OK(cap_group_create("ct_thread", &info)), nc, t;
	int st;

	ERR(cap_thread_create(CAP_VMSPACE, 0x10000, STACK_TOP, 0, 0), EINVAL);
	ERR(cap_thread_create(NO_CAP, 0x10000, STACK_TOP, 0, 0), EBADF);
	nc = OK(cap_copy(CAP_SELF, c, KITE_CAP_READ | KITE_CAP_WRITE | KITE_CAP_COPY));
	ERR(cap_thread_create(nc, 0x10000, STACK_TOP, 0, 0), EPERM);
	ERR(cap_thread_create(c, 0, STACK_TOP, 0, 0), EINVAL);
	ERR(cap_thread_create(c, (uintptr_t)KADDR, STACK_TOP, 0, 0), EINVAL);
	ERR(cap_thread_create(c, 0x10000, (uintptr_t)KADDR, 0, 0), EINVAL);
	ERR(cap_thread_create(c, 0x10000, STACK_TOP, 0, 1), EINVAL);
	ERR(cap_thread_create(c, 0x10000, STACK_TOP, 0, 1025), EINVAL);
	/* nothing is mapped in it: the thread faults at once */
	t = OK(cap_thread_create(c, 0x10000, STACK_TOP, 0, 0));
	IS_CAP(t, KITE_CAP_THREAD, KITE_CAP_ALL);
	st = reap(info.pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "status 0x%x", st);
	ERR(cap_thread_create(c, 0x10000, STACK_TOP, 0, 0), ESRCH);
	/* a thread more in a running process: one whose pc is not mapped
	 * faults, and its whole process ends with SIGSEGV */
	build(&sp, "spin", argv);
	EQ(capload_start(&sp, 0), 0);
	t = OK(cap_thread_create(sp.proc, 0x10000000, STACK_TOP, 0, 0));
	IS_CAP(t, KITE_CAP_THREAD, KITE_CAP_ALL);
	st = reap(sp.pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "spin: status 0x%x", st);
	ERR(cap_thread_create(sp.proc, 0x10000, STACK_TOP, 0, 0), ESRCH);
	capload_release(&sp);
}

/* A thread added to our own process by cap_thread_create: it runs
 * beside us from pc with sp and a0 = arg, and kite_thread_exit ends it
 * alone. */
static volatile long ct_seen;
static char ct_stack[2][8192] __attribute__((aligned(16)));

static void ct_body(long arg)
{
	__atomic_store_n(&ct_seen, arg, __ATOMIC_RELEASE);
	kite_thread_exit();
}

static void t_thread_in_self(void)
{
	/* a stack each: the first may not have left when the second runs */
	uintptr_t top0 = (uintptr_t)ct_stack[0] + sizeof(ct_stack[0]);
	uintptr_t top1 = (uintptr_t)ct_stack[1] + sizeof(ct_stack[1]);
	cap_t t;
	int i;

	ct_seen = 0;
	t = OK(cap_thread_create(CAP_SELF, (uintptr_t)ct_body, top0, 42, 0));
	IS_CAP(t, KITE_CAP_THREAD, KITE_CAP_ALL);
	for (i = 0; i < 100000 && !__atomic_load_n(&ct_seen, __ATOMIC_ACQUIRE); i++)
		sched_yield();
	EQ(ct_seen, 42);
	/* its exit ended only itself: we go on, and can do it again */
	ct_seen = 0;
	t = OK(cap_thread_create(CAP_SELF, (uintptr_t)ct_body, top1, 7, 0));
	for (i = 0; i < 100000 && !__atomic_load_n(&ct_seen, __ATOMIC_ACQUIRE); i++)
		sched_yield();
	EQ(ct_seen, 7);
	EQ(cap_free(t), 0);
}

/* A capability copied into a child is usable there, with the rights it
 * was given. */
static void t_copy_into_child(void)
{
	struct kite_capstats s0 = capstats();
	char *argv[] = { PROG, "--helper", "caps", NULL };
	struct capload c;
	cap_t p = OK(pmo_create(PAGE, KITE_PMO_DATA)), there, weak, nocopy;

	EQ(pmo_write(p, 0, "xyz", 4), 4);
	build(&c, PROG, argv);
	there = OK(cap_copy(c.proc, p, KITE_CAP_READ | KITE_CAP_COPY));
	EQ(there, 2); /* the first slot after its own two */
	ERR(cap_copy(c.proc, p, KITE_CAP_ALL | 0x40), EINVAL);
	/* into another table too: never more rights, never without COPY */
	weak = OK(cap_copy(CAP_SELF, p, KITE_CAP_READ | KITE_CAP_COPY));
	ERR(cap_copy(c.proc, weak, KITE_CAP_READ | KITE_CAP_WRITE), EPERM);
	nocopy = OK(cap_copy(CAP_SELF, p, KITE_CAP_READ));
	ERR(cap_copy(c.proc, nocopy, KITE_CAP_READ), EPERM);
	EQ(cap_free(weak), 0);
	EQ(cap_free(nocopy), 0);
	EQ(cap_free(p), 0);
	EQ(capload_start(&c, 0), 0);
	reap_code(c.pid, KITE_CAP_READ | KITE_CAP_COPY, "helper caps");
	capload_release(&c);
	same_objects(&s0, "after the child");
}

/* Four processes copy into one table at once (it grows meanwhile). */
static void t_copy_concurrent(void)
{
	enum { COPIERS = 4, EACH = 200 };
	char *argv[] = { PROG, "--helper", "copier", "200", NULL };
	struct kite_capstats s0 = capstats(), s1;
	struct capload kids[COPIERS];
	struct kite_capproc info;
	cap_t target = OK(cap_group_create("ct_target", &info));
	cap_t p = OK(pmo_create(PAGE, KITE_PMO_ANON));

	for (int i = 0; i < COPIERS; i++) {
		build(&kids[i], PROG, argv);
		OK(cap_copy(kids[i].proc, target, KITE_CAP_WRITE));
		OK(cap_copy(kids[i].proc, p, KITE_CAP_READ | KITE_CAP_COPY));
	}
	s1 = capstats();
	for (int i = 0; i < COPIERS; i++)
		EQ(capload_start(&kids[i], 0), 0);
	for (int i = 0; i < COPIERS; i++) {
		reap_code(kids[i].pid, 0, "copier");
		capload_release(&kids[i]);
	}
	/* the copiers' tables are gone, the target's holds their copies */
	/* each copier's table (its 2 slots, the 2 we gave it) is gone and
	 * so are our 2 for it; the target gained EACH from each */
	EQ(capstats().slots_used + (uint64_t)COPIERS * (2 + 2 + 2),
	   s1.slots_used + COPIERS * EACH);
	EQ(capstats().live[KITE_CAP_PMO], s0.live[KITE_CAP_PMO] + 1);
	EQ(kill(info.pid, SIGKILL), 0);
	reap(info.pid);
	EQ(cap_free(target), 0);
	EQ(cap_free(info.vmspace), 0);
	EQ(cap_free(p), 0);
	same_objects(&s0, "after the target");
}

/* A child built by hand has a heap and an mmap area, also with a page
 * we share with it mapped high up (where our mmap put it). */
static void t_child_heap(void)
{
	char *argv[] = { PROG, "--helper", "heap", NULL };
	cap_t s = OK(pmo_create(PAGE, KITE_PMO_SHARED));
	long at = OK(pmo_map(CAP_VMSPACE, s, 0, PAGE, RW));
	struct capload c;

	build(&c, PROG, argv);
	OK(pmo_map(c.vmspace, s, (uintptr_t)at, PAGE, RW));
	EQ(capload_start(&c, 0), 0);
	reap_code(c.pid, 0, "helper heap");
	capload_release(&c);
	EQ(cap_free(s), 0);
}

/* exec keeps the table; slot 1 then names the new vmspace. */
static void t_exec(void)
{
	char *argv[] = { PROG, "--helper", "exec", NULL };
	pid_t pid = fork();

	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		cap_t p = pmo_create(PAGE, KITE_PMO_DATA), old;

		if (p != 2 || pmo_write(p, 0, "before exec", 12) != 12)
			exit(20);
		old = cap_copy(CAP_SELF, CAP_VMSPACE, KITE_CAP_ALL);
		if (old != 3)
			exit(21);
		execv(PROG, argv);
		exit(22);
	}
	reap_code(pid, 0, "helper exec");
}

/* capspawn: hello's 233, the message exchange, errors. */
static void t_capspawn(void)
{
	char *hello[] = { "capspawn", "hello", NULL };
	char *msg[] = { "capspawn", "-s", "capmsg", NULL };
	char *args[] = { "capspawn", "echoargs", "one", NULL };
	char *none[] = { "capspawn", "nosuch", NULL };
	char *usage[] = { "capspawn", NULL };

	reap_code(spawn("capspawn", hello, NULL), 233, "capspawn hello");
	reap_code(spawn("capspawn", msg, NULL), 0, "capspawn -s capmsg");
	reap_code(spawn("capspawn", args, NULL), 2, "capspawn echoargs one");
	reap_code(spawn("capspawn", none, NULL), 127, "capspawn nosuch");
	reap_code(spawn("capspawn", usage, NULL), 2, "capspawn (no app)");
}

/* The exchange through a SHARED PMO, here: a message before the child
 * starts, its reply while it runs. */
static void t_exchange(void)
{
	struct kite_capstats s0 = capstats();
	cap_t s = OK(pmo_create(CAPMSG_BYTES, KITE_PMO_SHARED));
	struct capmsg *m = (struct capmsg *)OK(pmo_map(CAP_VMSPACE, s, 0,
						       CAPMSG_BYTES, RW));
	char where[24], want[256];
	char *argv[] = { "capmsg", where, NULL };
	static struct capmsg copy;
	struct capload c;

	strcpy(m->text, "ping");
	capmsg_set(m, CAPMSG_ASKED);
	snprintf(where, sizeof(where), "0x%lx", (unsigned long)m);
	build(&c, "capmsg", argv);
	OK(pmo_map(c.vmspace, s, (uintptr_t)m, CAPMSG_BYTES, RW));
	EQ(capload_start(&c, 0), 0);
	CHECK(capmsg_wait(m, CAPMSG_REPLIED), "no reply");
	snprintf(want, sizeof(want), "pid %d read \"ping\"", c.pid);
	CHECK(!strcmp(m->reply, want), "reply '%s', want '%s'", m->reply, want);
	EQ(pmo_read(s, 0, &copy, sizeof(copy)), sizeof(copy));
	CHECK(!strcmp(copy.reply, want), "the PMO holds '%s'", copy.reply);
	capmsg_set(m, CAPMSG_DONE);
	reap_code(c.pid, 0, "capmsg");
	capload_release(&c);
	EQ(cap_free(s), 0);
	EQ(munmap(m, CAPMSG_BYTES), 0);
	same_objects(&s0, "after the exchange");
}

#endif
