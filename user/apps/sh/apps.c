/*
 * apps.c - the apps the kernel has embedded, and a line about each for
 * `help`.
 *
 * The names come from the kernel (kite_apps), so help lists exactly what
 * can be run; the lines are ours, one per app in user/apps (the shell
 * scenario in make test checks that no app of the tree lacks one). A
 * program embedded from elsewhere (make APPS_EXTRA=DIR) is listed with
 * "(built outside Kite's tree)".
 */
#include "sh.h"

static const struct {
	const char *name, *summary;
} summaries[] = {
	{ "abc", "time slicing: workers print their letters (abc [-t] [N] [ms])" },
	{ "capmsg", "capspawn -s capmsg's child: answers through a shared page" },
	{ "capspawn", "run an app in a child built through capabilities ([-s] APP)" },
	{ "captests", "tests of the capability calls" },
	{ "deepstack", "stack growth, a page per fault (deepstack [KiB])" },
	{ "echoargs", "print the arguments and environment it was given" },
	{ "fact", "read n, print n! mod 1000000007" },
	{ "fdtests", "tests of descriptors, pipes and poll" },
	{ "forktree", "fork a binary tree of processes (forktree [depth])" },
	{ "fpcheck", "floating-point registers stay each process's own" },
	{ "fuzz", "random system calls; the kernel must survive them" },
	{ "hello", "print a greeting and exit with status 233" },
	{ "lxrun", "runs the Linux suite's programs (make test types them in)" },
	{ "lxtests", "tests of the Linux calls' error paths" },
	{ "nullw", "write through a NULL pointer: a segmentation fault" },
	{ "pmap", "the regions of a process's address space (pmap [PID])" },
	{ "proctests", "tests of process groups, sessions and other attributes" },
	{ "prodcons", "producers and consumers on a condition variable" },
	{ "rtests", "tests of the kernel's limits and bounds" },
	{ "sh", "this shell" },
	{ "sigtests", "tests of signals" },
	{ "sleep", "wait SECONDS (sleep 1.5)" },
	{ "spin", "burn CPU (spin [millions of loops]; spin fg: say so first)" },
	{ "stress", "stress tests: stress ps|kill|stall|sleep" },
	{ "stride", "stride scheduling: six priorities share a hart (stride [ms])" },
	{ "swapdemo", "page-replacement policies side by side" },
	{ "swaptests", "tests of swapping under memory pressure" },
	{ "threads", "a counter behind a mutex, from a thread per hart" },
	{ "thtests", "tests of threads and futexes" },
	{ "tracedemo", "a small workload to trace (make trace INIT=tracedemo)" },
	{ "true", "do nothing, successfully" },
	{ "ubench", "micro-benchmarks (make bench runs them)" },
	{ "usertests", "tests of the system calls" },
	{ "vmtests", "tests of virtual memory" },
	{ "yieldsleep", "spinning, yielding and sleeping side by side" },
};

char *app_names(void)
{
	size_t size = 256;

	for (;;) {
		char *buf = malloc(size + 1);
		long n;

		if (!buf)
			return NULL;
		n = kite_apps(buf, size);
		if (n < 0) {
			free(buf);
			return NULL;
		}
		if ((size_t)n <= size) {
			buf[n] = '\0';
			return buf;
		}
		free(buf);
		size = (size_t)n + 64; /* all of them, with room to spare */
	}
}

const char *app_summary(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(summaries); i++)
		if (!strcmp(summaries[i].name, name))
			return summaries[i].summary;
	return NULL;
}

void apps_help(void)
{
	char *names = app_names(), *save = NULL;

	if (!names) {
		perror("help: the apps");
		return;
	}
	printf("Apps:\n");
	for (char *n = strtok_r(names, "\n", &save); n;
	     n = strtok_r(NULL, "\n", &save)) {
		const char *s = app_summary(n);

		printf("  %-16s  %s\n", n, s ? s : "(built outside Kite's tree)");
	}
	free(names);
}
