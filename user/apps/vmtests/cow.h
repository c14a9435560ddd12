/*
 * cow.h - copy-on-write fork: a fork shares pages instead of copying
 * them, and a write copies only the page written, in whichever process
 * writes it; each side keeps seeing its own data. Included once, by
 * main.c, after vm.h.
 *
 * A kernel that copies at fork passes the data checks but not the
 * counts: cow_copies (kite_procs) stays 0 and a fork takes a frame for
 * every page.
 */
#ifndef KITE_VMTESTS_COW_H
#define KITE_VMTESTS_COW_H

#include "vm.h"

/* ---- a fork tree over a 4 MiB heap buffer ------------------------------ */

#define TREE_BYTES (4 * MIB)
#define TREE_WORDS (TREE_BYTES / sizeof(uint64_t))
#define TREE_DEPTH 4  /* generations below the root */
#define TREE_FANOUT 2 /* children per node, one after the other */
#define FORK_FRAMES 128 /* a fork may take this many frames, not 1024 */

static uint64_t *tree_buf;

static uint64_t tree_word(unsigned node, size_t i)
{
	return ((uint64_t)node + 1) * 0x9e3779b97f4a7c15ULL ^ (i * 0x10001);
}

/* The sum of node's pattern, and of what the buffer holds. */
static uint64_t tree_sum_want(unsigned node)
{
	uint64_t s = 0;

	for (size_t i = 0; i < TREE_WORDS; i++)
		s = s * 31 + tree_word(node, i);
	return s;
}

static uint64_t tree_sum(void)
{
	uint64_t s = 0;

	for (size_t i = 0; i < TREE_WORDS; i++)
		s = s * 31 + tree_buf[i];
	return s;
}

static void tree_expect(unsigned node, uint64_t want, const char *when)
{
	uint64_t got = tree_sum();

	CHECK(got == want, "node %u (pid %d) %s: checksum 0x%lx, want 0x%lx",
	      node, getpid(), when, (unsigned long)got, (unsigned long)want);
}

/*
 * One node: write its own pattern over the whole buffer (a child copies
 * every page it shares with its parent, and only those), check it, then
 * fork its children one at a time and check, after each has exited,
 * that its own data is unchanged. At most TREE_DEPTH + 1 copies live at
 * once.
 */
static void tree_node(unsigned node, int depth)
{
	uint64_t want = tree_sum_want(node), before = cow_copies(), copied;

	for (size_t i = 0; i < TREE_WORDS; i++)
		tree_buf[i] = tree_word(node, i);
	copied = cow_copies() - before;
	tree_expect(node, want, "after writing its pattern");
	if (depth > 0)
		CHECK(copied >= TREE_BYTES / PAGE && copied <= TREE_BYTES / PAGE + 8,
		      "node %u at depth %d copied %lu pages writing %lu shared "
		      "ones", node, depth, (unsigned long)copied,
		      (unsigned long)(TREE_BYTES / PAGE));
	for (unsigned k = 0; k < TREE_FANOUT && depth < TREE_DEPTH; k++) {
		unsigned kid = node * TREE_FANOUT + k + 1;
		uint64_t free0 = free_frames();
		pid_t pid = fork();

		if (pid == 0) {
			long took = taken_since(free0);

			CHECK(took < FORK_FRAMES, "fork of node %u took %ld "
			      "frames: the buffer was copied", node, took);
			tree_expect(node, want, "seen by its child");
			tree_node(kid, depth + 1);
			exit(0);
		}
		reap_ok(pid, "tree child");
		tree_expect(node, want, "after its child exited");
	}
}

static void t_cow_tree(void)
{
	tree_buf = sbrk(TREE_BYTES);
	CHECK(tree_buf != (void *)-1, "sbrk(4 MiB): %s", strerror(errno));
	tree_node(0, 0);
}

/* ---- each side sees its own data: mmap, data segment, stack ------------- */

#define SIDE_PAGES 4
#define SIDE_BYTES (SIDE_PAGES * PAGE)

/* initialized, so in .data: the data segment's own pages */
static char cow_global[SIDE_BYTES] __attribute__((aligned(4096))) = "data";

/* Write c over area (SIDE_PAGES pages, shared with the parent since the
 * fork): exactly those pages are copied. */
static void write_shared(char *area, char c, const char *what)
{
	uint64_t before = cow_copies(), copied;

	memset(area, c, SIDE_BYTES);
	copied = cow_copies() - before;
	CHECK(copied >= SIDE_PAGES && copied <= SIDE_PAGES + 2, "writing %d "
	      "shared pages of the %s copied %lu", SIDE_PAGES, what,
	      (unsigned long)copied);
	expect_bytes(area, SIDE_BYTES, c, what);
}

/*
 * areas: an mmap'ed private page run, a global, an array on the stack
 * (whole pages inside it, away from the frames that calls below it
 * use). The child checks it sees the parent's bytes, then writes its
 * own; the parent, which writes nothing there meanwhile, must still see
 * its own. Then the other way round: the parent writes while a child
 * that sleeps meanwhile must keep the old bytes.
 */
static __attribute__((noinline)) void cow_sides(char *m)
{
	char frame[(SIDE_PAGES + 2) * PAGE];
	char *stk = (char *)PG_UP(frame);
	char *area[] = { m, cow_global, stk };
	const char *name[] = { "mmap'ed pages", "data segment", "stack" };
	pid_t pid;

	for (int i = 0; i < 3; i++)
		memset(area[i], 'P', SIDE_BYTES);
	pid = fork();
	if (pid == 0) {
		cow_copies(); /* its buffer and our stack: copied now */
		for (int i = 0; i < 3; i++)
			expect_bytes(area[i], SIDE_BYTES, 'P', name[i]);
		for (int i = 0; i < 3; i++)
			write_shared(area[i], 'C', name[i]);
		exit(0);
	}
	reap_ok(pid, "child writing");
	for (int i = 0; i < 3; i++)
		expect_bytes(area[i], SIDE_BYTES, 'P', name[i]);
	pid = fork();
	if (pid == 0) {
		sleep_ms(100);
		for (int i = 0; i < 3; i++)
			expect_bytes(area[i], SIDE_BYTES, 'P', name[i]);
		exit(0);
	}
	for (int i = 0; i < 3; i++)
		memset(area[i], 'Q', SIDE_BYTES);
	reap_ok(pid, "child reading while the parent writes");
	for (int i = 0; i < 3; i++)
		expect_bytes(area[i], SIDE_BYTES, 'Q', name[i]);
}

static void t_cow_sides(void)
{
	char *m = map(SIDE_BYTES, RW, PRIV);

	cow_sides(m);
	EQ(munmap(m, SIDE_BYTES), 0);
}

/* ---- a child that execs at once copies nothing ------------------------- */

#define EXEC_DIRTY 16 /* pages the control child writes before its exec */

static char cow_dirty[EXEC_DIRTY * PAGE] __attribute__((aligned(4096)));

/*
 * The child execs "vmtests --helper cow", which exits with the pages its
 * process copied (cow_copies survives execve). A child that execs
 * without a store in between must have copied none; as a control, one
 * that first writes EXEC_DIRTY shared pages must have copied them.
 */
static void t_cow_exec(void)
{
	static char *const argv[] = { PROG, "--helper", "cow", NULL };
	pid_t pid;
	int st = 0;

	memset(cow_dirty, 1, sizeof(cow_dirty));
	pid = (pid_t)fork_exec_nostore(PROG, argv, NULL);
	CHECK(pid > 0, "fork: error %d", -pid);
	reap_code(pid, 0, "a child exec'ing at once: pages copied (exit "
		  "status)");
	pid = fork();
	if (pid == 0) {
		memset(cow_dirty, 2, sizeof(cow_dirty));
		execve(PROG, argv, NULL);
		exit(127);
	}
	CHECK(pid > 0, "fork: %s", strerror(errno));
	EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) >= EXEC_DIRTY &&
	      WEXITSTATUS(st) < EXEC_DIRTY + 16, "a child that wrote %d shared "
	      "pages before its exec: status 0x%x, want its copies (%d..%d) "
	      "as exit status", EXEC_DIRTY, st, EXEC_DIRTY, EXEC_DIRTY + 15);
}

#endif
