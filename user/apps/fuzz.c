/*
 * fuzz.c - throw random arguments at the system calls.
 *
 *	fuzz [N [SEED]]
 *
 * Makes N (default 20000) system calls with random numbers and random
 * arguments - small integers, -1, huge values, NULL, kernel addresses,
 * unmapped and barely mapped user addresses - from a forked child, and
 * checks that the kernel answers each with a result or an error and
 * never dies, and that the child and everything it made are reaped
 * with every frame back. Calls that would block or end the fuzzer
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

static const int numbers[] = {
	SYS_ioctl, SYS_read, SYS_write, SYS_exit, SYS_exit_group, SYS_nanosleep,
	SYS_clock_gettime, SYS_sched_yield, SYS_kill, SYS_set_priority,
	SYS_times, SYS_uname, SYS_gettimeofday, SYS_getpid, SYS_getppid,
	SYS_gettid, SYS_brk, SYS_munmap, SYS_clone, SYS_execve, SYS_mmap,
	SYS_wait4, SYS_spawn, SYS_kite_apps, SYS_kite_procs, SYS_kite_meminfo,
	SYS_kite_sched,
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
	}
	syscall6(n, a[0], a[1], a[2], a[3], a[4], a[5]);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000;
	struct kite_meminfo before, after;
	int status, pid;

	state = argc > 2 ? (uint64_t)atol(argv[2]) : 0x5eed5eedULL;
	if (kite_meminfo(&before) < 0) {
		perror("fuzz: kite_meminfo");
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		for (long i = 0; i < n; i++)
			one_call();
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		perror("fuzz: fork/wait");
		return 1;
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("fuzz: the child ended with status %#x\n", status);
		return 1;
	}
	kite_meminfo(&after);
	if (after.free != before.free) {
		printf("fuzz: %ld frames not back\n",
		       (long)before.free - (long)after.free);
		return 1;
	}
	printf("fuzz: %ld calls, kernel fine, every frame back\n", n);
	return 0;
}
