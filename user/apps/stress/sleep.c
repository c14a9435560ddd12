/*
 * sleep.c - stress sleep: nanosleep's argument checks. Out-of-range
 * values are EINVAL, NULL is EFAULT, a short sleep sleeps at least as
 * long as asked, and huge ones (1844674407 s, INT64_MAX s) sleep, not
 * return: sleepers of hundreds of years are still asleep 300 ms later,
 * then killed.
 */
#include "stress.h"
#include "uapi/syscall.h"

static int nanosleep_raw(int64_t sec, int64_t nsec)
{
	struct kite_timespec ts = { sec, nsec };

	return (int)syscall2(SYS_nanosleep, &ts, NULL);
}

/* Sleeps of hundreds of years, some just past where a conversion to
 * milliseconds, to timer ticks or to nanoseconds overflows 64 bits. */
static const struct { int64_t sec, nsec; } huge[] = {
	{ 1844674407, 0 }, { 1844674407, 371000000 },
	{ 1844674407, 500000000 }, { 1844674407, 999999999 },
	{ 4294967296, 0 }, { 18446744073, 0 }, { 9223372036, 854775807 },
	{ 18446744073709551, 0 }, { INT64_MAX / 1000, 0 }, { INT64_MAX, 0 },
	{ INT64_MAX, 999999999 },
};

void stress_sleep(void)
{
	static const struct { int64_t sec, nsec; } bad[] = {
		{ -1, 0 }, { 0, -1 }, { 0, 1000000000 }, { INT64_MIN, 0 },
		{ 0, INT64_MAX }, { 0, INT64_MIN }, { 1, 1000000000 },
		{ -1844674407, 0 }, { INT64_MAX, -1 },
	};
	pid_t kids[ARRAY_SIZE(huge)];
	char woke[400];
	int st, early = 0, len = 0, left = ARRAY_SIZE(huge);
	uint64_t t0;

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		long r = nanosleep_raw(bad[i].sec, bad[i].nsec);

		if (r != -EINVAL)
			fail("nanosleep({%lld, %lld}) = %ld, want -EINVAL (%d)",
			     (long long)bad[i].sec, (long long)bad[i].nsec, r,
			     -EINVAL);
	}
	if (syscall2(SYS_nanosleep, NULL, NULL) != -EFAULT)
		fail("nanosleep(NULL) is not -EFAULT");
	t0 = now_ns();
	if (nanosleep_raw(0, 30 * MS) != 0 || now_ns() - t0 < 30 * MS)
		fail("nanosleep(30 ms) slept %llu us", (unsigned long long)
		     (now_ns() - t0) / 1000);
	/* each huge sleeper must still be asleep 300 ms later */
	t0 = now_ns();
	for (unsigned i = 0; i < ARRAY_SIZE(huge); i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			long r = nanosleep_raw(huge[i].sec, huge[i].nsec);

			_exit(r == 0 ? 0 : r < 0 && r > -100 ? (int)(100 - r) : 99);
		}
		if (kids[i] < 0)
			fail("fork: %s", strerror(errno));
	}
	while (left && now_ns() - t0 < 300 * MS) {
		for (unsigned i = 0; i < ARRAY_SIZE(huge); i++) {
			pid_t r = kids[i] ? waitpid(kids[i], &st, WNOHANG) : 0;

			if (r == 0)
				continue;
			if (r != kids[i])
				fail("waitpid(%d) = %d: %s", kids[i], r,
				     strerror(errno));
			kids[i] = 0;
			left--;
			if (!early++)
				len = snprintf(woke, sizeof(woke), "nanosleep "
					       "returned (want: still asleep "
					       "after 300 ms) for");
			if (len < (int)sizeof(woke))
				len += snprintf(woke + len, sizeof(woke) - len,
						"%s {%lld, %lld} within %llu ms%s%s",
						early > 1 ? ";" : "",
						(long long)huge[i].sec,
						(long long)huge[i].nsec,
						(unsigned long long)
						((now_ns() - t0) / MS + 1),
						st ? ", " : "",
						st ? status_text(st) : "");
		}
		sleep_ns(MS);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(huge); i++) {
		if (!kids[i])
			continue;
		if (kill(kids[i], SIGKILL) != 0)
			fail("kill(%d): %s", kids[i], strerror(errno));
		if (reap_within(kids[i], 500, &st) < 0)
			fail("nanosleep({%lld, %lld}): not killed within 500 ms",
			     (long long)huge[i].sec, (long long)huge[i].nsec);
		if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
			fail("sleeper %d: %s, want killed by signal 9", kids[i],
			     status_text(st));
	}
	if (early)
		fail("%d of %u: %s", early, (unsigned)ARRAY_SIZE(huge), woke);
	ok("%u EINVAL cases; %u huge sleeps still asleep after 300 ms, then "
	   "killed", (unsigned)ARRAY_SIZE(bad), (unsigned)ARRAY_SIZE(huge));
}
