/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test guest images embedded by blobs.S. A program names the ones it
 * runs with GUEST_IMAGE_DECLARE(name) at file scope and passes
 * GUEST_IMAGE(name) to minivm_load().
 */
#ifndef VMDEV_TESTS_GUESTS_H
#define VMDEV_TESTS_GUESTS_H

#include <stddef.h>

struct guest_image {
	const void *data;
	size_t size;
};

#define GUEST_IMAGE_DECLARE(name)					\
	extern const unsigned char guest_##name[];			\
	extern const size_t guest_##name##_size

#define GUEST_IMAGE(name)						\
	((struct guest_image){ guest_##name, guest_##name##_size })

#endif /* VMDEV_TESTS_GUESTS_H */
