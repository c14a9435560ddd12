/*
 * sys/mman.h - mapping memory: mmap, munmap, mprotect, madvise, mremap.
 *
 * Linux's calls with Linux's meaning. The PROT_*, MAP_*, MADV_* and
 * MREMAP_* values come from uapi/kite.h. Kite maps anonymous memory
 * only (MAP_ANONYMOUS, fd -1, offset 0), private or shared with the
 * children a fork makes. On failure mmap and mremap return MAP_FAILED,
 * the others -1, and all set errno.
 */
#ifndef KITE_USER_SYS_MMAN_H
#define KITE_USER_SYS_MMAN_H

#ifndef __KITE_USER__
#define __KITE_USER__
#endif
#include "uapi/kite.h"
#include "sys/types.h"

#define MAP_FAILED ((void *)MAP_FAILED_ADDR) /* (void *)-1 */
#define MAP_ANON MAP_ANONYMOUS

/* A new mapping of len bytes (rounded up to pages) with protection prot
 * (PROT_*): flags is MAP_PRIVATE or MAP_SHARED plus MAP_ANONYMOUS and
 * options (MAP_FIXED: exactly at addr, replacing what was there;
 * MAP_FIXED_NOREPLACE: exactly at addr or EEXIST; MAP_NORESERVE,
 * MAP_POPULATE, ...). Without MAP_FIXED addr is a hint. */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
/* Unmap every page of [addr, addr+len); pages not mapped are fine. */
int munmap(void *addr, size_t len);
/* New protection for every page of [addr, addr+len) (ENOMEM if one is
 * not mapped). */
int mprotect(void *addr, size_t len, int prot);
/* Advice (MADV_*) on [addr, addr+len): MADV_DONTNEED frees the pages of
 * a private mapping, which read back as zero. */
int madvise(void *addr, size_t len, int advice);
/* Grow or shrink the mapping at old (old_size bytes) to new_size; with
 * MREMAP_MAYMOVE it may move, with MREMAP_FIXED (and MAYMOVE) it moves
 * to the fifth argument, void *new_address. */
void *mremap(void *old, size_t old_size, size_t new_size, int flags, ...);

#endif
