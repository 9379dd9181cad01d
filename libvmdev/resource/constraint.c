// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Resource constraints: which request a constraint carries for its type,
 * and the rules a device's whole list must follow. The resource manager
 * checks a list completely before it allocates anything, so a bad list
 * fails with -EINVAL whatever the state of the allocators.
 */
#include <errno.h>
#include "alloc_internal.h"
#include "resource_internal.h"

/* Kinds whose resource is one ID, not a block. */
static bool single_id(uint32_t type)
{
	return type == VMDEV_RES_LEGACY_IRQ || type == VMDEV_RES_KVM_SLOT;
}

int vmdev_constraint_norm(const struct vmdev_constraint *c,
			  struct vmdev_addr_req *out)
{
	if (c->pad)
		return -EINVAL;
	switch (c->type) {
	case VMDEV_RES_PIO:
	case VMDEV_RES_MMIO:
	case VMDEV_RES_MEM:
		return vmdev_addr_req_norm(&c->range, out);
	case VMDEV_RES_LEGACY_IRQ:
	case VMDEV_RES_KVM_SLOT:
	case VMDEV_RES_GENERIC_MSI:
	case VMDEV_RES_PCI_MSI:
	case VMDEV_RES_PCI_MSIX:
		if (single_id(c->type) && c->id.count > 1)
			return -EINVAL;
		return vmdev_id_req_norm(&c->id, out);
	case VMDEV_RES_MAC:
		return vmdev_mac_req_norm(&c->mac, out);
	default:
		return -EINVAL;
	}
}

int vmdev_constraints_check(const struct vmdev_constraint *c, size_t n)
{
	struct vmdev_addr_req req;
	size_t i, j;
	int err;

	for (i = 0; i < n; i++) {
		err = vmdev_constraint_norm(&c[i], &req);
		if (err)
			return err;
		if (!vmdev_res_single_kind(c[i].type))
			continue;
		/*
		 * Only a handful of single kinds exist and a repeat ends
		 * the loop, so this inner scan runs a bounded number of
		 * times: the check stays O(n).
		 */
		for (j = 0; j < i; j++)
			if (c[j].type == c[i].type)
				return -EINVAL;
	}
	return 0;
}
