/*
 * proc/oom.h - what happens when a page fault finds no free frame.
 */
#ifndef KITE_PROC_OOM_H
#define KITE_PROC_OOM_H

#include "kernel/types.h"

/* Called by a faulting thread that got no frame (holding no spinlock;
 * its own address space's mutex may be held). Gets
 * memory back: if a process is already dying it waits for it, else it
 * kills the process holding the most memory (saying so on the console:
 * "out of memory: killed pid N (name), M KiB") and waits. true: try the
 * fault again; false: the caller's process was the one chosen (or was
 * killed meanwhile) and must end. May sleep. */
bool oom_reclaim_wait(void);

#endif
