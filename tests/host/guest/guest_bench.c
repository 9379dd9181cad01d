// SPDX-License-Identifier: GPL-2.0
/*
 * The bench guest (tests/guest/bench.S, long mode), the one the fast-path
 * benchmark measures, run on /dev/kvm against register devices of the
 * shared core emulated in userspace: every loop (PIO 1, 2, 4 and MMIO 1,
 * 2, 4, 8 bytes, read and write) makes exactly BENCH_COUNT accesses of
 * the right address, size and value, writes store BENCH_VALUE, reads
 * that return another value are counted, and every parameter out of
 * range is refused before the first access. A benchmark figure is only
 * worth something if the loop it times does what it says.
 */
#include <errno.h>
#include <string.h>
#include <linux/vmdev.h>

#include "kselftest_harness.h"
#include "guest_test.h"
#include "rdevbus.h"

GUEST_IMAGE_DECLARE(bench);

#define PIO_BASE	0x6100
#define MMIO_BASE	0xd0000000ULL
#define WINDOW		0x10
#define COUNT		50U
/* Every byte differs between the two, so a partial store shows. */
#define VALUE		0x8899aabbccddeeffULL
#define RESET		0x0123456789abcdefULL
/* The mismatch test returns a wrong value on every CORRUPT_EVERY-th read. */
#define CORRUPT_EVERY	7U
/* A value of MISMATCHES the guest must overwrite. */
#define UNTOUCHED	0xdeadbeefU

/* One RW register per size, same map on both buses. Index: log2(size). */
enum { R8, R16, R32, R64, NR_REGS };

#define WIDTH_MASK(w)	((w) == 8 ? ~0ULL : (1ULL << (8 * (w))) - 1)

#define REG(off, w) {							\
	.offset = (off), .width = (w), .type = VMDEV_REG_RW,		\
	.reset = RESET & WIDTH_MASK(w), .wmask = WIDTH_MASK(w),		\
	.sel_reg = VMDEV_SEL_NONE }

static const struct vmdev_reg regs[NR_REGS] = {
	[R8] = REG(0x0, 1),
	[R16] = REG(0x2, 2),
	[R32] = REG(0x4, 4),
	[R64] = REG(0x8, 8),
};

static const struct vmdev_rdev_desc map = {
	.dev_size = WINDOW,
	.nr_regs = NR_REGS,
	.regs = regs,
};

/* Base of the device per space, which is also its index on the bus. */
static const uint64_t base_of[2] = { PIO_BASE, MMIO_BASE };

static unsigned int reg_of(uint32_t size)
{
	return __builtin_ctz(size);
}

/*
 * The VMM's access handler: passes every access to the bus, logs it as
 * the bus completed it, then may corrupt a read on its way back to the
 * guest, so that the guest's compare has something to catch.
 */
struct tap {
	struct rdevbus *bus;
	uint64_t reply;			/* what the slow path reads return */
	unsigned int corrupt_every;	/* 0: no read corrupted */
	unsigned int n;
	struct minivm_io io[COUNT];
};

static int tap_io(void *opaque, struct minivm_io *io)
{
	struct tap *t = opaque;
	int ret;

	if (t->n == COUNT)
		return -ENOSPC;		/* more accesses than asked for */
	ret = rdevbus_io(t->bus, io);
	t->io[t->n++] = *io;
	if (!ret && !io->write && t->corrupt_every &&
	    t->n % t->corrupt_every == 0)
		io->data ^= 1ULL << (8 * io->len - 1);
	return ret;
}

/* Accesses no device claims (the edge cases of bench_param). */
static int tap_slow(void *opaque, int dev, struct minivm_io *io)
{
	struct tap *t = opaque;

	if (!io->write)
		io->data = t->reply;
	return 0;
}

/* Index of the first logged access other than want, or -1. */
static int first_wrong(const struct tap *t, const struct minivm_io *want)
{
	const struct minivm_io *io;
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		io = &t->io[i];
		if (io->addr != want->addr || io->len != want->len ||
		    io->space != want->space || io->write != want->write ||
		    io->data != want->data)
			return i;
	}
	return -1;
}

/* A VM with the guest loaded, a bus, a tap: what every fixture holds. */
struct rig {
	int kvm_err;
	struct minivm vm;
	struct rdevbus bus;
	struct tap tap;
	struct guest_bench_params *p;
};

static void rig_setup(struct __test_metadata *_metadata, struct rig *r)
{
	memset(&r->tap, 0, sizeof(r->tap));
	r->tap.bus = &r->bus;
	rdevbus_init(&r->bus, tap_slow, &r->tap);
	r->kvm_err = minivm_usable();
	if (r->kvm_err)
		return;
	ASSERT_EQ(0, minivm_create(&r->vm, NULL));
	ASSERT_EQ(0, minivm_load(&r->vm, GUEST_IMAGE(bench), MINIVM_LONG64));
	r->p = minivm_gpa(&r->vm, GUEST_PARAM_ADDR, sizeof(*r->p));
	ASSERT_NE(NULL, r->p);
}

/* The register device on both buses: PIO is device 0, MMIO device 1. */
static void rig_add_devices(struct __test_metadata *_metadata, struct rig *r)
{
	struct vmdev_rdev *dev;
	int i;

	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, vmdev_rdev_create(&map, &dev));
		ASSERT_EQ(i, rdevbus_add(&r->bus, dev, i ? VMDEV_SPACE_MMIO :
					 VMDEV_SPACE_PIO, base_of[i]));
	}
}

static void rig_teardown(struct rig *r)
{
	rdevbus_fini(&r->bus);
	if (!r->kvm_err)
		minivm_destroy(&r->vm);
}

static void set_params(struct rig *r, uint8_t space, uint32_t size,
		       uint32_t write, uint32_t count, uint64_t addr,
		       uint64_t value)
{
	*r->p = (struct guest_bench_params){
		.space = space, .size = size, .write = write, .count = count,
		.addr = addr, .value = value, .mismatches = UNTOUCHED,
	};
	r->tap.reply = value;
}

/* Exits the VMM completed, all in one space, one element each. */
static void check_exits(struct __test_metadata *_metadata,
			const struct minivm *vm, uint8_t space, uint32_t count)
{
	bool pio = space == VMDEV_SPACE_PIO;

	EXPECT_EQ(pio ? count : 0, vm->stats.pio_exits);
	EXPECT_EQ(pio ? count : 0, vm->stats.pio_elems);
	EXPECT_EQ(pio ? 0 : count, vm->stats.mmio_exits);
}

/* The loop's accesses, each once, all on the one register. */
static void check_log(struct __test_metadata *_metadata, const struct rig *r,
		      const struct minivm_io *want)
{
	int i;

	ASSERT_EQ(COUNT, r->tap.n);
	i = first_wrong(&r->tap, want);
	ASSERT_EQ(-1, i) {
		TH_LOG("access %d: %s %u bytes at %#llx, data %#llx", i,
		       r->tap.io[i].write ? "write" : "read",
		       r->tap.io[i].len,
		       (unsigned long long)r->tap.io[i].addr,
		       (unsigned long long)r->tap.io[i].data);
	}
}

static uint64_t reg_value(const struct rig *r, int dev, unsigned int reg)
{
	uint64_t v = ~0ULL;

	vmdev_rdev_reg_read(r->bus.devs[dev].rdev, reg, &v);
	return v;
}

/* ---- Every loop, against the device ------------------------------------ */

FIXTURE(bench) {
	struct rig rig;
};

FIXTURE_VARIANT(bench) {
	uint8_t space;
	uint32_t size;
	bool write;
};

FIXTURE_VARIANT_ADD(bench, pio_r1) {
	.space = VMDEV_SPACE_PIO, .size = 1, .write = false,
};

FIXTURE_VARIANT_ADD(bench, pio_r2) {
	.space = VMDEV_SPACE_PIO, .size = 2, .write = false,
};

FIXTURE_VARIANT_ADD(bench, pio_r4) {
	.space = VMDEV_SPACE_PIO, .size = 4, .write = false,
};

FIXTURE_VARIANT_ADD(bench, pio_w1) {
	.space = VMDEV_SPACE_PIO, .size = 1, .write = true,
};

FIXTURE_VARIANT_ADD(bench, pio_w2) {
	.space = VMDEV_SPACE_PIO, .size = 2, .write = true,
};

FIXTURE_VARIANT_ADD(bench, pio_w4) {
	.space = VMDEV_SPACE_PIO, .size = 4, .write = true,
};

FIXTURE_VARIANT_ADD(bench, mmio_r1) {
	.space = VMDEV_SPACE_MMIO, .size = 1, .write = false,
};

FIXTURE_VARIANT_ADD(bench, mmio_r2) {
	.space = VMDEV_SPACE_MMIO, .size = 2, .write = false,
};

FIXTURE_VARIANT_ADD(bench, mmio_r4) {
	.space = VMDEV_SPACE_MMIO, .size = 4, .write = false,
};

FIXTURE_VARIANT_ADD(bench, mmio_r8) {
	.space = VMDEV_SPACE_MMIO, .size = 8, .write = false,
};

FIXTURE_VARIANT_ADD(bench, mmio_w1) {
	.space = VMDEV_SPACE_MMIO, .size = 1, .write = true,
};

FIXTURE_VARIANT_ADD(bench, mmio_w2) {
	.space = VMDEV_SPACE_MMIO, .size = 2, .write = true,
};

FIXTURE_VARIANT_ADD(bench, mmio_w4) {
	.space = VMDEV_SPACE_MMIO, .size = 4, .write = true,
};

FIXTURE_VARIANT_ADD(bench, mmio_w8) {
	.space = VMDEV_SPACE_MMIO, .size = 8, .write = true,
};

FIXTURE_SETUP(bench)
{
	rig_setup(_metadata, &self->rig);
	if (!self->rig.kvm_err)
		rig_add_devices(_metadata, &self->rig);
}

FIXTURE_TEARDOWN(bench)
{
	rig_teardown(&self->rig);
}

/*
 * COUNT accesses of the variant's kind, each completed by the device
 * once: a write loop leaves VALUE in the register, a read loop reads the
 * VALUE the VMM put there and counts no mismatch. Nothing else moves.
 */
TEST_F(bench, loop)
{
	struct rig *r = &self->rig;
	uint32_t w = variant->size;
	unsigned int reg = reg_of(w), other;
	int dev = variant->space == VMDEV_SPACE_MMIO;
	struct minivm_io want = {
		.addr = base_of[dev] + regs[reg].offset,
		.data = VALUE & WIDTH_MASK(w), .len = w,
		.space = variant->space, .write = variant->write,
	};

	GUEST_REQUIRE_KVM(r->kvm_err);
	if (!variant->write) {
		ASSERT_EQ(0, vmdev_rdev_reg_write(r->bus.devs[dev].rdev, reg,
						  want.data, NULL));
	}
	set_params(r, variant->space, w, variant->write, COUNT, want.addr,
		   want.data);
	GUEST_RUN_EXPECT(&r->vm, tap_io, &r->tap, GUEST_PASS);
	EXPECT_EQ(0U, r->p->mismatches);
	check_log(_metadata, r, &want);
	check_exits(_metadata, &r->vm, variant->space, COUNT);
	EXPECT_EQ(COUNT, r->bus.devs[dev].done);
	EXPECT_EQ(0U, r->bus.devs[dev].slow);
	EXPECT_EQ(0U, r->bus.devs[!dev].done);
	EXPECT_EQ(0U, r->bus.unclaimed);

	EXPECT_EQ(want.data, reg_value(r, dev, reg));
	for (other = 0; other < NR_REGS; other++) {
		if (other != reg) {
			EXPECT_EQ(regs[other].reset, reg_value(r, dev, other));
		}
		EXPECT_EQ(regs[other].reset, reg_value(r, !dev, other));
	}
}

/* ---- Reads of a wrong value --------------------------------------------- */

FIXTURE(bench_read) {
	struct rig rig;
	struct minivm_io want;		/* each read, as the device returns it */
	int dev;
};

FIXTURE_VARIANT(bench_read) {
	uint8_t space;
	uint32_t size;
};

FIXTURE_VARIANT_ADD(bench_read, pio1) { .space = VMDEV_SPACE_PIO, .size = 1 };
FIXTURE_VARIANT_ADD(bench_read, pio2) { .space = VMDEV_SPACE_PIO, .size = 2 };
FIXTURE_VARIANT_ADD(bench_read, pio4) { .space = VMDEV_SPACE_PIO, .size = 4 };
FIXTURE_VARIANT_ADD(bench_read, mmio1) { .space = VMDEV_SPACE_MMIO, .size = 1 };
FIXTURE_VARIANT_ADD(bench_read, mmio2) { .space = VMDEV_SPACE_MMIO, .size = 2 };
FIXTURE_VARIANT_ADD(bench_read, mmio4) { .space = VMDEV_SPACE_MMIO, .size = 4 };
FIXTURE_VARIANT_ADD(bench_read, mmio8) { .space = VMDEV_SPACE_MMIO, .size = 8 };

/* The guest reads its register and expects VALUE. */
FIXTURE_SETUP(bench_read)
{
	struct rig *r = &self->rig;
	uint32_t w = variant->size;

	rig_setup(_metadata, r);
	if (r->kvm_err)
		return;
	rig_add_devices(_metadata, r);
	self->dev = variant->space == VMDEV_SPACE_MMIO;
	self->want = (struct minivm_io){
		.addr = base_of[self->dev] + regs[reg_of(w)].offset,
		.data = VALUE & WIDTH_MASK(w), .len = w, .space = variant->space,
	};
	set_params(r, variant->space, w, false, COUNT, self->want.addr,
		   VALUE & WIDTH_MASK(w));
}

FIXTURE_TEARDOWN(bench_read)
{
	rig_teardown(&self->rig);
}

/*
 * The VMM returns VALUE with the top bit of the size flipped on every
 * CORRUPT_EVERY-th read: exactly those are counted, and the loop still
 * makes all its accesses (the compare covers the whole size).
 */
TEST_F(bench_read, some_wrong)
{
	struct rig *r = &self->rig;

	GUEST_REQUIRE_KVM(r->kvm_err);
	ASSERT_EQ(0, vmdev_rdev_reg_write(r->bus.devs[self->dev].rdev,
					  reg_of(variant->size),
					  self->want.data, NULL));
	r->tap.corrupt_every = CORRUPT_EVERY;
	GUEST_RUN_EXPECT(&r->vm, tap_io, &r->tap, GUEST_FAIL_MISMATCH);
	EXPECT_EQ(COUNT / CORRUPT_EVERY, r->p->mismatches);
	check_log(_metadata, r, &self->want);
	check_exits(_metadata, &r->vm, variant->space, COUNT);
}

/*
 * The register holds VALUE with bit 0 flipped: every read is wrong (the
 * compare covers the low bit too).
 */
TEST_F(bench_read, all_wrong)
{
	struct rig *r = &self->rig;

	GUEST_REQUIRE_KVM(r->kvm_err);
	self->want.data ^= 1;
	ASSERT_EQ(0, vmdev_rdev_reg_write(r->bus.devs[self->dev].rdev,
					  reg_of(variant->size),
					  self->want.data, NULL));
	GUEST_RUN_EXPECT(&r->vm, tap_io, &r->tap, GUEST_FAIL_MISMATCH);
	EXPECT_EQ(COUNT, r->p->mismatches);
	check_log(_metadata, r, &self->want);
	check_exits(_metadata, &r->vm, variant->space, COUNT);
}

/* ---- The parameter block: refused, and accepted at its edges ----------- */

FIXTURE(bench_param) {
	struct rig rig;
};

FIXTURE_VARIANT(bench_param) {
	uint8_t space;
	uint32_t size;
	uint32_t write;			/* u32: 2 is a bad direction */
	uint32_t count;
	uint64_t addr;
	uint64_t value;
	uint32_t result;
};

/* Past the last port; one more space than there is. */
#define PORT_END		0x10000
#define SPACE_BAD		(GUEST_SPACE_MMIO + 1)

FIXTURE_VARIANT_ADD(bench_param, size_0) {
	.space = GUEST_SPACE_PIO, .size = 0, .count = COUNT,
	.addr = PIO_BASE, .result = GUEST_FAIL_BADPARAM,
};

FIXTURE_VARIANT_ADD(bench_param, size_3) {
	.space = GUEST_SPACE_MMIO, .size = 3, .count = COUNT,
	.addr = MMIO_BASE, .result = GUEST_FAIL_BADPARAM,
};

FIXTURE_VARIANT_ADD(bench_param, size_16) {
	.space = GUEST_SPACE_MMIO, .size = 16, .count = COUNT,
	.addr = MMIO_BASE, .result = GUEST_FAIL_BADPARAM,
};

FIXTURE_VARIANT_ADD(bench_param, pio_size_8) {
	.space = GUEST_SPACE_PIO, .size = 8, .write = 1, .count = COUNT,
	.addr = PIO_BASE, .result = GUEST_FAIL_BADPARAM,
};

FIXTURE_VARIANT_ADD(bench_param, space_2) {
	.space = SPACE_BAD, .size = 4, .count = COUNT,
	.addr = MMIO_BASE, .result = GUEST_FAIL_BADPARAM,
};

FIXTURE_VARIANT_ADD(bench_param, write_2) {
	.space = GUEST_SPACE_PIO, .size = 4, .write = 2, .count = COUNT,
	.addr = PIO_BASE, .result = GUEST_FAIL_BADPARAM,
};

FIXTURE_VARIANT_ADD(bench_param, value_over_1) {
	.space = GUEST_SPACE_PIO, .size = 1, .write = 1, .count = COUNT,
	.addr = PIO_BASE, .value = 0x100, .result = GUEST_FAIL_BADPARAM,
};

FIXTURE_VARIANT_ADD(bench_param, value_over_2) {
	.space = GUEST_SPACE_MMIO, .size = 2, .write = 1, .count = COUNT,
	.addr = MMIO_BASE, .value = 0x10000, .result = GUEST_FAIL_BADPARAM,
};

FIXTURE_VARIANT_ADD(bench_param, value_over_4) {
	.space = GUEST_SPACE_PIO, .size = 4, .count = COUNT,
	.addr = PIO_BASE, .value = 0x100000000ULL,
	.result = GUEST_FAIL_BADPARAM,
};

FIXTURE_VARIANT_ADD(bench_param, pio_past_end) {
	.space = GUEST_SPACE_PIO, .size = 2, .write = 1, .count = COUNT,
	.addr = PORT_END - 1, .result = GUEST_FAIL_BADPARAM,
};

FIXTURE_VARIANT_ADD(bench_param, pio_beyond) {
	.space = GUEST_SPACE_PIO, .size = 1, .count = COUNT,
	.addr = PORT_END, .result = GUEST_FAIL_BADPARAM,
};

FIXTURE_VARIANT_ADD(bench_param, mmio_past_end) {
	.space = GUEST_SPACE_MMIO, .size = 8, .count = COUNT,
	.addr = GUEST_PT_MAPPED - 4, .result = GUEST_FAIL_BADPARAM,
};

FIXTURE_VARIANT_ADD(bench_param, mmio_wraps) {
	.space = GUEST_SPACE_MMIO, .size = 8, .write = 1, .count = COUNT,
	.addr = ~0ULL - 3, .result = GUEST_FAIL_BADPARAM,
};

FIXTURE_VARIANT_ADD(bench_param, count_0) {
	.space = GUEST_SPACE_MMIO, .size = 4, .write = 1, .count = 0,
	.addr = MMIO_BASE, .result = GUEST_FAIL_BADPARAM,
};

/* The edges that are still in range. */
FIXTURE_VARIANT_ADD(bench_param, pio_last_port) {
	.space = GUEST_SPACE_PIO, .size = 4, .write = 1, .count = COUNT,
	.addr = PORT_END - 4, .value = 0xffffffff, .result = GUEST_PASS,
};

FIXTURE_VARIANT_ADD(bench_param, mmio_last_bytes) {
	.space = GUEST_SPACE_MMIO, .size = 8, .count = COUNT,
	.addr = GUEST_PT_MAPPED - 8, .value = ~0ULL, .result = GUEST_PASS,
};

FIXTURE_VARIANT_ADD(bench_param, value_full_1) {
	.space = GUEST_SPACE_PIO, .size = 1, .count = COUNT,
	.addr = PORT_END - 1, .value = 0xff, .result = GUEST_PASS,
};

FIXTURE_VARIANT_ADD(bench_param, value_full_2) {
	.space = GUEST_SPACE_MMIO, .size = 2, .write = 1, .count = COUNT,
	.addr = MMIO_BASE, .value = 0xffff, .result = GUEST_PASS,
};

FIXTURE_VARIANT_ADD(bench_param, count_1) {
	.space = GUEST_SPACE_MMIO, .size = 1, .count = 1,
	.addr = MMIO_BASE, .value = 0x5a, .result = GUEST_PASS,
};

/* No device: the in-range cases go to the slow path, which echoes. */
FIXTURE_SETUP(bench_param)
{
	rig_setup(_metadata, &self->rig);
}

FIXTURE_TEARDOWN(bench_param)
{
	rig_teardown(&self->rig);
}

/*
 * A bad block is refused before any access: no exit but the result's.
 * A good one at an edge makes its count of accesses, as asked.
 */
TEST_F(bench_param, checked)
{
	struct rig *r = &self->rig;
	bool bad = variant->result == GUEST_FAIL_BADPARAM;
	uint32_t count = bad ? 0 : variant->count;
	struct minivm_io want = {
		.addr = variant->addr, .data = variant->value,
		.len = variant->size, .space = variant->space,
		.write = variant->write,
	};
	int i;

	GUEST_REQUIRE_KVM(r->kvm_err);
	set_params(r, variant->space, variant->size, variant->write,
		   variant->count, variant->addr, variant->value);
	GUEST_RUN_EXPECT(&r->vm, tap_io, &r->tap, variant->result);
	ASSERT_EQ(count, r->tap.n);
	i = first_wrong(&r->tap, &want);
	EXPECT_EQ(-1, i) {
		TH_LOG("access %d at %#llx", i,
		       (unsigned long long)r->tap.io[i].addr);
	}
	EXPECT_EQ(count, r->bus.unclaimed);
	check_exits(_metadata, &r->vm, variant->space, count);
	if (!bad) {
		EXPECT_EQ(0U, r->p->mismatches);
	}
}

TEST_HARNESS_MAIN
