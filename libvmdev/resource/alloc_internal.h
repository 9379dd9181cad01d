/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Request and constraint checking shared by the public allocators and the
 * resource manager. Each turns a caller's request into the normalised
 * address request interval_alloc_get() takes (align >= 1, max filled in),
 * or fails with -EINVAL; none of them sets errno.
 */
#ifndef VMDEV_ALLOC_INTERNAL_H
#define VMDEV_ALLOC_INTERNAL_H

#include <vmdev/allocator.h>

int vmdev_addr_req_norm(const struct vmdev_addr_req *req,
			struct vmdev_addr_req *out);
/* IDs are values of the 64-bit engine: size = count, alignment 1. */
int vmdev_id_req_norm(const struct vmdev_id_req *req,
		      struct vmdev_addr_req *out);
/* A MAC request over MACs as 48-bit numbers (see vmdev_mac_to_u64()). */
int vmdev_mac_req_norm(const struct vmdev_mac_req *req,
		       struct vmdev_addr_req *out);
/* One constraint, by its type. */
int vmdev_constraint_norm(const struct vmdev_constraint *c,
			  struct vmdev_addr_req *out);
/* Every constraint of a list, and at most one of each single kind. */
int vmdev_constraints_check(const struct vmdev_constraint *c, size_t n);

#endif /* VMDEV_ALLOC_INTERNAL_H */
