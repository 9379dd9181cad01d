// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The guest side of a register device: find the register an access
 * selects (binary search over the offset index, then direction and
 * selector), decide whether the access fits it, and apply the register's
 * read or write behaviour. Accesses that select nothing or misfit are
 * holes, with the device's hole policy.
 */
#include "regdev_internal.h"

static bool selected(struct vmdev_rdev *dev, const struct vmdev_reg *r)
{
	if (r->sel_reg == VMDEV_SEL_NONE)
		return true;
	return (vmdev_rdev_value(dev, r->sel_reg) & r->sel_mask) == r->sel_val;
}

/*
 * The register holding byte `off` for this direction, or -1. Registers
 * are naturally aligned and at most 8 bytes wide, so any register
 * holding `off` starts in [off & ~7, off]; validation guarantees at most
 * one of them is selected for a direction at any time.
 */
static int find_reg(struct vmdev_rdev *dev, u32 off, bool write)
{
	u16 skip = write ? VMDEV_REG_F_NOWRITE : VMDEV_REG_F_NOREAD;
	u32 key = off & ~7U;
	u32 lo = 0, hi = dev->nr_index;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (dev->idx_off[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < dev->nr_index && dev->idx_off[lo] <= off; lo++) {
		u32 i = dev->idx_reg[lo];
		const struct vmdev_reg *r = &dev->regs[i];

		if (off - r->offset >= r->width || (r->flags & skip) ||
		    !selected(dev, r))
			continue;
		return i;
	}
	return -1;
}

/* Exactly the register, or a narrower aligned part of a PARTIAL one. */
static bool fits(const struct vmdev_reg *r, u32 off, u32 len)
{
	if (off == r->offset && len == r->width)
		return true;
	return (r->flags & VMDEV_REG_F_PARTIAL) && len < r->width &&
	       !(off % len) && off + len <= r->offset + r->width;
}

static int hole(const struct vmdev_rdev *dev, u32 len, bool write, u64 *data)
{
	if (dev->flags & VMDEV_DEV_F_HOLE_TRAP)
		return VMDEV_RDEV_SLOW;
	if (!write)
		*data = dev->flags & VMDEV_DEV_F_HOLE_ONES ?
			vmdev_rdev_width_mask(len) : 0;
	return 0;
}

/* A full-width guest read, with its side effects. */
static u64 read_reg(struct vmdev_rdev *dev, u32 idx, struct vmdev_rdev_op *op)
{
	const struct vmdev_reg *r = &dev->regs[idx];
	struct vmdev_rdev_reg_state *st = &dev->st[idx];
	u64 val;

	switch (r->type) {
	case VMDEV_REG_COR:
		val = st->value;
		st->value = 0;
		op->changed |= val != 0;
		return val;
	case VMDEV_REG_FIFO_OUT:
		if (!vmdev_rdev_fifo_pop(dev, idx, &val))
			return r->reset;
		op->changed = true;
		return val;
	case VMDEV_REG_CONST:
	case VMDEV_REG_FIFO_IN:
		return r->reset;
	case VMDEV_REG_COUNTER:
		return vmdev_rdev_counter_now(dev, idx);
	case VMDEV_REG_IRQ_ID:
		return vmdev_rdev_irq_id_value(dev, idx);
	default:
		return st->value;
	}
}

/* W1C / W1S: the bits written as 1 (and writable) change the target. */
static void write_bits(struct vmdev_rdev *dev, u32 idx, u64 bits,
		       struct vmdev_rdev_op *op)
{
	const struct vmdev_reg *r = &dev->regs[idx];
	u32 t = r->arg.target.flags == VMDEV_TARGET_F_OTHER ?
		r->arg.target.target : idx;
	u64 *val = &dev->st[t].value;

	bits &= vmdev_rdev_width_mask(dev->regs[t].width);
	if (r->type == VMDEV_REG_W1C)
		*val &= ~bits;
	else
		*val |= bits;
	op->changed = true;
}

/*
 * A guest write of `data` to the bytes `bytes` of the register (both
 * already shifted to the register's bit positions).
 */
static void write_reg(struct vmdev_rdev *dev, u32 idx, u64 data, u64 bytes,
		      struct vmdev_rdev_op *op)
{
	const struct vmdev_reg *r = &dev->regs[idx];
	struct vmdev_rdev_reg_state *st = &dev->st[idx];
	u64 wm = r->wmask & bytes;

	switch (r->type) {
	case VMDEV_REG_RW:
		st->value = (st->value & ~wm) | (data & wm);
		break;
	case VMDEV_REG_W1C:
	case VMDEV_REG_W1S:
		write_bits(dev, idx, data & wm, op);
		return;
	case VMDEV_REG_FIFO_IN:
		if (!vmdev_rdev_fifo_push(dev, idx, data)) {
			st->overflow++;
			return;
		}
		break;
	case VMDEV_REG_DOORBELL:
		st->value = (st->value & ~bytes) | data;
		op->doorbells |= 1U << st->slot;
		break;
	case VMDEV_REG_COUNTER:
		if (!wm)
			return;
		vmdev_rdev_counter_set(dev, idx,
				       (vmdev_rdev_counter_now(dev, idx) & ~wm) |
				       (data & wm));
		break;
	default:
		return;		/* RO, CONST, COR, FIFO_OUT, IRQ_ID */
	}
	op->changed = true;
}

static int dispatch(struct vmdev_rdev *dev, u64 offset, u32 len, bool write,
		    u64 *data, struct vmdev_rdev_op *op)
{
	const struct vmdev_reg *r;
	u64 lenmask = vmdev_rdev_width_mask(len);
	u32 off, shift;
	int idx;

	if (offset >= dev->dev_size || len > dev->dev_size - offset)
		return hole(dev, len, write, data);
	off = (u32)offset;
	idx = find_reg(dev, off, write);
	if (idx < 0)
		return hole(dev, len, write, data);
	r = &dev->regs[idx];
	if (!fits(r, off, len))
		return hole(dev, len, write, data);
	if (r->type == VMDEV_REG_TRAP)
		return VMDEV_RDEV_SLOW;
	shift = 8 * (off - r->offset);
	if (write)
		write_reg(dev, idx, (*data & lenmask) << shift,
			  lenmask << shift, op);
	else
		*data = (read_reg(dev, idx, op) >> shift) & lenmask;
	return 0;
}

VMDEV_HOT int vmdev_rdev_access(struct vmdev_rdev *dev, u64 offset, u32 len,
				bool write, u64 *data,
				struct vmdev_rdev_events *ev)
{
	struct vmdev_rdev_op op;
	int ret;

	vmdev_rdev_events_clear(ev);
	if (!len || len > 8)
		return -EINVAL;
	vmdev_lock(&dev->lock);
	vmdev_rdev_op_begin(dev, &op);
	ret = dispatch(dev, offset, len, write, data, &op);
	vmdev_rdev_op_end(dev, &op, ev);
	vmdev_unlock(&dev->lock);
	return ret;
}
