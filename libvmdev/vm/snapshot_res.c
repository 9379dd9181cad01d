// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The RESOURCES section of a vm blob: a resource manager's spaces and
 * allocations (resource/res_snapshot.h) in the snapshot format. Payload:
 * the number of spaces (4) and 4 zero bytes; per space a record of its
 * kind (4), number of allocations (4), first and last value (8 each),
 * followed by its allocations, first and last value (8 each), ascending
 * and disjoint.
 */
#include <stdlib.h>

#include "base/internal.h"
#include "snapshot.h"
#include "snapshot_internal.h"

#define RES_HEAD	8
#define RES_SPACE	24
#define RES_ALLOC	16

size_t vm_snap_res_len(const struct vmdev_res_image *img)
{
	return RES_HEAD + img->nr_spaces * RES_SPACE +
	       img->nr_allocs * RES_ALLOC;
}

void vm_snap_res_put(const struct vmdev_res_image *img, uint8_t *p)
{
	const struct vmdev_res_span *a = img->al;
	size_t s, k;

	vmdev_snap_put(p, 4, img->nr_spaces);
	vmdev_snap_put(p + 4, 4, 0);
	p += RES_HEAD;
	for (s = 0; s < img->nr_spaces; s++) {
		vmdev_snap_put(p, 4, img->sp[s].kind);
		vmdev_snap_put(p + 4, 4, img->sp[s].nr);
		vmdev_snap_put(p + 8, 8, img->sp[s].first);
		vmdev_snap_put(p + 16, 8, img->sp[s].last);
		p += RES_SPACE;
		for (k = 0; k < img->sp[s].nr; k++, a++, p += RES_ALLOC) {
			vmdev_snap_put(p, 8, a->first);
			vmdev_snap_put(p + 8, 8, a->last);
		}
	}
}

/* The sizes alone: 0 and the number of allocations, or -EBADMSG. */
static int measure(const uint8_t *p, size_t len, size_t *nr_allocs)
{
	size_t nr, s, left, n, total = 0;

	if (len < RES_HEAD || vmdev_snap_get(p + 4, 4))
		return -EBADMSG;
	nr = vmdev_snap_get(p, 4);
	left = len - RES_HEAD;
	p += RES_HEAD;
	for (s = 0; s < nr; s++) {
		if (left < RES_SPACE)
			return -EBADMSG;
		n = vmdev_snap_get(p + 4, 4);
		left -= RES_SPACE;
		if (n > left / RES_ALLOC)
			return -EBADMSG;
		left -= n * RES_ALLOC;
		p += RES_SPACE + n * RES_ALLOC;
		total += n;
	}
	if (left)
		return -EBADMSG;
	*nr_allocs = total;
	return 0;
}

/* One space's allocations: inside it, ascending and disjoint. */
static int decode_allocs(const uint8_t *p, const struct vmdev_res_space *sp,
			 struct vmdev_res_span *a)
{
	uint32_t k;

	for (k = 0; k < sp->nr; k++, p += RES_ALLOC) {
		a[k].first = vmdev_snap_get(p, 8);
		a[k].last = vmdev_snap_get(p + 8, 8);
		if (a[k].first > a[k].last || a[k].first < sp->first ||
		    a[k].last > sp->last || (k && a[k - 1].last >= a[k].first))
			return -EBADMSG;
	}
	return 0;
}

static int decode(const uint8_t *p, struct vmdev_res_image *img)
{
	struct vmdev_res_span *a = img->al;
	struct vmdev_res_space *sp;
	size_t s;
	int ret;

	p += RES_HEAD;
	for (s = 0; s < img->nr_spaces; s++) {
		sp = &img->sp[s];
		sp->kind = (uint32_t)vmdev_snap_get(p, 4);
		sp->nr = (uint32_t)vmdev_snap_get(p + 4, 4);
		sp->first = vmdev_snap_get(p + 8, 8);
		sp->last = vmdev_snap_get(p + 16, 8);
		if (sp->first > sp->last)
			return -EBADMSG;
		ret = decode_allocs(p + RES_SPACE, sp, a);
		if (ret)
			return ret;
		a += sp->nr;
		p += RES_SPACE + (size_t)sp->nr * RES_ALLOC;
	}
	return 0;
}

int vm_snap_res_decode(const void *p, size_t len,
		       struct vmdev_res_image **out)
{
	struct vmdev_res_image *img;
	size_t nr_allocs;
	int ret;

	ret = measure(p, len, &nr_allocs);
	if (ret)
		return ret;
	img = vmdev_res_image_new(vmdev_snap_get(p, 4), nr_allocs);
	if (!img)
		return -ENOMEM;
	ret = decode(p, img);
	if (ret) {
		vmdev_res_image_free(img);
		return ret;
	}
	*out = img;
	return 0;
}
