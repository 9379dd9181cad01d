// SPDX-License-Identifier: GPL-2.0
/*
 * The end-to-end access suite of tests/kmod/lib_access.c, on this host's
 * /dev/kvm: user mode runs, kernel mode skips (no vmdev.ko here). One
 * source, built for the host with the sanitizers and for the test VM.
 */
#include "../../kmod/lib_access.c"
