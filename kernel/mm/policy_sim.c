/*
 * policy_sim.c - a replacement policy run on paper: a reference string
 * of page numbers played against a memory of a few frames, through the
 * policy's own methods (the same code that picks real frames to swap),
 * counting faults. It is how Belady's anomaly is shown: on the string
 * 1 2 3 4 1 2 5 1 2 3 4 5, FIFO takes 9 faults with 3 frames and 10 with
 * 4, while LRU takes 10 and 8.
 *
 * The model: each page is a struct page of its own (never a real frame)
 * with a resident flag and an accessed bit. A reference to a resident
 * page is a use: a policy that ages (touched) is told at once, as if an
 * aging walk ran after every reference, and otherwise the page's
 * accessed bit is set, as the hardware would. A reference to a page not
 * resident is a fault: if every frame is taken, the policy names a
 * victim (next); a policy that uses accessed bits spares a victim whose
 * bit is set (clearing it: put_back, a second chance) and asks again.
 * The new page joins with its bit set (it was just used).
 *
 * No locks: the queue and the pages are the caller's own.
 */
#include "kernel/panic.h"
#include "lib/list.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/reclaim.h"
#include "uapi/errno.h"

struct sim_page {
	struct page pg; /* what the policy sees */
	bool resident;
	bool accessed;
};

/* Make room: evict one page (every frame is taken). */
static void sim_evict(const struct swap_policy *p, struct list_node *q,
		      struct swap_sim_result *out)
{
	for (;;) {
		struct page *pg = p->next(q);
		struct sim_page *v;

		assert(pg); /* frames are taken: the queue is not empty */
		v = container_of(pg, struct sim_page, pg);
		p->remove(q, pg);
		if (p->uses_accessed && v->accessed) {
			v->accessed = false;
			p->put_back(q, pg, true);
			out->chances++;
			continue;
		}
		v->resident = false;
		out->evictions++;
		return;
	}
}

int swap_simulate(const struct swap_policy *p, const uint32_t *refs,
		  size_t n, unsigned frames, struct swap_sim_result *out)
{
	struct list_node q = LIST_INIT(q);
	struct sim_page *pages;
	uint32_t npages = 0;
	unsigned used = 0;

	if (!p || frames == 0 || frames > SWAP_SIM_FRAMES)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (refs[i] >= SWAP_SIM_PAGES)
			return -EINVAL;
		npages = MAX(npages, refs[i] + 1);
	}
	memset(out, 0, sizeof(*out));
	if (!n)
		return 0;
	pages = kzalloc(npages * sizeof(*pages));
	if (!pages)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct sim_page *v = &pages[refs[i]];

		if (v->resident) { /* a use */
			if (p->touched)
				p->touched(&q, &v->pg);
			else
				v->accessed = true;
			continue;
		}
		out->faults++;
		if (used == frames)
			sim_evict(p, &q, out);
		else
			used++;
		v->resident = true;
		v->accessed = !p->touched;
		p->add(&q, &v->pg);
	}
	kfree(pages);
	return 0;
}
