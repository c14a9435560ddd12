/*
 * uapi/sched.h - clone flags, futex operations and robust-list words:
 * Linux's values, shared by the kernel and user space (docs/THREADS.md
 * says which flags Kite honours and how).
 */
#ifndef KITE_UAPI_SCHED_H
#define KITE_UAPI_SCHED_H

/* clone(2) flags; the low byte (CSIGNAL) is the signal the parent gets
 * when a child process ends */
#define CSIGNAL 0x000000ff
#define CLONE_VM 0x00000100             /* share the address space */
#define CLONE_FS 0x00000200             /* share cwd/umask (Kite: none) */
#define CLONE_FILES 0x00000400          /* share fds (Kite: the console's) */
#define CLONE_SIGHAND 0x00000800        /* share signal handlers */
#define CLONE_PIDFD 0x00001000          /* a pidfd in parent_tid */
#define CLONE_PTRACE 0x00002000
#define CLONE_VFORK 0x00004000          /* the parent waits for exec/exit */
#define CLONE_PARENT 0x00008000         /* the child is the caller's sibling */
#define CLONE_THREAD 0x00010000         /* a thread of the caller's process */
#define CLONE_NEWNS 0x00020000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000         /* tp = tls */
#define CLONE_PARENT_SETTID 0x00100000  /* the tid to *parent_tid */
#define CLONE_CHILD_CLEARTID 0x00200000 /* zero *child_tid and wake at exit */
#define CLONE_DETACHED 0x00400000       /* ignored, as Linux does */
#define CLONE_UNTRACED 0x00800000
#define CLONE_CHILD_SETTID 0x01000000   /* the tid to *child_tid (child's memory) */
#define CLONE_NEWCGROUP 0x02000000
#define CLONE_NEWUTS 0x04000000
#define CLONE_NEWIPC 0x08000000
#define CLONE_NEWUSER 0x10000000
#define CLONE_NEWPID 0x20000000
#define CLONE_NEWNET 0x40000000
#define CLONE_IO 0x80000000

/* futex(2) operations (the low bits) and flags */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_FD 2
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_WAIT_REQUEUE_PI 11
#define FUTEX_CMP_REQUEUE_PI 12
#define FUTEX_LOCK_PI2 13
#define FUTEX_PRIVATE_FLAG 128          /* only this address space's threads */
#define FUTEX_CLOCK_REALTIME 256        /* WAIT_BITSET's deadline: wall time */
#define FUTEX_CMD_MASK (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_MATCH_ANY 0xffffffff

/* FUTEX_WAKE_OP's val3: op << 28 | cmp << 24 | oparg << 12 | cmparg */
#define FUTEX_OP_SET 0
#define FUTEX_OP_ADD 1
#define FUTEX_OP_OR 2
#define FUTEX_OP_ANDN 3
#define FUTEX_OP_XOR 4
#define FUTEX_OP_OPARG_SHIFT 8  /* oparg is a shift: 1 << oparg */
#define FUTEX_OP_CMP_EQ 0
#define FUTEX_OP_CMP_NE 1
#define FUTEX_OP_CMP_LT 2
#define FUTEX_OP_CMP_LE 3
#define FUTEX_OP_CMP_GT 4
#define FUTEX_OP_CMP_GE 5
#define FUTEX_OP(op, oparg, cmp, cmparg) \
	((((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) | \
	 (((oparg) & 0xfff) << 12) | ((cmparg) & 0xfff))

/* robust futexes: the owner's tid in the low bits of the futex word */
#define FUTEX_WAITERS 0x80000000
#define FUTEX_OWNER_DIED 0x40000000
#define FUTEX_TID_MASK 0x3fffffff
#define ROBUST_LIST_LIMIT 2048          /* entries walked at most */

#endif
