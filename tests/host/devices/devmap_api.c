// SPDX-License-Identifier: GPL-2.0
/*
 * The exported device maps (<vmdev/devices.h>): each kind gives the map
 * a guest driver expects (checked through the core, as vmdev_regdev_new
 * would run it), a virtio-mmio block carries the IDs asked for, and bad
 * arguments are refused with nothing allocated.
 */
#include <errno.h>
#include <vmdev/devices.h>

#include "kselftest_harness.h"
#include "regdev.h"

/* The core device of the map a devmap applies to regdev opts. */
static int core_of(struct vmdev_devmap *m, struct vmdev_rdev **dev)
{
	VMDEV_OPTS(vmdev_regdev_opts, ro, .name = "t");
	struct vmdev_rdev_desc d;
	int ret = vmdev_devmap_apply(m, &ro);

	if (ret)
		return ret;
	d = (struct vmdev_rdev_desc){
		.flags = ro.flags, .dev_size = ro.dev_size,
		.nr_regs = ro.nr_regs, .nr_links = ro.nr_links,
		.nr_irqs = ro.nr_irqs, .regs = ro.regs, .links = ro.links,
		.irqs = ro.irqs,
	};
	return vmdev_rdev_create(&d, dev);
}

static u64 rd32(struct vmdev_rdev *dev, u64 off)
{
	u64 v = 0xdead;

	if (vmdev_rdev_access(dev, off, 4, false, &v, NULL))
		return ~0ULL;
	return v;
}

TEST(virtio_ids)
{
	VMDEV_OPTS(vmdev_devmap_opts, mo, .virtio_device_id = 4,
		   .virtio_vendor_id = 0x1234);
	struct vmdev_devmap *m;
	struct vmdev_rdev *dev;
	u64 v = 0;

	ASSERT_EQ(0, vmdev_devmap_new(VMDEV_DEVMAP_VIRTIO_MMIO, &mo, &m));
	ASSERT_EQ(0, core_of(m, &dev));
	vmdev_devmap_free(m);	/* the core copied the map */
	EXPECT_EQ((u64)VMDEV_VIRTIO_MMIO_MAGIC_VALUE, rd32(dev, 0x000));
	EXPECT_EQ(2ULL, rd32(dev, 0x004));
	EXPECT_EQ(4ULL, rd32(dev, 0x008));
	EXPECT_EQ(0x1234ULL, rd32(dev, 0x00c));
	EXPECT_EQ((u32)VMDEV_VIRTIO_MMIO_WINDOW, vmdev_rdev_dev_size(dev));
	/* Status and the config space trap to the VMM. */
	EXPECT_EQ(VMDEV_RDEV_SLOW, vmdev_rdev_access(dev, 0x070, 4, false,
						     &v, NULL));
	EXPECT_EQ(VMDEV_RDEV_SLOW,
		  vmdev_rdev_access(dev, VMDEV_VIRTIO_MMIO_CONFIG_OFF, 4,
				    false, &v, NULL));
	/* InterruptACK clears InterruptStatus in place. */
	ASSERT_EQ(0, vmdev_rdev_reg_write(dev, VMDEV_VIRTIO_MMIO_INT_STATUS,
					  3, NULL));
	EXPECT_TRUE(vmdev_rdev_irq_asserted(dev, VMDEV_VIRTIO_MMIO_IRQ));
	v = 3;
	EXPECT_EQ(0, vmdev_rdev_access(dev, 0x064, 4, true, &v, NULL));
	EXPECT_EQ(0ULL, rd32(dev, 0x060));
	EXPECT_FALSE(vmdev_rdev_irq_asserted(dev, VMDEV_VIRTIO_MMIO_IRQ));
	vmdev_rdev_destroy(dev);
}

TEST(virtio_default_ids)
{
	struct vmdev_devmap *m;
	struct vmdev_rdev *dev;

	ASSERT_EQ(0, vmdev_devmap_new(VMDEV_DEVMAP_VIRTIO_MMIO, NULL, &m));
	ASSERT_EQ(0, core_of(m, &dev));
	EXPECT_EQ((u64)VMDEV_VIRTIO_ID_BLOCK, rd32(dev, 0x008));
	EXPECT_EQ((u64)VMDEV_VIRTIO_MMIO_VENDOR, rd32(dev, 0x00c));
	vmdev_rdev_destroy(dev);
	vmdev_devmap_free(m);
}

TEST(uart_and_port80)
{
	struct vmdev_devmap *m;
	struct vmdev_rdev *dev;
	u64 v = 0;

	ASSERT_EQ(0, vmdev_devmap_new(VMDEV_DEVMAP_UART16550, NULL, &m));
	ASSERT_EQ(0, core_of(m, &dev));
	ASSERT_EQ(0, vmdev_rdev_access(dev, 5, 1, false, &v, NULL));
	EXPECT_EQ((u64)(VMDEV_UART_LSR_THRE | VMDEV_UART_LSR_TEMT), v);
	EXPECT_EQ((u32)VMDEV_UART_WINDOW, vmdev_rdev_dev_size(dev));
	vmdev_rdev_destroy(dev);
	vmdev_devmap_free(m);

	ASSERT_EQ(0, vmdev_devmap_new(VMDEV_DEVMAP_PORT80, NULL, &m));
	ASSERT_EQ(0, core_of(m, &dev));
	v = 0x55;
	EXPECT_EQ(0, vmdev_rdev_access(dev, 0, 1, true, &v, NULL));
	EXPECT_EQ(0, vmdev_rdev_access(dev, 0, 1, false, &v, NULL));
	EXPECT_EQ(0ULL, v);
	vmdev_rdev_destroy(dev);
	vmdev_devmap_free(m);
}

TEST(bad_arguments)
{
	VMDEV_OPTS(vmdev_devmap_opts, ids, .virtio_device_id = 4);
	struct vmdev_devmap *m = (void *)0x1;
	struct vmdev_regdev_opts small = { .sz = sizeof(size_t) };
	struct {
		struct vmdev_devmap_opts o;
		uint64_t tail;
	} big = { .o.sz = sizeof(big), .tail = 1 };

	EXPECT_EQ(-EINVAL, vmdev_devmap_new(0, NULL, &m));
	EXPECT_EQ(-EINVAL, vmdev_devmap_new(99, NULL, &m));
	EXPECT_EQ(-EINVAL, vmdev_devmap_new(VMDEV_DEVMAP_PORT80, NULL, NULL));
	/* IDs are for the virtio-mmio block only. */
	EXPECT_EQ(-EINVAL, vmdev_devmap_new(VMDEV_DEVMAP_UART16550, &ids, &m));
	EXPECT_EQ(-EINVAL, vmdev_devmap_new(VMDEV_DEVMAP_VIRTIO_MMIO,
					    &big.o, &m));
	EXPECT_EQ((void *)0x1, m);	/* untouched by failures */
	ASSERT_EQ(0, vmdev_devmap_new(VMDEV_DEVMAP_PORT80, NULL, &m));
	EXPECT_EQ(-EINVAL, vmdev_devmap_apply(m, NULL));
	EXPECT_EQ(-EINVAL, vmdev_devmap_apply(NULL, &small));
	EXPECT_EQ(-EINVAL, vmdev_devmap_apply(m, &small));
	vmdev_devmap_free(m);
	vmdev_devmap_free(NULL);
}

TEST_HARNESS_MAIN
