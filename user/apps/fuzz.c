/*
 * fuzz.c - throw random arguments at the system calls, and random
 * mappings, protections and touches at the memory system.
 *
 *	fuzz [N [SEED [PROCS [failalloc]]]]
 *
 * Makes N (default 20000) operations in all from PROCS (default 1)
 * forked children at once, each with its own seed; every FORK_EVERY
 * operations a child also forks a short-lived fuzzing grandchild and
 * reaps it, so processes come and go meanwhile. It checks that the
 * kernel answers each call with a result or an error and never dies,
 * that every process ends as it should, and that every frame is back.
 *
 * Most operations are system calls with random numbers and arguments -
 * small integers, -1, huge values, NULL, kernel addresses, unmapped and
 * barely mapped user addresses. Calls that would block or end the
 * fuzzer (exit, a console read, a blocking wait, long sleeps) or
 * multiply it (clone, spawn) get tamer arguments instead of being
 * skipped; the memory calls' user addresses are moved into the arena
 * below, so that the fuzzer's own code, data and stack stay mapped.
 *
 * One operation in four works on memory (vm_op): mmap (MAP_FIXED or
 * MAP_FIXED_NOREPLACE into the arena, private or shared, any protection,
 * PROT_NONE too; or where the kernel chooses), munmap, mprotect,
 * madvise, mremap and brk of random sizes, and touches. The fuzzer
 * tracks each arena page (unmapped, its protection, or unknown after a
 * random call or a failure) and touches only what it knows to be
 * readable (reads) or writable (writes, read back if private); a fresh
 * mapping must read zero. Touches that may fault - anywhere in the user
 * half, after MAP_FIXED, munmap and mprotect at random user addresses,
 * its own text and stack included - happen in a forked "toucher",
 * which may end by SIGSEGV, SIGBUS or SIGILL.
 *
 * With "failalloc" (the kernel fails allocations at random) a process
 * killed for want of memory (SIGKILL, or SIGSEGV or SIGBUS from a fault
 * that could not be served) is no error. Exits 0 if all went well.
 */
#include "kite.h"
#include "uapi/syscall.h"

#define PAGE 4096UL
#define MIB (1UL << 20)
#define USER_TOP 0x4000000000UL /* end of the user half (Sv39) */

static uint64_t state;
static bool lenient; /* "failalloc": kills for want of memory are fine */

static uint64_t rnd(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

static char page[8192] __attribute__((aligned(4096)));

/* A random argument: mostly awkward values. */
static long arg(void)
{
	switch (rnd() % 12) {
	case 0: return 0;
	case 1: return -1;
	case 2: return (long)(rnd() % 64);
	case 3: return (long)0xffffffc080000000UL;      /* kernel direct map */
	case 4: return (long)0xffffffff80200000UL;      /* kernel text */
	case 5: return (long)0x3ffffff000UL;            /* top of user space */
	case 6: return (long)(page + rnd() % sizeof(page));
	case 7: return (long)(page + sizeof(page) - 3); /* straddles onward */
	case 8: return (long)0x1000;                    /* unmapped low page */
	case 9: return (long)(rnd() >> (rnd() % 64));
	case 10: return (long)0x7fffffffffffffffL;
	default: return (long)rnd();
	}
}

/* ---- the arena: memory the fuzzer keeps track of ------------------------ */

/* Far from the code, the heap and the stack; the kernel may put
 * mappings of its choice here too, which the table then records. */
#define ARENA ((char *)0x1000000000UL)
#define ARENA_PAGES 256 /* 1 MiB */
#define ARENA_BYTES (ARENA_PAGES * PAGE)
/* a page's state: its PROT_* bits (and SHARED), or one of these */
#define UNMAPPED (-1)
#define UNKNOWN (-2)
#define SHARED_BIT 0x10
#define OUTSIDE_MAX 4    /* mappings the kernel placed outside the arena */
#define OUTSIDE_PAGES 256
#define HEAP_MAX (4 * MIB)   /* brk stays below heap0 + this */
#define HEAP_TOUCH (2 * MIB) /* touches stay below heap0 + this */

static signed char arena[ARENA_PAGES];
static struct { char *addr; size_t len; int state; } outside[OUTSIDE_MAX];
static char *heap0, *heap_top; /* start of the heap, the break last seen */

static bool in_user(long a) { return a >= 0 && (unsigned long)a < USER_TOP; }

static void arena_set(size_t first, size_t n, int st)
{
	for (size_t i = first; i < first + n && i < ARENA_PAGES; i++)
		arena[i] = (signed char)st;
}

/* Mark what [addr, addr+len) covers of the arena as st. */
static void arena_mark(uintptr_t addr, size_t len, int st)
{
	uintptr_t lo = (uintptr_t)ARENA, hi = lo + ARENA_BYTES;
	uintptr_t end = addr + len < addr ? UINTPTR_MAX : addr + len;

	if (end <= lo || addr >= hi)
		return;
	addr = addr < lo ? lo : addr & ~(PAGE - 1);
	end = end > hi ? hi : end;
	arena_set((addr - lo) / PAGE, (end - addr + PAGE - 1) / PAGE, st);
}

/* A user address moved into the arena, keeping its offset in a page
 * (so misaligned ones stay misaligned); others are left as they are. */
static long into_arena(long a)
{
	return in_user(a) ? (long)(ARENA + (unsigned long)a % ARENA_BYTES) : a;
}

/* A length from a that ends at the arena's end at the latest. */
static long clamp_len(long a, long len)
{
	long room = (long)(ARENA + ARENA_BYTES) - a;

	return in_user(a) && (unsigned long)len > (unsigned long)room ? room : len;
}

/* ---- random system calls ------------------------------------------------- */

static const int numbers[] = {
	SYS_ioctl, SYS_read, SYS_write, SYS_exit, SYS_exit_group, SYS_nanosleep,
	SYS_clock_gettime, SYS_sched_yield, SYS_kill, SYS_set_priority,
	SYS_times, SYS_uname, SYS_gettimeofday, SYS_getpid, SYS_getppid,
	SYS_gettid, SYS_brk, SYS_munmap, SYS_clone, SYS_execve, SYS_mmap,
	SYS_wait4, SYS_spawn, SYS_kite_apps, SYS_kite_procs, SYS_kite_meminfo,
	SYS_kite_sched, SYS_prlimit64, SYS_getrlimit, SYS_setrlimit,
	SYS_kite_cpustat, SYS_mprotect, SYS_madvise, SYS_mremap, SYS_kite_maps,
};

/* Memory calls with random arguments, tamed: user addresses go into the
 * arena and stop at its end; what they cover becomes unknown. */
static void tame_vm_call(long n, long a[6])
{
	if (n == SYS_mmap || n == SYS_munmap || n == SYS_mprotect ||
	    n == SYS_madvise || n == SYS_mremap) {
		a[0] = into_arena(a[0]); /* for mmap a fixed address or a hint */
		a[1] = clamp_len(a[0], a[1]);
	}
	switch (n) {
	case SYS_mmap:
		a[3] &= ~(long)(MAP_POPULATE | MAP_LOCKED); /* lazy: no hog */
		break;
	case SYS_madvise:
		if (a[2] == MADV_DONTFORK)
			a[2] = MADV_DOFORK; /* children must see what we see */
		break;
	case SYS_mremap:
		a[4] = into_arena(a[4]);
		if (in_user(a[4]))
			a[2] = clamp_len(a[4], a[2]);
		break;
	case SYS_brk:
		if (in_user(a[0]) && (char *)a[0] > heap0 + HEAP_MAX)
			a[0] = (long)(heap0 + (unsigned long)a[0] % HEAP_MAX);
		break;
	}
}

static void one_call(void)
{
	long n = rnd() % 4 ? numbers[rnd() % ARRAY_SIZE(numbers)]
			   : (long)(rnd() % 1024);
	long a[6], r;

	for (int i = 0; i < 6; i++)
		a[i] = arg();
	switch (n) {
	case SYS_exit:
	case SYS_exit_group:
		return; /* would end the fuzzer */
	case SYS_write:
		if (a[0] == 1 || a[0] == 2)
			a[0] = 3; /* keep random bytes off the console */
		break;
	case SYS_read:
		if (a[0] == 0)
			a[0] = 3; /* not the console: it would wait for input */
		break;
	case SYS_nanosleep:
		a[0] = 0; /* NULL: -EFAULT, no long sleep */
		break;
	case SYS_wait4:
		a[2] = WNOHANG;
		break;
	case SYS_kill:
		if (a[1] == SIGKILL || a[1] == SIGTERM || a[1] == SIGINT)
			a[1] = 0; /* probe: end nobody (other signals: -EINVAL) */
		break;
	case SYS_clone:
	case SYS_spawn:
	case SYS_execve:
		a[0] = (long)"no-such-app";
		if (n == SYS_clone)
			a[0] = 0; /* bad flags: -EINVAL */
		break;
	case SYS_ioctl:
		if (a[1] == TCSETS)
			a[1] = TCGETS; /* keep the console as it is */
		break;
	case SYS_kite_sched:
		a[0] = 0; /* do not switch the class under other tests */
		break;
	default:
		tame_vm_call(n, a);
	}
	r = syscall6(n, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (n == SYS_mmap || n == SYS_munmap || n == SYS_mprotect ||
	    n == SYS_madvise || n == SYS_mremap) {
		/* what it covered, and where a mapping went, are unknown */
		arena_mark((uintptr_t)a[0], (size_t)a[1], UNKNOWN);
		if ((n == SYS_mmap || n == SYS_mremap) && !SYSCALL_IS_ERR(r))
			arena_mark((uintptr_t)r, (size_t)a[n == SYS_mmap ? 1 : 2],
				   UNKNOWN);
	} else if (n == SYS_brk) {
		heap_top = sys_brk(NULL);
	}
}

/* ---- memory operations --------------------------------------------------- */

static int vm_bad; /* problems found; the first few are printed */

#define PROBLEM(...) \
	do { if (vm_bad++ < 5) printf("fuzz: " __VA_ARGS__); } while (0)

/* Touch 32 KiB of stack below us now, so that the stack need not grow
 * later, when a fuzzed setrlimit or prlimit may have lowered
 * RLIMIT_STACK. */
static __attribute__((noinline)) void prefault_stack(void)
{
	volatile char pad[32 * 1024];

	for (size_t i = 0; i < sizeof(pad); i += PAGE)
		pad[i] = 0;
}

/* The heap as it is and an empty arena (unknown if munmap fails). */
static void vm_init(void)
{
	heap0 = heap_top = sys_brk(NULL);
	arena_set(0, ARENA_PAGES,
		  munmap(ARENA, ARENA_BYTES) == 0 ? UNMAPPED : UNKNOWN);
}

static int rnd_prot(void)
{
	static const int prots[] = {
		PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE,
		PROT_READ | PROT_EXEC, PROT_WRITE,
		PROT_READ | PROT_WRITE | PROT_EXEC,
	};

	return prots[rnd() % ARRAY_SIZE(prots)];
}

/* A run of arena pages: mostly a few, now and then up to all. */
static void arena_range(size_t *first, size_t *n)
{
	*first = rnd() % ARENA_PAGES;
	*n = 1 + rnd() % (rnd() % 4 ? 8 : ARENA_PAGES);
	if (*first + *n > ARENA_PAGES)
		*n = ARENA_PAGES - *first;
}

/* A mapping made where the kernel chose: recorded in the arena if it is
 * there; otherwise in a free outside slot, or unmapped again. */
static void record(char *p, size_t len, int st)
{
	if ((uintptr_t)p < (uintptr_t)ARENA + ARENA_BYTES &&
	    (uintptr_t)p + len > (uintptr_t)ARENA) {
		arena_mark((uintptr_t)p, len, st);
		return;
	}
	for (int k = 0; k < OUTSIDE_MAX; k++)
		if (!outside[k].addr) {
			outside[k].addr = p;
			outside[k].len = len;
			outside[k].state = st;
			return;
		}
	munmap(p, len);
}

static void arena_map(void)
{
	size_t first, n;
	int prot = rnd_prot(), shared = rnd() % 3 == 0;
	int flags = (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS;
	char *want, *got;

	arena_range(&first, &n);
	want = ARENA + first * PAGE;
	flags |= rnd() % 4 ? MAP_FIXED : MAP_FIXED_NOREPLACE;
	flags |= rnd() % 4 ? 0 : MAP_NORESERVE;
	flags |= rnd() % 8 ? 0 : MAP_POPULATE;
	got = mmap(want, n * PAGE, prot, flags, -1, 0);
	if (got == want) {
		volatile char *at = want + rnd() % (n * PAGE);

		arena_set(first, n, prot | (shared ? SHARED_BIT : 0));
		if ((prot & PROT_READ) && *at) /* fresh memory reads zero */
			PROBLEM("a fresh mapping reads 0x%x at %p\n", *at & 0xff,
				(void *)at);
	} else if (got == MAP_FAILED) {
		if (flags & MAP_FIXED) /* it may have unmapped what was there */
			arena_set(first, n, UNKNOWN);
	} else {
		PROBLEM("mmap(%p, flags 0x%x) = %p, not where asked\n", want,
			flags, got);
		arena_mark((uintptr_t)got, n * PAGE, UNKNOWN);
	}
}

static void arena_unmap(void)
{
	size_t first, n;

	arena_range(&first, &n);
	arena_set(first, n, munmap(ARENA + first * PAGE, n * PAGE) == 0
			    ? UNMAPPED : UNKNOWN);
}

/* Known pages get the new protection; unknown ones stay unknown (one
 * may be shared memory grown past its size, which faults); on failure
 * some may have changed. */
static void arena_protect(void)
{
	size_t first, n;
	int prot = rnd_prot();

	arena_range(&first, &n);
	if (mprotect(ARENA + first * PAGE, n * PAGE, prot) < 0) {
		arena_set(first, n, UNKNOWN);
		return;
	}
	for (size_t i = first; i < first + n; i++)
		if (arena[i] >= 0)
			arena[i] = (signed char)(prot | (arena[i] & SHARED_BIT));
}

/* Advice never changes what is mapped or how (MADV_DONTFORK would, for
 * children: left out). */
static void arena_advise(void)
{
	static const int advice[] = {
		MADV_DONTNEED, MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL,
		MADV_WILLNEED, MADV_FREE, MADV_REMOVE, MADV_DOFORK,
		MADV_DONTDUMP, MADV_DODUMP, MADV_WIPEONFORK, MADV_KEEPONFORK,
		MADV_COLD, MADV_PAGEOUT, MADV_POPULATE_READ,
		MADV_POPULATE_WRITE, 12345,
	};
	size_t first, n;

	arena_range(&first, &n);
	madvise(ARENA + first * PAGE, n * PAGE, advice[rnd() % ARRAY_SIZE(advice)]);
}

/* Grow, shrink or move a run; what it covered and where it went are
 * unknown after. */
static void arena_remap(void)
{
	size_t first, n, to = rnd() % ARENA_PAGES, new_n = 1 + rnd() % 8;
	int flags = (int)(rnd() % 3); /* 0, MAYMOVE, FIXED (invalid alone) */
	char *got;

	arena_range(&first, &n);
	if (flags == MREMAP_FIXED)
		flags |= MREMAP_MAYMOVE;
	if (to + new_n > ARENA_PAGES)
		new_n = ARENA_PAGES - to;
	got = mremap(ARENA + first * PAGE, n * PAGE, new_n * PAGE, flags,
		     ARENA + to * PAGE);
	arena_set(first, n, UNKNOWN);
	if (got != MAP_FAILED)
		arena_mark((uintptr_t)got, new_n * PAGE, UNKNOWN);
}

/* A mapping where the kernel chooses, or one of those unmapped or
 * resized. */
static void outside_op(void)
{
	int k = (int)(rnd() % OUTSIDE_MAX), prot = rnd_prot();
	int shared = rnd() % 3 == 0;
	size_t len = (1 + rnd() % OUTSIDE_PAGES) * PAGE;
	char *p;

	if (!outside[k].addr) {
		p = mmap(NULL, len, prot, (shared ? MAP_SHARED : MAP_PRIVATE) |
			 MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED)
			record(p, len, prot | (shared ? SHARED_BIT : 0));
	} else if (rnd() % 2) {
		if (munmap(outside[k].addr, outside[k].len) < 0)
			PROBLEM("munmap(%p, %zu) of its own mapping: %s\n",
				outside[k].addr, outside[k].len, strerror(errno));
		outside[k].addr = NULL;
	} else {
		/* shared memory past its size at mmap is SIGBUS: shrink it */
		if ((outside[k].state & SHARED_BIT) && len > outside[k].len)
			len = outside[k].len;
		p = mremap(outside[k].addr, outside[k].len, len, MREMAP_MAYMOVE);
		if (p != MAP_FAILED) {
			outside[k].addr = NULL;
			record(p, len, outside[k].state);
		}
	}
}

static void heap_move(void)
{
	char *want = heap0 + rnd() % HEAP_MAX;

	if (rnd() % 8 == 0)
		want = heap0 - rnd() % (64 * 1024); /* maybe below its start */
	sys_brk(want);
	heap_top = sys_brk(NULL);
}

/* A read, or a write read back (private memory only), at a place known
 * to allow it: an arena page, an outside mapping or the heap. */
static void touch_known(void)
{
	char *top = heap_top < heap0 + HEAP_TOUCH ? heap_top : heap0 + HEAP_TOUCH;
	int k = (int)(rnd() % OUTSIDE_MAX), st = UNMAPPED;
	volatile char *p = NULL;
	size_t i;

	switch (rnd() % 4) {
	case 0:
	case 1:
		i = rnd() % ARENA_PAGES;
		p = ARENA + i * PAGE + rnd() % PAGE;
		st = arena[i];
		break;
	case 2:
		if (outside[k].addr) {
			p = outside[k].addr + rnd() % outside[k].len;
			st = outside[k].state;
		}
		break;
	default:
		if (top > heap0) {
			p = heap0 + rnd() % (size_t)(top - heap0);
			st = PROT_READ | PROT_WRITE;
		}
	}
	if (!p || st < 0)
		return;
	if ((st & (PROT_READ | PROT_WRITE)) == (PROT_READ | PROT_WRITE) &&
	    rnd() % 2) {
		char v = (char)rnd();

		*p = v;
		if (!(st & SHARED_BIT) && *p != v)
			PROBLEM("wrote 0x%x at %p, read back 0x%x\n", v & 0xff,
				(void *)p, *p & 0xff);
	} else if (st & PROT_READ) {
		(void)*p;
	}
}

/* ---- the toucher: faults allowed ------------------------------------------- */

/* A page anywhere in the user half: the arena, around the stack, the
 * data, the text, the heap, or anything. */
static char *random_user_page(void)
{
	char here, *p;

	switch (rnd() % 6) {
	case 0: p = ARENA + rnd() % ARENA_BYTES; break;
	case 1: p = &here + (long)(rnd() % (32 * PAGE)) - (long)(16 * PAGE); break;
	case 2: p = page + (long)(rnd() % (8 * PAGE)) - (long)(4 * PAGE); break;
	case 3: p = (char *)vm_init + rnd() % (4 * PAGE); break;
	case 4: p = heap0 + rnd() % HEAP_MAX; break;
	default: p = (char *)(0x10000 + rnd() % (USER_TOP - 0x10000)); break;
	}
	return (char *)((uintptr_t)p & ~(PAGE - 1));
}

/* MAP_FIXED, munmap or mprotect at a random user page, its own text,
 * data and stack included. */
static void wreck(void)
{
	char *p = random_user_page();
	size_t len = (1 + rnd() % 16) * PAGE;
	int shared = rnd() % 2;

	switch (rnd() % 3) {
	case 0:
		mmap(p, len, rnd_prot(), (shared ? MAP_SHARED : MAP_PRIVATE) |
		     MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		break;
	case 1: munmap(p, len); break;
	default: mprotect(p, len, rnd_prot()); break;
	}
}

/* A read or a write of zero (zeroes are no instruction: overwritten
 * code ends in SIGILL, never in random system calls). */
static void touch_any(void)
{
	volatile char *p = random_user_page() + rnd() % PAGE;

	if (rnd() % 2)
		*p = 0;
	else
		(void)*p;
}

/* Reap pid within 10 s; false if it had to be killed. */
static bool reap_bounded(int pid, int *st)
{
	uint64_t end = monotonic_ns() + 10ULL * NSEC_PER_SEC;
	struct timespec ms = { 0, 1000000 };
	int r;

	while ((r = waitpid(pid, st, WNOHANG)) == 0 && monotonic_ns() < end)
		nanosleep(&ms, NULL);
	if (r != 0)
		return r == pid;
	kill(pid, SIGKILL);
	waitpid(pid, st, 0);
	return false;
}

/* In a child: a few wrecking calls, then touches anywhere. It may end
 * by a fault (SIGSEGV, SIGBUS, or SIGILL when its code was replaced). */
static void toucher(void)
{
	int pid = fork(), st = 0, sig;

	if (pid < 0)
		return;
	if (pid == 0) {
		for (int i = (int)(rnd() % 3); i > 0; i--)
			wreck();
		for (int i = 1 + (int)(rnd() % 8); i > 0; i--)
			touch_any();
		_exit(0);
	}
	if (!reap_bounded(pid, &st)) {
		PROBLEM("a toucher still ran after 10 s\n");
		return;
	}
	sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	if (st != 0 && sig != SIGSEGV && sig != SIGBUS && sig != SIGILL &&
	    !(lenient && sig == SIGKILL))
		PROBLEM("a toucher ended with status 0x%x\n", st);
}

/* Unmap each anonymous or shared mapping outside the arena that the
 * fuzzer does not track (what random mmap and mremap calls left), so
 * that its memory stays bounded. */
static void sweep(void)
{
	static struct kite_region r[64];
	long n = kite_maps(0, r, ARRAY_SIZE(r));
	uintptr_t lo = (uintptr_t)ARENA, hi = lo + ARENA_BYTES;

	for (long i = 0; i < n && i < (long)ARRAY_SIZE(r); i++) {
		bool keep = (r[i].kind != KITE_VM_ANON &&
			     r[i].kind != KITE_VM_SHARED) ||
			    (r[i].start < hi && r[i].end > lo);

		for (int k = 0; k < OUTSIDE_MAX && !keep; k++)
			keep = outside[k].addr &&
			       r[i].start < (uintptr_t)outside[k].addr + outside[k].len &&
			       r[i].end > (uintptr_t)outside[k].addr;
		if (!keep)
			munmap((void *)r[i].start, r[i].end - r[i].start);
	}
}

static void vm_op(void)
{
	switch (rnd() % 16) {
	case 0: case 1: case 2: arena_map(); break;
	case 3: arena_unmap(); break;
	case 4: arena_protect(); break;
	case 5: arena_advise(); break;
	case 6: arena_remap(); break;
	case 7: outside_op(); break;
	case 8: heap_move(); break;
	case 9: toucher(); break;
	default: touch_known(); break;
	}
}

#define FORK_EVERY 500  /* calls between two grandchildren */
#define SWEEP_EVERY 250 /* calls between two sweeps */
#define GRANDCHILD_CALLS 100
#define MAX_PROCS 16

/* One operation: a random call, or (one in four) a memory operation. */
static void one_op(void)
{
	if (rnd() % 4)
		one_call();
	else
		vm_op();
}

/* The status of a fuzzing process: 0 exit 0, or in lenient mode a kill
 * for want of memory. */
static bool fine(int status)
{
	return status == 0 || (lenient && WIFSIGNALED(status) &&
			       (WTERMSIG(status) == SIGKILL ||
				WTERMSIG(status) == SIGSEGV ||
				WTERMSIG(status) == SIGBUS));
}

/* One fuzzing child: n operations, with a grandchild now and then. */
static void fuzz_child(long n)
{
	int bad = 0;

	vm_init();
	for (long i = 0; i < n; i++) {
		if (i % FORK_EVERY == FORK_EVERY - 1) {
			int pid = fork(), st = 0;

			if (pid == 0) {
				state = state * 31 + 7;
				for (int j = 0; j < GRANDCHILD_CALLS; j++)
					one_op();
				_exit(0);
			}
			if (pid > 0 && waitpid(pid, &st, 0) == pid && !fine(st)) {
				printf("fuzz: a grandchild ended with status 0x%x\n", st);
				bad++;
			}
		}
		if (i % SWEEP_EVERY == SWEEP_EVERY - 1)
			sweep();
		one_op();
	}
	_exit(bad || vm_bad ? 1 : 0);
}

/* Fork a child; under fault injection (failalloc=) a fork may fail for
 * want of memory, so try again a while. */
static int fork_retrying(void)
{
	int pid;

	for (int tries = 0; (pid = fork()) < 0 && tries < 1000; tries++)
		sched_yield();
	return pid;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000;
	int procs = argc > 3 ? atoi(argv[3]) : 1, pids[MAX_PROCS], bad = 0;
	uint64_t seed = argc > 2 ? (uint64_t)atol(argv[2]) : 0x5eed5eedULL;
	struct kite_meminfo before, after;

	lenient = argc > 4 && !strcmp(argv[4], "failalloc");
	if (procs < 1 || procs > MAX_PROCS) {
		fprintf(stderr, "fuzz: PROCS must be 1..%d\n", MAX_PROCS);
		return 2;
	}
	prefault_stack();
	kite_prefault_self(); /* our own first touches are not the kids' */
	if (kite_meminfo(&before) < 0) {
		perror("fuzz: kite_meminfo");
		return 1;
	}
	for (int c = 0; c < procs; c++) {
		state = seed + (uint64_t)c * 0x9e3779b97f4a7c15ULL;
		if (!state)
			state = 1;
		pids[c] = fork_retrying();
		if (pids[c] == 0)
			fuzz_child(n / procs);
		if (pids[c] < 0) {
			perror("fuzz: fork");
			return 1;
		}
	}
	for (int c = 0; c < procs; c++) {
		int status;

		if (waitpid(pids[c], &status, 0) != pids[c]) {
			perror("fuzz: waitpid");
			return 1;
		}
		if (!fine(status)) {
			printf("fuzz: child %d ended with status 0x%x\n", c, status);
			bad++;
		}
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	if (bad)
		return 1;
	kite_meminfo(&after);
	if (after.free != before.free) {
		printf("fuzz: %ld frames not back (user %ld more, kernel %ld more, "
		       "page tables %ld more)\n",
		       (long)before.free - (long)after.free,
		       (long)after.user - (long)before.user,
		       (long)after.kernel - (long)before.kernel,
		       (long)after.pagetables - (long)before.pagetables);
		return 1;
	}
	printf("fuzz: %ld calls by %d processes, kernel fine, every frame back\n",
	       n / procs * procs, procs);
	return 0;
}
