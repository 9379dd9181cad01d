// SPDX-License-Identifier: GPL-2.0
/*
 * ID allocator: lowest and highest free ID, blocks of consecutive IDs,
 * reserving a given ID (which vm-allocator's IdAllocator cannot), and
 * release with double-free and never-allocated detection.
 */
#include <stdint.h>
#include <vmdev/allocator.h>
#include "kselftest_harness.h"
#include "../failmalloc.h"
#include "../test_util.h"

#define FIRST	32U
#define LAST	63U

static struct vmdev_id_req any(uint32_t count)
{
	return (struct vmdev_id_req){ .count = count };
}

static struct vmdev_id_req highest(uint32_t count)
{
	return (struct vmdev_id_req){ .policy = VMDEV_ALLOC_LAST_MATCH,
				      .count = count };
}

static struct vmdev_id_req reserve(uint32_t id, uint32_t count)
{
	return (struct vmdev_id_req){ .policy = VMDEV_ALLOC_EXACT, .id = id,
				      .count = count };
}

#define GET(a, req) ({							\
	struct vmdev_id_req __r = (req);				\
	uint32_t __id = 0;						\
	ASSERT_EQ(0, vmdev_id_allocator_alloc((a), &__r, &__id));	\
	__id;								\
})

FIXTURE(ids) {
	struct vmdev_id_allocator *a;
};

FIXTURE_SETUP(ids)
{
	ASSERT_EQ(0, vmdev_id_allocator_new(FIRST, LAST, &self->a));
}

FIXTURE_TEARDOWN(ids)
{
	vmdev_id_allocator_free(self->a);
	EXPECT_EQ(0, res_leaks());
}

/* Every ID is free: one block takes the whole range. */
static void assert_all_free(struct __test_metadata *_metadata,
			    struct vmdev_id_allocator *a)
{
	ASSERT_EQ(FIRST, GET(a, any(LAST - FIRST + 1)));
	ASSERT_EQ(0, vmdev_id_allocator_release(a, FIRST, LAST - FIRST + 1));
}

TEST(new_invalid)
{
	struct vmdev_id_allocator *a = NULL;

	ASSERT_ERR(EINVAL, vmdev_id_allocator_new(0, 10, NULL));
	ASSERT_ERR(EINVAL, vmdev_id_allocator_new(11, 10, &a));
	ASSERT_EQ(NULL, a);
	vmdev_id_allocator_free(NULL);
}

TEST(new_enomem)
{
	struct vmdev_id_allocator *a = NULL;
	long n;
	int err;

	for (n = 0;; n++) {
		failmalloc_arm(n);
		err = vmdev_id_allocator_new(0, 10, &a);
		failmalloc_disarm();
		if (!err)
			break;
		ASSERT_EQ(-ENOMEM, err);
		ASSERT_EQ(ENOMEM, errno);
		ASSERT_EQ(NULL, a);
	}
	ASSERT_EQ(2, n);
	vmdev_id_allocator_free(a);
	ASSERT_EQ(0, res_leaks());
}

/* A one-ID space and the whole 32-bit space. */
TEST(space_edges)
{
	struct vmdev_id_allocator *a;
	struct vmdev_id_req req = any(1);
	uint32_t id;

	ASSERT_EQ(0, vmdev_id_allocator_new(7, 7, &a));
	ASSERT_EQ(7U, GET(a, any(1)));
	ASSERT_ERR(ENOSPC, vmdev_id_allocator_alloc(a, &req, &id));
	vmdev_id_allocator_free(a);

	ASSERT_EQ(0, vmdev_id_allocator_new(0, UINT32_MAX, &a));
	ASSERT_EQ(UINT32_MAX, GET(a, highest(1)));
	ASSERT_EQ(0U, GET(a, any(UINT32_MAX)));
	ASSERT_ERR(ENOSPC, vmdev_id_allocator_alloc(a, &req, &id));
	ASSERT_EQ(0, vmdev_id_allocator_release(a, 0, UINT32_MAX));
	ASSERT_EQ(0, vmdev_id_allocator_release(a, UINT32_MAX, 1));
	ASSERT_EQ(UINT32_MAX - 1, GET(a, reserve(UINT32_MAX - 1, 2)));
	vmdev_id_allocator_free(a);
	ASSERT_EQ(0, res_leaks());
}

TEST_F(ids, alloc_invalid)
{
	struct vmdev_id_req bad[] = {
		{ .policy = VMDEV_ALLOC_EXACT + 1 },
		{ .pad = 1 },
		{ .policy = VMDEV_ALLOC_EXACT, .id = UINT32_MAX, .count = 2 },
	};
	struct vmdev_id_req ok = any(1);
	uint32_t id = 0xdead;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		ASSERT_EQ(-EINVAL, vmdev_id_allocator_alloc(self->a, &bad[i],
							    &id))
			TH_LOG("case %zu", i);
		ASSERT_EQ(EINVAL, errno);
	}
	ASSERT_ERR(EINVAL, vmdev_id_allocator_alloc(NULL, &ok, &id));
	ASSERT_ERR(EINVAL, vmdev_id_allocator_alloc(self->a, NULL, &id));
	ASSERT_ERR(EINVAL, vmdev_id_allocator_alloc(self->a, &ok, NULL));
	ASSERT_EQ(0xdeadU, id);
	assert_all_free(_metadata, self->a);
}

TEST_F(ids, lowest_and_highest)
{
	struct vmdev_id_req req = any(1);
	uint32_t i, id;

	ASSERT_EQ(FIRST, GET(self->a, any(0)));		/* count 0 is 1 */
	ASSERT_EQ(FIRST + 1, GET(self->a, any(1)));
	ASSERT_EQ(LAST, GET(self->a, highest(0)));
	ASSERT_EQ(LAST - 1, GET(self->a, highest(1)));
	ASSERT_EQ(0, vmdev_id_allocator_release(self->a, FIRST, 0));
	ASSERT_EQ(FIRST, GET(self->a, any(1)));
	for (i = FIRST + 2; i < LAST - 1; i++)
		ASSERT_EQ(i, GET(self->a, any(1)));
	ASSERT_ERR(ENOSPC, vmdev_id_allocator_alloc(self->a, &req, &id));
	req = highest(1);
	ASSERT_ERR(ENOSPC, vmdev_id_allocator_alloc(self->a, &req, &id));
}

/* MSI-style blocks: consecutive IDs, holes too small are skipped. */
TEST_F(ids, blocks)
{
	struct vmdev_id_req req = any(LAST - FIRST);
	uint32_t id;

	ASSERT_EQ(FIRST, GET(self->a, any(4)));
	ASSERT_EQ(FIRST + 4, GET(self->a, any(2)));
	ASSERT_EQ(FIRST + 6, GET(self->a, any(4)));
	ASSERT_EQ(0, vmdev_id_allocator_release(self->a, FIRST + 4, 2));
	ASSERT_EQ(FIRST + 10, GET(self->a, any(3)));
	ASSERT_EQ(FIRST + 4, GET(self->a, any(2)));
	ASSERT_EQ(LAST - 7, GET(self->a, highest(8)));
	ASSERT_ERR(ENOSPC, vmdev_id_allocator_alloc(self->a, &req, &id));
	req = any(LAST - FIRST + 2);
	ASSERT_ERR(ENOSPC, vmdev_id_allocator_alloc(self->a, &req, &id));
}

TEST_F(ids, reserve_specific_id)
{
	struct vmdev_id_req req;
	uint32_t id;

	ASSERT_EQ(FIRST + 4, GET(self->a, reserve(FIRST + 4, 1)));
	ASSERT_EQ(LAST, GET(self->a, reserve(LAST, 0)));
	ASSERT_EQ(FIRST + 8, GET(self->a, reserve(FIRST + 8, 4)));
	/* Taken, wholly or in part. */
	req = reserve(FIRST + 4, 1);
	ASSERT_ERR(EBUSY, vmdev_id_allocator_alloc(self->a, &req, &id));
	req = reserve(FIRST + 2, 3);
	ASSERT_ERR(EBUSY, vmdev_id_allocator_alloc(self->a, &req, &id));
	req = reserve(FIRST + 11, 2);
	ASSERT_ERR(EBUSY, vmdev_id_allocator_alloc(self->a, &req, &id));
	/* Outside the range, wholly or in part. */
	req = reserve(FIRST - 1, 1);
	ASSERT_ERR(ERANGE, vmdev_id_allocator_alloc(self->a, &req, &id));
	req = reserve(LAST, 2);
	ASSERT_ERR(ERANGE, vmdev_id_allocator_alloc(self->a, &req, &id));
	req = reserve(UINT32_MAX, 1);
	ASSERT_ERR(ERANGE, vmdev_id_allocator_alloc(self->a, &req, &id));
	/* "Any" allocation goes around reserved IDs. */
	ASSERT_EQ(FIRST, GET(self->a, any(4)));
	ASSERT_EQ(FIRST + 5, GET(self->a, any(3)));
	ASSERT_EQ(FIRST + 12, GET(self->a, any(1)));
	ASSERT_EQ(LAST - 1, GET(self->a, highest(1)));
}

TEST_F(ids, release_errors)
{
	ASSERT_EQ(FIRST, GET(self->a, any(4)));
	ASSERT_ERR(EINVAL, vmdev_id_allocator_release(NULL, FIRST, 4));
	ASSERT_ERR(EINVAL, vmdev_id_allocator_release(self->a, UINT32_MAX, 2));
	/* Part of the block, more than it, or offset into it. */
	ASSERT_ERR(EINVAL, vmdev_id_allocator_release(self->a, FIRST, 1));
	ASSERT_ERR(EINVAL, vmdev_id_allocator_release(self->a, FIRST, 5));
	ASSERT_ERR(EINVAL, vmdev_id_allocator_release(self->a, FIRST + 1, 3));
	/* Outside the range. */
	ASSERT_ERR(ERANGE, vmdev_id_allocator_release(self->a, FIRST - 1, 1));
	ASSERT_ERR(ERANGE, vmdev_id_allocator_release(self->a, LAST, 2));
	/* Failed releases lost nothing: the block is still there, whole. */
	ASSERT_EQ(0, vmdev_id_allocator_release(self->a, FIRST, 4));
	assert_all_free(_metadata, self->a);
}

TEST_F(ids, double_free_detected)
{
	ASSERT_EQ(FIRST, GET(self->a, any(1)));
	ASSERT_EQ(0, vmdev_id_allocator_release(self->a, FIRST, 1));
	ASSERT_ERR(ENOENT, vmdev_id_allocator_release(self->a, FIRST, 1));
	ASSERT_EQ(FIRST, GET(self->a, any(2)));
	ASSERT_EQ(0, vmdev_id_allocator_release(self->a, FIRST, 2));
	ASSERT_ERR(ENOENT, vmdev_id_allocator_release(self->a, FIRST, 2));
	assert_all_free(_metadata, self->a);
}

TEST_F(ids, never_allocated_detected)
{
	ASSERT_EQ(FIRST, GET(self->a, any(1)));
	ASSERT_ERR(ENOENT, vmdev_id_allocator_release(self->a, FIRST + 1, 1));
	ASSERT_ERR(ENOENT, vmdev_id_allocator_release(self->a, LAST, 1));
	ASSERT_ERR(ENOENT, vmdev_id_allocator_release(self->a, FIRST + 1,
						      LAST - FIRST));
	ASSERT_EQ(0, vmdev_id_allocator_release(self->a, FIRST, 1));
	assert_all_free(_metadata, self->a);
}

TEST_F(ids, alloc_enomem)
{
	struct vmdev_id_req req = reserve(FIRST + 10, 1);
	uint32_t id = 0;
	long n;
	int err;

	for (n = 0;; n++) {
		failmalloc_arm(n);
		err = vmdev_id_allocator_alloc(self->a, &req, &id);
		failmalloc_disarm();
		if (!err)
			break;
		ASSERT_EQ(-ENOMEM, err);
		ASSERT_EQ(ENOMEM, errno);
		assert_all_free(_metadata, self->a);
	}
	ASSERT_EQ(2, n);
	ASSERT_EQ(FIRST + 10, id);
	failmalloc_arm(0);
	ASSERT_EQ(0, vmdev_id_allocator_release(self->a, FIRST + 10, 1));
	failmalloc_disarm();
	ASSERT_FALSE(failmalloc_failed);
	assert_all_free(_metadata, self->a);
}

TEST_HARNESS_MAIN
