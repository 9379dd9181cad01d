/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Guest memory as the virtio devices see it: one host mapping of the
 * guest's RAM, guest physical address 0 at host pointer host, size bytes
 * long. Every address a guest hands a device (rings, descriptors,
 * buffers) goes through virtio_mem_ptr(), which refuses anything that
 * does not lie entirely inside it: a guest can make a device fail, never
 * make the VMM touch memory that is not guest RAM.
 */
#ifndef VMDEV_VMM_VIRTIO_MEM_H
#define VMDEV_VMM_VIRTIO_MEM_H

#include <stddef.h>
#include <stdint.h>

struct virtio_mem {
	void *host;		/* where guest physical address 0 is mapped */
	uint64_t size;		/* bytes of guest RAM from address 0 */
};

/*
 * The host address of the len bytes at guest address gpa, or NULL when
 * any of them is outside guest memory (the sum cannot overflow: both
 * terms are checked against size first). len 0 is valid up to size.
 */
static inline void *virtio_mem_ptr(const struct virtio_mem *mem, uint64_t gpa,
				   uint64_t len)
{
	if (gpa > mem->size || len > mem->size - gpa)
		return NULL;
	return (uint8_t *)mem->host + gpa;
}

#endif /* VMDEV_VMM_VIRTIO_MEM_H */
