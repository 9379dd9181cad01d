// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The manager's ranges copied out under its lock (io_layout.h). The
 * references are taken under the lock too: a commit drops a removed
 * range's reference only after it published, which it does under it.
 */
#include <stdlib.h>

#include "base/internal.h"
#include "device.h"
#include "io_layout.h"
#include "io_manager.h"

static void copy_map(const struct vmdev_io_map *map, struct vmdev_io_layout *l)
{
	const struct vmdev_io_entry *e;
	size_t s;

	for (s = 0; s < VMDEV_NR_SPACES; s++) {
		for (e = map->bus[s].e; e < vmdev_io_bus_end(&map->bus[s]);
		     e++) {
			l->r[l->nr] = (struct vmdev_io_layout_range){
				.space = (enum vmdev_space)s, .base = e->base,
				.size = e->last - e->base + 1,
				.dev = vmdev_device_get(e->dev),
			};
			l->nr++;
		}
	}
}

int vmdev_io_layout_get(struct vmdev_io_manager *mgr,
			struct vmdev_io_layout **out)
{
	struct vmdev_io_layout *l;
	size_t nr;

	pthread_mutex_lock(&mgr->lock);
	nr = mgr->map->bus[VMDEV_PIO].nr + mgr->map->bus[VMDEV_MMIO].nr;
	l = malloc(sizeof(*l) + nr * sizeof(l->r[0]));
	if (l) {
		l->nr = 0;
		copy_map(mgr->map, l);
	}
	pthread_mutex_unlock(&mgr->lock);
	if (!l)
		return -ENOMEM;
	*out = l;
	return 0;
}

void vmdev_io_layout_put(struct vmdev_io_layout *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->nr; i++)
		vmdev_device_put(l->r[i].dev);
	free(l);
}
