// SPDX-License-Identifier: GPL-2.0
/*
 * The bus follows KVM's I/O bus: a sorted array read under RCU and
 * replaced as a whole on every change. Registering a device merges its
 * (sorted) ranges into a copy of the array in one pass, which is also
 * where every overlap is caught: once merged, two ranges that overlap are
 * necessarily neighbours.
 */
#include <linux/slab.h>
#include <linux/sort.h>

#include "bus.h"

/* Order of the bus: by space, then by base. */
static int key_cmp(u32 space_a, u64 base_a, u32 space_b, u64 base_b)
{
	if (space_a != space_b)
		return space_a < space_b ? -1 : 1;
	if (base_a != base_b)
		return base_a < base_b ? -1 : 1;
	return 0;
}

static int range_cmp(const void *a, const void *b)
{
	const struct vmdev_range *ra = a, *rb = b;

	return key_cmp(ra->space, ra->base, rb->space, rb->base);
}

/*
 * Validate the ranges of one request and sort them for the merge.
 * Overlaps are left to vmdev_bus_with(), which sees them all at once.
 */
int vmdev_bus_check_ranges(struct vmdev_range *ranges, u32 n)
{
	u32 i;
	int ret;

	for (i = 0; i < n; i++) {
		if (ranges[i].pad)
			return -EINVAL;
		ret = vmdev_bus_check_extent(ranges[i].space, ranges[i].base,
					     ranges[i].len);
		if (ret)
			return ret;
	}
	sort(ranges, n, sizeof(*ranges), range_cmp, NULL);
	return 0;
}

/* Room for nr ranges and the index of each space's ranges behind them. */
static struct vmdev_bus_table *table_alloc(u32 nr)
{
	struct vmdev_bus_table *t;
	size_t size = struct_size(t, ranges, nr);

	/* The spaces' counts add up to nr, so their memory is at most: */
	size = size_add(size, vmdev_index_mem(nr) +
			VMDEV_BUS_SPACES * vmdev_index_mem(0));
	t = kvmalloc(size, GFP_KERNEL_ACCOUNT);
	if (t)
		t->nr = nr;
	return t;
}

/* Index each space's ranges: once the table is filled, before publishing. */
static struct vmdev_bus_table *table_index(struct vmdev_bus_table *t)
{
	char *mem = (char *)&t->ranges[t->nr];
	u32 s, i = 0, n;

	BUILD_BUG_ON(VMDEV_SPACE_PIO != 0 || VMDEV_SPACE_MMIO != 1);
	BUILD_BUG_ON(offsetof(struct vmdev_bus_range, base) != 0);
	for (s = 0; s < VMDEV_BUS_SPACES; s++) {
		t->start[s] = i;
		for (n = 0; i < t->nr && t->ranges[i].space == s; i++)
			n++;
		vmdev_index_build(&t->idx[s], mem, &t->ranges[t->start[s]].base,
				  sizeof(t->ranges[0]), n);
		mem += vmdev_index_mem(n);
	}
	return t;
}

/* Ranges in bus order: does next start before prev ends? */
static bool overlaps(const struct vmdev_bus_range *prev,
		     const struct vmdev_bus_range *next)
{
	return prev->space == next->space && next->base - prev->base < prev->len;
}

/*
 * A new table holding old's ranges plus n sorted ranges of dev, or
 * ERR_PTR(-EEXIST) if any two ranges of the result overlap (partly, at
 * the same base, or one containing the other), or ERR_PTR(-ENOMEM).
 */
struct vmdev_bus_table *vmdev_bus_with(const struct vmdev_bus_table *old,
				       const struct vmdev_range *ranges,
				       u32 n, struct vmdev_device *dev)
{
	u32 nr_old = old ? old->nr : 0, i = 0, j = 0, k;
	struct vmdev_bus_range *out;
	struct vmdev_bus_table *t;

	t = table_alloc(nr_old + n);
	if (!t)
		return ERR_PTR(-ENOMEM);
	for (k = 0; k < t->nr; k++) {
		out = &t->ranges[k];
		if (j == n || (i < nr_old &&
			       key_cmp(old->ranges[i].space, old->ranges[i].base,
				       ranges[j].space, ranges[j].base) < 0)) {
			*out = old->ranges[i++];
		} else {
			out->base = ranges[j].base;
			out->len = ranges[j].len;
			out->space = ranges[j].space;
			out->dev = dev;
			j++;
		}
		if (k && overlaps(out - 1, out)) {
			kvfree(t);
			return ERR_PTR(-EEXIST);
		}
	}
	return table_index(t);
}

/*
 * A new table without the n ranges of dev: NULL when nothing is left,
 * else the table or ERR_PTR(-ENOMEM).
 */
struct vmdev_bus_table *vmdev_bus_without(const struct vmdev_bus_table *old,
					  const struct vmdev_device *dev,
					  u32 n)
{
	struct vmdev_bus_table *t;
	u32 i, k = 0;

	if (old->nr == n)
		return NULL;
	t = table_alloc(old->nr - n);
	if (!t)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < old->nr && k < t->nr; i++) {
		if (old->ranges[i].dev != dev)
			t->ranges[k++] = old->ranges[i];
	}
	return table_index(t);
}

/* Free the table of a bus no reader can reach any more. */
void vmdev_bus_destroy(struct vmdev_bus *bus)
{
	kvfree(rcu_dereference_protected(bus->table, true));
	RCU_INIT_POINTER(bus->table, NULL);
}
