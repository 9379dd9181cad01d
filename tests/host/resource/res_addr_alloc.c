// SPDX-License-Identifier: GPL-2.0
/*
 * Address allocator: creation, the three policies with alignment and
 * windows, release with every error, coalescing, allocation failure, and
 * the edges of the 64-bit space. The vm-allocator weaknesses (double free
 * accepted, never-allocated free accepted, a failed free losing space)
 * each have a test showing they are not shared.
 */
#include <stdint.h>
#include <vmdev/allocator.h>
#include "kselftest_harness.h"
#include "../failmalloc.h"
#include "../test_util.h"

#define BASE	0x10000ULL
#define SIZE	0x10000ULL
#define LAST	(BASE + SIZE - 1)

static struct vmdev_addr_req first_match(uint64_t size, uint64_t align)
{
	return (struct vmdev_addr_req){ .size = size, .align = align };
}

static struct vmdev_addr_req last_match(uint64_t size, uint64_t align)
{
	return (struct vmdev_addr_req){ .size = size, .align = align,
					.policy = VMDEV_ALLOC_LAST_MATCH };
}

static struct vmdev_addr_req exact(uint64_t addr, uint64_t size)
{
	return (struct vmdev_addr_req){ .size = size, .addr = addr,
					.policy = VMDEV_ALLOC_EXACT };
}

/* Allocate and return the address, or fail the test. */
#define ALLOC(a, req) ({						\
	struct vmdev_addr_req __r = (req);				\
	uint64_t __addr = 0;						\
	ASSERT_EQ(0, vmdev_addr_allocator_alloc((a), &__r, &__addr));	\
	__addr;								\
})

FIXTURE(addr) {
	struct vmdev_addr_allocator *a;
};

FIXTURE_SETUP(addr)
{
	ASSERT_EQ(0, vmdev_addr_allocator_new(BASE, SIZE, &self->a));
}

FIXTURE_TEARDOWN(addr)
{
	vmdev_addr_allocator_free(self->a);
	EXPECT_EQ(0, res_leaks());
}

/* The whole space is free again: one allocation takes all of it. */
static void assert_all_free(struct __test_metadata *_metadata,
			    struct vmdev_addr_allocator *a)
{
	struct vmdev_addr_req req = first_match(SIZE, 0);
	uint64_t addr;

	ASSERT_EQ(0, vmdev_addr_allocator_alloc(a, &req, &addr));
	ASSERT_EQ(BASE, addr);
	ASSERT_EQ(0, vmdev_addr_allocator_release(a, BASE, SIZE));
}

TEST(new_invalid)
{
	struct vmdev_addr_allocator *a = NULL;

	ASSERT_ERR(EINVAL, vmdev_addr_allocator_new(0, 0x1000, NULL));
	ASSERT_ERR(EINVAL, vmdev_addr_allocator_new(0x1000, 0, &a));
	ASSERT_ERR(EINVAL, vmdev_addr_allocator_new(UINT64_MAX, 2, &a));
	ASSERT_ERR(EINVAL, vmdev_addr_allocator_new(2, UINT64_MAX, &a));
	ASSERT_EQ(NULL, a);
	vmdev_addr_allocator_free(NULL);
}

TEST(new_enomem)
{
	struct vmdev_addr_allocator *a = NULL;
	long n;
	int err;

	for (n = 0;; n++) {
		failmalloc_arm(n);
		err = vmdev_addr_allocator_new(0, 0x1000, &a);
		failmalloc_disarm();
		if (!err)
			break;
		ASSERT_TRUE(failmalloc_failed);
		ASSERT_EQ(-ENOMEM, err);
		ASSERT_EQ(ENOMEM, errno);
		ASSERT_EQ(NULL, a);
		ASSERT_EQ(0, res_leaks());
	}
	ASSERT_EQ(2, n);	/* the allocator and its first free run */
	vmdev_addr_allocator_free(a);
	ASSERT_EQ(0, res_leaks());
}

/* Spaces that reach either end of the 64-bit range. */
TEST(space_edges)
{
	struct vmdev_addr_allocator *a;
	struct vmdev_addr_req req;
	uint64_t addr;

	ASSERT_EQ(0, vmdev_addr_allocator_new(0, UINT64_MAX, &a));
	ASSERT_EQ(0U, ALLOC(a, first_match(UINT64_MAX, 0)));
	req = first_match(1, 0);
	ASSERT_ERR(ENOSPC, vmdev_addr_allocator_alloc(a, &req, &addr));
	ASSERT_EQ(0, vmdev_addr_allocator_release(a, 0, UINT64_MAX));
	/* Alignment 2^63 fits at 0 and 2^63 only. */
	ASSERT_EQ(1ULL << 63, ALLOC(a, last_match(1, 1ULL << 63)));
	ASSERT_EQ(0U, ALLOC(a, last_match(1, 1ULL << 63)));
	req = last_match(1, 1ULL << 63);
	ASSERT_ERR(ENOSPC, vmdev_addr_allocator_alloc(a, &req, &addr));
	vmdev_addr_allocator_free(a);

	ASSERT_EQ(0, vmdev_addr_allocator_new(UINT64_MAX - 0xfff, 0x1000, &a));
	ASSERT_EQ(UINT64_MAX, ALLOC(a, last_match(1, 0)));
	ASSERT_EQ(UINT64_MAX - 0xfff, ALLOC(a, first_match(0x800, 0x800)));
	/* The aligned start past 2^64 - 0x800 would wrap: no room. */
	req = first_match(0x800, 0x800);
	ASSERT_ERR(ENOSPC, vmdev_addr_allocator_alloc(a, &req, &addr));
	ASSERT_EQ(UINT64_MAX - 0x7ff, ALLOC(a, first_match(0x7ff, 0)));
	ASSERT_EQ(0, vmdev_addr_allocator_release(a, UINT64_MAX, 1));
	ASSERT_EQ(0, vmdev_addr_allocator_release(a, UINT64_MAX - 0x7ff,
						  0x7ff));
	ASSERT_EQ(UINT64_MAX - 0x7ff, ALLOC(a, exact(UINT64_MAX - 0x7ff,
						     0x800)));
	vmdev_addr_allocator_free(a);

	ASSERT_EQ(0, vmdev_addr_allocator_new(UINT64_MAX, 1, &a));
	ASSERT_EQ(UINT64_MAX, ALLOC(a, first_match(1, 0)));
	vmdev_addr_allocator_free(a);
	ASSERT_EQ(0, res_leaks());
}

TEST_F(addr, alloc_invalid)
{
	const struct vmdev_addr_req bad[] = {
		{ .size = 0 },
		{ .size = 0x10, .align = 3 },
		{ .size = 0x10, .align = 0x30 },
		{ .size = 0x10, .pad = 1 },
		{ .size = 0x10, .policy = VMDEV_ALLOC_EXACT + 1 },
		{ .size = 0x10, .min = 0x20000, .max = 0x1ffff },
		/* A window too small for the size. */
		{ .size = 0x10, .min = 0x10000, .max = 0x1000e },
		{ .size = UINT64_MAX, .min = 2 },
		/* Exact: misaligned, wrapping, outside its own window. */
		{ .size = 0x10, .align = 0x100, .addr = 0x10010,
		  .policy = VMDEV_ALLOC_EXACT },
		{ .size = 0x10, .addr = UINT64_MAX - 0xe,
		  .policy = VMDEV_ALLOC_EXACT },
		{ .size = 0x10, .addr = 0x10000, .min = 0x10001,
		  .policy = VMDEV_ALLOC_EXACT },
		{ .size = 0x10, .addr = 0x10000, .max = 0x1000e,
		  .policy = VMDEV_ALLOC_EXACT },
	};
	struct vmdev_addr_req ok = first_match(0x10, 0);
	uint64_t addr = 0xdead;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		ASSERT_EQ(-EINVAL, vmdev_addr_allocator_alloc(self->a, &bad[i],
							      &addr))
			TH_LOG("case %zu", i);
		ASSERT_EQ(EINVAL, errno);
	}
	ASSERT_ERR(EINVAL, vmdev_addr_allocator_alloc(NULL, &ok, &addr));
	ASSERT_ERR(EINVAL, vmdev_addr_allocator_alloc(self->a, NULL, &addr));
	ASSERT_ERR(EINVAL, vmdev_addr_allocator_alloc(self->a, &ok, NULL));
	ASSERT_EQ(0xdeadU, addr);
	assert_all_free(_metadata, self->a);
}

TEST_F(addr, first_match)
{
	uint64_t addr;

	ASSERT_EQ(BASE, ALLOC(self->a, first_match(0x10, 0)));
	ASSERT_EQ(BASE + 0x10, ALLOC(self->a, first_match(1, 1)));
	/* Aligned: the gap below the aligned start stays free. */
	ASSERT_EQ(BASE + 0x100, ALLOC(self->a, first_match(0x100, 0x100)));
	ASSERT_EQ(BASE + 0x11, ALLOC(self->a, first_match(0xef, 0)));
	ASSERT_EQ(BASE + 0x200, ALLOC(self->a, first_match(4, 4)));
	/* A hole of the right size but misaligned is skipped. */
	ASSERT_EQ(0, vmdev_addr_allocator_release(self->a, BASE + 0x11,
						  0xef));
	addr = ALLOC(self->a, first_match(0x80, 0x80));
	ASSERT_EQ(BASE + 0x80, addr);
	ASSERT_EQ(BASE + 0x11, ALLOC(self->a, first_match(0x6f, 0)));
}

TEST_F(addr, last_match)
{
	ASSERT_EQ(LAST - 0xf, ALLOC(self->a, last_match(0x10, 0)));
	ASSERT_EQ(LAST - 0x10, ALLOC(self->a, last_match(1, 0)));
	/* Highest start that is aligned and still fits below. */
	ASSERT_EQ(LAST + 1 - 0x200, ALLOC(self->a, last_match(0x100, 0x100)));
	ASSERT_EQ(LAST + 1 - 0x2000, ALLOC(self->a, last_match(0x1000, 0x1000)));
	ASSERT_EQ(BASE, ALLOC(self->a, first_match(0x10, 0)));
}

TEST_F(addr, windows)
{
	struct vmdev_addr_req req = first_match(0x100, 0x100);
	uint64_t addr;

	req.min = BASE + 0x801;
	ASSERT_EQ(BASE + 0x900, ALLOC(self->a, req));
	req.max = BASE + 0x9ff;
	ASSERT_ERR(ENOSPC, vmdev_addr_allocator_alloc(self->a, &req, &addr));
	req.max = BASE + 0xaff;
	ASSERT_EQ(BASE + 0xa00, ALLOC(self->a, req));

	req = last_match(0x100, 0x100);
	req.max = BASE + 0x8fe;
	ASSERT_EQ(BASE + 0x700, ALLOC(self->a, req));
	req.min = BASE + 0x6ff;
	ASSERT_ERR(ENOSPC, vmdev_addr_allocator_alloc(self->a, &req, &addr));
	req.min = BASE + 0x600;
	ASSERT_EQ(BASE + 0x600, ALLOC(self->a, req));

	/* Windows partly or wholly outside the space. */
	req = first_match(0x10, 0);
	req.max = BASE + 0xf;
	ASSERT_EQ(BASE, ALLOC(self->a, req));
	req.min = 0;
	req.max = BASE - 1;
	ASSERT_ERR(ENOSPC, vmdev_addr_allocator_alloc(self->a, &req, &addr));
	req.min = LAST + 1;
	req.max = 0;
	ASSERT_ERR(ENOSPC, vmdev_addr_allocator_alloc(self->a, &req, &addr));
	req.min = LAST - 0xf;
	ASSERT_EQ(LAST - 0xf, ALLOC(self->a, req));
}

/* Alignments larger than the space fit at most one start. */
TEST(huge_alignment)
{
	struct vmdev_addr_allocator *a;
	struct vmdev_addr_req req;
	uint64_t addr;

	ASSERT_EQ(0, vmdev_addr_allocator_new(0x1800, 0x1000, &a));
	req = last_match(0x800, 0x1000);
	ASSERT_EQ(0x2000U, ALLOC(a, req));
	ASSERT_ERR(ENOSPC, vmdev_addr_allocator_alloc(a, &req, &addr));
	req = first_match(0x801, 0x1000);
	ASSERT_EQ(0, vmdev_addr_allocator_release(a, 0x2000, 0x800));
	ASSERT_ERR(ENOSPC, vmdev_addr_allocator_alloc(a, &req, &addr));
	req = first_match(0x10, 0x4000);
	ASSERT_ERR(ENOSPC, vmdev_addr_allocator_alloc(a, &req, &addr));
	req = first_match(0x10, 0x1000);
	req.min = 0x2001;
	ASSERT_ERR(ENOSPC, vmdev_addr_allocator_alloc(a, &req, &addr));
	req.min = 0;
	ASSERT_EQ(0x2000U, ALLOC(a, req));
	vmdev_addr_allocator_free(a);
	ASSERT_EQ(0, res_leaks());
}

TEST_F(addr, exact)
{
	struct vmdev_addr_req req;
	uint64_t addr;

	ASSERT_EQ(BASE + 0x100, ALLOC(self->a, exact(BASE + 0x100, 0x100)));
	/* Same base, inside, straddling either end, containing. */
	req = exact(BASE + 0x100, 1);
	ASSERT_ERR(EBUSY, vmdev_addr_allocator_alloc(self->a, &req, &addr));
	req = exact(BASE + 0x180, 0x10);
	ASSERT_ERR(EBUSY, vmdev_addr_allocator_alloc(self->a, &req, &addr));
	req = exact(BASE + 0xf0, 0x20);
	ASSERT_ERR(EBUSY, vmdev_addr_allocator_alloc(self->a, &req, &addr));
	req = exact(BASE + 0x1f0, 0x20);
	ASSERT_ERR(EBUSY, vmdev_addr_allocator_alloc(self->a, &req, &addr));
	req = exact(BASE, 0x1000);
	ASSERT_ERR(EBUSY, vmdev_addr_allocator_alloc(self->a, &req, &addr));
	/* Outside the space, wholly or in part. */
	req = exact(BASE - 0x10, 0x10);
	ASSERT_ERR(ERANGE, vmdev_addr_allocator_alloc(self->a, &req, &addr));
	req = exact(BASE - 0x10, 0x20);
	ASSERT_ERR(ERANGE, vmdev_addr_allocator_alloc(self->a, &req, &addr));
	req = exact(LAST, 2);
	ASSERT_ERR(ERANGE, vmdev_addr_allocator_alloc(self->a, &req, &addr));
	/* Right next to it, on both sides, and at both ends of the space. */
	ASSERT_EQ(BASE + 0xff, ALLOC(self->a, exact(BASE + 0xff, 1)));
	ASSERT_EQ(BASE + 0x200, ALLOC(self->a, exact(BASE + 0x200, 1)));
	ASSERT_EQ(BASE, ALLOC(self->a, exact(BASE, 1)));
	ASSERT_EQ(LAST, ALLOC(self->a, exact(LAST, 1)));
	/* Alignment and window are checked, and honoured when they hold. */
	req = exact(BASE + 0x1000, 0x1000);
	req.align = 0x1000;
	req.min = BASE + 0x1000;
	req.max = BASE + 0x1fff;
	ASSERT_EQ(BASE + 0x1000, ALLOC(self->a, req));
	ASSERT_EQ(BASE + 1, ALLOC(self->a, first_match(1, 0)));
}

TEST_F(addr, full)
{
	struct vmdev_addr_req req = first_match(1, 0);
	uint64_t addr;

	ASSERT_EQ(BASE, ALLOC(self->a, first_match(SIZE, 0)));
	ASSERT_ERR(ENOSPC, vmdev_addr_allocator_alloc(self->a, &req, &addr));
	req = last_match(1, 0);
	ASSERT_ERR(ENOSPC, vmdev_addr_allocator_alloc(self->a, &req, &addr));
	req = first_match(SIZE + 1, 0);
	ASSERT_EQ(0, vmdev_addr_allocator_release(self->a, BASE, SIZE));
	ASSERT_ERR(ENOSPC, vmdev_addr_allocator_alloc(self->a, &req, &addr));
}

TEST_F(addr, release_invalid)
{
	ASSERT_EQ(BASE + 0x100, ALLOC(self->a, exact(BASE + 0x100, 0x100)));
	ASSERT_EQ(BASE + 0x200, ALLOC(self->a, exact(BASE + 0x200, 0x100)));
	ASSERT_ERR(EINVAL, vmdev_addr_allocator_release(NULL, BASE + 0x100,
							0x100));
	ASSERT_ERR(EINVAL, vmdev_addr_allocator_release(self->a, BASE + 0x100,
							0));
	ASSERT_ERR(EINVAL, vmdev_addr_allocator_release(self->a, UINT64_MAX,
							2));
	/* Not the allocation: smaller, larger, offset, two of them. */
	ASSERT_ERR(EINVAL, vmdev_addr_allocator_release(self->a, BASE + 0x100,
							0x80));
	ASSERT_ERR(EINVAL, vmdev_addr_allocator_release(self->a, BASE + 0x100,
							0x101));
	ASSERT_ERR(EINVAL, vmdev_addr_allocator_release(self->a, BASE + 0x180,
							0x80));
	ASSERT_ERR(EINVAL, vmdev_addr_allocator_release(self->a, BASE + 0x100,
							0x200));
	/* Starting in free space but reaching an allocation. */
	ASSERT_ERR(EINVAL, vmdev_addr_allocator_release(self->a, BASE + 0xf0,
							0x20));
	ASSERT_ERR(EINVAL, vmdev_addr_allocator_release(self->a, BASE,
							0x1000));
	/* Outside the space. */
	ASSERT_ERR(ERANGE, vmdev_addr_allocator_release(self->a, BASE - 1, 1));
	ASSERT_ERR(ERANGE, vmdev_addr_allocator_release(self->a, LAST, 2));
}

TEST_F(addr, never_allocated_detected)
{
	ASSERT_EQ(BASE + 0x100, ALLOC(self->a, exact(BASE + 0x100, 0x100)));
	ASSERT_ERR(ENOENT, vmdev_addr_allocator_release(self->a, BASE, 0x100));
	ASSERT_ERR(ENOENT, vmdev_addr_allocator_release(self->a, BASE + 0x200,
							0x10));
	ASSERT_ERR(ENOENT, vmdev_addr_allocator_release(self->a, LAST, 1));
}

TEST_F(addr, double_free_detected)
{
	ASSERT_EQ(BASE, ALLOC(self->a, first_match(0x100, 0)));
	ASSERT_EQ(0, vmdev_addr_allocator_release(self->a, BASE, 0x100));
	ASSERT_ERR(ENOENT, vmdev_addr_allocator_release(self->a, BASE, 0x100));
	/* Even once the space is reused by a different allocation. */
	ASSERT_EQ(BASE, ALLOC(self->a, first_match(0x80, 0)));
	ASSERT_ERR(EINVAL, vmdev_addr_allocator_release(self->a, BASE, 0x100));
	ASSERT_EQ(0, vmdev_addr_allocator_release(self->a, BASE, 0x80));
	assert_all_free(_metadata, self->a);
}

/* Every failed release leaves the allocation in place and releasable. */
TEST_F(addr, failed_free_loses_nothing)
{
	const uint64_t bad[][2] = {
		{ BASE + 0x100, 0x80 }, { BASE + 0x100, 0x200 },
		{ BASE + 0x180, 0x80 }, { BASE + 0xff, 0x101 },
		{ BASE + 0x100, 0 }, { BASE, SIZE + 1 }, { BASE, 0x100 },
	};
	struct vmdev_addr_req req = first_match(1, 0);
	uint64_t addr;
	size_t i;

	ASSERT_EQ(BASE + 0x100, ALLOC(self->a, exact(BASE + 0x100, 0x100)));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ASSERT_NE(0, vmdev_addr_allocator_release(self->a, bad[i][0],
							  bad[i][1]));
		/* Still allocated: an exact request on it is refused. */
		req = exact(BASE + 0x100, 0x100);
		ASSERT_ERR(EBUSY, vmdev_addr_allocator_alloc(self->a, &req,
							     &addr));
	}
	ASSERT_EQ(0, vmdev_addr_allocator_release(self->a, BASE + 0x100,
						  0x100));
	assert_all_free(_metadata, self->a);
}

/* Releases merge with free neighbours in every order. */
TEST_F(addr, coalescing)
{
	static const int orders[][3] = {
		{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
		{ 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
	};
	uint64_t at[3];
	int o, i;

	for (o = 0; o < 6; o++) {
		/* Three blocks filling the space, so no free run splits. */
		at[0] = ALLOC(self->a, first_match(0x1000, 0));
		at[1] = ALLOC(self->a, first_match(SIZE - 0x2000, 0));
		at[2] = ALLOC(self->a, first_match(0x1000, 0));
		ASSERT_EQ(LAST - 0xfff, at[2]);
		for (i = 0; i < 3; i++) {
			int b = orders[o][i];
			uint64_t size = b == 1 ? SIZE - 0x2000 : 0x1000;

			ASSERT_EQ(0, vmdev_addr_allocator_release(self->a,
								  at[b], size));
		}
		assert_all_free(_metadata, self->a);
	}
}

/* Out of memory at any point of an allocation changes nothing. */
TEST_F(addr, alloc_enomem)
{
	struct vmdev_addr_req req = first_match(0x10, 0);
	uint64_t addr;
	long n;
	int err;

	/* Splitting a run in two needs the most memory: two nodes. */
	ASSERT_EQ(BASE, ALLOC(self->a, first_match(0x100, 0)));
	ASSERT_EQ(0, vmdev_addr_allocator_release(self->a, BASE, 0x100));
	req = exact(BASE + 0x100, 0x100);
	for (n = 0;; n++) {
		failmalloc_arm(n);
		err = vmdev_addr_allocator_alloc(self->a, &req, &addr);
		failmalloc_disarm();
		if (!err)
			break;
		ASSERT_EQ(-ENOMEM, err);
		ASSERT_EQ(ENOMEM, errno);
		assert_all_free(_metadata, self->a);
	}
	ASSERT_EQ(2, n);
	ASSERT_EQ(BASE + 0x100, addr);
	ASSERT_EQ(BASE, ALLOC(self->a, first_match(0x100, 0)));
	ASSERT_EQ(BASE + 0x200, ALLOC(self->a, first_match(0x100, 0)));
	/* Releasing never allocates, so it cannot run out of memory. */
	failmalloc_arm(0);
	ASSERT_EQ(0, vmdev_addr_allocator_release(self->a, BASE + 0x100,
						  0x100));
	failmalloc_disarm();
	ASSERT_FALSE(failmalloc_failed);
}

TEST_HARNESS_MAIN
