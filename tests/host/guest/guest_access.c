// SPDX-License-Identifier: GPL-2.0
/*
 * Single guest accesses of every size and direction against register
 * devices of the shared core, emulated in userspace on /dev/kvm: the
 * access guest (tests/guest/access.S, long mode) runs a table of PIO or
 * MMIO accesses of one width, checking every value it reads; the test
 * then checks the device state, the slow-path accesses and the exits.
 */
#include <errno.h>
#include <string.h>
#include <linux/vmdev.h>

#include "kselftest_harness.h"
#include "guest_test.h"
#include "rdevbus.h"

GUEST_IMAGE_DECLARE(access);

#define PIO_BASE	0x6000
#define MMIO_BASE	0xd0000000ULL
#define PATTERN		0xa1b2c3d4e5f60718ULL
#define TRAP_VALUE	0x5a6b7c8d9eafb0c1ULL
#define MASK_BITS	0x0ff00ff00ff00ff0ULL
#define RO_VALUE	0xfedcba9876543210ULL
#define PARTIAL_RESET	0x0706050403020100ULL
#define HOLE		0x38
#define WINDOW		0x40

/* The same register map on both buses (PIO cannot reach the 8-byte ones). */
enum { R8, R16, R32, R64, MASKED, RO, PARTIAL, T1, T2, T4, T8, NR_REGS };

#define REG(off, w, t, rst, wm, fl) {					\
	.offset = (off), .width = (w), .type = (t), .reset = (rst),	\
	.wmask = (wm), .flags = (fl), .sel_reg = VMDEV_SEL_NONE }

static const struct vmdev_reg regs[NR_REGS] = {
	[R8] = REG(0x00, 1, VMDEV_REG_RW, 0x11, 0xff, 0),
	[R16] = REG(0x02, 2, VMDEV_REG_RW, 0x2222, 0xffff, 0),
	[R32] = REG(0x04, 4, VMDEV_REG_RW, 0x44444444, 0xffffffff, 0),
	[R64] = REG(0x08, 8, VMDEV_REG_RW, 0x8888888888888888ULL, ~0ULL, 0),
	[MASKED] = REG(0x10, 8, VMDEV_REG_RW, 0, MASK_BITS,
		       VMDEV_REG_F_PARTIAL),
	[RO] = REG(0x18, 8, VMDEV_REG_RO, RO_VALUE, 0, VMDEV_REG_F_PARTIAL),
	[PARTIAL] = REG(0x20, 8, VMDEV_REG_RW, PARTIAL_RESET, ~0ULL,
			VMDEV_REG_F_PARTIAL),
	[T1] = REG(0x28, 1, VMDEV_REG_TRAP, 0, 0, 0),
	[T2] = REG(0x2a, 2, VMDEV_REG_TRAP, 0, 0, 0),
	[T4] = REG(0x2c, 4, VMDEV_REG_TRAP, 0, 0, 0),
	[T8] = REG(0x30, 8, VMDEV_REG_TRAP, 0, 0, 0),
};

static const struct vmdev_rdev_desc map = {
	.flags = VMDEV_DEV_F_HOLE_ONES,
	.dev_size = WINDOW,
	.nr_regs = NR_REGS,
	.regs = regs,
};

static uint64_t mask(uint32_t width)
{
	return width == 8 ? ~0ULL : (1ULL << (8 * width)) - 1;
}

/* Bytes [k * width, (k + 1) * width) of v. */
static uint64_t slice(uint64_t v, uint32_t k, uint32_t width)
{
	return (v >> (8 * k * width)) & mask(width);
}

/* The register of exactly this width, and a non-partial one of another. */
static int exact_reg(uint32_t width)
{
	return width == 1 ? R8 : width == 2 ? R16 : width == 4 ? R32 : R64;
}

static int trap_reg(uint32_t width)
{
	return width == 1 ? T1 : width == 2 ? T2 : width == 4 ? T4 : T8;
}

static int misfit_reg(uint32_t width)
{
	return width == 1 ? R16 : width == 2 ? R32 : width == 4 ? R64 : R32;
}

struct slow_log {
	unsigned int calls;
	struct minivm_io io[4];
	int dev[4];
};

static int slow(void *opaque, int dev, struct minivm_io *io)
{
	struct slow_log *log = opaque;

	if (log->calls == 4)
		return -ENOSPC;
	if (!io->write)
		io->data = TRAP_VALUE & mask(io->len);
	log->dev[log->calls] = dev;
	log->io[log->calls++] = *io;
	return 0;
}

/* Appends to the guest's table of accesses on one device. */
struct table {
	struct guest_access_params *p;
	uint8_t space;
	uint64_t base;
};

static void add(struct table *t, uint32_t width, bool write, uint32_t off,
		uint64_t value)
{
	t->p->ops[t->p->nr_ops++] = (struct guest_access_op){
		.space = t->space, .size = width, .write = write,
		.check = !write, .addr = t->base + off,
		.value = value & mask(width),
	};
}

static void rd(struct table *t, uint32_t width, uint32_t off, uint64_t expect)
{
	add(t, width, false, off, expect);
}

static void wr(struct table *t, uint32_t width, uint32_t off, uint64_t value)
{
	add(t, width, true, off, value);
}

FIXTURE(access) {
	int kvm_err;
	struct minivm vm;
	struct rdevbus bus;
	struct slow_log log;
	struct guest_access_params *p;
	struct table t;
	struct vmdev_rdev *dev;		/* the variant's bus */
	int dev_index;
};

FIXTURE_VARIANT(access) {
	uint8_t space;
	uint32_t width;
};

FIXTURE_VARIANT_ADD(access, pio1) { .space = VMDEV_SPACE_PIO, .width = 1 };
FIXTURE_VARIANT_ADD(access, pio2) { .space = VMDEV_SPACE_PIO, .width = 2 };
FIXTURE_VARIANT_ADD(access, pio4) { .space = VMDEV_SPACE_PIO, .width = 4 };
FIXTURE_VARIANT_ADD(access, mmio1) { .space = VMDEV_SPACE_MMIO, .width = 1 };
FIXTURE_VARIANT_ADD(access, mmio2) { .space = VMDEV_SPACE_MMIO, .width = 2 };
FIXTURE_VARIANT_ADD(access, mmio4) { .space = VMDEV_SPACE_MMIO, .width = 4 };
FIXTURE_VARIANT_ADD(access, mmio8) { .space = VMDEV_SPACE_MMIO, .width = 8 };

/* One device on each bus; the variant's is the one under test. */
FIXTURE_SETUP(access)
{
	struct vmdev_rdev *pio, *mmio;
	bool is_pio = variant->space == VMDEV_SPACE_PIO;

	memset(&self->log, 0, sizeof(self->log));
	rdevbus_init(&self->bus, slow, &self->log);
	self->kvm_err = minivm_usable();
	if (self->kvm_err)
		return;
	ASSERT_EQ(0, minivm_create(&self->vm, NULL));
	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(access),
				 MINIVM_LONG64));
	ASSERT_EQ(0, vmdev_rdev_create(&map, &pio));
	ASSERT_EQ(0, rdevbus_add(&self->bus, pio, VMDEV_SPACE_PIO, PIO_BASE));
	ASSERT_EQ(0, vmdev_rdev_create(&map, &mmio));
	ASSERT_EQ(1, rdevbus_add(&self->bus, mmio, VMDEV_SPACE_MMIO,
				 MMIO_BASE));
	self->dev = is_pio ? pio : mmio;
	self->dev_index = is_pio ? 0 : 1;
	self->p = minivm_gpa(&self->vm, GUEST_PARAM_ADDR, GUEST_PARAM_SIZE);
	ASSERT_NE(NULL, self->p);
	self->t = (struct table){
		.p = self->p, .space = variant->space,
		.base = is_pio ? PIO_BASE : MMIO_BASE,
	};
}

FIXTURE_TEARDOWN(access)
{
	rdevbus_fini(&self->bus);
	if (!self->kvm_err)
		minivm_destroy(&self->vm);
}

static uint64_t reg_value(struct vmdev_rdev *dev, int reg)
{
	uint64_t v = 0;

	vmdev_rdev_reg_read(dev, reg, &v);
	return v;
}

/*
 * The whole behaviour at one width: exact register read/write, a write
 * mask, a read-only register, partial (narrower) accesses, a trap
 * register (slow path, both directions), a hole, a misfit and an access
 * running past the window (both holes: all ones, writes ignored).
 */
TEST_F(access, every_behaviour)
{
	uint32_t w = variant->width, k, n = 8 / w;
	struct table *t = &self->t;
	uint32_t exact = regs[exact_reg(w)].offset;
	uint32_t trap = regs[trap_reg(w)].offset;
	uint32_t misfit = regs[misfit_reg(w)].offset;
	uint64_t merged = PARTIAL_RESET, exits;
	uint32_t result;
	unsigned int i;

	GUEST_REQUIRE_KVM(self->kvm_err);
	rd(t, w, exact, regs[exact_reg(w)].reset);
	wr(t, w, exact, PATTERN);
	rd(t, w, exact, PATTERN);
	for (k = 0; k < n; k++)
		wr(t, w, regs[MASKED].offset + k * w, slice(PATTERN, k, w));
	for (k = 0; k < n; k++)
		rd(t, w, regs[MASKED].offset + k * w,
		   slice(PATTERN & MASK_BITS, k, w));
	wr(t, w, regs[RO].offset, PATTERN);
	for (k = 0; k < n; k++)
		rd(t, w, regs[RO].offset + k * w, slice(RO_VALUE, k, w));
	/* The last slice of PARTIAL written, every slice read back. */
	wr(t, w, regs[PARTIAL].offset + (n - 1) * w, PATTERN);
	merged &= ~(mask(w) << (8 * (n - 1) * w));
	merged |= (PATTERN & mask(w)) << (8 * (n - 1) * w);
	for (k = 0; k < n; k++)
		rd(t, w, regs[PARTIAL].offset + k * w, slice(merged, k, w));
	wr(t, w, trap, PATTERN);
	rd(t, w, trap, TRAP_VALUE);
	rd(t, w, HOLE, ~0ULL);
	wr(t, w, HOLE, PATTERN);
	rd(t, w, misfit, ~0ULL);
	wr(t, w, misfit, PATTERN);
	if (w > 1)
		rd(t, w, WINDOW - w / 2, ~0ULL);

	GUEST_RUN(&self->vm, rdevbus_io, &self->bus, &result);
	ASSERT_EQ((uint32_t)GUEST_PASS, result) {
		i = self->p->failed - 1;
		TH_LOG("op %u: read %#llx, expected %#llx", i,
		       (unsigned long long)self->p->ops[i].got,
		       (unsigned long long)self->p->ops[i].value);
	}
	ASSERT_EQ(self->p->nr_ops, self->p->done);
	for (i = 0; i < self->p->nr_ops; i++) {
		if (!self->p->ops[i].write)
			EXPECT_EQ(self->p->ops[i].value, self->p->ops[i].got);
	}

	/* One exit per access, all on the variant's bus and device. */
	exits = variant->space == VMDEV_SPACE_PIO ? self->vm.stats.pio_exits :
						   self->vm.stats.mmio_exits;
	EXPECT_EQ(self->p->nr_ops, exits);
	EXPECT_EQ(self->p->nr_ops, self->vm.stats.pio_elems +
				   self->vm.stats.mmio_exits);
	EXPECT_EQ(2U, self->bus.devs[self->dev_index].slow);
	EXPECT_EQ(self->p->nr_ops - 2,
		  self->bus.devs[self->dev_index].done);
	EXPECT_EQ(0U, self->bus.devs[!self->dev_index].done);
	EXPECT_EQ(0U, self->bus.unclaimed);

	/* The device state the guest left. */
	EXPECT_EQ(PATTERN & mask(w), reg_value(self->dev, exact_reg(w)));
	EXPECT_EQ(PATTERN & MASK_BITS, reg_value(self->dev, MASKED));
	EXPECT_EQ(RO_VALUE, reg_value(self->dev, RO));
	EXPECT_EQ(merged, reg_value(self->dev, PARTIAL));
	EXPECT_EQ(regs[misfit_reg(w)].reset,
		  reg_value(self->dev, misfit_reg(w)));

	/* The trap register's two accesses reached the slow path intact. */
	ASSERT_EQ(2U, self->log.calls);
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(self->dev_index, self->log.dev[i]);
		EXPECT_EQ(self->t.base + trap, self->log.io[i].addr);
		EXPECT_EQ(w, self->log.io[i].len);
		EXPECT_EQ(variant->space, self->log.io[i].space);
	}
	EXPECT_TRUE(self->log.io[0].write);
	EXPECT_EQ(PATTERN & mask(w), self->log.io[0].data);
	EXPECT_FALSE(self->log.io[1].write);
}

/* A wrong expectation is caught by the guest: the checks can fail. */
TEST_F(access, mismatch_detected)
{
	uint32_t w = variant->width, reg = exact_reg(w);
	struct table *t = &self->t;

	GUEST_REQUIRE_KVM(self->kvm_err);
	rd(t, w, regs[reg].offset, regs[reg].reset);
	rd(t, w, regs[reg].offset, regs[reg].reset ^ 1);
	rd(t, w, regs[reg].offset, regs[reg].reset);
	GUEST_RUN_EXPECT(&self->vm, rdevbus_io, &self->bus,
			 GUEST_FAIL_MISMATCH);
	EXPECT_EQ(2U, self->p->failed);
	EXPECT_EQ(3U, self->p->done);
	EXPECT_EQ(regs[reg].reset, self->p->ops[1].got);
}

/* An access no device claims goes to the slow path with dev -1. */
TEST_F(access, unclaimed)
{
	uint32_t w = variant->width;
	struct table *t = &self->t;

	GUEST_REQUIRE_KVM(self->kvm_err);
	wr(t, w, WINDOW, PATTERN);
	rd(t, w, WINDOW, TRAP_VALUE);
	GUEST_RUN_EXPECT(&self->vm, rdevbus_io, &self->bus, GUEST_PASS);
	EXPECT_EQ(2U, self->bus.unclaimed);
	ASSERT_EQ(2U, self->log.calls);
	EXPECT_EQ(-1, self->log.dev[0]);
	EXPECT_EQ(self->t.base + WINDOW, self->log.io[0].addr);
	EXPECT_EQ(PATTERN & mask(w), self->log.io[0].data);
	EXPECT_EQ(-1, self->log.dev[1]);
}

/* Without a slow-path handler, a trapped access ends the run. */
TEST_F(access, no_slow_handler)
{
	uint32_t w = variant->width, result;
	struct table *t = &self->t;

	GUEST_REQUIRE_KVM(self->kvm_err);
	self->bus.slow = NULL;
	rd(t, w, regs[trap_reg(w)].offset, 0);
	EXPECT_EQ(-ENXIO, minivm_run_guest(&self->vm, rdevbus_io, &self->bus,
					   &result));
	EXPECT_EQ(0U, self->p->done);
}

/* Entries the guest refuses, each after one good access. */
FIXTURE(access_table) {
	int kvm_err;
	struct minivm vm;
	struct guest_access_params *p;
	unsigned int calls;
};

FIXTURE_SETUP(access_table)
{
	self->calls = 0;
	self->kvm_err = minivm_usable();
	if (self->kvm_err)
		return;
	ASSERT_EQ(0, minivm_create(&self->vm, NULL));
	self->p = minivm_gpa(&self->vm, GUEST_PARAM_ADDR, GUEST_PARAM_SIZE);
}

FIXTURE_TEARDOWN(access_table)
{
	if (!self->kvm_err)
		minivm_destroy(&self->vm);
}

static int count_io(void *opaque, struct minivm_io *io)
{
	unsigned int *calls = opaque;

	(*calls)++;
	io->data = 0;
	return 0;
}

TEST_F(access_table, bad_entries)
{
	static const struct guest_access_op good = {
		.space = GUEST_SPACE_PIO, .size = 1, .addr = PIO_BASE,
	};
	static const struct guest_access_op bad[] = {
		{ .space = GUEST_SPACE_PIO, .size = 0, .addr = PIO_BASE },
		{ .space = GUEST_SPACE_PIO, .size = 3, .addr = PIO_BASE },
		{ .space = GUEST_SPACE_PIO, .size = 8, .addr = PIO_BASE },
		{ .space = GUEST_SPACE_MMIO, .size = 16, .addr = MMIO_BASE },
		{ .space = GUEST_SPACE_MMIO + 1, .size = 1, .addr = MMIO_BASE },
		{ .space = GUEST_SPACE_PIO, .size = 1, .write = 2,
		  .addr = PIO_BASE },
		{ .space = GUEST_SPACE_PIO, .size = 1, .addr = 0x10000 },
		{ .space = GUEST_SPACE_MMIO, .size = 4,
		  .addr = GUEST_PT_MAPPED },
	};
	uint32_t result;
	unsigned int i;

	GUEST_REQUIRE_KVM(self->kvm_err);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(access),
					 MINIVM_LONG64));
		self->calls = 0;
		self->p->nr_ops = 2;
		self->p->done = 0;
		self->p->ops[0] = good;
		self->p->ops[1] = bad[i];
		GUEST_RUN(&self->vm, count_io, &self->calls, &result);
		EXPECT_EQ((uint32_t)GUEST_FAIL_BADPARAM, result) {
			TH_LOG("entry %u", i);
		}
		EXPECT_EQ(1U, self->p->done);
		EXPECT_EQ(1U, self->calls);
	}
}

TEST_F(access_table, too_many_entries)
{
	GUEST_REQUIRE_KVM(self->kvm_err);
	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(access),
				 MINIVM_LONG64));
	self->p->nr_ops = ACCESS_MAX_OPS + 1;
	GUEST_RUN_EXPECT(&self->vm, count_io, &self->calls,
			 GUEST_FAIL_BADPARAM);
	EXPECT_EQ(0U, self->p->done);
	EXPECT_EQ(0U, self->calls);
}

TEST_HARNESS_MAIN
