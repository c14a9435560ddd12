/*
 * sh.c - Kite's shell.
 *
 * Reads a line with its own editor (the console in raw mode): backspace,
 * Ctrl-U, Left/Right, Up/Down through the history, Ctrl-C drops the
 * line, Ctrl-D on an empty line leaves. A line is a built-in or an app
 * name with arguments; "&" at the end runs it in the background. A job
 * is spawned in a process group of its own and made the console's
 * foreground group, with the console back in canonical mode, so Ctrl-C
 * ends the job and not the shell.
 */
#include "kite.h"
#include "trace.h"

#define LINE_MAX 128
#define ARGS_MAX 16
#define HISTORY 16
#define TIOCSPGRP 0x5410

static char history[HISTORY][LINE_MAX];
static int nhistory;
static int last_status;

static void console_mode(uint32_t lflag)
{
	struct kite_termios t;

	if (ioctl(0, TCGETS, &t) == 0) {
		t.c_lflag = lflag;
		ioctl(0, TCSETS, &t);
	}
}

static void set_foreground(int pgid)
{
	ioctl(0, TIOCSPGRP, &pgid);
}

static void out(const char *s, size_t n)
{
	write(1, s, n);
}

/* Redraw the line from the cursor at pos: the rest, then back. */
static void redraw_tail(const char *line, int len, int pos, int erase)
{
	out(line + pos, (size_t)(len - pos));
	for (int i = 0; i < erase; i++)
		out(" ", 1);
	for (int i = 0; i < len - pos + erase; i++)
		out("\b", 1);
}

/* Replace the whole line with s. */
static int replace_line(char *line, int *pos, int len, const char *s)
{
	int n = (int)strlen(s);

	while ((*pos)-- > 0)
		out("\b", 1);
	strcpy(line, s);
	out(line, (size_t)n);
	for (int i = n; i < len; i++)
		out(" ", 1);
	for (int i = n; i < len; i++)
		out("\b", 1);
	*pos = n;
	return n;
}

/* Edit one line; returns its length, or -1 at end of input. */
static int edit_line(char *line)
{
	int len = 0, pos = 0, hist = nhistory;
	char c;

	line[0] = '\0';
	for (;;) {
		if (read(0, &c, 1) != 1)
			return -1;
		if (c == '\r' || c == '\n') {
			out("\n", 1);
			line[len] = '\0';
			return len;
		} else if (c == 4) { /* Ctrl-D */
			if (len == 0)
				return -1;
		} else if (c == 3) { /* Ctrl-C */
			out("^C\n", 3);
			return 0;
		} else if (c == 0x7f || c == '\b') {
			if (pos > 0) {
				memmove(line + pos - 1, line + pos, (size_t)(len - pos));
				pos--, len--;
				out("\b", 1);
				redraw_tail(line, len, pos, 1);
			}
		} else if (c == 0x15) { /* Ctrl-U */
			line[0] = '\0';
			len = replace_line(line, &pos, len, "");
		} else if (c == 0x1b) { /* ESC [ A/B/C/D */
			char seq[2];

			if (read(0, &seq[0], 1) != 1 || read(0, &seq[1], 1) != 1)
				return -1;
			if (seq[0] != '[')
				continue;
			if (seq[1] == 'D' && pos > 0) {
				pos--;
				out("\b", 1);
			} else if (seq[1] == 'C' && pos < len) {
				out(line + pos, 1);
				pos++;
			} else if (seq[1] == 'A' && hist > 0) {
				len = replace_line(line, &pos, len, history[--hist]);
			} else if (seq[1] == 'B' && hist < nhistory) {
				hist++;
				len = replace_line(line, &pos, len,
						   hist < nhistory ? history[hist] : "");
			}
		} else if (isprint((unsigned char)c) && len < LINE_MAX - 1) {
			memmove(line + pos + 1, line + pos, (size_t)(len - pos));
			line[pos++] = c;
			len++;
			out(&c, 1);
			redraw_tail(line, len, pos, 0);
		}
		line[len] = '\0';
	}
}

static void remember(const char *line)
{
	if (!line[0] || (nhistory && !strcmp(history[nhistory - 1], line)))
		return;
	if (nhistory == HISTORY) {
		memmove(history[0], history[1], sizeof(history[0]) * (HISTORY - 1));
		nhistory--;
	}
	strlcpy(history[nhistory++], line, LINE_MAX);
}

static void report_status(int pid, int status, bool background)
{
	if (WIFSIGNALED(status))
		printf("%s%d: killed by signal %d\n", background ? "[done] " : "",
		       pid, WTERMSIG(status));
	else if (background)
		printf("[done] %d: exit %d\n", pid, WEXITSTATUS(status));
}

/* Run argv as a job: in the foreground, wait for it. */
static void run(char **argv, bool background)
{
	char *envp[] = { "PATH=/", NULL };
	int status = 0, pid = spawn(argv[0], argv, envp);

	if (pid < 0) {
		printf("sh: %s: %s\n", argv[0], strerror(errno));
		last_status = 127;
		return;
	}
	if (background) {
		printf("[%d]\n", pid);
		return;
	}
	set_foreground(pid);
	console_mode(KITE_ICANON | KITE_ECHO | KITE_ISIG);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	console_mode(0);
	set_foreground(getpid());
	last_status = WIFSIGNALED(status) ? 128 + WTERMSIG(status)
					  : WEXITSTATUS(status);
	report_status(pid, status, false);
}

static const char *state_name(int s)
{
	static const char *const names[] = { "uninit", "ready", "running",
					     "sleep", "zombie" };

	return s >= 0 && s < 5 ? names[s] : "?";
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

/* ps: a line per process (THR threads; TICKS all of theirs); ps -T: a
 * line per thread, with its tid and the hart it runs or last ran on. */
static void cmd_ps(int argc, char **argv)
{
	static struct kite_procinfo info[256];
	long n = kite_procs(info, ARRAY_SIZE(info));
	bool threads = argc > 1 && !strcmp(argv[1], "-T");
	char rss[16], swp[16], vsz[16];

	if (argc > 1 && !threads) {
		fprintf(stderr, "usage: ps [-T]\n");
		return;
	}
	if (n > (long)ARRAY_SIZE(info))
		n = ARRAY_SIZE(info);
	if (threads) {
		printf("  PID   TID  PPID STATE   NAME             HART CLASS  PRIO     PASS  TICKS\n");
		for (long i = 0; i < n; i++) {
			struct kite_procinfo *t = &info[i];

			printf("%5d %5d %5d %-7s %-16s %4d %-6s %4d %8u %6lu\n",
			       t->pid, t->tid, t->ppid, state_name(t->state),
			       t->name, t->hart, (t->flags & 1) ? "kernel" : t->sched,
			       t->prio, t->pass, (unsigned long)t->ticks);
		}
		return;
	}
	printf("  PID  PPID STATE   NAME             THR CLASS  PRIO     PASS  TICKS CODE DATA HEAP STACK PT   RSS  SWAP   VSZ\n");
	for (long i = 0, k; i < n; i += k) {
		struct kite_procinfo *p = &info[i];
		uint64_t pages = p->pages_code + p->pages_data + p->pages_heap +
				 p->pages_stack + p->pages_anon + p->pages_shared;
		uint64_t ticks = 0;
		bool kernel = p->flags & 1;

		/* a process's threads come one after the other */
		for (k = 0; i + k < n && info[i + k].pid == p->pid; k++)
			ticks += info[i + k].ticks;
		printf("%5d %5d %-7s %-16s %3ld %-6s %4d %8u %6lu %4lu %4lu %4lu %5lu %2lu %5s %5s %5s\n",
		       p->pid, p->ppid, state_name(proc_state(p, k)), p->name,
		       p->state == 4 ? 0L : k,
		       kernel ? "kernel" : p->sched, p->prio, p->pass,
		       (unsigned long)ticks, (unsigned long)p->pages_code,
		       (unsigned long)p->pages_data, (unsigned long)p->pages_heap,
		       (unsigned long)p->pages_stack, (unsigned long)p->pages_pt,
		       kernel ? "-" : human(pages * 4096, rss),
		       kernel ? "-" : human(p->pages_swapped * 4096, swp),
		       kernel ? "-" : human(p->vsz, vsz));
	}
}

static void cmd_help(void)
{
	puts("Run an app by name with arguments; add & to run it in the background.\n"
	     "Built-ins:\n"
	     "  help              this text\n"
	     "  lsapp             the apps you can run\n"
	     "  ps [-T]           processes: state, threads, class, priority, ticks,\n"
	     "                    pages, RSS, SWAP (swapped out), VSZ; -T: a line per\n"
	     "                    thread, with its tid and hart\n"
	     "  exec APP [ARGS]   run an app (same as typing its name)\n"
	     "  kill PID [SIG]    end a process (default SIGTERM; 9 = SIGKILL)\n"
	     "  prio N            set the shell's stride priority (N >= 2; children inherit)\n"
	     "  sched [rr|stride] show or change the scheduling class\n"
	     "  mem               memory: free, kernel, page tables, user, shared, swap,\n"
	     "                    faults and reclaim\n"
	     "  swap [clock|lru|fifo]  show the swap counters, or change the replacement\n"
	     "                    policy\n"
	     "  usermem [SIZE|off] show or set the cap on user memory (16M, 4096K, 1G)\n"
	     "  time APP [ARGS]   run an app and print how long it took\n"
	     "  trace on|off|dump|clear|status  the kernel's event trace (docs/TRACE.md)\n"
	     "  echo ARGS         print ARGS ($? is the last exit status)\n"
	     "  clear             clear the screen\n"
	     "  exit [N]          leave the shell (Kite powers off)\n"
	     "Keys: Left/Right edit, Up/Down history, Ctrl-U erase, Ctrl-C stop the job.");
}

static void cmd_lsapp(void)
{
	char buf[1024];
	long n = kite_apps(buf, sizeof(buf) - 1);

	if (n < 0) {
		perror("lsapp");
		return;
	}
	buf[n < (long)sizeof(buf) ? n : (long)sizeof(buf) - 1] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == '\n' && p[1])
			*p = ' ';
	printf("%s", buf);
}

static void cmd_mem(void)
{
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

/* Built-ins; returns false if argv[0] is not one. */
static bool builtin(int argc, char **argv)
{
	char buf[16];

	if (!strcmp(argv[0], "help")) {
		cmd_help();
	} else if (!strcmp(argv[0], "lsapp")) {
		cmd_lsapp();
	} else if (!strcmp(argv[0], "ps")) {
		cmd_ps(argc, argv);
	} else if (!strcmp(argv[0], "mem")) {
		cmd_mem();
	} else if (!strcmp(argv[0], "trace")) {
		last_status = trace_command(argc, argv);
	} else if (!strcmp(argv[0], "swap")) {
		cmd_swap(argc, argv);
	} else if (!strcmp(argv[0], "usermem")) {
		cmd_usermem(argc, argv);
	} else if (!strcmp(argv[0], "clear")) {
		printf("\033[2J\033[H");
	} else if (!strcmp(argv[0], "echo")) {
		for (int i = 1; i < argc; i++)
			if (!strcmp(argv[i], "$?"))
				printf("%d%s", last_status, i + 1 < argc ? " " : "");
			else
				printf("%s%s", argv[i], i + 1 < argc ? " " : "");
		printf("\n");
	} else if (!strcmp(argv[0], "kill")) {
		int sig = argc > 2 ? atoi(argv[2]) : SIGTERM;

		if (argc < 2)
			puts("usage: kill PID [SIG]");
		else if (kill(atoi(argv[1]), sig) < 0)
			printf("kill: %s: %s\n", argv[1], strerror(errno));
	} else if (!strcmp(argv[0], "prio")) {
		if (argc < 2 || set_priority(atol(argv[1])) < 0)
			puts("usage: prio N (N >= 2)");
	} else if (!strcmp(argv[0], "sched")) {
		if (kite_sched(argc > 1 ? argv[1] : NULL, buf, sizeof(buf)) < 0)
			puts("usage: sched [rr|stride]");
		else
			printf("scheduler: %s\n", buf);
	} else if (!strcmp(argv[0], "exec") || !strcmp(argv[0], "time")) {
		uint64_t t0 = monotonic_ns(), dt;

		if (argc < 2) {
			printf("usage: %s APP [ARGS]\n", argv[0]);
			return true;
		}
		run(argv + 1, false);
		dt = monotonic_ns() - t0;
		if (argv[0][0] == 't')
			printf("real %lu.%03lus\n", (unsigned long)(dt / 1000000000),
			       (unsigned long)(dt / 1000000 % 1000));
	} else {
		return false;
	}
	return true;
}

int main(void)
{
	char line[LINE_MAX], copy[LINE_MAX];
	char *argv[ARGS_MAX + 1];

	set_foreground(getpid());
	puts("Kite shell: type help for the commands.");
	for (;;) {
		int argc = 0, status, pid, len;
		bool background = false;
		char *save = NULL, *w;

		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			report_status(pid, status, true);
		console_mode(0);
		printf("kite$ ");
		len = edit_line(line);
		if (len < 0)
			break;
		remember(line);
		strlcpy(copy, line, sizeof(copy));
		for (w = strtok_r(copy, " \t", &save); w && argc < ARGS_MAX;
		     w = strtok_r(NULL, " \t", &save))
			argv[argc++] = w;
		if (argc && !strcmp(argv[argc - 1], "&")) {
			background = true;
			argc--;
		}
		argv[argc] = NULL;
		if (argc == 0)
			continue;
		if (!strcmp(argv[0], "exit")) {
			console_mode(KITE_ICANON | KITE_ECHO | KITE_ISIG);
			return argc > 1 ? atoi(argv[1]) : 0;
		}
		if (!builtin(argc, argv))
			run(argv, background);
	}
	console_mode(KITE_ICANON | KITE_ECHO | KITE_ISIG);
	return 0;
}
