/*
 * calls.h - the capability calls on the caller's own table: the slots a
 * process starts with, PMOs (create, read, write, the app image), copy
 * with fewer rights, free, query, a table grown to its limit, the
 * object counts, and ChCore's putc, getc and thread_exit.
 */
#ifndef KITE_CAPTESTS_CALLS_H
#define KITE_CAPTESTS_CALLS_H

#include "ct.h"

/* Slots 0 and 1 are the process and its vmspace, with every right, and
 * stay; nothing else is there in a fresh table. */
static void t_slots(void)
{
	IS_CAP(CAP_SELF, KITE_CAP_PROCESS, KITE_CAP_ALL);
	IS_CAP(CAP_VMSPACE, KITE_CAP_VMSPACE, KITE_CAP_ALL);
	ERR(cap_free(CAP_SELF), EPERM);
	ERR(cap_free(CAP_VMSPACE), EPERM);
	ERR(cap_query(2), EBADF);
	ERR(cap_query(-1), EBADF);
	ERR(cap_query(1L << 40), EBADF);
	ERR(cap_query(0x7fffffffffffffffL), EBADF);
	ERR(cap_query(1 | 1L << 16), EBADF); /* slot 1, another generation */
	ERR(cap_free(2), EBADF);
	ERR(cap_free(-5), EBADF);
	IS_CAP(CAP_SELF, KITE_CAP_PROCESS, KITE_CAP_ALL); /* still there */
}

static void t_pmo_create(void)
{
	struct kite_meminfo mi;
	uint64_t f0, f1;
	cap_t d, a, s;

	kite_prefault_self(); /* our own first touches are not the PMOs' */
	f0 = free_frames();

	ERR(pmo_create(PAGE, 0), EINVAL);
	ERR(pmo_create(PAGE, 4), EINVAL);
	ERR(pmo_create(0, KITE_PMO_ANON), EINVAL);
	ERR(pmo_create(1UL << 50, KITE_PMO_ANON), ENOMEM);
	ERR(pmo_create(~0UL, KITE_PMO_DATA), ENOMEM);
	CHECK(kite_meminfo(&mi) == 0, "kite_meminfo");
	ERR(pmo_create((mi.total + 1) * PAGE, KITE_PMO_SHARED), ENOMEM);
	/* DATA: every page made now; ANON and SHARED: none */
	d = OK(pmo_create(64 * PAGE, KITE_PMO_DATA));
	f1 = free_frames();
	CHECK(f0 - f1 >= 64, "a 64-page DATA PMO took %ld frames", (long)(f0 - f1));
	a = OK(pmo_create(64 * PAGE, KITE_PMO_ANON));
	s = OK(pmo_create(64 * PAGE - 5, KITE_PMO_SHARED));
	CHECK(f1 - free_frames() <= 4, "empty PMOs took %ld frames",
	      (long)(f1 - free_frames()));
	IS_CAP(d, KITE_CAP_PMO, KITE_CAP_ALL);
	CHECK(KITE_CAP_Q_PMO(query_ok(d)) == KITE_PMO_DATA, "d's type");
	CHECK(KITE_CAP_Q_PMO(query_ok(a)) == KITE_PMO_ANON, "a's type");
	CHECK(KITE_CAP_Q_PMO(query_ok(s)) == KITE_PMO_SHARED, "s's type");
	EQ(cap_free(d), 0);
	EQ(cap_free(a), 0);
	EQ(cap_free(s), 0);
	EQ(free_frames(), f0); /* every page back */
}

static void t_pmo_rw(void)
{
	static char buf[8192], back[8192];
	const char *ro = "read-only bytes";
	uint64_t size = 3 * PAGE + 100, f0;
	char *edge = heap_edge();
	cap_t p = OK(pmo_create(size, KITE_PMO_ANON)), r, w, big;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7 + 1);
	EQ(pmo_write(p, 50, buf, 8000), 8000); /* across pages */
	EQ(pmo_read(p, 50, back, 8000), 8000);
	CHECK(!memcmp(buf, back, 8000), "read back differs");
	EQ(pmo_read(p, 0, back, 50), 50);
	for (int i = 0; i < 50; i++)
		CHECK(back[i] == 0, "byte %d before the write is %d", i, back[i]);
	/* bounds: all of [off, off + len) inside the PMO */
	EQ(pmo_write(p, size - 10, buf, 10), 10);
	ERR(pmo_write(p, size - 10, buf, 11), EINVAL);
	EQ(pmo_read(p, size, buf, 0), 0);
	ERR(pmo_read(p, size + 1, buf, 0), EINVAL);
	ERR(pmo_read(p, ~0UL, buf, 2), EINVAL);
	ERR(pmo_read(p, 8, buf, ~0UL), EINVAL);
	ERR(pmo_write(p, 1UL << 62, buf, 1), EINVAL);
	/* bad buffers */
	ERR(pmo_write(p, 0, NULL, 16), EFAULT);
	ERR(pmo_read(p, 0, NULL, 16), EFAULT);
	ERR(pmo_read(p, 0, KADDR, 16), EFAULT);
	ERR(pmo_write(p, 0, KADDR, 16), EFAULT);
	ERR(pmo_read(p, 0, edge + 16 * PAGE, 16), EFAULT);
	ERR(pmo_read(p, 0, (void *)ro, 8), EFAULT); /* into .rodata */
	/* wrong types, missing rights, a freed handle */
	ERR(pmo_read(CAP_SELF, 0, buf, 1), EINVAL);
	ERR(pmo_write(CAP_VMSPACE, 0, buf, 1), EINVAL);
	ERR(pmo_read(NO_CAP, 0, buf, 1), EBADF);
	r = OK(cap_copy(CAP_SELF, p, KITE_CAP_READ | KITE_CAP_COPY));
	w = OK(cap_copy(CAP_SELF, p, KITE_CAP_WRITE));
	EQ(pmo_read(r, 50, back, 10), 10);
	ERR(pmo_write(r, 0, buf, 1), EPERM);
	EQ(pmo_write(w, 0, "w", 1), 1);
	ERR(pmo_read(w, 0, back, 1), EPERM);
	EQ(cap_free(p), 0);
	ERR(pmo_read(p, 0, back, 1), EBADF);
	EQ(pmo_read(r, 0, back, 1), 1); /* the object lives on through r */
	CHECK(back[0] == 'w', "the write through w is not there");
	EQ(cap_free(r), 0);
	EQ(cap_free(w), 0);
	/* reading pages never written makes none */
	big = OK(pmo_create(256 * PAGE, KITE_PMO_SHARED));
	kite_prefault_self();
	f0 = free_frames();
	for (uint64_t off = 0; off < 256 * PAGE; off += PAGE) {
		EQ(pmo_read(big, off, back, PAGE), PAGE);
		for (int i = 0; i < (int)PAGE; i += 512)
			CHECK(back[i] == 0, "unwritten page at %lu not zero",
			      (unsigned long)off);
	}
	EQ(free_frames(), f0);
	EQ(cap_free(big), 0);
}

/* An app's ELF image as a read-only PMO. */
static void t_pmo_app(void)
{
	char magic[5] = { 0 };
	cap_t img = OK(pmo_app("hello")), img2;
	long at;

	IS_CAP(img, KITE_CAP_PMO, KITE_CAP_READ | KITE_CAP_MAP | KITE_CAP_COPY);
	CHECK(KITE_CAP_Q_PMO(query_ok(img)) == KITE_PMO_DATA, "image's type");
	EQ(pmo_read(img, 0, magic, 4), 4);
	CHECK(!memcmp(magic, "\177ELF", 4), "no ELF magic");
	ERR(pmo_write(img, 0, "x", 1), EPERM);
	ERR(pmo_read(img, 1UL << 30, magic, 1), EINVAL);
	/* mapped: the app's bytes; privately writable (a copy) */
	at = OK(pmo_map(CAP_VMSPACE, img, 0, PAGE, RW));
	CHECK(!memcmp((char *)at, "\177ELF", 4), "mapped image: no ELF magic");
	((char *)at)[1] = 'X';
	EQ(pmo_read(img, 0, magic, 4), 4);
	CHECK(magic[1] == 'E', "a private write reached the image");
	ERR(pmo_map(CAP_VMSPACE, img, 0, 1UL << 30, PROT_READ), EINVAL);
	img2 = OK(pmo_app("./hello"));
	EQ(cap_free(img2), 0);
	ERR(pmo_app("nosuch"), ENOENT);
	ERR(pmo_app(""), EINVAL);
	ERR(pmo_app(NULL), EFAULT);
	ERR(pmo_app(KADDR), EFAULT);
	EQ(cap_free(img), 0);
	EQ(munmap((void *)at, PAGE), 0);
}

/* Copies keep or reduce rights, never widen them; the copy right is
 * needed; the destination must be a process we may write into. */
static void t_copy(void)
{
	cap_t a = OK(pmo_create(PAGE, KITE_PMO_ANON)), c1, c2, pw, same;

	same = OK(cap_copy(CAP_SELF, a, KITE_CAP_ALL));
	IS_CAP(same, KITE_CAP_PMO, KITE_CAP_ALL);
	c1 = OK(cap_copy(CAP_SELF, a, KITE_CAP_READ | KITE_CAP_COPY));
	IS_CAP(c1, KITE_CAP_PMO, KITE_CAP_READ | KITE_CAP_COPY);
	c2 = OK(cap_copy(CAP_SELF, c1, KITE_CAP_READ));
	IS_CAP(c2, KITE_CAP_PMO, KITE_CAP_READ);
	ERR(cap_copy(CAP_SELF, c2, KITE_CAP_READ), EPERM);   /* no COPY */
	ERR(cap_copy(CAP_SELF, c2, 0), EPERM);
	ERR(cap_copy(CAP_SELF, c1, KITE_CAP_READ | KITE_CAP_WRITE | KITE_CAP_COPY),
	    EPERM);                                           /* wider */
	ERR(cap_copy(CAP_SELF, c1, KITE_CAP_MAP), EPERM);
	ERR(cap_copy(CAP_SELF, a, 0x20), EINVAL);             /* no such right */
	EQ(syscall3(SYS_cap_copy, CAP_SELF, a, 1UL << 40), -EINVAL);
	ERR(cap_copy(a, a, KITE_CAP_READ), EINVAL);           /* dest: a PMO */
	ERR(cap_copy(CAP_VMSPACE, a, KITE_CAP_READ), EINVAL);
	pw = OK(cap_copy(CAP_SELF, CAP_SELF, KITE_CAP_READ | KITE_CAP_COPY));
	ERR(cap_copy(pw, a, KITE_CAP_READ), EPERM);           /* dest: no WRITE */
	ERR(cap_copy(CAP_SELF, NO_CAP, KITE_CAP_READ), EBADF);
	ERR(cap_copy(NO_CAP, a, KITE_CAP_READ), EBADF);
	/* process and vmspace capabilities copy too */
	IS_CAP(OK(cap_copy(CAP_SELF, CAP_VMSPACE, KITE_CAP_MAP)), KITE_CAP_VMSPACE,
	       KITE_CAP_MAP);
	IS_CAP(pw, KITE_CAP_PROCESS, KITE_CAP_READ | KITE_CAP_COPY);
}

/* A freed capability is never usable again, even once its slot holds
 * something else. */
static void t_free(void)
{
	cap_t a = OK(pmo_create(PAGE, KITE_PMO_DATA)), b, c, d;

	EQ(cap_free(a), 0);
	ERR(cap_free(a), EBADF);
	ERR(cap_query(a), EBADF);
	b = OK(pmo_create(PAGE, KITE_PMO_SHARED));
	CHECK((b & 0xffff) == (a & 0xffff) && b != a,
	      "freed handle %ld, the next %ld: same slot, new handle", a, b);
	ERR(cap_query(a), EBADF);
	ERR(pmo_read(a, 0, &c, 1), EBADF);
	ERR(cap_copy(CAP_SELF, a, KITE_CAP_READ), EBADF);
	IS_CAP(b, KITE_CAP_PMO, KITE_CAP_ALL);
	/* a weaker copy freed: its slot reused by a stronger capability
	 * gives the old handle nothing */
	c = OK(cap_copy(CAP_SELF, b, KITE_CAP_READ));
	EQ(cap_free(c), 0);
	d = OK(pmo_create(PAGE, KITE_PMO_ANON));
	CHECK((d & 0xffff) == (c & 0xffff), "d not in c's slot");
	ERR(pmo_write(c, 0, "x", 1), EBADF);
	ERR(pmo_read(c, 0, &a, 1), EBADF);
	EQ(pmo_write(d, 0, "x", 1), 1);
}

/* A table grows from 16 slots to 1024 and then says EMFILE. */
static void t_table_full(void)
{
	struct kite_capstats s0;
	cap_t a = OK(pmo_create(PAGE, KITE_PMO_ANON)), last = -1, h;
	uint64_t f0;
	int n = 0;

	s0 = capstats();
	while ((h = cap_copy(CAP_SELF, a, KITE_CAP_READ | KITE_CAP_COPY)) >= 0) {
		last = h;
		n++;
	}
	CHECK(errno == EMFILE, "the copy after %d: %s, want EMFILE", n,
	      strerror(errno));
	EQ(n, 1024 - 3); /* slots 0, 1 and a */
	EQ(capstats().slots_used - s0.slots_used, n);
	ERR(pmo_create(PAGE, KITE_PMO_ANON), EMFILE);
	/* a full table refuses a new process and keeps nothing of it */
	kite_prefault_self();
	f0 = free_frames();
	for (int i = 0; i < 20; i++)
		ERR(cap_group_create("ct_full", NULL), EMFILE);
	EQ(free_frames(), f0);
	EQ(cap_free(last), 0);
	/* one slot free: the process fits, its vmspace does not */
	for (int i = 0; i < 20; i++)
		ERR(cap_group_create("ct_full", NULL), EMFILE);
	EQ(free_frames(), f0);
	ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
	last = OK(cap_copy(CAP_SELF, a, KITE_CAP_READ));
	ERR(cap_copy(CAP_SELF, a, KITE_CAP_READ), EMFILE);
	for (cap_t i = 3; i < 1024; i++)
		cap_free(i);
	cap_free(last);
	EQ(capstats().slots_used, s0.slots_used);
	IS_CAP(a, KITE_CAP_PMO, KITE_CAP_ALL);
}

/* Objects are counted while alive, by type. */
static void t_stats(void)
{
	struct kite_capstats s0 = capstats(), s1;
	struct kite_capproc info;
	cap_t p, c, cp;

	p = OK(pmo_create(PAGE, KITE_PMO_ANON));
	s1 = capstats();
	EQ(s1.live[KITE_CAP_PMO], s0.live[KITE_CAP_PMO] + 1);
	EQ(s1.created[KITE_CAP_PMO], s0.created[KITE_CAP_PMO] + 1);
	EQ(s1.slots_used, s0.slots_used + 1);
	c = OK(cap_group_create("ct_stats", &info));
	s1 = capstats();
	EQ(s1.live[KITE_CAP_PROCESS], s0.live[KITE_CAP_PROCESS] + 1);
	EQ(s1.live[KITE_CAP_VMSPACE], s0.live[KITE_CAP_VMSPACE] + 1);
	EQ(s1.tables, s0.tables + 1);
	cp = OK(cap_copy(c, p, KITE_CAP_READ)); /* into its table */
	EQ(capstats().slots_used, s1.slots_used + 1);
	EQ(cap_free(p), 0);
	EQ(capstats().live[KITE_CAP_PMO], s0.live[KITE_CAP_PMO] + 1); /* its copy */
	EQ(kill(info.pid, SIGKILL), 0);
	zombie(info.pid);
	/* it died holding the PMO: gone with its table, before any wait */
	EQ(capstats().live[KITE_CAP_PMO], s0.live[KITE_CAP_PMO]);
	EQ(capstats().tables, s0.tables);
	reap(info.pid);
	EQ(cap_free(c), 0);
	EQ(cap_free(info.vmspace), 0);
	same_objects(&s0, "after the child");
	(void)cp;
	ERR(kite_capstats(NULL), EFAULT);
	ERR(kite_capstats(KADDR), EFAULT);
}

static void getc_forever(void) { kite_getc(); exit(3); }
static void thread_exits(void) { kite_thread_exit(); }

/* ChCore's putc, getc and thread_exit. */
static void t_putc_getc_exit(void)
{
	static const char line[] = "captests: putc works\n";
	int st;

	for (const char *c = line; *c; c++)
		EQ(syscall1(SYS_kite_putc, *c), 0);
	/* no input comes: getc sleeps until it is killed */
	EQ(sub(getc_forever, 300), -1);
	st = sub(thread_exits, 5000);
	CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "thread_exit: status 0x%x, want exit 0", st);
}

#endif
