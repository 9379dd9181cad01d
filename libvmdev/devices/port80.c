// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A port-0x80 style sink (POST codes, I/O delays): one byte with no
 * register at all. Every access is a hole that completes in place:
 * writes are swallowed and reads return 0, so the port never costs a
 * trip to the VMM.
 */
#include "devmaps.h"

const struct vmdev_rdev_desc vmdev_port80_map = {
	.flags = 0,
	.dev_size = VMDEV_PORT80_WINDOW,
	.nr_regs = VMDEV_PORT80_NR_REGS,
};
