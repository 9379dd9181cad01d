// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Register state primitives shared by the guest and the VMM paths: raw
 * values, FIFO rings, counters, the interrupt-ID encoder, and the status
 * links and interrupt lines recomputed after every state change. Every
 * function here runs with the device lock held.
 */
#include "regdev_internal.h"

u64 vmdev_rdev_load(const void *p, u32 width)
{
	u8 v8;
	u16 v16;
	u32 v32;
	u64 v64;

	switch (width) {
	case 1:
		memcpy(&v8, p, sizeof(v8));
		return v8;
	case 2:
		memcpy(&v16, p, sizeof(v16));
		return v16;
	case 4:
		memcpy(&v32, p, sizeof(v32));
		return v32;
	default:
		memcpy(&v64, p, sizeof(v64));
		return v64;
	}
}

void vmdev_rdev_store(void *p, u32 width, u64 val)
{
	u8 v8 = (u8)val;
	u16 v16 = (u16)val;
	u32 v32 = (u32)val;

	switch (width) {
	case 1:
		memcpy(p, &v8, sizeof(v8));
		break;
	case 2:
		memcpy(p, &v16, sizeof(v16));
		break;
	case 4:
		memcpy(p, &v32, sizeof(v32));
		break;
	default:
		memcpy(p, &val, sizeof(val));
		break;
	}
}

/* A free-running count: value at t0 plus the clock scaled since then. */
u64 vmdev_rdev_counter_now(struct vmdev_rdev *dev, u32 reg)
{
	const struct vmdev_reg *r = &dev->regs[reg];
	const struct vmdev_rdev_reg_state *st = &dev->st[reg];
	u64 ticks = vmdev_mul_u64_u32_shr(vmdev_now_ns() - st->t0,
					  r->arg.counter.mult,
					  r->arg.counter.shift);

	return (st->value + ticks) & vmdev_rdev_width_mask(r->width);
}

/* Restart the count from `count` now (a write sets the base). */
void vmdev_rdev_counter_set(struct vmdev_rdev *dev, u32 reg, u64 count)
{
	struct vmdev_rdev_reg_state *st = &dev->st[reg];

	st->value = count & vmdev_rdev_width_mask(dev->regs[reg].width);
	st->t0 = vmdev_now_ns();
}

bool vmdev_rdev_fifo_push(struct vmdev_rdev *dev, u32 reg, u64 val)
{
	const struct vmdev_reg *r = &dev->regs[reg];
	struct vmdev_rdev_reg_state *st = &dev->st[reg];
	u32 depth = r->arg.fifo.depth;
	u32 tail;

	if (st->count == depth)
		return false;
	tail = st->head + st->count;
	if (tail >= depth)
		tail -= depth;
	vmdev_rdev_store(st->fifo + (size_t)tail * r->width, r->width, val);
	st->count++;
	return true;
}

bool vmdev_rdev_fifo_pop(struct vmdev_rdev *dev, u32 reg, u64 *val)
{
	const struct vmdev_reg *r = &dev->regs[reg];
	struct vmdev_rdev_reg_state *st = &dev->st[reg];

	if (!st->count)
		return false;
	*val = vmdev_rdev_load(st->fifo + (size_t)st->head * r->width,
			       r->width);
	if (++st->head == r->arg.fifo.depth)
		st->head = 0;
	st->count--;
	return true;
}

/*
 * Raw values never recurse: validation keeps IRQ_ID registers out of
 * the status and enable registers of every line.
 */
static u64 line_pending(struct vmdev_rdev *dev, u32 line)
{
	const struct vmdev_irq *irq = &dev->irqs[line];
	u64 enable = irq->enable_mask;

	if (irq->enable_reg != VMDEV_SEL_NONE)
		enable = vmdev_rdev_value(dev, irq->enable_reg);
	return vmdev_rdev_value(dev, irq->status_reg) & enable;
}

/*
 * A priority encoder: the code of the highest-priority pending status
 * bit replaces the id_mask bits of the reset value; reset when none is.
 */
u64 vmdev_rdev_irq_id_value(struct vmdev_rdev *dev, u32 reg)
{
	const struct vmdev_reg *r = &dev->regs[reg];
	const struct vmdev_reg_irq_id *id = &r->arg.irq_id;
	u64 pending = line_pending(dev, id->line);
	u32 i;

	for (i = 0; i < id->nr_prio; i++) {
		if (pending & (1ULL << id->prio[i]))
			return ((r->reset & ~(u64)id->id_mask) | id->code[i]) &
			       vmdev_rdev_width_mask(r->width);
	}
	return r->reset;
}

/* What the VMM sees of a register, also what selectors and lines test. */
u64 vmdev_rdev_value(struct vmdev_rdev *dev, u32 reg)
{
	const struct vmdev_reg *r = &dev->regs[reg];

	switch (r->type) {
	case VMDEV_REG_FIFO_IN:
	case VMDEV_REG_FIFO_OUT:
		return dev->st[reg].count;
	case VMDEV_REG_COUNTER:
		return vmdev_rdev_counter_now(dev, reg);
	case VMDEV_REG_CONST:
	case VMDEV_REG_TRAP:
		return r->reset;
	case VMDEV_REG_IRQ_ID:
		return vmdev_rdev_irq_id_value(dev, reg);
	default:
		return dev->st[reg].value;
	}
}

/*
 * "Not full" means room for the burst a writer makes after one look at
 * the bit (struct vmdev_reg_fifo's room), "full" the opposite: a
 * one-entry room would let the 8250 driver's 16-byte bursts overrun.
 */
static bool link_holds(const struct vmdev_rdev *dev,
		       const struct vmdev_link *link)
{
	const struct vmdev_reg_fifo *f = &dev->regs[link->src].arg.fifo;
	u32 count = dev->st[link->src].count;
	u32 room = f->room ? f->room : 1;

	switch (link->cond) {
	case VMDEV_LINK_EMPTY:
		return count == 0;
	case VMDEV_LINK_NONEMPTY:
		return count != 0;
	case VMDEV_LINK_NOTFULL:
		return f->depth - count >= room;
	default:
		return f->depth - count < room;
	}
}

/* Links first: lines may depend on the bits they drive. */
void vmdev_rdev_update(struct vmdev_rdev *dev)
{
	u32 level = 0;
	u32 i;

	for (i = 0; i < dev->nr_links; i++) {
		const struct vmdev_link *link = &dev->links[i];
		u64 *dst = &dev->st[link->dst].value;

		if (link_holds(dev, link))
			*dst |= link->mask;
		else
			*dst &= ~link->mask;
	}
	for (i = 0; i < dev->nr_irqs; i++) {
		if (line_pending(dev, i))
			level |= 1U << i;
	}
	dev->irq_level = level;
}

/* The reset state: values, empty FIFOs, counters restarted, no drops. */
void vmdev_rdev_state_reset(struct vmdev_rdev *dev)
{
	u64 now = vmdev_now_ns();
	u32 i;

	for (i = 0; i < dev->nr_regs; i++) {
		struct vmdev_rdev_reg_state *st = &dev->st[i];

		st->value = dev->regs[i].reset;
		st->t0 = now;
		st->overflow = 0;
		st->head = 0;
		st->count = 0;
	}
	vmdev_rdev_update(dev);
}
