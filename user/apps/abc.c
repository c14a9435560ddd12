/*
 * abc.c - time slicing made visible: N workers (processes, or threads
 * with -t) each print their own letter, a, b, c ..., as they spin.
 *
 *	abc [-t] [N] [ms]     N workers (default 3, at most 26), for ms
 *	                      milliseconds (default 1000)
 *
 * Each worker spins and writes its letter every LETTER_NS of wall time
 * while it holds the CPU. On one hart (make qemu CPUS=1) the line shows
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

/* Spin until end_ns, writing c every LETTER_NS of our own running: the
 * monotonic clock moves on while we are switched out, so a letter is
 * due once LETTER_NS passed since the last one, whoever ran meanwhile. */
static void worker(char c)
{
	uint64_t next = monotonic_ns();

	for (;;) {
		uint64_t now = monotonic_ns();

		if (now >= end_ns)
			return;
		if (now >= next) {
			put_letter(c);
			next = now + LETTER_NS;
		}
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
