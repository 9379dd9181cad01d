/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Split virtqueues (virtio 1.x, 2.7): the device side of a descriptor
 * table, an available ring and a used ring in guest memory, with
 * indirect descriptors (VIRTIO_RING_F_INDIRECT_DESC) and used/avail
 * event suppression (VIRTIO_RING_F_EVENT_IDX).
 *
 * Every guest address is checked against guest memory before use and
 * every descriptor is copied out of guest memory once before it is
 * looked at, so a guest rewriting its ring under our feet cannot make
 * us read or write outside its RAM. A malformed ring (an index out of
 * range, a chain that loops or is too long, a buffer outside RAM, a
 * readable buffer after a writable one, a bad indirect table) is
 * reported as -EIO: the transport then sets DEVICE_NEEDS_RESET.
 *
 * A queue is used by one thread at a time (the transport's lock).
 */
#ifndef VMDEV_VMM_VIRTQ_H
#define VMDEV_VMM_VIRTQ_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include <linux/virtio_ring.h>

#include "virtio_mem.h"

/* Largest queue a device offers (QueueNumMax). */
#define VIRTQ_MAX_SIZE		256
/* Longest chain, indirect tables included: a longer one is malformed. */
#define VIRTQ_MAX_SEGS		1024

/* The configuration the driver wrote, checked by virtq_enable(). */
struct virtq_config {
	uint16_t num;		/* QueueNum: 1..VIRTQ_MAX_SIZE */
	uint64_t desc;		/* QueueDesc: 16-byte aligned */
	uint64_t avail;		/* QueueDriver: 2-byte aligned */
	uint64_t used;		/* QueueDevice: 4-byte aligned */
};

struct virtq {
	const struct virtio_mem *mem;
	struct virtq_config cfg;
	bool ready;		/* enabled: the pointers below are valid */
	bool event_idx;		/* VIRTIO_RING_F_EVENT_IDX negotiated */
	bool indirect;		/* VIRTIO_RING_F_INDIRECT_DESC negotiated */
	uint16_t last_avail;	/* next available entry to take */
	uint16_t used_idx;	/* our copy of used->idx */
	uint16_t signalled;	/* used_idx at the last should_notify() */
	struct vring_desc *desc;	/* host pointers into guest memory */
	struct vring_avail *avail;
	struct vring_used *used;
};

/* One buffer of a chain: host memory, device-readable or -writable. */
struct virtq_chain {
	uint16_t head;			/* what virtq_push() returns */
	uint32_t nr_out, nr_in;		/* readable, then writable */
	uint64_t out_len, in_len;	/* bytes of each */
	struct iovec out[VIRTQ_MAX_SEGS];
	struct iovec in[VIRTQ_MAX_SEGS];
};

/* A disabled queue over mem (mem is borrowed). */
void virtq_init(struct virtq *vq, const struct virtio_mem *mem);
/*
 * Check cfg (size, alignment, rings inside guest memory) and start the
 * queue from index 0. -EINVAL (nothing changed) for a bad cfg.
 */
int virtq_enable(struct virtq *vq, const struct virtq_config *cfg,
		 bool event_idx, bool indirect);
/* Back to disabled; the configuration is forgotten. */
void virtq_reset(struct virtq *vq);

/*
 * Take the next available chain into *c: 1 when one was taken, 0 when
 * the ring is empty, -EIO for a malformed ring or chain (nothing more
 * can be trusted of this queue), -EINVAL when the queue is not ready.
 */
int virtq_pop(struct virtq *vq, struct virtq_chain *c);
/* Return chain head to the driver with len bytes written into it. */
void virtq_push(struct virtq *vq, uint16_t head, uint32_t len);
/*
 * Whether the driver wants a used-buffer notification now for what was
 * pushed since the last time this returned true (event index or the
 * NO_INTERRUPT flag).
 */
bool virtq_should_notify(struct virtq *vq);
/*
 * With EVENT_IDX: ask to be notified at the next available entry, then
 * recheck. True when entries arrived meanwhile (pop again).
 */
bool virtq_arm(struct virtq *vq);

/*
 * Copy len bytes starting off bytes into an iovec array into dst: the
 * bytes copied (short when the array is). And the reverse.
 */
size_t virtq_iov_read(const struct iovec *iov, uint32_t n, uint64_t off,
		      void *dst, size_t len);
size_t virtq_iov_write(const struct iovec *iov, uint32_t n, uint64_t off,
		       const void *src, size_t len);

#endif /* VMDEV_VMM_VIRTQ_H */
