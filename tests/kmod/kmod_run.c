// SPDX-License-Identifier: GPL-2.0
/*
 * VMDEV_RUN (level 1 of the fast path) with real guests on nested KVM:
 * register devices live in the module, the guest's vCPU runs through
 * VMDEV_RUN, and only what the devices leave to the VMM reaches
 * userspace. Every register behaviour at every access size on PIO and
 * MMIO; string PIO in and out, completed in the kernel, left whole to
 * the VMM, and split between both; the 16550 transmit path; counts of
 * exits completed and of exits that reached userspace. Each guest also
 * runs at level 0 (the same register maps in userspace, tests/guest's
 * rdevbus) and both must give the same guest-visible results.
 */
#include <errno.h>
#include <string.h>
#include <linux/vmdev.h>

#include "kselftest_harness.h"
#include "kmod_run.h"
#include "rdevbus.h"
#include "kmod_behaviour.h"

GUEST_IMAGE_DECLARE(access);
GUEST_IMAGE_DECLARE(probe);
GUEST_IMAGE_DECLARE(strio);
GUEST_IMAGE_DECLARE(uart);

FIXTURE(access) {
	int ctx, kvm_err;
	uint32_t id;
	struct minivm vm;
	struct krun k;
	struct slow_log log;
	struct guest_access_params *p;
	struct table t;
	struct vmdev_reg regs[NR_REGS];
	struct vmdev_irq irq;
	struct vmdev_rdev_desc desc;
	uint64_t got[ACCESS_MAX_OPS];	/* level 0's reads */
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

static uint64_t variant_base(uint8_t space)
{
	return space == VMDEV_SPACE_PIO ? PIO_BASE : MMIO_BASE;
}

/* What the guest reads from FOUT: the VMM's fill, here or at level 0. */
static void fout_entries(uint64_t *e)
{
	e[0] = fifo_value(10);
	e[1] = fifo_value(11);
}

FIXTURE_SETUP(access)
{
	struct vmdev_range r = {
		.base = variant_base(variant->space), .len = WINDOW,
		.space = variant->space,
	};

	memset(&self->log, 0, sizeof(self->log));
	self->vm.run = NULL;
	KRUN_SETUP(self->ctx, self->kvm_err);
	if (self->kvm_err || self->ctx < 0)
		return;
	ASSERT_EQ(0, minivm_create(&self->vm, NULL));
	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(access),
				 MINIVM_LONG64));
	make_map(self->regs, &self->irq, &self->desc, variant->width);
	ASSERT_EQ(0, kmod_create(self->ctx, &self->desc, &r, 1, &self->id));
	krun_init(&self->k, self->ctx, &self->vm, slow1, &self->log);
	self->p = minivm_gpa(&self->vm, GUEST_PARAM_ADDR, GUEST_PARAM_SIZE);
	ASSERT_NE(NULL, self->p);
	self->t = (struct table){
		.p = self->p, .space = variant->space, .width = variant->width,
		.base = r.base,
	};
}

FIXTURE_TEARDOWN(access)
{
	if (self->vm.run)
		minivm_destroy(&self->vm);
	if (self->ctx >= 0)
		close(self->ctx);
}

static int fill_fout(int ctx, uint32_t id, uint32_t w)
{
	uint64_t e[2], buf[2] = { 0, 0 };
	uint32_t i;

	fout_entries(e);
	for (i = 0; i < 2; i++)
		memcpy((uint8_t *)buf + i * w, &e[i], w);
	return kmod_fifo(ctx, id, FOUT, VMDEV_FIFO_FILL, buf, 2);
}

/* The level 1 run of the table, with every count it must produce. */
TEST_F(access, every_behaviour)
{
	struct kdev kd = { .ctx = self->ctx, .id = self->id };
	uint32_t w = variant->width, nr, i;
	uint64_t v, drained[FIFO_DEPTH] = { 0 };
	struct vmdev_stats st;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	every_behaviour(&self->t);
	nr = self->p->nr_ops;
	ASSERT_EQ(2, fill_fout(self->ctx, self->id, w));
	KRUN_EXPECT(&self->k, GUEST_PASS);
	ASSERT_EQ(nr, self->p->done);
	EXPECT_EQ(0U, self->p->failed);

	/*
	 * One exit per access: all completed in the kernel but the two
	 * trap accesses, which reach userspace, like the guest's exit.
	 */
	EXPECT_EQ(nr - NR_TRAPS, self->k.fast_exits);
	EXPECT_EQ(NR_TRAPS + 1U, self->k.user_exits);
	ASSERT_EQ(NR_TRAPS, self->log.calls);
	for (i = 0; i < NR_TRAPS; i++) {
		EXPECT_EQ(self->t.base + SLOT(TRAP), self->log.io[i].addr);
		EXPECT_EQ(w, self->log.io[i].len);
		EXPECT_EQ(variant->space, self->log.io[i].space);
	}
	EXPECT_TRUE(self->log.io[0].write);
	EXPECT_EQ(PATTERN & mask(w), self->log.io[0].data);
	EXPECT_FALSE(self->log.io[1].write);

	ASSERT_EQ(0, krun_stats(self->ctx, self->id, &st));
	EXPECT_EQ(nr - NR_TRAPS, st.fast);
	EXPECT_EQ(NR_TRAPS, st.slow);
	EXPECT_EQ(1U, st.irqs);
	EXPECT_EQ(1U, st.doorbells);
	EXPECT_EQ(0U, st.ioeventfds);

	check_state(_metadata, kdev_read, &kd, w);
	ASSERT_EQ(3, kmod_fifo(self->ctx, self->id, FIN, VMDEV_FIFO_DRAIN,
			       drained, FIFO_DEPTH));
	for (i = 0; i < 3; i++) {
		v = 0;
		memcpy(&v, (uint8_t *)drained + i * w, w);
		EXPECT_EQ(fifo_value(i) & mask(w), v);
	}
}

/* The table at level 0, its reads saved; the VMM's counts returned. */
static int run_level0(struct __test_metadata *_metadata,
		      FIXTURE_DATA(access) *self, uint64_t *exits,
		      uint64_t *done)
{
	struct vmdev_rdev *rdev;
	struct rdevbus bus;
	uint64_t e[2];
	uint32_t result = ~0U, i;
	int ret;

	rdevbus_init(&bus, slow0, &self->log);
	ret = vmdev_rdev_create(&self->desc, &rdev);
	if (ret)
		return ret;
	ret = rdevbus_add(&bus, rdev, self->t.space, self->t.base);
	if (ret < 0) {
		vmdev_rdev_destroy(rdev);
		return ret;
	}
	fout_entries(e);
	for (i = 0; i < 2; i++)
		vmdev_rdev_fifo_fill(rdev, FOUT, &e[i], 1, NULL);
	every_behaviour(&self->t);
	ret = minivm_run_guest(&self->vm, rdevbus_io, &bus, &result);
	*exits = self->vm.stats.pio_exits + self->vm.stats.mmio_exits;
	*done = bus.devs[0].done;
	for (i = 0; i < self->p->nr_ops; i++)
		self->got[i] = self->p->ops[i].got;
	check_state(_metadata, rdev_read, rdev, self->t.width);
	rdevbus_fini(&bus);
	EXPECT_EQ((uint32_t)GUEST_PASS, result);
	return ret;
}

/*
 * Level 0 and level 1 give the guest the same values and leave the
 * devices in the same state; level 0's exits are level 1's exits
 * completed in the kernel plus the ones it left to the VMM.
 */
TEST_F(access, same_as_userspace)
{
	struct kdev kd = { .ctx = self->ctx, .id = self->id };
	uint64_t exits0, done0;
	struct vmdev_stats st;
	uint32_t i;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	ASSERT_EQ(0, run_level0(_metadata, self, &exits0, &done0));
	EXPECT_EQ(NR_TRAPS, self->log.calls);

	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(access),
				 MINIVM_LONG64));
	every_behaviour(&self->t);
	ASSERT_EQ(2, fill_fout(self->ctx, self->id, variant->width));
	KRUN_EXPECT(&self->k, GUEST_PASS);
	for (i = 0; i < self->p->nr_ops; i++)
		EXPECT_EQ(self->got[i], self->p->ops[i].got) TH_LOG("op %u", i);
	EXPECT_EQ(exits0, self->k.fast_exits + self->k.slow_ios);
	EXPECT_EQ(2 * NR_TRAPS, self->log.calls);
	ASSERT_EQ(0, krun_stats(self->ctx, self->id, &st));
	EXPECT_EQ(done0, st.fast);
	check_state(_metadata, kdev_read, &kd, variant->width);
}

/*
 * Accesses the devices do not complete whole reach userspace intact:
 * nothing mapped there, or an access running over the end of a range
 * (which VMDEV_ACCESS refuses as malformed: a guest can do it, so the
 * loop leaves it to the VMM rather than fail).
 */
TEST_F(access, unclaimed_and_straddling)
{
	uint32_t w = variant->width;
	struct table *t = &self->t;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	t->p->nr_ops = 0;
	t->p->done = 0;
	t->p->failed = 0;
	rd(t, RW, RW_RESET);
	add(t, false, WINDOW + 0x100, TRAP_VALUE);
	add(t, true, WINDOW + 0x100, PATTERN);
	if (w > 1)
		add(t, false, WINDOW - w / 2, TRAP_VALUE);
	rd(t, RO, RO_VALUE);
	KRUN_EXPECT(&self->k, GUEST_PASS);
	EXPECT_EQ(2U, self->k.fast_exits);
	ASSERT_EQ(w > 1 ? 3U : 2U, self->log.calls);
	EXPECT_EQ(t->base + WINDOW + 0x100, self->log.io[0].addr);
	EXPECT_FALSE(self->log.io[0].write);
	EXPECT_TRUE(self->log.io[1].write);
	EXPECT_EQ(PATTERN & mask(w), self->log.io[1].data);
	if (w > 1) {
		EXPECT_EQ(t->base + WINDOW - w / 2, self->log.io[2].addr);
		EXPECT_EQ(w, self->log.io[2].len);
	}
}

/* ---- string PIO ------------------------------------------------------ */

/*
 * For one element width: a FIFO_IN and a FIFO_OUT as deep as the
 * strings, a trap register, and a bank at BANK: a FIFO_OUT while it
 * holds entries, a trap register once it is empty (a hidden register
 * mirrors "not empty" and selects between them), so that a rep ins
 * starts in the kernel and ends in userspace within one exit.
 */
enum { SIN, SOUT, STRAP, BANK_FIFO, BANK_TRAP, BANK_SEL, NR_SREGS };

#define SPORT		0x7000
#define SOFF(r)		((r) == BANK_TRAP ? 4 * BANK_FIFO : 4 * (r))
#define SWINDOW		0x10
#define STR_MAX		3000U
#define STR_OUTS	300U
#define STR_OUT_RESET	0xeeeeeeeeU

static void make_smap(struct vmdev_reg *regs, struct vmdev_link *link,
		      struct vmdev_rdev_desc *desc, uint32_t w)
{
	int r;

	memset(regs, 0, NR_SREGS * sizeof(*regs));
	for (r = 0; r < BANK_SEL; r++) {
		regs[r] = (struct vmdev_reg){
			.offset = SOFF(r), .width = w,
			.sel_reg = VMDEV_SEL_NONE,
		};
	}
	regs[SIN].type = VMDEV_REG_FIFO_IN;
	regs[SIN].flags = VMDEV_REG_F_NOREAD;
	regs[SIN].arg.fifo.depth = VMDEV_MAX_FIFO;
	regs[SOUT].type = VMDEV_REG_FIFO_OUT;
	regs[SOUT].flags = VMDEV_REG_F_NOWRITE;
	regs[SOUT].reset = STR_OUT_RESET & mask(w);
	regs[SOUT].arg.fifo.depth = VMDEV_MAX_FIFO;
	regs[STRAP].type = VMDEV_REG_TRAP;
	regs[BANK_FIFO] = regs[SOUT];
	regs[BANK_FIFO].offset = SOFF(BANK_FIFO);
	regs[BANK_TRAP].type = VMDEV_REG_TRAP;
	regs[BANK_FIFO].sel_reg = BANK_SEL;
	regs[BANK_TRAP].sel_reg = BANK_SEL;
	regs[BANK_FIFO].sel_mask = 1;
	regs[BANK_TRAP].sel_mask = 1;
	regs[BANK_FIFO].sel_val = 1;
	regs[BANK_SEL] = (struct vmdev_reg){
		.width = 1, .type = VMDEV_REG_RO, .flags = VMDEV_REG_F_HIDDEN,
		.sel_reg = VMDEV_SEL_NONE,
	};
	*link = (struct vmdev_link){
		.src = BANK_FIFO, .dst = BANK_SEL,
		.cond = VMDEV_LINK_NONEMPTY, .mask = 1,
	};
	*desc = (struct vmdev_rdev_desc){
		.dev_size = SWINDOW, .nr_regs = NR_SREGS, .nr_links = 1,
		.regs = regs, .links = link,
	};
}

/* One string instruction of the strio guest. */
struct strcase {
	uint32_t width;
	bool write;		/* rep outs */
	uint32_t count;		/* elements */
	uint32_t buf_off;	/* from GUEST_DATA_ADDR */
};

/* What the string fixtures hold. */
struct strenv {
	int ctx, kvm_err;
	uint32_t id;
	struct minivm vm;
	struct krun k;
	struct slow_log log;
	struct guest_strio_params *p;
	uint8_t *buf;
	struct vmdev_reg regs[NR_SREGS];
	struct vmdev_link link;
	struct vmdev_rdev_desc desc;
	uint8_t pattern[STR_MAX * 4];
	/* Seen by the slow path of a split exit, at its first element. */
	uint32_t split_count, split_offset, split_seen;
};

static void strenv_setup(struct __test_metadata *_metadata,
			 struct strenv *e, const struct strcase *c)
{
	struct vmdev_range r = {
		.base = SPORT, .len = SWINDOW, .space = VMDEV_SPACE_PIO,
	};
	unsigned int i;

	memset(&e->log, 0, sizeof(e->log));
	e->log.next = 0x1000;
	e->split_seen = 0;
	e->vm.run = NULL;
	for (i = 0; i < sizeof(e->pattern); i++)
		e->pattern[i] = (uint8_t)(i * 7 + i / 251);
	KRUN_SETUP(e->ctx, e->kvm_err);
	if (e->kvm_err || e->ctx < 0)
		return;
	ASSERT_EQ(0, minivm_create(&e->vm, NULL));
	make_smap(e->regs, &e->link, &e->desc, c->width);
	ASSERT_EQ(0, kmod_create(e->ctx, &e->desc, &r, 1, &e->id));
	krun_init(&e->k, e->ctx, &e->vm, slow1, &e->log);
	e->p = minivm_gpa(&e->vm, GUEST_PARAM_ADDR, sizeof(*e->p));
	e->buf = minivm_gpa(&e->vm, GUEST_DATA_ADDR + c->buf_off,
			    STR_MAX * 4);
	ASSERT_NE(NULL, e->buf);
}

static void strenv_teardown(struct strenv *e)
{
	if (e->vm.run)
		minivm_destroy(&e->vm);
	if (e->ctx >= 0)
		close(e->ctx);
}

/* Load the guest for one string at register reg; outs send the pattern. */
static int load_string(struct strenv *e, const struct strcase *c, int reg)
{
	*e->p = (struct guest_strio_params){
		.port = SPORT + SOFF(reg), .size = c->width,
		.count = c->count, .write = c->write,
		.buf = GUEST_DATA_ADDR + c->buf_off,
	};
	memset(e->buf, 0, STR_MAX * 4);
	if (c->write)
		memcpy(e->buf, e->pattern, c->count * c->width);
	e->vm.stats = (struct minivm_stats){ 0 };
	return minivm_load(&e->vm, GUEST_IMAGE(strio), MINIVM_PROT32);
}

/* The guest's own report: the instruction ran to its end. */
static void check_guest(struct __test_metadata *_metadata,
			const struct guest_strio_params *p)
{
	EXPECT_EQ(0U, p->ecx);
	EXPECT_EQ(p->buf + p->count * p->size, p->end);
}

/* The exits KVM makes for this string, counted at level 0. */
static uint64_t level0_exits(struct __test_metadata *_metadata,
			     struct strenv *e, const struct strcase *c,
			     int reg)
{
	struct vmdev_rdev *rdev;
	struct rdevbus bus;
	uint32_t result = ~0U;
	uint64_t exits = 0;

	rdevbus_init(&bus, slow0, &e->log);
	ASSERT_EQ(0, vmdev_rdev_create(&e->desc, &rdev));
	ASSERT_EQ(0, rdevbus_add(&bus, rdev, VMDEV_SPACE_PIO, SPORT));
	if (!c->write)
		vmdev_rdev_fifo_fill(rdev, reg, e->pattern, c->count, NULL);
	if (!load_string(e, c, reg) &&
	    !minivm_run_guest(&e->vm, rdevbus_io, &bus, &result))
		exits = e->vm.stats.pio_exits;
	EXPECT_EQ((uint32_t)GUEST_PASS, result);
	rdevbus_fini(&bus);
	return exits;
}

FIXTURE(strio) {
	struct strenv e;
};

FIXTURE_VARIANT(strio) {
	struct strcase c;
};

/*
 * Long strings from an unaligned buffer (KVM cuts rep ins at page ends
 * and at 1 KiB), and short ones that fit one exit. rep outs exits once
 * per element whatever the length: a few hundred show it.
 */
FIXTURE_VARIANT_ADD(strio, insb) { .c = { 1, false, STR_MAX, 0x7f3 } };
FIXTURE_VARIANT_ADD(strio, insw) { .c = { 2, false, STR_MAX, 0x7f3 } };
FIXTURE_VARIANT_ADD(strio, insl) { .c = { 4, false, STR_MAX, 0x7f3 } };
FIXTURE_VARIANT_ADD(strio, outsb) { .c = { 1, true, STR_OUTS, 0xff9 } };
FIXTURE_VARIANT_ADD(strio, outsw) { .c = { 2, true, STR_OUTS, 0xff9 } };
FIXTURE_VARIANT_ADD(strio, outsl) { .c = { 4, true, STR_OUTS, 0xff9 } };
FIXTURE_VARIANT_ADD(strio, insb_short) { .c = { 1, false, 1000, 0 } };
FIXTURE_VARIANT_ADD(strio, insl_short) { .c = { 4, false, 200, 0 } };

FIXTURE_SETUP(strio)
{
	strenv_setup(_metadata, &self->e, &variant->c);
}

FIXTURE_TEARDOWN(strio)
{
	strenv_teardown(&self->e);
}

/*
 * Every element through a FIFO, in order, all in the kernel: as many
 * exits completed as KVM makes for the string (counted at level 0:
 * fewer than elements for rep ins, one per element for rep outs), none
 * in userspace but the guest's exit.
 */
TEST_F(strio, fifo)
{
	const struct strcase *c = &variant->c;
	struct strenv *e = &self->e;
	uint32_t w = c->width, n = c->count;
	int reg = c->write ? SIN : SOUT;
	struct vmdev_stats st;
	uint8_t *drained;
	uint64_t exits0;

	KRUN_REQUIRE(e->kvm_err, e->ctx);
	exits0 = level0_exits(_metadata, e, c, reg);
	ASSERT_NE(0U, exits0);
	/* One exit per element for rep outs, a few for rep ins. */
	EXPECT_EQ(c->write, exits0 == n);
	EXPECT_LE(exits0, n);

	ASSERT_EQ(0, load_string(e, c, reg));
	if (!c->write)
		ASSERT_EQ((int)n, kmod_fifo(e->ctx, e->id, reg,
					    VMDEV_FIFO_FILL, e->pattern, n));
	KRUN_EXPECT(&e->k, GUEST_PASS);
	check_guest(_metadata, e->p);
	EXPECT_EQ(exits0, e->k.fast_exits);
	EXPECT_EQ(1U, e->k.user_exits);
	EXPECT_EQ(0U, e->k.slow_ios);
	ASSERT_EQ(0, krun_stats(e->ctx, e->id, &st));
	EXPECT_EQ(n, st.fast);
	EXPECT_EQ(0U, st.slow);
	if (!c->write) {
		EXPECT_EQ(0, memcmp(e->pattern, e->buf, n * w));
		return;
	}
	drained = calloc(n, w);
	ASSERT_NE(NULL, drained);
	EXPECT_EQ((int)n, kmod_fifo(e->ctx, e->id, SIN, VMDEV_FIFO_DRAIN,
				    drained, n));
	EXPECT_EQ(0, memcmp(e->pattern, drained, n * w));
	free(drained);
}

/*
 * A string to a trap register: every exit reaches userspace as KVM made
 * it (a rep ins exit with all its elements), every element once and in
 * order.
 */
TEST_F(strio, slow_path)
{
	const struct strcase *c = &variant->c;
	struct strenv *e = &self->e;
	uint32_t w = c->width, n = c->count, i;
	uint64_t exits0, v;

	KRUN_REQUIRE(e->kvm_err, e->ctx);
	exits0 = level0_exits(_metadata, e, c, STRAP);
	ASSERT_NE(0U, exits0);
	memset(&e->log, 0, sizeof(e->log));
	e->log.next = 0x1000;

	ASSERT_EQ(0, load_string(e, c, STRAP));
	KRUN_EXPECT(&e->k, GUEST_PASS);
	check_guest(_metadata, e->p);
	EXPECT_EQ(0U, e->k.fast_exits);
	EXPECT_EQ(exits0 + 1, e->k.user_exits);
	if (!c->write)
		EXPECT_GT(e->vm.stats.pio_max_count, 1U);
	ASSERT_EQ(n, e->log.calls);
	for (i = 0; i < n; i++) {
		EXPECT_EQ((uint64_t)SPORT + SOFF(STRAP), e->log.io[i].addr);
		EXPECT_EQ(w, e->log.io[i].len);
		EXPECT_EQ(c->write, e->log.io[i].write);
		if (!c->write)
			continue;
		v = 0;
		memcpy(&v, e->pattern + i * w, w);
		EXPECT_EQ(v, e->log.io[i].data) TH_LOG("element %u", i);
	}
	for (i = 0; !c->write && i < n; i++) {
		v = 0;
		memcpy(&v, e->buf + i * w, w);
		EXPECT_EQ((0x1000 + i) & mask(w), v) TH_LOG("element %u", i);
	}
}

/*
 * A rep ins that KVM passes in one exit, and whose elements stop being
 * the kernel's part way through it: the bank turns into a trap register
 * when its FIFO runs dry after `split` elements.
 */
FIXTURE(strsplit) {
	struct strenv e;
};

FIXTURE_VARIANT(strsplit) {
	struct strcase c;
	uint32_t split;
};

/* Within the first chunk the kernel copies, at its end, past it. */
FIXTURE_VARIANT_ADD(strsplit, insb) { .c = { 1, false, 1000, 0 }, 333 };
FIXTURE_VARIANT_ADD(strsplit, insb_chunk) { .c = { 1, false, 200, 0 }, 64 };
FIXTURE_VARIANT_ADD(strsplit, insw) { .c = { 2, false, 16, 0 }, 5 };
FIXTURE_VARIANT_ADD(strsplit, insl) { .c = { 4, false, 200, 0 }, 199 };

FIXTURE_SETUP(strsplit)
{
	strenv_setup(_metadata, &self->e, &variant->c);
}

FIXTURE_TEARDOWN(strsplit)
{
	strenv_teardown(&self->e);
}

/* The slow path of a split exit: record what the exit says of itself. */
static int split_slow(void *opaque, struct minivm_io *io)
{
	struct strenv *e = opaque;
	const struct kvm_run *run = e->vm.run;

	if (!e->split_seen++) {
		e->split_count = run->io.count;
		e->split_offset = (uint32_t)run->io.data_offset;
	}
	return log_io(&e->log, io);
}

/*
 * The kernel completes its elements into KVM's data page and hands the
 * VMM an exit of the remaining ones, count and data_offset moved past
 * the completed elements. KVM then takes the whole string from the
 * page: the kernel's values first, the VMM's after.
 */
TEST_F(strsplit, kernel_then_vmm)
{
	const struct strcase *c = &variant->c;
	struct strenv *e = &self->e;
	uint32_t w = c->width, n = c->count, k = variant->split, i;
	long pg = sysconf(_SC_PAGESIZE);
	struct vmdev_stats st;
	uint64_t v, want;

	KRUN_REQUIRE(e->kvm_err, e->ctx);
	e->k.slow = split_slow;
	e->k.opaque = e;
	ASSERT_EQ(0, load_string(e, c, BANK_FIFO));
	ASSERT_EQ((int)k, kmod_fifo(e->ctx, e->id, BANK_FIFO,
				    VMDEV_FIFO_FILL, e->pattern, k));
	KRUN_EXPECT(&e->k, GUEST_PASS);
	check_guest(_metadata, e->p);

	/* One exit, not all completed here: it and the guest's exit. */
	EXPECT_EQ(0U, e->k.fast_exits);
	EXPECT_EQ(2U, e->k.user_exits);
	EXPECT_EQ(n - k, e->k.slow_ios);
	EXPECT_EQ(n - k, e->split_count);
	EXPECT_EQ(pg + k * w, e->split_offset);
	ASSERT_EQ(0, krun_stats(e->ctx, e->id, &st));
	EXPECT_EQ(k, st.fast);
	EXPECT_EQ(1U, st.slow);

	for (i = 0; i < n; i++) {
		v = 0;
		memcpy(&v, e->buf + i * w, w);
		want = 0;
		if (i < k)
			memcpy(&want, e->pattern + i * w, w);
		else
			want = (0x1000 + i - k) & mask(w);
		EXPECT_EQ(want, v) TH_LOG("element %u", i);
	}
}

/* ---- the 16550 transmit path ------------------------------------- */

#define COM1		0x3f8
#define DIVISOR		0x0180
#define UART_POLLS_MAX	64

static const char greeting[] =
	"Hello from a nested KVM guest, through vmdev's in-kernel 16550.\r\n";

FIXTURE(uart) {
	int ctx, kvm_err;
	uint32_t id;
	struct minivm vm;
	struct krun k;
	struct guest_uart_params *p;
};

FIXTURE_SETUP(uart)
{
	struct vmdev_range r = {
		.base = COM1, .len = VMDEV_UART_WINDOW, .space = VMDEV_SPACE_PIO,
	};
	char *text;

	self->vm.run = NULL;
	KRUN_SETUP(self->ctx, self->kvm_err);
	if (self->kvm_err || self->ctx < 0)
		return;
	ASSERT_EQ(0, minivm_create(&self->vm, NULL));
	ASSERT_EQ(0, kmod_create(self->ctx, &vmdev_uart16550_map, &r, 1,
				 &self->id));
	krun_init(&self->k, self->ctx, &self->vm, NULL, NULL);
	self->p = minivm_gpa(&self->vm, GUEST_PARAM_ADDR, sizeof(*self->p));
	text = minivm_gpa(&self->vm, GUEST_DATA_ADDR, sizeof(greeting));
	ASSERT_NE(NULL, text);
	memcpy(text, greeting, sizeof(greeting));
}

FIXTURE_TEARDOWN(uart)
{
	if (self->vm.run)
		minivm_destroy(&self->vm);
	if (self->ctx >= 0)
		close(self->ctx);
}

static int load_uart(FIXTURE_DATA(uart) *self)
{
	*self->p = (struct guest_uart_params){
		.base = COM1, .len = sizeof(greeting) - 1,
		.text = GUEST_DATA_ADDR, .poll_max = UART_POLLS_MAX,
		.divisor = DIVISOR,
	};
	return minivm_load(&self->vm, GUEST_IMAGE(uart), MINIVM_PROT32);
}

/* The guest's accesses at level 0, on the same map in userspace. */
static uint64_t uart_level0(struct __test_metadata *_metadata,
			    FIXTURE_DATA(uart) *self, uint32_t *polls)
{
	struct vmdev_rdev *rdev;
	struct rdevbus bus;
	uint32_t result = ~0U;
	uint64_t done = 0;

	rdevbus_init(&bus, NULL, NULL);
	if (vmdev_rdev_create(&vmdev_uart16550_map, &rdev))
		return 0;
	if (rdevbus_add(&bus, rdev, VMDEV_SPACE_PIO, COM1) < 0) {
		vmdev_rdev_destroy(rdev);
		return 0;
	}
	if (!load_uart(self) &&
	    !minivm_run_guest(&self->vm, rdevbus_io, &bus, &result))
		done = bus.devs[0].done;
	EXPECT_EQ((uint32_t)GUEST_PASS, result);
	EXPECT_EQ(done, self->vm.stats.pio_exits);
	*polls = self->p->polls;
	rdevbus_fini(&bus);
	return done;
}

/*
 * A driver prints a text through the in-kernel 16550 without one exit
 * to userspace; the VMM reads the exact text from THR and the state the
 * driver programmed from the registers, and the guest saw the same as
 * at level 0.
 */
TEST_F(uart, prints_text)
{
	uint32_t len = sizeof(greeting) - 1, polls0;
	char out[sizeof(greeting)] = { 0 };
	struct vmdev_stats st;
	uint64_t accesses0, v;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	accesses0 = uart_level0(_metadata, self, &polls0);
	ASSERT_NE(0U, accesses0);

	ASSERT_EQ(0, load_uart(self));
	KRUN_EXPECT(&self->k, GUEST_PASS);
	EXPECT_EQ(1U, self->k.user_exits);
	EXPECT_EQ(0U, self->k.slow_ios);
	EXPECT_EQ(accesses0, self->k.fast_exits);
	EXPECT_EQ(polls0, self->p->polls);
	EXPECT_EQ(len + 1, self->p->polls);

	ASSERT_EQ((int)len, kmod_fifo(self->ctx, self->id, VMDEV_UART_THR,
				      VMDEV_FIFO_DRAIN, out, sizeof(out)));
	EXPECT_STREQ(greeting, out);
	ASSERT_EQ(0, krun_stats(self->ctx, self->id, &st));
	EXPECT_EQ(accesses0, st.fast);
	EXPECT_EQ(0U, st.slow);

	EXPECT_EQ((uint32_t)UART_LCR_8N1, self->p->lcr_out);
	EXPECT_EQ((uint32_t)DIVISOR, self->p->divisor_out);
	EXPECT_EQ((uint32_t)UART_SCR_PATTERN, self->p->scr_out);
	ASSERT_EQ(0, kmod_reg_read(self->ctx, self->id, VMDEV_UART_LCR, &v));
	EXPECT_EQ((uint64_t)UART_LCR_8N1, v);
	ASSERT_EQ(0, kmod_reg_read(self->ctx, self->id, VMDEV_UART_DLL, &v));
	EXPECT_EQ((uint64_t)(DIVISOR & 0xff), v);
	ASSERT_EQ(0, kmod_reg_read(self->ctx, self->id, VMDEV_UART_DLM, &v));
	EXPECT_EQ((uint64_t)(DIVISOR >> 8), v);
	ASSERT_EQ(0, kmod_reg_read(self->ctx, self->id, VMDEV_UART_MCR, &v));
	EXPECT_EQ((uint64_t)UART_MCR_DTR_RTS_OUT2, v);
}

/* ---- exits that are not accesses --------------------------------- */

#define OTHER_PORT	0x6300

FIXTURE(other_exits) {
	int ctx, kvm_err;
	uint32_t id;
	struct minivm vm;
	struct guest_probe_params *p;
};

FIXTURE_SETUP(other_exits)
{
	self->vm.run = NULL;
	KRUN_SETUP(self->ctx, self->kvm_err);
	if (self->kvm_err || self->ctx < 0)
		return;
	ASSERT_EQ(0, minivm_create(&self->vm, NULL));
	ASSERT_EQ(0, kmod_create1(self->ctx, PIO, OTHER_PORT, KMOD_WINDOW,
				  &self->id));
	self->p = minivm_gpa(&self->vm, GUEST_PARAM_ADDR, sizeof(*self->p));
}

FIXTURE_TEARDOWN(other_exits)
{
	if (self->vm.run)
		minivm_destroy(&self->vm);
	if (self->ctx >= 0)
		close(self->ctx);
}

/* Run the probe guest's op once through VMDEV_RUN: the exit it ends on. */
static uint32_t probe_exit(struct __test_metadata *_metadata,
			   FIXTURE_DATA(other_exits) *self, uint32_t op,
			   uint64_t *exits)
{
	*self->p = (struct guest_probe_params){
		.op = op, .port = OTHER_PORT + 4, .value = 0,
	};
	if (minivm_load(&self->vm, GUEST_IMAGE(probe), MINIVM_PROT32))
		return ~0U;
	EXPECT_EQ(0, krun_once(self->ctx, &self->vm, exits));
	return self->vm.run->exit_reason;
}

/*
 * Any exit but an access goes back to the VMM as KVM made it: a halt
 * (no in-kernel irqchip here), a triple fault.
 */
TEST_F(other_exits, halt_and_shutdown)
{
	uint64_t exits;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	EXPECT_EQ((uint32_t)KVM_EXIT_HLT,
		  probe_exit(_metadata, self, GUEST_PROBE_HALT, &exits));
	EXPECT_EQ(0U, exits);
	EXPECT_EQ((uint32_t)KVM_EXIT_SHUTDOWN,
		  probe_exit(_metadata, self, GUEST_PROBE_SHUTDOWN, &exits));
	EXPECT_EQ(0U, exits);
}

/*
 * A register read completed in the kernel goes to the guest (which
 * exits with it); the exit port's write, a slow PIO exit, reaches the
 * VMM with its data intact at data_offset.
 */
TEST_F(other_exits, read_then_slow_write)
{
	const struct kvm_run *run = self->vm.run;
	uint32_t value = 0;
	uint64_t exits;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	ASSERT_EQ((uint32_t)KVM_EXIT_IO,
		  probe_exit(_metadata, self, GUEST_PROBE_IN, &exits));
	EXPECT_EQ(1U, exits);
	EXPECT_EQ(KVM_EXIT_IO_OUT, run->io.direction);
	EXPECT_EQ(GUEST_PORT_EXIT, run->io.port);
	EXPECT_EQ(4, run->io.size);
	EXPECT_EQ(1U, run->io.count);
	memcpy(&value, (const uint8_t *)run + run->io.data_offset, 4);
	EXPECT_EQ(KMOD_CONST, value);
}

TEST_HARNESS_MAIN
