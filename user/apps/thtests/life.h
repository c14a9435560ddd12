/*
 * life.h - the life of threads: ids, clone's flags, join through
 * CLEARTID, many create/join rounds, exit against exit_group, kills and
 * faults ending every thread, execve from a secondary thread, wait4
 * only after the last thread, vfork, CLONE_VM processes, tkill/tgkill,
 * CPU time and per-thread priorities.
 */
#ifndef KITE_THTESTS_LIFE_H
#define KITE_THTESTS_LIFE_H

/* lib/thread.c: clone; the child calls start(tp) on stack, never returns */
long thread_clone_asm(unsigned long flags, void *stack, volatile int *ptid,
		      void *tls, volatile int *ctid, void (*start)(void *));

static char child_stack[16384] __attribute__((aligned(16)));
#define CHILD_STACK_TOP (child_stack + sizeof(child_stack))

static volatile int shared_var;

static void *report_tid(void *arg)
{
	*(pid_t *)arg = gettid();
	return (void *)(long)getpid();
}

static void t_ids(void)
{
	pid_t tids[4], me = getpid();
	thread_t t[4];
	void *ret;

	EQ(gettid(), me); /* the first thread's tid is the pid */
	EQ(set_tid_address(NULL), me);
	for (int i = 0; i < 4; i++)
		t[i] = spawn_thread(report_tid, &tids[i]);
	for (int i = 0; i < 4; i++) {
		EQ(thread_join(t[i], &ret), 0);
		EQ((long)ret, me); /* getpid() in the thread: the group's id */
		CHECK(tids[i] != me && tids[i] > 0, "thread %d has tid %d", i, tids[i]);
		for (int j = 0; j < i; j++)
			CHECK(tids[i] != tids[j], "threads %d and %d share tid %d",
			      j, i, tids[i]);
	}
	/* a joined thread may still be on its way out of the kernel */
	wait_threads(me, 1, "after the joins");
}

/* A raw clone with CLONE_CHILD_CLEARTID: the word is zeroed and woken
 * when the thread exits; thread_join (which waits on it) returns the
 * result; joining oneself is EDEADLK. */
static volatile int raw_tid;

static void raw_start(void *tp)
{
	(void)tp;
	shared_var = 42;
	sleep_ms(50); /* the parent sleeps on the word meanwhile */
	exit_thread(0);
}

static void *join_self(void *arg)
{
	(void)arg;
	CHECK(thread_join(thread_self(), NULL) == -1 && errno == EDEADLK,
	      "joining oneself: errno %d", errno);
	return (void *)7L;
}

static void t_join_cleartid(void)
{
	long tid;
	int seen;
	void *ret;

	shared_var = 0;
	tid = thread_clone_asm(PTHREAD_FLAGS & ~CLONE_SETTLS, CHILD_STACK_TOP,
			       &raw_tid, NULL, &raw_tid, raw_start);
	CHECK(tid > 0, "clone: %ld", tid);
	EQ(raw_tid, tid); /* CLONE_PARENT_SETTID, before it ran */
	while ((seen = raw_tid) != 0)
		sys_futex(&raw_tid, FUTEX_WAIT, (uint32_t)seen, NULL, NULL, 0);
	EQ(shared_var, 42);
	EQ(thread_join(spawn_thread(join_self, NULL), &ret), 0);
	EQ((long)ret, 7);
	ERR(thread_join(NULL, NULL), EINVAL);
	wait_threads(getpid(), 1, "after the joins");
}

static void *nothing(void *arg)
{
	return arg;
}

/* 1000 create/join rounds: every frame comes back, every tid is freed. */
static void t_create_1000(void)
{
	struct kite_meminfo a, b;
	void *ret;

	for (int i = 0; i < 10; i++) /* warm up: stacks, slabs, tables */
		EQ(thread_join(spawn_thread(nothing, NULL), NULL), 0);
	/* our copies of the pages the loop writes (the table, errno): now,
	 * not inside the count */
	wait_threads(getpid(), 1, "after warming up");
	errno = 0;
	CHECK(kite_meminfo(&a) == 0, "kite_meminfo");
	for (long i = 0; i < 1000; i++) {
		EQ(thread_join(spawn_thread(nothing, (void *)i), &ret), 0);
		CHECK((long)ret == i, "round %ld: the thread returned %ld", i, (long)ret);
	}
	wait_threads(getpid(), 1, "after 1000 rounds");
	/* the last thread's stack and struct go when the next thread
	 * runs on its hart: a moment after the join */
	for (int i = 0; i < 100; i++) {
		CHECK(kite_meminfo(&b) == 0, "kite_meminfo");
		if (b.free == a.free)
			break;
		sleep_ms(10);
	}
	CHECK(a.free == b.free, "%ld frames fewer free after 1000 rounds",
	      (long)(a.free - b.free));
}

/* exit_group while the other threads sleep in futex and nanosleep: the
 * process ends at once with the exit code. */
static void group_sleepers(bool from_thread)
{
	thread_t a = spawn_thread(sleep_in_futex, NULL);
	thread_t b = spawn_thread(sleep_in_nanosleep, NULL);

	wait_asleep(a->tid, "the futex sleeper");
	wait_asleep(b->tid, "the nanosleeper");
	if (!from_thread)
		_exit(42);
	sleep_in_futex(NULL); /* the group ends us here */
}

static void *exit_group_43(void *arg)
{
	(void)arg;
	sleep_ms(50);
	_exit(43);
}

static void exit_group_main(void)
{
	group_sleepers(false);
}

static void exit_group_thread(void)
{
	spawn_thread(exit_group_43, NULL);
	group_sleepers(true);
}

static void t_exit_group(void)
{
	uint64_t t0 = now_ms();
	int st = sub(exit_group_main, 5000);

	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "status 0x%x, want exit 42", st);
	st = sub(exit_group_thread, 5000);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 43, "from a thread: status "
	      "0x%x, want exit 43", st);
	CHECK(now_ms() - t0 < 2000, "took %lu ms", (unsigned long)(now_ms() - t0));
}

/* exit ends one thread: the process lives on while another does, and
 * its status is its first thread's code. */
static void *linger_then_exit(void *arg)
{
	(void)arg;
	sleep_ms(300);
	exit_thread(9);
}

static void t_exit_thread(void)
{
	pid_t pid = fork();
	int st;

	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		spawn_thread(linger_then_exit, NULL);
		exit_thread(7);
	}
	sleep_ms(100);
	EQ(waitpid(pid, &st, WNOHANG), 0); /* one thread left: not yet */
	EQ(threads_of(pid), 1);
	EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "status 0x%x, want exit 7 "
	      "(the first thread's code)", st);
}

/* A kill from another process ends every thread, whatever it does. */
static void killed_child(void)
{
	thread_t t[3] = { spawn_thread(sleep_in_futex, NULL),
			  spawn_thread(sleep_in_nanosleep, NULL),
			  spawn_thread(spin_forever, NULL) };

	wait_asleep(t[0]->tid, "futex sleeper");
	wait_asleep(t[1]->tid, "nanosleeper");
	(void)t[2];
	sleep_ms(VICTIM_MS); /* the kill comes long before */
	exit(3);
}

static void t_kill_threaded(void)
{
	pid_t pid = fork();
	int st;

	CHECK(pid >= 0, "fork");
	if (pid == 0)
		killed_child();
	/* it has 4 threads, its first asleep (a failed check here leaves
	 * it to end by itself: VICTIM_MS) */
	wait_threads(pid, 4, "the victim");
	for (int i = 0; i < 100 && tid_state(pid) != 3; i++)
		sleep_ms(5);
	EQ(kill(pid, SIGKILL), 0);
	EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status 0x%x", st);
	EQ(threads_of(pid), 0);
}

/* execve from a secondary thread: the others end, the caller becomes
 * the process's only thread with the pid as its tid. */
static void *exec_helper(void *arg)
{
	char pid[16], *argv[] = { PROG, "--helper", "exec", pid, NULL };

	(void)arg;
	snprintf(pid, sizeof(pid), "%d", getpid());
	execv(PROG, argv);
	fail("execv: %s", strerror(errno));
}

static void exec_child(void)
{
	spawn_thread(sleep_in_futex, NULL);
	spawn_thread(spin_forever, NULL);
	sleep_ms(20);
	spawn_thread(exec_helper, NULL);
	sleep_in_nanosleep(NULL);
}

static void t_exec_thread(void)
{
	int st = sub(exec_child, 5000);

	CHECK(st != -1, "still running after 5 s");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the helper says %d "
	      "(2: pid, 3: tid, 4: threads), status 0x%x", WEXITSTATUS(st), st);
}

/* A fault in one thread ends the whole group with SIGSEGV. */
static void *fault_null(void *arg)
{
	(void)arg;
	sleep_ms(20);
	*(volatile int *)opaque(NULL) = 1;
	return NULL;
}

static void fault_child(void)
{
	spawn_thread(sleep_in_futex, NULL);
	thread_join(spawn_thread(fault_null, NULL), NULL);
	exit(0);
}

static void t_fault_thread(void)
{
	expect_signal(fault_child, SIGSEGV, "a thread's NULL store");
}

/* Combinations Linux refuses: -EINVAL, and nothing is made. */
static void t_clone_flags(void)
{
	static const unsigned long bad[] = {
		CLONE_THREAD,                             /* no SIGHAND */
		CLONE_THREAD | CLONE_VM,                  /* no SIGHAND */
		CLONE_SIGHAND,                            /* no VM */
		CLONE_SIGHAND | CLONE_THREAD,             /* no VM */
		CLONE_FS | CLONE_NEWNS | SIGCHLD,
		CLONE_NEWUSER | CLONE_FS | SIGCHLD,
		CLONE_NEWIPC | CLONE_SYSVSEM | SIGCHLD,
		CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD,
		CLONE_PIDFD | CLONE_DETACHED | SIGCHLD,
		PTHREAD_FLAGS | CLONE_NEWPID,
		CLONE_NEWPID | SIGCHLD,                   /* no namespaces */
		CLONE_NEWNET | SIGCHLD,
		CLONE_PIDFD | SIGCHLD,                    /* no pidfds */
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		long r = syscall5(SYS_clone, bad[i], CHILD_STACK_TOP, 0, 0, 0);

		CHECK(r == -EINVAL, "clone(0x%lx) = %ld, want -EINVAL", bad[i], r);
	}
	EQ(threads_of(getpid()), 1);
}

/* CLONE_VM without CLONE_THREAD: a process in our address space; its
 * exit must not empty the space. With CLONE_VFORK we wait for it. */
static void vm_child(void *tp)
{
	(void)tp;
	sleep_ms(100);
	shared_var = getpid();
	_exit(5);
}

static void t_clone_vm(void)
{
	volatile char *heap = malloc(4096);
	uint64_t t0 = now_ms();
	long pid;
	int st;

	heap[0] = 'k';
	shared_var = 0;
	pid = thread_clone_asm(CLONE_VM | CLONE_VFORK | SIGCHLD, CHILD_STACK_TOP,
			       NULL, NULL, NULL, vm_child);
	CHECK(pid > 0, "clone: %ld", pid);
	/* vfork: back only once it has exited */
	CHECK(now_ms() - t0 >= 100, "back after %lu ms", (unsigned long)(now_ms() - t0));
	EQ(shared_var, pid); /* its store, in our memory */
	EQ(waitpid((pid_t)pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5, "status 0x%x", st);
	EQ(heap[0], 'k'); /* the space is still ours, whole */
	free((void *)heap);
	/* without VFORK: it runs beside us */
	shared_var = 0;
	pid = thread_clone_asm(CLONE_VM | SIGCHLD, CHILD_STACK_TOP, NULL, NULL,
			       NULL, vm_child);
	CHECK(pid > 0, "clone: %ld", pid);
	EQ(shared_var, 0);
	EQ(waitpid((pid_t)pid, &st, 0), pid);
	EQ(shared_var, pid);
}

/* vfork that execs: the parent goes on once the child has exec'd. */
static void t_vfork_exec(void)
{
	char *argv[] = { "true", NULL };
	long pid = syscall5(SYS_clone, CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);

	if (pid == 0) {
		execv("true", argv);
		_exit(127);
	}
	reap_code((pid_t)pid, 0, "clone(CLONE_VFORK) and execve");
}

/* The fork forms' SETTID flags: the parent's word and the child's. */
static void t_fork_settid(void)
{
	static volatile int ptid, ctid;
	long pid = syscall5(SYS_clone, SIGCHLD | CLONE_PARENT_SETTID |
			    CLONE_CHILD_SETTID, 0, &ptid, 0, &ctid);
	int st;

	if (pid == 0)
		_exit(ctid == getpid() && ptid == 0 ? 0 : 1);
	CHECK(pid > 0, "clone: %ld", pid);
	EQ(ptid, pid);
	EQ(ctid, 0); /* written in the child's copy only */
	EQ(waitpid((pid_t)pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child saw its "
	      "CHILD_SETTID word wrong (status 0x%x)", st);
}

static void tkill_child(void)
{
	thread_t t = spawn_thread(sleep_in_futex, NULL);

	wait_asleep(t->tid, "sleeper");
	EQ(tkill(t->tid, SIGKILL), 0); /* one thread: the group dies */
	sleep_ms(5000);
	exit(0);
}

/* kill() with a secondary thread's tid ends its process, as Linux. */
static void kill_tid_child(void)
{
	thread_t t = spawn_thread(sleep_in_futex, NULL);

	wait_asleep(t->tid, "sleeper");
	EQ(kill(t->tid, SIGKILL), 0);
	sleep_ms(5000);
	exit(0);
}

static void t_tkill(void)
{
	EQ(tgkill(getpid(), gettid(), 0), 0);
	ERR(tgkill(getppid(), gettid(), 0), ESRCH); /* not that process's */
	ERR(tgkill(0, gettid(), 0), EINVAL);
	ERR(tgkill(getpid(), 0, 0), EINVAL);
	ERR(tgkill(getpid(), gettid(), 65), EINVAL);
	ERR(tkill(0, 0), EINVAL);
	ERR(tkill(30000, 0), ESRCH);
	EQ(tkill(gettid(), 0), 0);
	expect_signal(tkill_child, SIGKILL, "tkill of a thread");
	expect_signal(kill_tid_child, SIGKILL, "kill of a thread's tid");
}

/* A process's CPU time is the sum of its threads'. */
static void *spin_300ms(void *arg)
{
	uint64_t end = now_ms() + 300;

	(void)arg;
	while (now_ms() < end)
		;
	return NULL;
}

static void t_cputime(void)
{
	struct tms before, after;
	thread_t t[2];
	long ticks;

	times(&before);
	t[0] = spawn_thread(spin_300ms, NULL);
	t[1] = spawn_thread(spin_300ms, NULL);
	thread_join(t[0], NULL);
	thread_join(t[1], NULL);
	times(&after);
	ticks = after.tms_utime - before.tms_utime;
	/* on one hart they share it (30 ticks in all); on more, 60 */
	CHECK(ticks >= (harts == 1 ? 25 : 50), "%ld ticks for two threads "
	      "spinning 300 ms each", ticks);
}

/* The stride class charges each thread by its own priority. */
static void *set_prio_30(void *arg)
{
	(void)arg;
	EQ(set_priority(30), 30);
	return NULL;
}

static void t_priority(void)
{
	long n;

	EQ(set_priority(16), 16);
	thread_join(spawn_thread(set_prio_30, NULL), NULL);
	n = table_read();
	EQ(table_tid(n, gettid())->prio, 16);
}

/* Any thread may wait for the process's children. */
static void *wait_for_child(void *arg)
{
	int st;

	EQ(waitpid(*(pid_t *)arg, &st, 0), *(pid_t *)arg);
	return (void *)(long)WEXITSTATUS(st);
}

static void t_wait_thread(void)
{
	pid_t pid = fork();
	void *ret;

	if (pid == 0)
		_exit(17);
	EQ(thread_join(spawn_thread(wait_for_child, &pid), &ret), 0);
	EQ((long)ret, 17);
}

#endif
