/*
 * capmsg.c - the child of `capspawn -s capmsg`: it finds the page its
 * parent shares with it (a SHARED PMO, capmsg.h) at the address in
 * argv[1], prints the message there, writes a reply beside it and waits
 * for the parent to have read it. Exit 0, or 2 (usage), 3 (no message),
 * 4 (the parent never took the reply).
 */
#include "kite.h"
#include "capmsg.h"

int main(int argc, char **argv)
{
	struct capmsg *m;

	if (argc < 2 || strncmp(argv[1], "0x", 2)) {
		fprintf(stderr, "usage: capmsg ADDR (run by: capspawn -s capmsg)\n");
		return 2;
	}
	m = (struct capmsg *)strtoul(argv[1], NULL, 16);
	if (capmsg_seq(m) != CAPMSG_ASKED) {
		fprintf(stderr, "capmsg: no message at %s\n", argv[1]);
		return 3;
	}
	printf("capmsg: message: %s\n", m->text);
	snprintf(m->reply, sizeof(m->reply), "pid %d read \"%s\"", getpid(),
		 m->text);
	capmsg_set(m, CAPMSG_REPLIED);
	return capmsg_wait(m, CAPMSG_DONE) ? 0 : 4;
}
