/*
 * sigsegv_longjmp.c - a SIGSEGV handler that siglongjmps out, the glibc
 * way: si_addr and si_code for an unmapped address (SEGV_MAPERR) and a
 * read-only page (SEGV_ACCERR), the mask restored by siglongjmp, many
 * times over; then SIGILL and SIGTRAP handlers that step over the
 * instruction through the ucontext. Deterministic output (tests/linux/).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile void *fault_addr;
static volatile int fault_code, traps;

static void on_segv(int s, siginfo_t *si, void *uc)
{
	(void)s;
	(void)uc;
	fault_addr = si->si_addr;
	fault_code = si->si_code;
	siglongjmp(env, 1);
}

static void step_over(int s, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	uint16_t low = *(uint16_t *)uc->uc_mcontext.__gregs[REG_PC];

	(void)si;
	traps += s;
	uc->uc_mcontext.__gregs[REG_PC] += (low & 3) == 3 ? 4 : 2;
}

static void *opaque(void *p)
{
	__asm__ volatile("" : "+r"(p));
	return p;
}

int main(void)
{
	struct sigaction sa;
	sigset_t mask;
	char *volatile ro;
	volatile int caught = 0; /* changed between sigsetjmp and siglongjmp */

	setvbuf(stdout, NULL, _IONBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);

	for (volatile int i = 0; i < 100; i++) {
		if (sigsetjmp(env, 1) == 0)
			*(volatile int *)opaque((void *)(uintptr_t)(0x100 + i * 8)) = i;
		else if (fault_addr == (void *)(uintptr_t)(0x100 + i * 8) &&
			 fault_code == SEGV_MAPERR)
			caught++;
	}
	printf("unmapped: caught %d of 100, SEGV_MAPERR with the address\n", caught);
	sigprocmask(SIG_SETMASK, NULL, &mask);
	printf("SIGSEGV blocked after siglongjmp: %d\n", sigismember(&mask, SIGSEGV));

	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sigsetjmp(env, 1) == 0) {
		ro[10] = 1;
		printf("the store went through\n");
	} else {
		printf("read-only: %s, at offset %ld\n",
		       fault_code == SEGV_ACCERR ? "SEGV_ACCERR" : "?",
		       (long)((char *)fault_addr - ro));
	}

	sa.sa_sigaction = step_over;
	sigaction(SIGILL, &sa, NULL);
	sigaction(SIGTRAP, &sa, NULL);
	__asm__ volatile(".4byte 0xc0001073"); /* csrw cycle: illegal */
	__asm__ volatile("ebreak");
	printf("stepped over: SIGILL + SIGTRAP = %d\n", traps);
	printf("sigsegv_longjmp: done\n");
	return 0;
}
