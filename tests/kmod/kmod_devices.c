// SPDX-License-Identifier: GPL-2.0
/*
 * Real devices in the kernel, driven the way a guest drives them, through
 * the access ioctl: the 16550 UART (transmit and receive paths, DLAB
 * banking, IIR, FIFO limits) on PIO, on MMIO and on both at once; the
 * virtio-mmio register block (constants, doorbell, interrupt status and
 * acknowledge, trapped status and holes); the port-0x80 sink.
 */
#include "kselftest_harness.h"
#include "kmod_util.h"

#define UART_PIO	0x3f8
#define UART_MMIO	0xfe001000ULL

/* ---- 16550 UART ------------------------------------------------------ */

FIXTURE(uart) {
	int fd;
	uint32_t id;
};

/* Where the guest reaches the UART; `both` maps it on MMIO too. */
FIXTURE_VARIANT(uart) {
	uint32_t space;
	uint64_t base;
	bool both;
};

FIXTURE_VARIANT_ADD(uart, pio) {
	.space = PIO, .base = UART_PIO,
};

FIXTURE_VARIANT_ADD(uart, mmio) {
	.space = MMIO, .base = UART_MMIO,
};

FIXTURE_VARIANT_ADD(uart, both) {
	.space = PIO, .base = UART_PIO, .both = true,
};

FIXTURE_SETUP(uart)
{
	struct vmdev_range r[2] = {
		kmod_range(variant->space, variant->base, VMDEV_UART_WINDOW),
		kmod_range(MMIO, UART_MMIO, VMDEV_UART_WINDOW),
	};

	self->fd = -1;
	KMOD_OPEN_OR_SKIP(self->fd);
	ASSERT_EQ(0, kmod_create(self->fd, &vmdev_uart16550_map, r,
				 variant->both ? 2 : 1, &self->id));
}

FIXTURE_TEARDOWN(uart)
{
	if (self->fd >= 0)
		close(self->fd);
}

static uint64_t uart_in(struct __test_metadata *_metadata, int fd,
			const FIXTURE_VARIANT(uart) *variant, uint32_t off)
{
	uint64_t v = 0;

	EXPECT_EQ(DONE, kmod_read(fd, variant->space, variant->base + off, 1,
				  &v)) TH_LOG("read offset %u", off);
	return v;
}

static void uart_out(struct __test_metadata *_metadata, int fd,
		     const FIXTURE_VARIANT(uart) *variant, uint32_t off,
		     uint64_t val)
{
	EXPECT_EQ(DONE, kmod_write(fd, variant->space, variant->base + off, 1,
				   val)) TH_LOG("write offset %u", off);
}

#define IN(off)		uart_in(_metadata, self->fd, variant, (off))
#define OUT(off, val)	uart_out(_metadata, self->fd, variant, (off), (val))

/* Register offsets in the UART's window. */
enum {
	THR = 0, RBR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2,
	LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7,
};

TEST_F(uart, transmit)
{
	const char *msg = "Hello, vmdev!";
	char out[32] = "";
	size_t i;

	KMOD_SKIP_IF_NO_MODULE();
	EXPECT_EQ((uint64_t)(VMDEV_UART_LSR_THRE | VMDEV_UART_LSR_TEMT),
		  IN(LSR));
	for (i = 0; msg[i]; i++)
		OUT(THR, msg[i]);
	ASSERT_EQ((int)i, kmod_fifo(self->fd, self->id, VMDEV_UART_THR,
				    VMDEV_FIFO_DRAIN, out, sizeof(out)));
	EXPECT_STREQ(msg, out);
	EXPECT_EQ(0, kmod_fifo(self->fd, self->id, VMDEV_UART_THR,
			       VMDEV_FIFO_DRAIN, out, sizeof(out)));
}

TEST_F(uart, transmit_fifo_full)
{
	static char out[VMDEV_UART_FIFO_DEPTH + 8];
	int i;

	KMOD_SKIP_IF_NO_MODULE();
	/* THRE means room for a burst of the 8250 driver's, then drops. */
	for (i = 0; i < VMDEV_UART_FIFO_DEPTH; i++) {
		bool room = i <= VMDEV_UART_FIFO_DEPTH - VMDEV_UART_TX_BURST;

		EXPECT_EQ(room, !!(IN(LSR) & VMDEV_UART_LSR_THRE))
			TH_LOG("byte %d", i);
		OUT(THR, 'a' + i % 26);
	}
	EXPECT_EQ(0U, IN(LSR) & (VMDEV_UART_LSR_THRE | VMDEV_UART_LSR_TEMT));
	OUT(THR, '!');		/* dropped: the FIFO is full */
	ASSERT_EQ(VMDEV_UART_FIFO_DEPTH,
		  kmod_fifo(self->fd, self->id, VMDEV_UART_THR,
			    VMDEV_FIFO_DRAIN, out, sizeof(out)));
	EXPECT_EQ('a', out[0]);
	EXPECT_EQ('a' + (VMDEV_UART_FIFO_DEPTH - 1) % 26,
		  out[VMDEV_UART_FIFO_DEPTH - 1]);
	EXPECT_EQ((uint64_t)(VMDEV_UART_LSR_THRE | VMDEV_UART_LSR_TEMT),
		  IN(LSR) & (VMDEV_UART_LSR_THRE | VMDEV_UART_LSR_TEMT));
}

TEST_F(uart, receive)
{
	char out[4];

	KMOD_SKIP_IF_NO_MODULE();
	EXPECT_EQ(0U, IN(LSR) & VMDEV_UART_LSR_DR);
	ASSERT_EQ(2, kmod_fifo(self->fd, self->id, VMDEV_UART_RBR,
			       VMDEV_FIFO_FILL, "ok", 2));
	EXPECT_NE(0U, IN(LSR) & VMDEV_UART_LSR_DR);
	EXPECT_EQ((uint64_t)'o', IN(RBR));
	EXPECT_NE(0U, IN(LSR) & VMDEV_UART_LSR_DR);
	EXPECT_EQ((uint64_t)'k', IN(RBR));
	EXPECT_EQ(0U, IN(LSR) & VMDEV_UART_LSR_DR);
	/* Nothing transmitted by reading. */
	EXPECT_EQ(0, kmod_fifo(self->fd, self->id, VMDEV_UART_THR,
			       VMDEV_FIFO_DRAIN, out, sizeof(out)));
}

TEST_F(uart, dlab_banking)
{
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	OUT(IER, VMDEV_UART_IER_RDI);
	OUT(LCR, VMDEV_UART_LCR_DLAB | 0x03);
	EXPECT_EQ(0x0cU, IN(DLL));	/* 9600 baud after reset */
	OUT(DLL, 0x01);
	OUT(DLM, 0x02);
	EXPECT_EQ(0x01U, IN(DLL));
	EXPECT_EQ(0x02U, IN(DLM));
	/* The divisor write did not transmit anything. */
	EXPECT_EQ(0, kmod_fifo(self->fd, self->id, VMDEV_UART_THR,
			       VMDEV_FIFO_DRAIN, &v, 1));
	OUT(LCR, 0x03);
	EXPECT_EQ((uint64_t)VMDEV_UART_IER_RDI, IN(IER));
	ASSERT_EQ(0, kmod_reg_read(self->fd, self->id, VMDEV_UART_DLL, &v));
	EXPECT_EQ(0x01U, v);
	ASSERT_EQ(0, kmod_reg_read(self->fd, self->id, VMDEV_UART_DLM, &v));
	EXPECT_EQ(0x02U, v);
}

TEST_F(uart, interrupt_identification)
{
	KMOD_SKIP_IF_NO_MODULE();
	EXPECT_EQ((uint64_t)(VMDEV_UART_IIR_FIFO | VMDEV_UART_IIR_NO_INT),
		  IN(IIR));
	/* THR has room: enabling its interrupt raises it. */
	OUT(IER, VMDEV_UART_IER_THRI);
	EXPECT_EQ((uint64_t)(VMDEV_UART_IIR_FIFO | VMDEV_UART_IIR_THRI),
		  IN(IIR));
	/* Received data outranks THR empty. */
	ASSERT_EQ(1, kmod_fifo(self->fd, self->id, VMDEV_UART_RBR,
			       VMDEV_FIFO_FILL, "x", 1));
	OUT(IER, VMDEV_UART_IER_THRI | VMDEV_UART_IER_RDI);
	EXPECT_EQ((uint64_t)(VMDEV_UART_IIR_FIFO | VMDEV_UART_IIR_RDI),
		  IN(IIR));
	EXPECT_EQ((uint64_t)'x', IN(RBR));
	EXPECT_EQ((uint64_t)(VMDEV_UART_IIR_FIFO | VMDEV_UART_IIR_THRI),
		  IN(IIR));
	/* Line status, set by the VMM, outranks everything. */
	ASSERT_EQ(0, kmod_reg_write(self->fd, self->id, VMDEV_UART_INTR,
				    VMDEV_UART_IER_RLSI |
				    VMDEV_UART_IER_THRI));
	OUT(IER, VMDEV_UART_IER_THRI | VMDEV_UART_IER_RLSI);
	EXPECT_EQ((uint64_t)(VMDEV_UART_IIR_FIFO | VMDEV_UART_IIR_RLSI),
		  IN(IIR));
	OUT(IER, 0);
	EXPECT_EQ((uint64_t)(VMDEV_UART_IIR_FIFO | VMDEV_UART_IIR_NO_INT),
		  IN(IIR));
}

TEST_F(uart, control_registers_and_reset)
{
	char out[4];
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	OUT(SCR, 0x5a);
	EXPECT_EQ(0x5aU, IN(SCR));
	OUT(MCR, 0xff);
	EXPECT_EQ(0x1fU, IN(MCR));	/* only the 16550's bits */
	OUT(IER, 0xff);
	EXPECT_EQ(0x0fU, IN(IER));
	EXPECT_EQ(0xb0U, IN(MSR));
	OUT(MSR, 0);			/* read only */
	EXPECT_EQ(0xb0U, IN(MSR));
	OUT(LSR, 0);
	EXPECT_EQ(0x60U, IN(LSR));
	/* FCR is write only: offset 2 still reads IIR (THRI is enabled). */
	OUT(FCR, 0x07);
	EXPECT_EQ((uint64_t)(VMDEV_UART_IIR_FIFO | VMDEV_UART_IIR_THRI),
		  IN(IIR));
	ASSERT_EQ(0, kmod_reg_read(self->fd, self->id, VMDEV_UART_FCR, &v));
	EXPECT_EQ(0x07U, v);
	OUT(THR, 'q');
	ASSERT_EQ(1, kmod_fifo(self->fd, self->id, VMDEV_UART_RBR,
			       VMDEV_FIFO_FILL, "r", 1));
	ASSERT_EQ(0, kmod_reset(self->fd, self->id));
	EXPECT_EQ(0U, IN(SCR));
	EXPECT_EQ(0U, IN(MCR));
	EXPECT_EQ(0U, IN(IER));
	EXPECT_EQ(0x60U, IN(LSR));	/* both FIFOs emptied */
	EXPECT_EQ(0, kmod_fifo(self->fd, self->id, VMDEV_UART_THR,
			       VMDEV_FIFO_DRAIN, out, sizeof(out)));
}

/* Accesses wider than the UART's byte registers change nothing. */
TEST_F(uart, misfit_accesses)
{
	uint64_t v = 0x4141;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(DONE, kmod_write(self->fd, variant->space, variant->base,
				   2, v));
	EXPECT_EQ(0, kmod_fifo(self->fd, self->id, VMDEV_UART_THR,
			       VMDEV_FIFO_DRAIN, &v, 1));
	ASSERT_EQ(DONE, kmod_write(self->fd, variant->space,
				   variant->base + 6, 2, 0xffff));
	EXPECT_EQ(0U, IN(SCR));
	ASSERT_EQ(DONE, kmod_read(self->fd, variant->space, variant->base,
				  4, &v));
	EXPECT_EQ(0U, v);
	/* Past the 8-byte window: not the UART's any more. */
	EXPECT_EQ(-EINVAL, kmod_read(self->fd, variant->space,
				     variant->base + 4, 8, &v));
	EXPECT_EQ(SLOW, kmod_read(self->fd, variant->space,
				  variant->base + 8, 1, &v));
}

/*
 * One UART on two ranges: bytes written through either mapping land in
 * the one FIFO, in order, and register state is shared.
 */
TEST(uart_on_two_ranges)
{
	struct vmdev_range r[2] = {
		kmod_range(PIO, UART_PIO, VMDEV_UART_WINDOW),
		kmod_range(MMIO, UART_MMIO, VMDEV_UART_WINDOW),
	};
	char out[8] = "";
	uint32_t id;
	uint64_t v;
	int fd;

	KMOD_OPEN_OR_SKIP(fd);
	ASSERT_EQ(0, kmod_create(fd, &vmdev_uart16550_map, r, 2, &id));
	ASSERT_EQ(DONE, kmod_write(fd, PIO, UART_PIO, 1, 'p'));
	ASSERT_EQ(DONE, kmod_write(fd, MMIO, UART_MMIO, 1, 'm'));
	ASSERT_EQ(DONE, kmod_write(fd, PIO, UART_PIO, 1, 'p'));
	ASSERT_EQ(3, kmod_fifo(fd, id, VMDEV_UART_THR, VMDEV_FIFO_DRAIN, out,
			       sizeof(out)));
	EXPECT_STREQ("pmp", out);
	ASSERT_EQ(DONE, kmod_write(fd, MMIO, UART_MMIO + SCR, 1, 0x99));
	ASSERT_EQ(DONE, kmod_read(fd, PIO, UART_PIO + SCR, 1, &v));
	EXPECT_EQ(0x99U, v);
	close(fd);
}

/* ---- virtio-mmio ------------------------------------------------------ */

#define VIRTIO_BASE	0xd0000000ULL

FIXTURE(virtio) {
	int fd;
	uint32_t id;
};

/* The window alone, or a whole page whose tail traps as holes. */
FIXTURE_VARIANT(virtio) {
	uint64_t len;
};

FIXTURE_VARIANT_ADD(virtio, window) {
	.len = VMDEV_VIRTIO_MMIO_WINDOW,
};

FIXTURE_VARIANT_ADD(virtio, page) {
	.len = 0x1000,
};

FIXTURE_SETUP(virtio)
{
	struct vmdev_range r = kmod_range(MMIO, VIRTIO_BASE, variant->len);

	self->fd = -1;
	KMOD_OPEN_OR_SKIP(self->fd);
	ASSERT_EQ(0, kmod_create(self->fd, &vmdev_virtio_mmio_blk_map, &r, 1,
				 &self->id));
}

FIXTURE_TEARDOWN(virtio)
{
	if (self->fd >= 0)
		close(self->fd);
}

static int vread(int fd, uint64_t off, uint8_t len, uint64_t *v)
{
	return kmod_read(fd, MMIO, VIRTIO_BASE + off, len, v);
}

static int vwrite(int fd, uint64_t off, uint8_t len, uint64_t v)
{
	return kmod_write(fd, MMIO, VIRTIO_BASE + off, len, v);
}

TEST_F(virtio, identification)
{
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(DONE, vread(self->fd, 0x000, 4, &v));
	EXPECT_EQ((uint64_t)VMDEV_VIRTIO_MMIO_MAGIC_VALUE, v);
	ASSERT_EQ(DONE, vread(self->fd, 0x004, 4, &v));
	EXPECT_EQ(2U, v);
	ASSERT_EQ(DONE, vread(self->fd, 0x008, 4, &v));
	EXPECT_EQ((uint64_t)VMDEV_VIRTIO_ID_BLOCK, v);
	ASSERT_EQ(DONE, vread(self->fd, 0x00c, 4, &v));
	EXPECT_EQ((uint64_t)VMDEV_VIRTIO_MMIO_VENDOR, v);
	/* Constants ignore writes. */
	ASSERT_EQ(DONE, vwrite(self->fd, 0x000, 4, 0));
	ASSERT_EQ(DONE, vread(self->fd, 0x000, 4, &v));
	EXPECT_EQ((uint64_t)VMDEV_VIRTIO_MMIO_MAGIC_VALUE, v);
}

/* What the kernel does not emulate goes to the VMM, untouched. */
TEST_F(virtio, trapped)
{
	static const uint32_t offs[] = {
		0x010,	/* DeviceFeatures */
		0x030,	/* QueueSel */
		0x070,	/* Status: a trap register */
		0x100,	/* device configuration */
		0x1fc,
	};
	uint64_t v;
	size_t i;

	KMOD_SKIP_IF_NO_MODULE();
	for (i = 0; i < KMOD_ARRAY_SIZE(offs); i++) {
		v = 0x1234;
		EXPECT_EQ(SLOW, kmod_access(self->fd, MMIO,
					    VIRTIO_BASE + offs[i], 4,
					    VMDEV_DIR_READ, &v))
			TH_LOG("offset %#x", offs[i]);
		EXPECT_EQ(0x1234U, v);
		EXPECT_EQ(SLOW, vwrite(self->fd, offs[i], 4, 7));
	}
	/* Narrow accesses to 32-bit registers are holes too. */
	EXPECT_EQ(SLOW, vread(self->fd, 0x000, 1, &v));
	EXPECT_EQ(SLOW, vread(self->fd, 0x004, 2, &v));
	/* QueueNotify is write only. */
	EXPECT_EQ(SLOW, vread(self->fd, 0x050, 4, &v));
	/* Past the window: a hole of the page, or no device at all. */
	EXPECT_EQ(SLOW, vread(self->fd, 0x200, 4, &v));
	EXPECT_EQ(SLOW, vread(self->fd, 0xffc, 4, &v));
}

TEST_F(virtio, queue_notify)
{
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(DONE, vwrite(self->fd, 0x050, 4, 3));
	ASSERT_EQ(0, kmod_reg_read(self->fd, self->id,
				   VMDEV_VIRTIO_MMIO_QUEUE_NOTIFY, &v));
	EXPECT_EQ(3U, v);
	ASSERT_EQ(DONE, vwrite(self->fd, 0x050, 4, 0));
	ASSERT_EQ(0, kmod_reg_read(self->fd, self->id,
				   VMDEV_VIRTIO_MMIO_QUEUE_NOTIFY, &v));
	EXPECT_EQ(0U, v);
}

TEST_F(virtio, interrupt_status_and_ack)
{
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(DONE, vread(self->fd, 0x060, 4, &v));
	EXPECT_EQ(0U, v);
	/* The VMM's backend used a buffer and changed the config. */
	ASSERT_EQ(0, kmod_reg_write(self->fd, self->id,
				    VMDEV_VIRTIO_MMIO_INT_STATUS,
				    VMDEV_VIRTIO_MMIO_INT_VRING |
				    VMDEV_VIRTIO_MMIO_INT_CONFIG));
	ASSERT_EQ(DONE, vread(self->fd, 0x060, 4, &v));
	EXPECT_EQ(3U, v);
	/* InterruptStatus is read only for the guest. */
	ASSERT_EQ(SLOW, vwrite(self->fd, 0x060, 4, 0));
	ASSERT_EQ(DONE, vwrite(self->fd, 0x064, 4,
			       VMDEV_VIRTIO_MMIO_INT_VRING));
	ASSERT_EQ(DONE, vread(self->fd, 0x060, 4, &v));
	EXPECT_EQ((uint64_t)VMDEV_VIRTIO_MMIO_INT_CONFIG, v);
	/* Bits outside the ack mask do nothing. */
	ASSERT_EQ(DONE, vwrite(self->fd, 0x064, 4, 0xfffffffc));
	ASSERT_EQ(DONE, vread(self->fd, 0x060, 4, &v));
	EXPECT_EQ((uint64_t)VMDEV_VIRTIO_MMIO_INT_CONFIG, v);
	ASSERT_EQ(DONE, vwrite(self->fd, 0x064, 4,
			       VMDEV_VIRTIO_MMIO_INT_CONFIG));
	ASSERT_EQ(DONE, vread(self->fd, 0x060, 4, &v));
	EXPECT_EQ(0U, v);
}

TEST_F(virtio, config_generation_and_reset)
{
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kmod_reg_write(self->fd, self->id,
				    VMDEV_VIRTIO_MMIO_CONFIG_GEN, 5));
	ASSERT_EQ(DONE, vread(self->fd, 0x0fc, 4, &v));
	EXPECT_EQ(5U, v);
	ASSERT_EQ(DONE, vwrite(self->fd, 0x050, 4, 1));
	ASSERT_EQ(0, kmod_reset(self->fd, self->id));
	ASSERT_EQ(DONE, vread(self->fd, 0x0fc, 4, &v));
	EXPECT_EQ(0U, v);
	ASSERT_EQ(0, kmod_reg_read(self->fd, self->id,
				   VMDEV_VIRTIO_MMIO_QUEUE_NOTIFY, &v));
	EXPECT_EQ(0U, v);
}

/* Several transports side by side, each with its own identity. */
TEST(virtio_transports_side_by_side)
{
	struct vmdev_virtio_mmio_map net, console;
	struct vmdev_range r;
	uint32_t a, b;
	uint64_t v;
	int fd;

	KMOD_OPEN_OR_SKIP(fd);
	vmdev_virtio_mmio_map_init(&net, 1, 0x1af4);
	vmdev_virtio_mmio_map_init(&console, 3, 0x1af4);
	r = kmod_range(MMIO, VIRTIO_BASE, VMDEV_VIRTIO_MMIO_WINDOW);
	ASSERT_EQ(0, kmod_create(fd, &net.desc, &r, 1, &a));
	r.base += VMDEV_VIRTIO_MMIO_WINDOW;
	ASSERT_EQ(0, kmod_create(fd, &console.desc, &r, 1, &b));
	ASSERT_EQ(DONE, vread(fd, 0x008, 4, &v));
	EXPECT_EQ(1U, v);
	ASSERT_EQ(DONE, vread(fd, VMDEV_VIRTIO_MMIO_WINDOW + 0x008, 4, &v));
	EXPECT_EQ(3U, v);
	ASSERT_EQ(DONE, vread(fd, VMDEV_VIRTIO_MMIO_WINDOW + 0x00c, 4, &v));
	EXPECT_EQ(0x1af4U, v);
	ASSERT_EQ(DONE, vwrite(fd, VMDEV_VIRTIO_MMIO_WINDOW + 0x050, 4, 9));
	ASSERT_EQ(0, kmod_reg_read(fd, a, VMDEV_VIRTIO_MMIO_QUEUE_NOTIFY, &v));
	EXPECT_EQ(0U, v);
	ASSERT_EQ(0, kmod_reg_read(fd, b, VMDEV_VIRTIO_MMIO_QUEUE_NOTIFY, &v));
	EXPECT_EQ(9U, v);
	close(fd);
}

/* ---- port 0x80 ------------------------------------------------------- */

TEST(port80_sink)
{
	struct vmdev_range r[2] = {
		kmod_range(PIO, 0x80, VMDEV_PORT80_WINDOW),
		kmod_range(MMIO, 0xfed00080, 4),
	};
	uint64_t v = 0xff;
	uint32_t id;
	int fd, i;

	KMOD_OPEN_OR_SKIP(fd);
	ASSERT_EQ(0, kmod_create(fd, &vmdev_port80_map, r, 2, &id));
	for (i = 0; i < 256; i++)
		ASSERT_EQ(DONE, kmod_write(fd, PIO, 0x80, 1, i));
	ASSERT_EQ(DONE, kmod_read(fd, PIO, 0x80, 1, &v));
	EXPECT_EQ(0U, v);
	/* The port is one byte: wider accesses run past the range. */
	EXPECT_EQ(-EINVAL, kmod_write(fd, PIO, 0x80, 2, 0));
	EXPECT_EQ(SLOW, kmod_write(fd, PIO, 0x81, 1, 0));
	/* Mapped on MMIO over 4 bytes: all of it swallowed. */
	ASSERT_EQ(DONE, kmod_write(fd, MMIO, 0xfed00080, 4, 0xdeadbeef));
	v = 0xff;
	ASSERT_EQ(DONE, kmod_read(fd, MMIO, 0xfed00080, 4, &v));
	EXPECT_EQ(0U, v);
	close(fd);
}

TEST_HARNESS_MAIN
