/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The bus lookup shared by vmdev.ko and libvmdev: the floor of an
 * address (the last range starting at or before it) among n sorted
 * range bases, in close to constant time at any n.
 *
 * A plain binary search costs log2(n) dependent steps through an array
 * of entries that, at thousands of ranges, no longer fits in L1: 3.4x
 * the one-range cost at 10,000 ranges in the library's benchmark. The
 * index is two-level instead:
 *
 * - buckets: [min, max] of the bases split into at most n buckets of
 *   2^shift addresses each, and for each bucket the number of bases at
 *   or before its start (first[]). An address finds its bucket with a
 *   subtraction and a shift, so the search is narrowed to the bases
 *   of one bucket in two loads;
 * - keys: a compact copy of the bases (8 bytes each, not the entries'
 *   24 or 32), searched branch-free within the bucket.
 *
 * Ranges spread over the space (the usual case: devices side by side or
 * at a stride) leave one or two bases per bucket. Bases bunched in a
 * few buckets make the search inside them a binary search again: never
 * worse than without the index, by one load. The index is built once
 * per published bus (the buses are immutable snapshots) in O(n).
 */
#ifndef VMDEV_CORE_INDEX_H
#define VMDEV_CORE_INDEX_H

#include "shim.h"

struct vmdev_index {
	u64 min;		/* the lowest base */
	const u64 *keys;	/* the n bases, ascending */
	const u32 *first;	/* [nb + 1]: bases <= each bucket's start */
	u32 n;
	u32 nb;			/* buckets, 1 <= nb <= n (0 when n is 0) */
	u32 shift;		/* a bucket spans 2^shift addresses */
};

/*
 * Bytes of memory vmdev_index_build() needs for n bases, at most; a
 * multiple of 8, so that indexes can follow one another.
 */
static inline size_t vmdev_index_mem(u32 n)
{
	return (size_t)n * sizeof(u64) + (((size_t)n + 3) & ~1UL) * sizeof(u32);
}

/*
 * Index the n ascending bases found at base0, base0 + stride, ... (the
 * first member of the caller's entries), in mem: vmdev_index_mem(n)
 * bytes, 8-byte aligned, which must live as long as the index.
 */
void vmdev_index_build(struct vmdev_index *x, void *mem, const u64 *base0,
		       size_t stride, u32 n);

/* Number of keys[lo, lo + m) at or before addr: keys sorted. */
static inline u32 vmdev_index_count(const u64 *keys, u32 lo, u32 m, u64 addr)
{
	const u64 *k = keys + lo;

	/* Halving with a conditional move: no mispredictions. */
	while (m > 1) {
		u32 half = m / 2;

		k = k[half] <= addr ? k + half : k;
		m -= half;
	}
	return (u32)(k - keys) + (m && *k <= addr);
}

/* The index of the last base at or before addr, or -1. */
static inline long vmdev_index_floor(const struct vmdev_index *x, u64 addr)
{
	u64 b;
	u32 lo;

	if (!x->n || addr < x->min)
		return -1;
	b = (addr - x->min) >> x->shift;
	if (b >= x->nb)
		return (long)x->n - 1;
	lo = x->first[b];
	return (long)vmdev_index_count(x->keys, lo, x->first[b + 1] - lo,
				       addr) - 1;
}

#endif /* VMDEV_CORE_INDEX_H */
