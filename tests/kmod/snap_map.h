/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The register map of the snapshot tests (kmod_snapshot.c,
 * lib_snapshot.c): a UART-like device with every kind of state a blob
 * carries (FIFOs both ways, drops, status links, a level line, COR, a
 * doorbell, a wide RO value), and the errnos restore answers with.
 */
#ifndef VMDEV_TESTS_SNAP_MAP_H
#define VMDEV_TESTS_SNAP_MAP_H

#include <stdint.h>
#include <linux/vmdev.h>

#include "regdev.h"

enum { SN_TX, SN_RX, SN_STATUS, SN_ENABLE, SN_COR, SN_BELL, SN_RO,
       SN_NR_REGS };

#define SN_DEPTH	16
#define SN_WINDOW	32
#define SN_TX_EMPTY	0x01
#define SN_RX_READY	0x02

static const struct vmdev_reg snap_regs[SN_NR_REGS] = {
	[SN_TX] = { .offset = 0, .width = 1, .type = VMDEV_REG_FIFO_IN,
		    .flags = VMDEV_REG_F_NOREAD, .sel_reg = VMDEV_SEL_NONE,
		    .arg.fifo.depth = SN_DEPTH },
	[SN_RX] = { .offset = 0, .width = 1, .type = VMDEV_REG_FIFO_OUT,
		    .flags = VMDEV_REG_F_NOWRITE, .sel_reg = VMDEV_SEL_NONE,
		    .arg.fifo.depth = SN_DEPTH },
	[SN_STATUS] = { .offset = 1, .width = 1, .type = VMDEV_REG_RW,
			.wmask = 0xf0, .sel_reg = VMDEV_SEL_NONE },
	[SN_ENABLE] = { .offset = 2, .width = 1, .type = VMDEV_REG_RW,
			.wmask = 0xff, .sel_reg = VMDEV_SEL_NONE },
	[SN_COR] = { .offset = 3, .width = 1, .type = VMDEV_REG_COR,
		     .sel_reg = VMDEV_SEL_NONE },
	[SN_BELL] = { .offset = 4, .width = 4, .type = VMDEV_REG_DOORBELL,
		      .wmask = 0xffffffff, .sel_reg = VMDEV_SEL_NONE },
	[SN_RO] = { .offset = 8, .width = 8, .type = VMDEV_REG_RO,
		    .sel_reg = VMDEV_SEL_NONE },
};

static const struct vmdev_link snap_links[2] = {
	{ .src = SN_TX, .dst = SN_STATUS, .cond = VMDEV_LINK_EMPTY,
	  .mask = SN_TX_EMPTY },
	{ .src = SN_RX, .dst = SN_STATUS, .cond = VMDEV_LINK_NONEMPTY,
	  .mask = SN_RX_READY },
};

static const struct vmdev_irq snap_irqs[1] = {
	{ .status_reg = SN_STATUS, .enable_reg = SN_ENABLE,
	  .flags = VMDEV_IRQ_F_LEVEL },
};

static const struct vmdev_rdev_desc snap_map = {
	.dev_size = SN_WINDOW, .nr_regs = SN_NR_REGS, .regs = snap_regs,
	.nr_links = 2, .links = snap_links, .nr_irqs = 1, .irqs = snap_irqs,
};

/* The n-th byte the tests push through a FIFO. */
static inline uint8_t snap_byte(unsigned int n)
{
	return (uint8_t)(0x41 + n * 7);
}

#endif /* VMDEV_TESTS_SNAP_MAP_H */
