/*
 * jobs.c - the shell's job control: a table of the jobs it started, the
 * foreground wait, and the built-ins jobs, fg, bg and kill.
 *
 * A job is one app, spawned in a process group of its own (its pgid is
 * its pid). A job's life, as the shell sees it through wait4 with
 * WUNTRACED and WCONTINUED:
 *
 *   started ──&──> running (background) <──bg / SIGCONT── stopped
 *      │                 │      ^                           ^  │
 *      │ (foreground)    │ fg   └───────fg──────────────────┘  │
 *      └──> the console's foreground group ──Ctrl-Z, SIGTSTP──┘
 *                        │
 *           exit, signal ▼
 *                      done: reported once, then forgotten
 *
 * The shell itself catches SIGINT, SIGQUIT, SIGTSTP and SIGTTOU with a
 * handler that does nothing (so `kill -2 <the shell's pid>` never ends it), not
 * with SIG_IGN: a caught signal goes back to its default in a spawned
 * job, an ignored one would stay ignored there. SIGTTOU is blocked while
 * the shell hands the console over (main.c, set_foreground).
 */
#include "sh.h"

#define MAX_JOBS 32
#define JOB_CMD_MAX 48

enum job_state { JOB_FREE, JOB_RUNNING, JOB_STOPPED };

struct job {
	enum job_state state;
	int id;         /* %N: the lowest free number when it starts */
	pid_t pid;      /* and pgid */
	char cmd[JOB_CMD_MAX];
};

static struct job jobs[MAX_JOBS];

static const char *const signames[] = {
	[SIGHUP] = "HUP", [SIGINT] = "INT", [SIGQUIT] = "QUIT",
	[SIGILL] = "ILL", [SIGTRAP] = "TRAP", [SIGABRT] = "ABRT",
	[SIGBUS] = "BUS", [SIGFPE] = "FPE", [SIGKILL] = "KILL",
	[SIGUSR1] = "USR1", [SIGSEGV] = "SEGV", [SIGUSR2] = "USR2",
	[SIGPIPE] = "PIPE", [SIGALRM] = "ALRM", [SIGTERM] = "TERM",
	[SIGSTKFLT] = "STKFLT", [SIGCHLD] = "CHLD", [SIGCONT] = "CONT",
	[SIGSTOP] = "STOP", [SIGTSTP] = "TSTP", [SIGTTIN] = "TTIN",
	[SIGTTOU] = "TTOU", [SIGURG] = "URG", [SIGXCPU] = "XCPU",
	[SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF",
	[SIGWINCH] = "WINCH", [SIGIO] = "IO", [SIGPWR] = "PWR",
	[SIGSYS] = "SYS",
};

/* Equal, ignoring case, for the first n bytes (n < 0: all of them). */
static bool same_name(const char *a, const char *b, long n)
{
	for (; n != 0; a++, b++, n--) {
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
		if (!*a)
			return true;
	}
	return true;
}

static void nothing(int sig)
{
	(void)sig;
}

void jobs_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = nothing;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGTSTP, &sa, NULL);
	sigaction(SIGTTOU, &sa, NULL); /* its default would stop the shell */
}

/* A signal by number (9), name (KILL, SIGKILL, kill) or RTMIN+n; 0 if
 * none. */
int signal_parse(const char *s)
{
	char *end;
	long n;

	if (*s >= '0' && *s <= '9') {
		n = strtol(s, &end, 10);
		return *end || n < 1 || n > NSIG_KERNEL ? 0 : (int)n;
	}
	if (same_name(s, "SIG", 3))
		s += 3;
	for (int i = 1; i < (int)ARRAY_SIZE(signames); i++)
		if (signames[i] && same_name(s, signames[i], -1))
			return i;
	if (same_name(s, "RTMIN+", 6)) {
		n = strtol(s + 6, &end, 10);
		if (!*end && n >= 0 && SIGRTMIN_KERNEL + n <= NSIG_KERNEL)
			return SIGRTMIN_KERNEL + (int)n;
	}
	return 0;
}

static void signal_name(int sig, char *buf, size_t size)
{
	if (sig > 0 && sig < (int)ARRAY_SIZE(signames) && signames[sig])
		snprintf(buf, size, "%s", signames[sig]);
	else
		snprintf(buf, size, "RTMIN+%d", sig - SIGRTMIN_KERNEL);
}

static struct job *job_by_pid(pid_t pid)
{
	for (int i = 0; i < MAX_JOBS; i++)
		if (jobs[i].state != JOB_FREE && jobs[i].pid == pid)
			return &jobs[i];
	return NULL;
}

/* %N, %% or %+ (the newest), or a pid the shell started; NULL (and a
 * message) if there is no such job. */
static struct job *job_find(const char *who, const char *cmd)
{
	struct job *best = NULL;
	long n;
	char *end;

	if (!who) { /* the newest */
		for (int i = 0; i < MAX_JOBS; i++)
			if (jobs[i].state != JOB_FREE &&
			    (!best || jobs[i].id > best->id))
				best = &jobs[i];
	} else if (who[0] == '%') {
		if (!strcmp(who, "%%") || !strcmp(who, "%+"))
			return job_find(NULL, cmd);
		n = strtol(who + 1, &end, 10);
		for (int i = 0; i < MAX_JOBS && !*end; i++)
			if (jobs[i].state != JOB_FREE && jobs[i].id == n)
				best = &jobs[i];
	} else {
		n = strtol(who, &end, 10);
		if (!*end)
			best = job_by_pid((pid_t)n);
	}
	if (!best)
		printf("%s: %s: no such job\n", cmd, who ? who : "current");
	return best;
}

static struct job *job_add(pid_t pid, char **argv, enum job_state state)
{
	int id = 1;
	struct job *j = NULL;

	for (bool taken = true; taken; id += taken) {
		taken = false;
		for (int i = 0; i < MAX_JOBS; i++)
			if (jobs[i].state != JOB_FREE && jobs[i].id == id)
				taken = true;
	}
	for (int i = 0; i < MAX_JOBS && !j; i++)
		if (jobs[i].state == JOB_FREE)
			j = &jobs[i];
	if (!j)
		return NULL; /* a full table: it runs, but untracked */
	j->state = state;
	j->id = id;
	j->pid = pid;
	j->cmd[0] = '\0';
	for (int i = 0, len = 0; argv[i] && len < (int)sizeof(j->cmd) - 1; i++)
		len += snprintf(j->cmd + len, sizeof(j->cmd) - (size_t)len, "%s%s",
				i ? " " : "", argv[i]);
	return j;
}

/* A job's status changed; say so (as Linux's shells do). */
static void job_report(struct job *j, int status)
{
	char name[12];

	if (WIFSTOPPED(status)) {
		j->state = JOB_STOPPED;
		printf("[%d]+  Stopped                 %s\n", j->id, j->cmd);
	} else if (WIFCONTINUED(status)) {
		j->state = JOB_RUNNING;
	} else if (WIFSIGNALED(status)) {
		signal_name(WTERMSIG(status), name, sizeof(name));
		printf("[%d]   Killed by signal %d (SIG%s)%s  %s\n", j->id,
		       WTERMSIG(status), name,
		       WCOREDUMP(status) ? ", core dumped" : "", j->cmd);
		j->state = JOB_FREE;
	} else if (WEXITSTATUS(status)) {
		printf("[%d]   Exit %d                  %s\n", j->id,
		       WEXITSTATUS(status), j->cmd);
		j->state = JOB_FREE;
	} else {
		printf("[%d]   Done                    %s\n", j->id, j->cmd);
		j->state = JOB_FREE;
	}
}

void jobs_reap(void)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG | WUNTRACED | WCONTINUED)) > 0) {
		struct job *j = job_by_pid(pid);

		if (j)
			job_report(j, status);
		else if (WIFSIGNALED(status))
			printf("%d: killed by signal %d\n", pid, WTERMSIG(status));
	}
}

/* The console's line discipline for a job (its own editing off for the
 * shell's), and for the shell again with the console back. */
static void console_to_job(void)
{
	console_mode(KITE_ICANON | KITE_ECHO | KITE_ISIG);
}

static void console_to_shell(void)
{
	console_mode(0);
	set_foreground(getpid());
}

/* Wait for pid, which owns the console (spawned in the foreground, or
 * handed it before it went on) until it ends or stops; then the console
 * is the shell's again. Sets last_status. */
static void wait_foreground(pid_t pid, char **argv, struct job *j)
{
	char name[12];
	int status = 0;

	while (waitpid(pid, &status, WUNTRACED) < 0 && errno == EINTR)
		;
	console_to_shell();
	if (WIFSTOPPED(status)) { /* Ctrl-Z: it waits, stopped */
		if (!j)
			j = job_add(pid, argv, JOB_STOPPED);
		printf("\n");
		if (j)
			job_report(j, status);
		last_status = 128 + WSTOPSIG(status);
		return;
	}
	if (j)
		j->state = JOB_FREE;
	last_status = WIFSIGNALED(status) ? 128 + WTERMSIG(status)
					  : WEXITSTATUS(status);
	if (WIFSIGNALED(status)) {
		signal_name(WTERMSIG(status), name, sizeof(name));
		printf("%d: killed by signal %d (SIG%s)%s\n", pid, WTERMSIG(status),
		       name, WCOREDUMP(status) ? ", core dumped" : "");
	}
}

void run(char **argv, bool background)
{
	char *envp[] = { "PATH=/", NULL };
	struct job *j;
	int pid;

	/* A foreground job has the console from its first instruction: were
	 * it handed over after spawn returns, a job that reads at once
	 * could find itself in the background and stop (SIGTTIN). */
	if (!background)
		console_to_job();
	pid = spawn_flags(argv[0], argv, envp,
			  background ? 0 : KITE_SPAWN_FOREGROUND);
	if (pid < 0) {
		console_to_shell();
		printf("sh: %s: %s\n", argv[0],
		       errno == ENOENT ? "no such app (lsapp lists them)"
				       : strerror(errno));
		last_status = 127;
		return;
	}
	if (background) {
		j = job_add(pid, argv, JOB_RUNNING);
		printf("[%d] %d\n", j ? j->id : 0, pid);
		last_status = 0;
		return;
	}
	wait_foreground(pid, argv, NULL);
}

static void cmd_jobs(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		puts("usage: jobs");
		return;
	}
	jobs_reap();
	for (int i = 0; i < MAX_JOBS; i++)
		if (jobs[i].state != JOB_FREE)
			printf("[%d]   %-8s %5d  %s\n", jobs[i].id,
			       jobs[i].state == JOB_STOPPED ? "Stopped" : "Running",
			       jobs[i].pid, jobs[i].cmd);
}

/* fg [JOB] and bg [JOB]: the job goes on (SIGCONT to its group), in the
 * foreground (waited for) or in the background. */
static void cmd_fg_bg(int argc, char **argv)
{
	bool fg = !strcmp(argv[0], "fg");
	struct job *j;

	if (argc > 2) {
		printf("usage: %s [%%N|PID]\n", argv[0]);
		return;
	}
	j = job_find(argc > 1 ? argv[1] : NULL, argv[0]);
	if (!j)
		return;
	if (fg)
		printf("%s\n", j->cmd);
	else
		printf("[%d] %s &\n", j->id, j->cmd);
	if (fg) { /* the console first, so that it never reads in the background */
		set_foreground(j->pid);
		console_to_job();
	}
	if (kill(-j->pid, SIGCONT) < 0) {
		if (fg)
			console_to_shell();
		printf("%s: %s\n", argv[0], strerror(errno));
		return;
	}
	j->state = JOB_RUNNING;
	if (fg)
		wait_foreground(j->pid, NULL, j);
}

/* kill [-SIG | -s SIG] PID|%N ...  and  kill -l [SIG]. */
static void cmd_kill(int argc, char **argv)
{
	int sig = SIGTERM, i = 1;
	char name[12];

	if (argc > 1 && !strcmp(argv[1], "-l")) {
		if (argc == 3) {
			int s = signal_parse(argv[2]);

			if (!s && atoi(argv[2]) > 128)
				s = atoi(argv[2]) - 128; /* a status: $? */
			if (!s) {
				printf("kill: %s: no such signal\n", argv[2]);
				return;
			}
			signal_name(s, name, sizeof(name));
			printf("%s\n", name);
			return;
		}
		for (int s = 1; s <= NSIG_KERNEL; s++) {
			signal_name(s, name, sizeof(name));
			printf("%2d) SIG%-9s%s", s, name, s % 5 == 0 ? "\n" : " ");
		}
		printf("\n");
		return;
	}
	if (argc > 2 && !strcmp(argv[1], "-s")) {
		sig = signal_parse(argv[2]);
		i = 3;
	} else if (argc > 1 && argv[1][0] == '-' && argv[1][1]) {
		sig = signal_parse(argv[1] + 1);
		i = 2;
	}
	if (!sig) {
		printf("kill: %s: no such signal (kill -l lists them)\n",
		       argv[i - 1] + (argv[i - 1][0] == '-'));
		return;
	}
	if (i >= argc) {
		puts("usage: kill [-SIG | -s SIG] PID|%N ...; kill -l [SIG]");
		return;
	}
	for (; i < argc; i++) {
		pid_t pid;

		if (argv[i][0] == '%') {
			struct job *j = job_find(argv[i], "kill");

			if (!j)
				continue;
			pid = -j->pid; /* the whole job */
		} else {
			char *end;
			long n = strtol(argv[i], &end, 10);

			if (*end || !argv[i][0]) {
				printf("kill: %s: a pid or %%N is needed\n", argv[i]);
				continue;
			}
			pid = (pid_t)n;
		}
		if (kill(pid, sig) < 0)
			printf("kill: %s: %s\n", argv[i], strerror(errno));
	}
}

bool jobs_builtin(int argc, char **argv)
{
	if (!strcmp(argv[0], "jobs"))
		cmd_jobs(argc, argv);
	else if (!strcmp(argv[0], "fg") || !strcmp(argv[0], "bg"))
		cmd_fg_bg(argc, argv);
	else if (!strcmp(argv[0], "kill"))
		cmd_kill(argc, argv);
	else
		return false;
	return true;
}
