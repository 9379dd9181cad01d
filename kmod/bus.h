/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bus of one context: every range of every device, PIO and MMIO, in
 * one array sorted by (space, base). Accesses find their range by binary
 * search in an RCU read section, without any lock. Changes build a new
 * array under the context's mutex and publish it whole, so a reader sees
 * all the ranges of a device or none of them.
 */
#ifndef VMDEV_BUS_H
#define VMDEV_BUS_H

#include <linux/err.h>
#include <linux/overflow.h>
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

/* The PIO space is the 16-bit x86 port space. */
#define VMDEV_PIO_END	0x10000ULL

/*
 * A range or an access [base, base + len) must be non-empty, must not
 * wrap, and must lie inside its address space. Inline, as is
 * vmdev_bus_find(): both run on every guest access (dispatch.c).
 */
static inline int vmdev_bus_check_extent(u32 space, u64 base, u64 len)
{
	u64 end;

	if (!len || check_add_overflow(base, len, &end))
		return -EINVAL;
	switch (space) {
	case VMDEV_SPACE_PIO:
		return end <= VMDEV_PIO_END ? 0 : -EINVAL;
	case VMDEV_SPACE_MMIO:
		return 0;
	default:
		return -EINVAL;
	}
}

int vmdev_bus_check_ranges(struct vmdev_range *ranges, u32 n);

struct vmdev_bus_table *vmdev_bus_with(const struct vmdev_bus_table *old,
				       const struct vmdev_range *ranges,
				       u32 n, struct vmdev_device *dev);
struct vmdev_bus_table *vmdev_bus_without(const struct vmdev_bus_table *old,
					  const struct vmdev_device *dev,
					  u32 n);
void vmdev_bus_destroy(struct vmdev_bus *bus);

/*
 * The range holding the whole access [addr, addr + len), NULL when the
 * access touches no range, ERR_PTR(-EINVAL) when it touches a range
 * without fitting inside it (runs past its end, or starts before it).
 * The access must have passed vmdev_bus_check_extent(). Call in an RCU
 * read section of any kind (dispatch.c's is preempt_disable()); the
 * range is valid until it ends.
 */
static inline const struct vmdev_bus_range *
vmdev_bus_find(struct vmdev_bus *bus, u32 space, u64 addr, u32 len)
{
	const struct vmdev_bus_table *t;
	const struct vmdev_bus_range *r0, *r;
	const struct vmdev_index *x;
	long i;

	t = rcu_dereference_check(bus->table, rcu_read_lock_any_held());
	if (!t || space >= VMDEV_BUS_SPACES)
		return NULL;
	x = &t->idx[space];
	r0 = &t->ranges[t->start[space]];
	i = vmdev_index_floor(x, addr);
	if (i >= 0) {
		r = &r0[i];
		if (addr - r->base < r->len)
			return len <= r->len - (addr - r->base) ?
			       r : ERR_PTR(-EINVAL);
	}
	/* The next range starts after addr: does the access reach it? */
	if (i + 1 < (long)x->n) {
		r = &r0[i + 1];
		if (r->base - addr < len)
			return ERR_PTR(-EINVAL);
	}
	return NULL;
}

#endif /* VMDEV_BUS_H */
