/*
 * vm_rt.h - the freestanding runtime of vm_cases (tests/extra/vm_cases.c):
 * system-call stubs, the checks a case makes, fault probes and the case
 * table's types. No C library: vm_rt.c has _start, the ecall stubs and
 * the formatting.
 *
 * A check returns 1 when it holds; otherwise it records the case's
 * failure ("got X want Y (what)") and returns 0, and TRY() makes the
 * case return at its first failed check. Results are never printed as
 * raw addresses: errors by name, small numbers as numbers, addresses as
 * "an address" or relative to the one wanted.
 */
#ifndef VM_RT_H
#define VM_RT_H

#define PAGE 4096UL

/* Linux's values (asm-generic; the same on RISC-V and x86-64) */
#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP 0x02000000
#define PROT_RW (PROT_READ | PROT_WRITE)
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x0100
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_STACK 0x20000
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_UNKNOWN_BIT 0x800000 /* no Linux flag has this bit */
#define MAP_ANON_PRIVATE (MAP_ANONYMOUS | MAP_PRIVATE)
#define MAP_ANON_SHARED (MAP_ANONYMOUS | MAP_SHARED)
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MREMAP_DONTUNMAP 4
#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_REMOVE 9
#define MADV_DONTFORK 10
#define MADV_DOFORK 11
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23

#define EPERM 1
#define EBADF 9
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EEXIST 17
#define ENODEV 19
#define EINVAL 22
#define ENOSYS 38
#define EOPNOTSUPP 95

#define SIGKILL 9
#define SIGSEGV 11

/* ---- system calls: the raw result, -errno on failure ---- */
long sys_mmap(void *addr, unsigned long len, int prot, int flags, int fd,
	      long off);
long sys_munmap(void *addr, unsigned long len);
long sys_mprotect(void *addr, unsigned long len, int prot);
long sys_madvise(void *addr, unsigned long len, int advice);
long sys_mremap(void *old, unsigned long old_len, unsigned long new_len,
		int flags, void *new_addr);
long sys_brk(unsigned long addr);
long sys_fork(void);
__attribute__((noreturn)) void sys_exit(int code);

/* mmap of len bytes of anonymous memory (MAP_PRIVATE or MAP_SHARED);
 * a pointer, or 0 after recording the failure */
char *map_anon(unsigned long len, int prot, int type);
/* A free, page-aligned range of len bytes: mapped, then unmapped (0 after
 * recording a failure). Nothing else maps in between in this program. */
char *free_range(unsigned long len);
/* Fill len bytes with value, page i with value + i (pattern) */
void fill(char *p, unsigned long len, int value);
void fill_pages(char *p, unsigned long pages, int value);
/* an instruction that returns to the caller, at p (for EXEC probes) */
void put_ret_insn(char *p);

/* ---- checks ---- */
int fail(const char *what, const char *got, const char *want);
int want_err(long got, int err, const char *what);   /* -err */
int want_zero(long got, const char *what);           /* 0 */
int want_map(long got, const char *what);            /* any address */
int want_addr(long got, const void *want, const char *what);
int want_not_addr(long got, const void *other, const char *what);
int want_eq(long got, long want, const char *what);  /* small numbers */
/* every byte of [p, p + len) is value */
int want_bytes(const char *p, unsigned long len, int value, const char *what);
/* page i of the pages at p holds value + i (fill_pages) */
int want_pages(const char *p, unsigned long pages, int value,
	       const char *what);
#define TRY(check) do { if (!(check)) return; } while (0)

/* ---- probes: does this access fault? (done by a child process) ---- */
enum access { READ, WRITE, EXEC };
enum outcome { WORKS, FAULTS };
int want_access(const void *addr, enum access a, enum outcome o,
		const char *what);
/* every page of [p, p + pages * PAGE) */
int want_access_pages(const void *p, unsigned long pages, enum access a,
		      enum outcome o, const char *what);

/* ---- children ---- */
/* wait for a child, at most seconds, then kill it; its wait status, or
 * -1 when it did not end in time */
int wait_child(long pid, int seconds);
/* wait for pid and require it to exit 0 */
int want_child_ok(long pid, const char *what);
/* spin until *flag == value (another process sets it), at most seconds;
 * 1 if it did */
int wait_flag(volatile int *flag, int value, int seconds);
/* run code in a child: if (child()) { ...; sys_exit(0 or 1); } */
long child(void);

/* ---- for main (vm_cases.c) ---- */
/* after a case ran: its first failed check, or 0 if all held */
const char *case_failure(void);
/* RLIMIT_CORE 0: children die of SIGSEGV on purpose */
void no_core_dumps(void);

/* little string helpers for messages */
struct str {
	char s[512];
	unsigned n;
};
void str_put(struct str *b, const char *s);
void str_num(struct str *b, long v);
void str_result(struct str *b, long v);  /* -ENAME, a number, "an address" */
void str_status(struct str *b, int st);  /* a wait status in words */
void put_line(const char *s);

#endif
