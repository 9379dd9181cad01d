// SPDX-License-Identifier: GPL-2.0
/*
 * The fast-path API suite of tests/kmod/lib_api.c on this host's
 * /dev/kvm (user mode; kernel mode skips without vmdev.ko).
 */
#include "../../kmod/lib_api.c"
