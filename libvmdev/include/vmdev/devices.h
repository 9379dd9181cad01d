/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Register maps of real devices, ready for vmdev_regdev_new(): an
 * 8250/16550A UART, a virtio-mmio (version 2) register block and a
 * port-0x80 style sink, with the indices of their registers for the VMM
 * side (vmdev_regdev_reg_read/_write, FIFO drain/fill) and the constants
 * a device model needs. Documentation/register-devices.rst, "Device
 * maps", describes what a guest driver sees of each.
 *
 *	struct vmdev_devmap *map;
 *	VMDEV_OPTS(vmdev_devmap_opts, mo, .virtio_device_id = 2);
 *	vmdev_devmap_new(VMDEV_DEVMAP_VIRTIO_MMIO, &mo, &map);
 *	VMDEV_OPTS(vmdev_regdev_opts, ro, .name = "virtio-blk", ...);
 *	vmdev_devmap_apply(map, &ro);	   // the map fields of ro
 *	vmdev_regdev_new(vm, res, &ro, &rd); // copies the arrays
 *	vmdev_devmap_free(map);
 */
#ifndef VMDEV_DEVICES_H
#define VMDEV_DEVICES_H

#include <vmdev/common.h>
#include <vmdev/regdev.h>

#ifdef __cplusplus
extern "C" {
#endif

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
/* THR-empty means room for this: a 16550A driver's burst per interrupt */
#define VMDEV_UART_TX_BURST	16
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
/* Offsets in the window of the registers above that a VMM binds. */
#define VMDEV_VIRTIO_MMIO_QUEUE_NOTIFY_OFF	0x050
#define VMDEV_VIRTIO_MMIO_CONFIG_OFF		0x100

/* ---- port-0x80 sink: one byte, no register, writes swallowed ------- */

enum vmdev_port80_reg {
	VMDEV_PORT80_NR_REGS
};

#define VMDEV_PORT80_WINDOW	1

/* ---- The maps ------------------------------------------------------- */

enum vmdev_devmap_kind {
	VMDEV_DEVMAP_UART16550 = 1,
	VMDEV_DEVMAP_VIRTIO_MMIO = 2,
	VMDEV_DEVMAP_PORT80 = 3,
};

struct vmdev_devmap_opts {
	size_t sz;			/* VMDEV_OPTS() fills it */
	/*
	 * VMDEV_DEVMAP_VIRTIO_MMIO only (0 for the other kinds): the
	 * DeviceID (0: VMDEV_VIRTIO_ID_BLOCK) and VendorID (0:
	 * VMDEV_VIRTIO_MMIO_VENDOR) constants.
	 */
	uint32_t virtio_device_id;
	uint32_t virtio_vendor_id;
};

/* One device's register map, owned by the caller. */
struct vmdev_devmap;

/*
 * A copy of the map of a device kind. opts may be NULL. Errors: -EINVAL
 * (NULL out, unknown kind, bad opts, a virtio ID given for another
 * kind), -ENOMEM.
 */
VMDEV_API int vmdev_devmap_new(enum vmdev_devmap_kind kind,
			       const struct vmdev_devmap_opts *opts,
			       struct vmdev_devmap **out);
/* NULL is ignored. */
VMDEV_API void vmdev_devmap_free(struct vmdev_devmap *map);
/*
 * Set the map fields of ro (flags, dev_size, nr_regs, regs, nr_links,
 * links, nr_irqs, irqs); its other fields (name, slow path) stay. The
 * arrays point into map: keep it until vmdev_regdev_new() has returned
 * (which copies them). -EINVAL (NULL, ro->sz too small for the fields).
 */
VMDEV_API int vmdev_devmap_apply(const struct vmdev_devmap *map,
				 struct vmdev_regdev_opts *ro);

#ifdef __cplusplus
}
#endif
#endif /* VMDEV_DEVICES_H */
