/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One register device of a context: the core's device (register map and
 * state), where it is mapped, and what it has done.
 */
#ifndef VMDEV_DEVICE_H
#define VMDEV_DEVICE_H

#include <linux/atomic.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/vmdev.h>

#include "binding.h"
#include "regdev.h"

/* Counters for introspection; updated locklessly by every access. */
struct vmdev_device_stats {
	atomic64_t fast;	/* guest accesses completed in the kernel */
	atomic64_t writes;	/* of those, writes */
	atomic64_t kvm_bus;	/* of those, on KVM's bus (level 3) */
	atomic64_t slow;	/* guest accesses the device sent to the VMM */
	atomic64_t irqs;	/* interrupt line assertions */
	atomic64_t irqs_lowered;	/* interrupt line deassertions */
	atomic64_t resampled;	/* lines re-fired after an EOI */
	atomic64_t doorbells;	/* doorbell rings */
	atomic64_t ioeventfds;	/* writes applied from bound ioeventfds */
};

/*
 * Immutable once added to a context, except the core's state (under its
 * own lock) and the counters. Freed only after an RCU grace period that
 * follows its removal from both the bus and the context's id map.
 */
struct vmdev_device {
	u32 id;
	u32 ctx_id;	/* its context's netlink id, for tracing */
	u32 nr_ranges;
	u32 nr_regs;
	struct vmdev_rdev *rdev;
	struct vmdev_device_stats stats;
	struct vmdev_bindings bindings;	/* eventfds, see binding.h */
	struct vmdev_range ranges[VMDEV_MAX_DEV_RANGES];	/* bus order */
	char name[sizeof_field(struct vmdev_create_device, name)];
};

/*
 * A device of the create request arg, not yet in any context, or an
 * ERR_PTR(); freed by vmdev_device_free() (once unpublished: see
 * context.c).
 */
struct vmdev_device *vmdev_device_create(const struct vmdev_create_device *arg);
void vmdev_device_free(struct vmdev_device *dev);

#endif /* VMDEV_DEVICE_H */
