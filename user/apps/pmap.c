/*
 * pmap.c - the regions of a process's address space, as Linux's
 * /proc/PID/maps and pmap show them.
 *
 *	pmap PID
 *
 * One line per region, lowest first (kite_maps): start-end, permissions
 * (r, w, x, then p for private or s for memory shared with children),
 * its kind (code, data, heap, stack, anon, shared), its size and the
 * part of it resident now, in KiB; then a total line, which also gives
 * the process's pages out on the swap disk (kite_procs' pages_swapped).
 * Exits 1 if there is no such process.
 *
 *	pmap 2 (sh)
 *	START            END              PERM KIND      SIZE KiB   RSS KiB
 *	0000000000010000-0000000000013000 r-xp code            12        12
 *	...
 *	total: 5 regions, 140 KiB, 48 KiB resident, 0 KiB swapped
 */
#include "kite.h"

#define ROOM 64 /* regions read at first; more if there are more */

static const char *kind_name(uint32_t kind)
{
	static const char *const names[KITE_VM_NKINDS] = {
		[KITE_VM_CODE] = "code", [KITE_VM_DATA] = "data",
		[KITE_VM_HEAP] = "heap", [KITE_VM_STACK] = "stack",
		[KITE_VM_ANON] = "anon", [KITE_VM_SHARED] = "shared",
	};

	return kind < KITE_VM_NKINDS ? names[kind] : "?";
}

/* The process table's entry for pid (its first thread's), or NULL. */
static const struct kite_procinfo *proc_info(pid_t pid)
{
	static struct kite_procinfo procs[128];
	long n = kite_procs(procs, ARRAY_SIZE(procs));

	for (long i = 0; i < n && i < (long)ARRAY_SIZE(procs); i++)
		if (procs[i].pid == pid)
			return &procs[i];
	return NULL;
}

/* All of pid's regions into *out (malloc'ed); their number, or -1. */
static long read_regions(pid_t pid, struct kite_region **out)
{
	size_t room = ROOM;

	for (;;) {
		struct kite_region *r = malloc(room * sizeof(*r));
		long n;

		if (!r) {
			errno = ENOMEM;
			return -1;
		}
		n = kite_maps(pid, r, room);
		if (n >= 0 && (size_t)n <= room) {
			*out = r;
			return n;
		}
		free(r);
		if (n < 0)
			return -1;
		room = (size_t)n + 8; /* it grew meanwhile: try again */
	}
}

static void print_region(const struct kite_region *r)
{
	bool shared = r->kind == KITE_VM_SHARED || (r->flags & KITE_VMF_SHARED);

	printf("%016lx-%016lx %c%c%c%c %-6s %12lu %9lu\n",
	       (unsigned long)r->start, (unsigned long)r->end,
	       r->prot & PROT_READ ? 'r' : '-', r->prot & PROT_WRITE ? 'w' : '-',
	       r->prot & PROT_EXEC ? 'x' : '-', shared ? 's' : 'p',
	       kind_name(r->kind), (unsigned long)((r->end - r->start) / 1024),
	       (unsigned long)r->resident * 4);
}

int main(int argc, char **argv)
{
	const struct kite_procinfo *info;
	struct kite_region *r;
	uint64_t size = 0, resident = 0;
	char *end;
	pid_t pid;
	long n;

	if (argc != 2 || (pid = (pid_t)strtol(argv[1], &end, 10)) <= 0 || *end) {
		fprintf(stderr, "usage: pmap PID\n");
		return 2;
	}
	if ((n = read_regions(pid, &r)) < 0) {
		fprintf(stderr, "pmap: %d: %s\n", pid, strerror(errno));
		return 1;
	}
	info = proc_info(pid);
	printf("pmap %d (%s)\n", pid, info ? info->name : "?");
	printf("%-16s %-16s PERM KIND      SIZE KiB   RSS KiB\n", "START", "END");
	for (long i = 0; i < n; i++) {
		print_region(&r[i]);
		size += r[i].end - r[i].start;
		resident += r[i].resident;
	}
	printf("total: %ld regions, %lu KiB, %lu KiB resident", n,
	       (unsigned long)(size / 1024), (unsigned long)resident * 4);
	if (info) /* else it has just exited */
		printf(", %lu KiB swapped", (unsigned long)info->pages_swapped * 4);
	printf("\n");
	if (info)
		printf("paging: %lu faults (%lu copy-on-write), %lu swap-ins, "
		       "%lu swap-outs, %lu reclaim scans\n",
		       (unsigned long)info->faults, (unsigned long)info->cow_copies,
		       (unsigned long)info->swap_ins, (unsigned long)info->swap_outs,
		       (unsigned long)info->reclaim_scans);
	free(r);
	return 0;
}
