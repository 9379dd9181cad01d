// SPDX-License-Identifier: GPL-2.0
/*
 * Per-vector configuration, backend-independent rules (eventfd backend):
 * what a legacy and an MSI configuration may hold, every rejection, the
 * extensible struct in both directions (older and newer callers), and
 * reading a configuration back. KVM's own rules are in irq_kvm.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <vmdev/interrupt.h>
#include "kselftest_harness.h"
#include "irq_test.h"

FIXTURE(cfg) {
	struct vmdev_irq_manager *mgr;
	struct vmdev_irq_group *legacy;
	struct vmdev_irq_group *msi;
};

FIXTURE_SETUP(cfg)
{
	ASSERT_EQ(0, vmdev_irq_manager_new_eventfd(NULL, &self->mgr));
	ASSERT_EQ(0, vmdev_irq_group_new(self->mgr, VMDEV_IRQ_LEGACY, 0, 2,
					 NULL, &self->legacy));
	ASSERT_EQ(0, vmdev_irq_group_new(self->mgr, VMDEV_IRQ_MSI, 100, 2,
					 NULL, &self->msi));
}

FIXTURE_TEARDOWN(cfg)
{
	vmdev_irq_group_free(self->legacy);
	vmdev_irq_group_free(self->msi);
	vmdev_irq_manager_free(self->mgr);
	EXPECT_EQ(0, res_leaks());
}

static struct vmdev_irq_config legacy(uint32_t irqchip, uint32_t pin)
{
	VMDEV_OPTS(vmdev_irq_config, c, .irqchip = irqchip, .pin = pin);

	return c;
}

static struct vmdev_irq_config msi(uint32_t addr, uint32_t data)
{
	VMDEV_OPTS(vmdev_irq_config, c, .address_lo = addr,
		   .address_hi = 0x1, .data = data);

	return c;
}

/* Whether vector v's configuration reads back as want. */
static bool config_is(struct vmdev_irq_group *grp, uint32_t v,
		      const struct vmdev_irq_config *want)
{
	VMDEV_OPTS(vmdev_irq_config, got);

	memset(&got, 0xa5, sizeof(got));
	got.sz = sizeof(got);
	if (vmdev_irq_group_get_config(grp, v, &got))
		return false;
	return !memcmp(&got, want, offsetof(struct vmdev_irq_config, devid) +
			sizeof(want->devid));
}

TEST_F(cfg, legacy_accepted)
{
	static const uint32_t ok[][2] = {
		{ VMDEV_IRQCHIP_PIC_MASTER, 0 },
		{ VMDEV_IRQCHIP_PIC_MASTER, VMDEV_IRQCHIP_PIC_PINS - 1 },
		{ VMDEV_IRQCHIP_PIC_SLAVE, VMDEV_IRQCHIP_PIC_PINS - 1 },
		{ VMDEV_IRQCHIP_IOAPIC, 0 },
		{ VMDEV_IRQCHIP_IOAPIC, VMDEV_IRQCHIP_IOAPIC_PINS - 1 },
	};
	struct vmdev_irq_config c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		c = legacy(ok[i][0], ok[i][1]);
		ASSERT_EQ(0, vmdev_irq_group_update(self->legacy, 1, &c));
		EXPECT_TRUE(config_is(self->legacy, 1, &c));
	}
	/* Applies to enabled groups as well. */
	ASSERT_EQ(0, vmdev_irq_group_enable(self->legacy));
	c = legacy(VMDEV_IRQCHIP_IOAPIC, 7);
	ASSERT_EQ(0, vmdev_irq_group_update(self->legacy, 0, &c));
	EXPECT_TRUE(config_is(self->legacy, 0, &c));
}

TEST_F(cfg, legacy_rejected)
{
	struct vmdev_irq_config bad[] = {
		legacy(VMDEV_IRQCHIP_IOAPIC + 1, 0),
		legacy(VMDEV_IRQCHIP_PIC_MASTER, VMDEV_IRQCHIP_PIC_PINS),
		legacy(VMDEV_IRQCHIP_PIC_SLAVE, VMDEV_IRQCHIP_PIC_PINS),
		legacy(VMDEV_IRQCHIP_IOAPIC, VMDEV_IRQCHIP_IOAPIC_PINS),
		msi(0xfee00000, 0x30),		/* MSI fields */
		legacy(VMDEV_IRQCHIP_IOAPIC, 1),
		legacy(VMDEV_IRQCHIP_IOAPIC, 1),
		legacy(VMDEV_IRQCHIP_IOAPIC, 1),
	};
	struct vmdev_irq_config good = legacy(VMDEV_IRQCHIP_IOAPIC, 3);
	size_t i;

	bad[5].flags = VMDEV_IRQ_CFG_DEVID;
	bad[6].devid = 1;
	bad[7].data = 1;
	ASSERT_EQ(0, vmdev_irq_group_update(self->legacy, 0, &good));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, vmdev_irq_group_update(self->legacy, 0,
							  &bad[i])) {
			TH_LOG("bad[%zu]", i);
		}
		ASSERT_ERR(EINVAL, vmdev_irq_group_update(self->legacy, 1,
							  &bad[i]));
	}
	/* Nothing changed. */
	EXPECT_TRUE(config_is(self->legacy, 0, &good));
	ASSERT_ERR(ENODATA, vmdev_irq_group_get_config(self->legacy, 1,
						       &good));
}

TEST_F(cfg, msi_accepted)
{
	struct vmdev_irq_config c = msi(0xfee01000, 0x4041);

	ASSERT_EQ(0, vmdev_irq_group_update(self->msi, 0, &c));
	EXPECT_TRUE(config_is(self->msi, 0, &c));
	/* The eventfd backend keeps a device id as it is. */
	c.flags = VMDEV_IRQ_CFG_DEVID;
	c.devid = 0x1234;
	ASSERT_EQ(0, vmdev_irq_group_update(self->msi, 1, &c));
	EXPECT_TRUE(config_is(self->msi, 1, &c));
	/* All zero is a valid (if useless) MSI message. */
	c = msi(0, 0);
	c.address_hi = 0;
	ASSERT_EQ(0, vmdev_irq_group_update(self->msi, 1, &c));
	EXPECT_TRUE(config_is(self->msi, 1, &c));
}

TEST_F(cfg, msi_rejected)
{
	struct vmdev_irq_config bad[4];
	struct vmdev_irq_config good = msi(0xfee00000, 0x31);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		bad[i] = msi(0xfee00000, 0x33);
	bad[0].irqchip = VMDEV_IRQCHIP_IOAPIC;
	bad[1].pin = 1;
	bad[2].flags = 1U << 4;
	bad[3].devid = 7;		/* without VMDEV_IRQ_CFG_DEVID */
	ASSERT_EQ(0, vmdev_irq_group_update(self->msi, 0, &good));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, vmdev_irq_group_update(self->msi, 0,
							  &bad[i])) {
			TH_LOG("bad[%zu]", i);
		}
	}
	EXPECT_TRUE(config_is(self->msi, 0, &good));
}

TEST_F(cfg, arguments)
{
	struct vmdev_irq_config c = msi(0xfee00000, 0x31);

	ASSERT_ERR(EINVAL, vmdev_irq_group_update(NULL, 0, &c));
	ASSERT_ERR(EINVAL, vmdev_irq_group_update(self->msi, 0, NULL));
	ASSERT_ERR(ENOENT, vmdev_irq_group_update(self->msi, 2, &c));
	ASSERT_ERR(EINVAL, vmdev_irq_group_get_config(NULL, 0, &c));
	ASSERT_ERR(EINVAL, vmdev_irq_group_get_config(self->msi, 0, NULL));
	ASSERT_ERR(ENOENT, vmdev_irq_group_get_config(self->msi, 2, &c));
	ASSERT_ERR(ENODATA, vmdev_irq_group_get_config(self->msi, 0, &c));
	c.sz = 4;
	ASSERT_ERR(EINVAL, vmdev_irq_group_update(self->msi, 0, &c));
	ASSERT_ERR(EINVAL, vmdev_irq_group_get_config(self->msi, 0, &c));
}

/* A caller built against older and newer headers. */
TEST_F(cfg, struct_sizes)
{
	struct {
		struct vmdev_irq_config c;
		uint64_t newer_field;
	} big;
	struct vmdev_irq_config c = msi(0xfee00000, 0x35), old;

	/* Older: the struct ends before data; what is missing reads 0. */
	c.sz = offsetof(struct vmdev_irq_config, data);
	ASSERT_EQ(0, vmdev_irq_group_update(self->msi, 0, &c));
	c.sz = sizeof(c);
	c.data = 0;
	EXPECT_TRUE(config_is(self->msi, 0, &c));

	/* Older reader: only the fields it has are written. */
	c = msi(0xfee00000, 0x36);
	ASSERT_EQ(0, vmdev_irq_group_update(self->msi, 1, &c));
	memset(&old, 0x5a, sizeof(old));
	old.sz = offsetof(struct vmdev_irq_config, address_hi);
	ASSERT_EQ(0, vmdev_irq_group_get_config(self->msi, 1, &old));
	EXPECT_EQ(0xfee00000U, old.address_lo);
	EXPECT_EQ(0x5a5a5a5aU, old.address_hi);
	EXPECT_EQ(0x5a5a5a5aU, old.data);

	/* Newer: a non-zero unknown tail is refused, read back as zero. */
	memset(&big, 0, sizeof(big));
	big.c = msi(0xfee00000, 0x37);
	big.c.sz = sizeof(big);
	big.newer_field = 1;
	ASSERT_ERR(EINVAL, vmdev_irq_group_update(self->msi, 1, &big.c));
	big.newer_field = 0;
	ASSERT_EQ(0, vmdev_irq_group_update(self->msi, 1, &big.c));
	memset(&big, 0xff, sizeof(big));
	big.c.sz = sizeof(big);
	ASSERT_EQ(0, vmdev_irq_group_get_config(self->msi, 1, &big.c));
	EXPECT_EQ(0x37U, big.c.data);
	EXPECT_EQ(0U, big.newer_field);
}

/*
 * The struct's own tail padding (past devid, up to sizeof) is the
 * compiler's: a struct returned or copied by value need not keep zeros
 * there, so the library must not read it as a newer caller's fields.
 * (It did, and legacy_accepted failed wherever the stack was not zero.)
 */
TEST_F(cfg, tail_padding_ignored)
{
	const size_t end = offsetof(struct vmdev_irq_config, devid) +
			   sizeof(uint32_t);
	struct vmdev_irq_config c;

	if (sizeof(c) == end)
		SKIP(return, "struct vmdev_irq_config has no tail padding");
	memset(&c, 0xa5, sizeof(c));
	c.sz = sizeof(c);
	c.flags = 0;
	c.irqchip = VMDEV_IRQCHIP_IOAPIC;
	c.pin = 3;
	c.address_lo = 0;
	c.address_hi = 0;
	c.data = 0;
	c.devid = 0;
	ASSERT_EQ(0, vmdev_irq_group_update(self->legacy, 0, &c));
	memset((char *)&c + end, 0, sizeof(c) - end);
	EXPECT_TRUE(config_is(self->legacy, 0, &c));
}

TEST_HARNESS_MAIN
