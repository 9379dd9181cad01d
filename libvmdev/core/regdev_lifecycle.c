// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Register-device lifecycle: create (one allocation holding the map's
 * copy, the state, the lookup index and every FIFO buffer), destroy,
 * reset, and the queries that need no guest semantics.
 */
#include "regdev_internal.h"

/* Where each part of the device sits in its one allocation. */
struct rdev_layout {
	size_t regs;
	size_t links;
	size_t irqs;
	size_t st;
	size_t idx_off;
	size_t idx_reg;
	size_t fifo;
	size_t total;
};

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Bounded by validation: at most 256 FIFOs of 4096 8-byte entries. */
static void rdev_layout(const struct vmdev_rdev_desc *desc,
			struct rdev_layout *lay)
{
	size_t pos = align8(sizeof(struct vmdev_rdev));
	u32 i;

	lay->regs = pos;
	pos = align8(pos + desc->nr_regs * sizeof(struct vmdev_reg));
	lay->links = pos;
	pos = align8(pos + desc->nr_links * sizeof(struct vmdev_link));
	lay->irqs = pos;
	pos = align8(pos + desc->nr_irqs * sizeof(struct vmdev_irq));
	lay->st = pos;
	pos = align8(pos + desc->nr_regs * sizeof(struct vmdev_rdev_reg_state));
	lay->idx_off = pos;
	pos = align8(pos + desc->nr_regs * sizeof(u32));
	lay->idx_reg = pos;
	pos = align8(pos + desc->nr_regs * sizeof(u16));
	lay->fifo = pos;
	for (i = 0; i < desc->nr_regs; i++) {
		const struct vmdev_reg *r = &desc->regs[i];

		if (vmdev_rdev_type_fifo(r->type))
			pos += align8((size_t)r->arg.fifo.depth * r->width);
	}
	lay->total = pos;
}

/*
 * The mapped registers sorted by offset (insertion sort: stable, so
 * registers sharing an offset keep their map order; n <= 256, once).
 */
static void build_index(struct vmdev_rdev *dev, u32 *off, u16 *reg)
{
	u32 i, n = 0;

	for (i = 0; i < dev->nr_regs; i++) {
		const struct vmdev_reg *r = &dev->regs[i];
		u32 j;

		if (r->flags & VMDEV_REG_F_HIDDEN)
			continue;
		for (j = n++; j && off[j - 1] > r->offset; j--) {
			off[j] = off[j - 1];
			reg[j] = reg[j - 1];
		}
		off[j] = r->offset;
		reg[j] = (u16)i;
	}
	dev->nr_index = n;
}

/* FIFO buffers and doorbell slots, both in register order. */
static void assign_state(struct vmdev_rdev *dev, u8 *fifo)
{
	u32 i;
	u8 slot = 0;

	for (i = 0; i < dev->nr_regs; i++) {
		const struct vmdev_reg *r = &dev->regs[i];
		struct vmdev_rdev_reg_state *st = &dev->st[i];

		st->slot = VMDEV_RDEV_NO_SLOT;
		if (r->type == VMDEV_REG_DOORBELL)
			st->slot = slot++;
		if (vmdev_rdev_type_fifo(r->type)) {
			st->fifo = fifo;
			fifo += align8((size_t)r->arg.fifo.depth * r->width);
		}
	}
}

static void *copy_array(u8 *base, size_t pos, const void *src, size_t len)
{
	if (len)
		memcpy(base + pos, src, len);
	return base + pos;
}

int vmdev_rdev_create_with_head(const struct vmdev_rdev_desc *desc,
				size_t head, void **headp,
				struct vmdev_rdev **out)
{
	struct rdev_layout lay;
	struct vmdev_rdev *dev;
	u8 *base;
	int err;

	err = vmdev_rdev_check(desc);
	if (err)
		return err;
	rdev_layout(desc, &lay);
	/* Bounded: the layout is, and so is any head a caller has. */
	head = align8(head);
	base = vmdev_zalloc(head + lay.total);
	if (!base)
		return -ENOMEM;
	if (headp)
		*headp = base;
	base += head;
	dev = (struct vmdev_rdev *)base;
	dev->flags = desc->flags;
	dev->dev_size = desc->dev_size;
	dev->nr_regs = desc->nr_regs;
	dev->nr_links = desc->nr_links;
	dev->nr_irqs = desc->nr_irqs;
	dev->footprint = head + lay.total;
	dev->head = head;
	dev->regs = copy_array(base, lay.regs, desc->regs,
			       desc->nr_regs * sizeof(*desc->regs));
	dev->links = copy_array(base, lay.links, desc->links,
				desc->nr_links * sizeof(*desc->links));
	dev->irqs = copy_array(base, lay.irqs, desc->irqs,
			       desc->nr_irqs * sizeof(*desc->irqs));
	dev->st = (struct vmdev_rdev_reg_state *)(base + lay.st);
	build_index(dev, (u32 *)(base + lay.idx_off),
		    (u16 *)(base + lay.idx_reg));
	dev->idx_off = (const u32 *)(base + lay.idx_off);
	dev->idx_reg = (const u16 *)(base + lay.idx_reg);
	assign_state(dev, base + lay.fifo);
	vmdev_rdev_state_reset(dev);
	vmdev_lock_init(&dev->lock);
	*out = dev;
	return 0;
}

int vmdev_rdev_create(const struct vmdev_rdev_desc *desc,
		      struct vmdev_rdev **out)
{
	return vmdev_rdev_create_with_head(desc, 0, NULL, out);
}

void vmdev_rdev_destroy(struct vmdev_rdev *dev)
{
	if (!dev)
		return;
	vmdev_lock_destroy(&dev->lock);
	vmdev_free((u8 *)dev - dev->head);
}

size_t vmdev_rdev_footprint(const struct vmdev_rdev *dev)
{
	return dev->footprint;
}

void vmdev_rdev_reset(struct vmdev_rdev *dev, struct vmdev_rdev_events *ev)
{
	struct vmdev_rdev_op op;

	vmdev_rdev_events_clear(ev);
	vmdev_lock(&dev->lock);
	vmdev_rdev_op_begin(dev, &op);
	vmdev_rdev_state_reset(dev);
	vmdev_rdev_op_end(dev, &op, ev);
	vmdev_unlock(&dev->lock);
}

bool vmdev_rdev_irq_asserted(struct vmdev_rdev *dev, u32 line)
{
	bool asserted;

	if (line >= dev->nr_irqs)
		return false;
	vmdev_lock(&dev->lock);
	asserted = dev->irq_level & (1U << line);
	vmdev_unlock(&dev->lock);
	return asserted;
}

u32 vmdev_rdev_irq_flags(const struct vmdev_rdev *dev, u32 line)
{
	return line < dev->nr_irqs ? dev->irqs[line].flags : 0;
}

u32 vmdev_rdev_nr_irqs(const struct vmdev_rdev *dev)
{
	return dev->nr_irqs;
}

int vmdev_rdev_doorbell_slot(const struct vmdev_rdev *dev, u32 reg)
{
	if (reg >= dev->nr_regs)
		return -ENOENT;
	if (dev->regs[reg].type != VMDEV_REG_DOORBELL)
		return -EINVAL;
	return dev->st[reg].slot;
}

u32 vmdev_rdev_dev_size(const struct vmdev_rdev *dev)
{
	return dev->dev_size;
}

u32 vmdev_rdev_reg_width(const struct vmdev_rdev *dev, u32 reg)
{
	return reg < dev->nr_regs ? dev->regs[reg].width : 0;
}

const struct vmdev_reg *vmdev_rdev_reg_desc(const struct vmdev_rdev *dev,
					    u32 reg)
{
	return reg < dev->nr_regs ? &dev->regs[reg] : NULL;
}
