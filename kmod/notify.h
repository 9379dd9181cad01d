/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a device does after an operation, outside its lock: count and
 * deliver interrupt line rises and doorbell rings to the eventfds bound
 * to them.
 */
#ifndef VMDEV_NOTIFY_H
#define VMDEV_NOTIFY_H

#include <linux/types.h>

#include "regdev.h"

struct vmdev_device;

void vmdev_notify_events(struct vmdev_device *dev,
			 const struct vmdev_rdev_events *ev, bool in_wakeup);
void vmdev_notify_line(struct vmdev_device *dev, u32 line, bool in_wakeup);

/* Anything for vmdev_notify_events()? Most accesses raise nothing. */
static inline bool vmdev_events_raised(const struct vmdev_rdev_events *ev)
{
	return ev->irq_rose | ev->irq_fell | ev->doorbells;
}

/*
 * After an operation in task context: an ioctl, the run loop, KVM's bus.
 * An operation that raised nothing makes no call at all.
 */
static inline void vmdev_notify(struct vmdev_device *dev,
				const struct vmdev_rdev_events *ev)
{
	if (vmdev_events_raised(ev))
		vmdev_notify_events(dev, ev, false);
}

#endif /* VMDEV_NOTIFY_H */
