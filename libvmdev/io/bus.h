/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The published state of an I/O manager: both buses in one immutable
 * allocation (so a commit that touches both is one pointer swap), each
 * a sorted array of disjoint ranges. Readers binary-search it under RCU;
 * writers build a new one and publish it in place of the old.
 */
#ifndef VMDEV_BUS_H
#define VMDEV_BUS_H

#include <stdatomic.h>
#include <vmdev/io.h>
#include "device.h"
#include "index.h"

#define VMDEV_NR_SPACES		2

struct vmdev_io_entry {
	uint64_t base;
	uint64_t last;			/* base + size - 1: cannot overflow */
	struct vmdev_device *dev;	/* a reference, held by the manager */
	struct vmdev_device_call call;	/* dev's, for dispatch */
};

struct vmdev_io_bus {
	size_t nr;
	struct vmdev_io_entry *e;	/* sorted by base, disjoint */
	struct vmdev_index idx;		/* of e's bases: vmdev_io_map_index() */
};

struct vmdev_io_map {
	/* The manager's while published, and one per transaction on it. */
	atomic_ulong refs;
	struct vmdev_io_bus bus[VMDEV_NR_SPACES];
	struct vmdev_io_entry entries[];
};

static inline bool vmdev_io_space_valid(enum vmdev_space space)
{
	return (unsigned int)space < VMDEV_NR_SPACES;
}

/* Highest address of a bus. */
static inline uint64_t vmdev_io_space_last(enum vmdev_space space)
{
	return space == VMDEV_PIO ? VMDEV_PIO_MAX_ADDR : UINT64_MAX;
}

/*
 * A map with room for nr[space] entries per bus (nr set), one reference,
 * and for their lookup index: vmdev_io_map_index() once they are filled.
 */
struct vmdev_io_map *vmdev_io_map_new(const size_t nr[VMDEV_NR_SPACES]);
void vmdev_io_map_index(struct vmdev_io_map *map);
void vmdev_io_map_get(struct vmdev_io_map *map);
/* Free on the last reference; the devices' references are not touched. */
void vmdev_io_map_put(struct vmdev_io_map *map);

/* The entry with the highest base <= addr, or NULL. */
const struct vmdev_io_entry *vmdev_io_bus_floor(const struct vmdev_io_bus *bus,
						uint64_t addr);
/* The entry starting at base, or NULL. */
const struct vmdev_io_entry *vmdev_io_bus_find(const struct vmdev_io_bus *bus,
					       uint64_t base);
/*
 * The lowest entry overlapping [base, last], or NULL; the others that
 * overlap follow it while their base is <= last.
 */
const struct vmdev_io_entry *
vmdev_io_bus_first_overlap(const struct vmdev_io_bus *bus, uint64_t base,
			   uint64_t last);
/* One past the last entry, to bound a walk from an entry. */
static inline const struct vmdev_io_entry *
vmdev_io_bus_end(const struct vmdev_io_bus *bus)
{
	return bus->e + bus->nr;
}

#endif /* VMDEV_BUS_H */
