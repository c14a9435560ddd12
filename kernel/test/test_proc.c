/*
 * test_proc.c - in-kernel tests of processes: a fresh PCB, pid
 * uniqueness under load from every hart, MAX_PROCESS, exit and wait.
 */
#include "kernel/clock.h"
#include "kernel/cpu.h"
#include "kernel/ktest.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/kvm.h"
#include "mm/pagetable.h"
#include "mm/pmm.h"
#include "proc/proc.h"
#include "uapi/errno.h"

static int return_arg(void *arg)
{
	return (int)(uintptr_t)arg;
}

/* Free frames once cached kernel stacks are given back. kmalloc's slabs
 * count as free (they stay cached per class), and so do page-table
 * frames: the kernel-stack area keeps the leaf tables it grew (at most
 * one per 64 stack slots). */
static uint64_t frames_settled(void)
{
	struct kmalloc_stats st;
	uint64_t n;

	kstack_cache_drain();
	n = pmm_free_count() + pt_table_pages();
	kmalloc_get_stats(&st);
	for (int c = 0; c < KMALLOC_NCLASSES; c++)
		n += st.slabs[c];
	return n;
}

/* Every field of a new process and thread is as documented. */
KTEST(proc_init)
{
	struct proc *p = proc_alloc("fresh", PF_KERNEL);
	struct thread *t;

	KT_ASSERT(p != NULL);
	KT_ASSERT(p->pid == -1 && strcmp(p->name, "fresh") == 0);
	KT_ASSERT(p->state == P_ALIVE && p->flags == PF_KERNEL);
	KT_ASSERT(p->parent == NULL && list_empty(&p->children));
	KT_ASSERT(list_empty(&p->threads) && p->nthreads == 0);
	KT_ASSERT(!p->vm && !p->caps);
	KT_ASSERT(p->pgid == 0 && p->killed == 0);
	KT_ASSERT(p->exit_status == 0 && p->ticks == 0);
	KT_ASSERT(list_empty(&p->child_exit.waiters));
	t = thread_alloc(p, return_arg, (void *)7);
	KT_ASSERT(t != NULL);
	KT_ASSERT(t->tid == -1 && t->state == T_UNINIT && t->proc == p);
	KT_ASSERT(strcmp(t->name, "fresh") == 0);
	KT_ASSERT(t->kstack && IS_ALIGNED(t->kstack, KSTACK_SIZE));
	KT_ASSERT((uintptr_t)t->tf == t->kstack - sizeof(struct trapframe));
	KT_ASSERT(t->ctx.ra == (uintptr_t)thread_trampoline);
	KT_ASSERT(t->ctx.sp == (uintptr_t)t->tf && t->ctx.s[1] == (uintptr_t)t);
	KT_ASSERT(!t->need_resched && !t->on_cpu && t->cpu == -1);
	KT_ASSERT(t->allowed == CPUMASK_ALL);
	KT_ASSERT(t->se.prio == PRIO_DEFAULT && t->se.pass == 0);
	KT_ASSERT(!heap_node_queued(&t->se.heap_node));
	KT_ASSERT(t->runs == 0 && t->ticks == 0 && t->wq == NULL);
	KT_ASSERT(t->entry == return_arg && t->arg == (void *)7);
	thread_free(t);
	proc_free(p);
	return 0;
}

#define WAVE 32
#define PID_TOTAL 100000

static int unique_errors;   /* [atomic] */
static int unique_created;  /* [atomic] */

static void pid_wave_driver(void *arg)
{
	int per_hart = *(int *)arg;
	int pids[WAVE];

	for (int done = 0; done < per_hart; done += WAVE) {
		int n = 0;

		for (int i = 0; i < WAVE && done + i < per_hart; i++) {
			int pid = kernel_thread(return_arg, (void *)(uintptr_t)(i + 1), "wave");

			if (pid < 0) {
				__atomic_add_fetch(&unique_errors, 1, __ATOMIC_RELAXED);
				continue;
			}
			pids[n++] = pid;
		}
		if (cpuid() == 0 && proc_check_table() != 0)
			__atomic_add_fetch(&unique_errors, 1, __ATOMIC_RELAXED);
		for (int i = 0; i < n; i++) {
			int status = -1;

			if (proc_wait(pids[i], &status, 0) != pids[i] ||
			    WEXITSTATUS(status) < 1 || WEXITSTATUS(status) > WAVE)
				__atomic_add_fetch(&unique_errors, 1, __ATOMIC_RELAXED);
		}
		__atomic_add_fetch(&unique_created, n, __ATOMIC_RELAXED);
	}
}

/* 100,000 kernel threads, created and reaped in waves from every hart;
 * the table never holds a pid twice and everything comes back. */
KTEST(pid_unique)
{
	int per_hart = (PID_TOTAL + ncpu_online - 1) / ncpu_online;
	int procs_before = proc_count();
	uint64_t free_before = frames_settled(), free_after;

	unique_errors = 0;
	unique_created = 0;
	KT_ASSERT(smp_call_all(pid_wave_driver, &per_hart) == 0);
	KT_ASSERTF(unique_errors == 0, "%d errors (duplicate pid, bad status "
		   "or failed creation)", unique_errors);
	KT_ASSERT(unique_created >= PID_TOTAL);
	KT_ASSERT(proc_check_table() == 0);
	KT_ASSERTF(proc_count() == procs_before, "%d processes, %d before",
		   proc_count(), procs_before);
	free_after = frames_settled();
	KT_ASSERTF(free_after == free_before, "frames: %lu before, %lu after",
		   (unsigned long)free_before, (unsigned long)free_after);
	return 0;
}

static struct spinlock hold_lock = SPINLOCK_INIT("test.hold");
static struct waitqueue hold_wq;
static bool hold_released; /* [hold_lock] */

static int hold_until_released(void *arg)
{
	(void)arg;
	spin_lock(&hold_lock);
	while (!hold_released)
		wq_sleep(&hold_wq, &hold_lock);
	spin_unlock(&hold_lock);
	return 0;
}

/* Past MAX_PROCESS creation fails with -EAGAIN; after reaping it works. */
KTEST(pid_exhaust)
{
	static int pids[MAX_PROCESS];
	int n = 0, err = 0, room = MAX_PROCESS - proc_count(), pid;
	uint64_t free_before = frames_settled(), free_after;

	wq_init(&hold_wq, "test.hold");
	hold_released = false;
	while (n < MAX_PROCESS) {
		pid = kernel_thread(hold_until_released, NULL, "hold");
		if (pid < 0) {
			err = pid;
			break;
		}
		pids[n++] = pid;
	}
	spin_lock(&hold_lock);
	hold_released = true;
	wq_wake_all(&hold_wq);
	spin_unlock(&hold_lock);
	for (int i = 0; i < n; i++)
		KT_ASSERT(proc_wait(pids[i], NULL, 0) == pids[i]);
	KT_ASSERTF(err == -EAGAIN, "creation stopped with %d", err);
	KT_ASSERTF(n == room, "created %d, room for %d", n, room);
	pid = kernel_thread(return_arg, (void *)3, "again");
	KT_ASSERT(pid > 0);
	KT_ASSERT(proc_wait(pid, NULL, 0) == pid);
	free_after = frames_settled();
	KT_ASSERTF(free_after == free_before, "frames: %lu before, %lu after",
		   (unsigned long)free_before, (unsigned long)free_after);
	return 0;
}

static int orphan_pid; /* [atomic] */

static int grandchild(void *arg)
{
	(void)arg;
	sleep_ms(30); /* outlive the parent */
	return 9;
}

static int parent_of_orphan(void *arg)
{
	(void)arg;
	__atomic_store_n(&orphan_pid, kernel_thread(grandchild, NULL, "orphan"),
			 __ATOMIC_RELEASE);
	return 5; /* exits at once: the grandchild goes to init */
}

static int wait_without_children(void *arg)
{
	(void)arg;
	return proc_wait(-1, NULL, 0) == -ECHILD &&
	       proc_wait(12345, NULL, WNOHANG) == -ECHILD ? 0 : 1;
}

/* Statuses reach the parent, orphans are reaped by init, and waiting
 * with nothing to wait for fails at once. */
KTEST(exit_wait)
{
	int pids[5], status, pid, seen = 0;
	bool gone = false;

	for (int i = 0; i < 5; i++) {
		pids[i] = kernel_thread(return_arg, (void *)(uintptr_t)(40 + i), "child");
		KT_ASSERT(pids[i] > 0);
	}
	/* a given child, then any child */
	KT_ASSERT(proc_wait(pids[3], &status, 0) == pids[3]);
	KT_ASSERT(WEXITSTATUS(status) == 43);
	while (seen < 4) {
		pid = proc_wait(-1, &status, 0);
		KT_ASSERT(pid > 0);
		for (int i = 0; i < 5; i++)
			if (pid == pids[i])
				KT_ASSERTF(WEXITSTATUS(status) == 40 + i,
					   "pid %d status %d", pid, WEXITSTATUS(status));
		seen++;
	}
	/* the reaped child is gone for good */
	KT_ASSERT(proc_wait(pids[0], NULL, WNOHANG) == -ECHILD);

	orphan_pid = 0;
	pid = kernel_thread(parent_of_orphan, NULL, "parent");
	KT_ASSERT(pid > 0);
	KT_ASSERT(proc_wait(pid, &status, 0) == pid && WEXITSTATUS(status) == 5);
	KT_ASSERT(__atomic_load_n(&orphan_pid, __ATOMIC_ACQUIRE) > 0);
	for (int i = 0; i < 100 && !gone; i++) {
		sleep_ms(10);
		spin_lock(&proc_lock);
		gone = proc_lookup_locked(orphan_pid) == NULL;
		spin_unlock(&proc_lock);
	}
	KT_ASSERTF(gone, "orphan %d was not reaped by init", orphan_pid);

	pid = kernel_thread(wait_without_children, NULL, "lonely");
	KT_ASSERT(pid > 0);
	KT_ASSERT(proc_wait(pid, &status, 0) == pid && WEXITSTATUS(status) == 0);
	return 0;
}
