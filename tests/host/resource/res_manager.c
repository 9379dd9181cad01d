// SPDX-License-Identifier: GPL-2.0
/*
 * Resource manager: options, allocation of every kind from its space,
 * all-or-nothing allocation of a constraint list (whatever makes the last
 * constraint fail, and out of memory at any point), all-or-nothing
 * release of a set with each kind of bad resource, and threads sharing
 * one manager.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <vmdev/allocator.h>
#include "kselftest_harness.h"
#include "../failmalloc.h"
#include "../test_util.h"

#define MMIO_LO		0xd0000000ULL
#define MMIO_HI		0xe0000000ULL
#define MMIO_SIZE	0x10000ULL
#define MEM_BASE	0x100000000ULL
#define MEM_SIZE	0x40000000ULL
#define IRQ_BASE	5U
#define IRQ_COUNT	19U
#define GSI_BASE	24U
#define GSI_COUNT	1000U
#define SLOT_COUNT	32U

/* Given out of order: the manager sorts its windows. */
static const struct vmdev_addr_window mmio_windows[] = {
	{ MMIO_HI, MMIO_SIZE }, { MMIO_LO, MMIO_SIZE },
};

static void full_opts(struct vmdev_resource_manager_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	o->mmio = mmio_windows;
	o->nr_mmio = 2;
	o->mem = (struct vmdev_addr_window){ MEM_BASE, MEM_SIZE };
	o->legacy_irq = (struct vmdev_id_window){ IRQ_BASE, IRQ_COUNT };
	o->msi = (struct vmdev_id_window){ GSI_BASE, GSI_COUNT };
	o->kvm_slot = (struct vmdev_id_window){ 0, SLOT_COUNT };
	o->mac_prefix[0] = 0x52;
	o->mac_prefix[1] = 0x54;
}

static struct vmdev_constraint range_c(uint32_t type, uint64_t size,
				       uint64_t align)
{
	return (struct vmdev_constraint){
		.type = type, .range = { .size = size, .align = align },
	};
}

static struct vmdev_constraint range_at(uint32_t type, uint64_t addr,
					uint64_t size)
{
	return (struct vmdev_constraint){
		.type = type, .range = { .size = size, .addr = addr,
					 .policy = VMDEV_ALLOC_EXACT },
	};
}

static struct vmdev_constraint id_c(uint32_t type, uint32_t policy,
				    uint32_t id, uint32_t count)
{
	return (struct vmdev_constraint){
		.type = type, .id = { .policy = policy, .id = id,
				      .count = count },
	};
}

static struct vmdev_constraint mac_c(uint32_t policy, uint8_t o5)
{
	return (struct vmdev_constraint){
		.type = VMDEV_RES_MAC,
		.mac = { .policy = policy,
			 .addr = { 0x52, 0x54, 0, 0, 0, o5 } },
	};
}

FIXTURE(mgr) {
	struct vmdev_resource_manager *m;
	struct vmdev_resources *res;
};

FIXTURE_SETUP(mgr)
{
	struct vmdev_resource_manager_opts o;

	full_opts(&o);
	ASSERT_EQ(0, vmdev_resource_manager_new(&o, &self->m));
}

FIXTURE_TEARDOWN(mgr)
{
	vmdev_resources_free(self->res);
	vmdev_resource_manager_free(self->m);
	EXPECT_EQ(0, res_leaks());
}

/* One constraint of each kind, all first match. */
static const struct vmdev_constraint every_kind[] = {
	{ .type = VMDEV_RES_PIO, .range = { .size = 8, .align = 8 } },
	{ .type = VMDEV_RES_MMIO, .range = { .size = 0x1000 } },
	{ .type = VMDEV_RES_MEM, .range = { .size = 0x200000 } },
	{ .type = VMDEV_RES_LEGACY_IRQ },
	{ .type = VMDEV_RES_GENERIC_MSI, .id = { .count = 2 } },
	{ .type = VMDEV_RES_PCI_MSI, .id = { .count = 4 } },
	{ .type = VMDEV_RES_PCI_MSIX, .id = { .count = 3 } },
	{ .type = VMDEV_RES_KVM_SLOT },
	{ .type = VMDEV_RES_MAC },
};

#define NR_EVERY ARRAY_SIZE(every_kind)

/*
 * What the manager hands out for every_kind on an empty manager: checking
 * this after a failed call proves nothing stayed allocated.
 */
static void assert_every_kind_fresh(struct __test_metadata *_metadata,
				    struct vmdev_resource_manager *m)
{
	struct vmdev_resources *res = NULL;
	struct vmdev_range_res r;
	uint32_t v, c;
	uint8_t mac[6];

	ASSERT_EQ(0, vmdev_resource_manager_allocate(m, every_kind, NR_EVERY,
						     &res));
	ASSERT_EQ(NR_EVERY, vmdev_resources_count(res));
	ASSERT_EQ(1, vmdev_resources_get_ranges(res, VMDEV_RES_PIO, &r, 1));
	ASSERT_EQ(0U, r.base);
	ASSERT_EQ(1, vmdev_resources_get_ranges(res, VMDEV_RES_MMIO, &r, 1));
	ASSERT_EQ(MMIO_LO, r.base);
	ASSERT_EQ(1, vmdev_resources_get_ranges(res, VMDEV_RES_MEM, &r, 1));
	ASSERT_EQ(MEM_BASE, r.base);
	ASSERT_EQ(0, vmdev_resources_get_legacy_irq(res, &v));
	ASSERT_EQ(IRQ_BASE, v);
	ASSERT_EQ(0, vmdev_resources_get_msi(res, VMDEV_RES_GENERIC_MSI,
					     &v, &c));
	ASSERT_EQ(GSI_BASE, v);
	ASSERT_EQ(2U, c);
	ASSERT_EQ(0, vmdev_resources_get_msi(res, VMDEV_RES_PCI_MSI, &v, &c));
	ASSERT_EQ(GSI_BASE + 2, v);
	ASSERT_EQ(4U, c);
	ASSERT_EQ(0, vmdev_resources_get_msi(res, VMDEV_RES_PCI_MSIX,
					     &v, &c));
	ASSERT_EQ(GSI_BASE + 6, v);
	ASSERT_EQ(3U, c);
	ASSERT_EQ(1, vmdev_resources_get_slots(res, &v, 1));
	ASSERT_EQ(0U, v);
	ASSERT_EQ(0, vmdev_resources_get_mac(res, mac));
	ASSERT_EQ(0x52, mac[0]);
	ASSERT_EQ(0x54, mac[1]);
	ASSERT_EQ(0, mac[2] | mac[3] | mac[4] | mac[5]);
	ASSERT_EQ(0, vmdev_resource_manager_release(m, res));
	vmdev_resources_free(res);
}

TEST(new_invalid_args)
{
	struct vmdev_resource_manager_opts o;
	struct vmdev_resource_manager *m = NULL;
	struct {
		struct vmdev_resource_manager_opts o;
		uint64_t future;
	} big;

	ASSERT_ERR(EINVAL, vmdev_resource_manager_new(NULL, NULL));
	full_opts(&o);
	o.sz = sizeof(size_t) - 1;
	ASSERT_ERR(EINVAL, vmdev_resource_manager_new(&o, &m));
	/* A newer caller's unknown fields must be zero. */
	full_opts(&big.o);
	big.o.sz = sizeof(big);
	big.future = 1;
	ASSERT_ERR(EINVAL, vmdev_resource_manager_new(&big.o, &m));
	ASSERT_EQ(NULL, m);
	big.future = 0;
	/* More windows than memory can hold. */
	big.o.nr_mmio = SIZE_MAX / 2;
	ASSERT_ERR(ENOMEM, vmdev_resource_manager_new(&big.o, &m));
	ASSERT_EQ(NULL, m);
	big.o.nr_mmio = 2;
	ASSERT_EQ(0, vmdev_resource_manager_new(&big.o, &m));
	vmdev_resource_manager_free(m);
	vmdev_resource_manager_free(NULL);
	ASSERT_EQ(0, res_leaks());
}

TEST(new_invalid_windows)
{
	const struct vmdev_addr_window overlap[] = {
		{ 0x1000, 0x1000 }, { 0x1fff, 0x10 },
	};
	const struct vmdev_addr_window empty[] = { { 0x1000, 0 } };
	const struct vmdev_addr_window wraps[] = { { UINT64_MAX, 2 } };
	struct vmdev_resource_manager_opts o;
	struct vmdev_resource_manager *m = NULL;
	int i;

	for (i = 0; i < 11; i++) {
		full_opts(&o);
		switch (i) {
		case 0:
			o.pio = (struct vmdev_addr_window){ 0xff00, 0x101 };
			break;
		case 1:
			o.pio = (struct vmdev_addr_window){ UINT64_MAX, 2 };
			break;
		case 2:
			o.mmio = NULL;
			break;
		case 3:
			o.mmio = overlap;
			break;
		case 4:
			o.mmio = empty;
			o.nr_mmio = 1;
			break;
		case 5:
			o.mmio = wraps;
			o.nr_mmio = 1;
			break;
		case 6:
			o.mem = wraps[0];
			break;
		case 7:
			o.legacy_irq = (struct vmdev_id_window){ UINT32_MAX, 2 };
			break;
		case 8:
			o.msi = (struct vmdev_id_window){ 2, UINT32_MAX };
			break;
		case 9:
			o.kvm_slot = (struct vmdev_id_window){ 10, UINT32_MAX };
			break;
		case 10:
			o.mac_prefix[0] = 0x01;	/* multicast */
			break;
		}
		errno = 0;
		ASSERT_EQ(-EINVAL, vmdev_resource_manager_new(&o, &m))
			TH_LOG("case %d", i);
		ASSERT_EQ(EINVAL, errno);
		ASSERT_EQ(NULL, m);
	}
	ASSERT_EQ(0, res_leaks());
}

/* Windows at the edges of their spaces and touching each other are fine. */
TEST(new_edge_windows)
{
	const struct vmdev_addr_window touching[] = {
		{ 0x2000, 0x1000 }, { UINT64_MAX - 0xfff, 0x1000 },
		{ 0x1000, 0x1000 },
	};
	struct vmdev_resource_manager_opts o;
	struct vmdev_resource_manager *m;
	struct vmdev_resources *res;
	const struct vmdev_constraint c[] = {
		range_at(VMDEV_RES_MMIO, 0x1800, 0x1000),
		range_at(VMDEV_RES_MMIO, UINT64_MAX, 1),
		range_at(VMDEV_RES_PIO, 0xffff, 1),
		id_c(VMDEV_RES_LEGACY_IRQ, VMDEV_ALLOC_EXACT, UINT32_MAX, 1),
	};

	full_opts(&o);
	o.mmio = touching;
	o.nr_mmio = 3;
	o.pio = (struct vmdev_addr_window){ 0xf000, 0x1000 };
	o.legacy_irq = (struct vmdev_id_window){ UINT32_MAX, 1 };
	ASSERT_EQ(0, vmdev_resource_manager_new(&o, &m));
	/* A range across two touching windows is in neither. */
	ASSERT_ERR(ERANGE, vmdev_resource_manager_allocate(m, c, 1, &res));
	ASSERT_EQ(0, vmdev_resource_manager_allocate(m, c + 1, 3, &res));
	ASSERT_EQ(0, vmdev_resource_manager_release(m, res));
	vmdev_resources_free(res);
	vmdev_resource_manager_free(m);
	ASSERT_EQ(0, res_leaks());
}

TEST(new_enomem)
{
	struct vmdev_resource_manager_opts o;
	struct vmdev_resource_manager *m = NULL;
	long n;
	int err;

	full_opts(&o);
	for (n = 0;; n++) {
		failmalloc_arm(n);
		err = vmdev_resource_manager_new(&o, &m);
		failmalloc_disarm();
		if (!err)
			break;
		ASSERT_EQ(-ENOMEM, err);
		ASSERT_EQ(ENOMEM, errno);
		ASSERT_EQ(NULL, m);
		ASSERT_EQ(0, res_leaks());
	}
	/* The manager, a sort buffer, one run per space (6 + 2 windows). */
	ASSERT_EQ(10, n);
	assert_every_kind_fresh(_metadata, m);
	vmdev_resource_manager_free(m);
	ASSERT_EQ(0, res_leaks());
}

/* Without options only the port space exists. */
TEST(defaults_and_short_opts)
{
	const struct vmdev_constraint *c;
	struct vmdev_resource_manager_opts o;
	struct vmdev_resource_manager *m;
	struct vmdev_resources *res = NULL;
	struct vmdev_range_res r;
	size_t i;

	ASSERT_EQ(0, vmdev_resource_manager_new(NULL, &m));
	ASSERT_EQ(0, vmdev_resource_manager_allocate(m, every_kind, 1, &res));
	ASSERT_EQ(1, vmdev_resources_get_ranges(res, VMDEV_RES_PIO, &r, 1));
	ASSERT_EQ(0U, r.base);
	vmdev_resources_free(res);
	res = NULL;
	for (i = 1; i < NR_EVERY; i++) {
		c = &every_kind[i];
		ASSERT_ERR(ENXIO, vmdev_resource_manager_allocate(m, c, 1,
								  &res));
	}
	ASSERT_EQ(NULL, res);
	vmdev_resource_manager_free(m);

	/* An older caller's struct: fields past sz are not read. */
	full_opts(&o);
	o.pio = (struct vmdev_addr_window){ 0x100, 0x100 };
	o.sz = offsetof(struct vmdev_resource_manager_opts, mmio);
	ASSERT_EQ(0, vmdev_resource_manager_new(&o, &m));
	ASSERT_EQ(0, vmdev_resource_manager_allocate(m, every_kind, 1, &res));
	ASSERT_EQ(1, vmdev_resources_get_ranges(res, VMDEV_RES_PIO, &r, 1));
	ASSERT_EQ(0x100U, r.base);
	vmdev_resources_free(res);
	res = NULL;
	ASSERT_ERR(ENXIO, vmdev_resource_manager_allocate(m, &every_kind[1],
							  1, &res));
	vmdev_resource_manager_free(m);
	ASSERT_EQ(0, res_leaks());
}

TEST_F(mgr, allocate_args)
{
	ASSERT_ERR(EINVAL, vmdev_resource_manager_allocate(NULL, every_kind, 1,
							   &self->res));
	ASSERT_ERR(EINVAL, vmdev_resource_manager_allocate(self->m, every_kind,
							   1, NULL));
	ASSERT_ERR(EINVAL, vmdev_resource_manager_allocate(self->m, NULL, 1,
							   &self->res));
	ASSERT_EQ(NULL, self->res);
	/* An empty list gives an empty set. */
	ASSERT_EQ(0, vmdev_resource_manager_allocate(self->m, NULL, 0,
						     &self->res));
	ASSERT_EQ(0U, vmdev_resources_count(self->res));
	ASSERT_EQ(0, vmdev_resource_manager_release(self->m, self->res));
	assert_every_kind_fresh(_metadata, self->m);
}

TEST_F(mgr, every_kind)
{
	const struct vmdev_resource *r;
	size_t i;

	ASSERT_EQ(0, vmdev_resource_manager_allocate(self->m, every_kind,
						     NR_EVERY, &self->res));
	/* One resource per constraint, in order, of the type asked for. */
	for (i = 0; i < NR_EVERY; i++) {
		r = vmdev_resources_get(self->res, i);
		ASSERT_EQ(every_kind[i].type, r->type);
		ASSERT_EQ(0U, r->pad);
	}
	/* A second device gets the next of everything. */
	vmdev_resources_free(self->res);
	ASSERT_EQ(0, vmdev_resource_manager_allocate(self->m, every_kind,
						     NR_EVERY, &self->res));
	r = vmdev_resources_get(self->res, 0);
	ASSERT_EQ(8U, r->range.base);
	r = vmdev_resources_get(self->res, 1);
	ASSERT_EQ(MMIO_LO + 0x1000, r->range.base);
	r = vmdev_resources_get(self->res, 3);
	ASSERT_EQ(IRQ_BASE + 1, r->irq);
	r = vmdev_resources_get(self->res, 4);
	ASSERT_EQ(GSI_BASE + 9, r->msi.base);
	r = vmdev_resources_get(self->res, 7);
	ASSERT_EQ(1U, r->slot);
	r = vmdev_resources_get(self->res, 8);
	ASSERT_EQ(1, r->mac[5]);
}

TEST_F(mgr, mmio_windows)
{
	struct vmdev_constraint c[] = {
		range_c(VMDEV_RES_MMIO, MMIO_SIZE - 0x1000, 0),
		range_c(VMDEV_RES_MMIO, 0x2000, 0x1000),
		range_c(VMDEV_RES_MMIO, 0x1000, 0),
		range_c(VMDEV_RES_MMIO, 0x100, 0),
		range_at(VMDEV_RES_MMIO, MMIO_HI + 0x8000, 0x100),
	};
	struct vmdev_range_res r[5];

	c[3].range.policy = VMDEV_ALLOC_LAST_MATCH;
	ASSERT_EQ(0, vmdev_resource_manager_allocate(self->m, c, 5,
						     &self->res));
	ASSERT_EQ(5, vmdev_resources_get_ranges(self->res, VMDEV_RES_MMIO,
						r, 5));
	ASSERT_EQ(MMIO_LO, r[0].base);
	/* No room left in the low window: the next one takes it. */
	ASSERT_EQ(MMIO_HI, r[1].base);
	ASSERT_EQ(MMIO_LO + MMIO_SIZE - 0x1000, r[2].base);
	/* Last match starts from the highest window. */
	ASSERT_EQ(MMIO_HI + MMIO_SIZE - 0x100, r[3].base);
	ASSERT_EQ(MMIO_HI + 0x8000, r[4].base);

	/* Outside every window, and between them. */
	vmdev_resources_free(self->res);
	self->res = NULL;
	c[0] = range_at(VMDEV_RES_MMIO, MMIO_HI - 0x1000, 0x1000);
	ASSERT_ERR(ERANGE, vmdev_resource_manager_allocate(self->m, c, 1,
							   &self->res));
	c[0] = range_at(VMDEV_RES_MMIO, MMIO_HI + MMIO_SIZE - 0x10, 0x20);
	ASSERT_ERR(ERANGE, vmdev_resource_manager_allocate(self->m, c, 1,
							   &self->res));
	c[0] = range_c(VMDEV_RES_MMIO, MMIO_SIZE + 1, 0);
	ASSERT_ERR(ENOSPC, vmdev_resource_manager_allocate(self->m, c, 1,
							   &self->res));
	c[0] = range_c(VMDEV_RES_MMIO, 0x1000, 0);
	c[0].range.min = MMIO_HI + MMIO_SIZE;
	ASSERT_ERR(ENOSPC, vmdev_resource_manager_allocate(self->m, c, 1,
							   &self->res));
}

TEST_F(mgr, ids_and_macs)
{
	const struct vmdev_constraint c[] = {
		id_c(VMDEV_RES_LEGACY_IRQ, VMDEV_ALLOC_EXACT, 12, 1),
		id_c(VMDEV_RES_PCI_MSIX, VMDEV_ALLOC_LAST_MATCH, 0, 8),
		id_c(VMDEV_RES_KVM_SLOT, VMDEV_ALLOC_EXACT, 31, 0),
		mac_c(VMDEV_ALLOC_LAST_MATCH, 0),
		id_c(VMDEV_RES_PCI_MSI, VMDEV_ALLOC_EXACT, GSI_BASE, 1),
	};
	struct vmdev_constraint bad;
	struct vmdev_resources *res = NULL;
	uint32_t v, n;
	uint8_t mac[6];

	ASSERT_EQ(0, vmdev_resource_manager_allocate(self->m, c, 5,
						     &self->res));
	ASSERT_EQ(0, vmdev_resources_get_legacy_irq(self->res, &v));
	ASSERT_EQ(12U, v);
	ASSERT_EQ(0, vmdev_resources_get_msi(self->res, VMDEV_RES_PCI_MSIX,
					     &v, &n));
	ASSERT_EQ(GSI_BASE + GSI_COUNT - 8, v);
	ASSERT_EQ(8U, n);
	ASSERT_EQ(1, vmdev_resources_get_slots(self->res, &v, 1));
	ASSERT_EQ(31U, v);
	ASSERT_EQ(0, vmdev_resources_get_mac(self->res, mac));
	ASSERT_EQ(0xff, mac[3] & mac[4] & mac[5]);

	/* Taken: the exact IRQ, GSI, slot; a MAC of the prefix; outside. */
	ASSERT_ERR(EBUSY, vmdev_resource_manager_allocate(self->m, c, 1, &res));
	ASSERT_ERR(EBUSY, vmdev_resource_manager_allocate(self->m, c + 2, 1,
							  &res));
	ASSERT_ERR(EBUSY, vmdev_resource_manager_allocate(self->m, c + 4, 1,
							  &res));
	bad = mac_c(VMDEV_ALLOC_EXACT, 0xff);
	bad.mac.addr[3] = 0xff;
	bad.mac.addr[4] = 0xff;
	ASSERT_ERR(EBUSY, vmdev_resource_manager_allocate(self->m, &bad, 1,
							  &res));
	bad.mac.addr[2] = 1;	/* another prefix */
	ASSERT_ERR(ERANGE, vmdev_resource_manager_allocate(self->m, &bad, 1,
							   &res));
	bad = id_c(VMDEV_RES_LEGACY_IRQ, VMDEV_ALLOC_EXACT, IRQ_BASE - 1, 1);
	ASSERT_ERR(ERANGE, vmdev_resource_manager_allocate(self->m, &bad, 1,
							   &res));
	bad = id_c(VMDEV_RES_GENERIC_MSI, 0, 0, GSI_COUNT);
	ASSERT_ERR(ENOSPC, vmdev_resource_manager_allocate(self->m, &bad, 1,
							   &res));
	ASSERT_EQ(NULL, res);
}

/* Whatever makes the last constraint fail, nothing stays allocated. */
TEST_F(mgr, all_or_nothing)
{
	const struct {
		int err;
		struct vmdev_constraint c;
	} last[] = {
		/* every_kind took some guest memory already */
		{ ENOSPC, range_c(VMDEV_RES_MEM, MEM_SIZE, 0) },
		{ ENOSPC, range_c(VMDEV_RES_MMIO, MMIO_SIZE + 1, 0) },
		{ ENOSPC, range_c(VMDEV_RES_PIO, 0xfff9, 0) },
		{ ENOSPC, id_c(VMDEV_RES_KVM_SLOT, 0, 0, 1) },
		/* every_kind took slot 0 */
		{ EBUSY, id_c(VMDEV_RES_KVM_SLOT, VMDEV_ALLOC_EXACT, 0, 1) },
		{ ERANGE, range_at(VMDEV_RES_MMIO, 0x1000, 1) },
		{ ERANGE, id_c(VMDEV_RES_KVM_SLOT, VMDEV_ALLOC_EXACT,
			       SLOT_COUNT, 1) },
	};
	struct vmdev_constraint c[NR_EVERY + SLOT_COUNT];
	size_t i, n;

	memcpy(c, every_kind, sizeof(every_kind));
	for (i = 0; i < ARRAY_SIZE(last); i++) {
		n = NR_EVERY;
		/* For "no slot left", ask for all the others first. */
		while (i == 3 && n < NR_EVERY + SLOT_COUNT - 1)
			c[n++] = id_c(VMDEV_RES_KVM_SLOT, 0, 0, 1);
		c[n++] = last[i].c;
		errno = 0;
		ASSERT_EQ(-last[i].err,
			  vmdev_resource_manager_allocate(self->m, c, n,
							  &self->res))
			TH_LOG("case %zu", i);
		ASSERT_EQ(last[i].err, errno);
		ASSERT_EQ(NULL, self->res);
		assert_every_kind_fresh(_metadata, self->m);
	}
}

/* A space the manager does not have fails the list, after the others. */
TEST(all_or_nothing_missing_space)
{
	const struct vmdev_constraint c[] = {
		range_c(VMDEV_RES_PIO, 0x10000, 0),
		id_c(VMDEV_RES_LEGACY_IRQ, 0, 0, 1),
		range_c(VMDEV_RES_MEM, 1, 0),
	};
	struct vmdev_resource_manager_opts o = {
		.sz = sizeof(o),
		.legacy_irq = { IRQ_BASE, 1 },
	};
	struct vmdev_resource_manager *m;
	struct vmdev_resources *res = NULL;

	ASSERT_EQ(0, vmdev_resource_manager_new(&o, &m));
	ASSERT_ERR(ENXIO, vmdev_resource_manager_allocate(m, c, 3, &res));
	ASSERT_EQ(NULL, res);
	/* The whole port space and the one IRQ are still free. */
	ASSERT_EQ(0, vmdev_resource_manager_allocate(m, c, 2, &res));
	ASSERT_EQ(0, vmdev_resource_manager_release(m, res));
	vmdev_resources_free(res);
	vmdev_resource_manager_free(m);
	ASSERT_EQ(0, res_leaks());
}

/* Out of memory at any point of an allocation leaves nothing behind. */
TEST_F(mgr, allocate_enomem)
{
	long n;
	int err;

	for (n = 0;; n++) {
		failmalloc_arm(n);
		err = vmdev_resource_manager_allocate(self->m, every_kind,
						      NR_EVERY, &self->res);
		failmalloc_disarm();
		if (!err)
			break;
		ASSERT_EQ(-ENOMEM, err);
		ASSERT_EQ(ENOMEM, errno);
		ASSERT_EQ(NULL, self->res);
		assert_every_kind_fresh(_metadata, self->m);
	}
	ASSERT_LT((long)NR_EVERY, n);
	ASSERT_EQ(0, vmdev_resource_manager_release(self->m, self->res));
	assert_every_kind_fresh(_metadata, self->m);
}

TEST_F(mgr, release_args)
{
	struct vmdev_resources *empty;

	ASSERT_EQ(0, vmdev_resources_new(&empty));
	ASSERT_ERR(EINVAL, vmdev_resource_manager_release(NULL, empty));
	ASSERT_ERR(EINVAL, vmdev_resource_manager_release(self->m, NULL));
	ASSERT_EQ(0, vmdev_resource_manager_release(self->m, empty));
	vmdev_resources_free(empty);
}

static bool single_kind(uint32_t type)
{
	return type == VMDEV_RES_LEGACY_IRQ || type == VMDEV_RES_MAC ||
	       type == VMDEV_RES_GENERIC_MSI || type == VMDEV_RES_PCI_MSI ||
	       type == VMDEV_RES_PCI_MSIX;
}

/*
 * A copy of the first n resources of a set with extra added: in place of
 * the resource of its kind if a set holds only one of those, else at the
 * end.
 */
static struct vmdev_resources *copy_set(struct __test_metadata *_metadata,
					const struct vmdev_resources *res,
					size_t n,
					const struct vmdev_resource *extra)
{
	const struct vmdev_resource *r;
	struct vmdev_resources *copy;
	bool placed = !extra;
	size_t i;

	ASSERT_EQ(0, vmdev_resources_new(&copy));
	for (i = 0; i < n; i++) {
		r = vmdev_resources_get(res, i);
		if (!placed && single_kind(extra->type) &&
		    r->type == extra->type) {
			r = extra;
			placed = true;
		}
		ASSERT_EQ(0, vmdev_resources_append(copy, r));
	}
	if (!placed)
		ASSERT_EQ(0, vmdev_resources_append(copy, extra));
	return copy;
}

TEST_F(mgr, release_all_or_nothing)
{
	const struct {
		int err;
		struct vmdev_resource r;
	} bad[] = {
		/* Never allocated. */
		{ ENOENT, { .type = VMDEV_RES_PIO, .range = { 0x100, 8 } } },
		{ ENOENT, { .type = VMDEV_RES_KVM_SLOT, .slot = 5 } },
		{ ENOENT, { .type = VMDEV_RES_MAC,
			    .mac = { 0x52, 0x54, 0, 0, 0, 9 } } },
		/* Overlapping an allocation without being it. */
		{ EINVAL, { .type = VMDEV_RES_PIO, .range = { 0, 4 } } },
		{ EINVAL, { .type = VMDEV_RES_MEM,
			    .range = { MEM_BASE, 0x400000 } } },
		{ EINVAL, { .type = VMDEV_RES_PCI_MSI,
			    .msi = { GSI_BASE + 2, 2 } } },
		/* Outside every space, or in a space the manager lacks. */
		{ ERANGE, { .type = VMDEV_RES_MMIO,
			    .range = { 0x1000, 0x1000 } } },
		{ ERANGE, { .type = VMDEV_RES_LEGACY_IRQ, .irq = 1 } },
		{ ERANGE, { .type = VMDEV_RES_MAC,
			    .mac = { 0x52, 0x55, 0, 0, 0, 0 } } },
	};
	struct vmdev_resources *with_bad;
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ASSERT_EQ(0, vmdev_resource_manager_allocate(self->m,
							     every_kind,
							     NR_EVERY,
							     &self->res));
		with_bad = copy_set(_metadata, self->res, NR_EVERY,
				    &bad[i].r);
		errno = 0;
		ASSERT_EQ(-bad[i].err,
			  vmdev_resource_manager_release(self->m, with_bad))
			TH_LOG("case %zu", i);
		ASSERT_EQ(bad[i].err, errno);
		vmdev_resources_free(with_bad);
		/* Nothing was freed: the good part still releases whole. */
		err = vmdev_resource_manager_release(self->m, self->res);
		ASSERT_EQ(0, err);
		vmdev_resources_free(self->res);
		self->res = NULL;
		assert_every_kind_fresh(_metadata, self->m);
	}
}

TEST_F(mgr, release_twice_and_duplicates)
{
	struct vmdev_resources *dup;

	ASSERT_EQ(0, vmdev_resource_manager_allocate(self->m, every_kind,
						     NR_EVERY, &self->res));
	/* The same allocation listed twice: nothing is freed. */
	dup = copy_set(_metadata, self->res, 3,
		       vmdev_resources_get(self->res, 1));
	ASSERT_ERR(ENOENT, vmdev_resource_manager_release(self->m, dup));
	vmdev_resources_free(dup);

	/* Releasing never allocates memory. */
	failmalloc_arm(0);
	ASSERT_EQ(0, vmdev_resource_manager_release(self->m, self->res));
	failmalloc_disarm();
	ASSERT_FALSE(failmalloc_failed);
	ASSERT_ERR(ENOENT, vmdev_resource_manager_release(self->m, self->res));
	assert_every_kind_fresh(_metadata, self->m);
}

/* Threads allocating and releasing through one manager never overlap. */
#define THREADS		4
#define ROUNDS		2000

struct shared {
	struct vmdev_resource_manager *m;
	atomic_uchar owner[0x10000];	/* PIO port -> thread + 1 */
	atomic_uint failures;
};

/* Mark the ports of r as this thread's; count any already marked. */
static void own_ports(struct shared *sh, const struct vmdev_range_res *r,
		      unsigned char me)
{
	unsigned char none;
	uint64_t p;

	for (p = r->base; p < r->base + r->size; p++) {
		none = 0;
		if (!atomic_compare_exchange_strong(&sh->owner[p], &none, me))
			atomic_fetch_add(&sh->failures, 1);
	}
}

static void disown_ports(struct shared *sh, const struct vmdev_range_res *r)
{
	uint64_t p;

	for (p = r->base; p < r->base + r->size; p++)
		atomic_store(&sh->owner[p], 0);
}

static void *worker(void *arg)
{
	struct shared *sh = ((void **)arg)[0];
	unsigned char me = (uintptr_t)((void **)arg)[1];
	struct vmdev_constraint c[] = {
		range_c(VMDEV_RES_PIO, 0x100, 0x10),
		range_c(VMDEV_RES_PIO, 0x31, 1),
		id_c(VMDEV_RES_GENERIC_MSI, 0, 0, 3),
	};
	struct vmdev_resources *res;
	struct vmdev_range_res r[2];
	int i;

	for (i = 0; i < ROUNDS; i++) {
		c[1].range.policy = i & 1;
		if (vmdev_resource_manager_allocate(sh->m, c, 3, &res)) {
			atomic_fetch_add(&sh->failures, 1);
			continue;
		}
		vmdev_resources_get_ranges(res, VMDEV_RES_PIO, r, 2);
		own_ports(sh, &r[0], me);
		own_ports(sh, &r[1], me);
		disown_ports(sh, &r[0]);
		disown_ports(sh, &r[1]);
		if (vmdev_resource_manager_release(sh->m, res))
			atomic_fetch_add(&sh->failures, 1);
		vmdev_resources_free(res);
	}
	return NULL;
}

TEST_F(mgr, threads)
{
	struct shared *sh = calloc(1, sizeof(*sh));
	void *args[THREADS][2];
	pthread_t t[THREADS];
	int i;

	ASSERT_NE(NULL, sh);
	sh->m = self->m;
	for (i = 0; i < THREADS; i++) {
		args[i][0] = sh;
		args[i][1] = (void *)(uintptr_t)(i + 1);
		ASSERT_EQ(0, pthread_create(&t[i], NULL, worker, args[i]));
	}
	for (i = 0; i < THREADS; i++)
		ASSERT_EQ(0, pthread_join(t[i], NULL));
	ASSERT_EQ(0U, atomic_load(&sh->failures));
	free(sh);
	assert_every_kind_fresh(_metadata, self->m);
}

TEST_HARNESS_MAIN
