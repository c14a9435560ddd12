/*
 * console.c - the console: output, and input with a small line discipline.
 *
 * Output: a thread's console_write() holds cons.out_mutex for the whole
 * buffer, so writes from threads never interleave, and sends it to the
 * UART CONS_CHUNK bytes at a time under cons.out_lock, so interrupts are
 * never off for long. Code that cannot sleep (interrupt handlers, code
 * holding a spinlock, early boot) takes only out_lock: its message may
 * land between two chunks of a thread's write, never inside one. After
 * a panic starts, output bypasses both (the holder may be a stopped hart).
 *
 * Input: the UART interrupt hands each byte to console_input(). In
 * canonical mode (the default: ICANON | ECHO | ISIG) the line is edited
 * here - echo, backspace, Ctrl-U erases the line, Enter or Ctrl-D
 * hands it to readers, Ctrl-D on an empty line is end of file - and
 * readers get whole lines. With ISIG (either mode) Ctrl-C sends SIGINT,
 * Ctrl-\ SIGQUIT and Ctrl-Z SIGTSTP to the foreground process group. In
 * raw mode every byte goes to readers as it comes. Ctrl-P prints the
 * process table in either mode (a debugging aid, as in xv6): the
 * interrupt only wakes a kernel worker (console_dump_worker), which
 * prints it in thread context. Each time input becomes ready, ppoll's
 * sleepers are told too (poll_notify, file/poll.c); O_NONBLOCK readers
 * get -EAGAIN instead of a wait.
 *
 * Foreground group: those signals go to cons.fg_pgid, a group of the
 * console's session (init's, proc/session.c). A reader of that session
 * outside it (a background job) gets SIGTTIN instead of input - its group stops,
 * as with Linux's tty - or -EIO if it ignores or blocks SIGTTIN. It is
 * set (TIOCSPGRP, console_set_fg) only by a process of the foreground
 * group, by any process when there is none, or by one that ignores or
 * blocks SIGTTOU (a shell taking the console back from a stopped job),
 * and only to a group that has a live
 * process (or, as Linux allows, a live process's pid); when the last
 * process of the group (or that process) ends it is cleared
 * (console_pgrp_ended_locked), so Ctrl-C never reaches a pgid reused
 * later.
 *
 * Locks: cons.out_mutex (sleeping) -> cons.out_lock (a leaf) serialise
 * output. cons.in_lock guards the line being edited, the ring of bytes
 * ready for readers, the mode, the foreground group and the dump
 * request; readers sleep on cons.readers with it held (in_lock ->
 * waitqueue lock -> rq lock). proc_lock -> in_lock for the foreground
 * group. Echo and Ctrl-C happen after in_lock is released.
 */
#include "dev/console.h"
#include "file/file.h"
#include "kernel/clock.h"
#include "kernel/cpu.h"
#include "kernel/mutex.h"
#include "kernel/random.h"
#include "kernel/spinlock.h"
#include "proc/proc.h"
#include "sched/sched.h"
#include "signal/signal.h"
#include "uapi/errno.h"
#include "uapi/kite.h"

#define CONS_RING 1024
#define CONS_LINE 256
#define CONS_CHUNK 64 /* bytes sent to the UART per out_lock hold */

static struct {
	struct mutex out_mutex;
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
	bool dump_wanted;         /* [in_lock] Ctrl-P typed, not yet printed */
	struct waitqueue readers; /* threads waiting for input */
	struct waitqueue dumper;  /* the Ctrl-P worker waits here */
} cons = {
	.out_lock = SPINLOCK_INIT("console.out"),
	.in_lock = SPINLOCK_INIT("console.in"),
	.lflag = KITE_ICANON | KITE_ECHO | KITE_ISIG,
};

void console_init(void)
{
	mutex_init(&cons.out_mutex, "console.out_mutex");
	wq_init(&cons.readers, "console.readers");
	wq_init(&cons.dumper, "console.dumper");
	uart_init();
}

/* May the caller sleep? A thread (not an idle one) with interrupts on
 * and no spinlock held. */
static bool can_sleep(void)
{
	struct thread *t;

	if (!arch_intr_get())
		return false;
	t = current();
	return t && t->proc != &kernel_proc && mycpu()->noff == 0;
}

static void uart_put(const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n')
			uart_putc_sync('\r');
		uart_putc_sync(buf[i]);
	}
}

void console_write(const char *buf, size_t n)
{
	bool sleeper;
	size_t piece;

	if (READ_ONCE(cons.panic_mode)) {
		uart_put(buf, n);
		return;
	}
	sleeper = can_sleep();
	if (sleeper)
		mutex_lock(&cons.out_mutex);
	/* a (short) message from a non-sleeper goes out whole */
	piece = sleeper ? CONS_CHUNK : n;
	for (size_t off = 0; off < n; off += piece) {
		spin_lock(&cons.out_lock);
		uart_put(buf + off, MIN(n - off, piece));
		spin_unlock(&cons.out_lock);
	}
	if (sleeper)
		mutex_unlock(&cons.out_mutex);
}

/* The Ctrl-P worker: a kernel thread that prints the process table each
 * time Ctrl-P is typed, outside any interrupt and without proc_lock
 * held while it prints. */
static int console_dump_worker(void *unused)
{
	(void)unused;
	for (;;) {
		spin_lock(&cons.in_lock);
		while (!cons.dump_wanted)
			wq_sleep(&cons.dumper, &cons.in_lock);
		cons.dump_wanted = false;
		spin_unlock(&cons.in_lock);
		proc_dump();
	}
	return 0;
}

int console_start_worker(void)
{
	return kernel_worker(console_dump_worker, NULL, "consdump");
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

#define CTRL_C 0x03         /* SIGINT */
#define CTRL_BACKSLASH 0x1c /* SIGQUIT */
#define CTRL_Z 0x1a         /* SIGTSTP */

/* The signal an ISIG byte sends, or 0. */
static int isig_signal(int c)
{
	return c == CTRL_C ? SIGINT : c == CTRL_BACKSLASH ? SIGQUIT
	     : c == CTRL_Z ? SIGTSTP : 0;
}

/* Echo of a signal byte: ^C, ^\ or ^Z and a new line. */
static int isig_echo(int c, char *echo)
{
	echo[0] = '^';
	echo[1] = (char)(c + '@');
	echo[2] = '\n';
	return 3;
}

/* Edit the line with byte c (canonical mode). Returns what to echo in
 * echo[] (its length), whether readers should wake, and the process
 * group to signal (Ctrl-C, Ctrl-\, Ctrl-Z) in *intr with the signal in
 * *sig. in_lock held. */
static int canon_input(int c, char *echo, bool *wake, int *intr, int *sig)
{
	int n = 0;

	if ((cons.lflag & KITE_ISIG) && isig_signal(c)) {
		cons.len = 0;
		*intr = cons.fg_pgid;
		*sig = isig_signal(c);
		return isig_echo(c, echo);
	}
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
	int n = 0, intr = 0, sig = 0;
	bool wake = false, do_echo;

	random_add_entropy(clock_monotonic_ns() ^ (uint64_t)c); /* typing's timing */
	spin_lock(&cons.in_lock);
	if (c == 0x10) { /* Ctrl-P: the worker prints the table */
		cons.dump_wanted = true;
		spin_unlock(&cons.in_lock);
		wq_wake_all(&cons.dumper);
		return;
	}
	if (cons.lflag & KITE_ICANON) {
		n = canon_input(c, echo, &wake, &intr, &sig);
	} else {
		char ch = (char)c;

		if ((cons.lflag & KITE_ISIG) && isig_signal(c)) {
			intr = cons.fg_pgid;
			sig = isig_signal(c);
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
		signal_kill_pgrp(intr, sig);
	if (wake) {
		wq_wake_all(&cons.readers);
		poll_notify(); /* ppoll on the console */
	}
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

/* A reader outside the foreground group: SIGTTIN to its group (it
 * stops; the read starts again when it continues), or -EIO if it
 * ignores or blocks SIGTTIN. 0: it may read. */
static long background_read_check(void)
{
	int pgid, fg = console_get_fg();
	bool ours;

	spin_lock(&proc_lock);
	pgid = current()->proc->pgid;
	ours = session_is_console_locked(current()->proc);
	spin_unlock(&proc_lock);
	if (fg == 0 || fg == pgid || !ours) /* no job control outside */
		return 0;
	if (signal_ignored_or_blocked(SIGTTIN))
		return -EIO;
	signal_kill_pgrp(pgid, SIGTTIN);
	/* another thread may take it: we still look on our way out, so the
	 * read starts again (after the stop) */
	return signal_restart_code(-ERESTARTSYS);
}

long console_read(char *buf, size_t n, bool nonblock)
{
	size_t got = 0;
	long err;

	if (n == 0)
		return 0;
	if ((err = background_read_check()))
		return err;
	spin_lock(&cons.in_lock);
	while (cons.tail == cons.head && cons.eofs == 0) {
		if (nonblock) {
			spin_unlock(&cons.in_lock);
			return -EAGAIN;
		}
		if (wq_sleep_intr(&cons.readers, &cons.in_lock)) {
			spin_unlock(&cons.in_lock);
			return -ERESTARTSYS; /* -EINTR unless SA_RESTART */
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

int console_poll(void)
{
	int mask = POLLOUT | POLLWRNORM; /* output never waits */

	spin_lock(&cons.in_lock);
	if (cons.tail != cons.head || cons.eofs)
		mask |= POLLIN | POLLRDNORM;
	spin_unlock(&cons.in_lock);
	return mask;
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

int console_get_fg(void)
{
	int pgid;

	spin_lock(&cons.in_lock);
	pgid = cons.fg_pgid;
	spin_unlock(&cons.in_lock);
	return pgid;
}

bool console_may_control(int caller_pgid)
{
	int fg = console_get_fg();

	return fg == 0 || fg == caller_pgid;
}

int console_set_fg_locked(int caller_pgid, int pgid)
{
	int err = -EPERM;

	assert(spin_holding(&proc_lock));
	spin_lock(&cons.in_lock);
	if (caller_pgid < 0 || cons.fg_pgid == 0 || cons.fg_pgid == caller_pgid) {
		cons.fg_pgid = pgid;
		err = 0;
	}
	spin_unlock(&cons.in_lock);
	return err;
}

bool console_may_hand_on_locked(int *caller_pgid)
{
	int pgid = current()->proc->pgid;

	assert(spin_holding(&proc_lock));
	if (!session_is_console_locked(current()->proc))
		return false;
	if (console_may_control(pgid)) {
		*caller_pgid = pgid;
		return true;
	}
	if (signal_ignored_or_blocked(SIGTTOU)) {
		*caller_pgid = -1;
		return true;
	}
	return false;
}

void console_pgrp_ended_locked(int pgid)
{
	assert(spin_holding(&proc_lock));
	spin_lock(&cons.in_lock);
	if (cons.fg_pgid == pgid)
		cons.fg_pgid = 0;
	spin_unlock(&cons.in_lock);
}
