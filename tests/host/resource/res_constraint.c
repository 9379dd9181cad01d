// SPDX-License-Identifier: GPL-2.0
/*
 * Constraint checking: every malformed constraint, and every list that
 * breaks the one-per-single-kind rule, fails with -EINVAL before the
 * manager allocates anything, wherever it sits in the list.
 */
#include <stdint.h>
#include <vmdev/allocator.h>
#include "kselftest_harness.h"
#include "../test_util.h"

static const struct vmdev_addr_window mmio = { 0xd0000000, 0x100000 };

/* A valid first constraint: it must not stay allocated on failure. */
static const struct vmdev_constraint first = {
	.type = VMDEV_RES_PIO, .range = { .size = 0x10000 },
};

struct bad_case {
	const char *what;
	struct vmdev_constraint c;
};

#define RANGE(t, ...) { .type = (t), .range = { __VA_ARGS__ } }
#define IDS(t, ...) { .type = (t), .id = { __VA_ARGS__ } }
#define MAC(...) { .type = VMDEV_RES_MAC, .mac = { __VA_ARGS__ } }

static const struct bad_case bad[] = {
	{ "type 0", { .type = 0 } },
	{ "type past MAC", { .type = VMDEV_RES_MAC + 1 } },
	{ "pad", { .type = VMDEV_RES_LEGACY_IRQ, .pad = 1 } },
	{ "range size 0", RANGE(VMDEV_RES_MMIO, .size = 0) },
	{ "range align 3", RANGE(VMDEV_RES_MMIO, .size = 1, .align = 3) },
	{ "range align 2^63+1",
	  RANGE(VMDEV_RES_MEM, .size = 1, .align = (1ULL << 63) + 1) },
	{ "range pad", RANGE(VMDEV_RES_PIO, .size = 1, .pad = 1) },
	{ "range policy", RANGE(VMDEV_RES_PIO, .size = 1, .policy = 3) },
	{ "range min > max",
	  RANGE(VMDEV_RES_MMIO, .size = 1, .min = 10, .max = 9) },
	{ "range window too small",
	  RANGE(VMDEV_RES_MMIO, .size = 0x100, .min = 0x1000, .max = 0x10fe) },
	{ "exact misaligned",
	  RANGE(VMDEV_RES_MMIO, .size = 0x100, .align = 0x100,
		.addr = 0xd0000080, .policy = VMDEV_ALLOC_EXACT) },
	{ "exact wraps",
	  RANGE(VMDEV_RES_MMIO, .size = 0x100, .addr = UINT64_MAX - 0xfe,
		.policy = VMDEV_ALLOC_EXACT) },
	{ "exact below its window",
	  RANGE(VMDEV_RES_MMIO, .size = 0x100, .addr = 0xd0000000,
		.min = 0xd0000001, .policy = VMDEV_ALLOC_EXACT) },
	{ "exact above its window",
	  RANGE(VMDEV_RES_MMIO, .size = 0x100, .addr = 0xd0000000,
		.max = 0xd00000fe, .policy = VMDEV_ALLOC_EXACT) },
	{ "legacy IRQ count 2", IDS(VMDEV_RES_LEGACY_IRQ, .count = 2) },
	{ "slot count 2", IDS(VMDEV_RES_KVM_SLOT, .count = 2) },
	{ "id pad", IDS(VMDEV_RES_GENERIC_MSI, .count = 2, .pad = 1) },
	{ "id policy", IDS(VMDEV_RES_PCI_MSIX, .policy = 3) },
	{ "exact MSI wraps",
	  IDS(VMDEV_RES_PCI_MSI, .policy = VMDEV_ALLOC_EXACT,
	      .id = UINT32_MAX - 2, .count = 4) },
	{ "MAC pad", MAC(.pad = 1) },
	{ "MAC policy", MAC(.policy = 3) },
	{ "exact MAC multicast",
	  MAC(.policy = VMDEV_ALLOC_EXACT, .addr = { 0x53, 0x54 }) },
	{ "exact MAC zero", MAC(.policy = VMDEV_ALLOC_EXACT) },
};

FIXTURE(con) {
	struct vmdev_resource_manager *m;
	struct vmdev_resources *res;
};

FIXTURE_SETUP(con)
{
	struct vmdev_resource_manager_opts o = {
		.sz = sizeof(o),
		.mmio = &mmio,
		.nr_mmio = 1,
		.mem = { 0x100000000, 0x100000 },
		.legacy_irq = { 5, 10 },
		.msi = { 24, 100 },
		.kvm_slot = { 0, 8 },
		.mac_prefix = { 0x52, 0x54, 0x00 },
	};

	ASSERT_EQ(0, vmdev_resource_manager_new(&o, &self->m));
}

FIXTURE_TEARDOWN(con)
{
	vmdev_resources_free(self->res);
	vmdev_resource_manager_free(self->m);
	EXPECT_EQ(0, res_leaks());
}

/* The whole port space is free, so nothing stayed allocated. */
static void assert_untouched(struct __test_metadata *_metadata,
			     struct vmdev_resource_manager *m)
{
	struct vmdev_resources *res = NULL;

	ASSERT_EQ(0, vmdev_resource_manager_allocate(m, &first, 1, &res));
	ASSERT_EQ(0, vmdev_resource_manager_release(m, res));
	vmdev_resources_free(res);
}

TEST_F(con, malformed)
{
	struct vmdev_constraint list[2] = { first };
	struct vmdev_resource_manager *m = self->m;
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		/* Alone, and after a constraint that could be satisfied. */
		list[1] = bad[i].c;
		errno = 0;
		err = vmdev_resource_manager_allocate(m, &bad[i].c, 1,
						      &self->res);
		ASSERT_EQ(-EINVAL, err)
			TH_LOG("%s", bad[i].what);
		ASSERT_EQ(EINVAL, errno);
		err = vmdev_resource_manager_allocate(m, list, 2, &self->res);
		ASSERT_EQ(-EINVAL, err)
			TH_LOG("%s, second", bad[i].what);
		ASSERT_EQ(NULL, self->res);
		assert_untouched(_metadata, self->m);
	}
}

/* The fields that must be zero or small are all that is checked. */
TEST_F(con, accepted_edges)
{
	const struct vmdev_constraint ok[] = {
		RANGE(VMDEV_RES_MMIO, .size = 0x100, .align = 1ULL << 63,
		      .policy = VMDEV_ALLOC_LAST_MATCH),
		RANGE(VMDEV_RES_MEM, .size = 0x100000, .min = 0x100000000,
		      .max = 0x1000fffff),
		IDS(VMDEV_RES_LEGACY_IRQ, .count = 1),
		IDS(VMDEV_RES_KVM_SLOT, .count = 0),
		IDS(VMDEV_RES_PCI_MSI, .policy = VMDEV_ALLOC_EXACT, .id = 123,
		    .count = 1),
		MAC(.policy = VMDEV_ALLOC_EXACT,
		    .addr = { 0x52, 0x54, 0, 0xff, 0xff, 0xff }),
	};

	/* Alignment 2^63 is valid; no window holds such a start. */
	ASSERT_ERR(ENOSPC, vmdev_resource_manager_allocate(self->m, ok, 1,
							   &self->res));
	ASSERT_EQ(0, vmdev_resource_manager_allocate(self->m, ok + 1, 5,
						     &self->res));
	ASSERT_EQ(5U, vmdev_resources_count(self->res));
	ASSERT_EQ(0, vmdev_resource_manager_release(self->m, self->res));
}

TEST_F(con, one_of_each_single_kind)
{
	const uint32_t single[] = {
		VMDEV_RES_LEGACY_IRQ, VMDEV_RES_GENERIC_MSI, VMDEV_RES_PCI_MSI,
		VMDEV_RES_PCI_MSIX, VMDEV_RES_MAC,
	};
	struct vmdev_constraint list[8] = { first };
	size_t i, j;
	int err;

	/* Each single kind once, and ranges and slots repeated: fine. */
	for (i = 0; i < 5; i++)
		list[i + 1] = (struct vmdev_constraint){ .type = single[i] };
	list[6] = (struct vmdev_constraint){ .type = VMDEV_RES_KVM_SLOT };
	list[7] = list[6];
	ASSERT_EQ(0, vmdev_resource_manager_allocate(self->m, list, 8,
						     &self->res));
	ASSERT_EQ(0, vmdev_resource_manager_release(self->m, self->res));
	vmdev_resources_free(self->res);
	self->res = NULL;

	/* Any single kind twice, however far apart: refused. */
	for (i = 0; i < 5; i++) {
		for (j = 0; j < 5; j++)
			list[j + 1] = (struct vmdev_constraint){
				.type = single[j] };
		list[7] = list[i + 1];
		errno = 0;
		err = vmdev_resource_manager_allocate(self->m, list, 8,
						      &self->res);
		ASSERT_EQ(-EINVAL, err)
			TH_LOG("type %u twice", single[i]);
		ASSERT_EQ(EINVAL, errno);
		ASSERT_EQ(NULL, self->res);
		assert_untouched(_metadata, self->m);
	}
}

TEST_HARNESS_MAIN
