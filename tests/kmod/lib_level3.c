// SPDX-License-Identifier: GPL-2.0
/*
 * libvmdev at level 3: vmdev_vm_opts.kvm_bus puts a kernel-mode
 * context's register devices on KVM's own I/O bus. The access guest
 * writes and reads a register of every width and a trap register, on
 * PIO and MMIO, through vmdev_vcpu_run(): the guest reads the same
 * values with and without level 3, in kernel and user mode; at level 3
 * no access but the traps (whose callbacks get the right data) makes an
 * exit at all, and vmdev_vm_level() says 3 there, 1 in kernel mode
 * without the option and 0 in user mode, where the option is ignored.
 * Where the module cannot do level 3 (VMDEV_GET_LEVEL's l3_state), the
 * option must leave the context at level 1 with the same results. A
 * device made in a batch (vmdev_vm_batch_begin()) works at once and
 * reaches level 3 at the batch's end.
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib_e2e.h"
#include "kmod_level3.h"

GUEST_IMAGE_DECLARE(access);

#define PIO_BASE	0x6000
#define MMIO_BASE	0xd0000000ULL
#define TRAP_VALUE	0x5a6b7c8d9eafb0c1ULL
#define PATTERN		0xa1b2c3d4e5f60718ULL
#define WINDOW		0x20

enum { R8, R16, R32, R64, TRAP, NR_REGS };

#define REG(off, w, t, wm) {						\
	.offset = (off), .width = (w), .type = (t), .wmask = (wm),	\
	.sel_reg = VMDEV_SEL_NONE }

static const struct vmdev_reg regs[NR_REGS] = {
	[R8] = REG(0x00, 1, VMDEV_REG_RW, 0xff),
	[R16] = REG(0x02, 2, VMDEV_REG_RW, 0xffff),
	[R32] = REG(0x04, 4, VMDEV_REG_RW, 0xffffffff),
	[R64] = REG(0x08, 8, VMDEV_REG_RW, ~0ULL),
	[TRAP] = REG(0x10, 4, VMDEV_REG_TRAP, 0),
};

static const struct vmdev_rdev_desc map = {
	.dev_size = WINDOW, .nr_regs = NR_REGS, .regs = regs,
};

/* The trap register's accesses, as its callbacks saw them. */
struct traps {
	unsigned int n;
	uint64_t offset[4];
	uint64_t value[4];
	bool write[4];
};

static int trap_io(struct traps *t, uint64_t offset, void *data, size_t len,
		   bool write)
{
	uint64_t v = TRAP_VALUE;

	if (t->n == 4 || len > 8)
		return -ENOSPC;
	t->offset[t->n] = offset;
	t->write[t->n] = write;
	t->value[t->n] = 0;
	if (write)
		memcpy(&t->value[t->n], data, len);
	else
		memcpy(data, &v, len);
	t->n++;
	return 0;
}

static int trap_read(void *opaque, enum vmdev_space space, uint64_t base,
		     uint64_t offset, void *data, size_t len)
{
	return trap_io(opaque, offset, data, len, false);
}

static int trap_write(void *opaque, enum vmdev_space space, uint64_t base,
		      uint64_t offset, const void *data, size_t len)
{
	return trap_io(opaque, offset, (void *)data, len, true);
}

FIXTURE(l3) {
	struct e2e e;
	struct vmdev_regdev *dev;
	struct traps traps;
	struct guest_access_params *p;
	uint64_t base;
	int level;		/* what vmdev_vm_level() must say */
};

FIXTURE_VARIANT(l3) {
	enum vmdev_vm_mode mode;
	bool kvm_bus;
	uint8_t space;
	int level;		/* what vmdev_vm_level() must say */
};

FIXTURE_VARIANT_ADD(l3, kernel_bus_pio) {
	.mode = VMDEV_VM_KERNEL, .kvm_bus = true, .space = VMDEV_SPACE_PIO,
	.level = 3,
};
FIXTURE_VARIANT_ADD(l3, kernel_bus_mmio) {
	.mode = VMDEV_VM_KERNEL, .kvm_bus = true, .space = VMDEV_SPACE_MMIO,
	.level = 3,
};
FIXTURE_VARIANT_ADD(l3, kernel_pio) {
	.mode = VMDEV_VM_KERNEL, .space = VMDEV_SPACE_PIO, .level = 1,
};
FIXTURE_VARIANT_ADD(l3, kernel_mmio) {
	.mode = VMDEV_VM_KERNEL, .space = VMDEV_SPACE_MMIO, .level = 1,
};
FIXTURE_VARIANT_ADD(l3, user_bus_pio) {
	.mode = VMDEV_VM_USER, .kvm_bus = true, .space = VMDEV_SPACE_PIO,
	.level = 0,
};
FIXTURE_VARIANT_ADD(l3, user_bus_mmio) {
	.mode = VMDEV_VM_USER, .kvm_bus = true, .space = VMDEV_SPACE_MMIO,
	.level = 0,
};

FIXTURE_SETUP(l3)
{
	struct e2e_opts o = {
		.mode = variant->mode, .image = GUEST_IMAGE(access),
		.cpu_mode = MINIVM_LONG64, .kvm_bus = variant->kvm_bus,
	};

	memset(&self->traps, 0, sizeof(self->traps));
	self->dev = NULL;
	self->base = variant->space == VMDEV_SPACE_PIO ? PIO_BASE : MMIO_BASE;
	self->level = variant->level;
	E2E_SETUP(&self->e, &o);
	/* The module says whether it can: if not, kvm_bus means level 1. */
	if (variant->level == 3) {
		int fd = kmod_open();

		ASSERT_LE(0, fd);
		if (kl3_state(fd) != VMDEV_L3_READY)
			self->level = 1;
		close(fd);
	}
	ASSERT_EQ(0, e2e_regdev(&self->e, &map, variant->space, self->base,
				WINDOW, trap_read, trap_write, &self->traps,
				&self->dev));
	self->p = minivm_gpa(&self->e.vm, GUEST_PARAM_ADDR, GUEST_PARAM_SIZE);
	ASSERT_NE(NULL, self->p);
}

FIXTURE_TEARDOWN(l3)
{
	vmdev_regdev_free(self->dev);
	E2E_FINI(&self->e);
}

static void op(struct guest_access_params *p, uint8_t space, uint64_t addr,
	       uint32_t size, bool write, uint64_t value)
{
	p->ops[p->nr_ops++] = (struct guest_access_op){
		.space = space, .size = size, .write = write, .check = !write,
		.addr = addr, .value = value,
	};
}

/* Every width the space has: write, read back; then the trap. */
static void table(FIXTURE_DATA(l3) *self, uint8_t space)
{
	static const uint32_t off[] = { 0x00, 0x02, 0x04, 0x08 };
	uint32_t i, w, n = space == VMDEV_SPACE_PIO ? 3 : 4;
	uint64_t v;

	self->p->nr_ops = 0;
	self->p->done = 0;
	self->p->failed = 0;
	for (i = 0; i < n; i++) {
		w = 1U << i;
		v = PATTERN & (w == 8 ? ~0ULL : (1ULL << (8 * w)) - 1);
		op(self->p, space, self->base + off[i], w, true, v);
		op(self->p, space, self->base + off[i], w, false, v);
	}
	op(self->p, space, self->base + 0x10, 4, true, 0x1234);
	op(self->p, space, self->base + 0x10, 4, false, (uint32_t)TRAP_VALUE);
}

TEST_F(l3, same_results_fewer_exits)
{
	struct vmdev_regdev_stats st;
	struct vmdev_vcpu_stats vs;
	uint32_t nr;

	E2E_REQUIRE(&self->e);
	EXPECT_EQ(self->level,
		  vmdev_vm_level(self->e.ctx, variant->space, self->base));
	EXPECT_EQ(0, vmdev_vm_level(self->e.ctx, variant->space,
				    self->base + WINDOW));
	table(self, variant->space);
	nr = self->p->nr_ops;
	E2E_RUN_EXPECT(&self->e, GUEST_PASS);
	ASSERT_EQ(nr, self->p->done);
	EXPECT_EQ(0U, self->p->failed);
	/* The trap's callbacks got its two accesses, with the data. */
	ASSERT_EQ(2U, self->traps.n);
	EXPECT_TRUE(self->traps.write[0]);
	EXPECT_EQ(0x10U, self->traps.offset[0]);
	EXPECT_EQ(0x1234U, self->traps.value[0]);
	EXPECT_FALSE(self->traps.write[1]);
	st = e2e_stats(self->dev);
	EXPECT_EQ(nr - 2, st.fast);
	EXPECT_EQ(2U, st.slow);
	vs = e2e_vcpu_stats(&self->e);
	/* In kernel mode only the traps reach userspace. */
	EXPECT_EQ(self->level ? 2U : nr, vs.user_exits);
	if (self->level == 3) {
		EXPECT_EQ(0U, vs.kernel_exits);
	} else if (self->level == 1) {
		EXPECT_EQ(nr - 2, vs.kernel_exits);
	}
	EXPECT_EQ(1U, vs.returns);
}

/*
 * A second device made in a batch works at once, at level 1 where the
 * context is at level 3 (the windows wait for the batch's end), and at
 * its level after the end; the guest reads the same values both times.
 * Begin twice, end without a batch, NULL: refused in every mode alike.
 */
TEST_F(l3, batch)
{
	uint64_t at = self->base + 2 * WINDOW;
	struct vmdev_regdev *second = NULL;
	uint8_t space = variant->space;
	uint32_t nr;

	E2E_REQUIRE(&self->e);
	EXPECT_EQ(-EINVAL, vmdev_vm_batch_begin(NULL));
	EXPECT_EQ(-EINVAL, vmdev_vm_batch_end(NULL));
	EXPECT_EQ(-EINVAL, vmdev_vm_batch_end(self->e.ctx));
	ASSERT_EQ(0, vmdev_vm_batch_begin(self->e.ctx));
	EXPECT_EQ(-EBUSY, vmdev_vm_batch_begin(self->e.ctx));
	ASSERT_EQ(0, e2e_regdev(&self->e, &map, space, at, WINDOW, trap_read,
				trap_write, &self->traps, &second));
	EXPECT_EQ(self->level == 3 ? 1 : self->level,
		  vmdev_vm_level(self->e.ctx, space, at));
	self->base = at;
	table(self, space);
	nr = self->p->nr_ops;
	E2E_RUN_EXPECT(&self->e, GUEST_PASS);
	EXPECT_EQ(nr, self->p->done);
	EXPECT_EQ(0U, self->p->failed);
	EXPECT_EQ(2U, self->traps.n);

	ASSERT_EQ(0, vmdev_vm_batch_end(self->e.ctx));
	EXPECT_EQ(-EINVAL, vmdev_vm_batch_end(self->e.ctx));
	EXPECT_EQ(self->level, vmdev_vm_level(self->e.ctx, space, at));
	ASSERT_EQ(0, minivm_load(&self->e.vm, GUEST_IMAGE(access),
				 MINIVM_LONG64));
	table(self, space);
	E2E_RUN_EXPECT(&self->e, GUEST_PASS);
	EXPECT_EQ(nr, self->p->done);
	EXPECT_EQ(0U, self->p->failed);
	EXPECT_EQ(4U, self->traps.n);
	vmdev_regdev_free(second);
}

TEST_F(l3, level_refuses_bad_input)
{
	E2E_REQUIRE(&self->e);
	EXPECT_EQ(-EINVAL, vmdev_vm_level(NULL, VMDEV_PIO, 0));
	EXPECT_EQ(-EINVAL, vmdev_vm_level(self->e.ctx, (enum vmdev_space)2, 0));
	EXPECT_EQ(-EINVAL, vmdev_vm_level(self->e.ctx, VMDEV_PIO, 0x10000));
}

TEST_HARNESS_MAIN
