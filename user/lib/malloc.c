/*
 * malloc.c - malloc, free, calloc, realloc (and strdup) on the brk heap.
 *
 * Every block starts with a 16-byte header: its whole size (a multiple of
 * 16, header included) and a magic word saying whether it is in use or
 * free. Payloads are therefore 16-byte aligned. Free blocks are kept in a
 * singly linked list sorted by address, the link stored in the payload:
 *
 *	free_list -> [size|FREE|next] -> [size|FREE|next] -> NULL
 *
 * malloc takes the first block that is big enough (first fit), splitting
 * off the tail when at least a minimum block remains; if none fits, the
 * heap grows by at least GROW_MIN bytes with sbrk and the new space joins
 * the list. free puts the block back in address order and merges it with
 * a neighbour it touches, so the list never holds two adjacent blocks.
 *
 * A free or realloc of a pointer that is not a live block (misaligned,
 * outside the heap, bad magic, already free) prints a message on stderr
 * and exits with status 134, as an abort would. One mutex (<thread.h>)
 * guards the heap, so threads may allocate at once; uncontended it is
 * one atomic instruction each way.
 */
#include "kite.h"

#define ALIGNMENT 16
#define MAGIC_USED 0x4b697465u /* "Kite" */
#define MAGIC_FREE 0x66726565u /* "free" */
#define GROW_MIN (64 * 1024)

struct block {
	size_t size;        /* whole block, header included */
	uint32_t magic;
	uint32_t unused;
	struct block *next; /* free blocks only: the first payload word */
};

#define HDR offsetof(struct block, next)
#define MIN_BLOCK (HDR + ALIGNMENT)

_Static_assert(HDR == ALIGNMENT, "the header keeps payloads aligned");

static mutex_t heap_lock = MUTEX_INIT; /* guards everything below */
static struct block *free_list;
static uintptr_t heap_lo, heap_hi; /* every block lies in [lo, hi) */

#define END(b) ((uintptr_t)(b) + (b)->size)

static __attribute__((noreturn)) void bad_pointer(const char *fn, void *p,
						   const char *why)
{
	dprintf(STDERR_FILENO, "%s(): %s pointer %p\n", fn, why, p);
	exit(134);
}

/* Block size for a request of n bytes, or 0 if it overflows. */
static size_t block_size(size_t n)
{
	if (n > SIZE_MAX / 2)
		return 0;
	n = (n + HDR + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1);
	return n < MIN_BLOCK ? MIN_BLOCK : n;
}

/* The header of p, a pointer that malloc returned and is still in use. */
static struct block *live_block(const char *fn, void *p)
{
	uintptr_t a = (uintptr_t)p;
	struct block *b = (struct block *)(a - HDR);

	if ((a & (ALIGNMENT - 1)) || a < heap_lo + HDR || a >= heap_hi)
		bad_pointer(fn, p, "invalid");
	if (b->magic == MAGIC_FREE)
		bad_pointer(fn, p, "already freed");
	if (b->magic != MAGIC_USED || b->size < MIN_BLOCK ||
	    (b->size & (ALIGNMENT - 1)) || END(b) > heap_hi)
		bad_pointer(fn, p, "invalid");
	return b;
}

/* Put b on the free list in address order and merge it with neighbours. */
static void insert_free(struct block *b)
{
	struct block *prev = NULL, *next = free_list;

	while (next && next < b) {
		prev = next;
		next = next->next;
	}
	if ((prev && END(prev) > (uintptr_t)b) ||
	    (next && END(b) > (uintptr_t)next))
		bad_pointer("free", (char *)b + HDR, "overlapping");

	b->magic = MAGIC_FREE;
	b->next = next;
	if (prev)
		prev->next = b;
	else
		free_list = b;

	if (next && END(b) == (uintptr_t)next) {
		b->size += next->size;
		b->next = next->next;
		next->magic = 0;
	}
	if (prev && END(prev) == (uintptr_t)b) {
		prev->size += b->size;
		prev->next = b->next;
		b->magic = 0;
	}
}

/* Get at least size more bytes from the kernel; false if there are none. */
static bool grow(size_t size)
{
	uintptr_t cur = (uintptr_t)sbrk(0);
	size_t pad = (ALIGNMENT - (cur & (ALIGNMENT - 1))) & (ALIGNMENT - 1);
	struct block *b;

	if (size < GROW_MIN)
		size = GROW_MIN;
	if (cur == (uintptr_t)-1 || size > SIZE_MAX / 2 ||
	    sbrk((intptr_t)(size + pad)) == (void *)-1)
		return false;

	b = (struct block *)(cur + pad);
	b->size = size;
	if (!heap_lo || (uintptr_t)b < heap_lo)
		heap_lo = (uintptr_t)b;
	if (END(b) > heap_hi)
		heap_hi = END(b);
	insert_free(b);
	return true;
}

/* Cut b (in use) down to size bytes; the rest, if big enough, is freed. */
static void shrink(struct block *b, size_t size)
{
	struct block *rest;

	if (b->size - size < MIN_BLOCK)
		return;
	rest = (struct block *)((uintptr_t)b + size);
	rest->size = b->size - size;
	b->size = size;
	insert_free(rest);
}

static void *heap_alloc(size_t n)
{
	size_t size = block_size(n);
	struct block *b, **link;

	if (!size) {
		errno = ENOMEM;
		return NULL;
	}
	for (;;) {
		for (link = &free_list; (b = *link); link = &b->next) {
			if (b->size < size)
				continue;
			*link = b->next;
			b->magic = MAGIC_USED;
			shrink(b, size);
			return (char *)b + HDR;
		}
		if (!grow(size)) {
			errno = ENOMEM;
			return NULL;
		}
	}
}

static void heap_free(void *p)
{
	if (p)
		insert_free(live_block("free", p));
}

void *malloc(size_t n)
{
	void *p;

	mutex_lock(&heap_lock);
	p = heap_alloc(n);
	mutex_unlock(&heap_lock);
	return p;
}

void free(void *p)
{
	mutex_lock(&heap_lock);
	heap_free(p);
	mutex_unlock(&heap_lock);
}

void *calloc(size_t n, size_t size)
{
	size_t total;
	void *p;

	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	p = malloc(total);
	if (p)
		memset(p, 0, total);
	return p;
}

static void *heap_realloc(void *p, size_t n)
{
	struct block *b, *next, **link;
	size_t size;
	void *q;

	if (!p)
		return heap_alloc(n);
	b = live_block("realloc", p);
	if (n == 0) {
		heap_free(p);
		return NULL;
	}
	size = block_size(n);
	if (!size) {
		errno = ENOMEM;
		return NULL;
	}
	if (b->size >= size) {
		shrink(b, size);
		return p;
	}

	/* grow in place when the next block is free and big enough */
	for (link = &free_list; (next = *link) && next < b; link = &next->next)
		;
	if (next && END(b) == (uintptr_t)next && b->size + next->size >= size) {
		*link = next->next;
		next->magic = 0;
		b->size += next->size;
		shrink(b, size);
		return p;
	}

	q = heap_alloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, b->size - HDR);
	heap_free(p);
	return q;
}

void *realloc(void *p, size_t n)
{
	void *q;

	mutex_lock(&heap_lock);
	q = heap_realloc(p, n);
	mutex_unlock(&heap_lock);
	return q;
}

char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}
