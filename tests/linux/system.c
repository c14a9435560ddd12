/*
 * system.c - lx_system: system() and popen() run /bin/sh -c COMMAND: a
 * shell is there (system(NULL)), a built-in with quoted words, a
 * command's exit status, a program found by name, the caller's stdio
 * buffers flushed first so the lines come in order; popen reading a
 * command's output and writing its input through a pipe, pclose giving
 * its status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static void show_status(const char *what, int st)
{
	if (st == -1)
		printf("%s: -1\n", what);
	else if (WIFEXITED(st))
		printf("%s: exit %d\n", what, WEXITSTATUS(st));
	else
		printf("%s: status 0x%x\n", what, st);
}

static void run(const char *cmd)
{
	char what[128];

	fflush(stdout);
	snprintf(what, sizeof(what), "system(\"%s\")", cmd);
	show_status(what, system(cmd));
}

/* popen(cmd, "r"): every line the command writes */
static void read_from(const char *cmd)
{
	char line[256], what[128];
	FILE *f;

	fflush(stdout);
	f = popen(cmd, "r");
	if (!f) {
		printf("popen(\"%s\"): failed\n", cmd);
		return;
	}
	while (fgets(line, sizeof(line), f))
		printf("read from \"%s\": %s", cmd, line);
	snprintf(what, sizeof(what), "pclose(\"%s\")", cmd);
	show_status(what, pclose(f));
}

int main(int argc, char **argv)
{
	char line[256];
	FILE *f;

	if (argc == 3 && !strcmp(argv[1], "--child")) { /* run by the shell */
		printf("child: %s %s\n", argv[1], argv[2]);
		return atoi(argv[2]);
	}
	if (argc == 2 && !strcmp(argv[1], "--echo")) { /* its input, back */
		while (fgets(line, sizeof(line), stdin))
			printf("echo child got: %s", line);
		return 5;
	}
	printf("a shell: %s\n", system(NULL) ? "yes" : "no");
	run("echo 'hello  from' sh");
	run("exit 3");
	run("exit 0");
	run("true");
	run("lx_system --child 7");
	read_from("echo piped words");
	read_from("lx_system --child 4");
	fflush(stdout);
	f = popen("lx_system --echo", "w");
	if (f) {
		fputs("first line\n", f);
		fputs("second line\n", f);
		show_status("pclose(\"lx_system --echo\")", pclose(f));
	}
	return 0;
}
