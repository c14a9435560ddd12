/*
 * builtins.c - the shell's built-in commands: a table of names and
 * functions (builtin()), each given the whole argv. `exit` is main.c's.
 */
#include "sh.h"
#include "trace.h"

static const char *state_name(int s)
{
	/* the kernel's names (its Ctrl-P dump prints the same) */
	static const char *const names[] = { "uninit", "runnable", "running",
					     "sleeping", "zombie", "stopped" };

	return s >= 0 && s < (int)ARRAY_SIZE(names) ? names[s] : "?";
}

/* A size in bytes for people, as ps -h would: "0", "640K", "1023K",
 * "1.2M", "12M", "3.5G" (one decimal under 10 of M, G or T). */
static const char *human(uint64_t bytes, char buf[16])
{
	static const char units[] = "KMGT";
	uint64_t tenths = bytes * 10 / 1024; /* of the unit */
	int u = 0;

	if (bytes == 0)
		return "0";
	while (tenths >= 1024 * 10 && u < 3) {
		tenths /= 1024;
		u++;
	}
	if (u && tenths < 100)
		snprintf(buf, 16, "%lu.%lu%c", (unsigned long)tenths / 10,
			 (unsigned long)tenths % 10, units[u]);
	else
		snprintf(buf, 16, "%lu%c", tenths >= 10 ? (unsigned long)tenths / 10
			 : 1UL, units[u]);
	return buf;
}

/* The state a process shows: running if a thread runs, else ready if
 * one could, else its first thread's. */
static int proc_state(const struct kite_procinfo *e, long n)
{
	int best = e[0].state;

	for (long i = 0; i < n; i++)
		if (e[i].state == 2 || (e[i].state == 1 && best != 2))
			best = e[i].state;
	return best;
}

/* The process table, every entry: a snapshot in a buffer that grows
 * until it holds them all. NULL (and errno) on failure; free() it. */
static struct kite_procinfo *proc_table(long *count)
{
	struct kite_procinfo *info = NULL;
	long cap = 64, n;

	for (;;) {
		struct kite_procinfo *bigger = realloc(info, (size_t)cap * sizeof(*info));

		if (!bigger) {
			free(info);
			return NULL;
		}
		info = bigger;
		n = kite_procs(info, (size_t)cap);
		if (n < 0) {
			free(info);
			return NULL;
		}
		if (n <= cap) {
			*count = n;
			return info;
		}
		cap = n + 16; /* more came meanwhile: room for a few more */
	}
}

/* ps: a line per process (THR threads; TICKS all of theirs); ps -T: a
 * line per thread, with its tid and the hart it runs or last ran on.
 * Every process is listed, however many there are. Memory columns are
 * sizes (K, M, G: kibibytes and up); TICKS counts timer ticks. */
static void cmd_ps(int argc, char **argv)
{
	bool threads = argc > 1 && !strcmp(argv[1], "-T");
	char b[8][16]; /* a buffer per size column */
	struct kite_procinfo *info;
	long n;

	if (argc > 2 || (argc > 1 && !threads)) {
		fprintf(stderr, "usage: ps [-T]\n");
		return;
	}
	info = proc_table(&n);
	if (!info) {
		perror("ps");
		return;
	}
	if (threads) {
		printf("  PID   TID  PPID STATE     NAME             HART CLASS  PRIO     PASS  TICKS\n");
		for (long i = 0; i < n; i++) {
			struct kite_procinfo *t = &info[i];

			printf("%5d %5d %5d %-9s %-16s %4d %-6s %4d %8u %6lu\n",
			       t->pid, t->tid, t->ppid, state_name(t->state),
			       t->name, t->hart, t->sched, t->prio, t->pass,
			       (unsigned long)t->ticks);
		}
		free(info);
		return;
	}
	printf("  PID  PPID STATE     NAME             THR CLASS  PRIO     PASS  TICKS  CODE  DATA  HEAP STACK    PT   RSS  SWAP   VSZ\n");
	for (long i = 0, k; i < n; i += k) {
		struct kite_procinfo *p = &info[i];
		uint64_t pages = p->pages_code + p->pages_data + p->pages_heap +
				 p->pages_stack + p->pages_anon + p->pages_shared;
		uint64_t ticks = 0;
		bool kernel = p->flags & 1;

		/* a process's threads come one after the other */
		for (k = 0; i + k < n && info[i + k].pid == p->pid; k++)
			ticks += info[i + k].ticks;
		printf("%5d %5d %-9s %-16s %3ld %-6s %4d %8u %6lu",
		       p->pid, p->ppid, state_name(proc_state(p, k)), p->name,
		       p->state == 4 ? 0L : k, p->sched, p->prio, p->pass,
		       (unsigned long)ticks);
		if (kernel) { /* a kernel thread has no user memory */
			printf("     -     -     -     -     -     -     -     -\n");
			continue;
		}
		printf(" %5s %5s %5s %5s %5s %5s %5s %5s\n",
		       human(p->pages_code * SH_PAGE, b[0]),
		       human(p->pages_data * SH_PAGE, b[1]),
		       human(p->pages_heap * SH_PAGE, b[2]),
		       human(p->pages_stack * SH_PAGE, b[3]),
		       human(p->pages_pt * SH_PAGE, b[4]),
		       human(pages * SH_PAGE, b[5]),
		       human(p->pages_swapped * SH_PAGE, b[6]),
		       human(p->vsz, b[7]));
	}
	free(info);
}

static void cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	puts("Type an app's name and its arguments; add & to run it in the background.\n"
	     "Quote with '...' or \"...\", or escape one character with \\; $? is the\n"
	     "last command's status.\n"
	     "Built-ins:\n"
	     "  help              this text, and a line about each app\n"
	     "  lsapp             the apps' names\n"
	     "  top [-n N] [-d S] the busiest processes every S seconds (q leaves)\n"
	     "  ps [-T]           processes: state, threads, class, priority, ticks,\n"
	     "                    memory by kind (CODE DATA HEAP STACK, PT: page tables),\n"
	     "                    RSS, SWAP (swapped out), VSZ; -T: a line per thread\n"
	     "  exec APP [ARGS]   run an app (same as typing its name)\n"
	     "  time APP [ARGS]   run an app and print how long it took\n"
	     "  trace on|off|dump|clear|status  the kernel's event trace (docs/TRACE.md)\n"
	     "  jobs              the jobs started here: running or stopped\n"
	     "  fg [%N], bg [%N]  continue a job in the foreground, in the background\n"
	     "  kill [-SIG] PID|%N  send a signal (default TERM; -9, -KILL, -s INT);\n"
	     "                    kill -l lists the signals\n"
	     "  prio N            set the shell's stride priority (N >= 2; children inherit)\n"
	     "  sched [rr|stride] show or change the scheduling class\n"
	     "  mem               memory: free, kernel, page tables, user, shared, swap,\n"
	     "                    faults and reclaim\n"
	     "  swap [clock|lru|fifo]  the swap counters, or change the replacement policy\n"
	     "  usermem [SIZE|off] show or set the cap on user memory (16M, 4096K, 1G)\n"
	     "  echo ARGS         print ARGS\n"
	     "  clear             clear the screen\n"
	     "  exit [N]          leave the shell (Kite powers off with status N)\n"
	     "Keys: Left/Right, Home/End (Ctrl-A/Ctrl-E) move; Backspace, Delete erase;\n"
	     "Up/Down: history; Ctrl-U erases the line; Ctrl-C ends the job, Ctrl-Z\n"
	     "stops it (fg or bg continues it).\n");
	apps_help();
}

static void cmd_lsapp(int argc, char **argv)
{
	char *names = app_names();

	(void)argc;
	(void)argv;
	if (!names) {
		perror("lsapp");
		return;
	}
	for (char *p = names; *p; p++)
		if (*p == '\n' && p[1])
			*p = ' ';
	printf("%s", names);
	free(names);
}

static void cmd_mem(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct kite_meminfo m = { 0 }; /* an older kernel fills fewer fields */

	if (kite_meminfo(&m) < 0) {
		perror("mem");
		return;
	}
	printf("total %lu KiB, free %lu KiB, kernel %lu KiB (page tables %lu "
	       "KiB), user %lu KiB (shared %lu KiB)\n",
	       (unsigned long)m.total * 4, (unsigned long)m.free * 4,
	       (unsigned long)m.kernel * 4, (unsigned long)m.pagetables * 4,
	       (unsigned long)m.user * 4, (unsigned long)m.shared * 4);
	if (m.swap_total)
		printf("swap %lu/%lu KiB used, %lu pages out, %lu in",
		       (unsigned long)m.swap_used * 4,
		       (unsigned long)m.swap_total * 4,
		       (unsigned long)m.swap_outs, (unsigned long)m.swap_ins);
	else
		printf("swap none");
	/* ~0: no cap (0: a kernel without the field) */
	if (m.user_cap && m.user_cap != ~0ULL)
		printf(", user memory capped at %lu KiB (usermem=)\n",
		       (unsigned long)m.user_cap * 4);
	else
		printf("\n");
	printf("faults %lu in all; reclaim %lu frames scanned, %lu evicted\n",
	       (unsigned long)m.faults, (unsigned long)m.reclaim_scans,
	       (unsigned long)m.reclaim_evicted);
}

/* "16M", "4096K", "1G" or bytes; 0 if malformed. */
static uint64_t parse_size(const char *s)
{
	uint64_t v = 0;

	if (*s < '0' || *s > '9')
		return 0;
	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (uint64_t)(*s - '0');
	switch (*s) {
	case 'G': case 'g': v <<= 10; /* fall through */
	case 'M': case 'm': v <<= 10; /* fall through */
	case 'K': case 'k': v <<= 10; s++; break;
	}
	return *s ? 0 : v;
}

/* usermem [SIZE|off]: show the cap on user memory, or set it. */
static void cmd_usermem(int argc, char **argv)
{
	struct kite_meminfo m = { 0 };
	uint64_t bytes = 0;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "off") &&
			 !(bytes = parse_size(argv[1])))) {
		puts("usage: usermem [SIZE|off] (SIZE like 16M, 4096K, 1G)");
		return;
	}
	if (argc == 2 &&
	    kite_usermem(strcmp(argv[1], "off") ? bytes : KITE_USERMEM_NONE) < 0) {
		printf("usermem: %s: %s\n", argv[1],
		       errno == EINVAL ? "too small (1M at least)" : strerror(errno));
		return;
	}
	if (kite_meminfo(&m) < 0) {
		perror("usermem");
		return;
	}
	if (m.user_cap == ~0ULL)
		printf("user memory: %lu KiB in use, no cap\n",
		       (unsigned long)m.user * 4);
	else
		printf("user memory: %lu KiB in use, capped at %lu KiB\n",
		       (unsigned long)m.user * 4, (unsigned long)m.user_cap * 4);
}

/* swap [POLICY]: switch the page-replacement policy if POLICY is given,
 * then show the policy and the swap and reclaim counters. */
static void cmd_swap(int argc, char **argv)
{
	struct kite_swapinfo s = { 0 };

	if (argc > 2) {
		puts("usage: swap [clock|lru|fifo]");
		return;
	}
	if (argc == 2 && kite_swap(argv[1], NULL) < 0) {
		if (errno == EINVAL)
			printf("swap: %s: no such policy (clock, lru, fifo)\n",
			       argv[1]);
		else
			printf("swap: %s: %s\n", argv[1], strerror(errno));
		return;
	}
	if (kite_swap(NULL, &s) < 0) {
		printf("swap: %s\n", strerror(errno));
		return;
	}
	printf("swap policy: %s\n", s.policy);
	if (argc == 2)
		return;
	if (!s.total) {
		puts("no swap area (no disk)");
		return;
	}
	printf("area: %lu/%lu KiB used (%lu of %lu pages)\n",
	       (unsigned long)s.used * 4, (unsigned long)s.total * 4,
	       (unsigned long)s.used, (unsigned long)s.total);
	printf("pages: %lu out, %lu in; errors: %lu write, %lu read\n",
	       (unsigned long)s.outs, (unsigned long)s.ins,
	       (unsigned long)s.write_errors, (unsigned long)s.read_errors);
	printf("reclaim: %lu frames scanned, %lu evicted, %lu referenced, "
	       "%lu busy; %lu scanned by faults\n", (unsigned long)s.scanned,
	       (unsigned long)s.evicted, (unsigned long)s.referenced,
	       (unsigned long)s.busy, (unsigned long)s.direct);
	printf("reclaimd: keeps %lu-%lu frames free, %lu rounds; aging found "
	       "%lu used; %lu frames queued\n", (unsigned long)s.low,
	       (unsigned long)s.high, (unsigned long)s.rounds,
	       (unsigned long)s.aged, (unsigned long)s.queued);
}

static void cmd_clear(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("\033[2J\033[H");
}

static void cmd_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("%s%s", argv[i], i + 1 < argc ? " " : "");
	printf("\n");
}

/* A whole decimal number (optionally negative) in s, or false. */
static bool parse_int(const char *s, long *v)
{
	char *end;

	if (!*s)
		return false;
	*v = strtol(s, &end, 10);
	return *end == '\0';
}

static void cmd_prio(int argc, char **argv)
{
	long prio;

	if (argc != 2 || !parse_int(argv[1], &prio) || set_priority(prio) < 0)
		puts("usage: prio N (N >= 2)");
}

static void cmd_sched(int argc, char **argv)
{
	char buf[16];

	if (argc > 2 || kite_sched(argc > 1 ? argv[1] : NULL, buf, sizeof(buf)) < 0)
		puts("usage: sched [rr|stride]");
	else
		printf("scheduler: %s\n", buf);
}

/* exec APP [ARGS] and time APP [ARGS]. */
static void cmd_exec(int argc, char **argv)
{
	uint64_t t0 = monotonic_ns(), dt;

	if (argc < 2) {
		printf("usage: %s APP [ARGS]\n", argv[0]);
		return;
	}
	run(argv + 1, false);
	dt = monotonic_ns() - t0;
	if (!strcmp(argv[0], "time"))
		printf("real %lu.%03lus\n", (unsigned long)(dt / 1000000000),
		       (unsigned long)(dt / 1000000 % 1000));
}

static void cmd_trace(int argc, char **argv)
{
	last_status = trace_command(argc, argv);
}

static const struct {
	const char *name;
	void (*fn)(int argc, char **argv);
} builtins[] = {
	{ "help", cmd_help },     { "lsapp", cmd_lsapp },
	{ "ps", cmd_ps },         { "mem", cmd_mem },
	{ "swap", cmd_swap },     { "usermem", cmd_usermem },
	{ "clear", cmd_clear },   { "echo", cmd_echo },
	{ "prio", cmd_prio },
	{ "sched", cmd_sched },   { "exec", cmd_exec },
	{ "time", cmd_exec },     { "top", cmd_top },
	{ "trace", cmd_trace },
};

bool builtin(int argc, char **argv)
{
	for (size_t i = 0; i < ARRAY_SIZE(builtins); i++)
		if (!strcmp(argv[0], builtins[i].name)) {
			builtins[i].fn(argc, argv);
			return true;
		}
	return false;
}
