// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The virtio-mmio (version 2) register block as a register map: the
 * identification registers are constants, QueueNotify is a doorbell,
 * InterruptStatus/InterruptACK complete in place, Status traps to the
 * VMM, and everything else (features, queue setup, device configuration
 * at 0x100 and up) is a hole that traps, so the VMM's transport sees it.
 */
#include "devmaps.h"

#define REG4(off, typ, fl)						\
	.offset = (off), .width = 4, .type = VMDEV_REG_##typ,		\
	.flags = (fl), .sel_reg = VMDEV_SEL_NONE

static const struct vmdev_reg virtio_mmio_regs[VMDEV_VIRTIO_MMIO_NR_REGS] = {
	[VMDEV_VIRTIO_MMIO_MAGIC] = {
		REG4(0x000, CONST, 0),
		.reset = VMDEV_VIRTIO_MMIO_MAGIC_VALUE,
	},
	[VMDEV_VIRTIO_MMIO_VERSION] = {
		REG4(0x004, CONST, 0), .reset = VMDEV_VIRTIO_MMIO_VERSION_2,
	},
	[VMDEV_VIRTIO_MMIO_DEVICE_ID] = {
		REG4(0x008, CONST, 0), .reset = VMDEV_VIRTIO_ID_BLOCK,
	},
	[VMDEV_VIRTIO_MMIO_VENDOR_ID] = {
		REG4(0x00c, CONST, 0), .reset = VMDEV_VIRTIO_MMIO_VENDOR,
	},
	[VMDEV_VIRTIO_MMIO_QUEUE_NOTIFY] = {
		REG4(0x050, DOORBELL, VMDEV_REG_F_NOREAD),
	},
	[VMDEV_VIRTIO_MMIO_INT_STATUS] = {
		REG4(0x060, RO, VMDEV_REG_F_NOWRITE),
	},
	[VMDEV_VIRTIO_MMIO_INT_ACK] = {
		REG4(0x064, W1C, VMDEV_REG_F_NOREAD),
		.wmask = VMDEV_VIRTIO_MMIO_INT_VRING |
			 VMDEV_VIRTIO_MMIO_INT_CONFIG,
		.arg.target = {
			.target = VMDEV_VIRTIO_MMIO_INT_STATUS,
			.flags = VMDEV_TARGET_F_OTHER,
		},
	},
	[VMDEV_VIRTIO_MMIO_STATUS] = {
		REG4(0x070, TRAP, 0),
	},
	[VMDEV_VIRTIO_MMIO_CONFIG_GEN] = {
		REG4(0x0fc, RO, 0),
	},
};

/* Level: virtio-mmio lines are level-triggered until acknowledged. */
static const struct vmdev_irq virtio_mmio_irq = {
	.status_reg = VMDEV_VIRTIO_MMIO_INT_STATUS,
	.enable_reg = VMDEV_SEL_NONE,
	.flags = VMDEV_IRQ_F_LEVEL,
	.enable_mask = VMDEV_VIRTIO_MMIO_INT_VRING |
		       VMDEV_VIRTIO_MMIO_INT_CONFIG,
};

const struct vmdev_rdev_desc vmdev_virtio_mmio_blk_map = {
	.flags = VMDEV_DEV_F_HOLE_TRAP,
	.dev_size = VMDEV_VIRTIO_MMIO_WINDOW,
	.nr_regs = VMDEV_VIRTIO_MMIO_NR_REGS,
	.nr_irqs = 1,
	.regs = virtio_mmio_regs,
	.irqs = &virtio_mmio_irq,
};

void vmdev_virtio_mmio_map_init(struct vmdev_virtio_mmio_map *map,
				u32 device_id, u32 vendor_id)
{
	memcpy(map->regs, virtio_mmio_regs, sizeof(map->regs));
	map->regs[VMDEV_VIRTIO_MMIO_DEVICE_ID].reset = device_id;
	map->regs[VMDEV_VIRTIO_MMIO_VENDOR_ID].reset = vendor_id;
	map->irq = virtio_mmio_irq;
	map->desc = vmdev_virtio_mmio_blk_map;
	map->desc.regs = map->regs;
	map->desc.irqs = &map->irq;
}
