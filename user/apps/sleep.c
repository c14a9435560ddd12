/*
 * sleep.c - waits for the given time, as Unix's sleep(1).
 *
 *	sleep SECONDS      a number, with a fraction if wanted (0.25)
 *
 * nanosleep does the waiting: the process sleeps on the kernel's timer
 * list, off every run queue. A signal's handler cutting the sleep short
 * would make nanosleep return early with the time left; sleep has no
 * handlers, so only a signal that ends it (Ctrl-C) stops it early.
 */
#include "kite.h"

#define MAX_SECONDS 1000000L

int main(int argc, char **argv)
{
	long sec = 0, nsec = 0, scale = 100000000L;
	const char *s = argc == 2 ? argv[1] : "";
	struct timespec ts, left;

	if (!*s)
		goto usage;
	for (; *s >= '0' && *s <= '9'; s++) {
		sec = sec * 10 + (*s - '0');
		if (sec > MAX_SECONDS)
			goto usage;
	}
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, scale /= 10)
			nsec += (*s - '0') * scale;
	if (*s)
		goto usage;
	ts.tv_sec = sec;
	ts.tv_nsec = nsec;
	while (nanosleep(&ts, &left) < 0 && errno == EINTR)
		ts = left;
	return 0;
usage:
	fprintf(stderr, "usage: sleep SECONDS (0..%ld, e.g. 1.5)\n", MAX_SECONDS);
	return 2;
}
