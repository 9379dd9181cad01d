/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * virtio-blk (device ID 2) over a raw image file: VIRTIO_BLK_T_IN, OUT,
 * FLUSH and GET_ID on one request queue. The capacity is the image size
 * in 512-byte sectors (a partial last sector is not exposed). A failing
 * pread/pwrite/fdatasync, a short read past the end of a file that
 * shrank, a request outside the capacity or of a length that is not a
 * whole number of sectors, and a write to a read-only disk complete
 * with VIRTIO_BLK_S_IOERR; another request type with
 * VIRTIO_BLK_S_UNSUPP. A request without a 16-byte header or a status
 * byte is a broken driver: the device then needs a reset.
 */
#ifndef VMDEV_VMM_BLK_H
#define VMDEV_VMM_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "virtio_mmio.h"

struct virtio_blk;

/*
 * Open the image at path (read-write, or read-only with read_only) and
 * make a disk of it. -errno of open()/fstat() (-ENOENT, -EACCES, ...),
 * -EINVAL (NULL argument, not a regular file or block device), -ENOMEM.
 */
int virtio_blk_new(const char *path, bool read_only, struct virtio_blk **out);
/*
 * The same over an open fd, which the disk takes over (closed by
 * virtio_blk_free(), or on failure), of capacity sectors.
 */
int virtio_blk_new_fd(int fd, uint64_t capacity, bool read_only,
		      struct virtio_blk **out);
void virtio_blk_free(struct virtio_blk *b);

/* The device model, for virtio_mmio_new(ops, b, ...). */
const struct virtio_dev_ops *virtio_blk_ops(const struct virtio_blk *b);
uint64_t virtio_blk_capacity(const struct virtio_blk *b);
/* GET_ID's answer: up to 20 bytes, not necessarily NUL-terminated. */
#define VIRTIO_BLK_ID	"vmdev-vmm-blk"

#endif /* VMDEV_VMM_BLK_H */
