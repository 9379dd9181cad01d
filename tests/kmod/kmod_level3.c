// SPDX-License-Identifier: GPL-2.0
/*
 * Level 3 of the fast path: register devices on KVM's own I/O bus. The
 * context is attached to the VM (VMDEV_KVM_ATTACH) and the access guest
 * runs every register behaviour at every width, PIO 1/2/4 and MMIO
 * 1/2/4/8, as in kmod_run.c at level 1. Asserted: the guest reads what
 * it reads at level 0 and the device ends in the same state; KVM_RUN
 * returns only for the trap accesses (with their data) and the guest's
 * exit, through VMDEV_RUN or a plain KVM_RUN alike; the counters count
 * every access once; VMDEV_GET_LEVEL says where each address is served.
 */
#include <errno.h>
#include <string.h>
#include <linux/vmdev.h>

#include "kselftest_harness.h"
#include "kmod_run.h"
#include "rdevbus.h"
#include "kmod_behaviour.h"
#include "kmod_level3.h"

GUEST_IMAGE_DECLARE(access);

FIXTURE(l3) {
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

FIXTURE_VARIANT(l3) {
	uint8_t space;
	uint32_t width;
};

FIXTURE_VARIANT_ADD(l3, pio1) { .space = VMDEV_SPACE_PIO, .width = 1 };
FIXTURE_VARIANT_ADD(l3, pio2) { .space = VMDEV_SPACE_PIO, .width = 2 };
FIXTURE_VARIANT_ADD(l3, pio4) { .space = VMDEV_SPACE_PIO, .width = 4 };
FIXTURE_VARIANT_ADD(l3, mmio1) { .space = VMDEV_SPACE_MMIO, .width = 1 };
FIXTURE_VARIANT_ADD(l3, mmio2) { .space = VMDEV_SPACE_MMIO, .width = 2 };
FIXTURE_VARIANT_ADD(l3, mmio4) { .space = VMDEV_SPACE_MMIO, .width = 4 };
FIXTURE_VARIANT_ADD(l3, mmio8) { .space = VMDEV_SPACE_MMIO, .width = 8 };

static uint64_t base_of(uint8_t space)
{
	return space == VMDEV_SPACE_PIO ? PIO_BASE : MMIO_BASE;
}

FIXTURE_SETUP(l3)
{
	struct vmdev_range r = {
		.base = base_of(variant->space), .len = WINDOW,
		.space = variant->space,
	};

	memset(&self->log, 0, sizeof(self->log));
	self->vm.run = NULL;
	KRUN_SETUP(self->ctx, self->kvm_err);
	if (self->kvm_err || self->ctx < 0)
		return;
	ASSERT_EQ(VMDEV_L3_READY, kl3_state(self->ctx)) {
		TH_LOG("level 3 is not available: see dmesg");
	}
	ASSERT_EQ(0, minivm_create(&self->vm, NULL));
	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(access),
				 MINIVM_LONG64));
	make_map(self->regs, &self->irq, &self->desc, variant->width);
	ASSERT_EQ(0, kmod_create(self->ctx, &self->desc, &r, 1, &self->id));
	ASSERT_EQ(0, kl3_attach(self->ctx, self->vm.vm_fd));
	krun_init(&self->k, self->ctx, &self->vm, slow1, &self->log);
	self->p = minivm_gpa(&self->vm, GUEST_PARAM_ADDR, GUEST_PARAM_SIZE);
	ASSERT_NE(NULL, self->p);
	self->t = (struct table){
		.p = self->p, .space = variant->space, .width = variant->width,
		.base = r.base,
	};
}

FIXTURE_TEARDOWN(l3)
{
	if (self->vm.run)
		minivm_destroy(&self->vm);
	if (self->ctx >= 0)
		close(self->ctx);
}

static int fill_fout(int ctx, uint32_t id, uint32_t w)
{
	uint64_t e[2] = { fifo_value(10), fifo_value(11) }, buf[2] = { 0, 0 };
	uint32_t i;

	for (i = 0; i < 2; i++)
		memcpy((uint8_t *)buf + i * w, &e[i], w);
	return kmod_fifo(ctx, id, FOUT, VMDEV_FIFO_FILL, buf, 2);
}

/* The two trap accesses reached the VMM, with their data. */
static void check_traps(struct __test_metadata *_metadata,
			const struct slow_log *log, uint64_t base,
			uint8_t space, uint32_t w)
{
	uint32_t i;

	ASSERT_EQ(NR_TRAPS, log->calls);
	for (i = 0; i < NR_TRAPS; i++) {
		EXPECT_EQ(base + SLOT(TRAP), log->io[i].addr);
		EXPECT_EQ(w, log->io[i].len);
		EXPECT_EQ(space, log->io[i].space);
	}
	EXPECT_TRUE(log->io[0].write);
	EXPECT_EQ(PATTERN & mask(w), log->io[0].data);
	EXPECT_FALSE(log->io[1].write);
}

/* Counters, state and FIFO after one run of the table. */
static void check_device(struct __test_metadata *_metadata,
			 FIXTURE_DATA(l3) *self, uint32_t nr, uint32_t w)
{
	struct kdev kd = { .ctx = self->ctx, .id = self->id };
	uint64_t v, drained[FIFO_DEPTH] = { 0 };
	struct vmdev_stats st;
	uint32_t i;

	ASSERT_EQ(0, krun_stats(self->ctx, self->id, &st));
	EXPECT_EQ(nr - NR_TRAPS, st.fast);
	EXPECT_EQ(NR_TRAPS, st.slow);
	EXPECT_EQ(1U, st.irqs);
	EXPECT_EQ(1U, st.doorbells);
	check_state(_metadata, kdev_read, &kd, w);
	ASSERT_EQ(3, kmod_fifo(self->ctx, self->id, FIN, VMDEV_FIFO_DRAIN,
			       drained, FIFO_DEPTH));
	for (i = 0; i < 3; i++) {
		v = 0;
		memcpy(&v, (uint8_t *)drained + i * w, w);
		EXPECT_EQ(fifo_value(i) & mask(w), v);
	}
}

/*
 * Through VMDEV_RUN, as a level 1 VMM runs its vCPUs: the loop never
 * completes an exit, because KVM never makes one but for the traps.
 */
TEST_F(l3, run_loop_sees_only_traps)
{
	uint32_t w = variant->width, nr;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	every_behaviour(&self->t);
	nr = self->p->nr_ops;
	ASSERT_EQ(2, fill_fout(self->ctx, self->id, w));
	KRUN_EXPECT(&self->k, GUEST_PASS);
	ASSERT_EQ(nr, self->p->done);
	EXPECT_EQ(0U, self->p->failed);
	EXPECT_EQ(0U, self->k.fast_exits);
	EXPECT_EQ(NR_TRAPS + 1U, self->k.user_exits);
	check_traps(_metadata, &self->log, self->t.base, variant->space, w);
	/* A trap is counted once: by the dispatch that sent it on. */
	check_device(_metadata, self, nr, w);
}

/* The VMM's slow path at level 0: a trap goes through VMDEV_ACCESS. */
static int slow_access(void *opaque, struct minivm_io *io)
{
	FIXTURE_DATA(l3) *self = opaque;
	int ret;

	ret = kmod_access(self->ctx, io->space, io->addr, io->len, io->write,
			  &io->data);
	if (ret < 0)
		return ret;
	return ret == SLOW ? log_io(&self->log, io) : -EPROTO;
}

/*
 * A plain KVM_RUN loop (no VMDEV_RUN at all): KVM_RUN returns once per
 * trap access and for the guest's exit, never for the rest.
 */
TEST_F(l3, kvm_run_returns_only_for_traps)
{
	uint32_t w = variant->width, nr, result = ~0U;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	every_behaviour(&self->t);
	nr = self->p->nr_ops;
	ASSERT_EQ(2, fill_fout(self->ctx, self->id, w));
	ASSERT_EQ(0, minivm_run_guest(&self->vm, slow_access, self, &result));
	EXPECT_EQ((uint32_t)GUEST_PASS, result);
	ASSERT_EQ(nr, self->p->done);
	EXPECT_EQ(0U, self->p->failed);
	EXPECT_EQ(NR_TRAPS, self->vm.stats.pio_exits +
			    self->vm.stats.mmio_exits);
	check_traps(_metadata, &self->log, self->t.base, variant->space, w);
	check_device(_metadata, self, nr, w);
}

/* The table at level 0 (the core in userspace), its reads saved. */
static int run_level0(struct __test_metadata *_metadata,
		      FIXTURE_DATA(l3) *self)
{
	uint64_t e[2] = { fifo_value(10), fifo_value(11) };
	struct vmdev_rdev *rdev;
	struct rdevbus bus;
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
	for (i = 0; i < 2; i++)
		vmdev_rdev_fifo_fill(rdev, FOUT, &e[i], 1, NULL);
	every_behaviour(&self->t);
	ret = minivm_run_guest(&self->vm, rdevbus_io, &bus, &result);
	for (i = 0; i < self->p->nr_ops; i++)
		self->got[i] = self->p->ops[i].got;
	check_state(_metadata, rdev_read, rdev, self->t.width);
	rdevbus_fini(&bus);
	EXPECT_EQ((uint32_t)GUEST_PASS, result);
	return ret;
}

/*
 * Level 0 in a VM of its own (this one's addresses are on KVM's bus),
 * then level 3: the guest reads the same values, the devices end in
 * the same state.
 */
TEST_F(l3, same_as_userspace)
{
	struct kdev kd = { .ctx = self->ctx, .id = self->id };
	struct minivm vm3 = self->vm;
	uint32_t i;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	ASSERT_EQ(0, minivm_create(&self->vm, NULL));
	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(access),
				 MINIVM_LONG64));
	self->p = minivm_gpa(&self->vm, GUEST_PARAM_ADDR, GUEST_PARAM_SIZE);
	self->t.p = self->p;
	ASSERT_EQ(0, run_level0(_metadata, self));
	EXPECT_EQ(NR_TRAPS, self->log.calls);
	minivm_destroy(&self->vm);

	self->vm = vm3;
	self->k.vm = &self->vm;
	self->p = minivm_gpa(&self->vm, GUEST_PARAM_ADDR, GUEST_PARAM_SIZE);
	self->t.p = self->p;
	every_behaviour(&self->t);
	ASSERT_EQ(2, fill_fout(self->ctx, self->id, variant->width));
	KRUN_EXPECT(&self->k, GUEST_PASS);
	for (i = 0; i < self->p->nr_ops; i++)
		EXPECT_EQ(self->got[i], self->p->ops[i].got) TH_LOG("op %u", i);
	EXPECT_EQ(0U, self->k.fast_exits);
	EXPECT_EQ(2 * NR_TRAPS, self->log.calls);
	check_state(_metadata, kdev_read, &kd, variant->width);
}

/* Where each address is served, and the one KVM device it takes. */
TEST_F(l3, levels)
{
	struct vmdev_level l;
	uint64_t b = self->t.base;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	ASSERT_EQ(0, kl3_level(self->ctx, variant->space, b, &l));
	EXPECT_EQ((uint32_t)VMDEV_LEVEL_KVM_BUS, l.level);
	EXPECT_EQ((uint32_t)VMDEV_L3_READY, l.l3_state);
	EXPECT_EQ(1U, l.attached);
	EXPECT_EQ(1U, l.windows);
	EXPECT_EQ(VMDEV_LEVEL_KVM_BUS,
		  kl3_level_of(self->ctx, variant->space, b + WINDOW - 1));
	EXPECT_EQ(VMDEV_LEVEL_NONE,
		  kl3_level_of(self->ctx, variant->space, b + WINDOW));
	EXPECT_EQ(VMDEV_LEVEL_NONE,
		  kl3_level_of(self->ctx, variant->space, b - 1));
	EXPECT_EQ(VMDEV_LEVEL_NONE,
		  kl3_level_of(self->ctx, !variant->space, b & 0xffff));
	/* Bad input: space, an address past the port space, outputs set. */
	EXPECT_EQ(-EINVAL, kl3_level_of(self->ctx, 2, b));
	EXPECT_EQ(-EINVAL, kl3_level_of(self->ctx, VMDEV_SPACE_PIO, 0x10000));
	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	l.level = 1;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->ctx, VMDEV_GET_LEVEL, &l));
	/* Gone with the device. */
	ASSERT_EQ(0, kmod_destroy(self->ctx, self->id));
	ASSERT_EQ(0, kl3_level(self->ctx, variant->space, b, &l));
	EXPECT_EQ((uint32_t)VMDEV_LEVEL_NONE, l.level);
	EXPECT_EQ(0U, l.windows);
	EXPECT_EQ(1U, l.attached);
}

TEST_HARNESS_MAIN
