// SPDX-License-Identifier: GPL-2.0
/*
 * The device maps of libvmdev/devices driven the way a guest driver
 * drives the real hardware: the 16550 UART (divisor setup through DLAB,
 * transmit through THR with LSR polling, receive, IER/IIR interrupt
 * identification), the virtio-mmio register block (identification,
 * notify doorbell, interrupt status and acknowledge, trapped registers)
 * and the port-0x80 sink.
 */
#include "kselftest_harness.h"
#include "core_test.h"
#include "devmaps.h"

/* UART register offsets, as a driver names them. */
enum {
	RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2,
	LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7,
};

FIXTURE(uart) {
	struct vmdev_rdev *dev;
	struct vmdev_rdev_events ev;
};

FIXTURE_SETUP(uart)
{
	ASSERT_EQ(0, vmdev_rdev_create(&vmdev_uart16550_map, &self->dev));
}

FIXTURE_TEARDOWN(uart)
{
	vmdev_rdev_destroy(self->dev);
}

static int uart_out(struct vmdev_rdev *dev, u32 reg, u64 v,
		    struct vmdev_rdev_events *ev)
{
	return vmdev_rdev_access(dev, reg, 1, true, &v, ev);
}

#define IN(reg)		CORE_READ(self->dev, reg, 1)
#define OUT(reg, v)	CORE_WRITE(self->dev, reg, 1, v)

TEST_F(uart, power_on_state)
{
	EXPECT_EQ(0x60ULL, IN(LSR));	/* THRE | TEMT */
	EXPECT_EQ(0xc1ULL, IN(IIR));	/* FIFOs on, nothing pending */
	EXPECT_EQ(0xb0ULL, IN(MSR));
	EXPECT_EQ(0ULL, IN(IER));
	EXPECT_EQ(0ULL, IN(LCR));
	EXPECT_EQ(0ULL, IN(RBR));	/* nothing received */
	EXPECT_FALSE(vmdev_rdev_irq_asserted(self->dev, VMDEV_UART_IRQ));
	EXPECT_EQ(0U, vmdev_rdev_irq_flags(self->dev, VMDEV_UART_IRQ));
	EXPECT_EQ((u32)VMDEV_UART_WINDOW, vmdev_rdev_dev_size(self->dev));
}

/* The 8250 driver's probe: IER holds 0 and 0x0f, IIR shows FIFOs. */
TEST_F(uart, probe_sequence)
{
	OUT(IER, 0);
	EXPECT_EQ(0ULL, IN(IER));
	OUT(IER, 0xff);
	EXPECT_EQ(0x0fULL, IN(IER));
	OUT(IER, 0);
	OUT(FCR, 0x01);
	EXPECT_EQ(3ULL, IN(IIR) >> 6);
	EXPECT_EQ(0x01ULL, CORE_RAW(self->dev, VMDEV_UART_FCR));
	OUT(SCR, 0xa5);
	EXPECT_EQ(0xa5ULL, IN(SCR));
	OUT(MCR, 0xff);
	EXPECT_EQ(0x1fULL, IN(MCR));
	/* Status registers ignore writes. */
	OUT(LSR, 0);
	OUT(MSR, 0);
	EXPECT_EQ(0x60ULL, IN(LSR));
	EXPECT_EQ(0xb0ULL, IN(MSR));
}

TEST_F(uart, divisor_latch_banking)
{
	OUT(LCR, 0x80 | 0x03);
	OUT(DLL, 0x01);		/* 115200 baud */
	OUT(DLM, 0x00);
	EXPECT_EQ(0x01ULL, IN(DLL));
	EXPECT_EQ(0ULL, IN(DLM));
	OUT(LCR, 0x03);
	/* Same offsets, other registers: nothing went to THR or IER. */
	EXPECT_EQ(0ULL, CORE_RAW(self->dev, VMDEV_UART_THR));
	EXPECT_EQ(0ULL, IN(IER));
	OUT(IER, 0x05);
	OUT(THR, 'x');
	EXPECT_EQ(1ULL, CORE_RAW(self->dev, VMDEV_UART_THR));
	OUT(LCR, 0x83);
	EXPECT_EQ(0x01ULL, IN(DLL));
	EXPECT_EQ(0ULL, IN(DLM));
	EXPECT_EQ(0x01ULL, CORE_RAW(self->dev, VMDEV_UART_DLL));
	EXPECT_EQ(0x05ULL, CORE_RAW(self->dev, VMDEV_UART_IER));
}

TEST_F(uart, transmit_hello)
{
	const char *msg = "hello";
	char out[16] = { 0 };
	size_t i;

	OUT(LCR, 0x03);
	for (i = 0; i < strlen(msg); i++) {
		ASSERT_EQ(0x20ULL, IN(LSR) & 0x20);	/* THRE: room */
		OUT(THR, msg[i]);
	}
	ASSERT_EQ((int)strlen(msg),
		  vmdev_rdev_fifo_drain(self->dev, VMDEV_UART_THR, out,
					sizeof(out), NULL));
	EXPECT_STREQ(msg, out);
	EXPECT_EQ(0x60ULL, IN(LSR));
}

/*
 * THRE and TEMT mean room for a 16-byte burst (VMDEV_UART_TX_BURST), what
 * Linux's 8250 driver writes per THR-empty without looking again.
 */
TEST_F(uart, transmit_fifo_full)
{
	const u32 burst = VMDEV_UART_TX_BURST, depth = VMDEV_UART_FIFO_DEPTH;
	char buf[VMDEV_UART_FIFO_DEPTH];
	u64 n;
	u32 i;

	for (i = 0; i < depth - burst; i++)
		OUT(THR, i);
	EXPECT_EQ(0x60ULL, IN(LSR));		/* room for one more burst */
	OUT(THR, i++);
	EXPECT_EQ(0ULL, IN(LSR));		/* not any more */
	for (; i < depth; i++)
		OUT(THR, i);
	/* Full: the next byte is lost and counted. */
	OUT(THR, 0xff);
	ASSERT_EQ(0, vmdev_rdev_fifo_overflow(self->dev, VMDEV_UART_THR, &n));
	EXPECT_EQ(1ULL, n);
	ASSERT_EQ(1, vmdev_rdev_fifo_drain(self->dev, VMDEV_UART_THR, buf, 1,
					   NULL));
	EXPECT_EQ(0ULL, IN(LSR));		/* room for 1, not 16 */
	ASSERT_EQ((int)burst - 1,
		  vmdev_rdev_fifo_drain(self->dev, VMDEV_UART_THR, buf,
					burst - 1, NULL));
	EXPECT_EQ(0x60ULL, IN(LSR));
	ASSERT_EQ((int)(depth - burst),
		  vmdev_rdev_fifo_drain(self->dev, VMDEV_UART_THR, buf,
					sizeof(buf), NULL));
	EXPECT_EQ((char)(depth - 1), buf[depth - burst - 1]);
}

/*
 * The 8250 driver's transmit loop against a VMM that drains slowly: a
 * 16-byte burst at every THR-empty, never a byte lost. (With THR-empty
 * meaning "not full" the bursts overran the FIFO: the Linux guest lost
 * console bytes when the VMM's output thread fell behind.)
 */
TEST_F(uart, driver_bursts_never_overrun)
{
	static char sent[8192], got[8192];
	size_t n_sent = 0, n_got = 0;
	u32 i;
	u64 lost;
	int n;

	while (n_sent + VMDEV_UART_TX_BURST <= sizeof(sent)) {
		if (IN(LSR) & 0x20) {
			for (i = 0; i < VMDEV_UART_TX_BURST; i++) {
				sent[n_sent] = (char)(n_sent * 7 + 1);
				OUT(THR, sent[n_sent]);
				n_sent++;
			}
			continue;
		}
		n = vmdev_rdev_fifo_drain(self->dev, VMDEV_UART_THR,
					  got + n_got, 5, NULL);
		ASSERT_LT(0, n);
		n_got += n;
	}
	do {
		n = vmdev_rdev_fifo_drain(self->dev, VMDEV_UART_THR,
					  got + n_got, sizeof(got) - n_got,
					  NULL);
		n_got += n > 0 ? n : 0;
	} while (n > 0);
	ASSERT_EQ(0, vmdev_rdev_fifo_overflow(self->dev, VMDEV_UART_THR,
					      &lost));
	EXPECT_EQ(0ULL, lost);
	ASSERT_EQ(n_sent, n_got);
	EXPECT_EQ(0, memcmp(sent, got, n_sent));
}

TEST_F(uart, receive)
{
	const char *msg = "abc";
	size_t i;

	ASSERT_EQ(3, vmdev_rdev_fifo_fill(self->dev, VMDEV_UART_RBR, msg, 3,
					  NULL));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(0x61ULL, IN(LSR));	/* DR | THRE | TEMT */
		EXPECT_EQ((u64)msg[i], IN(RBR));
	}
	EXPECT_EQ(0x60ULL, IN(LSR));
	/* DLAB set: offset 0 is DLL, nothing is popped. */
	ASSERT_EQ(1, vmdev_rdev_fifo_fill(self->dev, VMDEV_UART_RBR, "z", 1,
					  NULL));
	OUT(LCR, 0x80);
	EXPECT_EQ(0x0cULL, IN(DLL));
	OUT(LCR, 0);
	EXPECT_EQ((u64)'z', IN(RBR));
}

TEST_F(uart, interrupt_identification)
{
	struct vmdev_rdev_events *ev = &self->ev;
	const u32 line = 1U << VMDEV_UART_IRQ;

	/* THR is empty: enabling THRI raises the line, IIR says THRE. */
	ASSERT_EQ(0, uart_out(self->dev, IER, 0x02, ev));
	EXPECT_EQ(line, ev->irq_rose);
	EXPECT_EQ(0xc2ULL, IN(IIR));
	/* Received data outranks THRE; the line stays up (no new edge). */
	ASSERT_EQ(0, uart_out(self->dev, IER, 0x03, ev));
	EXPECT_EQ(0U, ev->irq_rose);
	ASSERT_EQ(1, vmdev_rdev_fifo_fill(self->dev, VMDEV_UART_RBR, "q", 1,
					  ev));
	EXPECT_EQ(0U, ev->irq_rose);
	EXPECT_EQ(line, ev->irq_level);
	EXPECT_EQ(0xc4ULL, IN(IIR));
	EXPECT_EQ((u64)'q', IN(RBR));
	EXPECT_EQ(0xc2ULL, IN(IIR));
	/* Line status (set by the VMM) outranks everything. */
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev, VMDEV_UART_INTR, 0x04,
					  NULL));
	EXPECT_EQ(0xc2ULL, IN(IIR));	/* RLSI not enabled */
	OUT(IER, 0x07);
	EXPECT_EQ(0xc6ULL, IN(IIR));
	/* Modem status is the lowest. */
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev, VMDEV_UART_INTR, 0x08,
					  NULL));
	EXPECT_EQ(0xc2ULL, IN(IIR));
	OUT(IER, 0x08);
	EXPECT_EQ(0xc0ULL, IN(IIR));
	/* Everything off: the line falls, IIR reads "none". */
	ASSERT_EQ(0, uart_out(self->dev, IER, 0, ev));
	EXPECT_EQ(line, ev->irq_fell);
	EXPECT_EQ(0xc1ULL, IN(IIR));
}

/* The 8250 driver's transmit: THRI on per burst, off when done. */
TEST_F(uart, tx_interrupt_per_burst)
{
	struct vmdev_rdev_events *ev = &self->ev;
	const u32 line = 1U << VMDEV_UART_IRQ;
	char out[8];
	int burst;

	for (burst = 0; burst < 3; burst++) {
		ASSERT_EQ(0, uart_out(self->dev, IER, 0x02, ev));
		EXPECT_EQ(line, ev->irq_rose);
		EXPECT_EQ(0xc2ULL, IN(IIR));
		OUT(THR, 'a' + burst);
		OUT(THR, '\n');
		ASSERT_EQ(0, uart_out(self->dev, IER, 0, ev));
		EXPECT_EQ(line, ev->irq_fell);
		ASSERT_EQ(2, vmdev_rdev_fifo_drain(self->dev, VMDEV_UART_THR,
						   out, sizeof(out), NULL));
		EXPECT_EQ('a' + burst, out[0]);
	}
}

TEST_F(uart, holes_and_misfits)
{
	u64 v = 7;

	/* A 2-byte read at IIR, and past the 8-byte window: zeros. */
	EXPECT_EQ(0ULL, CORE_READ(self->dev, IIR, 2));
	EXPECT_EQ(0ULL, CORE_READ(self->dev, 8, 1));
	ASSERT_EQ(0, vmdev_rdev_access(self->dev, 7, 2, true, &v, NULL));
	EXPECT_EQ(0ULL, IN(SCR));
}

/* ---- virtio-mmio ------------------------------------------------------ */

FIXTURE(virtio) {
	struct vmdev_rdev *dev;
	struct vmdev_rdev_events ev;
};

FIXTURE_SETUP(virtio)
{
	ASSERT_EQ(0, vmdev_rdev_create(&vmdev_virtio_mmio_blk_map,
				       &self->dev));
}

FIXTURE_TEARDOWN(virtio)
{
	vmdev_rdev_destroy(self->dev);
}

static int vio(struct vmdev_rdev *dev, u32 off, bool write, u64 *v,
	       struct vmdev_rdev_events *ev)
{
	return vmdev_rdev_access(dev, off, 4, write, v, ev);
}

TEST_F(virtio, identification)
{
	EXPECT_EQ(0x74726976ULL, CORE_READ(self->dev, 0x000, 4));
	EXPECT_EQ(2ULL, CORE_READ(self->dev, 0x004, 4));
	EXPECT_EQ(2ULL, CORE_READ(self->dev, 0x008, 4));
	EXPECT_EQ((u64)VMDEV_VIRTIO_MMIO_VENDOR, CORE_READ(self->dev, 0x00c, 4));
	/* Writing them changes nothing. */
	CORE_WRITE(self->dev, 0x008, 4, 0);
	EXPECT_EQ(2ULL, CORE_READ(self->dev, 0x008, 4));
	EXPECT_EQ(VMDEV_IRQ_F_LEVEL,
		  vmdev_rdev_irq_flags(self->dev, VMDEV_VIRTIO_MMIO_IRQ));
}

TEST_F(virtio, everything_else_traps)
{
	static const u32 trapped[] = {
		0x010, 0x014, 0x020, 0x030, 0x034, 0x038, 0x044, 0x070,
		0x080, 0x0a0, 0x0ac, 0x100, 0x104, 0x1fc,
	};
	u32 i;
	u64 v;

	for (i = 0; i < ARRAY_SIZE(trapped); i++) {
		v = 0x5a5a;
		EXPECT_EQ(VMDEV_RDEV_SLOW,
			  vio(self->dev, trapped[i], false, &v, NULL));
		EXPECT_EQ(0x5a5aULL, v);
		EXPECT_EQ(VMDEV_RDEV_SLOW,
			  vio(self->dev, trapped[i], true, &v, NULL));
	}
	/* Narrow accesses to 32-bit registers, and past the window. */
	EXPECT_EQ(VMDEV_RDEV_SLOW,
		  vmdev_rdev_access(self->dev, 0, 1, false, &v, NULL));
	EXPECT_EQ(VMDEV_RDEV_SLOW,
		  vmdev_rdev_access(self->dev, 0x200, 4, false, &v, NULL));
	/* Reads of write-only and writes of read-only registers. */
	EXPECT_EQ(VMDEV_RDEV_SLOW, vio(self->dev, 0x050, false, &v, NULL));
	EXPECT_EQ(VMDEV_RDEV_SLOW, vio(self->dev, 0x064, false, &v, NULL));
	EXPECT_EQ(VMDEV_RDEV_SLOW, vio(self->dev, 0x060, true, &v, NULL));
}

TEST_F(virtio, queue_notify_rings)
{
	int slot = vmdev_rdev_doorbell_slot(self->dev,
					    VMDEV_VIRTIO_MMIO_QUEUE_NOTIFY);
	u64 v = 3;

	ASSERT_EQ(0, slot);
	ASSERT_EQ(0, vio(self->dev, 0x050, true, &v, &self->ev));
	EXPECT_EQ(1U << slot, self->ev.doorbells);
	EXPECT_EQ(3ULL, CORE_RAW(self->dev, VMDEV_VIRTIO_MMIO_QUEUE_NOTIFY));
}

TEST_F(virtio, interrupt_status_and_ack)
{
	struct vmdev_rdev_events *ev = &self->ev;
	u64 v;

	/* The backend used a buffer: status bit 0, the line rises. */
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev,
					  VMDEV_VIRTIO_MMIO_INT_STATUS, 1, ev));
	EXPECT_EQ(1U, ev->irq_rose);
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev,
					  VMDEV_VIRTIO_MMIO_INT_STATUS, 3, ev));
	EXPECT_EQ(0U, ev->irq_rose);
	EXPECT_EQ(3ULL, CORE_READ(self->dev, 0x060, 4));
	/* The guest acks one bit: still pending. */
	v = 1;
	ASSERT_EQ(0, vio(self->dev, 0x064, true, &v, ev));
	EXPECT_EQ(0U, ev->irq_fell);
	EXPECT_EQ(2ULL, CORE_READ(self->dev, 0x060, 4));
	/* Bits outside 0x3 are not acknowledged; bit 1 is. */
	v = ~0ULL;
	ASSERT_EQ(0, vio(self->dev, 0x064, true, &v, ev));
	EXPECT_EQ(1U, ev->irq_fell);
	EXPECT_EQ(0ULL, CORE_READ(self->dev, 0x060, 4));
	EXPECT_FALSE(vmdev_rdev_irq_asserted(self->dev, 0));
	/* A VMM-set status bit outside the enable does not assert. */
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev,
					  VMDEV_VIRTIO_MMIO_INT_STATUS, 4, ev));
	EXPECT_EQ(0U, ev->irq_level);
}

TEST_F(virtio, config_generation)
{
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev,
					  VMDEV_VIRTIO_MMIO_CONFIG_GEN, 5,
					  NULL));
	EXPECT_EQ(5ULL, CORE_READ(self->dev, 0x0fc, 4));
	CORE_WRITE(self->dev, 0x0fc, 4, 0);
	EXPECT_EQ(5ULL, CORE_READ(self->dev, 0x0fc, 4));
}

TEST(virtio_map_for_other_ids)
{
	struct vmdev_virtio_mmio_map map;
	const struct vmdev_reg *r;
	struct vmdev_rdev *dev;

	vmdev_virtio_mmio_map_init(&map, 1, 0x1af4);
	ASSERT_EQ(0, vmdev_rdev_check(&map.desc));
	ASSERT_EQ(0, vmdev_rdev_create(&map.desc, &dev));
	EXPECT_EQ(1ULL, CORE_READ(dev, 0x008, 4));
	EXPECT_EQ(0x1af4ULL, CORE_READ(dev, 0x00c, 4));
	EXPECT_EQ(0x74726976ULL, CORE_READ(dev, 0x000, 4));
	EXPECT_EQ(VMDEV_DEV_F_HOLE_TRAP, map.desc.flags);
	vmdev_rdev_destroy(dev);
	/* The shared block map is untouched. */
	r = &vmdev_virtio_mmio_blk_map.regs[VMDEV_VIRTIO_MMIO_DEVICE_ID];
	EXPECT_EQ(2ULL, r->reset);
}

/* ---- port 0x80 ------------------------------------------------------------ */

TEST(port80_sink)
{
	struct vmdev_rdev_events ev;
	struct vmdev_rdev *dev;
	u32 i;
	u64 v;

	ASSERT_EQ(0, vmdev_rdev_create(&vmdev_port80_map, &dev));
	for (i = 0; i < 256; i++) {
		v = i;
		ASSERT_EQ(0, vmdev_rdev_access(dev, 0, 1, true, &v, &ev));
		EXPECT_EQ(0U, ev.doorbells | ev.irq_level);
	}
	EXPECT_EQ(0ULL, CORE_READ(dev, 0, 1));
	/* Wider accesses run past the window: still swallowed. */
	EXPECT_EQ(0ULL, CORE_READ(dev, 0, 2));
	CORE_WRITE(dev, 0, 4, 0xffffffff);
	EXPECT_EQ(0U, vmdev_rdev_nr_irqs(dev));
	EXPECT_GT((size_t)4096, vmdev_rdev_footprint(dev));
	vmdev_rdev_destroy(dev);
}

TEST_HARNESS_MAIN
