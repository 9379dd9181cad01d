// SPDX-License-Identifier: GPL-2.0
/*
 * libvmdev end to end, while the guest runs, in kernel and user mode:
 * a device destroyed by another thread while the vCPU accesses it (its
 * later accesses return to the VMM, nothing is touched after the destroy
 * returned, checked under ASan on the host), the context freed by the
 * VMM while a vCPU runs in it, and signals interrupting the run call
 * over and over without any access lost or doubled.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib_e2e.h"

GUEST_IMAGE_DECLARE(access);

#define BASE		0x6000
#define VALUE		0x5a5a5a5aU
#define GONE		0xdeadbeefU	/* the VMM's answer, unplugged */
#define NR_OPS		((uint32_t)ACCESS_MAX_OPS)
#define SIGNAL		SIGUSR2

enum { RW, FIFO, TRAP, NR_REGS, EJECT = NR_REGS };

static const struct vmdev_reg regs[NR_REGS + 1] = {
	[RW] = { .offset = 0, .width = 4, .type = VMDEV_REG_RW,
		 .reset = VALUE, .wmask = 0xffffffff,
		 .sel_reg = VMDEV_SEL_NONE },
	[FIFO] = { .offset = 4, .width = 4, .type = VMDEV_REG_FIFO_IN,
		   .flags = VMDEV_REG_F_NOREAD, .sel_reg = VMDEV_SEL_NONE,
		   .arg.fifo.depth = VMDEV_MAX_FIFO },
	[TRAP] = { .offset = 8, .width = 4, .type = VMDEV_REG_TRAP,
		   .sel_reg = VMDEV_SEL_NONE },
	/* Only in eject_map: a write unplugs the device. */
	[EJECT] = { .offset = 12, .width = 4, .type = VMDEV_REG_TRAP,
		    .flags = VMDEV_REG_F_NOREAD, .sel_reg = VMDEV_SEL_NONE },
};

static const struct vmdev_rdev_desc map = {
	.dev_size = 12, .nr_regs = NR_REGS, .regs = regs,
};

/* The device's slow path: counts, and notes calls after the destroy. */
struct slow_state {
	atomic_uint calls;
	atomic_bool destroyed;
	atomic_uint late;
};

static int slow_read(void *opaque, enum vmdev_space space, uint64_t base,
		     uint64_t offset, void *data, size_t len)
{
	struct slow_state *s = opaque;
	uint32_t v = VALUE;

	if (atomic_load(&s->destroyed))
		atomic_fetch_add(&s->late, 1);
	atomic_fetch_add(&s->calls, 1);
	memcpy(data, &v, len);
	return 0;
}

/* Accesses to the unplugged device: reads answer GONE. */
static int unplugged(struct e2e *e, void *opaque)
{
	uint32_t v = GONE;
	struct e2e_io io;

	(void)opaque;
	e2e_io_of(e, &io);
	if (io.addr < BASE || io.addr >= BASE + 0x200)
		return -EPROTO;
	if (!io.write)
		memcpy(io.data, &v, io.len);
	return 0;
}

FIXTURE(hotplug) {
	struct e2e e;
	struct vmdev_regdev *dev;
	struct guest_access_params *p;
	struct slow_state slow;
	pthread_t thread;
	bool thread_running;
	atomic_bool ran;	/* the run is over: helpers stop waiting */
};

FIXTURE_VARIANT(hotplug) {
	enum vmdev_vm_mode mode;
};

E2E_MODES(hotplug);

FIXTURE_SETUP(hotplug)
{
	struct e2e_opts o = {
		.mode = variant->mode, .image = GUEST_IMAGE(access),
		.cpu_mode = MINIVM_LONG64,
	};

	memset(&self->slow, 0, sizeof(self->slow));
	self->dev = NULL;
	self->thread_running = false;
	atomic_init(&self->ran, false);
	E2E_SETUP(&self->e, &o);
	ASSERT_EQ(0, e2e_regdev(&self->e, &map, VMDEV_SPACE_PIO, BASE,
				map.dev_size, slow_read, NULL, &self->slow,
				&self->dev));
	self->p = minivm_gpa(&self->e.vm, GUEST_PARAM_ADDR, GUEST_PARAM_SIZE);
	self->e.unhandled = unplugged;
}

FIXTURE_TEARDOWN(hotplug)
{
	atomic_store(&self->ran, true);
	if (self->thread_running)
		pthread_join(self->thread, NULL);
	vmdev_regdev_free(self->dev);
	E2E_FINI(&self->e);
}

/* The guest reads register r of the device nr times, unchecked. */
static void reads(FIXTURE_DATA(hotplug) *self, uint32_t r, uint32_t nr)
{
	uint32_t i;

	for (i = 0; i < nr; i++)
		self->p->ops[self->p->nr_ops++] = (struct guest_access_op){
			.space = GUEST_SPACE_PIO, .size = 4,
			.addr = BASE + regs[r].offset,
		};
}

/* Until the guest got going (or the run ended): false if it ended. */
static bool guest_going(FIXTURE_DATA(hotplug) *self)
{
	while (atomic_load(&self->slow.calls) < NR_OPS / 8) {
		if (atomic_load(&self->ran))
			return false;
		usleep(50);
	}
	return true;
}

/* Destroy the device once the guest got going. */
static void *unplug(void *arg)
{
	FIXTURE_DATA(hotplug) *self = arg;

	if (!guest_going(self))
		return NULL;
	vmdev_regdev_free(self->dev);
	atomic_store(&self->slow.destroyed, true);
	return NULL;
}

/*
 * Every access before the destroy reached the device, every one after
 * returned to the VMM, in that order, and no callback ran once the
 * destroy returned.
 */
TEST_F(hotplug, destroy_while_running)
{
	uint32_t i, first_gone = NR_OPS;

	E2E_REQUIRE(&self->e);
	reads(self, TRAP, NR_OPS);
	ASSERT_EQ(0, pthread_create(&self->thread, NULL, unplug, self));
	self->thread_running = true;
	E2E_RUN(&self->e);
	atomic_store(&self->ran, true);
	pthread_join(self->thread, NULL);
	self->thread_running = false;
	ASSERT_EQ((uint32_t)GUEST_PASS, self->e.result);
	ASSERT_TRUE(atomic_load(&self->slow.destroyed));
	self->dev = NULL;
	ASSERT_EQ(NR_OPS, self->p->done);
	for (i = 0; i < NR_OPS; i++) {
		if (self->p->ops[i].got == GONE && first_gone == NR_OPS)
			first_gone = i;
		if (first_gone < NR_OPS) {
			ASSERT_EQ(GONE, self->p->ops[i].got) {
				TH_LOG("op %u after the unplug at %u", i,
				       first_gone);
			}
		} else {
			ASSERT_EQ(VALUE, self->p->ops[i].got);
		}
	}
	EXPECT_LE(NR_OPS / 8, first_gone);
	EXPECT_EQ(first_gone, atomic_load(&self->slow.calls));
	EXPECT_EQ(0U, atomic_load(&self->slow.late));
	EXPECT_EQ(NR_OPS - first_gone, self->e.nr_unhandled);
}

static void *free_context(void *arg)
{
	FIXTURE_DATA(hotplug) *self = arg;

	if (!guest_going(self))
		return NULL;
	vmdev_vm_free(self->e.ctx);
	self->e.ctx = NULL;
	return NULL;
}

/* The VMM drops the context while a vCPU runs: the vCPU keeps it. */
TEST_F(hotplug, context_freed_while_running)
{
	uint32_t i;

	E2E_REQUIRE(&self->e);
	reads(self, TRAP, NR_OPS - 1);
	reads(self, RW, 1);
	ASSERT_EQ(0, pthread_create(&self->thread, NULL, free_context, self));
	self->thread_running = true;
	E2E_RUN(&self->e);
	atomic_store(&self->ran, true);
	pthread_join(self->thread, NULL);
	self->thread_running = false;
	ASSERT_EQ((uint32_t)GUEST_PASS, self->e.result);
	ASSERT_EQ(NULL, self->e.ctx);
	for (i = 0; i < self->p->nr_ops; i++)
		ASSERT_EQ(VALUE, self->p->ops[i].got);
	EXPECT_EQ(NR_OPS - 1, atomic_load(&self->slow.calls));
	EXPECT_EQ(0U, self->e.nr_unhandled);
	/* The device and the vCPU still work on the context they hold. */
	EXPECT_EQ(VALUE, e2e_reg(self->dev, RW));
}

/*
 * The guest unplugs the device itself: a write to its eject register
 * reaches the slow path, which destroys the device from inside its own
 * callback. The guest's next accesses are the VMM's; the device's memory
 * goes once the callback is over (after a grace period).
 */
struct eject {
	struct vmdev_regdev *dev;
	unsigned int ejects;
};

static int eject_write(void *opaque, enum vmdev_space space, uint64_t base,
		       uint64_t offset, const void *data, size_t len)
{
	struct eject *ej = opaque;

	if (offset != regs[EJECT].offset || !ej->dev)
		return -EINVAL;
	vmdev_regdev_free(ej->dev);
	ej->dev = NULL;
	ej->ejects++;
	return 0;
}

TEST_F(hotplug, eject_from_callback)
{
	struct vmdev_rdev_desc eject_map = {
		.dev_size = 16, .nr_regs = NR_REGS + 1, .regs = regs,
	};
	struct eject ej = { 0 };
	uint32_t i;

	E2E_REQUIRE(&self->e);
	ASSERT_EQ(0, e2e_regdev(&self->e, &eject_map, VMDEV_SPACE_PIO,
				BASE + 0x100, eject_map.dev_size, NULL,
				eject_write, &ej, &ej.dev));
	for (i = 0; i < 3; i++)
		self->p->ops[self->p->nr_ops++] = (struct guest_access_op){
			.space = GUEST_SPACE_PIO, .size = 4, .check = true,
			.addr = BASE + 0x100, .value = VALUE,
		};
	self->p->ops[1] = (struct guest_access_op){
		.space = GUEST_SPACE_PIO, .size = 4, .write = true,
		.addr = BASE + 0x100 + regs[EJECT].offset,
	};
	self->p->ops[2].check = false;
	E2E_RUN_EXPECT(&self->e, GUEST_PASS);
	EXPECT_EQ(1U, ej.ejects);
	EXPECT_EQ(NULL, ej.dev);
	/* Before the unplug the device answered, after it the VMM. */
	EXPECT_EQ(VALUE, self->p->ops[0].got);
	EXPECT_EQ(GONE, self->p->ops[2].got);
	EXPECT_EQ(1U, self->e.nr_unhandled);
	/*
	 * Its memory goes on liburcu's call_rcu thread; freeing the vCPU
	 * and the context (the teardown) waits for that, and the leak
	 * check after it finds nothing.
	 */
}

/* ---- Signals ------------------------------------------------------------- */

static void on_signal(int sig)
{
	(void)sig;
}

struct pester {
	pthread_t target;
	atomic_bool stop;
	unsigned int sent;
};

static void *pester(void *arg)
{
	struct pester *p = arg;

	while (!atomic_load(&p->stop)) {
		pthread_kill(p->target, SIGNAL);
		p->sent++;
		usleep(100);
	}
	return NULL;
}

/*
 * Signals keep interrupting the run call (-EINTR, resumed): every guest
 * write reaches the FIFO exactly once, in order, and every read is
 * answered once, whichever side of an exit each signal landed on.
 */
TEST_F(hotplug, signals)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct pester pst = { .target = pthread_self() };
	uint32_t i, got[NR_OPS];
	pthread_t thread;
	int n;

	E2E_REQUIRE(&self->e);
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(0, sigaction(SIGNAL, &sa, NULL));	/* no SA_RESTART */
	/* Two FIFO writes of the op index, then a read through the trap. */
	for (i = 0; i < NR_OPS; i++) {
		bool rd = i % 3 == 2;

		self->p->ops[self->p->nr_ops++] = (struct guest_access_op){
			.space = GUEST_SPACE_PIO, .size = 4, .write = !rd,
			.check = rd, .value = rd ? VALUE : i,
			.addr = BASE + regs[rd ? TRAP : FIFO].offset,
		};
	}
	ASSERT_EQ(0, pthread_create(&thread, NULL, pester, &pst));
	E2E_RUN(&self->e);
	atomic_store(&pst.stop, true);
	pthread_join(thread, NULL);
	ASSERT_EQ((uint32_t)GUEST_PASS, self->e.result);
	ASSERT_EQ(NR_OPS, self->p->done);
	n = vmdev_regdev_fifo_drain(self->dev, FIFO, got, NR_OPS);
	ASSERT_EQ((int)(NR_OPS - NR_OPS / 3), n);
	for (i = 0; i < (uint32_t)n; i++)
		ASSERT_EQ(i + i / 2, got[i]);
	EXPECT_EQ(NR_OPS / 3, atomic_load(&self->slow.calls));
	TH_LOG("%u signals, %llu returns", pst.sent,
	       (unsigned long long)e2e_vcpu_stats(&self->e).returns);
	EXPECT_LT(1U, e2e_vcpu_stats(&self->e).returns);
}

TEST_HARNESS_MAIN
