/*
 * lazy.h - memory that costs nothing until it is touched: anonymous
 * mmap and brk give zero-filled pages on demand, a page at a time, and
 * touching more than there is gets the toucher killed by the OOM killer
 * while everyone else goes on. Included once, by main.c, after vm.h.
 */
#ifndef KITE_VMTESTS_LAZY_H
#define KITE_VMTESTS_LAZY_H

#include "vm.h"

#define LAZY_BYTES (64 * MIB)
#define LAZY_TOUCHED (LAZY_BYTES / MIB) /* one page per MiB */
/* frames 64 touched pages may take: themselves and their page tables */
#define LAZY_FRAMES (LAZY_TOUCHED + 64)

/* Write one byte per MiB of [p, p+LAZY_BYTES): byte k of MiB k. */
static void touch_per_mib(char *p)
{
	for (size_t k = 0; k < LAZY_TOUCHED; k++)
		p[k * MIB + k] = (char)(k + 1);
}

/* What touch_per_mib wrote is there, and the rest of each touched page
 * and the start of an untouched one read as zero. */
static void expect_per_mib(char *p, const char *what)
{
	for (size_t k = 0; k < LAZY_TOUCHED; k++) {
		char *page = p + k * MIB;

		CHECK(page[k] == (char)(k + 1), "%s: MiB %zu holds 0x%x", what,
		      k, page[k] & 0xff);
		expect_bytes(page, k, 0, what);
		expect_bytes(page + k + 1, PAGE - k - 1, 0, what);
		expect_bytes(page + 5 * PAGE, 256, 0, what);
	}
}

/* 64 MiB mapped cost nothing; touched once per MiB, 64 pages. */
static void t_demand_zero(void)
{
	uint64_t anon0 = self_info().pages_anon, free0 = free_frames();
	char *p = map(LAZY_BYTES, RW, PRIV);
	struct kite_region r = region_at(p);
	uint64_t anon;
	long took;

	CHECK(r.start == (uintptr_t)p && r.end == (uintptr_t)p + LAZY_BYTES &&
	      r.kind == KITE_VM_ANON && r.prot == RW, "region [0x%lx, 0x%lx) "
	      "kind %u prot %u", (unsigned long)r.start, (unsigned long)r.end,
	      r.kind, r.prot);
	CHECK(r.resident == 0, "a new 64 MiB mapping has %lu pages resident",
	      (unsigned long)r.resident);
	took = taken_since(free0);
	CHECK(took < 64, "mapping 64 MiB took %ld frames", took);
	touch_per_mib(p);
	anon = self_info().pages_anon - anon0;
	took = taken_since(free0);
	r = region_at(p);
	CHECK(r.resident == LAZY_TOUCHED, "%lu pages touched, %lu resident",
	      LAZY_TOUCHED, (unsigned long)r.resident);
	CHECK(anon >= LAZY_TOUCHED && anon <= LAZY_TOUCHED + 2, "%lu pages "
	      "touched, pages_anon grew by %lu", LAZY_TOUCHED,
	      (unsigned long)anon);
	CHECK(took >= (long)LAZY_TOUCHED && took < (long)LAZY_FRAMES, "%lu "
	      "pages touched took %ld frames", LAZY_TOUCHED, took);
	expect_per_mib(p, "64 MiB mapping");
	EQ(munmap(p, LAZY_BYTES), 0);
	CHECK(!find_region(p, &r), "the mapping is still there after munmap");
	EQ(self_info().pages_anon, anon0);
	pass_note("%ld KiB for 64 touched pages of 64 MiB", took * 4);
}

/* The heap grown by 64 MiB costs nothing until touched. */
static void t_brk_lazy(void)
{
	char *b0 = sys_brk(NULL), *base = (char *)PG_UP(b0);
	char *top = base + LAZY_BYTES;
	uint64_t heap0 = self_info().pages_heap, free0 = free_frames();
	uint64_t grown;
	long took;

	EQ(sys_brk(top), top);
	grown = self_info().pages_heap - heap0;
	took = taken_since(free0);
	CHECK(grown == 0 && took < 64, "growing the heap by 64 MiB made %lu "
	      "pages resident and took %ld frames", (unsigned long)grown, took);
	CHECK(region_at(top - 1).kind == KITE_VM_HEAP, "no heap region at %p",
	      top - 1);
	touch_per_mib(base);
	grown = self_info().pages_heap - heap0;
	took = taken_since(free0);
	CHECK(grown >= LAZY_TOUCHED && grown <= LAZY_TOUCHED + 1, "%lu pages "
	      "touched, pages_heap grew by %lu", LAZY_TOUCHED,
	      (unsigned long)grown);
	CHECK(took >= (long)LAZY_TOUCHED && took < (long)LAZY_FRAMES, "%lu "
	      "pages touched took %ld frames", LAZY_TOUCHED, took);
	expect_per_mib(base, "64 MiB of heap");
	EQ(sys_brk(b0), b0);
	EQ(self_info().pages_heap, heap0);
}

/* ---- out of memory ------------------------------------------------------ */

#define HOG_BYTES (256 * MIB) /* twice the 128 MiB the tests boot with */

/* Map 256 MiB without a reservation and touch every page: the OOM
 * killer must end this (exit 3: no mapping; 4: it all fitted). */
static void oom_hog(void)
{
	char *p = mmap(NULL, HOG_BYTES, RW, PRIV | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		printf("oom hog: mmap: %s\n", strerror(errno));
		exit(3);
	}
	for (size_t off = 0; off < HOG_BYTES; off += PAGE)
		p[off] = 1;
	exit(4);
}

/* The hog is killed (SIGKILL), not us, not a bystander; frames come
 * back. */
static void t_oom(void)
{
	uint64_t free0 = free_frames();
	pid_t bystander = sleeper();
	int st, by_st, by_alive;

	CHECK(bystander > 0, "fork: %s", strerror(errno));
	st = sub(oom_hog, 120000);
	/* the bystander first, so that no check below leaves it behind */
	by_alive = waitpid(bystander, &by_st, WNOHANG) == 0;
	if (by_alive) {
		EQ(kill(bystander, SIGKILL), 0);
		EQ(waitpid(bystander, &by_st, 0), bystander);
	}
	CHECK(st != -1, "the hog still ran after 120 s");
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "the hog: status "
	      "0x%x, want killed by SIGKILL (exit 3: mmap failed, 4: it "
	      "touched 256 MiB)", st);
	CHECK(by_alive, "the bystander died too: status 0x%x", by_st);
	EQ(getppid(), main_pid);
	CHECK(taken_since(free0) <= 16, "%ld frames not back after the OOM "
	      "kill", taken_since(free0));
}

#endif
