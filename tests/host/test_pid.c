/*
 * tests/host/test_pid.c - the pid bitmap allocator (kernel/proc/pid.c).
 *
 * Covers: pids handed out as 1, 2, 3, ...; exhaustion after MAX_PID-1
 * distinct pids in range, then -EAGAIN; a freed pid in a full map is the
 * next one handed out; cyclic allocation (a freed pid comes back only
 * once the cursor wraps), including pids at 64-bit word edges and the end
 * of the map; the panics on freeing a free pid, 0, negative pids and pids
 * >= MAX_PID; nr_used; and a seeded random alloc/free run against a
 * reference model of the cyclic allocator.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "proc/pid.h"
#include "uapi/errno.h"

/* xorshift64*: a fixed sequence whatever the C library. */


static struct pidmap map; /* 4 KiB of bits: keep it off the stack */

/* Fill the map: pids 1..MAX_PID-1 in order. */
static void fill(const char *check_test, struct pidmap *m)
{
	pidmap_init(m);
	for (int p = 1; p < MAX_PID; p++)
		REQUIRE_EQ(pidmap_alloc(m), p);
}

TEST(init_state)
{
	pidmap_init(&map);
	CHECK(map.nr_used == 0 && map.last == 0);
	CHECK(pidmap_used(&map, 0));
	for (int p = 1; p < MAX_PID; p++)
		CHECK(!pidmap_used(&map, p));
	CHECK(!pidmap_used(&map, -1) && !pidmap_used(&map, MAX_PID));
}

TEST(sequential)
{
	pidmap_init(&map);
	for (int p = 1; p <= 200; p++) {
		REQUIRE_EQ(pidmap_alloc(&map), p);
		CHECK(pidmap_used(&map, p));
		CHECK(map.nr_used == p && map.last == p);
	}
	CHECK(!pidmap_used(&map, 201));
	pidmap_free(&map, 100);
	CHECK(map.nr_used == 199 && !pidmap_used(&map, 100));
	CHECK(map.last == 200);
	CHECK(pidmap_alloc(&map) == 201);
}

TEST(exhaustion)
{
	static const int holes[] = { 1, 12345, 63, 64, 65, 127, 128,
				     MAX_PID - 64, MAX_PID - 1, 2 };
	static bool seen[MAX_PID];
	int pid;

	memset(seen, 0, sizeof(seen));
	pidmap_init(&map);
	for (int i = 0; i < MAX_PID - 1; i++) {
		pid = pidmap_alloc(&map);
		REQUIRE(pid >= 1 && pid < MAX_PID);
		REQUIRE(!seen[pid]);
		seen[pid] = true;
	}
	CHECK(map.nr_used == MAX_PID - 1);
	CHECK(pidmap_alloc(&map) == -EAGAIN);
	CHECK(pidmap_alloc(&map) == -EAGAIN);
	CHECK(map.nr_used == MAX_PID - 1);
	for (int p = 0; p < MAX_PID; p++)
		CHECK(pidmap_used(&map, p));

	/* one free pid anywhere: exactly that one comes back */
	for (size_t i = 0; i < ARRAY_SIZE(holes); i++) {
		pidmap_free(&map, holes[i]);
		CHECK(map.nr_used == MAX_PID - 2);
		CHECK(pidmap_alloc(&map) == holes[i]);
		CHECK(pidmap_alloc(&map) == -EAGAIN);
		CHECK(map.nr_used == MAX_PID - 1);
	}

	/* two holes: the one after the cursor first, then the wrapped one */
	CHECK(map.last == 2);
	pidmap_free(&map, 1);
	pidmap_free(&map, 30000);
	CHECK(pidmap_alloc(&map) == 30000);
	CHECK(pidmap_alloc(&map) == 1);
	CHECK(pidmap_alloc(&map) == -EAGAIN);
}

TEST(cyclic_reuse)
{
	int pid;

	pidmap_init(&map);
	for (int p = 1; p <= 10; p++)
		REQUIRE_EQ(pidmap_alloc(&map), p);
	pidmap_free(&map, 3);
	CHECK(pidmap_alloc(&map) == 11); /* not 3 */
	pidmap_free(&map, 11);
	CHECK(pidmap_alloc(&map) == 12); /* not the just-freed 11 either */
	pidmap_free(&map, 12);
	pidmap_free(&map, 5);
	/* every other pid up to the end comes first */
	for (int p = 13; p < MAX_PID; p++)
		REQUIRE_EQ(pidmap_alloc(&map), p);
	/* then the cursor wraps: the holes in ascending order */
	CHECK(pidmap_alloc(&map) == 3);
	CHECK(pidmap_alloc(&map) == 5);
	CHECK(pidmap_alloc(&map) == 11);
	CHECK(pidmap_alloc(&map) == 12);
	CHECK(pidmap_alloc(&map) == -EAGAIN);
	CHECK(map.nr_used == MAX_PID - 1);

	/* alloc/free one at a time: the cursor walks all pids */
	pidmap_init(&map);
	for (int round = 0; round < 2; round++) {
		for (int p = 1; p < MAX_PID; p++) {
			pid = pidmap_alloc(&map);
			REQUIRE(pid == p);
			pidmap_free(&map, pid);
		}
	}
	CHECK(map.nr_used == 0);

	/* the cursor at the last pid wraps to 1, never to 0 */
	pidmap_init(&map);
	fill(check_test, &map);
	CHECK(map.last == MAX_PID - 1);
	for (int p = 1; p < 200; p++)
		pidmap_free(&map, p);
	CHECK(pidmap_alloc(&map) == 1);
	pidmap_free(&map, MAX_PID - 1);
	CHECK(pidmap_alloc(&map) == 2);
	for (int p = 3; p < 200; p++)
		REQUIRE_EQ(pidmap_alloc(&map), p);
	CHECK(pidmap_alloc(&map) == MAX_PID - 1);
	CHECK(pidmap_alloc(&map) == -EAGAIN);
	CHECK(pidmap_used(&map, 0));
}

/* Frees that bring the cursor past word edges: 63 -> 64, 127 -> 128. */
TEST(word_edges)
{
	fill(check_test, &map);
	pidmap_free(&map, 62);
	pidmap_free(&map, 64);
	pidmap_free(&map, 128);
	pidmap_free(&map, 191);
	pidmap_free(&map, 192);
	pidmap_free(&map, MAX_PID - 65);
	CHECK(pidmap_alloc(&map) == 62);
	CHECK(pidmap_alloc(&map) == 64);
	CHECK(pidmap_alloc(&map) == 128);
	CHECK(pidmap_alloc(&map) == 191);
	CHECK(pidmap_alloc(&map) == 192);
	CHECK(pidmap_alloc(&map) == MAX_PID - 65);
	CHECK(pidmap_alloc(&map) == -EAGAIN);

	/* cursor mid-word with the only hole earlier in that word */
	pidmap_free(&map, 70);
	pidmap_free(&map, 100);
	CHECK(pidmap_alloc(&map) == 70);
	pidmap_free(&map, 65);
	CHECK(pidmap_alloc(&map) == 100);
	CHECK(pidmap_alloc(&map) == 65); /* after wrapping through the map */
	CHECK(pidmap_alloc(&map) == -EAGAIN);
}

TEST(bad_free)
{
	static const int bad[] = { 0, -1, -64, INT_MIN, MAX_PID, MAX_PID + 1,
				   MAX_PID + 64, INT_MAX };

	pidmap_init(&map);
	for (int p = 1; p <= 5; p++)
		REQUIRE_EQ(pidmap_alloc(&map), p);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK(PANICS(pidmap_free(&map, bad[i])));
	/* free pids: never allocated, and freed twice */
	CHECK(PANICS(pidmap_free(&map, 6)));
	CHECK(PANICS(pidmap_free(&map, MAX_PID - 1)));
	pidmap_free(&map, 3);
	CHECK(PANICS(pidmap_free(&map, 3)));
	CHECK(strstr(check_panic_msg, "3") != NULL);
	/* nothing changed by the failed frees */
	CHECK(map.nr_used == 4 && map.last == 5);
	CHECK(pidmap_used(&map, 0));
	for (int p = 1; p <= 6; p++)
		CHECK(pidmap_used(&map, p) == (p != 3 && p != 6));
	CHECK(pidmap_alloc(&map) == 6);
}

/* The model: the first free pid after last, cyclically over 1..MAX_PID-1. */
static int ref_alloc(bool *used, int *last)
{
	int p = *last;

	for (int n = 0; n < MAX_PID - 1; n++) {
		p = p + 1 >= MAX_PID ? 1 : p + 1;
		if (!used[p]) {
			used[p] = true;
			*last = p;
			return p;
		}
	}
	return -EAGAIN;
}

TEST(stress)
{
	enum { NOPS = 240000, PHASE = 60000 };
	static bool used[MAX_PID];
	static int live[MAX_PID];
	int nlive = 0, last = 0;
	unsigned long again = 0, allocs = 0, wraps = 0;

	rng_seed(0x706964);
	memset(used, 0, sizeof(used));
	pidmap_init(&map);
	for (int op = 0; op < NOPS; op++) {
		/* phases that fill the map up and drain it again */
		unsigned grow = (op / PHASE) % 2 ? 20 : 80;

		if (nlive == 0 || rng_below(100) < grow) {
			int prev = map.last;
			int pid = pidmap_alloc(&map);
			int want = ref_alloc(used, &last);

			REQUIRE(pid == want);
			if (pid == -EAGAIN) {
				REQUIRE(nlive == MAX_PID - 1);
				again++;
			} else {
				REQUIRE(pid >= 1 && pid < MAX_PID);
				live[nlive++] = pid;
				allocs++;
				if (pid <= prev)
					wraps++;
			}
		} else {
			int i = (int)rng_below((uint64_t)nlive);

			pidmap_free(&map, live[i]);
			used[live[i]] = false;
			live[i] = live[--nlive];
		}
		REQUIRE(map.nr_used == nlive);
		if (op % 4096 == 0)
			for (int p = 1; p < MAX_PID; p++)
				REQUIRE(pidmap_used(&map, p) == used[p]);
	}
	CHECK(again > 0 && wraps > 1 && allocs > NOPS / 4);
	while (nlive > 0)
		pidmap_free(&map, live[--nlive]);
	CHECK(map.nr_used == 0);
	for (int p = 1; p < MAX_PID; p++)
		CHECK(!pidmap_used(&map, p));
	CHECK(pidmap_used(&map, 0));
}

int main(void)
{
	CHECK_MAIN_BEGIN("pid");
	RUN(init_state);
	RUN(sequential);
	RUN(exhaustion);
	RUN(cyclic_reuse);
	RUN(word_edges);
	RUN(bad_free);
	RUN(stress);
	CHECK_MAIN_END();
}
