/*
 * main.c - Kite's shell: the loop.
 *
 * Reads a line with its own editor (edit.c: the console in raw mode),
 * splits it into words (parse.c: quotes, backslashes, $?) and runs a
 * built-in (builtins.c) or an app by name with its arguments; "&" at the
 * end runs it in the background. A job is spawned in a process group of
 * its own and made the console's foreground group, with the console back
 * in canonical mode, so Ctrl-C (SIGINT) and Ctrl-\ (SIGQUIT) end the job
 * and not the shell, and Ctrl-Z (SIGTSTP) stops it: the shell says so and
 * takes the console back (with SIGTTOU blocked, as a shell must); jobs,
 * fg, bg and kill (jobs.c) handle it from there. Jobs that ended or
 * stopped are reported before the next prompt.
 *
 * Leaving: `exit [N]` powers Kite off with status N (0..255; a word that
 * is not a number is refused). Ctrl-D on an empty line is easy to type
 * by mistake, so the first one only says how to leave; a second one in
 * a row leaves.
 *
 * `sh -c 'COMMAND'` (what a Linux program's system() and popen() run, as
 * /bin/sh) runs one command line without the editor or job control: a
 * built-in, or the app in a forked child of the same process group (so
 * the caller's Ctrl-C reaches it), and exits with its status (128 + N
 * if signal N ended it).
 */
#include "sh.h"

int last_status;

void console_mode(uint32_t lflag)
{
	struct kite_termios t;

	if (ioctl(0, TCGETS, &t) == 0) {
		t.c_lflag = lflag;
		ioctl(0, TCSETS, &t);
	}
}

/* Make group pgid the console's foreground group. SIGTTOU is blocked
 * meanwhile: the shell may be in the background (its job stopped), and
 * Linux lets such a process take the console only if it ignores or
 * blocks SIGTTOU. Its jobs start with the mask of the moment they are
 * spawned, so they never inherit the block. */
void set_foreground(int pgid)
{
	sigset_t ttou = 1UL << (SIGTTOU - 1), old;

	sigprocmask(SIG_BLOCK, &ttou, &old);
	ioctl(0, TIOCSPGRP, &pgid);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* exit [N]: true (with *code) if the shell is to leave. */
static bool want_exit(int argc, char **argv, int *code)
{
	char *end;
	long n;

	if (argc == 1) {
		*code = last_status;
		return true;
	}
	if (argc > 2) {
		printf("sh: exit: too many arguments\n");
		last_status = 2;
		return false;
	}
	n = strtol(argv[1], &end, 10);
	if (!argv[1][0] || *end) {
		printf("sh: exit: %s: a number is needed (exit [N])\n", argv[1]);
		last_status = 2;
		return false;
	}
	*code = (int)(n & 0xff);
	return true;
}

/* End of input at the prompt: the first time a hint, the second in a
 * row leave. */
static bool eof_leaves(int *eofs)
{
	if (++*eofs >= 2)
		return true;
	printf("(Ctrl-D: type exit to leave the shell and power Kite off, "
	       "or Ctrl-D again)\n");
	return false;
}

/* sh -c: one command line, no prompt, no job control. */
static int run_command_string(const char *cmd)
{
	static char line[SH_LINE_MAX], words[SH_LINE_MAX * PARSE_BUF_FACTOR];
	char *argv[SH_ARGS_MAX];
	const char *err;
	bool background;
	int argc, code = 0, st;
	pid_t pid;

	if (strlen(cmd) >= sizeof(line)) {
		fprintf(stderr, "sh: -c: the command is longer than %d bytes\n",
			SH_LINE_MAX - 1);
		return 2;
	}
	strcpy(line, cmd);
	argc = parse_line(line, words, argv, SH_ARGS_MAX, &background, &err);
	if (argc < 0) {
		fprintf(stderr, "sh: %s\n", err);
		return 2;
	}
	if (argc == 0)
		return 0;
	if (!strcmp(argv[0], "exit"))
		return want_exit(argc, argv, &code) ? code : last_status;
	if (builtin(argc, argv)) {
		fflush(stdout);
		return last_status;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "sh: fork: %s\n", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		execve(argv[0], argv, environ);
		fprintf(stderr, "sh: %s: %s\n", argv[0],
			errno == ENOENT ? "not found" : strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 2;
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

int main(int argc0, char **argv0)
{
	static char line[SH_LINE_MAX], words[SH_LINE_MAX * PARSE_BUF_FACTOR];
	char *argv[SH_ARGS_MAX];
	int eofs = 0, code = 0;

	if (argc0 >= 2 && !strcmp(argv0[1], "-c")) {
		if (argc0 < 3) {
			fprintf(stderr, "sh: -c: a command is needed\n");
			return 2;
		}
		return run_command_string(argv0[2]);
	}

	jobs_init();
	set_foreground(getpid());
	puts("Kite shell: type help for the commands.");
	for (;;) {
		int argc;
		bool background;
		const char *err;

		jobs_reap();
		console_mode(0);
		printf("kite$ ");
		if (edit_line(line, sizeof(line)) == EDIT_EOF) {
			if (eof_leaves(&eofs))
				break;
			continue;
		}
		eofs = 0;
		history_add(line);
		argc = parse_line(line, words, argv, SH_ARGS_MAX, &background, &err);
		if (argc < 0) {
			printf("sh: %s\n", err);
			last_status = 2;
			continue;
		}
		if (argc == 0)
			continue;
		if (!strcmp(argv[0], "exit")) {
			if (want_exit(argc, argv, &code))
				break;
			continue;
		}
		if (!jobs_builtin(argc, argv) && !builtin(argc, argv))
			run(argv, background);
	}
	console_mode(KITE_ICANON | KITE_ECHO | KITE_ISIG);
	return code;
}
