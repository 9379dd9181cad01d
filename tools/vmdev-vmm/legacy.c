// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The PC's legacy ports that a booting Linux touches, each a register
 * device whose behaviour is declared, so that in kernel mode vmdev.ko
 * completes its accesses and the VMM never sees them:
 *
 *   0x80         POST codes and I/O delays: a sink (libvmdev's map)
 *   0x60, 0x64   the i8042 (i8042.c)
 *   0x70, 0x71   CMOS/RTC (rtc.c)
 *   0xcf8-0xcff  PCI configuration mechanism #1: all ones, no host bridge
 *   COM2-COM4    absent UARTs: all ones, so the 8250 driver finds none
 *   0x2e, 0x4e   Super I/O configuration ports: all ones, no chip
 *   0x87         DMA page register: all ones, "no legacy DMA" (i8237)
 *
 * The PIC (0x20, 0xa0, 0x4d0), PIT (0x40-0x43) and port 0x61 are KVM's
 * own (KVM_CREATE_IRQCHIP, KVM_CREATE_PIT2) and never leave the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <vmdev/regdev.h>

#include "vmm.h"

/* ---- registering ---------------------------------------------------- */

int vmm_add_regdev(struct vmm *vmm, const char *name, uint16_t port,
		   uint16_t len, const struct vmdev_regdev_opts *o,
		   struct vmdev_regdev **out)
{
	struct vmdev_resource r = {
		.type = VMDEV_RES_PIO, .range = { .base = port, .size = len },
	};
	struct vmdev_regdev_opts opts = *o;
	struct vmdev_resources *res;
	struct vmm_dev *d;
	int ret;

	if (vmm->nr_devs == VMM_MAX_DEVS)
		return -ENOSPC;
	opts.name = name;
	ret = vmdev_resources_new(&res);
	if (!ret)
		ret = vmdev_resources_append(res, &r);
	if (!ret)
		ret = vmdev_regdev_new(vmm->ctx, res, &opts, out);
	vmdev_resources_free(res);
	if (ret) {
		vmm_err("%s at port %#x: %s", name, port, strerror(-ret));
		return ret;
	}
	d = &vmm->devs[vmm->nr_devs++];
	*d = (struct vmm_dev){ .name = name, .rd = *out, .port = port };
	return 0;
}

/*
 * A device of one of libvmdev's kinds (<vmdev/devices.h>): its map, a
 * copy of which vmdev_regdev_new() keeps, and nothing else to set.
 */
int vmm_add_devmap_regdev(struct vmm *vmm, const char *name, uint16_t port,
			  uint16_t len, enum vmdev_devmap_kind kind,
			  struct vmdev_regdev **out)
{
	VMDEV_OPTS(vmdev_regdev_opts, o);
	struct vmdev_devmap *map;
	int ret;

	ret = vmdev_devmap_new(kind, NULL, &map);
	if (!ret)
		ret = vmdev_devmap_apply(map, &o);
	if (!ret)
		ret = vmm_add_regdev(vmm, name, port, len, &o, out);
	else
		vmm_err("%s: device map %d: %s", name, kind, strerror(-ret));
	vmdev_devmap_free(map);
	return ret;
}

void vmm_devs_fini(struct vmm *vmm)
{
	while (vmm->nr_devs)
		vmdev_regdev_free(vmm->devs[--vmm->nr_devs].rd);
}

/* ---- Ports that answer all ones ---------------------------------------- */

/*
 * No register at all and VMDEV_DEV_F_HOLE_ONES: every read is all ones,
 * every write is dropped, in the kernel. For PCI that means "no
 * configuration mechanism": Linux's type 1 check reads 0xcf8 back and
 * its type 2 check reads 0xcf8 and 0xcfa as zero, both fail, and it
 * gives up on PCI after a dozen accesses. A register that echoed 0xcf8
 * would pass the checks and invite a scan of every bus (16,000 accesses
 * on a microvm), each an exit in user mode.
 */
static int ones_init(struct vmm *vmm, const char *name, uint16_t port,
		     uint16_t len)
{
	VMDEV_OPTS(vmdev_regdev_opts, o, .flags = VMDEV_DEV_F_HOLE_ONES,
		   .dev_size = len);
	struct vmdev_regdev *rd;

	return vmm_add_regdev(vmm, name, port, len, &o, &rd);
}

static int port80_init(struct vmm *vmm)
{
	struct vmdev_regdev *rd;

	return vmm_add_devmap_regdev(vmm, "port80", 0x80, VMDEV_PORT80_WINDOW,
				     VMDEV_DEVMAP_PORT80, &rd);
}

int vmm_legacy_init(struct vmm *vmm)
{
	int ret = port80_init(vmm);

	if (!ret)
		ret = vmm_i8042_init(vmm);
	if (!ret)
		ret = vmm_rtc_init(vmm);
	if (!ret)
		ret = ones_init(vmm, "pci-conf", 0xcf8, 8);
	if (!ret)
		ret = ones_init(vmm, "ttyS1-absent", 0x2f8, 8);
	if (!ret)
		ret = ones_init(vmm, "ttyS2-absent", 0x3e8, 8);
	if (!ret)
		ret = ones_init(vmm, "ttyS3-absent", 0x2e8, 8);
	if (!ret)
		ret = ones_init(vmm, "superio-2e", 0x2e, 2);
	if (!ret)
		ret = ones_init(vmm, "superio-4e", 0x4e, 2);
	/* Linux's i8237 driver: DMA page 0 reading 0xff means no DMA. */
	if (!ret)
		ret = ones_init(vmm, "dma-page-87", 0x87, 1);
	return ret;
}
