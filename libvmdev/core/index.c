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
		       size_t stride, u32 n)
{
	u64 *keys = mem;
	u32 *first = (u32 *)(keys + n);
	u32 i, b;

	for (i = 0; i < n; i++)
		keys[i] = *(const u64 *)((const char *)base0 + i * stride);
	x->keys = keys;
	x->first = first;
	x->n = n;
	x->min = n ? keys[0] : 0;
	x->shift = n ? bucket_shift(keys[n - 1] - keys[0], n) : 0;
	x->nb = n ? (u32)((keys[n - 1] - keys[0]) >> x->shift) + 1 : 0;
	/* first[b]: bases <= min + b * 2^shift, for every bucket start. */
	for (i = 0, b = 0; b < x->nb; b++) {
		u64 start = x->min + ((u64)b << x->shift);

		while (i < n && keys[i] <= start)
			i++;
		first[b] = i;
	}
	first[x->nb] = n;
}
