/*
 * ring.c - the trace's per-hart rings of records.
 *
 * Model: each online hart has a ring of 2^k records (struct
 * kite_trace_rec, uapi/trace.h) that only that hart writes, with
 * interrupts off for the few instructions of one record, so writers
 * share no lock and never wait. A writer that finds the ring full
 * writes over its oldest record. Two counters per ring, both written
 * only by its hart:
 *
 *   begun  records whose writing has started (bumped before the slot
 *          is touched, with a release fence between);
 *   head   records written (bumped with release after the slot).
 *
 * A reader (the kite_trace call, the dump at power-off) keeps its own
 * cursor rd per ring under trace_lock: it copies records [rd, head),
 * then (acquire fence) reads begun: a copied record c was being written
 * over if c + size < begun + 1, i.e. c < begun - size; those copies are
 * dropped and counted as lost, as are records the writer lapped before
 * the reader came. A reader is told of a loss by a KITE_TRACE_LOST
 * record ahead of the records that follow it.
 *
 * On/off: trace_flags's TRACE_F_RECORD bit, tested by every hook (off,
 * a hook is one load and a branch) and tested again by the writer with
 * interrupts off, between setting and clearing its ring's `busy` word.
 * The rings are made when recording first starts and freed only by a
 * clear while recording is off: the freer clears the bit, then waits
 * until no ring is busy (each writer either sees the bit clear or is
 * seen busy: both sides are sequentially consistent), so no writer is
 * inside a ring when it goes.
 *
 * Locks: trace_lock (a mutex) serialises readers, on/off, clear and the
 * rings' allocation; writers take nothing.
 */
#include "arch/arch.h"
#include "dev/console.h"
#include "kernel/bootargs.h"
#include "kernel/clock.h"
#include "kernel/cpu.h"
#include "kernel/log.h"
#include "kernel/mutex.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "proc/proc.h"
#include "trace/format.h"
#include "trace/trace.h"
#include "uapi/errno.h"

#define TRACE_MEM_SHARE 4 /* the rings take at most 1/4 of the frames */

struct trace_ring {
	struct kite_trace_rec *recs; /* [trace_lock to change; writers read
				      * it between busy and its clear] */
	uint64_t begun; /* [own; atomic reads] records whose writing began */
	uint64_t head;  /* [own; atomic reads] records written */
	uint32_t busy;  /* [own; atomic reads] a write is under way */
	uint64_t rd;    /* [trace_lock] the readers' next record */
} __attribute__((aligned(64)));

/* read by every hook: a line of its own, away from written data */
uint32_t trace_flags __attribute__((section(".data.read_mostly"), aligned(64)));
static struct trace_ring rings[NCPU];
static uint64_t ring_size;             /* [trace_lock; const while rings
					* exist] records per ring, 2^k */
static uint32_t nrings;                /* [trace_lock] rings made */
static uint64_t lost_total;            /* [trace_lock] */
static struct mutex trace_lock;

void trace_write(uint16_t type, uint32_t arg, uint64_t a0, uint64_t a1,
		 uint64_t a2)
{
	struct cpu *c;
	struct trace_ring *ring;
	struct kite_trace_rec *r;
	struct thread *t;
	uint64_t k;

	push_off();
	c = mycpu();
	ring = &rings[c->id];
	__atomic_store_n(&ring->busy, 1, __ATOMIC_SEQ_CST);
	if (!(__atomic_load_n(&trace_flags, __ATOMIC_SEQ_CST) & TRACE_F_RECORD) ||
	    !ring->recs)
		goto out;
	k = ring->begun;
	__atomic_store_n(&ring->begun, k + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE); /* begun before the slot */
	r = &ring->recs[k & (ring_size - 1)];
	t = c->curr;
	r->time = arch_time_counter();
	r->hart = (uint16_t)c->id;
	r->type = type;
	r->tid = t ? t->tid : 0;
	r->pid = t ? t->proc->pid : 0;
	r->arg = arg;
	r->a[0] = a0;
	r->a[1] = a1;
	r->a[2] = a2;
	__atomic_store_n(&ring->head, k + 1, __ATOMIC_RELEASE);
out:
	__atomic_store_n(&ring->busy, 0, __ATOMIC_RELEASE);
	pop_off();
}

static void rings_free_locked(void)
{
	assert(!(READ_ONCE(trace_flags) & TRACE_F_RECORD));
	for (int h = 0; h < NCPU; h++)
		while (__atomic_load_n(&rings[h].busy, __ATOMIC_SEQ_CST))
			arch_cpu_relax();
	for (int h = 0; h < NCPU; h++) {
		kfree(rings[h].recs);
		rings[h].recs = NULL;
	}
	nrings = 0;
}

static int rings_alloc_locked(uint64_t size)
{
	uint64_t online = READ_ONCE(online_mask);
	uint64_t bytes = size * sizeof(struct kite_trace_rec) *
			 (uint64_t)__builtin_popcountl(online);

	/* the rings may take at most a quarter of memory */
	if (bytes / PAGE_SIZE > pmm_total() / TRACE_MEM_SHARE)
		return -ENOMEM;
	ring_size = size;
	for (int h = 0; h < NCPU; h++) {
		struct trace_ring *ring = &rings[h];

		if (!(online & (1UL << h)))
			continue;
		ring->recs = kzalloc(size * sizeof(struct kite_trace_rec));
		if (!ring->recs) {
			rings_free_locked();
			return -ENOMEM;
		}
		/* records written before a clear stay behind the cursor */
		ring->rd = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
		nrings++;
	}
	return 0;
}

/* The ring size for a request: 0 is the default; rounded up to 2^k. */
static uint64_t ring_size_for(uint64_t want)
{
	uint64_t n = TRACE_RING_MIN;

	if (want == 0)
		want = TRACE_RING_DEFAULT;
	while (n < want && n < TRACE_RING_MAX)
		n <<= 1;
	return n;
}

int trace_set_enabled(bool on, uint64_t records_per_hart)
{
	int err = 0;

	mutex_lock(&trace_lock);
	if (on && !nrings)
		err = rings_alloc_locked(ring_size_for(records_per_hart));
	if (!err && on)
		__atomic_fetch_or(&trace_flags, TRACE_F_RECORD, __ATOMIC_SEQ_CST);
	else if (!on)
		__atomic_fetch_and(&trace_flags, ~TRACE_F_RECORD, __ATOMIC_SEQ_CST);
	mutex_unlock(&trace_lock);
	return err;
}

void trace_clear(void)
{
	mutex_lock(&trace_lock);
	for (int h = 0; h < NCPU; h++)
		rings[h].rd = __atomic_load_n(&rings[h].head, __ATOMIC_ACQUIRE);
	if (!(READ_ONCE(trace_flags) & TRACE_F_RECORD) && nrings)
		rings_free_locked();
	mutex_unlock(&trace_lock);
}

void trace_read_begin(void)
{
	mutex_lock(&trace_lock);
}

void trace_read_end(void)
{
	mutex_unlock(&trace_lock);
}

static struct kite_trace_rec lost_record(int h, uint64_t n, uint64_t time)
{
	struct kite_trace_rec r = { 0 };

	r.time = time;
	r.hart = (uint16_t)h;
	r.type = KITE_TRACE_LOST;
	r.a[0] = n;
	return r;
}

/* Up to max (>= 2) of ring h's records into out; returns how many,
 * a LOST record included. */
static size_t ring_read(int h, struct kite_trace_rec *out, size_t max)
{
	struct trace_ring *ring = &rings[h];
	uint64_t head, begun, first_ok, lost = 0, k, skip;

	if (!ring->recs)
		return 0;
	head = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
	if (head - ring->rd > ring_size) { /* lapped before we came */
		lost = head - ring_size - ring->rd;
		ring->rd = head - ring_size;
	}
	k = MIN(head - ring->rd, (uint64_t)max - 1);
	for (uint64_t i = 0; i < k; i++)
		out[1 + i] = ring->recs[(ring->rd + i) & (ring_size - 1)];
	__atomic_thread_fence(__ATOMIC_ACQUIRE); /* the copies, then begun */
	begun = __atomic_load_n(&ring->begun, __ATOMIC_RELAXED);
	first_ok = begun > ring_size ? begun - ring_size : 0;
	skip = first_ok > ring->rd ? MIN(first_ok - ring->rd, k) : 0;
	lost += skip;
	ring->rd += k;
	k -= skip;
	if (skip)
		memmove(&out[1], &out[1 + skip], k * sizeof(*out));
	if (lost) {
		lost_total += lost;
		out[0] = lost_record(h, lost, k ? out[1].time : arch_time_counter());
		return k + 1;
	}
	memmove(&out[0], &out[1], k * sizeof(*out));
	return k;
}

size_t trace_read(struct kite_trace_rec *out, size_t max)
{
	size_t n = 0;

	for (int h = 0; h < NCPU && max - n >= 2; h++) {
		size_t got;

		while (max - n >= 2 && (got = ring_read(h, out + n, max - n)))
			n += got;
	}
	return n;
}

static uint64_t trace_unread_locked(void)
{
	uint64_t n = 0;

	for (int h = 0; h < NCPU; h++)
		if (rings[h].recs)
			n += __atomic_load_n(&rings[h].head, __ATOMIC_ACQUIRE) -
			     rings[h].rd;
	return n;
}

void trace_get_status(struct kite_trace_status *st)
{
	memset(st, 0, sizeof(*st));
	mutex_lock(&trace_lock);
	st->enabled = !!(READ_ONCE(trace_flags) & TRACE_F_RECORD);
	st->harts = nrings;
	st->records_per_hart = nrings ? ring_size : 0;
	st->timebase = clock_timebase;
	for (int h = 0; h < NCPU; h++)
		st->written += __atomic_load_n(&rings[h].head, __ATOMIC_ACQUIRE);
	st->unread = trace_unread_locked();
	st->lost = lost_total;
	mutex_unlock(&trace_lock);
}

#define DUMP_CHUNK 32

void trace_dump_console(void)
{
	static struct kite_trace_rec chunk[DUMP_CHUNK]; /* [trace_lock] */
	char line[TRACE_LINE_MAX];
	uint64_t lost0, lines = 0;
	size_t n;
	int len;

	mutex_lock(&trace_lock);
	lost0 = lost_total;
	len = ksnprintf(line, sizeof(line),
			"@TRACE begin timebase=%lu harts=%u records=%lu\n",
			(unsigned long)clock_timebase, nrings,
			(unsigned long)trace_unread_locked());
	console_write(line, (size_t)len);
	while ((n = trace_read(chunk, DUMP_CHUNK)) > 0) {
		for (size_t i = 0; i < n; i++) {
			len = trace_format(line, sizeof(line), &chunk[i]);
			console_write(line, (size_t)len);
		}
		lines += n;
	}
	len = ksnprintf(line, sizeof(line), "@TRACE end lines=%lu lost=%lu\n",
			(unsigned long)lines, (unsigned long)(lost_total - lost0));
	console_write(line, (size_t)len);
	mutex_unlock(&trace_lock);
}

bool trace_has_rings(void)
{
	return READ_ONCE(nrings) != 0;
}

void trace_init(void)
{
	char buf[24];

	mutex_init(&trace_lock, "trace");
	if (log_level >= LOG_DEBUG)
		__atomic_fetch_or(&trace_flags, TRACE_F_LOG, __ATOMIC_SEQ_CST);
	if (!bootarg_get("trace", buf, sizeof(buf)))
		return;
	if (trace_set_enabled(true, (uint64_t)bootarg_long("trace", 0)))
		log_warn("trace: no memory for the rings; tracing stays off");
	else
		log_info("trace: on, %lu records per hart",
			 (unsigned long)ring_size);
}
