// SPDX-License-Identifier: GPL-2.0
/*
 * Contexts are isolated: two open files of /dev/vmdev are two VMs with
 * their own devices, ids, address spaces and limits; closing one leaves
 * the other intact. A context belongs to the open file, not to the
 * process: a forked child shares its parent's.
 */
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "kmod_util.h"

FIXTURE(two) {
	int a, b;
};

FIXTURE_SETUP(two)
{
	self->a = self->b = -1;
	KMOD_OPEN_OR_SKIP(self->a);
	KMOD_OPEN_OR_SKIP(self->b);
}

FIXTURE_TEARDOWN(two)
{
	if (self->a >= 0)
		close(self->a);
	if (self->b >= 0)
		close(self->b);
}

TEST_F(two, devices_are_per_context)
{
	uint32_t id;
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kmod_create1(self->a, PIO, 0x3f0, 16, &id));
	ASSERT_EQ(DONE, kmod_read(self->a, PIO, 0x3f4, 4, &v));
	EXPECT_EQ(KMOD_CONST, v);
	EXPECT_EQ(SLOW, kmod_read(self->b, PIO, 0x3f4, 4, &v));
	/* The same range is free in the other context. */
	ASSERT_EQ(0, kmod_create1(self->b, PIO, 0x3f0, 16, NULL));
	ASSERT_EQ(DONE, kmod_write(self->a, PIO, 0x3f0, 4, 0xaaaa));
	ASSERT_EQ(DONE, kmod_write(self->b, PIO, 0x3f0, 4, 0xbbbb));
	ASSERT_EQ(DONE, kmod_read(self->a, PIO, 0x3f0, 4, &v));
	EXPECT_EQ(0xaaaaU, v);
	ASSERT_EQ(DONE, kmod_read(self->b, PIO, 0x3f0, 4, &v));
	EXPECT_EQ(0xbbbbU, v);
}

TEST_F(two, ids_are_per_context)
{
	uint32_t ia, ib;
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kmod_create1(self->a, MMIO, 0x1000, 16, &ia));
	/* A's id means nothing in B... */
	EXPECT_EQ(-ENOENT, kmod_destroy(self->b, ia));
	EXPECT_EQ(-ENOENT, kmod_reset(self->b, ia));
	EXPECT_EQ(-ENOENT, kmod_reg_read(self->b, ia, KMOD_REG_RW, &v));
	EXPECT_EQ(-ENOENT, kmod_reg_write(self->b, ia, KMOD_REG_RW, 1));
	/* ... until B has a device of its own, possibly with that number. */
	ASSERT_EQ(0, kmod_create1(self->b, MMIO, 0x2000, 16, &ib));
	ASSERT_EQ(DONE, kmod_write(self->a, MMIO, 0x1000, 4, 0x11));
	ASSERT_EQ(0, kmod_reg_write(self->b, ib, KMOD_REG_RW, 0x22));
	ASSERT_EQ(0, kmod_reg_read(self->a, ia, KMOD_REG_RW, &v));
	EXPECT_EQ(0x11U, v);
	ASSERT_EQ(0, kmod_destroy(self->b, ib));
	ASSERT_EQ(DONE, kmod_read(self->a, MMIO, 0x1000, 4, &v));
	EXPECT_EQ(0x11U, v);
	EXPECT_EQ(SLOW, kmod_read(self->b, MMIO, 0x2000, 4, &v));
}

TEST_F(two, close_one)
{
	uint32_t ia, ib;
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kmod_create1(self->a, MMIO, 0x1000, 16, &ia));
	ASSERT_EQ(0, kmod_create1(self->b, MMIO, 0x1000, 16, &ib));
	ASSERT_EQ(DONE, kmod_write(self->b, MMIO, 0x1000, 4, 0x77));
	ASSERT_EQ(0, close(self->a));
	self->a = -1;
	ASSERT_EQ(DONE, kmod_read(self->b, MMIO, 0x1000, 4, &v));
	EXPECT_EQ(0x77U, v);
	ASSERT_EQ(0, kmod_destroy(self->b, ib));
}

TEST_F(two, limits_are_per_context)
{
	uint32_t i, id;
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	for (i = 0; i < VMDEV_MAX_DEVICES; i++)
		ASSERT_EQ(0, kmod_create1(self->a, MMIO, 0x10000 + 16 * i, 16,
					  &id));
	EXPECT_EQ(-ENOSPC, kmod_create1(self->a, PIO, 0x60, 1, &id));
	ASSERT_EQ(0, kmod_create1(self->b, PIO, 0x60, 1, &id));
	ASSERT_EQ(DONE, kmod_read(self->b, PIO, 0x60, 1, &v));
	EXPECT_EQ(SLOW, kmod_read(self->a, PIO, 0x60, 1, &v));
}

/* A forked child uses the same open file, hence the same context. */
TEST_F(two, fork_shares_the_context)
{
	uint32_t id;
	uint64_t v;
	pid_t pid;
	int st;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kmod_create1(self->a, PIO, 0x3f0, 16, &id));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int ok = kmod_write(self->a, PIO, 0x3f0, 4, 0xc41d) == DONE &&
			 kmod_create1(self->a, PIO, 0x60, 1, NULL) == 0;

		_exit(ok ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_EQ(0, WEXITSTATUS(st));
	ASSERT_EQ(DONE, kmod_read(self->a, PIO, 0x3f0, 4, &v));
	EXPECT_EQ(0xc41dU, v);
	EXPECT_EQ(DONE, kmod_read(self->a, PIO, 0x60, 1, &v));
	EXPECT_EQ(SLOW, kmod_read(self->b, PIO, 0x60, 1, &v));
}

/* Many contexts at once, each with its own device on the same range. */
TEST(many_contexts)
{
	enum { N = 16 };
	int fd[N], i;
	uint32_t id;
	uint64_t v;

	fd[0] = kmod_open();
	if (fd[0] == -ENOENT)
		SKIP(return, KMOD_NODE " absent: vmdev.ko not loaded");
	ASSERT_LE(0, fd[0]);
	for (i = 1; i < N; i++) {
		fd[i] = kmod_open();
		ASSERT_LE(0, fd[i]);
	}
	for (i = 0; i < N; i++)
		ASSERT_EQ(0, kmod_create1(fd[i], PIO, 0x3f0, 16, &id));
	for (i = 0; i < N; i++)
		ASSERT_EQ(DONE, kmod_write(fd[i], PIO, 0x3f0, 4, i));
	for (i = 0; i < N; i++) {
		ASSERT_EQ(DONE, kmod_read(fd[i], PIO, 0x3f0, 4, &v));
		EXPECT_EQ((uint64_t)i, v);
	}
	for (i = 0; i < N; i++)
		close(fd[i]);
}

TEST_HARNESS_MAIN
