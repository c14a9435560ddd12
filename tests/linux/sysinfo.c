/*
 * sysinfo.c - lx_sysinfo: who and where the process is.
 *
 * The ids (getuid, geteuid, getgid, getegid, getresuid, getresgid: each
 * call agrees with the others; the values are the host user's under
 * qemu-user, 0 on Kite, so only the agreement is printed); uname (the
 * machine, and that every field is a terminated string); sysinfo
 * (uptime, memory and process counts that make sense, mem_unit);
 * getrandom (lengths and flags; two draws differ, the bytes are not
 * printed; bad flags and pointers); resource limits (the stack's, and
 * NOFILE lowered and read back, with errors); sysconf of the page size and processors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>


/* an address no program has mapped (volatile: gcc cannot see it) */
static void *volatile bad_ptr = (void *)16;
#define BAD bad_ptr
static const char *yes(int c)
{
	return c ? "yes" : "NO";
}

static const char *ename(int e)
{
	switch (e) {
	case 0: return "0";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case EPERM: return "EPERM";
	case ESRCH: return "ESRCH";
	default: return strerror(e);
	}
}

static void ids(void)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;

	int a = getresuid(&r, &e, &s), b = getresgid(&gr, &ge, &gs);
	printf("getresuid %d getresgid %d\n", a, b);
	printf("uid: getuid == real %s, geteuid == effective %s, saved == real %s\n",
	       yes(getuid() == r), yes(geteuid() == e), yes(s == r));
	printf("gid: getgid == real %s, getegid == effective %s, saved == real %s\n",
	       yes(getgid() == gr), yes(getegid() == ge), yes(gs == gr));
	errno = 0;
	printf("getresuid(bad pointer): %ld %s\n",
	       syscall(SYS_getresuid, BAD, &e, &s), ename(errno));
}

static int terminated(const char *f, size_t n)
{
	return memchr(f, '\0', n) != NULL;
}

static void names(void)
{
	struct utsname u;
	int r = uname(&u);

	printf("uname: %d, machine %s, fields terminated %s\n", r, u.machine,
	       yes(terminated(u.sysname, sizeof(u.sysname)) &&
		   terminated(u.nodename, sizeof(u.nodename)) &&
		   terminated(u.release, sizeof(u.release)) &&
		   terminated(u.version, sizeof(u.version)) &&
		   terminated(u.domainname, sizeof(u.domainname))));
	printf("sysname and release non-empty: %s\n", yes(u.sysname[0] && u.release[0]));
	errno = 0;
	printf("uname(bad pointer): %ld %s\n", syscall(SYS_uname, BAD), ename(errno));
}

static void info(void)
{
	struct sysinfo si;
	int r = sysinfo(&si);
	unsigned long long unit = si.mem_unit;

	printf("sysinfo: %d, uptime >= 0 %s, totalram > 16 MiB %s, freeram <= totalram %s, "
	       "procs >= 1 %s, mem_unit >= 1 %s, freeswap <= totalswap %s\n", r,
	       yes(si.uptime >= 0), yes(si.totalram * unit > 16ULL << 20),
	       yes(si.freeram <= si.totalram), yes(si.procs >= 1), yes(unit >= 1),
	       yes(si.freeswap <= si.totalswap));
	errno = 0;
	printf("sysinfo(bad pointer): %d %s\n", sysinfo(BAD), ename(errno));
	long pages = sysconf(_SC_PHYS_PAGES), cpus = sysconf(_SC_NPROCESSORS_ONLN);
	printf("sysconf: page size %ld, phys pages > 0 %s, cpus >= 1 %s\n",
	       sysconf(_SC_PAGESIZE), yes(pages > 0), yes(cpus >= 1));
}

static void randomness(void)
{
	unsigned char a[64], b[64], big[70000];
	ssize_t n1 = getrandom(a, sizeof(a), 0), n2 = getrandom(b, sizeof(b), GRND_NONBLOCK);

	printf("getrandom 64: %zd, again (NONBLOCK) %zd, the two differ %s\n", n1, n2,
	       yes(memcmp(a, b, sizeof(a)) != 0));
	printf("getrandom GRND_RANDOM 16: %zd; 0 bytes: %zd; 70000: %zd\n",
	       getrandom(a, 16, GRND_RANDOM), getrandom(a, 0, 0),
	       getrandom(big, sizeof(big), 0));
	int zeros = 0;
	for (size_t i = 0; i < sizeof(big); i++)
		zeros += big[i] == 0;
	printf("70000 bytes: zeros between 100 and 500 %s\n", yes(zeros > 100 && zeros < 500));
	errno = 0;
	printf("getrandom(bad flags): %zd %s", getrandom(a, 16, 0x100), ename(errno));
	errno = 0;
	printf("; RANDOM|INSECURE: %zd %s", getrandom(a, 16, GRND_RANDOM | 4), ename(errno));
	errno = 0;
	printf("; bad pointer: %zd %s\n", getrandom(BAD, 16, 0), ename(errno));
}

static void limits(void)
{
	struct rlimit rl, old;

	/* (qemu-user ignores changes to RLIMIT_STACK, AS and DATA: NOFILE
	 * is the one changed here) */
	int r = getrlimit(RLIMIT_STACK, &rl);
	printf("getrlimit(STACK): %d, cur >= 128 KiB %s\n", r, yes(rl.rlim_cur >= 128 << 10));
	r = getrlimit(RLIMIT_NOFILE, &rl);
	printf("getrlimit(NOFILE): %d, cur >= 64 %s\n", r, yes(rl.rlim_cur >= 64));
	struct rlimit lower = { 64, rl.rlim_max };
	r = prlimit(0, RLIMIT_NOFILE, &lower, &old);
	getrlimit(RLIMIT_NOFILE, &rl);
	printf("prlimit(NOFILE, 64): %d, old cur >= 64 %s, now 64 %s\n", r,
	       yes(old.rlim_cur >= 64), yes(rl.rlim_cur == 64));
	struct rlimit bad = { 2, 1 };
	errno = 0;
	printf("setrlimit(cur > max): %d %s", setrlimit(RLIMIT_NOFILE, &bad), ename(errno));
	errno = 0;
	printf("; getrlimit(99): %d %s", getrlimit(99, &rl), ename(errno));
	errno = 0;
	printf("; prlimit(no such pid): %d %s\n", prlimit(999999, RLIMIT_STACK, NULL, &rl),
	       ename(errno));
}

int main(void)
{
	ids();
	names();
	info();
	randomness();
	limits();
	return 0;
}
