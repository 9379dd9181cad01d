// SPDX-License-Identifier: GPL-2.0
/*
 * The end-to-end interrupt suite of tests/kmod/lib_irq.c on this host's
 * /dev/kvm (user mode; kernel mode skips without vmdev.ko).
 */
#include "../../kmod/lib_irq.c"
