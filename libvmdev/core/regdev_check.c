// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Validation of a register map: every rule of
 * Documentation/register-devices.rst, "Validation". A map that passes is
 * safe to run: every index is in bounds, every register fits its window,
 * every value fits its width, and no two registers can answer the same
 * access.
 */
#include "regdev_internal.h"

static bool all_zero(const void *p, size_t len)
{
	const u8 *b = p;

	while (len--) {
		if (*b++)
			return false;
	}
	return true;
}

static bool fits_width(u64 val, u32 width)
{
	return !(val & ~vmdev_rdev_width_mask(width));
}

static bool readable(const struct vmdev_reg *r)
{
	return !(r->flags & VMDEV_REG_F_NOREAD);
}

static bool writable(const struct vmdev_reg *r)
{
	return !(r->flags & VMDEV_REG_F_NOWRITE);
}

/* The bytes of arg past the first `used` must be zero. */
static bool arg_tail_zero(const struct vmdev_reg *r, size_t used)
{
	return all_zero((const u8 *)&r->arg + used, sizeof(r->arg) - used);
}

static int check_fifo(const struct vmdev_reg *r)
{
	const struct vmdev_reg_fifo *f = &r->arg.fifo;

	if (!f->depth || f->depth > VMDEV_MAX_FIFO || f->room > f->depth ||
	    (r->flags & VMDEV_REG_F_PARTIAL) ||
	    !arg_tail_zero(r, sizeof(*f)))
		return -EINVAL;
	return 0;
}

static int check_counter(const struct vmdev_reg *r)
{
	const struct vmdev_reg_counter *c = &r->arg.counter;

	if (!c->mult || c->shift >= 64 || !arg_tail_zero(r, sizeof(*c)))
		return -EINVAL;
	return 0;
}

static int check_target(const struct vmdev_rdev_desc *desc, u32 idx)
{
	const struct vmdev_reg *r = &desc->regs[idx];
	const struct vmdev_reg_target *t = &r->arg.target;

	if (!arg_tail_zero(r, sizeof(*t)))
		return -EINVAL;
	switch (t->flags) {
	case VMDEV_TARGET_F_SELF:
		return t->target ? -EINVAL : 0;
	case VMDEV_TARGET_F_OTHER:
		if (t->target >= desc->nr_regs || t->target == idx ||
		    !vmdev_rdev_type_stateful(desc->regs[t->target].type))
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

static int check_irq_id(const struct vmdev_rdev_desc *desc,
			const struct vmdev_reg *r)
{
	const struct vmdev_reg_irq_id *id = &r->arg.irq_id;
	u32 i;

	if (id->line >= desc->nr_irqs || id->nr_prio > sizeof(id->prio) ||
	    !all_zero(id->pad, sizeof(id->pad)))
		return -EINVAL;
	for (i = 0; i < sizeof(id->prio); i++) {
		if (i < id->nr_prio ? id->prio[i] >= 64 :
				      id->prio[i] || id->code[i])
			return -EINVAL;
	}
	return 0;
}

static int check_arg(const struct vmdev_rdev_desc *desc, u32 idx)
{
	const struct vmdev_reg *r = &desc->regs[idx];

	switch (r->type) {
	case VMDEV_REG_FIFO_IN:
	case VMDEV_REG_FIFO_OUT:
		return check_fifo(r);
	case VMDEV_REG_COUNTER:
		return check_counter(r);
	case VMDEV_REG_W1C:
	case VMDEV_REG_W1S:
		return check_target(desc, idx);
	case VMDEV_REG_IRQ_ID:
		return check_irq_id(desc, r);
	default:
		return arg_tail_zero(r, 0) ? 0 : -EINVAL;
	}
}

static int check_selector(const struct vmdev_rdev_desc *desc, u32 idx)
{
	const struct vmdev_reg *r = &desc->regs[idx];

	if (r->sel_reg == VMDEV_SEL_NONE)
		return r->sel_mask || r->sel_val ? -EINVAL : 0;
	if (r->sel_reg >= desc->nr_regs || r->sel_reg == idx ||
	    !r->sel_mask || (r->sel_val & ~r->sel_mask))
		return -EINVAL;
	return 0;
}

/* Placement: natural alignment inside the window; hidden ones at 0. */
static int check_place(const struct vmdev_rdev_desc *desc,
		       const struct vmdev_reg *r)
{
	if (r->width != 1 && r->width != 2 && r->width != 4 && r->width != 8)
		return -EINVAL;
	if (r->flags & VMDEV_REG_F_HIDDEN)
		return r->offset ? -EINVAL : 0;
	if (r->offset % r->width ||
	    (u64)r->offset + r->width > desc->dev_size)
		return -EINVAL;
	return 0;
}

static int check_reg(const struct vmdev_rdev_desc *desc, u32 idx)
{
	const struct vmdev_reg *r = &desc->regs[idx];
	int err;

	err = check_place(desc, r);
	if (err)
		return err;
	if (r->type >= VMDEV_REG_TYPE_COUNT ||
	    (r->flags & ~VMDEV_REG_F_ALL) ||
	    (!readable(r) && !writable(r)) ||
	    r->pad0 || r->pad1 || r->pad2 ||
	    !fits_width(r->reset, r->width) ||
	    !fits_width(r->wmask, r->width))
		return -EINVAL;
	err = check_selector(desc, idx);
	if (err)
		return err;
	return check_arg(desc, idx);
}

/*
 * Two registers can never answer the same access when they are banked
 * on the same selector register with values that differ in a bit both
 * selectors test.
 */
static bool exclusive(const struct vmdev_reg *a, const struct vmdev_reg *b)
{
	return a->sel_reg != VMDEV_SEL_NONE && a->sel_reg == b->sel_reg &&
	       ((a->sel_val ^ b->sel_val) & a->sel_mask & b->sel_mask);
}

static bool conflict(const struct vmdev_reg *a, const struct vmdev_reg *b)
{
	if ((a->flags | b->flags) & VMDEV_REG_F_HIDDEN)
		return false;
	if (a->offset + a->width <= b->offset ||
	    b->offset + b->width <= a->offset)
		return false;
	if (!(readable(a) && readable(b)) && !(writable(a) && writable(b)))
		return false;
	return !exclusive(a, b);
}

/* O(n^2) over at most VMDEV_MAX_REGS registers, once per create. */
static int check_overlap(const struct vmdev_rdev_desc *desc)
{
	u32 i, j;

	for (i = 0; i < desc->nr_regs; i++) {
		for (j = i + 1; j < desc->nr_regs; j++) {
			if (conflict(&desc->regs[i], &desc->regs[j]))
				return -EINVAL;
		}
	}
	return 0;
}

static int check_regs(const struct vmdev_rdev_desc *desc)
{
	u32 i, doorbells = 0;
	int err;

	for (i = 0; i < desc->nr_regs; i++) {
		err = check_reg(desc, i);
		if (err)
			return err;
		if (desc->regs[i].type == VMDEV_REG_DOORBELL)
			doorbells++;
	}
	if (doorbells > VMDEV_RDEV_MAX_DOORBELLS)
		return -E2BIG;
	return check_overlap(desc);
}

static int check_link(const struct vmdev_rdev_desc *desc,
		      const struct vmdev_link *l)
{
	const struct vmdev_reg *dst;

	if (l->src >= desc->nr_regs || l->dst >= desc->nr_regs ||
	    l->src == l->dst || l->cond >= VMDEV_LINK_COND_COUNT || !l->mask)
		return -EINVAL;
	dst = &desc->regs[l->dst];
	if (!vmdev_rdev_type_fifo(desc->regs[l->src].type) ||
	    !vmdev_rdev_type_stateful(dst->type) ||
	    !fits_width(l->mask, dst->width))
		return -EINVAL;
	return 0;
}

/*
 * A line's status and enable must not be interrupt-ID registers: those
 * encode a line, and reading one must not evaluate a line again.
 */
static int check_irq(const struct vmdev_rdev_desc *desc,
		     const struct vmdev_irq *irq)
{
	if (irq->status_reg >= desc->nr_regs ||
	    desc->regs[irq->status_reg].type == VMDEV_REG_IRQ_ID ||
	    (irq->flags & ~VMDEV_IRQ_F_ALL))
		return -EINVAL;
	if (irq->enable_reg == VMDEV_SEL_NONE)
		return 0;
	if (irq->enable_reg >= desc->nr_regs || irq->enable_mask ||
	    desc->regs[irq->enable_reg].type == VMDEV_REG_IRQ_ID)
		return -EINVAL;
	return 0;
}

static int check_links_irqs(const struct vmdev_rdev_desc *desc)
{
	u32 i;
	int err;

	for (i = 0; i < desc->nr_links; i++) {
		err = check_link(desc, &desc->links[i]);
		if (err)
			return err;
	}
	for (i = 0; i < desc->nr_irqs; i++) {
		err = check_irq(desc, &desc->irqs[i]);
		if (err)
			return err;
	}
	return 0;
}

int vmdev_rdev_check(const struct vmdev_rdev_desc *desc)
{
	int err;

	if (!desc)
		return -EINVAL;
	if (desc->nr_regs > VMDEV_MAX_REGS || desc->nr_links > VMDEV_MAX_LINKS ||
	    desc->nr_irqs > VMDEV_MAX_IRQS)
		return -E2BIG;
	if ((desc->flags & ~VMDEV_DEV_F_ALL) || !desc->dev_size ||
	    desc->dev_size > VMDEV_RDEV_MAX_DEV_SIZE ||
	    (desc->nr_regs && !desc->regs) ||
	    (desc->nr_links && !desc->links) ||
	    (desc->nr_irqs && !desc->irqs))
		return -EINVAL;
	err = check_regs(desc);
	if (err)
		return err;
	return check_links_irqs(desc);
}
