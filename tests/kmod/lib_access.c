// SPDX-License-Identifier: GPL-2.0
/*
 * libvmdev end to end: single guest accesses of every size and direction
 * (the access guest, long mode) against a register device declared
 * through the library and run through vmdev_vcpu_run(), in kernel and
 * user mode: every register behaviour, the slow path (trap registers)
 * through the device's callbacks, holes, accesses nobody handles, a
 * userspace device of the I/O manager next to the register device, and
 * where each exit was completed (kernel or userspace). The last test runs
 * one table in both modes and compares everything the guest and the VMM
 * see.
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib_e2e.h"

GUEST_IMAGE_DECLARE(access);

#define PIO_BASE	0x6000
#define MMIO_BASE	0xd0000000ULL
#define USER_PIO	0x6100		/* the VMM's userspace device */
#define USER_MMIO	0xd0001000ULL
#define PATTERN		0xa1b2c3d4e5f60718ULL
#define TRAP_VALUE	0x5a6b7c8d9eafb0c1ULL
#define USER_VALUE	0x0123456789abcdefULL
#define UNCLAIMED_VALUE	0x1122334455667788ULL
#define MASK_BITS	0x0ff00ff00ff00ff0ULL
#define RO_VALUE	0xfedcba9876543210ULL
#define PARTIAL_RESET	0x0706050403020100ULL
#define HOLE		0x38
#define WINDOW		0x40
/* Ranges are longer than the window: past it, accesses are holes. */
#define RANGE		0x80

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

static uint64_t slice(uint64_t v, uint32_t k, uint32_t width)
{
	return (v >> (8 * k * width)) & mask(width);
}

static int exact_reg(uint32_t w)
{
	return w == 1 ? R8 : w == 2 ? R16 : w == 4 ? R32 : R64;
}

static int trap_reg(uint32_t w)
{
	return w == 1 ? T1 : w == 2 ? T2 : w == 4 ? T4 : T8;
}

static int misfit_reg(uint32_t w)
{
	return w == 1 ? R16 : w == 2 ? R32 : w == 4 ? R64 : R32;
}

/* What reached the VMM: the slow path and the userspace device. */
#define LOG_MAX		8

/* No implicit padding: outcomes are compared with memcmp(). */
struct io_rec {
	uint64_t base;
	uint64_t offset;
	uint64_t value;
	uint32_t len;
	uint8_t space;
	uint8_t write;
	uint16_t pad;
};

struct io_log {
	uint32_t n;
	uint32_t pad;
	struct io_rec rec[LOG_MAX];
};

static int log_io(struct io_log *log, enum vmdev_space space, uint64_t base,
		  uint64_t offset, void *data, size_t len, bool write,
		  uint64_t answer)
{
	struct io_rec r = {
		.space = space, .write = write, .base = base,
		.offset = offset, .len = (uint32_t)len,
	};

	if (log->n == LOG_MAX)
		return -ENOSPC;
	if (write)
		memcpy(&r.value, data, len);
	else
		memcpy(data, &answer, len);
	log->rec[log->n++] = r;
	return 0;
}

static int trap_read(void *opaque, enum vmdev_space space, uint64_t base,
		     uint64_t offset, void *data, size_t len)
{
	return log_io(opaque, space, base, offset, data, len, false,
		      TRAP_VALUE);
}

static int trap_write(void *opaque, enum vmdev_space space, uint64_t base,
		      uint64_t offset, const void *data, size_t len)
{
	return log_io(opaque, space, base, offset, (void *)data, len, true, 0);
}

static int user_read(void *opaque, enum vmdev_space space, uint64_t base,
		     uint64_t offset, void *data, size_t len)
{
	return log_io(opaque, space, base, offset, data, len, false,
		      USER_VALUE);
}

static int user_write(void *opaque, enum vmdev_space space, uint64_t base,
		      uint64_t offset, const void *data, size_t len)
{
	return log_io(opaque, space, base, offset, (void *)data, len, true, 0);
}

/* Accesses nobody handles: reads get UNCLAIMED_VALUE, writes are logged. */
static int unclaimed(struct e2e *e, void *opaque)
{
	VMDEV_OPTS(vmdev_vcpu_unhandled, why);
	struct io_log *log = opaque;
	struct e2e_io io;
	uint64_t v = UNCLAIMED_VALUE;

	if (vmdev_vcpu_unhandled(e->vcpu, &why) || why.error != -ENOENT)
		return -EPROTO;
	e2e_io_of(e, &io);
	return log_io(log, io.space, io.addr, 0, io.data, io.len, io.write, v);
}

/* The guest's table of accesses on one device. */
struct table {
	struct guest_access_params *p;
	uint8_t space;
	uint64_t base;
};

static void add(struct table *t, uint32_t width, bool write, uint64_t addr,
		uint64_t value, bool check)
{
	t->p->ops[t->p->nr_ops++] = (struct guest_access_op){
		.space = t->space, .size = width, .write = write,
		.check = check, .addr = addr, .value = value & mask(width),
	};
}

static void rd(struct table *t, uint32_t width, uint32_t off, uint64_t expect)
{
	add(t, width, false, t->base + off, expect, true);
}

static void wr(struct table *t, uint32_t width, uint32_t off, uint64_t value)
{
	add(t, width, true, t->base + off, value, false);
}

/*
 * The whole behaviour at one width: exact register, write mask, read-only,
 * partial accesses, a trap register (slow path, both directions), a hole,
 * a misfit, an access running past the window. Returns the expected
 * final value of PARTIAL.
 */
static uint64_t every_behaviour(struct table *t, uint32_t w)
{
	uint32_t k, n = 8 / w;
	uint64_t merged = PARTIAL_RESET;

	rd(t, w, regs[exact_reg(w)].offset, regs[exact_reg(w)].reset);
	wr(t, w, regs[exact_reg(w)].offset, PATTERN);
	rd(t, w, regs[exact_reg(w)].offset, PATTERN);
	for (k = 0; k < n; k++)
		wr(t, w, regs[MASKED].offset + k * w, slice(PATTERN, k, w));
	for (k = 0; k < n; k++)
		rd(t, w, regs[MASKED].offset + k * w,
		   slice(PATTERN & MASK_BITS, k, w));
	wr(t, w, regs[RO].offset, PATTERN);
	for (k = 0; k < n; k++)
		rd(t, w, regs[RO].offset + k * w, slice(RO_VALUE, k, w));
	wr(t, w, regs[PARTIAL].offset + (n - 1) * w, PATTERN);
	merged &= ~(mask(w) << (8 * (n - 1) * w));
	merged |= (PATTERN & mask(w)) << (8 * (n - 1) * w);
	for (k = 0; k < n; k++)
		rd(t, w, regs[PARTIAL].offset + k * w, slice(merged, k, w));
	wr(t, w, regs[trap_reg(w)].offset, PATTERN);
	rd(t, w, regs[trap_reg(w)].offset, TRAP_VALUE);
	rd(t, w, HOLE, ~0ULL);
	wr(t, w, HOLE, PATTERN);
	rd(t, w, regs[misfit_reg(w)].offset, ~0ULL);
	wr(t, w, regs[misfit_reg(w)].offset, PATTERN);
	if (w > 1)
		rd(t, w, WINDOW - w / 2, ~0ULL);
	return merged;
}

/* Everything a test of this file works with. */
struct env {
	struct e2e e;
	struct io_log trap, user;
	struct vmdev_regdev *dev;
	struct vmdev_device *udev;
	struct vmdev_resources *ures;
	struct guest_access_params *p;
	struct table t;
};

/*
 * The register device at PIO_BASE or MMIO_BASE, a userspace device of
 * the VMM at USER_PIO or USER_MMIO, the access guest.
 */
static void env_setup(struct __test_metadata *_metadata, struct env *v,
		      enum vmdev_vm_mode mode, uint8_t space)
{
	struct e2e_opts o = {
		.mode = mode, .image = GUEST_IMAGE(access),
		.cpu_mode = MINIVM_LONG64,
	};
	VMDEV_OPTS(vmdev_device_opts, uo, .read = user_read,
		   .write = user_write, .opaque = &v->user);
	bool pio = space == VMDEV_SPACE_PIO;

	memset(&v->trap, 0, sizeof(v->trap));
	memset(&v->user, 0, sizeof(v->user));
	v->dev = NULL;
	v->udev = NULL;
	v->ures = NULL;
	E2E_SETUP(&v->e, &o);
	ASSERT_EQ(0, e2e_regdev(&v->e, &map, space, pio ? PIO_BASE : MMIO_BASE,
				RANGE, trap_read, trap_write, &v->trap,
				&v->dev));
	ASSERT_EQ(0, vmdev_device_new(&uo, &v->udev));
	v->ures = e2e_ranges(space, pio ? USER_PIO : USER_MMIO, 8);
	ASSERT_NE(NULL, v->ures);
	ASSERT_EQ(1, vmdev_io_register(v->e.io, v->udev, v->ures));
	v->p = minivm_gpa(&v->e.vm, GUEST_PARAM_ADDR, GUEST_PARAM_SIZE);
	v->t = (struct table){
		.p = v->p, .space = space, .base = pio ? PIO_BASE : MMIO_BASE,
	};
	v->e.unhandled = unclaimed;
	v->e.unhandled_opaque = &v->user;
}

static void env_teardown(struct __test_metadata *_metadata, struct env *v)
{
	vmdev_regdev_free(v->dev);
	if (v->ures && v->e.io)
		vmdev_io_unregister(v->e.io, v->ures);
	vmdev_resources_free(v->ures);
	vmdev_device_put(v->udev);
	E2E_FINI(&v->e);
}

/* ---- Every register behaviour, at every width ---------------------------- */

FIXTURE(access) {
	struct env v;
};

FIXTURE_VARIANT(access) {
	enum vmdev_vm_mode mode;
	uint8_t space;
	uint32_t width;
};

#define ACCESS_VARIANT(m, name, sp, w)					\
	FIXTURE_VARIANT_ADD(access, m##_##name) {			\
		.mode = VMDEV_VM_##m, .space = VMDEV_SPACE_##sp,	\
		.width = (w),						\
	}

ACCESS_VARIANT(USER, pio1, PIO, 1);
ACCESS_VARIANT(USER, pio2, PIO, 2);
ACCESS_VARIANT(USER, pio4, PIO, 4);
ACCESS_VARIANT(USER, mmio1, MMIO, 1);
ACCESS_VARIANT(USER, mmio2, MMIO, 2);
ACCESS_VARIANT(USER, mmio4, MMIO, 4);
ACCESS_VARIANT(USER, mmio8, MMIO, 8);
ACCESS_VARIANT(KERNEL, pio1, PIO, 1);
ACCESS_VARIANT(KERNEL, pio2, PIO, 2);
ACCESS_VARIANT(KERNEL, pio4, PIO, 4);
ACCESS_VARIANT(KERNEL, mmio1, MMIO, 1);
ACCESS_VARIANT(KERNEL, mmio2, MMIO, 2);
ACCESS_VARIANT(KERNEL, mmio4, MMIO, 4);
ACCESS_VARIANT(KERNEL, mmio8, MMIO, 8);

FIXTURE_SETUP(access)
{
	env_setup(_metadata, &self->v, variant->mode, variant->space);
}

FIXTURE_TEARDOWN(access)
{
	env_teardown(_metadata, &self->v);
}

TEST_F(access, every_behaviour)
{
	uint32_t w = variant->width, i;
	struct vmdev_regdev_stats st;
	struct vmdev_vcpu_stats vs;
	struct guest_access_params *p = self->v.p;
	uint64_t merged;

	E2E_REQUIRE(&self->v.e);
	merged = every_behaviour(&self->v.t, w);
	E2E_RUN_EXPECT(&self->v.e, GUEST_PASS);
	ASSERT_EQ(self->v.p->nr_ops, self->v.p->done);
	for (i = 0; i < self->v.p->nr_ops; i++)
		if (!self->v.p->ops[i].write)
			EXPECT_EQ(p->ops[i].value, p->ops[i].got);

	/* The device state the guest left, read through the library. */
	EXPECT_EQ(PATTERN & mask(w), e2e_reg(self->v.dev, exact_reg(w)));
	EXPECT_EQ(PATTERN & MASK_BITS, e2e_reg(self->v.dev, MASKED));
	EXPECT_EQ(RO_VALUE, e2e_reg(self->v.dev, RO));
	EXPECT_EQ(merged, e2e_reg(self->v.dev, PARTIAL));
	EXPECT_EQ(regs[misfit_reg(w)].reset,
		  e2e_reg(self->v.dev, misfit_reg(w)));

	/* The trap register's two accesses, and only they, were slow. */
	ASSERT_EQ(2U, self->v.trap.n);
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(variant->space, self->v.trap.rec[i].space);
		EXPECT_EQ(self->v.t.base, self->v.trap.rec[i].base);
		EXPECT_EQ(regs[trap_reg(w)].offset, self->v.trap.rec[i].offset);
		EXPECT_EQ(w, self->v.trap.rec[i].len);
	}
	EXPECT_TRUE(self->v.trap.rec[0].write);
	EXPECT_EQ(PATTERN & mask(w), self->v.trap.rec[0].value);
	EXPECT_FALSE(self->v.trap.rec[1].write);
	st = e2e_stats(self->v.dev);
	EXPECT_EQ(self->v.p->nr_ops - 2, st.fast);
	EXPECT_EQ(2U, st.slow);
	EXPECT_EQ(0U, self->v.e.nr_unhandled);

	/*
	 * Where the exits were completed: in kernel mode only the two slow
	 * ones reached userspace; in user mode all of them did.
	 */
	vs = e2e_vcpu_stats(&self->v.e);
	if (variant->mode == VMDEV_VM_KERNEL) {
		EXPECT_EQ(self->v.p->nr_ops - 2, vs.kernel_exits);
		EXPECT_EQ(2U, vs.user_exits);
	} else {
		EXPECT_EQ(0U, vs.kernel_exits);
		EXPECT_EQ(self->v.p->nr_ops, vs.user_exits);
	}
	EXPECT_EQ(1U, vs.returns);	/* the exit port */
}

/* ---- Where accesses go besides the device: one width per bus ------------- */

FIXTURE(paths) {
	struct env v;
};

FIXTURE_VARIANT(paths) {
	enum vmdev_vm_mode mode;
	uint8_t space;
	uint32_t width;
};

FIXTURE_VARIANT_ADD(paths, user_pio) {
	.mode = VMDEV_VM_USER, .space = VMDEV_SPACE_PIO, .width = 4,
};

FIXTURE_VARIANT_ADD(paths, user_mmio) {
	.mode = VMDEV_VM_USER, .space = VMDEV_SPACE_MMIO, .width = 8,
};

FIXTURE_VARIANT_ADD(paths, kernel_pio) {
	.mode = VMDEV_VM_KERNEL, .space = VMDEV_SPACE_PIO, .width = 4,
};

FIXTURE_VARIANT_ADD(paths, kernel_mmio) {
	.mode = VMDEV_VM_KERNEL, .space = VMDEV_SPACE_MMIO, .width = 8,
};

FIXTURE_SETUP(paths)
{
	env_setup(_metadata, &self->v, variant->mode, variant->space);
}

FIXTURE_TEARDOWN(paths)
{
	env_teardown(_metadata, &self->v);
}

/*
 * A userspace device of the I/O manager next to the register device: its
 * accesses go to its callbacks and the guest is resumed.
 */
TEST_F(paths, userspace_device)
{
	uint32_t w = variant->width;
	bool pio = self->v.t.space == VMDEV_SPACE_PIO;
	uint64_t ubase = pio ? USER_PIO : USER_MMIO;
	struct vmdev_vcpu_stats vs;

	E2E_REQUIRE(&self->v.e);
	add(&self->v.t, w, true, ubase, PATTERN, false);
	add(&self->v.t, w, false, ubase + 8 - w, USER_VALUE, true);
	rd(&self->v.t, w, regs[exact_reg(w)].offset, regs[exact_reg(w)].reset);
	E2E_RUN_EXPECT(&self->v.e, GUEST_PASS);
	ASSERT_EQ(2U, self->v.user.n);
	EXPECT_TRUE(self->v.user.rec[0].write);
	EXPECT_EQ(ubase, self->v.user.rec[0].base);
	EXPECT_EQ(0U, self->v.user.rec[0].offset);
	EXPECT_EQ(PATTERN & mask(w), self->v.user.rec[0].value);
	EXPECT_FALSE(self->v.user.rec[1].write);
	EXPECT_EQ(8 - w, self->v.user.rec[1].offset);
	vs = e2e_vcpu_stats(&self->v.e);
	if (variant->mode == VMDEV_VM_KERNEL) {
		EXPECT_EQ(2U, vs.user_exits);
		EXPECT_EQ(1U, vs.kernel_exits);
	} else {
		EXPECT_EQ(3U, vs.user_exits);
		EXPECT_EQ(0U, vs.kernel_exits);
	}
	EXPECT_EQ(1U, e2e_stats(self->v.dev).fast);
}

/*
 * Accesses no device takes return to the VMM with the exit intact
 * (VMDEV_VCPU_UNHANDLED, -ENOENT); the VMM completes them and the guest
 * reads what it answered.
 */
TEST_F(paths, unclaimed)
{
	uint32_t w = variant->width;
	uint64_t nowhere = self->v.t.base + 0x200;

	E2E_REQUIRE(&self->v.e);
	add(&self->v.t, w, true, nowhere, PATTERN, false);
	add(&self->v.t, w, false, nowhere, UNCLAIMED_VALUE, true);
	E2E_RUN_EXPECT(&self->v.e, GUEST_PASS);
	EXPECT_EQ(2U, self->v.e.nr_unhandled);
	ASSERT_EQ(2U, self->v.user.n);
	EXPECT_TRUE(self->v.user.rec[0].write);
	EXPECT_EQ(nowhere, self->v.user.rec[0].base);
	EXPECT_EQ(PATTERN & mask(w), self->v.user.rec[0].value);
	EXPECT_FALSE(self->v.user.rec[1].write);
	EXPECT_EQ(0U, e2e_stats(self->v.dev).fast);
	EXPECT_EQ(3U, e2e_vcpu_stats(&self->v.e).returns);
}

/* Without slow-path callbacks, a trap access is returned to the VMM. */
TEST_F(paths, no_slow_callbacks)
{
	VMDEV_OPTS(vmdev_vcpu_unhandled, why);
	uint32_t w = variant->width;
	uint64_t base = self->v.t.base + 0x400;
	struct vmdev_regdev *bare;
	struct e2e_io io;

	E2E_REQUIRE(&self->v.e);
	ASSERT_EQ(0, e2e_regdev(&self->v.e, &map, variant->space, base, RANGE,
				NULL, NULL, NULL, &bare));
	add(&self->v.t, w, false, base + regs[trap_reg(w)].offset, 0, false);
	self->v.e.unhandled = NULL;
	ASSERT_EQ(-ENXIO, e2e_run(&self->v.e));
	ASSERT_EQ(0, vmdev_vcpu_unhandled(self->v.e.vcpu, &why));
	EXPECT_EQ(-EOPNOTSUPP, why.error);
	EXPECT_EQ(0U, why.done);
	e2e_io_of(&self->v.e, &io);
	EXPECT_EQ(base + regs[trap_reg(w)].offset, io.addr);
	EXPECT_FALSE(io.write);
	EXPECT_EQ(w, io.len);
	EXPECT_EQ(0U, self->v.p->done);
	EXPECT_EQ(1U, e2e_stats(bare).slow);
	vmdev_regdev_free(bare);
}

/* ---- Both modes, one table, everything compared -------------------------- */

struct outcome {
	uint32_t result;
	uint32_t pad;
	struct guest_access_op ops[64];
	uint64_t regs[NR_REGS];
	struct io_log trap;
	uint64_t fast, slow;
};

static void run_mode(struct __test_metadata *_metadata, enum vmdev_vm_mode mode,
		     uint32_t w, uint8_t space, struct outcome *out)
{
	struct e2e_opts o = {
		.mode = mode, .image = GUEST_IMAGE(access),
		.cpu_mode = MINIVM_LONG64,
	};
	struct vmdev_regdev_stats st;
	struct vmdev_regdev *dev;
	struct table t;
	struct e2e e;
	uint32_t i;

	memset(out, 0, sizeof(*out));
	ASSERT_EQ(0, e2e_init(&e, &o));
	t = (struct table){
		.p = minivm_gpa(&e.vm, GUEST_PARAM_ADDR, GUEST_PARAM_SIZE),
		.space = space,
		.base = space == VMDEV_SPACE_PIO ? PIO_BASE : MMIO_BASE,
	};
	ASSERT_EQ(0, e2e_regdev(&e, &map, space, t.base, RANGE, trap_read,
				trap_write, &out->trap, &dev));
	every_behaviour(&t, w);
	ASSERT_GE(64U, t.p->nr_ops);
	E2E_RUN_EXPECT(&e, GUEST_PASS);
	out->result = e.result;
	memcpy(out->ops, t.p->ops, t.p->nr_ops * sizeof(out->ops[0]));
	for (i = 0; i < NR_REGS; i++)
		vmdev_regdev_reg_read(dev, i, &out->regs[i]);
	st = e2e_stats(dev);
	out->fast = st.fast;
	out->slow = st.slow;
	vmdev_regdev_free(dev);
	e2e_fini(&e);
}

TEST(modes_agree)
{
	static const struct { uint8_t space; uint32_t w; } cases[] = {
		{ VMDEV_SPACE_PIO, 1 }, { VMDEV_SPACE_PIO, 2 },
		{ VMDEV_SPACE_PIO, 4 }, { VMDEV_SPACE_MMIO, 1 },
		{ VMDEV_SPACE_MMIO, 2 }, { VMDEV_SPACE_MMIO, 4 },
		{ VMDEV_SPACE_MMIO, 8 },
	};
	struct outcome user, kernel;
	unsigned int c;

	GUEST_REQUIRE_KVM(minivm_usable());
	if (access("/dev/vmdev", F_OK))
		SKIP(return, "kernel mode needs vmdev.ko (/dev/vmdev absent)");
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		run_mode(_metadata, VMDEV_VM_USER, cases[c].w, cases[c].space,
			 &user);
		run_mode(_metadata, VMDEV_VM_KERNEL, cases[c].w,
			 cases[c].space, &kernel);
		EXPECT_EQ(0, memcmp(&user, &kernel, sizeof(user))) {
			TH_LOG("space %u width %u: the modes differ",
			       cases[c].space, cases[c].w);
		}
		EXPECT_EQ(2U, user.slow);
	}
}

TEST_HARNESS_MAIN
