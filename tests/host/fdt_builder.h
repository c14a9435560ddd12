/*
 * tests/host/fdt_builder.h - a tiny flattened-device-tree writer for the
 * fdt tests: begin/end nodes, add properties (strings, cells, raw bytes),
 * and finish into a blob with a header, a memory-reservation block and
 * the strings block, so that tests can build exactly the tree (or the
 * corruption) they need. Static helpers; included by test_fdt.c only.
 */
#ifndef KITE_TEST_FDT_BUILDER_H
#define KITE_TEST_FDT_BUILDER_H

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lib/fdt.h"

struct dtb {
	uint8_t st[8192];
	size_t slen;
	char str[512];
	size_t strlen;
	uint64_t rsv[16][2];
	int nrsv;
	bool struct_last;       /* put the structure block at the very end */
	uint32_t struct_pad;    /* bytes before it then (2: misaligned) */
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static __attribute__((unused)) uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void b_raw(struct dtb *b, const void *p, size_t n)
{
	memcpy(b->st + b->slen, p, n);
	b->slen += n;
	while (b->slen % 4)
		b->st[b->slen++] = 0;
}

static void b_u32(struct dtb *b, uint32_t v)
{
	put32(b->st + b->slen, v);
	b->slen += 4;
}

static void b_begin(struct dtb *b, const char *name)
{
	b_u32(b, 1);
	b_raw(b, name, strlen(name) + 1);
}

static void b_end(struct dtb *b)
{
	b_u32(b, 2);
}

static uint32_t b_stroff(struct dtb *b, const char *name)
{
	size_t off;

	for (off = 0; off < b->strlen; off += strlen(b->str + off) + 1)
		if (!strcmp(b->str + off, name))
			return off;
	strcpy(b->str + b->strlen, name);
	b->strlen += strlen(name) + 1;
	return off;
}

static void b_prop(struct dtb *b, const char *name, const void *v, size_t n)
{
	b_u32(b, 3);
	b_u32(b, n);
	b_u32(b, b_stroff(b, name));
	b_raw(b, v, n);
}

static void b_str(struct dtb *b, const char *name, const char *s)
{
	b_prop(b, name, s, strlen(s) + 1);
}

/* A property of n u32 cells. */
static void b_cells(struct dtb *b, const char *name, int n, ...)
{
	uint8_t v[64];
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		put32(v + 4 * i, va_arg(ap, uint32_t));
	va_end(ap);
	b_prop(b, name, v, 4 * n);
}

/* Header, reservation block, structure, strings, in exactly totalsize. */
static uint8_t *b_finish(struct dtb *b, uint32_t *total)
{
	uint32_t rsv = 40, soff = rsv + 16 * (b->nrsv + 1), stroff;
	uint8_t *p;
	int i;

	stroff = soff + b->slen;
	if (b->struct_last) {
		stroff = soff;
		soff = ALIGN_UP(stroff + b->strlen, 4) + b->struct_pad;
	}
	*total = MAX(stroff + b->strlen, soff + b->slen);
	p = calloc(1, *total);
	put32(p, 0xd00dfeed);
	put32(p + 4, *total);
	put32(p + 8, soff);
	put32(p + 12, stroff);
	put32(p + 16, rsv);
	put32(p + 20, 17);
	put32(p + 24, 16);
	put32(p + 32, b->strlen);
	put32(p + 36, b->slen);
	for (i = 0; i < b->nrsv; i++) {
		put32(p + rsv + 16 * i, b->rsv[i][0] >> 32);
		put32(p + rsv + 16 * i + 4, b->rsv[i][0]);
		put32(p + rsv + 16 * i + 8, b->rsv[i][1] >> 32);
		put32(p + rsv + 16 * i + 12, b->rsv[i][1]);
	}
	memcpy(p + soff, b->st, b->slen);
	memcpy(p + stroff, b->str, b->strlen);
	return p;
}

static int parse_built(struct dtb *b, struct fdt_info *info)
{
	uint32_t total;
	uint8_t *p = b_finish(b, &total);
	int rc = fdt_parse(p, info);

	free(p);
	return rc;
}

/* A root with the given cells (0: property absent) and a cpus node. */
static void b_root(struct dtb *b, uint32_t ac, uint32_t sc)
{
	memset(b, 0, sizeof(*b));
	b_begin(b, "");
	if (ac)
		b_cells(b, "#address-cells", 1, ac);
	if (sc)
		b_cells(b, "#size-cells", 1, sc);
}

static void b_cpu(struct dtb *b, uint32_t id, const char *status)
{
	char name[32];

	snprintf(name, sizeof(name), "cpu@%x", id);
	b_begin(b, name);
	if (status)
		b_str(b, "status", status);
	b_cells(b, "reg", 1, id);
	b_str(b, "device_type", "cpu");
	b_end(b);
}

/* The small valid tree the corruption tests start from. */
static __attribute__((unused)) void b_small(struct dtb *b)
{
	b_root(b, 2, 2);
	b_begin(b, "memory@80000000");
	b_str(b, "device_type", "memory");
	b_cells(b, "reg", 4, 0, 0x80000000, 0, 0x8000000);
	b_end(b);
	b_begin(b, "cpus");
	b_cells(b, "#address-cells", 1, 1);
	b_cells(b, "#size-cells", 1, 0);
	b_cells(b, "timebase-frequency", 1, 10000000);
	b_cpu(b, 0, "okay");
	b_end(b);
	b_begin(b, "chosen");
	b_str(b, "bootargs", "a b");
	b_end(b);
	b_end(b);
	b_u32(b, 9);
}

#endif
