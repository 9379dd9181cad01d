// SPDX-License-Identifier: GPL-2.0
/*
 * Device interrupts through KVM's in-kernel irqchip: a register device of
 * the shared core (STATUS write-1-to-clear, ENABLE, SET write-1-to-set
 * STATUS) drives its line into an irqfd, with a resample eventfd when the
 * line is level. The irq guest (tests/guest/irq.S) programs the 8259 pair
 * or the IOAPIC and LAPIC, raises the source, counts the interrupts it
 * takes and acknowledges them. Edge: one interrupt per rising edge, none
 * while the line merely stays high. Level: the line fires again after
 * every EOI while the source is pending, and never after it was cleared.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <linux/vmdev.h>

#include "kselftest_harness.h"
#include "guest_test.h"
#include "rdevbus.h"

GUEST_IMAGE_DECLARE(irq);

#define DEV_PORT	0x6100
#define ROUNDS		3
#define FIRES		3	/* level: entries per round */
#define SETTLE		32	/* STATUS reads, interrupts enabled */

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
	int kvm_err;
	struct minivm vm;
	struct rdevbus bus;
	struct vmdev_rdev *dev;
	struct guest_irq_params *p;
	struct vmdev_irq line;
	struct vmdev_rdev_desc desc;
};

FIXTURE_VARIANT(irq) {
	uint32_t ctrl;
	uint32_t pin;
	bool level;
};

FIXTURE_VARIANT_ADD(irq, pic_edge) {
	.ctrl = GUEST_IRQ_PIC, .pin = 5, .level = false,
};

FIXTURE_VARIANT_ADD(irq, pic_level) {
	.ctrl = GUEST_IRQ_PIC, .pin = 5, .level = true,
};

FIXTURE_VARIANT_ADD(irq, pic_slave_edge) {
	.ctrl = GUEST_IRQ_PIC, .pin = 10, .level = false,
};

FIXTURE_VARIANT_ADD(irq, pic_slave_level) {
	.ctrl = GUEST_IRQ_PIC, .pin = 10, .level = true,
};

FIXTURE_VARIANT_ADD(irq, ioapic_edge) {
	.ctrl = GUEST_IRQ_IOAPIC, .pin = 5, .level = false,
};

FIXTURE_VARIANT_ADD(irq, ioapic_level) {
	.ctrl = GUEST_IRQ_IOAPIC, .pin = 5, .level = true,
};

/* GSIs 16-23 reach the IOAPIC only, as PCI INTx lines do. */
FIXTURE_VARIANT_ADD(irq, ioapic_pci_level) {
	.ctrl = GUEST_IRQ_IOAPIC, .pin = 20, .level = true,
};

FIXTURE_SETUP(irq)
{
	struct minivm_opts opts = { .irqchip = true };

	rdevbus_init(&self->bus, NULL, NULL);
	self->line = (struct vmdev_irq){
		.status_reg = STATUS, .enable_reg = ENABLE,
		.flags = variant->level ? VMDEV_IRQ_F_LEVEL : 0,
	};
	self->desc = (struct vmdev_rdev_desc){
		.dev_size = IRQDEV_SIZE, .nr_regs = NR_REGS, .regs = regs,
		.nr_irqs = 1, .irqs = &self->line,
	};
	self->kvm_err = minivm_usable();
	if (self->kvm_err)
		return;
	ASSERT_EQ(0, minivm_create(&self->vm, &opts));
	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(irq), MINIVM_PROT32));
	ASSERT_EQ(0, vmdev_rdev_create(&self->desc, &self->dev));
	ASSERT_EQ(0, rdevbus_add(&self->bus, self->dev, VMDEV_SPACE_PIO,
				 DEV_PORT));
	ASSERT_EQ(0, rdevbus_wire_irq(&self->bus, 0, 0, &self->vm,
				      variant->pin));
	self->p = minivm_gpa(&self->vm, GUEST_PARAM_ADDR, sizeof(*self->p));
	*self->p = (struct guest_irq_params){
		.ctrl = variant->ctrl, .level = variant->level,
		.pin = variant->pin, .dev_port = DEV_PORT,
		.rounds = ROUNDS, .fires = FIRES, .settle = SETTLE,
	};
}

FIXTURE_TEARDOWN(irq)
{
	guest_irq_log(_metadata, self->p);
	rdevbus_fini(&self->bus);
	if (!self->kvm_err)
		minivm_destroy(&self->vm);
}

/*
 * Resampling needs KVM to report a level interrupt's EOI when the guest
 * EOIs it. A host that runs the guest outside ring 0 (PVM) completes it
 * already when it injects the interrupt (an EOI before the handler ran),
 * so the resample eventfd fires while the handler still has the source
 * pending. Find out with one interrupt: the handler reads STATUS before
 * its EOI, so at that exit no resample event may be pending yet.
 */
struct ack_probe {
	struct rdevbus bus;
	struct guest_irq_params *p;
	bool checked;
	bool early;
};

static int ack_probe_io(void *opaque, struct minivm_io *io)
{
	struct ack_probe *a = opaque;
	eventfd_t events;

	if (!a->checked && !io->write && io->addr == DEV_PORT + IRQDEV_STATUS &&
	    a->p->count == 1) {
		a->checked = true;
		a->early = !eventfd_read(a->bus.devs[0].lines[0].resamplefd,
					 &events);
	}
	return rdevbus_io(&a->bus, io);
}

static bool acks_at_injection(struct __test_metadata *_metadata,
			      FIXTURE_DATA(irq) *self,
			      const FIXTURE_VARIANT(irq) *variant)
{
	struct minivm_opts opts = { .irqchip = true };
	struct ack_probe a = { .checked = false };
	struct vmdev_rdev *dev;
	struct minivm vm;

	rdevbus_init(&a.bus, NULL, NULL);
	ASSERT_EQ(0, minivm_create(&vm, &opts));
	ASSERT_EQ(0, minivm_load(&vm, GUEST_IMAGE(irq), MINIVM_PROT32));
	ASSERT_EQ(0, vmdev_rdev_create(&self->desc, &dev));
	ASSERT_EQ(0, rdevbus_add(&a.bus, dev, VMDEV_SPACE_PIO, DEV_PORT));
	ASSERT_EQ(0, rdevbus_wire_irq(&a.bus, 0, 0, &vm, variant->pin));
	a.p = minivm_gpa(&vm, GUEST_PARAM_ADDR, sizeof(*a.p));
	*a.p = *self->p;
	a.p->rounds = 1;
	a.p->fires = 1;		/* no re-fire: no resample thread needed */
	GUEST_RUN_EXPECT(&vm, ack_probe_io, &a, GUEST_PASS);
	EXPECT_TRUE(a.checked);
	EXPECT_EQ(1U, a.p->count);
	rdevbus_fini(&a.bus);
	minivm_destroy(&vm);
	return a.early;
}

static uint64_t reg(FIXTURE_DATA(irq) *self, int r)
{
	uint64_t v = ~0ULL;

	vmdev_rdev_reg_read(self->dev, r, &v);
	return v;
}

TEST_F(irq, delivery)
{
	struct rdevbus_line *line = &self->bus.devs[0].lines[0];
	uint32_t per_round = variant->level ? FIRES : 1, r;

	GUEST_REQUIRE_KVM(self->kvm_err);
	if (variant->level && acks_at_injection(_metadata, self, variant))
		SKIP(return, "host KVM acks level interrupts at injection");
	ASSERT_EQ(0, rdevbus_start_irqs(&self->bus));
	GUEST_RUN_EXPECT(&self->vm, rdevbus_io, &self->bus, GUEST_PASS);
	ASSERT_EQ(0, rdevbus_stop_irqs(&self->bus));

	/* What the guest took. */
	EXPECT_EQ(ROUNDS * per_round, self->p->count);
	for (r = 0; r < ROUNDS; r++) {
		EXPECT_EQ(per_round, self->p->per_round[r]) {
			TH_LOG("round %u", r);
		}
	}
	EXPECT_EQ(0U, self->p->spurious);

	/*
	 * What the VMM did: signal each rise, and for a level line each
	 * EOI that found the source still pending (FIRES - 1 per round);
	 * the EOI after the clear found it gone and did not.
	 */
	EXPECT_EQ((uint64_t)ROUNDS * per_round, atomic_load(&line->signals));
	EXPECT_EQ((uint64_t)(variant->level ? ROUNDS * FIRES : 0),
		  atomic_load(&line->resamples));
	EXPECT_EQ(0U, reg(self, STATUS));
	EXPECT_EQ(0U, reg(self, ENABLE));
	EXPECT_FALSE(vmdev_rdev_irq_asserted(self->dev, 0));
}

/* The guest checks its parameters before programming anything. */
TEST_F(irq, bad_params)
{
	struct guest_irq_params bad[6];
	uint32_t result;
	unsigned int i;

	/* Before self->p is read: without KVM, setup left it NULL. */
	GUEST_REQUIRE_KVM(self->kvm_err);
	for (i = 0; i < 6; i++)
		bad[i] = *self->p;
	bad[0].ctrl = GUEST_IRQ_IOAPIC + 1;
	bad[1].pin = variant->ctrl == GUEST_IRQ_PIC ? 16 : 24;
	bad[2].rounds = GUEST_IRQ_MAX_ROUNDS + 1;
	bad[3].level = 2;
	bad[4].fires = 0;
	bad[5].dev_port = 0x10000 - IRQDEV_SIZE + 1;
	for (i = 0; i < 6; i++) {
		ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(irq),
					 MINIVM_PROT32));
		*self->p = bad[i];
		GUEST_RUN(&self->vm, rdevbus_io, &self->bus, &result);
		EXPECT_EQ((uint32_t)GUEST_FAIL_BADPARAM, result) {
			TH_LOG("case %u", i);
		}
	}
	EXPECT_EQ(0U, self->bus.devs[0].done);
}

TEST_HARNESS_MAIN
