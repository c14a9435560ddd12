/*
 * vm_rt.c - the freestanding runtime of vm_cases (see vm_cases.c): _start,
 * raw system calls, message formatting, the checks and fault probes.
 *
 * Built for RISC-V (what Kite and qemu-riscv64-static run) and, to compare
 * with a real Linux kernel on an x86-64 host, for x86-64: only _start, the
 * system-call instruction and the call numbers differ.
 */
#include "vm_rt.h"

#if defined(__riscv)
#define NR_close 57
#define NR_write 64
#define NR_exit_group 94
#define NR_nanosleep 101
#define NR_clock_gettime 113
#define NR_sched_yield 124
#define NR_kill 129
#define NR_brk 214
#define NR_munmap 215
#define NR_mremap 216
#define NR_clone 220
#define NR_mmap 222
#define NR_mprotect 226
#define NR_madvise 233
#define NR_wait4 260
#define NR_prlimit64 261

/* _start: sp -> argc, argv..., NULL, envp...; gp for relaxed accesses */
__asm__(".section .text._start, \"ax\", @progbits\n"
	".globl _start\n"
	"_start:\n"
	".option push\n"
	".option norelax\n"
	"	lla gp, __global_pointer$\n"
	".option pop\n"
	"	mv fp, zero\n"
	"	ld a0, 0(sp)\n"
	"	addi a1, sp, 8\n"
	"	call main\n"
	"	li a7, 94\n"
	"	ecall\n"
	"1:	j 1b\n"
	".previous\n");

static long sc(long n, long a0, long a1, long a2, long a3, long a4, long a5)
{
	register long r0 __asm__("a0") = a0;
	register long r1 __asm__("a1") = a1;
	register long r2 __asm__("a2") = a2;
	register long r3 __asm__("a3") = a3;
	register long r4 __asm__("a4") = a4;
	register long r5 __asm__("a5") = a5;
	register long r7 __asm__("a7") = n;

	__asm__ volatile("ecall"
			 : "+r"(r0)
			 : "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r7)
			 : "memory");
	return r0;
}

/* jalr x0, 0(ra): a function that returns at once */
static const unsigned char ret_insn[] = { 0x67, 0x80, 0x00, 0x00 };
#define sync_icache() __asm__ volatile("fence.i" ::: "memory")

#elif defined(__x86_64__)
#define NR_write 1
#define NR_close 3
#define NR_mmap 9
#define NR_mprotect 10
#define NR_munmap 11
#define NR_brk 12
#define NR_sched_yield 24
#define NR_mremap 25
#define NR_madvise 28
#define NR_nanosleep 35
#define NR_clone 56
#define NR_wait4 61
#define NR_kill 62
#define NR_clock_gettime 228
#define NR_exit_group 231
#define NR_prlimit64 302

__asm__(".text\n"
	".globl _start\n"
	"_start:\n"
	"	xor %rbp, %rbp\n"
	"	mov (%rsp), %rdi\n"
	"	lea 8(%rsp), %rsi\n"
	"	and $-16, %rsp\n"
	"	call main\n"
	"	mov %eax, %edi\n"
	"	mov $231, %eax\n"
	"	syscall\n"
	"	hlt\n");

static long sc(long n, long a0, long a1, long a2, long a3, long a4, long a5)
{
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	register long r9 __asm__("r9") = a5;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8),
			   "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static const unsigned char ret_insn[] = { 0xc3 }; /* ret */
#define sync_icache() do { } while (0)
#else
#error "vm_cases: RISC-V or x86-64 only"
#endif

#define WNOHANG 1
#define CLOCK_MONOTONIC 1
#define RLIMIT_CORE 4
#define SIGCHLD 17
#define CHILD_SECONDS 20  /* one probe or helper child */

/* gcc may call these for loops and copies even in freestanding code */
void *memset(void *d, int c, unsigned long n)
{
	volatile char *p = d;

	while (n--)
		*p++ = (char)c;
	return d;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
	volatile char *p = d;
	const volatile char *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

/* ---- system calls ---- */

long sys_mmap(void *addr, unsigned long len, int prot, int flags, int fd,
	      long off)
{
	return sc(NR_mmap, (long)addr, (long)len, prot, flags, fd, off);
}

long sys_munmap(void *addr, unsigned long len)
{
	return sc(NR_munmap, (long)addr, (long)len, 0, 0, 0, 0);
}

long sys_mprotect(void *addr, unsigned long len, int prot)
{
	return sc(NR_mprotect, (long)addr, (long)len, prot, 0, 0, 0);
}

long sys_madvise(void *addr, unsigned long len, int advice)
{
	return sc(NR_madvise, (long)addr, (long)len, advice, 0, 0, 0);
}

long sys_mremap(void *old, unsigned long old_len, unsigned long new_len,
		int flags, void *new_addr)
{
	return sc(NR_mremap, (long)old, (long)old_len, (long)new_len, flags,
		  (long)new_addr, 0);
}

long sys_brk(unsigned long addr)
{
	return sc(NR_brk, (long)addr, 0, 0, 0, 0, 0);
}

long sys_fork(void)
{
	return sc(NR_clone, SIGCHLD, 0, 0, 0, 0, 0);
}

void sys_exit(int code)
{
	for (;;)
		sc(NR_exit_group, code, 0, 0, 0, 0, 0);
}

static long sys_wait4(long pid, int *status, int options)
{
	return sc(NR_wait4, pid, (long)status, options, 0, 0, 0);
}

struct ts {
	long sec, nsec;
};

static long now_ms(void)
{
	struct ts t = { 0, 0 };

	sc(NR_clock_gettime, CLOCK_MONOTONIC, (long)&t, 0, 0, 0, 0);
	return t.sec * 1000 + t.nsec / 1000000;
}

static void nap(void)
{
	struct ts t = { 0, 1000000 }; /* 1 ms */

	sc(NR_nanosleep, (long)&t, 0, 0, 0, 0, 0);
}

/* ---- formatting ---- */

void put_line(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	sc(NR_write, 1, (long)s, (long)n, 0, 0, 0);
}

void str_put(struct str *b, const char *s)
{
	while (*s && b->n < sizeof(b->s) - 2)
		b->s[b->n++] = *s++;
	b->s[b->n] = 0;
}

void str_num(struct str *b, long v)
{
	char d[24];
	int k = 0;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;

	if (v < 0)
		str_put(b, "-");
	do {
		d[k++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (k) {
		char c[2] = { d[--k], 0 };

		str_put(b, c);
	}
}

static void str_hex(struct str *b, unsigned v)
{
	char c[5] = { '0', 'x', "0123456789abcdef"[(v >> 4) & 15],
		      "0123456789abcdef"[v & 15], 0 };

	str_put(b, c);
}

static const char *const errnames[] = {
	[1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR",
	[5] = "EIO", [7] = "E2BIG", [8] = "ENOEXEC", [9] = "EBADF",
	[10] = "ECHILD", [11] = "EAGAIN", [12] = "ENOMEM", [13] = "EACCES",
	[14] = "EFAULT", [16] = "EBUSY", [17] = "EEXIST", [19] = "ENODEV",
	[22] = "EINVAL", [24] = "EMFILE", [28] = "ENOSPC", [38] = "ENOSYS",
	[75] = "EOVERFLOW", [95] = "EOPNOTSUPP",
};

static int is_err(long v)
{
	return v < 0 && v >= -4095;
}

/* A system call's result without its address: -ENAME, a small number
 * or "an address". */
void str_result(struct str *b, long v)
{
	if (is_err(v)) {
		unsigned long e = (unsigned long)-v;

		str_put(b, "-");
		if (e < sizeof(errnames) / sizeof(errnames[0]) && errnames[e]) {
			str_put(b, errnames[e]);
		} else {
			str_put(b, "E");
			str_num(b, (long)e);
		}
	} else if (v >= 0 && v < 65536) {
		str_num(b, v);
	} else {
		str_put(b, "an address");
	}
}

/* ---- checks ---- */

static struct str failure;    /* the case's first failed check */
static int failed;

const char *case_failure(void)
{
	return failed ? failure.s : 0;
}

int fail(const char *what, const char *got, const char *want)
{
	if (failed++)
		return 0;
	str_put(&failure, "got ");
	str_put(&failure, got);
	str_put(&failure, " want ");
	str_put(&failure, want);
	str_put(&failure, " (");
	str_put(&failure, what);
	str_put(&failure, ")");
	return 0;
}

static int fail_result(const char *what, long got, const char *want)
{
	struct str g = { "", 0 };

	str_result(&g, got);
	return fail(what, g.s, want);
}

int want_err(long got, int err, const char *what)
{
	struct str w = { "", 0 };

	if (got == -err)
		return 1;
	str_result(&w, -err);
	return fail_result(what, got, w.s);
}

int want_zero(long got, const char *what)
{
	return got == 0 ? 1 : fail_result(what, got, "0");
}

int want_map(long got, const char *what)
{
	if (is_err(got) || (got & (PAGE - 1)) || got == 0)
		return fail_result(what, got, "a page-aligned address");
	return 1;
}

/* where got lies relative to want, in pages when it is near */
static void str_relation(struct str *b, long got, long want)
{
	long d = got - want;

	if (is_err(got) || got == 0 || (got > 0 && got < 65536)) {
		str_result(b, got);
	} else if (d == 0) {
		str_put(b, "the same address");
	} else if (d % (long)PAGE == 0 && d < (1L << 40) && d > -(1L << 40)) {
		str_put(b, "an address ");
		str_num(b, d > 0 ? d / (long)PAGE : -d / (long)PAGE);
		str_put(b, d > 0 ? " pages above" : " pages below");
	} else {
		str_put(b, "another address");
	}
}

int want_addr(long got, const void *want, const char *what)
{
	struct str g = { "", 0 };

	if (got == (long)want)
		return 1;
	str_relation(&g, got, (long)want);
	return fail(what, g.s, "the same address");
}

int want_not_addr(long got, const void *other, const char *what)
{
	if (got != (long)other && !is_err(got) && !(got & (PAGE - 1)))
		return 1;
	if (got == (long)other)
		return fail(what, "the same address", "another address");
	return fail_result(what, got, "another address");
}

int want_eq(long got, long want, const char *what)
{
	struct str g = { "", 0 }, w = { "", 0 };

	if (got == want)
		return 1;
	str_num(&g, got);
	str_num(&w, want);
	return fail(what, g.s, w.s);
}

static int bytes_at(const char *p, unsigned long len, int value,
		    unsigned long base, const char *what)
{
	const volatile unsigned char *q = (const volatile unsigned char *)p;
	unsigned long i;
	struct str g = { "", 0 }, w = { "", 0 };

	for (i = 0; i < len; i++)
		if (q[i] != (unsigned char)value)
			break;
	if (i == len)
		return 1;
	str_put(&g, "byte ");
	str_hex(&g, q[i]);
	str_put(&g, " at page ");
	str_num(&g, (long)((base + i) / PAGE));
	str_put(&g, " offset ");
	str_num(&g, (long)((base + i) % PAGE));
	str_hex(&w, (unsigned char)value);
	return fail(what, g.s, w.s);
}

int want_bytes(const char *p, unsigned long len, int value, const char *what)
{
	return bytes_at(p, len, value, 0, what);
}

int want_pages(const char *p, unsigned long pages, int value,
	       const char *what)
{
	unsigned long i;

	for (i = 0; i < pages; i++)
		if (!bytes_at(p + i * PAGE, PAGE, value + (int)i, i * PAGE, what))
			return 0;
	return 1;
}

void fill(char *p, unsigned long len, int value)
{
	volatile char *q = p;

	while (len--)
		*q++ = (char)value;
}

void fill_pages(char *p, unsigned long pages, int value)
{
	unsigned long i;

	for (i = 0; i < pages; i++)
		fill(p + i * PAGE, PAGE, value + (int)i);
}

char *map_anon(unsigned long len, int prot, int type)
{
	long p = sys_mmap(0, len, prot, type | MAP_ANONYMOUS, -1, 0);

	return want_map(p, "mmap of anonymous memory") ? (char *)p : 0;
}

char *free_range(unsigned long len)
{
	char *p = map_anon(len, PROT_NONE, MAP_PRIVATE);

	if (p && !want_zero(sys_munmap(p, len), "munmap of a fresh mapping"))
		return 0;
	return p;
}

/* ---- children and probes ---- */

long child(void)
{
	long pid = sys_fork();

	if (pid < 0)
		fail_result("fork", pid, "a child");
	return pid;
}

int wait_child(long pid, int seconds)
{
	long start = now_ms();
	int status = 0, i;

	for (i = 0;; i++) {
		long r = sys_wait4(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0)
			return -2;
		if (now_ms() - start > seconds * 1000L) {
			sc(NR_kill, pid, SIGKILL, 0, 0, 0, 0);
			sys_wait4(pid, &status, 0);
			return -1;
		}
		if (i < 20)
			sc(NR_sched_yield, 0, 0, 0, 0, 0, 0);
		else
			nap();
	}
}

/* a wait status (or wait_child's -1, -2) in words */
void str_status(struct str *b, int st)
{
	if (st == -1) {
		str_put(b, "no end in time");
	} else if (st == -2) {
		str_put(b, "wait4 failing");
	} else if ((st & 0x7f) == 0) {
		str_put(b, "exit ");
		str_num(b, (st >> 8) & 0xff);
	} else {
		str_put(b, "killed by signal ");
		str_num(b, st & 0x7f);
	}
}

int want_child_ok(long pid, const char *what)
{
	int st = wait_child(pid, CHILD_SECONDS);
	struct str g = { "", 0 };

	if (st == 0)
		return 1;
	str_put(&g, "child ");
	str_status(&g, st);
	return fail(what, g.s, "child exit 0");
}

int wait_flag(volatile int *flag, int value, int seconds)
{
	long start = now_ms();

	while (*flag != value) {
		if (now_ms() - start > seconds * 1000L)
			return 0;
		sc(NR_sched_yield, 0, 0, 0, 0, 0, 0);
	}
	return 1;
}

static void touch(const void *addr, enum access a)
{
	volatile unsigned char *p = (volatile unsigned char *)addr;

	if (a == READ) {
		(void)*p;
	} else if (a == WRITE) {
		unsigned char v = *p;   /* the same value back: shared memory
					 * probed for writing keeps its data */
		*p = v;
	} else {
		sync_icache();
		((void (*)(void))addr)();
	}
}

int want_access(const void *addr, enum access a, enum outcome o,
		const char *what)
{
	static const char *const verbs[] = { "read", "write", "exec" };
	long pid = sys_fork();
	int st;
	struct str g = { "", 0 }, w = { "", 0 };

	if (pid < 0)
		return fail_result(what, pid, "a child for the probe");
	if (pid == 0) {
		/* qemu-user reports the child's fault on stderr */
		sc(NR_close, 2, 0, 0, 0, 0, 0);
		touch(addr, a);
		sys_exit(0);
	}
	st = wait_child(pid, CHILD_SECONDS);
	if ((st == 0 && o == WORKS) || ((st & 0x7f) == SIGSEGV && o == FAULTS))
		return 1;
	str_put(&g, verbs[a]);
	str_put(&g, st == 0 ? " works" : (st & 0x7f) == SIGSEGV ?
		" faults (SIGSEGV)" : ": ");
	if (st != 0 && (st & 0x7f) != SIGSEGV)
		str_status(&g, st);
	str_put(&w, verbs[a]);
	str_put(&w, o == WORKS ? " works" : " faults (SIGSEGV)");
	return fail(what, g.s, w.s);
}

int want_access_pages(const void *p, unsigned long pages, enum access a,
		      enum outcome o, const char *what)
{
	unsigned long i;

	for (i = 0; i < pages; i++)
		if (!want_access((const char *)p + i * PAGE, a, o, what))
			return 0;
	return 1;
}

void put_ret_insn(char *p)
{
	memcpy(p, ret_insn, sizeof(ret_insn));
}

void no_core_dumps(void)
{
	const long none[2] = { 0, 0 };

	sc(NR_prlimit64, 0, RLIMIT_CORE, (long)none, 0, 0, 0);
}
