/*
 * vm_cases.c - what Linux does with mmap, munmap, mprotect, madvise,
 * mremap and brk: a table of cases that checks itself. It runs unchanged
 * on Linux (under qemu-riscv64-static on the host) and on Kite, so
 * tests/run.py can hold Kite to Linux's answers case by case.
 *
 *	vm_cases [--qemu-user] [CASE...]
 *
 * prints one line per case, in table order,
 *
 *	ok NAME
 *	FAIL NAME: got X want Y (what was checked)
 *
 * then "vm_cases: N passed, M failed", and exits with M (at most 255).
 * Lines never hold raw addresses: results are error names (-EINVAL),
 * small numbers, "the same address" or "an address 3 pages above".
 * Given CASE names, only those cases run.
 *
 * Every expected value is Linux's (man 2 mmap, munmap, mprotect, madvise,
 * mremap, brk; mm/mmap.c, mm/mprotect.c, mm/mremap.c, mm/madvise.c).
 * Where qemu-user's own emulation of these calls (QEMU 7.2) answers
 * otherwise, the case is marked QEMU_DIFFERS in the table below, with
 * what qemu-user does instead. Under --qemu-user such a case that
 * disagrees prints "ok NAME (qemu-user differs, WHY: got X want Y (...))"
 * and is not counted as failed; without --qemu-user (on Kite) every case
 * is held to Linux's value.
 *
 * How it runs: each case runs in a child process of its own, forked from
 * a main process that never maps anything or moves its break, so every
 * case starts from the same clean address space, and a case that crashes
 * or hangs (CASE_SECONDS) is a FAIL line without stopping the others. A
 * case stops at its first failed check (vm_rt.h). "Does touching this
 * address fault?" is asked by forking once more: the grandchild reads,
 * writes (the value it read, so shared memory keeps its data) or calls
 * the address and exits 0, and wait4 tells whether SIGSEGV (wait status
 * 11) ended it instead. There are no signal handlers.
 *
 * Files: vm_cases.c (the table, main), vm_rt.c and vm_rt.h (_start, raw
 * system calls, checks, probes), and the cases: vm_mmap.c,
 * vm_mprotect_munmap.c, vm_fork_madvise.c, vm_mremap_brk.c. The program
 * is freestanding (tests/extra/build.sh builds it for RISC-V) and builds
 * for x86-64 too, to hold the table to the host's own Linux kernel:
 *
 *	cc -nostdlib -static -no-pie -O2 -ffreestanding -fno-builtin \
 *	   -fno-stack-protector -fno-tree-loop-distribute-patterns \
 *	   -o /tmp/vm_cases tests/extra/vm_*.c && /tmp/vm_cases
 */
#include "vm_rt.h"

#define CASE_SECONDS 60 /* one case, all its children included */

/* What qemu-user (QEMU 7.2, linux-user/mmap.c and syscall.c) does instead
 * of what Linux does */
#define QEMU_VALIDATE "qemu-user refuses MAP_SHARED_VALIDATE"
#define QEMU_NOREPLACE "qemu-user takes MAP_FIXED_NOREPLACE for a hint"
#define QEMU_LEN_ZERO "qemu-user says ENOMEM for length 0"
#define QEMU_DONTNEED "older qemu-user ignores MADV_DONTNEED"
#define QEMU_OLD_MADVISE "older qemu-user returns 0 for any madvise"
#define QEMU_ADVICE "qemu-user returns 0 for any advice"
#define QEMU_HOLES "qemu-user does not look for holes"
#define QEMU_IGNORES "qemu-user returns 0 and does nothing"
#define QEMU_MOVES "qemu-user always moves with MREMAP_MAYMOVE"
#define QEMU_BRK "qemu-user keeps the pages mapped"

/* The table: C(name) a case, Q(name, why) a case where qemu-user differs.
 * Each name is a function void name(void) in one of the case files. */
#define VM_CASES(C, Q)                                                     \
	/* vm_mmap.c */                                                    \
	C(probe_sanity)                                                    \
	C(mmap_anon_private)                                               \
	C(mmap_anon_shared)                                                \
	C(mmap_len_zero)                                                   \
	C(mmap_fixed_unaligned)                                            \
	C(mmap_offset)                                                     \
	C(mmap_bad_type)                                                   \
	Q(mmap_validate_unknown_flag, QEMU_VALIDATE)                       \
	C(mmap_unknown_flag_ignored)                                       \
	C(mmap_bad_fd)                                                     \
	C(mmap_anon_ignores_fd)                                            \
	C(mmap_huge_len)                                                   \
	C(mmap_fixed_beyond_user)                                          \
	C(mmap_len_rounds_up)                                              \
	C(mmap_hint_free)                                                  \
	C(mmap_hint_taken)                                                 \
	C(mmap_fixed_replaces)                                             \
	C(mmap_fixed_shared_over_private)                                  \
	Q(mmap_noreplace, QEMU_NOREPLACE)                                  \
	C(mmap_noreplace_free)                                             \
	Q(mmap_noreplace_bad_addr, QEMU_NOREPLACE)                         \
	C(mmap_prot_none)                                                  \
	C(mmap_prot_read)                                                  \
	C(mmap_flags_accepted)                                             \
	C(mmap_shared_growsdown)                                           \
	C(mmap_many)                                                       \
	C(mmap_noreserve_large)                                            \
	C(mmap_prot_exec)                                                  \
	/* vm_mprotect_munmap.c */                                         \
	C(mprotect_rw_to_r)                                                \
	C(mprotect_r_to_rw)                                                \
	C(mprotect_none_keeps_data)                                        \
	C(mprotect_split)                                                  \
	C(mprotect_unaligned)                                              \
	C(mprotect_bad_prot)                                               \
	C(mprotect_growsdown_plain)                                        \
	C(mprotect_hole)                                                   \
	Q(mprotect_len_zero, QEMU_LEN_ZERO)                                \
	C(mprotect_len_rounds_up)                                          \
	C(munmap_unaligned)                                                \
	C(munmap_len_zero)                                                 \
	C(munmap_hole)                                                     \
	C(munmap_beyond_user)                                              \
	C(munmap_head)                                                     \
	C(munmap_tail)                                                     \
	C(munmap_middle)                                                   \
	C(munmap_middle_shared)                                            \
	C(munmap_len_rounds_up)                                            \
	C(munmap_span)                                                     \
	C(munmap_remap_zero)                                               \
	/* vm_fork_madvise.c */                                            \
	C(fork_shared_child_writes)                                        \
	C(fork_shared_parent_writes)                                       \
	C(fork_shared_outlives_munmap)                                     \
	C(fork_private_child_writes)                                       \
	C(fork_private_parent_writes)                                      \
	C(fork_child_unmaps)                                               \
	Q(madvise_dontneed_private, QEMU_DONTNEED)                         \
	Q(madvise_dontneed_cow, QEMU_DONTNEED)                             \
	C(madvise_dontneed_shared)                                         \
	Q(madvise_bad_advice, QEMU_ADVICE)                                 \
	Q(madvise_unaligned, QEMU_OLD_MADVISE)                             \
	Q(madvise_hole, QEMU_HOLES)                                        \
	C(madvise_len_zero)                                                \
	C(madvise_hints)                                                   \
	C(madvise_populate)                                                \
	C(madvise_free)                                                    \
	Q(madvise_free_shared, QEMU_IGNORES)                               \
	Q(madvise_dontfork, QEMU_IGNORES)                                  \
	Q(madvise_wipeonfork, QEMU_IGNORES)                                \
	Q(madvise_wipeonfork_shared, QEMU_IGNORES)                         \
	Q(madvise_remove_shared, QEMU_IGNORES)                             \
	Q(madvise_remove_private, QEMU_IGNORES)                            \
	/* vm_mremap_brk.c */                                              \
	C(mremap_grow_in_place)                                            \
	Q(mremap_grow_maymove_in_place, QEMU_MOVES)                        \
	C(mremap_no_room)                                                  \
	C(mremap_move)                                                     \
	C(mremap_shrink)                                                   \
	Q(mremap_shrink_maymove, QEMU_MOVES)                               \
	C(mremap_fixed)                                                    \
	C(mremap_bad_args)                                                 \
	Q(mremap_new_len_zero, QEMU_LEN_ZERO)                              \
	Q(mremap_old_len_zero, QEMU_LEN_ZERO)                              \
	C(mremap_not_mapped)                                               \
	C(mremap_dontunmap)                                                \
	C(mremap_shared)                                                   \
	C(brk_query)                                                       \
	C(brk_grow)                                                        \
	C(brk_unaligned)                                                   \
	C(brk_shrink_regrow)                                               \
	Q(brk_shrink_unmaps, QEMU_BRK)                                     \
	C(brk_below_start)                                                 \
	C(brk_huge)                                                        \
	C(brk_into_mapping)                                                \
	C(brk_large_lazy)                                                  \
	C(brk_fork)

#define QEMU_DIFFERS 1

struct vm_case {
	const char *name;
	void (*fn)(void);
	int flags;        /* QEMU_DIFFERS or 0 */
	const char *why;  /* what qemu-user does instead */
};

#define DECLARE(name) void name(void);
#define DECLARE_Q(name, why) void name(void);
VM_CASES(DECLARE, DECLARE_Q)

#define ROW(name) { #name, name, 0, "" },
#define ROW_Q(name, why) { #name, name, QEMU_DIFFERS, why },
static const struct vm_case cases[] = { VM_CASES(ROW, ROW_Q) };

/* ---- main: each case in a child process of its own ---- */

static int qemu_user;   /* argv[1] == "--qemu-user" */

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Print the case's line; 0 ok, 1 failed, 2 differs under qemu-user. */
static int report(const struct vm_case *c, const char *msg)
{
	struct str b = { "", 0 };
	int ret;

	if (!msg) {
		str_put(&b, "ok ");
		str_put(&b, c->name);
		ret = 0;
	} else if (qemu_user && (c->flags & QEMU_DIFFERS)) {
		str_put(&b, "ok ");
		str_put(&b, c->name);
		str_put(&b, " (qemu-user differs, ");
		str_put(&b, c->why);
		str_put(&b, ": ");
		str_put(&b, msg);
		str_put(&b, ")");
		ret = 2;
	} else {
		str_put(&b, "FAIL ");
		str_put(&b, c->name);
		str_put(&b, ": ");
		str_put(&b, msg);
		ret = 1;
	}
	b.s[b.n++] = '\n';    /* str_put keeps room for it */
	b.s[b.n] = 0;
	put_line(b.s);
	return ret;
}

/* 1 if the case failed */
static int run_case(const struct vm_case *c)
{
	long pid = sys_fork();
	struct str b = { "", 0 };
	int st;

	if (pid == 0) {
		c->fn();
		sys_exit(report(c, case_failure()));
	}
	if (pid < 0) {
		str_put(&b, "fork for the case: ");
		str_result(&b, pid);
		return report(c, b.s) == 1;
	}
	st = wait_child(pid, CASE_SECONDS);
	if (st >= 0 && (st & 0x7f) == 0 && ((st >> 8) & 0xff) <= 2)
		return ((st >> 8) & 0xff) == 1;
	str_put(&b, "the case's process: ");
	str_status(&b, st);
	return report(c, b.s) == 1;
}

static int selected(const char *name, int argc, char **argv, int first)
{
	int i;

	if (first >= argc)
		return 1;
	for (i = first; i < argc; i++)
		if (streq(argv[i], name))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int first = 1, nfailed = 0, npassed = 0;
	unsigned i;
	struct str b = { "", 0 };

	if (argc > 1 && streq(argv[1], "--qemu-user")) {
		qemu_user = 1;
		first = 2;
	}
	no_core_dumps();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!selected(cases[i].name, argc, argv, first))
			continue;
		if (run_case(&cases[i]))
			nfailed++;
		else
			npassed++;
	}
	str_put(&b, "vm_cases: ");
	str_num(&b, npassed);
	str_put(&b, " passed, ");
	str_num(&b, nfailed);
	str_put(&b, " failed\n");
	put_line(b.s);
	return nfailed > 255 ? 255 : nfailed;
}
