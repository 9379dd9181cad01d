/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Where things go in guest-physical memory, all in one place.
 *
 *   0x000500  GDT (boot code and data segments)
 *   0x007000  boot_params, the "zero page"
 *   0x009000  page tables: PML4, PDPT, 4 PDs of 2 MiB pages (4 GiB)
 *   0x020000  kernel command line
 *   0x09fc00  EBDA, reserved: the MP table (Linux scans its first KiB)
 *   0x0a0000  VGA, ROMs, BIOS: reserved, nothing there
 *   0x100000  RAM for the kernel's use
 *   16 MiB    the protected-mode kernel (Linux's LOAD_PHYSICAL_ADDR)
 *   top       the initrd, page-aligned, below the end of RAM
 */
#ifndef VMM_LAYOUT_H
#define VMM_LAYOUT_H

#define LAYOUT_GDT		0x500ULL
#define LAYOUT_ZERO_PAGE	0x7000ULL
#define LAYOUT_PML4		0x9000ULL
#define LAYOUT_PDPT		0xa000ULL
#define LAYOUT_PD		0xb000ULL	/* 4 pages */
#define LAYOUT_PT_MAPPED	(4ULL << 30)
#define LAYOUT_CMDLINE		0x20000ULL
#define LAYOUT_EBDA		0x9fc00ULL
#define LAYOUT_MPTABLE		LAYOUT_EBDA
#define LAYOUT_MPTABLE_MAX	0x400ULL
#define LAYOUT_HIGH_MEM		0x100000ULL
#define LAYOUT_KERNEL		0x1000000ULL

#define E820_TYPE_RAM		1
#define E820_TYPE_RESERVED	2

/* Boot protocol selectors (Documentation/arch/x86/boot.rst). */
#define BOOT_CS			0x10
#define BOOT_DS			0x18

#endif /* VMM_LAYOUT_H */
