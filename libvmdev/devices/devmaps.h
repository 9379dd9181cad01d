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

/* ---- 8250/16550A UART: 8-byte window, one edge-triggered line ----- */

enum vmdev_uart16550_reg {
	VMDEV_UART_RBR,		/* 0, DLAB=0, read: receive FIFO (VMM fills) */
	VMDEV_UART_THR,		/* 0, DLAB=0, write: transmit FIFO (VMM drains) */
	VMDEV_UART_DLL,		/* 0, DLAB=1: divisor latch low */
	VMDEV_UART_IER,		/* 1, DLAB=0: interrupt enable */
	VMDEV_UART_DLM,		/* 1, DLAB=1: divisor latch high */
	VMDEV_UART_IIR,		/* 2, read: interrupt identification */
	VMDEV_UART_FCR,		/* 2, write: FIFO control */
	VMDEV_UART_LCR,		/* 3: line control (bit 7: DLAB) */
	VMDEV_UART_MCR,		/* 4: modem control */
	VMDEV_UART_LSR,		/* 5: line status */
	VMDEV_UART_MSR,		/* 6: modem status */
	VMDEV_UART_SCR,		/* 7: scratch */
	VMDEV_UART_INTR,	/* hidden: interrupt sources, as IER bits */
	VMDEV_UART_NR_REGS
};

#define VMDEV_UART_WINDOW	8
#define VMDEV_UART_FIFO_DEPTH	1024	/* entries of RBR and of THR */
#define VMDEV_UART_IRQ		0	/* the device's only line */

#define VMDEV_UART_LCR_DLAB	0x80
#define VMDEV_UART_IER_RDI	0x01	/* received data available */
#define VMDEV_UART_IER_THRI	0x02	/* transmit holding register empty */
#define VMDEV_UART_IER_RLSI	0x04	/* receiver line status */
#define VMDEV_UART_IER_MSI	0x08	/* modem status */
#define VMDEV_UART_LSR_DR	0x01	/* data ready */
#define VMDEV_UART_LSR_THRE	0x20	/* THR empty: room to write */
#define VMDEV_UART_LSR_TEMT	0x40	/* transmitter empty */
#define VMDEV_UART_IIR_NO_INT	0x01	/* no interrupt pending */
#define VMDEV_UART_IIR_ID	0x0f	/* interrupt id bits */
#define VMDEV_UART_IIR_MSI	0x00	/* modem status */
#define VMDEV_UART_IIR_THRI	0x02	/* THR empty */
#define VMDEV_UART_IIR_RDI	0x04	/* received data available */
#define VMDEV_UART_IIR_RLSI	0x06	/* receiver line status */
#define VMDEV_UART_IIR_FIFO	0xc0	/* FIFOs enabled */

extern const struct vmdev_rdev_desc vmdev_uart16550_map;

/* ---- virtio-mmio version 2: 0x200 window, holes trap, level line --- */

enum vmdev_virtio_mmio_reg {
	VMDEV_VIRTIO_MMIO_MAGIC,	/* 0x000 "virt" */
	VMDEV_VIRTIO_MMIO_VERSION,	/* 0x004 2 */
	VMDEV_VIRTIO_MMIO_DEVICE_ID,	/* 0x008 */
	VMDEV_VIRTIO_MMIO_VENDOR_ID,	/* 0x00c */
	VMDEV_VIRTIO_MMIO_QUEUE_NOTIFY,	/* 0x050 doorbell, write only */
	VMDEV_VIRTIO_MMIO_INT_STATUS,	/* 0x060 read only */
	VMDEV_VIRTIO_MMIO_INT_ACK,	/* 0x064 write 1 to clear status */
	VMDEV_VIRTIO_MMIO_STATUS,	/* 0x070 trapped to the VMM */
	VMDEV_VIRTIO_MMIO_CONFIG_GEN,	/* 0x0fc set by the VMM */
	VMDEV_VIRTIO_MMIO_NR_REGS
};

#define VMDEV_VIRTIO_MMIO_WINDOW	0x200
#define VMDEV_VIRTIO_MMIO_MAGIC_VALUE	0x74726976	/* "virt" */
#define VMDEV_VIRTIO_MMIO_VERSION_2	2
#define VMDEV_VIRTIO_ID_BLOCK		2
#define VMDEV_VIRTIO_MMIO_VENDOR	0x56444d56	/* "VMDV" */
#define VMDEV_VIRTIO_MMIO_INT_VRING	0x1	/* used buffer notification */
#define VMDEV_VIRTIO_MMIO_INT_CONFIG	0x2	/* configuration change */
#define VMDEV_VIRTIO_MMIO_IRQ		0	/* the device's only line */

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

/* ---- port-0x80 sink: one byte, no register, writes swallowed ------- */

enum vmdev_port80_reg {
	VMDEV_PORT80_NR_REGS
};

#define VMDEV_PORT80_WINDOW	1

extern const struct vmdev_rdev_desc vmdev_port80_map;

#endif /* VMDEV_DEVICES_DEVMAPS_H */
