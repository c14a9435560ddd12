/*
 * lib/fdt.h - read what Kite needs from a flattened device tree (pure).
 *
 * The firmware passes a DTB in a1. fdt_parse() walks its structure block
 * once and fills a struct fdt_info (RAM, reserved regions, harts, the
 * timebase, bootargs and the virtio-mmio transports); nothing is
 * allocated and the blob is only read. A malformed blob (bad magic, version, offsets outside
 * totalsize, unterminated names) is refused with -EINVAL, never followed.
 */
#ifndef KITE_LIB_FDT_H
#define KITE_LIB_FDT_H

#include "kernel/types.h"
#include "kernel/param.h"

#define FDT_MAX_MEM 8       /* memory regions kept */
#define FDT_MAX_VIRTIO 8    /* virtio,mmio transports kept (QEMU virt: 8) */

struct fdt_region {
	uint64_t base;
	uint64_t size;
};

/* A device with one register window and one interrupt. */
struct fdt_device {
	uint64_t base;
	uint64_t size;
	uint32_t irq;           /* first cell of "interrupts" */
};

struct fdt_info {
	uint32_t totalsize;             /* bytes of the blob itself */
	int nmem;                       /* regions from every /memory node */
	struct fdt_region mem[FDT_MAX_MEM];
	int nreserved;                  /* /reserved-memory children + memreserve block */
	struct fdt_region reserved[FDT_MAX_MEM];
	int nharts;                     /* /cpus/cpu@* with status absent or "okay" */
	uint32_t hartids[NCPU];         /* their "reg" values, first NCPU kept */
	uint64_t timebase_freq;         /* /cpus timebase-frequency (or per cpu) */
	char bootargs[BOOTARGS_MAX];    /* /chosen bootargs, "" if none, truncated */
	int nvirtio;                    /* "virtio,mmio" nodes, in tree order */
	struct fdt_device virtio[FDT_MAX_VIRTIO]; /* the first FDT_MAX_VIRTIO */
};

/* Parse blob into *info. Returns 0, or -EINVAL for a malformed blob. */
int fdt_parse(const void *blob, struct fdt_info *info);

/* Total size from the header, or 0 if the magic is wrong. */
uint32_t fdt_totalsize(const void *blob);

#endif
