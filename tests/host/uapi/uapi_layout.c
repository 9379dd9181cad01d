// SPDX-License-Identifier: GPL-2.0
/*
 * The UAPI is forever: its structures must have the same size and field
 * offsets for every compiler and on 32-bit and 64-bit userspace, with no
 * implicit padding the kernel could not check. Sizes and a few offsets
 * are pinned here; a change that moves them breaks this test.
 */
#include <stddef.h>
#include <linux/kvm.h>
#include <linux/vhost.h>
#include <linux/vmdev.h>
#include "kselftest_harness.h"

#define PIN(type, size) _Static_assert(sizeof(type) == (size), #type)

PIN(struct vmdev_reg, 64);
PIN(struct vmdev_reg_irq_id, 20);
PIN(struct vmdev_link, 16);
PIN(struct vmdev_irq, 16);
PIN(struct vmdev_range, 24);
PIN(struct vmdev_create_device, 96);
PIN(struct vmdev_device_id, 8);
PIN(struct vmdev_access, 24);
PIN(struct vmdev_access_batch, 24);
PIN(struct vmdev_reg_io, 24);
PIN(struct vmdev_fifo_io, 32);
PIN(struct vmdev_stats, 48);
PIN(struct vmdev_run, 32);
PIN(struct vmdev_irqfd, 24);
PIN(struct vmdev_ioeventfd, 32);
PIN(struct vmdev_notifyfd, 24);
PIN(struct vmdev_kvm_attach, 16);
PIN(struct vmdev_level, 32);
PIN(struct vmdev_snapshot, 24);
PIN(struct vmdev_batch, 16);

TEST(reg_has_no_implicit_padding)
{
	/* Every byte of struct vmdev_reg is a named field. */
	ASSERT_EQ(60UL, offsetof(struct vmdev_reg, pad2));
	ASSERT_EQ(40UL, offsetof(struct vmdev_reg, arg));
	ASSERT_EQ(sizeof(((struct vmdev_reg *)0)->arg),
		  sizeof(((struct vmdev_reg *)0)->arg.raw));
}

TEST(size_field_first)
{
	/* The extensible structs all start with their size. */
	ASSERT_EQ(0UL, offsetof(struct vmdev_create_device, size));
	ASSERT_EQ(0UL, offsetof(struct vmdev_device_id, size));
	ASSERT_EQ(0UL, offsetof(struct vmdev_access_batch, size));
	ASSERT_EQ(0UL, offsetof(struct vmdev_reg_io, size));
	ASSERT_EQ(0UL, offsetof(struct vmdev_fifo_io, size));
	ASSERT_EQ(0UL, offsetof(struct vmdev_kvm_attach, size));
	ASSERT_EQ(0UL, offsetof(struct vmdev_level, size));
	ASSERT_EQ(0UL, offsetof(struct vmdev_snapshot, size));
	ASSERT_EQ(0UL, offsetof(struct vmdev_batch, size));
}

TEST(ioctl_numbers_stable)
{
	ASSERT_EQ(0xBB00, (int)VMDEV_GET_API_VERSION);
	ASSERT_EQ(0x01U, _IOC_NR(VMDEV_CREATE_DEVICE));
	ASSERT_EQ(0x08U, _IOC_NR(VMDEV_FIFO_IO));
	ASSERT_EQ(0x14U, _IOC_NR(VMDEV_KVM_ATTACH));
	ASSERT_EQ(0x15U, _IOC_NR(VMDEV_GET_LEVEL));
	ASSERT_EQ(0x1aU, _IOC_NR(VMDEV_BATCH));
	ASSERT_EQ(8UL, offsetof(struct vmdev_level, addr));
	ASSERT_EQ(0x16U, _IOC_NR(VMDEV_SAVE_DEVICE));
	ASSERT_EQ(0x19U, _IOC_NR(VMDEV_RESTORE_CONTEXT));
	ASSERT_EQ(20UL, offsetof(struct vmdev_snapshot, flags));
	ASSERT_EQ(VMDEV_IOC_MAGIC, (int)_IOC_TYPE(VMDEV_ACCESS_BATCH));
}

/*
 * Every command has vmdev's own type, which no in-kernel user has: not
 * KVM's (KVMIO, 0xAE) nor vhost's (VHOST_VIRTIO, 0xAF, vmdev's type
 * until the ABI froze), and every number is used once.
 */
TEST(ioctl_type_is_vmdevs_own)
{
	static const unsigned long cmds[] = {
		VMDEV_GET_API_VERSION, VMDEV_CREATE_DEVICE, VMDEV_DESTROY_DEVICE,
		VMDEV_RESET_DEVICE, VMDEV_ACCESS, VMDEV_ACCESS_BATCH,
		VMDEV_REG_READ, VMDEV_REG_WRITE, VMDEV_FIFO_IO, VMDEV_GET_STATS,
		VMDEV_RUN, VMDEV_IRQFD, VMDEV_IOEVENTFD, VMDEV_NOTIFYFD,
		VMDEV_KVM_ATTACH, VMDEV_GET_LEVEL, VMDEV_SAVE_DEVICE,
		VMDEV_RESTORE_DEVICE, VMDEV_SAVE_CONTEXT, VMDEV_RESTORE_CONTEXT,
		VMDEV_BATCH,
	};
	size_t i, j;

	ASSERT_EQ(0xBB, VMDEV_IOC_MAGIC);
	ASSERT_NE(KVMIO, VMDEV_IOC_MAGIC);
	ASSERT_NE(VHOST_VIRTIO, VMDEV_IOC_MAGIC);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		EXPECT_EQ(0xBBU, _IOC_TYPE(cmds[i]));
		for (j = 0; j < i; j++)
			EXPECT_NE(_IOC_NR(cmds[j]), _IOC_NR(cmds[i]));
	}
}

TEST_HARNESS_MAIN
