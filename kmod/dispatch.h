/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fast path: one guest access, from its address to the register
 * device that completes it. No lock but the device's own (inside the
 * core): the bus and the device are read under RCU. Every way accesses
 * reach the bus (the access ioctls, the run loop, KVM's bus at level 3)
 * goes through here.
 *
 * The path makes as few calls as it can: at level 3 an access completes
 * inside KVM's exit handling, where each call and return it takes costs
 * a measurable share of the access (Documentation/fast-path.rst, "What
 * level 3 costs"). So the read section is preempt_disable(): with one
 * RCU (since 4.20) that is an RCU reader, which synchronize_rcu() and
 * kvfree_rcu() wait for, and it is inline, where rcu_read_lock() is a
 * call into the kernel on PREEMPT_RCU kernels. Delivering events to
 * eventfds may take a sleeping lock on PREEMPT_RT, so an access that
 * raised some enters rcu_read_lock() before preemption comes back on:
 * the device stays valid, and the delivery may sleep.
 */
#ifndef VMDEV_DISPATCH_H
#define VMDEV_DISPATCH_H

#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/vmdev.h>

#include "context.h"
#include "device.h"
#include "notify.h"
#include "trace.h"

/* End the read section, delivering what dev's access raised (or not). */
static __always_inline void
vmdev_dispatch_end(struct vmdev_device *dev, const struct vmdev_rdev_events *ev)
{
	if (likely(!dev || !vmdev_events_raised(ev))) {
		preempt_enable();
		return;
	}
	rcu_read_lock();
	preempt_enable();
	vmdev_notify_events(dev, ev, false);
	rcu_read_unlock();
}

/* Inline in both dispatchers: no call on the way to the register core. */
static __always_inline int
vmdev_device_access(struct vmdev_device *dev, u64 offset, u32 len, bool write,
		    u64 *data, bool count_slow, struct vmdev_rdev_events *ev)
{
	int ret;

	ret = vmdev_rdev_access(dev->rdev, offset, len, write, data, ev);
	if (ret == 0) {
		atomic64_inc(&dev->stats.fast);
		if (write)
			atomic64_inc(&dev->stats.writes);
		if (!count_slow)
			atomic64_inc(&dev->stats.kvm_bus);
		return VMDEV_RESULT_DONE;
	}
	if (ret == VMDEV_RDEV_SLOW) {
		if (count_slow)
			atomic64_inc(&dev->stats.slow);
		return VMDEV_RESULT_SLOW;
	}
	return ret;
}

int vmdev_dispatch(struct vmdev_ctx *ctx, u32 space, u64 addr, u32 len,
		   bool write, u64 *data);

/*
 * The same for an access on KVM's bus (level 3), looked up on bus, a
 * window's copy of ctx's: true if a device completed it. Anything else
 * goes on to an ordinary exit, where level 1 or the VMM dispatches it
 * again and counts it then, once.
 */
static __always_inline bool vmdev_dispatch_kvm(struct vmdev_ctx *ctx,
					       struct vmdev_bus *bus,
					       u32 space, u64 addr, u32 len,
					       bool write, u64 *data)
{
	struct vmdev_rdev_events ev;
	const struct vmdev_bus_range *r;
	struct vmdev_device *dev = NULL;
	bool done = false;

	if (len > sizeof(*data) || vmdev_bus_check_extent(space, addr, len))
		return false;
	preempt_disable();
	r = vmdev_bus_find(bus, space, addr, len);
	if (!IS_ERR_OR_NULL(r)) {
		dev = r->dev;
		done = vmdev_device_access(dev, addr - r->base, len, write,
					   data, false, &ev) ==
		       VMDEV_RESULT_DONE;
	}
	if (done)
		trace_vmdev_access(ctx->nl.id, dev->id, space, addr, len,
				   write, *data, VMDEV_LEVEL_KVM_BUS);
	vmdev_dispatch_end(dev, &ev);
	return done;
}

#endif /* VMDEV_DISPATCH_H */
