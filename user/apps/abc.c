/*
 * abc.c - time slicing made visible: N workers (processes, or threads
 * with -t) each print their own letter, a, b, c ..., as they spin.
 *
 *	abc [-t] [N] [ms]     N workers (default 3, at most 26), for ms
 *	                      milliseconds (default 1000)
 *
 * Each worker spins and writes its letter every LETTER_NS it holds the
 * CPU (loop iterations measured once at the start). On one hart (make qemu CPUS=1) the line shows
 * runs of one letter, each as long as a time slice (sched rr; boot
 * argument slice=) or as stride gives it, then the next worker's run:
 *
 *	aaaaabbbbbcccccaaaaabbbbb...
 *
 * On several harts the workers run at once and the letters interleave.
 * At the end it prints how many runs (switches between letters) the line
 * had, and the mean run length in letters. Workers write one byte at a
 * time, so a letter is never split.
 */
#include "kite.h"

#define MAX_WORKERS 26
#define LETTER_NS 2000000L /* a letter per 2 ms held */
#define LINE_MAX_LETTERS 8192
#define CALIBRATE_CHUNK 65536 /* loop iterations between clock reads */

/* What the workers wrote, in order: shared by the processes (MAP_SHARED)
 * or the threads. */
struct line {
	uint32_t len;            /* [atomic] letters so far */
	char letters[LINE_MAX_LETTERS];
};

static struct line *line;
static uint64_t end_ns;

static void put_letter(char c)
{
	uint32_t i = __atomic_fetch_add(&line->len, 1, __ATOMIC_RELAXED);

	if (i < LINE_MAX_LETTERS)
		line->letters[i] = c;
	write(1, &c, 1);
}

/* Loop iterations that take about LETTER_NS on this hart, measured once
 * at the start (before the workers run, so on an idle hart). */
static uint64_t letter_loops;

/* The one loop both the calibration and the workers run (QEMU runs
 * different loops at different speeds). */
static __attribute__((noinline)) void spin_loops(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		__asm__ volatile("" ::: "memory");
}

static void calibrate(void)
{
	uint64_t n = 0, t0 = monotonic_ns(), t;

	do {
		spin_loops(CALIBRATE_CHUNK);
		n += CALIBRATE_CHUNK;
		t = monotonic_ns();
	} while (t - t0 < 10 * LETTER_NS);
	letter_loops = n / 10 ? n / 10 : 1;
}

/* Spin until end_ns, writing c after every letter_loops iterations: so
 * a letter per LETTER_NS that this worker holds the CPU. The clock is
 * read once a letter, not in the loop: a trace of abc (make trace
 * INIT=abc) then shows the switches, not a flood of clock reads. */
static void worker(char c)
{
	for (;;) {
		spin_loops(letter_loops);
		if (monotonic_ns() >= end_ns)
			return;
		put_letter(c);
	}
}

static void *thread_worker(void *arg)
{
	worker((char)(long)arg);
	return NULL;
}

int main(int argc, char **argv)
{
	int n = 3, threads = 0, argi = 1;
	long ms = 1000;
	thread_t tids[MAX_WORKERS];
	pid_t pids[MAX_WORKERS];
	uint32_t runs = 0, len;

	if (argi < argc && !strcmp(argv[argi], "-t")) {
		threads = 1;
		argi++;
	}
	if (argi < argc)
		n = atoi(argv[argi++]);
	if (argi < argc)
		ms = atol(argv[argi++]);
	if (argi < argc || n < 1 || n > MAX_WORKERS || ms < 10 || ms > 60000) {
		fprintf(stderr, "usage: abc [-t] [workers 1..26] [ms 10..60000]\n");
		return 2;
	}
	line = mmap(NULL, sizeof(*line), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (line == MAP_FAILED) {
		perror("abc: mmap");
		return 1;
	}
	printf("abc: %d %s for %ld ms, a letter each per 2 ms on the CPU\n", n,
	       threads ? "threads" : "processes", ms);
	calibrate();
	end_ns = monotonic_ns() + (uint64_t)ms * 1000000;
	for (int i = 0; i < n; i++) {
		if (threads) {
			if (thread_create(&tids[i], thread_worker,
					  (void *)(long)('a' + i)) < 0) {
				perror("abc: thread_create");
				return 1;
			}
			continue;
		}
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("abc: fork");
			return 1;
		}
		if (pids[i] == 0) {
			worker((char)('a' + i));
			_exit(0);
		}
	}
	for (int i = 0; i < n; i++) {
		if (threads)
			thread_join(tids[i], NULL);
		else
			waitpid(pids[i], NULL, 0);
	}
	len = line->len < LINE_MAX_LETTERS ? line->len : LINE_MAX_LETTERS;
	for (uint32_t i = 0; i < len; i++)
		if (i == 0 || line->letters[i] != line->letters[i - 1])
			runs++;
	printf("\nabc: %u letters in %u runs (a run: one worker's letters in a "
	       "row), %u.%u letters a run\n", len, runs,
	       runs ? len / runs : 0, runs ? len * 10 / runs % 10 : 0);
	return 0;
}
