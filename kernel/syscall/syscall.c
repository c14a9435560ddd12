/*
 * syscall.c - the system call table and dispatch.
 *
 * The numbers are Linux RISC-V's (uapi/syscall.h). A slot without a
 * handler answers -ENOSYS, so a program that tries a call Kite lacks gets
 * an error, never a crash (and, at log=debug, a line naming the call:
 * sys_unknown.c).
 */
#include "arch/trapframe.h"
#include "cap/sys_cap.h"
#include "syscall/syscall.h"
#include "trace/trace.h"
#include "uapi/errno.h"
#include "uapi/syscall.h"

static const syscall_fn syscall_table[NR_SYSCALLS] = {
	[SYS_ioctl] = sys_ioctl,
	[SYS_read] = sys_read,
	[SYS_write] = sys_write,
	[SYS_exit] = sys_exit,
	[SYS_exit_group] = sys_exit_group,
	[SYS_nanosleep] = sys_nanosleep,
	[SYS_clock_gettime] = sys_clock_gettime,
	[SYS_sched_yield] = sys_sched_yield,
	[SYS_kill] = sys_kill,
	[SYS_set_priority] = sys_set_priority,
	[SYS_times] = sys_times,
	[SYS_uname] = sys_uname,
	[SYS_gettimeofday] = sys_gettimeofday,
	[SYS_getpid] = sys_getpid,
	[SYS_getppid] = sys_getppid,
	[SYS_setpgid] = sys_setpgid,
	[SYS_getpgid] = sys_getpgid,
	[SYS_getsid] = sys_getsid,
	[SYS_setsid] = sys_setsid,
	[SYS_sched_setparam] = sys_sched_setparam,
	[SYS_sched_setscheduler] = sys_sched_setscheduler,
	[SYS_sched_getscheduler] = sys_sched_getscheduler,
	[SYS_sched_getparam] = sys_sched_getparam,
	[SYS_sched_get_priority_max] = sys_sched_get_priority_max,
	[SYS_sched_get_priority_min] = sys_sched_get_priority_min,
	[SYS_sched_rr_get_interval] = sys_sched_rr_get_interval,
	[SYS_getcpu] = sys_getcpu,
	[SYS_prctl] = sys_prctl,
	[SYS_umask] = sys_umask,
	[SYS_gettid] = sys_gettid,
	[SYS_brk] = sys_brk,
	[SYS_mmap] = sys_mmap,
	[SYS_munmap] = sys_munmap,
	[SYS_mprotect] = sys_mprotect,
	[SYS_madvise] = sys_madvise,
	[SYS_msync] = sys_msync,
	[SYS_mlock] = sys_mlock,
	[SYS_munlock] = sys_munlock,
	[SYS_mlockall] = sys_mlockall,
	[SYS_munlockall] = sys_munlockall,
	[SYS_mincore] = sys_mincore,
	[SYS_mlock2] = sys_mlock2,
	[SYS_mremap] = sys_mremap,
	[SYS_prlimit64] = sys_prlimit64,
	[SYS_getrlimit] = sys_getrlimit,
	[SYS_setrlimit] = sys_setrlimit,
	[SYS_clone] = sys_clone,
	[SYS_execve] = sys_execve,
	[SYS_wait4] = sys_wait4,
	[SYS_spawn] = sys_spawn,
	[SYS_kite_apps] = sys_kite_apps,
	[SYS_kite_procs] = sys_kite_procs,
	[SYS_kite_meminfo] = sys_kite_meminfo,
	[SYS_kite_sched] = sys_kite_sched,
	[SYS_kite_cpustat] = sys_kite_cpustat,
	[SYS_kite_maps] = sys_kite_maps,
	[SYS_kite_swap] = sys_kite_swap,
	[SYS_kite_usermem] = sys_kite_usermem,
	[SYS_kite_swapsim] = sys_kite_swapsim,
	[SYS_kite_trace] = sys_kite_trace,
	[SYS_set_tid_address] = sys_set_tid_address,
	[SYS_futex] = sys_futex,
	[SYS_set_robust_list] = sys_set_robust_list,
	[SYS_get_robust_list] = sys_get_robust_list,
	[SYS_tkill] = sys_tkill,
	[SYS_tgkill] = sys_tgkill,
	[SYS_sched_setaffinity] = sys_sched_setaffinity,
	[SYS_sched_getaffinity] = sys_sched_getaffinity,
	[SYS_cap_group_create] = sys_cap_group_create,
	[SYS_pmo_create] = sys_pmo_create,
	[SYS_pmo_write] = sys_pmo_write,
	[SYS_pmo_read] = sys_pmo_read,
	[SYS_pmo_map] = sys_pmo_map,
	[SYS_cap_thread_create] = sys_cap_thread_create,
	[SYS_cap_copy] = sys_cap_copy,
	[SYS_cap_free] = sys_cap_free,
	[SYS_cap_query] = sys_cap_query,
	[SYS_kite_putc] = sys_kite_putc,
	[SYS_kite_getc] = sys_kite_getc,
	[SYS_kite_thread_exit] = sys_kite_thread_exit,
	[SYS_pmo_app] = sys_pmo_app,
	[SYS_kite_capstats] = sys_kite_capstats,
	[SYS_rt_sigaction] = sys_rt_sigaction,
	[SYS_rt_sigprocmask] = sys_rt_sigprocmask,
	[SYS_rt_sigpending] = sys_rt_sigpending,
	[SYS_rt_sigsuspend] = sys_rt_sigsuspend,
	[SYS_rt_sigtimedwait] = sys_rt_sigtimedwait,
	[SYS_rt_sigreturn] = sys_rt_sigreturn,
	[SYS_sigaltstack] = sys_sigaltstack,
	[SYS_setitimer] = sys_setitimer,
	[SYS_getitimer] = sys_getitimer,
	[SYS_ppoll] = sys_ppoll,
	[SYS_rt_sigqueueinfo] = sys_rt_sigqueueinfo,
	[SYS_rt_tgsigqueueinfo] = sys_rt_tgsigqueueinfo,
	[SYS_fstat] = sys_fstat,
	[SYS_newfstatat] = sys_newfstatat,
	[SYS_readlinkat] = sys_readlinkat,
	[SYS_openat] = sys_openat,
	[SYS_lseek] = sys_lseek,
	[SYS_getcwd] = sys_getcwd,
	[SYS_clock_getres] = sys_clock_getres,
	[SYS_clock_nanosleep] = sys_clock_nanosleep,
	[SYS_getrusage] = sys_getrusage,
	[SYS_getuid] = sys_getuid,
	[SYS_geteuid] = sys_geteuid,
	[SYS_getgid] = sys_getgid,
	[SYS_getegid] = sys_getegid,
	[SYS_getresuid] = sys_getresuid,
	[SYS_getresgid] = sys_getresgid,
	[SYS_sysinfo] = sys_sysinfo,
	[SYS_getrandom] = sys_getrandom,
	[SYS_readv] = sys_readv,
	[SYS_writev] = sys_writev,
	[SYS_close] = sys_close,
	[SYS_dup] = sys_dup,
	[SYS_dup3] = sys_dup3,
	[SYS_fcntl] = sys_fcntl,
	[SYS_pipe2] = sys_pipe2,
	[SYS_close_range] = sys_close_range,
	[SYS_pselect6] = sys_pselect6,
};

long (*trace_syscall_handler(uint64_t nr))(struct trapframe *tf)
{
	return nr < NR_SYSCALLS ? syscall_table[nr] : NULL;
}

void syscall_dispatch(struct trapframe *tf)
{
	uint64_t nr = tf->a7;
	syscall_fn fn = nr < NR_SYSCALLS ? syscall_table[nr] : NULL;

	tf->orig_a0 = tf->a0; /* a restart after a signal needs it */
	if (trace_syscalls()) /* the same, with a record each way */
		fn = trace_syscall_fn;
	tf->a0 = (uint64_t)(fn ? fn(tf) : syscall_unknown(nr));
}
