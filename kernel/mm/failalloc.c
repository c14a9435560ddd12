/*
 * failalloc.c - fault injection for the allocators (see mm/failalloc.h).
 *
 * The draw: a global counter, advanced atomically by every eligible
 * allocation, hashed with the seed (splitmix64); the allocation fails
 * when the hash is 0 modulo N. No lock, no per-hart state.
 */
#include "kernel/bootargs.h"
#include "kernel/log.h"
#include "lib/string.h"
#include "mm/failalloc.h"
#include "proc/proc.h"

uint64_t failalloc_every;
static uint64_t seed;     /* [boot] */
static uint64_t draws;    /* [atomic] */
static uint64_t failures; /* [atomic] */

/* A decimal number, or -1. */
static long parse_decimal(const char *s)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000000L)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

void failalloc_init(void)
{
	char arg[48], *comma;
	long n, s = 1;

	if (!bootarg_get("failalloc", arg, sizeof(arg)))
		return;
	comma = strchr(arg, ',');
	if (comma)
		*comma++ = '\0';
	n = parse_decimal(arg);
	if (comma)
		s = parse_decimal(comma);
	if (n < 1 || s < 0) {
		log_warn("failalloc: want N[,SEED] with N >= 1; off");
		return;
	}
	seed = (uint64_t)s;
	failalloc_every = (uint64_t)n;
	log_info("failalloc: 1 in %ld allocations by user processes fails "
		 "(seed %lu)", n, (unsigned long)seed);
}

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

bool failalloc_roll(void)
{
	struct thread *t = current();
	uint64_t n;

	if (!t || (t->proc->flags & PF_KERNEL))
		return false;
	n = __atomic_fetch_add(&draws, 1, __ATOMIC_RELAXED);
	if (splitmix64(n ^ (seed << 32) ^ seed) % failalloc_every != 0)
		return false;
	__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
	return true;
}

uint64_t failalloc_count(void)
{
	return __atomic_load_n(&failures, __ATOMIC_RELAXED);
}
