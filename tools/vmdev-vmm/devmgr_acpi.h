/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The device manager's devices described for ACPI: a DSDT whose \_SB
 * scope holds one "LNRO0005" device (the ID Linux's virtio_mmio driver
 * matches) per virtio-mmio device, with its window and its interrupt
 * (level, active high: the register device's line) in _CRS.
 *
 * Why: Debian's kernels are built without
 * CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES, so they ignore the
 * virtio_mmio.device= entries of devmgr_cmdline(); without a device
 * tree, ACPI is how they find virtio-mmio devices. The rest of the ACPI
 * tables (RSDP, XSDT, FADT pointing to this DSDT, MADT) are the VMM's
 * (Documentation/virtio.rst, "Discovery").
 */
#ifndef VMDEV_VMM_DEVMGR_ACPI_H
#define VMDEV_VMM_DEVMGR_ACPI_H

#include <stddef.h>

#include "devmgr.h"

/*
 * The whole DSDT (header, checksum, AML), like snprintf(): its length,
 * of which only what fits in len bytes of buf is stored (a table that
 * does not fit entirely is of no use: check the length). -EINVAL (NULL
 * dm, or NULL buf with len > 0), -ENOMEM.
 */
int devmgr_dsdt(const struct devmgr *dm, void *buf, size_t len);

#endif /* VMDEV_VMM_DEVMGR_ACPI_H */
