// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The snapshot format's common parts: header and section headers, the
 * blob checksum and the register map's digest (Documentation/snapshot.rst).
 */
#include "snapshot_format.h"

#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

static u64 fnv_bytes(u64 h, const u8 *p, size_t len)
{
	while (len--) {
		h ^= *p++;
		h *= FNV_PRIME;
	}
	return h;
}

/* A value as its little-endian bytes, so the digest is host-independent. */
static u64 fnv_le(u64 h, u64 v, u32 bytes)
{
	u8 b[8];

	snap_put(b, bytes, v);
	return fnv_bytes(h, b, bytes);
}

u64 vmdev_snap_csum(const u8 *blob, size_t len)
{
	static const u8 zero[8];
	u64 h = FNV_OFFSET;

	h = fnv_bytes(h, blob, SNAP_H_CSUM);
	h = fnv_bytes(h, zero, sizeof(zero));
	return fnv_bytes(h, blob + VMDEV_SNAP_HDR_SIZE,
			 len - VMDEV_SNAP_HDR_SIZE);
}

void vmdev_snap_seal(void *blob, size_t len)
{
	if (len >= VMDEV_SNAP_HDR_SIZE)
		snap_put((u8 *)blob + SNAP_H_CSUM, 8,
			 vmdev_snap_csum(blob, len));
}

/* The type-specific argument, field by field per type. */
static u64 digest_arg(u64 h, const struct vmdev_reg *r)
{
	const struct vmdev_reg_irq_id *id = &r->arg.irq_id;
	u32 i;

	switch (r->type) {
	case VMDEV_REG_FIFO_IN:
	case VMDEV_REG_FIFO_OUT:
		h = fnv_le(h, r->arg.fifo.depth, 4);
		/* Only when set: maps without it digest as they always did. */
		return r->arg.fifo.room ? fnv_le(h, r->arg.fifo.room, 4) : h;
	case VMDEV_REG_COUNTER:
		h = fnv_le(h, r->arg.counter.mult, 4);
		return fnv_le(h, r->arg.counter.shift, 4);
	case VMDEV_REG_W1C:
	case VMDEV_REG_W1S:
		h = fnv_le(h, r->arg.target.target, 4);
		return fnv_le(h, r->arg.target.flags, 4);
	case VMDEV_REG_IRQ_ID:
		h = fnv_le(h, id->line, 4);
		h = fnv_le(h, id->id_mask, 1);
		h = fnv_le(h, id->nr_prio, 1);
		for (i = 0; i < sizeof(id->prio); i++)
			h = fnv_le(h, id->prio[i], 1);
		return fnv_bytes(h, id->code, sizeof(id->code));
	default:
		/* Validation keeps every other type's argument all zero. */
		return h;
	}
}

static u64 digest_reg(u64 h, const struct vmdev_reg *r)
{
	h = fnv_le(h, r->offset, 4);
	h = fnv_le(h, r->width, 1);
	h = fnv_le(h, r->type, 1);
	h = fnv_le(h, r->flags, 2);
	h = fnv_le(h, r->reset, 8);
	h = fnv_le(h, r->wmask, 8);
	h = fnv_le(h, r->sel_reg, 2);
	h = fnv_le(h, r->sel_mask, 4);
	h = fnv_le(h, r->sel_val, 4);
	return digest_arg(h, r);
}

u64 vmdev_snap_map_digest(const struct vmdev_rdev *dev)
{
	u64 h = FNV_OFFSET;
	u32 i;

	h = fnv_le(h, dev->dev_size, 4);
	h = fnv_le(h, dev->flags, 4);
	h = fnv_le(h, dev->nr_regs, 4);
	h = fnv_le(h, dev->nr_links, 4);
	h = fnv_le(h, dev->nr_irqs, 4);
	for (i = 0; i < dev->nr_regs; i++)
		h = digest_reg(h, &dev->regs[i]);
	for (i = 0; i < dev->nr_links; i++) {
		h = fnv_le(h, dev->links[i].src, 2);
		h = fnv_le(h, dev->links[i].dst, 2);
		h = fnv_le(h, dev->links[i].cond, 4);
		h = fnv_le(h, dev->links[i].mask, 8);
	}
	for (i = 0; i < dev->nr_irqs; i++) {
		h = fnv_le(h, dev->irqs[i].status_reg, 2);
		h = fnv_le(h, dev->irqs[i].enable_reg, 2);
		h = fnv_le(h, dev->irqs[i].flags, 4);
		h = fnv_le(h, dev->irqs[i].enable_mask, 8);
	}
	return h;
}

void vmdev_snap_put_hdr(u8 *p, u32 size, u32 kind, u32 nr_sec)
{
	memset(p, 0, VMDEV_SNAP_HDR_SIZE);
	snap_put(p + SNAP_H_MAGIC, 4, VMDEV_SNAP_MAGIC);
	snap_put(p + SNAP_H_VERSION, 2, VMDEV_SNAP_VERSION);
	snap_put(p + SNAP_H_HDR_SIZE, 2, VMDEV_SNAP_HDR_SIZE);
	snap_put(p + SNAP_H_SIZE, 4, size);
	snap_put(p + SNAP_H_KIND, 2, kind);
	snap_put(p + SNAP_H_NR_SEC, 4, nr_sec);
}

void vmdev_snap_put_sec(u8 *p, u32 tag, u32 len, u32 id)
{
	memset(p, 0, VMDEV_SNAP_SEC_SIZE);
	snap_put(p, 2, tag);
	snap_put(p + 4, 4, len);
	snap_put(p + 8, 4, id);
}

/*
 * Magic first (not a blob at all), then the version (a newer format may
 * lay out the rest differently), then sizes and the checksum, so that a
 * corrupted field past them reads as corruption.
 */
int vmdev_snap_check_hdr(const u8 *blob, size_t len, u32 kind, u32 *nr_sec)
{
	if (len < VMDEV_SNAP_HDR_SIZE ||
	    snap_get(blob + SNAP_H_MAGIC, 4) != VMDEV_SNAP_MAGIC)
		return -EBADMSG;
	if (snap_get(blob + SNAP_H_VERSION, 2) != VMDEV_SNAP_VERSION)
		return -EPROTONOSUPPORT;
	if (snap_get(blob + SNAP_H_HDR_SIZE, 2) != VMDEV_SNAP_HDR_SIZE ||
	    snap_get(blob + SNAP_H_SIZE, 4) != len ||
	    snap_get(blob + SNAP_H_CSUM, 8) != vmdev_snap_csum(blob, len))
		return -EBADMSG;
	if (snap_get(blob + SNAP_H_FLAGS, 4))
		return -EPROTONOSUPPORT;
	if (snap_get(blob + SNAP_H_KIND, 2) != kind ||
	    snap_get(blob + SNAP_H_PAD, 2))
		return -EBADMSG;
	*nr_sec = (u32)snap_get(blob + SNAP_H_NR_SEC, 4);
	return 0;
}

static bool zero_bytes(const u8 *p, size_t len)
{
	while (len--) {
		if (*p++)
			return false;
	}
	return true;
}

int vmdev_snap_next_sec(const u8 *blob, size_t len, size_t *pos,
			struct snap_sec *sec)
{
	const u8 *p = blob + *pos;
	size_t left = len - *pos;
	size_t plen;

	if (!left)
		return 0;
	if (left < VMDEV_SNAP_SEC_SIZE)
		return -EBADMSG;
	sec->tag = (u32)snap_get(p, 2);
	sec->flags = (u32)snap_get(p + 2, 2);
	sec->len = (u32)snap_get(p + 4, 4);
	sec->id = (u32)snap_get(p + 8, 4);
	sec->data = p + VMDEV_SNAP_SEC_SIZE;
	if (snap_get(p + 12, 4))
		return -EBADMSG;
	plen = snap_align8(sec->len);
	if (plen > left - VMDEV_SNAP_SEC_SIZE ||
	    !zero_bytes(sec->data + sec->len, plen - sec->len))
		return -EBADMSG;
	if (sec->flags & ~VMDEV_SNAP_SEC_F_OPTIONAL)
		return -EPROTONOSUPPORT;
	*pos += VMDEV_SNAP_SEC_SIZE + plen;
	return 1;
}
