// SPDX-License-Identifier: GPL-2.0
/*
 * The one place where a device's events leave it. Every operation that
 * can change a device's state (guest access, VMM register write, FIFO
 * fill or drain, reset) hands the core's events here once the device's
 * lock is dropped, in the caller's task context and under
 * rcu_read_lock(), which keeps the device alive.
 *
 * Today the events are counted. This is where interrupt lines will be
 * bound to eventfds: a rising line signals the line's KVM irqfd, a line
 * that falls is what a level-triggered line's resample eventfd waits for,
 * and a rung doorbell slot signals the doorbell's eventfd. Signalling an
 * eventfd from another eventfd's wakeup is refused by the kernel, so
 * deliveries coming from an eventfd hook will have to be deferred to a
 * work item from here.
 */
#include <linux/bitops.h>

#include "device.h"
#include "notify.h"

void vmdev_notify(struct vmdev_device *dev,
		  const struct vmdev_rdev_events *ev)
{
	if (ev->irq_rose)
		atomic64_add(hweight32(ev->irq_rose), &dev->stats.irqs);
	if (ev->doorbells)
		atomic64_add(hweight32(ev->doorbells), &dev->stats.doorbells);
}
