/*
 * mmap.h - mmap, munmap, mprotect, madvise and mremap through the C
 * library wrappers (results and errno as on Linux), anonymous memory
 * shared across fork, and kite_maps' view of an address space. Included
 * once, by main.c, after vm.h. (The many corner cases of the arguments
 * are compared with Linux case by case elsewhere; these are the basics.)
 */
#ifndef KITE_VMTESTS_MMAP_H
#define KITE_VMTESTS_MMAP_H

#include "vm.h"

#define P PAGE

static void t_mmap_basic(void)
{
	char *p = map(8 * P, RW, PRIV);
	struct kite_region r;

	expect_bytes(p, 8 * P, 0, "a new mapping");
	memset(p, 0x5a, 8 * P);
	expect_region(p, p + 8 * P, RW);
	CHECK(region_at(p).kind == KITE_VM_ANON && region_at(p).resident == 8,
	      "kind %u, %lu pages resident", region_at(p).kind,
	      (unsigned long)region_at(p).resident);
	/* a hole in the middle splits it */
	EQ(munmap(p + 2 * P, 2 * P), 0);
	expect_region(p, p + 2 * P, RW);
	expect_region(p + 4 * P, p + 8 * P, RW);
	expect_segv(probe_load, p + 2 * P, "load from the hole");
	expect_segv(probe_store, p + 3 * P, "store to the hole");
	expect_bytes(p, 2 * P, 0x5a, "below the hole");
	expect_bytes(p + 4 * P, 4 * P, 0x5a, "above the hole");
	/* over the hole, and then over nothing at all: fine */
	EQ(munmap(p, 8 * P), 0);
	EQ(munmap(p, 8 * P), 0);
	CHECK(!find_region(p, &r) && !find_region(p + 7 * P, &r),
	      "still mapped after munmap");
	/* lengths are rounded up to whole pages */
	p = map(P + 1, RW, PRIV);
	expect_region(p, p + 2 * P, RW);
	p[2 * P - 1] = 1;
	EQ(munmap(p, P + 1), 0);
	CHECK(!find_region(p + P, &r), "munmap(P + 1) left the second page");
	/* PROT_NONE: mapped but out of reach; PROT_READ: zeroes, no stores */
	p = map(P, PROT_NONE, PRIV);
	expect_region(p, p + P, PROT_NONE);
	expect_segv(probe_load, p, "load from PROT_NONE");
	EQ(munmap(p, P), 0);
	p = map(P, PROT_READ, PRIV);
	expect_bytes(p, P, 0, "a read-only mapping");
	expect_segv(probe_store, p, "store to PROT_READ");
	EQ(munmap(p, P), 0);
}

static void t_mmap_errors(void)
{
	char *p = map(2 * P, RW, PRIV);

	ERR(mmap(NULL, 0, RW, PRIV, -1, 0), EINVAL);
	ERR(mmap(NULL, P, RW, MAP_ANONYMOUS, -1, 0), EINVAL); /* no type */
	ERR(mmap(NULL, P, RW, MAP_PRIVATE, -1, 0), EBADF); /* a file: fd -1 */
	ERR(mmap(NULL, P, RW, PRIV, -1, 1), EINVAL); /* offset within a page */
	ERR(mmap(p + 1, P, RW, PRIV | MAP_FIXED, -1, 0), EINVAL);
	ERR(mmap(KADDR, P, RW, PRIV | MAP_FIXED, -1, 0), ENOMEM);
	ERR(mmap(NULL, (size_t)-1, RW, PRIV, -1, 0), ENOMEM);
	ERR(mmap(NULL, 1UL << 40, RW, PRIV, -1, 0), ENOMEM); /* > user space */
	ERR(mmap(p, P, RW, PRIV | MAP_FIXED_NOREPLACE, -1, 0), EEXIST);
	ERR(munmap(p + 1, P), EINVAL);
	ERR(munmap(p, 0), EINVAL);
	ERR(munmap(KADDR, P), EINVAL);
	EQ(munmap(p, 2 * P), 0);
}

/* MAP_FIXED replaces what was there; MAP_FIXED_NOREPLACE only fills a
 * hole. */
static void t_mmap_fixed(void)
{
	char *q = map(4 * P, RW, PRIV), *r;

	memset(q, 0xaa, 4 * P);
	r = mmap(q + P, P, RW, PRIV | MAP_FIXED, -1, 0);
	CHECK(r == q + P, "mmap(MAP_FIXED at %p) = %p: %s", q + P, r,
	      strerror(errno));
	expect_bytes(q + P, P, 0, "the page MAP_FIXED replaced");
	expect_bytes(q, P, (char)0xaa, "below the replaced page");
	expect_bytes(q + 2 * P, 2 * P, (char)0xaa, "above the replaced page");
	EQ(munmap(q + P, P), 0);
	r = mmap(q + P, P, PROT_READ, PRIV | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(r == q + P, "mmap(MAP_FIXED_NOREPLACE at %p) = %p: %s", q + P, r,
	      strerror(errno));
	expect_region(q + P, q + 2 * P, PROT_READ);
	expect_bytes(q + P, P, 0, "the page mapped into the hole");
	EQ(munmap(q, 4 * P), 0);
}

static void t_mprotect(void)
{
	char *p = map(4 * P, RW, PRIV);

	memset(p, 'm', 4 * P);
	EQ(munmap(p + 3 * P, P), 0);
	EQ(mprotect(p + P, P, PROT_READ), 0);
	expect_region(p, p + P, RW);
	expect_region(p + P, p + 2 * P, PROT_READ);
	expect_region(p + 2 * P, p + 3 * P, RW);
	expect_bytes(p + P, P, 'm', "a page made read-only");
	expect_segv(probe_store, p + P, "store to a page made read-only");
	p[0] = p[2 * P] = 'x'; /* its neighbours are still writable */
	ERR(kite_meminfo((struct kite_meminfo *)(p + P)), EFAULT);
	EQ(mprotect(p + P, P, PROT_NONE), 0);
	expect_segv(probe_load, p + P, "load from a page made PROT_NONE");
	EQ(mprotect(p, 3 * P, RW), 0);
	expect_bytes(p + P, P, 'm', "a page back from PROT_NONE");
	p[P] = 'y';
	ERR(mprotect(p + 1, P, PROT_READ), EINVAL);
	ERR(mprotect(p, P, 0x40), EINVAL); /* an unknown bit */
	ERR(mprotect(p + 3 * P, P, PROT_READ), ENOMEM); /* not mapped */
	ERR(mprotect(p, 4 * P, PROT_READ), ENOMEM);     /* partly */
	EQ(mprotect(p, 0, PROT_READ), 0);
	EQ(munmap(p, 3 * P), 0);
}

static void t_madvise(void)
{
	char *p = map(8 * P, RW, PRIV), *s;
	uint64_t anon0;

	memset(p, 0x5a, 8 * P);
	anon0 = self_info().pages_anon;
	EQ(madvise(p + 2 * P, 4 * P, MADV_DONTNEED), 0);
	CHECK(region_at(p).resident == 4, "%lu of 8 pages resident after "
	      "dropping 4", (unsigned long)region_at(p).resident);
	CHECK(anon0 - self_info().pages_anon == 4, "pages_anon %lu, then %lu",
	      (unsigned long)anon0, (unsigned long)self_info().pages_anon);
	expect_bytes(p + 2 * P, 4 * P, 0, "after MADV_DONTNEED");
	expect_bytes(p, 2 * P, 0x5a, "below the dropped pages");
	expect_bytes(p + 6 * P, 2 * P, 0x5a, "above the dropped pages");
	p[2 * P] = 1;
	EQ(madvise(p, 8 * P, MADV_NORMAL), 0);
	EQ(madvise(p, 8 * P, MADV_WILLNEED), 0);
	EQ(madvise(p, 0, MADV_DONTNEED), 0);
	ERR(madvise(p + 1, P, MADV_DONTNEED), EINVAL);
	ERR(madvise(p, P, 12345), EINVAL);
	EQ(munmap(p + 7 * P, P), 0);
	ERR(madvise(p, 8 * P, MADV_NORMAL), ENOMEM);
	EQ(munmap(p, 7 * P), 0);
	/* shared memory keeps its data: only this mapping of it goes */
	s = map(P, RW, SHARED);
	memset(s, 's', P);
	EQ(madvise(s, P, MADV_DONTNEED), 0);
	expect_bytes(s, P, 's', "shared memory after MADV_DONTNEED");
	EQ(munmap(s, P), 0);
}

static void t_mremap(void)
{
	char *p = map(2 * P, RW, PRIV), *q, *n;
	struct kite_region r;

	memset(p, 'r', 2 * P);
	q = mremap(p, 2 * P, 4 * P, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED, "mremap(grow): %s", strerror(errno));
	expect_bytes(q, 2 * P, 'r', "a grown mapping's old pages");
	expect_bytes(q + 2 * P, 2 * P, 0, "a grown mapping's new pages");
	memset(q + 2 * P, 's', 2 * P);
	if (p + 2 * P <= q || p >= q + 4 * P)
		CHECK(!find_region(p, &r), "the old place is still mapped");
	EQ(mremap(q, 4 * P, P, 0), q); /* shrinks in place */
	CHECK(!find_region(q + P, &r), "a shrunk mapping's tail is mapped");
	expect_bytes(q, P, 'r', "a shrunk mapping");
	ERR(mremap(q + 1, P, 2 * P, MREMAP_MAYMOVE), EINVAL);
	ERR(mremap(q, P, 0, MREMAP_MAYMOVE), EINVAL);
	ERR(mremap(q, P, 2 * P, 0x80), EINVAL);
	ERR(mremap(q, P, 2 * P, MREMAP_FIXED, q + 64 * P), EINVAL);
	/* no room to grow in place, and not allowed to move */
	n = mmap(q + P, P, RW, PRIV | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(n == q + P, "mmap(MAP_FIXED_NOREPLACE at %p) = %p", q + P, n);
	ERR(mremap(q, P, 2 * P, 0), ENOMEM);
	EQ(munmap(q, 2 * P), 0);
	ERR(mremap(q, P, 2 * P, MREMAP_MAYMOVE), EFAULT); /* nothing there */
}

/* ---- MAP_SHARED across fork ------------------------------------------------ */

#define ROUNDS 1000

/* Wait (yielding) until *c is want; false after the deadline. */
static bool await(volatile uint64_t *c, uint64_t want, uint64_t deadline)
{
	while (__atomic_load_n(c, __ATOMIC_ACQUIRE) != want) {
		if (now_ms() > deadline)
			return false;
		sched_yield();
	}
	return true;
}

static void put(volatile uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, v, __ATOMIC_RELEASE);
}

/* Parent and child take turns counting in a shared page; a grandchild's
 * write reaches the parent too. The page is counted as shared. */
static void t_shared_pingpong(void)
{
	volatile uint64_t *c = (volatile uint64_t *)map(P, RW, SHARED);
	uint64_t end = now_ms() + 30000;
	struct kite_meminfo mi = { 0 };
	struct kite_region r;
	pid_t pid = fork(), g;

	if (pid == 0) {
		for (uint64_t i = 0; i < ROUNDS; i++) {
			if (!await(c, 2 * i + 1, end))
				exit(3);
			put(c, 2 * i + 2);
		}
		if ((g = fork()) == 0) {
			put(c + 1, 0x5eed);
			exit(0);
		}
		exit(g > 0 && waitpid(g, NULL, 0) == g ? 0 : 4);
	}
	CHECK(pid > 0, "fork: %s", strerror(errno));
	for (uint64_t i = 0; i < ROUNDS; i++) {
		put(c, 2 * i + 1);
		if (!await(c, 2 * i + 2, end)) {
			kill(pid, SIGKILL);
			fail("round %lu: the child never answered (counter %lu)",
			     (unsigned long)i, (unsigned long)*c);
		}
	}
	reap_ok(pid, "the counting child");
	CHECK(c[1] == 0x5eed, "a grandchild's store did not arrive: 0x%lx",
	      (unsigned long)c[1]);
	r = region_at((const void *)c);
	CHECK(r.kind == KITE_VM_SHARED && (r.flags & KITE_VMF_SHARED) &&
	      r.resident == 1, "region kind %u flags 0x%x, %lu resident", r.kind,
	      r.flags, (unsigned long)r.resident);
	EQ(self_info().pages_shared, 1);
	EQ(kite_meminfo(&mi), 0);
	CHECK(mi.shared >= 1, "meminfo: %lu frames shared", (unsigned long)mi.shared);
	EQ(munmap((void *)c, P), 0);
}

/* ---- kite_maps ------------------------------------------------------------ */

/* Regions are sorted, page-aligned, apart, sane. */
static void check_regions(const struct kite_region *r, long n)
{
	for (long i = 0; i < n; i++) {
		CHECK(r[i].start < r[i].end && !(r[i].start & (P - 1)) &&
		      !(r[i].end & (P - 1)) && r[i].end <= 0x4000000000UL,
		      "region %ld: [0x%lx, 0x%lx)", i, (unsigned long)r[i].start,
		      (unsigned long)r[i].end);
		CHECK(i == 0 || r[i - 1].end <= r[i].start, "regions %ld and %ld "
		      "overlap or are out of order", i - 1, i);
		CHECK(!(r[i].prot & ~(unsigned)(PROT_READ | PROT_WRITE | PROT_EXEC)) &&
		      r[i].kind < KITE_VM_NKINDS &&
		      r[i].resident <= (r[i].end - r[i].start) / P,
		      "region %ld: prot %u kind %u resident %lu", i, r[i].prot,
		      r[i].kind, (unsigned long)r[i].resident);
	}
}

/* The region at addr is of kind, with prot (and flags if not 0). */
static void expect_kind(const void *addr, unsigned kind, int prot,
			unsigned flags)
{
	struct kite_region r = region_at(addr);

	CHECK(r.kind == kind && r.prot == (uint32_t)prot &&
	      (r.flags & flags) == flags, "region at %p: kind %u prot %u flags "
	      "0x%x, want kind %u prot %d flags 0x%x", addr, r.kind, r.prot,
	      r.flags, kind, prot, flags);
}

static void t_maps(void)
{
	static struct kite_region r[64];
	uint64_t resident[KITE_VM_NKINDS] = { 0 }, vsz = 0;
	struct kite_procinfo me;
	char *heap = sbrk(P), local = 1, *a = map(2 * P, RW, PRIV);
	char *s = map(P, RW, SHARED);
	pid_t kid;
	long n, theirs;

	CHECK(heap != (void *)-1, "sbrk: %s", strerror(errno));
	heap[0] = a[0] = s[0] = local;
	n = regions(0, r, ARRAY_SIZE(r)); /* once to fault in r and the stack */
	self_info();
	n = regions(0, r, ARRAY_SIZE(r));
	me = self_info();
	check_regions(r, n);
	expect_kind((void *)t_maps, KITE_VM_CODE, PROT_READ | PROT_EXEC, 0);
	expect_kind(cow_global, KITE_VM_DATA, RW, 0);
	expect_kind(heap, KITE_VM_HEAP, RW, 0);
	expect_kind(&local, KITE_VM_STACK, RW, KITE_VMF_GROWSDOWN);
	expect_kind(a, KITE_VM_ANON, RW, 0);
	expect_kind(s, KITE_VM_SHARED, RW, KITE_VMF_SHARED);
	for (long i = 0; i < n; i++) {
		resident[r[i].kind] += r[i].resident;
		vsz += r[i].end - r[i].start;
	}
	CHECK(vsz == me.vsz, "regions cover %lu KiB, vsz %lu KiB",
	      (unsigned long)vsz / KIB, (unsigned long)me.vsz / KIB);
	CHECK(resident[KITE_VM_CODE] == me.pages_code &&
	      resident[KITE_VM_DATA] == me.pages_data &&
	      resident[KITE_VM_HEAP] == me.pages_heap &&
	      resident[KITE_VM_STACK] == me.pages_stack &&
	      resident[KITE_VM_ANON] == me.pages_anon &&
	      resident[KITE_VM_SHARED] == me.pages_shared, "resident pages by "
	      "kind (code data heap stack anon shared): regions %lu %lu %lu %lu "
	      "%lu %lu, kite_procs %lu %lu %lu %lu %lu %lu",
	      (unsigned long)resident[0], (unsigned long)resident[1],
	      (unsigned long)resident[2], (unsigned long)resident[3],
	      (unsigned long)resident[4], (unsigned long)resident[5],
	      (unsigned long)me.pages_code, (unsigned long)me.pages_data,
	      (unsigned long)me.pages_heap, (unsigned long)me.pages_stack,
	      (unsigned long)me.pages_anon, (unsigned long)me.pages_shared);
	/* a short buffer: the count all the same, and only n entries filled */
	memset(&r[1], 0x77, sizeof(r[1]));
	EQ(kite_maps(0, r, 1), n);
	CHECK(r[1].start == 0x7777777777777777UL, "kite_maps(n = 1) wrote "
	      "a second entry");
	/* another process's */
	CHECK((kid = sleeper()) > 0, "fork: %s", strerror(errno));
	theirs = kite_maps(kid, r, ARRAY_SIZE(r));
	EQ(kill(kid, SIGKILL), 0);
	EQ(waitpid(kid, NULL, 0), kid);
	CHECK(theirs == n, "kite_maps(a forked child) = %ld (errno %d), we "
	      "have %ld regions", theirs, errno, n);
	ERR(kite_maps(kid, r, ARRAY_SIZE(r)), ESRCH);
	ERR(kite_maps(-1, r, ARRAY_SIZE(r)), ESRCH);
	ERR(kite_maps(0, KADDR, ARRAY_SIZE(r)), EFAULT);
	ERR(kite_maps(0, NULL, ARRAY_SIZE(r)), EFAULT);
}

#undef P
#endif
