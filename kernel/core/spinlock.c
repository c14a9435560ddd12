/*
 * spinlock.c - spinlocks and nested interrupt disabling.
 *
 * spin_lock() disables interrupts first (push_off) so that an interrupt
 * handler on this hart cannot spin on a lock its own hart holds. The
 * owner is recorded so recursive acquires and foreign releases are
 * caught as kernel bugs.
 *
 * The outermost push_off that turns interrupts off notes the time, and
 * its pop_off the length of the stretch: each hart keeps its longest
 * (cpu_irqoff_max), so work done with interrupts off shows up in
 * make bench and the stall tests instead of staying hidden.
 */
#include "kernel/cpu.h"
#include "kernel/panic.h"
#include "kernel/spinlock.h"

/* The bodies of push_off/pop_off, inlined into the spinlock calls (the
 * hottest users) to save a call and its frame each way. */
static inline __attribute__((always_inline)) void push_off_inline(void)
{
	bool was_on = arch_intr_get();
	struct cpu *c;

	arch_intr_off();
	c = mycpu();
	if (c->noff == 0) {
		c->intena = was_on;
		if (was_on)
			c->irqoff_since = arch_time_counter();
	}
	c->noff++;
}

/* The outermost pop_off: the stretch ends, interrupts come back on.
 * Where it ended is a kernel pc (pop_off's caller) or, for spin_unlock,
 * the lock's name: spin_unlock ends in a tail call to here and so needs
 * no stack frame of its own. */
static __attribute__((noinline)) void irq_back_on(struct cpu *c, uintptr_t pc,
						  const char *lock)
{
	uint64_t len = arch_time_counter() - c->irqoff_since;

	if (unlikely(len > c->irqoff_max)) {
		__atomic_store_n(&c->irqoff_max_pc, pc, __ATOMIC_RELAXED);
		__atomic_store_n(&c->irqoff_max_lock, lock, __ATOMIC_RELAXED);
		__atomic_store_n(&c->irqoff_max, len, __ATOMIC_RELAXED);
	}
	arch_intr_on();
}

void push_off(void)
{
	push_off_inline();
}

void pop_off(void)
{
	struct cpu *c = mycpu();

	if (arch_intr_get())
		panic("pop_off: interrupts are on");
	if (c->noff < 1)
		panic("pop_off: not pushed");
	c->noff--;
	if (c->noff == 0 && c->intena)
		irq_back_on(c, (uintptr_t)__builtin_return_address(0), NULL);
}

void spin_init(struct spinlock *lk, const char *name)
{
	lk->locked = 0;
	lk->owner = NULL;
	lk->name = name;
}

bool spin_holding(struct spinlock *lk)
{
	return READ_ONCE(lk->locked) && lk->owner == mycpu();
}

void spin_lock(struct spinlock *lk)
{
	push_off_inline();
	if (READ_ONCE(lk->locked) && lk->owner == mycpu())
		panic("spinlock %s: recursive acquire on hart %d", lk->name,
		      cpuid());
	while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE) != 0) {
		while (__atomic_load_n(&lk->locked, __ATOMIC_RELAXED))
			arch_cpu_relax();
	}
	lk->owner = mycpu();
}

void spin_unlock(struct spinlock *lk)
{
	struct cpu *c = mycpu();

	/* the owner is set only while the lock is held, and holding it
	 * means interrupts are off and pushed at least once */
	if (lk->owner != c)
		panic("spinlock %s: released by hart %d, which does not hold it",
		      lk->name, cpuid());
	lk->owner = NULL;
	__atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
	if (--c->noff == 0 && c->intena)
		irq_back_on(c, 0, lk->name);
}

uint64_t cpu_irqoff_max(int h, uintptr_t *pc, const char **lock, bool reset)
{
	struct cpu *c = &cpus[h];
	uint64_t max = __atomic_load_n(&c->irqoff_max, __ATOMIC_RELAXED);

	if (pc)
		*pc = __atomic_load_n(&c->irqoff_max_pc, __ATOMIC_RELAXED);
	if (lock)
		*lock = __atomic_load_n(&c->irqoff_max_lock, __ATOMIC_RELAXED);
	if (reset)
		__atomic_store_n(&c->irqoff_max, 0, __ATOMIC_RELAXED);
	return max;
}
