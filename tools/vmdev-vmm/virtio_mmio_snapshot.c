// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The transport's state to and from a snapshot (virtio_mmio.h). A queue
 * is restored as the driver left it: enabled on the same rings, with the
 * device's place in them (the next available entry to take, the used
 * index, the last one signalled), so that requests the driver made
 * available before the snapshot and the device had not taken are taken
 * after it, and none twice.
 */
#include <errno.h>
#include <string.h>

#include "virtio_mmio_internal.h"

static void save_queue(const struct virtio_mmio *t, uint16_t q,
		       struct virtio_mmio_queue_state *qs)
{
	const struct virtq *vq = &t->vq[q];
	const struct virtq_config *c = vq->ready ? &vq->cfg : &t->qcfg[q];

	qs->desc = c->desc;
	qs->avail = c->avail;
	qs->used = c->used;
	qs->num = c->num;
	qs->ready = vq->ready;
	qs->last_avail = vq->last_avail;
	qs->used_idx = vq->used_idx;
	qs->signalled = vq->signalled;
}

void virtio_mmio_save(struct virtio_mmio *t, struct virtio_mmio_state *s)
{
	uint16_t q;

	memset(s, 0, sizeof(*s));
	pthread_mutex_lock(&t->lock);
	s->device_id = t->ops->device_id;
	s->nr_queues = t->ops->nr_queues;
	s->status = t->status;
	s->dev_feat_sel = t->dev_feat_sel;
	s->drv_feat_sel = t->drv_feat_sel;
	s->queue_sel = t->queue_sel;
	s->config_gen = t->config_gen;
	s->int_status = t->int_status;
	s->driver_features = t->driver_features;
	for (q = 0; q < t->ops->nr_queues; q++)
		save_queue(t, q, &s->q[q]);
	pthread_mutex_unlock(&t->lock);
}

static bool zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* Queue q of s into vq (a scratch copy): 0 or -EINVAL. */
static int load_queue(const struct virtio_mmio *t,
		      const struct virtio_mmio_queue_state *qs,
		      struct virtq *vq, struct virtq_config *c)
{
	uint64_t f = t->driver_features;

	*c = (struct virtq_config){ .num = qs->num, .desc = qs->desc,
				    .avail = qs->avail, .used = qs->used };
	virtq_init(vq, t->mem);
	if (qs->ready > 1 || !zero(qs->zero, sizeof(qs->zero)))
		return -EINVAL;
	if (!qs->ready)
		return qs->last_avail || qs->used_idx ? -EINVAL : 0;
	if (virtq_enable(vq, c, f & (1ULL << VIRTIO_RING_F_EVENT_IDX),
			 f & (1ULL << VIRTIO_RING_F_INDIRECT_DESC)))
		return -EINVAL;
	vq->last_avail = qs->last_avail;
	vq->used_idx = qs->used_idx;
	vq->signalled = qs->signalled;
	return 0;
}

int virtio_mmio_restore(struct virtio_mmio *t,
			const struct virtio_mmio_state *s)
{
	struct virtq vq[VIRTIO_MMIO_MAX_QUEUES];
	struct virtq_config qcfg[VIRTIO_MMIO_MAX_QUEUES];
	uint64_t saved_features;
	int ret = 0;
	uint16_t q;

	if (s->device_id != t->ops->device_id ||
	    s->nr_queues != t->ops->nr_queues)
		return -EMEDIUMTYPE;
	if (s->driver_features & ~vmmio_offered(t))
		return -EINVAL;
	pthread_mutex_lock(&t->lock);
	/* load_queue() reads the features the queues were enabled with. */
	saved_features = t->driver_features;
	t->driver_features = s->driver_features;
	for (q = 0; q < VIRTIO_MMIO_MAX_QUEUES && !ret; q++)
		ret = q < s->nr_queues ?
		      load_queue(t, &s->q[q], &vq[q], &qcfg[q]) :
		      (zero((const void *)&s->q[q], sizeof(s->q[q])) ? 0 :
		       -EINVAL);
	if (ret) {
		t->driver_features = saved_features;
		pthread_mutex_unlock(&t->lock);
		return ret;
	}
	t->status = s->status;
	t->dev_feat_sel = s->dev_feat_sel;
	t->drv_feat_sel = s->drv_feat_sel;
	t->queue_sel = s->queue_sel;
	t->config_gen = s->config_gen;
	t->int_status = s->int_status;
	for (q = 0; q < s->nr_queues; q++) {
		t->vq[q] = vq[q];
		t->qcfg[q] = qcfg[q];
	}
	pthread_mutex_unlock(&t->lock);
	return 0;
}

uint32_t virtio_mmio_pending(struct virtio_mmio *t)
{
	uint32_t n = 0;
	uint16_t q;

	pthread_mutex_lock(&t->lock);
	for (q = 0; q < t->ops->nr_queues; q++)
		if (t->vq[q].ready)
			n += (uint16_t)(__atomic_load_n(&t->vq[q].avail->idx,
							__ATOMIC_ACQUIRE) -
					t->vq[q].last_avail);
	pthread_mutex_unlock(&t->lock);
	return n;
}
