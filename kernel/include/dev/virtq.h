/*
 * dev/virtq.h - the bookkeeping of a virtio split virtqueue (pure).
 *
 * A split virtqueue is three arrays in memory the device reads and
 * writes by DMA (virtio 1.x, little-endian, which RISC-V is):
 *
 *   descriptor table  size x {addr, len, flags, next}  driver writes
 *   available ring    {flags, idx, ring[size]}         driver writes
 *   used ring         {flags, idx, ring[size] {id, len}} device writes
 *
 * A request is a chain of descriptors linked by `next` (flag NEXT), each
 * naming one buffer by physical address; WRITE marks the buffers the
 * device fills. The driver publishes a chain by putting its head index
 * in the available ring and then advancing avail->idx; the device, once
 * done, puts {head, bytes written} in the used ring and advances
 * used->idx. Both indices run freely over 16 bits; slot = idx % size.
 *
 * This module keeps the driver's side of that: the free descriptors (a
 * stack linked through their own `next` fields: the device never reads
 * a free descriptor), the shadow of avail->idx, the used entries already
 * seen, and a state per descriptor, so that an id coming back from the
 * device is accepted only if it is the head of a chain the device holds.
 * It touches no device register and takes no lock: the driver calls it
 * under its own lock and does the notifying. It is pure, so the host
 * unit tests run it against a simulated device.
 *
 * Descriptor states: FREE -> (virtq_alloc_chain) TAKEN -> (virtq_publish,
 * the head; the rest stay TAKEN) DEVICE -> (virtq_pop_used) DONE ->
 * (virtq_free_chain) FREE. A chain may also go back from TAKEN to FREE
 * unpublished.
 */
#ifndef KITE_DEV_VIRTQ_H
#define KITE_DEV_VIRTQ_H

#include "kernel/types.h"

#define VIRTQ_MAX_SIZE 256 /* descriptors per queue this module handles */
#define VIRTQ_NONE 0xffff  /* end of the free list */

/* descriptor flags */
#define VIRTQ_DESC_F_NEXT 1  /* `next` continues the chain */
#define VIRTQ_DESC_F_WRITE 2 /* the device writes this buffer */
/* avail->flags / used->flags */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_USED_F_NO_NOTIFY 1

/* The layout the device sees (virtio 1.x, split virtqueue). */
struct virtq_desc {
	uint64_t addr; /* physical address of the buffer */
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[]; /* size entries, then used_event (unused here) */
};

struct virtq_used_elem {
	uint32_t id;  /* head of the chain */
	uint32_t len; /* bytes the device wrote into the chain */
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[]; /* size entries, then avail_event */
};

/* The table must be 16-byte, the available ring 2-byte and the used ring
 * 4-byte aligned; virtq_init lays them out in one block that way. */
#define VIRTQ_DESC_ALIGN 16
#define VIRTQ_USED_ALIGN 4

enum virtq_state { VQ_FREE, VQ_TAKEN, VQ_DEVICE, VQ_DONE };

/* Every field is guarded by the driver's lock for the queue. */
struct virtq {
	uint16_t size;                 /* [const] descriptors, a power of 2 */
	struct virtq_desc *desc;       /* [const] the three arrays */
	struct virtq_avail *avail;
	struct virtq_used *used;
	uint16_t free_head;            /* top of the free stack, VIRTQ_NONE */
	uint16_t nfree;
	uint16_t avail_idx;            /* next value of avail->idx */
	uint16_t last_used;            /* used->idx up to which we have read */
	uint8_t state[VIRTQ_MAX_SIZE]; /* enum virtq_state per descriptor */
};

/* Bytes of memory the rings of a queue of size descriptors take. */
size_t virtq_bytes(unsigned size);
/* Lay out a queue of size descriptors (a power of 2, 1..VIRTQ_MAX_SIZE)
 * in mem (virtq_bytes(size) zeroed bytes, 16-byte aligned), every
 * descriptor free. 0 or -EINVAL. */
int virtq_init(struct virtq *vq, void *mem, unsigned size);
/* Free descriptors. */
unsigned virtq_nfree(const struct virtq *vq);
/* Take n (>= 1) free descriptors, chained in order: idx[0] is the head,
 * each links to the next with NEXT, the last ends the chain. 0, or
 * -ENOSPC with nothing taken if fewer than n are free. */
int virtq_alloc_chain(struct virtq *vq, unsigned n, uint16_t *idx);
/* Point descriptor i of a taken chain at len bytes at physical addr;
 * device_writes: the device fills it (else it reads it). The chain's
 * links are kept. */
void virtq_fill(struct virtq *vq, uint16_t i, uint64_t addr, uint32_t len,
		bool device_writes);
/* Hand the taken chain at head to the device. True if the device asks
 * to be notified (the caller then writes its notify register). */
bool virtq_publish(struct virtq *vq, uint16_t head);
/* The next chain the device has finished: 1 with its head in *head and
 * the bytes it wrote in *len; 0 if there is none; -EIO if the device
 * returned an id that is not the head of a chain it holds (the entry is
 * consumed and ignored: a device bug, not ours). */
int virtq_pop_used(struct virtq *vq, uint16_t *head, uint32_t *len);
/* Give back the chain at head (DONE, or TAKEN and never published):
 * returns how many descriptors were freed. Anything else is a driver
 * bug and panics. */
unsigned virtq_free_chain(struct virtq *vq, uint16_t head);

#endif
