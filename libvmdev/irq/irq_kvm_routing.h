/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The KVM interrupt backend's state and its GSI routing table: what the
 * backend (irq_kvm.c) takes from the routing (irq_kvm_routing.c), which
 * reads that state and nothing of the backend's code.
 */
#ifndef VMDEV_IRQ_KVM_ROUTING_H
#define VMDEV_IRQ_KVM_ROUTING_H

#include "irq_internal.h"

struct vmdev_irq_kvm {
	int vm_fd;		/* borrowed from the VMM */
	bool devid;		/* KVM_CAP_MSI_DEVID: MSI routes take a devid */
	bool default_routes;	/* keep the x86 PIC/IOAPIC routes of GSI 0-23 */
};

static inline struct vmdev_irq_kvm *
irq_kvm(const struct vmdev_irq_manager *mgr)
{
	return mgr->priv;
}

/*
 * Replace the VM's GSI routing table with the one the manager's routed
 * groups and the default routes make: one KVM_SET_GSI_ROUTING. Called
 * with mgr->lock held; on failure KVM keeps the previous table.
 */
int vmdev_irq_kvm_route(struct vmdev_irq_manager *mgr);
/* Whether an unconfigured legacy vector at gsi still has a route. */
bool vmdev_irq_kvm_has_default_route(const struct vmdev_irq_manager *mgr,
				     uint32_t gsi);

#endif /* VMDEV_IRQ_KVM_ROUTING_H */
