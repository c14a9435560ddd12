/*
 * tests/host/test_fdt_virtio.c - fdt_parse() on the virtio,mmio nodes of
 * built blobs: they are read anywhere in the tree and strictly (a node
 * with a missing or malformed reg or interrupts property makes the blob
 * unreadable), while odd properties of other nodes never do.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lib/fdt.h"
#include "uapi/errno.h"
#include "fdt_builder.h"

/* A bus holding virtio,mmio nodes: 1 address and 1 size cell. */
static void b_virtio_bus(struct dtb *b)
{
	b_begin(b, "soc");
	b_cells(b, "#address-cells", 1, 1);
	b_cells(b, "#size-cells", 1, 1);
}

static void b_virtio(struct dtb *b, uint32_t base, const char *status,
		     uint32_t irq)
{
	static const char compat[] = "vendor,thing\0virtio,mmio";

	b_begin(b, "virtio_mmio");
	b_prop(b, "compatible", compat, sizeof(compat));
	if (status)
		b_str(b, "status", status);
	b_cells(b, "interrupts", 1, irq);
	b_cells(b, "reg", 2, base, 0x200);
	b_end(b);
}

TEST(virtio_nodes)
{
	struct dtb b;
	struct fdt_info info;
	int i;

	b_root(&b, 2, 2);
	b_begin(&b, "virtio_mmio@a000");        /* at the top: root's cells */
	b_str(&b, "compatible", "virtio,mmio");
	b_cells(&b, "reg", 4, 0, 0xa000, 0, 0x1000);
	b_cells(&b, "interrupts", 2, 7, 99);    /* first cell counts */
	b_end(&b);
	b_virtio_bus(&b);
	b_virtio(&b, 0x1000, NULL, 1);
	b_virtio(&b, 0x2000, "disabled", 2);    /* skipped */
	b_virtio(&b, 0x3000, "okay", 3);
	b_begin(&b, "other");                   /* odd but not virtio: fine */
	b_str(&b, "compatible", "virtio,mmio-not");
	b_prop(&b, "status", "bad", 3);
	b_prop(&b, "interrupts", "x", 1);
	b_prop(&b, "#address-cells", "xy", 2);
	b_begin(&b, "child");
	b_end(&b);
	b_end(&b);
	b_end(&b);
	b_end(&b);
	b_u32(&b, 9);
	REQUIRE(parse_built(&b, &info) == 0);
	REQUIRE(info.nvirtio == 3);
	CHECK(info.virtio[0].base == 0xa000 && info.virtio[0].size == 0x1000);
	CHECK(info.virtio[0].irq == 7);
	CHECK(info.virtio[1].base == 0x1000 && info.virtio[1].size == 0x200);
	CHECK(info.virtio[1].irq == 1);
	CHECK(info.virtio[2].base == 0x3000 && info.virtio[2].irq == 3);
	b_root(&b, 2, 2);                       /* more than the cap */
	b_virtio_bus(&b);
	for (i = 0; i < FDT_MAX_VIRTIO + 3; i++)
		b_virtio(&b, 0x1000 * (i + 1), NULL, i + 1);
	b_end(&b);
	b_end(&b);
	b_u32(&b, 9);
	REQUIRE(parse_built(&b, &info) == 0);
	CHECK(info.nvirtio == FDT_MAX_VIRTIO);
	CHECK(info.virtio[FDT_MAX_VIRTIO - 1].irq == FDT_MAX_VIRTIO);
}

/* One virtio node made malformed by build(): the blob is refused. */
static int virtio_bad(void (*build)(struct dtb *))
{
	struct dtb b;
	struct fdt_info info;

	b_root(&b, 2, 2);
	build(&b);
	b_end(&b);
	b_u32(&b, 9);
	return parse_built(&b, &info);
}

static void vb_no_irq(struct dtb *b)
{
	b_virtio_bus(b);
	b_begin(b, "v");
	b_str(b, "compatible", "virtio,mmio");
	b_cells(b, "reg", 2, 0x1000, 0x1000);
	b_end(b);
	b_end(b);
}

static void vb_short_irq(struct dtb *b)
{
	b_virtio_bus(b);
	b_begin(b, "v");
	b_str(b, "compatible", "virtio,mmio");
	b_cells(b, "reg", 2, 0x1000, 0x1000);
	b_prop(b, "interrupts", "ab", 2);
	b_end(b);
	b_end(b);
}

static void vb_no_reg(struct dtb *b)
{
	b_virtio_bus(b);
	b_begin(b, "v");
	b_str(b, "compatible", "virtio,mmio");
	b_cells(b, "interrupts", 1, 1);
	b_end(b);
	b_end(b);
}

static void vb_odd_reg(struct dtb *b)
{
	b_virtio_bus(b);
	b_begin(b, "v");
	b_str(b, "compatible", "virtio,mmio");
	b_cells(b, "reg", 3, 0x1000, 0x1000, 0);
	b_cells(b, "interrupts", 1, 1);
	b_end(b);
	b_end(b);
}

static void vb_bad_bus_cells(struct dtb *b)
{
	b_begin(b, "soc");
	b_begin(b, "bus");                      /* an OTHER node's cells */
	b_prop(b, "#address-cells", "abc", 3);
	b_cells(b, "#size-cells", 1, 1);
	b_virtio(b, 0x1000, NULL, 1);
	b_end(b);
	b_end(b);
}

static void vb_bad_status(struct dtb *b)
{
	b_virtio_bus(b);
	b_begin(b, "v");
	b_str(b, "compatible", "virtio,mmio");
	b_prop(b, "status", "okay", 4);         /* unterminated */
	b_cells(b, "reg", 2, 0x1000, 0x1000);
	b_cells(b, "interrupts", 1, 1);
	b_end(b);
	b_end(b);
}

static void vb_wraps(struct dtb *b)
{
	b_begin(b, "soc");
	b_cells(b, "#address-cells", 1, 2);
	b_cells(b, "#size-cells", 1, 1);
	b_begin(b, "v");
	b_str(b, "compatible", "virtio,mmio");
	b_cells(b, "reg", 3, 0xffffffff, 0xfffff000, 0x2000);
	b_cells(b, "interrupts", 1, 1);
	b_end(b);
	b_end(b);
}

static void vb_good(struct dtb *b)
{
	b_virtio_bus(b);
	b_virtio(b, 0x1000, NULL, 1);
	b_end(b);
}

TEST(virtio_bad)
{
	CHECK(virtio_bad(vb_good) == 0);
	CHECK(virtio_bad(vb_no_irq) == -EINVAL);
	CHECK(virtio_bad(vb_short_irq) == -EINVAL);
	CHECK(virtio_bad(vb_no_reg) == -EINVAL);
	CHECK(virtio_bad(vb_odd_reg) == -EINVAL);
	CHECK(virtio_bad(vb_bad_bus_cells) == -EINVAL);
	CHECK(virtio_bad(vb_bad_status) == -EINVAL);
	CHECK(virtio_bad(vb_wraps) == -EINVAL);
}

int main(void)
{
	CHECK_MAIN_BEGIN("fdt_virtio");
	RUN(virtio_nodes);
	RUN(virtio_bad);
	CHECK_MAIN_END();
}
