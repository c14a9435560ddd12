/*
 * vm.c - the fuzz app's memory side: the arena, a megabyte of user
 * addresses whose every page the fuzzer tracks (unmapped, its
 * protection, or unknown), the mappings the kernel placed elsewhere and
 * the heap; the memory operations on them (mmap, munmap, mprotect,
 * madvise, mremap, brk and touches of what is known to allow them); the
 * toucher, a forked child that wrecks and touches anywhere and may die
 * of a fault; and the sweep of untracked mappings. main.c explains the
 * whole fuzzer and calls vm_init, vm_op and sweep (fuzz.h).
 */
#include "fuzz.h"

/* ---- the arena: memory the fuzzer keeps track of ------------------------ */

/* Random calls write into page and past its end (fuzz.h): it is a
 * mapping of its own with a PROT_NONE page after it, so what they write
 * stays there and a write past the end fails with -EFAULT instead of
 * landing in the fuzzer's own tables. */
char *page;

void scratch_init(void)
{
	page = mmap(NULL, SCRATCH_BYTES + PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED ||
	    mprotect(page + SCRATCH_BYTES, PAGE, PROT_NONE) < 0) {
		perror("fuzz: the scratch mapping");
		exit(1);
	}
}

/* Far from the code, the heap and the stack; the kernel may put
 * mappings of its choice here too, which the table then records. */
#define ARENA ((char *)0x1000000000UL)
#define ARENA_PAGES 256 /* 1 MiB */
#define ARENA_BYTES (ARENA_PAGES * PAGE)
#define OUTSIDE_MAX 4    /* mappings the kernel placed outside the arena */
#define OUTSIDE_PAGES 256
#define HEAP_TOUCH (2 * MIB) /* touches stay below heap0 + this */

static signed char arena[ARENA_PAGES];
static struct { char *addr; size_t len; int state; } outside[OUTSIDE_MAX];
char *heap0, *heap_top; /* start of the heap, the break last seen */

bool in_user(long a) { return a >= 0 && (unsigned long)a < USER_TOP; }

static void arena_set(size_t first, size_t n, int st)
{
	for (size_t i = first; i < first + n && i < ARENA_PAGES; i++)
		arena[i] = (signed char)st;
}

/* Mark what [addr, addr+len) covers of the arena as st. */
void arena_mark(uintptr_t addr, size_t len, int st)
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
long into_arena(long a)
{
	return in_user(a) ? (long)(ARENA + (unsigned long)a % ARENA_BYTES) : a;
}

/* A length from a that ends at the arena's end at the latest. */
long clamp_len(long a, long len)
{
	long room = (long)(ARENA + ARENA_BYTES) - a;

	return in_user(a) && (unsigned long)len > (unsigned long)room ? room : len;
}

/* ---- memory operations --------------------------------------------------- */

int vm_bad; /* problems found; the first few are printed */

char first_problem[160];

/* Say what is wrong (the first few times), and keep the first, which the
 * process repeats as it ends. */
#define PROBLEM(...)                                                       \
	do {                                                               \
		if (!vm_bad)                                               \
			snprintf(first_problem, sizeof(first_problem),     \
				 __VA_ARGS__);                             \
		if (vm_bad++ < 5)                                          \
			printf("fuzz: " __VA_ARGS__);                      \
	} while (0)

/* The heap as it is and an empty arena (unknown if munmap fails). */
void vm_init(void)
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
		/* splitting a region (it may have joined a neighbour) needs
		 * memory: under fault injection that may fail, as on Linux;
		 * a sweep takes what is left */
		if (munmap(outside[k].addr, outside[k].len) < 0 &&
		    !(lenient && errno == ENOMEM))
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

/* Reap pid within 30 s (a loaded host may be slow); false if it had to
 * be killed. */
static bool reap_bounded(int pid, int *st)
{
	uint64_t end = monotonic_ns() + 30ULL * NSEC_PER_SEC;
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
 * by a fault (SIGSEGV, SIGBUS, or SIGILL, SIGTRAP or whatever its random
 * code does when its code was replaced). */
static void toucher(void)
{
	int pid = fork(), st = 0;

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
		PROBLEM("a toucher still ran after 30 s\n");
		return;
	}
	/* Any end is fine otherwise: a toucher that rewrote its own code
	 * may run into an ebreak (SIGTRAP), or an ecall that exits with any
	 * status; the point is that the kernel survives and it ends. */
}

/* Unmap each anonymous or shared mapping outside the arena that the
 * fuzzer does not track (what random mmap and mremap calls left), so
 * that its memory stays bounded. */
void sweep(void)
{
	static struct kite_region r[64];
	long n = kite_maps(0, r, ARRAY_SIZE(r));
	uintptr_t lo = (uintptr_t)ARENA, hi = lo + ARENA_BYTES;

	for (long i = 0; i < n && i < (long)ARRAY_SIZE(r); i++) {
		bool keep = (r[i].kind != KITE_VM_ANON &&
			     r[i].kind != KITE_VM_SHARED) ||
			    (r[i].start < hi && r[i].end > lo) ||
			    (r[i].start < (uintptr_t)page + SCRATCH_BYTES + PAGE &&
			     r[i].end > (uintptr_t)page);

		for (int k = 0; k < OUTSIDE_MAX && !keep; k++)
			keep = outside[k].addr &&
			       r[i].start < (uintptr_t)outside[k].addr + outside[k].len &&
			       r[i].end > (uintptr_t)outside[k].addr;
		if (!keep)
			munmap((void *)r[i].start, r[i].end - r[i].start);
	}
}

void vm_op(void)
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
