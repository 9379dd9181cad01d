// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Saving register devices: one device's blob (MAP, REGS and IRQ
 * sections), and context blobs made of device blobs. The device's state
 * is read in one critical section of its lock, so a blob is one instant
 * of the device for every path that changes it (guest accesses, the
 * VMM's calls, doorbells, interrupt lines).
 */
#include "snapshot_format.h"

/* The bytes a register's record takes with `count` FIFO entries. */
static size_t rec_size(const struct vmdev_reg *r, u32 count)
{
	return SNAP_REC_LEN + snap_align8((size_t)count * r->width);
}

static size_t regs_max(const struct vmdev_rdev *dev)
{
	size_t n = 0;
	u32 i;

	for (i = 0; i < dev->nr_regs; i++) {
		const struct vmdev_reg *r = &dev->regs[i];

		n += rec_size(r, vmdev_rdev_type_fifo(r->type) ?
				 r->arg.fifo.depth : 0);
	}
	return n;
}

size_t vmdev_rdev_save_size(const struct vmdev_rdev *dev)
{
	return VMDEV_SNAP_HDR_SIZE + 3 * VMDEV_SNAP_SEC_SIZE + SNAP_MAP_LEN +
	       regs_max(dev) + SNAP_IRQ_LEN;
}

static u8 *put_map(const struct vmdev_rdev *dev, u8 *p)
{
	vmdev_snap_put_sec(p, VMDEV_SNAP_TAG_MAP, SNAP_MAP_LEN, 0);
	p += VMDEV_SNAP_SEC_SIZE;
	memset(p, 0, SNAP_MAP_LEN);
	snap_put(p, 4, dev->dev_size);
	snap_put(p + 4, 4, dev->flags);
	snap_put(p + 8, 4, dev->nr_regs);
	snap_put(p + 12, 4, dev->nr_links);
	snap_put(p + 16, 4, dev->nr_irqs);
	snap_put(p + 24, 8, vmdev_snap_map_digest(dev));
	return p + SNAP_MAP_LEN;
}

/*
 * The value a register's record carries: stateful registers their value,
 * counters their count now (the clock base is this host's; a restore
 * restarts the count from here), the others nothing (derived or fixed).
 */
static u64 rec_value(struct vmdev_rdev *dev, u32 reg)
{
	u32 type = dev->regs[reg].type;

	if (type == VMDEV_REG_COUNTER)
		return vmdev_rdev_counter_now(dev, reg);
	return vmdev_rdev_type_stateful(type) ? dev->st[reg].value : 0;
}

/* One register: record header, then its FIFO entries oldest first. */
static u8 *put_reg(struct vmdev_rdev *dev, u32 reg, u8 *p)
{
	const struct vmdev_reg *r = &dev->regs[reg];
	const struct vmdev_rdev_reg_state *st = &dev->st[reg];
	u32 count = vmdev_rdev_type_fifo(r->type) ? st->count : 0;
	size_t size = rec_size(r, count);
	u32 i, at = st->head;

	memset(p, 0, size);
	snap_put(p, 1, r->type);
	snap_put(p + 1, 1, r->width);
	snap_put(p + 4, 4, count);
	snap_put(p + 8, 8, rec_value(dev, reg));
	if (r->type == VMDEV_REG_FIFO_IN)
		snap_put(p + 16, 8, st->overflow);
	for (i = 0; i < count; i++) {
		snap_put(p + SNAP_REC_LEN + (size_t)i * r->width, r->width,
			 vmdev_rdev_load(st->fifo + (size_t)at * r->width,
					 r->width));
		if (++at == r->arg.fifo.depth)
			at = 0;
	}
	return p + size;
}

/* REGS and IRQ under the device lock; returns the end of IRQ. */
static u8 *put_state(struct vmdev_rdev *dev, u8 *p)
{
	u8 *sec = p;
	u32 i;

	p += VMDEV_SNAP_SEC_SIZE;
	for (i = 0; i < dev->nr_regs; i++)
		p = put_reg(dev, i, p);
	vmdev_snap_put_sec(sec, VMDEV_SNAP_TAG_REGS,
			   (u32)(p - sec - VMDEV_SNAP_SEC_SIZE), 0);
	vmdev_snap_put_sec(p, VMDEV_SNAP_TAG_IRQ, SNAP_IRQ_LEN, 0);
	p += VMDEV_SNAP_SEC_SIZE;
	snap_put(p, 4, dev->nr_irqs);
	snap_put(p + 4, 4, dev->irq_level);
	return p + SNAP_IRQ_LEN;
}

long vmdev_rdev_save(struct vmdev_rdev *dev, void *buf, size_t len)
{
	u8 *start = buf, *p;
	size_t size;

	if (len < vmdev_rdev_save_size(dev))
		return -ENOSPC;
	p = put_map(dev, start + VMDEV_SNAP_HDR_SIZE);
	vmdev_lock(&dev->lock);
	p = put_state(dev, p);
	vmdev_unlock(&dev->lock);
	size = p - start;
	vmdev_snap_put_hdr(start, (u32)size, VMDEV_SNAP_KIND_DEVICE, 3);
	vmdev_snap_seal(start, size);
	return (long)size;
}

long vmdev_snap_ctx_add(void *buf, size_t len, size_t pos, u32 id,
			struct vmdev_rdev *dev)
{
	u8 *p = (u8 *)buf + pos;
	long n;

	if (pos > len || len - pos < VMDEV_SNAP_SEC_SIZE)
		return -ENOSPC;
	n = vmdev_rdev_save(dev, p + VMDEV_SNAP_SEC_SIZE,
			    len - pos - VMDEV_SNAP_SEC_SIZE);
	if (n < 0)
		return n;
	vmdev_snap_ctx_sec(p, id, (u32)n);
	return (long)(pos + VMDEV_SNAP_SEC_SIZE + n);
}

/* Device blobs are multiples of 8 bytes: no padding to add. */
void vmdev_snap_ctx_sec(void *p, u32 id, u32 dev_len)
{
	vmdev_snap_put_sec(p, VMDEV_SNAP_TAG_DEVICE, dev_len, id);
}

void vmdev_snap_ctx_finish(void *buf, size_t pos, u32 nr)
{
	vmdev_snap_put_hdr(buf, (u32)pos, VMDEV_SNAP_KIND_CONTEXT, nr);
	vmdev_snap_seal(buf, pos);
}

/*
 * Sections must be DEVICE sections (a context has no optional parts yet:
 * an unknown one is skipped if marked optional) with ids strictly
 * ascending, so a device cannot appear twice.
 */
int vmdev_snap_ctx_check(const void *blob, size_t len, u32 *nr)
{
	size_t pos = VMDEV_SNAP_HDR_SIZE;
	struct snap_sec sec;
	u32 nr_sec, seen = 0, n = 0;
	u64 last = 0;
	int ret;

	ret = vmdev_snap_check_hdr(blob, len, VMDEV_SNAP_KIND_CONTEXT, &nr_sec);
	if (ret)
		return ret;
	while ((ret = vmdev_snap_next_sec(blob, len, &pos, &sec)) > 0) {
		seen++;
		if (sec.tag != VMDEV_SNAP_TAG_DEVICE) {
			if (!(sec.flags & VMDEV_SNAP_SEC_F_OPTIONAL))
				return -EPROTONOSUPPORT;
			continue;
		}
		if (sec.flags || (u64)sec.id + 1 <= last)
			return -EBADMSG;
		last = (u64)sec.id + 1;
		n++;
	}
	if (ret)
		return ret;
	if (seen != nr_sec)
		return -EBADMSG;
	*nr = n;
	return 0;
}

int vmdev_snap_ctx_next(const void *blob, size_t len, size_t *pos, u32 *id,
			const void **dev_blob, size_t *dev_len)
{
	struct snap_sec sec;
	int ret;

	while ((ret = vmdev_snap_next_sec(blob, len, pos, &sec)) > 0) {
		if (sec.tag != VMDEV_SNAP_TAG_DEVICE)
			continue;
		*id = sec.id;
		*dev_blob = sec.data;
		*dev_len = sec.len;
		return 1;
	}
	return ret;
}

void vmdev_snap_sec_put(void *p, u32 tag, u32 len, u32 id)
{
	vmdev_snap_put_sec(p, tag, len, id);
}

int vmdev_snap_ctx_hdr(const void *blob, size_t len, u32 *nr_sec)
{
	return vmdev_snap_check_hdr(blob, len, VMDEV_SNAP_KIND_CONTEXT, nr_sec);
}

int vmdev_snap_sec_next(const void *blob, size_t len, size_t *pos,
			struct vmdev_snap_sec *sec)
{
	struct snap_sec s;
	int ret = vmdev_snap_next_sec(blob, len, pos, &s);

	if (ret > 0)
		*sec = (struct vmdev_snap_sec){ .tag = s.tag, .flags = s.flags,
						.len = s.len, .id = s.id,
						.data = s.data };
	return ret;
}
