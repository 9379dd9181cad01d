// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The immutable bus map: allocation, lifetime and O(log n) searches. */
#include <stdlib.h>
#include "bus.h"

struct vmdev_io_map *vmdev_io_map_new(const size_t nr[VMDEV_NR_SPACES])
{
	size_t max = (SIZE_MAX - sizeof(struct vmdev_io_map)) /
		     sizeof(struct vmdev_io_entry);
	struct vmdev_io_map *map;

	if (nr[VMDEV_PIO] > max || nr[VMDEV_MMIO] > max - nr[VMDEV_PIO])
		return NULL;
	map = malloc(sizeof(*map) + (nr[VMDEV_PIO] + nr[VMDEV_MMIO]) *
		     sizeof(struct vmdev_io_entry));
	if (!map)
		return NULL;
	atomic_init(&map->refs, 1);
	map->bus[VMDEV_PIO].nr = nr[VMDEV_PIO];
	map->bus[VMDEV_PIO].e = map->entries;
	map->bus[VMDEV_MMIO].nr = nr[VMDEV_MMIO];
	map->bus[VMDEV_MMIO].e = map->entries + nr[VMDEV_PIO];
	return map;
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
	const struct vmdev_io_entry *e = bus->e;
	size_t n = bus->nr, half;

	if (!n)
		return NULL;
	/*
	 * Halve [e, e + n) keeping e->base <= addr whenever any entry has
	 * it; no branch on the data, so no mispredictions on random
	 * addresses (the step compiles to a conditional move).
	 */
	while (n > 1) {
		half = n / 2;
		e = e[half].base <= addr ? e + half : e;
		n -= half;
	}
	return e->base <= addr ? e : NULL;
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
