// SPDX-License-Identifier: GPL-2.0
/*
 * libvmdev's fast-path API, call by call, in kernel and user mode: the
 * context and its modes, register devices and their limits, the VMM-side
 * register calls, interrupt line, doorbell and notify bindings, vCPUs and
 * what the run call returns. Every error each call documents, the same
 * in both modes, and that a call that fails leaves nothing behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "lib_e2e.h"

GUEST_IMAGE_DECLARE(probe);

#define BASE		0x6000
#define SIZE		0x10

enum { RW, RO_C, FIFO_IN, FIFO_OUT, BELL, HIDDEN, NOWRITE, TRAP, NR_REGS };

static const struct vmdev_reg regs[NR_REGS] = {
	[RW] = { .offset = 0, .width = 4, .type = VMDEV_REG_RW,
		 .wmask = 0xffffffff, .reset = 0x11,
		 .sel_reg = VMDEV_SEL_NONE },
	[RO_C] = { .offset = 4, .width = 1, .type = VMDEV_REG_CONST,
		   .reset = 0x42, .sel_reg = VMDEV_SEL_NONE },
	[FIFO_IN] = { .offset = 5, .width = 1, .type = VMDEV_REG_FIFO_IN,
		      .flags = VMDEV_REG_F_NOREAD, .sel_reg = VMDEV_SEL_NONE,
		      .arg.fifo.depth = 4 },
	[FIFO_OUT] = { .offset = 5, .width = 1, .type = VMDEV_REG_FIFO_OUT,
		       .flags = VMDEV_REG_F_NOWRITE,
		       .sel_reg = VMDEV_SEL_NONE, .arg.fifo.depth = 4 },
	[BELL] = { .offset = 8, .width = 2, .type = VMDEV_REG_DOORBELL,
		   .sel_reg = VMDEV_SEL_NONE },
	[HIDDEN] = { .offset = 0, .width = 1, .type = VMDEV_REG_RW,
		     .flags = VMDEV_REG_F_HIDDEN, .wmask = 0xff,
		     .sel_reg = VMDEV_SEL_NONE },
	[NOWRITE] = { .offset = 10, .width = 1, .type = VMDEV_REG_RO,
		      .flags = VMDEV_REG_F_NOWRITE,
		      .sel_reg = VMDEV_SEL_NONE },
	[TRAP] = { .offset = 12, .width = 4, .type = VMDEV_REG_TRAP,
		   .sel_reg = VMDEV_SEL_NONE },
};

static const struct vmdev_irq lines[2] = {
	{ .status_reg = RW, .enable_reg = VMDEV_SEL_NONE, .enable_mask = 1 },
	{ .status_reg = RW, .enable_reg = VMDEV_SEL_NONE, .enable_mask = 2,
	  .flags = VMDEV_IRQ_F_LEVEL },
};

static const struct vmdev_rdev_desc map = {
	.dev_size = SIZE, .nr_regs = NR_REGS, .regs = regs,
	.nr_irqs = 2, .irqs = lines,
};

#define ASSERT_ERR(err, call)						\
	do {								\
		errno = 0;						\
		ASSERT_EQ(-(err), (call));				\
		ASSERT_EQ((err), errno);				\
	} while (0)

FIXTURE(api) {
	struct e2e e;
	struct vmdev_regdev *dev;
	struct vmdev_resources *res;
};

FIXTURE_VARIANT(api) {
	enum vmdev_vm_mode mode;
};

E2E_MODES(api);

FIXTURE_SETUP(api)
{
	struct e2e_opts o = {
		.mode = variant->mode, .eventfd_irqs = true,
		.image = GUEST_IMAGE(probe), .cpu_mode = MINIVM_PROT32,
	};

	self->dev = NULL;
	self->res = NULL;
	E2E_SETUP(&self->e, &o);
	self->res = e2e_ranges(VMDEV_SPACE_PIO, BASE, SIZE);
	ASSERT_NE(NULL, self->res);
	ASSERT_EQ(0, e2e_regdev(&self->e, &map, VMDEV_SPACE_PIO, BASE, SIZE,
				NULL, NULL, NULL, &self->dev));
}

FIXTURE_TEARDOWN(api)
{
	vmdev_regdev_free(self->dev);
	vmdev_resources_free(self->res);
	E2E_FINI(&self->e);
}

static struct vmdev_regdev_opts opts_of(const struct vmdev_rdev_desc *d)
{
	VMDEV_OPTS(vmdev_regdev_opts, o, .flags = d->flags,
		   .dev_size = d->dev_size, .nr_regs = d->nr_regs,
		   .nr_links = d->nr_links, .nr_irqs = d->nr_irqs,
		   .regs = d->regs, .links = d->links, .irqs = d->irqs);

	return o;
}

/* ---- The context --------------------------------------------------------- */

TEST_F(api, context)
{
	VMDEV_OPTS(vmdev_vm_opts, o, .mode = variant->mode);
	struct vmdev_io_manager *io;
	struct vmdev_vm *vm;
	int fd;

	E2E_REQUIRE(&self->e);
	EXPECT_EQ(variant->mode, vmdev_vm_mode(self->e.ctx));
	EXPECT_NE(NULL, vmdev_vm_io(self->e.ctx));
	EXPECT_EQ((int)VMDEV_VM_AUTO, (int)vmdev_vm_mode(NULL));
	EXPECT_EQ(NULL, vmdev_vm_io(NULL));

	ASSERT_ERR(EINVAL, vmdev_vm_new(self->e.vm.vm_fd, &o, NULL));
	ASSERT_ERR(EBADF, vmdev_vm_new(-1, &o, &vm));
	o.mode = 3;
	ASSERT_ERR(EINVAL, vmdev_vm_new(self->e.vm.vm_fd, &o, &vm));
	o.mode = variant->mode;
	o.sz = sizeof(size_t) - 1;
	ASSERT_ERR(EINVAL, vmdev_vm_new(self->e.vm.vm_fd, &o, &vm));
	/* A vCPU, /dev/kvm itself and a plain file are no VM. */
	o.sz = sizeof(o);
	ASSERT_ERR(ENOTTY, vmdev_vm_new(self->e.vm.vcpu_fd, &o, &vm));
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_ERR(ENOTTY, vmdev_vm_new(fd, &o, &vm));
	close(fd);

	/* The VMM's own I/O manager, borrowed. */
	ASSERT_EQ(0, vmdev_io_manager_new(NULL, &io));
	o.io = io;
	ASSERT_EQ(0, vmdev_vm_new(self->e.vm.vm_fd, &o, &vm));
	EXPECT_EQ(io, vmdev_vm_io(vm));
	EXPECT_EQ(variant->mode, vmdev_vm_mode(vm));
	vmdev_vm_free(vm);
	vmdev_io_manager_free(io);
	vmdev_vm_free(NULL);
}

/* Tail bytes of a newer caller's options must be zero. */
TEST_F(api, context_opts_tail)
{
	struct {
		struct vmdev_vm_opts o;
		uint64_t newer;
	} big = { .o = { .sz = sizeof(big), .mode = variant->mode } };
	struct vmdev_vm *vm;

	E2E_REQUIRE(&self->e);
	big.newer = 1;
	ASSERT_ERR(EINVAL, vmdev_vm_new(self->e.vm.vm_fd, &big.o, &vm));
	big.newer = 0;
	ASSERT_EQ(0, vmdev_vm_new(self->e.vm.vm_fd, &big.o, &vm));
	vmdev_vm_free(vm);
}

/* AUTO takes the module where it is loaded; KERNEL needs it. */
TEST(modes)
{
	VMDEV_OPTS(vmdev_vm_opts, o);
	bool module = !access("/dev/vmdev", F_OK);
	struct minivm mv;
	struct vmdev_vm *vm;

	GUEST_REQUIRE_KVM(minivm_usable());
	ASSERT_EQ(0, minivm_create(&mv, NULL));
	ASSERT_EQ(0, vmdev_vm_new(mv.vm_fd, &o, &vm));
	EXPECT_EQ((int)(module ? VMDEV_VM_KERNEL : VMDEV_VM_USER),
		  (int)vmdev_vm_mode(vm));
	vmdev_vm_free(vm);
	o.mode = VMDEV_VM_USER;
	ASSERT_EQ(0, vmdev_vm_new(mv.vm_fd, &o, &vm));
	EXPECT_EQ((int)VMDEV_VM_USER, (int)vmdev_vm_mode(vm));
	vmdev_vm_free(vm);
	o.mode = VMDEV_VM_KERNEL;
	if (module) {
		ASSERT_EQ(0, vmdev_vm_new(mv.vm_fd, &o, &vm));
		EXPECT_EQ((int)VMDEV_VM_KERNEL, (int)vmdev_vm_mode(vm));
		vmdev_vm_free(vm);
	} else {
		ASSERT_ERR(ENOENT, vmdev_vm_new(mv.vm_fd, &o, &vm));
	}
	minivm_destroy(&mv);
}

/* ---- Register devices ---------------------------------------------------- */

TEST_F(api, regdev_new_errors)
{
	struct vmdev_regdev_opts o = opts_of(&map);
	struct vmdev_reg bad[NR_REGS];
	struct vmdev_resources *other;
	struct vmdev_regdev *rd;

	E2E_REQUIRE(&self->e);
	other = e2e_ranges(VMDEV_SPACE_PIO, BASE + 0x100, SIZE);
	ASSERT_NE(NULL, other);
	ASSERT_ERR(EINVAL, vmdev_regdev_new(NULL, other, &o, &rd));
	ASSERT_ERR(EINVAL, vmdev_regdev_new(self->e.ctx, NULL, &o, &rd));
	ASSERT_ERR(EINVAL, vmdev_regdev_new(self->e.ctx, other, NULL, &rd));
	ASSERT_ERR(EINVAL, vmdev_regdev_new(self->e.ctx, other, &o, NULL));
	o.sz = offsetof(struct vmdev_regdev_opts, irqs);
	ASSERT_ERR(EINVAL, vmdev_regdev_new(self->e.ctx, other, &o, &rd));
	o = opts_of(&map);
	o.name = "0123456789012345678901234567890123";
	ASSERT_ERR(EINVAL, vmdev_regdev_new(self->e.ctx, other, &o, &rd));
	o.name = "0123456789012345678901234567890";	/* 31: fits */
	ASSERT_EQ(0, vmdev_regdev_new(self->e.ctx, other, &o, &rd));
	vmdev_regdev_free(rd);

	/* A malformed map, refused the same way in both modes. */
	memcpy(bad, regs, sizeof(bad));
	bad[RW].width = 3;
	o = opts_of(&map);
	o.regs = bad;
	ASSERT_ERR(EINVAL, vmdev_regdev_new(self->e.ctx, other, &o, &rd));
	o = opts_of(&map);
	o.nr_regs = VMDEV_MAX_REGS + 1;
	ASSERT_ERR(E2BIG, vmdev_regdev_new(self->e.ctx, other, &o, &rd));
	o = opts_of(&map);
	o.dev_size = 0;
	ASSERT_ERR(EINVAL, vmdev_regdev_new(self->e.ctx, other, &o, &rd));

	/* Overlaps: with a register device, within the set itself. */
	o = opts_of(&map);
	ASSERT_ERR(EEXIST, vmdev_regdev_new(self->e.ctx, self->res, &o, &rd));
	ASSERT_EQ(0, vmdev_resources_append(other,
					    vmdev_resources_get(other, 0)));
	ASSERT_ERR(EEXIST, vmdev_regdev_new(self->e.ctx, other, &o, &rd));
	vmdev_resources_free(other);
	/* Nothing was left behind by any of these. */
	EXPECT_EQ(1, vmdev_io_nr_ranges(self->e.io, VMDEV_PIO));
}

static int ignore_write(void *opaque, enum vmdev_space space, uint64_t base,
			uint64_t offset, const void *data, size_t len)
{
	return 0;
}

TEST_F(api, regdev_overlaps_userspace_device)
{
	VMDEV_OPTS(vmdev_device_opts, uo, .write = ignore_write);
	struct vmdev_regdev_opts o = opts_of(&map);
	struct vmdev_resources *res;
	struct vmdev_device *udev;
	struct vmdev_regdev *rd;

	E2E_REQUIRE(&self->e);
	ASSERT_EQ(0, vmdev_device_new(&uo, &udev));
	res = e2e_ranges(VMDEV_SPACE_MMIO, 0xe0000000ULL, 0x1000);
	ASSERT_NE(NULL, res);
	ASSERT_EQ(1, vmdev_io_register(self->e.io, udev, res));
	vmdev_resources_free(res);
	res = e2e_ranges(VMDEV_SPACE_MMIO, 0xe0000ff0ULL, 0x20);
	ASSERT_ERR(EEXIST, vmdev_regdev_new(self->e.ctx, res, &o, &rd));
	vmdev_resources_free(res);
	/* The register device keeps userspace devices off its ranges. */
	ASSERT_ERR(EEXIST, vmdev_io_register(self->e.io, udev, self->res));
	vmdev_device_put(udev);
}

/* Ranges: at most VMDEV_MAX_DEV_RANGES per device; other kinds ignored. */
TEST_F(api, regdev_ranges)
{
	struct vmdev_regdev_opts o = opts_of(&map);
	struct vmdev_resource r = { .type = VMDEV_RES_MMIO };
	struct vmdev_resources *res;
	struct vmdev_regdev *rd;
	unsigned int i;

	E2E_REQUIRE(&self->e);
	ASSERT_EQ(0, vmdev_resources_new(&res));
	r.range.size = 0x100;
	for (i = 0; i < VMDEV_MAX_DEV_RANGES; i++) {
		r.range.base = 0xe0000000ULL + i * 0x1000;
		ASSERT_EQ(0, vmdev_resources_append(res, &r));
	}
	r = (struct vmdev_resource){ .type = VMDEV_RES_LEGACY_IRQ, .irq = 4 };
	ASSERT_EQ(0, vmdev_resources_append(res, &r));
	ASSERT_EQ(0, vmdev_regdev_new(self->e.ctx, res, &o, &rd));
	EXPECT_EQ(VMDEV_MAX_DEV_RANGES,
		  vmdev_io_nr_ranges(self->e.io, VMDEV_MMIO));
	vmdev_regdev_free(rd);
	EXPECT_EQ(0, vmdev_io_nr_ranges(self->e.io, VMDEV_MMIO));
	r = (struct vmdev_resource){ .type = VMDEV_RES_MMIO,
		.range = { .base = 0xf0000000ULL, .size = 0x100 } };
	ASSERT_EQ(0, vmdev_resources_append(res, &r));
	ASSERT_ERR(E2BIG, vmdev_regdev_new(self->e.ctx, res, &o, &rd));
	vmdev_resources_free(res);
	/* A device without ranges: only the VMM side reaches it. */
	ASSERT_EQ(0, vmdev_resources_new(&res));
	ASSERT_EQ(0, vmdev_regdev_new(self->e.ctx, res, &o, &rd));
	EXPECT_EQ(0x11U, e2e_reg(rd, RW));
	vmdev_regdev_free(rd);
	vmdev_resources_free(res);
}

/* The context's limits: devices, then ranges of all devices. */
TEST_F_TIMEOUT(api, regdev_limits, 600)
{
	struct vmdev_regdev_opts o = opts_of(&map);
	static struct vmdev_regdev *devs[VMDEV_MAX_DEVICES];
	struct vmdev_resource r = { .type = VMDEV_RES_MMIO };
	struct vmdev_resources *res;
	struct vmdev_regdev *rd;
	unsigned int i, j, n;

	E2E_REQUIRE(&self->e);
	/* Devices: the fixture's holds one already. */
	ASSERT_EQ(0, vmdev_resources_new(&res));
	for (n = 0; n < VMDEV_MAX_DEVICES - 1; n++)
		ASSERT_EQ(0, vmdev_regdev_new(self->e.ctx, res, &o, &devs[n]));
	ASSERT_ERR(ENOSPC, vmdev_regdev_new(self->e.ctx, res, &o, &rd));
	for (i = 0; i < n; i++)
		vmdev_regdev_free(devs[i]);
	vmdev_resources_free(res);

	/* Ranges: devices of 16, the last of 15, and the fixture's one. */
	r.range.size = 0x10;
	for (n = 0; n < VMDEV_MAX_RANGES / VMDEV_MAX_DEV_RANGES; n++) {
		ASSERT_EQ(0, vmdev_resources_new(&res));
		for (j = 0; j < VMDEV_MAX_DEV_RANGES; j++) {
			if (n == VMDEV_MAX_RANGES / VMDEV_MAX_DEV_RANGES - 1 &&
			    j == VMDEV_MAX_DEV_RANGES - 1)
				break;
			r.range.base = 0xe0000000ULL +
				       (n * VMDEV_MAX_DEV_RANGES + j) * 0x100;
			ASSERT_EQ(0, vmdev_resources_append(res, &r));
		}
		ASSERT_EQ(0, vmdev_regdev_new(self->e.ctx, res, &o, &devs[n]));
		vmdev_resources_free(res);
	}
	EXPECT_EQ(VMDEV_MAX_RANGES - 1,
		  vmdev_io_nr_ranges(self->e.io, VMDEV_MMIO));
	res = e2e_ranges(VMDEV_SPACE_MMIO, 0xf0000000ULL, 0x10);
	ASSERT_ERR(ENOSPC, vmdev_regdev_new(self->e.ctx, res, &o, &rd));
	vmdev_regdev_free(devs[0]);
	ASSERT_EQ(0, vmdev_regdev_new(self->e.ctx, res, &o, &devs[0]));
	vmdev_resources_free(res);
	for (i = 0; i < n; i++)
		vmdev_regdev_free(devs[i]);
}

/* ---- The VMM side -------------------------------------------------------- */

TEST_F(api, registers)
{
	VMDEV_OPTS(vmdev_regdev_stats, st);
	uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint64_t v;

	E2E_REQUIRE(&self->e);
	ASSERT_ERR(EINVAL, vmdev_regdev_reg_read(NULL, RW, &v));
	ASSERT_ERR(EINVAL, vmdev_regdev_reg_read(self->dev, RW, NULL));
	ASSERT_ERR(ENOENT, vmdev_regdev_reg_read(self->dev, NR_REGS, &v));
	ASSERT_ERR(EINVAL, vmdev_regdev_reg_write(NULL, RW, 1));
	ASSERT_ERR(ENOENT, vmdev_regdev_reg_write(self->dev, NR_REGS, 1));
	ASSERT_ERR(EINVAL, vmdev_regdev_reg_write(self->dev, RO_C, 1));
	ASSERT_ERR(EINVAL, vmdev_regdev_reg_write(self->dev, FIFO_IN, 1));
	ASSERT_ERR(EINVAL, vmdev_regdev_reg_write(self->dev, TRAP, 1));
	ASSERT_EQ(0, vmdev_regdev_reg_write(self->dev, RW, 0x1122334455ULL));
	/* Cut to the register's width. */
	EXPECT_EQ(0x22334455U, e2e_reg(self->dev, RW));

	ASSERT_ERR(EINVAL, vmdev_regdev_fifo_fill(NULL, FIFO_OUT, buf, 1));
	ASSERT_ERR(EINVAL, vmdev_regdev_fifo_fill(self->dev, FIFO_OUT, NULL,
						  1));
	ASSERT_ERR(EINVAL, vmdev_regdev_fifo_fill(self->dev, FIFO_OUT, buf, 0));
	ASSERT_ERR(E2BIG, vmdev_regdev_fifo_fill(self->dev, FIFO_OUT, buf,
						 VMDEV_MAX_FIFO + 1));
	ASSERT_ERR(ENOENT, vmdev_regdev_fifo_fill(self->dev, NR_REGS, buf, 1));
	ASSERT_ERR(EINVAL, vmdev_regdev_fifo_fill(self->dev, FIFO_IN, buf, 1));
	ASSERT_ERR(EINVAL, vmdev_regdev_fifo_drain(self->dev, FIFO_OUT, buf,
						   1));
	ASSERT_ERR(EINVAL, vmdev_regdev_fifo_drain(self->dev, RW, buf, 1));
	/* Depth 4: a fill of 8 moves 4, the next moves none. */
	ASSERT_EQ(4, vmdev_regdev_fifo_fill(self->dev, FIFO_OUT, buf, 8));
	ASSERT_EQ(0, vmdev_regdev_fifo_fill(self->dev, FIFO_OUT, buf, 8));
	EXPECT_EQ(4U, e2e_reg(self->dev, FIFO_OUT));
	ASSERT_EQ(0, vmdev_regdev_fifo_drain(self->dev, FIFO_IN, buf, 8));

	/* Reset: back to the map's values, FIFOs emptied. */
	ASSERT_ERR(EINVAL, vmdev_regdev_reset(NULL));
	ASSERT_EQ(0, vmdev_regdev_reset(self->dev));
	EXPECT_EQ(0x11U, e2e_reg(self->dev, RW));
	EXPECT_EQ(0U, e2e_reg(self->dev, FIFO_OUT));

	ASSERT_ERR(EINVAL, vmdev_regdev_stats(NULL, &st));
	ASSERT_ERR(EINVAL, vmdev_regdev_stats(self->dev, NULL));
	st.sz = sizeof(size_t) - 1;
	ASSERT_ERR(EINVAL, vmdev_regdev_stats(self->dev, &st));
}

/* Statistics fill what the caller's struct holds, no more. */
TEST_F(api, stats_sizes)
{
	struct {
		struct vmdev_regdev_stats st;
		uint64_t newer;
	} big;
	struct vmdev_regdev_stats small;
	uint64_t v = 0;

	E2E_REQUIRE(&self->e);
	/* One guest-side access through the I/O manager, completed. */
	ASSERT_EQ(0, vmdev_io_read(self->e.io, VMDEV_PIO, BASE, &v, 4));
	EXPECT_EQ(0x11U, v);
	memset(&big, 0xff, sizeof(big));
	big.st.sz = sizeof(big);
	ASSERT_EQ(0, vmdev_regdev_stats(self->dev, &big.st));
	EXPECT_EQ(sizeof(big), big.st.sz);
	EXPECT_EQ(1U, big.st.fast);
	EXPECT_EQ(0U, big.newer);
	memset(&small, 0xff, sizeof(small));
	small.sz = offsetof(struct vmdev_regdev_stats, slow);
	ASSERT_EQ(0, vmdev_regdev_stats(self->dev, &small));
	EXPECT_EQ(1U, small.fast);
	EXPECT_EQ(~0ULL, small.slow);	/* past its size: untouched */
}

/*
 * Accesses the VMM dispatches itself through the I/O manager reach the
 * device like the guest's: completed by it, or its slow path.
 */
TEST_F(api, vmm_dispatch)
{
	uint32_t v = 0;

	E2E_REQUIRE(&self->e);
	ASSERT_EQ(0, vmdev_io_write(self->e.io, VMDEV_PIO, BASE,
				    "\x78\x56\0\0", 4));
	ASSERT_EQ(0, vmdev_io_read(self->e.io, VMDEV_PIO, BASE, &v, 4));
	EXPECT_EQ(0x5678U, v);
	ASSERT_EQ(-EOPNOTSUPP, vmdev_io_read(self->e.io, VMDEV_PIO,
					     BASE + regs[TRAP].offset, &v, 4));
	EXPECT_EQ(2U, e2e_stats(self->dev).fast);
	EXPECT_EQ(1U, e2e_stats(self->dev).slow);
}

/* ---- Bindings ------------------------------------------------------------ */

TEST_F(api, irq_bind_errors)
{
	VMDEV_OPTS(vmdev_regdev_irq_opts, o, .type = VMDEV_IRQ_MSI);

	E2E_REQUIRE(&self->e);
	ASSERT_ERR(EINVAL, vmdev_regdev_irq_bind(NULL, 0, 5, NULL));
	ASSERT_ERR(ENOENT, vmdev_regdev_irq_bind(self->dev, 2, 5, NULL));
	ASSERT_ERR(EINVAL, vmdev_regdev_irq_bind(self->dev, 1, 5, &o));
	o.type = 7;
	ASSERT_ERR(EINVAL, vmdev_regdev_irq_bind(self->dev, 0, 5, &o));
	o.type = VMDEV_IRQ_LEGACY;
	o.sz = 1;
	ASSERT_ERR(EINVAL, vmdev_regdev_irq_bind(self->dev, 0, 5, &o));
	/* The group's own errors: here a GSI taken by another group. */
	ASSERT_EQ(0, vmdev_regdev_irq_bind(self->dev, 0, 5, NULL));
	ASSERT_ERR(EBUSY, vmdev_regdev_irq_bind(self->dev, 1, 5, NULL));
	ASSERT_ERR(EBUSY, vmdev_regdev_irq_bind(self->dev, 0, 6, NULL));
	ASSERT_EQ(0, vmdev_regdev_irq_unbind(self->dev, 0));
	o.sz = sizeof(o);
	o.type = VMDEV_IRQ_MSI;
	ASSERT_EQ(0, vmdev_regdev_irq_bind(self->dev, 0, 40, &o));
	ASSERT_ERR(EINVAL, vmdev_regdev_irq_unbind(NULL, 0));
	ASSERT_ERR(ENOENT, vmdev_regdev_irq_unbind(self->dev, 2));
	ASSERT_ERR(ENOENT, vmdev_regdev_irq_unbind(self->dev, 1));
	EXPECT_EQ(NULL, vmdev_regdev_irq_group(NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(NULL, vmdev_regdev_irq_group(self->dev, 2));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(NULL, vmdev_regdev_irq_group(self->dev, 1));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_NE(NULL, vmdev_regdev_irq_group(self->dev, 0));
}

/* A context without an interrupt manager binds no line. */
TEST_F(api, irq_without_manager)
{
	VMDEV_OPTS(vmdev_vm_opts, copts, .mode = variant->mode);
	struct vmdev_regdev_opts o = opts_of(&map);
	struct vmdev_resources *none;
	struct vmdev_regdev *rd;
	struct vmdev_vm *bare;

	E2E_REQUIRE(&self->e);
	ASSERT_EQ(0, vmdev_vm_new(self->e.vm.vm_fd, &copts, &bare));
	ASSERT_EQ(0, vmdev_resources_new(&none));
	ASSERT_EQ(0, vmdev_regdev_new(bare, none, &o, &rd));
	vmdev_resources_free(none);
	vmdev_vm_free(bare);	/* the device keeps it */
	ASSERT_ERR(ENXIO, vmdev_regdev_irq_bind(rd, 0, 5, NULL));
	EXPECT_EQ(0x11U, e2e_reg(rd, RW));
	vmdev_regdev_free(rd);
}

TEST_F(api, doorbell_errors)
{
	VMDEV_OPTS(vmdev_doorbell_opts, o, .space = VMDEV_PIO, .addr = 0x7000,
		   .len = 2, .reg = BELL, .value = 3);
	struct vmdev_doorbell_opts b;

	E2E_REQUIRE(&self->e);
	ASSERT_ERR(EINVAL, vmdev_regdev_doorbell_add(NULL, &o));
	ASSERT_ERR(EINVAL, vmdev_regdev_doorbell_add(self->dev, NULL));
#define BAD(field, v, err)						\
	do {								\
		b = o;							\
		b.field = (v);						\
		ASSERT_ERR(err, vmdev_regdev_doorbell_add(self->dev, &b)); \
	} while (0)
	BAD(sz, offsetof(struct vmdev_doorbell_opts, value), EINVAL);
	BAD(space, 2, EINVAL);
	BAD(len, 0, EINVAL);
	BAD(len, 3, EINVAL);
	BAD(len, 16, EINVAL);
	BAD(len, 8, EINVAL);			/* PIO: 4 at most */
	BAD(addr, 0xffff, EINVAL);		/* past the port space */
	BAD(flags, 2, EINVAL);
	BAD(reg, NR_REGS, ENOENT);
	BAD(reg, HIDDEN, EINVAL);
	BAD(reg, NOWRITE, EINVAL);
	BAD(reg, TRAP, EINVAL);
	BAD(value, 0x10000, EINVAL);		/* wider than BELL */
	BAD(datamatch, 1, EINVAL);		/* without DATAMATCH */
	b = o;
	b.flags = VMDEV_DOORBELL_F_DATAMATCH;
	b.value = 0;
	b.datamatch = 0x10000;			/* wider than len */
	ASSERT_ERR(EINVAL, vmdev_regdev_doorbell_add(self->dev, &b));
	b.datamatch = 5;
	b.value = 5;				/* value with DATAMATCH */
	ASSERT_ERR(EINVAL, vmdev_regdev_doorbell_add(self->dev, &b));
	b.value = 0;
	ASSERT_EQ(0, vmdev_regdev_doorbell_add(self->dev, &b));
	ASSERT_ERR(EEXIST, vmdev_regdev_doorbell_add(self->dev, &b));
	/* As KVM's: an MMIO range may not end at 2^64 (nor wrap). */
	b.space = VMDEV_MMIO;
	b.addr = ~0ULL - 1;
	b.len = 4;
	ASSERT_ERR(EINVAL, vmdev_regdev_doorbell_add(self->dev, &b));
	b.len = 2;
	ASSERT_ERR(EINVAL, vmdev_regdev_doorbell_add(self->dev, &b));
	b.addr = ~0ULL - 2;
	ASSERT_EQ(0, vmdev_regdev_doorbell_add(self->dev, &b));
	ASSERT_EQ(0, vmdev_regdev_doorbell_remove(self->dev, &b));
	ASSERT_ERR(ENOENT, vmdev_regdev_doorbell_remove(self->dev, &b));
	ASSERT_ERR(EINVAL, vmdev_regdev_doorbell_remove(NULL, &b));
#undef BAD
}

TEST_F(api, notify_errors)
{
	int efd, pipefd[2];

	E2E_REQUIRE(&self->e);
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, pipe(pipefd));
	ASSERT_ERR(EINVAL, vmdev_regdev_notify_bind(NULL, BELL, efd));
	ASSERT_ERR(ENOENT, vmdev_regdev_notify_bind(self->dev, NR_REGS, efd));
	ASSERT_ERR(EINVAL, vmdev_regdev_notify_bind(self->dev, RW, efd));
	ASSERT_ERR(EBADF, vmdev_regdev_notify_bind(self->dev, BELL, -1));
	ASSERT_ERR(EBADF, vmdev_regdev_notify_bind(self->dev, BELL, 1000));
	ASSERT_ERR(EINVAL, vmdev_regdev_notify_bind(self->dev, BELL,
						    pipefd[1]));
	ASSERT_ERR(ENOENT, vmdev_regdev_notify_unbind(self->dev, BELL));
	ASSERT_EQ(0, vmdev_regdev_notify_bind(self->dev, BELL, efd));
	ASSERT_ERR(EBUSY, vmdev_regdev_notify_bind(self->dev, BELL, efd));
	/* The library holds its own copy: the caller's may go. */
	close(efd);
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_EQ(0, vmdev_regdev_notify_unbind(self->dev, BELL));
	ASSERT_ERR(EINVAL, vmdev_regdev_notify_unbind(NULL, BELL));
	ASSERT_EQ(0, vmdev_regdev_notify_bind(self->dev, BELL, efd));
	/* A ring from the guest side (through the I/O manager). */
	ASSERT_EQ(0, vmdev_io_write(self->e.io, VMDEV_PIO,
				    BASE + regs[BELL].offset, "\x01\x00", 2));
	EXPECT_EQ(0, eventfd_read(efd, &(eventfd_t){ 0 }));
	close(efd);
	close(pipefd[0]);
	close(pipefd[1]);
}

/* ---- vCPUs --------------------------------------------------------------- */

TEST_F(api, vcpu_errors)
{
	VMDEV_OPTS(vmdev_vcpu_opts, o);
	VMDEV_OPTS(vmdev_vcpu_unhandled, why);
	VMDEV_OPTS(vmdev_vcpu_stats, st);
	struct vmdev_vcpu *v;
	struct minivm *m = &self->e.vm;
	void *page;

	E2E_REQUIRE(&self->e);
	ASSERT_ERR(EINVAL, vmdev_vcpu_new(NULL, m->vcpu_fd, m->run,
					  m->run_size, NULL, &v));
	ASSERT_ERR(EINVAL, vmdev_vcpu_new(self->e.ctx, m->vcpu_fd, NULL,
					  m->run_size, NULL, &v));
	ASSERT_ERR(EINVAL, vmdev_vcpu_new(self->e.ctx, m->vcpu_fd, m->run,
					  m->run_size, NULL, NULL));
	ASSERT_ERR(EINVAL, vmdev_vcpu_new(self->e.ctx, m->vcpu_fd, m->run,
					  sizeof(struct kvm_run) - 1, NULL,
					  &v));
	o.sz = 1;
	ASSERT_ERR(EINVAL, vmdev_vcpu_new(self->e.ctx, m->vcpu_fd, m->run,
					  m->run_size, &o, &v));
	ASSERT_ERR(EBADF, vmdev_vcpu_new(self->e.ctx, -1, m->run, m->run_size,
					 NULL, &v));
	ASSERT_ERR(EBADF, vmdev_vcpu_new(self->e.ctx, 1000, m->run,
					 m->run_size, NULL, &v));
	ASSERT_ERR(ENOTTY, vmdev_vcpu_new(self->e.ctx, m->vm_fd, m->run,
					  m->run_size, NULL, &v));
	/* Not the vCPU's kvm_run mapping, or larger than it. */
	page = mmap(NULL, m->run_size, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	ASSERT_ERR(EINVAL, vmdev_vcpu_new(self->e.ctx, m->vcpu_fd, page,
					  m->run_size, NULL, &v));
	munmap(page, m->run_size);
	ASSERT_ERR(EINVAL, vmdev_vcpu_new(self->e.ctx, m->vcpu_fd,
					  (void *)((char *)m->run + 1),
					  m->run_size - 1, NULL, &v));
	ASSERT_ERR(EINVAL, vmdev_vcpu_new(self->e.ctx, m->vcpu_fd, m->run,
					  m->run_size + 4096, NULL, &v));

	ASSERT_ERR(EINVAL, vmdev_vcpu_run(NULL));
	ASSERT_ERR(EINVAL, vmdev_vcpu_unhandled(NULL, &why));
	ASSERT_ERR(EINVAL, vmdev_vcpu_unhandled(self->e.vcpu, NULL));
	ASSERT_ERR(ENODATA, vmdev_vcpu_unhandled(self->e.vcpu, &why));
	ASSERT_ERR(EINVAL, vmdev_vcpu_stats(NULL, &st));
	st.sz = 0;
	ASSERT_ERR(EINVAL, vmdev_vcpu_stats(self->e.vcpu, &st));
	vmdev_vcpu_free(NULL);
}

/* What the run call returns: the guest's result, then its other exits. */
static struct guest_probe_params *probe(FIXTURE_DATA(api) *self, uint32_t op)
{
	struct guest_probe_params *p;

	if (minivm_load(&self->e.vm, GUEST_IMAGE(probe), MINIVM_PROT32))
		return NULL;
	p = minivm_gpa(&self->e.vm, GUEST_PARAM_ADDR, sizeof(*p));
	*p = (struct guest_probe_params){ .op = op };
	return p;
}

TEST_F(api, run_results)
{
	VMDEV_OPTS(vmdev_vcpu_unhandled, why);
	struct guest_probe_params *p;
	struct kvm_run *run = self->e.vm.run;

	E2E_REQUIRE(&self->e);
	/* Through a register device, then the exit port: UNHANDLED. */
	p = probe(self, GUEST_PROBE_IN);
	ASSERT_NE(NULL, p);
	p->port = BASE;
	E2E_RUN_EXPECT(&self->e, 0x11);
	ASSERT_EQ(0, vmdev_vcpu_unhandled(self->e.vcpu, &why));
	EXPECT_EQ(-ENOENT, why.error);

	/* Without an irqchip a halt is an exit for the VMM. */
	ASSERT_NE(NULL, probe(self, GUEST_PROBE_HALT));
	ASSERT_EQ(VMDEV_VCPU_EXIT, vmdev_vcpu_run(self->e.vcpu));
	EXPECT_EQ((uint32_t)KVM_EXIT_HLT, run->exit_reason);
	ASSERT_ERR(ENODATA, vmdev_vcpu_unhandled(self->e.vcpu, &why));

	/* So is an exception KVM cannot deliver (a triple fault). */
	ASSERT_NE(NULL, probe(self, GUEST_PROBE_SHUTDOWN));
	ASSERT_EQ(VMDEV_VCPU_EXIT, vmdev_vcpu_run(self->e.vcpu));
	EXPECT_TRUE(run->exit_reason == KVM_EXIT_SHUTDOWN ||
		    run->exit_reason == KVM_EXIT_INTERNAL_ERROR) {
		TH_LOG("exit %s", minivm_exit_name(run->exit_reason));
	}
}

/*
 * immediate_exit: the run returns -EINTR before entering, the completion
 * of the last exit applied first, as KVM_RUN itself does.
 */
TEST_F(api, immediate_exit)
{
	struct guest_probe_params *p;
	uint64_t before;

	E2E_REQUIRE(&self->e);
	p = probe(self, GUEST_PROBE_IN);
	ASSERT_NE(NULL, p);
	p->port = BASE;
	ASSERT_EQ(0, vmdev_regdev_reg_write(self->dev, RW, 0x77));
	self->e.vm.run->immediate_exit = 1;
	before = e2e_vcpu_stats(&self->e).runs;
	ASSERT_ERR(EINTR, vmdev_vcpu_run(self->e.vcpu));
	EXPECT_EQ(before + 1, e2e_vcpu_stats(&self->e).runs);
	self->e.vm.run->immediate_exit = 0;
	E2E_RUN_EXPECT(&self->e, 0x77);
}

/* A signal ends a guest halted in the in-kernel irqchip: -EINTR. */
TEST(signal_in_halt)
{
	struct e2e_opts o = {
		.mode = VMDEV_VM_USER, .irqchip = true,
		.image = GUEST_IMAGE(probe), .cpu_mode = MINIVM_PROT32,
	};
	enum vmdev_vm_mode modes[] = { VMDEV_VM_USER, VMDEV_VM_KERNEL };
	struct guest_probe_params *p;
	timer_t timer;
	unsigned int i;
	struct e2e e;
	int ret;

	for (i = 0; i < 2; i++) {
		o.mode = modes[i];
		ret = e2e_init(&e, &o);
		if (ret > 0) {
			e2e_fini(&e);
			continue;
		}
		ASSERT_EQ(0, ret);
		p = minivm_gpa(&e.vm, GUEST_PARAM_ADDR, sizeof(*p));
		p->op = GUEST_PROBE_HALT;
		ASSERT_EQ(0, e2e_arm(&e, &timer, 200));
		ret = vmdev_vcpu_run(e.vcpu);
		EXPECT_EQ(-EINTR, ret) {
			TH_LOG("mode %u: %d", modes[i], ret);
		}
		EXPECT_EQ(1, e.vm.run->immediate_exit);
		e2e_disarm(&e, timer);
		e2e_fini(&e);
	}
}

TEST_HARNESS_MAIN
