/*
 * tests/host/test_elf.c - the ELF64 checker of the loader (kernel/proc/elf.c).
 *
 * Images are built byte by byte in a static buffer (little-endian writers,
 * independent of elf.c's structures): a valid one has a text segment (R+X,
 * entry inside) and a data segment (R+W, with .bss), and each test breaks
 * one thing in it, so that only the check under test can refuse it.
 *
 * Covers: the valid image's entry, segments, protections and span; sorting
 * of out-of-order headers; PT_LOADs with memsz 0 skipped; boundary cases
 * that must pass (64 headers, 8 loads, a segment ending at USER_TOP,
 * segments on adjacent pages, p_align 0/1/4096); -ENOEXEC for a truncated
 * header, bad magic, class, data, versions, type (ET_DYN, ET_REL), machine,
 * phentsize, phnum 0 and 65, a header table past the end or wrapping,
 * filesz > memsz, data past the end or wrapping, page 0, vaddr + memsz
 * wrapping, addresses above USER_TOP and in the kernel, incongruent
 * offset/vaddr, bad p_align, no R/W/X, overlapping segments (same page),
 * the entry outside any segment or in a non-executable one, PT_INTERP and
 * PT_DYNAMIC, 9 loads, no load; *img untouched on failure; every prefix of
 * the valid image (each in a malloc of exactly its length, so ASan sees
 * any overread); every single-bit flip of the headers; and, if a path is
 * given on the command line, a real executable (build/user/hello.elf).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mm/pagetable.h"
#include "proc/elf.h"
#include "uapi/errno.h"

#define EH_SIZE 64
#define PH_SIZE 56
#define PHOFF EH_SIZE

#define PT_NULL 0
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PF_X 1
#define PF_W 2
#define PF_R 4

/* The valid image: text at file 0x1000, data (0x80 bytes + .bss) at 0x2000. */
#define TEXT_OFF 0x1000UL
#define TEXT_VA 0x10000UL
#define TEXT_SZ 0x100UL
#define DATA_OFF 0x2000UL
#define DATA_VA 0x12000UL
#define DATA_FILESZ 0x80UL
#define DATA_MEMSZ 0x3000UL
#define ENTRY (TEXT_VA + 0x10)
#define GOOD_SIZE (DATA_OFF + DATA_FILESZ)

static uint8_t buf[0x3000];
static size_t len; /* bytes of buf that make the image */

static void put16(size_t off, uint16_t v)
{
	buf[off] = v & 0xff;
	buf[off + 1] = v >> 8;
}

static void put32(size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		buf[off + i] = (uint8_t)(v >> (8 * i));
}

static void put64(size_t off, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		buf[off + i] = (uint8_t)(v >> (8 * i));
}

/* Header fields, by offset in Elf64_Ehdr / Elf64_Phdr. */
#define E_TYPE 16
#define E_MACHINE 18
#define E_VERSION 20
#define E_ENTRY 24
#define E_PHOFF 32
#define E_PHENTSIZE 54
#define E_PHNUM 56
#define P_TYPE 0
#define P_FLAGS 4
#define P_OFFSET 8
#define P_VADDR 16
#define P_FILESZ 32
#define P_MEMSZ 40
#define P_ALIGN 48

static size_t ph(int i, size_t field)
{
	return PHOFF + (size_t)i * PH_SIZE + field;
}

static void put_phdr(int i, uint32_t type, uint32_t flags, uint64_t off,
		     uint64_t va, uint64_t filesz, uint64_t memsz)
{
	put32(ph(i, P_TYPE), type);
	put32(ph(i, P_FLAGS), flags);
	put64(ph(i, P_OFFSET), off);
	put64(ph(i, P_VADDR), va);
	put64(ph(i, 24), va); /* p_paddr */
	put64(ph(i, P_FILESZ), filesz);
	put64(ph(i, P_MEMSZ), memsz);
	put64(ph(i, P_ALIGN), 0x1000);
}

/* An ELF header with phnum program headers right after it. */
static void put_ehdr(uint64_t entry, int phnum)
{
	static const uint8_t ident[16] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };

	memcpy(buf, ident, sizeof(ident));
	put16(E_TYPE, 2);      /* ET_EXEC */
	put16(E_MACHINE, 243); /* EM_RISCV */
	put32(E_VERSION, 1);
	put64(E_ENTRY, entry);
	put64(E_PHOFF, PHOFF);
	put64(40, 0);    /* e_shoff */
	put32(48, 0);    /* e_flags */
	put16(52, EH_SIZE);
	put16(E_PHENTSIZE, PH_SIZE);
	put16(E_PHNUM, (uint16_t)phnum);
}

/* Rebuild the valid two-segment image in buf. */
static void good(void)
{
	memset(buf, 0, sizeof(buf));
	put_ehdr(ENTRY, 2);
	put_phdr(0, PT_LOAD, PF_R | PF_X, TEXT_OFF, TEXT_VA, TEXT_SZ, TEXT_SZ);
	put_phdr(1, PT_LOAD, PF_R | PF_W, DATA_OFF, DATA_VA, DATA_FILESZ,
		 DATA_MEMSZ);
	for (size_t i = 0; i < TEXT_SZ; i++)
		buf[TEXT_OFF + i] = (uint8_t)(0x13 + i);
	for (size_t i = 0; i < DATA_FILESZ; i++)
		buf[DATA_OFF + i] = (uint8_t)(0xd0 ^ i);
	len = GOOD_SIZE;
}

static int parse(struct elf_image *img)
{
	return elf_parse(buf, len, img);
}

/* The image in buf is refused, and img is left as it was. */
static bool refused(void)
{
	struct elf_image img, before;

	memset(&img, 0xab, sizeof(img));
	before = img;
	return parse(&img) == -ENOEXEC && memcmp(&img, &before, sizeof(img)) == 0;
}

static bool accepted(void)
{
	struct elf_image img;

	return parse(&img) == 0;
}

TEST(valid_image)
{
	struct elf_image img;

	good();
	REQUIRE(parse(&img) == 0);
	CHECK(img.entry == ENTRY);
	REQUIRE(img.nsegs == 2);
	CHECK(img.segs[0].vaddr == TEXT_VA);
	CHECK(img.segs[0].memsz == TEXT_SZ);
	CHECK(img.segs[0].offset == TEXT_OFF);
	CHECK(img.segs[0].filesz == TEXT_SZ);
	CHECK(img.segs[0].prot == (VM_READ | VM_EXEC));
	CHECK(img.segs[1].vaddr == DATA_VA);
	CHECK(img.segs[1].memsz == DATA_MEMSZ);
	CHECK(img.segs[1].offset == DATA_OFF);
	CHECK(img.segs[1].filesz == DATA_FILESZ);
	CHECK(img.segs[1].prot == (VM_READ | VM_WRITE));
	CHECK(img.lowest == TEXT_VA);
	CHECK(img.highest == DATA_VA + DATA_MEMSZ);
}

/* Headers out of order, non-load headers and empty loads in between. */
TEST(sorted_and_skipped)
{
	struct elf_image img;

	good();
	put_ehdr(TEXT_VA + 0x1000 + 0x7ff, 5);
	put_phdr(0, PT_LOAD, PF_R | PF_W, DATA_OFF, DATA_VA, DATA_FILESZ,
		 DATA_MEMSZ);
	put_phdr(1, PT_NULL, 0, ~0UL, ~0UL, ~0UL, ~0UL);
	/* memsz 0: skipped whatever the rest says */
	put_phdr(2, PT_LOAD, 0, ~0UL, 0, ~0UL, 0);
	put_phdr(3, 0x70000003, PF_R, 0, 0, 0, 0); /* PT_RISCV_ATTRIBUTES */
	put_phdr(4, PT_LOAD, PF_R | PF_W | PF_X, TEXT_OFF, TEXT_VA + 0x1000,
		 TEXT_SZ, 0x800);
	REQUIRE(parse(&img) == 0);
	REQUIRE(img.nsegs == 2);
	CHECK(img.segs[0].vaddr == TEXT_VA + 0x1000);
	CHECK(img.segs[0].prot == (VM_READ | VM_WRITE | VM_EXEC));
	CHECK(img.segs[1].vaddr == DATA_VA);
	CHECK(img.lowest == TEXT_VA + 0x1000);
	CHECK(img.highest == DATA_VA + DATA_MEMSZ);
	CHECK(img.entry == TEXT_VA + 0x1000 + 0x7ff);
	/* one past the end of memsz (not filesz) is outside */
	put64(E_ENTRY, TEXT_VA + 0x1000 + 0x800);
	CHECK(refused());
}

TEST(boundaries_accepted)
{
	struct elf_image img;

	good(); /* 64 headers, all but two PT_NULL */
	put16(E_PHNUM, 64);
	CHECK(accepted());
	good(); /* data ends exactly at USER_TOP */
	put64(ph(1, P_VADDR), USER_TOP - DATA_MEMSZ);
	REQUIRE(parse(&img) == 0);
	CHECK(img.highest == USER_TOP);
	good(); /* text on the very first user page */
	put64(ph(0, P_VADDR), USER_MIN);
	put64(E_ENTRY, USER_MIN);
	CHECK(accepted());
	good(); /* data on the page right after the text's */
	put64(ph(1, P_VADDR), TEXT_VA + 0x1000);
	CHECK(accepted());
	good(); /* a .bss-only segment needs no congruence */
	put64(ph(1, P_FILESZ), 0);
	put64(ph(1, P_VADDR), DATA_VA + 0x123);
	CHECK(accepted());
	for (uint64_t a = 0; a <= 0x10000; a = a ? a << 1 : 1) {
		good();
		put64(ph(1, P_ALIGN), a);
		CHECK(accepted());
	}
	good(); /* the entry on the last byte of the text */
	put64(E_ENTRY, TEXT_VA + TEXT_SZ - 1);
	CHECK(accepted());
}

TEST(truncated_header)
{
	good();
	for (size_t n = 0; n < EH_SIZE; n++) {
		uint8_t *p = malloc(n ? n : 1);

		REQUIRE(p);
		memcpy(p, buf, n);
		CHECK(elf_parse(p, n, &(struct elf_image){ 0 }) == -ENOEXEC);
		free(p);
	}
}

TEST(bad_ident)
{
	for (int i = 0; i < 4; i++) {
		good();
		buf[i] ^= 0x20;
		CHECK(refused());
	}
	good();
	buf[4] = 1; /* ELFCLASS32 */
	CHECK(refused());
	good();
	buf[5] = 2; /* ELFDATA2MSB */
	CHECK(refused());
	good();
	buf[6] = 0; /* EI_VERSION */
	CHECK(refused());
}

TEST(bad_ehdr)
{
	static const uint16_t types[] = { 0, 1, 3, 4, 0xfe00 }; /* REL DYN CORE */

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		good();
		put16(E_TYPE, types[i]);
		CHECK(refused());
	}
	good();
	put16(E_MACHINE, 62); /* x86-64 */
	CHECK(refused());
	good();
	put32(E_VERSION, 0);
	CHECK(refused());
	good();
	put16(E_PHENTSIZE, 64);
	CHECK(refused());
	good();
	put16(E_PHENTSIZE, 32);
	CHECK(refused());
	good();
	put16(E_PHNUM, 0);
	CHECK(refused());
	good();
	put16(E_PHNUM, 65);
	CHECK(refused());
	good();
	put16(E_PHNUM, 0xffff);
	CHECK(refused());
}

TEST(bad_phoff)
{
	static const uint64_t offs[] = {
		GOOD_SIZE, GOOD_SIZE - 2 * PH_SIZE + 1, ~0UL, ~0UL - 50,
		-(uint64_t)(2 * PH_SIZE),     /* off + table wraps to 0 */
		-(uint64_t)(2 * PH_SIZE) + 8, /* ... to 8 */
		1UL << 63,
	};

	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		good();
		put64(E_PHOFF, offs[i]);
		CHECK(refused());
	}
	good(); /* the table as the last bytes of the file is fine */
	memcpy(buf + GOOD_SIZE, buf + PHOFF, 2 * PH_SIZE);
	put64(E_PHOFF, GOOD_SIZE);
	len = GOOD_SIZE + 2 * PH_SIZE;
	CHECK(accepted());
	len--;
	CHECK(refused());
}

TEST(bad_file_range)
{
	good();
	put64(ph(1, P_FILESZ), DATA_MEMSZ + 1);
	CHECK(refused());
	good(); /* data one byte past the end */
	len--;
	CHECK(refused());
	good();
	put64(ph(1, P_OFFSET), GOOD_SIZE - DATA_FILESZ + 0x1000);
	CHECK(refused());
	good(); /* offset + filesz wraps to 0x80 */
	put64(ph(1, P_OFFSET), 0xfffffffffffff000UL);
	put64(ph(1, P_FILESZ), 0x1080);
	put64(ph(1, P_MEMSZ), 0x2000);
	CHECK(refused());
	good(); /* offset itself past the end, filesz 0x80 */
	put64(ph(1, P_OFFSET), 0x10000);
	CHECK(refused());
}

TEST(bad_vaddr)
{
	good(); /* page 0 */
	put64(ph(1, P_VADDR), 0);
	CHECK(refused());
	good(); /* .bss ending in page 1, starting in page 0 */
	put64(ph(1, P_VADDR), USER_MIN - 1);
	put64(ph(1, P_FILESZ), 0);
	CHECK(refused());
	good(); /* vaddr + memsz wraps to 0 */
	put64(ph(1, P_VADDR), USER_TOP - 0x1000);
	put64(ph(1, P_MEMSZ), -(USER_TOP - 0x1000));
	CHECK(refused());
	good(); /* ... and to 0x1000 with a low start */
	put64(ph(1, P_MEMSZ), -DATA_VA + 0x1000);
	CHECK(refused());
	good(); /* starts at USER_TOP */
	put64(ph(1, P_VADDR), USER_TOP);
	CHECK(refused());
	good(); /* ends one byte past USER_TOP */
	put64(ph(1, P_VADDR), USER_TOP - DATA_MEMSZ + 1);
	put64(ph(1, P_FILESZ), 0);
	CHECK(refused());
	good(); /* the kernel's half */
	put64(ph(1, P_VADDR), 0xffffffc000000000UL);
	CHECK(refused());
	good(); /* non-canonical, just above the user half */
	put64(ph(1, P_VADDR), USER_TOP + 0x2000);
	CHECK(refused());
	good(); /* offset and vaddr disagree modulo the page size */
	put64(ph(1, P_VADDR), DATA_VA + 8);
	CHECK(refused());
	good();
	put64(ph(1, P_OFFSET), DATA_OFF - 0x800);
	CHECK(refused());
}

TEST(bad_flags_align)
{
	good();
	put32(ph(1, P_FLAGS), 0);
	CHECK(refused());
	good();
	put32(ph(1, P_FLAGS), 0x00f00008); /* only unknown bits */
	CHECK(refused());
	good();
	put64(ph(1, P_ALIGN), 3);
	CHECK(refused());
	good();
	put64(ph(1, P_ALIGN), 0x1800);
	CHECK(refused());
	good();
	put64(ph(1, P_ALIGN), ~0UL);
	CHECK(refused());
}

TEST(overlap)
{
	good(); /* data starts in the text's last page, bytes apart */
	put64(ph(1, P_VADDR), TEXT_VA + 0xf00);
	put64(ph(1, P_OFFSET), 0xf00);
	CHECK(refused());
	good(); /* data right after the text's last byte: same page */
	put64(ph(1, P_VADDR), TEXT_VA + TEXT_SZ);
	put64(ph(1, P_OFFSET), TEXT_SZ);
	CHECK(refused());
	good(); /* data below the text and running into it */
	put64(ph(1, P_VADDR), TEXT_VA - 0x2000);
	put64(ph(1, P_MEMSZ), 0x2001);
	CHECK(refused());
	good(); /* the same segment twice */
	memcpy(buf + ph(1, 0), buf + ph(0, 0), PH_SIZE);
	CHECK(refused());
}

TEST(bad_entry)
{
	static const uint64_t entries[] = {
		0, TEXT_VA - 1, TEXT_VA + TEXT_SZ, 0x20000, DATA_VA,
		DATA_VA + DATA_MEMSZ - 1, USER_TOP, ~0UL,
	};

	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		good();
		put64(E_ENTRY, entries[i]);
		CHECK(refused());
	}
	good(); /* text no longer executable */
	put32(ph(0, P_FLAGS), PF_R);
	CHECK(refused());
}

TEST(dynamic)
{
	good();
	put16(E_PHNUM, 3);
	put_phdr(2, PT_INTERP, PF_R, DATA_OFF, DATA_VA, 0x10, 0x10);
	CHECK(refused());
	good();
	put16(E_PHNUM, 3);
	put_phdr(2, PT_DYNAMIC, PF_R | PF_W, DATA_OFF, DATA_VA, 0x10, 0x10);
	CHECK(refused());
	good(); /* first, before any load */
	put16(E_PHNUM, 3);
	memcpy(buf + ph(2, 0), buf + ph(0, 0), PH_SIZE);
	put_phdr(0, PT_INTERP, PF_R, 0, 0, 0, 0);
	CHECK(refused());
}

/* n one-page loads of text; the entry in the first. */
static void many_loads(int n)
{
	memset(buf, 0, sizeof(buf));
	put_ehdr(TEXT_VA, n);
	for (int i = 0; i < n; i++)
		put_phdr(i, PT_LOAD, PF_R | PF_X, TEXT_OFF,
			 TEXT_VA + (uint64_t)i * 0x1000, 0x10, 0x10);
	len = TEXT_OFF + 0x10;
}

TEST(load_count)
{
	struct elf_image img;

	many_loads(ELF_MAX_SEGS);
	REQUIRE(parse(&img) == 0);
	CHECK(img.nsegs == ELF_MAX_SEGS);
	CHECK(img.highest == TEXT_VA + ELF_MAX_SEGS * 0x1000);
	many_loads(ELF_MAX_SEGS + 1);
	CHECK(refused());
	many_loads(ELF_MAX_SEGS + 1); /* a ninth that is empty is skipped */
	put64(ph(ELF_MAX_SEGS, P_MEMSZ), 0);
	put64(ph(ELF_MAX_SEGS, P_FILESZ), 0);
	CHECK(accepted());
	good(); /* no load at all */
	put32(ph(0, P_TYPE), PT_NULL);
	put32(ph(1, P_TYPE), 6); /* PT_PHDR */
	CHECK(refused());
	good(); /* only empty loads */
	put64(ph(0, P_MEMSZ), 0);
	put64(ph(0, P_FILESZ), 0);
	put64(ph(1, P_MEMSZ), 0);
	put64(ph(1, P_FILESZ), 0);
	CHECK(refused());
}

/* Each prefix of the valid image, in a buffer of exactly its length. */
TEST(every_prefix)
{
	good();
	REQUIRE(accepted());
	for (size_t n = 0; n < GOOD_SIZE; n++) {
		uint8_t *p = malloc(n ? n : 1);
		struct elf_image img;

		REQUIRE(p);
		memcpy(p, buf, n);
		memset(&img, 0x5a, sizeof(img));
		CHECK(elf_parse(p, n, &img) == -ENOEXEC);
		free(p);
	}
}

/* What a 0 result promises, checked against the file it came from. */
static bool sane(const struct elf_image *img, size_t size)
{
	bool entry = false;

	if (img->nsegs < 1 || img->nsegs > ELF_MAX_SEGS ||
	    img->lowest % 4096 || img->highest % 4096 ||
	    img->lowest < USER_MIN || img->highest > USER_TOP)
		return false;
	for (int i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->segs[i];

		if (s->filesz > s->memsz || s->offset > size ||
		    s->filesz > size - s->offset || s->vaddr < img->lowest ||
		    s->memsz > img->highest - s->vaddr || s->prot == 0 ||
		    (s->prot & ~(VM_READ | VM_WRITE | VM_EXEC)))
			return false;
		if (i > 0 && s->vaddr / 4096 <=
			     (img->segs[i - 1].vaddr + img->segs[i - 1].memsz - 1) / 4096)
			return false;
		if ((s->prot & VM_EXEC) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->memsz)
			entry = true;
	}
	return entry;
}

/* Every single-bit flip in the headers: no crash, and any image accepted
 * keeps the promises. */
TEST(bit_flips)
{
	size_t end = PHOFF + 2 * PH_SIZE;
	int accepted_n = 0;

	for (size_t bit = 0; bit < end * 8; bit++) {
		struct elf_image img;

		good();
		buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (parse(&img) == 0) {
			accepted_n++;
			CHECK(sane(&img, len));
		}
	}
	CHECK(accepted_n > 0); /* e.g. flips in e_shoff or p_paddr */
}

static const char *real_path;

TEST(real_file)
{
	struct elf_image img;
	FILE *f = fopen(real_path, "rb");
	uint8_t *p;
	long n;

	REQUIRE(f);
	REQUIRE(fseek(f, 0, SEEK_END) == 0);
	n = ftell(f);
	REQUIRE(n > 0);
	rewind(f);
	p = malloc((size_t)n);
	REQUIRE(p);
	CHECK(fread(p, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	CHECK(elf_parse(p, (size_t)n, &img) == 0 && sane(&img, (size_t)n));
	free(p);
}

int main(int argc, char **argv)
{
	CHECK_MAIN_BEGIN("elf");
	RUN(valid_image);
	RUN(sorted_and_skipped);
	RUN(boundaries_accepted);
	RUN(truncated_header);
	RUN(bad_ident);
	RUN(bad_ehdr);
	RUN(bad_phoff);
	RUN(bad_file_range);
	RUN(bad_vaddr);
	RUN(bad_flags_align);
	RUN(overlap);
	RUN(bad_entry);
	RUN(dynamic);
	RUN(load_count);
	RUN(every_prefix);
	RUN(bit_flips);
	if (argc > 1) {
		real_path = argv[1];
		RUN(real_file);
	}
	CHECK_MAIN_END();
}
