/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * A mutable set of disjoint address ranges, for what a transaction
 * stages: an AVL tree (avl.h) answers "which range holds this address"
 * and "does anything overlap" in O(log n), and a list kept in address
 * order feeds the merge at commit in O(n). Nodes are the caller's, so
 * inserting never allocates and undoing a half-applied request cannot
 * fail. Not thread-safe.
 */
#ifndef VMDEV_RANGE_SET_H
#define VMDEV_RANGE_SET_H

#include <stdbool.h>
#include "avl.h"

struct vmdev_device;

struct vmdev_range {
	struct avl_node node;		/* key: the base */
	struct vmdev_range *prev;	/* address order */
	struct vmdev_range *next;
	uint64_t last;
	struct vmdev_device *dev;	/* the caller's to manage */
};

struct vmdev_range_set {
	struct avl_tree tree;
	struct vmdev_range *first;	/* lowest base */
	size_t nr;
};

static inline uint64_t vmdev_range_base(const struct vmdev_range *r)
{
	return r->node.key;
}

void vmdev_range_set_init(struct vmdev_range_set *set);
/* r (base, last set) must not overlap any range of the set. */
void vmdev_range_insert(struct vmdev_range_set *set, struct vmdev_range *r,
			uint64_t base);
void vmdev_range_erase(struct vmdev_range_set *set, struct vmdev_range *r);
/* The range holding addr, or NULL. */
struct vmdev_range *vmdev_range_find(const struct vmdev_range_set *set,
				     uint64_t addr);
/* Whether a range of the set overlaps [base, last]. */
bool vmdev_range_overlaps(const struct vmdev_range_set *set, uint64_t base,
			  uint64_t last);

#endif /* VMDEV_RANGE_SET_H */
