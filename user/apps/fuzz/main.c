/*
 * main.c - the fuzz app: throw random arguments at the system calls, and
 * random mappings, protections and touches at the memory system.
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
 * fuzzer (exit, a console read, a blocking wait or futex wait, a read
 * or write of a pipe - pipes are made O_NONBLOCK, and F_SETFL keeps
 * it -, closing or replacing the console's 0, 1 and 2, long
 * sleeps, a kill or any signal sent, a timer's SIGALRM, a handler put
 * where faults would run it) or multiply it (clone, spawn) get tamer
 * arguments; rt_sigsuspend and rt_sigreturn (which loads registers from
 * the stack) are skipped; the memory calls' user addresses are moved into the arena
 * (vm.c), so that the fuzzer's own code, data and stack stay mapped.
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
 *
 * This file has the random system calls and the driver: the fuzzing
 * processes, their grandchildren, the reaping and the frame count. vm.c
 * has the arena, the memory operations, the toucher and the sweep;
 * fuzz.h what the two share (the random generator above all).
 */
#include "fuzz.h"
#include "uapi/linux.h"
#include "trace.h"

uint64_t state;
bool lenient;

/* ---- random system calls ------------------------------------------------- */

extern char _end[]; /* user.ld: the image runs from IMAGE_BASE to _end */
#define IMAGE_BASE ((char *)0x10000)
#define STACK_NEAR (1L << 20) /* our stack: this far from a local */

/* A random value that points into the fuzzer's own image (text, data,
 * the tables that record its mappings) or its stack goes to the scratch
 * page instead: a call writing there (sched_getaffinity, prlimit64,
 * get_robust_list ...) would corrupt the fuzzer, not test the kernel. */
static long keep_off_self(long v)
{
	char here;
	unsigned long u = (unsigned long)v, sp = (unsigned long)&here;

	if ((u >= (unsigned long)IMAGE_BASE && u < (unsigned long)_end) ||
	    (u >= sp - STACK_NEAR && u < sp + STACK_NEAR))
		return (long)(page + (unsigned long)v % SCRATCH_BYTES);
	return v;
}

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
	case 6: return (long)(page + rnd() % SCRATCH_BYTES);
	case 7: return (long)(page + SCRATCH_BYTES - 3); /* straddles onward */
	case 8: return (long)0x1000;                    /* unmapped low page */
	case 9: return keep_off_self((long)(rnd() >> (rnd() % 64)));
	case 10: return (long)0x7fffffffffffffffL;
	default: return keep_off_self((long)rnd());
	}
}

static const int numbers[] = {
	SYS_ioctl, SYS_read, SYS_write, SYS_exit, SYS_exit_group, SYS_nanosleep,
	SYS_clock_gettime, SYS_sched_yield, SYS_kill, SYS_set_priority,
	SYS_times, SYS_uname, SYS_gettimeofday, SYS_getpid, SYS_getppid,
	SYS_gettid, SYS_brk, SYS_munmap, SYS_clone, SYS_execve, SYS_mmap,
	SYS_wait4, SYS_spawn, SYS_kite_apps, SYS_kite_procs, SYS_kite_meminfo,
	SYS_kite_sched, SYS_prlimit64, SYS_getrlimit, SYS_setrlimit,
	SYS_kite_cpustat, SYS_mprotect, SYS_madvise, SYS_mremap, SYS_kite_maps,
	SYS_futex, SYS_set_tid_address, SYS_set_robust_list, SYS_get_robust_list,
	SYS_tkill, SYS_tgkill, SYS_sched_setaffinity, SYS_sched_getaffinity,
	SYS_getcwd, SYS_openat, SYS_lseek, SYS_readv, SYS_writev,
	SYS_readlinkat, SYS_newfstatat, SYS_fstat, SYS_clock_getres,
	SYS_clock_nanosleep, SYS_getresuid, SYS_getresgid, SYS_getrusage,
	SYS_getuid, SYS_geteuid, SYS_getgid, SYS_getegid, SYS_sysinfo,
	SYS_getrandom,
	SYS_setpgid, SYS_getpgid, SYS_getsid, SYS_setsid, SYS_sched_setparam,
	SYS_sched_setscheduler, SYS_sched_getscheduler, SYS_sched_getparam,
	SYS_sched_get_priority_max, SYS_sched_get_priority_min,
	SYS_sched_rr_get_interval, SYS_getcpu, SYS_prctl, SYS_umask,
	SYS_msync, SYS_mlock, SYS_munlock, SYS_mlockall, SYS_munlockall,
	SYS_mincore, SYS_mlock2,
	SYS_kite_trace,
	SYS_close, SYS_dup, SYS_dup3, SYS_fcntl, SYS_pipe2, SYS_close_range,
	SYS_ppoll, SYS_pselect6,
};

/* Is fd (an int, as the kernel reads it) the console? Its reads would
 * wait for input, its writes put random bytes on the screen. */
static bool is_console(long fd)
{
	struct kite_termios t;

	return syscall3(SYS_ioctl, (int)fd, TCGETS, &t) == 0;
}

/* A futex wait's timeout: zero, so it never blocks (relative: at once;
 * absolute: long past). */
static const struct timespec no_wait;

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
	case SYS_writev:
	case SYS_read:
	case SYS_readv:
		/* not the console (0, 1, 2 or a dup): random bytes on it, or
		 * a wait for input; a pipe is non-blocking (below) */
		if (is_console(a[0]))
			return;
		break;
	case SYS_pipe2:
		a[1] |= O_NONBLOCK; /* its reads and writes never wait */
		break;
	case SYS_fcntl:
		if ((uint32_t)a[0] <= 2)
			a[0] = -1; /* the console's flags stay */
		if ((uint32_t)a[1] == F_SETFL)
			a[2] |= O_NONBLOCK; /* a pipe stays non-blocking */
		break;
	case SYS_close:
	case SYS_close_range:
		if ((uint32_t)a[0] <= 2)
			a[0] = 3; /* keep 0, 1 and 2: the fuzzer prints */
		break;
	case SYS_dup3:
		if ((uint32_t)a[1] <= 2)
			a[1] = 3; /* the same */
		break;
	case SYS_nanosleep:
		a[0] = 0; /* NULL: -EFAULT, no long sleep */
		break;
	case SYS_clock_nanosleep:
		a[2] = 0; /* the same */
		break;
	case SYS_wait4:
		a[2] = WNOHANG;
		break;
	case SYS_kill:
		a[1] = 0; /* probe: stop or end nobody (every signal is real) */
		break;
	case SYS_rt_sigqueueinfo:
		a[1] = 0;
		break;
	case SYS_rt_tgsigqueueinfo:
		a[2] = 0;
		break;
	case SYS_rt_sigsuspend: /* would wait for a signal for ever */
	case SYS_rt_sigreturn:  /* would load registers from the stack */
		return;
	case SYS_rt_sigtimedwait:
	case SYS_ppoll:
		a[2] = (long)&no_wait; /* never block */
		break;
	case SYS_pselect6:
		a[4] = (long)&no_wait; /* the same */
		break;
	case SYS_rt_sigaction:
		a[1] = 0; /* look only: a random handler would run on a fault */
		break;
	case SYS_setitimer:
		a[1] = 0; /* NULL: disarm (a SIGALRM would end the fuzzer) */
		break;
	case SYS_clone:
	case SYS_spawn:
	case SYS_execve:
		a[0] = (long)"no-such-app";
		if (n == SYS_clone) /* without CLONE_SIGHAND: -EINVAL */
			a[0] = CLONE_THREAD;
		break;
	case SYS_futex: /* a wait could find its value and sleep for ever */
		if ((a[1] & FUTEX_CMD_MASK) == FUTEX_WAIT ||
		    (a[1] & FUTEX_CMD_MASK) == FUTEX_WAIT_BITSET)
			a[3] = (long)&no_wait;
		break;
	case SYS_tkill:
		a[1] = 0; /* probe: end nobody */
		break;
	case SYS_tgkill:
		a[2] = 0;
		break;
	case SYS_ioctl:
		if (a[1] == TCSETS || a[1] == TCSETSW || a[1] == TCSETSF)
			a[1] = TCGETS; /* keep the console as it is */
		if (a[1] == TIOCSWINSZ)
			a[1] = TIOCGWINSZ;
		break;
	case SYS_kite_sched:
		a[0] = 0; /* do not switch the class under other tests */
		break;
	case SYS_kite_trace:
		a[0] = (long)((unsigned long)a[0] % 7); /* each op, and a bad one */
		if (a[0] == KITE_TRACE_OP_ON) /* rings made would stay: */
			a[0] = KITE_TRACE_OP_STATUS; /* frames would not add up */
		break;
	case SYS_kite_getc:        /* would wait for console input */
	case SYS_kite_thread_exit: /* would end the fuzzer */
	case SYS_kite_putc:        /* random bytes on the console */
		return;
	case SYS_cap_group_create:
		a[0] = 0; /* no name, -EFAULT: a child made would wait */
		break;
	case SYS_pmo_create:
		a[0] = (long)((unsigned long)a[0] % (1UL << 20)); /* no hog */
		break;
	case SYS_cap_thread_create:
		a[1] = 0; /* pc 0: -EINVAL (a thread in us would run anywhere) */
		break;
	case SYS_pmo_map:
		a[0] = -1; /* -EBADF: the arena's pages are vm.c's to map */
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

/* ---- the driver ---------------------------------------------------------- */

/* Touch 32 KiB of stack below us now, so that the stack need not grow
 * later, when a fuzzed setrlimit or prlimit may have lowered
 * RLIMIT_STACK. */
static __attribute__((noinline)) void prefault_stack(void)
{
	volatile char pad[32 * 1024];

	for (size_t i = 0; i < sizeof(pad); i += PAGE)
		pad[i] = 0;
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
	if (vm_bad)
		printf("fuzz: pid %d found %d problem(s), the first: %s", getpid(),
		       vm_bad, first_problem);
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
	/* a random write to a pipe with no reader: -EPIPE, not death */
	struct sigaction ign = { .sa_handler = SIG_IGN };
	sigaction(SIGPIPE, &ign, NULL);
	scratch_init();
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
