/*
 * trace/format.h - one trace record as one line of text, the form the
 * kernel prints at power-off and the shell's `trace dump` prints, and
 * tools/trace.py parses (docs/TRACE.md):
 *
 *   @T h=1 t=52345678 ev=switch pid=3 tid=3 next=7/7 name=abc why=sleep
 *
 * Always the hart, time, event, pid and tid, then key=value pairs by
 * event type. Values never hold spaces: names and mark texts have every
 * byte outside '!'..'~' (and '=') replaced by '_'. Shared by the kernel
 * and user programs (both link lib/printf.c's ksnprintf), so the two
 * dumps never differ.
 */
#ifndef KITE_TRACE_FORMAT_H
#define KITE_TRACE_FORMAT_H

#include "lib/printf.h"
#include "uapi/trace.h"

/* A line is at most this long, newline and NUL included. */
#define TRACE_LINE_MAX 192

static const char *const trace_type_names[KITE_TRACE_NTYPES] = {
	[0] = "none",
	[KITE_TRACE_SWITCH] = "switch",    [KITE_TRACE_WAKEUP] = "wakeup",
	[KITE_TRACE_FORK] = "fork",        [KITE_TRACE_EXEC] = "exec",
	[KITE_TRACE_EXIT] = "exit",        [KITE_TRACE_WAIT] = "wait",
	[KITE_TRACE_SYSCALL] = "syscall",  [KITE_TRACE_SYSRET] = "sysret",
	[KITE_TRACE_FAULT] = "fault",      [KITE_TRACE_SWAPOUT] = "swapout",
	[KITE_TRACE_SWAPIN] = "swapin",    [KITE_TRACE_SIGNAL] = "signal",
	[KITE_TRACE_IPI_SEND] = "ipi_send", [KITE_TRACE_IPI_RECV] = "ipi_recv",
	[KITE_TRACE_MARK] = "mark",        [KITE_TRACE_KILL] = "kill",
	[KITE_TRACE_LOST] = "lost",
};
static const char *const trace_why_names[KITE_TRACE_NWHY] = {
	"preempt", "yield", "sleep", "exit", "idle",
};
static const char *const trace_fork_names[KITE_TRACE_NFORK] = {
	"fork", "spawn", "thread",
};
static const char *const trace_pf_names[KITE_TRACE_NPF] = {
	"zero", "fill", "cow", "reuse", "grow", "swapin", "segv", "bus",
};

static inline const char *trace_name_of(const char *const *names, unsigned n,
					unsigned i)
{
	return i < n && names[i] ? names[i] : "?";
}

/* The len bytes at src as a word without spaces ("-" if empty). */
static inline void trace_word(char *out, const void *src, unsigned len)
{
	const char *s = src;
	unsigned i;

	for (i = 0; i < len && s[i]; i++)
		out[i] = (s[i] > ' ' && s[i] <= '~' && s[i] != '=') ? s[i] : '_';
	if (i == 0)
		out[i++] = '-';
	out[i] = '\0';
}

#define TRACE_WHO_PID(w) ((int32_t)((w) >> 32))
#define TRACE_WHO_TID(w) ((int32_t)((w)&0xffffffffu))

/* Format r as one line (ending in a newline) into buf; returns its
 * length. */
static inline int trace_format(char *buf, size_t size,
			       const struct kite_trace_rec *r)
{
	char name[KITE_TRACE_MARK_LEN + 1];
	const uint64_t *a = r->a;
	char *start = buf;
	size_t total = size;
	int n;

	n = ksnprintf(buf, size, "@T h=%u t=%lu ev=%s pid=%d tid=%d",
		      (unsigned)r->hart, (unsigned long)r->time,
		      trace_name_of(trace_type_names, KITE_TRACE_NTYPES, r->type),
		      (int)r->pid, (int)r->tid);
	if (n < 0 || (size_t)n >= size)
		return n;
	buf += n;
	size -= (size_t)n;
	trace_word(name, &a[1], 16);
	switch (r->type) {
	case KITE_TRACE_SWITCH:
		n += ksnprintf(buf, size, " next=%d/%d name=%s why=%s",
			       TRACE_WHO_PID(a[0]), TRACE_WHO_TID(a[0]), name,
			       trace_name_of(trace_why_names, KITE_TRACE_NWHY,
					     r->arg));
		break;
	case KITE_TRACE_WAKEUP:
		n += ksnprintf(buf, size, " wakee=%d/%d on=%u",
			       TRACE_WHO_PID(a[0]), TRACE_WHO_TID(a[0]), r->arg);
		break;
	case KITE_TRACE_FORK:
		n += ksnprintf(buf, size, " child=%d/%d name=%s how=%s",
			       TRACE_WHO_PID(a[0]), TRACE_WHO_TID(a[0]), name,
			       trace_name_of(trace_fork_names, KITE_TRACE_NFORK,
					     r->arg));
		break;
	case KITE_TRACE_EXEC:
		n += ksnprintf(buf, size, " name=%s", name);
		break;
	case KITE_TRACE_EXIT:
		n += ksnprintf(buf, size, " status=%lu last=%u",
			       (unsigned long)a[0], r->arg);
		break;
	case KITE_TRACE_WAIT:
		n += ksnprintf(buf, size, " child=%ld status=%lu", (long)a[0],
			       (unsigned long)a[1]);
		break;
	case KITE_TRACE_SYSCALL:
		n += ksnprintf(buf, size, " nr=%u a0=0x%lx a1=0x%lx a2=0x%lx",
			       r->arg, (unsigned long)a[0], (unsigned long)a[1],
			       (unsigned long)a[2]);
		break;
	case KITE_TRACE_SYSRET:
		n += ksnprintf(buf, size, " nr=%u ret=%ld", r->arg, (long)a[0]);
		break;
	case KITE_TRACE_FAULT:
		n += ksnprintf(buf, size, " addr=0x%lx access=%s outcome=%s",
			       (unsigned long)a[0],
			       a[1] == 1 ? "r" : a[1] == 2 ? "w"
					: a[1] == 4 ? "x" : "-",
			       trace_name_of(trace_pf_names, KITE_TRACE_NPF,
					     r->arg));
		break;
	case KITE_TRACE_SWAPOUT:
		n += ksnprintf(buf, size, " addr=0x%lx slot=%lu",
			       (unsigned long)a[0], (unsigned long)a[1]);
		break;
	case KITE_TRACE_SWAPIN:
		n += ksnprintf(buf, size, " slot=%lu", (unsigned long)a[0]);
		break;
	case KITE_TRACE_SIGNAL:
		n += ksnprintf(buf, size, " sig=%u handler=0x%lx from=%ld",
			       r->arg, (unsigned long)a[0], (long)a[1]);
		break;
	case KITE_TRACE_IPI_SEND:
		n += ksnprintf(buf, size, " to=%u", r->arg);
		break;
	case KITE_TRACE_MARK:
		trace_word(name, &a[1], r->arg < 16 ? r->arg : 16);
		n += ksnprintf(buf, size, " num=%ld text=%s", (long)a[0], name);
		break;
	case KITE_TRACE_KILL:
		n += ksnprintf(buf, size, " sig=%u target=%ld by=%ld", r->arg,
			       (long)a[0], (long)a[1]);
		break;
	case KITE_TRACE_LOST:
		n += ksnprintf(buf, size, " n=%lu", (unsigned long)a[0]);
		break;
	default:
		break;
	}
	if ((size_t)n + 1 < total) {
		start[n++] = '\n';
		start[n] = '\0';
	}
	return n;
}

#endif
