/*
 * virtq.c - the driver's side of a virtio split virtqueue (pure).
 *
 * Model (see dev/virtq.h for the layout): free descriptors form a stack
 * linked through their `next` fields; a request takes a chain off it,
 * publishes the chain's head in the available ring, and gives the chain
 * back once the head comes out of the used ring. Each descriptor's state
 * (FREE, TAKEN, DEVICE for a published head, DONE) is checked at every
 * step, so a driver bug panics and a device bug (an id it never got, or
 * got back twice) is refused instead of corrupting the free list.
 *
 * Ordering with the device, which runs concurrently: descriptors and the
 * ring slot are written before avail->idx (a full fence between), and
 * the used entries are read only after used->idx (acquire, then a full
 * fence). Whether the device wants a notification is read after
 * avail->idx is published, with a fence between, so that a device
 * clearing NO_NOTIFY at that moment is not missed. These are memory
 * fences between the CPU and DMA; fencing the notify register write
 * itself is the register accessor's job (arch/mmio.h).
 *
 * No locks: the caller holds its own around every call.
 */
#include "dev/virtq.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "uapi/errno.h"

#define AVAIL_HDR 4 /* flags, idx */
#define RING_TAIL 2 /* used_event / avail_event */

static inline void virtq_mb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static size_t avail_bytes(unsigned size)
{
	return AVAIL_HDR + sizeof(uint16_t) * size + RING_TAIL;
}

static size_t used_offset(unsigned size)
{
	return ALIGN_UP(sizeof(struct virtq_desc) * size + avail_bytes(size),
			(size_t)VIRTQ_USED_ALIGN);
}

size_t virtq_bytes(unsigned size)
{
	return used_offset(size) + AVAIL_HDR +
	       sizeof(struct virtq_used_elem) * size + RING_TAIL;
}

int virtq_init(struct virtq *vq, void *mem, unsigned size)
{
	char *base = mem;

	if (size == 0 || size > VIRTQ_MAX_SIZE || (size & (size - 1)) ||
	    !IS_ALIGNED((uintptr_t)mem, VIRTQ_DESC_ALIGN))
		return -EINVAL;
	memset(vq, 0, sizeof(*vq));
	vq->size = (uint16_t)size;
	vq->desc = (struct virtq_desc *)base;
	vq->avail = (struct virtq_avail *)(base + sizeof(struct virtq_desc) * size);
	vq->used = (struct virtq_used *)(base + used_offset(size));
	/* stack the descriptors so that 0 comes out first */
	for (unsigned i = 0; i < size; i++) {
		vq->desc[i].next = i + 1 < size ? (uint16_t)(i + 1) : VIRTQ_NONE;
		vq->state[i] = VQ_FREE;
	}
	vq->free_head = 0;
	vq->nfree = (uint16_t)size;
	return 0;
}

unsigned virtq_nfree(const struct virtq *vq)
{
	return vq->nfree;
}

int virtq_alloc_chain(struct virtq *vq, unsigned n, uint16_t *idx)
{
	assert(n >= 1);
	if (n > vq->nfree)
		return -ENOSPC;
	for (unsigned k = 0; k < n; k++) {
		uint16_t i = vq->free_head;

		assert(i < vq->size && vq->state[i] == VQ_FREE);
		vq->free_head = vq->desc[i].next;
		vq->state[i] = VQ_TAKEN;
		idx[k] = i;
	}
	vq->nfree -= (uint16_t)n;
	for (unsigned k = 0; k < n; k++) {
		struct virtq_desc *d = &vq->desc[idx[k]];

		d->addr = 0;
		d->len = 0;
		d->flags = k + 1 < n ? VIRTQ_DESC_F_NEXT : 0;
		d->next = k + 1 < n ? idx[k + 1] : 0;
	}
	return 0;
}

void virtq_fill(struct virtq *vq, uint16_t i, uint64_t addr, uint32_t len,
		bool device_writes)
{
	struct virtq_desc *d;

	assert(i < vq->size && vq->state[i] == VQ_TAKEN);
	d = &vq->desc[i];
	d->addr = addr;
	d->len = len;
	d->flags = (uint16_t)((d->flags & VIRTQ_DESC_F_NEXT) |
			      (device_writes ? VIRTQ_DESC_F_WRITE : 0));
}

bool virtq_publish(struct virtq *vq, uint16_t head)
{
	assert(head < vq->size && vq->state[head] == VQ_TAKEN);
	vq->state[head] = VQ_DEVICE;
	vq->avail->ring[vq->avail_idx % vq->size] = head;
	virtq_mb(); /* the chain and its slot before the index */
	vq->avail_idx++;
	__atomic_store_n(&vq->avail->idx, vq->avail_idx, __ATOMIC_RELEASE);
	virtq_mb(); /* the index before we look at the device's flags */
	return !(__atomic_load_n(&vq->used->flags, __ATOMIC_ACQUIRE) &
		 VIRTQ_USED_F_NO_NOTIFY);
}

int virtq_pop_used(struct virtq *vq, uint16_t *head, uint32_t *len)
{
	uint16_t seen = __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE);
	struct virtq_used_elem e;

	if (seen == vq->last_used)
		return 0;
	virtq_mb(); /* the entry only after its index */
	e = vq->used->ring[vq->last_used % vq->size];
	vq->last_used++;
	if (e.id >= vq->size || vq->state[e.id] != VQ_DEVICE)
		return -EIO;
	vq->state[e.id] = VQ_DONE;
	*head = (uint16_t)e.id;
	*len = e.len;
	return 1;
}

unsigned virtq_free_chain(struct virtq *vq, uint16_t head)
{
	uint16_t i = head;
	unsigned n = 0;

	assert(head < vq->size &&
	       (vq->state[head] == VQ_DONE || vq->state[head] == VQ_TAKEN));
	for (;;) {
		struct virtq_desc *d = &vq->desc[i];
		bool more = d->flags & VIRTQ_DESC_F_NEXT;
		uint16_t next = d->next;

		assert(i == head || vq->state[i] == VQ_TAKEN);
		vq->state[i] = VQ_FREE;
		d->flags = 0;
		d->next = vq->free_head;
		vq->free_head = i;
		n++;
		if (!more)
			break;
		assert(next < vq->size && n < vq->size);
		i = next;
	}
	vq->nfree += (uint16_t)n;
	return n;
}
