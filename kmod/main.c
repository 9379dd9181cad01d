// SPDX-License-Identifier: GPL-2.0
/*
 * vmdev: an in-kernel PIO/MMIO bus of declarative register devices for
 * virtual machine monitors, reached through /dev/vmdev.
 *
 * Init steps run in order and are undone in reverse order by exit (and,
 * once there is more than one, by unwind labels on failure).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/vmdev.h>

#include "chardev.h"
#include "kvm_bus.h"
#include "netlink.h"
#include "objects.h"

static int __init vmdev_init(void)
{
	int ret;

	ret = vmdev_kvm_bus_init();
	if (ret)
		return ret;
	vmdev_objects_init();
	ret = vmdev_nl_init();
	if (ret)
		goto objects;
	ret = vmdev_chardev_init();
	if (ret)
		goto netlink;
	pr_info("loaded, API version %d\n", VMDEV_API_VERSION);
	return 0;

netlink:
	vmdev_nl_uninit();
objects:
	vmdev_objects_uninit();
	return ret;
}

static void __exit vmdev_exit(void)
{
	vmdev_chardev_uninit();
	vmdev_nl_uninit();
	vmdev_objects_uninit();
}

module_init(vmdev_init);
module_exit(vmdev_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("In-kernel PIO/MMIO register devices for VMMs");
MODULE_AUTHOR("The vmdev authors");
