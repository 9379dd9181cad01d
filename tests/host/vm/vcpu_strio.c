// SPDX-License-Identifier: GPL-2.0
/*
 * The end-to-end string I/O suite of tests/kmod/lib_strio.c on this
 * host's /dev/kvm (user mode; kernel mode skips without vmdev.ko).
 */
#include "../../kmod/lib_strio.c"
