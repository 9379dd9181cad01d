// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupt-driven transmit on the 16550 of libvmdev/devices, emulated
 * in userspace on /dev/kvm through the shared core, its edge line wired
 * to PIC pin 4 by an irqfd (KVM's in-kernel irqchip). The uart_irq guest
 * (tests/guest/uart_irq.S) sends a text in bursts, one per THRI
 * interrupt. The text must arrive exactly, each interrupt must be a
 * THRI one, and when the transmit FIFO fills up, the backend draining it
 * must raise THRI again (an interrupt from the VMM's side).
 */
#include <errno.h>
#include <string.h>
#include <linux/vmdev.h>

#include "kselftest_harness.h"
#include "guest_test.h"
#include "rdevbus.h"
#include "devmaps.h"

GUEST_IMAGE_DECLARE(uart_irq);

#define COM1		0x3f8
#define COM1_IRQ	4
#define LSR_PORT	(COM1 + 5)
#define TEXT_GPA	GUEST_DATA_ADDR
#define MAX_TEXT	4096

FIXTURE(uart_irq) {
	int kvm_err;
	struct minivm vm;
	struct rdevbus bus;
	struct vmdev_rdev *uart;
	struct guest_uart_irq_params *p;
	bool backend;		/* drain THR when the guest finds it full */
	unsigned int drains;
	char out[MAX_TEXT];
	size_t out_len;
	char text[MAX_TEXT];
};

/* Take what was transmitted; THRI may rise: deliver it. */
static int drain(FIXTURE_DATA(uart_irq) *self)
{
	struct vmdev_rdev_events ev;
	int n = vmdev_rdev_fifo_drain(self->uart, VMDEV_UART_THR,
				      self->out + self->out_len,
				      MAX_TEXT - self->out_len, &ev);

	if (n < 0)
		return n;
	self->out_len += n;
	self->drains++;
	return rdevbus_deliver(&self->bus, 0, &ev);
}

static int uart_io(void *opaque, struct minivm_io *io)
{
	FIXTURE_DATA(uart_irq) *self = opaque;
	int ret = rdevbus_io(&self->bus, io);

	if (ret || !self->backend || io->write || io->addr != LSR_PORT ||
	    (io->data & VMDEV_UART_LSR_THRE))
		return ret;
	return drain(self);
}

FIXTURE_SETUP(uart_irq)
{
	struct minivm_opts opts = { .irqchip = true };
	unsigned int i;
	char *text;

	rdevbus_init(&self->bus, NULL, NULL);
	self->backend = false;
	self->drains = 0;
	self->out_len = 0;
	for (i = 0; i < MAX_TEXT; i++)
		self->text[i] = 'A' + i % 26 + (i / 26 % 2) * ('a' - 'A');
	self->kvm_err = minivm_usable();
	if (self->kvm_err)
		return;
	ASSERT_EQ(0, minivm_create(&self->vm, &opts));
	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(uart_irq),
				 MINIVM_PROT32));
	ASSERT_EQ(0, vmdev_rdev_create(&vmdev_uart16550_map, &self->uart));
	ASSERT_EQ(0, rdevbus_add(&self->bus, self->uart, VMDEV_SPACE_PIO,
				 COM1));
	ASSERT_EQ(0, rdevbus_wire_irq(&self->bus, 0, VMDEV_UART_IRQ,
				      &self->vm, COM1_IRQ));
	self->p = minivm_gpa(&self->vm, GUEST_PARAM_ADDR, sizeof(*self->p));
	text = minivm_gpa(&self->vm, TEXT_GPA, MAX_TEXT);
	ASSERT_NE(NULL, text);
	memcpy(text, self->text, MAX_TEXT);
	*self->p = (struct guest_uart_irq_params){
		.base = COM1, .text = TEXT_GPA, .pin = COM1_IRQ,
	};
}

FIXTURE_TEARDOWN(uart_irq)
{
	rdevbus_fini(&self->bus);
	if (!self->kvm_err)
		minivm_destroy(&self->vm);
}

static void check_text(struct __test_metadata *_metadata,
		       FIXTURE_DATA(uart_irq) *self)
{
	ASSERT_EQ(0, drain(self));
	ASSERT_EQ(self->p->len, self->out_len);
	EXPECT_EQ(0, memcmp(self->text, self->out, self->out_len));
	EXPECT_EQ(self->p->len, self->p->sent);
	EXPECT_EQ(0U, self->p->bad_iir);
	EXPECT_EQ(0U, self->bus.unclaimed);
	/* The guest left THRI off: the line is down. */
	EXPECT_FALSE(vmdev_rdev_irq_asserted(self->uart, VMDEV_UART_IRQ));
}

/* Room for everything: one interrupt per burst, each a rising edge. */
TEST_F(uart_irq, bursts)
{
	uint32_t len = 300, burst = 16, irqs = (len + burst - 1) / burst;

	GUEST_REQUIRE_KVM(self->kvm_err);
	self->p->len = len;
	self->p->burst = burst;
	GUEST_RUN_EXPECT(&self->vm, uart_io, self, GUEST_PASS);
	check_text(_metadata, self);
	EXPECT_EQ(irqs, self->p->irqs);
	EXPECT_EQ(irqs, self->p->bursts);
	EXPECT_EQ(0U, self->p->idle);
	EXPECT_EQ(0U, self->p->nested);
	EXPECT_EQ(0U, self->p->full);
	EXPECT_EQ((uint64_t)irqs,
		  atomic_load(&self->bus.devs[0].lines[0].signals));
}

/*
 * More than the FIFO holds: a burst stops when LSR says full, the
 * backend drains at that read and THRI rises from the VMM's side;
 * nothing is lost or repeated. With 300-byte bursts the FIFO (1024)
 * fills in the 4th and the 8th interrupt, which send 124 bytes each:
 * 10 interrupts for 2548 bytes. The drain's edge and the re-arm's come
 * in the same handler and make one interrupt, unless KVM injects the
 * second only after the EOI: then one more (THRI, or idle at the end).
 */
TEST_F(uart_irq, fifo_full)
{
	uint32_t len = 2 * VMDEV_UART_FIFO_DEPTH + 500;

	GUEST_REQUIRE_KVM(self->kvm_err);
	self->backend = true;
	self->p->len = len;
	self->p->burst = 300;
	GUEST_RUN_EXPECT(&self->vm, uart_io, self, GUEST_PASS);
	check_text(_metadata, self);
	EXPECT_EQ(2U, self->p->full);
	EXPECT_EQ(3U, self->drains);	/* two full FIFOs, then the rest */
	EXPECT_GE(self->p->irqs, 10U);
	EXPECT_LE(self->p->irqs, 10U + self->p->full);
	EXPECT_LE(self->p->idle, 1U);
}

/* The guest refuses what it cannot do before touching anything. */
TEST_F(uart_irq, bad_params)
{
	static const struct guest_uart_irq_params bad[] = {
		{ .base = 0xfff9, .pin = 4, .burst = 1, .text = TEXT_GPA },
		{ .base = COM1, .pin = 16, .burst = 1, .text = TEXT_GPA },
		{ .base = COM1, .pin = GUEST_IRQ_PIC_CASCADE, .burst = 1,
		  .text = TEXT_GPA },
		{ .base = COM1, .pin = 4, .burst = 0, .text = TEXT_GPA },
		{ .base = COM1, .pin = 4, .burst = 1, .text = TEXT_GPA,
		  .len = GUEST_DATA_SIZE + 1 },
	};
	uint32_t result;
	unsigned int i;

	GUEST_REQUIRE_KVM(self->kvm_err);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(uart_irq),
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
