/*
 * console.c - console output and the input ring buffer.
 *
 * Locks: cons.out_lock serialises writers (a whole kprintf message is one
 * write); cons.in_lock guards the ring, and readers sleep on cons.readers
 * with it held (in_lock -> waitqueue lock -> rq lock). The UART interrupt
 * wakes them after releasing in_lock.
 */
#include "dev/console.h"
#include "kernel/spinlock.h"
#include "sched/sched.h"

#define CONS_RING 256

static struct {
	struct spinlock out_lock;
	struct spinlock in_lock;
	bool panic_mode;       /* [atomic] write without out_lock */
	unsigned head, tail;   /* [in_lock] ring[tail..head) holds input */
	char ring[CONS_RING];  /* [in_lock] */
	struct waitqueue readers; /* threads waiting for input */
} cons = {
	.out_lock = SPINLOCK_INIT("console.out"),
	.in_lock = SPINLOCK_INIT("console.in"),
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

void console_input(int c)
{
	spin_lock(&cons.in_lock);
	if (cons.head - cons.tail < CONS_RING)
		cons.ring[cons.head++ % CONS_RING] = (char)c;
	spin_unlock(&cons.in_lock);
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
