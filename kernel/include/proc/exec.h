/*
 * proc/exec.h - building a process image from an embedded app.
 */
#ifndef KITE_PROC_EXEC_H
#define KITE_PROC_EXEC_H

#include "kernel/types.h"

struct vmspace;
struct app;
struct trapframe;

#define EXEC_MAX_ARGS 64          /* argv and envp entries, each */
#define EXEC_MAX_ARG_BYTES 16384  /* all their strings together */

/* Arguments and environment, copied into the kernel. */
struct exec_args {
	int argc, envc;
	char *argv[EXEC_MAX_ARGS + 1];
	char *envp[EXEC_MAX_ARGS + 1];
	size_t used;                  /* bytes of buf in use */
	char buf[EXEC_MAX_ARG_BYTES];
};

/* What the new image starts with. */
struct exec_image {
	struct vmspace *vm;
	uint64_t entry, sp, argv;
	int argc;
};

/* Processes from apps (fork.c; proc_fork is clone's: proc/clone.h). */
int proc_spawn(const struct app *app, const struct exec_args *args);
long proc_execve(const struct app *app, const struct exec_args *args,
		 struct trapframe *tf);

/* The app called name ("name", "./name" or "/name"), or NULL. */
const struct app *app_find(const char *name);
/* Number of apps and the i-th one (for listing). */
uint64_t app_count(void);
const struct app *app_get(uint64_t i);

/* Copy argv/envp (NULL-terminated arrays of strings; either may be 0)
 * from the user space vm into a. 0, -EFAULT or -E2BIG. */
int exec_args_from_user(struct vmspace *vm, uint64_t uargv, uint64_t uenvp,
			struct exec_args *a);
/* Add one argument from the kernel (for spawn from init). */
int exec_args_add(struct exec_args *a, const char *s, bool env);
/* Check the app's ELF and build a fresh address space with its segments,
 * an empty heap and a stack holding argc, argv, envp and auxv. On error
 * (-ENOEXEC, -ENOMEM, -E2BIG) nothing is left allocated. */
int exec_build(const struct app *app, const struct exec_args *a,
	       struct exec_image *img);

#endif
