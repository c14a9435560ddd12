/*
 * power.c - power-off through the virt test device, and the goldfish RTC.
 *
 * Writing (status << 16) | 0x3333 to the test device makes QEMU exit
 * with status; 0x5555 exits 0. If the device is missing the firmware
 * (SBI system reset) is asked, then the hart waits forever.
 */
#include "arch/arch.h"
#include "dev/platform.h"
#include "dev/power.h"
#include "mm/memlayout.h"
#include "trace/trace.h"

#define TEST_PASS 0x5555
#define TEST_FAIL 0x3333

void power_off(int status)
{
	volatile uint32_t *test = P2V(TESTDEV_PA);

	trace_power_off();
	arch_intr_off();
	if (status == 0)
		*test = TEST_PASS;
	else
		*test = ((uint32_t)(status & 0xffff) << 16) | TEST_FAIL;
	arch_firmware_power_off(status);
	for (;;)
		arch_wait_for_interrupt();
}

uint64_t rtc_read_ns(void)
{
	volatile uint32_t *rtc = P2V(RTC_PA);
	uint64_t lo = rtc[0]; /* reading TIME_LOW latches TIME_HIGH */
	uint64_t hi = rtc[1];

	return (hi << 32) | lo;
}
