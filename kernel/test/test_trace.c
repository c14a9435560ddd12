/*
 * test_trace.c - in-kernel tests of the event trace (trace/ring.c):
 * records come back in order with their fields; off records nothing; a
 * full ring loses its oldest records and the reader is told how many;
 * writers on every hart at once against a reader never give a torn or
 * reordered record; clear with tracing off frees the rings; the text
 * form of a record is the documented one.
 */
#include "arch/arch.h"
#include "kernel/cpu.h"
#include "kernel/ktest.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "proc/proc.h"
#include "trace/format.h"
#include "trace/trace.h"

#define SMALL_RING 64
#define MAGIC 0x7e57000000000000UL
#define BUF_RECS 256

static struct kite_trace_rec *buf;

/* Start from nothing: off, rings freed, then on with small rings. */
static int fresh_rings(void)
{
	trace_set_enabled(false, 0);
	trace_clear();
	if (trace_has_rings())
		return -1;
	return trace_set_enabled(true, SMALL_RING);
}

static void done_rings(void)
{
	trace_set_enabled(false, 0);
	trace_clear();
	kfree(buf);
	buf = NULL;
}

/* Read everything there is; returns how many records. */
static size_t read_all(size_t max)
{
	size_t n = 0, got;

	trace_read_begin();
	while (max - n >= 2 && (got = trace_read(buf + n, max - n)))
		n += got;
	trace_read_end();
	return n;
}

KTEST(trace_marks_in_order)
{
	int me = current()->tid, h, found = 0;
	size_t n;

	buf = kmalloc(BUF_RECS * sizeof(*buf));
	KT_ASSERT(buf && fresh_rings() == 0);
	push_off(); /* one hart, no switch between the marks */
	h = cpuid();
	for (uint64_t i = 0; i < 10; i++)
		trace_write(KITE_TRACE_MARK, 3, MAGIC | i, ~(MAGIC | i), 0x616263);
	pop_off();
	n = read_all(BUF_RECS);
	for (size_t i = 0; i < n; i++) {
		struct kite_trace_rec *r = &buf[i];

		if (r->type != KITE_TRACE_MARK || (r->a[0] & ~0xffffUL) != MAGIC)
			continue;
		KT_ASSERTF(r->a[0] == (MAGIC | (uint64_t)found) && r->hart == h &&
				   r->tid == me && r->arg == 3 &&
				   r->a[1] == ~r->a[0] && r->a[2] == 0x616263,
			   "mark %d: hart %d tid %d a0 %lx", found, r->hart,
			   r->tid, (unsigned long)r->a[0]);
		KT_ASSERT(found == 0 || r->time >= buf[i - 1].time ||
			  buf[i - 1].hart != h);
		found++;
	}
	KT_ASSERTF(found == 10, "%d of 10 marks read back", found);
	/* read: nothing of ours is left */
	n = read_all(BUF_RECS);
	for (size_t i = 0; i < n; i++)
		KT_ASSERT(buf[i].type != KITE_TRACE_MARK);
	/* off: nothing is recorded */
	trace_set_enabled(false, 0);
	trace_write(KITE_TRACE_MARK, 0, MAGIC, 0, 0);
	n = read_all(BUF_RECS);
	for (size_t i = 0; i < n; i++)
		KT_ASSERT(buf[i].type != KITE_TRACE_MARK);
	done_rings();
	KT_ASSERT(!trace_has_rings());
	return 0;
}

KTEST(trace_full_ring_loses_oldest)
{
	const uint64_t total = 4 * SMALL_RING;
	uint64_t first = ~0UL, last = 0, lost = 0;
	int h;
	size_t n;

	buf = kmalloc(BUF_RECS * sizeof(*buf));
	KT_ASSERT(buf && fresh_rings() == 0);
	push_off();
	h = cpuid();
	for (uint64_t i = 0; i < total; i++)
		trace_write(KITE_TRACE_MARK, 0, MAGIC | i, 0, 0);
	pop_off();
	n = read_all(BUF_RECS);
	for (size_t i = 0; i < n; i++) {
		struct kite_trace_rec *r = &buf[i];

		if (r->hart != h)
			continue;
		if (r->type == KITE_TRACE_LOST && first == ~0UL) {
			lost += r->a[0];
		} else if (r->type == KITE_TRACE_MARK &&
			   (r->a[0] & ~0xffffUL) == MAGIC) {
			uint64_t k = r->a[0] & 0xffff;

			KT_ASSERTF(first == ~0UL || k == last + 1,
				   "mark %lu after %lu", (unsigned long)k,
				   (unsigned long)last);
			if (first == ~0UL)
				first = k;
			last = k;
		}
	}
	KT_ASSERTF(last == total - 1, "the newest mark read is %lu",
		   (unsigned long)last);
	KT_ASSERTF(first >= total - SMALL_RING, "mark %lu survived a ring of %d",
		   (unsigned long)first, SMALL_RING);
	/* every mark before the first one read was reported lost */
	KT_ASSERTF(lost >= first, "%lu lost reported, %lu marks missing",
		   (unsigned long)lost, (unsigned long)first);
	done_rings();
	return 0;
}

/* ---- writers on every hart against one reader ---- */

#define STORM_MARKS 4000
static int storm_done; /* [atomic] writers finished */

static int storm_writer(void *arg)
{
	(void)arg;
	for (uint64_t i = 0; i < STORM_MARKS; i++) {
		uint64_t v = MAGIC | (uint64_t)cpuid() << 32 | i;

		/* a[1] and a[2] check the record is whole */
		trace_write(KITE_TRACE_MARK, 0, v, ~v, v * 3);
	}
	__atomic_add_fetch(&storm_done, 1, __ATOMIC_RELEASE);
	return 0;
}

static int storm_check(size_t n, int64_t next[NCPU], uint64_t *seen)
{
	for (size_t i = 0; i < n; i++) {
		struct kite_trace_rec *r = &buf[i];
		uint64_t v = r->a[0];
		int64_t k;

		if (r->type != KITE_TRACE_MARK || (v & 0xffff000000000000UL) != MAGIC)
			continue;
		KT_ASSERTF(r->a[1] == ~v && r->a[2] == v * 3,
			   "torn record on hart %d: %lx %lx %lx", r->hart,
			   (unsigned long)v, (unsigned long)r->a[1],
			   (unsigned long)r->a[2]);
		KT_ASSERT((int)((v >> 32) & 0xffff) == r->hart && r->hart < NCPU);
		k = (int64_t)(v & 0xffffffffUL);
		KT_ASSERTF(k >= next[r->hart], "hart %d: mark %ld after %ld",
			   r->hart, (long)k, (long)next[r->hart] - 1);
		next[r->hart] = k + 1;
		(*seen)++;
	}
	return 0;
}

KTEST(trace_writers_against_reader)
{
	int pids[NCPU], nw = 0;
	int64_t next[NCPU] = { 0 };
	uint64_t seen = 0, online = READ_ONCE(online_mask);
	int bad = 0;

	buf = kmalloc(BUF_RECS * sizeof(*buf));
	KT_ASSERT(buf && fresh_rings() == 0);
	storm_done = 0;
	for (int h = 0; h < NCPU; h++)
		if (online & (1UL << h)) {
			pids[nw] = kernel_thread_mask(storm_writer, NULL, "storm",
						      1UL << h);
			KT_ASSERT(pids[nw] > 0);
			nw++;
		}
	while (!bad && __atomic_load_n(&storm_done, __ATOMIC_ACQUIRE) < nw)
		bad = storm_check(read_all(BUF_RECS), next, &seen);
	for (int i = 0; i < nw; i++)
		proc_wait(pids[i], NULL, 0);
	if (!bad)
		bad = storm_check(read_all(BUF_RECS), next, &seen);
	done_rings();
	if (bad)
		return bad;
	/* the newest marks of every hart are always there at the end */
	for (int h = 0; h < NCPU; h++)
		KT_ASSERT(!(online & (1UL << h)) || next[h] == STORM_MARKS);
	KT_ASSERT(seen > 0);
	return 0;
}

KTEST(trace_format_line)
{
	struct kite_trace_rec r = { 0 };
	char line[TRACE_LINE_MAX];

	r.time = 1234;
	r.hart = 1;
	r.type = KITE_TRACE_SWITCH;
	r.pid = 3;
	r.tid = 4;
	r.arg = KITE_TRACE_WHY_SLEEP;
	r.a[0] = (uint64_t)7 << 32 | 8;
	memcpy(&r.a[1], "my app\x01", 8);
	trace_format(line, sizeof(line), &r);
	KT_ASSERTF(!strcmp(line, "@T h=1 t=1234 ev=switch pid=3 tid=4 "
				 "next=7/8 name=my_app_ why=sleep\n"),
		   "got: %s", line);
	memset(&r.a, 0, sizeof(r.a));
	r.type = KITE_TRACE_MARK;
	r.arg = 2;
	r.a[0] = (uint64_t)-5;
	memcpy(&r.a[1], "hi", 2);
	trace_format(line, sizeof(line), &r);
	KT_ASSERTF(!strcmp(line, "@T h=1 t=1234 ev=mark pid=3 tid=4 num=-5 "
				 "text=hi\n"), "got: %s", line);
	return 0;
}
