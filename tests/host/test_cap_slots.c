/*
 * tests/host/test_cap_slots.c - the capability slot table
 * (kernel/cap/slots.c).
 *
 * Covers: allocation of the lowest free slot and handles equal to the
 * index in a fresh table; free, and handles of freed slots never valid
 * again (not even once the index is reused, which must not revive the
 * old rights); malformed handles; copies with the same or fewer rights,
 * refused without the copy right, with more rights or unknown bits;
 * growth from SLOTS_INIT doubling up to SLOTS_MAX with every handle
 * still valid, -ENOSPC before a growth and -EMFILE at the limit;
 * install and replace (the slots a process starts with, exec's slot 1);
 * the panics on bad calls; and a seeded random run against a model.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cap/slots.h"
#include "check.h"
#include "uapi/errno.h"

static struct slot_table t, u;
static struct cap_slot arr[SLOTS_MAX], arr2[SLOTS_MAX];
static int objs[SLOTS_MAX + 8]; /* addresses to store */
#define OBJ(i) ((void *)&objs[i])
#define RW (KITE_CAP_READ | KITE_CAP_WRITE)

/* Grow t as far as it goes into a second array (the kernel's grow). */
static struct cap_slot grown[SLOTS_MAX];

TEST(alloc_lowest)
{
	struct cap_slot *s;

	slots_init(&t, arr, SLOTS_INIT);
	for (long i = 0; i < SLOTS_INIT; i++)
		REQUIRE_EQ(slots_alloc(&t, OBJ(i), RW, 0), i);
	CHECK(t.used == SLOTS_INIT);
	s = slots_get(&t, 5);
	REQUIRE(s && s->obj == OBJ(5) && s->rights == RW);
	CHECK(slots_free(&t, 9, NULL) == OBJ(9));
	CHECK(slots_free(&t, 3, NULL) == OBJ(3));
	/* the lowest free index first, as with file descriptors */
	CHECK((slots_alloc(&t, OBJ(20), KITE_CAP_READ, 0) & CAP_INDEX_MASK) == 3);
	CHECK((slots_alloc(&t, OBJ(21), KITE_CAP_READ, 0) & CAP_INDEX_MASK) == 9);
	CHECK(slots_alloc(&t, OBJ(22), 0x40, 0) == -EINVAL); /* not a right */
}

TEST(freed_never_valid)
{
	struct cap_slot old;
	long h, h2;

	slots_init(&t, arr, SLOTS_INIT);
	h = slots_alloc(&t, OBJ(1), KITE_CAP_ALL, 7);
	REQUIRE(h == 0);
	CHECK(slots_free(&t, h, &old) == OBJ(1));
	CHECK(old.obj == OBJ(1) && old.rights == KITE_CAP_ALL && old.flags == 7);
	CHECK(slots_get(&t, h) == NULL);
	CHECK(slots_free(&t, h, NULL) == NULL); /* a second free: -EBADF */
	CHECK(t.used == 0);
	/* the index is reused with new rights: the old handle still names
	 * nothing, and the new one has only what it was given */
	h2 = slots_alloc(&t, OBJ(2), KITE_CAP_READ, 0);
	REQUIRE((h2 & CAP_INDEX_MASK) == 0 && h2 != h);
	CHECK(slots_get(&t, h) == NULL);
	CHECK(slots_get(&t, h2)->rights == KITE_CAP_READ);
	CHECK(slots_get(&t, h2)->flags == 0);
	CHECK(slots_copy(&t, h, KITE_CAP_READ, &t) == -EBADF);
	/* many rounds on one index: each handle dies with its free */
	for (int i = 0; i < 1000; i++) {
		long a = slots_alloc(&t, OBJ(3), RW, 0);

		REQUIRE((a & CAP_INDEX_MASK) == 1);
		REQUIRE(slots_get(&t, a) && slots_free(&t, a, NULL) == OBJ(3));
		REQUIRE(slots_get(&t, a) == NULL);
	}
}

TEST(bad_handles)
{
	long h;

	slots_init(&t, arr, SLOTS_INIT);
	h = slots_alloc(&t, OBJ(0), RW, 0);
	CHECK(slots_get(&t, -1) == NULL);
	CHECK(slots_get(&t, -4096) == NULL);
	CHECK(slots_get(&t, SLOTS_INIT) == NULL);   /* past the table */
	CHECK(slots_get(&t, 1) == NULL);            /* free */
	CHECK(slots_get(&t, h | 1L << CAP_INDEX_BITS) == NULL); /* other gen */
	CHECK(slots_get(&t, h | 1L << (CAP_INDEX_BITS + CAP_GEN_BITS)) == NULL);
	CHECK(slots_get(&t, 0x7fffffffffffffffL) == NULL);
	CHECK(slots_get(&t, h) != NULL);
}

TEST(copy_rights)
{
	long all, ro, c;

	slots_init(&t, arr, SLOTS_INIT);
	slots_init(&u, arr2, SLOTS_INIT);
	all = slots_alloc(&t, OBJ(1), KITE_CAP_ALL, 3);
	ro = slots_alloc(&t, OBJ(2), KITE_CAP_READ | KITE_CAP_MAP, 0);
	/* the same rights, fewer, none */
	c = slots_copy(&t, all, KITE_CAP_ALL, &u);
	REQUIRE(c >= 0 && slots_get(&u, c)->obj == OBJ(1));
	CHECK(slots_get(&u, c)->rights == KITE_CAP_ALL);
	CHECK(slots_get(&u, c)->flags == 0); /* flags stay behind */
	c = slots_copy(&t, all, KITE_CAP_READ | KITE_CAP_COPY, &u);
	REQUIRE(c >= 0 && slots_get(&u, c)->rights == (KITE_CAP_READ | KITE_CAP_COPY));
	/* a reduced copy cannot be widened again */
	CHECK(slots_copy(&u, c, KITE_CAP_READ | KITE_CAP_WRITE | KITE_CAP_COPY,
			 &t) == -EPERM);
	CHECK(slots_copy(&u, c, KITE_CAP_READ, &t) >= 0);
	CHECK(slots_copy(&t, all, 0, &u) >= 0);
	/* no copy right: no copy at all, not even a weaker one */
	CHECK(slots_copy(&t, ro, KITE_CAP_READ, &u) == -EPERM);
	CHECK(slots_copy(&t, ro, 0, &u) == -EPERM);
	CHECK(slots_copy(&t, all, 0x20, &u) == -EINVAL);
	CHECK(slots_copy(&t, 12, KITE_CAP_READ, &u) == -EBADF);
	/* into the same table */
	c = slots_copy(&t, all, KITE_CAP_MAP, &t);
	CHECK(c >= 0 && slots_get(&t, c)->obj == OBJ(1) &&
	      slots_get(&t, c)->rights == KITE_CAP_MAP);
	CHECK(slots_copy_check(KITE_CAP_COPY, KITE_CAP_COPY) == 0);
	CHECK(slots_copy_check(KITE_CAP_READ, KITE_CAP_READ) == -EPERM);
}

TEST(growth_and_exhaustion)
{
	long handles[SLOTS_MAX];
	uint32_t size = SLOTS_INIT, grows = 0;
	struct cap_slot *cur = arr;

	slots_init(&t, arr, SLOTS_INIT);
	for (long i = 0; i < SLOTS_MAX; i++) {
		long h = slots_alloc(&t, OBJ(i), (uint32_t)(i % 32), 0);

		if (h == -ENOSPC) {
			uint32_t next = slots_grow_size(&t);
			struct cap_slot *spare = cur == arr ? grown : arr;
			struct cap_slot *old;

			REQUIRE(next == size * 2);
			/* the spare array must not alias the live one */
			old = slots_grow(&t, spare, next);
			REQUIRE(old == cur);
			cur = spare;
			size = next;
			grows++;
			h = slots_alloc(&t, OBJ(i), (uint32_t)(i % 32), 0);
		}
		REQUIRE_EQ(h, i);
		handles[i] = h;
	}
	CHECK(grows == 6); /* 16 -> 32 -> ... -> 1024 */
	CHECK(t.size == SLOTS_MAX && t.used == SLOTS_MAX);
	CHECK(slots_grow_size(&t) == 0);
	CHECK(slots_alloc(&t, OBJ(0), 0, 0) == -EMFILE);
	CHECK(slots_copy(&t, handles[31], 0, &t) == -EMFILE);
	/* every handle survived the moves, with its object and rights */
	for (long i = 0; i < SLOTS_MAX; i++) {
		struct cap_slot *s = slots_get(&t, handles[i]);

		REQUIRE(s && s->obj == OBJ(i) && s->rights == i % 32);
	}
	CHECK(slots_free(&t, handles[700], NULL) == OBJ(700));
	CHECK((slots_alloc(&t, OBJ(1), 0, 0) & CAP_INDEX_MASK) == 700);
}

TEST(grow_keeps_free_slots)
{
	slots_init(&t, arr, SLOTS_INIT);
	for (long i = 0; i < 10; i++)
		slots_alloc(&t, OBJ(i), 0, 0);
	slots_free(&t, 4, NULL);
	/* growing a table that is not full keeps its lowest free slot */
	slots_grow(&t, grown, 32);
	CHECK(t.size == 32 && t.used == 9);
	CHECK(slots_alloc(&t, OBJ(4), 0, 0) == (1L << CAP_INDEX_BITS | 4));
	CHECK(slots_alloc(&t, OBJ(10), 0, 0) == 10);
}

TEST(install_replace)
{
	long h;

	slots_init(&t, arr, SLOTS_INIT);
	CHECK(slots_install(&t, 1, OBJ(1), KITE_CAP_MAP, 0) == 1);
	CHECK(slots_install(&t, 0, OBJ(0), KITE_CAP_ALL, 0) == 0);
	CHECK(slots_alloc(&t, OBJ(2), 0, 0) == 2);
	CHECK(slots_replace(&t, 1, OBJ(5)) == OBJ(1));
	CHECK(slots_get(&t, 1)->obj == OBJ(5) &&
	      slots_get(&t, 1)->rights == KITE_CAP_MAP);
	h = slots_handle(&t, 2);
	CHECK(h == 2);
	CHECK(slots_free_index(&t, 3, NULL) == NULL); /* free already */
	CHECK(slots_free_index(&t, 2, NULL) == OBJ(2));
	CHECK(slots_get(&t, h) == NULL);
}

TEST(bad_calls)
{
	slots_init(&t, arr, SLOTS_INIT);
	slots_alloc(&t, OBJ(0), 0, 0);
	CHECK(PANICS(slots_install(&t, 0, OBJ(1), 0, 0)));   /* used */
	CHECK(PANICS(slots_install(&t, SLOTS_INIT, OBJ(1), 0, 0)));
	CHECK(PANICS(slots_alloc(&t, NULL, 0, 0)));
	CHECK(PANICS(slots_replace(&t, 3, OBJ(1))));         /* free */
	CHECK(PANICS(slots_grow(&t, grown, SLOTS_INIT)));    /* not bigger */
	CHECK(PANICS(slots_grow(&t, grown, SLOTS_MAX * 2)));
	CHECK(PANICS(slots_handle(&t, 5)));                  /* free */
	CHECK(PANICS(slots_init(&t, arr, 1)));
}

TEST(random_model)
{
	/* the model: per index, object number (or -1) and generation */
	static int mobj[SLOTS_MAX];
	static uint32_t mgen[SLOTS_MAX];
	static long live[SLOTS_MAX], dead[4096];
	int nlive = 0, ndead = 0;
	struct cap_slot *cur = arr;

	rng_seed(0x9e3779b97f4a7c15ULL);
	slots_init(&t, arr, SLOTS_INIT);
	for (int i = 0; i < SLOTS_MAX; i++)
		mobj[i] = -1, mgen[i] = 0;
	for (int step = 0; step < 200000; step++) {
		unsigned op = rng_below(8);

		if (op < 4) { /* alloc (more often: the table fills) */
			int o = (int)rng_below(SLOTS_MAX);
			long h = slots_alloc(&t, OBJ(o), (uint32_t)o % 32, 0);
			uint32_t lowest = 0;

			if (h == -ENOSPC) {
				struct cap_slot *spare = cur == arr ? grown : arr;

				slots_grow(&t, spare, slots_grow_size(&t));
				cur = spare;
				h = slots_alloc(&t, OBJ(o), (uint32_t)o % 32, 0);
			}
			if (nlive == SLOTS_MAX) {
				REQUIRE_EQ(h, -EMFILE);
				continue;
			}
			while (mobj[lowest] >= 0)
				lowest++;
			REQUIRE_EQ(h, (long)mgen[lowest] << CAP_INDEX_BITS | lowest);
			mobj[lowest] = o;
			live[nlive++] = h;
		} else if (op < 7 && nlive) { /* free a live one */
			int k = (int)rng_below((uint64_t)nlive);
			long h = live[k];
			uint32_t idx = (uint32_t)(h & CAP_INDEX_MASK);

			REQUIRE(slots_free(&t, h, NULL) == OBJ(mobj[idx]));
			mobj[idx] = -1;
			mgen[idx]++;
			live[k] = live[--nlive];
			dead[ndead++ % 4096] = h;
		} else if (ndead) { /* a dead handle stays dead */
			long h = dead[rng_below((uint64_t)MIN(ndead, 4096))];

			REQUIRE(slots_get(&t, h) == NULL);
		}
		REQUIRE_EQ(t.used, nlive);
	}
	for (int k = 0; k < nlive; k++) {
		struct cap_slot *s = slots_get(&t, live[k]);

		REQUIRE(s && s->obj == OBJ(mobj[live[k] & CAP_INDEX_MASK]));
	}
}

int main(void)
{
	CHECK_MAIN_BEGIN("cap_slots");
	RUN(alloc_lowest);
	RUN(freed_never_valid);
	RUN(bad_handles);
	RUN(copy_rights);
	RUN(growth_and_exhaustion);
	RUN(grow_keeps_free_slots);
	RUN(install_replace);
	RUN(bad_calls);
	RUN(random_model);
	CHECK_MAIN_END();
}
