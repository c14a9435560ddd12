/*
 * sh.h - what the shell's files share.
 *
 *   main.c      the loop: read a line, parse it, run a built-in or an
 *               app (in the foreground, or in the background with &)
 *   edit.c      the line editor (the console in raw mode) and history
 *   parse.c     a line into words: quotes, backslashes, $?, a final &
 *   builtins.c  the built-in commands (ps, mem, kill, ...)
 *   apps.c      a line about each app, for help
 *   top.c       top: the busiest processes, refreshed
 *   jobs.c      job control: the jobs, fg, bg, kill, the foreground wait
 */
#ifndef KITE_SH_H
#define KITE_SH_H

#include "kite.h"

#define SH_LINE_MAX 1024 /* bytes a line may have, the NUL included */
#define SH_ARGS_MAX 128  /* words a line may have */
#define PARSE_BUF_FACTOR 6
#define SH_PAGE 4096

/* The status of the last command, as $? gives it. */
extern int last_status;

/* main.c */
void console_mode(uint32_t lflag);
void set_foreground(int pgid);

/* jobs.c: start argv as a job (in the foreground: wait for it to end or
 * stop); report jobs that changed; the job built-ins (false if argv is
 * none of them); the shell's own signal handling. */
void run(char **argv, bool background);
void jobs_reap(void);
bool jobs_builtin(int argc, char **argv);
void jobs_init(void);

/* edit.c: the line's length, or EDIT_EOF (Ctrl-D on an empty line, or
 * the end of input). */
#define EDIT_EOF (-1)
int edit_line(char *line, size_t size);
void history_add(const char *line);

/* parse.c: split line into argv (at most max - 1 words, then NULL) in
 * buf (PARSE_BUF_FACTOR times line's length: $? grows into up to 11
 * characters); returns the word count, or -1 with *err set to a
 * message. *background: the line ended with an unquoted &. */
int parse_line(const char *line, char *buf, char **argv, int max,
	       bool *background, const char **err);

/* builtins.c: run argv if it is a built-in; false if it is not. */
bool builtin(int argc, char **argv);

/* top.c: the top built-in. */
void cmd_top(int argc, char **argv);

/* apps.c: the embedded apps' names, a line each, in a malloc'ed string
 * (NULL and errno on failure); what app name is for, or NULL if we have
 * no line about it; help's list of the apps. */
char *app_names(void);
const char *app_summary(const char *name);
void apps_help(void);

#endif
