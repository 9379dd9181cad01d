/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The core's environment inside the kernel. */
#ifndef VMDEV_CORE_SHIM_KERNEL_H
#define VMDEV_CORE_SHIM_KERNEL_H

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/compiler.h>
#include <linux/math64.h>

/*
 * A raw spinlock with interrupts off: dispatch runs in vCPU threads, in
 * eventfd wakeups (wait-queue lock held, interrupts off) and on
 * PREEMPT_RT, where only a raw lock may be taken there. Every section is
 * short and bounded (no user copies, no allocation, no wakeups).
 */
struct vmdev_lock {
	raw_spinlock_t lock;
	unsigned long irqflags;
};

static inline void vmdev_lock_init(struct vmdev_lock *l)
{
	raw_spin_lock_init(&l->lock);
}

static inline void vmdev_lock_destroy(struct vmdev_lock *l)
{
}

/*
 * Every guest access takes the lock. On SMP, the kernel's own inline
 * bodies of raw_spin_lock_irqsave() and its unlock (what architectures
 * with INLINE_SPIN_LOCK_IRQSAVE get, lockdep included), not the calls
 * into the kernel they are elsewhere: at level 3 an access completes
 * inside KVM's exit handling, where a call and its return cost more than
 * the whole locked section (Documentation/fast-path.rst, "What level 3
 * costs").
 */
static inline void vmdev_lock(struct vmdev_lock *l)
	__acquires(&l->lock)
{
#ifdef CONFIG_SMP
	l->irqflags = __raw_spin_lock_irqsave(&l->lock);
#else
	unsigned long flags;

	raw_spin_lock_irqsave(&l->lock, flags);
	l->irqflags = flags;
#endif
}

static inline void vmdev_unlock(struct vmdev_lock *l)
	__releases(&l->lock)
{
#ifdef CONFIG_SMP
	__raw_spin_unlock_irqrestore(&l->lock, l->irqflags);
#else
	raw_spin_unlock_irqrestore(&l->lock, l->irqflags);
#endif
}

static inline void *vmdev_zalloc(size_t size)
{
	return kvzalloc(size, GFP_KERNEL_ACCOUNT);
}

static inline void vmdev_free(void *p)
{
	kvfree(p);
}

static inline u64 vmdev_now_ns(void)
{
	return ktime_get_ns();
}

/* (a * mul) >> shift with a 96-bit intermediate, truncated to 64 bits. */
static inline u64 vmdev_mul_u64_u32_shr(u64 a, u32 mul, unsigned int shift)
{
	return mul_u64_u32_shr(a, mul, shift);
}

#endif /* VMDEV_CORE_SHIM_KERNEL_H */
