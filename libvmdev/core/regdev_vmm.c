// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The VMM side of a register device: raw register state and FIFO
 * contents, bypassing the guest behaviours (no clear on read, no pop, no
 * write mask, no doorbell).
 */
#include "regdev_internal.h"

int vmdev_rdev_reg_read(struct vmdev_rdev *dev, u32 reg, u64 *val)
{
	if (reg >= dev->nr_regs)
		return -ENOENT;
	vmdev_lock(&dev->lock);
	*val = vmdev_rdev_value(dev, reg);
	vmdev_unlock(&dev->lock);
	return 0;
}

/* Registers whose value the VMM sets: plain state and counters. */
static bool vmm_writable(u32 type)
{
	return vmdev_rdev_type_stateful(type) || type == VMDEV_REG_COUNTER;
}

int vmdev_rdev_reg_write(struct vmdev_rdev *dev, u32 reg, u64 val,
			 struct vmdev_rdev_events *ev)
{
	const struct vmdev_reg *r;
	struct vmdev_rdev_op op;

	vmdev_rdev_events_clear(ev);
	if (reg >= dev->nr_regs)
		return -ENOENT;
	r = &dev->regs[reg];
	if (!vmm_writable(r->type))
		return -EINVAL;
	vmdev_lock(&dev->lock);
	vmdev_rdev_op_begin(dev, &op);
	if (r->type == VMDEV_REG_COUNTER)
		vmdev_rdev_counter_set(dev, reg, val);
	else
		dev->st[reg].value = val & vmdev_rdev_width_mask(r->width);
	op.changed = true;
	vmdev_rdev_op_end(dev, &op, ev);
	vmdev_unlock(&dev->lock);
	return 0;
}

static int fifo_reg(const struct vmdev_rdev *dev, u32 reg, u32 type,
		    u32 count)
{
	if (reg >= dev->nr_regs)
		return -ENOENT;
	if (dev->regs[reg].type != type || !count)
		return -EINVAL;
	return 0;
}

int vmdev_rdev_fifo_drain(struct vmdev_rdev *dev, u32 reg, void *buf,
			  u32 count, struct vmdev_rdev_events *ev)
{
	struct vmdev_rdev_op op;
	u32 width, n;
	u64 val;
	int err;

	vmdev_rdev_events_clear(ev);
	err = fifo_reg(dev, reg, VMDEV_REG_FIFO_IN, count);
	if (err)
		return err;
	width = dev->regs[reg].width;
	vmdev_lock(&dev->lock);
	vmdev_rdev_op_begin(dev, &op);
	for (n = 0; n < count && vmdev_rdev_fifo_pop(dev, reg, &val); n++)
		vmdev_rdev_store((u8 *)buf + (size_t)n * width, width, val);
	op.changed = n != 0;
	vmdev_rdev_op_end(dev, &op, ev);
	vmdev_unlock(&dev->lock);
	return (int)n;
}

int vmdev_rdev_fifo_fill(struct vmdev_rdev *dev, u32 reg, const void *buf,
			 u32 count, struct vmdev_rdev_events *ev)
{
	struct vmdev_rdev_op op;
	u32 width, n;
	int err;

	vmdev_rdev_events_clear(ev);
	err = fifo_reg(dev, reg, VMDEV_REG_FIFO_OUT, count);
	if (err)
		return err;
	width = dev->regs[reg].width;
	vmdev_lock(&dev->lock);
	vmdev_rdev_op_begin(dev, &op);
	for (n = 0; n < count; n++) {
		const u8 *p = (const u8 *)buf + (size_t)n * width;

		if (!vmdev_rdev_fifo_push(dev, reg, vmdev_rdev_load(p, width)))
			break;
	}
	op.changed = n != 0;
	vmdev_rdev_op_end(dev, &op, ev);
	vmdev_unlock(&dev->lock);
	return (int)n;
}

int vmdev_rdev_fifo_overflow(struct vmdev_rdev *dev, u32 reg, u64 *count)
{
	int err = fifo_reg(dev, reg, VMDEV_REG_FIFO_IN, 1);

	if (err)
		return err;
	vmdev_lock(&dev->lock);
	*count = dev->st[reg].overflow;
	vmdev_unlock(&dev->lock);
	return 0;
}
