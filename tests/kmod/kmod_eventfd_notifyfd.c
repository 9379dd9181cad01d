// SPDX-License-Identifier: GPL-2.0
/*
 * VMDEV_NOTIFYFD: a doorbell register signals its eventfd once per ring,
 * whatever rang it (a guest access, each entry of an access batch; an
 * ioeventfd's write is in kmod_eventfd_ioeventfd), and only its own
 * rings; the VMM's raw register write is no ring. Unbinding stops it.
 * Every error.
 */
#include <fcntl.h>

#include "kselftest_harness.h"
#include "kmod_eventfd.h"

KEV_FIXTURE(note);

#define DB_ADDR		(KEV_PIO + kev_regs[KEV_DB].offset)
#define DB2_ADDR	(KEV_PIO + kev_regs[KEV_DB2].offset)

TEST_F(note, ring)
{
	int note = self->efd[0];
	struct vmdev_stats st;
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kev_notifyfd(self->fd, self->id, KEV_DB, note, 0));
	/* A guest write rings; the signal is there when the access returns. */
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, DB_ADDR, 4, 0xcafe));
	EXPECT_EQ(1U, kev_take(note));
	ASSERT_EQ(0, kmod_reg_read(self->fd, self->id, KEV_DB, &v));
	EXPECT_EQ(0xcafeU, v);
	/* Another doorbell, a read, the VMM's write: no ring of this one. */
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, DB2_ADDR, 2, 1));
	ASSERT_EQ(DONE, kmod_read(self->fd, PIO, DB_ADDR, 4, &v));
	ASSERT_EQ(0, kmod_reg_write(self->fd, self->id, KEV_DB, 5));
	EXPECT_EQ(0U, kev_quiet(note));
	ASSERT_EQ(0, kev_stats(self->fd, self->id, &st));
	EXPECT_EQ(2U, st.doorbells);
}

/* Each ring is one signal: a batch of three writes adds three. */
TEST_F(note, batch)
{
	struct vmdev_access e[3];
	struct vmdev_access_batch b = {
		.size = sizeof(b), .count = 3, .entries = (uintptr_t)e,
	};
	int note = self->efd[0], i;

	KMOD_SKIP_IF_NO_MODULE();
	memset(e, 0, sizeof(e));
	for (i = 0; i < 3; i++)
		e[i] = (struct vmdev_access){
			.addr = DB_ADDR, .data = i, .space = PIO, .len = 4,
			.dir = VMDEV_DIR_WRITE,
		};
	ASSERT_EQ(0, kev_notifyfd(self->fd, self->id, KEV_DB, note, 0));
	ASSERT_EQ(0, kmod_ioctl(self->fd, VMDEV_ACCESS_BATCH, &b));
	ASSERT_EQ(3U, b.done);
	EXPECT_EQ(3U, kev_take(note));
}

/* A notify fd may serve several doorbells; each has its own binding. */
TEST_F(note, shared_and_unbind)
{
	int note = self->efd[0], other = self->efd[1];

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kev_notifyfd(self->fd, self->id, KEV_DB, note, 0));
	ASSERT_EQ(0, kev_notifyfd(self->fd, self->id, KEV_DB2, note, 0));
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, DB_ADDR, 4, 1));
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, DB2_ADDR, 2, 1));
	EXPECT_EQ(2U, kev_take(note));
	ASSERT_EQ(0, kev_notifyfd(self->fd, self->id, KEV_DB2, note,
				  KEV_UNBIND));
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, DB2_ADDR, 2, 1));
	EXPECT_EQ(0U, kev_quiet(note));
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, DB_ADDR, 4, 1));
	EXPECT_EQ(1U, kev_take(note));
	/* The freed doorbell takes another eventfd. */
	ASSERT_EQ(0, kev_notifyfd(self->fd, self->id, KEV_DB2, other, 0));
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, DB2_ADDR, 2, 1));
	EXPECT_EQ(1U, kev_take(other));
	EXPECT_EQ(0U, kev_take(note));
}

TEST_F(note, errors)
{
	struct {
		struct vmdev_notifyfd a;
		uint64_t tail;	/* a later version's field */
	} big = { .a = { .id = self->id, .reg = KEV_DB,
			 .fd = self->efd[0] } };
	int note = self->efd[0], other = self->efd[1], io = self->efd[2];
	int pipefd[2], null;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, pipe2(pipefd, O_CLOEXEC));
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, null);

	EXPECT_EQ(-EBADF, kev_notifyfd(self->fd, self->id, KEV_DB, -1, 0));
	EXPECT_EQ(-EINVAL, kev_notifyfd(self->fd, self->id, KEV_DB, pipefd[0],
					0));
	EXPECT_EQ(-EINVAL, kev_notifyfd(self->fd, self->id, KEV_DB, null, 0));
	EXPECT_EQ(-ENOENT, kev_notifyfd(self->fd, self->id + 1, KEV_DB, note,
					0));
	/* Doorbells only. */
	EXPECT_EQ(-EINVAL, kev_notifyfd(self->fd, self->id, KEV_FIN1, note,
					0));
	EXPECT_EQ(-EINVAL, kev_notifyfd(self->fd, self->id, KEV_TRAP, note,
					0));
	EXPECT_EQ(-EINVAL, kev_notifyfd(self->fd, self->id, KEV_NR_REGS, note,
					0));
	EXPECT_EQ(-EINVAL, kev_notifyfd(self->fd, self->id, KEV_DB, note, 2));
	big.a.size = sizeof(big.a);
	big.a.pad = 1;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->fd, VMDEV_NOTIFYFD, &big));
	big.a.pad = 0;
	big.a.size = 12;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->fd, VMDEV_NOTIFYFD, &big));
	big.a.size = sizeof(big);
	big.tail = 1;
	EXPECT_EQ(-E2BIG, kmod_ioctl(self->fd, VMDEV_NOTIFYFD, &big));
	big.tail = 0;
	ASSERT_EQ(0, kmod_ioctl(self->fd, VMDEV_NOTIFYFD, &big));
	/* One eventfd per doorbell. */
	EXPECT_EQ(-EEXIST, kev_notifyfd(self->fd, self->id, KEV_DB, other, 0));
	EXPECT_EQ(-EEXIST, kev_notifyfd(self->fd, self->id, KEV_DB, note, 0));
	/* Not an eventfd the device consumes: it would ring itself. */
	ASSERT_EQ(0, kev_ioeventfd(self->fd, self->id, KEV_DB2, io, 1, 0));
	EXPECT_EQ(-EINVAL, kev_notifyfd(self->fd, self->id, KEV_DB2, io, 0));
	/* Unbinding what is not bound. */
	EXPECT_EQ(-ENOENT, kev_notifyfd(self->fd, self->id, KEV_DB, other,
					KEV_UNBIND));
	EXPECT_EQ(-ENOENT, kev_notifyfd(self->fd, self->id, KEV_DB2, note,
					KEV_UNBIND));
	EXPECT_EQ(-ENOENT, kev_notifyfd(self->fd, self->id + 1, KEV_DB, note,
					KEV_UNBIND));
	EXPECT_EQ(-EINVAL, kev_notifyfd(self->fd, self->id, KEV_FIN1, note,
					KEV_UNBIND));
	EXPECT_EQ(-EBADF, kev_notifyfd(self->fd, self->id, KEV_DB, -1,
				       KEV_UNBIND));
	/* The binding made still works. */
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, DB_ADDR, 4, 1));
	EXPECT_EQ(1U, kev_take(note));
	EXPECT_EQ(0U, kev_take(other));
	close(pipefd[0]);
	close(pipefd[1]);
	close(null);
}

TEST_HARNESS_MAIN
