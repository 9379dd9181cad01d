// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The VM's GSI routing table. KVM_SET_GSI_ROUTING replaces the whole
 * table, so the manager owns it and rebuilds it from its state on every
 * change: the default routes KVM_CREATE_IRQCHIP installs on x86 (unless
 * the VMM opted out), minus the GSIs an enabled group routes itself, plus
 * one entry per configured vector of every enabled group. One change of
 * a group (enable, disable, one vector's configuration) is one ioctl.
 */
#include <stdlib.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "base/internal.h"
#include "irq_kvm_routing.h"

/* x86: GSI 0-15 reach both PICs and the IOAPIC, 16-23 the IOAPIC. */
#define DEFAULT_IOAPIC_GSIS	24
#define DEFAULT_PIC_GSIS	16
#define DEFAULT_ENTRIES		(DEFAULT_IOAPIC_GSIS + DEFAULT_PIC_GSIS)

/* enum vmdev_irqchip (validated by irq_config.c) to KVM's numbers. */
static const uint32_t kvm_irqchip[] = {
	[VMDEV_IRQCHIP_PIC_MASTER] = KVM_IRQCHIP_PIC_MASTER,
	[VMDEV_IRQCHIP_PIC_SLAVE] = KVM_IRQCHIP_PIC_SLAVE,
	[VMDEV_IRQCHIP_IOAPIC] = KVM_IRQCHIP_IOAPIC,
};

bool vmdev_irq_kvm_has_default_route(const struct vmdev_irq_manager *mgr,
				     uint32_t gsi)
{
	return irq_kvm(mgr)->default_routes && gsi < DEFAULT_IOAPIC_GSIS;
}

/* An enabled group that owns gsi and routes it itself. */
static bool default_replaced(struct vmdev_irq_manager *mgr, uint32_t gsi)
{
	struct vmdev_irq_group *grp = vmdev_irq_manager_find(mgr, gsi);

	if (!grp || !grp->routed)
		return false;
	return grp->type == VMDEV_IRQ_MSI ||
	       grp->vec[gsi - grp->base].configured;
}

static void add_irqchip(struct kvm_irq_routing *t, uint32_t gsi,
			uint32_t irqchip, uint32_t pin)
{
	struct kvm_irq_routing_entry *e = &t->entries[t->nr++];

	e->gsi = gsi;
	e->type = KVM_IRQ_ROUTING_IRQCHIP;
	e->u.irqchip.irqchip = irqchip;
	e->u.irqchip.pin = pin;
}

static void add_defaults(struct vmdev_irq_manager *mgr,
			 struct kvm_irq_routing *t)
{
	uint32_t gsi;

	if (!irq_kvm(mgr)->default_routes)
		return;
	for (gsi = 0; gsi < DEFAULT_IOAPIC_GSIS; gsi++) {
		if (default_replaced(mgr, gsi))
			continue;
		add_irqchip(t, gsi, KVM_IRQCHIP_IOAPIC, gsi);
		if (gsi < DEFAULT_PIC_GSIS / 2)
			add_irqchip(t, gsi, KVM_IRQCHIP_PIC_MASTER, gsi);
		else if (gsi < DEFAULT_PIC_GSIS)
			add_irqchip(t, gsi, KVM_IRQCHIP_PIC_SLAVE, gsi - 8);
	}
}

static void add_vector(struct kvm_irq_routing *t,
		       const struct vmdev_irq_group *grp, uint32_t i)
{
	const struct vmdev_irq_config *c = &grp->vec[i].cfg;
	struct kvm_irq_routing_entry *e;

	if (grp->type == VMDEV_IRQ_LEGACY) {
		add_irqchip(t, grp->base + i, kvm_irqchip[c->irqchip], c->pin);
		return;
	}
	e = &t->entries[t->nr++];
	e->gsi = grp->base + i;
	e->type = KVM_IRQ_ROUTING_MSI;
	e->u.msi.address_lo = c->address_lo;
	e->u.msi.address_hi = c->address_hi;
	e->u.msi.data = c->data;
	if (c->flags & VMDEV_IRQ_CFG_DEVID) {
		e->flags = KVM_MSI_VALID_DEVID;
		e->u.msi.devid = c->devid;
	}
}

static void add_groups(struct vmdev_irq_manager *mgr,
		       struct kvm_irq_routing *t)
{
	const struct vmdev_irq_group *grp;
	uint32_t i;

	for (grp = mgr->groups; grp; grp = grp->next) {
		if (!grp->routed)
			continue;
		for (i = 0; i < grp->count; i++)
			if (grp->vec[i].configured)
				add_vector(t, grp, i);
	}
}

static size_t max_entries(const struct vmdev_irq_manager *mgr)
{
	const struct vmdev_irq_group *grp;
	size_t n = DEFAULT_ENTRIES;

	for (grp = mgr->groups; grp; grp = grp->next)
		if (grp->routed)
			n += grp->count;
	return n;
}

int vmdev_irq_kvm_route(struct vmdev_irq_manager *mgr)
{
	struct kvm_irq_routing *t;
	int err = 0;

	t = calloc(1, sizeof(*t) + max_entries(mgr) * sizeof(t->entries[0]));
	if (!t)
		return vmdev_err(ENOMEM);
	add_defaults(mgr, t);
	add_groups(mgr, t);
	if (ioctl(irq_kvm(mgr)->vm_fd, KVM_SET_GSI_ROUTING, t))
		err = vmdev_err(errno);
	free(t);
	return err;
}
