/*
 * nullw.c - writes to address 0, as a buggy program does.
 *
 * Page 0 is never mapped, so the store faults; the kernel finds no
 * mapping for the address and ends the process, naming the cause:
 *
 *	pid 7 (nullw): segmentation fault at 0x0 pc=0x10234 (no mapping)
 *
 * and the shell (or wait4) sees it killed by SIGSEGV (signal 11). With
 * "nullw r" it reads address 0 instead; "nullw k" writes to a kernel
 * address (also a fault for user mode, whatever is mapped there).
 */
#include "kite.h"

/* The address, hidden from the compiler, which would otherwise know that
 * a NULL store is undefined and emit a trap of its own. */
static volatile uintptr_t target;

int main(int argc, char **argv)
{
	char how = argc > 1 ? argv[1][0] : 'w';

	if (argc > 2 || (how != 'w' && how != 'r' && how != 'k')) {
		fprintf(stderr, "usage: nullw [w|r|k]\n");
		return 2;
	}
	target = how == 'k' ? 0xffffffc080000000UL : 0;
	printf("nullw: %s address 0x%lx; the kernel will end us\n",
	       how == 'r' ? "reading" : "writing to", (unsigned long)target);
	if (how == 'r')
		printf("nullw: read %d\n", *(volatile int *)target);
	else
		*(volatile int *)target = 42;
	printf("nullw: still alive?\n"); /* never printed */
	return 1;
}
