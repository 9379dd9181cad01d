/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * A resource manager's allocations as plain data, for the vm snapshots
 * (libvmdev/vm/snapshot_res.c writes and reads the blob's section; the
 * format is the core's, which this folder may not use).
 *
 * The manager's allocators search free runs only, and free runs never
 * abut, so the set of allocations is the whole state: a manager of the
 * same configuration holding the same allocations answers every later
 * request as the saved one would have.
 */
#ifndef VMDEV_RES_SNAPSHOT_H
#define VMDEV_RES_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include <vmdev/allocator.h>

/* Kinds of space, in the order an image lists them (MMIO by address). */
#define VMDEV_RES_SP_PIO	1
#define VMDEV_RES_SP_MEM	2
#define VMDEV_RES_SP_LEGACY_IRQ	3
#define VMDEV_RES_SP_MSI	4
#define VMDEV_RES_SP_KVM_SLOT	5
#define VMDEV_RES_SP_MAC	6
#define VMDEV_RES_SP_MMIO	7

struct vmdev_res_span {
	uint64_t first;
	uint64_t last;
};

struct vmdev_res_space {
	uint32_t kind;
	uint32_t nr;		/* allocations */
	uint64_t first;
	uint64_t last;
};

/*
 * Spaces in order, then the allocations of all of them, space by space,
 * each space's by ascending first value. added is apply's record of
 * what it allocated, for undo.
 */
struct vmdev_res_image {
	size_t nr_spaces;
	size_t nr_allocs;
	struct vmdev_res_space *sp;
	struct vmdev_res_span *al;
	uint8_t *added;
};

/* An image with room for that many of each (zeroed), or NULL. */
struct vmdev_res_image *vmdev_res_image_new(size_t nr_spaces,
					    size_t nr_allocs);
void vmdev_res_image_free(struct vmdev_res_image *img);

/* The manager's spaces and allocations at one instant: 0, -ENOMEM. */
int vmdev_res_image_take(struct vmdev_resource_manager *mgr,
			 struct vmdev_res_image **out);

/*
 * Whether img can be put into mgr: 0, -EMEDIUMTYPE (other spaces), or
 * -EBUSY (mgr holds an allocation img does not: a manager holding a
 * subset of img's, none for a fresh one, takes it). Changes nothing.
 */
int vmdev_res_image_check(struct vmdev_resource_manager *mgr,
			  const struct vmdev_res_image *img);

/*
 * Check as above, then allocate what img has and mgr does not, all or
 * none (-ENOMEM changes nothing). undo() takes back what apply added.
 */
int vmdev_res_image_apply(struct vmdev_resource_manager *mgr,
			  struct vmdev_res_image *img);
void vmdev_res_image_undo(struct vmdev_resource_manager *mgr,
			  const struct vmdev_res_image *img);

#endif /* VMDEV_RES_SNAPSHOT_H */
