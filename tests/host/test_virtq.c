/*
 * tests/host/test_virtq.c - the split-virtqueue bookkeeping
 * (kernel/dev/virtq.c) against a simulated device.
 *
 * The simulated device does what a virtio device does with the rings:
 * it reads new heads from the available ring (up to avail->idx) and,
 * whenever the test says, writes {id, len} into the used ring and
 * advances used->idx; it can also return ids it never got. Covers: the
 * layout (sizes, alignment, the page the driver relies on), the free
 * list (chains taken in order and linked, -ENOSPC with nothing taken,
 * everything back after frees), publishing and notification
 * suppression, completions in any order, ids the device should not
 * return (refused, nothing corrupted), 16-bit index wrap-around, a
 * seeded random run against a model of who owns each descriptor, and
 * the panics on driver bugs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dev/virtq.h"
#include "uapi/errno.h"

#define PAGE 4096

struct sim {
	struct virtq vq;
	void *mem;
	uint16_t seen_avail;             /* device: avail entries read */
	uint16_t pending[VIRTQ_MAX_SIZE]; /* heads it holds, in arrival order */
	int npending;
};

static void sim_init(const char *check_test, struct sim *s, unsigned size)
{
	size_t bytes = virtq_bytes(size);

	memset(s, 0, sizeof(*s));
	s->mem = aligned_alloc(VIRTQ_DESC_ALIGN, ALIGN_UP(bytes, VIRTQ_DESC_ALIGN));
	REQUIRE(s->mem != NULL);
	memset(s->mem, 0, bytes);
	CHECK(virtq_init(&s->vq, s->mem, size) == 0);
}

static void sim_free(struct sim *s)
{
	free(s->mem);
	s->mem = NULL;
}

/* The device reads the available ring. */
static void sim_take(struct sim *s)
{
	struct virtq *vq = &s->vq;

	while (s->seen_avail != vq->avail->idx) {
		s->pending[s->npending++] = vq->avail->ring[s->seen_avail % vq->size];
		s->seen_avail++;
	}
}

/* The device returns id with len written bytes. */
static void sim_used(struct sim *s, uint32_t id, uint32_t len)
{
	struct virtq *vq = &s->vq;
	struct virtq_used_elem *e = &vq->used->ring[vq->used->idx % vq->size];

	e->id = id;
	e->len = len;
	vq->used->idx++;
}

/* The device completes its k-th pending head. */
static uint16_t sim_complete(struct sim *s, int k, uint32_t len)
{
	uint16_t head = s->pending[k];

	memmove(&s->pending[k], &s->pending[k + 1],
		sizeof(s->pending[0]) * (size_t)(s->npending - k - 1));
	s->npending--;
	sim_used(s, head, len);
	return head;
}

/* One chain of n taken, filled and published; returns its head. */
static int submit(struct sim *s, unsigned n)
{
	uint16_t idx[8];

	if (virtq_alloc_chain(&s->vq, n, idx))
		return -1;
	for (unsigned k = 0; k < n; k++)
		virtq_fill(&s->vq, idx[k], 0x1000 * (idx[k] + 1), 16, k == n - 1);
	virtq_publish(&s->vq, idx[0]);
	return idx[0];
}

TEST(layout)
{
	struct virtq vq;
	static _Alignas(16) uint8_t mem[2 * PAGE];

	CHECK(virtq_bytes(8) == 8 * 16 + 4 + 2 * 8 + 2 + 2 /* pad */ + 4 + 8 * 8 + 2);
	CHECK(virtq_bytes(128) <= PAGE);        /* the driver's one page */
	CHECK(virtq_init(&vq, mem, 0) == -EINVAL);
	CHECK(virtq_init(&vq, mem, 3) == -EINVAL);
	CHECK(virtq_init(&vq, mem, 2 * VIRTQ_MAX_SIZE) == -EINVAL);
	CHECK(virtq_init(&vq, mem + 8, 8) == -EINVAL);
	for (unsigned size = 1; size <= VIRTQ_MAX_SIZE; size *= 2) {
		REQUIRE(virtq_init(&vq, mem, size) == 0);
		CHECK(vq.size == size && virtq_nfree(&vq) == size);
		CHECK((uint8_t *)vq.desc == mem);
		CHECK((uint8_t *)vq.avail == mem + 16 * size);
		CHECK((uintptr_t)vq.used % VIRTQ_USED_ALIGN == 0);
		CHECK((uint8_t *)vq.used >= (uint8_t *)&vq.avail->ring[size] + 2);
		CHECK((uint8_t *)&vq.used->ring[size] + 2 ==
		      mem + virtq_bytes(size));
	}
}

TEST(alloc_all)
{
	struct sim s;
	uint16_t idx[3], heads[64];
	bool used[64] = { 0 };
	int n = 0;

	sim_init(check_test, &s, 64);
	while (virtq_alloc_chain(&s.vq, 3, idx) == 0) {
		for (int k = 0; k < 3; k++) {
			CHECK(idx[k] < 64 && !used[idx[k]]);
			used[idx[k]] = true;
		}
		CHECK(s.vq.desc[idx[0]].flags == VIRTQ_DESC_F_NEXT);
		CHECK(s.vq.desc[idx[0]].next == idx[1]);
		CHECK(s.vq.desc[idx[1]].flags == VIRTQ_DESC_F_NEXT);
		CHECK(s.vq.desc[idx[1]].next == idx[2]);
		CHECK(s.vq.desc[idx[2]].flags == 0);
		heads[n++] = idx[0];
	}
	CHECK(n == 21 && virtq_nfree(&s.vq) == 1);
	CHECK(virtq_alloc_chain(&s.vq, 2, idx) == -ENOSPC);
	CHECK(virtq_nfree(&s.vq) == 1);         /* nothing taken */
	CHECK(virtq_alloc_chain(&s.vq, 1, idx) == 0 && !used[idx[0]]);
	CHECK(s.vq.desc[idx[0]].flags == 0);
	CHECK(virtq_alloc_chain(&s.vq, 1, idx) == -ENOSPC);
	CHECK(virtq_free_chain(&s.vq, idx[0]) == 1);
	for (int i = 0; i < n; i++)             /* unpublished chains back */
		CHECK(virtq_free_chain(&s.vq, heads[i]) == 3);
	CHECK(virtq_nfree(&s.vq) == 64);
	for (int i = 0; i < 64; i++)
		CHECK(s.vq.state[i] == VQ_FREE);
	CHECK(virtq_alloc_chain(&s.vq, 64, (uint16_t[64]){ 0 }) == 0);
	CHECK(virtq_nfree(&s.vq) == 0);
	sim_free(&s);
}

TEST(fill_flags)
{
	struct sim s;
	uint16_t idx[2];

	sim_init(check_test, &s, 8);
	REQUIRE(virtq_alloc_chain(&s.vq, 2, idx) == 0);
	virtq_fill(&s.vq, idx[0], 0x80001000, 16, false);
	virtq_fill(&s.vq, idx[1], 0x80002000, 1, true);
	CHECK(s.vq.desc[idx[0]].addr == 0x80001000 && s.vq.desc[idx[0]].len == 16);
	CHECK(s.vq.desc[idx[0]].flags == VIRTQ_DESC_F_NEXT);
	CHECK(s.vq.desc[idx[1]].flags == VIRTQ_DESC_F_WRITE);
	virtq_fill(&s.vq, idx[0], 0x80001000, 16, true);
	CHECK(s.vq.desc[idx[0]].flags == (VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE));
	CHECK(s.vq.desc[idx[0]].next == idx[1]);
	sim_free(&s);
}

TEST(publish_complete)
{
	struct sim s;
	uint16_t idx[3], head;
	uint32_t len;

	sim_init(check_test, &s, 16);
	REQUIRE(virtq_alloc_chain(&s.vq, 3, idx) == 0);
	CHECK(virtq_pop_used(&s.vq, &head, &len) == 0);
	CHECK(virtq_publish(&s.vq, idx[0]));    /* notify wanted */
	CHECK(s.vq.avail->idx == 1 && s.vq.avail->ring[0] == idx[0]);
	sim_take(&s);
	CHECK(s.npending == 1 && s.pending[0] == idx[0]);
	CHECK(virtq_pop_used(&s.vq, &head, &len) == 0);
	sim_complete(&s, 0, 513);
	CHECK(virtq_pop_used(&s.vq, &head, &len) == 1);
	CHECK(head == idx[0] && len == 513);
	CHECK(virtq_pop_used(&s.vq, &head, &len) == 0);
	CHECK(virtq_free_chain(&s.vq, head) == 3);
	CHECK(virtq_nfree(&s.vq) == 16);
	s.vq.used->flags = VIRTQ_USED_F_NO_NOTIFY; /* device: don't notify */
	REQUIRE(virtq_alloc_chain(&s.vq, 1, idx) == 0);
	CHECK(!virtq_publish(&s.vq, idx[0]));
	sim_free(&s);
}

TEST(out_of_order)
{
	struct sim s;
	int heads[5];
	uint16_t head;
	uint32_t len;

	sim_init(check_test, &s, 16);
	for (int i = 0; i < 5; i++) {
		heads[i] = submit(&s, 3);
		REQUIRE(heads[i] >= 0);
	}
	CHECK(virtq_nfree(&s.vq) == 1);
	sim_take(&s);
	REQUIRE(s.npending == 5);
	sim_complete(&s, 4, 4);                 /* last first, then the rest */
	sim_complete(&s, 1, 1);
	sim_complete(&s, 0, 0);
	CHECK(virtq_pop_used(&s.vq, &head, &len) == 1 && head == heads[4] && len == 4);
	CHECK(virtq_free_chain(&s.vq, head) == 3);
	CHECK(virtq_pop_used(&s.vq, &head, &len) == 1 && head == heads[1]);
	CHECK(virtq_free_chain(&s.vq, head) == 3);
	CHECK(virtq_pop_used(&s.vq, &head, &len) == 1 && head == heads[0]);
	CHECK(virtq_free_chain(&s.vq, head) == 3);
	CHECK(virtq_pop_used(&s.vq, &head, &len) == 0);
	sim_complete(&s, 1, 0);
	sim_complete(&s, 0, 0);
	CHECK(virtq_pop_used(&s.vq, &head, &len) == 1 && head == heads[3]);
	CHECK(virtq_free_chain(&s.vq, head) == 3);
	CHECK(virtq_pop_used(&s.vq, &head, &len) == 1 && head == heads[2]);
	CHECK(virtq_free_chain(&s.vq, head) == 3);
	CHECK(virtq_nfree(&s.vq) == 16);
	sim_free(&s);
}

TEST(bogus_ids)
{
	struct sim s;
	uint16_t idx[3], head;
	uint32_t len;

	sim_init(check_test, &s, 8);
	REQUIRE(virtq_alloc_chain(&s.vq, 3, idx) == 0);
	virtq_publish(&s.vq, idx[0]);
	sim_used(&s, 8, 0);                     /* out of range */
	sim_used(&s, 0xffffffff, 0);
	sim_used(&s, idx[1], 0);                /* a chain's body */
	sim_used(&s, 7, 0);                     /* a free descriptor */
	sim_used(&s, idx[0], 9);                /* the real one */
	sim_used(&s, idx[0], 9);                /* ...twice */
	for (int i = 0; i < 4; i++)
		CHECK(virtq_pop_used(&s.vq, &head, &len) == -EIO);
	CHECK(virtq_pop_used(&s.vq, &head, &len) == 1 && head == idx[0]);
	CHECK(virtq_pop_used(&s.vq, &head, &len) == -EIO);
	CHECK(virtq_pop_used(&s.vq, &head, &len) == 0);
	CHECK(virtq_free_chain(&s.vq, head) == 3);
	CHECK(virtq_nfree(&s.vq) == 8);
	for (int i = 0; i < 8; i++)
		CHECK(s.vq.state[i] == VQ_FREE);
	sim_free(&s);
}

/* 70,000 requests through a queue of 4: both indices wrap past 65535. */
TEST(wraparound)
{
	struct sim s;
	uint16_t head;
	uint32_t len;
	int h;

	sim_init(check_test, &s, 4);
	for (uint32_t i = 0; i < 70000; i++) {
		h = submit(&s, 1 + i % 2);
		REQUIRE(h >= 0);
		sim_take(&s);
		REQUIRE(s.npending == 1);
		sim_complete(&s, 0, i);
		REQUIRE(virtq_pop_used(&s.vq, &head, &len) == 1);
		REQUIRE(head == h && len == i);
		REQUIRE(virtq_free_chain(&s.vq, head) == 1 + i % 2);
	}
	CHECK(s.vq.avail->idx == (uint16_t)70000);
	CHECK(s.vq.used->idx == (uint16_t)70000 && s.vq.last_used == (uint16_t)70000);
	CHECK(virtq_nfree(&s.vq) == 4);
	sim_free(&s);
}

/* Random submissions and completions against a model of who owns each
 * descriptor: never one descriptor in two chains, all back at the end. */
TEST(random_model)
{
	enum { SIZE = 32 };
	struct sim s;
	int owner[SIZE];                        /* chain head, or -1 if free */
	unsigned chain_len[SIZE] = { 0 };
	uint16_t head;
	uint32_t len;
	unsigned outstanding = 0;

	rng_seed(0x5eed);
	sim_init(check_test, &s, SIZE);
	for (int i = 0; i < SIZE; i++)
		owner[i] = -1;
	for (int step = 0; step < 200000; step++) {
		unsigned op = rng_below(3);

		if (op == 0) {
			unsigned n = 1 + rng_below(4);
			uint16_t idx[4];
			int rc = virtq_alloc_chain(&s.vq, n, idx);

			REQUIRE(rc == (n <= SIZE - outstanding ? 0 : -ENOSPC));
			if (rc)
				continue;
			for (unsigned k = 0; k < n; k++) {
				REQUIRE(owner[idx[k]] == -1);
				owner[idx[k]] = idx[0];
				virtq_fill(&s.vq, idx[k], idx[k], 1, rng_below(2));
			}
			chain_len[idx[0]] = n;
			outstanding += n;
			virtq_publish(&s.vq, idx[0]);
		} else if (op == 1) {
			sim_take(&s);
			if (s.npending)
				sim_complete(&s, (int)rng_below((uint64_t)s.npending),
					     0);
		} else {
			int rc = virtq_pop_used(&s.vq, &head, &len);

			REQUIRE(rc == 0 || rc == 1);
			if (rc == 0)
				continue;
			REQUIRE(owner[head] == head);
			REQUIRE(virtq_free_chain(&s.vq, head) == chain_len[head]);
			outstanding -= chain_len[head];
			for (int i = 0; i < SIZE; i++)
				if (owner[i] == head)
					owner[i] = -1;
		}
		REQUIRE(virtq_nfree(&s.vq) == SIZE - outstanding);
	}
	sim_take(&s);                           /* drain */
	while (s.npending)
		sim_complete(&s, 0, 0);
	while (virtq_pop_used(&s.vq, &head, &len) == 1)
		outstanding -= virtq_free_chain(&s.vq, head);
	CHECK(outstanding == 0 && virtq_nfree(&s.vq) == SIZE);
	sim_free(&s);
}

TEST(driver_bugs_panic)
{
	struct sim s;
	uint16_t idx[2];

	sim_init(check_test, &s, 8);
	CHECK(PANICS(virtq_alloc_chain(&s.vq, 0, idx)));
	CHECK(PANICS(virtq_fill(&s.vq, 3, 0, 0, false)));   /* a free one */
	CHECK(PANICS(virtq_publish(&s.vq, 3)));
	CHECK(PANICS(virtq_free_chain(&s.vq, 3)));
	CHECK(PANICS(virtq_free_chain(&s.vq, 8)));
	REQUIRE(virtq_alloc_chain(&s.vq, 2, idx) == 0);
	virtq_publish(&s.vq, idx[0]);
	CHECK(PANICS(virtq_publish(&s.vq, idx[0])));  /* published twice */
	CHECK(PANICS(virtq_free_chain(&s.vq, idx[0]))); /* the device has it */
	CHECK(PANICS(virtq_fill(&s.vq, idx[0], 0, 0, false)));
	sim_free(&s);
}

int main(void)
{
	CHECK_MAIN_BEGIN("virtq");
	RUN(layout);
	RUN(alloc_all);
	RUN(fill_flags);
	RUN(publish_complete);
	RUN(out_of_order);
	RUN(bogus_ids);
	RUN(wraparound);
	RUN(random_model);
	RUN(driver_bugs_panic);
	CHECK_MAIN_END();
}
