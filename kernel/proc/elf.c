/*
 * proc/elf.c - the ELF64 checker of the program loader.
 *
 * Model: an executable is a byte array data[0..size) that came from user
 * space or a disk, so every field in it is hostile until checked. The
 * loader maps what elf_parse reports and nothing else, so everything it
 * relies on is checked here, before anything is reported:
 *
 *  - the ELF header: magic, 64-bit, little-endian, version 1, ET_EXEC for
 *    EM_RISCV (no ET_DYN: Kite has no dynamic linker and loads at fixed
 *    addresses), program headers of the size we know;
 *  - the program header table lies inside the file; PT_INTERP and
 *    PT_DYNAMIC are refused (a dynamic executable would need ld.so);
 *  - each PT_LOAD with memsz > 0: its file bytes lie inside the file,
 *    filesz <= memsz (the rest is zero-filled .bss), it lies in the user
 *    half [USER_MIN, USER_TOP) so it can never reach page 0 or the kernel,
 *    vaddr and offset agree modulo the page size (so file pages copy to
 *    memory pages one for one), p_align is 0, 1 or a power of two, and it
 *    asks for at least one of R/W/X;
 *  - at most ELF_MAX_SEGS loads, no two sharing a page (a shared page
 *    would need two protections), at least one load, and an entry point
 *    inside an executable segment.
 *
 * Every sum of two file values is checked for wrap-around before use:
 * "a + b > size" is written as "a > size || b > size - a". Headers are
 * read with memcpy, so data need not be aligned. W+X segments are allowed:
 * the executable asked for them.
 */
#include "kernel/types.h"
#include "mm/pagetable.h"
#include "proc/elf.h"
#include "uapi/errno.h"
#include "lib/string.h"

#define ELF_MAX_PHNUM 64

/* e_ident[] */
#define EI_NIDENT 16
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1

#define ET_EXEC 2
#define EM_RISCV 243

/* p_type */
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3

/* p_flags */
#define PF_X 1
#define PF_W 2
#define PF_R 4

struct elf64_ehdr {
	uint8_t e_ident[EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "Elf64_Ehdr is 64 bytes");
_Static_assert(sizeof(struct elf64_phdr) == 56, "Elf64_Phdr is 56 bytes");

/* [off, off+len) lies inside a file of size bytes, without wrapping. */
static bool in_file(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static bool check_ehdr(const struct elf64_ehdr *eh, size_t size)
{
	uint64_t table;

	if (eh->e_ident[0] != 0x7f || eh->e_ident[1] != 'E' ||
	    eh->e_ident[2] != 'L' || eh->e_ident[3] != 'F')
		return false;
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_ident[EI_VERSION] != EV_CURRENT)
		return false;
	if (eh->e_type != ET_EXEC || eh->e_machine != EM_RISCV ||
	    eh->e_version != EV_CURRENT)
		return false;
	if (eh->e_phentsize != sizeof(struct elf64_phdr) ||
	    eh->e_phnum < 1 || eh->e_phnum > ELF_MAX_PHNUM)
		return false;
	/* at most 64 * 56 bytes: the product cannot wrap */
	table = (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr);
	return in_file(eh->e_phoff, table, size);
}

static unsigned prot_of(uint32_t flags)
{
	return ((flags & PF_R) ? VM_READ : 0) |
	       ((flags & PF_W) ? VM_WRITE : 0) |
	       ((flags & PF_X) ? VM_EXEC : 0);
}

/* Check one PT_LOAD with memsz > 0 and describe it in *seg. */
static bool check_load(const struct elf64_phdr *ph, size_t size,
		       struct elf_segment *seg)
{
	if (ph->p_filesz > ph->p_memsz)
		return false;
	if (!in_file(ph->p_offset, ph->p_filesz, size))
		return false;
	/* vaddr + memsz <= USER_TOP, written so that it cannot wrap */
	if (ph->p_vaddr < USER_MIN || ph->p_vaddr > USER_TOP ||
	    ph->p_memsz > USER_TOP - ph->p_vaddr)
		return false;
	if (ph->p_filesz > 0 &&
	    ph->p_vaddr % PAGE_SIZE != ph->p_offset % PAGE_SIZE)
		return false;
	if (ph->p_align > 1 && (ph->p_align & (ph->p_align - 1)) != 0)
		return false;
	if ((ph->p_flags & (PF_R | PF_W | PF_X)) == 0)
		return false;
	seg->vaddr = ph->p_vaddr;
	seg->memsz = ph->p_memsz;
	seg->offset = ph->p_offset;
	seg->filesz = ph->p_filesz;
	seg->prot = prot_of(ph->p_flags);
	return true;
}

/* Insert seg among the segments of im, keeping them sorted by vaddr. */
static void insert_sorted(struct elf_image *im, const struct elf_segment *seg)
{
	int i = im->nsegs;

	while (i > 0 && im->segs[i - 1].vaddr > seg->vaddr) {
		im->segs[i] = im->segs[i - 1];
		i--;
	}
	im->segs[i] = *seg;
	im->nsegs++;
}

/* Segments sorted, none sharing a page with the next; entry executable. */
static bool check_layout(struct elf_image *im)
{
	bool entry_ok = false;
	uint64_t prev_end = 0;
	int i;

	for (i = 0; i < im->nsegs; i++) {
		const struct elf_segment *s = &im->segs[i];
		/* end <= USER_TOP: rounding up cannot wrap */
		uint64_t end = s->vaddr + s->memsz;

		if (i > 0 && ALIGN_DOWN(s->vaddr, PAGE_SIZE) < prev_end)
			return false;
		prev_end = ALIGN_UP(end, PAGE_SIZE);
		if ((s->prot & VM_EXEC) && im->entry >= s->vaddr &&
		    im->entry < end)
			entry_ok = true;
	}
	if (!entry_ok)
		return false;
	im->lowest = ALIGN_DOWN(im->segs[0].vaddr, PAGE_SIZE);
	im->highest = prev_end;
	return true;
}

int elf_parse(const void *data, size_t size, struct elf_image *img)
{
	const uint8_t *bytes = data;
	struct elf64_ehdr eh;
	struct elf64_phdr ph;
	struct elf_segment seg;
	struct elf_image im;
	int i;

	if (size < sizeof(eh))
		return -ENOEXEC;
	memcpy(&eh, bytes, sizeof(eh));
	if (!check_ehdr(&eh, size))
		return -ENOEXEC;

	memset(&im, 0, sizeof(im));
	im.entry = eh.e_entry;
	for (i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, bytes + eh.e_phoff + (uint64_t)i * sizeof(ph),
		       sizeof(ph));
		if (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC)
			return -ENOEXEC;
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (im.nsegs == ELF_MAX_SEGS || !check_load(&ph, size, &seg))
			return -ENOEXEC;
		insert_sorted(&im, &seg);
	}
	if (im.nsegs == 0 || !check_layout(&im))
		return -ENOEXEC;
	*img = im;
	return 0;
}
