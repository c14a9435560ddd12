/*
 * trace.c - the kernel's event trace from user space: the kite_trace
 * call, user marks, and the `trace` command (a shell built-in):
 *
 *   trace on [RECORDS]  start recording (RECORDS per hart when the rings
 *                       are made; default 8192)
 *   trace off           stop recording (the records stay to be dumped)
 *   trace dump          print the records not yet read, in the kernel's
 *                       text form (trace/format.h), between "@TRACE
 *                       begin" and "@TRACE end" lines (those there were
 *                       when it began: its own are left for the next)
 *   trace clear         drop the records; with recording off, the
 *                       rings' memory goes back too
 *   trace status        on or off, rings, records written and waiting
 *   trace mark TEXT [N] write a mark
 */
#include "kite.h"
#include "lib/printf.h"
#include "trace.h"
#include "trace/format.h"

#define DUMP_CHUNK 64

long kite_trace(int op, void *buf, size_t n)
{
	return __syscall_ret(syscall3(SYS_kite_trace, op, buf, n));
}

long trace_mark(const char *text, long number)
{
	return kite_trace(KITE_TRACE_OP_MARK, (void *)text, (size_t)number);
}

static int trace_dump(void)
{
	static struct kite_trace_rec recs[DUMP_CHUNK];
	struct kite_trace_status st;
	char line[TRACE_LINE_MAX];
	unsigned long lines = 0, lost = 0;
	uint64_t left;
	long n = 0;

	if (kite_trace(KITE_TRACE_OP_STATUS, &st, 0) < 0)
		return -1;
	printf("@TRACE begin timebase=%lu harts=%u records=%lu\n",
	       (unsigned long)st.timebase, st.harts, (unsigned long)st.unread);
	/* only what is there now: with tracing on, the dump's own writes
	 * add records as fast as it reads (a LOST record per ring aside) */
	left = st.unread + st.harts;
	while (left > 0 &&
	       (n = kite_trace(KITE_TRACE_OP_READ, recs,
			       left < DUMP_CHUNK ? left : DUMP_CHUNK)) > 0) {
		left -= (uint64_t)n < left ? (uint64_t)n : left;
		for (long i = 0; i < n; i++) {
			int len = trace_format(line, sizeof(line), &recs[i]);

			if (recs[i].type == KITE_TRACE_LOST)
				lost += recs[i].a[0];
			write(1, line, (size_t)len);
		}
		lines += (unsigned long)n;
	}
	printf("@TRACE end lines=%lu lost=%lu\n", lines, lost);
	return n < 0 ? -1 : 0;
}

int trace_command(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "status";
	struct kite_trace_status st;
	long err;

	if (!strcmp(op, "on")) {
		err = kite_trace(KITE_TRACE_OP_ON, NULL,
				 argc > 2 ? (size_t)atol(argv[2]) : 0);
	} else if (!strcmp(op, "off")) {
		err = kite_trace(KITE_TRACE_OP_OFF, NULL, 0);
	} else if (!strcmp(op, "clear")) {
		err = kite_trace(KITE_TRACE_OP_CLEAR, NULL, 0);
	} else if (!strcmp(op, "dump")) {
		err = trace_dump();
	} else if (!strcmp(op, "mark") && argc > 2) {
		err = trace_mark(argv[2], argc > 3 ? atol(argv[3]) : 0);
	} else if (!strcmp(op, "status")) {
		err = kite_trace(KITE_TRACE_OP_STATUS, &st, 0);
		if (!err)
			printf("trace: %s, %u rings of %lu records, %lu written, "
			       "%lu unread, %lu lost\n", st.enabled ? "on" : "off",
			       st.harts, (unsigned long)st.records_per_hart,
			       (unsigned long)st.written, (unsigned long)st.unread,
			       (unsigned long)st.lost);
	} else {
		puts("usage: trace on [RECORDS]|off|dump|clear|status|mark TEXT [N]");
		return 1;
	}
	if (err < 0) {
		printf("trace %s: %s\n", op, strerror(errno));
		return 1;
	}
	return 0;
}
