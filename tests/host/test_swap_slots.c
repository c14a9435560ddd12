/*
 * tests/host/test_swap_slots.c - swap slot bookkeeping
 * (kernel/mm/swap_slots.c).
 *
 * Covers: slot 0 is never handed out; next-fit allocation in runs;
 * exhaustion (0) and reuse of freed slots; references counted by dup and
 * put, a slot freed only at its last put; the reference ceiling; the
 * panics on bad slots and puts of free slots; and a seeded random run
 * against a model.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mm/swap_slots.h"

#define N 64

static uint16_t refs[N];
static struct swap_slots s;

TEST(init_and_runs)
{
	swap_slots_init(&s, refs, N);
	CHECK(s.used == 0);
	for (uint32_t i = 1; i < N; i++)
		REQUIRE_EQ(swap_slots_alloc(&s), i);
	CHECK(s.used == N - 1);
	CHECK(swap_slots_alloc(&s) == 0); /* full */
	CHECK(swap_slots_put(&s, 7));
	CHECK(swap_slots_alloc(&s) == 7); /* the one free slot */
	CHECK(swap_slots_alloc(&s) == 0);
}

TEST(next_fit)
{
	swap_slots_init(&s, refs, N);
	for (int i = 0; i < 10; i++)
		swap_slots_alloc(&s);
	CHECK(swap_slots_put(&s, 3));
	/* next fit: after the last one handed out, not the hole at 3 */
	CHECK(swap_slots_alloc(&s) == 11);
	for (uint32_t i = 12; i < N; i++)
		REQUIRE_EQ(swap_slots_alloc(&s), i);
	CHECK(swap_slots_alloc(&s) == 3); /* wrapped round to the hole */
}

TEST(references)
{
	uint32_t a;

	swap_slots_init(&s, refs, N);
	a = swap_slots_alloc(&s);
	CHECK(swap_slots_refs(&s, a) == 1);
	CHECK(swap_slots_dup(&s, a) && swap_slots_dup(&s, a));
	CHECK(swap_slots_refs(&s, a) == 3);
	CHECK(!swap_slots_put(&s, a) && !swap_slots_put(&s, a));
	CHECK(s.used == 1);
	CHECK(swap_slots_put(&s, a));
	CHECK(s.used == 0 && swap_slots_refs(&s, a) == 0);
	a = swap_slots_alloc(&s);
	refs[a] = SWAP_SLOT_REF_MAX - 1;
	CHECK(swap_slots_dup(&s, a));
	CHECK(!swap_slots_dup(&s, a)); /* at the ceiling: refused */
	CHECK(swap_slots_refs(&s, a) == SWAP_SLOT_REF_MAX);
}

TEST(bad_calls)
{
	swap_slots_init(&s, refs, N);
	CHECK(PANICS(swap_slots_put(&s, 5)));   /* free */
	CHECK(PANICS(swap_slots_dup(&s, 5)));   /* free */
	CHECK(PANICS(swap_slots_put(&s, 0)));   /* slot 0 */
	CHECK(PANICS(swap_slots_put(&s, N)));   /* past the end */
	CHECK(PANICS(swap_slots_refs(&s, N + 3)));
}

TEST(random_model)
{
	uint32_t model[N] = { 0 }, used = 0;

	rng_seed(0x2545f4914f6cdd1dULL);
	swap_slots_init(&s, refs, N);
	for (int step = 0; step < 200000; step++) {
		uint32_t slot = 1 + (uint32_t)(rng_below(N - 1));

		switch (rng_below(3)) {
		case 0: {
			uint32_t got = swap_slots_alloc(&s);

			if (used == N - 1) {
				REQUIRE_EQ(got, 0);
			} else {
				REQUIRE(got > 0 && got < N && model[got] == 0);
				model[got] = 1;
				used++;
			}
			break;
		}
		case 1:
			if (model[slot] && model[slot] < 5) {
				REQUIRE(swap_slots_dup(&s, slot));
				model[slot]++;
			}
			break;
		default:
			if (model[slot]) {
				bool freed = swap_slots_put(&s, slot);

				REQUIRE(freed == (model[slot] == 1));
				if (--model[slot] == 0)
					used--;
			}
		}
		REQUIRE_EQ(s.used, used);
		REQUIRE_EQ(swap_slots_refs(&s, slot), model[slot]);
	}
}

int main(void)
{
	CHECK_MAIN_BEGIN("swap_slots");
	RUN(init_and_runs);
	RUN(next_fit);
	RUN(references);
	RUN(bad_calls);
	RUN(random_model);
	CHECK_MAIN_END();
}
