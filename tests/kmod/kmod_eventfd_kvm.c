// SPDX-License-Identifier: GPL-2.0
/*
 * Level 2 and interrupt routing with real guests on nested KVM, the
 * register devices in the module:
 *
 * - doorbells: guest writes that KVM turns into ioeventfd signals (with
 *   and without datamatch, PIO and MMIO, 1 to 8 bytes) reach the device
 *   without any exit, to userspace or to the run loop; the device's
 *   state, counters and notify fd show every one of them;
 * - interrupts: a device line drives a KVM irqfd (with its resample
 *   eventfd for a level line) and the guest takes it through KVM's
 *   in-kernel irqchip (8259 or IOAPIC): one interrupt per rising edge,
 *   and a level line re-fires after each EOI while the device still
 *   asserts it, never after the guest cleared it; the 16550's THRI
 *   drives an interrupt-driven transmitter whose text arrives intact.
 *
 * The guests' other exits are completed by the module either way a VMM
 * can use it (FIXTURE_VARIANT "access": KVM_RUN in userspace and
 * VMDEV_ACCESS; "run": the VMDEV_RUN loop), and interrupts come from
 * the module in both.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include <linux/vmdev.h>

#include "kselftest_harness.h"
#include "kmod_eventfd.h"
#include "kmod_run.h"

GUEST_IMAGE_DECLARE(access);
GUEST_IMAGE_DECLARE(irq);
GUEST_IMAGE_DECLARE(uart_irq);

/* ---- the VMM: exits completed by the module, one way or the other ---- */

struct vmm {
	int ctx;
	int kvm_err;
	struct minivm vm;
	bool vm_made;
	bool run_loop;		/* VMDEV_RUN, else KVM_RUN + VMDEV_ACCESS */
	struct krun k;
	uint64_t user_ios;	/* accesses the module completed for us */
};

/* The access path: each exit handed to the module, none left over. */
static int module_io(void *opaque, struct minivm_io *io)
{
	struct vmm *v = opaque;
	uint64_t data = io->data;
	int ret;

	ret = kmod_access(v->ctx, io->space, io->addr, (uint8_t)io->len,
			  io->write ? VMDEV_DIR_WRITE : VMDEV_DIR_READ, &data);
	if (ret < 0)
		return ret;
	if (ret != DONE)
		return -ENXIO;
	if (!io->write)
		io->data = data;
	v->user_ios++;
	return 0;
}

static int vmm_run(struct vmm *v, uint32_t *result)
{
	int ret;

	if (!v->run_loop)
		return minivm_run_guest(&v->vm, module_io, v, result);
	krun_init(&v->k, v->ctx, &v->vm, NULL, NULL);
	ret = krun_run(&v->k, false);
	*result = v->k.result;
	return ret;
}

#define VMM_RUN_EXPECT(v, expected)					\
	do {								\
		uint32_t __result = ~0U;				\
		int __ret = vmm_run(v, &__result);			\
		ASSERT_EQ(0, __ret) {					\
			TH_LOG("run: %s, exit %s", strerror(-__ret),	\
			       minivm_exit_name((v)->vm.run->exit_reason)); \
		}							\
		ASSERT_EQ((uint32_t)(expected), __result);		\
	} while (0)

/*
 * Setup: a context, KVM (the irqchip if asked) and the guest image. The
 * body starts with VMM_REQUIRE (the 6.1 harness runs it after a SKIP in
 * the setup).
 */
static void vmm_setup(struct __test_metadata *_metadata, struct vmm *v,
		      bool run_loop, bool irqchip, struct guest_image img,
		      enum minivm_mode mode)
{
	struct minivm_opts opts = {
		.irqchip = irqchip, .timeout_ms = KRUN_TIMEOUT_MS,
	};

	memset(v, 0, sizeof(*v));
	v->run_loop = run_loop;
	KRUN_SETUP(v->ctx, v->kvm_err);
	if (v->kvm_err || v->ctx < 0)
		return;
	ASSERT_EQ(0, minivm_create(&v->vm, &opts));
	v->vm_made = true;
	ASSERT_EQ(0, minivm_load(&v->vm, img, mode));
}

static void vmm_teardown(struct vmm *v)
{
	if (v->vm_made)
		minivm_destroy(&v->vm);
	if (v->ctx >= 0)
		close(v->ctx);
}

/* Whether the module has VMDEV_RUN: it refuses a bad vCPU fd if so. */
static bool has_run_loop(int ctx)
{
	struct vmdev_run r = { .size = sizeof(r), .vcpu_fd = -1 };

	return kmod_ioctl(ctx, VMDEV_RUN, &r) != -ENOTTY;
}

#define VMM_REQUIRE(v)							\
	do {								\
		KRUN_REQUIRE((v)->kvm_err, (v)->ctx);			\
		if ((v)->run_loop && !has_run_loop((v)->ctx))		\
			SKIP(return, "VMDEV_RUN not in this module");	\
	} while (0)

/* PIO/MMIO exits that reached the module (the guest's exit port aside). */
static uint64_t device_exits(struct vmm *v)
{
	if (v->run_loop)
		return v->k.fast_exits + v->k.slow_ios;
	return v->vm.stats.pio_exits + v->vm.stats.mmio_exits;
}

/* ---- doorbells: KVM ioeventfds bound to registers ----------------------- */

#define MMIO_BASE	0xd0100000ULL
#define DB_BOUND	0x600dULL	/* what the DB ioeventfd applies */
#define BIG		0x0123456789abcdefULL

static int kvm_ioeventfd(struct minivm *vm, uint32_t space, uint64_t addr,
			 uint32_t len, bool datamatch, uint64_t value, int fd)
{
	struct kvm_ioeventfd a = {
		.datamatch = value, .addr = addr, .len = len, .fd = fd,
	};

	if (space == VMDEV_SPACE_PIO)
		a.flags |= KVM_IOEVENTFD_FLAG_PIO;
	if (datamatch)
		a.flags |= KVM_IOEVENTFD_FLAG_DATAMATCH;
	return ioctl(vm->vm_fd, KVM_IOEVENTFD, &a) ? -errno : 0;
}

/* The eventfds of the doorbell test, all plain (non-KVM) but the io_*. */
enum { IO_A, IO_B, IO_C, IO_DB, IO_BIG, IO_SET, NOTE, EDGE, NR_FDS };

FIXTURE(doorbell) {
	struct vmm v;
	uint32_t id;
	int fd[NR_FDS];
	struct guest_access_params *p;
};

FIXTURE_VARIANT(doorbell) {
	bool run_loop;
};

FIXTURE_VARIANT_ADD(doorbell, access) {
	.run_loop = false,
};

FIXTURE_VARIANT_ADD(doorbell, run) {
	.run_loop = true,
};

FIXTURE_SETUP(doorbell)
{
	struct vmdev_range r[2] = {
		kmod_range(PIO, KEV_PIO, KEV_WINDOW),
		kmod_range(MMIO, MMIO_BASE, KEV_WINDOW),
	};
	int i;

	for (i = 0; i < NR_FDS; i++)
		self->fd[i] = -1;
	vmm_setup(_metadata, &self->v, variant->run_loop, false,
		  GUEST_IMAGE(access), MINIVM_LONG64);
	if (self->v.kvm_err || self->v.ctx < 0)
		return;
	ASSERT_EQ(0, kmod_create(self->v.ctx, &kev_map, r, 2, &self->id));
	for (i = 0; i < NR_FDS; i++) {
		self->fd[i] = kev_new();
		ASSERT_LE(0, self->fd[i]);
	}
	self->p = minivm_gpa(&self->v.vm, GUEST_PARAM_ADDR, GUEST_PARAM_SIZE);
	ASSERT_NE(NULL, self->p);
	memset(self->p, 0, sizeof(*self->p));
}

FIXTURE_TEARDOWN(doorbell)
{
	int i;

	vmm_teardown(&self->v);
	for (i = 0; i < NR_FDS; i++)
		if (self->fd[i] >= 0)
			close(self->fd[i]);
}

static void op(struct guest_access_params *p, uint32_t space, uint32_t size,
	       bool write, uint64_t addr, uint64_t value)
{
	p->ops[p->nr_ops++] = (struct guest_access_op){
		.space = (uint8_t)space, .size = (uint8_t)size,
		.write = write, .check = !write, .addr = addr, .value = value,
	};
}

static uint64_t pio(uint32_t reg)
{
	return KEV_PIO + kev_regs[reg].offset;
}

static uint64_t mmio(uint32_t reg)
{
	return MMIO_BASE + kev_regs[reg].offset;
}

/*
 * KVM ioeventfds, each bound to the module: a byte FIFO with one
 * datamatch eventfd per value ('a', 'b', 'c') on PIO; a 4-byte doorbell
 * on MMIO without datamatch (any value: the module applies its own); an
 * 8-byte FIFO on MMIO with datamatch; a 4-byte write-1-to-set on PIO
 * that raises the edge line. The doorbell's notify fd and the line's
 * irqfd are plain eventfds, signalled from the deferred path.
 */
static void wire(struct __test_metadata *_metadata,
		 FIXTURE_DATA(doorbell) *self)
{
	struct minivm *vm = &self->v.vm;
	int ctx = self->v.ctx, i;

	for (i = IO_A; i <= IO_C; i++) {
		ASSERT_EQ(0, kvm_ioeventfd(vm, PIO, pio(KEV_FIN1), 1, true,
					   'a' + i, self->fd[i]));
		ASSERT_EQ(0, kev_ioeventfd(ctx, self->id, KEV_FIN1,
					   self->fd[i], 'a' + i, 0));
	}
	ASSERT_EQ(0, kvm_ioeventfd(vm, MMIO, mmio(KEV_DB), 4, false, 0,
				   self->fd[IO_DB]));
	ASSERT_EQ(0, kev_ioeventfd(ctx, self->id, KEV_DB, self->fd[IO_DB],
				   DB_BOUND, 0));
	ASSERT_EQ(0, kvm_ioeventfd(vm, MMIO, mmio(KEV_FIN8), 8, true, BIG,
				   self->fd[IO_BIG]));
	ASSERT_EQ(0, kev_ioeventfd(ctx, self->id, KEV_FIN8, self->fd[IO_BIG],
				   BIG, 0));
	ASSERT_EQ(0, kvm_ioeventfd(vm, PIO, pio(KEV_SET_E), 4, true, 1,
				   self->fd[IO_SET]));
	ASSERT_EQ(0, kev_ioeventfd(ctx, self->id, KEV_SET_E, self->fd[IO_SET],
				   1, 0));
	ASSERT_EQ(0, kev_notifyfd(ctx, self->id, KEV_DB, self->fd[NOTE], 0));
	ASSERT_EQ(0, kev_irqfd(ctx, self->id, KEV_EDGE, self->fd[EDGE], -1,
			       0));
}

TEST_F(doorbell, no_exits)
{
	const char *text = "baxcab";
	const int len = (int)strlen(text);
	struct vmdev_stats st;
	char fifo[16] = { 0 };
	uint64_t big[4], v;
	uint32_t i, doorbells = 2;

	VMM_REQUIRE(&self->v);
	wire(_metadata, self);
	/* 'x' has no ioeventfd: KVM exits, and the module completes it. */
	for (i = 0; text[i]; i++)
		op(self->p, PIO, 1, true, pio(KEV_FIN1), text[i]);
	op(self->p, MMIO, 4, true, mmio(KEV_DB), 0x1234);
	op(self->p, MMIO, 8, true, mmio(KEV_FIN8), BIG);
	op(self->p, MMIO, 4, true, mmio(KEV_DB), 0x5678);
	op(self->p, PIO, 4, true, pio(KEV_SET_E), 1);
	/* Reads always exit: the latched doorbell, as the module set it. */
	op(self->p, MMIO, 4, false, mmio(KEV_DB), DB_BOUND);
	VMM_RUN_EXPECT(&self->v, GUEST_PASS);
	EXPECT_EQ(self->p->nr_ops, self->p->done);
	EXPECT_EQ(0U, self->p->failed);

	/* Only 'x' and the read left KVM; nothing reached userspace. */
	EXPECT_EQ(2U, device_exits(&self->v));
	if (self->v.run_loop)
		EXPECT_EQ(0U, self->v.k.slow_ios);
	ASSERT_EQ(len, kmod_fifo(self->v.ctx, self->id, KEV_FIN1,
				 VMDEV_FIFO_DRAIN, fifo, 16));
	EXPECT_STREQ(text, fifo);
	ASSERT_EQ(1, kmod_fifo(self->v.ctx, self->id, KEV_FIN8,
			       VMDEV_FIFO_DRAIN, big, 4));
	EXPECT_EQ(BIG, big[0]);
	ASSERT_EQ(0, kmod_reg_read(self->v.ctx, self->id, KEV_DB, &v));
	EXPECT_EQ(DB_BOUND, v);
	ASSERT_EQ(0, kev_stats(self->v.ctx, self->id, &st));
	EXPECT_EQ((uint64_t)len - 1 + doorbells + 2, st.ioeventfds);
	EXPECT_EQ(doorbells, st.doorbells);
	EXPECT_EQ(2U, st.fast);
	EXPECT_EQ(0U, st.slow);
	EXPECT_EQ(1U, st.irqs);
	/*
	 * Rings and the rise are signalled from a work item; two rings in a
	 * row may coalesce into one signal while the first is pending.
	 */
	EXPECT_EQ(1U, kev_wait(self->fd[EDGE]));
	v = kev_wait(self->fd[NOTE]);
	EXPECT_LE(1U, v);
	EXPECT_GE((uint64_t)doorbells, v);
	/* The module consumed every KVM signal. */
	for (i = IO_A; i <= IO_SET; i++)
		EXPECT_EQ(0U, kev_take(self->fd[i]));
}

/* Unbound from the module, the KVM ioeventfd still swallows the write. */
TEST_F(doorbell, unbound)
{
	struct vmdev_stats st;
	char fifo[4];

	VMM_REQUIRE(&self->v);
	wire(_metadata, self);
	ASSERT_EQ(0, kev_ioeventfd(self->v.ctx, self->id, KEV_FIN1,
				   self->fd[IO_A], 'a', KEV_UNBIND));
	op(self->p, PIO, 1, true, pio(KEV_FIN1), 'a');
	op(self->p, PIO, 1, true, pio(KEV_FIN1), 'b');
	VMM_RUN_EXPECT(&self->v, GUEST_PASS);
	EXPECT_EQ(0U, device_exits(&self->v));
	ASSERT_EQ(1, kmod_fifo(self->v.ctx, self->id, KEV_FIN1,
			       VMDEV_FIFO_DRAIN, fifo, 4));
	EXPECT_EQ('b', fifo[0]);
	EXPECT_EQ(1U, kev_take(self->fd[IO_A]));
	ASSERT_EQ(0, kev_stats(self->v.ctx, self->id, &st));
	EXPECT_EQ(1U, st.ioeventfds);
}

/* ---- interrupts: a device line into a KVM irqfd ------------------------ */

#define DEV_PORT	0x6100
#define ROUNDS		3
#define FIRES		3	/* level: entries per round */
#define SETTLE		32	/* STATUS reads, interrupts enabled */

enum { STATUS, ENABLE, SET, NR_IRQ_REGS };

static const struct vmdev_reg irq_regs[NR_IRQ_REGS] = {
	[STATUS] = {
		.offset = IRQDEV_STATUS, .width = 4, .type = VMDEV_REG_W1C,
		.wmask = 1, .sel_reg = VMDEV_SEL_NONE,
	},
	[ENABLE] = {
		.offset = IRQDEV_ENABLE, .width = 4, .type = VMDEV_REG_RW,
		.wmask = 1, .sel_reg = VMDEV_SEL_NONE,
	},
	[SET] = {
		.offset = IRQDEV_SET, .width = 4, .type = VMDEV_REG_W1S,
		.wmask = 1, .sel_reg = VMDEV_SEL_NONE,
		.arg.target = { .target = STATUS,
				.flags = VMDEV_TARGET_F_OTHER },
	},
};

FIXTURE(irq) {
	struct vmm v;
	uint32_t id;
	int irqfd, resamplefd;
	struct guest_irq_params *p;
};

FIXTURE_VARIANT(irq) {
	bool run_loop;
	uint32_t ctrl;
	uint32_t pin;
	bool level;
};

FIXTURE_VARIANT_ADD(irq, pic_edge) {
	.ctrl = GUEST_IRQ_PIC, .pin = 5,
};

FIXTURE_VARIANT_ADD(irq, pic_level) {
	.ctrl = GUEST_IRQ_PIC, .pin = 5, .level = true,
};

FIXTURE_VARIANT_ADD(irq, ioapic_edge) {
	.ctrl = GUEST_IRQ_IOAPIC, .pin = 5,
};

FIXTURE_VARIANT_ADD(irq, ioapic_level) {
	.ctrl = GUEST_IRQ_IOAPIC, .pin = 20, .level = true,
};

FIXTURE_VARIANT_ADD(irq, run_pic_edge) {
	.run_loop = true, .ctrl = GUEST_IRQ_PIC, .pin = 5,
};

FIXTURE_VARIANT_ADD(irq, run_pic_level) {
	.run_loop = true, .ctrl = GUEST_IRQ_PIC, .pin = 10, .level = true,
};

FIXTURE_VARIANT_ADD(irq, run_ioapic_edge) {
	.run_loop = true, .ctrl = GUEST_IRQ_IOAPIC, .pin = 5,
};

FIXTURE_VARIANT_ADD(irq, run_ioapic_level) {
	.run_loop = true, .ctrl = GUEST_IRQ_IOAPIC, .pin = 5, .level = true,
};

FIXTURE_SETUP(irq)
{
	struct vmdev_irq line = {
		.status_reg = STATUS, .enable_reg = ENABLE,
		.flags = variant->level ? VMDEV_IRQ_F_LEVEL : 0,
	};
	struct vmdev_rdev_desc desc = {
		.dev_size = IRQDEV_SIZE, .nr_regs = NR_IRQ_REGS,
		.regs = irq_regs, .nr_irqs = 1, .irqs = &line,
	};
	struct vmdev_range r = kmod_range(PIO, DEV_PORT, IRQDEV_SIZE);

	self->irqfd = -1;
	self->resamplefd = -1;
	vmm_setup(_metadata, &self->v, variant->run_loop, true,
		  GUEST_IMAGE(irq), MINIVM_PROT32);
	if (self->v.kvm_err || self->v.ctx < 0)
		return;
	ASSERT_EQ(0, kmod_create(self->v.ctx, &desc, &r, 1, &self->id));
	ASSERT_EQ(0, minivm_irqfd(&self->v.vm, variant->pin, &self->irqfd,
				  variant->level ? &self->resamplefd : NULL));
	ASSERT_EQ(0, kev_irqfd(self->v.ctx, self->id, 0, self->irqfd,
			       self->resamplefd, 0));
	self->p = minivm_gpa(&self->v.vm, GUEST_PARAM_ADDR, sizeof(*self->p));
	ASSERT_NE(NULL, self->p);
	*self->p = (struct guest_irq_params){
		.ctrl = variant->ctrl, .level = variant->level,
		.pin = variant->pin, .dev_port = DEV_PORT,
		.rounds = ROUNDS, .fires = FIRES, .settle = SETTLE,
	};
}

FIXTURE_TEARDOWN(irq)
{
	vmm_teardown(&self->v);
	if (self->irqfd >= 0)
		close(self->irqfd);
	if (self->resamplefd >= 0)
		close(self->resamplefd);
}

TEST_F(irq, delivery)
{
	uint32_t per_round = variant->level ? FIRES : 1, r;
	struct vmdev_stats st;
	uint64_t v;

	VMM_REQUIRE(&self->v);
	VMM_RUN_EXPECT(&self->v, GUEST_PASS);
	/* What the guest took. */
	EXPECT_EQ(ROUNDS * per_round, self->p->count);
	for (r = 0; r < ROUNDS; r++) {
		EXPECT_EQ(per_round, self->p->per_round[r]) {
			TH_LOG("round %u", r);
		}
	}
	EXPECT_EQ(0U, self->p->spurious);
	/*
	 * The device rose once per round; for a level line, the module
	 * re-fired it at each EOI that found it still pending (the guest's
	 * count above), which the counter does not count.
	 */
	ASSERT_EQ(0, kev_stats(self->v.ctx, self->id, &st));
	EXPECT_EQ((uint64_t)ROUNDS, st.irqs);
	ASSERT_EQ(0, kmod_reg_read(self->v.ctx, self->id, STATUS, &v));
	EXPECT_EQ(0U, v);
	/* KVM consumed every signal; the module every resample. */
	if (self->resamplefd >= 0)
		EXPECT_EQ(0U, kev_take(self->resamplefd));
}

/* ---- the 16550: interrupt-driven transmit, the text read back ----------- */

#define COM1		0x3f8
#define COM1_IRQ	4
#define TEXT_LEN	300
#define BURST		16

FIXTURE(uart) {
	struct vmm v;
	uint32_t id;
	int irqfd;
	struct guest_uart_irq_params *p;
	char text[TEXT_LEN];
};

FIXTURE_VARIANT(uart) {
	bool run_loop;
};

FIXTURE_VARIANT_ADD(uart, access) {
	.run_loop = false,
};

FIXTURE_VARIANT_ADD(uart, run) {
	.run_loop = true,
};

FIXTURE_SETUP(uart)
{
	struct vmdev_range r = kmod_range(PIO, COM1, VMDEV_UART_WINDOW);
	char *text;
	int i;

	self->irqfd = -1;
	for (i = 0; i < TEXT_LEN; i++)
		self->text[i] = 'A' + i % 26 + (i / 26 % 2) * ('a' - 'A');
	vmm_setup(_metadata, &self->v, variant->run_loop, true,
		  GUEST_IMAGE(uart_irq), MINIVM_PROT32);
	if (self->v.kvm_err || self->v.ctx < 0)
		return;
	ASSERT_EQ(0, kmod_create(self->v.ctx, &vmdev_uart16550_map, &r, 1,
				 &self->id));
	ASSERT_EQ(0, minivm_irqfd(&self->v.vm, COM1_IRQ, &self->irqfd, NULL));
	ASSERT_EQ(0, kev_irqfd(self->v.ctx, self->id, VMDEV_UART_IRQ,
			       self->irqfd, -1, 0));
	text = minivm_gpa(&self->v.vm, GUEST_DATA_ADDR, TEXT_LEN);
	ASSERT_NE(NULL, text);
	memcpy(text, self->text, TEXT_LEN);
	self->p = minivm_gpa(&self->v.vm, GUEST_PARAM_ADDR, sizeof(*self->p));
	ASSERT_NE(NULL, self->p);
	*self->p = (struct guest_uart_irq_params){
		.base = COM1, .len = TEXT_LEN, .text = GUEST_DATA_ADDR,
		.pin = COM1_IRQ, .burst = BURST,
	};
}

FIXTURE_TEARDOWN(uart)
{
	vmm_teardown(&self->v);
	if (self->irqfd >= 0)
		close(self->irqfd);
}

/* One THRI interrupt per burst, each a rising edge the module signals. */
TEST_F(uart, transmit)
{
	uint32_t irqs = (TEXT_LEN + BURST - 1) / BURST;
	char out[VMDEV_UART_FIFO_DEPTH];
	struct vmdev_stats st;

	VMM_REQUIRE(&self->v);
	VMM_RUN_EXPECT(&self->v, GUEST_PASS);
	ASSERT_EQ(TEXT_LEN, kmod_fifo(self->v.ctx, self->id, VMDEV_UART_THR,
				      VMDEV_FIFO_DRAIN, out, sizeof(out)));
	EXPECT_EQ(0, memcmp(self->text, out, TEXT_LEN));
	EXPECT_EQ((uint32_t)TEXT_LEN, self->p->sent);
	/* The test bed's slips: lib_uart.c, repeated_runs. */
	EXPECT_EQ(irqs, self->p->bursts);
	EXPECT_EQ(self->p->irqs, self->p->bursts + self->p->idle);
	EXPECT_LE(self->p->idle, self->p->unacked);
	EXPECT_EQ(0U, self->p->bad_iir);
	ASSERT_EQ(0, kev_stats(self->v.ctx, self->id, &st));
	EXPECT_EQ((uint64_t)irqs, st.irqs);
	EXPECT_EQ(0U, st.slow);
	if (self->v.run_loop)
		EXPECT_EQ(0U, self->v.k.slow_ios);
}

TEST_HARNESS_MAIN
