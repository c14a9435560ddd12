/*
 * tests/host/test_fdt.c - fdt_parse() on real QEMU virt DTBs and on blobs
 * built here, well-formed and corrupted.
 *
 * (The virtio,mmio nodes have their own tests: test_fdt_virtio.c.)
 *
 * Usage: test_fdt SPEC... or test_fdt @SPECFILE (one SPEC a line), where
 * SPEC is FILE:NHARTS:MEM_BYTES_HEX:BOOTARGS (tests/host/mkdtb.sh writes
 * them). Each real DTB is copied into a buffer of exactly totalsize bytes,
 * as are the built blobs, so that ASan catches any read past the end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lib/fdt.h"
#include "uapi/errno.h"
#include "fdt_builder.h"

/* ---- real DTBs ---- */

/* A malloc'ed copy of the file's first totalsize bytes, or NULL. */
static uint8_t *load_dtb(const char *path)
{
	static uint8_t file[1 << 21];
	FILE *f = fopen(path, "rb");
	size_t n;
	uint32_t total;
	uint8_t *blob;

	if (!f)
		return NULL;
	n = fread(file, 1, sizeof(file), f);
	fclose(f);
	if (n < 8)
		return NULL;
	total = fdt_totalsize(file);
	if (total < 8 || total > n || !(blob = malloc(total)))
		return NULL;
	memcpy(blob, file, total);
	return blob;
}

/* Parse after every single-bit flip: -EINVAL or 0, never a stray read. */
static void flip_all(const char *check_test, uint8_t *p, uint32_t total)
{
	struct fdt_info info;
	uint32_t i;
	int bit, rc;

	for (i = 0; i < total; i++) {
		for (bit = 0; bit < 8; bit++) {
			p[i] ^= 1 << bit;
			rc = fdt_parse(p, &info);
			p[i] ^= 1 << bit;
			CHECK(rc == 0 || rc == -EINVAL);
		}
	}
}

/* Check one SPEC "FILE:NHARTS:MEM_BYTES_HEX:BOOTARGS". */
static void check_dtb(const char *check_test, char *spec)
{
	char *path = spec, *c1, *c2, *c3;
	struct fdt_info info;
	unsigned long nharts, i;
	unsigned long long mem;
	uint8_t *blob;

	c1 = strchr(spec, ':');
	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	c3 = c2 ? strchr(c2 + 1, ':') : NULL;
	REQUIRE(c3 != NULL);
	*c1 = *c2 = *c3 = '\0';
	nharts = strtoul(c1 + 1, NULL, 10);
	mem = strtoull(c2 + 1, NULL, 16);
	blob = load_dtb(path);
	REQUIRE(blob != NULL);
	CHECK(fdt_parse(blob, &info) == 0);
	CHECK(info.totalsize == fdt_totalsize(blob));
	CHECK(info.nharts == (int)nharts);
	for (i = 0; i < nharts && i < NCPU; i++)
		CHECK(info.hartids[i] == i);
	CHECK(info.nmem == 1);
	CHECK(info.mem[0].base == 0x80000000);
	CHECK(info.mem[0].size == mem);
	CHECK(info.timebase_freq == 10000000);
	CHECK(strcmp(info.bootargs, c3 + 1) == 0);
	CHECK(info.nvirtio == 8);  /* virt: 8 transports, highest first */
	for (i = 0; i < (unsigned long)info.nvirtio; i++) {
		CHECK(info.virtio[i].base == 0x10008000 - 0x1000 * i);
		CHECK(info.virtio[i].size == 0x1000);
		CHECK(info.virtio[i].irq == 8 - i);
	}
	flip_all(check_test, blob, info.totalsize);
	free(blob);
}

/* Name a DTB's test after its file: "dtb_virt-smp4". */
static void run_dtb(char *spec)
{
	char name[64], *slash = strrchr(spec, '/'), *colon;

	snprintf(name, sizeof(name), "dtb_%s", slash ? slash + 1 : spec);
	colon = strchr(name, ':');
	if (colon)
		*colon = '\0';
	if (strstr(name, ".dtb"))
		*strstr(name, ".dtb") = '\0';
	check_failed_now = 0;
	check_dtb(name, spec);
	if (check_failed_now)
		check_failed_total++;
	else
		printf("ok %s/%s\n", check_suite, name);
}

static int run_spec_file(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0]) {
			run_dtb(line);
			n++;
		}
	}
	fclose(f);
	return n;
}

/* ---- well-formed built trees ---- */

TEST(built_full)
{
	struct dtb b;
	struct fdt_info info;
	uint8_t tb64[8] = { 0, 0, 0, 1, 0, 0, 0, 2 };

	b_root(&b, 2, 2);
	b.rsv[b.nrsv][0] = 0x80000000;
	b.rsv[b.nrsv++][1] = 0x200000;
	b_begin(&b, "memory@80000000");
	b_cells(&b, "reg", 8, 0, 0x80000000, 0, 0x1000000,
		1, 0, 0, 0x2000);                /* reg before device_type */
	b_str(&b, "device_type", "memory");
	b_end(&b);
	b_begin(&b, "ram@2000000000");          /* by device_type only */
	b_u32(&b, 4);                           /* FDT_NOP */
	b_str(&b, "device_type", "memory");
	b_cells(&b, "reg", 4, 0x20, 0, 0, 0x1000);
	b_end(&b);
	b_begin(&b, "memory@a0000000");         /* other device_type */
	b_str(&b, "device_type", "pmem");
	b_cells(&b, "reg", 4, 0, 0xa0000000, 0, 0x1000);
	b_end(&b);
	b_begin(&b, "memory@90000000");         /* disabled */
	b_str(&b, "device_type", "memory");
	b_str(&b, "status", "disabled");
	b_cells(&b, "reg", 4, 0, 0x90000000, 0, 0x1000);
	b_end(&b);
	b_begin(&b, "soc");                     /* a memory@ deeper: ignored */
	b_begin(&b, "memory@0");
	b_str(&b, "device_type", "memory");
	b_cells(&b, "reg", 4, 0, 0, 0, 0x1000);
	b_end(&b);
	b_end(&b);
	b_begin(&b, "reserved-memory");
	b_cells(&b, "#address-cells", 1, 1);
	b_cells(&b, "#size-cells", 1, 1);
	b_begin(&b, "mmode@80000000");
	b_cells(&b, "reg", 2, 0x80000000, 0x40000);
	b_end(&b);
	b_begin(&b, "dynamic");                 /* no reg: nothing kept */
	b_cells(&b, "size", 1, 0x1000);
	b_end(&b);
	b_end(&b);
	b_begin(&b, "cpus");
	b_cells(&b, "#address-cells", 1, 1);
	b_cells(&b, "#size-cells", 1, 0);
	b_cpu(&b, 0, "okay");
	b_cpu(&b, 1, "disabled");
	b_cpu(&b, 2, NULL);
	b_begin(&b, "cpu@3");                   /* tb here, status "ok" */
	b_prop(&b, "timebase-frequency", tb64, 8);
	b_str(&b, "status", "ok");
	b_cells(&b, "reg", 1, 3);
	b_end(&b);
	b_begin(&b, "cpu-map");
	b_begin(&b, "cluster0");
	b_end(&b);
	b_end(&b);
	b_end(&b);
	b_begin(&b, "chosen");
	b_str(&b, "bootargs", "console=ttyS0 quiet");
	b_end(&b);
	b_end(&b);
	b_u32(&b, 9);
	REQUIRE(parse_built(&b, &info) == 0);
	CHECK(info.nmem == 3);
	CHECK(info.mem[0].base == 0x80000000 && info.mem[0].size == 0x1000000);
	CHECK(info.mem[1].base == 0x100000000 && info.mem[1].size == 0x2000);
	CHECK(info.mem[2].base == 0x2000000000 && info.mem[2].size == 0x1000);
	CHECK(info.nreserved == 2);
	CHECK(info.reserved[0].base == 0x80000000);
	CHECK(info.reserved[0].size == 0x200000);
	CHECK(info.reserved[1].base == 0x80000000);
	CHECK(info.reserved[1].size == 0x40000);
	CHECK(info.nharts == 3);
	CHECK(info.hartids[0] == 0 && info.hartids[1] == 2);
	CHECK(info.hartids[2] == 3);
	CHECK(info.timebase_freq == 0x100000002ULL);
	CHECK(strcmp(info.bootargs, "console=ttyS0 quiet") == 0);
}

TEST(default_cells)
{
	struct dtb b;
	struct fdt_info info;

	b_root(&b, 0, 0);                       /* 2 address, 1 size cell */
	b_begin(&b, "memory");
	b_cells(&b, "reg", 3, 0, 0x80000000, 0x4000000);
	b_end(&b);
	b_end(&b);
	b_u32(&b, 9);
	REQUIRE(parse_built(&b, &info) == 0);
	CHECK(info.nmem == 1);
	CHECK(info.mem[0].base == 0x80000000 && info.mem[0].size == 0x4000000);
	CHECK(info.nharts == 0 && info.timebase_freq == 0);
	CHECK(info.bootargs[0] == '\0');
}

TEST(caps_and_truncation)
{
	struct dtb b;
	struct fdt_info info;
	char args[400];
	uint8_t reg[80];
	uint32_t i;

	b_root(&b, 1, 1);
	for (i = 0; i < 10; i++) {
		b.rsv[b.nrsv][0] = 0x1000 * i;
		b.rsv[b.nrsv++][1] = 0x10;
	}
	for (i = 0; i < 10; i++) {              /* 10 regions in one reg */
		put32(reg + 8 * i, 0x100000 * i);
		put32(reg + 8 * i + 4, 0x1000);
	}
	b_begin(&b, "memory@0");
	b_prop(&b, "reg", reg, sizeof(reg));
	b_str(&b, "device_type", "memory");
	b_end(&b);
	b_begin(&b, "cpus");
	b_cells(&b, "#address-cells", 1, 1);
	b_cells(&b, "#size-cells", 1, 0);
	b_cells(&b, "timebase-frequency", 1, 1000);
	for (i = 0; i < 12; i++)
		b_cpu(&b, 100 + i, "okay");
	b_end(&b);
	memset(args, 'x', sizeof(args) - 1);
	args[sizeof(args) - 1] = '\0';
	b_begin(&b, "chosen");
	b_str(&b, "bootargs", args);
	b_end(&b);
	b_end(&b);
	b_u32(&b, 9);
	REQUIRE(parse_built(&b, &info) == 0);
	CHECK(info.nmem == FDT_MAX_MEM);
	CHECK(info.mem[FDT_MAX_MEM - 1].base == 0x700000);
	CHECK(info.nreserved == FDT_MAX_MEM);
	CHECK(info.reserved[FDT_MAX_MEM - 1].base == 0x7000);
	CHECK(info.nharts == 12);
	CHECK(info.hartids[NCPU - 1] == 100 + NCPU - 1);
	CHECK(info.timebase_freq == 1000);
	CHECK(strlen(info.bootargs) == BOOTARGS_MAX - 1);
}

TEST(depth_limit)
{
	struct dtb b;
	struct fdt_info info;
	int i;

	b_root(&b, 0, 0);                       /* 16 open nodes: fine */
	for (i = 0; i < 15; i++)
		b_begin(&b, "n");
	for (i = 0; i < 16; i++)
		b_end(&b);
	b_u32(&b, 9);
	CHECK(parse_built(&b, &info) == 0);
	b_root(&b, 0, 0);                       /* 17: refused */
	for (i = 0; i < 16; i++)
		b_begin(&b, "n");
	for (i = 0; i < 17; i++)
		b_end(&b);
	b_u32(&b, 9);
	CHECK(parse_built(&b, &info) == -EINVAL);
}

/* ---- corruptions ---- */

/* b_small() as an exact-size blob. */
static uint8_t *small_blob(uint32_t *total)
{
	struct dtb b;

	b_small(&b);
	return b_finish(&b, total);
}

/* Parse with the header word at off set to v; 1 if *info was not zeroed. */
static int parse_patched(uint32_t off, uint32_t v)
{
	static const struct fdt_info zero;
	struct fdt_info info;
	uint32_t total;
	uint8_t *p = small_blob(&total);
	int rc;

	put32(p + off, v);
	memset(&info, 0x5a, sizeof(info));
	rc = fdt_parse(p, &info);
	if (rc && memcmp(&info, &zero, sizeof(info)))
		rc = 1;
	free(p);
	return rc;
}

TEST(bad_header)
{
	struct fdt_info info;
	uint32_t total;
	uint8_t *p = small_blob(&total), *tiny;

	CHECK(fdt_parse(p, &info) == 0);
	CHECK(info.totalsize == total && fdt_totalsize(p) == total);
	CHECK(strcmp(info.bootargs, "a b") == 0);
	free(p);
	CHECK(parse_patched(0, 0xd00dfeee) == -EINVAL);
	CHECK(parse_patched(20, 15) == -EINVAL);        /* version */
	CHECK(parse_patched(24, 18) == -EINVAL);        /* last_comp_version */
	CHECK(parse_patched(4, 39) == -EINVAL);         /* totalsize < header */
	tiny = malloc(8);                               /* header cut short */
	put32(tiny, 0xd00dfeed);
	put32(tiny + 4, 8);
	CHECK(fdt_parse(tiny, &info) == -EINVAL);
	put32(tiny, 0x12345678);
	CHECK(fdt_totalsize(tiny) == 0);
	free(tiny);
}

TEST(bad_offsets)
{
	uint32_t total;
	uint8_t *p = small_blob(&total);
	uint32_t soff = get32(p + 8), strsize = get32(p + 32);
	uint32_t ssize = get32(p + 36);

	free(p);
	CHECK(parse_patched(8, total + 4) == -EINVAL);  /* off_dt_struct */
	CHECK(parse_patched(8, 0) == -EINVAL);          /* over the header */
	CHECK(parse_patched(8, soff + 2) == -EINVAL);   /* misaligned */
	CHECK(parse_patched(36, 0xfffffff0) == -EINVAL); /* wraps around */
	CHECK(parse_patched(36, total - soff + 4) == -EINVAL);
	CHECK(parse_patched(12, total) == -EINVAL);     /* off_dt_strings */
	CHECK(parse_patched(12, 0) == -EINVAL);
	CHECK(parse_patched(32, 0xfffffffc) == -EINVAL);
	CHECK(parse_patched(32, strsize + 1) == -EINVAL);
	CHECK(parse_patched(16, total) == -EINVAL);     /* rsvmap, no room */
	CHECK(parse_patched(16, total - 8) == -EINVAL);
	CHECK(parse_patched(16, 44) == -EINVAL);        /* misaligned */
	CHECK(parse_patched(36, ssize - 2) == -EINVAL); /* END cut short */
}

/* Build, then cut the structure block to len bytes (exact buffer). */
static int parse_cut(struct dtb *b, size_t len)
{
	b->slen = len;
	return parse_built(b, &(struct fdt_info){ 0 });
}

TEST(bad_structure)
{
	struct dtb b;
	struct fdt_info info;
	size_t full, len;

	b_small(&b);
	full = b.slen;
	for (len = 0; len < full; len++) {      /* no FDT_END at every cut */
		b_small(&b);
		b.struct_last = true;           /* the cut is the buffer's end */
		CHECK(parse_cut(&b, len) == -EINVAL);
	}
	b_small(&b);
	b.struct_last = true;
	CHECK(parse_cut(&b, full) == 0);
	b_small(&b);                            /* structure misaligned */
	b.struct_last = true;
	b.struct_pad = 2;
	CHECK(parse_built(&b, &info) == -EINVAL);
	memset(&b, 0, sizeof(b));               /* name runs off the end */
	b_u32(&b, 1);
	memcpy(b.st + b.slen, "abcd", 4);
	b.slen += 4;
	CHECK(parse_built(&b, &info) == -EINVAL);
	b_small(&b);                            /* string offset too big */
	put32(b.st + 16, b.strlen);
	CHECK(parse_built(&b, &info) == -EINVAL);
	b_small(&b);                            /* last name unterminated */
	b.strlen--;
	CHECK(parse_built(&b, &info) == -EINVAL);
	b_small(&b);                            /* property runs off */
	put32(b.st + 12, 0x7ffffff0);
	CHECK(parse_built(&b, &info) == -EINVAL);
	b_small(&b);                            /* unknown token */
	put32(b.st + b.slen - 4, 7);
	CHECK(parse_built(&b, &info) == -EINVAL);
}

TEST(bad_nesting)
{
	struct dtb b;
	struct fdt_info info;

	b_small(&b);                            /* extra END_NODE */
	put32(b.st + b.slen - 4, 2);
	b_u32(&b, 9);
	CHECK(parse_built(&b, &info) == -EINVAL);
	b_small(&b);                            /* END inside the root */
	b.slen -= 8;
	b_u32(&b, 9);
	CHECK(parse_built(&b, &info) == -EINVAL);
	b_small(&b);                            /* a second root */
	b.slen -= 4;
	b_begin(&b, "");
	b_end(&b);
	b_u32(&b, 9);
	CHECK(parse_built(&b, &info) == -EINVAL);
	b_root(&b, 2, 2);                       /* property after a subnode */
	b_begin(&b, "x");
	b_end(&b);
	b_cells(&b, "#size-cells", 1, 1);
	b_end(&b);
	b_u32(&b, 9);
	CHECK(parse_built(&b, &info) == -EINVAL);
	memset(&b, 0, sizeof(b));               /* property before the root */
	b_cells(&b, "x", 1, 1);
	b_begin(&b, "");
	b_end(&b);
	b_u32(&b, 9);
	CHECK(parse_built(&b, &info) == -EINVAL);
}

TEST(bad_values)
{
	struct dtb b;
	struct fdt_info info;

	b_root(&b, 2, 2);                       /* reg not whole pairs */
	b_begin(&b, "memory@0");
	b_cells(&b, "reg", 3, 0, 0, 0x1000);
	b_end(&b);
	b_end(&b);
	b_u32(&b, 9);
	CHECK(parse_built(&b, &info) == -EINVAL);
	b_root(&b, 3, 2);                       /* 3 address cells */
	b_begin(&b, "memory@0");
	b_cells(&b, "reg", 5, 0, 0, 0, 0, 0x1000);
	b_end(&b);
	b_end(&b);
	b_u32(&b, 9);
	CHECK(parse_built(&b, &info) == -EINVAL);
	b_root(&b, 0, 0);                       /* hart id over 32 bits */
	b_begin(&b, "cpus");
	b_cells(&b, "#address-cells", 1, 2);
	b_cells(&b, "#size-cells", 1, 0);
	b_begin(&b, "cpu@100000000");
	b_str(&b, "device_type", "cpu");
	b_cells(&b, "reg", 2, 1, 0);
	b_end(&b);
	b_end(&b);
	b_end(&b);
	b_u32(&b, 9);
	CHECK(parse_built(&b, &info) == -EINVAL);
	b_root(&b, 0, 0);                       /* cpu reg with no address */
	b_begin(&b, "cpus");
	b_cells(&b, "#address-cells", 1, 0);
	b_cells(&b, "#size-cells", 1, 1);
	b_begin(&b, "cpu@0");
	b_str(&b, "device_type", "cpu");
	b_cells(&b, "reg", 1, 0);
	b_end(&b);
	b_end(&b);
	b_end(&b);
	b_u32(&b, 9);
	CHECK(parse_built(&b, &info) == -EINVAL);
	b_root(&b, 0, 0);                       /* 8-byte #address-cells */
	b_cells(&b, "#address-cells", 2, 0, 2);
	b_end(&b);
	b_u32(&b, 9);
	CHECK(parse_built(&b, &info) == -EINVAL);
	b_root(&b, 0, 0);                       /* cpu without reg */
	b_begin(&b, "cpus");
	b_begin(&b, "cpu@0");
	b_str(&b, "device_type", "cpu");
	b_end(&b);
	b_end(&b);
	b_end(&b);
	b_u32(&b, 9);
	CHECK(parse_built(&b, &info) == -EINVAL);
	b_root(&b, 0, 0);                       /* 3-byte timebase */
	b_begin(&b, "cpus");
	b_prop(&b, "timebase-frequency", "abc", 3);
	b_end(&b);
	b_end(&b);
	b_u32(&b, 9);
	CHECK(parse_built(&b, &info) == -EINVAL);
	b_root(&b, 0, 0);                       /* unterminated status */
	b_begin(&b, "memory");
	b_prop(&b, "status", "okay", 4);
	b_end(&b);
	b_end(&b);
	b_u32(&b, 9);
	CHECK(parse_built(&b, &info) == -EINVAL);
	b_root(&b, 0, 0);                       /* unterminated bootargs */
	b_begin(&b, "chosen");
	b_prop(&b, "bootargs", "abc", 3);
	b_end(&b);
	b_end(&b);
	b_u32(&b, 9);
	CHECK(parse_built(&b, &info) == -EINVAL);
}

TEST(rsvmap)
{
	struct dtb b;
	struct fdt_info info;
	uint32_t total;
	uint8_t *p;

	b_small(&b);                            /* size 0: skipped */
	b.rsv[b.nrsv][0] = 0x100000000;
	b.rsv[b.nrsv++][1] = 0;
	p = b_finish(&b, &total);
	CHECK(fdt_parse(p, &info) == 0 && info.nreserved == 0);
	put32(p + 16, 44);                      /* zeros there, misaligned */
	CHECK(fdt_parse(p, &info) == -EINVAL);
	free(p);
	b_small(&b);                            /* base + size wraps */
	b.rsv[b.nrsv][0] = 0xfffffffffffff000;
	b.rsv[b.nrsv++][1] = 0x2000;
	CHECK(parse_built(&b, &info) == -EINVAL);
	b_root(&b, 2, 2);                       /* same in a memory reg */
	b_begin(&b, "memory@0");
	b_cells(&b, "reg", 4, 0xffffffff, 0xfffff000, 0, 0x2000);
	b_end(&b);
	b_end(&b);
	b_u32(&b, 9);
	CHECK(parse_built(&b, &info) == -EINVAL);
}

/* Every single-bit flip and every shorter totalsize: no stray reads. */
TEST(fuzz)
{
	struct fdt_info info;
	uint32_t total, t;
	uint8_t *p = small_blob(&total), *q;

	flip_all(check_test, p, total);
	for (t = 8; t < total; t++) {
		q = malloc(t);
		memcpy(q, p, t);
		put32(q + 4, t);
		CHECK(fdt_parse(q, &info) == -EINVAL);
		free(q);
	}
	free(p);
}

int main(int argc, char **argv)
{
	int i, ndtb = 0;

	CHECK_MAIN_BEGIN("fdt");
	RUN(built_full);
	RUN(default_cells);
	RUN(caps_and_truncation);
	RUN(depth_limit);
	RUN(bad_header);
	RUN(bad_offsets);
	RUN(bad_structure);
	RUN(bad_nesting);
	RUN(bad_values);
	RUN(rsvmap);
	RUN(fuzz);
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '@') {
			ndtb += run_spec_file(argv[i] + 1);
		} else {
			run_dtb(argv[i]);
			ndtb++;
		}
	}
	if (ndtb == 0) {
		printf("FAIL fdt/dtb: no QEMU DTB given (see mkdtb.sh)\n");
		check_failed_total++;
	}
	CHECK_MAIN_END();
}
