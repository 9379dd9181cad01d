/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The register-device core's private layout and the helpers its source
 * files share. Nothing outside libvmdev/core includes this.
 */
#ifndef VMDEV_CORE_REGDEV_INTERNAL_H
#define VMDEV_CORE_REGDEV_INTERNAL_H

#include "regdev.h"

/* vmdev_rdev_reg_state.slot of a register that is not a doorbell. */
#define VMDEV_RDEV_NO_SLOT	0xffU

/* The run-time state of one register. */
struct vmdev_rdev_reg_state {
	u64 value;	/* stateful types: the value; COUNTER: count at t0 */
	u64 t0;		/* COUNTER: when the count was `value`, in ns */
	u64 overflow;	/* FIFO_IN: entries dropped while full */
	u8 *fifo;	/* FIFO_*: depth entries of the register's width */
	u32 head;	/* FIFO_*: entry read next */
	u32 count;	/* FIFO_*: entries queued */
	u8 slot;	/* DOORBELL: slot in events.doorbells (constant) */
};

/*
 * One device. Everything lives in the one allocation made by create:
 * this struct, then the map's copy, the state, the lookup index and the
 * FIFO buffers. Only the lock-protected fields change after create.
 */
struct vmdev_rdev {
	struct vmdev_lock lock;
	u32 flags;		/* VMDEV_DEV_F_* */
	u32 dev_size;
	u32 nr_regs;
	u32 nr_links;
	u32 nr_irqs;
	u32 nr_index;		/* mapped (non-hidden) registers */
	size_t footprint;	/* bytes allocated, the head's included */
	size_t head;		/* the caller's bytes in front of this */
	const struct vmdev_reg *regs;
	const struct vmdev_link *links;
	const struct vmdev_irq *irqs;
	/* Mapped registers sorted by offset, for the binary search. */
	const u32 *idx_off;
	const u16 *idx_reg;
	/* Protected by lock. */
	struct vmdev_rdev_reg_state *st;
	u32 irq_level;		/* lines asserted as of the last update */
};

/* Events gathered under the lock, handed out when the operation ends. */
struct vmdev_rdev_op {
	u32 irq_before;
	u32 doorbells;
	bool changed;		/* state changed: links and lines to update */
};

static inline u64 vmdev_rdev_width_mask(u32 width)
{
	return width >= 8 ? ~0ULL : (1ULL << (8 * width)) - 1;
}

/* Types whose state is a plain value (W1C/W1S and link targets). */
static inline bool vmdev_rdev_type_stateful(u32 type)
{
	switch (type) {
	case VMDEV_REG_RO:
	case VMDEV_REG_RW:
	case VMDEV_REG_W1C:
	case VMDEV_REG_W1S:
	case VMDEV_REG_COR:
	case VMDEV_REG_DOORBELL:
		return true;
	default:
		return false;
	}
}

static inline bool vmdev_rdev_type_fifo(u32 type)
{
	return type == VMDEV_REG_FIFO_IN || type == VMDEV_REG_FIFO_OUT;
}

/* regdev_state.c: register state primitives, all under dev->lock. */
u64 vmdev_rdev_value(struct vmdev_rdev *dev, u32 reg);
u64 vmdev_rdev_counter_now(struct vmdev_rdev *dev, u32 reg);
void vmdev_rdev_counter_set(struct vmdev_rdev *dev, u32 reg, u64 count);
bool vmdev_rdev_fifo_push(struct vmdev_rdev *dev, u32 reg, u64 val);
bool vmdev_rdev_fifo_pop(struct vmdev_rdev *dev, u32 reg, u64 *val);
u64 vmdev_rdev_irq_id_value(struct vmdev_rdev *dev, u32 reg);
void vmdev_rdev_state_reset(struct vmdev_rdev *dev);
void vmdev_rdev_update(struct vmdev_rdev *dev);

/*
 * Start and finish an operation on a locked device: end updates links and
 * lines if the state changed and reports the events. A failing operation
 * skips end, leaving the events cleared at entry. Inline, as they run on
 * every guest access: level 3 completes an access inside KVM's exit
 * handling, where each call and return the path takes is a measurable
 * share of the access (Documentation/fast-path.rst, "What level 3
 * costs").
 */
static inline void vmdev_rdev_op_begin(struct vmdev_rdev *dev,
				       struct vmdev_rdev_op *op)
{
	op->irq_before = dev->irq_level;
	op->doorbells = 0;
	op->changed = false;
}

static inline void vmdev_rdev_op_end(struct vmdev_rdev *dev,
				     const struct vmdev_rdev_op *op,
				     struct vmdev_rdev_events *ev)
{
	/* No links and no lines: the update would find nothing to do. */
	if (op->changed && (dev->nr_links || dev->nr_irqs))
		vmdev_rdev_update(dev);
	if (!ev)
		return;
	ev->irq_level = dev->irq_level;
	ev->irq_rose = dev->irq_level & ~op->irq_before;
	ev->irq_fell = op->irq_before & ~dev->irq_level;
	ev->doorbells = op->doorbells;
}

static inline void vmdev_rdev_events_clear(struct vmdev_rdev_events *ev)
{
	if (ev)
		memset(ev, 0, sizeof(*ev));
}

/* Values of width 1, 2, 4 or 8 bytes, in native byte order. */
u64 vmdev_rdev_load(const void *p, u32 width);
void vmdev_rdev_store(void *p, u32 width, u64 val);

#endif /* VMDEV_CORE_REGDEV_INTERNAL_H */
