// SPDX-License-Identifier: GPL-2.0
/*
 * Resource sets: every resource kind, every validation error of append,
 * the single-kind rule, and each typed getter with its errors.
 */
#include <stdint.h>
#include <string.h>
#include <vmdev/resource.h>
#include "kselftest_harness.h"
#include "../failmalloc.h"
#include "../test_util.h"

static struct vmdev_resource range(uint32_t type, uint64_t base, uint64_t size)
{
	return (struct vmdev_resource){
		.type = type, .range = { .base = base, .size = size },
	};
}

static struct vmdev_resource msi(uint32_t type, uint32_t base, uint32_t count)
{
	return (struct vmdev_resource){
		.type = type, .msi = { .base = base, .count = count },
	};
}

static struct vmdev_resource irq(uint32_t line)
{
	return (struct vmdev_resource){ .type = VMDEV_RES_LEGACY_IRQ,
					.irq = line };
}

static struct vmdev_resource slot(uint32_t s)
{
	return (struct vmdev_resource){ .type = VMDEV_RES_KVM_SLOT, .slot = s };
}

static struct vmdev_resource mac(uint8_t o0, uint8_t o5)
{
	return (struct vmdev_resource){
		.type = VMDEV_RES_MAC, .mac = { o0, 0x54, 0, 0x12, 0x34, o5 },
	};
}

FIXTURE(set) {
	struct vmdev_resources *res;
};

FIXTURE_SETUP(set)
{
	ASSERT_EQ(0, vmdev_resources_new(&self->res));
	ASSERT_NE(NULL, self->res);
}

FIXTURE_TEARDOWN(set)
{
	vmdev_resources_free(self->res);
	EXPECT_EQ(0, res_leaks());
}

TEST(new_null)
{
	ASSERT_ERR(EINVAL, vmdev_resources_new(NULL));
	vmdev_resources_free(NULL);
}

TEST(new_enomem)
{
	struct vmdev_resources *res = (void *)1;

	failmalloc_arm(0);
	ASSERT_ERR(ENOMEM, vmdev_resources_new(&res));
	failmalloc_disarm();
	ASSERT_EQ((void *)1, res);
}

TEST_F(set, empty)
{
	uint32_t v, c;
	uint8_t m[6];

	ASSERT_EQ(0U, vmdev_resources_count(self->res));
	ASSERT_EQ(NULL, vmdev_resources_get(self->res, 0));
	ASSERT_EQ(0U, vmdev_resources_count(NULL));
	ASSERT_EQ(NULL, vmdev_resources_get(NULL, 0));
	ASSERT_EQ(0, vmdev_resources_get_ranges(self->res, VMDEV_RES_PIO,
						NULL, 0));
	ASSERT_EQ(0, vmdev_resources_get_slots(self->res, NULL, 0));
	ASSERT_ERR(ENOENT, vmdev_resources_get_legacy_irq(self->res, &v));
	ASSERT_ERR(ENOENT, vmdev_resources_get_msi(self->res,
						   VMDEV_RES_PCI_MSIX, &v, &c));
	ASSERT_ERR(ENOENT, vmdev_resources_get_mac(self->res, m));
}

/* Every kind, at its extreme valid values, comes back as appended. */
TEST_F(set, append_every_kind)
{
	const struct vmdev_resource want[] = {
		range(VMDEV_RES_PIO, 0xffff, 1),
		range(VMDEV_RES_PIO, 0, 0x10000),
		range(VMDEV_RES_MMIO, UINT64_MAX, 1),
		range(VMDEV_RES_MMIO, 0, UINT64_MAX),
		range(VMDEV_RES_MEM, 1, UINT64_MAX),
		irq(UINT32_MAX),
		msi(VMDEV_RES_GENERIC_MSI, UINT32_MAX, 1),
		msi(VMDEV_RES_PCI_MSI, 0, UINT32_MAX),
		msi(VMDEV_RES_PCI_MSIX, 24, 8),
		slot(0),
		slot(UINT32_MAX),
		mac(0x52, 0x56),
	};
	struct vmdev_resource r;
	size_t i, n = ARRAY_SIZE(want);

	for (i = 0; i < n; i++) {
		r = want[i];
		ASSERT_EQ(0, vmdev_resources_append(self->res, &r));
		/* The set holds a copy. */
		memset(&r, 0xa5, sizeof(r));
	}
	ASSERT_EQ(n, vmdev_resources_count(self->res));
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, memcmp(&want[i], vmdev_resources_get(self->res, i),
				    sizeof(want[i])));
	ASSERT_EQ(NULL, vmdev_resources_get(self->res, n));
}

struct bad_case {
	const char *what;
	struct vmdev_resource r;
};

TEST_F(set, append_invalid)
{
	struct bad_case bad[] = {
		{ "type 0", range(0, 0, 1) },
		{ "type past MAC", range(VMDEV_RES_MAC + 1, 0, 1) },
		{ "PIO size 0", range(VMDEV_RES_PIO, 0x10, 0) },
		{ "PIO past 0xffff", range(VMDEV_RES_PIO, 0xffff, 2) },
		{ "PIO base past 0xffff", range(VMDEV_RES_PIO, 0x10000, 1) },
		{ "PIO wraps", range(VMDEV_RES_PIO, UINT64_MAX, 2) },
		{ "MMIO size 0", range(VMDEV_RES_MMIO, 0x1000, 0) },
		{ "MMIO wraps", range(VMDEV_RES_MMIO, UINT64_MAX, 2) },
		{ "MMIO wraps far", range(VMDEV_RES_MMIO, 2, UINT64_MAX) },
		{ "MEM size 0", range(VMDEV_RES_MEM, 0, 0) },
		{ "MEM wraps", range(VMDEV_RES_MEM, 1ULL << 63, 1ULL << 63 | 1) },
		{ "MSI count 0", msi(VMDEV_RES_GENERIC_MSI, 5, 0) },
		{ "PCI MSI wraps", msi(VMDEV_RES_PCI_MSI, UINT32_MAX, 2) },
		{ "MSI-X wraps", msi(VMDEV_RES_PCI_MSIX, 2, UINT32_MAX) },
		{ "MAC multicast", mac(0x53, 1) },
		{ "MAC zero", { .type = VMDEV_RES_MAC } },
	};
	struct vmdev_resource r = irq(5);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		ASSERT_EQ(-EINVAL, vmdev_resources_append(self->res, &bad[i].r))
			TH_LOG("%s", bad[i].what);
		ASSERT_EQ(EINVAL, errno);
	}
	r.pad = 1;
	ASSERT_ERR(EINVAL, vmdev_resources_append(self->res, &r));
	ASSERT_ERR(EINVAL, vmdev_resources_append(self->res, NULL));
	r.pad = 0;
	ASSERT_ERR(EINVAL, vmdev_resources_append(NULL, &r));
	/* A failed append leaves the set as it was. */
	ASSERT_EQ(0U, vmdev_resources_count(self->res));
}

TEST_F(set, single_kinds)
{
	const struct vmdev_resource once[] = {
		irq(4),
		msi(VMDEV_RES_GENERIC_MSI, 1, 1),
		msi(VMDEV_RES_PCI_MSI, 2, 1),
		msi(VMDEV_RES_PCI_MSIX, 3, 1),
		mac(0x02, 1),
	};
	struct vmdev_resource r;
	size_t i, n = ARRAY_SIZE(once);

	for (i = 0; i < n; i++)
		ASSERT_EQ(0, vmdev_resources_append(self->res, &once[i]));
	for (i = 0; i < n; i++) {
		/* Even a different value of the same kind is refused. */
		r = once[i];
		r.msi.base += 100;
		ASSERT_ERR(EEXIST, vmdev_resources_append(self->res, &r));
	}
	ASSERT_EQ(n, vmdev_resources_count(self->res));
	/* Ranges and slots may repeat, even identical ones. */
	r = range(VMDEV_RES_PIO, 0x3f8, 8);
	ASSERT_EQ(0, vmdev_resources_append(self->res, &r));
	ASSERT_EQ(0, vmdev_resources_append(self->res, &r));
	r = slot(3);
	ASSERT_EQ(0, vmdev_resources_append(self->res, &r));
	ASSERT_EQ(0, vmdev_resources_append(self->res, &r));
	ASSERT_EQ(n + 4, vmdev_resources_count(self->res));
}

/* Growth keeps every element, and a failed growth loses none. */
TEST_F(set, growth_and_enomem)
{
	struct vmdev_resource r;
	uint32_t i, got[1000], grown = 0;
	int err;

	for (i = 0; i < 1000; i++) {
		r = slot(i);
		/* Fail the allocation if this append needs one. */
		failmalloc_arm(0);
		err = vmdev_resources_append(self->res, &r);
		failmalloc_disarm();
		if (err) {
			ASSERT_TRUE(failmalloc_failed);
			ASSERT_EQ(-ENOMEM, err);
			ASSERT_EQ(ENOMEM, errno);
			ASSERT_EQ(i, vmdev_resources_count(self->res));
			ASSERT_EQ(0, vmdev_resources_append(self->res, &r));
			grown++;
		}
		ASSERT_EQ(i + 1, vmdev_resources_count(self->res));
	}
	/* Doubling from 4: 4, 8, ..., 512 entries, then 1024. */
	ASSERT_EQ(9U, grown);
	ASSERT_EQ(1000, vmdev_resources_get_slots(self->res, got, 1000));
	for (i = 0; i < 1000; i++)
		ASSERT_EQ(i, got[i]);
}

TEST_F(set, get_ranges)
{
	const struct vmdev_resource in[] = {
		range(VMDEV_RES_MMIO, 0xd0000000, 0x1000),
		range(VMDEV_RES_PIO, 0x3f8, 8),
		irq(4),
		range(VMDEV_RES_MMIO, 0xe0000000, 0x200),
		range(VMDEV_RES_PIO, 0x2f8, 8),
		range(VMDEV_RES_MMIO, 0xc0000000, 0x10),
		range(VMDEV_RES_MEM, 0x100000000, 1 << 20),
	};
	struct vmdev_range_res out[4];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(in); i++)
		ASSERT_EQ(0, vmdev_resources_append(self->res, &in[i]));

	/* Sizing call, then a short array: the count is the full one. */
	ASSERT_EQ(3, vmdev_resources_get_ranges(self->res, VMDEV_RES_MMIO,
						NULL, 0));
	memset(out, 0xa5, sizeof(out));
	ASSERT_EQ(3, vmdev_resources_get_ranges(self->res, VMDEV_RES_MMIO,
						out, 2));
	ASSERT_EQ(0xd0000000, out[0].base);
	ASSERT_EQ(0x1000U, out[0].size);
	ASSERT_EQ(0xe0000000, out[1].base);
	ASSERT_EQ(0x200U, out[1].size);
	ASSERT_EQ(0xa5a5a5a5a5a5a5a5ULL, out[2].base);

	ASSERT_EQ(2, vmdev_resources_get_ranges(self->res, VMDEV_RES_PIO,
						out, 4));
	ASSERT_EQ(0x3f8U, out[0].base);
	ASSERT_EQ(0x2f8U, out[1].base);
	ASSERT_EQ(8U, out[1].size);
	ASSERT_EQ(1, vmdev_resources_get_ranges(self->res, VMDEV_RES_MEM,
						out, 4));
	ASSERT_EQ(0x100000000U, out[0].base);
	ASSERT_EQ(1U << 20, out[0].size);

	ASSERT_ERR(EINVAL, vmdev_resources_get_ranges(NULL, VMDEV_RES_PIO,
						      out, 4));
	ASSERT_ERR(EINVAL, vmdev_resources_get_ranges(self->res, VMDEV_RES_PIO,
						      NULL, 1));
	ASSERT_ERR(EINVAL, vmdev_resources_get_ranges(self->res,
						      VMDEV_RES_LEGACY_IRQ,
						      out, 4));
	ASSERT_ERR(EINVAL, vmdev_resources_get_ranges(self->res, 0, out, 4));
}

TEST_F(set, get_slots)
{
	struct vmdev_resource r;
	uint32_t out[3] = { 7, 7, 7 };

	r = slot(9);
	ASSERT_EQ(0, vmdev_resources_append(self->res, &r));
	r = irq(9);
	ASSERT_EQ(0, vmdev_resources_append(self->res, &r));
	r = slot(2);
	ASSERT_EQ(0, vmdev_resources_append(self->res, &r));
	ASSERT_EQ(2, vmdev_resources_get_slots(self->res, out, 1));
	ASSERT_EQ(9U, out[0]);
	ASSERT_EQ(7U, out[1]);
	ASSERT_EQ(2, vmdev_resources_get_slots(self->res, out, 3));
	ASSERT_EQ(2U, out[1]);
	ASSERT_EQ(7U, out[2]);
	ASSERT_ERR(EINVAL, vmdev_resources_get_slots(NULL, out, 3));
	ASSERT_ERR(EINVAL, vmdev_resources_get_slots(self->res, NULL, 3));
}

TEST_F(set, get_single_values)
{
	const uint32_t kinds[] = { VMDEV_RES_GENERIC_MSI, VMDEV_RES_PCI_MSI,
				   VMDEV_RES_PCI_MSIX };
	struct vmdev_resource r = irq(11);
	uint32_t v = 0, c = 0, i;
	uint8_t m[6] = { 0 };

	ASSERT_EQ(0, vmdev_resources_append(self->res, &r));
	ASSERT_EQ(0, vmdev_resources_get_legacy_irq(self->res, &v));
	ASSERT_EQ(11U, v);
	ASSERT_ERR(EINVAL, vmdev_resources_get_legacy_irq(NULL, &v));
	ASSERT_ERR(EINVAL, vmdev_resources_get_legacy_irq(self->res, NULL));

	for (i = 0; i < 3; i++) {
		ASSERT_ERR(ENOENT, vmdev_resources_get_msi(self->res, kinds[i],
							   &v, &c));
		r = msi(kinds[i], 100 * (i + 1), i + 1);
		ASSERT_EQ(0, vmdev_resources_append(self->res, &r));
	}
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, vmdev_resources_get_msi(self->res, kinds[i],
						     &v, &c));
		ASSERT_EQ(100 * (i + 1), v);
		ASSERT_EQ(i + 1, c);
	}
	ASSERT_ERR(EINVAL, vmdev_resources_get_msi(self->res,
						   VMDEV_RES_LEGACY_IRQ,
						   &v, &c));
	ASSERT_ERR(EINVAL, vmdev_resources_get_msi(NULL, VMDEV_RES_PCI_MSI,
						   &v, &c));
	ASSERT_ERR(EINVAL, vmdev_resources_get_msi(self->res,
						   VMDEV_RES_PCI_MSI,
						   NULL, &c));
	ASSERT_ERR(EINVAL, vmdev_resources_get_msi(self->res,
						   VMDEV_RES_PCI_MSI,
						   &v, NULL));

	r = mac(0x52, 0x9a);
	ASSERT_EQ(0, vmdev_resources_append(self->res, &r));
	ASSERT_EQ(0, vmdev_resources_get_mac(self->res, m));
	ASSERT_EQ(0, memcmp(r.mac, m, 6));
	ASSERT_ERR(EINVAL, vmdev_resources_get_mac(NULL, m));
	ASSERT_ERR(EINVAL, vmdev_resources_get_mac(self->res, NULL));
}

TEST_HARNESS_MAIN
