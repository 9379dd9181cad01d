// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The interrupt manager: one per VM, shared by the groups created from
 * it. It holds the GSI space, the list of groups, the lock that orders
 * control operations, the resampler, and the backend's state. Groups
 * keep a reference, so the manager outlives the caller's handle until
 * its last group is freed.
 */
#include <stdlib.h>

#include "base/internal.h"
#include "irq_internal.h"

#define IRQ_MGR_FLAGS	(VMDEV_IRQ_MGR_NO_DEFAULT_ROUTES |		\
			 VMDEV_IRQ_MGR_MANUAL_RESAMPLE)

int vmdev_irq_manager_create(const struct vmdev_irq_backend *ops,
			     const struct vmdev_irq_manager_opts *opts,
			     uint32_t max_gsis, struct vmdev_irq_manager **out)
{
	uint32_t flags = VMDEV_OPT(opts, flags, 0);
	uint32_t nr_gsis = VMDEV_OPT(opts, nr_gsis, 0);
	struct vmdev_irq_manager *mgr;
	int err;

	if (!out || VMDEV_OPTS_CHECK(opts, nr_gsis))
		return vmdev_err(EINVAL);
	if (flags & ~IRQ_MGR_FLAGS || nr_gsis > max_gsis)
		return vmdev_err(EINVAL);

	mgr = calloc(1, sizeof(*mgr));
	if (!mgr)
		return vmdev_err(ENOMEM);
	mgr->ops = ops;
	mgr->flags = flags;
	mgr->nr_gsis = nr_gsis ? nr_gsis : max_gsis;
	atomic_init(&mgr->refs, 1);
	err = vmdev_irq_resampler_init(mgr);
	if (err) {
		free(mgr);
		return err;
	}
	pthread_mutex_init(&mgr->lock, NULL);
	*out = mgr;
	return 0;
}

void vmdev_irq_manager_get(struct vmdev_irq_manager *mgr)
{
	atomic_fetch_add_explicit(&mgr->refs, 1, memory_order_relaxed);
}

void vmdev_irq_manager_put(struct vmdev_irq_manager *mgr)
{
	if (atomic_fetch_sub_explicit(&mgr->refs, 1, memory_order_acq_rel) != 1)
		return;
	vmdev_irq_resampler_fini(mgr);
	if (mgr->ops->destroy)
		mgr->ops->destroy(mgr);
	pthread_mutex_destroy(&mgr->lock);
	free(mgr);
}

void vmdev_irq_manager_free(struct vmdev_irq_manager *mgr)
{
	if (mgr)
		vmdev_irq_manager_put(mgr);
}

uint32_t vmdev_irq_manager_nr_gsis(const struct vmdev_irq_manager *mgr)
{
	return mgr ? mgr->nr_gsis : 0;
}

struct vmdev_irq_group *vmdev_irq_manager_find(struct vmdev_irq_manager *mgr,
					       uint32_t gsi)
{
	struct vmdev_irq_group *grp;

	for (grp = mgr->groups; grp; grp = grp->next)
		if (gsi >= grp->base && gsi - grp->base < grp->count)
			return grp;
	return NULL;
}
