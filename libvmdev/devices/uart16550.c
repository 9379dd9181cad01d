// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * An 8250/16550A UART as a register map. The transmit path is complete
 * in the map: THR pushes into a FIFO the VMM drains, LSR THRE/TEMT and
 * the THR-empty interrupt follow "the FIFO has room for a 16-byte burst"
 * (what Linux's 8250 driver writes per THR-empty). Received bytes are
 * put into RBR's FIFO by the VMM and popped by the guest, with LSR DR and
 * the received-data interrupt following "the FIFO is not empty".
 *
 * The interrupt sources live in a hidden register whose bits are the IER
 * bits they are enabled by, so the line is simply (INTR & IER) != 0 and
 * IIR is the 16550 priority encoder over the same bits. RLS and MSR
 * sources are INTR bits 2 and 3, which the VMM sets with reg_write.
 */
#include "devmaps.h"

#define NOSEL		.sel_reg = VMDEV_SEL_NONE
#define DLAB(v)		.sel_reg = VMDEV_UART_LCR, \
			.sel_mask = VMDEV_UART_LCR_DLAB, .sel_val = (v)

static const struct vmdev_reg uart_regs[VMDEV_UART_NR_REGS] = {
	[VMDEV_UART_RBR] = {
		.offset = 0, .width = 1, .type = VMDEV_REG_FIFO_OUT,
		.flags = VMDEV_REG_F_NOWRITE, DLAB(0),
		.arg.fifo.depth = VMDEV_UART_FIFO_DEPTH,
	},
	[VMDEV_UART_THR] = {
		.offset = 0, .width = 1, .type = VMDEV_REG_FIFO_IN,
		.flags = VMDEV_REG_F_NOREAD, DLAB(0),
		.arg.fifo.depth = VMDEV_UART_FIFO_DEPTH,
		/* A 16550A driver writes 16 bytes per THR-empty it sees. */
		.arg.fifo.room = VMDEV_UART_TX_BURST,
	},
	[VMDEV_UART_DLL] = {
		.offset = 0, .width = 1, .type = VMDEV_REG_RW,
		.reset = 0x0c, .wmask = 0xff, DLAB(VMDEV_UART_LCR_DLAB),
	},
	[VMDEV_UART_IER] = {
		.offset = 1, .width = 1, .type = VMDEV_REG_RW,
		.wmask = 0x0f, DLAB(0),
	},
	[VMDEV_UART_DLM] = {
		.offset = 1, .width = 1, .type = VMDEV_REG_RW,
		.wmask = 0xff, DLAB(VMDEV_UART_LCR_DLAB),
	},
	[VMDEV_UART_IIR] = {
		.offset = 2, .width = 1, .type = VMDEV_REG_IRQ_ID,
		.flags = VMDEV_REG_F_NOWRITE, NOSEL,
		.reset = VMDEV_UART_IIR_FIFO | VMDEV_UART_IIR_NO_INT,
		.arg.irq_id = {
			.line = VMDEV_UART_IRQ,
			.id_mask = VMDEV_UART_IIR_ID,
			.nr_prio = 4,
			/* 16550 priorities: line status, data, THRE, modem */
			.prio = { 2, 0, 1, 3 },
			.code = { VMDEV_UART_IIR_RLSI, VMDEV_UART_IIR_RDI,
				  VMDEV_UART_IIR_THRI, VMDEV_UART_IIR_MSI },
		},
	},
	[VMDEV_UART_FCR] = {
		.offset = 2, .width = 1, .type = VMDEV_REG_RW,
		.flags = VMDEV_REG_F_NOREAD, .wmask = 0xff, NOSEL,
	},
	[VMDEV_UART_LCR] = {
		.offset = 3, .width = 1, .type = VMDEV_REG_RW,
		.wmask = 0xff, NOSEL,
	},
	[VMDEV_UART_MCR] = {
		.offset = 4, .width = 1, .type = VMDEV_REG_RW,
		.wmask = 0x1f, NOSEL,
	},
	[VMDEV_UART_LSR] = {
		.offset = 5, .width = 1, .type = VMDEV_REG_RO,
		.reset = VMDEV_UART_LSR_THRE | VMDEV_UART_LSR_TEMT, NOSEL,
	},
	[VMDEV_UART_MSR] = {
		/* DCD, DSR, CTS: a modem that is always there */
		.offset = 6, .width = 1, .type = VMDEV_REG_RO,
		.reset = 0xb0, NOSEL,
	},
	[VMDEV_UART_SCR] = {
		.offset = 7, .width = 1, .type = VMDEV_REG_RW,
		.wmask = 0xff, NOSEL,
	},
	[VMDEV_UART_INTR] = {
		.offset = 0, .width = 1, .type = VMDEV_REG_RO,
		.flags = VMDEV_REG_F_HIDDEN, NOSEL,
	},
};

static const struct vmdev_link uart_links[] = {
	{ .src = VMDEV_UART_RBR, .dst = VMDEV_UART_LSR,
	  .cond = VMDEV_LINK_NONEMPTY, .mask = VMDEV_UART_LSR_DR },
	{ .src = VMDEV_UART_THR, .dst = VMDEV_UART_LSR,
	  .cond = VMDEV_LINK_NOTFULL,
	  .mask = VMDEV_UART_LSR_THRE | VMDEV_UART_LSR_TEMT },
	{ .src = VMDEV_UART_RBR, .dst = VMDEV_UART_INTR,
	  .cond = VMDEV_LINK_NONEMPTY, .mask = VMDEV_UART_IER_RDI },
	{ .src = VMDEV_UART_THR, .dst = VMDEV_UART_INTR,
	  .cond = VMDEV_LINK_NOTFULL, .mask = VMDEV_UART_IER_THRI },
};

/*
 * Edge: the PC's COM ports sit on ISA lines, edge-triggered at the PIC
 * and IOAPIC, and the 8250 driver expects exactly that (it loops in its
 * handler until IIR reads "no interrupt", and toggles IER THRI per burst).
 */
static const struct vmdev_irq uart_irqs[] = {
	[VMDEV_UART_IRQ] = {
		.status_reg = VMDEV_UART_INTR, .enable_reg = VMDEV_UART_IER,
	},
};

const struct vmdev_rdev_desc vmdev_uart16550_map = {
	.flags = 0,
	.dev_size = VMDEV_UART_WINDOW,
	.nr_regs = VMDEV_UART_NR_REGS,
	.nr_links = sizeof(uart_links) / sizeof(uart_links[0]),
	.nr_irqs = sizeof(uart_irqs) / sizeof(uart_irqs[0]),
	.regs = uart_regs,
	.links = uart_links,
	.irqs = uart_irqs,
};
