// SPDX-License-Identifier: GPL-2.0
/*
 * libvmdev end to end: doorbells (level 2) and their notify eventfds, in
 * kernel and user mode, driven by the access guest. A doorbell turns a
 * guest write at an address (of one value, with datamatch) into a write
 * of a fixed value to a register: in kernel mode a KVM ioeventfd that
 * vmdev.ko consumes, so the write never exits; in user mode the vCPU
 * loop applies it. Either way the guest reads the effect at its next
 * access, a write that does not match goes where it would have gone
 * without the doorbell, and a doorbell register's rings reach the VMM's
 * eventfd.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib_e2e.h"

GUEST_IMAGE_DECLARE(access);

#define PIO_BASE	0x6200
#define MMIO_BASE	0xd0002000ULL
#define WINDOW		0x20
#define OUTSIDE		0x100	/* no device there */
#define OUTSIDE2	0x108
#define MATCH		0x1234
#define OTHER		0x9999
#define INSIDE_MATCH	0x55
#define BELL_VALUE	7

enum { VAL, BELL, R2, NR_REGS };

static const struct vmdev_reg regs[NR_REGS] = {
	[VAL] = {
		.offset = 0x00, .width = 4, .type = VMDEV_REG_RW,
		.wmask = 0xffffffff, .sel_reg = VMDEV_SEL_NONE,
	},
	[BELL] = {
		.offset = 0x08, .width = 4, .type = VMDEV_REG_DOORBELL,
		.flags = VMDEV_REG_F_NOREAD, .sel_reg = VMDEV_SEL_NONE,
	},
	[R2] = {
		.offset = 0x10, .width = 4, .type = VMDEV_REG_RW,
		.wmask = 0xffffffff, .sel_reg = VMDEV_SEL_NONE,
	},
};

static const struct vmdev_rdev_desc map = {
	.dev_size = WINDOW, .nr_regs = NR_REGS, .regs = regs,
};

struct unclaimed_log {
	unsigned int writes;
	uint64_t addr;
	uint64_t value;
};

/* Writes nobody takes: logged (the doorbell did not match). */
static int unclaimed(struct e2e *e, void *opaque)
{
	struct unclaimed_log *log = opaque;
	struct e2e_io io;

	e2e_io_of(e, &io);
	if (!io.write)
		return -EPROTO;
	log->writes++;
	log->addr = io.addr;
	log->value = 0;
	memcpy(&log->value, io.data, io.len);
	return 0;
}

FIXTURE(doorbell) {
	struct e2e e;
	struct vmdev_regdev *dev;
	struct guest_access_params *p;
	struct unclaimed_log log;
	uint64_t base;
	int notify;
};

FIXTURE_VARIANT(doorbell) {
	enum vmdev_vm_mode mode;
	uint8_t space;
};

FIXTURE_VARIANT_ADD(doorbell, user_pio) {
	.mode = VMDEV_VM_USER, .space = VMDEV_SPACE_PIO,
};

FIXTURE_VARIANT_ADD(doorbell, user_mmio) {
	.mode = VMDEV_VM_USER, .space = VMDEV_SPACE_MMIO,
};

FIXTURE_VARIANT_ADD(doorbell, kernel_pio) {
	.mode = VMDEV_VM_KERNEL, .space = VMDEV_SPACE_PIO,
};

FIXTURE_VARIANT_ADD(doorbell, kernel_mmio) {
	.mode = VMDEV_VM_KERNEL, .space = VMDEV_SPACE_MMIO,
};

FIXTURE_SETUP(doorbell)
{
	struct e2e_opts o = {
		.mode = variant->mode, .image = GUEST_IMAGE(access),
		.cpu_mode = MINIVM_LONG64,
	};

	memset(&self->log, 0, sizeof(self->log));
	self->dev = NULL;
	self->notify = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, self->notify);
	self->base = variant->space == VMDEV_SPACE_PIO ? PIO_BASE : MMIO_BASE;
	E2E_SETUP(&self->e, &o);
	ASSERT_EQ(0, e2e_regdev(&self->e, &map, variant->space, self->base,
				WINDOW, NULL, NULL, NULL, &self->dev));
	self->p = minivm_gpa(&self->e.vm, GUEST_PARAM_ADDR, GUEST_PARAM_SIZE);
	self->e.unhandled = unclaimed;
	self->e.unhandled_opaque = &self->log;
}

FIXTURE_TEARDOWN(doorbell)
{
	vmdev_regdev_free(self->dev);
	close(self->notify);
	E2E_FINI(&self->e);
}

static void op(FIXTURE_DATA(doorbell) *self, uint8_t space, uint32_t size,
	       bool write, uint64_t off, uint64_t value)
{
	self->p->ops[self->p->nr_ops++] = (struct guest_access_op){
		.space = space, .size = size, .write = write, .check = !write,
		.addr = self->base + off, .value = value,
	};
}

static int add(FIXTURE_DATA(doorbell) *self, uint8_t space, uint64_t off,
	       uint32_t len, uint32_t reg, bool match, uint64_t v)
{
	VMDEV_OPTS(vmdev_doorbell_opts, o, .space = space,
		   .addr = self->base + off, .len = len, .reg = reg,
		   .flags = match ? VMDEV_DOORBELL_F_DATAMATCH : 0,
		   .datamatch = match ? v : 0, .value = match ? 0 : v);

	return vmdev_regdev_doorbell_add(self->dev, &o);
}

static int del(FIXTURE_DATA(doorbell) *self, uint8_t space, uint64_t off,
	       uint32_t len, uint32_t reg, bool match, uint64_t v)
{
	VMDEV_OPTS(vmdev_doorbell_opts, o, .space = space,
		   .addr = self->base + off, .len = len, .reg = reg,
		   .flags = match ? VMDEV_DOORBELL_F_DATAMATCH : 0,
		   .datamatch = match ? v : 0, .value = match ? 0 : v);

	return vmdev_regdev_doorbell_remove(self->dev, &o);
}

/*
 * Rings counted in the notify eventfd: until want came (within ms; in
 * kernel mode, a ring from a doorbell is signalled from a work item, a
 * little later), then whatever else comes within QUIET_MS.
 */
#define QUIET_MS	100

static uint64_t rings(int fd, uint64_t want, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint64_t total = 0;
	eventfd_t n;

	while (poll(&pfd, 1, total < want ? ms : QUIET_MS) == 1) {
		if (!eventfd_read(fd, &n))
			total += n;
	}
	return total;
}

/*
 * Datamatch outside any device, a fixed value into a doorbell register,
 * and datamatch over a register of the device itself.
 */
TEST_F(doorbell, applied)
{
	uint8_t sp = variant->space;
	struct vmdev_regdev_stats st;
	struct vmdev_vcpu_stats vs;
	uint64_t n;
	uint32_t i;

	E2E_REQUIRE(&self->e);
	ASSERT_EQ(0, add(self, sp, OUTSIDE, 4, VAL, true, MATCH));
	ASSERT_EQ(0, add(self, sp, OUTSIDE2, 2, BELL, false, BELL_VALUE));
	ASSERT_EQ(0, add(self, sp, regs[R2].offset, 4, VAL, true,
			 INSIDE_MATCH));
	ASSERT_EQ(0, vmdev_regdev_notify_bind(self->dev, BELL, self->notify));

	op(self, sp, 4, true, OUTSIDE, MATCH);		/* VAL = MATCH */
	op(self, sp, 4, false, 0, MATCH);
	op(self, sp, 4, true, OUTSIDE, OTHER);		/* exits */
	op(self, sp, 4, false, 0, MATCH);
	op(self, sp, 2, true, OUTSIDE2, 0xabcd);	/* BELL = 7, rings */
	op(self, sp, 2, true, OUTSIDE2, 0x0001);	/* again */
	op(self, sp, 4, true, regs[R2].offset, INSIDE_MATCH); /* VAL */
	op(self, sp, 4, false, 0, INSIDE_MATCH);
	op(self, sp, 4, false, regs[R2].offset, 0);	/* R2 untouched */
	op(self, sp, 4, true, regs[R2].offset, 0x66);	/* R2 = 0x66 */
	op(self, sp, 4, false, regs[R2].offset, 0x66);
	op(self, sp, 4, false, 0, INSIDE_MATCH);
	E2E_RUN(&self->e);
	ASSERT_EQ((uint32_t)GUEST_PASS, self->e.result) {
		i = self->p->failed - 1;
		TH_LOG("op %u: read %#llx", i,
		       (unsigned long long)self->p->ops[i].got);
	}

	EXPECT_EQ(1U, self->log.writes);
	EXPECT_EQ(self->base + OUTSIDE, self->log.addr);
	EXPECT_EQ((uint64_t)OTHER, self->log.value);
	EXPECT_EQ((uint64_t)INSIDE_MATCH, e2e_reg(self->dev, VAL));
	EXPECT_EQ((uint64_t)BELL_VALUE, e2e_reg(self->dev, BELL));
	EXPECT_EQ(0x66U, e2e_reg(self->dev, R2));
	/*
	 * Two rings, each counted once in both modes (in kernel mode those
	 * of a doorbell come from a work item, a little later).
	 */
	n = rings(self->notify, 2, 5000);
	EXPECT_EQ(2U, n);
	st = e2e_stats(self->dev);
	EXPECT_EQ(4U, st.ioeventfds);
	EXPECT_EQ(2U, st.doorbells);
	EXPECT_EQ(0U, st.slow);
	/* Level 2: in kernel mode, no exit at all for the doorbells. */
	vs = e2e_vcpu_stats(&self->e);
	if (variant->mode == VMDEV_VM_KERNEL) {
		EXPECT_EQ(0U, vs.user_exits);
		/* The six reads and the write of R2. */
		EXPECT_EQ(7U, vs.kernel_exits);
	} else {
		EXPECT_EQ(self->p->nr_ops - 1, vs.user_exits);
		EXPECT_EQ(0U, vs.kernel_exits);
	}
}

/* Removed, a doorbell no longer applies: the write goes as before. */
TEST_F(doorbell, removed)
{
	uint8_t sp = variant->space;

	E2E_REQUIRE(&self->e);
	ASSERT_EQ(0, add(self, sp, OUTSIDE, 4, VAL, true, MATCH));
	ASSERT_EQ(0, add(self, sp, regs[R2].offset, 4, VAL, false, 3));
	ASSERT_EQ(-ENOENT, del(self, sp, OUTSIDE, 4, VAL, true, MATCH + 1));
	ASSERT_EQ(-ENOENT, del(self, sp, OUTSIDE, 4, R2, true, MATCH));
	ASSERT_EQ(0, del(self, sp, OUTSIDE, 4, VAL, true, MATCH));
	ASSERT_EQ(-ENOENT, del(self, sp, OUTSIDE, 4, VAL, true, MATCH));
	ASSERT_EQ(0, del(self, sp, regs[R2].offset, 4, VAL, false, 3));
	op(self, sp, 4, true, OUTSIDE, MATCH);		/* exits now */
	op(self, sp, 4, true, regs[R2].offset, 0x77);	/* R2 now */
	op(self, sp, 4, false, regs[R2].offset, 0x77);
	op(self, sp, 4, false, 0, 0);
	E2E_RUN_EXPECT(&self->e, GUEST_PASS);
	EXPECT_EQ(1U, self->log.writes);
	EXPECT_EQ((uint64_t)MATCH, self->log.value);
	EXPECT_EQ(0U, e2e_stats(self->dev).ioeventfds);
	/* They can come back. */
	ASSERT_EQ(0, add(self, sp, OUTSIDE, 4, VAL, true, MATCH));
}

/* The collisions KVM refuses are refused, in both modes alike. */
TEST_F(doorbell, collisions)
{
	uint8_t sp = variant->space;

	E2E_REQUIRE(&self->e);
	ASSERT_EQ(0, add(self, sp, OUTSIDE, 4, VAL, true, 1));
	ASSERT_EQ(0, add(self, sp, OUTSIDE, 4, VAL, true, 2));
	ASSERT_EQ(0, add(self, sp, OUTSIDE, 2, VAL, false, 0));
	ASSERT_EQ(-EEXIST, add(self, sp, OUTSIDE, 4, R2, true, 1));
	ASSERT_EQ(-EEXIST, add(self, sp, OUTSIDE, 4, VAL, false, 0));
	ASSERT_EQ(-EEXIST, add(self, sp, OUTSIDE, 2, VAL, true, 5));
	ASSERT_EQ(0, add(self, sp, OUTSIDE + 4, 4, VAL, false, 0));
	/* The other space at the same number is another address. */
	self->base = 0;
	ASSERT_EQ(0, add(self, VMDEV_SPACE_PIO, PIO_BASE, 4, VAL, true, 1));
	ASSERT_EQ(0, add(self, VMDEV_SPACE_MMIO, PIO_BASE, 4, VAL, true, 1));
}

TEST_HARNESS_MAIN
