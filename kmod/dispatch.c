// SPDX-License-Identifier: GPL-2.0
/*
 * The fast path's dispatcher for accesses that left KVM: the run loop's
 * exits and the access ioctls. Its pieces, and level 3's dispatcher, are
 * inline in dispatch.h.
 */
#include <linux/vmdev.h>

#include "context.h"
#include "device.h"
#include "dispatch.h"
#include "trace.h"

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
VMDEV_HOT int vmdev_dispatch(struct vmdev_ctx *ctx, u32 space, u64 addr,
			     u32 len, bool write, u64 *data)
{
	struct vmdev_rdev_events ev;
	const struct vmdev_bus_range *r;
	struct vmdev_device *dev = NULL;
	int ret;

	if (len > sizeof(*data) || vmdev_bus_check_extent(space, addr, len))
		return -EINVAL;
	preempt_disable();
	r = vmdev_bus_find(&ctx->bus, space, addr, len);
	if (IS_ERR(r)) {
		ret = PTR_ERR(r);
	} else if (!r) {
		atomic64_inc(&ctx->unclaimed);
		ret = VMDEV_RESULT_SLOW;
	} else {
		dev = r->dev;
		ret = vmdev_device_access(dev, addr - r->base, len, write,
					  data, true, &ev);
	}
	/* Two static branches, not taken while both events are off. */
	if (trace_vmdev_access_enabled() || trace_vmdev_slow_enabled())
		trace_result(ctx, r, space, addr, len, write, *data, ret,
			     VMDEV_LEVEL_MODULE);
	/* A failed access raised nothing (its events stay cleared). */
	vmdev_dispatch_end(dev, &ev);
	return ret;
}
