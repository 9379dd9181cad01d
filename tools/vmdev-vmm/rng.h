/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * virtio-rng (device ID 4, virtio 1.x 5.4): one request queue whose
 * device-writable buffers are filled with getrandom() entropy. Readable
 * buffers in a chain are skipped; a chain without a writable buffer
 * comes back with 0 bytes.
 */
#ifndef VMDEV_VMM_RNG_H
#define VMDEV_VMM_RNG_H

#include "virtio_mmio.h"

struct virtio_rng;

/* -EINVAL (NULL out), -ENOMEM. */
int virtio_rng_new(struct virtio_rng **out);
void virtio_rng_free(struct virtio_rng *r);
/* The device model, for virtio_mmio_new(ops, r, ...). */
const struct virtio_dev_ops *virtio_rng_ops(const struct virtio_rng *r);

#endif /* VMDEV_VMM_RNG_H */
