/*
 * uart.c - the ns16550a UART of QEMU virt.
 *
 * Transmit is polled: wait for the holding register to empty, then write
 * (QEMU drains it at once). Receive is interrupt-driven: the "data ready"
 * interrupt goes through the PLIC to uart_intr(), which moves every
 * waiting byte into the console's ring buffer.
 */
#include "arch/irq.h"
#include "dev/console.h"
#include "dev/platform.h"
#include "mm/memlayout.h"

#define RBR 0 /* receive buffer (read) */
#define THR 0 /* transmit holding (write) */
#define IER 1 /* interrupt enable */
#define FCR 2 /* FIFO control (write) */
#define LCR 3 /* line control */
#define LSR 5 /* line status */

#define IER_RX 0x01
#define FCR_ENABLE_CLEAR_TX 0x05 /* keep what arrived during boot */
#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define LSR_DR 0x01   /* data ready */
#define LSR_THRE 0x20 /* transmit holding empty */

static inline volatile uint8_t *uart_reg(int r)
{
	return (volatile uint8_t *)P2V(UART0_PA) + r;
}

void uart_init(void)
{
	/* a byte that came in during boot would be lost when the FIFO is
	 * switched on (that clears it): keep it */
	while (*uart_reg(LSR) & LSR_DR)
		console_input(*uart_reg(RBR));
	*uart_reg(IER) = 0;
	*uart_reg(LCR) = LCR_DLAB; /* divisor 3: 38400 baud (ignored by QEMU) */
	*uart_reg(0) = 3;
	*uart_reg(1) = 0;
	*uart_reg(LCR) = LCR_8N1;
	*uart_reg(FCR) = FCR_ENABLE_CLEAR_TX;
	*uart_reg(IER) = IER_RX;
	irq_register(UART0_IRQ, uart_intr, NULL);
}

void uart_putc_sync(int c)
{
	while (!(*uart_reg(LSR) & LSR_THRE))
		;
	*uart_reg(THR) = (uint8_t)c;
}

void uart_intr(void *unused)
{
	(void)unused;
	while (*uart_reg(LSR) & LSR_DR)
		console_input(*uart_reg(RBR));
}
