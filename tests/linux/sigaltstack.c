/*
 * sigaltstack.c - a stack overflow caught on the alternate signal
 * stack: endless recursion runs into the stack's end, the SIGSEGV
 * handler (SA_ONSTACK) runs on the sigaltstack and siglongjmps back;
 * sigaltstack's flags and errors around it. Deterministic output
 * (tests/linux/).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALT_SIZE (256 * 1024)

static sigjmp_buf env;
static char *alt;
static volatile uintptr_t handler_sp;
static volatile int on_alt_flag;

static void on_segv(int s)
{
	stack_t now;
	volatile char here;

	(void)s;
	handler_sp = (uintptr_t)&here;
	sigaltstack(NULL, &now);
	on_alt_flag = now.ss_flags;
	siglongjmp(env, 1);
}

#pragma GCC diagnostic ignored "-Winfinite-recursion"
static int recurse(int n)
{
	volatile char pad[1024];

	pad[n % 1024] = (char)n;
	return recurse(n + 1) + pad[3];
}

int main(void)
{
	struct sigaction sa;
	stack_t ss, old;

	setvbuf(stdout, NULL, _IONBF, 0);
	alt = malloc(ALT_SIZE);
	ss.ss_sp = alt;
	ss.ss_flags = 0;
	ss.ss_size = 1024; /* too small */
	errno = 0;
	printf("tiny: %d %s\n", sigaltstack(&ss, NULL), errno == ENOMEM ? "ENOMEM" : "?");
	ss.ss_size = ALT_SIZE;
	ss.ss_flags = 12345;
	errno = 0;
	printf("bad flags: %d %s\n", sigaltstack(&ss, NULL), errno == EINVAL ? "EINVAL" : "?");
	ss.ss_flags = 0;
	printf("set: %d\n", sigaltstack(&ss, &old));
	printf("before: %s\n", old.ss_flags == SS_DISABLE ? "SS_DISABLE" : "?");

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_segv;
	sa.sa_flags = SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	if (sigsetjmp(env, 1) == 0)
		recurse(0);
	printf("overflow caught: handler on the altstack %d, SS_ONSTACK %d\n",
	       handler_sp >= (uintptr_t)alt && handler_sp < (uintptr_t)alt + ALT_SIZE,
	       on_alt_flag == SS_ONSTACK);
	sigaltstack(NULL, &old);
	printf("after: flags %d, size %s\n", old.ss_flags,
	       old.ss_size == ALT_SIZE ? "ALT_SIZE" : "?");
	printf("sigaltstack: done\n");
	return 0;
}
