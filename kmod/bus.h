/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bus of one context: every range of every device, PIO and MMIO, in
 * one array sorted by (space, base). Accesses find their range by binary
 * search under rcu_read_lock(), without any lock. Changes build a new
 * array under the context's mutex and publish it whole, so a reader sees
 * all the ranges of a device or none of them.
 */
#ifndef VMDEV_BUS_H
#define VMDEV_BUS_H

#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/vmdev.h>

#include "index.h"

struct vmdev_device;

/* [base, base + len) of space maps offset 0.. of the device's window. */
struct vmdev_bus_range {
	u64 base;
	u64 len;
	u32 space;
	struct vmdev_device *dev;
};

#define VMDEV_BUS_SPACES	2	/* PIO, MMIO */

/*
 * An immutable snapshot of the bus, replaced as a whole: the ranges, then
 * the lookup index of each space's ranges (libvmdev/core/index.h), whose
 * memory follows the ranges in the same allocation.
 */
struct vmdev_bus_table {
	struct rcu_head rcu;
	u32 nr;
	u32 start[VMDEV_BUS_SPACES];	/* a space's first range in ranges */
	struct vmdev_index idx[VMDEV_BUS_SPACES];
	struct vmdev_bus_range ranges[];
};

struct vmdev_bus {
	struct vmdev_bus_table __rcu *table;	/* NULL while empty */
};

int vmdev_bus_check_extent(u32 space, u64 base, u64 len);
int vmdev_bus_check_ranges(struct vmdev_range *ranges, u32 n);

struct vmdev_bus_table *vmdev_bus_with(const struct vmdev_bus_table *old,
				       const struct vmdev_range *ranges,
				       u32 n, struct vmdev_device *dev);
struct vmdev_bus_table *vmdev_bus_without(const struct vmdev_bus_table *old,
					  const struct vmdev_device *dev,
					  u32 n);
void vmdev_bus_destroy(struct vmdev_bus *bus);

const struct vmdev_bus_range *vmdev_bus_find(struct vmdev_bus *bus, u32 space,
					     u64 addr, u32 len);

#endif /* VMDEV_BUS_H */
