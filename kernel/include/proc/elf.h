/*
 * proc/elf.h - checking a static RISC-V ELF64 executable (pure; host-tested).
 *
 * elf_parse only reads and validates: it describes the PT_LOAD segments of
 * an image already in memory so that the loader can map and copy them. It
 * allocates nothing and takes no lock.
 */
#ifndef KITE_PROC_ELF_H
#define KITE_PROC_ELF_H

#include "kernel/types.h"
#include "mm/memlayout.h"

#define ELF_MAX_SEGS 8

struct elf_segment {
	uint64_t vaddr;  /* p_vaddr */
	uint64_t memsz;  /* p_memsz */
	uint64_t offset; /* p_offset */
	uint64_t filesz; /* p_filesz */
	unsigned prot;   /* VM_READ | VM_WRITE | VM_EXEC from p_flags */
};

struct elf_image {
	uint64_t entry;
	int nsegs;                          /* PT_LOAD segments, sorted by vaddr */
	struct elf_segment segs[ELF_MAX_SEGS];
	uint64_t lowest, highest;           /* page-aligned span [lowest, highest) */
};

/* Check a static RISC-V ELF64 executable in data[0..size) and describe its
 * loadable segments. Returns 0, or -ENOEXEC for anything malformed or
 * unsupported; reads nothing outside data[0..size). *img is written only
 * on success. */
int elf_parse(const void *data, size_t size, struct elf_image *img);

#endif
