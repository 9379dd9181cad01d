// SPDX-License-Identifier: GPL-2.0
/*
 * The one place where a device's events leave it. Every operation that
 * can change a device's state (guest access from the access ioctls or
 * the run loop, VMM register write, FIFO fill or drain, reset, a write
 * applied from an ioeventfd) hands the core's events here once the
 * device's lock is dropped, under rcu_read_lock(), which keeps the
 * device and the bindings found in its slots alive.
 *
 * A line that rises signals its irqfd and counts as one interrupt (the
 * library counts the same in userspace mode); a level line's resample
 * eventfd comes back here (vmdev_notify_line()) while the line is still
 * asserted after an EOI. A rung doorbell signals its notify fd. Lines
 * that fall need nothing: KVM lowers a resampled GSI itself at the EOI.
 * Inside an eventfd wakeup (the ioeventfd and resample hooks) the
 * signals are deferred (see eventfd.c); everywhere else they are
 * immediate.
 */
#include <linux/bitops.h>
#include <linux/rcupdate.h>

#include "binding.h"
#include "device.h"
#include "notify.h"
#include "trace.h"

/* Signal line's irqfd: the line rose, or is still asserted after an EOI. */
void vmdev_notify_line(struct vmdev_device *dev, u32 line, bool in_wakeup)
{
	struct vmdev_irqfd_binding *b;

	b = rcu_dereference(dev->bindings.irqfds[line]);
	if (b)
		vmdev_sink_signal(&b->trigger, in_wakeup);
}

static void ring(struct vmdev_device *dev, u32 slot, bool in_wakeup)
{
	struct vmdev_notifyfd_binding *b;

	atomic64_inc(&dev->stats.doorbells);
	trace_vmdev_doorbell(dev->ctx_id, dev->id, slot);
	b = rcu_dereference(dev->bindings.notifyfds[slot]);
	if (b)
		vmdev_sink_signal(&b->sink, in_wakeup);
}

void vmdev_notify_events(struct vmdev_device *dev,
			 const struct vmdev_rdev_events *ev, bool in_wakeup)
{
	unsigned long bits;
	unsigned int i;

	bits = ev->irq_rose;
	for_each_set_bit(i, &bits, VMDEV_MAX_IRQS) {
		atomic64_inc(&dev->stats.irqs);
		trace_vmdev_irq(dev->ctx_id, dev->id, i, true);
		vmdev_notify_line(dev, i, in_wakeup);
	}
	bits = ev->irq_fell;
	for_each_set_bit(i, &bits, VMDEV_MAX_IRQS) {
		atomic64_inc(&dev->stats.irqs_lowered);
		trace_vmdev_irq(dev->ctx_id, dev->id, i, false);
	}
	bits = ev->doorbells;
	for_each_set_bit(i, &bits, VMDEV_RDEV_MAX_DOORBELLS)
		ring(dev, i, in_wakeup);
}
