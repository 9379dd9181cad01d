/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The transport's state, shared by virtio_mmio.c and virtio_mmio_io.c. */
#ifndef VMDEV_VMM_VIRTIO_MMIO_INTERNAL_H
#define VMDEV_VMM_VIRTIO_MMIO_INTERNAL_H

#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <vmdev/devices.h>

#include "virtio_mmio.h"

struct virtio_mmio {
	/*
	 * Serializes the slow path (vCPU threads) against the I/O thread:
	 * a reset never runs while a queue is being processed.
	 */
	pthread_mutex_t lock;
	const struct virtio_dev_ops *ops;
	void *dev;
	const struct virtio_mem *mem;
	struct vmdev_regdev *rd;	/* NULL: host tests */
	uint32_t status;
	uint32_t dev_feat_sel;
	uint32_t drv_feat_sel;
	uint64_t driver_features;
	uint32_t queue_sel;
	uint32_t config_gen;
	uint32_t int_status;		/* without rd only */
	struct virtq_config qcfg[VIRTIO_MMIO_MAX_QUEUES];
	struct virtq vq[VIRTIO_MMIO_MAX_QUEUES];
	int notify_fd;			/* QueueNotify rings */
	int stop_fd;			/* tells the I/O thread to end */
	pthread_t thread;
	bool running;
};

/* Offered features: the device's, VERSION_1 and the ring features. */
static inline uint64_t vmmio_offered(const struct virtio_mmio *t)
{
	return t->ops->features | (1ULL << VIRTIO_F_VERSION_1) |
	       VIRTIO_MMIO_TRANSPORT_FEATURES;
}

/* Under t->lock. */
void vmmio_raise(struct virtio_mmio *t, uint32_t bits);
void vmmio_device_error(struct virtio_mmio *t);
void vmmio_process(struct virtio_mmio *t);
void vmmio_reset(struct virtio_mmio *t);

#endif /* VMDEV_VMM_VIRTIO_MMIO_INTERNAL_H */
