/*
 * sys_random.c - the kernel's random numbers and getrandom (docs/LINUX.md).
 *
 * One ChaCha20 generator (lib/chacha.h) under rng_lock. It is seeded on
 * first use from the time counter, the wall clock and the hart, and
 * stirred before every draw with what the entropy pool has gathered:
 * the time counter's value at every timer interrupt and every key typed
 * on the console (random_add_entropy, lock-free: interrupts call it). A
 * caller never generates under the lock: it takes a fresh key of its
 * own (chacha_rng_fork), and produces its bytes from that, so a large
 * getrandom neither holds the lock nor blocks another hart. QEMU gives
 * no hardware source: the bytes are unpredictable in practice, not
 * certified; Kite's pool counts as initialised from boot, so
 * getrandom never blocks, GRND_RANDOM and GRND_NONBLOCK change nothing
 * (as on Linux since 5.6 once its pool is ready).
 *
 * Small requests (exec's 16 AT_RANDOM bytes) come from a per-hart batch
 * instead: RANDOM_BATCH bytes drawn at once from a fresh generator, each
 * byte handed out once and wiped as it goes, so an exec pays a sixteenth
 * of a draw (the kernel's generator costs some 13,000 instructions a
 * draw under QEMU: `make bench`, spawn_wait) and still gets bytes made
 * after the entropy gathered up to its batch's refill.
 *
 * Locks: rng_lock, a leaf, held for three ChaCha20 blocks at most. A
 * hart's batch is its own, used with interrupts off (push_off): at
 * most one refill, 8 blocks, some 20,000 instructions.
 */
#include "arch/arch.h"
#include "kernel/clock.h"
#include "kernel/cpu.h"
#include "kernel/random.h"
#include "kernel/spinlock.h"
#include "lib/chacha.h"
#include "lib/string.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"
#include "uapi/linux.h"

#define GRND_FLAGS (GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)
#define RANDOM_CHUNK 256          /* bytes generated per copy to the user */
#define CHUNKS_PER_CHECK 16       /* a kill is looked for every 4 KiB */
#define RANDOM_BATCH 256          /* bytes a hart draws at once */
#define RANDOM_SMALL 32           /* requests up to this use the batch */

static struct spinlock rng_lock = SPINLOCK_INIT("random");
static struct chacha_rng rng;     /* [rng_lock] */
static bool rng_seeded;           /* [rng_lock] */
static uint64_t entropy_pool;     /* [atomic] samples not yet stirred in */

static struct random_batch {
	uint8_t bytes[RANDOM_BATCH];      /* [own, push_off] unused at the end */
	unsigned left;                    /* [own, push_off] */
} batches[NCPU];

/* splitmix64's finaliser: spreads a sample's few changing bits. */
static uint64_t spread(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void random_add_entropy(uint64_t sample)
{
	__atomic_fetch_add(&entropy_pool, spread(sample), __ATOMIC_RELAXED);
}

/* A generator of the caller's own, fresh from the kernel's. */
static void random_fork(struct chacha_rng *mine)
{
	uint64_t fresh = __atomic_exchange_n(&entropy_pool, 0, __ATOMIC_RELAXED);

	spin_lock(&rng_lock);
	if (!rng_seeded) {
		uint64_t seed[3] = { arch_time_counter(), clock_realtime_ns(),
				     (uint64_t)cpuid() };

		chacha_rng_init(&rng, seed, sizeof(seed));
		rng_seeded = true;
	}
	chacha_rng_mix(&rng, fresh ^ spread(arch_time_counter()));
	chacha_rng_fork(&rng, mine);
	spin_unlock(&rng_lock);
}

/* A small request from this hart's batch, refilled when short. */
static void random_small(uint8_t *out, size_t n)
{
	struct random_batch *b;
	struct chacha_rng mine;
	uint8_t *from;

	push_off();
	b = &batches[cpuid()];
	if (b->left < n) {
		random_fork(&mine);
		chacha_rng_fill(&mine, b->bytes, sizeof(b->bytes));
		memset(&mine, 0, sizeof(mine));
		b->left = sizeof(b->bytes);
	}
	from = b->bytes + sizeof(b->bytes) - b->left;
	memcpy(out, from, n);
	memset(from, 0, n);
	b->left -= (unsigned)n;
	pop_off();
}

void random_bytes(void *out, size_t n)
{
	struct chacha_rng mine;
	uint8_t *p = out;

	if (n <= RANDOM_SMALL) {
		random_small(out, n);
		return;
	}
	random_fork(&mine);
	while (n) {
		size_t k = MIN(n, (size_t)CHACHA_RNG_MAX);

		chacha_rng_fill(&mine, p, k);
		p += k;
		n -= k;
	}
	memset(&mine, 0, sizeof(mine));
}

/* getrandom(buf, count, flags): count bytes (at most MAX_RW_COUNT); a
 * kill pending stops a long request between 4 KiB pieces with the
 * bytes given so far; a fault after some bytes returns those (to the
 * first page that could not be written). */
SYSCALL(getrandom)
{
	struct vmspace *vm = current()->proc->vm;
	uint64_t buf = tf->a0, flags = tf->a2;
	size_t count = MIN((size_t)tf->a1, (size_t)MAX_RW_COUNT), done = 0;
	uint8_t chunk[RANDOM_CHUNK];
	struct chacha_rng mine;
	long ret = 0;

	if (flags & ~(uint64_t)GRND_FLAGS)
		return -EINVAL;
	if ((flags & (GRND_INSECURE | GRND_RANDOM)) == (GRND_INSECURE | GRND_RANDOM))
		return -EINVAL;
	if (count == 0)
		return 0;
	if (count > USER_TOP || buf > USER_TOP - count)
		return -EFAULT;
	random_fork(&mine);
	for (unsigned n = 1; done < count; n++) {
		size_t k = MIN(count - done, sizeof(chunk));

		chacha_rng_fill(&mine, chunk, k);
		if (copy_to_user(vm, buf + done, chunk, k)) {
			/* the bytes before the page that faulted, as Linux
			 * counts them */
			size_t head = PAGE_SIZE - ((buf + done) & PAGE_MASK);

			if (head < k && !copy_to_user(vm, buf + done, chunk, head))
				done += head;
			ret = done ? 0 : -EFAULT;
			break;
		}
		done += k;
		if (n % CHUNKS_PER_CHECK == 0 && thread_killed(current()))
			break;
	}
	memset(chunk, 0, sizeof(chunk));
	memset(&mine, 0, sizeof(mine));
	return ret ? ret : (long)done;
}
