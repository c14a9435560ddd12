/*
 * ct.h - what the capability tests share: the test driver
 * (../usertests.h), the shared page's layout (../capmsg.h), looks at
 * capabilities, object counts and frames, building children by hand,
 * and the program's helper modes, which tests run in children built by
 * capload or exec'd ("captests --helper NAME ...").
 *
 * Like usertests.h, it holds static functions and is included once, by
 * main.c, before the tests (calls.h, maps.h, procs.h, rounds.h).
 */
#ifndef KITE_CAPTESTS_CT_H
#define KITE_CAPTESTS_CT_H

#include "../usertests.h"
#include "../capmsg.h"

#define PROG "captests"
#define RW (PROT_READ | PROT_WRITE)
#define NO_CAP 77 /* a handle never given in a test child's table */
#define STACK_TOP CAPLOAD_STACK_TOP

/* ---- capabilities ------------------------------------------------------ */

/* cap_query of h, which must succeed: its packed answer. */
static long query_ok(cap_t h)
{
	long q = cap_query(h);

	CHECK(q >= 0, "cap_query(%ld): %s", h, strerror(errno));
	return q;
}

/* h must name an object of type with exactly rights. */
#define IS_CAP(h, type, rights) is_cap(#h, (h), (type), (rights))
static void is_cap(const char *what, cap_t h, int type, int rights)
{
	long q = query_ok(h);

	CHECK(KITE_CAP_Q_TYPE(q) == type && KITE_CAP_Q_RIGHTS(q) == rights,
	      "%s (handle %ld): type %d rights 0x%x, want type %d rights 0x%x",
	      what, h, KITE_CAP_Q_TYPE(q), KITE_CAP_Q_RIGHTS(q), type, rights);
}

/* A call that must succeed (>= 0): its result. */
#define OK(call) ok_call(#call, (long)(call))
static long ok_call(const char *what, long r)
{
	CHECK(r >= 0, "%s: %s", what, strerror(errno));
	return r;
}

static struct kite_capstats capstats(void)
{
	struct kite_capstats s;

	CHECK(kite_capstats(&s) == 0, "kite_capstats: %s", strerror(errno));
	return s;
}

/* Every count of now must equal before's (objects alive by type, slots
 * in use, tables). */
static void same_objects(const struct kite_capstats *before, const char *when)
{
	struct kite_capstats now = capstats();
	static const char *const names[] = { "", "process", "thread",
					     "vmspace", "pmo" };

	for (int t = 1; t < KITE_CAP_NTYPES; t++)
		CHECK(now.live[t] == before->live[t],
		      "%s: %llu %s objects alive, %llu before", when,
		      (unsigned long long)now.live[t], names[t],
		      (unsigned long long)before->live[t]);
	CHECK(now.slots_used == before->slots_used && now.tables == before->tables,
	      "%s: %llu slots in %llu tables, %llu in %llu before", when,
	      (unsigned long long)now.slots_used, (unsigned long long)now.tables,
	      (unsigned long long)before->slots_used,
	      (unsigned long long)before->tables);
}

static uint64_t free_frames(void)
{
	struct kite_meminfo m;

	CHECK(kite_meminfo(&m) == 0, "kite_meminfo: %s", strerror(errno));
	return m.free;
}

/* The process table's entry of pid into *out; false if it has none. */
static bool proc_entry(pid_t pid, struct kite_procinfo *out)
{
	static struct kite_procinfo procs[256];
	long n = kite_procs(procs, ARRAY_SIZE(procs));

	CHECK(n >= 0, "kite_procs: %s", strerror(errno));
	for (long i = 0; i < n && i < (long)ARRAY_SIZE(procs); i++)
		if (procs[i].pid == pid) {
			*out = procs[i];
			return true;
		}
	return false;
}

/* Wait until pid is a zombie (it has exited; not reaped yet). */
static void zombie(pid_t pid)
{
	struct kite_procinfo e;
	uint64_t end = now_ms() + 5000;

	while (proc_entry(pid, &e) && e.state != 4) {
		CHECK(now_ms() < end, "pid %d not a zombie after 5 s", pid);
		sleep_ms(2);
	}
	CHECK(proc_entry(pid, &e), "pid %d reaped already", pid);
}

/* The region of this process that holds addr. */
static struct kite_region region_at(uintptr_t addr)
{
	static struct kite_region r[64];
	long n = kite_maps(0, r, ARRAY_SIZE(r));

	CHECK(n >= 0 && n <= (long)ARRAY_SIZE(r), "kite_maps: %ld", n);
	for (long i = 0; i < n; i++)
		if (r[i].start <= addr && addr < r[i].end)
			return r[i];
	fail("no region holds 0x%lx", (unsigned long)addr);
}

/* Wait for pid: its raw status. */
static int reap(pid_t pid)
{
	int st = -1;

	CHECK(waitpid(pid, &st, 0) == pid, "waitpid(%d): %s", pid, strerror(errno));
	return st;
}

/* Wait at most ms for pid to end: its raw status (a test fails rather
 * than hang when a process that should end does not). */
static int reap_within(pid_t pid, int ms)
{
	uint64_t end = now_ms() + (uint64_t)ms;
	int st = -1;
	pid_t r;

	while ((r = waitpid(pid, &st, WNOHANG)) == 0) {
		if (now_ms() >= end) {
			kill(pid, SIGKILL);
			reap(pid);
			fail("pid %d still there after %d ms", pid, ms);
		}
		sleep_ms(2);
	}
	CHECK(r == pid, "waitpid(%d): %s", pid, strerror(errno));
	return st;
}

/* Build a child running app with argv (NULL-terminated). */
static void build(struct capload *c, const char *app, char *const argv[])
{
	CHECK(capload_build(c, app, argv, NULL) == 0, "capload_build(%s): %s",
	      app, strerror(errno));
}

/* ---- helper modes: "captests --helper NAME ..." --------------------------- */

/* caps: find the first PMO among handles 2..63 (a fresh table's
 * generation 0), read it (it must start with "xyz") and exit with its
 * rights; 99: no PMO, 98: not "xyz". */
static int helper_caps(void)
{
	char buf[4] = { 0 };

	for (cap_t h = 2; h < 64; h++) {
		long q = cap_query(h);

		if (q < 0 || KITE_CAP_Q_TYPE(q) != KITE_CAP_PMO)
			continue;
		if (pmo_read(h, 0, buf, 3) != 3 || strcmp(buf, "xyz"))
			return 98;
		return KITE_CAP_Q_RIGHTS(q);
	}
	return 99;
}

/* exec: run by a forked test child after execve. Its table survived:
 * slots 0 and 1 with every right, 1 now the new vmspace (a PMO maps
 * into it and shows in kite_maps), the PMO it made before (handle 2),
 * and its copy of the old vmspace (handle 3), which nothing may map
 * into any more. Exit 0, or the number of the check that failed. */
static int helper_exec(void)
{
	long q0 = cap_query(CAP_SELF), q1 = cap_query(CAP_VMSPACE);
	long q2 = cap_query(2), q3 = cap_query(3), at;

	if (q0 < 0 || KITE_CAP_Q_TYPE(q0) != KITE_CAP_PROCESS ||
	    KITE_CAP_Q_RIGHTS(q0) != KITE_CAP_ALL)
		return 10;
	if (q1 < 0 || KITE_CAP_Q_TYPE(q1) != KITE_CAP_VMSPACE ||
	    KITE_CAP_Q_RIGHTS(q1) != KITE_CAP_ALL)
		return 11;
	if (q2 < 0 || KITE_CAP_Q_TYPE(q2) != KITE_CAP_PMO)
		return 12;
	if (q3 < 0 || KITE_CAP_Q_TYPE(q3) != KITE_CAP_VMSPACE)
		return 13;
	at = pmo_map(CAP_VMSPACE, 2, 0, PAGE, RW);
	if (at < 0 || strcmp((char *)at, "before exec"))
		return 14;
	if (pmo_map(3, 2, 0, PAGE, RW) != -1 || errno != ESRCH)
		return 15;
	return 0;
}

/* copier N: copy the first PMO of our table into the first process
 * other than us, N times (READ only); exit 0, or 1 on a failed copy,
 * 2 if the capabilities are not there. */
static int helper_copier(int n)
{
	cap_t target = -1, pmo = -1;

	for (cap_t h = 2; h < 64; h++) {
		long q = cap_query(h);

		if (q >= 0 && KITE_CAP_Q_TYPE(q) == KITE_CAP_PROCESS && target < 0)
			target = h;
		if (q >= 0 && KITE_CAP_Q_TYPE(q) == KITE_CAP_PMO && pmo < 0)
			pmo = h;
	}
	if (target < 0 || pmo < 0)
		return 2;
	for (int i = 0; i < n; i++)
		if (cap_copy(target, pmo, KITE_CAP_READ) < 0)
			return 1;
	return 0;
}

/* heap: a process built by hand has a heap after its program (below
 * 1 GiB here, even with a page mapped high up) and an mmap area: brk,
 * malloc and mmap work. 0, or the check that failed. */
static int helper_heap(void)
{
	char *start = sbrk(0), *p = sbrk(3 * PAGE), *m;
	void *big;

	if (p == (void *)-1 || (uintptr_t)start > (1UL << 30))
		return 30;
	memset(p, 7, 3 * PAGE);
	big = malloc(100000);
	if (!big)
		return 31;
	memset(big, 1, 100000);
	m = mmap(NULL, PAGE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return 32;
	m[0] = 1;
	return 0;
}

/* The helper's exit status, or -1 if argv asks for none. */
static int helper_main(int argc, char **argv)
{
	if (argc < 3 || strcmp(argv[1], "--helper"))
		return -1;
	if (!strcmp(argv[2], "caps"))
		return helper_caps();
	if (!strcmp(argv[2], "exec"))
		return helper_exec();
	if (!strcmp(argv[2], "heap"))
		return helper_heap();
	if (!strcmp(argv[2], "copier") && argc > 3)
		return helper_copier(atoi(argv[3]));
	return 100;
}

#endif
