// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Building the two-level bus index (index.h). */
#include "index.h"

/* The smallest bucket width that makes at most n buckets of [min, max]. */
static u32 bucket_shift(u64 span, u32 n)
{
	u32 s = 0;

	/* n >= 2 ends the loop by s = 63; n == 1 means span == 0. */
	while (s < 63 && (span >> s) >= n)
		s++;
	return s;
}

void vmdev_index_build(struct vmdev_index *x, void *mem, const u64 *base0,
		       u32 stride, u32 n)
{
	u32 *first = mem;
	u64 span;
	u32 i, b;

	x->base0 = (const char *)base0;
	x->stride = stride;
	x->first = first;
	x->n = n;
	x->min = n ? *base0 : 0;
	span = n ? vmdev_index_key(x, n - 1) - x->min : 0;
	x->shift = n ? bucket_shift(span, n) : 0;
	x->nb = n ? (u32)(span >> x->shift) + 1 : 0;
	/* first[b]: bases <= min + b * 2^shift, for every bucket start. */
	for (i = 0, b = 0; b < x->nb; b++) {
		u64 start = x->min + ((u64)b << x->shift);

		while (i < n && vmdev_index_key(x, i) <= start)
			i++;
		first[b] = i;
	}
	first[x->nb] = n;
}
