// SPDX-License-Identifier: GPL-2.0
/*
 * The fast path: one guest access, from its address to the register
 * device that completes it. No lock but the device's own (inside the
 * core): the bus and the device are read under RCU. Every way accesses
 * reach the bus (the access ioctls today, a vCPU run loop later) goes
 * through vmdev_dispatch().
 */
#include <linux/rcupdate.h>
#include <linux/vmdev.h>

#include "context.h"
#include "device.h"
#include "dispatch.h"
#include "notify.h"
#include "trace.h"

static int device_access(struct vmdev_device *dev, u64 offset, u32 len,
			 bool write, u64 *data, bool count_slow)
{
	struct vmdev_rdev_events ev;
	int ret;

	ret = vmdev_rdev_access(dev->rdev, offset, len, write, data, &ev);
	if (ret == 0) {
		atomic64_inc(&dev->stats.fast);
		if (write)
			atomic64_inc(&dev->stats.writes);
		if (!count_slow)
			atomic64_inc(&dev->stats.kvm_bus);
		ret = VMDEV_RESULT_DONE;
	} else if (ret == VMDEV_RDEV_SLOW) {
		if (count_slow)
			atomic64_inc(&dev->stats.slow);
		ret = VMDEV_RESULT_SLOW;
	} else {
		return ret;
	}
	vmdev_notify(dev, &ev);
	return ret;
}

/* Trace what became of a guest access (ret: VMDEV_RESULT_*, -errno). */
static void trace_result(struct vmdev_ctx *ctx, const struct vmdev_bus_range *r,
			 u32 space, u64 addr, u32 len, bool write, u64 data,
			 int ret, u32 level)
{
	u32 dev = IS_ERR_OR_NULL(r) ? 0 : r->dev->id;

	if (ret == VMDEV_RESULT_DONE)
		trace_vmdev_access(ctx->nl.id, dev, space, addr, len, write,
				   data, level);
	else
		trace_vmdev_slow(ctx->nl.id, dev, space, addr, len, write,
				 IS_ERR(r) || ret < 0 ? VMDEV_SLOW_INVALID :
				 r ? VMDEV_SLOW_DEVICE : VMDEV_SLOW_UNCLAIMED);
}

/*
 * Complete an access of len (1..8) bytes at addr in space: reads store
 * the value in *data, writes take the low len bytes of *data. Returns
 * VMDEV_RESULT_DONE, VMDEV_RESULT_SLOW (no device claims the address, or
 * the device leaves it to the VMM; *data untouched) or -EINVAL (bad
 * space or length, an access outside its space, or one that touches a
 * range without fitting inside it).
 */
int vmdev_dispatch(struct vmdev_ctx *ctx, u32 space, u64 addr, u32 len,
		   bool write, u64 *data)
{
	const struct vmdev_bus_range *r;
	int ret;

	if (len > sizeof(*data) || vmdev_bus_check_extent(space, addr, len))
		return -EINVAL;
	rcu_read_lock();
	r = vmdev_bus_find(&ctx->bus, space, addr, len);
	if (IS_ERR(r)) {
		ret = PTR_ERR(r);
	} else if (!r) {
		atomic64_inc(&ctx->unclaimed);
		ret = VMDEV_RESULT_SLOW;
	} else {
		ret = device_access(r->dev, addr - r->base, len, write, data,
				    true);
	}
	/* Two static branches, not taken while both events are off. */
	if (trace_vmdev_access_enabled() || trace_vmdev_slow_enabled())
		trace_result(ctx, r, space, addr, len, write, *data, ret,
			     VMDEV_LEVEL_MODULE);
	rcu_read_unlock();
	return ret;
}

/*
 * The same for an access on KVM's bus (level 3): true if a device
 * completed it. Anything else goes on to an ordinary exit, where level
 * 1 or the VMM dispatches it again and counts it then, once.
 */
bool vmdev_dispatch_kvm(struct vmdev_ctx *ctx, u32 space, u64 addr, u32 len,
			bool write, u64 *data)
{
	const struct vmdev_bus_range *r;
	bool done = false;

	if (len > sizeof(*data) || vmdev_bus_check_extent(space, addr, len))
		return false;
	rcu_read_lock();
	r = vmdev_bus_find(&ctx->bus, space, addr, len);
	if (!IS_ERR_OR_NULL(r))
		done = device_access(r->dev, addr - r->base, len, write, data,
				     false) == VMDEV_RESULT_DONE;
	if (done)
		trace_vmdev_access(ctx->nl.id, r->dev->id, space, addr, len,
				   write, *data, VMDEV_LEVEL_KVM_BUS);
	rcu_read_unlock();
	return done;
}
