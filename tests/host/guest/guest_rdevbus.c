// SPDX-License-Identifier: GPL-2.0
/*
 * The register-device bus of the test bed (tests/guest/rdevbus.c) on its
 * own, without a guest: mapping rules, dispatch to the core and to the
 * slow path, and the interrupt plumbing, with KVM's side of a resample
 * (the EOI) played by writing the resample eventfd directly.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <linux/vmdev.h>

#include "kselftest_harness.h"
#include "guest_test.h"
#include "rdevbus.h"

#define BASE		0x6100

enum { STATUS, ENABLE, SET, NR_REGS };

static const struct vmdev_reg regs[NR_REGS] = {
	[STATUS] = {
		.offset = 0, .width = 4, .type = VMDEV_REG_W1C, .wmask = 1,
		.sel_reg = VMDEV_SEL_NONE,
		.arg.target.flags = VMDEV_TARGET_F_SELF,
	},
	[ENABLE] = {
		.offset = 4, .width = 4, .type = VMDEV_REG_RW, .wmask = 1,
		.sel_reg = VMDEV_SEL_NONE,
	},
	[SET] = {
		.offset = 8, .width = 4, .type = VMDEV_REG_W1S, .wmask = 1,
		.sel_reg = VMDEV_SEL_NONE,
		.arg.target = { .target = STATUS,
				.flags = VMDEV_TARGET_F_OTHER },
	},
};

static const struct vmdev_irq edge_line = {
	.status_reg = STATUS, .enable_reg = ENABLE,
};

static const struct vmdev_irq level_line = {
	.status_reg = STATUS, .enable_reg = ENABLE,
	.flags = VMDEV_IRQ_F_LEVEL,
};

static struct vmdev_rdev *new_dev(const struct vmdev_irq *line)
{
	struct vmdev_rdev_desc desc = {
		.dev_size = 12, .nr_regs = NR_REGS, .regs = regs,
		.nr_irqs = line ? 1 : 0, .irqs = line,
	};
	struct vmdev_rdev *dev = NULL;

	vmdev_rdev_create(&desc, &dev);
	return dev;
}

/* A guest access, as minivm would hand it to the bus. */
static int io(struct rdevbus *bus, uint8_t space, uint64_t addr,
	      uint32_t len, bool write, uint64_t *data)
{
	struct minivm_io a = {
		.addr = addr, .len = len, .space = space, .write = write,
		.data = *data,
	};
	int ret = rdevbus_io(bus, &a);

	*data = a.data;
	return ret;
}

static int wr(struct rdevbus *bus, uint64_t addr, uint64_t value)
{
	return io(bus, VMDEV_SPACE_PIO, addr, 4, true, &value);
}

struct slow_log {
	unsigned int calls;
	int dev;
	struct minivm_io io;
};

static int slow(void *opaque, int dev, struct minivm_io *a)
{
	struct slow_log *log = opaque;

	log->calls++;
	log->dev = dev;
	log->io = *a;
	if (!a->write)
		a->data = 0xabcd;
	return 0;
}

FIXTURE(bus) {
	struct rdevbus bus;
	struct slow_log log;
};

FIXTURE_SETUP(bus)
{
	memset(&self->log, 0, sizeof(self->log));
	rdevbus_init(&self->bus, slow, &self->log);
}

FIXTURE_TEARDOWN(bus)
{
	rdevbus_fini(&self->bus);
}

TEST_F(bus, add_rules)
{
	struct vmdev_rdev *d[RDEVBUS_MAX_DEVS + 1];
	unsigned int i;

	for (i = 0; i <= RDEVBUS_MAX_DEVS; i++) {
		d[i] = new_dev(NULL);
		ASSERT_NE(NULL, d[i]);
	}
	EXPECT_EQ(-EINVAL, rdevbus_add(&self->bus, d[0], 2, BASE));
	EXPECT_EQ(-EINVAL, rdevbus_add(&self->bus, d[0], VMDEV_SPACE_PIO,
				       0x10000 - 11));
	/* base + size must not wrap (the UAPI's rule for ranges too). */
	EXPECT_EQ(-EINVAL, rdevbus_add(&self->bus, d[0], VMDEV_SPACE_MMIO,
				       UINT64_MAX - 11));
	/* The last ports and the highest representable window fit. */
	EXPECT_EQ(0, rdevbus_add(&self->bus, d[0], VMDEV_SPACE_PIO,
				 0x10000 - 12));
	EXPECT_EQ(1, rdevbus_add(&self->bus, d[1], VMDEV_SPACE_MMIO,
				 UINT64_MAX - 12));
	EXPECT_EQ(2, rdevbus_add(&self->bus, d[2], VMDEV_SPACE_PIO, BASE));
	/* Overlaps within a space, not across spaces. */
	EXPECT_EQ(-EEXIST, rdevbus_add(&self->bus, d[3], VMDEV_SPACE_PIO,
				       BASE + 11));
	EXPECT_EQ(-EEXIST, rdevbus_add(&self->bus, d[3], VMDEV_SPACE_PIO,
				       BASE - 11));
	EXPECT_EQ(3, rdevbus_add(&self->bus, d[3], VMDEV_SPACE_MMIO, BASE));
	EXPECT_EQ(4, rdevbus_add(&self->bus, d[4], VMDEV_SPACE_PIO,
				 BASE + 12));
	for (i = 5; i < RDEVBUS_MAX_DEVS; i++)
		EXPECT_EQ((int)i, rdevbus_add(&self->bus, d[i],
					      VMDEV_SPACE_MMIO, i * 0x1000));
	EXPECT_EQ(-ENOSPC, rdevbus_add(&self->bus, d[RDEVBUS_MAX_DEVS],
				       VMDEV_SPACE_MMIO, 0x100000));
	vmdev_rdev_destroy(d[RDEVBUS_MAX_DEVS]);
}

TEST_F(bus, dispatch)
{
	struct vmdev_rdev *dev = new_dev(NULL);
	uint64_t data = 0;

	ASSERT_EQ(0, rdevbus_add(&self->bus, dev, VMDEV_SPACE_PIO, BASE));
	/* To the core: a register, and a hole (not the slow path). */
	EXPECT_EQ(0, wr(&self->bus, BASE + 4, 1));
	EXPECT_EQ(0, io(&self->bus, VMDEV_SPACE_PIO, BASE + 4, 4, false,
			&data));
	EXPECT_EQ(1U, data);
	EXPECT_EQ(0, io(&self->bus, VMDEV_SPACE_PIO, BASE + 10, 4, false,
			&data));
	EXPECT_EQ(3U, self->bus.devs[0].done);
	/* The same address on the other bus claims nothing. */
	EXPECT_EQ(0, io(&self->bus, VMDEV_SPACE_MMIO, BASE + 4, 4, false,
			&data));
	EXPECT_EQ(0xabcdU, data);
	EXPECT_EQ(1U, self->log.calls);
	EXPECT_EQ(-1, self->log.dev);
	EXPECT_EQ(1U, self->bus.unclaimed);
	/* The core's own errors come back as they are. */
	EXPECT_EQ(-EINVAL, io(&self->bus, VMDEV_SPACE_PIO, BASE, 9, false,
			      &data));
	EXPECT_EQ(3U, self->bus.devs[0].done);
	/* No slow path: unclaimed accesses end the run. */
	self->bus.slow = NULL;
	EXPECT_EQ(-ENXIO, wr(&self->bus, BASE - 1, 0));
}

/* Wiring needs a VM with the in-kernel irqchip. */
FIXTURE(wire) {
	int kvm_err;
	struct minivm vm;
	struct rdevbus bus;
	struct vmdev_rdev *dev;
};

FIXTURE_VARIANT(wire) {
	bool level;
};

FIXTURE_VARIANT_ADD(wire, edge) { .level = false };
FIXTURE_VARIANT_ADD(wire, level) { .level = true };

FIXTURE_SETUP(wire)
{
	struct minivm_opts opts = { .irqchip = true };

	rdevbus_init(&self->bus, NULL, NULL);
	self->kvm_err = minivm_usable();
	if (!self->kvm_err)
		ASSERT_EQ(0, minivm_create(&self->vm, &opts));
	self->dev = new_dev(variant->level ? &level_line : &edge_line);
	ASSERT_NE(NULL, self->dev);
	ASSERT_EQ(0, rdevbus_add(&self->bus, self->dev, VMDEV_SPACE_PIO,
				 BASE));
}

FIXTURE_TEARDOWN(wire)
{
	rdevbus_fini(&self->bus);
	if (!self->kvm_err)
		minivm_destroy(&self->vm);
}

TEST_F(wire, errors)
{
	struct minivm plain;

	GUEST_REQUIRE_KVM(self->kvm_err);
	EXPECT_EQ(-EINVAL, rdevbus_wire_irq(&self->bus, -1, 0, &self->vm, 5));
	EXPECT_EQ(-EINVAL, rdevbus_wire_irq(&self->bus, 1, 0, &self->vm, 5));
	EXPECT_EQ(-EINVAL, rdevbus_wire_irq(&self->bus, 0, 1, &self->vm, 5));
	/* KVM refuses an irqfd without its irqchip. */
	ASSERT_EQ(0, minivm_create(&plain, NULL));
	EXPECT_EQ(-EINVAL, rdevbus_wire_irq(&self->bus, 0, 0, &plain, 5));
	minivm_destroy(&plain);
	EXPECT_EQ(-1, self->bus.devs[0].lines[0].irqfd);
	ASSERT_EQ(0, rdevbus_wire_irq(&self->bus, 0, 0, &self->vm, 5));
	EXPECT_EQ(variant->level, self->bus.devs[0].lines[0].resamplefd >= 0);
	EXPECT_EQ(-EBUSY, rdevbus_wire_irq(&self->bus, 0, 0, &self->vm, 6));
	ASSERT_EQ(0, rdevbus_start_irqs(&self->bus));
	EXPECT_EQ(-EBUSY, rdevbus_start_irqs(&self->bus));
	EXPECT_EQ(0, rdevbus_stop_irqs(&self->bus));
	EXPECT_EQ(0, rdevbus_stop_irqs(&self->bus));
}

/* A line asserted before it is wired is signalled by the wiring. */
TEST_F(wire, asserted_when_wired)
{
	GUEST_REQUIRE_KVM(self->kvm_err);
	ASSERT_EQ(0, wr(&self->bus, BASE + 4, 1));
	ASSERT_EQ(0, wr(&self->bus, BASE + 8, 1));
	ASSERT_EQ(0, rdevbus_wire_irq(&self->bus, 0, 0, &self->vm, 5));
	EXPECT_EQ(1U, atomic_load(&self->bus.devs[0].lines[0].signals));
}

/*
 * Edge: every rise is one pulse. Level: a rise while KVM still holds the
 * GSI (no EOI yet) writes nothing; an EOI re-asserts a pending source
 * and only that.
 */
TEST_F(wire, signals)
{
	struct rdevbus_line *l = &self->bus.devs[0].lines[0];

	GUEST_REQUIRE_KVM(self->kvm_err);
	ASSERT_EQ(0, rdevbus_wire_irq(&self->bus, 0, 0, &self->vm, 5));
	ASSERT_EQ(0, rdevbus_start_irqs(&self->bus));
	ASSERT_EQ(0, wr(&self->bus, BASE + 4, 1));
	EXPECT_EQ(0U, atomic_load(&l->signals));
	ASSERT_EQ(0, wr(&self->bus, BASE + 8, 1));	/* rise */
	EXPECT_EQ(1U, atomic_load(&l->signals));
	ASSERT_EQ(0, wr(&self->bus, BASE + 8, 1));	/* still high */
	EXPECT_EQ(1U, atomic_load(&l->signals));
	ASSERT_EQ(0, wr(&self->bus, BASE, 1));		/* fall */
	ASSERT_EQ(0, wr(&self->bus, BASE + 8, 1));	/* rise */
	if (!variant->level) {
		EXPECT_EQ(2U, atomic_load(&l->signals));
		EXPECT_EQ(0, rdevbus_stop_irqs(&self->bus));
		return;
	}
	EXPECT_EQ(1U, atomic_load(&l->signals));
	/* The EOI while the source is pending: asserted again. */
	ASSERT_EQ(0, eventfd_write(l->resamplefd, 1));
	ASSERT_EQ(0, rdevbus_stop_irqs(&self->bus));
	EXPECT_EQ(1U, atomic_load(&l->resamples));
	EXPECT_EQ(2U, atomic_load(&l->signals));
	/* Cleared, then the EOI: nothing, and a rise is written again. */
	ASSERT_EQ(0, rdevbus_start_irqs(&self->bus));
	ASSERT_EQ(0, wr(&self->bus, BASE, 1));
	ASSERT_EQ(0, eventfd_write(l->resamplefd, 1));
	ASSERT_EQ(0, rdevbus_stop_irqs(&self->bus));
	EXPECT_EQ(2U, atomic_load(&l->resamples));
	EXPECT_EQ(2U, atomic_load(&l->signals));
	ASSERT_EQ(0, wr(&self->bus, BASE + 8, 1));
	EXPECT_EQ(3U, atomic_load(&l->signals));
}

TEST_HARNESS_MAIN
