/*
 * static_hello.c - a static RISC-V program built OUTSIDE Kite's user
 * library (tests/extra/build.sh):
 *
 *	riscv64-unknown-elf-gcc -nostdlib -static -march=rv64imac_zicsr
 *	    -mabi=lp64 -O2 static_hello.c
 *
 * with the toolchain's default linker script. It has its own _start and
 * ecall stubs and uses only Linux RISC-V system call numbers, so it shows
 * that a plain static binary runs on Kite unchanged (docs/USER.md,
 * "Loading").
 * It prints
 *
 *	static hello, pid N
 *	child exited 233
 *
 * after forking with clone(SIGCHLD, 0, 0, 0, 0): the child execve's the
 * embedded "hello" app (which exits 233) and the parent wait4s for it.
 * Exits 42 when everything went as expected, else 1 (with a message).
 */

#define NR_write 64
#define NR_exit 93
#define NR_getpid 172
#define NR_clone 220
#define NR_execve 221
#define NR_wait4 260
#define SIGCHLD 17

/* _start: sp -> argc, argv..., NULL, envp..., NULL, auxv. Set up gp (the
 * default linker script defines __global_pointer$ and relaxation may use
 * it), pass argc/argv/envp to main and exit with its result. */
__asm__(
	".section .text._start, \"ax\", @progbits\n"
	".globl _start\n"
	"_start:\n"
	".option push\n"
	".option norelax\n"
	"	lla gp, __global_pointer$\n"
	".option pop\n"
	"	mv fp, zero\n"
	"	ld a0, 0(sp)\n"
	"	addi a1, sp, 8\n"
	"	slli t0, a0, 3\n"
	"	add a2, a1, t0\n"
	"	addi a2, a2, 8\n"
	"	call main\n"
	"	li a7, 93\n"
	"	ecall\n"
	"1:	j 1b\n"
	".previous\n");

/* The one ecall stub: number in a7, arguments in a0..a5, result in a0. */
static long sc(long n, long a0, long a1, long a2, long a3, long a4)
{
	register long r0 __asm__("a0") = a0;
	register long r1 __asm__("a1") = a1;
	register long r2 __asm__("a2") = a2;
	register long r3 __asm__("a3") = a3;
	register long r4 __asm__("a4") = a4;
	register long r7 __asm__("a7") = n;

	__asm__ volatile("ecall"
			 : "+r"(r0)
			 : "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r7)
			 : "memory");
	return r0;
}

static long sys_write(int fd, const char *buf, unsigned long n)
{
	return sc(NR_write, fd, (long)buf, (long)n, 0, 0);
}

static __attribute__((noreturn)) void sys_exit(int code)
{
	for (;;)
		sc(NR_exit, code, 0, 0, 0, 0);
}

static long sys_getpid(void)
{
	return sc(NR_getpid, 0, 0, 0, 0, 0);
}

static long sys_clone(unsigned long flags)
{
	return sc(NR_clone, (long)flags, 0, 0, 0, 0);
}

static long sys_execve(const char *path, char *const argv[],
		       char *const envp[])
{
	return sc(NR_execve, (long)path, (long)argv, (long)envp, 0, 0);
}

static long sys_wait4(long pid, int *status, int options)
{
	return sc(NR_wait4, pid, (long)status, options, 0, 0);
}

/* No C library: string length and number formatting by hand (written
 * so that gcc does not turn them into calls to strlen or memcpy). */
static unsigned long slen(const char *s)
{
	const volatile char *p = s;
	unsigned long n = 0;

	while (p[n])
		n++;
	return n;
}

static void put(const char *s)
{
	sys_write(1, s, slen(s));
}

/* "<prefix><n>\n" in one write, so the line is never split. */
static void put_num_line(const char *prefix, long n)
{
	char buf[80];
	char digits[24];
	volatile char *b = buf;
	unsigned long len = 0, k = 0, u = n < 0 ? -(unsigned long)n : (unsigned long)n;

	while (prefix[len] && len < 50) {
		b[len] = prefix[len];
		len++;
	}
	if (n < 0)
		b[len++] = '-';
	do {
		digits[k++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (k)
		b[len++] = digits[--k];
	b[len++] = '\n';
	sys_write(1, buf, len);
}

int main(int argc, char **argv, char **envp)
{
	static char hello[] = "hello";
	char *child_argv[] = { hello, 0 };
	long pid, got;
	int status = -1;

	(void)argc, (void)argv;
	put_num_line("static hello, pid ", sys_getpid());
	pid = sys_clone(SIGCHLD);
	if (pid < 0) {
		put_num_line("static_hello: clone failed: ", pid);
		return 1;
	}
	if (pid == 0) {
		long err = sys_execve("hello", child_argv, envp);

		put_num_line("static_hello: execve failed: ", err);
		sys_exit(1);
	}
	got = sys_wait4(pid, &status, 0);
	if (got != pid) {
		put_num_line("static_hello: wait4 returned ", got);
		return 1;
	}
	if ((status & 0x7f) != 0) {
		put_num_line("static_hello: child killed by signal ", status & 0x7f);
		return 1;
	}
	put_num_line("child exited ", (status >> 8) & 0xff);
	if (((status >> 8) & 0xff) != 233) {
		put("static_hello: expected 233\n");
		return 1;
	}
	return 42;
}
