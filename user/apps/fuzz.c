/*
 * fuzz.c - throw random arguments at the system calls.
 *
 *	fuzz [N [SEED [PROCS]]]
 *
 * Makes N (default 20000) system calls in all with random numbers and
 * random arguments - small integers, -1, huge values, NULL, kernel
 * addresses, unmapped and barely mapped user addresses - from PROCS
 * (default 1) forked children at once, each with its own seed; every
 * FORK_EVERY calls a child also forks a short-lived fuzzing grandchild
 * and reaps it, so processes come and go while the calls run. It checks
 * that the kernel answers each call with a result or an error and never
 * dies, and that every process is reaped with every frame back. Calls that would block or end the fuzzer
 * (exit, read of the console, blocking wait, long sleeps) or multiply it
 * (clone, spawn) get tamer arguments instead of being skipped. Exits 0 if
 * all went well.
 */
#include "kite.h"
#include "uapi/syscall.h"

static uint64_t state;

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

#define SANDBOX 0x2000000000UL /* 128 GiB up: between heap and mmap */
#define SANDBOX_SIZE (1UL << 30)

static const int numbers[] = {
	SYS_ioctl, SYS_read, SYS_write, SYS_exit, SYS_exit_group, SYS_nanosleep,
	SYS_clock_gettime, SYS_sched_yield, SYS_kill, SYS_set_priority,
	SYS_times, SYS_uname, SYS_gettimeofday, SYS_getpid, SYS_getppid,
	SYS_gettid, SYS_brk, SYS_munmap, SYS_clone, SYS_execve, SYS_mmap,
	SYS_wait4, SYS_spawn, SYS_kite_apps, SYS_kite_procs, SYS_kite_meminfo,
	SYS_kite_sched, SYS_prlimit64, SYS_getrlimit, SYS_setrlimit,
	SYS_kite_cpustat, SYS_mprotect, SYS_madvise, SYS_mremap,
};

static void one_call(void)
{
	long n = rnd() % 4 ? numbers[rnd() % ARRAY_SIZE(numbers)]
			   : (long)(rnd() % 1024);
	long a[6];

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
	case SYS_mmap:
	case SYS_munmap:
	case SYS_mprotect:
	case SYS_madvise:
	case SYS_mremap:
		/* keep changes to the address space off the fuzzer's own
		 * code, data and stack: a window nothing else uses */
		a[0] = SANDBOX + (a[0] & (SANDBOX_SIZE - 1));
		a[4] = SANDBOX + (a[4] & (SANDBOX_SIZE - 1)); /* mremap's new */
		if (n == SYS_mmap && (a[3] & 3) == 0)
			a[3] |= 2; /* MAP_PRIVATE: otherwise -EINVAL */
		a[1] &= SANDBOX_SIZE - 1;
		if (n == SYS_mremap)
			a[2] &= SANDBOX_SIZE - 1;
		break;
	}
	syscall6(n, a[0], a[1], a[2], a[3], a[4], a[5]);
}

#define FORK_EVERY 500  /* calls between two grandchildren */
#define GRANDCHILD_CALLS 100
#define MAX_PROCS 16

/* One fuzzing child: n calls, with a grandchild now and then. */
static void fuzz_child(long n)
{
	for (long i = 0; i < n; i++) {
		if (i % FORK_EVERY == FORK_EVERY - 1) {
			int pid = fork();

			if (pid == 0) {
				state = state * 31 + 7;
				for (int j = 0; j < GRANDCHILD_CALLS; j++)
					one_call();
				_exit(0);
			}
			if (pid > 0)
				waitpid(pid, NULL, 0);
		}
		one_call();
	}
	_exit(0);
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

	if (procs < 1 || procs > MAX_PROCS) {
		fprintf(stderr, "fuzz: PROCS must be 1..%d\n", MAX_PROCS);
		return 2;
	}
	kite_prefault_self(); /* the count below must not see our first touches */
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
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			printf("fuzz: child %d ended with status %#x\n", c, status);
			bad++;
		}
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	if (bad)
		return 1;
	kite_meminfo(&after);
	if (after.free != before.free) {
		printf("fuzz: %ld frames not back (user %ld, kernel %ld, "
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
