// SPDX-License-Identifier: GPL-2.0
/*
 * The race guest (tests/guest/race.S) on two vCPUs of one minivm, each
 * run by a thread of its own, with its devices emulated here: the
 * vCPUs start together with their own index and stack, make each
 * access at their own address, count exactly what they did, and the
 * guest's checks catch what the race tests rely on them to catch: a
 * wrong value, a stale or torn generation marker, told apart from a
 * live one and from the VMM's "gone". Also minivm's vCPU bounds.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>
#include <linux/vmdev.h>

#include "kselftest_harness.h"
#include "guest_test.h"

GUEST_IMAGE_DECLARE(race);

#define NR_VCPUS	2
#define STABLE_PIO	0x6000
#define STABLE_MMIO	0xd0000000ULL
#define TRANS_PIO	0x6100
#define TRANS_MMIO	0xd0001000ULL
#define CONST32_OFF	0		/* 4 bytes */
#define CONST64_OFF	8		/* 8 bytes */
#define STORE_OFF	16		/* 8 bytes per vCPU, stride 8 */
#define WINDOW		(STORE_OFF + 8 * RACE_MAX_VCPUS)
#define CONST32		0x5eb1e5edU
#define CONST64		0x0123456789abcdefULL
#define MARK		0xa5000000U
#define DEAD		100U
#define ROUNDS		40U

static uint64_t mask(uint32_t len)
{
	return len == 8 ? ~0ULL : (1ULL << (8 * len)) - 1;
}

/* What the marker reads were answered, by the guest's verdict. */
enum { HIT, GONE, STALE, NR_VERDICTS };

/* The devices and what each vCPU did to them (its own slot only). */
struct bed {
	uint64_t store[RACE_MAX_VCPUS];
	uint64_t accesses[RACE_MAX_VCPUS];
	uint64_t markers[RACE_MAX_VCPUS];
	uint64_t verdicts[RACE_MAX_VCPUS][NR_VERDICTS];
	atomic_uint foreign;	/* a vCPU touched another's slot */
	atomic_uint unknown;	/* an access outside the devices */
};

/* The bytes of the stable window a read of len at off returns. */
static uint64_t stable_read(struct bed *b, unsigned int vcpu, uint64_t off,
			    uint32_t len)
{
	uint8_t img[WINDOW] = { 0 };
	uint64_t c64 = CONST64, v = 0;
	uint32_t c32 = CONST32;

	memcpy(img + CONST32_OFF, &c32, 4);
	memcpy(img + CONST64_OFF, &c64, 8);
	memcpy(img + STORE_OFF + 8 * vcpu, &b->store[vcpu], 8);
	memcpy(&v, img + off, len);
	return v;
}

/*
 * The k-th marker read of a vCPU gets, in turn: a live generation, the
 * VMM's "gone", a destroyed generation, a foreign marker byte and (8
 * bytes) two different halves; each answer's verdict is tallied.
 */
static uint64_t marker(struct bed *b, unsigned int vcpu, uint32_t len)
{
	uint64_t k = b->markers[vcpu]++;
	uint32_t live = MARK | (uint32_t)(DEAD + 1 + k), v;
	int verdict = STALE;

	switch (k % 5) {
	case 0:
		v = live;
		verdict = HIT;
		break;
	case 1:
		b->verdicts[vcpu][GONE]++;
		return mask(len);
	case 2:
		v = MARK | DEAD;
		break;
	case 3:
		v = 0x5a000000U | (DEAD + 1);
		break;
	default:
		if (len == 8) {
			b->verdicts[vcpu][STALE]++;
			return (uint64_t)(live + 1) << 32 | live;
		}
		v = live;
		verdict = HIT;
		break;
	}
	b->verdicts[vcpu][verdict]++;
	return len == 8 ? (uint64_t)v << 32 | v : v;
}

static int bed_io(void *opaque, struct minivm_io *io)
{
	struct bed *b = opaque;
	uint64_t base = io->space == VMDEV_SPACE_PIO ? STABLE_PIO :
						       STABLE_MMIO;
	uint64_t tbase = io->space == VMDEV_SPACE_PIO ? TRANS_PIO :
							TRANS_MMIO;
	uint64_t off = io->addr - base, slot;

	b->accesses[io->vcpu]++;
	if (io->addr - tbase < WINDOW && !io->write) {
		io->data = marker(b, io->vcpu, io->len);
		return 0;
	}
	if (off >= WINDOW || io->len > WINDOW - off) {
		atomic_fetch_add(&b->unknown, 1);
		return -ENXIO;
	}
	if (off >= STORE_OFF) {
		slot = (off - STORE_OFF) / 8;
		if (slot != io->vcpu)
			atomic_fetch_add(&b->foreign, 1);
	}
	if (!io->write) {
		io->data = stable_read(b, io->vcpu, off, io->len);
		return 0;
	}
	if (off < STORE_OFF || (off - STORE_OFF) % 8 + io->len > 8)
		return -EPERM;
	memcpy((uint8_t *)&b->store[io->vcpu] + (off - STORE_OFF) % 8,
	       &io->data, io->len);
	return 0;
}

/* ---- two vCPU threads ------------------------------------------------- */

struct vcpu_thread {
	pthread_t tid;
	struct minivm *vm;
	struct bed *bed;
	unsigned int index;
	int ret;
	uint32_t result;
};

static void *vcpu_main(void *arg)
{
	struct vcpu_thread *t = arg;

	t->ret = minivm_run_vcpu_guest(t->vm, t->index, bed_io, t->bed,
				       &t->result);
	return NULL;
}

FIXTURE(race) {
	int kvm_err;
	struct minivm vm;
	struct guest_race_params *p;
	struct bed bed;
	struct vcpu_thread t[NR_VCPUS];
};

FIXTURE_VARIANT(race) {
	bool irqchip;
};

FIXTURE_VARIANT_ADD(race, plain) {
	.irqchip = false,
};

/* The second vCPU is an application processor: made runnable. */
FIXTURE_VARIANT_ADD(race, irqchip) {
	.irqchip = true,
};

FIXTURE_SETUP(race)
{
	struct minivm_opts opts = {
		.irqchip = variant->irqchip, .nr_vcpus = NR_VCPUS,
	};

	memset(&self->bed, 0, sizeof(self->bed));
	self->vm.vm_fd = -1;
	self->kvm_err = minivm_usable();
	if (self->kvm_err)
		return;
	ASSERT_EQ(0, minivm_create(&self->vm, &opts));
	ASSERT_EQ((unsigned int)NR_VCPUS, self->vm.nr_vcpus);
	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(race),
				 MINIVM_LONG64));
	self->p = minivm_gpa(&self->vm, GUEST_PARAM_ADDR, GUEST_PARAM_SIZE);
	ASSERT_NE(NULL, self->p);
	self->p->max_rounds = ROUNDS;
	self->p->dead = DEAD;
}

FIXTURE_TEARDOWN(race)
{
	if (!self->kvm_err)
		minivm_destroy(&self->vm);
}

static void add(struct guest_race_params *p, uint8_t kind, uint8_t space,
		uint8_t size, uint64_t addr, uint32_t stride, uint64_t value)
{
	p->ops[p->nr_ops++] = (struct guest_race_op){
		.kind = kind, .space = space, .size = size, .addr = addr,
		.stride = stride, .value = value,
	};
}

/* Start both vCPUs, wait for both: 0 or the first thread error. */
static int run_both(FIXTURE_DATA(race) *self)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < NR_VCPUS; i++) {
		self->t[i] = (struct vcpu_thread){
			.vm = &self->vm, .bed = &self->bed, .index = i,
			.result = ~0U,
		};
		if (pthread_create(&self->t[i].tid, NULL, vcpu_main,
				   &self->t[i]))
			return -EAGAIN;
	}
	for (i = 0; i < NR_VCPUS; i++) {
		pthread_join(self->t[i].tid, NULL);
		if (!ret)
			ret = self->t[i].ret;
	}
	return ret;
}

/* Every kind of checked access that passes, PIO and MMIO, every size. */
static void stable_table(struct guest_race_params *p)
{
	uint64_t store = STABLE_MMIO + STORE_OFF;

	add(p, RACE_READ, GUEST_SPACE_PIO, 4, STABLE_PIO, 0, CONST32);
	add(p, RACE_READ, GUEST_SPACE_PIO, 2, STABLE_PIO + 2, 0,
	    CONST32 >> 16);
	add(p, RACE_READ, GUEST_SPACE_PIO, 1, STABLE_PIO + 9, 0,
	    (CONST64 >> 8) & 0xff);
	add(p, RACE_READ, GUEST_SPACE_MMIO, 8, STABLE_MMIO + CONST64_OFF, 0,
	    CONST64);
	add(p, RACE_WRITE, GUEST_SPACE_PIO, 4, STABLE_PIO + STORE_OFF, 8,
	    0x11223344);
	add(p, RACE_READBACK, GUEST_SPACE_PIO, 4, STABLE_PIO + STORE_OFF, 8,
	    0x11223344);
	add(p, RACE_WRITE, GUEST_SPACE_MMIO, 8, store, 8, CONST64);
	add(p, RACE_READBACK, GUEST_SPACE_MMIO, 8, store, 8, CONST64);
	/* Above the bits that the round count changes. */
	add(p, RACE_READ, GUEST_SPACE_MMIO, 2, store + 6, 8, CONST64 >> 48);
	add(p, RACE_POKE, GUEST_SPACE_MMIO, 1, store + 1, 8, 0x77);
	add(p, RACE_READ, GUEST_SPACE_MMIO, 1, store + 1, 8, 0x77);
}

/*
 * Both vCPUs run every round and every access, each at its own slot;
 * each counts exactly what the VMM saw, and what they wrote last is in
 * their own slot.
 */
TEST_F(race, two_vcpus)
{
	unsigned int i, nr;

	GUEST_REQUIRE_KVM(self->kvm_err);
	stable_table(self->p);
	nr = self->p->nr_ops;
	ASSERT_EQ(0, run_both(self));
	for (i = 0; i < NR_VCPUS; i++) {
		struct guest_race_vcpu *v = &self->p->vcpu[i];

		EXPECT_EQ((uint32_t)GUEST_PASS, self->t[i].result);
		EXPECT_EQ(ROUNDS, v->rounds);
		EXPECT_EQ((uint64_t)ROUNDS * nr, v->accesses);
		EXPECT_EQ(v->accesses, self->bed.accesses[i]);
		EXPECT_EQ(0U, v->bad);
		EXPECT_EQ(0U, v->first_op);
		/* The last round's 8-byte write, then the poke's byte. */
		EXPECT_EQ(((CONST64 ^ (ROUNDS - 1)) & ~0xff00ULL) | 0x7700ULL,
			  self->bed.store[i]);
	}
	EXPECT_EQ(0U, atomic_load(&self->bed.foreign));
	EXPECT_EQ(0U, atomic_load(&self->bed.unknown));
	for (i = NR_VCPUS; i < RACE_MAX_VCPUS; i++) {
		EXPECT_EQ(0U, self->p->vcpu[i].rounds);
	}
}

/* A read that does not return its value is bad, once per round. */
TEST_F(race, mismatch)
{
	unsigned int i;

	GUEST_REQUIRE_KVM(self->kvm_err);
	stable_table(self->p);
	add(self->p, RACE_READ, GUEST_SPACE_MMIO, 4, STABLE_MMIO, 0,
	    CONST32 ^ 1);
	ASSERT_EQ(0, run_both(self));
	for (i = 0; i < NR_VCPUS; i++) {
		struct guest_race_vcpu *v = &self->p->vcpu[i];

		EXPECT_EQ((uint32_t)GUEST_FAIL_MISMATCH, self->t[i].result);
		EXPECT_EQ(ROUNDS, v->rounds);
		EXPECT_EQ(ROUNDS, v->bad);
		EXPECT_EQ(self->p->nr_ops, v->first_op);
		EXPECT_EQ(CONST32, v->first_value);
		EXPECT_EQ(DEAD, v->first_dead);
	}
}

/*
 * Markers, PIO 4 and MMIO 8 bytes: live generations are hits, the VMM's
 * all-ones is gone, and a destroyed generation, a foreign marker or two
 * different halves are stale, exactly as answered.
 */
TEST_F(race, markers)
{
	unsigned int i;

	GUEST_REQUIRE_KVM(self->kvm_err);
	add(self->p, RACE_MARKER, GUEST_SPACE_PIO, 4, TRANS_PIO, 0, MARK);
	add(self->p, RACE_MARKER, GUEST_SPACE_MMIO, 8, TRANS_MMIO + 8, 0,
	    MARK);
	ASSERT_EQ(0, run_both(self));
	for (i = 0; i < NR_VCPUS; i++) {
		struct guest_race_vcpu *v = &self->p->vcpu[i];
		uint64_t *want = self->bed.verdicts[i];

		EXPECT_EQ((uint32_t)GUEST_FAIL_MISMATCH, self->t[i].result);
		EXPECT_EQ(2ULL * ROUNDS, self->bed.markers[i]);
		EXPECT_EQ(want[HIT], v->hits);
		EXPECT_EQ(want[GONE], v->gone);
		EXPECT_EQ(want[STALE], v->stale);
		EXPECT_LT(0U, v->hits);
		EXPECT_LT(0U, v->gone);
		EXPECT_LT(0U, v->stale);
		EXPECT_EQ(0U, v->bad);
		/* The first stale one: the PIO read of generation DEAD. */
		EXPECT_EQ(1U, v->first_op);
		EXPECT_EQ(MARK | DEAD, v->first_value);
	}
}

/* Without a round limit, RACE_STOP ends the loop at a round's end. */
TEST_F(race, stop)
{
	unsigned int i;
	int tries;

	GUEST_REQUIRE_KVM(self->kvm_err);
	stable_table(self->p);
	self->p->max_rounds = 0;
	for (i = 0; i < NR_VCPUS; i++) {
		self->t[i] = (struct vcpu_thread){
			.vm = &self->vm, .bed = &self->bed, .index = i,
		};
		ASSERT_EQ(0, pthread_create(&self->t[i].tid, NULL, vcpu_main,
					    &self->t[i]));
	}
	for (tries = 0; tries < 5000; tries++) {
		if (__atomic_load_n(&self->p->vcpu[0].rounds,
				    __ATOMIC_RELAXED) >= ROUNDS &&
		    __atomic_load_n(&self->p->vcpu[1].rounds,
				    __ATOMIC_RELAXED) >= ROUNDS)
			break;
		usleep(1000);
	}
	__atomic_store_n(&self->p->stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < NR_VCPUS; i++) {
		pthread_join(self->t[i].tid, NULL);
		EXPECT_EQ(0, self->t[i].ret);
		EXPECT_EQ((uint32_t)GUEST_PASS, self->t[i].result);
		EXPECT_LE(ROUNDS, self->p->vcpu[i].rounds);
		EXPECT_EQ(self->p->vcpu[i].rounds * self->p->nr_ops,
			  self->p->vcpu[i].accesses);
	}
}

/* Malformed tables end the run before any access. */
TEST_F(race, bad_params)
{
	static const struct guest_race_op bad[] = {
		{ .kind = RACE_READ, .space = GUEST_SPACE_PIO, .size = 8 },
		{ .kind = RACE_READ, .space = GUEST_SPACE_MMIO, .size = 3 },
		{ .kind = RACE_READ, .space = 2, .size = 4 },
		{ .kind = RACE_MARKER, .space = GUEST_SPACE_MMIO, .size = 2 },
		{ .kind = RACE_POKE + 1, .space = GUEST_SPACE_MMIO, .size = 4 },
		{ .kind = RACE_READ, .space = GUEST_SPACE_PIO, .size = 4,
		  .addr = 0xfffd },
		{ .kind = RACE_READ, .space = GUEST_SPACE_MMIO, .size = 8,
		  .addr = GUEST_PT_MAPPED - 4 },
	};
	unsigned int i, j;

	GUEST_REQUIRE_KVM(self->kvm_err);
	for (i = 0; i <= (sizeof(bad) / sizeof(bad[0])); i++) {
		ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(race),
					 MINIVM_LONG64));
		self->p->nr_ops = 0;
		/* The last round: an empty table. */
		if (i < (sizeof(bad) / sizeof(bad[0]))) {
			stable_table(self->p);
			self->p->ops[self->p->nr_ops++] = bad[i];
		}
		ASSERT_EQ(0, run_both(self));
		for (j = 0; j < NR_VCPUS; j++) {
			EXPECT_EQ((uint32_t)GUEST_FAIL_BADPARAM,
				  self->t[j].result) {
				TH_LOG("entry %u", i);
			}
		}
		EXPECT_EQ(0U, self->bed.accesses[0]);
		EXPECT_EQ(0U, self->bed.accesses[1]);
	}
}

/*
 * vCPU 1's access runs past the port space, vCPU 0's does not: the
 * check is per vCPU, and vCPU 0 runs its rounds.
 */
TEST_F(race, stride_per_vcpu)
{
	GUEST_REQUIRE_KVM(self->kvm_err);
	add(self->p, RACE_READ, GUEST_SPACE_PIO, 4, 0xfff0, 0x10, 0);
	ASSERT_EQ(-ENXIO, run_both(self));
	/* vCPU 0's first read reached the bed, outside the devices. */
	EXPECT_EQ(-ENXIO, self->t[0].ret);
	EXPECT_EQ(0, self->t[1].ret);
	EXPECT_EQ((uint32_t)GUEST_FAIL_BADPARAM, self->t[1].result);
	EXPECT_EQ(1U, self->bed.accesses[0]);
	EXPECT_EQ(0U, self->bed.accesses[1]);
}

/* minivm's bounds on vCPUs. */
TEST(vcpu_bounds)
{
	struct minivm_opts opts = { .nr_vcpus = MINIVM_MAX_VCPUS + 1 };
	struct minivm vm;
	int kvm_err = minivm_usable();

	GUEST_REQUIRE_KVM(kvm_err);
	EXPECT_EQ(-EINVAL, minivm_create(&vm, &opts));
	minivm_destroy(&vm);
	opts.nr_vcpus = 0;
	ASSERT_EQ(0, minivm_create(&vm, &opts));
	EXPECT_EQ(1U, vm.nr_vcpus);
	EXPECT_EQ(vm.vcpu_fd, vm.vcpus[0].fd);
	EXPECT_EQ(vm.run, vm.vcpus[0].run);
	EXPECT_EQ(-EINVAL, minivm_run_vcpu(&vm, 1));
	EXPECT_EQ(-EINVAL, minivm_complete_vcpu_io(&vm, 1, bed_io, NULL));
	minivm_destroy(&vm);
	opts.nr_vcpus = MINIVM_MAX_VCPUS;
	ASSERT_EQ(0, minivm_create(&vm, &opts));
	EXPECT_EQ((unsigned int)MINIVM_MAX_VCPUS, vm.nr_vcpus);
	minivm_destroy(&vm);
}

TEST_HARNESS_MAIN
