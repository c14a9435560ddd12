/*
 * virtio.c - the virtio-mmio transport: finding devices, bringing them up.
 *
 * Discovery: every "virtio,mmio" node of the device tree names a 4 KiB
 * register window and a PLIC interrupt. At boot virtio_probe_all() reads
 * each window's magic, version and device id: id 0 is an empty slot
 * (QEMU virt has eight slots, usually all empty but the ones given a
 * -device), a known id goes to its driver's probe. Only the modern
 * interface (version 2) is driven; QEMU offers the legacy one (version
 * 1) unless told -global virtio-mmio.force-legacy=false, and a device
 * found that way is reported and left alone.
 *
 * Bring-up, as the virtio spec orders it (each step a bit of the status
 * register, which the device can refuse):
 *
 *   0 (reset) -> ACKNOWLEDGE -> DRIVER -> negotiate features
 *     -> FEATURES_OK (read back: the device accepts the subset)
 *     -> set up the queues -> DRIVER_OK
 *
 * and FAILED if anything goes wrong. Registers are 32 bits wide and
 * little-endian; every access goes through arch/mmio.h, which orders it
 * against memory the device reads by DMA.
 *
 * Locks: none here. Bring-up runs at boot on the boot hart before
 * interrupts are on; afterwards drivers use virtio_notify and
 * virtio_ack_interrupt under their own locks or in their handler.
 */
#include "arch/irq.h"
#include "arch/mmio.h"
#include "dev/blk.h"
#include "dev/platform.h"
#include "dev/virtio.h"
#include "dev/virtq.h"
#include "kernel/log.h"
#include "lib/fdt.h"
#include "mm/memlayout.h"
#include "uapi/errno.h"

#define CONFIG_RETRIES 16 /* re-reads of a config field that keeps changing */

uint32_t virtio_read(const struct virtio_dev *vd, unsigned reg)
{
	return mmio_read32((const volatile void *)(vd->regs + reg));
}

void virtio_write(const struct virtio_dev *vd, unsigned reg, uint32_t v)
{
	mmio_write32((volatile void *)(vd->regs + reg), v);
}

static void virtio_set_status(const struct virtio_dev *vd, uint32_t bits)
{
	virtio_write(vd, VIRTIO_MMIO_STATUS,
		     virtio_read(vd, VIRTIO_MMIO_STATUS) | bits);
}

static uint64_t virtio_device_features(const struct virtio_dev *vd)
{
	uint64_t f;

	virtio_write(vd, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	f = (uint64_t)virtio_read(vd, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	virtio_write(vd, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	return f | virtio_read(vd, VIRTIO_MMIO_DEVICE_FEATURES);
}

int virtio_negotiate(struct virtio_dev *vd, uint64_t want)
{
	uint64_t offered;

	virtio_write(vd, VIRTIO_MMIO_STATUS, 0); /* reset */
	virtio_set_status(vd, VIRTIO_STATUS_ACKNOWLEDGE);
	virtio_set_status(vd, VIRTIO_STATUS_DRIVER);
	offered = virtio_device_features(vd);
	if (!(offered & VIRTIO_F_VERSION_1)) {
		log_warn("virtio: device at %p does not offer VERSION_1",
			 (void *)vd->pa);
		goto fail;
	}
	vd->features = offered & want;
	virtio_write(vd, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	virtio_write(vd, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(vd->features >> 32));
	virtio_write(vd, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	virtio_write(vd, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)vd->features);
	virtio_set_status(vd, VIRTIO_STATUS_FEATURES_OK);
	if (!(virtio_read(vd, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
		log_warn("virtio: device at %p refused features %#lx",
			 (void *)vd->pa, (unsigned long)vd->features);
		goto fail;
	}
	return 0;
fail:
	virtio_fail(vd);
	return -ENODEV;
}

unsigned virtio_queue_max(const struct virtio_dev *vd, unsigned q)
{
	virtio_write(vd, VIRTIO_MMIO_QUEUE_SEL, q);
	return virtio_read(vd, VIRTIO_MMIO_QUEUE_NUM_MAX);
}

static void virtio_write64(const struct virtio_dev *vd, unsigned lo,
			   uint64_t v)
{
	virtio_write(vd, lo, (uint32_t)v);
	virtio_write(vd, lo + 4, (uint32_t)(v >> 32));
}

int virtio_queue_setup(const struct virtio_dev *vd, unsigned q,
		       const struct virtq *vq)
{
	virtio_write(vd, VIRTIO_MMIO_QUEUE_SEL, q);
	if (virtio_read(vd, VIRTIO_MMIO_QUEUE_READY))
		return -EBUSY;
	virtio_write(vd, VIRTIO_MMIO_QUEUE_NUM, vq->size);
	virtio_write64(vd, VIRTIO_MMIO_QUEUE_DESC_LOW, V2P(vq->desc));
	virtio_write64(vd, VIRTIO_MMIO_QUEUE_DRIVER_LOW, V2P(vq->avail));
	virtio_write64(vd, VIRTIO_MMIO_QUEUE_DEVICE_LOW, V2P(vq->used));
	virtio_write(vd, VIRTIO_MMIO_QUEUE_READY, 1);
	return 0;
}

/* Read a configuration field of 1 or 2 words until the generation
 * counter says no change happened in between. */
static uint64_t virtio_config_read(const struct virtio_dev *vd, unsigned off,
				   int words)
{
	uint32_t gen;
	uint64_t v = 0;

	for (int tries = 0; tries < CONFIG_RETRIES; tries++) {
		gen = virtio_read(vd, VIRTIO_MMIO_CONFIG_GENERATION);
		v = virtio_read(vd, VIRTIO_MMIO_CONFIG + off);
		if (words == 2)
			v |= (uint64_t)virtio_read(vd, VIRTIO_MMIO_CONFIG + off + 4)
			     << 32;
		if (gen == virtio_read(vd, VIRTIO_MMIO_CONFIG_GENERATION))
			break;
	}
	return v;
}

uint32_t virtio_config_read32(const struct virtio_dev *vd, unsigned off)
{
	return (uint32_t)virtio_config_read(vd, off, 1);
}

uint64_t virtio_config_read64(const struct virtio_dev *vd, unsigned off)
{
	return virtio_config_read(vd, off, 2);
}

void virtio_driver_ok(const struct virtio_dev *vd)
{
	virtio_set_status(vd, VIRTIO_STATUS_DRIVER_OK);
}

void virtio_fail(const struct virtio_dev *vd)
{
	virtio_set_status(vd, VIRTIO_STATUS_FAILED);
}

void virtio_notify(const struct virtio_dev *vd, unsigned q)
{
	virtio_write(vd, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

uint32_t virtio_ack_interrupt(const struct virtio_dev *vd)
{
	uint32_t st = virtio_read(vd, VIRTIO_MMIO_INTERRUPT_STATUS);

	if (st)
		virtio_write(vd, VIRTIO_MMIO_INTERRUPT_ACK, st);
	return st;
}

/* Is the window inside the MMIO range the kernel maps (kvm.c)? */
static bool virtio_window_mapped(const struct fdt_device *d)
{
	return d->base >= VIRTIO_MMIO_PA && d->size >= VIRTIO_MMIO_WINDOW &&
	       d->base + VIRTIO_MMIO_WINDOW <= VIRTIO_MMIO_PA + VIRTIO_MMIO_SIZE &&
	       IS_ALIGNED(d->base, PAGE_SIZE);
}

/* Look at one transport; start its driver if it holds a known device.
 * Returns true if a driver took it. */
static bool virtio_probe_one(const struct fdt_device *d)
{
	struct virtio_dev vd = { .pa = d->base, .irq = (int)d->irq };
	uint32_t version;

	if (!virtio_window_mapped(d) || d->irq == 0 || d->irq >= IRQ_MAX) {
		log_warn("virtio: transport at %p (irq %u) is outside what Kite maps",
			 (void *)d->base, d->irq);
		return false;
	}
	vd.regs = (uintptr_t)P2V(d->base);
	if (virtio_read(&vd, VIRTIO_MMIO_MAGIC) != VIRTIO_MAGIC)
		return false;
	vd.id = virtio_read(&vd, VIRTIO_MMIO_DEVICE_ID);
	if (vd.id == VIRTIO_ID_NONE)
		return false; /* an empty slot */
	version = virtio_read(&vd, VIRTIO_MMIO_VERSION);
	if (version != VIRTIO_VERSION_MODERN) {
		log_warn("virtio: device %u at %p speaks version %u; Kite needs 2 "
			 "(QEMU: -global virtio-mmio.force-legacy=false)",
			 vd.id, (void *)d->base, version);
		return false;
	}
	switch (vd.id) {
	case VIRTIO_ID_BLOCK:
		return virtio_blk_probe(&vd) == 0;
	default:
		log_debug("virtio: device %u at %p: no driver", vd.id,
			  (void *)d->base);
		return false;
	}
}

void virtio_probe_all(const struct fdt_info *fi)
{
	int found = 0;

	for (int i = 0; i < fi->nvirtio; i++)
		found += virtio_probe_one(&fi->virtio[i]);
	log_debug("virtio: %d transports, %d devices in use", fi->nvirtio, found);
	if (!blk_swap_device())
		log_info("virtio-blk: no disk");
}
