// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The immutable bus map: allocation, lifetime and O(log n) searches. */
#include <stdlib.h>
#include "bus.h"

/* Entries and lookup index memory per range. */
#define ENTRY_MEM	(sizeof(struct vmdev_io_entry) + sizeof(uint32_t))

struct vmdev_io_map *vmdev_io_map_new(const size_t nr[VMDEV_NR_SPACES])
{
	/* The spaces' counts add up to all, so their indexes need at most: */
	size_t extra = vmdev_index_mem(0) * (VMDEV_NR_SPACES + 1);
	size_t max = (SIZE_MAX - sizeof(struct vmdev_io_map) - extra) /
		     ENTRY_MEM;
	struct vmdev_io_map *map;

	/* The index counts ranges in u32. */
	if (max > UINT32_MAX - 3)
		max = UINT32_MAX - 3;
	if (nr[VMDEV_PIO] > max || nr[VMDEV_MMIO] > max - nr[VMDEV_PIO])
		return NULL;
	map = malloc(sizeof(*map) + (nr[VMDEV_PIO] + nr[VMDEV_MMIO]) *
		     ENTRY_MEM + extra);
	if (!map)
		return NULL;
	atomic_init(&map->refs, 1);
	map->bus[VMDEV_PIO].nr = nr[VMDEV_PIO];
	map->bus[VMDEV_PIO].e = map->entries;
	map->bus[VMDEV_MMIO].nr = nr[VMDEV_MMIO];
	map->bus[VMDEV_MMIO].e = map->entries + nr[VMDEV_PIO];
	return map;
}

/* The index memory of each bus follows the entries of both. */
void vmdev_io_map_index(struct vmdev_io_map *map)
{
	const struct vmdev_io_bus *last = &map->bus[VMDEV_NR_SPACES - 1];
	char *mem = (char *)(last->e + last->nr);
	size_t s;

	for (s = 0; s < VMDEV_NR_SPACES; s++) {
		struct vmdev_io_bus *bus = &map->bus[s];

		vmdev_index_build(&bus->idx, mem, &bus->e[0].base,
				  sizeof(bus->e[0]), (u32)bus->nr);
		mem += vmdev_index_mem((u32)bus->nr);
	}
}

void vmdev_io_map_get(struct vmdev_io_map *map)
{
	atomic_fetch_add_explicit(&map->refs, 1, memory_order_relaxed);
}

void vmdev_io_map_put(struct vmdev_io_map *map)
{
	if (map && atomic_fetch_sub_explicit(&map->refs, 1,
					     memory_order_acq_rel) == 1)
		free(map);
}

const struct vmdev_io_entry *vmdev_io_bus_floor(const struct vmdev_io_bus *bus,
						uint64_t addr)
{
	long i = vmdev_index_floor(&bus->idx, addr);

	return i < 0 ? NULL : &bus->e[i];
}

const struct vmdev_io_entry *vmdev_io_bus_find(const struct vmdev_io_bus *bus,
					       uint64_t base)
{
	const struct vmdev_io_entry *e = vmdev_io_bus_floor(bus, base);

	return e && e->base == base ? e : NULL;
}

const struct vmdev_io_entry *
vmdev_io_bus_first_overlap(const struct vmdev_io_bus *bus, uint64_t base,
			   uint64_t last)
{
	const struct vmdev_io_entry *e = vmdev_io_bus_floor(bus, base);

	/* Disjoint and sorted: only the floor can start before base. */
	if (!e || e->last < base)
		e = e ? e + 1 : bus->e;
	return e < vmdev_io_bus_end(bus) && e->base <= last ? e : NULL;
}
