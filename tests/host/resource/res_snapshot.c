// SPDX-License-Identifier: GPL-2.0
/*
 * A resource manager's allocations as an image (libvmdev/resource/
 * res_snapshot.h, what vmdev_vm_save() puts in a blob's RESOURCES
 * section), without KVM: taken from a manager of every kind of space
 * with holes, put into a fresh manager of the same configuration, which
 * then answers every request as the original does; into a manager that
 * holds a subset (and undone back to it); refused for another
 * configuration or an allocation the image lacks; out of memory at
 * every allocation, each failure changing nothing.
 */
#include <stdint.h>
#include <vmdev/allocator.h>
#include "kselftest_harness.h"
#include "../failmalloc.h"
#include "../../../libvmdev/resource/res_snapshot.h"

static const struct vmdev_addr_window mmio_windows[] = {
	{ 0xe0000000ULL, 0x10000 }, { 0xd0000000ULL, 0x10000 },
};

static void full_opts(struct vmdev_resource_manager_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	o->mmio = mmio_windows;
	o->nr_mmio = 2;
	o->mem = (struct vmdev_addr_window){ 0x100000000ULL, 0x40000000ULL };
	o->legacy_irq = (struct vmdev_id_window){ 5, 19 };
	o->msi = (struct vmdev_id_window){ 24, 1000 };
	o->kvm_slot = (struct vmdev_id_window){ 0, 32 };
	o->mac_prefix[0] = 0x52;
	o->mac_prefix[1] = 0x54;
}

static struct vmdev_constraint c_range(uint32_t type, uint64_t size,
				       uint32_t policy)
{
	return (struct vmdev_constraint){
		.type = type, .range = { .size = size, .policy = policy },
	};
}

static struct vmdev_constraint c_id(uint32_t type, uint32_t count,
				    uint32_t policy)
{
	return (struct vmdev_constraint){
		.type = type, .id = { .count = count, .policy = policy },
	};
}

/* One constraint of every kind, first or last match. */
static size_t every_kind(struct vmdev_constraint *c, uint32_t policy)
{
	size_t n = 0;

	c[n++] = c_range(VMDEV_RES_PIO, 8, policy);
	c[n++] = c_range(VMDEV_RES_MMIO, 0x1000, policy);
	c[n++] = c_range(VMDEV_RES_MEM, 0x200000, policy);
	c[n++] = c_id(VMDEV_RES_LEGACY_IRQ, 0, policy);
	c[n++] = c_id(VMDEV_RES_PCI_MSIX, 5, policy);
	c[n++] = c_id(VMDEV_RES_KVM_SLOT, 0, policy);
	c[n] = (struct vmdev_constraint){ .type = VMDEV_RES_MAC,
					  .mac = { .policy = policy } };
	return n + 1;
}

FIXTURE(img) {
	struct vmdev_resource_manager *a, *b;
	struct vmdev_resources *sets[8];
	struct vmdev_res_image *img;
};

/*
 * a: four rounds of one of everything, first and last match, the
 * second and third released: holes at both ends of every space.
 */
FIXTURE_SETUP(img)
{
	struct vmdev_resource_manager_opts o;
	struct vmdev_constraint c[8];
	size_t n, i;

	full_opts(&o);
	ASSERT_EQ(0, vmdev_resource_manager_new(&o, &self->a));
	ASSERT_EQ(0, vmdev_resource_manager_new(&o, &self->b));
	for (i = 0; i < 8; i++) {
		n = every_kind(c, i % 2 ? VMDEV_ALLOC_LAST_MATCH :
					  VMDEV_ALLOC_FIRST_MATCH);
		ASSERT_EQ(0, vmdev_resource_manager_allocate(self->a, c, n,
							     &self->sets[i]));
	}
	for (i = 2; i < 6; i++) {
		ASSERT_EQ(0, vmdev_resource_manager_release(self->a,
							    self->sets[i]));
		vmdev_resources_free(self->sets[i]);
		self->sets[i] = NULL;
	}
	ASSERT_EQ(0, vmdev_res_image_take(self->a, &self->img));
}

FIXTURE_TEARDOWN(img)
{
	size_t i;

	for (i = 0; i < 8; i++)
		vmdev_resources_free(self->sets[i]);
	vmdev_res_image_free(self->img);
	vmdev_resource_manager_free(self->a);
	vmdev_resource_manager_free(self->b);
}

static void same_image(struct __test_metadata *_metadata,
		       const struct vmdev_res_image *x,
		       const struct vmdev_res_image *y)
{
	ASSERT_EQ(x->nr_spaces, y->nr_spaces);
	ASSERT_EQ(x->nr_allocs, y->nr_allocs);
	EXPECT_EQ(0, memcmp(x->sp, y->sp, x->nr_spaces * sizeof(*x->sp)));
	EXPECT_EQ(0, memcmp(x->al, y->al, x->nr_allocs * sizeof(*x->al)));
}

/* b's image now is what it was. */
static void unchanged(struct __test_metadata *_metadata,
		      struct vmdev_resource_manager *m,
		      const struct vmdev_res_image *before)
{
	struct vmdev_res_image *now;

	ASSERT_EQ(0, vmdev_res_image_take(m, &now));
	same_image(_metadata, before, now);
	vmdev_res_image_free(now);
}

TEST_F(img, what_it_holds)
{
	/* PIO, MEM, IRQ, MSI, slots, MAC, two MMIO windows by address. */
	static const uint32_t kinds[] = {
		VMDEV_RES_SP_PIO, VMDEV_RES_SP_MEM, VMDEV_RES_SP_LEGACY_IRQ,
		VMDEV_RES_SP_MSI, VMDEV_RES_SP_KVM_SLOT, VMDEV_RES_SP_MAC,
		VMDEV_RES_SP_MMIO, VMDEV_RES_SP_MMIO,
	};
	size_t i;

	ASSERT_EQ(8U, self->img->nr_spaces);
	EXPECT_EQ(4U * 7, self->img->nr_allocs);
	for (i = 0; i < 8; i++) {
		EXPECT_EQ(kinds[i], self->img->sp[i].kind);
		/* Two first-match, two last-match allocations each ... */
		EXPECT_EQ(i < 6 ? 4U : 2U, self->img->sp[i].nr);
	}
	/* ... but MMIO: the first window takes the first, the last the last. */
	EXPECT_EQ(0xd0000000ULL, self->img->sp[6].first);
	EXPECT_EQ(0xe000ffffULL, self->img->sp[7].last);
	EXPECT_EQ(0U, self->img->al[0].first);		/* PIO 0..7 */
	EXPECT_EQ(7U, self->img->al[0].last);
}

TEST_F(img, into_a_fresh_manager)
{
	struct vmdev_constraint c[8];
	struct vmdev_resources *ra, *rb;
	struct vmdev_res_image *now;
	size_t n, i, round;

	ASSERT_EQ(0, vmdev_res_image_check(self->b, self->img));
	ASSERT_EQ(0, vmdev_res_image_apply(self->b, self->img));
	ASSERT_EQ(0, vmdev_res_image_take(self->b, &now));
	same_image(_metadata, self->img, now);
	vmdev_res_image_free(now);
	/* The next allocations, either policy, land where a's do. */
	for (round = 0; round < 6; round++) {
		n = every_kind(c, round % 2 ? VMDEV_ALLOC_LAST_MATCH :
					      VMDEV_ALLOC_FIRST_MATCH);
		for (i = 0; i < n; i++) {
			ASSERT_EQ(0, vmdev_resource_manager_allocate(
					     self->a, &c[i], 1, &ra));
			ASSERT_EQ(0, vmdev_resource_manager_allocate(
					     self->b, &c[i], 1, &rb));
			EXPECT_EQ(0, memcmp(vmdev_resources_get(ra, 0),
					    vmdev_resources_get(rb, 0),
					    sizeof(struct vmdev_resource)));
			vmdev_resources_free(ra);
			vmdev_resources_free(rb);
		}
	}
	/* a's sets are b's allocations too: each releases in b. */
	EXPECT_EQ(0, vmdev_resource_manager_release(self->b, self->sets[7]));
	EXPECT_EQ(-ENOENT, vmdev_resource_manager_release(self->b,
							  self->sets[7]));
}

/* b holds a subset: apply adds the rest; undo takes back just those. */
TEST_F(img, subset_then_undo)
{
	struct vmdev_res_image *before, *now;
	size_t i, added = 0;

	/* The same allocations as a's first set, exactly. */
	const struct vmdev_resource *r;
	struct vmdev_constraint c[8];
	struct vmdev_resources *held;

	for (i = 0; i < vmdev_resources_count(self->sets[0]); i++) {
		r = vmdev_resources_get(self->sets[0], i);
		if (r->type == VMDEV_RES_PIO)
			c[0] = (struct vmdev_constraint){ .type = r->type,
				.range = { .size = r->range.size,
					   .addr = r->range.base,
					   .policy = VMDEV_ALLOC_EXACT } };
	}
	ASSERT_EQ(0, vmdev_resource_manager_allocate(self->b, c, 1, &held));
	ASSERT_EQ(0, vmdev_res_image_take(self->b, &before));
	ASSERT_EQ(0, vmdev_res_image_apply(self->b, self->img));
	for (i = 0; i < self->img->nr_allocs; i++)
		added += self->img->added[i];
	EXPECT_EQ(self->img->nr_allocs - 1, added);
	ASSERT_EQ(0, vmdev_res_image_take(self->b, &now));
	same_image(_metadata, self->img, now);
	vmdev_res_image_free(now);
	vmdev_res_image_undo(self->b, self->img);
	unchanged(_metadata, self->b, before);
	vmdev_res_image_free(before);
	vmdev_resources_free(held);
}

TEST_F(img, refused)
{
	struct vmdev_resource_manager_opts o;
	struct vmdev_resource_manager *other;
	struct vmdev_res_image *before;
	/* Ports 0-1: a's first set has 0-7, one allocation. */
	struct vmdev_constraint c = c_range(VMDEV_RES_PIO, 2,
					    VMDEV_ALLOC_FIRST_MATCH);
	struct vmdev_resources *extra;

	/* An allocation the image does not have. */
	ASSERT_EQ(0, vmdev_resource_manager_allocate(self->b, &c, 1, &extra));
	ASSERT_EQ(0, vmdev_res_image_take(self->b, &before));
	EXPECT_EQ(-EBUSY, vmdev_res_image_check(self->b, self->img));
	EXPECT_EQ(-EBUSY, vmdev_res_image_apply(self->b, self->img));
	unchanged(_metadata, self->b, before);
	vmdev_res_image_free(before);
	vmdev_resources_free(extra);
	/* Other configurations: one MMIO window, another MAC prefix. */
	full_opts(&o);
	o.nr_mmio = 1;
	ASSERT_EQ(0, vmdev_resource_manager_new(&o, &other));
	EXPECT_EQ(-EMEDIUMTYPE, vmdev_res_image_apply(other, self->img));
	vmdev_resource_manager_free(other);
	full_opts(&o);
	o.mac_prefix[2] = 1;
	ASSERT_EQ(0, vmdev_resource_manager_new(&o, &other));
	EXPECT_EQ(-EMEDIUMTYPE, vmdev_res_image_check(other, self->img));
	ASSERT_EQ(0, vmdev_res_image_take(other, &before));
	EXPECT_EQ(0U, before->nr_allocs);
	vmdev_res_image_free(before);
	vmdev_resource_manager_free(other);
}

/* Every allocation of take and apply failing in turn. */
TEST_F(img, out_of_memory)
{
	struct vmdev_res_image *empty, *img = NULL;
	long n;
	int ret;

	ASSERT_EQ(0, vmdev_res_image_take(self->b, &empty));
	for (n = 0;; n++) {
		failmalloc_arm(n);
		ret = vmdev_res_image_apply(self->b, self->img);
		failmalloc_disarm();
		if (!ret)
			break;
		ASSERT_EQ(-ENOMEM, ret);
		unchanged(_metadata, self->b, empty);
	}
	EXPECT_LT(0, n);
	for (n = 0;; n++) {
		failmalloc_arm(n);
		ret = vmdev_res_image_take(self->b, &img);
		failmalloc_disarm();
		if (!ret)
			break;
		ASSERT_EQ(-ENOMEM, ret);
	}
	EXPECT_LT(0, n);
	same_image(_metadata, self->img, img);
	vmdev_res_image_free(img);
	vmdev_res_image_free(empty);
}

TEST_HARNESS_MAIN
