// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The virtio-mmio v2 registers that trap to the VMM (see virtio_mmio.h)
 * and the virtio 1.x device status machine (3.1.1 of the spec):
 * ACKNOWLEDGE, DRIVER, feature negotiation closed by FEATURES_OK (which
 * the device refuses without VIRTIO_F_VERSION_1 or with a feature it
 * never offered), queue setup, DRIVER_OK; 0 resets the device.
 *
 * Registers are 32 bits wide: another width reads 0 and writes nothing,
 * except in the configuration space, which takes 1, 2, 4 and 8 bytes.
 * The identification registers are answered here too, for the accesses
 * the register device leaves to the slow path (a narrow read) and for
 * the host tests' transport without a register device.
 */
#include <errno.h>
#include <string.h>

#include "virtio_mmio_internal.h"

static bool vmmio_queue_ok(const struct virtio_mmio *t)
{
	return t->queue_sel < t->ops->nr_queues;
}

/* Queue setup registers: only before the queue is enabled. */
static struct virtq_config *vmmio_qcfg(struct virtio_mmio *t)
{
	if (!vmmio_queue_ok(t) || t->vq[t->queue_sel].ready)
		return NULL;
	return &t->qcfg[t->queue_sel];
}

static void vmmio_set_half(uint64_t *v, uint32_t off, uint32_t val)
{
	if (off & 4)
		*v = (*v & 0xffffffffULL) | (uint64_t)val << 32;
	else
		*v = (*v & ~0xffffffffULL) | val;
}

static uint32_t vmmio_half(uint64_t v, uint32_t sel)
{
	return sel == 0 ? (uint32_t)v : sel == 1 ? (uint32_t)(v >> 32) : 0;
}

static uint32_t vmmio_reg_read(struct virtio_mmio *t, uint64_t off)
{
	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VMDEV_VIRTIO_MMIO_MAGIC_VALUE;
	case VIRTIO_MMIO_VERSION:
		return VMDEV_VIRTIO_MMIO_VERSION_2;
	case VIRTIO_MMIO_DEVICE_ID:
		return t->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VMDEV_VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return vmmio_half(vmmio_offered(t), t->dev_feat_sel);
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return vmmio_queue_ok(t) ? VIRTQ_MAX_SIZE : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return vmmio_queue_ok(t) && t->vq[t->queue_sel].ready;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return virtio_mmio_int_status(t);
	case VIRTIO_MMIO_STATUS:
		return t->status;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
		return ~0U;	/* no shared memory region */
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return t->config_gen;
	default:
		return 0;
	}
}

/* FEATURES_OK is kept only for a subset of the offer with VERSION_1. */
static bool vmmio_features_ok(const struct virtio_mmio *t)
{
	return (t->driver_features & (1ULL << VIRTIO_F_VERSION_1)) &&
	       !(t->driver_features & ~vmmio_offered(t));
}

static void vmmio_status_write(struct virtio_mmio *t, uint32_t v)
{
	uint32_t old = t->status;

	if (!v) {
		vmmio_reset(t);
		return;
	}
	/* A driver never clears a bit but by writing 0 (3.1.1). */
	if ((v & old) != (old & ~VIRTIO_CONFIG_S_NEEDS_RESET))
		return;
	if ((v & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !(old & VIRTIO_CONFIG_S_FEATURES_OK) && !vmmio_features_ok(t))
		v &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	if (!(v & VIRTIO_CONFIG_S_FEATURES_OK))
		v &= ~VIRTIO_CONFIG_S_DRIVER_OK;
	t->status = v | (old & VIRTIO_CONFIG_S_NEEDS_RESET);
	/* Buffers made available before DRIVER_OK are taken now. */
	if ((t->status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(old & VIRTIO_CONFIG_S_DRIVER_OK))
		vmmio_process(t);
}

static void vmmio_queue_ready(struct virtio_mmio *t, uint32_t v)
{
	struct virtq *vq;
	uint64_t f = t->driver_features;

	if (!vmmio_queue_ok(t))
		return;
	vq = &t->vq[t->queue_sel];
	if (!v) {
		virtq_reset(vq);
		return;
	}
	if (vq->ready || !(t->status & VIRTIO_CONFIG_S_FEATURES_OK))
		return;
	if (virtq_enable(vq, &t->qcfg[t->queue_sel],
			 f & (1ULL << VIRTIO_RING_F_EVENT_IDX),
			 f & (1ULL << VIRTIO_RING_F_INDIRECT_DESC)))
		vmmio_device_error(t);
}

static void vmmio_driver_features(struct virtio_mmio *t, uint32_t v)
{
	/* Negotiation is open between DRIVER and FEATURES_OK. */
	if (!(t->status & VIRTIO_CONFIG_S_DRIVER) ||
	    (t->status & VIRTIO_CONFIG_S_FEATURES_OK) || t->drv_feat_sel > 1)
		return;
	vmmio_set_half(&t->driver_features, t->drv_feat_sel * 4, v);
}

static void vmmio_queue_addr(struct virtio_mmio *t, uint64_t off, uint32_t v)
{
	struct virtq_config *c = vmmio_qcfg(t);
	uint64_t *a;

	if (!c)
		return;
	if (off < VIRTIO_MMIO_QUEUE_AVAIL_LOW)
		a = &c->desc;
	else if (off < VIRTIO_MMIO_QUEUE_USED_LOW)
		a = &c->avail;
	else
		a = &c->used;
	vmmio_set_half(a, off, v);
}

static void vmmio_reg_write(struct virtio_mmio *t, uint64_t off, uint32_t v)
{
	struct virtq_config *c;

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		t->dev_feat_sel = v;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		vmmio_driver_features(t, v);
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		t->drv_feat_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		t->queue_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
		c = vmmio_qcfg(t);
		if (c)
			c->num = v > VIRTQ_MAX_SIZE ? 0 : v;
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		vmmio_queue_ready(t, v);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		vmmio_process(t);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		if (!t->rd)
			t->int_status &= ~v;
		break;
	case VIRTIO_MMIO_STATUS:
		vmmio_status_write(t, v);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW ... VIRTIO_MMIO_QUEUE_USED_HIGH:
		if (!(off & 8))		/* 0x88, 0x98: holes */
			vmmio_queue_addr(t, off, v);
		break;
	default:
		break;			/* read-only or nothing there */
	}
}

static bool vmmio_in_config(const struct virtio_mmio *t, uint64_t off,
			    size_t len)
{
	return off >= VIRTIO_MMIO_CONFIG &&
	       off - VIRTIO_MMIO_CONFIG + len <= t->ops->config_size &&
	       (len == 1 || len == 2 || len == 4 || len == 8);
}

int virtio_mmio_slow_read(void *opaque, enum vmdev_space space,
			  uint64_t base, uint64_t offset, void *data,
			  size_t len)
{
	struct virtio_mmio *t = opaque;
	uint32_t v;

	(void)space;
	(void)base;
	memset(data, 0, len);
	pthread_mutex_lock(&t->lock);
	if (vmmio_in_config(t, offset, len)) {
		t->ops->config_read(t->dev, offset - VIRTIO_MMIO_CONFIG,
				    data, len);
	} else if (len == 4 && !(offset & 3)) {
		v = vmmio_reg_read(t, offset);
		memcpy(data, &v, 4);
	}
	pthread_mutex_unlock(&t->lock);
	return 0;
}

int virtio_mmio_slow_write(void *opaque, enum vmdev_space space,
			   uint64_t base, uint64_t offset, const void *data,
			   size_t len)
{
	struct virtio_mmio *t = opaque;
	uint32_t v;

	(void)space;
	(void)base;
	/* The configuration space of our devices is read-only. */
	if (len != 4 || (offset & 3) || offset >= VIRTIO_MMIO_CONFIG)
		return 0;
	memcpy(&v, data, 4);
	pthread_mutex_lock(&t->lock);
	vmmio_reg_write(t, offset, v);
	pthread_mutex_unlock(&t->lock);
	return 0;
}
