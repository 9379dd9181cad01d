/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The resource manager's insides, shared by the manager
 * (resource_manager.c) and its snapshots (res_snapshot.c).
 */
#ifndef VMDEV_MANAGER_INTERNAL_H
#define VMDEV_MANAGER_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>

#include "interval_alloc.h"

enum space_id {
	SP_PIO,
	SP_MEM,
	SP_LEGACY_IRQ,
	SP_MSI,
	SP_KVM_SLOT,
	SP_MAC,
	NR_FIXED_SPACES,
	SP_MMIO = NR_FIXED_SPACES,	/* not in fixed[]: see mmio[] */
};

struct space {
	struct interval_alloc ia;
	bool present;
};

struct vmdev_resource_manager {
	pthread_mutex_t lock;
	struct space fixed[NR_FIXED_SPACES];
	size_t nr_mmio;
	struct space mmio[];	/* sorted by first address */
};

#endif /* VMDEV_MANAGER_INTERNAL_H */
