/*
 * prodcons.c - producers and consumers on a bounded buffer, with a mutex
 * and two condition variables (<thread.h>).
 *
 *	prodcons [P [C [N]]]
 *
 * P producer threads (default 2) each put the numbers 1..N (default
 * 20000) into a ring of SLOTS places; C consumer threads (default 2)
 * take them out until every item is taken. A producer waits on not_full
 * while the ring is full, a consumer on not_empty while it is empty;
 * every put signals not_empty, every take signals not_full. At the end
 * the consumers must have taken P * N items summing to P * N(N+1)/2:
 *
 *	prodcons: 2 producers, 2 consumers, 40000 items, sum 400020000 (ok); waits: 1234 full, 567 empty
 *
 * Exits 0 when count and sum are right, 1 otherwise.
 */
#include "kite.h"

#define SLOTS 8
#define MAX_SIDE 16
#define DEFAULT_ITEMS 20000L

static mutex_t lock = MUTEX_INIT;
static cond_t not_full = COND_INIT, not_empty = COND_INIT;
static long ring[SLOTS];        /* [lock] */
static int head, count;         /* [lock] next to take; items in the ring */
static long items, to_take;     /* [lock for to_take] items each producer makes; left to take */
static long taken, sum;         /* [lock] */
static long full_waits, empty_waits; /* [lock] */

static void *producer(void *arg)
{
	(void)arg;
	for (long i = 1; i <= items; i++) {
		mutex_lock(&lock);
		while (count == SLOTS) {
			full_waits++;
			cond_wait(&not_full, &lock);
		}
		ring[(head + count) % SLOTS] = i;
		count++;
		cond_signal(&not_empty);
		mutex_unlock(&lock);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	(void)arg;
	mutex_lock(&lock);
	for (;;) {
		while (count == 0 && to_take > 0) {
			empty_waits++;
			cond_wait(&not_empty, &lock);
		}
		if (to_take == 0)
			break;
		sum += ring[head];
		head = (head + 1) % SLOTS;
		count--;
		taken++;
		if (--to_take == 0)
			cond_broadcast(&not_empty); /* the other consumers stop */
		cond_signal(&not_full);
	}
	mutex_unlock(&lock);
	return NULL;
}

int main(int argc, char **argv)
{
	int np = argc > 1 ? atoi(argv[1]) : 2, nc = argc > 2 ? atoi(argv[2]) : 2;
	thread_t p[MAX_SIDE], c[MAX_SIDE];
	long want_sum;
	bool ok;

	items = argc > 3 ? atol(argv[3]) : DEFAULT_ITEMS;
	if (np < 1 || np > MAX_SIDE || nc < 1 || nc > MAX_SIDE || items < 1) {
		fprintf(stderr, "usage: prodcons [P [C [N]]] (P, C 1-%d)\n", MAX_SIDE);
		return 2;
	}
	to_take = np * items;
	for (int i = 0; i < nc; i++)
		if (thread_create(&c[i], consumer, NULL) < 0)
			goto fail;
	for (int i = 0; i < np; i++)
		if (thread_create(&p[i], producer, NULL) < 0)
			goto fail;
	for (int i = 0; i < np; i++)
		thread_join(p[i], NULL);
	for (int i = 0; i < nc; i++)
		thread_join(c[i], NULL);
	want_sum = np * (items * (items + 1) / 2);
	ok = taken == np * items && sum == want_sum;
	printf("prodcons: %d producers, %d consumers, %ld items, sum %ld (%s); "
	       "waits: %ld full, %ld empty\n", np, nc, taken, sum,
	       ok ? "ok" : "WRONG", full_waits, empty_waits);
	return ok ? 0 : 1;
fail:
	perror("prodcons: thread_create");
	return 1;
}
