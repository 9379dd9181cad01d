/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The engine under the address and ID allocators: a space [first, last]
 * of 64-bit values carved into allocated and free intervals.
 *
 * Free runs sit in an AVL tree keyed by start, where each node also holds,
 * for every tracked alignment 2^k, the largest number of bytes its subtree
 * can give to a 2^k-aligned request. A first- or last-match search skips
 * every subtree that misses the request window or cannot fit, so it walks
 * O(log n) nodes whatever the alignment. Allocated intervals sit in a
 * second tree so that a release can be told apart as exact, partial or
 * unknown. Both trees use one node type: a release moves the node of the
 * allocation into the free tree, so it never allocates memory and cannot
 * fail once checked. Not thread-safe: callers serialise.
 */
#ifndef VMDEV_INTERVAL_ALLOC_H
#define VMDEV_INTERVAL_ALLOC_H

#include <stdbool.h>
#include <vmdev/allocator.h>
#include "base/avl.h"

struct interval_alloc {
	struct avl_tree free;	/* free runs, augmented */
	struct avl_tree used;	/* allocations */
	uint64_t first;
	uint64_t last;
	unsigned int levels;	/* alignments 2^0 .. 2^(levels - 1) tracked */
};

/*
 * aligned: requests may ask for alignments above 1 (else only 1 is
 * tracked, as ID spaces need). -ENOMEM.
 */
int interval_alloc_init(struct interval_alloc *ia, uint64_t first,
			uint64_t last, bool aligned);
void interval_alloc_fini(struct interval_alloc *ia);

/*
 * Allocate for a request already checked and normalised: size > 0,
 * align a power of two, min <= max, and for VMDEV_ALLOC_EXACT the range
 * aligned inside [min, max]. Returns the start in *out, or -ENOSPC (no
 * fitting free run), -ERANGE (exact range not inside the space), -EBUSY
 * (exact range not all free), -ENOMEM. Nothing changes on failure.
 */
int interval_alloc_get(struct interval_alloc *ia,
		       const struct vmdev_addr_req *req, uint64_t *out);

/*
 * Releasing is two steps, so that a caller can release several intervals
 * all-or-nothing without allocating: claim each one (which checks it),
 * then put them all, or unclaim the ones claimed if a claim failed.
 *
 * claim: 0 if [first, last] (first <= last) is exactly one allocation not
 * claimed yet; -ERANGE (not inside the space), -EINVAL (overlaps
 * allocated space without being one allocation), -ENOENT (all free: never
 * allocated or released already; or claimed already).
 */
int interval_alloc_claim(struct interval_alloc *ia, uint64_t first,
			 uint64_t last);
void interval_alloc_unclaim(struct interval_alloc *ia, uint64_t first);
/* Release a claimed allocation; cannot fail. */
void interval_alloc_put(struct interval_alloc *ia, uint64_t first);

/*
 * Call fn for every allocation, by ascending first value, until it
 * returns non-zero (which is returned); 0 when all were seen.
 */
int interval_alloc_walk(const struct interval_alloc *ia,
			int (*fn)(void *arg, uint64_t first, uint64_t last),
			void *arg);

/* Whether [first, last] is exactly one allocation. */
bool interval_alloc_held(const struct interval_alloc *ia, uint64_t first,
			 uint64_t last);

#endif /* VMDEV_INTERVAL_ALLOC_H */
