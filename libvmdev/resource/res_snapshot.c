// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Snapshots of a resource manager's allocations (res_snapshot.h): taken
 * and put back under the manager's lock, each step all or nothing.
 */
#include <stdlib.h>

#include "base/internal.h"
#include "manager_internal.h"
#include "res_snapshot.h"

struct vmdev_res_image *vmdev_res_image_new(size_t nr_spaces,
					    size_t nr_allocs)
{
	struct vmdev_res_image *img = calloc(1, sizeof(*img));

	if (!img)
		return NULL;
	img->nr_spaces = nr_spaces;
	img->nr_allocs = nr_allocs;
	img->sp = calloc(nr_spaces ? nr_spaces : 1, sizeof(*img->sp));
	img->al = calloc(nr_allocs ? nr_allocs : 1, sizeof(*img->al));
	img->added = calloc(nr_allocs ? nr_allocs : 1, 1);
	if (!img->sp || !img->al || !img->added) {
		vmdev_res_image_free(img);
		return NULL;
	}
	return img;
}

void vmdev_res_image_free(struct vmdev_res_image *img)
{
	if (!img)
		return;
	free(img->sp);
	free(img->al);
	free(img->added);
	free(img);
}

static const uint32_t fixed_kind[NR_FIXED_SPACES] = {
	[SP_PIO] = VMDEV_RES_SP_PIO,
	[SP_MEM] = VMDEV_RES_SP_MEM,
	[SP_LEGACY_IRQ] = VMDEV_RES_SP_LEGACY_IRQ,
	[SP_MSI] = VMDEV_RES_SP_MSI,
	[SP_KVM_SLOT] = VMDEV_RES_SP_KVM_SLOT,
	[SP_MAC] = VMDEV_RES_SP_MAC,
};

/*
 * The i-th present space of mgr in image order (fixed spaces, then the
 * MMIO windows by address) and its kind, or NULL past the last. Linear
 * in the fixed spaces only, and allocates nothing, so undo can use it.
 */
static struct space *space_at(struct vmdev_resource_manager *mgr, size_t i,
			      uint32_t *kind)
{
	size_t j;

	for (j = 0; j < NR_FIXED_SPACES; j++) {
		if (mgr->fixed[j].present && !i--) {
			*kind = fixed_kind[j];
			return &mgr->fixed[j];
		}
	}
	if (i >= mgr->nr_mmio)
		return NULL;
	*kind = VMDEV_RES_SP_MMIO;
	return &mgr->mmio[i];
}

static size_t nr_spaces(struct vmdev_resource_manager *mgr)
{
	uint32_t kind = 0;
	size_t n = 0;

	while (space_at(mgr, n, &kind))
		n++;
	return n;
}

static int count_one(void *arg, uint64_t first, uint64_t last)
{
	(void)first;
	(void)last;
	++*(size_t *)arg;
	return 0;
}

struct filler {
	const struct vmdev_res_span *al;
	struct vmdev_res_span *out;
	size_t n;
};

static int fill_one(void *arg, uint64_t first, uint64_t last)
{
	struct filler *f = arg;

	f->out[f->n++] = (struct vmdev_res_span){ first, last };
	return 0;
}

static struct vmdev_res_image *take_locked(struct vmdev_resource_manager *mgr)
{
	size_t nr = nr_spaces(mgr), i, total = 0, before;
	struct vmdev_res_image *img;
	struct filler f = { 0 };
	struct space *sp;
	uint32_t kind = 0;

	for (i = 0; i < nr; i++)
		interval_alloc_walk(&space_at(mgr, i, &kind)->ia, count_one,
				    &total);
	img = vmdev_res_image_new(nr, total);
	if (!img)
		return NULL;
	f.out = img->al;
	for (i = 0; i < nr; i++) {
		sp = space_at(mgr, i, &kind);
		before = f.n;
		interval_alloc_walk(&sp->ia, fill_one, &f);
		img->sp[i] = (struct vmdev_res_space){
			.kind = kind, .nr = (uint32_t)(f.n - before),
			.first = sp->ia.first, .last = sp->ia.last,
		};
	}
	return img;
}

int vmdev_res_image_take(struct vmdev_resource_manager *mgr,
			 struct vmdev_res_image **out)
{
	pthread_mutex_lock(&mgr->lock);
	*out = take_locked(mgr);
	pthread_mutex_unlock(&mgr->lock);
	return *out ? 0 : -ENOMEM;
}

/* Is [first, last] one of the n allocations of al (ascending)? */
static bool in_image(const struct vmdev_res_span *al, size_t n,
		     uint64_t first, uint64_t last)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (al[mid].first < first)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && al[lo].first == first && al[lo].last == last;
}

static int not_in_image(void *arg, uint64_t first, uint64_t last)
{
	const struct filler *f = arg;

	return in_image(f->al, f->n, first, last) ? 0 : -EBUSY;
}

/* Same spaces, and every allocation of mgr one of img's. */
static int check_locked(struct vmdev_resource_manager *mgr,
			const struct vmdev_res_image *img)
{
	struct filler f = { .al = img->al };
	struct space *sp;
	uint32_t kind = 0;
	size_t i;
	int ret = 0;

	if (nr_spaces(mgr) != img->nr_spaces)
		return -EMEDIUMTYPE;
	for (i = 0; i < img->nr_spaces; i++) {
		sp = space_at(mgr, i, &kind);
		if (img->sp[i].kind != kind || img->sp[i].first != sp->ia.first ||
		    img->sp[i].last != sp->ia.last)
			return -EMEDIUMTYPE;
	}
	for (i = 0; !ret && i < img->nr_spaces; i++) {
		f.n = img->sp[i].nr;
		ret = interval_alloc_walk(&space_at(mgr, i, &kind)->ia,
					  not_in_image, &f);
		f.al += img->sp[i].nr;
	}
	return ret;
}

int vmdev_res_image_check(struct vmdev_resource_manager *mgr,
			  const struct vmdev_res_image *img)
{
	int ret;

	pthread_mutex_lock(&mgr->lock);
	ret = check_locked(mgr, img);
	pthread_mutex_unlock(&mgr->lock);
	return ret;
}

/* Release what apply added, among the first end allocations of img. */
static void undo_locked(struct vmdev_resource_manager *mgr,
			const struct vmdev_res_image *img, size_t end)
{
	size_t s, k, i = 0;
	struct space *sp;
	uint32_t kind = 0;

	for (s = 0; s < img->nr_spaces && i < end; s++) {
		sp = space_at(mgr, s, &kind);
		for (k = 0; k < img->sp[s].nr && i < end; k++, i++) {
			if (!img->added[i])
				continue;
			/* Ours since apply, under the same lock: cannot fail. */
			interval_alloc_claim(&sp->ia, img->al[i].first,
					     img->al[i].last);
			interval_alloc_put(&sp->ia, img->al[i].first);
		}
	}
}

/* One allocation of img, exactly where it was, unless mgr has it. */
static int add_one(struct space *sp, const struct vmdev_res_span *a,
		   uint8_t *added)
{
	struct vmdev_addr_req req = {
		.size = a->last - a->first + 1, .align = 1, .min = a->first,
		.max = a->last, .addr = a->first, .policy = VMDEV_ALLOC_EXACT,
	};
	uint64_t v;
	int ret;

	*added = 0;
	if (interval_alloc_held(&sp->ia, a->first, a->last))
		return 0;
	ret = interval_alloc_get(&sp->ia, &req, &v);
	*added = !ret;
	return ret;
}

static int apply_locked(struct vmdev_resource_manager *mgr,
			struct vmdev_res_image *img)
{
	size_t s, k, i = 0;
	struct space *sp;
	uint32_t kind = 0;
	int ret;

	ret = check_locked(mgr, img);
	for (s = 0; !ret && s < img->nr_spaces; s++) {
		sp = space_at(mgr, s, &kind);
		for (k = 0; !ret && k < img->sp[s].nr; k++, i++)
			ret = add_one(sp, &img->al[i], &img->added[i]);
	}
	if (ret)
		undo_locked(mgr, img, i);
	return ret;
}

int vmdev_res_image_apply(struct vmdev_resource_manager *mgr,
			  struct vmdev_res_image *img)
{
	int ret;

	pthread_mutex_lock(&mgr->lock);
	ret = apply_locked(mgr, img);
	pthread_mutex_unlock(&mgr->lock);
	return ret;
}

void vmdev_res_image_undo(struct vmdev_resource_manager *mgr,
			  const struct vmdev_res_image *img)
{
	pthread_mutex_lock(&mgr->lock);
	undo_locked(mgr, img, img->nr_allocs);
	pthread_mutex_unlock(&mgr->lock);
}
