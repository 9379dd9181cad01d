// SPDX-License-Identifier: GPL-2.0
/*
 * libvmdev end to end: a device interrupt line bound through the library
 * to a GSI of KVM's in-kernel irqchip, in kernel and user mode. The
 * device (STATUS write-1-to-clear, ENABLE, SET write-1-to-set STATUS)
 * holds its line while STATUS & ENABLE; the irq guest programs the 8259
 * pair or the IOAPIC, raises the source, takes the interrupt in its
 * handler and acknowledges it. Edge: one interrupt per rising edge, none
 * while the line merely stays high. Level: the line fires again after
 * every EOI while the source is pending, and never after it was cleared.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib_e2e.h"

GUEST_IMAGE_DECLARE(irq);

#define DEV_PORT	0x6100
#define ROUNDS		3
#define FIRES		3	/* level: entries per round */
#define SETTLE		32	/* STATUS reads, interrupts enabled */

#define NO_RESAMPLING	"level lines are resampled at the guest's EOI " \
			"only with VMX or SVM: this host's KVM completes " \
			"them at injection"

enum { STATUS, ENABLE, SET, NR_REGS };

static const struct vmdev_reg regs[NR_REGS] = {
	[STATUS] = {
		.offset = IRQDEV_STATUS, .width = 4, .type = VMDEV_REG_W1C,
		.wmask = 1, .sel_reg = VMDEV_SEL_NONE,
		.arg.target.flags = VMDEV_TARGET_F_SELF,
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
	struct e2e e;
	struct vmdev_regdev *dev;
	struct guest_irq_params *p;
	struct vmdev_irq line;
};

FIXTURE_VARIANT(irq) {
	enum vmdev_vm_mode mode;
	uint32_t ctrl;
	uint32_t pin;
	bool level;
};

#define IRQ_VARIANT(m, name, c, p, l)					\
	FIXTURE_VARIANT_ADD(irq, m##_##name) {				\
		.mode = VMDEV_VM_##m, .ctrl = GUEST_IRQ_##c,		\
		.pin = (p), .level = (l),				\
	}

IRQ_VARIANT(USER, pic_edge, PIC, 5, false);
IRQ_VARIANT(USER, pic_level, PIC, 5, true);
IRQ_VARIANT(USER, pic_slave_level, PIC, 10, true);
IRQ_VARIANT(USER, ioapic_edge, IOAPIC, 5, false);
IRQ_VARIANT(USER, ioapic_level, IOAPIC, 5, true);
IRQ_VARIANT(USER, ioapic_pci_level, IOAPIC, 20, true);
IRQ_VARIANT(KERNEL, pic_edge, PIC, 5, false);
IRQ_VARIANT(KERNEL, pic_level, PIC, 5, true);
IRQ_VARIANT(KERNEL, pic_slave_level, PIC, 10, true);
IRQ_VARIANT(KERNEL, ioapic_edge, IOAPIC, 5, false);
IRQ_VARIANT(KERNEL, ioapic_level, IOAPIC, 5, true);
IRQ_VARIANT(KERNEL, ioapic_pci_level, IOAPIC, 20, true);

FIXTURE_SETUP(irq)
{
	struct e2e_opts o = {
		.mode = variant->mode, .irqchip = true,
		.image = GUEST_IMAGE(irq), .cpu_mode = MINIVM_PROT32,
	};
	struct vmdev_rdev_desc map = {
		.dev_size = IRQDEV_SIZE, .nr_regs = NR_REGS, .regs = regs,
		.nr_irqs = 1, .irqs = &self->line,
	};

	self->dev = NULL;
	self->line = (struct vmdev_irq){
		.status_reg = STATUS, .enable_reg = ENABLE,
		.flags = variant->level ? VMDEV_IRQ_F_LEVEL : 0,
	};
	E2E_SETUP(&self->e, &o);
	ASSERT_EQ(0, e2e_regdev(&self->e, &map, VMDEV_SPACE_PIO, DEV_PORT,
				IRQDEV_SIZE, NULL, NULL, NULL, &self->dev));
	ASSERT_EQ(0, vmdev_regdev_irq_bind(self->dev, 0, variant->pin, NULL));
	self->p = minivm_gpa(&self->e.vm, GUEST_PARAM_ADDR, sizeof(*self->p));
	*self->p = (struct guest_irq_params){
		.ctrl = variant->ctrl, .level = variant->level,
		.pin = variant->pin, .dev_port = DEV_PORT,
		.rounds = ROUNDS, .fires = FIRES, .settle = SETTLE,
	};
}

FIXTURE_TEARDOWN(irq)
{
	guest_irq_log(_metadata, self->p);
	vmdev_regdev_free(self->dev);
	E2E_FINI(&self->e);
}

TEST_F(irq, delivery)
{
	uint32_t per_round = variant->level ? FIRES : 1, r;
	struct vmdev_regdev_stats st;

	E2E_REQUIRE(&self->e);
	if (variant->level && !e2e_hw_virt())
		SKIP(return, "%s", NO_RESAMPLING);
	E2E_RUN_EXPECT(&self->e, GUEST_PASS);

	/* What the guest took. */
	EXPECT_EQ(ROUNDS * per_round, self->p->count);
	for (r = 0; r < ROUNDS; r++) {
		EXPECT_EQ(per_round, self->p->per_round[r]) {
			TH_LOG("round %u", r);
		}
	}
	EXPECT_EQ(0U, self->p->spurious);

	/* The device, as the VMM sees it: one rise per round, all cleared. */
	st = e2e_stats(self->dev);
	EXPECT_EQ((uint64_t)ROUNDS, st.irqs);
	EXPECT_EQ(0U, st.slow);
	EXPECT_EQ(0U, e2e_reg(self->dev, STATUS));
	EXPECT_EQ(0U, e2e_reg(self->dev, ENABLE));
	if (variant->mode == VMDEV_VM_KERNEL)
		EXPECT_EQ(0U, e2e_vcpu_stats(&self->e).user_exits);
}

/* ---- The signals themselves, read from the eventfds ---------------------- */

/*
 * With the eventfd interrupt backend, the test plays the interrupt
 * controller: it reads the line's trigger eventfd and writes its resample
 * eventfd to stand for the guest's EOI. Whoever drives the line (the
 * module, or the library) must signal exactly as KVM's irqchip expects.
 */
FIXTURE(signals) {
	struct e2e e;
	struct vmdev_regdev *dev;
	struct vmdev_irq line;
	int trigger;
	int resample;
};

FIXTURE_VARIANT(signals) {
	enum vmdev_vm_mode mode;
	bool level;
};

FIXTURE_VARIANT_ADD(signals, user_edge) { .mode = VMDEV_VM_USER };

FIXTURE_VARIANT_ADD(signals, user_level) {
	.mode = VMDEV_VM_USER, .level = true,
};

FIXTURE_VARIANT_ADD(signals, kernel_edge) { .mode = VMDEV_VM_KERNEL };

FIXTURE_VARIANT_ADD(signals, kernel_level) {
	.mode = VMDEV_VM_KERNEL, .level = true,
};

#define GSI		5
/* Long enough for a signal that must not come, and one that must. */
#define QUIET_MS	100
#define LOUD_MS		5000

FIXTURE_SETUP(signals)
{
	struct e2e_opts o = { .mode = variant->mode, .eventfd_irqs = true };
	struct vmdev_rdev_desc map = {
		.dev_size = IRQDEV_SIZE, .nr_regs = NR_REGS, .regs = regs,
		.nr_irqs = 1, .irqs = &self->line,
	};

	self->dev = NULL;
	self->line = (struct vmdev_irq){
		.status_reg = STATUS, .enable_reg = ENABLE,
		.flags = variant->level ? VMDEV_IRQ_F_LEVEL : 0,
	};
	E2E_SETUP(&self->e, &o);
	ASSERT_EQ(0, e2e_regdev(&self->e, &map, VMDEV_SPACE_PIO, DEV_PORT,
				IRQDEV_SIZE, NULL, NULL, NULL, &self->dev));
}

FIXTURE_TEARDOWN(signals)
{
	vmdev_regdev_free(self->dev);
	E2E_FINI(&self->e);
}

static int bind(FIXTURE_DATA(signals) *self, bool level)
{
	struct vmdev_irq_group *grp;
	int ret;

	ret = vmdev_regdev_irq_bind(self->dev, 0, GSI, NULL);
	if (ret)
		return ret;
	grp = vmdev_regdev_irq_group(self->dev, 0);
	if (!grp)
		return -errno;
	self->trigger = vmdev_irq_group_trigger_fd(grp, 0);
	self->resample = level ? vmdev_irq_group_resample_fd(grp, 0) : -1;
	return self->trigger < 0 ? self->trigger : 0;
}

/* Signals in the trigger eventfd within ms (0 when none came). */
static uint64_t signals(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	eventfd_t n = 0;

	if (poll(&pfd, 1, ms) == 1 && eventfd_read(fd, &n))
		n = 0;
	return n;
}

static int set(struct vmdev_regdev *dev, uint32_t reg, uint64_t v)
{
	return vmdev_regdev_reg_write(dev, reg, v);
}

/* One signal per rise, none while high, none when it falls. */
TEST_F(signals, edges_and_levels)
{
	E2E_REQUIRE(&self->e);
	ASSERT_EQ(0, bind(self, variant->level));
	ASSERT_EQ(0, set(self->dev, ENABLE, 1));
	EXPECT_EQ(0U, signals(self->trigger, QUIET_MS));
	ASSERT_EQ(0, set(self->dev, STATUS, 1));	/* rises */
	EXPECT_EQ(1U, signals(self->trigger, LOUD_MS));
	ASSERT_EQ(0, set(self->dev, STATUS, 1));	/* stays high */
	EXPECT_EQ(0U, signals(self->trigger, QUIET_MS));
	ASSERT_EQ(0, set(self->dev, ENABLE, 0));	/* falls */
	EXPECT_EQ(0U, signals(self->trigger, QUIET_MS));
	ASSERT_EQ(0, set(self->dev, ENABLE, 1));	/* rises again */
	EXPECT_EQ(1U, signals(self->trigger, LOUD_MS));
	EXPECT_EQ(2U, e2e_stats(self->dev).irqs);
}

/*
 * A level line is signalled again after each EOI while it is asserted,
 * and not after it was cleared; an edge line has no resample eventfd.
 */
TEST_F(signals, resample)
{
	struct vmdev_irq_group *grp;
	int i;

	E2E_REQUIRE(&self->e);
	ASSERT_EQ(0, bind(self, variant->level));
	if (!variant->level) {
		grp = vmdev_regdev_irq_group(self->dev, 0);
		EXPECT_EQ(-EOPNOTSUPP, vmdev_irq_group_resample_fd(grp, 0));
		return;
	}
	ASSERT_EQ(0, set(self->dev, ENABLE, 1));
	ASSERT_EQ(0, set(self->dev, STATUS, 1));
	EXPECT_EQ(1U, signals(self->trigger, LOUD_MS));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, eventfd_write(self->resample, 1));	/* EOI */
		EXPECT_EQ(1U, signals(self->trigger, LOUD_MS)) {
			TH_LOG("EOI %d", i);
		}
	}
	ASSERT_EQ(0, set(self->dev, STATUS, 0));
	ASSERT_EQ(0, eventfd_write(self->resample, 1));
	EXPECT_EQ(0U, signals(self->trigger, QUIET_MS));
	/* One rise, however many times it was delivered. */
	EXPECT_EQ(1U, e2e_stats(self->dev).irqs);
}

/* A line asserted when it is bound is signalled at once, once. */
TEST_F(signals, asserted_at_bind)
{
	E2E_REQUIRE(&self->e);
	ASSERT_EQ(0, set(self->dev, ENABLE, 1));
	ASSERT_EQ(0, set(self->dev, STATUS, 1));
	ASSERT_EQ(0, bind(self, variant->level));
	EXPECT_EQ(1U, signals(self->trigger, LOUD_MS));
	EXPECT_EQ(0U, signals(self->trigger, QUIET_MS));
	EXPECT_EQ(1U, e2e_stats(self->dev).irqs);
}

/* Unbound, a line signals nothing; bound again, it does. */
TEST_F(signals, unbind)
{
	struct vmdev_irq_group *grp;
	int fd;

	E2E_REQUIRE(&self->e);
	ASSERT_EQ(0, bind(self, variant->level));
	grp = vmdev_regdev_irq_group(self->dev, 0);
	ASSERT_NE(NULL, grp);
	ASSERT_EQ(-EBUSY, vmdev_regdev_irq_bind(self->dev, 0, GSI + 1, NULL));
	/* Keep the old eventfd open: the group closes its own at unbind. */
	fd = dup(self->trigger);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, vmdev_regdev_irq_unbind(self->dev, 0));
	EXPECT_EQ(NULL, vmdev_regdev_irq_group(self->dev, 0));
	EXPECT_EQ(ENOENT, errno);
	ASSERT_EQ(-ENOENT, vmdev_regdev_irq_unbind(self->dev, 0));
	ASSERT_EQ(0, set(self->dev, ENABLE, 1));
	ASSERT_EQ(0, set(self->dev, STATUS, 1));
	EXPECT_EQ(0U, signals(fd, QUIET_MS));
	close(fd);
	/* It rose all the same. */
	EXPECT_EQ(1U, e2e_stats(self->dev).irqs);
	ASSERT_EQ(0, set(self->dev, STATUS, 0));
	ASSERT_EQ(0, bind(self, variant->level));
	ASSERT_EQ(0, set(self->dev, STATUS, 1));
	EXPECT_EQ(1U, signals(self->trigger, LOUD_MS));
}

TEST_HARNESS_MAIN
