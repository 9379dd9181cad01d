// SPDX-License-Identifier: GPL-2.0
/*
 * A guest console on the 16550 UART of libvmdev/devices (the register
 * map run by the shared core, emulated in userspace on /dev/kvm): the
 * uart guest (tests/guest/uart.S) programs it like a driver and prints a
 * text, polling LSR THRE before every THR write. The text must come out
 * of the THR FIFO exactly, the programmed state must match, and a full
 * FIFO must make the guest wait (bounded) until the backend drains it.
 */
#include <errno.h>
#include <string.h>
#include <linux/vmdev.h>

#include "kselftest_harness.h"
#include "guest_test.h"
#include "rdevbus.h"
#include "devmaps.h"

GUEST_IMAGE_DECLARE(uart);

#define COM1		0x3f8
#define LSR_PORT	(COM1 + 5)
#define TEXT_GPA	GUEST_DATA_ADDR
#define DIVISOR		0x0180		/* 300 baud: both latch bytes */
#define POLL_MAX	64
/* What a guest polling THRE before each byte gets into an undrained THR. */
#define UART_FILLS	(VMDEV_UART_FIFO_DEPTH - VMDEV_UART_TX_BURST + 1)
#define MAX_TEXT	8192

static const char greeting[] = "Hello from a KVM guest, through a 16550.\r\n";

FIXTURE(uart) {
	int kvm_err;
	struct minivm vm;
	struct rdevbus bus;
	struct vmdev_rdev *uart;
	struct guest_uart_params *p;
	bool backend;		/* drain THR whenever the guest must wait */
	unsigned int drains;
	char out[MAX_TEXT];
	size_t out_len;
	char text[MAX_TEXT];
};

/* Move what the guest transmitted so far to self->out. */
static int drain(FIXTURE_DATA(uart) *self)
{
	int n = vmdev_rdev_fifo_drain(self->uart, VMDEV_UART_THR,
				      self->out + self->out_len,
				      MAX_TEXT - self->out_len, NULL);

	if (n < 0)
		return n;
	self->out_len += n;
	self->drains++;
	return 0;
}

/*
 * The bus, plus a backend that consumes the transmit FIFO when the
 * guest finds it full (an LSR read without THRE), as a VMM's serial
 * backend thread would eventually do.
 */
static int uart_io(void *opaque, struct minivm_io *io)
{
	FIXTURE_DATA(uart) *self = opaque;
	int ret = rdevbus_io(&self->bus, io);

	if (ret || !self->backend || io->write || io->addr != LSR_PORT ||
	    (io->data & VMDEV_UART_LSR_THRE))
		return ret;
	return drain(self);
}

FIXTURE_SETUP(uart)
{
	unsigned int i;
	char *text;

	rdevbus_init(&self->bus, NULL, NULL);
	self->backend = false;
	self->drains = 0;
	self->out_len = 0;
	for (i = 0; i < MAX_TEXT; i++)
		self->text[i] = greeting[i % (sizeof(greeting) - 1)];
	self->kvm_err = minivm_usable();
	if (self->kvm_err)
		return;
	ASSERT_EQ(0, minivm_create(&self->vm, NULL));
	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(uart),
				 MINIVM_PROT32));
	ASSERT_EQ(0, vmdev_rdev_create(&vmdev_uart16550_map, &self->uart));
	ASSERT_EQ(0, rdevbus_add(&self->bus, self->uart, VMDEV_SPACE_PIO,
				 COM1));
	self->p = minivm_gpa(&self->vm, GUEST_PARAM_ADDR, sizeof(*self->p));
	text = minivm_gpa(&self->vm, TEXT_GPA, MAX_TEXT);
	ASSERT_NE(NULL, text);
	memcpy(text, self->text, MAX_TEXT);
	*self->p = (struct guest_uart_params){
		.base = COM1, .text = TEXT_GPA, .poll_max = POLL_MAX,
		.divisor = DIVISOR,
	};
}

FIXTURE_TEARDOWN(uart)
{
	rdevbus_fini(&self->bus);
	if (!self->kvm_err)
		minivm_destroy(&self->vm);
}

static uint64_t reg(FIXTURE_DATA(uart) *self, int r)
{
	uint64_t v = ~0ULL;

	vmdev_rdev_reg_read(self->uart, r, &v);
	return v;
}

/* What the driver programmed, seen by the guest and by the VMM. */
static void check_programmed(struct __test_metadata *_metadata,
			     FIXTURE_DATA(uart) *self)
{
	EXPECT_EQ((uint32_t)UART_LCR_8N1, self->p->lcr_out);
	EXPECT_EQ((uint32_t)DIVISOR, self->p->divisor_out);
	EXPECT_EQ((uint32_t)UART_SCR_PATTERN, self->p->scr_out);
	EXPECT_EQ((uint64_t)UART_LCR_8N1, reg(self, VMDEV_UART_LCR));
	EXPECT_EQ((uint64_t)(DIVISOR & 0xff), reg(self, VMDEV_UART_DLL));
	EXPECT_EQ((uint64_t)(DIVISOR >> 8), reg(self, VMDEV_UART_DLM));
	EXPECT_EQ((uint64_t)UART_FCR_ENABLE_CLEAR, reg(self, VMDEV_UART_FCR));
	EXPECT_EQ((uint64_t)UART_MCR_DTR_RTS_OUT2, reg(self, VMDEV_UART_MCR));
	EXPECT_EQ(0U, reg(self, VMDEV_UART_IER));
	EXPECT_EQ((uint64_t)UART_SCR_PATTERN, reg(self, VMDEV_UART_SCR));
}

TEST_F(uart, prints_text)
{
	uint32_t len = sizeof(greeting) - 1;

	GUEST_REQUIRE_KVM(self->kvm_err);
	self->p->len = len;
	GUEST_RUN_EXPECT(&self->vm, uart_io, self, GUEST_PASS);
	/* The whole text sits in the FIFO: THRE never cleared. */
	ASSERT_EQ(0, drain(self));
	ASSERT_EQ(len, self->out_len);
	EXPECT_EQ(0, memcmp(greeting, self->out, len));
	/* One THRE poll per byte, one TEMT poll at the end. */
	EXPECT_EQ(len + 1, self->p->polls);
	EXPECT_EQ(0U, self->bus.unclaimed);
	EXPECT_EQ(0U, self->bus.devs[0].slow);
	check_programmed(_metadata, self);
}

/*
 * More text than the FIFO holds: the guest waits on THRE each time it
 * fills up, the backend drains, and the text still arrives exactly.
 */
TEST_F(uart, waits_for_room)
{
	uint32_t len = 3 * VMDEV_UART_FIFO_DEPTH + 100;

	GUEST_REQUIRE_KVM(self->kvm_err);
	self->backend = true;
	self->p->len = len;
	GUEST_RUN_EXPECT(&self->vm, uart_io, self, GUEST_PASS);
	ASSERT_EQ(0, drain(self));
	EXPECT_EQ(4U, self->drains);
	ASSERT_EQ(len, self->out_len);
	EXPECT_EQ(0, memcmp(self->text, self->out, len));
	/* Each of the three full FIFOs cost one failed poll. */
	EXPECT_EQ(len + 1 + 3, self->p->polls);
	check_programmed(_metadata, self);
}

/* Nobody drains: the guest gives up after POLL_MAX reads, not hangs. */
TEST_F(uart, bounded_wait)
{
	uint64_t lsr;

	GUEST_REQUIRE_KVM(self->kvm_err);
	self->p->len = VMDEV_UART_FIFO_DEPTH + 10;
	GUEST_RUN_EXPECT(&self->vm, uart_io, self, GUEST_FAIL_TIMEOUT);
	/* THRE drops with fewer than VMDEV_UART_TX_BURST bytes free. */
	EXPECT_EQ((uint32_t)(UART_FILLS + POLL_MAX), self->p->polls);
	lsr = reg(self, VMDEV_UART_LSR);
	EXPECT_EQ(0U, lsr & (VMDEV_UART_LSR_THRE | VMDEV_UART_LSR_TEMT));
	ASSERT_EQ(0, drain(self));
	ASSERT_EQ((size_t)UART_FILLS, self->out_len);
	EXPECT_EQ(0, memcmp(self->text, self->out, self->out_len));
}

/* The guest checks its parameters before touching the UART. */
TEST_F(uart, bad_params)
{
	static const struct guest_uart_params bad[] = {
		{ .base = 0xfff9, .poll_max = 1, .text = GUEST_DATA_ADDR },
		{ .base = COM1, .poll_max = 0, .text = GUEST_DATA_ADDR },
		{ .base = COM1, .poll_max = 1, .text = GUEST_DATA_ADDR - 1 },
		{ .base = COM1, .poll_max = 1, .text = GUEST_DATA_ADDR,
		  .len = GUEST_DATA_SIZE + 1 },
	};
	uint32_t result;
	unsigned int i;

	GUEST_REQUIRE_KVM(self->kvm_err);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(uart),
					 MINIVM_PROT32));
		*self->p = bad[i];
		GUEST_RUN(&self->vm, uart_io, self, &result);
		EXPECT_EQ((uint32_t)GUEST_FAIL_BADPARAM, result) {
			TH_LOG("case %u", i);
		}
	}
	EXPECT_EQ(0U, self->bus.devs[0].done);
}

TEST_HARNESS_MAIN
