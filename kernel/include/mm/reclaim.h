/*
 * mm/reclaim.h - getting frames back from user memory: the reverse map,
 * the replacement policies and the reclaimers.
 *
 * Reverse map: a private user frame (anonymous, heap, stack, or a copy of
 * an app's page) records the family of address spaces that may map it
 * and the address there (struct page rmap_family, rmap_va). A family is
 * the set of spaces descended by fork from one execve: a copy-on-write
 * frame is mapped at the same address in several of them, so to find
 * every entry that maps a frame the reclaimer looks at that address in
 * each space of its family. A frame of a shared object (MAP_SHARED)
 * records the object and its page index instead (PG_OBJ): the object
 * keeps the list of regions that map it, and the reclaimer looks at the
 * page's address in each (mm/reclaim_obj.c). Frames of the kernel image
 * have no reverse map and are never swapped.
 *
 * Policies: every reclaimable frame is on the reclaimer's one queue
 * (PG_LRU, under the lru lock), in the order the active policy keeps. A
 * policy is a struct of methods over that queue in the .swap_policy
 * section (fifo, clock, lru: mm/policy.c), chosen by the boot argument
 * swap=NAME and switchable at run time; it says which frame to try next
 * and where a frame goes that was used since it was last looked at.
 * swap_simulate runs a policy's methods on a reference string on paper.
 *
 * Reclaim: the reclaim thread (mm/reclaim_thread.c) keeps frames
 * available between two watermarks, and ages frames for lru; a fault
 * that still finds no frame (within usermem=) reclaims directly, before
 * the OOM policy runs.
 *
 * Lifetimes: a reclaimer holds a reference to the frame it tries, not
 * to what the frame's reverse map points at; a family or a shared
 * object whose owner lets it go is therefore freed only when no
 * reclaimer runs (reclaim_free_later).
 */
#ifndef KITE_MM_RECLAIM_H
#define KITE_MM_RECLAIM_H

#include "kernel/spinlock.h"
#include "kernel/types.h"
#include "lib/list.h"

struct page;
struct vmo;
struct vmspace;

/* A struct a reclaimer may still reach through a frame after its owner
 * let it go, on its way to kfree. */
struct reclaim_dead {
	struct list_node link; /* [reclaim.c's gc lock] waiting for the
				* reclaimers to finish */
	void *mem;             /* what to kfree */
};

/* The spaces that may map a private frame (see above). */
struct vm_family {
	struct spinlock lock;
	struct list_node spaces; /* [lock] struct vmspace, family_link */
	uint32_t refs;           /* [atomic] spaces in it */
	struct reclaim_dead dead; /* empty, waiting for the reclaimers */
};

/* A replacement policy: methods over the reclaimer's queue q of frames
 * (struct page link; the caller holds the queue's lock). */
struct swap_policy {
	const char *name;
	const char *about;      /* one line for the user */
	bool uses_accessed;     /* look at (and clear) A bits before evicting */
	/* a frame joins: keep it */
	void (*add)(struct list_node *q, struct page *pg);
	/* it leaves (freed, or taken to be tried): forget it */
	void (*remove)(struct list_node *q, struct page *pg);
	/* the frame to try next, still in q, or NULL if none */
	struct page *(*next)(struct list_node *q);
	/* pg was tried and stays: accessed says whether it had been used
	 * since the last look (its A bits are now clear) */
	void (*put_back)(struct list_node *q, struct page *pg, bool accessed);
	/* NULL, or: pg was seen used by an aging walk of the page tables
	 * (its A bits are now clear); the reclaim thread makes such walks
	 * only for policies that have this method */
	void (*touched)(struct list_node *q, struct page *pg);
};

#define SWAP_POLICY(var)                                                 \
	const struct swap_policy var                                     \
		__attribute__((used, section(".swap_policy"), aligned(8)))

/* Boot: the policy swap=NAME names (clock by default). */
void reclaim_init(void);
/* The active policy's name; switch to the one named (its list is handed
 * over in order). -EINVAL if there is none of that name. */
const char *reclaim_policy_name(void);
int reclaim_set_policy(const char *name);

/* The policy of that name (NULL: the active one), or NULL. */
const struct swap_policy *reclaim_policy_find(const char *name);

/* A family of one (exec) / the parent's (fork) / leave it (the space
 * goes). */
struct vm_family *family_create(struct vmspace *vs);
void family_join(struct vm_family *f, struct vmspace *vs);
void family_leave(struct vm_family *f, struct vmspace *vs);

/* A private frame pg, just made, will be mapped at va in vs: record the
 * reverse map and put it on the policy's list. */
void reclaim_track(struct page *pg, struct vmspace *vs, vaddr_t va);
/* A frame pg, just made or read back, is held by shared object o as its
 * page idx (o->lock held): record that (PG_OBJ) and put it on the
 * policy's list. */
void reclaim_track_obj(struct page *pg, struct vmo *o, uint64_t idx);
/* pg (its last reference just went) leaves the list. */
void reclaim_untrack(struct page *pg);
/* pg, mapped where a region was just unlocked (munlock), goes back on
 * the list if a reclaimer took it off as locked (PG_MLOCKED). */
void reclaim_unlock_frame(struct page *pg);
/* kfree(mem) now if no reclaimer runs, else when the last one running
 * finishes (d lies in mem). */
void reclaim_free_later(struct reclaim_dead *d, void *mem);

/* Swap out up to n frames of user memory. held: an address space the
 * caller has locked (its frames are tried too). Returns how many frames
 * were freed. May sleep. */
unsigned reclaim_frames(unsigned n, struct vmspace *held);

/* What trying to evict one frame came to: written out; spared (it had
 * been used: A bits now clear); a space or object was busy; it cannot
 * go (mapped elsewhere or too often, swap full, a write error). */
/* EV_LOCKED: a locked region (mlock) maps it: it leaves the list */
enum evict_result { EV_DONE, EV_ACCESSED, EV_BUSY, EV_FAIL, EV_LOCKED };
/* Try to evict pg, a shared object's frame (PG_OBJ) on which the caller
 * holds a reference (reclaim_obj.c). held: a space the caller has
 * locked. */
enum evict_result reclaim_evict_obj(struct page *pg, struct vmspace *held,
				    bool use_accessed);

struct reclaim_stats {
	uint64_t scanned;   /* frames looked at */
	uint64_t evicted;   /* frames written out and freed */
	uint64_t referenced;/* frames spared because they were used */
	uint64_t busy;      /* frames skipped: a space was busy */
	uint64_t direct;    /* of the scanned: by faults short of a frame */
	uint64_t aged;      /* frames the aging walks found used */
	uint64_t queued;    /* frames on the policy's queue now */
};
void reclaim_get_stats(struct reclaim_stats *st);
/* pg's place in the queue (0: the next to be tried), or -1 if it is not
 * there. Walks the queue: for tests. */
long reclaim_queue_pos(const struct page *pg);

/* Aging, for a policy with a touched method (lru): clear the A bits of
 * vs's pages and tell the policy which frames had them; skipped if vs
 * is busy. Returns the frames found used. May sleep. */
uint64_t reclaim_age_space(struct vmspace *vs);

/* ---- the reclaim thread (reclaimd.c) ---- */

/* Boot, after reclaim_init: start the thread if there is swap. */
void reclaimd_start(void);
/* Free frames are short: wake the thread (cheap when it is awake). */
void reclaimd_kick(void);
/* The watermarks in frames: the thread runs below low and stops at
 * high. They follow the usermem cap. */
void reclaimd_watermarks(uint64_t *low, uint64_t *high);
/* The usermem cap changed: move the watermarks with it. */
void reclaimd_cap_changed(void);
/* Rounds the thread has made (it woke and looked). */
uint64_t reclaimd_rounds(void);

/* ---- simulating a policy (policy_sim.c) ---- */

struct swap_sim_result {
	uint64_t faults;    /* references to a page not in memory */
	uint64_t evictions; /* pages pushed out to make room */
	uint64_t chances;   /* second chances given (used pages spared) */
};
/* Run the reference string refs[0..n) (page numbers < SWAP_SIM_PAGES)
 * through policy p's own methods in a memory of `frames` frames,
 * counting faults. 0, or -EINVAL / -ENOMEM. */
#define SWAP_SIM_PAGES 4096
#define SWAP_SIM_FRAMES 1024
int swap_simulate(const struct swap_policy *p, const uint32_t *refs,
		  size_t n, unsigned frames, struct swap_sim_result *out);

#endif
