// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Resource manager: one interval engine per space (ports, each MMIO
 * window, guest memory, legacy IRQs, MSI GSIs, KVM slots, MACs as 48-bit
 * numbers), one mutex around all of them. Allocation is not a hot path,
 * and a single lock makes a whole constraint list one atomic step.
 *
 * All-or-nothing without a second allocation: a set is released by
 * claiming every interval first and putting them only when all claims
 * succeeded. Putting cannot fail, so rolling back a half-allocated list is
 * the same release and cannot fail either.
 */
#include <pthread.h>
#include <stdlib.h>
#include "alloc_internal.h"
#include "interval_alloc.h"
#include "manager_internal.h"
#include "base/internal.h"
#include "resource_internal.h"

/* The space an allocation of this type comes from. */
static enum space_id space_of(uint32_t type)
{
	switch (type) {
	case VMDEV_RES_PIO:
		return SP_PIO;
	case VMDEV_RES_MEM:
		return SP_MEM;
	case VMDEV_RES_LEGACY_IRQ:
		return SP_LEGACY_IRQ;
	case VMDEV_RES_KVM_SLOT:
		return SP_KVM_SLOT;
	case VMDEV_RES_MAC:
		return SP_MAC;
	case VMDEV_RES_MMIO:
		return SP_MMIO;
	default:
		return SP_MSI;	/* the three MSI kinds share the GSIs */
	}
}

/* The MMIO window holding addr, by binary search, or NULL. */
static struct space *mmio_window(struct vmdev_resource_manager *mgr,
				 uint64_t addr)
{
	size_t lo = 0, hi = mgr->nr_mmio, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (addr < mgr->mmio[mid].ia.first)
			hi = mid;
		else if (addr > mgr->mmio[mid].ia.last)
			lo = mid + 1;
		else
			return &mgr->mmio[mid];
	}
	return NULL;
}

/* The interval a resource occupies in its space. */
static void res_interval(const struct vmdev_resource *r, uint64_t *first,
			 uint64_t *last)
{
	switch (r->type) {
	case VMDEV_RES_PIO:
	case VMDEV_RES_MMIO:
	case VMDEV_RES_MEM:
		*first = r->range.base;
		*last = r->range.base + r->range.size - 1;
		break;
	case VMDEV_RES_LEGACY_IRQ:
		*first = *last = r->irq;
		break;
	case VMDEV_RES_KVM_SLOT:
		*first = *last = r->slot;
		break;
	case VMDEV_RES_MAC:
		*first = *last = vmdev_mac_to_u64(r->mac);
		break;
	default:
		*first = r->msi.base;
		*last = (uint64_t)r->msi.base + r->msi.count - 1;
		break;
	}
}

/* The resource of this type that an allocation of size at v stands for. */
static void res_fill(struct vmdev_resource *r, uint32_t type, uint64_t v,
		     uint64_t size)
{
	*r = (struct vmdev_resource){ .type = type };
	switch (type) {
	case VMDEV_RES_PIO:
	case VMDEV_RES_MMIO:
	case VMDEV_RES_MEM:
		r->range.base = v;
		r->range.size = size;
		break;
	case VMDEV_RES_LEGACY_IRQ:
		r->irq = v;
		break;
	case VMDEV_RES_KVM_SLOT:
		r->slot = v;
		break;
	case VMDEV_RES_MAC:
		vmdev_u64_to_mac(v, r->mac);
		break;
	default:
		r->msi.base = v;
		r->msi.count = size;
		break;
	}
}

/* The live space a resource of this set belongs to, or NULL. */
static struct space *res_space(struct vmdev_resource_manager *mgr,
			       const struct vmdev_resource *r, uint64_t first)
{
	enum space_id id = space_of(r->type);

	if (id == SP_MMIO)
		return mmio_window(mgr, first);
	return mgr->fixed[id].present ? &mgr->fixed[id] : NULL;
}

static void unclaim(struct vmdev_resource_manager *mgr,
		    const struct vmdev_resource *v, size_t n)
{
	uint64_t first, last;

	while (n--) {
		res_interval(&v[n], &first, &last);
		interval_alloc_unclaim(&res_space(mgr, &v[n], first)->ia, first);
	}
}

/* Release all n resources of v or none; called with the lock held. */
static int release_locked(struct vmdev_resource_manager *mgr,
			  const struct vmdev_resource *v, size_t n)
{
	uint64_t first, last;
	struct space *sp;
	size_t i;
	int err;

	for (i = 0; i < n; i++) {
		res_interval(&v[i], &first, &last);
		sp = res_space(mgr, &v[i], first);
		err = sp ? interval_alloc_claim(&sp->ia, first, last) : -ERANGE;
		if (err) {
			unclaim(mgr, v, i);
			return err;
		}
	}
	for (i = 0; i < n; i++) {
		res_interval(&v[i], &first, &last);
		interval_alloc_put(&res_space(mgr, &v[i], first)->ia, first);
	}
	return 0;
}

static int release_set_locked(struct vmdev_resource_manager *mgr,
			      const struct vmdev_resources *res)
{
	return release_locked(mgr, vmdev_resources_array(res),
			      vmdev_resources_count(res));
}

/* Try MMIO windows in address order (or reverse) until one has room. */
static int get_mmio(struct vmdev_resource_manager *mgr,
		    const struct vmdev_addr_req *req, uint64_t *v)
{
	bool down = req->policy == VMDEV_ALLOC_LAST_MATCH;
	struct space *sp;
	size_t i;
	int err = -ENOSPC;

	if (req->policy == VMDEV_ALLOC_EXACT) {
		sp = mmio_window(mgr, req->addr);
		return sp ? interval_alloc_get(&sp->ia, req, v) : -ERANGE;
	}
	for (i = 0; i < mgr->nr_mmio && err == -ENOSPC; i++) {
		sp = &mgr->mmio[down ? mgr->nr_mmio - 1 - i : i];
		err = interval_alloc_get(&sp->ia, req, v);
	}
	return err;
}

static int get_one(struct vmdev_resource_manager *mgr,
		   const struct vmdev_constraint *c, struct vmdev_resources *set)
{
	enum space_id id = space_of(c->type);
	struct vmdev_resource r;
	struct vmdev_addr_req req;
	uint64_t v;
	int err;

	/* Checked by the caller: this only normalises. */
	vmdev_constraint_norm(c, &req);
	if (id == SP_MMIO)
		err = mgr->nr_mmio ? get_mmio(mgr, &req, &v) : -ENXIO;
	else if (!mgr->fixed[id].present)
		err = -ENXIO;
	else
		err = interval_alloc_get(&mgr->fixed[id].ia, &req, &v);
	if (err)
		return err;
	res_fill(&r, c->type, v, req.size);
	err = vmdev_resources_append(set, &r);
	if (err)	/* not in the set yet: undo it alone */
		release_locked(mgr, &r, 1);
	return err;
}

static int space_init(struct space *sp, uint64_t first, uint64_t last,
		      bool aligned)
{
	if (interval_alloc_init(&sp->ia, first, last, aligned))
		return -ENOMEM;
	sp->present = true;
	return 0;
}

/* An address window of the options: size 0 is absent, else it must fit. */
static int addr_space_init(struct space *sp,
			   const struct vmdev_addr_window *w)
{
	uint64_t last;

	if (!w->size)
		return 0;
	if (!vmdev_range_last(w->base, w->size, &last))
		return -EINVAL;
	return space_init(sp, w->base, last, true);
}

static int id_space_init(struct space *sp, const struct vmdev_id_window *w)
{
	if (!w->count)
		return 0;
	if (w->count - 1 > UINT32_MAX - w->base)
		return -EINVAL;
	return space_init(sp, w->base, (uint64_t)w->base + w->count - 1,
			  false);
}

static int pio_space_init(struct space *sp, const struct vmdev_addr_window *w)
{
	uint64_t last;

	if (!w->size)
		return space_init(sp, 0, VMDEV_PIO_LAST, true);
	if (!vmdev_range_last(w->base, w->size, &last) ||
	    last > VMDEV_PIO_LAST)
		return -EINVAL;
	return space_init(sp, w->base, last, true);
}

static int mac_space_init(struct space *sp, const uint8_t *prefix)
{
	uint8_t mac[VMDEV_MAC_LEN] = { prefix[0], prefix[1], prefix[2] };
	uint64_t first = vmdev_mac_to_u64(mac);

	if (!first)
		return 0;
	if (prefix[0] & 1)	/* group bit: not a device address */
		return -EINVAL;
	return space_init(sp, first, first | 0xffffff, false);
}

static int cmp_window(const void *a, const void *b)
{
	const struct vmdev_addr_window *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

/* Sorted, non-empty, non-wrapping, disjoint MMIO windows. */
static int mmio_spaces_init(struct vmdev_resource_manager *mgr,
			    const struct vmdev_addr_window *w, size_t n)
{
	struct vmdev_addr_window *sorted;
	size_t i;
	int err = 0;

	sorted = malloc(n * sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	memcpy(sorted, w, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_window);
	for (i = 0; i < n && !err; i++) {
		if (!sorted[i].size ||
		    (i && sorted[i].base <= mgr->mmio[i - 1].ia.last))
			err = -EINVAL;
		else
			err = addr_space_init(&mgr->mmio[i], &sorted[i]);
		if (!err)
			mgr->nr_mmio++;
	}
	free(sorted);
	return err;
}

static int spaces_init(struct vmdev_resource_manager *mgr,
		       const struct vmdev_resource_manager_opts *opts)
{
	const struct vmdev_addr_window none = { 0 };
	const struct vmdev_id_window no_ids = { 0 };
	const struct vmdev_addr_window *mmio = VMDEV_OPT(opts, mmio, NULL);
	size_t nr_mmio = VMDEV_OPT(opts, nr_mmio, 0);
	struct vmdev_addr_window pio = VMDEV_OPT(opts, pio, none);
	struct vmdev_addr_window mem = VMDEV_OPT(opts, mem, none);
	struct vmdev_id_window irq = VMDEV_OPT(opts, legacy_irq, no_ids);
	struct vmdev_id_window msi = VMDEV_OPT(opts, msi, no_ids);
	struct vmdev_id_window slot = VMDEV_OPT(opts, kvm_slot, no_ids);
	const uint8_t zero_prefix[3] = { 0 };
	const uint8_t *prefix = VMDEV_OPT(opts, mac_prefix, zero_prefix);
	int err;

	err = pio_space_init(&mgr->fixed[SP_PIO], &pio);
	if (!err)
		err = addr_space_init(&mgr->fixed[SP_MEM], &mem);
	if (!err)
		err = id_space_init(&mgr->fixed[SP_LEGACY_IRQ], &irq);
	if (!err)
		err = id_space_init(&mgr->fixed[SP_MSI], &msi);
	if (!err)
		err = id_space_init(&mgr->fixed[SP_KVM_SLOT], &slot);
	if (!err)
		err = mac_space_init(&mgr->fixed[SP_MAC], prefix);
	if (!err && nr_mmio)
		err = mmio_spaces_init(mgr, mmio, nr_mmio);
	return err;
}

static void spaces_fini(struct vmdev_resource_manager *mgr)
{
	size_t i;

	for (i = 0; i < NR_FIXED_SPACES; i++)
		if (mgr->fixed[i].present)
			interval_alloc_fini(&mgr->fixed[i].ia);
	for (i = 0; i < mgr->nr_mmio; i++)
		interval_alloc_fini(&mgr->mmio[i].ia);
}

int vmdev_resource_manager_new(const struct vmdev_resource_manager_opts *opts,
			       struct vmdev_resource_manager **out)
{
	size_t nr_mmio = VMDEV_OPT(opts, nr_mmio, 0);
	struct vmdev_resource_manager *mgr;
	int err;

	if (!out || VMDEV_OPTS_CHECK(opts, mac_prefix))
		return vmdev_err(EINVAL);
	if (nr_mmio && !VMDEV_OPT(opts, mmio, NULL))
		return vmdev_err(EINVAL);
	if (nr_mmio > (SIZE_MAX - sizeof(*mgr)) / sizeof(mgr->mmio[0]))
		return vmdev_err(ENOMEM);
	mgr = calloc(1, sizeof(*mgr) + nr_mmio * sizeof(mgr->mmio[0]));
	if (!mgr)
		return vmdev_err(ENOMEM);
	err = spaces_init(mgr, opts);
	if (!err)
		err = -pthread_mutex_init(&mgr->lock, NULL);
	if (err) {
		spaces_fini(mgr);
		free(mgr);
		return vmdev_err(-err);
	}
	*out = mgr;
	return 0;
}

void vmdev_resource_manager_free(struct vmdev_resource_manager *mgr)
{
	if (!mgr)
		return;
	pthread_mutex_destroy(&mgr->lock);
	spaces_fini(mgr);
	free(mgr);
}

int vmdev_resource_manager_allocate(struct vmdev_resource_manager *mgr,
				    const struct vmdev_constraint *c, size_t n,
				    struct vmdev_resources **out)
{
	struct vmdev_resources *set;
	size_t i;
	int err;

	if (!mgr || !out || (!c && n))
		return vmdev_err(EINVAL);
	err = vmdev_constraints_check(c, n);
	if (err)
		return vmdev_err(-err);
	err = vmdev_resources_new(&set);
	if (err)
		return err;
	pthread_mutex_lock(&mgr->lock);
	for (i = 0; i < n && !err; i++)
		err = get_one(mgr, &c[i], set);
	if (err)
		release_set_locked(mgr, set);
	pthread_mutex_unlock(&mgr->lock);
	if (err) {
		vmdev_resources_free(set);
		return vmdev_err(-err);
	}
	*out = set;
	return 0;
}

int vmdev_resource_manager_release(struct vmdev_resource_manager *mgr,
				   const struct vmdev_resources *res)
{
	int err;

	if (!mgr || !res)
		return vmdev_err(EINVAL);
	pthread_mutex_lock(&mgr->lock);
	err = release_set_locked(mgr, res);
	pthread_mutex_unlock(&mgr->lock);
	return err ? vmdev_err(-err) : 0;
}
