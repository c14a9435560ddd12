/*
 * lock.h - vmtests of memory locks and residency (mm/vmlock.c): mincore
 * before and after touching, mlock faulting pages in and mlock2's
 * MLOCK_ONFAULT not, munlock, the RLIMIT_MEMLOCK rules, mlockall with
 * MCL_CURRENT and MCL_FUTURE (new mappings and the heap locked at once,
 * -EAGAIN past the limit), MAP_LOCKED, a fork's child without the locks,
 * madvise(MADV_DONTNEED) refused on locked memory, msync's checks, and
 * every error path. (Locked pages staying out of swap under pressure is
 * swaptests' mlock_stays.)
 */
#ifndef KITE_VMTESTS_LOCK_H
#define KITE_VMTESTS_LOCK_H

#include "vm.h"

#define LOCK_PAGES 16

/* How many of the n pages at p mincore says are in memory. */
static int resident(const char *p, size_t n)
{
	static unsigned char vec[256];
	int count = 0;

	CHECK(n <= sizeof(vec), "resident: %zu pages", n);
	EQ(syscall3(SYS_mincore, p, n * PAGE, vec), 0);
	for (size_t i = 0; i < n; i++)
		count += vec[i] & 1;
	return count;
}

static void set_memlock(uint64_t bytes)
{
	struct rlimit rl = { bytes, bytes };

	CHECK(setrlimit(RLIMIT_MEMLOCK, &rl) == 0, "setrlimit: %s", strerror(errno));
}

static void t_mincore(void)
{
	char *p = map(LOCK_PAGES * PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS);
	char *s = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
	unsigned char vec[LOCK_PAGES];
	pid_t c;

	EQ(resident(p, LOCK_PAGES), 0); /* nothing touched yet */
	p[0] = 1;
	p[5 * PAGE] = 1;
	EQ(resident(p, LOCK_PAGES), 2);
	EQ(syscall3(SYS_mincore, p, LOCK_PAGES * PAGE, vec), 0);
	CHECK(vec[0] == 1 && vec[5] == 1 && vec[1] == 0, "vec %d %d %d",
	      vec[0], vec[1], vec[5]);
	EQ(syscall3(SYS_mincore, p, PAGE + 1, vec), 0); /* two pages */
	EQ(syscall3(SYS_mincore, p, 0, vec), 0);
	/* a shared page made by another process is in memory for us too */
	c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		s[2 * PAGE] = 7;
		_exit(0);
	}
	reap_code(c, 0, "child touching the shared page");
	EQ(syscall3(SYS_mincore, s, 4 * PAGE, vec), 0);
	CHECK(vec[2] == 1 && vec[0] == 0, "shared vec %d %d", vec[0], vec[2]);
	/* errors, in Linux's order */
	EQ(syscall3(SYS_mincore, p + 1, PAGE, vec), -EINVAL);
	EQ(syscall3(SYS_mincore, p, PAGE, KADDR), -EFAULT);
	EQ(syscall3(SYS_mincore, p, PAGE, NULL), -EFAULT);
	EQ(syscall3(SYS_mincore, KADDR, PAGE, vec), -ENOMEM);
	EQ(syscall3(SYS_mincore, p, ~0UL - PAGE, vec), -ENOMEM);
	EQ(munmap(p + 8 * PAGE, PAGE), 0);
	EQ(syscall3(SYS_mincore, p, LOCK_PAGES * PAGE, vec), -ENOMEM); /* a hole */
}

static void t_mlock(void)
{
	char *p = map(LOCK_PAGES * PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS);
	char *q = map(LOCK_PAGES * PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS);
	uint64_t free0 = free_frames();
	struct kite_region r;
	pid_t c;

	/* an unaligned start is rounded down, the end up: pages 2..5 */
	EQ(syscall2(SYS_mlock, p + 2 * PAGE + 100, 3 * PAGE), 0);
	EQ(resident(p, LOCK_PAGES), 4);
	CHECK(taken_since(free0) >= 4, "mlock took %ld frames", taken_since(free0));
	r = region_at(p + 2 * PAGE);
	CHECK(r.start == (uintptr_t)(p + 2 * PAGE) && r.end == (uintptr_t)(p + 6 * PAGE) &&
	      (r.flags & KITE_VMF_LOCKED), "locked region [0x%lx, 0x%lx) flags %x",
	      (unsigned long)r.start, (unsigned long)r.end, r.flags);
	CHECK(!(region_at(p).flags & KITE_VMF_LOCKED), "page 0 locked");
	EQ(syscall3(SYS_madvise, p + 2 * PAGE, PAGE, MADV_DONTNEED), -EINVAL);
	EQ(syscall3(SYS_madvise, p, PAGE, MADV_DONTNEED), 0);
	/* a fork's child has no locks */
	c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		struct kite_region cr;

		_exit(find_region(p + 2 * PAGE, &cr) && !(cr.flags & KITE_VMF_LOCKED) ? 0 : 2);
	}
	reap_code(c, 0, "child's regions");
	/* munlock: the regions join again (with q too, next to p) */
	EQ(syscall2(SYS_munlock, p, LOCK_PAGES * PAGE), 0);
	r = region_at(p);
	CHECK(r.start <= (uintptr_t)p && r.end >= (uintptr_t)(p + LOCK_PAGES * PAGE) &&
	      !(r.flags & KITE_VMF_LOCKED), "after munlock: [0x%lx, 0x%lx) flags %x",
	      (unsigned long)r.start, (unsigned long)r.end, r.flags);
	EQ(resident(p, LOCK_PAGES), 4); /* unlocked, still there */
	/* MLOCK_ONFAULT: locked, nothing made */
	EQ(syscall3(SYS_mlock2, q, 4 * PAGE, 1), 0);
	EQ(resident(q, LOCK_PAGES), 0);
	CHECK(region_at(q).flags & KITE_VMF_LOCKED, "mlock2 region not locked");
	q[PAGE] = 1;
	EQ(resident(q, LOCK_PAGES), 1);
	EQ(syscall3(SYS_mlock2, q, PAGE, 2), -EINVAL);
	/* PROT_NONE memory is locked without pages */
	EQ(mprotect(q + 8 * PAGE, 2 * PAGE, PROT_NONE), 0);
	EQ(syscall2(SYS_mlock, q + 8 * PAGE, 2 * PAGE), 0);
	EQ(resident(q + 8 * PAGE, 2), 0);
	/* errors: a hole (the pieces before it stay locked), a wrap */
	EQ(munmap(p + 10 * PAGE, PAGE), 0);
	EQ(syscall2(SYS_mlock, p + 8 * PAGE, 4 * PAGE), -ENOMEM);
	CHECK(region_at(p + 8 * PAGE).flags & KITE_VMF_LOCKED, "before the hole");
	EQ(syscall2(SYS_munlock, p + 8 * PAGE, 4 * PAGE), -ENOMEM);
	EQ(syscall2(SYS_mlock, p, ~0UL), 0); /* rounds to length 0, as Linux */
	EQ(syscall2(SYS_mlock, p, ~0UL - 2 * PAGE), -EINVAL); /* wraps */
	EQ(syscall2(SYS_mlock, KADDR, PAGE), -ENOMEM);
	EQ(syscall2(SYS_mlock, p, 0), 0);
}

static void t_mlock_limit(void)
{
	char *p = map(64 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);

	set_memlock(8 * PAGE);
	EQ(syscall2(SYS_mlock, p, 8 * PAGE), 0);
	EQ(syscall2(SYS_mlock, p, 8 * PAGE), 0); /* again: nothing new */
	EQ(syscall2(SYS_mlock, p + 8 * PAGE, PAGE), -ENOMEM);
	EQ(syscall2(SYS_mlock, p + 4 * PAGE, 5 * PAGE), -ENOMEM);
	EQ(syscall2(SYS_munlock, p, 2 * PAGE), 0);
	EQ(syscall2(SYS_mlock, p + 8 * PAGE, 2 * PAGE), 0); /* room again */
	EQ(syscall1(SYS_mlockall, MCL_CURRENT), -ENOMEM); /* the whole space */
	set_memlock(0);
	EQ(syscall2(SYS_mlock, p, PAGE), -EPERM);
	EQ(syscall1(SYS_mlockall, MCL_FUTURE), -EPERM);
	/* munlock needs no limit */
	EQ(syscall2(SYS_munlock, p, 64 * PAGE), 0);
	EQ(syscall0(SYS_munlockall), 0);
}

static void t_mlockall(void)
{
	char *before = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	char *p, *brk0;

	EQ(syscall1(SYS_mlockall, 0), -EINVAL);
	EQ(syscall1(SYS_mlockall, MCL_ONFAULT), -EINVAL);
	EQ(syscall1(SYS_mlockall, 8), -EINVAL);
	EQ(syscall1(SYS_mlockall, MCL_CURRENT | MCL_FUTURE), 0);
	EQ(resident(before, 4), 4);
	CHECK(region_at(before).flags & KITE_VMF_LOCKED, "old mapping not locked");
	/* new mappings come locked and in memory */
	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	EQ(resident(p, 4), 4);
	CHECK(region_at(p).flags & KITE_VMF_LOCKED, "new mapping not locked");
	/* and the heap's new pages */
	brk0 = sys_brk(NULL);
	CHECK(sys_brk(brk0 + 8 * PAGE) == brk0 + 8 * PAGE, "brk");
	EQ(resident((char *)PG_UP(brk0), 7), 7);
	/* past the limit a new mapping is refused */
	set_memlock(self_info().vsz + 64 * PAGE);
	CHECK(mmap(NULL, 256 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
	      MAP_FAILED && errno == EAGAIN, "a mapping past RLIMIT_MEMLOCK: %s",
	      strerror(errno));
	EQ(syscall0(SYS_munlockall), 0);
	CHECK(!(region_at(p).flags & KITE_VMF_LOCKED), "still locked");
	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	EQ(resident(p, 4), 0); /* no more MCL_FUTURE */
	/* MCL_FUTURE | MCL_ONFAULT: locked, made on touch */
	EQ(syscall1(SYS_mlockall, MCL_FUTURE | MCL_ONFAULT), 0);
	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	EQ(resident(p, 4), 0);
	CHECK(region_at(p).flags & KITE_VMF_LOCKED, "onfault mapping not locked");
	EQ(syscall0(SYS_munlockall), 0);
	/* MAP_LOCKED alone */
	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED);
	EQ(resident(p, 4), 4);
	CHECK(region_at(p).flags & KITE_VMF_LOCKED, "MAP_LOCKED not locked");
}

static void t_msync(void)
{
	char *p = map(8 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);

	EQ(syscall3(SYS_msync, p, 8 * PAGE, MS_SYNC), 0);
	EQ(syscall3(SYS_msync, p, 8 * PAGE, MS_ASYNC | MS_INVALIDATE), 0);
	EQ(syscall3(SYS_msync, p, 0, MS_SYNC), 0);
	EQ(syscall3(SYS_msync, p + 1, PAGE, MS_SYNC), -EINVAL);
	EQ(syscall3(SYS_msync, p, PAGE, MS_SYNC | MS_ASYNC), -EINVAL);
	EQ(syscall3(SYS_msync, p, PAGE, 8), -EINVAL);
	EQ(munmap(p + 4 * PAGE, PAGE), 0);
	EQ(syscall3(SYS_msync, p, 8 * PAGE, MS_SYNC), -ENOMEM);
	EQ(syscall3(SYS_msync, KADDR, PAGE, MS_SYNC), -ENOMEM);
	EQ(syscall2(SYS_mlock, p, PAGE), 0);
	EQ(syscall3(SYS_msync, p, PAGE, MS_INVALIDATE), -EBUSY);
	EQ(syscall3(SYS_msync, p, PAGE, MS_SYNC), 0);
}

#endif
