/*
 * prefault.c - bring a process's own pages in before a test counts
 * frames.
 *
 * Kite fills memory on first touch. A test that compares the free frames
 * before and after its children ran would otherwise count its own first
 * touches meanwhile (a deeper stack, a data page written for the first
 * time) as frames the children failed to give back.
 */
#include "kite.h"

#define MAX_REGIONS 64

int kite_prefault_self(void)
{
	static struct kite_region r[MAX_REGIONS];
	long n = syscall3(SYS_kite_maps, 0, r, MAX_REGIONS);

	if (n < 0)
		return __syscall_ret(n);
	for (long i = 0; i < n && i < MAX_REGIONS; i++) {
		long err = syscall3(SYS_madvise, r[i].start, r[i].end - r[i].start,
				    (r[i].prot & PROT_WRITE) ? MADV_POPULATE_WRITE
							     : MADV_POPULATE_READ);

		if (err < 0 && (r[i].prot & (PROT_READ | PROT_WRITE)))
			return __syscall_ret(err);
	}
	return 0;
}
