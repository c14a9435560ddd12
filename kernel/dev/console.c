/*
 * console.c - the console: output, and input with a small line discipline.
 *
 * Output: console_write() sends a buffer whole under cons.out_lock, so
 * writers on different harts never interleave. After a panic starts,
 * output bypasses the lock (the holder may be a stopped hart).
 *
 * Input: the UART interrupt hands each byte to console_input(). In
 * canonical mode (the default: ICANON | ECHO | ISIG) the line is edited
 * here - echo, backspace, Ctrl-U erases the line, Enter or Ctrl-D
 * hands it to readers, Ctrl-D on an empty line is end of file, Ctrl-C
 * ends the foreground process group - and readers get whole lines. In
 * raw mode every byte goes to readers as it comes. Ctrl-P prints the
 * process table in either mode (a debugging aid, as in xv6).
 *
 * Locks: cons.out_lock serialises output (a leaf). cons.in_lock guards
 * the line being edited, the ring of bytes ready for readers, the mode
 * and the foreground group; readers sleep on cons.readers with it held
 * (in_lock -> waitqueue lock -> rq lock). Echo and Ctrl-C happen after
 * in_lock is released.
 */
#include "dev/console.h"
#include "kernel/spinlock.h"
#include "proc/proc.h"
#include "sched/sched.h"
#include "uapi/errno.h"
#include "uapi/kite.h"

#define CONS_RING 1024
#define CONS_LINE 256

static struct {
	struct spinlock out_lock;
	struct spinlock in_lock;
	bool panic_mode;          /* [atomic] write without out_lock */
	unsigned head, tail;      /* [in_lock] ring[tail..head) is ready */
	char ring[CONS_RING];     /* [in_lock] */
	int eofs;                 /* [in_lock] Ctrl-D on an empty line, unread */
	char line[CONS_LINE];     /* [in_lock] the line being edited */
	int len;                  /* [in_lock] */
	uint32_t lflag;           /* [in_lock] KITE_ICANON | KITE_ECHO | KITE_ISIG */
	int fg_pgid;              /* [in_lock] foreground process group, 0: none */
	struct waitqueue readers; /* threads waiting for input */
} cons = {
	.out_lock = SPINLOCK_INIT("console.out"),
	.in_lock = SPINLOCK_INIT("console.in"),
	.lflag = KITE_ICANON | KITE_ECHO | KITE_ISIG,
};

void console_init(void)
{
	wq_init(&cons.readers, "console.readers");
	uart_init();
}

void console_write(const char *buf, size_t n)
{
	bool locked = !READ_ONCE(cons.panic_mode);

	if (locked)
		spin_lock(&cons.out_lock);
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n')
			uart_putc_sync('\r');
		uart_putc_sync(buf[i]);
	}
	if (locked)
		spin_unlock(&cons.out_lock);
}

void console_panic_mode(void)
{
	WRITE_ONCE(cons.panic_mode, true);
}

/* Make bytes available to readers. in_lock held. */
static void ring_put(const char *s, int n)
{
	for (int i = 0; i < n && cons.head - cons.tail < CONS_RING; i++)
		cons.ring[cons.head++ % CONS_RING] = s[i];
}

/* Edit the line with byte c (canonical mode). Returns what to echo in
 * echo[] (its length), whether readers should wake, and the process
 * group to interrupt (Ctrl-C) in *intr. in_lock held. */
static int canon_input(int c, char *echo, bool *wake, int *intr)
{
	int n = 0;

	switch (c) {
	case '\r':
	case '\n':
		cons.line[cons.len++] = '\n';
		ring_put(cons.line, cons.len);
		cons.len = 0;
		echo[n++] = '\n';
		*wake = true;
		break;
	case 0x04: /* Ctrl-D: hand over the line; empty: end of file */
		if (cons.len == 0)
			cons.eofs++;
		ring_put(cons.line, cons.len);
		cons.len = 0;
		*wake = true;
		break;
	case 0x7f:
	case '\b':
		if (cons.len > 0) {
			cons.len--;
			echo[n++] = '\b', echo[n++] = ' ', echo[n++] = '\b';
		}
		break;
	case 0x15: /* Ctrl-U: erase the line */
		while (cons.len > 0 && n < 60) {
			cons.len--;
			echo[n++] = '\b', echo[n++] = ' ', echo[n++] = '\b';
		}
		cons.len = 0;
		break;
	case 0x03: /* Ctrl-C */
		if (cons.lflag & KITE_ISIG) {
			cons.len = 0;
			echo[n++] = '^', echo[n++] = 'C', echo[n++] = '\n';
			*intr = cons.fg_pgid;
			break;
		}
		/* fall through */
	default:
		if (cons.len < CONS_LINE - 1) {
			cons.line[cons.len++] = (char)c;
			echo[n++] = (char)c;
		}
		break;
	}
	return n;
}

void console_input(int c)
{
	char echo[64];
	int n = 0, intr = 0;
	bool wake = false, do_echo;

	if (c == 0x10) { /* Ctrl-P */
		proc_dump();
		return;
	}
	spin_lock(&cons.in_lock);
	if (cons.lflag & KITE_ICANON) {
		n = canon_input(c, echo, &wake, &intr);
	} else {
		char ch = (char)c;

		if ((cons.lflag & KITE_ISIG) && c == 0x03) {
			intr = cons.fg_pgid;
		} else {
			ring_put(&ch, 1);
			echo[n++] = ch;
			wake = true;
		}
	}
	do_echo = cons.lflag & KITE_ECHO;
	spin_unlock(&cons.in_lock);
	if (do_echo && n)
		console_write(echo, (size_t)n);
	if (intr > 0)
		proc_kill(-intr, SIGINT);
	if (wake)
		wq_wake_all(&cons.readers);
}

int console_getc(void)
{
	int c = -1;

	spin_lock(&cons.in_lock);
	if (cons.tail != cons.head)
		c = (unsigned char)cons.ring[cons.tail++ % CONS_RING];
	spin_unlock(&cons.in_lock);
	return c;
}

int console_read_char(void)
{
	int c;

	spin_lock(&cons.in_lock);
	while (cons.tail == cons.head)
		wq_sleep(&cons.readers, &cons.in_lock);
	c = (unsigned char)cons.ring[cons.tail++ % CONS_RING];
	spin_unlock(&cons.in_lock);
	return c;
}

long console_read(char *buf, size_t n)
{
	size_t got = 0;

	if (n == 0)
		return 0;
	spin_lock(&cons.in_lock);
	while (cons.tail == cons.head && cons.eofs == 0) {
		if (wq_sleep(&cons.readers, &cons.in_lock)) {
			spin_unlock(&cons.in_lock);
			return -EINTR;
		}
	}
	if (cons.tail == cons.head) {
		cons.eofs--; /* end of file: read returns 0 */
	} else {
		/* canonical: up to the end of the line; raw: what is there */
		while (got < n && cons.tail != cons.head) {
			char ch = cons.ring[cons.tail++ % CONS_RING];

			buf[got++] = ch;
			if (ch == '\n' && (cons.lflag & KITE_ICANON))
				break;
		}
	}
	spin_unlock(&cons.in_lock);
	return (long)got;
}

uint32_t console_get_lflag(void)
{
	return READ_ONCE(cons.lflag);
}

void console_set_lflag(uint32_t lflag)
{
	spin_lock(&cons.in_lock);
	if ((cons.lflag & KITE_ICANON) && !(lflag & KITE_ICANON) && cons.len) {
		ring_put(cons.line, cons.len); /* the partial line is input now */
		cons.len = 0;
	}
	cons.lflag = lflag & (KITE_ICANON | KITE_ECHO | KITE_ISIG);
	spin_unlock(&cons.in_lock);
}

int console_fg_pgid(int set)
{
	int old;

	spin_lock(&cons.in_lock);
	old = cons.fg_pgid;
	if (set >= 0)
		cons.fg_pgid = set;
	spin_unlock(&cons.in_lock);
	return old;
}
