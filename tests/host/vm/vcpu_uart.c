// SPDX-License-Identifier: GPL-2.0
/*
 * The end-to-end UART suite of tests/kmod/lib_uart.c on this host's
 * /dev/kvm (user mode; kernel mode skips without vmdev.ko).
 */
#include "../../kmod/lib_uart.c"
