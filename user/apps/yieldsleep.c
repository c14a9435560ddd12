/*
 * yieldsleep.c - three ways to wait, side by side: a spinner, a yielder
 * and a sleeper share one hart for the same wall time.
 *
 *	yieldsleep [ms]      run for ms (default 2000)
 *
 *	spin    loops without pause: always runnable, preempted only by
 *	        the timer at the end of its slice
 *	yield   calls sched_yield() in its loop: runnable too, but hands
 *	        the hart to anyone waiting at every turn
 *	sleep   calls nanosleep(5 ms) in its loop: off the run queue
 *	        (SLEEPING) while it waits, woken by the timer list
 *
 * All three are pinned to hart 0. At the end each reports the CPU ticks
 * the kernel charged it (times()), how many turns of its loop it made,
 * and its share of the hart. Expect the spinner to hold nearly all of
 * it: the sleeper is off the run queue between naps, and the yielder
 * gives the hart back at every turn, so it gets one turn whenever the
 * spinner is set aside - under rr, each time the sleeper wakes (a woken
 * thread goes to the front and takes the hart at once; after its turn
 * the yielder is next in line). So the yielder makes about as many turns
 * as the sleeper. Try it under `sched stride` too: the yielder's pass
 * hardly grows, so it runs far more often.
 */
#include "kite.h"

#define NWAYS 3
#define SLEEP_NS 5000000L

struct report {
	uint64_t ticks, turns;
};

static const char *const names[NWAYS] = { "spin", "yield", "sleep" };

static void way(int k, uint64_t end, struct report *r)
{
	struct timespec nap = { 0, SLEEP_NS };
	struct tms t;
	uint64_t turns = 0;

	while (monotonic_ns() < end) {
		if (k == 1)
			sched_yield();
		else if (k == 2)
			nanosleep(&nap, NULL);
		turns++;
	}
	times(&t);
	r->ticks = (uint64_t)t.tms_utime;
	r->turns = turns;
}

int main(int argc, char **argv)
{
	long ms = argc > 1 ? atol(argv[1]) : 2000;
	struct report *rep;
	uint64_t end, total = 0;
	pid_t pids[NWAYS];
	cpu_set_t set;

	if (argc > 2 || ms < 10 || ms > 60000) {
		fprintf(stderr, "usage: yieldsleep [ms 10..60000]\n");
		return 2;
	}
	rep = mmap(NULL, sizeof(*rep) * NWAYS, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rep == MAP_FAILED) {
		perror("yieldsleep: mmap");
		return 1;
	}
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0) {
		perror("yieldsleep: sched_setaffinity");
		return 1;
	}
	printf("yieldsleep: spin, yield and sleep (5 ms naps) on hart 0 for "
	       "%ld ms\n", ms);
	end = monotonic_ns() + (uint64_t)ms * 1000000;
	for (int k = 0; k < NWAYS; k++) {
		pids[k] = fork();
		if (pids[k] < 0) {
			perror("yieldsleep: fork");
			return 1;
		}
		if (pids[k] == 0) {
			way(k, end, &rep[k]);
			_exit(0);
		}
	}
	for (int k = 0; k < NWAYS; k++)
		waitpid(pids[k], NULL, 0);
	for (int k = 0; k < NWAYS; k++)
		total += rep[k].ticks;
	printf("way    ticks  share%%      turns\n");
	for (int k = 0; k < NWAYS; k++)
		printf("%-5s %6llu  %5llu %10llu\n", names[k],
		       (unsigned long long)rep[k].ticks,
		       (unsigned long long)(total ? rep[k].ticks * 100 / total : 0),
		       (unsigned long long)rep[k].turns);
	return 0;
}
