/*
 * top.c - the shell's `top`: a table of the busiest processes,
 * refreshed every second, until `q` is typed.
 *
 *	top [-n ROUNDS] [-d SECONDS]
 *
 * Each round reads the process table (kite_procs) and each hart's tick
 * count (kite_cpustat), waits, reads them again, and prints one line per
 * process: pid, name, state, the hart it runs or last ran on, its class,
 * its priority and stride pass, CPU% (its threads' ticks in the interval
 * over one hart's ticks in it, as Linux's top: 100% is one whole hart,
 * so a process with threads on four harts can show 400%), and RSS. Lines
 * are sorted by CPU% (then pid). The header has the number of processes,
 * how busy each hart was, and the free and user memory.
 *
 * Keys come from a thread of the shell that reads the console (raw mode)
 * while the main thread sleeps between rounds: `q` leaves at once. With
 * -n the table is printed ROUNDS times and top ends by itself (for tests
 * and logs: the screen is not cleared then).
 */
#include "sh.h"

#define TOP_ROWS 20           /* processes shown */
#define TOP_MAX_HARTS 8
#define NAP_NS 50000000L      /* how often the main thread checks for q */

struct top_proc {
	int pid, state, hart, prio, nthreads;
	uint32_t pass;
	uint64_t ticks, rss_pages;
	char name[16], sched[8];
	uint64_t delta; /* ticks in the interval */
};

static int quit; /* [atomic] q was typed */

static void *key_reader(void *arg)
{
	char c;

	(void)arg;
	while (read(0, &c, 1) == 1)
		if (c == 'q' || c == 'Q' || c == 3) /* q, or Ctrl-C */
			break;
	__atomic_store_n(&quit, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* The processes now: one entry per process (its threads summed). */
static int snapshot(struct top_proc **out)
{
	struct kite_procinfo *info = NULL;
	struct top_proc *procs;
	long n = 0, cap = 64, np = 0;

	for (;;) {
		struct kite_procinfo *b = realloc(info, (size_t)cap * sizeof(*info));

		if (!b)
			goto fail;
		info = b;
		n = kite_procs(info, (size_t)cap);
		if (n < 0)
			goto fail;
		if (n <= cap)
			break;
		cap = n + 16;
	}
	procs = calloc((size_t)(n ? n : 1), sizeof(*procs));
	if (!procs)
		goto fail;
	for (long i = 0; i < n; i++) {
		struct kite_procinfo *t = &info[i];
		struct top_proc *p = np ? &procs[np - 1] : NULL;

		if (!p || p->pid != t->pid) { /* a process's threads are together */
			p = &procs[np++];
			p->pid = t->pid;
			p->state = t->state;
			p->hart = t->hart;
			p->prio = t->prio;
			p->pass = t->pass;
			p->rss_pages = t->pages_code + t->pages_data + t->pages_heap +
				       t->pages_stack + t->pages_anon + t->pages_shared;
			strlcpy(p->name, t->name, sizeof(p->name));
			strlcpy(p->sched, t->sched, sizeof(p->sched));
		}
		p->nthreads++;
		p->ticks += t->ticks;
		if (t->state == 2) { /* running: show where */
			p->state = 2;
			p->hart = t->hart;
		}
	}
	free(info);
	*out = procs;
	return (int)np;
fail:
	free(info);
	return -1;
}

static const char *state_short(int s)
{
	static const char *const names[] = { "uninit", "runnable", "running",
					     "sleeping", "zombie", "stopped" };

	return s >= 0 && s < (int)ARRAY_SIZE(names) ? names[s] : "?";
}

/* Does x come before y: more CPU, then the smaller pid? */
static bool before_in_list(const struct top_proc *x, const struct top_proc *y)
{
	return x->delta != y->delta ? x->delta > y->delta : x->pid < y->pid;
}

/* Insertion sort: a table of processes is short. */
static void sort_by_cpu(struct top_proc *p, int n)
{
	for (int i = 1; i < n; i++) {
		struct top_proc t = p[i];
		int j = i;

		for (; j > 0 && before_in_list(&t, &p[j - 1]); j--)
			p[j] = p[j - 1];
		p[j] = t;
	}
}

/* Hart ticks now, and which harts are online; returns how many. */
static int hart_ticks(uint64_t *busy, uint64_t *ticks)
{
	struct kite_cpustat st[TOP_MAX_HARTS];
	long n = kite_cpustat(st, TOP_MAX_HARTS, 0);
	int k = 0;

	for (long h = 0; h < n && h < TOP_MAX_HARTS; h++)
		if (st[h].online) {
			ticks[k] = st[h].ticks;
			busy[k] = st[h].hart;
			k++;
		}
	return k;
}

static void show(struct top_proc *now, int n, const struct top_proc *before,
		 int nb, uint64_t interval_ticks, int harts)
{
	struct kite_meminfo m = { 0 };
	uint64_t total = 0;
	char rss[16];

	for (int i = 0; i < n; i++) {
		now[i].delta = 0;
		for (int j = 0; j < nb; j++)
			if (before[j].pid == now[i].pid) {
				if (now[i].ticks >= before[j].ticks)
					now[i].delta = now[i].ticks - before[j].ticks;
				break;
			}
		total += now[i].delta;
	}
	sort_by_cpu(now, n);
	kite_meminfo(&m);
	printf("top: %d processes, %d harts, %llu%% of them busy; memory %lu KiB "
	       "free, %lu KiB user\n", n, harts,
	       (unsigned long long)(interval_ticks && harts ?
				    total * 100 / (interval_ticks * harts) : 0),
	       (unsigned long)m.free * 4, (unsigned long)m.user * 4);
	printf("  PID NAME             STATE     HART CLASS  PRIO     PASS  THR  CPU%%   RSS\n");
	for (int i = 0; i < n && i < TOP_ROWS; i++) {
		struct top_proc *p = &now[i];
		uint64_t pct10 = interval_ticks ? p->delta * 1000 / interval_ticks : 0;

		snprintf(rss, sizeof(rss), "%lluK",
			 (unsigned long long)p->rss_pages * (SH_PAGE / 1024));
		printf("%5d %-16s %-9s %4d %-6s %4d %8u %4d %3llu.%llu %5s\n",
		       p->pid, p->name, state_short(p->state), p->hart, p->sched,
		       p->prio, p->pass, p->nthreads,
		       (unsigned long long)pct10 / 10,
		       (unsigned long long)pct10 % 10,
		       p->rss_pages ? rss : "-");
	}
}

/* Sleep up to ns, waking early if q was typed; false if it was. */
static bool nap(uint64_t ns)
{
	uint64_t end = monotonic_ns() + ns;

	while (!__atomic_load_n(&quit, __ATOMIC_ACQUIRE)) {
		uint64_t now = monotonic_ns();
		struct timespec ts = { 0, NAP_NS };

		if (now >= end)
			return true;
		if (end - now < (uint64_t)NAP_NS)
			ts.tv_nsec = (long)(end - now);
		nanosleep(&ts, NULL);
	}
	return false;
}

void cmd_top(int argc, char **argv)
{
	long rounds = -1, secs = 1;
	struct top_proc *before = NULL, *now = NULL;
	uint64_t busy[TOP_MAX_HARTS], t0[TOP_MAX_HARTS], t1[TOP_MAX_HARTS];
	thread_t reader;
	bool interactive;
	int nb, n, harts;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			rounds = atol(argv[++i]);
		else if (!strcmp(argv[i], "-d") && i + 1 < argc)
			secs = atol(argv[++i]);
		else
			rounds = 0;
		if (rounds == 0 || secs < 1 || secs > 60) {
			puts("usage: top [-n ROUNDS] [-d SECONDS 1..60]");
			return;
		}
	}
	interactive = rounds < 0;
	quit = 0;
	if (interactive && thread_create(&reader, key_reader, NULL) < 0) {
		perror("top: thread_create");
		return;
	}
	nb = snapshot(&before);
	harts = hart_ticks(busy, t0);
	while (nb >= 0 && rounds != 0) {
		if (!nap((uint64_t)secs * 1000000000))
			break;
		n = snapshot(&now);
		if (n < 0)
			break;
		hart_ticks(busy, t1);
		if (interactive)
			printf("\033[H\033[2J");
		show(now, n, before, nb, harts ? t1[0] - t0[0] : 0, harts);
		if (interactive)
			printf("(q to leave)\n");
		free(before);
		before = now;
		now = NULL;
		nb = n;
		memcpy(t0, t1, sizeof(t0));
		if (rounds > 0)
			rounds--;
	}
	free(before);
	if (nb < 0)
		perror("top");
	if (interactive) {
		if (!__atomic_load_n(&quit, __ATOMIC_ACQUIRE))
			puts("(type q)"); /* the reader waits for its key */
		thread_join(reader, NULL);
	}
}
