// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Restoring a register device from its blob. Everything is validated
 * before the device is touched: the header and checksum, every section,
 * the register map's digest against the device's, every register record
 * against its register (type, width, value range, FIFO count against
 * depth), and the state's own consistency (status-link bits and line
 * levels are what the registers imply). The decoded state goes to the
 * caller's scratch buffer; applying it under the lock cannot fail.
 */
#include "snapshot_format.h"

/* The sections of a device blob, located. */
struct dev_secs {
	struct snap_sec map;
	struct snap_sec regs;
	struct snap_sec irq;
};

static int find_secs(const u8 *blob, size_t len, struct dev_secs *s)
{
	size_t pos = VMDEV_SNAP_HDR_SIZE;
	struct snap_sec sec, *slot;
	u32 nr_sec, seen = 0;
	int ret;

	ret = vmdev_snap_check_hdr(blob, len, VMDEV_SNAP_KIND_DEVICE, &nr_sec);
	if (ret)
		return ret;
	memset(s, 0, sizeof(*s));
	while ((ret = vmdev_snap_next_sec(blob, len, &pos, &sec)) > 0) {
		seen++;
		switch (sec.tag) {
		case VMDEV_SNAP_TAG_MAP:
			slot = &s->map;
			break;
		case VMDEV_SNAP_TAG_REGS:
			slot = &s->regs;
			break;
		case VMDEV_SNAP_TAG_IRQ:
			slot = &s->irq;
			break;
		default:
			if (!(sec.flags & VMDEV_SNAP_SEC_F_OPTIONAL))
				return -EPROTONOSUPPORT;
			continue;
		}
		/* Known sections are mandatory, once, and of no device id. */
		if (slot->data || sec.flags || sec.id)
			return -EBADMSG;
		*slot = sec;
	}
	if (ret)
		return ret;
	if (seen != nr_sec || !s->map.data || !s->regs.data || !s->irq.data)
		return -EBADMSG;
	return 0;
}

/* The blob is of this device's map, or -EMEDIUMTYPE. */
static int check_map(const struct vmdev_rdev *dev, const struct snap_sec *map)
{
	const u8 *p = map->data;

	if (map->len != SNAP_MAP_LEN || snap_get(p + 20, 4))
		return -EBADMSG;
	if (snap_get(p, 4) != dev->dev_size ||
	    snap_get(p + 4, 4) != dev->flags ||
	    snap_get(p + 8, 4) != dev->nr_regs ||
	    snap_get(p + 12, 4) != dev->nr_links ||
	    snap_get(p + 16, 4) != dev->nr_irqs ||
	    snap_get(p + 24, 8) != vmdev_snap_map_digest(dev))
		return -EMEDIUMTYPE;
	return 0;
}

/* Is value a state register `r` can hold, as a record carries it? */
static bool value_ok(const struct vmdev_reg *r, u64 value)
{
	if (r->type == VMDEV_REG_COUNTER || vmdev_rdev_type_stateful(r->type))
		return !(value & ~vmdev_rdev_width_mask(r->width));
	return !value;
}

static bool zero_tail(const u8 *p, size_t from, size_t to)
{
	for (; from < to; from++) {
		if (p[from])
			return false;
	}
	return true;
}

/*
 * Decode one record at p (left bytes to the end of REGS) into st; the
 * FIFO entries stay in the blob, st->fifo points at them. Returns the
 * record's size or -EBADMSG.
 */
static long decode_reg(const struct vmdev_reg *r, const u8 *p, size_t left,
		       struct vmdev_rdev_reg_state *st)
{
	bool fifo = vmdev_rdev_type_fifo(r->type);
	size_t used, size;
	u32 count;

	if (left < SNAP_REC_LEN)
		return -EBADMSG;
	count = (u32)snap_get(p + 4, 4);
	st->value = snap_get(p + 8, 8);
	st->overflow = snap_get(p + 16, 8);
	if (snap_get(p, 1) != r->type || snap_get(p + 1, 1) != r->width ||
	    snap_get(p + 2, 2) || !value_ok(r, st->value) ||
	    (st->overflow && r->type != VMDEV_REG_FIFO_IN) ||
	    (count && !fifo) || (fifo && count > r->arg.fifo.depth))
		return -EBADMSG;
	used = SNAP_REC_LEN + (size_t)count * r->width;
	size = snap_align8(used);
	if (size > left || !zero_tail(p, used, size))
		return -EBADMSG;
	/* Non-valued registers keep their reset value, as after create. */
	if (r->type != VMDEV_REG_COUNTER && !vmdev_rdev_type_stateful(r->type))
		st->value = r->reset;
	st->count = count;
	st->head = 0;
	st->fifo = (u8 *)(uintptr_t)(p + SNAP_REC_LEN);
	return (long)size;
}

/*
 * The clock, read once and only for a device with counters (the only
 * registers whose t0 means anything): it can be slow to read (an
 * emulated HPET), and restores of many devices read it for each.
 */
static u64 clock_for(const struct vmdev_rdev *dev, u64 *now, bool *read)
{
	u32 i;

	if (*read)
		return *now;
	*read = true;
	for (i = 0; i < dev->nr_regs; i++) {
		if (dev->regs[i].type == VMDEV_REG_COUNTER) {
			*now = vmdev_now_ns();
			break;
		}
	}
	return *now;
}

/* REGS into scratch[0..nr_regs), exactly filling the section. */
static int decode_regs(const struct vmdev_rdev *dev, const struct snap_sec *sec,
		       struct vmdev_rdev_reg_state *st)
{
	size_t pos = 0;
	u64 now = 0;
	bool read = false;
	u32 i;

	for (i = 0; i < dev->nr_regs; i++) {
		long n = decode_reg(&dev->regs[i], sec->data + pos,
				    sec->len - pos, &st[i]);

		if (n < 0)
			return (int)n;
		st[i].t0 = clock_for(dev, &now, &read);
		st[i].slot = dev->st[i].slot;
		pos += n;
	}
	return pos == sec->len ? 0 : -EBADMSG;
}

/* Lines whose level a counter drives: time-dependent, not compared. */
static u32 clocked_lines(const struct vmdev_rdev *dev)
{
	u32 i, mask = 0;

	for (i = 0; i < dev->nr_irqs; i++) {
		const struct vmdev_irq *irq = &dev->irqs[i];

		if (dev->regs[irq->status_reg].type == VMDEV_REG_COUNTER ||
		    (irq->enable_reg != VMDEV_SEL_NONE &&
		     dev->regs[irq->enable_reg].type == VMDEV_REG_COUNTER))
			mask |= 1U << i;
	}
	return mask;
}

/*
 * A saved state is a fixed point of the device's update (links and lines
 * are recomputed after every change): run the update on a copy of the
 * decoded state and require that it changes no value and yields the
 * recorded line levels. A blob that passes restores to exactly itself.
 */
static int check_consistent(const struct vmdev_rdev *dev,
			    struct vmdev_rdev_reg_state *st,
			    const struct snap_sec *irq)
{
	struct vmdev_rdev_reg_state *trial = st + dev->nr_regs;
	struct vmdev_rdev shadow;
	u32 i, level, skip;

	if (irq->len != SNAP_IRQ_LEN ||
	    snap_get(irq->data, 4) != dev->nr_irqs)
		return -EBADMSG;
	level = (u32)snap_get(irq->data + 4, 4);
	if (dev->nr_irqs < 32 && level >> dev->nr_irqs)
		return -EBADMSG;
	memset(&shadow, 0, sizeof(shadow));
	shadow.nr_regs = dev->nr_regs;
	shadow.nr_links = dev->nr_links;
	shadow.nr_irqs = dev->nr_irqs;
	shadow.regs = dev->regs;
	shadow.links = dev->links;
	shadow.irqs = dev->irqs;
	shadow.st = trial;
	memcpy(trial, st, dev->nr_regs * sizeof(*st));
	vmdev_rdev_update(&shadow);
	for (i = 0; i < dev->nr_regs; i++) {
		if (trial[i].value != st[i].value)
			return -EBADMSG;
	}
	skip = clocked_lines(dev);
	return (shadow.irq_level & ~skip) == (level & ~skip) ? 0 : -EBADMSG;
}

size_t vmdev_rdev_restore_scratch_size(const struct vmdev_rdev *dev)
{
	return 2 * (size_t)dev->nr_regs * sizeof(struct vmdev_rdev_reg_state);
}

size_t vmdev_rdev_restore_scratch_max(void)
{
	return 2 * (size_t)VMDEV_MAX_REGS *
	       sizeof(struct vmdev_rdev_reg_state);
}

int vmdev_rdev_restore_check(const struct vmdev_rdev *dev, const void *blob,
			     size_t len, void *scratch)
{
	struct dev_secs s;
	int ret;

	ret = find_secs(blob, len, &s);
	if (!ret)
		ret = check_map(dev, &s.map);
	if (!ret)
		ret = decode_regs(dev, &s.regs, scratch);
	if (!ret)
		ret = check_consistent(dev, scratch, &s.irq);
	return ret;
}

/* FIFO entries from the blob (little endian) to the ring, from slot 0. */
static void apply_fifo(struct vmdev_rdev *dev, u32 reg,
		       const struct vmdev_rdev_reg_state *src)
{
	const struct vmdev_reg *r = &dev->regs[reg];
	struct vmdev_rdev_reg_state *st = &dev->st[reg];
	u32 i;

	for (i = 0; i < src->count; i++)
		vmdev_rdev_store(st->fifo + (size_t)i * r->width, r->width,
				 snap_get(src->fifo + (size_t)i * r->width,
					  r->width));
}

int vmdev_rdev_restore(struct vmdev_rdev *dev, const void *blob, size_t len,
		       void *scratch, struct vmdev_rdev_events *ev)
{
	const struct vmdev_rdev_reg_state *src = scratch;
	struct vmdev_rdev_op op;
	u64 now = 0;
	bool read = false;
	u32 i;
	int ret;

	vmdev_rdev_events_clear(ev);
	ret = vmdev_rdev_restore_check(dev, blob, len, scratch);
	if (ret)
		return ret;
	vmdev_lock(&dev->lock);
	vmdev_rdev_op_begin(dev, &op);
	for (i = 0; i < dev->nr_regs; i++) {
		struct vmdev_rdev_reg_state *st = &dev->st[i];

		st->value = src[i].value;
		st->t0 = clock_for(dev, &now, &read);
		st->overflow = src[i].overflow;
		st->head = 0;
		st->count = src[i].count;
		apply_fifo(dev, i, &src[i]);
	}
	op.changed = true;
	vmdev_rdev_op_end(dev, &op, ev);
	vmdev_unlock(&dev->lock);
	return 0;
}
