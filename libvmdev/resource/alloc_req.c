// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Checking allocation requests. Everything that can be judged without
 * looking at an allocator's state is rejected here with -EINVAL, so the
 * engine only ever answers about space: full, busy or out of range.
 */
#include <errno.h>
#include "alloc_internal.h"
#include "resource_internal.h"

static bool policy_valid(uint32_t policy)
{
	return policy == VMDEV_ALLOC_FIRST_MATCH ||
	       policy == VMDEV_ALLOC_LAST_MATCH || policy == VMDEV_ALLOC_EXACT;
}

int vmdev_addr_req_norm(const struct vmdev_addr_req *req,
			struct vmdev_addr_req *out)
{
	struct vmdev_addr_req r = *req;
	uint64_t last;

	if (r.pad || !policy_valid(r.policy) || !r.size)
		return -EINVAL;
	if (!r.align)
		r.align = 1;
	if (r.align & (r.align - 1))
		return -EINVAL;
	if (!r.max)
		r.max = UINT64_MAX;
	/* The window must be able to hold the range at all. */
	if (r.min > r.max || r.max - r.min < r.size - 1)
		return -EINVAL;
	if (r.policy == VMDEV_ALLOC_EXACT) {
		if (r.addr & (r.align - 1) ||
		    !vmdev_range_last(r.addr, r.size, &last) ||
		    r.addr < r.min || last > r.max)
			return -EINVAL;
	} else {
		r.addr = 0;
	}
	*out = r;
	return 0;
}

int vmdev_id_req_norm(const struct vmdev_id_req *req,
		      struct vmdev_addr_req *out)
{
	uint32_t count = req->count ? req->count : 1;

	if (req->pad || !policy_valid(req->policy))
		return -EINVAL;
	if (req->policy == VMDEV_ALLOC_EXACT &&
	    count - 1 > UINT32_MAX - req->id)
		return -EINVAL;
	*out = (struct vmdev_addr_req){
		.size = count,
		.align = 1,
		.max = UINT64_MAX,
		.addr = req->policy == VMDEV_ALLOC_EXACT ? req->id : 0,
		.policy = req->policy,
	};
	return 0;
}

int vmdev_mac_req_norm(const struct vmdev_mac_req *req,
		       struct vmdev_addr_req *out)
{
	bool exact = req->policy == VMDEV_ALLOC_EXACT;

	if (req->pad || !policy_valid(req->policy))
		return -EINVAL;
	if (exact && !vmdev_mac_valid(req->addr))
		return -EINVAL;
	*out = (struct vmdev_addr_req){
		.size = 1,
		.align = 1,
		.max = UINT64_MAX,
		.addr = exact ? vmdev_mac_to_u64(req->addr) : 0,
		.policy = req->policy,
	};
	return 0;
}
