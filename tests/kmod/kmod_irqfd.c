// SPDX-License-Identifier: GPL-2.0
/*
 * VMDEV_IRQFD with plain eventfds standing in for KVM: an edge line
 * signals its eventfd exactly once per rising edge, whatever raised it
 * (a guest access, the VMM's register write, a FIFO fill or drain); a
 * level line signals when it rises and again for each write of its
 * resample eventfd (KVM's report of the guest's EOI) while the device
 * still asserts it, never once it is cleared; a line already asserted
 * when bound is signalled at once; unbinding stops all of it. Every
 * error of the ioctl.
 */
#include <fcntl.h>

#include "kselftest_harness.h"
#include "kmod_eventfd.h"

KEV_FIXTURE(irqfd);

static uint64_t irqs(struct __test_metadata *_metadata, int ctx, uint32_t id)
{
	struct vmdev_stats st;

	EXPECT_EQ(0, kev_stats(ctx, id, &st));
	return st.irqs;
}

TEST_F(irqfd, edge_once_per_rise)
{
	int trig = self->efd[0];

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kev_irqfd(self->fd, self->id, KEV_EDGE, trig, -1, 0));
	EXPECT_EQ(0U, kev_take(trig));
	/* An access that raises the line signals before it returns. */
	ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_SET_E));
	EXPECT_EQ(1U, kev_take(trig));
	/* High stays high: no edge, no signal. */
	ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_SET_E));
	EXPECT_EQ(0U, kev_quiet(trig));
	/* Falling signals nothing; the next rise does. */
	ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_STAT_E));
	EXPECT_EQ(0U, kev_quiet(trig));
	ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_SET_E));
	EXPECT_EQ(1U, kev_take(trig));
	/* The other line is not this one. */
	ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_SET_L));
	EXPECT_EQ(0U, kev_quiet(trig));
	EXPECT_EQ(3U, irqs(_metadata, self->fd, self->id));
}

/* Rises from the VMM's side are delivered the same way. */
TEST_F(irqfd, vmm_raises)
{
	int trig = self->efd[0];

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kev_irqfd(self->fd, self->id, KEV_EDGE, trig, -1, 0));
	ASSERT_EQ(0, kmod_reg_write(self->fd, self->id, KEV_STAT_E, 1));
	EXPECT_EQ(1U, kev_take(trig));
	/* A reset lowers the line; the next rise is an edge again. */
	ASSERT_EQ(0, kmod_reset(self->fd, self->id));
	EXPECT_EQ(0U, kev_quiet(trig));
	ASSERT_EQ(0, kmod_reg_write(self->fd, self->id, KEV_STAT_E, 1));
	EXPECT_EQ(1U, kev_take(trig));
}

TEST_F(irqfd, level_resample)
{
	int trig = self->efd[0], eoi = self->efd[1];
	uint64_t before;
	int i;

	KMOD_SKIP_IF_NO_MODULE();
	before = irqs(_metadata, self->fd, self->id);
	ASSERT_EQ(0, kev_irqfd(self->fd, self->id, KEV_LEVEL, trig, eoi, 0));
	ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_SET_L));
	EXPECT_EQ(1U, kev_take(trig));
	/* Each EOI while the source is pending fires the line again. */
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, kev_signal(eoi, 1));
		EXPECT_EQ(1U, kev_wait(trig)) {
			TH_LOG("EOI %d", i);
		}
		/* The module consumed the EOI. */
		EXPECT_EQ(0U, kev_take(eoi));
	}
	/* Several EOIs at once are one look at the line. */
	ASSERT_EQ(0, kev_signal(eoi, 5));
	EXPECT_EQ(1U, kev_wait(trig));
	/* Cleared: the EOI finds nothing and fires nothing. */
	ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_STAT_L));
	ASSERT_EQ(0, kev_signal(eoi, 1));
	EXPECT_EQ(0U, kev_quiet(trig));
	EXPECT_EQ(0U, kev_take(eoi));
	/* The counter counts rises, not re-fires. */
	EXPECT_EQ(before + 1, irqs(_metadata, self->fd, self->id));
}

/* A level line may go without resampling: it signals its rises only. */
TEST_F(irqfd, level_without_resample)
{
	int trig = self->efd[0];

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kev_irqfd(self->fd, self->id, KEV_LEVEL, trig, -1, 0));
	ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_SET_L));
	EXPECT_EQ(1U, kev_take(trig));
	ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_SET_L));
	EXPECT_EQ(0U, kev_quiet(trig));
}

/* An assertion made before the binding is not lost. */
TEST_F(irqfd, bound_while_asserted)
{
	int edge = self->efd[0], level = self->efd[1], eoi = self->efd[2];

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_SET_E));
	ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_SET_L));
	ASSERT_EQ(0, kev_irqfd(self->fd, self->id, KEV_EDGE, edge, -1, 0));
	EXPECT_EQ(1U, kev_take(edge));
	/* An EOI pending from before adds nothing to the bind's signal. */
	ASSERT_EQ(0, kev_signal(eoi, 1));
	ASSERT_EQ(0, kev_irqfd(self->fd, self->id, KEV_LEVEL, level, eoi, 0));
	EXPECT_EQ(1U, kev_take(level));
	EXPECT_EQ(0U, kev_quiet(level));
	EXPECT_EQ(0U, kev_take(eoi));
}

/* Not asserted at bind time: silence, and a pending EOI is consumed. */
TEST_F(irqfd, bound_while_clear)
{
	int level = self->efd[0], eoi = self->efd[1];

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kev_signal(eoi, 2));
	ASSERT_EQ(0, kev_irqfd(self->fd, self->id, KEV_LEVEL, level, eoi, 0));
	EXPECT_EQ(0U, kev_quiet(level));
	EXPECT_EQ(0U, kev_take(eoi));
}

TEST_F(irqfd, unbind)
{
	int trig = self->efd[0], eoi = self->efd[1], other = self->efd[2];

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kev_irqfd(self->fd, self->id, KEV_LEVEL, trig, eoi, 0));
	ASSERT_EQ(0, kev_irqfd(self->fd, self->id, KEV_LEVEL, trig, -1,
			       KEV_UNBIND));
	ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_SET_L));
	EXPECT_EQ(0U, kev_quiet(trig));
	/* The resample eventfd is unhooked: its count stays for its reader. */
	ASSERT_EQ(0, kev_signal(eoi, 1));
	EXPECT_EQ(0U, kev_quiet(trig));
	EXPECT_EQ(1U, kev_take(eoi));
	/* The line is free again; the new binding sees it asserted. */
	ASSERT_EQ(0, kev_irqfd(self->fd, self->id, KEV_LEVEL, other, eoi, 0));
	EXPECT_EQ(1U, kev_take(other));
	ASSERT_EQ(0, kev_signal(eoi, 1));
	EXPECT_EQ(1U, kev_wait(other));
	EXPECT_EQ(0U, kev_take(trig));
	/* Unbinding twice: the second finds nothing. */
	ASSERT_EQ(0, kev_irqfd(self->fd, self->id, KEV_LEVEL, other, -1,
			       KEV_UNBIND));
	EXPECT_EQ(-ENOENT, kev_irqfd(self->fd, self->id, KEV_LEVEL, other, -1,
				     KEV_UNBIND));
}

/* One eventfd for two lines (a shared GSI): each rise signals it. */
TEST_F(irqfd, shared_trigger)
{
	int trig = self->efd[0];

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kev_irqfd(self->fd, self->id, KEV_EDGE, trig, -1, 0));
	ASSERT_EQ(0, kev_irqfd(self->fd, self->id, KEV_LEVEL, trig, -1, 0));
	ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_SET_E));
	ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_SET_L));
	EXPECT_EQ(2U, kev_take(trig));
}

/*
 * The 16550's line from every source of events: the guest enabling
 * THRI (the transmitter is empty), the VMM filling the receive FIFO
 * (RDI), the VMM draining a full transmit FIFO (THRI again).
 */
TEST_F(irqfd, uart_sources)
{
	const uint64_t com = 0x3f8;
	struct vmdev_range r = kmod_range(PIO, com, VMDEV_UART_WINDOW);
	static char buf[VMDEV_UART_FIFO_DEPTH];
	int trig = self->efd[0];
	uint64_t v;
	uint32_t uart;
	int i;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kmod_create(self->fd, &vmdev_uart16550_map, &r, 1,
				 &uart));
	ASSERT_EQ(0, kev_irqfd(self->fd, uart, VMDEV_UART_IRQ, trig, -1, 0));
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, com + 1, 1,
				   VMDEV_UART_IER_THRI));
	EXPECT_EQ(1U, kev_take(trig));
	/* Fill THR to the brim: THRE and the line drop. */
	for (i = 0; i < VMDEV_UART_FIFO_DEPTH; i++)
		ASSERT_EQ(DONE, kmod_write(self->fd, PIO, com, 1, 'a' + i % 26));
	ASSERT_EQ(DONE, kmod_read(self->fd, PIO, com + 5, 1, &v));
	EXPECT_EQ(0U, v & VMDEV_UART_LSR_THRE);
	EXPECT_EQ(0U, kev_quiet(trig));
	/*
	 * The backend takes bytes: room for one more burst of the driver's
	 * (VMDEV_UART_TX_BURST) is THR empty again, a new edge; less is not.
	 */
	ASSERT_EQ(VMDEV_UART_TX_BURST - 1,
		  kmod_fifo(self->fd, uart, VMDEV_UART_THR, VMDEV_FIFO_DRAIN,
			    buf, VMDEV_UART_TX_BURST - 1));
	EXPECT_EQ(0U, kev_quiet(trig));
	EXPECT_EQ('a', buf[0]);
	ASSERT_EQ(1, kmod_fifo(self->fd, uart, VMDEV_UART_THR,
			       VMDEV_FIFO_DRAIN, buf, 1));
	EXPECT_EQ(1U, kev_take(trig));
	/* Data for the guest raises RDI (THRI masked first, line down). */
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, com + 1, 1, 0));
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, com + 1, 1,
				   VMDEV_UART_IER_RDI));
	EXPECT_EQ(0U, kev_quiet(trig));
	ASSERT_EQ(1, kmod_fifo(self->fd, uart, VMDEV_UART_RBR,
			       VMDEV_FIFO_FILL, "x", 1));
	EXPECT_EQ(1U, kev_take(trig));
}

TEST_F(irqfd, errors)
{
	struct {
		struct vmdev_irqfd a;
		uint64_t tail;	/* a later version's field */
	} big = { .a = { .id = self->id, .line = KEV_EDGE,
			 .fd = self->efd[0], .resample_fd = -1 } };
	int trig = self->efd[0], eoi = self->efd[1], other = self->efd[2];
	int pipefd[2], null;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, pipe2(pipefd, O_CLOEXEC));
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, null);

	/* Eventfds: none, not one. */
	EXPECT_EQ(-EBADF, kev_irqfd(self->fd, self->id, KEV_EDGE, -1, -1, 0));
	EXPECT_EQ(-EBADF, kev_irqfd(self->fd, self->id, KEV_EDGE, 1000, -1,
				    0));
	EXPECT_EQ(-EINVAL, kev_irqfd(self->fd, self->id, KEV_EDGE,
				     pipefd[0], -1, 0));
	EXPECT_EQ(-EINVAL, kev_irqfd(self->fd, self->id, KEV_EDGE, null, -1,
				     0));
	EXPECT_EQ(-EINVAL, kev_irqfd(self->fd, self->id, KEV_EDGE, self->fd,
				     -1, 0));
	EXPECT_EQ(-EBADF, kev_irqfd(self->fd, self->id, KEV_LEVEL, trig, -2,
				    0));
	EXPECT_EQ(-EINVAL, kev_irqfd(self->fd, self->id, KEV_LEVEL, trig,
				     null, 0));
	/* Device, line, flags. */
	EXPECT_EQ(-ENOENT, kev_irqfd(self->fd, self->id + 1, KEV_EDGE, trig,
				     -1, 0));
	EXPECT_EQ(-ENOENT, kev_irqfd(self->fd, 0, KEV_EDGE, trig, -1, 0));
	EXPECT_EQ(-EINVAL, kev_irqfd(self->fd, self->id, KEV_NR_IRQS, trig,
				     -1, 0));
	EXPECT_EQ(-EINVAL, kev_irqfd(self->fd, self->id, VMDEV_MAX_IRQS,
				     trig, -1, 0));
	EXPECT_EQ(-EINVAL, kev_irqfd(self->fd, self->id, KEV_EDGE, trig, -1,
				     2));
	EXPECT_EQ(-EINVAL, kev_irqfd(self->fd, self->id, KEV_EDGE, trig, -1,
				     0x80000000u));
	/* Resampling is for level lines, and not into the trigger. */
	EXPECT_EQ(-EINVAL, kev_irqfd(self->fd, self->id, KEV_EDGE, trig, eoi,
				     0));
	EXPECT_EQ(-EINVAL, kev_irqfd(self->fd, self->id, KEV_LEVEL, trig,
				     trig, 0));
	/* The struct's size rules. */
	big.a.size = 8;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->fd, VMDEV_IRQFD, &big));
	big.a.size = sizeof(big);
	big.tail = 1;
	EXPECT_EQ(-E2BIG, kmod_ioctl(self->fd, VMDEV_IRQFD, &big));
	big.tail = 0;
	EXPECT_EQ(0, kmod_ioctl(self->fd, VMDEV_IRQFD, &big));
	/* One binding per line. */
	EXPECT_EQ(-EEXIST, kev_irqfd(self->fd, self->id, KEV_EDGE, other, -1,
				     0));
	EXPECT_EQ(-EEXIST, kev_irqfd(self->fd, self->id, KEV_EDGE, trig, -1,
				     0));
	/* Unbinding what is not bound. */
	EXPECT_EQ(-ENOENT, kev_irqfd(self->fd, self->id, KEV_EDGE, other, -1,
				     KEV_UNBIND));
	EXPECT_EQ(-ENOENT, kev_irqfd(self->fd, self->id, KEV_LEVEL, trig, -1,
				     KEV_UNBIND));
	EXPECT_EQ(-ENOENT, kev_irqfd(self->fd, self->id + 1, KEV_EDGE, trig,
				     -1, KEV_UNBIND));
	EXPECT_EQ(-EINVAL, kev_irqfd(self->fd, self->id, KEV_NR_IRQS, trig,
				     -1, KEV_UNBIND));
	EXPECT_EQ(-EBADF, kev_irqfd(self->fd, self->id, KEV_EDGE, -1, -1,
				    KEV_UNBIND));
	EXPECT_EQ(-EINVAL, kev_irqfd(self->fd, self->id, KEV_EDGE, null, -1,
				     KEV_UNBIND));
	/* None of it disturbed the one binding made. */
	ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_SET_E));
	EXPECT_EQ(1U, kev_take(trig));
	EXPECT_EQ(0U, kev_take(other));
	EXPECT_EQ(0, kev_irqfd(self->fd, self->id, KEV_EDGE, trig, -1,
			       KEV_UNBIND));
	close(pipefd[0]);
	close(pipefd[1]);
	close(null);
}

/*
 * An eventfd the device consumes cannot be one it signals, or the device
 * would feed itself: a trigger that is an ioeventfd of the device, a
 * resample eventfd that is its ioeventfd (-EEXIST: one hook each) or a
 * notify fd (-EINVAL).
 */
TEST_F(irqfd, roles)
{
	int io = self->efd[0], note = self->efd[1], trig = self->efd[2];

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kev_ioeventfd(self->fd, self->id, KEV_DB, io, 1, 0));
	ASSERT_EQ(0, kev_notifyfd(self->fd, self->id, KEV_DB, note, 0));
	EXPECT_EQ(-EINVAL, kev_irqfd(self->fd, self->id, KEV_EDGE, io, -1, 0));
	EXPECT_EQ(-EEXIST, kev_irqfd(self->fd, self->id, KEV_LEVEL, trig, io,
				     0));
	EXPECT_EQ(-EINVAL, kev_irqfd(self->fd, self->id, KEV_LEVEL, trig,
				     note, 0));
	/* A notify fd may also be a trigger: both are signalled. */
	EXPECT_EQ(0, kev_irqfd(self->fd, self->id, KEV_EDGE, note, -1, 0));
	/* And a resample eventfd is hooked once. */
	EXPECT_EQ(0, kev_irqfd(self->fd, self->id, KEV_LEVEL, trig,
			       self->efd[3], 0));
	EXPECT_EQ(-EEXIST, kev_ioeventfd(self->fd, self->id, KEV_DB2,
					 self->efd[3], 1, 0));
	EXPECT_EQ(-EINVAL, kev_ioeventfd(self->fd, self->id, KEV_DB2, trig, 1,
					 0));
}

TEST_HARNESS_MAIN
