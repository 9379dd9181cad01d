// SPDX-License-Identifier: GPL-2.0
/*
 * String PIO (rep ins / rep outs of 1, 2 and 4 byte elements) from the
 * strio guest (tests/guest/strio.S) against FIFO registers of the shared
 * core: KVM hands several elements to one exit where it can, and every
 * element must reach the FIFO, or come out of it, exactly once and in
 * order. Also through the slow path, and past a FIFO's end.
 */
#include <errno.h>
#include <string.h>
#include <linux/vmdev.h>

#include "kselftest_harness.h"
#include "guest_test.h"
#include "rdevbus.h"

GUEST_IMAGE_DECLARE(strio);

#define PORT_BASE	0x7000
#define COUNT		3000U	/* elements: several pages of buffer */
#define SMALL_DEPTH	16U
#define OUT_RESET	0xeeeeeeee
/* Not page aligned, so KVM splits the buffer at odd places. */
#define BUF_GPA		(GUEST_DATA_ADDR + 0x7f3)

/* Per element width w: a block of four registers at 0x10 * log2(w). */
enum { IN, OUT, SMALL_IN, TRAP, REGS_PER_WIDTH };

#define BLOCK(w)	(0x10 * ((w) == 1 ? 0 : (w) == 2 ? 1 : 2))
#define REG_INDEX(w, r)	(BLOCK(w) / 0x10 * REGS_PER_WIDTH + (r))
#define REG_PORT(w, r)	(PORT_BASE + BLOCK(w) + 4 * (r))

#define WIDTH_MASK(w)	((uint32_t)((1ULL << (8 * (w))) - 1))

#define WIDTH_REGS(w)							\
	[REG_INDEX(w, IN)] = {						\
		.offset = BLOCK(w) + 4 * IN, .width = (w),		\
		.type = VMDEV_REG_FIFO_IN, .flags = VMDEV_REG_F_NOREAD,	\
		.sel_reg = VMDEV_SEL_NONE,				\
		.arg.fifo.depth = VMDEV_MAX_FIFO,			\
	},								\
	[REG_INDEX(w, OUT)] = {						\
		.offset = BLOCK(w) + 4 * OUT, .width = (w),		\
		.type = VMDEV_REG_FIFO_OUT, .flags = VMDEV_REG_F_NOWRITE, \
		.reset = OUT_RESET & WIDTH_MASK(w),			\
		.sel_reg = VMDEV_SEL_NONE,				\
		.arg.fifo.depth = VMDEV_MAX_FIFO,			\
	},								\
	[REG_INDEX(w, SMALL_IN)] = {					\
		.offset = BLOCK(w) + 4 * SMALL_IN, .width = (w),	\
		.type = VMDEV_REG_FIFO_IN, .flags = VMDEV_REG_F_NOREAD,	\
		.sel_reg = VMDEV_SEL_NONE,				\
		.arg.fifo.depth = SMALL_DEPTH,				\
	},								\
	[REG_INDEX(w, TRAP)] = {					\
		.offset = BLOCK(w) + 4 * TRAP, .width = (w),		\
		.type = VMDEV_REG_TRAP, .sel_reg = VMDEV_SEL_NONE,	\
	}

static const struct vmdev_reg regs[] = {
	WIDTH_REGS(1), WIDTH_REGS(2), WIDTH_REGS(4),
};

static const struct vmdev_rdev_desc map = {
	.dev_size = 0x30,
	.nr_regs = sizeof(regs) / sizeof(regs[0]),
	.regs = regs,
};

/* The slow path of the trap registers: a counter in, a log out. */
struct trap_io {
	uint32_t next;		/* value of the next read */
	uint32_t reads;
	uint32_t writes;
	uint32_t written[COUNT];
	uint32_t bad_len;	/* elements of another width than expected */
	uint32_t width;
};

static int trap_io(void *opaque, int dev, struct minivm_io *io)
{
	struct trap_io *t = opaque;

	if (dev != 0 || io->addr != REG_PORT(t->width, TRAP))
		return -EFAULT;
	if (io->len != t->width)
		t->bad_len++;
	if (io->write) {
		if (t->writes == COUNT)
			return -ENOSPC;
		t->written[t->writes++] = io->data;
		return 0;
	}
	io->data = t->next++ & WIDTH_MASK(io->len);
	t->reads++;
	return 0;
}

FIXTURE(strio) {
	int kvm_err;
	struct minivm vm;
	struct rdevbus bus;
	struct vmdev_rdev *dev;
	struct guest_strio_params *p;
	uint8_t *buf;
	uint8_t expect[COUNT * 4];
	struct trap_io trap;
};

FIXTURE_VARIANT(strio) {
	uint32_t width;
	bool write;		/* rep outs */
};

FIXTURE_VARIANT_ADD(strio, insb) { .width = 1, .write = false };
FIXTURE_VARIANT_ADD(strio, insw) { .width = 2, .write = false };
FIXTURE_VARIANT_ADD(strio, insl) { .width = 4, .write = false };
FIXTURE_VARIANT_ADD(strio, outsb) { .width = 1, .write = true };
FIXTURE_VARIANT_ADD(strio, outsw) { .width = 2, .write = true };
FIXTURE_VARIANT_ADD(strio, outsl) { .width = 4, .write = true };

FIXTURE_SETUP(strio)
{
	unsigned int i;

	memset(&self->trap, 0, sizeof(self->trap));
	self->trap.width = variant->width;
	self->trap.next = 0x1000;
	rdevbus_init(&self->bus, trap_io, &self->trap);
	/* A byte pattern that tells every element and its order apart. */
	for (i = 0; i < sizeof(self->expect); i++)
		self->expect[i] = (uint8_t)(i * 7 + i / 251);
	self->kvm_err = minivm_usable();
	if (self->kvm_err)
		return;
	ASSERT_EQ(0, minivm_create(&self->vm, NULL));
	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(strio),
				 MINIVM_PROT32));
	ASSERT_EQ(0, vmdev_rdev_create(&map, &self->dev));
	ASSERT_EQ(0, rdevbus_add(&self->bus, self->dev, VMDEV_SPACE_PIO,
				 PORT_BASE));
	self->p = minivm_gpa(&self->vm, GUEST_PARAM_ADDR, sizeof(*self->p));
	self->buf = minivm_gpa(&self->vm, BUF_GPA, COUNT * 4);
	ASSERT_NE(NULL, self->buf);
	*self->p = (struct guest_strio_params){
		.size = variant->width, .count = COUNT,
		.write = variant->write, .buf = BUF_GPA,
	};
	if (variant->write)
		memcpy(self->buf, self->expect, COUNT * variant->width);
}

FIXTURE_TEARDOWN(strio)
{
	rdevbus_fini(&self->bus);
	if (!self->kvm_err)
		minivm_destroy(&self->vm);
}

/* The guest's own report: the instruction ran to its end. */
static void check_guest(struct __test_metadata *_metadata,
			const struct guest_strio_params *p)
{
	EXPECT_EQ(0U, p->ecx);
	EXPECT_EQ(p->buf + p->count * p->size, p->end);
}

/*
 * count elements through a FIFO register. KVM passes a rep ins as runs
 * of up to 1 KiB per exit (bounded by page ends); count > 1 must show.
 */
TEST_F(strio, fifo)
{
	uint32_t w = variant->width;
	uint8_t *drained;
	int reg;

	GUEST_REQUIRE_KVM(self->kvm_err);
	if (!variant->write) {
		reg = REG_INDEX(w, OUT);
		ASSERT_EQ((int)COUNT, vmdev_rdev_fifo_fill(self->dev, reg,
							   self->expect,
							   COUNT, NULL));
	}
	self->p->port = REG_PORT(w, variant->write ? IN : OUT);
	GUEST_RUN_EXPECT(&self->vm, rdevbus_io, &self->bus, GUEST_PASS);
	check_guest(_metadata, self->p);
	EXPECT_EQ(COUNT, self->vm.stats.pio_elems);
	EXPECT_EQ(COUNT, self->bus.devs[0].done);
	EXPECT_EQ(0U, self->trap.reads + self->trap.writes);
	if (!variant->write) {
		EXPECT_GT(self->vm.stats.pio_max_count, 1U);
		EXPECT_LT(self->vm.stats.pio_exits, (uint64_t)COUNT);
		EXPECT_EQ(0, memcmp(self->expect, self->buf, COUNT * w));
		/* All popped: the FIFO is empty now. */
		EXPECT_EQ(0, vmdev_rdev_fifo_drain(self->dev,
						   REG_INDEX(w, IN),
						   self->expect, 1, NULL));
		return;
	}
	drained = calloc(COUNT, w);
	ASSERT_NE(NULL, drained);
	EXPECT_EQ((int)COUNT, vmdev_rdev_fifo_drain(self->dev,
						    REG_INDEX(w, IN),
						    drained, COUNT, NULL));
	EXPECT_EQ(0, memcmp(self->expect, drained, COUNT * w));
	EXPECT_EQ(0, vmdev_rdev_fifo_drain(self->dev, REG_INDEX(w, IN),
					   drained, 1, NULL));
	free(drained);
}

/*
 * Past the FIFO's end: rep ins of more entries than queued reads the
 * register's reset value once it is empty; rep outs into a small FIFO
 * keeps the first SMALL_DEPTH entries and counts the rest as overflow.
 */
TEST_F(strio, fifo_end)
{
	uint32_t w = variant->width, queued = COUNT / 3, i;
	uint8_t drained[SMALL_DEPTH * 4];
	uint64_t overflow = 0;
	uint32_t v;

	GUEST_REQUIRE_KVM(self->kvm_err);
	if (!variant->write) {
		ASSERT_EQ((int)queued,
			  vmdev_rdev_fifo_fill(self->dev, REG_INDEX(w, OUT),
					       self->expect, queued, NULL));
		self->p->port = REG_PORT(w, OUT);
	} else {
		self->p->port = REG_PORT(w, SMALL_IN);
	}
	GUEST_RUN_EXPECT(&self->vm, rdevbus_io, &self->bus, GUEST_PASS);
	check_guest(_metadata, self->p);
	EXPECT_EQ(COUNT, self->vm.stats.pio_elems);
	if (!variant->write) {
		EXPECT_EQ(0, memcmp(self->expect, self->buf, queued * w));
		for (i = queued; i < COUNT; i++) {
			v = 0;
			memcpy(&v, self->buf + i * w, w);
			ASSERT_EQ(OUT_RESET & WIDTH_MASK(w), v) {
				TH_LOG("element %u", i);
			}
		}
		return;
	}
	EXPECT_EQ((int)SMALL_DEPTH,
		  vmdev_rdev_fifo_drain(self->dev, REG_INDEX(w, SMALL_IN),
					drained, SMALL_DEPTH, NULL));
	EXPECT_EQ(0, memcmp(self->expect, drained, SMALL_DEPTH * w));
	ASSERT_EQ(0, vmdev_rdev_fifo_overflow(self->dev,
					      REG_INDEX(w, SMALL_IN),
					      &overflow));
	EXPECT_EQ(COUNT - SMALL_DEPTH, overflow);
}

/* Every element of a string exit reaches the slow path, in order. */
TEST_F(strio, slow_path)
{
	uint32_t w = variant->width, i, v, mask;

	GUEST_REQUIRE_KVM(self->kvm_err);
	mask = WIDTH_MASK(w);
	self->p->port = REG_PORT(w, TRAP);
	GUEST_RUN_EXPECT(&self->vm, rdevbus_io, &self->bus, GUEST_PASS);
	check_guest(_metadata, self->p);
	EXPECT_EQ(COUNT, self->bus.devs[0].slow);
	EXPECT_EQ(0U, self->bus.devs[0].done);
	EXPECT_EQ(0U, self->trap.bad_len);
	if (!variant->write) {
		EXPECT_EQ(COUNT, self->trap.reads);
		for (i = 0; i < COUNT; i++) {
			v = 0;
			memcpy(&v, self->buf + i * w, w);
			ASSERT_EQ((0x1000 + i) & mask, v) {
				TH_LOG("element %u", i);
			}
		}
		return;
	}
	ASSERT_EQ(COUNT, self->trap.writes);
	for (i = 0; i < COUNT; i++) {
		v = 0;
		memcpy(&v, self->expect + i * w, w);
		ASSERT_EQ(v, self->trap.written[i]) {
			TH_LOG("element %u", i);
		}
	}
}

/* The guest refuses buffers outside its data area and bad sizes. */
TEST_F(strio, bad_params)
{
	static const struct guest_strio_params bad[] = {
		{ .size = 3, .count = 1, .buf = GUEST_DATA_ADDR },
		{ .size = 8, .count = 1, .buf = GUEST_DATA_ADDR },
		{ .size = 1, .count = 1, .write = 2, .buf = GUEST_DATA_ADDR },
		{ .size = 1, .count = 1, .buf = GUEST_DATA_ADDR - 1 },
		{ .size = 4, .count = GUEST_DATA_SIZE / 4 + 1,
		  .buf = GUEST_DATA_ADDR },
		{ .size = 1, .count = 2,
		  .buf = GUEST_DATA_ADDR + GUEST_DATA_SIZE - 1 },
		{ .size = 1, .count = 1, .buf = GUEST_DATA_ADDR,
		  .port = 0x10000 },
	};
	uint32_t result;
	unsigned int i;

	GUEST_REQUIRE_KVM(self->kvm_err);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(strio),
					 MINIVM_PROT32));
		*self->p = bad[i];
		GUEST_RUN(&self->vm, rdevbus_io, &self->bus, &result);
		EXPECT_EQ((uint32_t)GUEST_FAIL_BADPARAM, result) {
			TH_LOG("case %u", i);
		}
	}
	EXPECT_EQ(0U, self->vm.stats.pio_elems);
}

TEST_HARNESS_MAIN
