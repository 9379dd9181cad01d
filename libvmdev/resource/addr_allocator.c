// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Public address allocator: request checks on top of the interval engine. */
#include <stdlib.h>
#include "alloc_internal.h"
#include "interval_alloc.h"
#include "base/internal.h"
#include "resource_internal.h"

struct vmdev_addr_allocator {
	struct interval_alloc ia;
};

int vmdev_addr_allocator_new(uint64_t base, uint64_t size,
			     struct vmdev_addr_allocator **out)
{
	struct vmdev_addr_allocator *a;
	uint64_t last;

	if (!out || !vmdev_range_last(base, size, &last))
		return vmdev_err(EINVAL);
	a = malloc(sizeof(*a));
	if (!a)
		return vmdev_err(ENOMEM);
	if (interval_alloc_init(&a->ia, base, last, true)) {
		free(a);
		return vmdev_err(ENOMEM);
	}
	*out = a;
	return 0;
}

void vmdev_addr_allocator_free(struct vmdev_addr_allocator *a)
{
	if (!a)
		return;
	interval_alloc_fini(&a->ia);
	free(a);
}

int vmdev_addr_allocator_alloc(struct vmdev_addr_allocator *a,
			       const struct vmdev_addr_req *req,
			       uint64_t *addr)
{
	struct vmdev_addr_req r;
	int err;

	if (!a || !req || !addr)
		return vmdev_err(EINVAL);
	err = vmdev_addr_req_norm(req, &r);
	if (!err)
		err = interval_alloc_get(&a->ia, &r, addr);
	return err ? vmdev_err(-err) : 0;
}

int vmdev_addr_allocator_release(struct vmdev_addr_allocator *a,
				 uint64_t addr, uint64_t size)
{
	uint64_t last;
	int err;

	if (!a || !vmdev_range_last(addr, size, &last))
		return vmdev_err(EINVAL);
	err = interval_alloc_claim(&a->ia, addr, last);
	if (err)
		return vmdev_err(-err);
	interval_alloc_put(&a->ia, addr);
	return 0;
}
