// SPDX-License-Identifier: GPL-2.0
/*
 * The hot-unplug and signal suite of tests/kmod/lib_hotplug.c on this
 * host's /dev/kvm, under ASan (user mode; kernel mode skips without
 * vmdev.ko).
 */
#include "../../kmod/lib_hotplug.c"
