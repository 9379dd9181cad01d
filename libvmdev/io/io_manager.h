/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The I/O manager's insides, shared by the reader side (dispatch.c), the
 * writer side (transaction.c) and its lifetime (io_manager.c).
 */
#ifndef VMDEV_IO_MANAGER_H
#define VMDEV_IO_MANAGER_H

#include <pthread.h>
#include <stdatomic.h>
#include "bus.h"
#include "base/rcu.h"

struct vmdev_io_manager {
	/*
	 * The published buses: readers load it under vmdev_rcu_read_lock(),
	 * commits replace it under lock. The manager holds one reference.
	 */
	struct vmdev_io_map *map;
	pthread_mutex_t lock;
	/* A commit from a device callback left its cleanup to call_rcu. */
	atomic_bool deferred;
};

/*
 * What a commit replaced, to drop once no reader can see it: the old map
 * (the manager's reference) and the device of each removed range (the
 * range's reference).
 */
struct vmdev_io_retired {
	struct rcu_head rcu;
	struct vmdev_io_map *map;
	size_t nr;
	struct vmdev_device *dev[];
};

/* A reference to the published map, for a transaction to stage on. */
struct vmdev_io_map *vmdev_io_manager_snapshot(struct vmdev_io_manager *mgr);

/* Room for up to nr removed devices; map and nr are the caller's to set. */
struct vmdev_io_retired *vmdev_io_retired_new(size_t nr);

/*
 * Drop what a commit replaced once every reader that could see it has
 * left: wait for a grace period, or, from inside a read-side critical
 * section (a device callback), where waiting would wait for ourselves,
 * leave it to call_rcu.
 */
void vmdev_io_retire(struct vmdev_io_manager *mgr, struct vmdev_io_retired *r);

#endif /* VMDEV_IO_MANAGER_H */
