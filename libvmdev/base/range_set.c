// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Staged range sets: an AVL tree for search, a list for address order. */
#include <stddef.h>
#include "range_set.h"

static struct vmdev_range *to_range(struct avl_node *n)
{
	return n ? (struct vmdev_range *)((char *)n -
					  offsetof(struct vmdev_range, node))
		 : NULL;
}

void vmdev_range_set_init(struct vmdev_range_set *set)
{
	set->tree.root = NULL;
	set->tree.update = NULL;
	set->first = NULL;
	set->nr = 0;
}

void vmdev_range_insert(struct vmdev_range_set *set, struct vmdev_range *r,
			uint64_t base)
{
	/* Disjoint ranges: the floor of the base is the predecessor. */
	struct vmdev_range *prev = to_range(avl_floor(&set->tree, base));

	r->node.key = base;
	r->prev = prev;
	r->next = prev ? prev->next : set->first;
	if (r->next)
		r->next->prev = r;
	if (prev)
		prev->next = r;
	else
		set->first = r;
	avl_insert(&set->tree, &r->node);
	set->nr++;
}

void vmdev_range_erase(struct vmdev_range_set *set, struct vmdev_range *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		set->first = r->next;
	if (r->next)
		r->next->prev = r->prev;
	avl_erase(&set->tree, &r->node);
	set->nr--;
}

struct vmdev_range *vmdev_range_find(const struct vmdev_range_set *set,
				     uint64_t addr)
{
	struct vmdev_range *r = to_range(avl_floor(&set->tree, addr));

	return r && r->last >= addr ? r : NULL;
}

bool vmdev_range_overlaps(const struct vmdev_range_set *set, uint64_t base,
			  uint64_t last)
{
	/* Disjoint: only the last range starting <= last can reach base. */
	struct vmdev_range *r = to_range(avl_floor(&set->tree, last));

	return r && r->last >= base;
}
