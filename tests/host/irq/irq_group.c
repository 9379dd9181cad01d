// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupt managers and groups, whatever the backend: creation and its
 * every error (options, type, flags, count, GSI range, overlap, memory,
 * file descriptors), accessors, enable/disable state, and lifetimes (a
 * manager outlives its handle while groups use it; nothing leaks).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <vmdev/interrupt.h>
#include "kselftest_harness.h"
#include "../failmalloc.h"
#include "irq_test.h"

static struct vmdev_irq_group *const no_group =
	(struct vmdev_irq_group *)0x1;

FIXTURE(mgr) {
	int fds;
	struct vmdev_irq_manager *mgr;
};

FIXTURE_SETUP(mgr)
{
	self->fds = open_fds();
	ASSERT_EQ(0, vmdev_irq_manager_new_eventfd(NULL, &self->mgr));
}

FIXTURE_TEARDOWN(mgr)
{
	vmdev_irq_manager_free(self->mgr);
	EXPECT_EQ(self->fds, open_fds());
	EXPECT_EQ(0, res_leaks());
}

static int new_group(struct vmdev_irq_manager *mgr, enum vmdev_irq_type type,
		     uint32_t base, uint32_t count, uint32_t flags,
		     struct vmdev_irq_group **out)
{
	VMDEV_OPTS(vmdev_irq_group_opts, opts, .flags = flags);

	return vmdev_irq_group_new(mgr, type, base, count, &opts, out);
}

TEST(manager_options)
{
	struct {
		struct vmdev_irq_manager_opts o;
		uint64_t newer_field;
	} big;
	VMDEV_OPTS(vmdev_irq_manager_opts, opts, .nr_gsis = 64);
	struct vmdev_irq_manager *mgr = NULL;

	ASSERT_ERR(EINVAL, vmdev_irq_manager_new_eventfd(NULL, NULL));
	ASSERT_EQ(0, vmdev_irq_manager_new_eventfd(&opts, &mgr));
	EXPECT_EQ(64U, vmdev_irq_manager_nr_gsis(mgr));
	vmdev_irq_manager_free(mgr);

	/* Without nr_gsis, the whole 32-bit space. */
	ASSERT_EQ(0, vmdev_irq_manager_new_eventfd(NULL, &mgr));
	EXPECT_EQ(UINT32_MAX, vmdev_irq_manager_nr_gsis(mgr));
	vmdev_irq_manager_free(mgr);
	EXPECT_EQ(0U, vmdev_irq_manager_nr_gsis(NULL));

	/* An older caller's struct, without nr_gsis: the default. */
	opts.sz = offsetof(struct vmdev_irq_manager_opts, nr_gsis);
	ASSERT_EQ(0, vmdev_irq_manager_new_eventfd(&opts, &mgr));
	EXPECT_EQ(UINT32_MAX, vmdev_irq_manager_nr_gsis(mgr));
	vmdev_irq_manager_free(mgr);

	opts.sz = 4;
	mgr = NULL;
	ASSERT_ERR(EINVAL, vmdev_irq_manager_new_eventfd(&opts, &mgr));
	opts.sz = sizeof(opts);
	opts.flags = 1U << 7;
	ASSERT_ERR(EINVAL, vmdev_irq_manager_new_eventfd(&opts, &mgr));
	EXPECT_EQ(NULL, mgr);

	/* A newer caller's struct: its unknown tail must be zero. */
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.newer_field = 1;
	ASSERT_ERR(EINVAL, vmdev_irq_manager_new_eventfd(&big.o, &mgr));
	big.newer_field = 0;
	ASSERT_EQ(0, vmdev_irq_manager_new_eventfd(&big.o, &mgr));
	vmdev_irq_manager_free(mgr);
	vmdev_irq_manager_free(NULL);
	EXPECT_EQ(0, res_leaks());
}

TEST_F(mgr, group_arguments)
{
	struct {
		struct vmdev_irq_group_opts o;
		uint32_t newer_field;
	} big;
	struct vmdev_irq_group *grp = no_group;

	ASSERT_ERR(EINVAL, vmdev_irq_group_new(NULL, VMDEV_IRQ_MSI, 0, 1, NULL,
					       &grp));
	ASSERT_ERR(EINVAL, vmdev_irq_group_new(self->mgr, VMDEV_IRQ_MSI, 0, 1,
					       NULL, NULL));
	ASSERT_ERR(EINVAL, new_group(self->mgr, 0, 0, 1, 0, &grp));
	ASSERT_ERR(EINVAL, new_group(self->mgr, VMDEV_IRQ_MSI + 1, 0, 1, 0,
				     &grp));
	ASSERT_ERR(EINVAL, new_group(self->mgr, VMDEV_IRQ_MSI, 0, 0, 0, &grp));
	ASSERT_ERR(EINVAL, new_group(self->mgr, VMDEV_IRQ_LEGACY, 0, 1,
				     1U << 9, &grp));
	/* MSI is edge only; DIRECT describes level lines only. */
	ASSERT_ERR(EINVAL, new_group(self->mgr, VMDEV_IRQ_MSI, 0, 1,
				     VMDEV_IRQ_GROUP_LEVEL, &grp));
	ASSERT_ERR(EINVAL, new_group(self->mgr, VMDEV_IRQ_LEGACY, 0, 1,
				     VMDEV_IRQ_GROUP_DIRECT, &grp));
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.newer_field = 3;
	ASSERT_ERR(EINVAL, vmdev_irq_group_new(self->mgr, VMDEV_IRQ_MSI, 0, 1,
					       &big.o, &grp));
	EXPECT_EQ(no_group, grp);

	big.newer_field = 0;
	ASSERT_EQ(0, vmdev_irq_group_new(self->mgr, VMDEV_IRQ_MSI, 0, 1,
					 &big.o, &grp));
	vmdev_irq_group_free(grp);
	ASSERT_EQ(0, new_group(self->mgr, VMDEV_IRQ_LEGACY, 0, 1,
			       VMDEV_IRQ_GROUP_LEVEL | VMDEV_IRQ_GROUP_DIRECT,
			       &grp));
	vmdev_irq_group_free(grp);
	vmdev_irq_group_free(NULL);
}

TEST(gsi_range)
{
	VMDEV_OPTS(vmdev_irq_manager_opts, opts, .nr_gsis = 64);
	struct vmdev_irq_manager *mgr;
	struct vmdev_irq_group *grp = no_group, *last;

	ASSERT_EQ(0, vmdev_irq_manager_new_eventfd(&opts, &mgr));
	ASSERT_ERR(ERANGE, new_group(mgr, VMDEV_IRQ_MSI, 60, 5, 0, &grp));
	ASSERT_ERR(ERANGE, new_group(mgr, VMDEV_IRQ_MSI, 64, 1, 0, &grp));
	ASSERT_ERR(ERANGE, new_group(mgr, VMDEV_IRQ_MSI, 0, 65, 0, &grp));
	EXPECT_EQ(no_group, grp);
	ASSERT_EQ(0, new_group(mgr, VMDEV_IRQ_MSI, 60, 4, 0, &last));
	vmdev_irq_group_free(last);
	vmdev_irq_manager_free(mgr);

	/* base + count past 2^32 wraps: refused, not wrapped. */
	ASSERT_EQ(0, vmdev_irq_manager_new_eventfd(NULL, &mgr));
	ASSERT_ERR(ERANGE, new_group(mgr, VMDEV_IRQ_MSI, UINT32_MAX - 1, 2, 0,
				     &grp));
	ASSERT_ERR(ERANGE, new_group(mgr, VMDEV_IRQ_MSI, UINT32_MAX, UINT32_MAX,
				     0, &grp));
	ASSERT_EQ(0, new_group(mgr, VMDEV_IRQ_MSI, UINT32_MAX - 1, 1, 0,
			       &last));
	EXPECT_EQ(UINT32_MAX - 1, vmdev_irq_group_base(last));
	vmdev_irq_group_free(last);
	vmdev_irq_manager_free(mgr);
	EXPECT_EQ(0, res_leaks());
}

TEST_F(mgr, overlap)
{
	static const struct { uint32_t base, count; } clash[] = {
		{ 10, 4 },	/* same range */
		{ 10, 1 },	/* same base */
		{ 13, 2 },	/* overlaps the end */
		{ 8, 3 },	/* overlaps the start */
		{ 11, 2 },	/* inside */
		{ 0, 100 },	/* around */
	};
	struct vmdev_irq_group *grp, *before, *after, *other = no_group;
	size_t i;

	ASSERT_EQ(0, new_group(self->mgr, VMDEV_IRQ_MSI, 10, 4, 0, &grp));
	for (i = 0; i < ARRAY_SIZE(clash); i++) {
		EXPECT_EQ(-EBUSY, new_group(self->mgr, VMDEV_IRQ_LEGACY,
					    clash[i].base, clash[i].count, 0,
					    &other)) {
			TH_LOG("[%u, +%u)", clash[i].base, clash[i].count);
		}
	}
	EXPECT_EQ(no_group, other);
	/* Neighbours on both sides fit. */
	ASSERT_EQ(0, new_group(self->mgr, VMDEV_IRQ_LEGACY, 0, 10, 0, &before));
	ASSERT_EQ(0, new_group(self->mgr, VMDEV_IRQ_LEGACY, 14, 1, 0, &after));
	/* A freed group's GSIs are free again. */
	vmdev_irq_group_free(grp);
	ASSERT_EQ(0, new_group(self->mgr, VMDEV_IRQ_LEGACY, 11, 2, 0, &grp));
	vmdev_irq_group_free(grp);
	vmdev_irq_group_free(before);
	vmdev_irq_group_free(after);
}

TEST_F(mgr, accessors)
{
	struct vmdev_irq_group *edge, *level;
	int fd[6];
	int i, j;

	ASSERT_EQ(0, new_group(self->mgr, VMDEV_IRQ_MSI, 32, 3, 0, &edge));
	ASSERT_EQ(0, new_group(self->mgr, VMDEV_IRQ_LEGACY, 5, 1,
			       VMDEV_IRQ_GROUP_LEVEL, &level));
	EXPECT_EQ(32U, vmdev_irq_group_base(edge));
	EXPECT_EQ(3U, vmdev_irq_group_count(edge));
	EXPECT_EQ(0U, vmdev_irq_group_base(NULL));
	EXPECT_EQ(0U, vmdev_irq_group_count(NULL));

	for (i = 0; i < 3; i++)
		fd[i] = vmdev_irq_group_trigger_fd(edge, i);
	fd[3] = vmdev_irq_group_trigger_fd(level, 0);
	fd[4] = vmdev_irq_group_resample_fd(level, 0);
	fd[5] = self->fds;	/* not an fd: distinct from the others */
	for (i = 0; i < 5; i++) {
		ASSERT_GE(fd[i], 0);
		EXPECT_FALSE(efd_readable(fd[i]));
		for (j = i + 1; j < 5; j++)
			EXPECT_NE(fd[i], fd[j]);
	}
	ASSERT_ERR(EOPNOTSUPP, vmdev_irq_group_resample_fd(edge, 0));
	ASSERT_ERR(ENOENT, vmdev_irq_group_trigger_fd(edge, 3));
	ASSERT_ERR(ENOENT, vmdev_irq_group_resample_fd(level, 1));
	ASSERT_ERR(EINVAL, vmdev_irq_group_trigger_fd(NULL, 0));
	ASSERT_ERR(EINVAL, vmdev_irq_group_resample_fd(NULL, 0));
	vmdev_irq_group_free(edge);
	vmdev_irq_group_free(level);
}

TEST_F(mgr, enable_disable)
{
	struct vmdev_irq_group *grp;

	ASSERT_EQ(0, new_group(self->mgr, VMDEV_IRQ_MSI, 0, 2, 0, &grp));
	ASSERT_ERR(EALREADY, vmdev_irq_group_disable(grp));
	ASSERT_EQ(0, vmdev_irq_group_enable(grp));
	ASSERT_ERR(EALREADY, vmdev_irq_group_enable(grp));
	ASSERT_EQ(0, vmdev_irq_group_trigger(grp, 1));
	ASSERT_EQ(0, vmdev_irq_group_disable(grp));
	ASSERT_ERR(EALREADY, vmdev_irq_group_disable(grp));
	ASSERT_ERR(EINVAL, vmdev_irq_group_enable(NULL));
	ASSERT_ERR(EINVAL, vmdev_irq_group_disable(NULL));
	/* Enabled again after a disable. */
	ASSERT_EQ(0, vmdev_irq_group_enable(grp));
	ASSERT_EQ(0, vmdev_irq_group_trigger(grp, 0));
	EXPECT_EQ(1U, vec_take(grp, 0));
	/* Freed while enabled. */
	vmdev_irq_group_free(grp);
}

/* The manager handle goes first; the groups keep the manager alive. */
TEST(manager_outlives_handle)
{
	VMDEV_OPTS(vmdev_irq_group_opts, level, .flags = VMDEV_IRQ_GROUP_LEVEL);
	struct vmdev_irq_manager *mgr;
	struct vmdev_irq_group *a, *b;
	int fds = open_fds();

	ASSERT_EQ(0, vmdev_irq_manager_new_eventfd(NULL, &mgr));
	ASSERT_EQ(0, vmdev_irq_group_new(mgr, VMDEV_IRQ_LEGACY, 4, 2, &level,
					 &a));
	ASSERT_EQ(0, vmdev_irq_group_new(mgr, VMDEV_IRQ_MSI, 24, 2, NULL, &b));
	/* Enabling a level group starts the resample thread. */
	ASSERT_EQ(0, vmdev_irq_group_enable(a));
	vmdev_irq_manager_free(mgr);

	ASSERT_EQ(0, vmdev_irq_group_enable(b));
	ASSERT_EQ(0, vmdev_irq_group_trigger(b, 1));
	EXPECT_EQ(1U, vec_take(b, 1));
	ASSERT_EQ(0, vmdev_irq_group_assert(a, 1));
	EXPECT_EQ(1U, vec_take(a, 1));
	vmdev_irq_group_free(a);
	vmdev_irq_group_free(b);
	/* The last group took the manager, its thread and fds along. */
	EXPECT_EQ(fds, open_fds());
	EXPECT_EQ(0, res_leaks());
}

/* Every allocation failure of a creation is reported, nothing leaks. */
TEST(out_of_memory)
{
	VMDEV_OPTS(vmdev_irq_group_opts, level, .flags = VMDEV_IRQ_GROUP_LEVEL);
	struct vmdev_irq_manager *mgr = NULL;
	struct vmdev_irq_group *grp = NULL;
	struct vmdev_irq_status *st = NULL;
	int fds = open_fds();
	long n;
	int ret;

	for (n = 0;; n++) {
		failmalloc_arm(n);
		ret = vmdev_irq_manager_new_eventfd(NULL, &mgr);
		failmalloc_disarm();
		if (!failmalloc_failed)
			break;
		ASSERT_EQ(-ENOMEM, ret);
		ASSERT_EQ(fds, open_fds());
	}
	ASSERT_EQ(0, ret);
	for (n = 0;; n++) {
		failmalloc_arm(n);
		ret = vmdev_irq_group_new(mgr, VMDEV_IRQ_LEGACY, 0, 4, &level,
					  &grp);
		failmalloc_disarm();
		if (!failmalloc_failed)
			break;
		ASSERT_EQ(-ENOMEM, ret);
	}
	ASSERT_EQ(0, ret);
	for (n = 0;; n++) {
		failmalloc_arm(n);
		ret = vmdev_irq_status_new(NULL, &st);
		failmalloc_disarm();
		if (!failmalloc_failed)
			break;
		ASSERT_EQ(-ENOMEM, ret);
	}
	ASSERT_EQ(0, ret);
	vmdev_irq_status_free(st);
	vmdev_irq_group_free(grp);
	vmdev_irq_manager_free(mgr);
	EXPECT_EQ(fds, open_fds());
	EXPECT_EQ(0, res_leaks());
}

#define FD_LIMIT	256

/* Take every free descriptor (up to cap) but n; how many were taken. */
static int hog_fds(int *hog, int cap, int n)
{
	int i, taken = 0;

	while (taken < cap && (hog[taken] = dup(0)) >= 0)
		taken++;
	for (i = 0; i < n && taken; i++)
		close(hog[--taken]);
	return taken;
}

static void release_fds(int *hog, int taken)
{
	while (taken)
		close(hog[--taken]);
}

/* Out of file descriptors: the eventfds or the epoll set cannot open. */
TEST(out_of_fds)
{
	VMDEV_OPTS(vmdev_irq_group_opts, level, .flags = VMDEV_IRQ_GROUP_LEVEL);
	struct vmdev_irq_manager *mgr, *none = NULL;
	struct vmdev_irq_group *grp = no_group;
	struct rlimit old, lim;
	int hog[FD_LIMIT];
	int fds, taken;

	ASSERT_EQ(0, vmdev_irq_manager_new_eventfd(NULL, &mgr));
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	fds = open_fds();
	lim = old;
	lim.rlim_cur = FD_LIMIT;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &lim));

	/* 3 level vectors need 6 eventfds: with 4 free, nothing is kept. */
	taken = hog_fds(hog, FD_LIMIT, 4);
	ASSERT_ERR(EMFILE, vmdev_irq_group_new(mgr, VMDEV_IRQ_LEGACY, 0, 3,
					       &level, &grp));
	EXPECT_EQ(no_group, grp);
	/* All 4 are free again; taking them leaves none for an epoll set. */
	ASSERT_EQ(4, hog_fds(hog + taken, FD_LIMIT - taken, 0));
	taken += 4;
	ASSERT_ERR(EMFILE, vmdev_irq_manager_new_eventfd(NULL, &none));
	EXPECT_EQ(NULL, none);
	release_fds(hog, taken);

	/* Nor for the resample thread's stop eventfd: enable fails. */
	ASSERT_EQ(0, vmdev_irq_group_new(mgr, VMDEV_IRQ_LEGACY, 0, 1, &level,
					 &grp));
	taken = hog_fds(hog, FD_LIMIT, 0);
	ASSERT_ERR(EMFILE, vmdev_irq_group_enable(grp));
	release_fds(hog, taken);
	ASSERT_ERR(EBADFD, vmdev_irq_group_assert(grp, 0));
	EXPECT_EQ(fds + 2, open_fds());		/* the group's eventfds */
	ASSERT_EQ(0, vmdev_irq_group_enable(grp));
	ASSERT_EQ(0, vmdev_irq_group_assert(grp, 0));
	vmdev_irq_group_free(grp);

	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	/* The thread's stop eventfd, until the manager goes. */
	EXPECT_EQ(fds + 1, open_fds());
	ASSERT_EQ(0, vmdev_irq_group_new(mgr, VMDEV_IRQ_LEGACY, 0, 3, &level,
					 &grp));
	vmdev_irq_group_free(grp);
	vmdev_irq_manager_free(mgr);
	EXPECT_EQ(fds - 1, open_fds());		/* less the epoll set */
	EXPECT_EQ(0, res_leaks());
}

TEST_HARNESS_MAIN
