/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The virtio-mmio (version 2) transport on a vmdev register device.
 *
 * The register block is libvmdev's virtio-mmio map (<vmdev/devices.h>):
 * MagicValue, Version, DeviceID and VendorID are constants and
 * InterruptStatus/InterruptACK are registers of the device, all answered
 * where the device lives (vmdev.ko in kernel mode: no exit); QueueNotify
 * is a doorbell register bound to one KVM ioeventfd per queue (level 2:
 * no exit) whose rings wake this transport's I/O thread through an
 * eventfd. Everything else traps to virtio_mmio_slow_read/_write():
 * Status and its state machine, feature negotiation, queue setup, the
 * device configuration space. Used-buffer and configuration-change
 * interrupts set InterruptStatus bits; the device's level line follows
 * them to its irqfd.
 *
 * A transport created without a register device (rd NULL: the host
 * tests) keeps InterruptStatus in itself and runs no thread; the caller
 * calls virtio_mmio_notify() where a doorbell would have woken it.
 */
#ifndef VMDEV_VMM_VIRTIO_MMIO_H
#define VMDEV_VMM_VIRTIO_MMIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <vmdev/regdev.h>

#include "virtq.h"

#define VIRTIO_MMIO_MAX_QUEUES	2

struct virtio_mmio;

/* What a device model gives its transport. */
struct virtio_dev_ops {
	uint32_t device_id;		/* VIRTIO_ID_* */
	const char *thread_name;	/* its I/O thread's (NULL: unnamed) */
	uint64_t features;		/* device features; VERSION_1 is added */
	uint16_t nr_queues;		/* 1..VIRTIO_MMIO_MAX_QUEUES */
	uint32_t config_size;		/* bytes of the configuration space */
	/* Copy len bytes of the configuration at off (in range) to data. */
	void (*config_read)(void *dev, uint32_t off, void *data,
			    uint32_t len);
	/*
	 * Process queue q until it is empty; the transport raises the
	 * used-buffer interrupt as the queue asks. 0, or -EIO when the
	 * driver broke the rules (the transport sets NEEDS_RESET).
	 */
	int (*queue_notify)(void *dev, struct virtq *vq, uint16_t q);
	/* The driver reset the device (may be NULL). */
	void (*reset)(void *dev);
};

/* Transport feature bits it implements itself. */
#define VIRTIO_MMIO_TRANSPORT_FEATURES					\
	((1ULL << VIRTIO_RING_F_INDIRECT_DESC) |			\
	 (1ULL << VIRTIO_RING_F_EVENT_IDX))

/*
 * A transport for ops/dev over guest memory mem (borrowed). rd: the
 * register device of the block, or NULL (see above). With rd, an I/O
 * thread starts, woken by an eventfd bound to QueueNotify; the caller
 * binds the doorbells (virtio_mmio_notify_fd()). 0 or -errno.
 */
int virtio_mmio_new(const struct virtio_dev_ops *ops, void *dev,
		    const struct virtio_mem *mem, struct virtio_mmio **out);
/* Attach the register device and start the I/O thread. */
int virtio_mmio_start(struct virtio_mmio *t, struct vmdev_regdev *rd);
/*
 * Stop the I/O thread and unbind its eventfd (nothing if not started).
 * The slow path stays usable: free the register device (which waits for
 * the accesses in flight) before virtio_mmio_free().
 */
void virtio_mmio_stop(struct virtio_mmio *t);
/* virtio_mmio_stop(), then free; NULL is ignored. */
void virtio_mmio_free(struct virtio_mmio *t);

/* The slow path of the register device (vmdev_regdev_opts slow_*). */
int virtio_mmio_slow_read(void *opaque, enum vmdev_space space,
			  uint64_t base, uint64_t offset, void *data,
			  size_t len);
int virtio_mmio_slow_write(void *opaque, enum vmdev_space space,
			   uint64_t base, uint64_t offset, const void *data,
			   size_t len);

/* Process every ready queue (what the I/O thread does when woken). */
void virtio_mmio_notify(struct virtio_mmio *t);
/* The device's configuration changed: new generation, interrupt. */
void virtio_mmio_config_changed(struct virtio_mmio *t);

/* The eventfd the I/O thread waits on (-1 before start). */
int virtio_mmio_notify_fd(const struct virtio_mmio *t);
/* Device status as the driver sees it. */
uint32_t virtio_mmio_status(struct virtio_mmio *t);
/* Features the driver accepted (valid from FEATURES_OK). */
uint64_t virtio_mmio_driver_features(struct virtio_mmio *t);
/* InterruptStatus now (of rd, or the transport's own without rd). */
uint32_t virtio_mmio_int_status(struct virtio_mmio *t);
/* The guest's InterruptACK without rd (host tests). */
void virtio_mmio_int_ack(struct virtio_mmio *t, uint32_t bits);

/*
 * The transport's own state in a snapshot (virtio_mmio_snapshot.c):
 * what the driver negotiated and set up, and where each queue stands.
 * InterruptStatus is the register device's (libvmdev's device blob);
 * int_status here only without one. The device models keep no state of
 * their own between requests (blk, rng).
 */
struct virtio_mmio_queue_state {
	uint64_t desc, avail, used;
	uint16_t num, last_avail, used_idx, signalled;
	uint8_t ready;
	uint8_t zero[7];
};

struct virtio_mmio_state {
	uint32_t device_id, nr_queues;
	uint32_t status, dev_feat_sel, drv_feat_sel, queue_sel;
	uint32_t config_gen, int_status;
	uint64_t driver_features;
	struct virtio_mmio_queue_state q[VIRTIO_MMIO_MAX_QUEUES];
};

/*
 * Save and restore the transport's state (its I/O thread stopped, or
 * not yet woken: the vCPUs paused). Restore checks everything first:
 * -EMEDIUMTYPE (another device or queue count), -EINVAL (features not
 * offered, a queue that does not fit guest memory, nonzero padding);
 * nothing changes on error. Then virtio_mmio_notify() takes what the
 * driver made available meanwhile.
 */
void virtio_mmio_save(struct virtio_mmio *t, struct virtio_mmio_state *s);
int virtio_mmio_restore(struct virtio_mmio *t,
			const struct virtio_mmio_state *s);
/* Requests the driver made available that the device has not taken. */
uint32_t virtio_mmio_pending(struct virtio_mmio *t);

#endif /* VMDEV_VMM_VIRTIO_MMIO_H */
