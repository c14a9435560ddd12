/*
 * dev/virtio.h - the virtio-mmio transport (modern interface, version 2).
 *
 * A virtio-mmio transport is a 4 KiB register window plus one interrupt,
 * both named by a "virtio,mmio" device-tree node; QEMU virt has eight,
 * most of them empty (device id 0). virtio_probe_all() looks at each at
 * boot and hands every device it knows to its driver (virtio-blk only,
 * for now), which then brings it up with the helpers below in the order
 * the virtio spec prescribes:
 *
 *   reset -> ACKNOWLEDGE -> DRIVER -> features -> FEATURES_OK (checked)
 *     -> queues -> DRIVER_OK            (any failure: FAILED)
 *
 * The helpers run at boot only, before interrupts are on; after that a
 * driver touches only the notify and interrupt registers (through
 * virtio_notify / virtio_ack_interrupt), under its own lock or in its
 * interrupt handler.
 */
#ifndef KITE_DEV_VIRTIO_H
#define KITE_DEV_VIRTIO_H

#include "kernel/types.h"

struct fdt_info;
struct virtq;

/* Register offsets (virtio 1.x, section "MMIO Device Register Layout"). */
#define VIRTIO_MMIO_MAGIC 0x000          /* "virt" */
#define VIRTIO_MMIO_VERSION 0x004        /* 2: modern; 1: legacy */
#define VIRTIO_MMIO_DEVICE_ID 0x008      /* 0: no device */
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090  /* the available ring */
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0  /* the used ring */
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG 0x100         /* device-specific configuration */
#define VIRTIO_MMIO_WINDOW 0x1000        /* bytes of one transport */

#define VIRTIO_MAGIC 0x74726976U         /* "virt", little-endian */
#define VIRTIO_VERSION_MODERN 2
#define VIRTIO_VERSION_LEGACY 1

/* Device ids */
#define VIRTIO_ID_NONE 0
#define VIRTIO_ID_BLOCK 2

/* Device status bits */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED 128

/* Interrupt status bits */
#define VIRTIO_INT_USED 1   /* a queue has new used buffers */
#define VIRTIO_INT_CONFIG 2 /* the configuration changed */

/* Device-independent feature bits */
#define VIRTIO_F_VERSION_1 (1ULL << 32)

/* One transport with a device on it. */
struct virtio_dev {
	uintptr_t regs;   /* [const] direct-map address of the window */
	paddr_t pa;       /* [const] its physical address */
	int irq;          /* [const] PLIC source */
	uint32_t id;      /* [const] device id (VIRTIO_ID_*) */
	uint64_t features; /* [const] what was negotiated */
};

/* Boot: probe every virtio,mmio node of the device tree and start a
 * driver for each device found (before interrupts are on). */
void virtio_probe_all(const struct fdt_info *fi);

uint32_t virtio_read(const struct virtio_dev *vd, unsigned reg);
void virtio_write(const struct virtio_dev *vd, unsigned reg, uint32_t v);

/* Reset the device, say ACKNOWLEDGE | DRIVER, and accept the features in
 * want that the device offers; want must include VIRTIO_F_VERSION_1,
 * which the device must offer. Then FEATURES_OK, read back. 0, or
 * -ENODEV (the device refused; it is marked FAILED). */
int virtio_negotiate(struct virtio_dev *vd, uint64_t want);
/* Largest size the device allows for queue q, 0 if q does not exist. */
unsigned virtio_queue_max(const struct virtio_dev *vd, unsigned q);
/* Give queue q (laid out by virtq_init, memory in the direct map) to the
 * device and mark it ready. 0 or -EBUSY (it was already in use). */
int virtio_queue_setup(const struct virtio_dev *vd, unsigned q,
		       const struct virtq *vq);
/* A 32- or 64-bit field of the device's configuration at off, read
 * consistently (retried while the generation changes). */
uint32_t virtio_config_read32(const struct virtio_dev *vd, unsigned off);
uint64_t virtio_config_read64(const struct virtio_dev *vd, unsigned off);
/* Say DRIVER_OK: the device is live. */
void virtio_driver_ok(const struct virtio_dev *vd);
/* Give up on the device: FAILED. */
void virtio_fail(const struct virtio_dev *vd);
/* Tell the device queue q has new available buffers. */
void virtio_notify(const struct virtio_dev *vd, unsigned q);
/* Read and acknowledge the interrupt status (VIRTIO_INT_*). */
uint32_t virtio_ack_interrupt(const struct virtio_dev *vd);

/* The drivers' probe functions: 0 if the device is taken into use. */
int virtio_blk_probe(struct virtio_dev *vd);

#endif
