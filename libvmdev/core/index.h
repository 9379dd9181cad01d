/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The bus lookup shared by vmdev.ko and libvmdev: the floor of an
 * address (the last range starting at or before it) among n ranges
 * sorted by base, in close to constant time at any n.
 *
 * A plain binary search costs log2(n) dependent steps through an array
 * that, at thousands of ranges, no longer fits in L1 (nor, in the test
 * VM, in the emulated TLB): 3.4x the one-range cost at 10,000 ranges.
 * The index adds a level above the ranges: [min, max] of the bases split
 * into at most n buckets of 2^shift addresses each, and for each bucket
 * the number of bases at or before its start (first[]). An address finds
 * its bucket with a subtraction and a shift, and is then compared with
 * the bases inside that bucket only, branch-free, in the caller's own
 * entries (the access reads its entry next anyway): three loads in all
 * for ranges spread over the space (devices side by side or at a
 * stride, one or two bases a bucket). Bases bunched in a few buckets
 * make the search inside them a binary search again: never worse than
 * without the index, by one load. The index is built once per published
 * bus (the buses are immutable snapshots) in O(n), 4 bytes a range.
 */
#ifndef VMDEV_CORE_INDEX_H
#define VMDEV_CORE_INDEX_H

#include "shim.h"

struct vmdev_index {
	const char *base0;	/* the first entry's base (u64) */
	const u32 *first;	/* [nb + 1]: bases <= each bucket's start */
	u64 min;		/* the lowest base */
	u32 stride;		/* bytes from one entry's base to the next */
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
	return (((size_t)n + 3) & ~(size_t)1) * sizeof(u32);
}

/*
 * Index the n ascending bases at base0, base0 + stride, ... (a member of
 * the caller's entries, which must stay as they are while the index is
 * used), in mem: vmdev_index_mem(n) bytes, 4-byte aligned, which must
 * live as long as the index.
 */
void vmdev_index_build(struct vmdev_index *x, void *mem, const u64 *base0,
		       u32 stride, u32 n);

static inline u64 vmdev_index_key(const struct vmdev_index *x, u32 i)
{
	return *(const u64 *)(x->base0 + (size_t)i * x->stride);
}

/* Number of bases lo, lo + 1, ... lo + m - 1 at or before addr. */
static inline u32 vmdev_index_count(const struct vmdev_index *x, u32 lo,
				    u32 m, u64 addr)
{
	/* Halving with a conditional move: no mispredictions. */
	while (m > 1) {
		u32 half = m / 2;

		lo = vmdev_index_key(x, lo + half) <= addr ? lo + half : lo;
		m -= half;
	}
	return lo + (m && vmdev_index_key(x, lo) <= addr);
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
	return (long)vmdev_index_count(x, lo, x->first[b + 1] - lo, addr) - 1;
}

#endif /* VMDEV_CORE_INDEX_H */
