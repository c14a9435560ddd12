/*
 * capspawn.c - run an app in a child process built by hand through
 * capabilities, as ChCore's load_binary builds one in its kernel, and
 * exit with the child's status (the code it exited with, or 128 + the
 * signal that killed it):
 *
 *	capspawn [-s] APP [ARGS...]
 *
 * The building is the user library's capload (user/lib/capload.c): the
 * app's ELF image as a read-only PMO, its headers parsed here in user
 * space, a PMO per PT_LOAD segment written and mapped with the
 * segment's permissions, a stack PMO with argv, envp and auxv, then the
 * main thread at the entry point.
 *
 * -s also shares a page with the child: a SHARED PMO mapped into our
 * vmspace and at the same address into the child's, whose address is
 * the child's argv[1] (the app's arguments follow). We leave a message
 * there before the child starts and, while it runs, wait for its reply
 * (capmsg.h; the app capmsg answers), print it, check that the PMO's
 * bytes read through pmo_read say the same, and let the child go.
 * Exit 1 if no reply came (or it differs), else the child's status.
 */
#include "kite.h"
#include "capmsg.h"

#define MAX_ARGS 64

static int usage(void)
{
	fprintf(stderr, "usage: capspawn [-s] APP [ARGS...]\n");
	return 2;
}

/* A SHARED page mapped here with a message in it: its handle and
 * address, or -1. */
static cap_t share_page(struct capmsg **m)
{
	cap_t shm = pmo_create(CAPMSG_BYTES, KITE_PMO_SHARED);
	long addr;

	if (shm < 0)
		return -1;
	addr = pmo_map(CAP_VMSPACE, shm, 0, CAPMSG_BYTES, PROT_READ | PROT_WRITE);
	if (addr < 0) {
		cap_free(shm);
		return -1;
	}
	*m = (struct capmsg *)addr;
	snprintf((*m)->text, sizeof((*m)->text), "hello from capspawn, pid %d",
		 getpid());
	capmsg_set(*m, CAPMSG_ASKED);
	return shm;
}

/* The child's reply, while it runs: printed and checked. 0 or 1; *st
 * gets the child's status if it ended without one. */
static int take_reply(struct capmsg *m, cap_t shm, pid_t pid, int *st)
{
	static struct capmsg copy;
	uint64_t end = monotonic_ns() + CAPMSG_WAIT_MS * 1000000ULL;

	while (capmsg_seq(m) != CAPMSG_REPLIED) {
		if (monotonic_ns() > end || waitpid(pid, st, WNOHANG) == pid) {
			fprintf(stderr, "capspawn: no reply from the child\n");
			return 1;
		}
		sched_yield();
	}
	printf("capspawn: reply: %s\n", m->reply);
	/* the object itself holds what both mappings show */
	if (pmo_read(shm, 0, &copy, sizeof(copy)) != sizeof(copy) ||
	    strcmp(copy.reply, m->reply)) {
		fprintf(stderr, "capspawn: the PMO does not hold the reply\n");
		return 1;
	}
	capmsg_set(m, CAPMSG_DONE);
	return 0;
}

int main(int argc, char **argv)
{
	bool share = argc > 1 && !strcmp(argv[1], "-s");
	int first = share ? 2 : 1, n = 0, st = 0, bad = 0;
	char *args[MAX_ARGS + 2], where[24];
	struct capmsg *m = NULL;
	struct capload c;
	cap_t shm = -1;

	if (argc <= first || argc - first > MAX_ARGS)
		return usage();
	args[n++] = argv[first];
	if (share) {
		shm = share_page(&m);
		if (shm < 0) {
			perror("capspawn: shared page");
			return 1;
		}
		snprintf(where, sizeof(where), "0x%lx", (unsigned long)m);
		args[n++] = where;
	}
	for (int i = first + 1; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	if (capload_build(&c, argv[first], args, environ)) {
		fprintf(stderr, "capspawn: %s: %s\n", argv[first], strerror(errno));
		return 127;
	}
	if (share && pmo_map(c.vmspace, shm, (uintptr_t)m, CAPMSG_BYTES,
			     PROT_READ | PROT_WRITE) < 0) {
		perror("capspawn: mapping the page into the child");
		capload_abort(&c);
		return 1;
	}
	if (capload_start(&c, 0)) {
		perror("capspawn: starting the child");
		return 1;
	}
	capload_release(&c); /* it runs on without our capabilities */
	if (share)
		bad = take_reply(m, shm, c.pid, &st);
	if (bad)
		return 1; /* (the child is reaped, or init reaps it) */
	if (waitpid(c.pid, &st, 0) != c.pid) {
		perror("capspawn: waitpid");
		return 1;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
