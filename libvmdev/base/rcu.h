/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The one place that picks libvmdev's userspace RCU flavour and hides its
 * reader registration from the VMM.
 *
 * urcu-memb: the cheapest read side (a thread-local counter; writers pay
 * with membarrier()) and grace periods of a few microseconds. Its readers
 * must be registered, and the VMM's vCPU threads should need no setup to
 * dispatch, so a thread that is not registered yet registers at its first
 * read-side critical section and unregisters at exit (a pthread key
 * destructor). A thread the VMM registered itself is left alone.
 *
 * Measured on the development host (lock, dereference, unlock): memb 2.4
 * ns, urcu-bp 3.0 ns (it registers by itself, but its readers live in
 * under-aligned slots UBSan rejects, and its grace periods took 70 us
 * with busy readers against 4 us), either out of line ~12 ns, hence
 * _LGPL_SOURCE, which liburcu allows LGPL-compatible code (the library is
 * LGPL-2.1 OR BSD-2-Clause and links liburcu in any case).
 */
#ifndef VMDEV_RCU_H
#define VMDEV_RCU_H

#include <stdbool.h>

#define _LGPL_SOURCE
#include <urcu/urcu-memb.h>

/*
 * Make sure the thread-exit hook exists: 0 or -EAGAIN. Called by every
 * constructor of an object that has readers, so that a reader never has
 * to report it.
 */
int vmdev_rcu_init(void);
/* Register the calling thread until it exits: 0 or -ENOMEM. */
int vmdev_rcu_register(void);

/* Enter a read-side critical section: 0, or -ENOMEM (not entered). */
static inline int vmdev_rcu_read_lock(void)
{
	if (caa_unlikely(!URCU_TLS(urcu_memb_reader).registered)) {
		int err = vmdev_rcu_register();

		if (err)
			return err;
	}
	urcu_memb_read_lock();
	return 0;
}

static inline void vmdev_rcu_read_unlock(void)
{
	urcu_memb_read_unlock();
}

/*
 * True when the caller runs inside an RCU read-side critical section
 * (a device callback): waiting for a grace period there would wait for
 * itself.
 */
static inline bool vmdev_in_rcu_reader(void)
{
	return urcu_memb_read_ongoing();
}

/*
 * Run fn(head) once no RCU reader can still see what it frees: after a
 * grace period, at once, or, from a reader, later on liburcu's call_rcu
 * thread.
 */
void vmdev_rcu_defer(struct rcu_head *head, void (*fn)(struct rcu_head *));

#endif /* VMDEV_RCU_H */
