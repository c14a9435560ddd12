/*
 * vm.h - what the virtual-memory tests share: the test driver
 * (../usertests.h), this process's figures (kite_procs), its regions
 * (kite_maps), mapping helpers, waiting for children, and the
 * program's helper modes that tests start with execve or spawn.
 *
 * Like usertests.h, it holds static functions and is included once, by
 * main.c, before the tests (cow.h, lazy.h, stack.h, mmap.h).
 */
#ifndef KITE_VMTESTS_VM_H
#define KITE_VMTESTS_VM_H

#include "../usertests.h"

#define KIB 1024UL
#define MIB (1UL << 20)
#define RW (PROT_READ | PROT_WRITE)
#define PRIV (MAP_PRIVATE | MAP_ANONYMOUS)
#define SHARED (MAP_SHARED | MAP_ANONYMOUS)
#define PROG "vmtests"

static char *stack_top; /* a local of main: near the top of the stack */

/* ---- this process as the kernel sees it --------------------------------- */

/* This process's entry of the process table. */
static struct kite_procinfo self_info(void)
{
	static struct kite_procinfo procs[128];
	long n = kite_procs(procs, ARRAY_SIZE(procs));
	pid_t me = getpid();

	CHECK(n >= 0, "kite_procs: %s", strerror(errno));
	for (long i = 0; i < n && i < (long)ARRAY_SIZE(procs); i++)
		if (procs[i].pid == me)
			return procs[i];
	fail("pid %d not in kite_procs", me);
}

static uint64_t cow_copies(void) { return self_info().cow_copies; }

static uint64_t free_frames(void)
{
	struct kite_meminfo m;

	CHECK(kite_meminfo(&m) == 0, "kite_meminfo: %s", strerror(errno));
	return m.free;
}

/* Frames taken since free_frames() said free0 (negative if more are
 * free now). */
static long taken_since(uint64_t free0)
{
	return (long)free0 - (long)free_frames();
}

/* The regions of process pid (0: this one) into r (n of them at most);
 * returns how many there are. */
static long regions(pid_t pid, struct kite_region *r, size_t n)
{
	long got = kite_maps(pid, r, n);

	CHECK(got >= 0, "kite_maps(%d): %s", pid, strerror(errno));
	CHECK((size_t)got <= n, "kite_maps(%d): %ld regions, room for %zu",
	      pid, got, n);
	return got;
}

/* The region of this process that holds addr, into *out; false if none. */
static bool find_region(const void *addr, struct kite_region *out)
{
	static struct kite_region r[64];
	long n = regions(0, r, ARRAY_SIZE(r));

	for (long i = 0; i < n; i++)
		if (r[i].start <= (uintptr_t)addr && (uintptr_t)addr < r[i].end) {
			*out = r[i];
			return true;
		}
	return false;
}

static struct kite_region region_at(const void *addr)
{
	struct kite_region r;

	CHECK(find_region(addr, &r), "kite_maps: no region holds %p", addr);
	return r;
}

/* The region at addr must be [start, end) with protection prot. */
static void expect_region(const void *start, const void *end, int prot)
{
	struct kite_region r = region_at(start);

	CHECK(r.start == (uintptr_t)start && r.end == (uintptr_t)end &&
	      r.prot == (uint32_t)prot, "region at %p: [0x%lx, 0x%lx) prot %u, "
	      "want [%p, %p) prot %d", start, (unsigned long)r.start,
	      (unsigned long)r.end, r.prot, start, end, prot);
}

/* ---- mappings ----------------------------------------------------------- */

/* mmap(NULL, len, prot, flags, -1, 0), which must work. */
static char *map(size_t len, int prot, int flags)
{
	void *p = mmap(NULL, len, prot, flags, -1, 0);

	CHECK(p != MAP_FAILED, "mmap(%zu KiB, prot %d, flags 0x%x): %s",
	      len / KIB, prot, flags, strerror(errno));
	CHECK(((uintptr_t)p & (PAGE - 1)) == 0, "mmap returned %p", p);
	return p;
}

/* Every byte of [p, p+len) must be c. */
static void expect_bytes(const char *p, size_t len, char c, const char *what)
{
	for (size_t i = 0; i < len; i++)
		CHECK(p[i] == c, "%s: byte %zu at %p is 0x%x, want 0x%x", what, i,
		      p + i, p[i] & 0xff, c & 0xff);
}

/* A store to or a load from probe_addr, in a child that must die of
 * SIGSEGV (the caller carries on). */
static volatile char *probe_addr;
static void probe_store(void) { *probe_addr = 1; }
static void probe_load(void) { (void)*probe_addr; }

static void expect_segv(void (*fn)(void), const void *addr, const char *what)
{
	probe_addr = (volatile char *)addr;
	expect_signal(fn, SIGSEGV, what);
}

/* ---- children ----------------------------------------------------------- */

/* Reap pid: a child that printed its own FAIL line (exit 1) fails us too;
 * else it must have exited 0. */
static void reap_ok(pid_t pid, const char *what)
{
	int st = -1;

	CHECK(pid > 0, "%s: fork: %s", what, strerror(errno));
	CHECK(waitpid(pid, &st, 0) == pid, "%s: waitpid: %s", what,
	      strerror(errno));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 1)
		exit(1);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: status 0x%x", what, st);
}

/*
 * fork, and in the child execve(path, argv, envp) at once without a
 * single store to memory - no stack frame, no errno - so nothing the
 * child does before the exec can need a page of its own. The child
 * exits 127 if the exec fails. Returns the child's pid, or -errno.
 */
static long fork_exec_nostore(const char *path, char *const argv[],
			      char *const envp[])
{
	register long a0 __asm__("a0") = SIGCHLD;
	register long a1 __asm__("a1") = 0, a2 __asm__("a2") = 0;
	register long a3 __asm__("a3") = 0, a4 __asm__("a4") = 0;
	register long a7 __asm__("a7") = SYS_clone;
	register const char *r_path __asm__("a5") = path;
	register char *const *r_argv __asm__("a6") = argv;
	register char *const *r_envp __asm__("t1") = envp;

	__asm__ volatile("ecall\n\t"
			 "bnez a0, 1f\n\t"
			 "mv a0, %[path]\n\t"
			 "mv a1, %[argv]\n\t"
			 "mv a2, %[envp]\n\t"
			 "li a7, %[exec]\n\t"
			 "ecall\n\t"
			 "li a0, 127\n\t"
			 "li a7, %[exit]\n\t"
			 "ecall\n"
			 "1:"
			 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a7)
			 : "r"(a3), "r"(a4), [path] "r"(r_path),
			   [argv] "r"(r_argv), [envp] "r"(r_envp),
			   [exec] "i"(SYS_execve), [exit] "i"(SYS_exit_group)
			 : "memory");
	return a0;
}

/* ---- helper modes: vmtests --helper WHAT [ARG] --------------------------- */

/*
 * Touch every page of a len-byte array on the stack, the highest first
 * (the order a growing stack is used in), then read them back. Returns
 * a sum of what it read, so that nothing is optimized away.
 */
static __attribute__((noinline)) long stack_array(size_t len)
{
	char a[len];
	volatile char *v = a;
	long sum = 0;

	for (size_t off = len; off > 0; off -= off >= PAGE ? PAGE : off)
		v[off - 1] = (char)(off >> 12);
	v[0] = 1;
	for (size_t off = len; off > 0; off -= off >= PAGE ? PAGE : off)
		sum += v[off - 1];
	return sum + v[0];
}

/*
 * The modes the tests exec (or spawn) this program in:
 *   --helper cow          exit with the pages this process has copied
 *                         because another space shared them (at most 250;
 *                         255 if it cannot tell)
 *   --helper stack KIB L  exit 0 after using a KIB KiB array on the
 *                         stack; 3 if RLIMIT_STACK is not L KiB
 * Returns -1 if argv asks for no helper.
 */
static int helper_main(int argc, char **argv)
{
	struct kite_procinfo procs[64];
	struct rlimit r;

	if (argc < 3 || strcmp(argv[1], "--helper"))
		return -1;
	if (!strcmp(argv[2], "cow")) {
		long n = kite_procs(procs, ARRAY_SIZE(procs));

		for (long i = 0; i < n && i < (long)ARRAY_SIZE(procs); i++)
			if (procs[i].pid == getpid())
				return procs[i].cow_copies > 250 ? 250
					: (int)procs[i].cow_copies;
		return 255;
	}
	if (!strcmp(argv[2], "stack") && argc == 5) {
		if (getrlimit(RLIMIT_STACK, &r) < 0 ||
		    r.rlim_cur != strtoul(argv[4], NULL, 0) * KIB)
			return 3;
		stack_array(strtoul(argv[3], NULL, 0) * KIB);
		return 0;
	}
	return 2;
}

#endif
