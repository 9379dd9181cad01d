// SPDX-License-Identifier: GPL-2.0
/*
 * The hotplug race of tests/kmod/lib_race_hotplug.c on this host's
 * /dev/kvm, under ASan (user mode; kernel mode skips without vmdev.ko).
 */
#include "../../kmod/lib_race_hotplug.c"
