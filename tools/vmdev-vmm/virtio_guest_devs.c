// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_guest_devs.ko runs inside the guest of tools/vmdev-vmm, not on
 * the host. Debian's kernels are built without
 * CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES, so their virtio_mmio.ko ignores the
 * virtio_mmio.device= entries the VMM's device manager writes, and x86
 * has no device tree. This module does what that kernel option does:
 * each device=<size>@<base>:<irq> parameter (the same syntax) becomes a
 * "virtio-mmio" platform device with that window and interrupt, which
 * virtio_mmio.ko then drives.
 *
 *	insmod virtio_guest_devs.ko device=0x200@0xd0000000:5 device=...
 *
 * The parameters are only checked and recorded; the devices are
 * registered by the module's init, all or none, so a bad parameter
 * (which fails the load before init) leaves nothing behind.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/platform_device.h>

#define GUEST_DEVS_MAX	32

struct guest_dev {
	long long base;
	unsigned long long size;
	unsigned int irq;
};

static struct guest_dev guest_devs[GUEST_DEVS_MAX];
static struct platform_device *guest_pdevs[GUEST_DEVS_MAX];
static unsigned int guest_nr_devs;

/* <size>@<base>:<irq>, as the kernel's vm_cmdline_set() parses it. */
static int guest_devs_set(const char *val, const struct kernel_param *kp)
{
	struct guest_dev d;
	char *rest;
	int n = 0;

	if (guest_nr_devs == GUEST_DEVS_MAX)
		return -ENOSPC;
	d.size = memparse(val, &rest);
	if (sscanf(rest, "@%lli:%u%n", &d.base, &d.irq, &n) != 2 ||
	    (rest[n] && rest[n] != '\n') || !d.size || d.base < 0 ||
	    d.base + d.size - 1 < d.base)
		return -EINVAL;
	guest_devs[guest_nr_devs++] = d;
	return 0;
}

static const struct kernel_param_ops guest_devs_ops = {
	.set = guest_devs_set,
};

module_param_cb(device, &guest_devs_ops, NULL, 0);
MODULE_PARM_DESC(device, "<size>@<base>:<irq>, one per virtio-mmio device");

static void guest_devs_unregister(unsigned int n)
{
	while (n--)
		platform_device_unregister(guest_pdevs[n]);
}

static int __init guest_devs_init(void)
{
	struct platform_device *pdev;
	unsigned int i;

	for (i = 0; i < guest_nr_devs; i++) {
		struct resource res[] = {
			DEFINE_RES_MEM(guest_devs[i].base, guest_devs[i].size),
			DEFINE_RES_IRQ(guest_devs[i].irq),
		};

		pdev = platform_device_register_resndata(NULL, "virtio-mmio",
							 PLATFORM_DEVID_AUTO,
							 res, ARRAY_SIZE(res),
							 NULL, 0);
		if (IS_ERR(pdev)) {
			guest_devs_unregister(i);
			return PTR_ERR(pdev);
		}
		guest_pdevs[i] = pdev;
	}
	return 0;
}

static void __exit guest_devs_exit(void)
{
	guest_devs_unregister(guest_nr_devs);
}

module_init(guest_devs_init);
module_exit(guest_devs_exit);

MODULE_DESCRIPTION("virtio-mmio devices from device=<size>@<base>:<irq>");
MODULE_LICENSE("GPL");
