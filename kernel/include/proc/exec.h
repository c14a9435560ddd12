/*
 * proc/exec.h - building a process image from an embedded app.
 */
#ifndef KITE_PROC_EXEC_H
#define KITE_PROC_EXEC_H

#include "kernel/types.h"
#include "mm/memlayout.h"

struct vmspace;
struct app;
struct trapframe;

/* Linux's limits on argument and environment lists (fs/exec.c): one
 * string with its NUL at most MAX_ARG_STRLEN; strings and their
 * pointers together at most a quarter of RLIMIT_STACK, but never less
 * than ARG_MAX nor more than three quarters of the 8 MiB default. */
#define EXEC_ARG_STRLEN (32 * PAGE_SIZE)       /* MAX_ARG_STRLEN, 128 KiB */
#define EXEC_ARGS_MIN (32 * PAGE_SIZE)         /* ARG_MAX, 128 KiB */
#define EXEC_ARGS_MAX (6UL << 20)              /* _STK_LIM / 4 * 3 */
#define EXEC_ARGS_PAGES (EXEC_ARGS_MAX / PAGE_SIZE)
#define EXEC_MAX_STRINGS 0x7fffffff            /* MAX_ARG_STRINGS */

/* Arguments and environment, copied into the kernel: the strings, each
 * with its NUL, argv's then envp's, back to back across frames taken as
 * they fill (freed by exec_args_free on every path). */
struct exec_args {
	int argc, envc;
	size_t used;                  /* bytes of strings */
	size_t limit;                 /* bytes strings and pointers may take */
	size_t npages;                /* frames taken: pages[0..npages) */
	char *pages[EXEC_ARGS_PAGES]; /* direct-map frames; unset past npages
				       * (never cleared: 12 KiB) */
};

/* What the new image starts with. */
struct exec_image {
	struct vmspace *vm;
	uint64_t entry, sp, argv;
	int argc;
};

/* Processes from apps (fork.c; proc_fork is clone's: proc/clone.h). */
/* foreground: the child's group takes the console before it runs, if the
 * caller may still hand it on (console_may_hand_on_locked). */
int proc_spawn(const struct app *app, const struct exec_args *args,
	       bool foreground);
long proc_execve(const struct app *app, const struct exec_args *args,
		 struct trapframe *tf);

/* The app called name ("name", "./name", "/name", "/bin/name" or
 * "/usr/bin/name"), or NULL. */
const struct app *app_find(const char *name);
/* Number of apps and the i-th one (for listing). */
uint64_t app_count(void);
const struct app *app_get(uint64_t i);

/* Start an empty list with the limits for a stack limit of stack_rlim. */
void exec_args_init(struct exec_args *a, uint64_t stack_rlim);
/* Give back the frames (a may be used again after exec_args_init). */
void exec_args_free(struct exec_args *a);
/* Copy argv/envp (NULL-terminated arrays of strings; either may be 0)
 * from the user space vm into a (just initialised), with Linux's checks:
 * an array or string that cannot be read: -EFAULT; a string longer than
 * EXEC_ARG_STRLEN or a list past the limit: -E2BIG; -ENOMEM. */
int exec_args_from_user(struct vmspace *vm, uint64_t uargv, uint64_t uenvp,
			struct exec_args *a);
/* Add one string from the kernel (for spawn from init): argv's first,
 * then envp's. 0, -E2BIG or -ENOMEM. */
int exec_args_add(struct exec_args *a, const char *s, bool env);
/* Check the app's ELF and build a fresh address space with its segments,
 * an empty heap and a stack holding argc, argv, envp and auxv. On error
 * (-ENOEXEC, -ENOMEM, -E2BIG) nothing is left allocated. */
int exec_build(const struct app *app, const struct exec_args *a,
	       struct exec_image *img);

#endif
