// SPDX-License-Identifier: GPL-2.0
/*
 * libvmdev end to end: a guest console on the 16550 of libvmdev/devices,
 * declared through the library, in kernel and user mode. The uart guest
 * polls LSR and writes THR; the uart_irq guest transmits from its THRI
 * interrupt handler, the UART's edge line bound to ISA IRQ 4 of KVM's
 * in-kernel irqchip. The VMM reads the exact text back from the transmit
 * FIFO; a backend thread drains it while the polling guest runs when the
 * text is longer than the FIFO. In kernel mode no UART access reaches
 * userspace.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib_e2e.h"
#include "devmaps.h"

GUEST_IMAGE_DECLARE(uart);
GUEST_IMAGE_DECLARE(uart_irq);

#define COM1		0x3f8
#define COM1_IRQ	4
#define TEXT_GPA	GUEST_DATA_ADDR
#define DIVISOR		0x0180		/* 300 baud: both bytes */
#define POLL_MAX	64
#define POLL_FOREVER	0xffffffffU	/* bounded by the deadline */
#define MAX_TEXT	(4 * VMDEV_UART_FIFO_DEPTH)

static const char greeting[] = "Hello from a KVM guest, through a 16550.\r\n";

/* The serial backend: what left THR, drained now or by a thread. */
struct console {
	struct vmdev_regdev *uart;
	char out[MAX_TEXT];
	size_t len;
	int err;
	unsigned int drains;	/* by the backend thread, of a full FIFO */
	atomic_bool stop;
	pthread_t thread;
	bool running;
};

static int drain(struct console *c)
{
	int n = vmdev_regdev_fifo_drain(c->uart, VMDEV_UART_THR,
					c->out + c->len, MAX_TEXT - c->len);

	if (n > 0)
		c->len += n;
	return n;
}

/*
 * A serial backend thread that falls behind: it drains the transmit FIFO
 * whenever it finds it full (LSR without THRE), while the guest runs, so
 * the guest has to wait for room, polling LSR.
 */
static void *backend(void *arg)
{
	struct console *c = arg;
	uint64_t lsr;
	int n;

	while (!atomic_load(&c->stop)) {
		n = vmdev_regdev_reg_read(c->uart, VMDEV_UART_LSR, &lsr);
		if (!n && (lsr & VMDEV_UART_LSR_THRE)) {
			usleep(200);
			continue;
		}
		n = n ? n : drain(c);
		if (n < 0) {
			c->err = n;
			break;
		}
		c->drains++;
	}
	return NULL;
}

static int backend_start(struct console *c)
{
	atomic_store(&c->stop, false);
	c->running = !pthread_create(&c->thread, NULL, backend, c);
	return c->running ? 0 : -EAGAIN;
}

static void backend_stop(struct console *c)
{
	if (!c->running)
		return;
	atomic_store(&c->stop, true);
	pthread_join(c->thread, NULL);
	c->running = false;
}

static void fill_text(char *dst, bool letters)
{
	unsigned int i;

	for (i = 0; i < MAX_TEXT; i++) {
		if (letters)
			dst[i] = (char)('A' + i % 26 +
					(i / 26 % 2) * ('a' - 'A'));
		else
			dst[i] = greeting[i % (sizeof(greeting) - 1)];
	}
}

/* ---- Polling console ----------------------------------------------------- */

FIXTURE(uart) {
	struct e2e e;
	struct console con;
	struct guest_uart_params *p;
	char text[MAX_TEXT];
};

FIXTURE_VARIANT(uart) {
	enum vmdev_vm_mode mode;
};

E2E_MODES(uart);

FIXTURE_SETUP(uart)
{
	struct e2e_opts o = {
		.mode = variant->mode, .image = GUEST_IMAGE(uart),
		.cpu_mode = MINIVM_PROT32,
	};
	char *text;

	memset(&self->con, 0, sizeof(self->con));
	fill_text(self->text, false);
	E2E_SETUP(&self->e, &o);
	ASSERT_EQ(0, e2e_regdev(&self->e, &vmdev_uart16550_map,
				VMDEV_SPACE_PIO, COM1, VMDEV_UART_WINDOW,
				NULL, NULL, NULL, &self->con.uart));
	self->p = minivm_gpa(&self->e.vm, GUEST_PARAM_ADDR, sizeof(*self->p));
	text = minivm_gpa(&self->e.vm, TEXT_GPA, MAX_TEXT);
	ASSERT_NE(NULL, text);
	memcpy(text, self->text, MAX_TEXT);
	*self->p = (struct guest_uart_params){
		.base = COM1, .text = TEXT_GPA, .poll_max = POLL_MAX,
		.divisor = DIVISOR,
	};
}

FIXTURE_TEARDOWN(uart)
{
	backend_stop(&self->con);
	vmdev_regdev_free(self->con.uart);
	E2E_FINI(&self->e);
}

static void check_programmed(struct __test_metadata *_metadata,
			     FIXTURE_DATA(uart) *self)
{
	struct vmdev_regdev *u = self->con.uart;

	EXPECT_EQ((uint32_t)UART_LCR_8N1, self->p->lcr_out);
	EXPECT_EQ((uint32_t)DIVISOR, self->p->divisor_out);
	EXPECT_EQ((uint32_t)UART_SCR_PATTERN, self->p->scr_out);
	EXPECT_EQ((uint64_t)UART_LCR_8N1, e2e_reg(u, VMDEV_UART_LCR));
	EXPECT_EQ((uint64_t)(DIVISOR & 0xff), e2e_reg(u, VMDEV_UART_DLL));
	EXPECT_EQ((uint64_t)(DIVISOR >> 8), e2e_reg(u, VMDEV_UART_DLM));
	EXPECT_EQ((uint64_t)UART_MCR_DTR_RTS_OUT2, e2e_reg(u, VMDEV_UART_MCR));
	EXPECT_EQ((uint64_t)UART_SCR_PATTERN, e2e_reg(u, VMDEV_UART_SCR));
}

/* Every UART access completed by the device: none reached the VMM. */
static void check_exits(struct __test_metadata *_metadata,
			FIXTURE_DATA(uart) *self,
			const FIXTURE_VARIANT(uart) *variant)
{
	struct vmdev_regdev_stats st = e2e_stats(self->con.uart);
	struct vmdev_vcpu_stats vs = e2e_vcpu_stats(&self->e);

	EXPECT_EQ(0U, st.slow);
	EXPECT_LT(0U, st.fast);
	if (variant->mode == VMDEV_VM_KERNEL) {
		EXPECT_EQ(0U, vs.user_exits);
		EXPECT_EQ(st.fast, vs.kernel_exits);
	} else {
		EXPECT_EQ(st.fast, vs.user_exits);
		EXPECT_EQ(0U, vs.kernel_exits);
	}
	EXPECT_EQ(0U, self->e.nr_unhandled);
}

TEST_F(uart, prints_text)
{
	uint32_t len = sizeof(greeting) - 1;

	E2E_REQUIRE(&self->e);
	self->p->len = len;
	E2E_RUN_EXPECT(&self->e, GUEST_PASS);
	ASSERT_EQ((int)len, drain(&self->con));
	EXPECT_EQ(0, memcmp(greeting, self->con.out, len));
	/* One THRE poll per byte, one TEMT poll at the end. */
	EXPECT_EQ(len + 1, self->p->polls);
	check_programmed(_metadata, self);
	check_exits(_metadata, self, variant);
}

/* Nobody drains: the guest gives up after POLL_MAX reads. */
TEST_F(uart, bounded_wait)
{
	uint64_t lsr;

	E2E_REQUIRE(&self->e);
	self->p->len = VMDEV_UART_FIFO_DEPTH + 10;
	E2E_RUN_EXPECT(&self->e, GUEST_FAIL_TIMEOUT);
	EXPECT_EQ((uint32_t)(VMDEV_UART_FIFO_DEPTH + POLL_MAX), self->p->polls);
	lsr = e2e_reg(self->con.uart, VMDEV_UART_LSR);
	EXPECT_EQ(0U, lsr & (VMDEV_UART_LSR_THRE | VMDEV_UART_LSR_TEMT));
	ASSERT_EQ(VMDEV_UART_FIFO_DEPTH, drain(&self->con));
	EXPECT_EQ(0, memcmp(self->text, self->con.out, self->con.len));
	check_exits(_metadata, self, variant);
}

/*
 * More text than the FIFO holds, drained by a thread while the guest
 * runs (and waits on THRE whenever it gets ahead): exactly the text.
 */
TEST_F(uart, backend_drains)
{
	uint32_t len = 3 * VMDEV_UART_FIFO_DEPTH + 100;

	E2E_REQUIRE(&self->e);
	self->p->len = len;
	self->p->poll_max = POLL_FOREVER;
	ASSERT_EQ(0, backend_start(&self->con));
	E2E_RUN_EXPECT(&self->e, GUEST_PASS);
	backend_stop(&self->con);
	ASSERT_EQ(0, self->con.err);
	ASSERT_LE(0, drain(&self->con));
	ASSERT_EQ(len, self->con.len);
	EXPECT_EQ(0, memcmp(self->text, self->con.out, len));
	/* The FIFO filled up three times, and the guest waited each time. */
	EXPECT_EQ(3U, self->con.drains);
	EXPECT_LT(len + 1, self->p->polls);
	check_programmed(_metadata, self);
	check_exits(_metadata, self, variant);
}

/* ---- Interrupt-driven transmitter ---------------------------------------- */

FIXTURE(uart_irq) {
	struct e2e e;
	struct console con;
	struct guest_uart_irq_params *p;
	char text[MAX_TEXT];
};

FIXTURE_VARIANT(uart_irq) {
	enum vmdev_vm_mode mode;
};

E2E_MODES(uart_irq);

FIXTURE_SETUP(uart_irq)
{
	struct e2e_opts o = {
		.mode = variant->mode, .irqchip = true,
		.image = GUEST_IMAGE(uart_irq), .cpu_mode = MINIVM_PROT32,
	};
	char *text;

	memset(&self->con, 0, sizeof(self->con));
	fill_text(self->text, true);
	E2E_SETUP(&self->e, &o);
	ASSERT_EQ(0, e2e_regdev(&self->e, &vmdev_uart16550_map,
				VMDEV_SPACE_PIO, COM1, VMDEV_UART_WINDOW,
				NULL, NULL, NULL, &self->con.uart));
	ASSERT_EQ(0, vmdev_regdev_irq_bind(self->con.uart, VMDEV_UART_IRQ,
					   COM1_IRQ, NULL));
	self->p = minivm_gpa(&self->e.vm, GUEST_PARAM_ADDR, sizeof(*self->p));
	text = minivm_gpa(&self->e.vm, TEXT_GPA, MAX_TEXT);
	ASSERT_NE(NULL, text);
	memcpy(text, self->text, MAX_TEXT);
	*self->p = (struct guest_uart_irq_params){
		.base = COM1, .text = TEXT_GPA, .pin = COM1_IRQ,
	};
}

FIXTURE_TEARDOWN(uart_irq)
{
	backend_stop(&self->con);
	vmdev_regdev_free(self->con.uart);
	E2E_FINI(&self->e);
}

/* Where the text that came out first differs from the guest's. */
static size_t first_difference(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n && a[i] == b[i]; i++)
		;
	return i;
}

static void check_text(struct __test_metadata *_metadata,
		       FIXTURE_DATA(uart_irq) *self)
{
	size_t n;

	ASSERT_LE(0, drain(&self->con));
	n = self->con.len < self->p->len ? self->con.len : self->p->len;
	EXPECT_EQ(self->p->len, self->con.len) {
		TH_LOG("sent %u, %u interrupts, %u full, first difference at %zu",
		       self->p->sent, self->p->irqs, self->p->full,
		       first_difference(self->text, self->con.out, n));
	}
	EXPECT_EQ(0, memcmp(self->text, self->con.out, n));
	EXPECT_EQ(self->p->len, self->p->sent);
	EXPECT_EQ(0U, self->p->bad_iir);
	EXPECT_EQ(0U, self->e.nr_unhandled);
	EXPECT_EQ(0U, e2e_stats(self->con.uart).slow);
}

/* Room for everything: one interrupt per burst, each a rising edge. */
TEST_F(uart_irq, bursts)
{
	uint32_t len = 300, burst = 16, irqs = (len + burst - 1) / burst;

	E2E_REQUIRE(&self->e);
	self->p->len = len;
	self->p->burst = burst;
	E2E_RUN_EXPECT(&self->e, GUEST_PASS);
	check_text(_metadata, self);
	EXPECT_EQ(irqs, self->p->irqs);
	EXPECT_EQ(0U, self->p->idle);
	EXPECT_EQ(0U, self->p->full);
	EXPECT_EQ((uint64_t)irqs, e2e_stats(self->con.uart).irqs);
	if (variant->mode == VMDEV_VM_KERNEL)
		EXPECT_EQ(0U, e2e_vcpu_stats(&self->e).user_exits);
}

TEST_HARNESS_MAIN
