/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * A copy of every range an I/O manager holds, both buses, for the vm's
 * snapshots (libvmdev/vm/snapshot_vm.c): one instant of the manager,
 * with a reference to each range's device so that the devices outlive
 * a commit that removes them while the copy is in use.
 */
#ifndef VMDEV_IO_LAYOUT_H
#define VMDEV_IO_LAYOUT_H

#include <vmdev/io.h>

struct vmdev_io_layout_range {
	enum vmdev_space space;
	uint64_t base;
	uint64_t size;
	struct vmdev_device *dev;	/* a reference */
};

/* The PIO bus by ascending base, then the MMIO bus likewise. */
struct vmdev_io_layout {
	size_t nr;
	struct vmdev_io_layout_range r[];
};

/* 0 and *out, or -ENOMEM. */
int vmdev_io_layout_get(struct vmdev_io_manager *mgr,
			struct vmdev_io_layout **out);
/* Drop the references and free (NULL is ignored). */
void vmdev_io_layout_put(struct vmdev_io_layout *l);

#endif /* VMDEV_IO_LAYOUT_H */
