/*
 * cap.c - the capability calls' wrappers (user/include/cap.h): one
 * syscallN() each, errors as -1 and errno.
 */
#include "kite.h"

cap_t cap_group_create(const char *name, struct kite_capproc *out)
{
	return __syscall_ret(syscall2(SYS_cap_group_create, name, out));
}

cap_t pmo_create(size_t size, int type)
{
	return __syscall_ret(syscall2(SYS_pmo_create, size, type));
}

long pmo_write(cap_t pmo, uint64_t off, const void *buf, size_t len)
{
	return __syscall_ret(syscall4(SYS_pmo_write, pmo, off, buf, len));
}

long pmo_read(cap_t pmo, uint64_t off, void *buf, size_t len)
{
	return __syscall_ret(syscall4(SYS_pmo_read, pmo, off, buf, len));
}

long pmo_map(cap_t vmspace, cap_t pmo, uintptr_t addr, size_t len, int prot)
{
	return __syscall_ret(syscall5(SYS_pmo_map, vmspace, pmo, addr, len, prot));
}

cap_t cap_thread_create(cap_t proc, uintptr_t pc, uintptr_t sp, uint64_t arg,
			int prio)
{
	return __syscall_ret(syscall5(SYS_cap_thread_create, proc, pc, sp, arg,
				      prio));
}

cap_t cap_copy(cap_t dest, cap_t cap, unsigned rights)
{
	return __syscall_ret(syscall3(SYS_cap_copy, dest, cap, rights));
}

int cap_free(cap_t cap)
{
	return (int)__syscall_ret(syscall1(SYS_cap_free, cap));
}

long cap_query(cap_t cap)
{
	return __syscall_ret(syscall1(SYS_cap_query, cap));
}

cap_t pmo_app(const char *name)
{
	return __syscall_ret(syscall1(SYS_pmo_app, name));
}

int kite_capstats(struct kite_capstats *st)
{
	return (int)__syscall_ret(syscall1(SYS_kite_capstats, st));
}

void kite_putc(char c)
{
	syscall1(SYS_kite_putc, c);
}

int kite_getc(void)
{
	return (int)__syscall_ret(syscall0(SYS_kite_getc));
}

void kite_thread_exit(void)
{
	for (;;)
		syscall0(SYS_kite_thread_exit);
}
