/*
 * time.c - time(), sleep(), usleep() and clock_ns(), built on
 * clock_gettime and nanosleep.
 */
#include "kite.h"

uint64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

time_t time(time_t *t)
{
	struct timespec ts;
	time_t now = -1;

	if (clock_gettime(CLOCK_REALTIME, &ts) == 0)
		now = ts.tv_sec;
	if (t)
		*t = now;
	return now;
}

unsigned int sleep(unsigned int seconds)
{
	struct timespec req = { .tv_sec = seconds }, rem = { 0 };

	if (nanosleep(&req, &rem) < 0)
		return rem.tv_sec + (rem.tv_nsec > 0);
	return 0;
}

int usleep(unsigned long usec)
{
	struct timespec req = {
		.tv_sec = usec / 1000000,
		.tv_nsec = (long)(usec % 1000000) * 1000,
	};

	return nanosleep(&req, NULL);
}
