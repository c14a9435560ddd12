/*
 * dev/power.h - power-off with an exit status, and the RTC.
 */
#ifndef KITE_DEV_POWER_H
#define KITE_DEV_POWER_H

#include "kernel/types.h"

/* Power the machine off; QEMU exits with status (0..255). */
__attribute__((noreturn)) void power_off(int status);
/* Nanoseconds since the Unix epoch from the goldfish RTC. */
uint64_t rtc_read_ns(void);

#endif
