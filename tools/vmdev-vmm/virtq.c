// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Split virtqueues, the device side. The rings are guest memory the
 * driver writes concurrently: indices are read with acquire semantics
 * and published with release semantics (the driver's own barriers pair
 * with them), each descriptor is copied once and only the copy is
 * trusted, and every address is bounds-checked (virtio_mem_ptr()).
 * Virtio 1.x rings are little-endian, as is every host this builds on.
 */
#include <errno.h>
#include <string.h>

#include "virtq.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "virtio 1.x rings are little-endian");

void virtq_init(struct virtq *vq, const struct virtio_mem *mem)
{
	memset(vq, 0, sizeof(*vq));
	vq->mem = mem;
}

void virtq_reset(struct virtq *vq)
{
	virtq_init(vq, vq->mem);
}

int virtq_enable(struct virtq *vq, const struct virtq_config *cfg,
		 bool event_idx, bool indirect)
{
	uint64_t n = cfg->num;
	void *desc, *avail, *used;

	if (!n || n > VIRTQ_MAX_SIZE || (n & (n - 1)))
		return -EINVAL;
	if (cfg->desc % 16 || cfg->avail % 2 || cfg->used % 4)
		return -EINVAL;
	/* Sizes with the event words, whether or not they are used. */
	desc = virtio_mem_ptr(vq->mem, cfg->desc, 16 * n);
	avail = virtio_mem_ptr(vq->mem, cfg->avail, 6 + 2 * n);
	used = virtio_mem_ptr(vq->mem, cfg->used, 6 + 8 * n);
	if (!desc || !avail || !used)
		return -EINVAL;
	virtq_reset(vq);
	vq->cfg = *cfg;
	vq->desc = desc;
	vq->avail = avail;
	vq->used = used;
	vq->event_idx = event_idx;
	vq->indirect = indirect;
	vq->ready = true;
	return 0;
}

static uint16_t vq_load_acquire(const uint16_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static uint16_t vq_load(const uint16_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* The avail_event word sits after the used ring, used_event after avail. */
static uint16_t *vq_used_event(struct virtq *vq)
{
	return &vq->avail->ring[vq->cfg.num];
}

static uint16_t *vq_avail_event(struct virtq *vq)
{
	return (uint16_t *)&vq->used->ring[vq->cfg.num];
}

/* Where a chain is being walked: the ring's table or an indirect one. */
struct vq_walk {
	const struct vring_desc *table;
	uint32_t size;		/* descriptors in table */
	uint32_t steps;		/* taken in table: more than size is a loop */
	bool indirect;
};

static int vq_add_seg(struct virtq_chain *c, const struct vring_desc *d,
		      void *ptr)
{
	if (c->nr_out + c->nr_in >= VIRTQ_MAX_SEGS)
		return -EIO;
	if (d->flags & VRING_DESC_F_WRITE) {
		c->in[c->nr_in++] = (struct iovec){ ptr, d->len };
		c->in_len += d->len;
		return 0;
	}
	/* Readable buffers come first (2.7.4.2). */
	if (c->nr_in)
		return -EIO;
	c->out[c->nr_out++] = (struct iovec){ ptr, d->len };
	c->out_len += d->len;
	return 0;
}

/* Switch the walk to the indirect table d describes. */
static int vq_enter_indirect(struct virtq *vq, struct vq_walk *w,
			     const struct vring_desc *d)
{
	/* No nesting, no NEXT beside INDIRECT (2.7.5.3.1). */
	if (!vq->indirect || w->indirect || (d->flags & VRING_DESC_F_NEXT))
		return -EIO;
	if (!d->len || d->len % sizeof(struct vring_desc) ||
	    d->len / sizeof(struct vring_desc) > VIRTQ_MAX_SEGS)
		return -EIO;
	w->table = virtio_mem_ptr(vq->mem, d->addr, d->len);
	if (!w->table)
		return -EIO;
	w->size = d->len / sizeof(struct vring_desc);
	w->steps = 0;
	w->indirect = true;
	return 0;
}

static int vq_walk_chain(struct virtq *vq, uint16_t head,
			 struct virtq_chain *c)
{
	struct vq_walk w = { .table = vq->desc, .size = vq->cfg.num };
	struct vring_desc d;
	uint32_t idx = head;
	void *ptr;
	int ret;

	c->head = head;
	c->nr_out = c->nr_in = 0;
	c->out_len = c->in_len = 0;
	for (;;) {
		if (idx >= w.size || ++w.steps > w.size)
			return -EIO;	/* out of the table, or a loop */
		memcpy(&d, &w.table[idx], sizeof(d));
		if (d.flags & VRING_DESC_F_INDIRECT) {
			ret = vq_enter_indirect(vq, &w, &d);
			if (ret)
				return ret;
			idx = 0;
			continue;
		}
		ptr = virtio_mem_ptr(vq->mem, d.addr, d.len);
		if (!ptr)
			return -EIO;
		ret = vq_add_seg(c, &d, ptr);
		if (ret)
			return ret;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 0;
		idx = d.next;
	}
}

int virtq_pop(struct virtq *vq, struct virtq_chain *c)
{
	uint16_t avail_idx, head;

	if (!vq->ready)
		return -EINVAL;
	avail_idx = vq_load_acquire(&vq->avail->idx);
	if (avail_idx == vq->last_avail)
		return 0;
	/* More entries than the ring holds: the index is garbage. */
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->cfg.num)
		return -EIO;
	head = vq_load(&vq->avail->ring[vq->last_avail & (vq->cfg.num - 1)]);
	if (head >= vq->cfg.num)
		return -EIO;
	vq->last_avail++;
	return vq_walk_chain(vq, head, c) ? -EIO : 1;
}

void virtq_push(struct virtq *vq, uint16_t head, uint32_t len)
{
	struct vring_used_elem *e;

	e = &vq->used->ring[vq->used_idx & (vq->cfg.num - 1)];
	__atomic_store_n(&e->id, head, __ATOMIC_RELAXED);
	__atomic_store_n(&e->len, len, __ATOMIC_RELAXED);
	vq->used_idx++;
	/* The element is visible before the index that publishes it. */
	__atomic_store_n(&vq->used->idx, vq->used_idx, __ATOMIC_RELEASE);
}

bool virtq_should_notify(struct virtq *vq)
{
	uint16_t old = vq->signalled, now = vq->used_idx;
	bool notify;

	if (!vq->ready || old == now)
		return false;	/* nothing pushed since the last decision */
	/* Our used->idx store before the driver's suppression words. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vq->event_idx)
		notify = vring_need_event(vq_load(vq_used_event(vq)), now, old);
	else
		notify = !(vq_load(&vq->avail->flags) &
			   VRING_AVAIL_F_NO_INTERRUPT);
	vq->signalled = now;
	return notify;
}

bool virtq_arm(struct virtq *vq)
{
	if (!vq->ready)
		return false;
	if (vq->event_idx)
		__atomic_store_n(vq_avail_event(vq), vq->last_avail,
				 __ATOMIC_RELAXED);
	/* Publish avail_event before looking at avail->idx again. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return vq_load_acquire(&vq->avail->idx) != vq->last_avail;
}

static size_t vq_iov_copy(const struct iovec *iov, uint32_t n, uint64_t off,
			  void *buf, size_t len, bool to_iov)
{
	size_t done = 0, chunk;
	uint32_t i;

	for (i = 0; i < n && done < len; i++) {
		if (off >= iov[i].iov_len) {
			off -= iov[i].iov_len;
			continue;
		}
		chunk = iov[i].iov_len - off;
		if (chunk > len - done)
			chunk = len - done;
		if (to_iov)
			memcpy((uint8_t *)iov[i].iov_base + off,
			       (const uint8_t *)buf + done, chunk);
		else
			memcpy((uint8_t *)buf + done,
			       (const uint8_t *)iov[i].iov_base + off, chunk);
		done += chunk;
		off = 0;
	}
	return done;
}

size_t virtq_iov_read(const struct iovec *iov, uint32_t n, uint64_t off,
		      void *dst, size_t len)
{
	return vq_iov_copy(iov, n, off, dst, len, false);
}

size_t virtq_iov_write(const struct iovec *iov, uint32_t n, uint64_t off,
		       const void *src, size_t len)
{
	return vq_iov_copy(iov, n, off, (void *)src, len, true);
}
