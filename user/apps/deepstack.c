/*
 * deepstack.c - grows its stack by recursion and shows the kernel
 * growing it a page at a time.
 *
 *	deepstack [KiB]      recurse until the stack holds KiB (default 1024)
 *
 * Each call of dive() puts FRAME_BYTES on the stack. The stack region
 * starts with a few pages; a touch below its last page faults, and the
 * fault path sees an address just under the stack, within RLIMIT_STACK,
 * and maps a fresh zeroed page there (stack growth, as ucore's and
 * rCore's labs describe). Every STEP_KIB the program prints its depth,
 * its stack pointer, the stack pages it has (kite_procs) and the page
 * faults served so far: pages and faults climb together.
 *
 * Past RLIMIT_STACK (8 MiB unless ulimit'ed: `deepstack 16384`) the
 * kernel refuses to grow the stack any further and the process ends
 * with a segmentation fault, as on Linux.
 */
#include "kite.h"

#define FRAME_BYTES 1024
#define STEP_KIB 128

static long target_depth, step_depth;

/* Our own row of the process table, or -1. */
static int my_info(struct kite_procinfo *out)
{
	static struct kite_procinfo all[256];
	long n = kite_procs(all, 256);
	pid_t me = getpid();

	for (long i = 0; i < n && i < 256; i++)
		if (all[i].pid == me && all[i].tid == me) {
			*out = all[i];
			return 0;
		}
	return -1;
}

static void report(long depth, const void *sp)
{
	struct kite_procinfo pi;

	if (my_info(&pi) < 0) {
		printf("deepstack: depth %ld, sp %p\n", depth, sp);
		return;
	}
	printf("deepstack: %5ld KiB deep, sp %p, %4lu stack pages, %5lu faults\n",
	       depth * FRAME_BYTES / 1024, sp,
	       (unsigned long)pi.pages_stack, (unsigned long)pi.faults);
}

static __attribute__((noinline)) long dive(long depth)
{
	volatile char frame[FRAME_BYTES - 64];

	frame[0] = (char)depth; /* touch the new frame: this may fault */
	frame[sizeof(frame) - 1] = (char)depth;
	if (depth % step_depth == 0)
		report(depth, (const void *)frame);
	if (depth >= target_depth)
		return frame[0];
	return dive(depth + 1) + frame[sizeof(frame) - 1];
}

int main(int argc, char **argv)
{
	long kib = 1024;

	if (argc > 1) {
		char *end;

		kib = strtol(argv[1], &end, 10);
		if (*end || kib < 16 || kib > 1024 * 1024 || argc > 2) {
			fprintf(stderr, "usage: deepstack [KiB 16..1048576]\n");
			return 2;
		}
	}
	target_depth = kib * 1024 / FRAME_BYTES;
	step_depth = STEP_KIB * 1024 / FRAME_BYTES;
	printf("deepstack: recursing %ld KiB deep, %d bytes a call\n", kib,
	       FRAME_BYTES);
	report(0, &kib);
	dive(1);
	printf("deepstack: back up from %ld KiB, every page was given when "
	       "first touched\n", kib);
	return 0;
}
