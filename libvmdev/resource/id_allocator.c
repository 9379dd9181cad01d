// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Public ID allocator: IDs are values of the interval engine with
 * alignment 1, so allocating a block, reserving a given ID and releasing
 * are all O(log n) in the number of free runs and allocations.
 */
#include <stdlib.h>
#include "alloc_internal.h"
#include "interval_alloc.h"
#include "base/internal.h"

struct vmdev_id_allocator {
	struct interval_alloc ia;
};

int vmdev_id_allocator_new(uint32_t first, uint32_t last,
			   struct vmdev_id_allocator **out)
{
	struct vmdev_id_allocator *a;

	if (!out || first > last)
		return vmdev_err(EINVAL);
	a = malloc(sizeof(*a));
	if (!a)
		return vmdev_err(ENOMEM);
	if (interval_alloc_init(&a->ia, first, last, false)) {
		free(a);
		return vmdev_err(ENOMEM);
	}
	*out = a;
	return 0;
}

void vmdev_id_allocator_free(struct vmdev_id_allocator *a)
{
	if (!a)
		return;
	interval_alloc_fini(&a->ia);
	free(a);
}

int vmdev_id_allocator_alloc(struct vmdev_id_allocator *a,
			     const struct vmdev_id_req *req, uint32_t *id)
{
	struct vmdev_addr_req r;
	uint64_t v;
	int err;

	if (!a || !req || !id)
		return vmdev_err(EINVAL);
	err = vmdev_id_req_norm(req, &r);
	if (!err)
		err = interval_alloc_get(&a->ia, &r, &v);
	if (err)
		return vmdev_err(-err);
	*id = v;
	return 0;
}

int vmdev_id_allocator_release(struct vmdev_id_allocator *a, uint32_t id,
			       uint32_t count)
{
	uint64_t last = (uint64_t)id + (count ? count : 1) - 1;
	int err;

	if (!a || last > UINT32_MAX)
		return vmdev_err(EINVAL);
	err = interval_alloc_claim(&a->ia, id, last);
	if (err)
		return vmdev_err(-err);
	interval_alloc_put(&a->ia, id);
	return 0;
}
