/*
 * uapi/cap.h - capabilities as user space sees them (included by
 * uapi/kite.h): rights, object types, PMO types and the structures of
 * the capability calls (docs/CAPS.md).
 *
 * A capability is named by a handle, a non-negative long (an index in
 * the caller's slot table and a generation: a freed capability's handle
 * is never valid again). Handle 0 is the process itself, handle 1 its
 * address space (vmspace).
 */
#ifndef KITE_UAPI_CAP_H
#define KITE_UAPI_CAP_H

/* Rights. What each allows depends on the object (docs/CAPS.md). */
#define KITE_CAP_READ 0x01    /* PMO: read its bytes, map it readable */
#define KITE_CAP_WRITE 0x02   /* PMO: write its bytes, map it shared and
			       * writable; process: put capabilities in
			       * its table (cap_copy) */
#define KITE_CAP_MAP 0x04     /* PMO: map it; vmspace: map PMOs into it */
#define KITE_CAP_CONTROL 0x08 /* process: create a thread in it */
#define KITE_CAP_COPY 0x10    /* the capability may be copied (cap_copy) */
#define KITE_CAP_ALL 0x1f

/* Object types (cap_query; kite_capstats' live[]). */
#define KITE_CAP_PROCESS 1 /* ChCore's cap_group */
#define KITE_CAP_THREAD 2
#define KITE_CAP_VMSPACE 3
#define KITE_CAP_PMO 4
#define KITE_CAP_NTYPES 5

/* PMO types (pmo_create). */
#define KITE_PMO_DATA 1   /* all its pages made (zeroed) at creation;
			   * its contents are written by the creator;
			   * a mapping is private (copy on write) */
#define KITE_PMO_ANON 2   /* pages zero until written; a mapping is
			   * private (copy on write) */
#define KITE_PMO_SHARED 3 /* pages zero until written; every mapping
			   * shares them (as MAP_SHARED) */

/* cap_query's result: rights, type, and for a PMO its type. */
#define KITE_CAP_Q_RIGHTS(q) ((int)((q) & 0xff))
#define KITE_CAP_Q_TYPE(q) ((int)(((q) >> 8) & 0xff))
#define KITE_CAP_Q_PMO(q) ((int)(((q) >> 16) & 0xff))

/* cap_group_create's second result. */
struct kite_capproc {
	int64_t vmspace; /* handle of the new process's vmspace */
	int32_t pid;     /* its pid (for wait4, kill, ps) */
	int32_t pad;
};

/* kite_capstats: kernel objects alive now, by type, and slots in use. */
struct kite_capstats {
	uint64_t live[KITE_CAP_NTYPES]; /* index KITE_CAP_*; [0] unused */
	uint64_t created[KITE_CAP_NTYPES]; /* since boot */
	uint64_t slots_used;  /* used slots of every table */
	uint64_t tables;      /* slot tables (processes that have one) */
};

#endif
