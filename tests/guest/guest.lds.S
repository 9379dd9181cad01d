/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linker script of the flat test guest images (run through cpp first):
 * one section loaded at GUEST_LOAD_ADDR, the entry point first.
 * Zero-filled data is part of the image, so it is complete as loaded.
 */
#include "guest_abi.h"

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(_start)

SECTIONS
{
	. = GUEST_LOAD_ADDR;
	.image : {
		*(.text.entry)
		*(.text .text.*)
		*(.rodata .rodata.*)
		*(.data .data.*)
		*(.bss .bss.*)
		*(COMMON)
	}
	/DISCARD/ : {
		*(.note .note.*)
		*(.comment)
		*(.eh_frame)
	}
}
