// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* virtio-rng: see rng.h. */
#include <errno.h>
#include <linux/virtio_ids.h>
#include <stdlib.h>
#include <sys/random.h>

#include "rng.h"

struct virtio_rng {
	struct virtio_dev_ops ops;
	struct virtq_chain chain;
};

/* Fill len bytes; getrandom() may return less than asked. 0 or -EIO. */
static int rng_fill(void *buf, size_t len)
{
	ssize_t r;

	while (len) {
		r = getrandom(buf, len, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -EIO;
		buf = (uint8_t *)buf + r;
		len -= r;
	}
	return 0;
}

static int rng_queue_notify(void *dev, struct virtq *vq, uint16_t q)
{
	struct virtio_rng *rng = dev;
	struct virtq_chain *c = &rng->chain;
	uint32_t i, written;
	int r;

	(void)q;
	do {
		while ((r = virtq_pop(vq, c)) > 0) {
			written = 0;
			for (i = 0; i < c->nr_in; i++) {
				/* No entropy: give the buffer back empty. */
				if (rng_fill(c->in[i].iov_base,
					     c->in[i].iov_len))
					break;
				written += c->in[i].iov_len;
			}
			virtq_push(vq, c->head, written);
		}
		if (r < 0)
			return -EIO;
	} while (virtq_arm(vq));
	return 0;
}

int virtio_rng_new(struct virtio_rng **out)
{
	struct virtio_rng *r;

	if (!out)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->ops = (struct virtio_dev_ops){
		.device_id = VIRTIO_ID_RNG,
		.thread_name = "virtio-rng",
		.nr_queues = 1,
		.queue_notify = rng_queue_notify,
	};
	*out = r;
	return 0;
}

void virtio_rng_free(struct virtio_rng *r)
{
	free(r);
}

const struct virtio_dev_ops *virtio_rng_ops(const struct virtio_rng *r)
{
	return &r->ops;
}
