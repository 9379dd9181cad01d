// SPDX-License-Identifier: GPL-2.0
/*
 * libvmdev end to end: string PIO (rep ins / rep outs of 1, 2 and 4 byte
 * elements, the strio guest) through a register device declared with the
 * library, in kernel and user mode. Every element reaches a FIFO, or
 * comes out of one, exactly once and in order; through a trap register
 * every element reaches the slow-path callback in order, including the
 * elements of one exit that KVM batched (count > 1). In kernel mode the
 * FIFO exits never reach userspace.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib_e2e.h"

GUEST_IMAGE_DECLARE(strio);

#define PORT_BASE	0x7000
#define COUNT		1500U	/* several pages of rep ins buffer */
/* Not page aligned, so KVM splits the buffer at odd places. */
#define BUF_GPA		(GUEST_DATA_ADDR + 0x7f3)
#define TRAP_FIRST	0x1000

enum { IN, OUT, TRAP, NR_REGS };

#define PORT(r)		(PORT_BASE + 4 * (r))
#define WIDTH_MASK(w)	((uint32_t)((1ULL << (8 * (w))) - 1))

/* One map per element width: two FIFOs and a trap register. */
#define MAP_REGS(w) {							\
	[IN] = {							\
		.offset = 4 * IN, .width = (w),				\
		.type = VMDEV_REG_FIFO_IN, .flags = VMDEV_REG_F_NOREAD,	\
		.sel_reg = VMDEV_SEL_NONE,				\
		.arg.fifo.depth = VMDEV_MAX_FIFO,			\
	},								\
	[OUT] = {							\
		.offset = 4 * OUT, .width = (w),			\
		.type = VMDEV_REG_FIFO_OUT, .flags = VMDEV_REG_F_NOWRITE, \
		.sel_reg = VMDEV_SEL_NONE,				\
		.arg.fifo.depth = VMDEV_MAX_FIFO,			\
	},								\
	[TRAP] = {							\
		.offset = 4 * TRAP, .width = (w),			\
		.type = VMDEV_REG_TRAP, .sel_reg = VMDEV_SEL_NONE,	\
	},								\
}

static const struct vmdev_reg regs1[NR_REGS] = MAP_REGS(1);
static const struct vmdev_reg regs2[NR_REGS] = MAP_REGS(2);
static const struct vmdev_reg regs4[NR_REGS] = MAP_REGS(4);

/* The slow path of the trap register: a counter in, a log out. */
struct trap_io {
	uint32_t next;
	uint32_t reads;
	uint32_t writes;
	uint32_t bad;		/* elements at another port or width */
	uint32_t width;
	uint32_t written[COUNT];
};

static int trap_read(void *opaque, enum vmdev_space space, uint64_t base,
		     uint64_t offset, void *data, size_t len)
{
	struct trap_io *t = opaque;
	uint32_t v = t->next++ & WIDTH_MASK(t->width);

	if (space != VMDEV_PIO || base != PORT_BASE ||
	    offset != 4 * TRAP || len != t->width)
		t->bad++;
	memcpy(data, &v, len);
	t->reads++;
	return 0;
}

static int trap_write(void *opaque, enum vmdev_space space, uint64_t base,
		      uint64_t offset, const void *data, size_t len)
{
	struct trap_io *t = opaque;
	uint32_t v = 0;

	if (space != VMDEV_PIO || base != PORT_BASE ||
	    offset != 4 * TRAP || len != t->width)
		t->bad++;
	if (t->writes == COUNT)
		return -ENOSPC;
	memcpy(&v, data, len);
	t->written[t->writes++] = v;
	return 0;
}

FIXTURE(strio) {
	struct e2e e;
	struct vmdev_regdev *dev;
	struct guest_strio_params *p;
	uint8_t *buf;
	uint8_t expect[COUNT * 4];
	struct trap_io trap;
};

FIXTURE_VARIANT(strio) {
	enum vmdev_vm_mode mode;
	uint32_t width;
	bool write;		/* rep outs */
};

#define STRIO_VARIANT(m, name, w, wr)					\
	FIXTURE_VARIANT_ADD(strio, m##_##name) {			\
		.mode = VMDEV_VM_##m, .width = (w), .write = (wr),	\
	}

STRIO_VARIANT(USER, insb, 1, false);
STRIO_VARIANT(USER, insw, 2, false);
STRIO_VARIANT(USER, insl, 4, false);
STRIO_VARIANT(USER, outsb, 1, true);
STRIO_VARIANT(USER, outsw, 2, true);
STRIO_VARIANT(USER, outsl, 4, true);
STRIO_VARIANT(KERNEL, insb, 1, false);
STRIO_VARIANT(KERNEL, insw, 2, false);
STRIO_VARIANT(KERNEL, insl, 4, false);
STRIO_VARIANT(KERNEL, outsb, 1, true);
STRIO_VARIANT(KERNEL, outsw, 2, true);
STRIO_VARIANT(KERNEL, outsl, 4, true);

FIXTURE_SETUP(strio)
{
	struct e2e_opts o = {
		.mode = variant->mode, .image = GUEST_IMAGE(strio),
		.cpu_mode = MINIVM_PROT32,
	};
	const struct vmdev_reg *r = variant->width == 1 ? regs1 :
				    variant->width == 2 ? regs2 : regs4;
	struct vmdev_rdev_desc map = {
		.dev_size = 4 * NR_REGS, .nr_regs = NR_REGS, .regs = r,
	};
	unsigned int i;

	memset(&self->trap, 0, sizeof(self->trap));
	self->trap.width = variant->width;
	self->trap.next = TRAP_FIRST;
	self->dev = NULL;
	/* A byte pattern that tells every element and its order apart. */
	for (i = 0; i < sizeof(self->expect); i++)
		self->expect[i] = (uint8_t)(i * 7 + i / 251);
	E2E_SETUP(&self->e, &o);
	ASSERT_EQ(0, e2e_regdev(&self->e, &map, VMDEV_SPACE_PIO, PORT_BASE,
				map.dev_size, trap_read, trap_write,
				&self->trap, &self->dev));
	self->p = minivm_gpa(&self->e.vm, GUEST_PARAM_ADDR, sizeof(*self->p));
	self->buf = minivm_gpa(&self->e.vm, BUF_GPA, COUNT * 4);
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
	vmdev_regdev_free(self->dev);
	E2E_FINI(&self->e);
}

static void check_guest(struct __test_metadata *_metadata,
			const struct guest_strio_params *p)
{
	EXPECT_EQ(0U, p->ecx);
	EXPECT_EQ(p->buf + p->count * p->size, p->end);
}

TEST_F(strio, fifo)
{
	uint32_t w = variant->width;
	struct vmdev_vcpu_stats vs;
	struct vmdev_regdev_stats st;
	uint8_t *drained;
	uint64_t exits;
	bool kernel;

	E2E_REQUIRE(&self->e);
	if (!variant->write)
		ASSERT_EQ((int)COUNT, vmdev_regdev_fifo_fill(self->dev, OUT,
							     self->expect,
							     COUNT));
	self->p->port = PORT(variant->write ? IN : OUT);
	E2E_RUN_EXPECT(&self->e, GUEST_PASS);
	check_guest(_metadata, self->p);
	st = e2e_stats(self->dev);
	EXPECT_EQ(COUNT, st.fast);
	EXPECT_EQ(0U, st.slow);
	EXPECT_EQ(0U, self->trap.reads + self->trap.writes);

	/*
	 * Where the exits were completed: all in the kernel, or all here.
	 * rep outs exits once per element, rep ins in batches (count > 1).
	 */
	vs = e2e_vcpu_stats(&self->e);
	kernel = variant->mode == VMDEV_VM_KERNEL;
	exits = kernel ? vs.kernel_exits : vs.user_exits;
	EXPECT_EQ(0U, kernel ? vs.user_exits : vs.kernel_exits);
	if (variant->write) {
		EXPECT_EQ(COUNT, exits);
	} else {
		EXPECT_LT(0U, exits);
		EXPECT_GT(COUNT, exits);
	}

	if (!variant->write) {
		EXPECT_EQ(0, memcmp(self->expect, self->buf, COUNT * w));
		return;
	}
	drained = calloc(COUNT + 1, w);
	ASSERT_NE(NULL, drained);
	EXPECT_EQ((int)COUNT, vmdev_regdev_fifo_drain(self->dev, IN, drained,
						      COUNT + 1));
	EXPECT_EQ(0, memcmp(self->expect, drained, COUNT * w));
	free(drained);
}

/* Every element reaches the slow path, in order, in both modes. */
TEST_F(strio, slow_path)
{
	uint32_t w = variant->width, i, v;
	struct vmdev_regdev_stats st;

	E2E_REQUIRE(&self->e);
	self->p->port = PORT(TRAP);
	E2E_RUN_EXPECT(&self->e, GUEST_PASS);
	check_guest(_metadata, self->p);
	st = e2e_stats(self->dev);
	EXPECT_EQ(COUNT, st.slow);
	EXPECT_EQ(0U, st.fast);
	EXPECT_EQ(0U, self->trap.bad);
	EXPECT_EQ(0U, e2e_vcpu_stats(&self->e).kernel_exits);
	if (!variant->write) {
		EXPECT_EQ(COUNT, self->trap.reads);
		for (i = 0; i < COUNT; i++) {
			v = 0;
			memcpy(&v, self->buf + i * w, w);
			ASSERT_EQ((TRAP_FIRST + i) & WIDTH_MASK(w), v) {
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

TEST_HARNESS_MAIN
