/*
 * maps.h - PMOs mapped into a vmspace: private mappings copy on write
 * (DATA, ANON), shared ones share (SHARED), the regions show in
 * kite_maps, fork copies or shares them, faults as with mmap, and every
 * argument, type and right checked.
 */
#ifndef KITE_CAPTESTS_MAPS_H
#define KITE_CAPTESTS_MAPS_H

#include "ct.h"

/* DATA and ANON mappings are private: the PMO's bytes until the
 * mapping writes a page, then a copy of its own. */
static void t_map_private(void)
{
	cap_t d = OK(pmo_create(3 * PAGE, KITE_PMO_DATA));
	cap_t a = OK(pmo_create(4 * PAGE, KITE_PMO_ANON));
	struct kite_region r;
	char back[8];
	char *m, *n;

	EQ(pmo_write(d, 0, "hello", 6), 6);
	EQ(pmo_write(d, 2 * PAGE, "third", 6), 6);
	m = (char *)OK(pmo_map(CAP_VMSPACE, d, 0, 3 * PAGE, RW));
	/* a page written before it is ever read: a copy all the same */
	m[2 * PAGE] = 'T';
	CHECK(!strcmp(m + 2 * PAGE, "Third"), "write-first page reads '%s'",
	      m + 2 * PAGE);
	EQ(pmo_read(d, 2 * PAGE, back, 6), 6);
	CHECK(!strcmp(back, "third"), "a first write reached the PMO: '%s'", back);
	CHECK(((uintptr_t)m & (PAGE - 1)) == 0, "unaligned address %p", m);
	CHECK(!strcmp(m, "hello"), "mapping reads '%s'", m);
	strcpy(m, "world");
	EQ(pmo_read(d, 0, back, 6), 6);
	CHECK(!strcmp(back, "hello"), "a private write reached the PMO: '%s'", back);
	CHECK(!strcmp(m, "world"), "the mapping lost its write");
	/* a page the mapping has not written shows the PMO's bytes now */
	EQ(pmo_write(d, PAGE, "later", 6), 6);
	CHECK(!strcmp(m + PAGE, "later"), "second page reads '%s'", m + PAGE);
	r = region_at((uintptr_t)m);
	CHECK(r.start == (uintptr_t)m && r.end == (uintptr_t)m + 3 * PAGE &&
	      r.kind == KITE_VM_DATA && !(r.flags & KITE_VMF_SHARED) &&
	      r.prot == RW, "region %lx-%lx kind %u flags %u prot %u",
	      (unsigned long)r.start, (unsigned long)r.end, r.kind, r.flags,
	      r.prot);
	/* ANON: zero until written; read-only and executable map as code */
	n = (char *)OK(pmo_map(CAP_VMSPACE, a, 0, 4 * PAGE, PROT_READ));
	CHECK(n[0] == 0 && n[3 * PAGE + 17] == 0, "ANON pages not zero");
	EQ(pmo_write(a, PAGE, "anon", 5), 5);
	CHECK(!strcmp(n + PAGE, "anon"), "ANON mapping reads '%s'", n + PAGE);
	EQ(region_at((uintptr_t)n).kind, KITE_VM_CODE);
	/* the regions outlive the capabilities */
	EQ(cap_free(d), 0);
	EQ(cap_free(a), 0);
	CHECK(!strcmp(m, "world") && !strcmp(m + PAGE, "later"), "lost bytes");
	EQ(munmap(m, 3 * PAGE), 0);
	EQ(munmap(n, 4 * PAGE), 0);
}

/* SHARED mappings share: every mapping and the PMO's bytes agree. */
static void t_map_shared(void)
{
	cap_t s = OK(pmo_create(PAGE, KITE_PMO_SHARED));
	char *a = (char *)OK(pmo_map(CAP_VMSPACE, s, 0, PAGE, RW));
	char *b = (char *)OK(pmo_map(CAP_VMSPACE, s, 0, PAGE, RW));
	struct kite_region r = region_at((uintptr_t)a);
	char back[16];
	pid_t pid;

	CHECK(a != b, "two mappings at one address");
	strcpy(a, "via a");
	CHECK(!strcmp(b, "via a"), "b reads '%s'", b);
	EQ(pmo_read(s, 0, back, 6), 6);
	CHECK(!strcmp(back, "via a"), "the PMO holds '%s'", back);
	EQ(pmo_write(s, 0, "via pmo", 8), 8);
	CHECK(!strcmp(a, "via pmo") && !strcmp(b, "via pmo"), "a '%s' b '%s'", a, b);
	CHECK(r.kind == KITE_VM_SHARED && (r.flags & KITE_VMF_SHARED),
	      "region kind %u flags %u", r.kind, r.flags);
	/* a forked child shares it too */
	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		strcpy(b, "child");
		exit(0);
	}
	reap_code(pid, 0, "child");
	CHECK(!strcmp(a, "child"), "the child's store did not arrive: '%s'", a);
	EQ(cap_free(s), 0);
	strcpy(b, "after free");
	CHECK(!strcmp(a, "after free"), "mapping after the free");
}

/* fork copies a private PMO mapping copy-on-write. */
static void t_map_fork(void)
{
	cap_t d = OK(pmo_create(PAGE, KITE_PMO_DATA));
	char *m = (char *)OK(pmo_map(CAP_VMSPACE, d, 0, PAGE, RW));
	pid_t pid;

	strcpy(m, "parent");
	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		if (strcmp(m, "parent"))
			exit(3);
		strcpy(m, "child");
		exit(strcmp(m, "child") ? 4 : 0);
	}
	reap_code(pid, 0, "child");
	CHECK(!strcmp(m, "parent"), "the child's private write reached us: '%s'", m);
}

static char *ro_map;
static void write_ro(void) { ro_map[0] = 1; }

static void t_map_errors(void)
{
	cap_t d = OK(pmo_create(2 * PAGE, KITE_PMO_DATA));
	cap_t s = OK(pmo_create(PAGE, KITE_PMO_SHARED));
	cap_t nomap, ro, maponly, vs_nomap;
	long at = OK(pmo_map(CAP_VMSPACE, d, 0, PAGE, PROT_READ));

	ERR(pmo_map(CAP_VMSPACE, d, 0x1234, PAGE, PROT_READ), EINVAL);
	ERR(pmo_map(CAP_VMSPACE, d, 0, 0, PROT_READ), EINVAL);
	ERR(pmo_map(CAP_VMSPACE, d, 0, 3 * PAGE, PROT_READ), EINVAL);
	ERR(pmo_map(CAP_VMSPACE, d, 0, ~0UL, PROT_READ), EINVAL);
	ERR(pmo_map(CAP_VMSPACE, d, 0, PAGE, 0x8), EINVAL);
	ERR(pmo_map(CAP_VMSPACE, d, (uintptr_t)KADDR, PAGE, PROT_READ), EINVAL);
	ERR(pmo_map(CAP_VMSPACE, d, 0x4000000000UL - PAGE, 2 * PAGE, PROT_READ),
	    EINVAL);
	ERR(pmo_map(CAP_VMSPACE, d, at, PAGE, PROT_READ), EEXIST);
	ERR(pmo_map(d, d, 0, PAGE, PROT_READ), EINVAL);            /* not a vmspace */
	ERR(pmo_map(CAP_VMSPACE, CAP_SELF, 0, PAGE, PROT_READ), EINVAL); /* not a PMO */
	ERR(pmo_map(NO_CAP, d, 0, PAGE, PROT_READ), EBADF);
	ERR(pmo_map(CAP_VMSPACE, NO_CAP, 0, PAGE, PROT_READ), EBADF);
	/* rights: MAP to map at all, READ for any access, WRITE for a
	 * shared writable mapping; a private writable one needs no WRITE */
	nomap = OK(cap_copy(CAP_SELF, d, KITE_CAP_READ | KITE_CAP_WRITE));
	ERR(pmo_map(CAP_VMSPACE, nomap, 0, PAGE, PROT_READ), EPERM);
	maponly = OK(cap_copy(CAP_SELF, s, KITE_CAP_MAP));
	ERR(pmo_map(CAP_VMSPACE, maponly, 0, PAGE, PROT_READ), EPERM);
	OK(pmo_map(CAP_VMSPACE, maponly, 0, PAGE, PROT_NONE));
	ro = OK(cap_copy(CAP_SELF, s, KITE_CAP_READ | KITE_CAP_MAP));
	ERR(pmo_map(CAP_VMSPACE, ro, 0, PAGE, RW), EPERM);
	OK(pmo_map(CAP_VMSPACE, ro, 0, PAGE, PROT_READ));
	EQ(cap_free(ro), 0);
	ro = OK(cap_copy(CAP_SELF, d, KITE_CAP_READ | KITE_CAP_MAP));
	OK(pmo_map(CAP_VMSPACE, ro, 0, PAGE, RW)); /* private: a copy */
	vs_nomap = OK(cap_copy(CAP_SELF, CAP_VMSPACE, KITE_CAP_READ));
	ERR(pmo_map(vs_nomap, d, 0, PAGE, PROT_READ), EPERM);
	/* a read-only mapping faults on a write, as mmap's */
	ro_map = (char *)at;
	expect_signal(write_ro, SIGSEGV, "write to a read-only PMO mapping");
}

#endif
