// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The I/O manager's lifetime and the end of what a commit replaced.
 * Transactions (transaction.c) and one-operation registration
 * (register.c) sit above it.
 */
#include <stdlib.h>
#include "device.h"
#include "base/internal.h"
#include "io_manager.h"

int vmdev_io_manager_new(const struct vmdev_io_manager_opts *opts,
			 struct vmdev_io_manager **out)
{
	static const size_t none[VMDEV_NR_SPACES];
	struct vmdev_io_manager *mgr;
	int err;

	if (!out)
		return vmdev_err(EINVAL);
	err = VMDEV_OPTS_CHECK(opts, sz);
	if (err)
		return err;
	err = vmdev_rcu_init();
	if (err)
		return vmdev_err(-err);
	mgr = calloc(1, sizeof(*mgr));
	if (!mgr)
		return vmdev_err(ENOMEM);
	mgr->map = vmdev_io_map_new(none);
	if (!mgr->map) {
		free(mgr);
		return vmdev_err(ENOMEM);
	}
	vmdev_io_map_index(mgr->map);
	err = pthread_mutex_init(&mgr->lock, NULL);
	if (err) {
		vmdev_io_map_put(mgr->map);
		free(mgr);
		return vmdev_err(err);
	}
	atomic_init(&mgr->deferred, false);
	*out = mgr;
	return 0;
}

void vmdev_io_manager_free(struct vmdev_io_manager *mgr)
{
	const struct vmdev_io_entry *e;
	size_t s;

	if (!mgr)
		return;
	/* Every reference the manager held is gone when this returns. */
	if (atomic_load(&mgr->deferred))
		urcu_memb_barrier();
	for (s = 0; s < VMDEV_NR_SPACES; s++)
		for (e = mgr->map->bus[s].e;
		     e < vmdev_io_bus_end(&mgr->map->bus[s]); e++)
			vmdev_device_put(e->dev);
	vmdev_io_map_put(mgr->map);
	pthread_mutex_destroy(&mgr->lock);
	free(mgr);
}

struct vmdev_io_map *vmdev_io_manager_snapshot(struct vmdev_io_manager *mgr)
{
	struct vmdev_io_map *map;

	pthread_mutex_lock(&mgr->lock);
	map = mgr->map;
	vmdev_io_map_get(map);
	pthread_mutex_unlock(&mgr->lock);
	return map;
}

struct vmdev_io_retired *vmdev_io_retired_new(size_t nr)
{
	struct vmdev_io_retired *r;

	if (nr > (SIZE_MAX - sizeof(*r)) / sizeof(r->dev[0]))
		return NULL;
	r = malloc(sizeof(*r) + nr * sizeof(r->dev[0]));
	if (r)
		r->nr = 0;
	return r;
}

static void retire_now(struct vmdev_io_retired *r)
{
	size_t i;

	for (i = 0; i < r->nr; i++)
		vmdev_device_put(r->dev[i]);
	vmdev_io_map_put(r->map);
	free(r);
}

static void retire_rcu(struct rcu_head *head)
{
	retire_now(caa_container_of(head, struct vmdev_io_retired, rcu));
}

void vmdev_io_retire(struct vmdev_io_manager *mgr, struct vmdev_io_retired *r)
{
	if (urcu_memb_read_ongoing()) {
		atomic_store(&mgr->deferred, true);
		urcu_memb_call_rcu(&r->rcu, retire_rcu);
		return;
	}
	urcu_memb_synchronize_rcu();
	retire_now(r);
}
