/*
 * faults.h - faults become signals: SIGSEGV (SEGV_MAPERR, SEGV_ACCERR)
 * with si_addr, SIGILL, SIGTRAP for ebreak; a handler that siglongjmps
 * out or moves pc on; a blocked or ignored fault kills; sigaltstack
 * catches a stack overflow.
 */

static sigjmp_buf jb;
static volatile int jumped;

static void segv_jump(int s, siginfo_t *si, void *uc)
{
	(void)uc;
	record(s);
	memcpy((void *)&last_info, si, sizeof(*si));
	siglongjmp(jb, 1);
}

static const char ro_data[4096] __attribute__((aligned(4096))) = "read-only";

/* A SIGSEGV handler sees the address and the cause, and jumps out. */
static void t_segv_longjmp(void)
{
	volatile char *p = opaque((void *)0x10);

	handle(SIGSEGV, segv_jump, SA_SIGINFO, 0);
	nseen = 0;
	if (sigsetjmp(jb, 1) == 0) {
		*p = 1;
		fail("the store to 0x10 went through");
	}
	EQ(nseen, 1);
	EQ(last_info.si_signo, SIGSEGV);
	EQ(last_info.si_code, SEGV_MAPERR);
	EQ((uintptr_t)last_info.si_addr, 0x10);
	EQ(mask_now(), 0); /* siglongjmp put the mask back */
	if (sigsetjmp(jb, 1) == 0) {
		*(volatile char *)opaque((void *)ro_data) = 1;
		fail("the store to read-only data went through");
	}
	EQ(nseen, 2);
	EQ(last_info.si_code, SEGV_ACCERR);
	EQ((uintptr_t)last_info.si_addr, (uintptr_t)ro_data);
	/* a kernel address: no user mapping there */
	if (sigsetjmp(jb, 1) == 0)
		*(volatile int *)opaque(KADDR) = 1;
	EQ(nseen, 3);
	EQ(last_info.si_signo, SIGSEGV);
}

static void skip_insn(int s, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	uint16_t low = *(uint16_t *)uc->uc_mcontext.regs.pc;

	record(s);
	memcpy((void *)&last_info, si, sizeof(*si));
	/* on past the instruction: 2 bytes if compressed */
	uc->uc_mcontext.regs.pc += (low & 3) == 3 ? 4 : 2;
}

/* SIGILL and SIGTRAP: the handler moves pc past the instruction, and
 * sigreturn goes on from there with every register as it was. */
static void t_ill_trap(void)
{
	uintptr_t at;
	long keep = 0x1234;

	handle(SIGILL, skip_insn, SA_SIGINFO, 0);
	handle(SIGTRAP, skip_insn, SA_SIGINFO, 0);
	nseen = 0;
	/* csrw cycle (read-only): illegal */
	__asm__ volatile("la %0, 1f\n1: .4byte 0xc0001073\n" : "=r"(at));
	EQ(nseen, 1);
	EQ(last_info.si_signo, SIGILL);
	EQ(last_info.si_code, ILL_ILLOPC);
	EQ((uintptr_t)last_info.si_addr, at);
	__asm__ volatile("la %0, 1f\n1: ebreak\n" : "=r"(at));
	EQ(nseen, 2);
	EQ(last_info.si_signo, SIGTRAP);
	EQ(last_info.si_code, TRAP_BRKPT);
	EQ((uintptr_t)last_info.si_addr, at);
	EQ(keep, 0x1234);
}

static void segv_blocked(void)
{
	sigset_t b = BIT(SIGSEGV);

	handle(SIGSEGV, on_sig, 0, 0);
	sigprocmask(SIG_BLOCK, &b, NULL);
	*(volatile int *)opaque(NULL) = 1;
}

static void segv_ignored(void)
{
	handle(SIGSEGV, SIG_IGN, 0, 0);
	*(volatile int *)opaque(NULL) = 1;
}

static void trap_in_handler(int s)
{
	(void)s;
	__asm__ volatile("ebreak"); /* SIGTRAP blocked in its own handler */
}

static void trap_twice(void)
{
	handle(SIGTRAP, trap_in_handler, 0, 0);
	__asm__ volatile("ebreak");
}

/* A fault whose signal is blocked or ignored kills (core bit set), as
 * Linux's force_sig; so does one inside its own handler. */
static void t_fault_blocked(void)
{
	int st = sub(segv_blocked, 5000);

	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV && WCOREDUMP(st),
	      "blocked: status 0x%x", st);
	st = sub(segv_ignored, 5000);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "ignored: 0x%x", st);
	st = sub(trap_twice, 5000);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTRAP, "nested: 0x%x", st);
}

#define ALT_SIZE (64 * 1024)
static char alt[ALT_SIZE] __attribute__((aligned(16)));

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winfinite-recursion"
/* Without end: it runs into the stack limit. */
static int recurse(int n)
{
	volatile char pad[512];

	pad[0] = (char)n;
	return recurse(n + 1) + pad[0];
}
#pragma GCC diagnostic pop

static void overflow_child(void)
{
	stack_t ss = { alt, 0, ALT_SIZE }, old;
	struct kite_rlimit lim = { 256 * 1024, 256 * 1024 };

	CHECK(setrlimit(RLIMIT_STACK, (void *)&lim) == 0, "setrlimit");
	EQ(sigaltstack(&ss, &old), 0);
	EQ(old.ss_flags, SS_DISABLE);
	handle(SIGSEGV, segv_jump, SA_SIGINFO | SA_ONSTACK, 0);
	nseen = 0;
	if (sigsetjmp(jb, 1) == 0)
		recurse(0);
	EQ(nseen, 1);
	EQ(last_info.si_signo, SIGSEGV);
	CHECK(last_sp >= (uintptr_t)alt && last_sp < (uintptr_t)alt + ALT_SIZE,
	      "the handler ran at sp %lx, not on the altstack",
	      (unsigned long)last_sp);
	exit(0);
}

static void overflow_no_alt(void)
{
	struct kite_rlimit lim = { 256 * 1024, 256 * 1024 };

	setrlimit(RLIMIT_STACK, (void *)&lim);
	handle(SIGSEGV, segv_jump, SA_SIGINFO, 0); /* no room for its frame */
	if (sigsetjmp(jb, 1) == 0)
		recurse(0);
	exit(5);
}

/* sigaltstack: its errors; a stack overflow caught on it; without it
 * the handler has no stack and the process dies of SIGSEGV. */
static void t_altstack(void)
{
	stack_t ss = { alt, 0, MINSIGSTKSZ - 1 }, old;
	int st;

	ERR(sigaltstack(&ss, NULL), ENOMEM);
	ss.ss_size = ALT_SIZE;
	ss.ss_flags = 5;
	ERR(sigaltstack(&ss, NULL), EINVAL);
	ERR(sigaltstack((void *)16, NULL), EFAULT);
	ss.ss_flags = 0;
	EQ(sigaltstack(&ss, NULL), 0);
	ERR(sigaltstack(NULL, KADDR), EFAULT);
	EQ(sigaltstack(NULL, &old), 0);
	EQ((uintptr_t)old.ss_sp, (uintptr_t)alt);
	EQ(old.ss_size, ALT_SIZE);
	EQ(old.ss_flags, 0);
	ss.ss_flags = SS_DISABLE;
	EQ(sigaltstack(&ss, NULL), 0);
	EQ(sigaltstack(NULL, &old), 0);
	EQ(old.ss_flags, SS_DISABLE);
	st = sub(overflow_child, 20000);
	CHECK(st == 0, "overflow on the altstack: status 0x%x", st);
	st = sub(overflow_no_alt, 20000);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	      "overflow without one: status 0x%x", st);
}
