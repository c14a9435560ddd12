/*
 * sys_cap.c - the capability calls (Kite's, numbers 520..533 in
 * uapi/syscall.h; docs/USER.md has the table, docs/CAPS.md the model):
 * argument unpacking, and ChCore's putc, getc and thread_exit.
 *
 * Every call that names objects takes handles of the caller's table and
 * checks each one's type and rights (cap_get): -EBADF for no such
 * capability, -EINVAL for the wrong type or bad arguments, -EPERM for a
 * missing right, -EFAULT for a bad user pointer, -ENOMEM.
 */
#include "cap/cap.h"
#include "cap/sys_cap.h"
#include "dev/console.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "uapi/errno.h"

#define KITE_EOT 4 /* what getc returns at end of file (Ctrl-D) */

/* cap_group_create(name, struct kite_capproc *out): a new empty process
 * named name, child of the caller; returns its handle. */
SYSCALL(cap_group_create)
{
	return cap_group_create(tf->a0, tf->a1);
}

/* pmo_create(size, type): a new PMO; its handle. */
SYSCALL(pmo_create)
{
	return pmo_create(tf->a0, (long)tf->a1);
}

/* pmo_write(pmo, offset, buf, len) / pmo_read: bytes copied. */
SYSCALL(pmo_write)
{
	return pmo_write((long)tf->a0, tf->a1, tf->a2, tf->a3);
}

SYSCALL(pmo_read)
{
	return pmo_read((long)tf->a0, tf->a1, tf->a2, tf->a3);
}

/* pmo_map(vmspace, pmo, addr or 0, len, prot): the address mapped. */
SYSCALL(pmo_map)
{
	return pmo_map((long)tf->a0, (long)tf->a1, tf->a2, tf->a3, tf->a4);
}

/* cap_thread_create(process, pc, sp, arg, prio): a thread's handle. */
SYSCALL(cap_thread_create)
{
	return cap_thread_create((long)tf->a0, tf->a1, tf->a2, tf->a3,
				 (long)tf->a4);
}

/* cap_copy(dest process, cap, rights): the handle in dest's table. */
SYSCALL(cap_copy)
{
	return cap_copy((long)tf->a0, (long)tf->a1, tf->a2);
}

SYSCALL(cap_free)
{
	return cap_free((long)tf->a0);
}

SYSCALL(cap_query)
{
	return cap_query((long)tf->a0);
}

/* ChCore's putc: one byte to the console. */
SYSCALL(kite_putc)
{
	char c = (char)tf->a0;

	console_write(&c, 1);
	return 0;
}

/* ChCore's getc: the next byte of console input, as read(0, &c, 1)
 * gives it (a line at a time in canonical mode); KITE_EOT at end of
 * file, -EINTR if killed. */
SYSCALL(kite_getc)
{
	char c;
	long n = console_read(&c, 1, false);

	if (n < 0)
		return n;
	return n ? (unsigned char)c : KITE_EOT;
}

/* ChCore's thread_exit: the calling thread ends (as exit(0), not
 * exit_group: the process ends with its last thread). */
SYSCALL(kite_thread_exit)
{
	thread_exit(0);
}

/* pmo_app(name): a read-only PMO of an embedded app's ELF image. */
SYSCALL(pmo_app)
{
	return pmo_app(tf->a0);
}

/* kite_capstats(struct kite_capstats *): objects alive by type. */
SYSCALL(kite_capstats)
{
	struct kite_capstats st;

	cap_get_stats(&st);
	return copy_to_user(current()->proc->vm, tf->a0, &st, sizeof(st));
}
