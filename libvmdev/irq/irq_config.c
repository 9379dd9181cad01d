// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Per-vector configuration of interrupt source groups: what a legacy line
 * is wired to (irqchip and pin) and what an MSI vector writes (address,
 * data, device id). A configuration is stored while the group is
 * disabled and applied by the backend at once while it is enabled; if
 * the backend refuses it, the previous one stays in force.
 */
#include <string.h>

#include "base/internal.h"
#include "irq_internal.h"

/* Copy the fields the caller's struct holds; the rest reads as zero. */
static void cfg_import(const struct vmdev_irq_config *in,
		       struct vmdev_irq_config *out)
{
	memset(out, 0, sizeof(*out));
	out->sz = sizeof(*out);
	out->flags = VMDEV_OPT(in, flags, 0);
	out->irqchip = VMDEV_OPT(in, irqchip, 0);
	out->pin = VMDEV_OPT(in, pin, 0);
	out->address_lo = VMDEV_OPT(in, address_lo, 0);
	out->address_hi = VMDEV_OPT(in, address_hi, 0);
	out->data = VMDEV_OPT(in, data, 0);
	out->devid = VMDEV_OPT(in, devid, 0);
}

static bool legacy_cfg_valid(const struct vmdev_irq_config *c)
{
	if (c->flags || c->address_lo || c->address_hi || c->data || c->devid)
		return false;
	switch (c->irqchip) {
	case VMDEV_IRQCHIP_PIC_MASTER:
	case VMDEV_IRQCHIP_PIC_SLAVE:
		return c->pin < VMDEV_IRQCHIP_PIC_PINS;
	case VMDEV_IRQCHIP_IOAPIC:
		return c->pin < VMDEV_IRQCHIP_IOAPIC_PINS;
	default:
		return false;
	}
}

static bool msi_cfg_valid(const struct vmdev_irq_config *c)
{
	if (c->flags & ~VMDEV_IRQ_CFG_DEVID || c->irqchip || c->pin)
		return false;
	return c->flags & VMDEV_IRQ_CFG_DEVID || !c->devid;
}

static int cfg_check(struct vmdev_irq_group *grp,
		     const struct vmdev_irq_config *c)
{
	const struct vmdev_irq_backend *ops = grp->mgr->ops;
	bool valid = grp->type == VMDEV_IRQ_MSI ? msi_cfg_valid(c) :
						   legacy_cfg_valid(c);

	if (!valid)
		return vmdev_err(EINVAL);
	return ops->check_config ? ops->check_config(grp->mgr, grp, c) : 0;
}

/* Store cfg; an enabled group's backend applies it or nothing changes. */
static int vec_update(struct vmdev_irq_group *grp, uint32_t vector,
		      const struct vmdev_irq_config *cfg)
{
	struct vmdev_irq_vec *vec = &grp->vec[vector];
	const struct vmdev_irq_backend *ops = grp->mgr->ops;
	struct vmdev_irq_config old_cfg = vec->cfg;
	bool old_configured = vec->configured;
	int err;

	vec->cfg = *cfg;
	vec->configured = true;
	if (!atomic_load(&grp->enabled) || !ops->update)
		return 0;
	err = ops->update(grp, vector);
	if (err) {
		vec->cfg = old_cfg;
		vec->configured = old_configured;
	}
	return err;
}

int vmdev_irq_group_update(struct vmdev_irq_group *grp, uint32_t vector,
			   const struct vmdev_irq_config *cfg)
{
	struct vmdev_irq_config c;
	int err;

	if (!grp || !cfg || VMDEV_OPTS_CHECK(cfg, devid))
		return vmdev_err(EINVAL);
	if (vector >= grp->count)
		return vmdev_err(ENOENT);
	cfg_import(cfg, &c);
	err = cfg_check(grp, &c);
	if (err)
		return err;
	pthread_mutex_lock(&grp->mgr->lock);
	err = vec_update(grp, vector, &c);
	pthread_mutex_unlock(&grp->mgr->lock);
	return err ? vmdev_err(-err) : 0;
}

int vmdev_irq_group_get_config(struct vmdev_irq_group *grp, uint32_t vector,
			       struct vmdev_irq_config *cfg)
{
	const size_t hdr = sizeof(cfg->sz);
	size_t n;

	if (!grp || !cfg || cfg->sz < hdr)
		return vmdev_err(EINVAL);
	if (vector >= grp->count)
		return vmdev_err(ENOENT);
	n = cfg->sz < sizeof(*cfg) ? cfg->sz : sizeof(*cfg);
	pthread_mutex_lock(&grp->mgr->lock);
	if (!grp->vec[vector].configured) {
		pthread_mutex_unlock(&grp->mgr->lock);
		return vmdev_err(ENODATA);
	}
	/* A newer caller's struct: what we do not know reads as zero. */
	memcpy((char *)cfg + hdr, (const char *)&grp->vec[vector].cfg + hdr,
	       n - hdr);
	if (cfg->sz > sizeof(*cfg))
		memset((char *)cfg + sizeof(*cfg), 0, cfg->sz - sizeof(*cfg));
	pthread_mutex_unlock(&grp->mgr->lock);
	return 0;
}
