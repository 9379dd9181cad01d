// SPDX-License-Identifier: GPL-2.0
/*
 * The boot test (vmm_boot.c) with two vCPUs. Not part of make check: on
 * the nested test bed a two-vCPU L2 guest stalls far more often than a
 * one-vCPU one (in one run, 4 of 5 user-mode boots), so that even eight
 * tries a boot would fail make check now and then; make vm-linux runs
 * it (Documentation/linux-guest.rst).
 */
#define VMM_BOOT_VCPUS	"2"
#include "vmm_boot.c"
