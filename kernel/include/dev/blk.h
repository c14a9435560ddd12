/*
 * dev/blk.h - block devices (virtio-blk disks), for swap and tests.
 *
 * A disk is an array of 512-byte sectors. blk_read and blk_write move
 * whole sectors between it and kernel memory and sleep until the device
 * is done; many threads on many harts may have requests in flight on one
 * disk at once (up to what its queue holds; more wait for room).
 *
 * Buffers: kernel memory that is physically contiguous - the direct map
 * of RAM (pmm_alloc_pages, kmalloc) or the kernel image's data - and
 * aligned to BLK_SECTOR_SIZE, since the device reaches it by physical
 * address. Kernel stacks (not contiguous) and user addresses are refused.
 *
 * Context: a thread, with no spinlock held (the caller sleeps). The sleep
 * is NOT ended by a kill: until the device completes the request it may
 * still be writing into the buffer, so a killed thread waits for it like
 * everyone else and notices its kill afterwards. Requests take at most
 * a few milliseconds, so the kill is delayed by no more than that.
 */
#ifndef KITE_DEV_BLK_H
#define KITE_DEV_BLK_H

#include "kernel/types.h"

#define BLK_SECTOR_SHIFT 9
#define BLK_SECTOR_SIZE (1U << BLK_SECTOR_SHIFT)

struct blkdev;

/* The disk meant for swap (the first writable one found), or NULL. */
struct blkdev *blk_swap_device(void);
/* Size of the disk in sectors. */
uint64_t blk_sectors(struct blkdev *dev);
/* Read nsectors sectors from sector into buf / write them from buf.
 * Sleeps until done. 0; -EIO if the device reported an error (the
 * buffer's contents are then undefined for a read, the disk's for a
 * write); -EINVAL, with no I/O at all, if dev is NULL, nsectors is 0,
 * the range goes beyond the end of the disk, or buf is not a usable
 * buffer (see above). */
int blk_read(struct blkdev *dev, uint64_t sector, void *buf, size_t nsectors);
int blk_write(struct blkdev *dev, uint64_t sector, const void *buf,
	      size_t nsectors);

/* Counters of a disk since boot. */
struct blk_stats {
	uint64_t reads, writes;        /* requests sent to the device */
	uint64_t sectors_read, sectors_written;
	uint64_t errors;               /* requests the device failed */
	uint64_t queue_waits;          /* times a requester slept for room */
	unsigned inflight;             /* requests the device holds now */
	unsigned max_inflight;         /* most at once (reset by the limit) */
	unsigned limit;                /* most it may hold at once */
};

void blk_get_stats(struct blkdev *dev, struct blk_stats *st);

/* For the in-kernel tests. blk_test_limit: let at most n (>= 1) requests
 * be in flight at once (0: as many as the queue holds); resets
 * max_inflight; returns the previous limit. blk_test_raw: send a request
 * of any type with no range check, to see the device's own errors. */
unsigned blk_test_limit(struct blkdev *dev, unsigned n);
int blk_test_raw(struct blkdev *dev, uint32_t type, uint64_t sector,
		 void *buf, size_t nsectors);

#endif
