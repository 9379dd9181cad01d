// SPDX-License-Identifier: GPL-2.0
/*
 * VMDEV_IOEVENTFD (level 2) with plain eventfds standing in for KVM's
 * ioeventfds: each signal applies a guest write of the bound value to
 * the register, at its width (a FIFO push, a doorbell latch and ring, a
 * write-1-to-set that raises a line), once per count, with register
 * banking as the guest would meet it; what the write sets off reaches
 * the irqfd and notify fd through the deferred path. Signals made before
 * the binding are applied when it is made, a huge count is cut to the
 * documented bound, an unbound eventfd is left alone. Every error.
 */
#include <fcntl.h>

#include "kselftest_harness.h"
#include "kmod_eventfd.h"

/* The most writes one signal applies (kmod/ioeventfd.c). */
#define MAX_APPLY	64

KEV_FIXTURE(io);
KEV_FIXTURE(width);

static struct vmdev_stats stats(struct __test_metadata *_metadata, int ctx,
				uint32_t id)
{
	struct vmdev_stats st;

	EXPECT_EQ(0, kev_stats(ctx, id, &st));
	return st;
}

/* Drain up to n entries of width bytes from a FIFO_IN into buf. */
static int drain(int ctx, uint32_t id, uint32_t reg, void *buf, uint32_t n)
{
	return kmod_fifo(ctx, id, reg, VMDEV_FIFO_DRAIN, buf, n);
}

FIXTURE_VARIANT(width) {
	uint32_t reg;
	uint32_t width;
	uint64_t value;
};

FIXTURE_VARIANT_ADD(width, fifo1) {
	.reg = KEV_FIN1, .width = 1, .value = 0xa5,
};

FIXTURE_VARIANT_ADD(width, fifo2) {
	.reg = KEV_FIN2, .width = 2, .value = 0xbeef,
};

FIXTURE_VARIANT_ADD(width, fifo4) {
	.reg = KEV_FIN4, .width = 4, .value = 0xdeadbeef,
};

FIXTURE_VARIANT_ADD(width, fifo8) {
	.reg = KEV_FIN8, .width = 8, .value = 0x0123456789abcdefULL,
};

/* Every signal is one guest write: a count of n pushes n entries. */
TEST_F(width, fifo_push)
{
	uint64_t buf[8] = { 0 }, want = 0;
	struct vmdev_stats st;
	int io = self->efd[0], i;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kev_ioeventfd(self->fd, self->id, variant->reg, io,
				   variant->value, 0));
	ASSERT_EQ(0, kev_signal(io, 1));
	ASSERT_EQ(0, kev_signal(io, 3));
	/* The module consumed the counts. */
	EXPECT_EQ(0U, kev_take(io));
	ASSERT_EQ(4, drain(self->fd, self->id, variant->reg, buf, 8));
	memcpy(&want, &variant->value, variant->width);
	for (i = 0; i < 4; i++) {
		uint64_t got = 0;

		memcpy(&got, (char *)buf + i * variant->width, variant->width);
		EXPECT_EQ(want, got) {
			TH_LOG("entry %d", i);
		}
	}
	st = stats(_metadata, self->fd, self->id);
	EXPECT_EQ(4U, st.ioeventfds);
	EXPECT_EQ(0U, st.fast);
	EXPECT_EQ(0U, st.slow);
}

/* Signals that came before the binding are applied by the bind. */
TEST_F(width, pending_at_bind)
{
	uint64_t buf[4];
	int io = self->efd[0];

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kev_signal(io, 2));
	ASSERT_EQ(0, kev_ioeventfd(self->fd, self->id, variant->reg, io,
				   variant->value, 0));
	EXPECT_EQ(0U, kev_take(io));
	EXPECT_EQ(2, drain(self->fd, self->id, variant->reg, buf, 4));
	EXPECT_EQ(2U, stats(_metadata, self->fd, self->id).ioeventfds);
}

/* A count over the bound applies the bound: the rest is consumed. */
TEST_F(width, count_bound)
{
	static uint64_t buf[KEV_FIFO_DEPTH];
	int io = self->efd[0];

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kev_ioeventfd(self->fd, self->id, variant->reg, io,
				   variant->value, 0));
	ASSERT_EQ(0, kev_signal(io, 1000));
	EXPECT_EQ(0U, kev_take(io));
	EXPECT_EQ(MAX_APPLY, drain(self->fd, self->id, variant->reg, buf,
				   KEV_FIFO_DEPTH));
	EXPECT_EQ((uint64_t)MAX_APPLY,
		  stats(_metadata, self->fd, self->id).ioeventfds);
}

/* One ioeventfd per value, as with KVM's datamatch: order is kept. */
TEST_F(io, datamatch_values)
{
	const char *seq = "bacab";
	char buf[8] = { 0 };
	int i;

	KMOD_SKIP_IF_NO_MODULE();
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, kev_ioeventfd(self->fd, self->id, KEV_FIN1,
					   self->efd[i], 'a' + i, 0));
	for (i = 0; seq[i]; i++)
		ASSERT_EQ(0, kev_signal(self->efd[seq[i] - 'a'], 1));
	ASSERT_EQ(5, drain(self->fd, self->id, KEV_FIN1, buf, 8));
	EXPECT_STREQ(seq, buf);
}

TEST_F(io, doorbell)
{
	int io = self->efd[0], io2 = self->efd[1];
	struct vmdev_stats st;
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kev_ioeventfd(self->fd, self->id, KEV_DB, io,
				   0x12345678, 0));
	ASSERT_EQ(0, kev_ioeventfd(self->fd, self->id, KEV_DB2, io2, 0xbeef,
				   0));
	ASSERT_EQ(0, kev_signal(io, 1));
	ASSERT_EQ(0, kmod_reg_read(self->fd, self->id, KEV_DB, &v));
	EXPECT_EQ(0x12345678U, v);
	ASSERT_EQ(0, kmod_reg_read(self->fd, self->id, KEV_DB2, &v));
	EXPECT_EQ(0U, v);
	ASSERT_EQ(0, kev_signal(io2, 2));
	ASSERT_EQ(0, kmod_reg_read(self->fd, self->id, KEV_DB2, &v));
	EXPECT_EQ(0xbeefU, v);
	st = stats(_metadata, self->fd, self->id);
	EXPECT_EQ(3U, st.doorbells);
	EXPECT_EQ(3U, st.ioeventfds);
}

/*
 * What an ioeventfd's write sets off is signalled from a work item: a
 * doorbell's notify fd, a line's irqfd (each rise once).
 */
TEST_F(io, deferred_delivery)
{
	int io_db = self->efd[0], note = self->efd[1];
	int io_set = self->efd[2], trig = self->efd[3];

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kev_notifyfd(self->fd, self->id, KEV_DB, note, 0));
	ASSERT_EQ(0, kev_ioeventfd(self->fd, self->id, KEV_DB, io_db, 7, 0));
	ASSERT_EQ(0, kev_irqfd(self->fd, self->id, KEV_EDGE, trig, -1, 0));
	ASSERT_EQ(0, kev_ioeventfd(self->fd, self->id, KEV_SET_E, io_set, 1,
				   0));
	ASSERT_EQ(0, kev_signal(io_db, 1));
	EXPECT_EQ(1U, kev_wait(note));
	ASSERT_EQ(0, kev_signal(io_set, 1));
	EXPECT_EQ(1U, kev_wait(trig));
	/* Still high: a second write is no edge. */
	ASSERT_EQ(0, kev_signal(io_set, 1));
	EXPECT_EQ(0U, kev_quiet(trig));
	ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_STAT_E));
	ASSERT_EQ(0, kev_signal(io_set, 1));
	EXPECT_EQ(1U, kev_wait(trig));
	EXPECT_EQ(0U, kev_take(note));
	EXPECT_EQ(2U, stats(_metadata, self->fd, self->id).irqs);
}

/*
 * Deferred signals are counted, never merged: rings and rises that come
 * from wakeups far faster than the work item runs still reach their
 * eventfds one signal each (they used to coalesce while one was pending).
 */
#define BURST	1000

TEST_F(io, deferred_exact_counts)
{
	int io_db = self->efd[0], note = self->efd[1];
	int io_set = self->efd[2], trig = self->efd[3];
	struct vmdev_stats st;
	int i;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kev_notifyfd(self->fd, self->id, KEV_DB, note, 0));
	ASSERT_EQ(0, kev_ioeventfd(self->fd, self->id, KEV_DB, io_db, 7, 0));
	ASSERT_EQ(0, kev_irqfd(self->fd, self->id, KEV_EDGE, trig, -1, 0));
	ASSERT_EQ(0, kev_ioeventfd(self->fd, self->id, KEV_SET_E, io_set, 1,
				   0));
	for (i = 0; i < BURST; i++) {
		ASSERT_EQ(0, kev_signal(io_db, 1));
		/* A rise from the wakeup, a fall from the ioctl. */
		ASSERT_EQ(0, kev_signal(io_set, 1));
		ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_STAT_E));
	}
	EXPECT_EQ((uint64_t)BURST, kev_collect(note, BURST));
	EXPECT_EQ((uint64_t)BURST, kev_collect(trig, BURST));
	st = stats(_metadata, self->fd, self->id);
	EXPECT_EQ((uint64_t)BURST, st.doorbells);
	EXPECT_EQ((uint64_t)BURST, st.irqs);
	EXPECT_EQ((uint64_t)2 * BURST, st.ioeventfds);
}

/*
 * A level line raised by an ioeventfd, its EOI from the resample
 * eventfd: both wakeups defer, and the line re-fires while pending.
 */
TEST_F(io, level_from_wakeups)
{
	int io = self->efd[0], trig = self->efd[1], eoi = self->efd[2];

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kev_irqfd(self->fd, self->id, KEV_LEVEL, trig, eoi, 0));
	ASSERT_EQ(0, kev_ioeventfd(self->fd, self->id, KEV_SET_L, io, 1, 0));
	ASSERT_EQ(0, kev_signal(io, 1));
	EXPECT_EQ(1U, kev_wait(trig));
	ASSERT_EQ(0, kev_signal(eoi, 1));
	EXPECT_EQ(1U, kev_wait(trig));
	ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_STAT_L));
	ASSERT_EQ(0, kev_signal(eoi, 1));
	EXPECT_EQ(0U, kev_quiet(trig));
}

/*
 * The write lands where the guest's would: at the register's offset,
 * through the bank selected at that moment. The 16550's THR shares
 * offset 0 with the divisor latch (DLAB): a datamatch ioeventfd on THR
 * must set the divisor while DLAB is set, as the guest meant.
 */
TEST_F(io, banking)
{
	const uint64_t com = 0x3f8;
	struct vmdev_range r = kmod_range(PIO, com, VMDEV_UART_WINDOW);
	int io = self->efd[0];
	uint32_t uart;
	char c[4];
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kmod_create(self->fd, &vmdev_uart16550_map, &r, 1,
				 &uart));
	ASSERT_EQ(0, kev_ioeventfd(self->fd, uart, VMDEV_UART_THR, io, 'A',
				   0));
	ASSERT_EQ(0, kev_signal(io, 1));
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, com + 3, 1,
				   VMDEV_UART_LCR_DLAB));
	ASSERT_EQ(0, kev_signal(io, 1));
	ASSERT_EQ(0, kmod_reg_read(self->fd, uart, VMDEV_UART_DLL, &v));
	EXPECT_EQ((uint64_t)'A', v);
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, com + 3, 1, 0));
	ASSERT_EQ(0, kev_signal(io, 1));
	ASSERT_EQ(2, drain(self->fd, uart, VMDEV_UART_THR, c, 4));
	EXPECT_EQ('A', c[0]);
	EXPECT_EQ('A', c[1]);
}

/*
 * A bank switched to a trap since the binding: the write has nowhere to
 * go (the VMM never sees it) and is dropped, uncounted.
 */
TEST_F(io, banked_to_trap)
{
	int io = self->efd[0];
	uint8_t b[2];

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kev_ioeventfd(self->fd, self->id, KEV_BANK0, io, 0x42,
				   0));
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, KEV_PIO + KEV_SEL_OFF, 1,
				   1));
	ASSERT_EQ(0, kev_signal(io, 3));
	EXPECT_EQ(0U, kev_take(io));
	EXPECT_EQ(0U, stats(_metadata, self->fd, self->id).ioeventfds);
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, KEV_PIO + KEV_SEL_OFF, 1,
				   0));
	EXPECT_EQ(0, drain(self->fd, self->id, KEV_BANK0, b, 2));
	ASSERT_EQ(0, kev_signal(io, 1));
	ASSERT_EQ(1, drain(self->fd, self->id, KEV_BANK0, b, 2));
	EXPECT_EQ(0x42, b[0]);
}

TEST_F(io, unbind)
{
	int io = self->efd[0];
	uint8_t b[2];

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kev_ioeventfd(self->fd, self->id, KEV_FIN1, io, 1, 0));
	/* The register must match; the value does not matter. */
	EXPECT_EQ(-ENOENT, kev_ioeventfd(self->fd, self->id, KEV_FIN2, io, 1,
					 KEV_UNBIND));
	ASSERT_EQ(0, kev_ioeventfd(self->fd, self->id, KEV_FIN1, io, 9,
				   KEV_UNBIND));
	ASSERT_EQ(0, kev_signal(io, 1));
	/* Unhooked: the count stays for its reader, nothing is pushed. */
	EXPECT_EQ(1U, kev_take(io));
	EXPECT_EQ(0, drain(self->fd, self->id, KEV_FIN1, b, 2));
	EXPECT_EQ(-ENOENT, kev_ioeventfd(self->fd, self->id, KEV_FIN1, io, 1,
					 KEV_UNBIND));
	/* And it can be bound again, anywhere. */
	ASSERT_EQ(0, kev_ioeventfd(self->fd, self->id, KEV_FIN2, io, 2, 0));
	ASSERT_EQ(0, kev_signal(io, 1));
	EXPECT_EQ(1, drain(self->fd, self->id, KEV_FIN2, b, 1));
}

TEST_F(io, errors)
{
	struct {
		struct vmdev_ioeventfd a;
		uint64_t tail;	/* a later version's field */
	} big = { .a = { .id = self->id, .reg = KEV_FIN1,
			 .fd = self->efd[0] } };
	int io = self->efd[0], other = self->efd[1];
	int pipefd[2], null;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, pipe2(pipefd, O_CLOEXEC));
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, null);

	EXPECT_EQ(-EBADF, kev_ioeventfd(self->fd, self->id, KEV_FIN1, -1, 0,
					0));
	EXPECT_EQ(-EBADF, kev_ioeventfd(self->fd, self->id, KEV_FIN1, 1000, 0,
					0));
	EXPECT_EQ(-EINVAL, kev_ioeventfd(self->fd, self->id, KEV_FIN1,
					 pipefd[1], 0, 0));
	EXPECT_EQ(-EINVAL, kev_ioeventfd(self->fd, self->id, KEV_FIN1, null,
					 0, 0));
	EXPECT_EQ(-ENOENT, kev_ioeventfd(self->fd, self->id + 1, KEV_FIN1, io,
					 0, 0));
	EXPECT_EQ(-ENOENT, kev_ioeventfd(self->fd, 0, KEV_FIN1, io, 0, 0));
	/* Registers a guest write cannot reach, or that the VMM must see. */
	EXPECT_EQ(-EINVAL, kev_ioeventfd(self->fd, self->id, KEV_NR_REGS, io,
					 0, 0));
	EXPECT_EQ(-EINVAL, kev_ioeventfd(self->fd, self->id, 0xffffffffu, io,
					 0, 0));
	EXPECT_EQ(-EINVAL, kev_ioeventfd(self->fd, self->id, KEV_TRAP, io, 0,
					 0));
	EXPECT_EQ(-EINVAL, kev_ioeventfd(self->fd, self->id, KEV_RDONLY, io,
					 0, 0));
	EXPECT_EQ(-EINVAL, kev_ioeventfd(self->fd, self->id, KEV_HIDDEN, io,
					 0, 0));
	EXPECT_EQ(-EINVAL, kev_ioeventfd(self->fd, self->id, KEV_BANK1, io, 0,
					 0));
	/* Values wider than the register. */
	EXPECT_EQ(-EINVAL, kev_ioeventfd(self->fd, self->id, KEV_FIN1, io,
					 0x100, 0));
	EXPECT_EQ(-EINVAL, kev_ioeventfd(self->fd, self->id, KEV_FIN2, io,
					 0x10000, 0));
	EXPECT_EQ(-EINVAL, kev_ioeventfd(self->fd, self->id, KEV_FIN4, io,
					 0x100000000ULL, 0));
	/* Flags and padding. */
	EXPECT_EQ(-EINVAL, kev_ioeventfd(self->fd, self->id, KEV_FIN1, io, 0,
					 2));
	big.a.size = sizeof(big.a);
	big.a.pad = 1;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->fd, VMDEV_IOEVENTFD, &big));
	big.a.pad = 0;
	big.a.size = 16;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->fd, VMDEV_IOEVENTFD, &big));
	big.a.size = sizeof(big);
	big.tail = 1;
	EXPECT_EQ(-E2BIG, kmod_ioctl(self->fd, VMDEV_IOEVENTFD, &big));
	big.tail = 0;
	ASSERT_EQ(0, kmod_ioctl(self->fd, VMDEV_IOEVENTFD, &big));
	/* One hook per eventfd on a device, whatever the register. */
	EXPECT_EQ(-EEXIST, kev_ioeventfd(self->fd, self->id, KEV_FIN1, io, 0,
					 0));
	EXPECT_EQ(-EEXIST, kev_ioeventfd(self->fd, self->id, KEV_FIN8, io, 0,
					 0));
	/* Unbinding what is not bound. */
	EXPECT_EQ(-ENOENT, kev_ioeventfd(self->fd, self->id, KEV_FIN1, other,
					 0, KEV_UNBIND));
	EXPECT_EQ(-ENOENT, kev_ioeventfd(self->fd, self->id + 1, KEV_FIN1, io,
					 0, KEV_UNBIND));
	EXPECT_EQ(-EBADF, kev_ioeventfd(self->fd, self->id, KEV_FIN1, -1, 0,
					KEV_UNBIND));
	EXPECT_EQ(-EINVAL, kev_ioeventfd(self->fd, self->id, KEV_FIN1, null,
					 0, KEV_UNBIND));
	/* The binding made still works. */
	ASSERT_EQ(0, kev_signal(io, 1));
	EXPECT_EQ(1U, stats(_metadata, self->fd, self->id).ioeventfds);
	close(pipefd[0]);
	close(pipefd[1]);
	close(null);
}

/* VMDEV_MAX_IOEVENTFDS (kmod/binding.h) per device, then -ENOSPC. */
#define MAX_IOEVENTFDS	256

TEST_F(io, limit)
{
	int fds[MAX_IOEVENTFDS + 1], i, n = 0;
	uint32_t other;

	KMOD_SKIP_IF_NO_MODULE();
	for (i = 0; i <= MAX_IOEVENTFDS; i++) {
		fds[i] = kev_new();
		ASSERT_LE(0, fds[i]);
	}
	for (i = 0; i < MAX_IOEVENTFDS; i++)
		n += !kev_ioeventfd(self->fd, self->id, KEV_FIN1, fds[i],
				    i & 0xff, 0);
	EXPECT_EQ(MAX_IOEVENTFDS, n);
	EXPECT_EQ(-ENOSPC, kev_ioeventfd(self->fd, self->id, KEV_FIN1,
					 fds[MAX_IOEVENTFDS], 0, 0));
	/* The limit is per device; one freed slot takes a new one. */
	ASSERT_EQ(0, kev_create(self->fd, KEV_PIO + KEV_WINDOW, &other));
	EXPECT_EQ(0, kev_ioeventfd(self->fd, other, KEV_FIN1,
				   fds[MAX_IOEVENTFDS], 0, 0));
	ASSERT_EQ(0, kev_ioeventfd(self->fd, self->id, KEV_FIN1, fds[0], 0,
				   KEV_UNBIND));
	EXPECT_EQ(0, kev_ioeventfd(self->fd, self->id, KEV_FIN1, fds[0], 0,
				   0));
	/* Destroying the device releases them all. */
	EXPECT_EQ(0, kmod_destroy(self->fd, self->id));
	for (i = 0; i <= MAX_IOEVENTFDS; i++)
		close(fds[i]);
}

TEST_HARNESS_MAIN
