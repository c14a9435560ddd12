/*
 * timers.c - setitimer, getitimer and alarm the glibc way: a periodic
 * ITIMER_REAL counted by its SIGALRM handler while the program waits in
 * pause() and sigsuspend(), the time left as getitimer and alarm report
 * it, disarming. Deterministic output (tests/linux/).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static volatile sig_atomic_t ticks;

static void on_alarm(int s)
{
	(void)s;
	ticks++;
}

int main(void)
{
	struct itimerval it, cur;
	struct sigaction sa;
	sigset_t none;

	setvbuf(stdout, NULL, _IONBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);

	it.it_interval.tv_sec = 0;
	it.it_interval.tv_usec = 50000;
	it.it_value = it.it_interval;
	printf("setitimer: %d\n", setitimer(ITIMER_REAL, &it, NULL));
	getitimer(ITIMER_REAL, &cur);
	printf("interval %ld us, value within it %d\n", (long)cur.it_interval.tv_usec,
	       cur.it_value.tv_usec > 0 && cur.it_value.tv_usec <= 50000);
	while (ticks < 5)
		pause();
	printf("pause: 5 ticks\n");
	sigemptyset(&none);
	while (ticks < 8)
		sigsuspend(&none);
	printf("sigsuspend: 8 ticks\n");
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, &cur);
	printf("disarmed; the old interval was %ld us\n", (long)cur.it_interval.tv_usec);
	getitimer(ITIMER_REAL, &cur);
	printf("now: %ld.%06ld\n", (long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec);

	printf("alarm(5): %u\n", alarm(5));
	printf("alarm(0): %u left\n", alarm(0));
	errno = 0;
	printf("bad which: %d %s\n", setitimer(12, &it, NULL), errno == EINVAL ? "EINVAL" : "?");
	it.it_value.tv_usec = 2000000;
	errno = 0;
	printf("bad usec: %d %s\n", setitimer(ITIMER_REAL, &it, NULL), errno == EINVAL ? "EINVAL" : "?");
	alarm(1);
	ticks = 0;
	pause();
	printf("alarm(1) woke pause: %d\n", (int)ticks);
	printf("timers: done\n");
	return 0;
}
