/*
 * fuzz.h - what the files of the fuzz app share: units, the random
 * generator and its state, the page that random arguments point into,
 * "failalloc" leniency, the heap the fuzzer tracks, and the memory side
 * (vm.c) as main.c calls it. main.c has the random system calls and the
 * driver, vm.c the arena, the memory operations and the toucher; the
 * comment at the top of main.c explains the whole fuzzer.
 */
#ifndef KITE_FUZZ_H
#define KITE_FUZZ_H

#include "kite.h"
#include "uapi/syscall.h"

#define PAGE 4096UL
#define MIB (1UL << 20)
#define USER_TOP 0x4000000000UL /* end of the user half (Sv39) */

/* ---- random numbers and shared state (main.c, page in vm.c) ------------- */

extern uint64_t state; /* xorshift state: one seed per process */
extern bool lenient;   /* "failalloc": kills for want of memory are fine */
/* Random arguments point into it and past its end (main.c), the toucher
 * around it (vm.c, which defines it where overruns do no harm). */
#define SCRATCH_BYTES 8192
extern char *page; /* SCRATCH_BYTES, then a PROT_NONE page */
/* Map the scratch area (before the first random call). */
void scratch_init(void);

static inline uint64_t rnd(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

/* ---- memory (vm.c) ------------------------------------------------------ */

#define HEAP_MAX (4 * MIB) /* brk stays below heap0 + this */
/* an arena page's state: its PROT_* bits (and SHARED), or one of these */
#define UNMAPPED (-1)
#define UNKNOWN (-2)
#define SHARED_BIT 0x10

extern char *heap0, *heap_top; /* start of the heap, the break last seen */
extern int vm_bad;             /* problems found; the first few are printed */
extern char first_problem[160]; /* the first, repeated at the end */

/* a in the user half */
bool in_user(long a);
/* Mark what [addr, addr+len) covers of the arena as st. */
void arena_mark(uintptr_t addr, size_t len, int st);
/* A user address moved into the arena, keeping its offset in a page. */
long into_arena(long a);
/* A length from a that ends at the arena's end at the latest. */
long clamp_len(long a, long len);

/* The heap as it is and an empty arena. */
void vm_init(void);
/* One memory operation: a mapping, protection, advice, brk or touch. */
void vm_op(void);
/* Unmap the untracked mappings random calls left. */
void sweep(void);

#endif
