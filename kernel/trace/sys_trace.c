/*
 * sys_trace.c - the kite_trace call (SYS_kite_trace, uapi/trace.h):
 * tracing on and off, clearing, reading records out, user marks.
 *
 *   kite_trace(KITE_TRACE_OP_ON, NULL, records_per_hart)   0: the default
 *   kite_trace(KITE_TRACE_OP_OFF, NULL, 0)
 *   kite_trace(KITE_TRACE_OP_CLEAR, NULL, 0)
 *   kite_trace(KITE_TRACE_OP_READ, struct kite_trace_rec *buf, n)
 *   kite_trace(KITE_TRACE_OP_MARK, const char *text or NULL, number)
 *   kite_trace(KITE_TRACE_OP_STATUS, struct kite_trace_status *buf, 0)
 *
 * Records are read in chunks through a kernel buffer (the rings are
 * never mapped to user space) under trace_lock; a read takes at most the
 * records there were when it began, so writers cannot keep it going.
 */
#include "kernel/cpu.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "syscall/syscall.h"
#include "trace/trace.h"
#include "uapi/errno.h"

#define READ_CHUNK 64 /* records per copy to user space */

static long trace_read_user(uint64_t ubuf, uint64_t n)
{
	struct kite_trace_status st;
	struct kite_trace_rec *chunk;
	struct vmspace *vm = current()->proc->vm;
	uint64_t done = 0, limit;
	long err = 0;

	if (n == 0)
		return 0;
	trace_get_status(&st);
	/* what there is now, and a LOST record per ring */
	limit = MIN(n, st.unread + st.harts);
	if (limit == 0)
		return 0;
	chunk = kmalloc(READ_CHUNK * sizeof(*chunk));
	if (!chunk)
		return -ENOMEM;
	trace_read_begin();
	while (done < limit) {
		size_t want = (size_t)MIN((uint64_t)READ_CHUNK, limit - done);
		size_t got;

		if (want < 2)
			break; /* a ring's read needs room for a LOST record */
		got = trace_read(chunk, want);
		if (!got)
			break;
		if (copy_to_user(vm, ubuf + done * sizeof(*chunk), chunk,
				 got * sizeof(*chunk))) {
			err = -EFAULT; /* those records are gone */
			break;
		}
		done += got;
	}
	trace_read_end();
	kfree(chunk);
	return err && !done ? err : (long)done;
}

static long trace_mark_user(uint64_t utext, uint64_t number)
{
	char text[KITE_TRACE_MARK_LEN + 1] = { 0 };
	uint64_t w[2];
	long len = 0;

	if (utext) {
		len = strncpy_from_user(current()->proc->vm, text, utext,
					sizeof(text));
		if (len < 0)
			return len; /* -EFAULT, or -ENAMETOOLONG past 16 bytes */
	}
	memcpy(w, text, sizeof(w));
	trace_write(KITE_TRACE_MARK, (uint32_t)len, number, w[0], w[1]);
	return 0;
}

SYSCALL(kite_trace)
{
	struct kite_trace_status st;
	uint64_t n = tf->a2;

	switch (tf->a0) {
	case KITE_TRACE_OP_OFF:
		return trace_set_enabled(false, 0);
	case KITE_TRACE_OP_ON:
		if (n && (n < TRACE_RING_MIN || n > TRACE_RING_MAX))
			return -EINVAL;
		return trace_set_enabled(true, n);
	case KITE_TRACE_OP_CLEAR:
		trace_clear();
		return 0;
	case KITE_TRACE_OP_READ:
		if (n > (1UL << 32))
			return -EINVAL;
		return trace_read_user(tf->a1, n);
	case KITE_TRACE_OP_MARK:
		return trace_mark_user(tf->a1, n);
	case KITE_TRACE_OP_STATUS:
		trace_get_status(&st);
		if (copy_to_user(current()->proc->vm, tf->a1, &st, sizeof(st)))
			return -EFAULT;
		return 0;
	default:
		return -EINVAL;
	}
}
