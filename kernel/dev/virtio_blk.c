/*
 * virtio_blk.c - virtio-blk disks: sector reads and writes for swap.
 *
 * Model: each disk has one virtqueue (queue 0). A request is a chain of
 * three descriptors:
 *
 *   header {type IN/OUT, sector}  device reads   (16 bytes, ours)
 *   data                          device writes for IN, reads for OUT
 *   status byte                   device writes  (0 ok, 1 error, 2 unsupported)
 *
 * Header and status live in a page of our own (struct blk_dma), one slot
 * per descriptor index, used by the request whose chain starts there; the
 * data is the caller's buffer, given to the device by physical address.
 * A request's life:
 *
 *   requester: wait for room -> take 3 descriptors -> fill -> publish
 *              -> notify the device -> sleep on its own wait queue
 *   device:    reads the chain, does the I/O, writes status, puts the
 *              head in the used ring, raises its interrupt
 *   interrupt: ack -> for each used head: status -> error code, free the
 *              chain, mark the waiter done and wake it; wake one
 *              requester waiting for room per request finished
 *
 * Room: at most `limit` requests in flight (a third of the queue: every
 * request takes three descriptors); a requester that finds none sleeps
 * on `room`. Nothing polls: both waits end by the interrupt.
 *
 * Sleeps are not ended by a kill (wq_sleep_uninterruptible): the device
 * may be writing into the buffer until it completes the request, and it
 * always does, so a killed requester finishes its wait and notices the
 * kill afterwards. A request bigger than BLK_CHUNK_SECTORS goes to the
 * device in pieces, one after another.
 *
 * Locks: a disk's `lock` (a spinlock, taken by requesters and by the
 * interrupt handler on the boot hart, which alone takes the disk's
 * interrupt) guards its queue bookkeeping, the DMA slots of chains not
 * yet published, `waiter`, `limit` and the counters. Order: disk lock
 * -> waitqueue locks -> rq locks (wakeups are made under the disk lock,
 * so that a requester, which checks `done` under it, cannot return and
 * free its wait queue while it is being woken). The notify register is
 * written after the lock is let go. Fields marked [const] are set at
 * boot, before interrupts are on.
 */
#include "arch/arch.h"
#include "arch/irq.h"
#include "dev/blk.h"
#include "dev/virtio.h"
#include "dev/virtq.h"
#include "kernel/cpu.h" /* cpuid */
#include "kernel/log.h"
#include "kernel/panic.h"
#include "kernel/spinlock.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "sched/sched.h"
#include "uapi/errno.h"

/* virtio-blk request types, status values, features, configuration */
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_F_RO (1ULL << 5)
#define VIRTIO_BLK_CFG_CAPACITY 0 /* u64: size in 512-byte sectors */

#define BLK_QUEUE 0            /* the one queue used */
#define BLK_QSIZE_MAX 128      /* descriptors: the rings fit in a page */
#define BLK_DESC_PER_REQ 3     /* header, data, status */
#define BLK_MAX_DISKS 8
#define BLK_CHUNK_SECTORS 2048 /* 1 MiB: the most one request moves */
#define BLK_MEM_ORDER 1        /* rings in page 0, struct blk_dma in page 1 */
#define BLK_STATUS_UNSET 0xff  /* not a status the device writes */

struct blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

/* What the device reads and writes besides the data, per head index. */
struct blk_dma {
	struct blk_req_hdr hdr[BLK_QSIZE_MAX];
	uint8_t status[BLK_QSIZE_MAX];
};

BUILD_ASSERT(sizeof(struct blk_req_hdr) == 16);
BUILD_ASSERT(sizeof(struct blk_dma) <= PAGE_SIZE);

/* A requester waiting for its request, on its own stack. */
struct blk_wait {
	struct waitqueue wq;
	int err;   /* [disk lock] 0 or -EIO, once done */
	bool done; /* [disk lock] */
};

struct blkdev {
	struct spinlock lock;
	struct virtio_dev vd;                  /* [const] */
	uint64_t sectors;                      /* [const] */
	bool readonly;                         /* [const] */
	struct virtq vq;                       /* [lock] */
	struct blk_dma *dma;                   /* [const] slots: see above */
	struct blk_wait *waiter[BLK_QSIZE_MAX]; /* [lock] by head index */
	struct waitqueue room;                 /* requesters waiting for room */
	unsigned limit;                        /* [lock] most requests in flight */
	unsigned max_limit;                    /* [const] what the queue holds */
	struct blk_stats st;                   /* [lock] */
};

static struct blkdev disks[BLK_MAX_DISKS]; /* [const] but each one's [lock] */
static int ndisks;                         /* [const] */

extern char __rodata_end[], __kernel_end[];

/* Interrupt: finish every request the device has completed. */
static void blk_intr(void *arg)
{
	struct blkdev *d = arg;
	unsigned finished = 0;
	uint16_t head;
	uint32_t len;
	int r;

	virtio_ack_interrupt(&d->vd);
	spin_lock(&d->lock);
	while ((r = virtq_pop_used(&d->vq, &head, &len)) != 0) {
		struct blk_wait *w;

		if (r < 0) {
			log_warn("virtio-blk: the device completed a request it never had");
			continue;
		}
		w = d->waiter[head];
		assert(w != NULL);
		d->waiter[head] = NULL;
		w->err = d->dma->status[head] == VIRTIO_BLK_S_OK ? 0 : -EIO;
		if (w->err)
			d->st.errors++;
		virtq_free_chain(&d->vq, head);
		d->st.inflight--;
		w->done = true;
		wq_wake_all(&w->wq);
		finished++;
	}
	while (finished-- > 0 && wq_wake_one(&d->room) > 0)
		;
	spin_unlock(&d->lock);
}

/* Send one request of n sectors (n <= BLK_CHUNK_SECTORS) and sleep until
 * the device has finished it. 0 or -EIO. */
static int blk_request(struct blkdev *d, uint32_t type, uint64_t sector,
		       void *buf, size_t n)
{
	struct blk_wait w = { .err = 0, .done = false };
	uint16_t idx[BLK_DESC_PER_REQ], head;
	struct blk_req_hdr *hdr;
	bool notify;

	/* we sleep: interrupts on means no spinlock is held (taking one
	 * turns them off) */
	assert(arch_intr_get());
	wq_init(&w.wq, "blk.request");
	spin_lock(&d->lock);
	while (d->st.inflight >= d->limit ||
	       virtq_nfree(&d->vq) < BLK_DESC_PER_REQ) {
		d->st.queue_waits++;
		wq_sleep_uninterruptible(&d->room, &d->lock);
	}
	if (virtq_alloc_chain(&d->vq, BLK_DESC_PER_REQ, idx))
		panic("virtio-blk: no descriptors though %u are free",
		      virtq_nfree(&d->vq));
	head = idx[0];
	hdr = &d->dma->hdr[head];
	hdr->type = type;
	hdr->reserved = 0;
	hdr->sector = sector;
	d->dma->status[head] = BLK_STATUS_UNSET;
	virtq_fill(&d->vq, idx[0], V2P(hdr), sizeof(*hdr), false);
	virtq_fill(&d->vq, idx[1], V2P(buf), (uint32_t)(n << BLK_SECTOR_SHIFT),
		   type != VIRTIO_BLK_T_OUT);
	virtq_fill(&d->vq, idx[2], V2P(&d->dma->status[head]), 1, true);
	d->waiter[head] = &w;
	d->st.inflight++;
	d->st.max_inflight = MAX(d->st.max_inflight, d->st.inflight);
	if (type == VIRTIO_BLK_T_OUT) {
		d->st.writes++;
		d->st.sectors_written += n;
	} else {
		d->st.reads++;
		d->st.sectors_read += n;
	}
	notify = virtq_publish(&d->vq, head);
	spin_unlock(&d->lock);
	if (notify)
		virtio_notify(&d->vd, BLK_QUEUE);

	spin_lock(&d->lock);
	while (!w.done)
		wq_sleep_uninterruptible(&w.wq, &d->lock);
	spin_unlock(&d->lock);
	return w.err;
}

/* May the device use bytes at buf? Sector-aligned, physically contiguous
 * kernel memory: RAM in the direct map, or the image's data and bss. */
static bool blk_buf_ok(const void *buf, size_t bytes)
{
	uintptr_t v = (uintptr_t)buf, last = v + bytes - 1;

	if (!IS_ALIGNED(v, BLK_SECTOR_SIZE) || last < v)
		return false;
	if (va_is_directmap(v) && va_is_directmap(last))
		return pa_to_page(V2P(buf)) && pa_to_page(V2P((void *)last));
	return v >= (uintptr_t)__rodata_end && last < (uintptr_t)__kernel_end;
}

/* Check a request, then send it in pieces of at most BLK_CHUNK_SECTORS. */
static int blk_rw(struct blkdev *d, uint32_t type, uint64_t sector, void *buf,
		  size_t n, bool check_range)
{
	char *p = buf;
	int err;

	if (!d || n == 0 || n > SIZE_MAX >> BLK_SECTOR_SHIFT ||
	    !blk_buf_ok(buf, n << BLK_SECTOR_SHIFT))
		return -EINVAL;
	if (check_range && (n > d->sectors || sector > d->sectors - n))
		return -EINVAL;
	while (n > 0) {
		size_t piece = MIN(n, (size_t)BLK_CHUNK_SECTORS);

		err = blk_request(d, type, sector, p, piece);
		if (err)
			return err;
		sector += piece;
		p += piece << BLK_SECTOR_SHIFT;
		n -= piece;
	}
	return 0;
}

int blk_read(struct blkdev *dev, uint64_t sector, void *buf, size_t nsectors)
{
	return blk_rw(dev, VIRTIO_BLK_T_IN, sector, buf, nsectors, true);
}

int blk_write(struct blkdev *dev, uint64_t sector, const void *buf,
	      size_t nsectors)
{
	/* the device only reads buf: casting const away is safe */
	return blk_rw(dev, VIRTIO_BLK_T_OUT, sector, (void *)buf, nsectors, true);
}

int blk_test_raw(struct blkdev *dev, uint32_t type, uint64_t sector,
		 void *buf, size_t nsectors)
{
	if (nsectors > BLK_CHUNK_SECTORS)
		return -EINVAL;
	return blk_rw(dev, type, sector, buf, nsectors, false);
}

struct blkdev *blk_swap_device(void)
{
	for (int i = 0; i < ndisks; i++)
		if (!disks[i].readonly)
			return &disks[i];
	return NULL;
}

uint64_t blk_sectors(struct blkdev *dev)
{
	return dev ? dev->sectors : 0;
}

void blk_get_stats(struct blkdev *dev, struct blk_stats *st)
{
	spin_lock(&dev->lock);
	*st = dev->st;
	st->limit = dev->limit;
	spin_unlock(&dev->lock);
}

unsigned blk_test_limit(struct blkdev *dev, unsigned n)
{
	unsigned was;

	spin_lock(&dev->lock);
	was = dev->limit;
	dev->limit = n ? MIN(n, dev->max_limit) : dev->max_limit;
	dev->st.max_inflight = dev->st.inflight;
	spin_unlock(&dev->lock);
	wq_wake_all(&dev->room); /* there may be more room now */
	return was;
}

/* The largest power of 2 not above n (n >= 1). */
static unsigned pow2_floor(unsigned n)
{
	unsigned p = 1;

	while (p <= n / 2)
		p *= 2;
	return p;
}

int virtio_blk_probe(struct virtio_dev *vd)
{
	struct blkdev *d;
	struct page *mem;
	unsigned qmax, qsize;
	char *base;
	int err;

	if (ndisks >= BLK_MAX_DISKS) {
		log_warn("virtio-blk: more than %d disks; %p left alone",
			 BLK_MAX_DISKS, (void *)vd->pa);
		return -ENOSPC;
	}
	d = &disks[ndisks];
	d->vd = *vd;
	err = virtio_negotiate(&d->vd, VIRTIO_F_VERSION_1 | VIRTIO_BLK_F_RO);
	if (err)
		return err;
	qmax = virtio_queue_max(&d->vd, BLK_QUEUE);
	if (qmax < BLK_DESC_PER_REQ) {
		log_warn("virtio-blk: disk at %p has no usable queue (%u)",
			 (void *)vd->pa, qmax);
		err = -ENODEV;
		goto fail;
	}
	qsize = pow2_floor(MIN(qmax, (unsigned)BLK_QSIZE_MAX));
	mem = pmm_alloc_pages(BLK_MEM_ORDER, PMM_ZERO);
	if (!mem) {
		err = -ENOMEM;
		goto fail;
	}
	base = page_to_va(mem);
	BUILD_ASSERT(BLK_QSIZE_MAX <= VIRTQ_MAX_SIZE);
	if (virtq_bytes(qsize) > PAGE_SIZE || virtq_init(&d->vq, base, qsize))
		panic("virtio-blk: a queue of %u does not fit its page", qsize);
	d->dma = (struct blk_dma *)(base + PAGE_SIZE);
	err = virtio_queue_setup(&d->vd, BLK_QUEUE, &d->vq);
	if (err)
		goto free_mem;
	d->sectors = virtio_config_read64(&d->vd, VIRTIO_BLK_CFG_CAPACITY);
	d->readonly = d->vd.features & VIRTIO_BLK_F_RO;
	d->max_limit = qsize / BLK_DESC_PER_REQ;
	d->limit = d->max_limit;
	spin_init(&d->lock, "virtio_blk");
	wq_init(&d->room, "virtio_blk.room");
	irq_register(d->vd.irq, blk_intr, d);
	irq_enable_on_hart(d->vd.irq, cpuid());
	virtio_driver_ok(&d->vd);
	ndisks++;
	log_info("virtio-blk: %lu MiB disk%s, irq %d",
		 (unsigned long)(d->sectors >> (20 - BLK_SECTOR_SHIFT)),
		 d->readonly ? " (read-only)" : "", d->vd.irq);
	log_debug("virtio-blk: at %p, %lu sectors, queue of %u (device max %u)",
		  (void *)d->vd.pa, (unsigned long)d->sectors, qsize, qmax);
	return 0;

free_mem:
	pmm_free_pages(mem, BLK_MEM_ORDER);
fail:
	virtio_fail(&d->vd);
	return err;
}
