/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Register maps of real devices for the register-device core: an
 * 8250/16550 UART, a virtio-mmio (version 2) register block and a
 * port-0x80 style sink. Each is a ready vmdev_rdev_desc to hand to
 * vmdev_rdev_create() or, field by field, to VMDEV_CREATE_DEVICE, with
 * an enum of its register indices for the VMM side (reg_read/reg_write,
 * FIFO drain/fill). Documentation/register-devices.rst, "Device maps",
 * describes what a guest driver sees of each.
 *
 * Userspace only: the kernel never needs a built-in map.
 */
#ifndef VMDEV_DEVICES_DEVMAPS_H
#define VMDEV_DEVICES_DEVMAPS_H

#include "regdev.h"

#include <vmdev/devices.h>

/* The register indices and constants are in <vmdev/devices.h>. */

extern const struct vmdev_rdev_desc vmdev_uart16550_map;

/* A virtio-mmio block device (device ID 2, vendor "VMDV"). */
extern const struct vmdev_rdev_desc vmdev_virtio_mmio_blk_map;

/*
 * The same register block for any other device and vendor ID. The
 * descriptor points into the struct itself: keep it where
 * vmdev_virtio_mmio_map_init() filled it for as long as desc is used.
 */
struct vmdev_virtio_mmio_map {
	struct vmdev_reg regs[VMDEV_VIRTIO_MMIO_NR_REGS];
	struct vmdev_irq irq;
	struct vmdev_rdev_desc desc;
};

void vmdev_virtio_mmio_map_init(struct vmdev_virtio_mmio_map *map,
				u32 device_id, u32 vendor_id);

extern const struct vmdev_rdev_desc vmdev_port80_map;

#endif /* VMDEV_DEVICES_DEVMAPS_H */
