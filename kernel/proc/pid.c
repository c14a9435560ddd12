/*
 * proc/pid.c - the pid bitmap allocator.
 *
 * Model: bit p of bits[] is set while pid p is in use. Pid 0 belongs to
 * the kernel: its bit is set once by pidmap_init and never cleared, so a
 * scan can never hand it out. Allocation searches for a clear bit from
 * last+1 to MAX_PID-1, then wraps to 1..last, a 64-bit word at a time
 * (full words are skipped with one compare, the free bit in a word is found
 * with count-trailing-zeros), so a freed pid is reused only after every
 * other pid has had its turn.
 *
 * Invariants: bit 0 is set; nr_used is the number of set bits other than
 * bit 0; 0 <= last < MAX_PID.
 */
#include "kernel/types.h"
#include "kernel/panic.h"
#include "proc/pid.h"
#include "uapi/errno.h"

#define WORD_BITS 64
#define NR_WORDS (MAX_PID / WORD_BITS)

BUILD_ASSERT(MAX_PID % WORD_BITS == 0);

/* The first free pid in [lo, hi), or -1; 0 < lo, hi <= MAX_PID. */
static int find_free(const struct pidmap *m, int lo, int hi)
{
	int p = lo;

	while (p < hi) {
		int w = p / WORD_BITS;
		/* bits below p count as used: they are outside the range */
		uint64_t below = (1ULL << (p % WORD_BITS)) - 1;
		uint64_t word = m->bits[w] | below;

		if (word != ~0ULL) {
			int pid = w * WORD_BITS + __builtin_ctzll(~word);

			return pid < hi ? pid : -1;
		}
		p = (w + 1) * WORD_BITS;
	}
	return -1;
}

/* Empty map: only pid 0 (the kernel's) is taken. */
void pidmap_init(struct pidmap *m)
{
	for (int i = 0; i < NR_WORDS; i++)
		m->bits[i] = 0;
	m->bits[0] = 1;
	m->last = 0;
	m->nr_used = 0;
}

/* The next free pid after last, wrapping; -EAGAIN if none is free. */
int pidmap_alloc(struct pidmap *m)
{
	int start = m->last + 1;
	int pid;

	if (start >= MAX_PID)
		start = 1;
	pid = find_free(m, start, MAX_PID);
	if (pid < 0)
		pid = find_free(m, 1, start);
	if (pid < 0)
		return -EAGAIN;
	m->bits[pid / WORD_BITS] |= 1ULL << (pid % WORD_BITS);
	m->last = pid;
	m->nr_used++;
	return pid;
}

/* Clear pid's bit; panics if pid is out of range or not in use. */
void pidmap_free(struct pidmap *m, int pid)
{
	uint64_t bit;

	if (pid <= 0 || pid >= MAX_PID)
		panic("pidmap_free: pid %d out of range", pid);
	bit = 1ULL << (pid % WORD_BITS);
	if (!(m->bits[pid / WORD_BITS] & bit))
		panic("pidmap_free: pid %d is not in use", pid);
	m->bits[pid / WORD_BITS] &= ~bit;
	m->nr_used--;
}

/* True if pid is in use (pid 0 always is); false if out of range. */
bool pidmap_used(const struct pidmap *m, int pid)
{
	if (pid < 0 || pid >= MAX_PID)
		return false;
	return (m->bits[pid / WORD_BITS] >> (pid % WORD_BITS)) & 1;
}
