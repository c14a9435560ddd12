/*
 * tests/host/test_sigset.c - the pure rules of signals
 * (kernel/signal/sigset.c).
 *
 * Covers: every signal's default action against Linux's table, the core
 * bit of the death status; delivery order (a synchronous signal first,
 * else the lowest; real-time ones after the standard ones) over every
 * single bit and random sets against a reference; sigprocmask's three
 * hows, SIGKILL/SIGSTOP never blocked, a bad how; what sigaction keeps
 * (unknown flags and SIGKILL/SIGSTOP in sa_mask dropped) and which
 * actions ignore; the handler's mask with and without SA_NODEFER; the
 * alternate stack: on/off at its edges, SS_AUTODISARM, sigaltstack's
 * errors and what it reports, where a frame goes (altstack top, below
 * sp, an overflow of the altstack is refused, 16-byte alignment).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "signal/sigset.h"
#include "uapi/errno.h"
#include "uapi/kite.h"

TEST(default_actions)
{
	static const int core[] = { SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS,
				    SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS };
	static const int stop[] = { SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU };
	static const int ign[] = { SIGCHLD, SIGURG, SIGWINCH };
	int want[NSIG_KERNEL + 1];

	for (int s = 1; s <= NSIG_KERNEL; s++)
		want[s] = SIG_ACT_TERM;
	for (size_t i = 0; i < sizeof(core) / sizeof(core[0]); i++)
		want[core[i]] = SIG_ACT_CORE;
	for (size_t i = 0; i < sizeof(stop) / sizeof(stop[0]); i++)
		want[stop[i]] = SIG_ACT_STOP;
	for (size_t i = 0; i < sizeof(ign) / sizeof(ign[0]); i++)
		want[ign[i]] = SIG_ACT_IGNORE;
	want[SIGCONT] = SIG_ACT_CONTINUE;
	for (int s = 1; s <= NSIG_KERNEL; s++) {
		CHECK(sig_default_action(s) == want[s]);
		CHECK(sig_death_status(s) ==
		      (s | (want[s] == SIG_ACT_CORE ? 0x80 : 0)));
	}
	CHECK(sig_death_status(SIGSEGV) == 0x8b);
	CHECK(sig_death_status(SIGKILL) == 9);
}

/* The reference: synchronous first, then the lowest. */
static int next_ref(uint64_t ready)
{
	static const int sync[] = { SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV,
				    SIGSYS }; /* by number */

	for (size_t i = 0; i < sizeof(sync) / sizeof(sync[0]); i++)
		if (ready & sig_bit(sync[i]))
			return sync[i];
	for (int s = 1; s <= NSIG_KERNEL; s++)
		if (ready & sig_bit(s))
			return s;
	return 0;
}

TEST(order)
{
	rng_seed(42);
	CHECK(sigset_next(0) == 0);
	for (int s = 1; s <= NSIG_KERNEL; s++)
		CHECK(sigset_next(sig_bit(s)) == s);
	CHECK(sigset_next(sig_bit(SIGUSR1) | sig_bit(SIGSEGV)) == SIGSEGV);
	CHECK(sigset_next(sig_bit(SIGHUP) | sig_bit(SIGTRAP)) == SIGTRAP);
	CHECK(sigset_next(sig_bit(SIGINT) | sig_bit(40)) == SIGINT);
	CHECK(sigset_next(sig_bit(64) | sig_bit(33)) == 33);
	for (int i = 0; i < 100000; i++) {
		uint64_t r = rng() & rng();

		REQUIRE_EQ(sigset_next(r), next_ref(r));
	}
}

TEST(procmask)
{
	uint64_t m = 0, u = sig_bit(SIGUSR1), k = SIG_UNCATCHABLE;

	CHECK(sigmask_apply(SIG_BLOCK, 0, u | k, &m) == 0 && m == u);
	CHECK(sigmask_apply(SIG_BLOCK, u, sig_bit(SIGUSR2), &m) == 0 &&
	      m == (u | sig_bit(SIGUSR2)));
	CHECK(sigmask_apply(SIG_UNBLOCK, m, u, &m) == 0 && m == sig_bit(SIGUSR2));
	CHECK(sigmask_apply(SIG_SETMASK, m, ~0UL, &m) == 0 && m == ~k);
	m = 123;
	CHECK(sigmask_apply(3, 0, u, &m) == -EINVAL && m == 123);
	CHECK(sigmask_apply(-1, 0, u, &m) == -EINVAL);
}

TEST(sigaction_rules)
{
	struct kite_sigaction a = { 0x1000, SA_RESTART | 0x100 | SA_SIGINFO,
				    ~0UL };

	sigaction_sanitize(&a);
	CHECK(a.flags == (SA_RESTART | SA_SIGINFO));
	CHECK(a.mask == ~SIG_UNCATCHABLE);
	a = (struct kite_sigaction){ SIG_IGN_VALUE, 0, 0 };
	CHECK(sigaction_ignores(&a, SIGTERM));
	a.handler = SIG_DFL_VALUE;
	CHECK(!sigaction_ignores(&a, SIGTERM));
	CHECK(sigaction_ignores(&a, SIGCHLD) && sigaction_ignores(&a, SIGCONT) &&
	      sigaction_ignores(&a, SIGWINCH) && sigaction_ignores(&a, SIGURG));
	CHECK(!sigaction_ignores(&a, SIGTSTP));
	a.handler = 0x1000;
	CHECK(!sigaction_ignores(&a, SIGCHLD));
	/* the handler's mask */
	a.mask = sig_bit(SIGUSR2) | sig_bit(SIGKILL);
	a.flags = 0;
	CHECK(sig_handler_mask(sig_bit(SIGINT), &a, SIGUSR1) ==
	      (sig_bit(SIGINT) | sig_bit(SIGUSR2) | sig_bit(SIGUSR1)));
	a.flags = SA_NODEFER;
	CHECK(sig_handler_mask(0, &a, SIGUSR1) == sig_bit(SIGUSR2));
}

TEST(altstack)
{
	struct altstack as = { 0, 0, 0 };
	struct kite_stack ss = { 0x10000, 0, 0, 0x4000 }, out;

	altstack_get(&as, 0x5000, &out);
	CHECK(out.ss_flags == SS_DISABLE && out.ss_size == 0);
	CHECK(!altstack_on(&as, 0x10100));
	/* set it; its edges: (sp, sp + size] */
	CHECK(altstack_set(&as, 0x5000, &ss) == 0);
	CHECK(!altstack_on(&as, 0x10000) && altstack_on(&as, 0x10001) &&
	      altstack_on(&as, 0x14000) && !altstack_on(&as, 0x14001));
	altstack_get(&as, 0x12000, &out);
	CHECK(out.ss_flags == SS_ONSTACK && out.ss_sp == 0x10000 &&
	      out.ss_size == 0x4000);
	altstack_get(&as, 0x5000, &out);
	CHECK(out.ss_flags == 0);
	/* errors: on it, bad flags, too small; nothing changes */
	CHECK(altstack_set(&as, 0x12000, &ss) == -EPERM);
	ss.ss_flags = 7;
	CHECK(altstack_set(&as, 0x5000, &ss) == -EINVAL);
	ss.ss_flags = 0;
	ss.ss_size = MINSIGSTKSZ - 1;
	CHECK(altstack_set(&as, 0x5000, &ss) == -ENOMEM);
	CHECK(as.sp == 0x10000 && as.size == 0x4000);
	/* SS_ONSTACK as a mode is accepted as "on" (Linux's old way) */
	ss.ss_size = 0x4000;
	ss.ss_flags = SS_ONSTACK;
	CHECK(altstack_set(&as, 0x5000, &ss) == 0 && as.size == 0x4000);
	/* frames: to the top of the altstack (16-aligned) only if asked */
	CHECK(altstack_frame(&as, 0x9008, true, 1088) == ((0x14000 - 1088) & ~15UL));
	CHECK(altstack_frame(&as, 0x9008, false, 1088) == ((0x9008 - 1088) & ~15UL));
	/* already on it: below sp; past its bottom: refused */
	CHECK(altstack_frame(&as, 0x13000, true, 1088) == ((0x13000 - 1088) & ~15UL));
	CHECK(altstack_frame(&as, 0x10100, true, 1088) == 0);
	/* SS_AUTODISARM: never "on" it, reported with the flag */
	ss.ss_flags = SS_AUTODISARM;
	CHECK(altstack_set(&as, 0x5000, &ss) == 0);
	CHECK(!altstack_on(&as, 0x12000));
	altstack_get(&as, 0x12000, &out);
	CHECK((uint32_t)out.ss_flags == SS_AUTODISARM);
	/* disable */
	ss.ss_flags = SS_DISABLE;
	CHECK(altstack_set(&as, 0x5000, &ss) == 0 && as.size == 0 && as.sp == 0);
}

int main(void)
{
	CHECK_MAIN_BEGIN("sigset");
	RUN(default_actions);
	RUN(order);
	RUN(procmask);
	RUN(sigaction_rules);
	RUN(altstack);
	CHECK_MAIN_END();
}
