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
 * With CASE names only those cases run.
 *
 * Every expected value is Linux's (man 2 mmap, munmap, mprotect, madvise,
 * mremap, brk; mm/mmap.c, mm/mremap.c, mm/madvise.c). Where qemu-user's
 * own emulation of these calls (QEMU 7.2) answers differently, the case is
 * marked QEMU_DIFFERS in its table; with --qemu-user such a case that
 * disagrees prints "ok NAME (qemu-user differs, WHY: got X want Y (...))"
 * and does not count as failed. Without --qemu-user (on Kite) every case
 * is held to Linux's value.
 *
 * How it works (vm_rt.c): each case runs in a child process of its own,
 * forked from a main process that never maps anything or moves its break,
 * so a case starts from a clean address space and a case that crashes
 * or hangs (60 s) is reported as FAIL without stopping the others. A case
 * stops at its first failed check. "Does touching this address fault?"
 * is asked by forking once more: the grandchild reads, writes (the value
 * it read, so shared memory keeps its data) or calls the address and
 * exits 0, and wait4 says whether SIGSEGV (wait status 11) ended it
 * instead. There are no signal handlers. The program is freestanding (its
 * own _start, raw ecall stubs; tests/extra/build.sh builds it) and also
 * builds for x86-64, to compare with the host's own Linux kernel:
 *
 *	cc -nostdlib -static -no-pie -O2 -ffreestanding -fno-builtin \
 *	   -fno-stack-protector -fno-tree-loop-distribute-patterns \
 *	   -o /tmp/vm_cases tests/extra/vm_rt.c tests/extra/vm_cases*.c
 *
 * mmap, mprotect and munmap cases are here; fork (shared and private
 * memory), madvise, mremap and brk cases in vm_cases_more.c.
 */
#include "vm_rt.h"

#define P PAGE

/* ---- mmap ---- */

/* the probe mechanism itself: data reads and writes, code runs, code
 * is not writable and page 0 is not mapped */
static int a_global = 7;

static void nothing(void)
{
}

static void probe_sanity(void)
{
	TRY(want_access(&a_global, READ, WORKS, "read a global"));
	TRY(want_access(&a_global, WRITE, WORKS, "write a global"));
	TRY(want_access((const void *)nothing, EXEC, WORKS, "call a function"));
	TRY(want_access((const void *)nothing, WRITE, FAULTS, "write code"));
	TRY(want_access((const void *)0, READ, FAULTS, "read page 0"));
}

static void anon(int type)
{
	char *p = map_anon(4 * P, PROT_RW, type);

	TRY(p);
	TRY(want_bytes(p, 4 * P, 0, "fresh memory reads zero"));
	fill_pages(p, 4, 0x41);
	TRY(want_pages(p, 4, 0x41, "writes read back"));
	TRY(want_zero(sys_munmap(p, 4 * P), "munmap"));
	TRY(want_access(p, READ, FAULTS, "read after munmap"));
}

static void mmap_anon_private(void)
{
	anon(MAP_PRIVATE);
}

static void mmap_anon_shared(void)
{
	anon(MAP_SHARED);
}

static void mmap_len_zero(void)
{
	TRY(want_err(sys_mmap(0, 0, PROT_RW, MAP_ANON_PRIVATE, -1, 0), EINVAL,
		     "private, length 0"));
	TRY(want_err(sys_mmap(0, 0, PROT_RW, MAP_ANON_SHARED, -1, 0), EINVAL,
		     "shared, length 0"));
}

/* MAP_FIXED needs a page-aligned address */
static void mmap_fixed_unaligned(void)
{
	char *f = free_range(4 * P);

	TRY(f);
	TRY(want_err(sys_mmap(f + P + 1, P, PROT_RW, MAP_ANON_PRIVATE | MAP_FIXED,
			      -1, 0), EINVAL, "MAP_FIXED at page + 1"));
	TRY(want_err(sys_mmap(f + P + P / 2, P, PROT_RW,
			      MAP_ANON_SHARED | MAP_FIXED, -1, 0),
		     EINVAL, "MAP_FIXED, shared, at page + 2048"));
}

/* the offset must be page-aligned even for anonymous memory, which
 * otherwise ignores it */
static void mmap_offset(void)
{
	long r;

	TRY(want_err(sys_mmap(0, P, PROT_RW, MAP_ANON_PRIVATE, -1, 100), EINVAL,
		     "offset 100"));
	r = sys_mmap(0, P, PROT_RW, MAP_ANON_PRIVATE, -1, 4 * P);
	TRY(want_map(r, "anonymous, offset 4 pages"));
	TRY(want_bytes((char *)r, P, 0, "reads zero"));
}

/* MAP_TYPE must be MAP_SHARED or MAP_PRIVATE; MAP_SHARED_VALIDATE (both
 * bits) is for files only: anonymous memory gets EINVAL */
static void mmap_bad_type(void)
{
	TRY(want_err(sys_mmap(0, P, PROT_RW, MAP_ANONYMOUS, -1, 0), EINVAL,
		     "neither shared nor private"));
	TRY(want_err(sys_mmap(0, P, PROT_RW, MAP_ANONYMOUS | MAP_SHARED_VALIDATE,
			      -1, 0), EINVAL, "anonymous MAP_SHARED_VALIDATE"));
}

/* MAP_SHARED_VALIDATE refuses flags Linux does not know before it looks
 * at the file further (fd 1, standard output, must be open) */
static void mmap_validate_unknown_flag(void)
{
	TRY(want_err(sys_mmap(0, P, PROT_READ, MAP_SHARED_VALIDATE | MAP_UNKNOWN_BIT,
			      1, 0), EOPNOTSUPP, "fd 1, unknown flag"));
}

/* ... while MAP_PRIVATE and MAP_SHARED ignore them */
static void mmap_unknown_flag_ignored(void)
{
	long r = sys_mmap(0, P, PROT_RW, MAP_ANON_PRIVATE | MAP_UNKNOWN_BIT, -1, 0);

	TRY(want_map(r, "private, unknown flag"));
	r = sys_mmap(0, P, PROT_RW, MAP_ANON_SHARED | MAP_UNKNOWN_BIT, -1, 0);
	TRY(want_map(r, "shared, unknown flag"));
}

static void mmap_bad_fd(void)
{
	TRY(want_err(sys_mmap(0, P, PROT_READ, MAP_PRIVATE, -1, 0), EBADF,
		     "private, fd -1"));
	TRY(want_err(sys_mmap(0, P, PROT_READ, MAP_SHARED, -1, 0), EBADF,
		     "shared, fd -1"));
	TRY(want_err(sys_mmap(0, P, PROT_READ, MAP_PRIVATE, 1000, 0), EBADF,
		     "private, fd 1000"));
}

/* MAP_ANONYMOUS ignores fd */
static void mmap_anon_ignores_fd(void)
{
	long r = sys_mmap(0, P, PROT_RW, MAP_ANON_PRIVATE, 1000, 0);

	TRY(want_map(r, "anonymous, fd 1000"));
	TRY(want_bytes((char *)r, P, 0, "reads zero"));
}

static void mmap_huge_len(void)
{
	TRY(want_err(sys_mmap(0, 1UL << 62, PROT_RW, MAP_ANON_PRIVATE, -1, 0),
		     ENOMEM, "length 2^62"));
	TRY(want_err(sys_mmap(0, ~0UL, PROT_RW, MAP_ANON_PRIVATE, -1, 0), ENOMEM,
		     "length ~0"));
	TRY(want_err(sys_mmap(0, ~0UL - 2 * P, PROT_RW, MAP_ANON_PRIVATE, -1, 0),
		     ENOMEM, "length ~0 - 2 pages"));
}

static void mmap_fixed_beyond_user(void)
{
	TRY(want_err(sys_mmap((void *)(1UL << 62), P, PROT_RW,
			      MAP_ANON_PRIVATE | MAP_FIXED, -1, 0),
		     ENOMEM, "MAP_FIXED at 2^62"));
}

/* a length is rounded up to whole pages, by mmap and by munmap */
static void mmap_len_rounds_up(void)
{
	long r = sys_mmap(0, 100, PROT_RW, MAP_ANON_PRIVATE, -1, 0);
	char *p = (char *)r;

	TRY(want_map(r, "mmap of 100 bytes"));
	TRY(want_bytes(p, P, 0, "the whole page reads zero"));
	p[P - 1] = 1;
	TRY(want_bytes(p + P - 1, 1, 1, "last byte of the page written"));
	TRY(want_zero(sys_munmap(p, 100), "munmap of 100 bytes"));
	TRY(want_access(p + P - 1, READ, FAULTS, "read the page's last byte"));
}

/* a hint is taken when the range is free: exactly, or rounded down to
 * its page when not aligned */
static void mmap_hint_free(void)
{
	char *f = free_range(8 * P);
	long r;

	TRY(f);
	r = sys_mmap(f + 2 * P, 2 * P, PROT_RW, MAP_ANON_PRIVATE, -1, 0);
	TRY(want_addr(r, f + 2 * P, "mmap at a free hint"));
	TRY(want_bytes((char *)r, 2 * P, 0, "reads zero"));
	r = sys_mmap(f + 5 * P + 100, P, PROT_RW, MAP_ANON_PRIVATE, -1, 0);
	TRY(want_addr(r, f + 5 * P, "mmap at a free hint + 100"));
}

/* an occupied hint is not an error: the mapping goes elsewhere and
 * what was there stays */
static void mmap_hint_taken(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);
	long r;

	TRY(p);
	fill(p, 2 * P, 0x11);
	r = sys_mmap(p + P, 2 * P, PROT_RW, MAP_ANON_PRIVATE, -1, 0);
	TRY(want_not_addr(r, p + P, "mmap at a taken hint"));
	TRY(want_map(r, "mmap at a taken hint"));
	if ((char *)r < p + 2 * P && (char *)r + 2 * P > p)
		TRY(fail("mmap at a taken hint", "an overlapping range",
			 "a free range"));
	TRY(want_bytes(p, 2 * P, 0x11, "the old mapping keeps its data"));
	TRY(want_bytes((char *)r, 2 * P, 0, "the new one reads zero"));
}

/* MAP_FIXED replaces what is there: contents and protection */
static void mmap_fixed_replaces(void)
{
	char *p = map_anon(3 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	fill_pages(p, 3, 0x21);
	TRY(want_addr(sys_mmap(p + P, P, PROT_READ, MAP_ANON_PRIVATE | MAP_FIXED,
			       -1, 0), p + P, "MAP_FIXED over the middle page"));
	TRY(want_bytes(p + P, P, 0, "the new page reads zero"));
	TRY(want_access(p + P, WRITE, FAULTS, "write the new PROT_READ page"));
	TRY(want_bytes(p, P, 0x21, "the page below keeps its data"));
	TRY(want_bytes(p + 2 * P, P, 0x23, "the page above keeps its data"));
	TRY(want_access(p + 2 * P, WRITE, WORKS, "write the page above"));
}

/* MAP_FIXED can turn private memory into shared memory */
static void mmap_fixed_shared_over_private(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);
	long pid;

	TRY(p);
	fill(p, 2 * P, 0x12);
	TRY(want_addr(sys_mmap(p, P, PROT_RW, MAP_ANON_SHARED | MAP_FIXED, -1, 0),
		      p, "MAP_FIXED|MAP_SHARED over private memory"));
	TRY(want_bytes(p, P, 0, "the shared page reads zero"));
	pid = child();
	TRY(pid >= 0);
	if (pid == 0) {
		fill(p, 2 * P, 0x13);
		sys_exit(0);
	}
	TRY(want_child_ok(pid, "the child writes both pages"));
	TRY(want_bytes(p, P, 0x13, "the child's write to the shared page"));
	TRY(want_bytes(p + P, P, 0x12, "the private page stays the parent's"));
}

/* MAP_FIXED_NOREPLACE: exactly there, or EEXIST if anything is mapped
 * in the range (qemu-user takes it for a hint) */
static void mmap_noreplace(void)
{
	char *p = map_anon(3 * P, PROT_RW, MAP_PRIVATE);
	int f = MAP_ANON_PRIVATE | MAP_FIXED_NOREPLACE;

	TRY(p);
	fill(p, 3 * P, 0x31);
	TRY(want_err(sys_mmap(p + P, P, PROT_RW, f, -1, 0), EEXIST,
		     "over a mapping"));
	TRY(want_zero(sys_munmap(p, P), "munmap of the first page"));
	TRY(want_err(sys_mmap(p, 2 * P, PROT_RW, f, -1, 0), EEXIST,
		     "over a hole and a mapping"));
	TRY(want_bytes(p + P, 2 * P, 0x31, "the mapping keeps its data"));
	TRY(want_addr(sys_mmap(p, P, PROT_RW, f, -1, 0), p, "on the free page"));
	TRY(want_bytes(p, P, 0, "reads zero"));
}

static void mmap_noreplace_free(void)
{
	char *f = free_range(4 * P);

	TRY(f);
	TRY(want_addr(sys_mmap(f + P, 2 * P, PROT_RW,
			       MAP_ANON_PRIVATE | MAP_FIXED_NOREPLACE, -1, 0),
		      f + P, "MAP_FIXED_NOREPLACE on free space"));
	TRY(want_bytes(f + P, 2 * P, 0, "reads zero"));
}

/* ... and the address checks of MAP_FIXED */
static void mmap_noreplace_bad_addr(void)
{
	char *f = free_range(4 * P);
	int flags = MAP_ANON_PRIVATE | MAP_FIXED_NOREPLACE;

	TRY(f);
	TRY(want_err(sys_mmap(f + P + P / 2, P, PROT_RW, flags, -1, 0), EINVAL,
		     "at page + 2048"));
	TRY(want_err(sys_mmap((void *)(1UL << 62), P, PROT_RW, flags, -1, 0),
		     ENOMEM, "at 2^62"));
}

static void mmap_prot_none(void)
{
	char *p = map_anon(2 * P, PROT_NONE, MAP_PRIVATE);

	TRY(p);
	TRY(want_access_pages(p, 2, READ, FAULTS, "read PROT_NONE"));
	TRY(want_access(p + P, WRITE, FAULTS, "write PROT_NONE"));
}

static void mmap_prot_read(void)
{
	char *p = map_anon(2 * P, PROT_READ, MAP_PRIVATE);

	TRY(p);
	TRY(want_bytes(p, 2 * P, 0, "PROT_READ memory reads zero"));
	TRY(want_access_pages(p, 2, WRITE, FAULTS, "write PROT_READ"));
	TRY(want_access(p + P, READ, WORKS, "read PROT_READ"));
}

/* flags that change nothing a program can see are accepted */
static void mmap_flags_accepted(void)
{
	static const int flags[] = { MAP_POPULATE, MAP_NORESERVE, MAP_STACK };
	static const char *const what[] = { "MAP_POPULATE", "MAP_NORESERVE",
					    "MAP_STACK" };
	unsigned i;

	for (i = 0; i < 3; i++) {
		long r = sys_mmap(0, 2 * P, PROT_RW, MAP_ANON_PRIVATE | flags[i],
				  -1, 0);

		TRY(want_map(r, what[i]));
		TRY(want_bytes((char *)r, 2 * P, 0, what[i]));
		fill((char *)r, 2 * P, 0x14);
		TRY(want_bytes((char *)r, 2 * P, 0x14, what[i]));
	}
}

/* shared memory cannot grow down */
static void mmap_shared_growsdown(void)
{
	TRY(want_err(sys_mmap(0, P, PROT_RW, MAP_ANON_SHARED | MAP_GROWSDOWN, -1, 0),
		     EINVAL, "MAP_SHARED|MAP_GROWSDOWN"));
}

/* many mappings, each its own memory */
static void mmap_many(void)
{
	char *p[16];
	int i, j;

	for (i = 0; i < 16; i++) {
		TRY(p[i] = map_anon(P, PROT_RW, i & 1 ? MAP_SHARED : MAP_PRIVATE));
		fill(p[i], P, 0x60 + i);
	}
	for (i = 0; i < 16; i++) {
		TRY(want_bytes(p[i], P, 0x60 + i, "each mapping keeps its data"));
		for (j = 0; j < i; j++)
			if (p[i] == p[j])
				TRY(fail("two mappings", "the same address",
					 "different addresses"));
	}
}

/* PROT_EXEC: code runs only where it is asked for */
static void mmap_prot_exec(void)
{
	char *p = map_anon(P, PROT_RW, MAP_PRIVATE);
	long r;

	TRY(p);
	put_ret_insn(p);
	TRY(want_access(p, EXEC, FAULTS, "call into PROT_READ|PROT_WRITE"));
	TRY(want_zero(sys_mprotect(p, P, PROT_READ | PROT_EXEC),
		      "mprotect to PROT_READ|PROT_EXEC"));
	TRY(want_access(p, EXEC, WORKS, "call into PROT_READ|PROT_EXEC"));
	TRY(want_access(p, WRITE, FAULTS, "write PROT_READ|PROT_EXEC"));
	TRY(want_zero(sys_mprotect(p, P, PROT_RW), "mprotect back to RW"));
	TRY(want_access(p, EXEC, FAULTS, "call after dropping PROT_EXEC"));
	r = sys_mmap(0, P, PROT_RW | PROT_EXEC, MAP_ANON_PRIVATE, -1, 0);
	TRY(want_map(r, "mmap PROT_READ|PROT_WRITE|PROT_EXEC"));
	put_ret_insn((char *)r);
	TRY(want_access((char *)r, EXEC, WORKS, "call into RWX memory"));
}

/* ---- mprotect ---- */

static void mprotect_rw_to_r(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	fill_pages(p, 2, 0x51);
	TRY(want_zero(sys_mprotect(p, 2 * P, PROT_READ), "mprotect to PROT_READ"));
	TRY(want_access_pages(p, 2, WRITE, FAULTS, "write after RW -> R"));
	TRY(want_access(p, READ, WORKS, "read after RW -> R"));
	TRY(want_pages(p, 2, 0x51, "the data stays"));
}

static void mprotect_r_to_rw(void)
{
	char *p = map_anon(2 * P, PROT_READ, MAP_PRIVATE);

	TRY(p);
	TRY(want_zero(sys_mprotect(p, 2 * P, PROT_RW), "mprotect to RW"));
	TRY(want_access(p + P, WRITE, WORKS, "write after R -> RW"));
	fill_pages(p, 2, 0x52);
	TRY(want_pages(p, 2, 0x52, "writes read back"));
}

static void mprotect_none_keeps_data(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	fill_pages(p, 2, 0x53);
	TRY(want_zero(sys_mprotect(p, 2 * P, PROT_NONE), "mprotect to PROT_NONE"));
	TRY(want_access(p, READ, FAULTS, "read PROT_NONE"));
	TRY(want_zero(sys_mprotect(p, 2 * P, PROT_READ), "mprotect to PROT_READ"));
	TRY(want_pages(p, 2, 0x53, "the data comes back"));
}

/* protecting the middle of a mapping splits it; each piece keeps its own
 * protection, and one mprotect over all of them joins them again */
static void mprotect_split(void)
{
	char *p = map_anon(3 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	fill_pages(p, 3, 0x54);
	TRY(want_zero(sys_mprotect(p + P, P, PROT_READ), "mprotect the middle"));
	TRY(want_access(p, WRITE, WORKS, "write the first page"));
	TRY(want_access(p + P, WRITE, FAULTS, "write the middle page"));
	TRY(want_access(p + P, READ, WORKS, "read the middle page"));
	TRY(want_access(p + 2 * P, WRITE, WORKS, "write the last page"));
	TRY(want_zero(sys_mprotect(p, P, PROT_NONE), "mprotect the first page"));
	TRY(want_access(p, READ, FAULTS, "read the PROT_NONE first page"));
	TRY(want_access(p + P, READ, WORKS, "read the middle page"));
	TRY(want_zero(sys_mprotect(p, 3 * P, PROT_RW), "mprotect all three"));
	TRY(want_access_pages(p, 3, WRITE, WORKS, "write after joining"));
	TRY(want_pages(p, 3, 0x54, "the data stays"));
}

static void mprotect_unaligned(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_mprotect(p + 1, P, PROT_READ), EINVAL, "address + 1"));
	TRY(want_err(sys_mprotect(p + P / 2, P, PROT_READ), EINVAL,
		     "address + 2048"));
	TRY(want_access(p, WRITE, WORKS, "still writable"));
}

/* prot bits Linux does not know (PROT_SEM, 8, is known), and both
 * PROT_GROWSDOWN and PROT_GROWSUP */
static void mprotect_bad_prot(void)
{
	char *p = map_anon(P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_mprotect(p, P, PROT_READ | 0x10), EINVAL, "prot 0x11"));
	TRY(want_err(sys_mprotect(p, P, PROT_READ | 0x40000), EINVAL,
		     "prot 0x40001"));
	TRY(want_err(sys_mprotect(p, P, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP),
		     EINVAL, "PROT_GROWSDOWN|PROT_GROWSUP"));
	TRY(want_access(p, WRITE, WORKS, "still writable"));
}

/* PROT_GROWSDOWN asks for a mapping that grows down: others refuse it */
static void mprotect_growsdown_plain(void)
{
	char *p = map_anon(P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_mprotect(p, P, PROT_READ | PROT_GROWSDOWN), EINVAL,
		     "PROT_GROWSDOWN on a plain mapping"));
}

/* a range that is not all mapped: ENOMEM */
static void mprotect_hole(void)
{
	char *p = map_anon(3 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_zero(sys_munmap(p + P, P), "munmap the middle page"));
	TRY(want_err(sys_mprotect(p, 3 * P, PROT_READ), ENOMEM,
		     "over a mapping, a hole and a mapping"));
	TRY(want_err(sys_mprotect(p + P, P, PROT_READ), ENOMEM, "on the hole"));
	TRY(want_err(sys_mprotect(p + P, 2 * P, PROT_READ), ENOMEM,
		     "from the hole into a mapping"));
}

/* length 0 does nothing, wherever it is (qemu-user checks the range) */
static void mprotect_len_zero(void)
{
	char *p = map_anon(P, PROT_RW, MAP_PRIVATE);
	char *f = free_range(P);

	TRY(p && f);
	TRY(want_zero(sys_mprotect(p, 0, PROT_READ), "length 0 on a mapping"));
	TRY(want_access(p, WRITE, WORKS, "still writable"));
	TRY(want_zero(sys_mprotect(f, 0, PROT_READ), "length 0 on a hole"));
}

static void mprotect_len_rounds_up(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_zero(sys_mprotect(p, 1, PROT_READ), "mprotect of 1 byte"));
	TRY(want_access(p + P - 1, WRITE, FAULTS, "write the page's last byte"));
	TRY(want_access(p + P, WRITE, WORKS, "write the next page"));
}

/* ---- munmap ---- */

static void munmap_unaligned(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_munmap(p + 1, P), EINVAL, "address + 1"));
	TRY(want_access_pages(p, 2, READ, WORKS, "still mapped"));
}

static void munmap_len_zero(void)
{
	char *p = map_anon(P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_munmap(p, 0), EINVAL, "length 0"));
	TRY(want_access(p, READ, WORKS, "still mapped"));
}

/* nothing mapped there is not an error */
static void munmap_hole(void)
{
	char *f = free_range(2 * P);

	TRY(f);
	TRY(want_zero(sys_munmap(f, 2 * P), "munmap of a hole"));
	TRY(want_zero(sys_munmap(f, 2 * P), "and again"));
}

static void munmap_beyond_user(void)
{
	char *p = map_anon(P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_munmap((void *)(1UL << 62), P), EINVAL, "at 2^62"));
	TRY(want_err(sys_munmap(p, 1UL << 62), EINVAL, "length 2^62"));
	TRY(want_err(sys_munmap(p, ~0UL - P), EINVAL, "length ~0 - 1 page"));
	TRY(want_access(p, READ, WORKS, "still mapped"));
}

/* unmap pages first..first+n of a 4-page mapping: those fault, the rest
 * keeps its data and stays writable */
static void munmap_part(unsigned first, unsigned n)
{
	char *p = map_anon(4 * P, PROT_RW, MAP_PRIVATE);
	unsigned i;

	TRY(p);
	fill_pages(p, 4, 0x55);
	TRY(want_zero(sys_munmap(p + first * P, n * P), "munmap"));
	for (i = 0; i < 4; i++) {
		if (i >= first && i < first + n) {
			TRY(want_access(p + i * P, READ, FAULTS,
					"read an unmapped page"));
		} else {
			TRY(want_bytes(p + i * P, P, 0x55 + i, "a page left"));
			TRY(want_access(p + i * P, WRITE, WORKS,
					"write a page left"));
		}
	}
}

static void munmap_head(void)
{
	munmap_part(0, 1);
}

static void munmap_tail(void)
{
	munmap_part(3, 1);
}

static void munmap_middle(void)
{
	munmap_part(1, 2);
}

static void munmap_len_rounds_up(void)
{
	char *p = map_anon(3 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	fill_pages(p, 3, 0x56);
	TRY(want_zero(sys_munmap(p, P + 1), "munmap of a page and a byte"));
	TRY(want_access(p + P, READ, FAULTS, "read the second page"));
	TRY(want_bytes(p + 2 * P, P, 0x58, "the third page keeps its data"));
}

/* one munmap over mappings of different kinds and the holes between */
static void munmap_span(void)
{
	char *p = map_anon(8 * P, PROT_RW, MAP_PRIVATE);
	unsigned i;

	TRY(p);
	fill_pages(p, 8, 0x20);
	TRY(want_zero(sys_munmap(p + 2 * P, 2 * P), "munmap pages 2-3"));
	TRY(want_zero(sys_munmap(p + 6 * P, P), "munmap page 6"));
	TRY(want_zero(sys_mprotect(p + 4 * P, 2 * P, PROT_READ),
		      "mprotect pages 4-5"));
	TRY(want_addr(sys_mmap(p + 3 * P, P, PROT_READ,
			       MAP_ANON_SHARED | MAP_FIXED, -1, 0),
		      p + 3 * P, "shared page 3"));
	TRY(want_zero(sys_munmap(p + P, 6 * P), "munmap pages 1-6"));
	for (i = 1; i < 7; i++)
		TRY(want_access(p + i * P, READ, FAULTS, "read pages 1-6"));
	TRY(want_bytes(p, P, 0x20, "page 0 keeps its data"));
	TRY(want_bytes(p + 7 * P, P, 0x27, "page 7 keeps its data"));
	TRY(want_access(p, WRITE, WORKS, "write page 0"));
	TRY(want_access(p + 7 * P, WRITE, WORKS, "write page 7"));
}

/* munmap and mapping again: fresh memory */
static void munmap_remap_zero(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	fill(p, 2 * P, 0x57);
	TRY(want_zero(sys_munmap(p, 2 * P), "munmap"));
	TRY(want_addr(sys_mmap(p, 2 * P, PROT_RW, MAP_ANON_PRIVATE | MAP_FIXED,
			       -1, 0), p, "MAP_FIXED at the same place"));
	TRY(want_bytes(p, 2 * P, 0, "reads zero"));
}

#define C(name) { #name, name, 0, 0 }
#define Q(name, why) { #name, name, QEMU_DIFFERS, why }
#define NOREPLACE_HINT "qemu-user takes MAP_FIXED_NOREPLACE for a hint"

const struct vm_case vm_cases_map[] = {
	C(probe_sanity),
	C(mmap_anon_private),
	C(mmap_anon_shared),
	C(mmap_len_zero),
	C(mmap_fixed_unaligned),
	C(mmap_offset),
	C(mmap_bad_type),
	Q(mmap_validate_unknown_flag, "qemu-user refuses MAP_SHARED_VALIDATE"),
	C(mmap_unknown_flag_ignored),
	C(mmap_bad_fd),
	C(mmap_anon_ignores_fd),
	C(mmap_huge_len),
	C(mmap_fixed_beyond_user),
	C(mmap_len_rounds_up),
	C(mmap_hint_free),
	C(mmap_hint_taken),
	C(mmap_fixed_replaces),
	C(mmap_fixed_shared_over_private),
	Q(mmap_noreplace, NOREPLACE_HINT),
	C(mmap_noreplace_free),
	Q(mmap_noreplace_bad_addr, NOREPLACE_HINT),
	C(mmap_prot_none),
	C(mmap_prot_read),
	C(mmap_flags_accepted),
	C(mmap_shared_growsdown),
	C(mmap_many),
	C(mmap_prot_exec),
	C(mprotect_rw_to_r),
	C(mprotect_r_to_rw),
	C(mprotect_none_keeps_data),
	C(mprotect_split),
	C(mprotect_unaligned),
	C(mprotect_bad_prot),
	C(mprotect_growsdown_plain),
	C(mprotect_hole),
	Q(mprotect_len_zero, "qemu-user says ENOMEM for length 0"),
	C(mprotect_len_rounds_up),
	C(munmap_unaligned),
	C(munmap_len_zero),
	C(munmap_hole),
	C(munmap_beyond_user),
	C(munmap_head),
	C(munmap_tail),
	C(munmap_middle),
	C(munmap_len_rounds_up),
	C(munmap_span),
	C(munmap_remap_zero),
	{ 0, 0, 0, 0 },
};
