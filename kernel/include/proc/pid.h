/*
 * proc/pid.h - process ids: a bitmap allocator (pure; host-tested).
 *
 * Pids run from 1 to MAX_PID-1; 0 is the kernel's. Allocation takes the
 * next free pid after the last one handed out, wrapping around, so a pid
 * is reused as late as possible; a pid is free again only after
 * pidmap_free (when its zombie is reaped). No locking here: proc.c
 * guards the map with the process-table lock.
 */
#ifndef KITE_PROC_PID_H
#define KITE_PROC_PID_H

#include "kernel/types.h"

#define MAX_PID 32768

struct pidmap {
	uint64_t bits[MAX_PID / 64]; /* bit p set: pid p is in use */
	int last;                    /* last pid handed out */
	int nr_used;                 /* pids in use, not counting 0 */
};

void pidmap_init(struct pidmap *m);
/* A free pid, or -EAGAIN when all are in use. */
int pidmap_alloc(struct pidmap *m);
/* Release pid; freeing a free or out-of-range pid panics (kernel bug). */
void pidmap_free(struct pidmap *m, int pid);
bool pidmap_used(const struct pidmap *m, int pid);

#endif
