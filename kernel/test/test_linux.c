/*
 * test_linux.c - in-kernel tests of what static Linux programs rely on
 * (docs/LINUX.md): execve's argument lists within Linux's limits, held in
 * frames that all come back, and the kernel's random bytes.
 */
#include "kernel/ktest.h"
#include "kernel/random.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "proc/exec.h"
#include "uapi/errno.h"

#define BIG_ORDER 6 /* 64 frames: a string of MAX_ARG_STRLEN and more */

/* The list's limit for a stack limit: a quarter, within ARG_MAX and
 * three quarters of 8 MiB. */
KTEST(exec_args_limit)
{
	struct exec_args *a = kmalloc(sizeof(*a));

	KT_ASSERT(a != NULL);
	exec_args_init(a, 8UL << 20);
	KT_ASSERT(a->limit == 2UL << 20 && a->used == 0 && a->argc == 0);
	exec_args_init(a, 512UL << 10);
	KT_ASSERT(a->limit == EXEC_ARGS_MIN);
	exec_args_init(a, 64UL << 10);
	KT_ASSERT(a->limit == EXEC_ARGS_MIN);
	exec_args_init(a, ~0UL);
	KT_ASSERT(a->limit == EXEC_ARGS_MAX);
	kfree(a);
	return 0;
}

/* Strings fill frames back to back up to the limit, to the byte; a
 * string of MAX_ARG_STRLEN with its NUL fits, one byte more is E2BIG;
 * a refused string leaves nothing behind; every frame comes back. */
KTEST(exec_args_fill)
{
	struct exec_args *a = kmalloc(sizeof(*a));
	struct page *big = pmm_alloc_pages(BIG_ORDER, 0);
	const size_t hundred = 100 * 1024;
	uint64_t free0;
	size_t room, used;
	char *s;
	int err = 0, n;

	KT_ASSERT(a != NULL && big != NULL);
	s = page_to_va(big);
	pmm_cache_drain();
	free0 = pmm_free_count();

	/* a 128 KiB limit: "prog" and its pointer, a second pointer, then
	 * the room left to the byte */
	exec_args_init(a, 512UL << 10);
	KT_ASSERT(exec_args_add(a, "prog", false) == 0);
	room = EXEC_ARGS_MIN - 2 * 8 - 5;
	memset(s, 'x', room);
	s[room] = '\0';
	KT_ASSERT(exec_args_add(a, s, false) == -E2BIG); /* needs room + 1 */
	KT_ASSERT(a->argc == 1 && a->used == 5);
	s[room - 1] = '\0';
	KT_ASSERT(exec_args_add(a, s, false) == 0);
	KT_ASSERT(a->argc == 2 && a->used == EXEC_ARGS_MIN - 2 * 8);
	exec_args_free(a);

	/* the widest limit: MAX_ARG_STRLEN exactly, then one byte over */
	exec_args_init(a, ~0UL);
	KT_ASSERT(exec_args_add(a, "prog", false) == 0);
	memset(s, 'y', EXEC_ARG_STRLEN + 1);
	s[EXEC_ARG_STRLEN] = '\0';
	KT_ASSERT(exec_args_add(a, s, false) == -E2BIG);
	s[EXEC_ARG_STRLEN - 1] = '\0';
	KT_ASSERT(exec_args_add(a, s, false) == 0);
	used = a->used;
	KT_ASSERT(used == 5 + EXEC_ARG_STRLEN);

	/* 100 KiB variables until the 6 MiB limit refuses one */
	s[hundred] = '\0';
	for (n = 0; n < 100 && !(err = exec_args_add(a, s, true)); n++)
		;
	KT_ASSERTF(err == -E2BIG, "err %d after %d", err, n);
	KT_ASSERTF(n == (int)((EXEC_ARGS_MAX - 2 * 8 - used) / (hundred + 1 + 8)),
		   "%d variables fitted", n);
	KT_ASSERT(a->envc == n && a->used == used + (size_t)n * (hundred + 1));
	KT_ASSERT(a->used + (size_t)(a->argc + a->envc) * 8 <= a->limit);
	exec_args_free(a);
	KT_ASSERT(a->used == 0 && a->npages == 0);
	pmm_cache_drain();
	KT_ASSERTF(pmm_free_count() == free0, "frames %lu before, %lu after",
		   (unsigned long)free0, (unsigned long)pmm_free_count());
	pmm_free_pages(big, BIG_ORDER);
	kfree(a);
	return 0;
}

/* Two draws differ; a large one has plausible byte counts. */
KTEST(random_bytes)
{
	uint8_t a[32], b[32];
	uint8_t *buf = pmm_alloc_page(0);
	unsigned zeros = 0;

	KT_ASSERT(buf != NULL);
	random_bytes(a, sizeof(a));
	random_bytes(b, sizeof(b));
	KT_ASSERT(memcmp(a, b, sizeof(a)) != 0);
	random_bytes(buf, PAGE_SIZE);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		zeros += buf[i] == 0;
	KT_ASSERTF(zeros < 64, "%u zero bytes in 4096", zeros); /* ~16 expected */
	/* small draws come from the hart's batch: 13, 16 and 32 bytes at a
	 * time across several refills, every draw new and none of them the
	 * wiped (zero) bytes */
	zeros = 0;
	for (size_t i = 0, at = 0; i < 60; i++) {
		size_t n = i % 3 == 0 ? 13 : i % 3 == 1 ? 16 : 32;

		random_bytes(buf + at, n);
		for (size_t j = 0; j < n; j++)
			zeros += buf[at + j] == 0;
		KT_ASSERT(at < 16 || memcmp(buf + at, buf + at - 16, 16) != 0);
		at += n;
	}
	KT_ASSERTF(zeros < 16, "%u zero bytes in 1220 small-draw bytes", zeros);
	pmm_free_page(buf);
	return 0;
}
