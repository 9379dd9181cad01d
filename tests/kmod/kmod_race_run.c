// SPDX-License-Identifier: GPL-2.0
/*
 * Devices destroyed, recreated and reset while two vCPUs of one VM
 * dispatch into them through VMDEV_RUN. Each vCPU runs the race guest:
 * reads and writes, PIO and MMIO, of every size, to a device that stays
 * (constants, and a register of its own that it writes and reads back)
 * and to a transient device whose every generation carries its number
 * in CONST registers. Meanwhile the main thread creates a generation,
 * resets it, destroys it, publishes the destroyed generation to the
 * guest, and goes on; odd generations are mapped on sixteen ranges on
 * both sides of the stable device, so that every change moves the
 * stable device's place in the bus table.
 *
 * Asserted: no access to the stable device ever failed or reached
 * userspace (its counters say every one completed in the kernel); every
 * read of the transient device returned a generation alive when the
 * access began, or came to userspace as an ordinary exit; and every
 * access the guests made was completed exactly once.
 *
 * Twice: at level 1 (the run loop completes every access), and at level
 * 3, the context attached to the VM, so that the devices sit on KVM's
 * bus, most accesses complete inside KVM with no exit at all, and every
 * generation of the transient device moves the context's KVM bus
 * devices.
 */
#include "kselftest_harness.h"
#include "kmod_race.h"
#include "kmod_level3.h"

#define S_PIO		0x6000		/* the stable device */
#define S_MMIO		0xd0000000ULL
#define T_PIO		0x6100		/* the transient device */
#define T_MMIO		0xd0001000ULL
#define MARK		0xa5000000U
#define NR_STABLE	10		/* table entries on the stable device */

/*
 * The transient device: its generation in a 4-byte and (twice) an
 * 8-byte constant, and a register the guests poke.
 */
enum { T_C32, T_C64, T_RW, T_NR_REGS };
#define T_WINDOW	24

static int create_transient(int ctx, uint32_t gen, uint32_t *id)
{
	uint64_t m = MARK | gen;
	struct vmdev_reg regs[T_NR_REGS] = {
		[T_C32] = { .offset = 0, .width = 4, .type = VMDEV_REG_CONST,
			    .reset = m, .sel_reg = VMDEV_SEL_NONE },
		[T_C64] = { .offset = 8, .width = 8, .type = VMDEV_REG_CONST,
			    .flags = VMDEV_REG_F_PARTIAL, .reset = m << 32 | m,
			    .sel_reg = VMDEV_SEL_NONE },
		[T_RW] = { .offset = 16, .width = 4, .type = VMDEV_REG_RW,
			   .wmask = 0xffffffff, .reset = m,
			   .sel_reg = VMDEV_SEL_NONE },
	};
	struct vmdev_rdev_desc d = {
		.dev_size = T_WINDOW, .nr_regs = T_NR_REGS, .regs = regs,
	};
	struct vmdev_range r[VMDEV_MAX_DEV_RANGES];
	uint32_t i, n = gen & 1 ? VMDEV_MAX_DEV_RANGES : 2;

	r[0] = kmod_range(PIO, T_PIO, T_WINDOW);
	r[1] = kmod_range(MMIO, T_MMIO, T_WINDOW);
	/* Below and above the stable device in both spaces. */
	for (i = 2; i < n; i++)
		r[i] = i & 1 ? kmod_range(PIO, (i < 9 ? 0x5000 : 0x7000) +
					  i * 0x20, T_WINDOW) :
			       kmod_range(MMIO, (i < 9 ? 0xc0000000ULL :
						 0xe0000000ULL) + i * 0x1000,
					  T_WINDOW);
	return kmod_create(ctx, &d, r, n, id);
}

/*
 * The stable device's entries, then the transient one's: markers of
 * every size and space, and writes.
 */
static void fill_table(struct krace *r)
{
	const struct guest_race_op t[] = {
		{ RACE_OP(MARKER, PIO, 4, T_PIO, 0, MARK) },
		{ RACE_OP(MARKER, MMIO, 8, T_MMIO + 8, 0, MARK) },
		{ RACE_OP(POKE, MMIO, 4, T_MMIO + 16, 0, MARK) },
		{ RACE_OP(MARKER, MMIO, 4, T_MMIO, 0, MARK) },
		{ RACE_OP(POKE, PIO, 4, T_PIO + 16, 0, MARK) },
		{ RACE_OP(MARKER, PIO, 4, T_PIO + 8, 0, MARK) },
	};
	unsigned int i;

	krace_stable_ops(r->p, S_PIO, S_MMIO, NR_STABLE);
	for (i = 0; i < KMOD_ARRAY_SIZE(t); i++)
		r->p->ops[r->p->nr_ops++] = t[i];
}

FIXTURE(race_run) {
	int ctx, kvm_err;
	uint32_t stable;
	struct krace r;
};

FIXTURE_VARIANT(race_run) {
	bool kvm_bus;		/* level 3: attached to the VM */
};

FIXTURE_VARIANT_ADD(race_run, run_loop) {
	.kvm_bus = false,
};

FIXTURE_VARIANT_ADD(race_run, kvm_bus) {
	.kvm_bus = true,
};

FIXTURE_SETUP(race_run)
{
	KRUN_SETUP(self->ctx, self->kvm_err);
	if (self->kvm_err || self->ctx < 0)
		return;
	ASSERT_EQ(0, krace_init(&self->r));
	if (variant->kvm_bus)
		ASSERT_EQ(0, kl3_attach(self->ctx, self->r.vm.vm_fd));
	ASSERT_EQ(0, krace_stable_create(self->ctx, S_PIO, S_MMIO,
					 &self->stable));
	fill_table(&self->r);
	krace_zone_add(self->r.gone, &self->r.nr_gone, PIO, T_PIO, T_WINDOW);
	krace_zone_add(self->r.gone, &self->r.nr_gone, MMIO, T_MMIO,
		       T_WINDOW);
	krace_use(&self->r, 0, self->ctx);
}

FIXTURE_TEARDOWN(race_run)
{
	krace_fini(&self->r);
	if (self->ctx >= 0)
		close(self->ctx);
}

/*
 * One generation: created, reset once or twice while the guests read
 * it, destroyed; then published as dead, and a pause with nothing
 * mapped there. 0 or the first error.
 */
static int generation(FIXTURE_DATA(race_run) *self, uint32_t gen)
{
	uint32_t id, i;
	int ret;

	ret = create_transient(self->ctx, gen, &id);
	for (i = 0; !ret && i <= gen % 2; i++) {
		usleep(200 + gen % 4 * 200);
		ret = kmod_reset(self->ctx, id);
	}
	if (ret)
		return ret;
	ret = kmod_destroy(self->ctx, id);
	if (ret)
		return ret;
	__atomic_store_n(&self->r.p->dead, gen, __ATOMIC_RELEASE);
	usleep(gen % 3 * 300);
	return 0;
}

TEST_F_TIMEOUT(race_run, destroy_while_dispatching, 120)
{
	struct vmdev_stats st;
	uint64_t end, t0, stable_accesses;
	uint32_t gens = 0;
	int ret = 0;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	t0 = krace_now_ms();
	ASSERT_EQ(0, krace_start(&self->r));
	end = krace_now_ms() + KRACE_RUN_MS;
	while (!ret && krace_now_ms() < end && krace_running(&self->r))
		ret = generation(self, ++gens);
	krace_stop(&self->r);
	EXPECT_EQ(0, ret) TH_LOG("generation %u: %s", gens, strerror(-ret));

	TH_LOG("%u generations in %llu ms; per vCPU: %llu/%llu rounds, "
	       "%llu/%llu accesses; transient reads: %llu hits, %llu gone; "
	       "%llu exits in the kernel, %llu in userspace",
	       gens, (unsigned long long)(krace_now_ms() - t0),
	       (unsigned long long)self->r.p->vcpu[0].rounds,
	       (unsigned long long)self->r.p->vcpu[1].rounds,
	       (unsigned long long)self->r.p->vcpu[0].accesses,
	       (unsigned long long)self->r.p->vcpu[1].accesses,
	       (unsigned long long)KRACE_GUEST_SUM(&self->r, hits),
	       (unsigned long long)KRACE_GUEST_SUM(&self->r, gone),
	       (unsigned long long)KRACE_VMM_SUM(&self->r, kernel_exits),
	       (unsigned long long)KRACE_VMM_SUM(&self->r, user_exits));
	KRACE_ASSERT_CLEAN(&self->r);
	/*
	 * At level 1 every access was an exit, completed once; at level 3
	 * most made no exit at all, and those that did (a device gone, or
	 * met while KVM's bus was being changed) were completed once.
	 */
	if (variant->kvm_bus) {
		EXPECT_LT(KRACE_EXITS(&self->r) * 2,
			  KRACE_GUEST_SUM(&self->r, accesses));
	} else {
		EXPECT_EQ(KRACE_GUEST_SUM(&self->r, accesses),
			  KRACE_EXITS(&self->r));
	}
	/* Every stable access was the stable device's, in the kernel. */
	stable_accesses = KRACE_GUEST_SUM(&self->r, rounds) * NR_STABLE;
	ASSERT_EQ(0, krun_stats(self->ctx, self->stable, &st));
	EXPECT_EQ(stable_accesses, st.fast);
	EXPECT_EQ(0U, st.slow);
	/* The race ran both ways: generations found, and found gone. */
	EXPECT_LT(1U, gens);
	EXPECT_LT(0U, KRACE_GUEST_SUM(&self->r, hits));
	EXPECT_LT(0U, KRACE_GUEST_SUM(&self->r, gone));
}

TEST_HARNESS_MAIN
