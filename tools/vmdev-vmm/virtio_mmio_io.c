// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The transport's life and its I/O side: the I/O thread that the
 * QueueNotify doorbell's eventfd wakes, queue processing, interrupts
 * (InterruptStatus bits of the register device, whose level line goes
 * to its irqfd), device errors and reset.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "virtio_mmio_internal.h"

/*
 * Set InterruptStatus bits. The read and the write are two calls: a
 * guest acknowledging in between may see a bit again, which costs it
 * one spurious interrupt (virtio drivers tolerate them); no bit is ever
 * lost, since the register only ever gains bits here.
 */
void vmmio_raise(struct virtio_mmio *t, uint32_t bits)
{
	uint64_t v = 0;

	if (!t->rd) {
		t->int_status |= bits;
		return;
	}
	if (vmdev_regdev_reg_read(t->rd, VMDEV_VIRTIO_MMIO_INT_STATUS, &v))
		return;
	vmdev_regdev_reg_write(t->rd, VMDEV_VIRTIO_MMIO_INT_STATUS,
			       v | bits);
}

/*
 * The driver broke the rules: DEVICE_NEEDS_RESET, queues stopped until
 * the driver resets the device, and a configuration change interrupt if
 * the driver is live to see it (4.2.2.1, 2.1.2).
 */
void vmmio_device_error(struct virtio_mmio *t)
{
	uint32_t i;

	for (i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
		virtq_reset(&t->vq[i]);
	if (t->status & VIRTIO_CONFIG_S_NEEDS_RESET)
		return;
	t->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	if (t->status & VIRTIO_CONFIG_S_DRIVER_OK)
		vmmio_raise(t, VIRTIO_MMIO_INT_CONFIG);
}

void vmmio_process(struct virtio_mmio *t)
{
	uint32_t need = 0;
	uint16_t q;

	if ((t->status & (VIRTIO_CONFIG_S_DRIVER_OK |
			  VIRTIO_CONFIG_S_NEEDS_RESET)) !=
	    VIRTIO_CONFIG_S_DRIVER_OK)
		return;
	for (q = 0; q < t->ops->nr_queues; q++) {
		if (!t->vq[q].ready)
			continue;
		if (t->ops->queue_notify(t->dev, &t->vq[q], q)) {
			vmmio_device_error(t);
			return;
		}
		if (virtq_should_notify(&t->vq[q]))
			need = VIRTIO_MMIO_INT_VRING;
	}
	if (need)
		vmmio_raise(t, need);
}

void vmmio_reset(struct virtio_mmio *t)
{
	uint32_t i;

	for (i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++) {
		virtq_reset(&t->vq[i]);
		memset(&t->qcfg[i], 0, sizeof(t->qcfg[i]));
	}
	t->status = 0;
	t->dev_feat_sel = t->drv_feat_sel = t->queue_sel = 0;
	t->driver_features = 0;
	t->int_status = 0;
	if (t->rd)
		vmdev_regdev_reg_write(t->rd, VMDEV_VIRTIO_MMIO_INT_STATUS, 0);
	if (t->ops->reset)
		t->ops->reset(t->dev);
}

int virtio_mmio_new(const struct virtio_dev_ops *ops, void *dev,
		    const struct virtio_mem *mem, struct virtio_mmio **out)
{
	struct virtio_mmio *t;
	uint32_t i;

	if (!ops || !mem || !out || !ops->nr_queues ||
	    ops->nr_queues > VIRTIO_MMIO_MAX_QUEUES || !ops->queue_notify ||
	    (ops->config_size && !ops->config_read) ||
	    ops->config_size > VMDEV_VIRTIO_MMIO_WINDOW - VIRTIO_MMIO_CONFIG)
		return -EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	pthread_mutex_init(&t->lock, NULL);
	t->ops = ops;
	t->dev = dev;
	t->mem = mem;
	t->notify_fd = t->stop_fd = -1;
	for (i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
		virtq_init(&t->vq[i], mem);
	*out = t;
	return 0;
}

static void *vmmio_thread(void *arg)
{
	struct virtio_mmio *t = arg;
	struct pollfd p[2] = {
		{ .fd = t->notify_fd, .events = POLLIN },
		{ .fd = t->stop_fd, .events = POLLIN },
	};
	eventfd_t n;

	if (t->ops->thread_name)
		pthread_setname_np(pthread_self(), t->ops->thread_name);
	for (;;) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		/* Several rings may have coalesced: one pass takes all. */
		eventfd_read(t->notify_fd, &n);
		virtio_mmio_notify(t);
	}
	return NULL;
}

int virtio_mmio_start(struct virtio_mmio *t, struct vmdev_regdev *rd)
{
	int ret;

	if (!t || !rd || t->running)
		return -EINVAL;
	t->notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	t->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (t->notify_fd < 0 || t->stop_fd < 0) {
		ret = -errno;
		goto fail;
	}
	ret = vmdev_regdev_notify_bind(rd, VMDEV_VIRTIO_MMIO_QUEUE_NOTIFY,
				       t->notify_fd);
	if (ret)
		goto fail;
	pthread_mutex_lock(&t->lock);
	t->rd = rd;
	pthread_mutex_unlock(&t->lock);
	ret = -pthread_create(&t->thread, NULL, vmmio_thread, t);
	if (ret) {
		vmdev_regdev_notify_unbind(rd, VMDEV_VIRTIO_MMIO_QUEUE_NOTIFY);
		t->rd = NULL;
		goto fail;
	}
	t->running = true;
	return 0;
fail:
	if (t->notify_fd >= 0)
		close(t->notify_fd);
	if (t->stop_fd >= 0)
		close(t->stop_fd);
	t->notify_fd = t->stop_fd = -1;
	return ret;
}

void virtio_mmio_stop(struct virtio_mmio *t)
{
	if (!t || !t->running)
		return;
	eventfd_write(t->stop_fd, 1);
	pthread_join(t->thread, NULL);
	vmdev_regdev_notify_unbind(t->rd, VMDEV_VIRTIO_MMIO_QUEUE_NOTIFY);
	close(t->notify_fd);
	close(t->stop_fd);
	t->notify_fd = t->stop_fd = -1;
	t->running = false;
}

void virtio_mmio_free(struct virtio_mmio *t)
{
	if (!t)
		return;
	virtio_mmio_stop(t);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

void virtio_mmio_notify(struct virtio_mmio *t)
{
	pthread_mutex_lock(&t->lock);
	vmmio_process(t);
	pthread_mutex_unlock(&t->lock);
}

void virtio_mmio_config_changed(struct virtio_mmio *t)
{
	pthread_mutex_lock(&t->lock);
	t->config_gen++;
	if (t->rd)
		vmdev_regdev_reg_write(t->rd, VMDEV_VIRTIO_MMIO_CONFIG_GEN,
				       t->config_gen);
	if (t->status & VIRTIO_CONFIG_S_DRIVER_OK)
		vmmio_raise(t, VIRTIO_MMIO_INT_CONFIG);
	pthread_mutex_unlock(&t->lock);
}

int virtio_mmio_notify_fd(const struct virtio_mmio *t)
{
	return t->notify_fd;
}

uint32_t virtio_mmio_status(struct virtio_mmio *t)
{
	uint32_t v;

	pthread_mutex_lock(&t->lock);
	v = t->status;
	pthread_mutex_unlock(&t->lock);
	return v;
}

uint64_t virtio_mmio_driver_features(struct virtio_mmio *t)
{
	uint64_t v;

	pthread_mutex_lock(&t->lock);
	v = t->driver_features;
	pthread_mutex_unlock(&t->lock);
	return v;
}

/* Called with or without the lock: it reads, never changes, state. */
uint32_t virtio_mmio_int_status(struct virtio_mmio *t)
{
	uint64_t v = 0;

	if (!t->rd)
		return __atomic_load_n(&t->int_status, __ATOMIC_RELAXED);
	vmdev_regdev_reg_read(t->rd, VMDEV_VIRTIO_MMIO_INT_STATUS, &v);
	return (uint32_t)v;
}

void virtio_mmio_int_ack(struct virtio_mmio *t, uint32_t bits)
{
	pthread_mutex_lock(&t->lock);
	t->int_status &= ~bits;
	pthread_mutex_unlock(&t->lock);
}
