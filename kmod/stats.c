// SPDX-License-Identifier: GPL-2.0
/*
 * VMDEV_GET_STATS: a device's counters (struct vmdev_device_stats), which
 * every path that completes an access, raises a line or rings a doorbell
 * updates locklessly. Each counter is read atomically; together they are
 * a snapshot only when the device is idle.
 */
#include <linux/atomic.h>
#include <linux/stddef.h>
#include <linux/vmdev.h>

#include "context.h"
#include "device.h"
#include "ioctl.h"
#include "uarg.h"

/* First version of struct vmdev_stats (rules in linux/vmdev.h). */
#define VMDEV_STATS_SIZE_VER0	offsetofend(struct vmdev_stats, ioeventfds)

static int read_stats(struct vmdev_device *dev, void *arg,
		      struct vmdev_rdev_events *ev)
{
	const struct vmdev_device_stats *st = &dev->stats;
	struct vmdev_stats *out = arg;

	out->fast = atomic64_read(&st->fast);
	out->slow = atomic64_read(&st->slow);
	out->irqs = atomic64_read(&st->irqs);
	out->doorbells = atomic64_read(&st->doorbells);
	out->ioeventfds = atomic64_read(&st->ioeventfds);
	return 0;
}

long vmdev_ioctl_get_stats(struct vmdev_ctx *ctx, void __user *uarg)
{
	struct vmdev_stats arg;
	int ret;

	ret = vmdev_uarg_get(&arg, VMDEV_STATS_SIZE_VER0, uarg);
	if (!ret)
		ret = vmdev_ctx_call(ctx, arg.id, read_stats, &arg);
	if (!ret)
		ret = vmdev_uarg_put(uarg, &arg);
	return ret;
}
