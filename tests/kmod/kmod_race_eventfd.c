// SPDX-License-Identifier: GPL-2.0
/*
 * Eventfd bindings taken apart and made again while real guests fire
 * them. Two vCPUs of one VM run the race guest through VMDEV_RUN; every
 * round each writes its own FIFO register and its own doorbell at
 * addresses where KVM ioeventfds (datamatch) feed the module's
 * VMDEV_IOEVENTFD bindings, so that those writes reach the device with
 * no exit at all, from inside KVM_RUN; each also raises and clears an
 * interrupt line (an exit the run loop completes, which signals the
 * line's irqfd) and reads a stable device. Every ring signals a notify
 * fd. Meanwhile the main thread unbinds and rebinds everything, over
 * and over:
 *
 *   orderly  the way fast-path.rst tells a VMM to: the KVM ioeventfd
 *            goes first (the guest's writes then exit, and the run loop
 *            applies them), the module's binding after it; binding
 *            again, the module first. No write can be lost, so the
 *            counts are exact: as many FIFO entries and doorbell rings
 *            as the guests made writes.
 *   abrupt   the module's binding goes and comes back under KVM's
 *            ioeventfd, which goes on signalling: writes made meanwhile
 *            wait in the eventfd and are applied at the next binding,
 *            never twice; at most 64 of them, the rest dropped, as
 *            documented. The guest's round count, read around each
 *            unbound window, bounds the writes that can have waited:
 *            while no window can have held more than 64, the counts must
 *            be exact here too.
 *
 * Notify fds and the irqfd are unbound and bound again in both; their
 * signals can only be fewer than the rings and rises.
 */
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "kmod_eventfd.h"
#include "kmod_race.h"

#define E_PIO		0x6000		/* the eventfd device */
#define E_MMIO		0xd0000000ULL
#define S_PIO		0x6100		/* the stable device */
#define S_MMIO		0xd0001000ULL
#define VAL_F		0x5a5a0001U	/* what the guests push */
#define VAL_D		0x00000d0dU	/* what they ring */
#define E_CONST		0xe7e7e7e7U
#define NR_STABLE	6

/*
 * A FIFO and a doorbell per vCPU (stride 4), an edge line raised by SET
 * and cleared by STAT, a constant.
 */
enum { E_FIN0, E_FIN1, E_DB0, E_DB1, E_STAT, E_SET, E_C32, E_NR_REGS };
#define E_FIN_OFF	0
#define E_DB_OFF	8
#define E_STAT_OFF	16
#define E_SET_OFF	20
#define E_C32_OFF	24
#define E_WINDOW	28
#define E_DEPTH		VMDEV_MAX_FIFO

#define E_REG(off, t, fl)						\
	.offset = (off), .width = 4, .type = VMDEV_REG_##t,		\
	.flags = (fl), .sel_reg = VMDEV_SEL_NONE

static const struct vmdev_reg e_regs[E_NR_REGS] = {
	[E_FIN0] = { E_REG(E_FIN_OFF, FIFO_IN, VMDEV_REG_F_NOREAD),
		     .arg.fifo.depth = E_DEPTH },
	[E_FIN1] = { E_REG(E_FIN_OFF + 4, FIFO_IN, VMDEV_REG_F_NOREAD),
		     .arg.fifo.depth = E_DEPTH },
	[E_DB0] = { E_REG(E_DB_OFF, DOORBELL, 0), .wmask = 0xffffffff },
	[E_DB1] = { E_REG(E_DB_OFF + 4, DOORBELL, 0), .wmask = 0xffffffff },
	[E_STAT] = { E_REG(E_STAT_OFF, W1C, 0), .wmask = 1 },
	[E_SET] = { E_REG(E_SET_OFF, W1S, VMDEV_REG_F_NOREAD), .wmask = 1,
		    .arg.target = { .target = E_STAT,
				    .flags = VMDEV_TARGET_F_OTHER } },
	[E_C32] = { E_REG(E_C32_OFF, CONST, 0), .reset = E_CONST },
};

static const struct vmdev_irq e_irq = {
	.status_reg = E_STAT, .enable_reg = VMDEV_SEL_NONE, .enable_mask = 1,
};

static const struct vmdev_rdev_desc e_map = {
	.dev_size = E_WINDOW, .nr_regs = E_NR_REGS, .regs = e_regs,
	.nr_irqs = 1, .irqs = &e_irq,
};

/*
 * The eventfds: per vCPU an ioeventfd for its FIFO, one for its doorbell
 * and a notify fd; one irqfd.
 */
enum { IO_F, IO_D, NOTE, NR_PER_VCPU };

struct efds {
	int fd[KRACE_VCPUS][NR_PER_VCPU];
	int irq;
};

/* KVM's half of a doorbell: 0 or -errno. */
static int kvm_ioeventfd(struct minivm *vm, uint8_t space, uint64_t addr,
			 int fd, uint64_t datamatch, bool deassign)
{
	struct kvm_ioeventfd a = {
		.datamatch = datamatch, .addr = addr, .len = 4, .fd = fd,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};

	if (space == PIO)
		a.flags |= KVM_IOEVENTFD_FLAG_PIO;
	if (deassign)
		a.flags |= KVM_IOEVENTFD_FLAG_DEASSIGN;
	return ioctl(vm->vm_fd, KVM_IOEVENTFD, &a) ? -errno : 0;
}

/* What the drain thread saw. */
struct drain {
	int ctx;
	uint32_t id;
	const struct efds *e;
	atomic_bool stop;
	uint64_t entries[KRACE_VCPUS];
	uint64_t foreign;	/* entries that were not VAL_F */
	uint64_t notes, irqs;	/* notify fd and irqfd signals */
	int error;
};

static void drain_once(struct drain *d)
{
	uint32_t buf[1024];
	unsigned int i;
	int n, k;

	for (i = 0; i < KRACE_VCPUS; i++) {
		do {
			n = kmod_fifo(d->ctx, d->id, E_FIN0 + i,
				      VMDEV_FIFO_DRAIN, buf, 1024);
			if (n < 0 && !d->error)
				d->error = n;
			for (k = 0; k < n; k++)
				d->foreign += buf[k] != VAL_F;
			if (n > 0)
				d->entries[i] += n;
		} while (n == 1024);
		d->notes += kev_take(d->e->fd[i][NOTE]);
	}
	d->irqs += kev_take(d->e->irq);
}

/* Every 20 ms: waking more often would only slow the guests down. */
static void *drain_main(void *arg)
{
	struct drain *d = arg;

	while (!atomic_load(&d->stop)) {
		drain_once(d);
		usleep(20000);
	}
	return NULL;
}

FIXTURE(race_eventfd) {
	int ctx, kvm_err;
	uint32_t id, stable;
	struct krace r;
	struct efds e;
	struct krace_census before;
	uint64_t widest;	/* most rounds a vCPU made while unbound */
};

FIXTURE_VARIANT(race_eventfd) {
	bool orderly;
};

FIXTURE_VARIANT_ADD(race_eventfd, orderly) { .orderly = true };
FIXTURE_VARIANT_ADD(race_eventfd, abrupt) { .orderly = false };

/* The guest addresses of vCPU i's FIFO and doorbell. */
static uint64_t fifo_addr(unsigned int i)
{
	return E_MMIO + E_FIN_OFF + 4 * i;
}

static uint16_t db_port(unsigned int i)
{
	return E_PIO + E_DB_OFF + 4 * i;
}

/* The module's half of vCPU i's FIFO or doorbell. */
static int module_io(FIXTURE_DATA(race_eventfd) *self, unsigned int i,
		     int which, uint32_t flags)
{
	return which == IO_F ?
	       kev_ioeventfd(self->ctx, self->id, E_FIN0 + i,
			     self->e.fd[i][IO_F], VAL_F, flags) :
	       kev_ioeventfd(self->ctx, self->id, E_DB0 + i,
			     self->e.fd[i][IO_D], VAL_D, flags);
}

static int kvm_io(FIXTURE_DATA(race_eventfd) *self, unsigned int i,
		  int which, bool deassign)
{
	return which == IO_F ?
	       kvm_ioeventfd(&self->r.vm, MMIO, fifo_addr(i),
			     self->e.fd[i][IO_F], VAL_F, deassign) :
	       kvm_ioeventfd(&self->r.vm, PIO, db_port(i),
			     self->e.fd[i][IO_D], VAL_D, deassign);
}

FIXTURE_SETUP(race_eventfd)
{
	struct vmdev_range er[2] = {
		kmod_range(PIO, E_PIO, E_WINDOW),
		kmod_range(MMIO, E_MMIO, E_WINDOW),
	};
	/* Per vCPU (stride 4): a FIFO write and a ring, no exit if bound. */
	const struct guest_race_op ops[] = {
		{ RACE_OP(POKE, MMIO, 4, E_MMIO + E_FIN_OFF, 4, VAL_F) },
		{ RACE_OP(POKE, PIO, 4, E_PIO + E_DB_OFF, 4, VAL_D) },
		{ RACE_OP(POKE, MMIO, 4, E_MMIO + E_SET_OFF, 0, 1) },
		{ RACE_OP(READ, PIO, 4, E_PIO + E_C32_OFF, 0, E_CONST) },
		{ RACE_OP(POKE, MMIO, 4, E_MMIO + E_STAT_OFF, 0, 1) },
	};
	unsigned int i, k;

	memset(&self->e, 0xff, sizeof(self->e));
	self->before = krace_census();
	KRUN_SETUP(self->ctx, self->kvm_err);
	if (self->kvm_err || self->ctx < 0)
		return;
	ASSERT_EQ(0, krace_init(&self->r));
	ASSERT_EQ(0, kmod_create(self->ctx, &e_map, er, 2, &self->id));
	ASSERT_EQ(0, krace_stable_create(self->ctx, S_PIO, S_MMIO,
					 &self->stable));
	for (i = 0; i < KRACE_VCPUS; i++) {
		for (k = 0; k < NR_PER_VCPU; k++) {
			self->e.fd[i][k] = kev_new();
			ASSERT_LE(0, self->e.fd[i][k]);
		}
		ASSERT_EQ(0, module_io(self, i, IO_F, 0));
		ASSERT_EQ(0, kvm_io(self, i, IO_F, false));
		ASSERT_EQ(0, module_io(self, i, IO_D, 0));
		ASSERT_EQ(0, kvm_io(self, i, IO_D, false));
		ASSERT_EQ(0, kev_notifyfd(self->ctx, self->id, E_DB0 + i,
					  self->e.fd[i][NOTE], 0));
	}
	self->e.irq = kev_new();
	ASSERT_LE(0, self->e.irq);
	ASSERT_EQ(0, kev_irqfd(self->ctx, self->id, 0, self->e.irq, -1, 0));

	for (i = 0; i < KMOD_ARRAY_SIZE(ops); i++)
		self->r.p->ops[self->r.p->nr_ops++] = ops[i];
	krace_stable_ops(self->r.p, S_PIO, S_MMIO, NR_STABLE);
	krace_use(&self->r, 0, self->ctx);
}

FIXTURE_TEARDOWN(race_eventfd)
{
	unsigned int i, k;

	krace_fini(&self->r);
	if (self->ctx >= 0)
		close(self->ctx);
	for (i = 0; i < KRACE_VCPUS; i++)
		for (k = 0; k < NR_PER_VCPU; k++)
			if (self->e.fd[i][k] >= 0)
				close(self->e.fd[i][k]);
	if (self->e.irq >= 0)
		close(self->e.irq);
}

/*
 * Unbind and bind again one doorbell (FIFO or ring) of vCPU i, orderly
 * or abruptly (see the top of the file): 0 or the first error.
 */
static int rebind_io(FIXTURE_DATA(race_eventfd) *self, unsigned int i,
		     int which, bool orderly, unsigned int pause_us)
{
	uint64_t *rounds = &self->r.p->vcpu[i].rounds, before;
	int ret = 0;

	if (orderly)
		ret = kvm_io(self, i, which, true);
	before = __atomic_load_n(rounds, __ATOMIC_ACQUIRE);
	if (!ret)
		ret = module_io(self, i, which, KEV_UNBIND);
	usleep(pause_us);
	if (!ret)
		ret = module_io(self, i, which, 0);
	before = __atomic_load_n(rounds, __ATOMIC_ACQUIRE) - before;
	if (before > self->widest)
		self->widest = before;
	if (!ret && orderly)
		ret = kvm_io(self, i, which, false);
	return ret;
}

/*
 * Cycle n: one ioeventfd of one vCPU (FIFO, doorbell, in turn); every
 * fourth cycle a notify fd, every sixth the irqfd, whose unbinding waits
 * for a grace period. 0 or the first error.
 */
static int cycle(FIXTURE_DATA(race_eventfd) *self, bool orderly,
		 unsigned int n)
{
	unsigned int i = n % KRACE_VCPUS, pause = n % 4 * 150;
	int ret;

	ret = rebind_io(self, i, n / 2 % 2 ? IO_D : IO_F, orderly, pause);
	if (!ret && n % 4 == 3)
		ret = kev_notifyfd(self->ctx, self->id, E_DB0 + i,
				   self->e.fd[i][NOTE], KEV_UNBIND);
	if (!ret && n % 4 == 3)
		ret = kev_notifyfd(self->ctx, self->id, E_DB0 + i,
				   self->e.fd[i][NOTE], 0);
	if (!ret && n % 6 == 5)
		ret = kev_irqfd(self->ctx, self->id, 0, self->e.irq, -1,
				KEV_UNBIND);
	usleep(pause);
	if (!ret && n % 6 == 5)
		ret = kev_irqfd(self->ctx, self->id, 0, self->e.irq, -1, 0);
	return ret;
}

TEST_F_TIMEOUT(race_eventfd, unbind_while_firing, 120)
{
	struct drain d = { .ctx = self->ctx, .id = self->id, .e = &self->e };
	struct vmdev_stats st, sst;
	uint64_t end, t0, rounds[KRACE_VCPUS], all;
	unsigned int n = 0, i;
	pthread_t drainer;
	int ret = 0;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	t0 = krace_now_ms();
	ASSERT_EQ(0, pthread_create(&drainer, NULL, drain_main, &d));
	ASSERT_EQ(0, krace_start(&self->r));
	end = krace_now_ms() + KRACE_RUN_MS;
	while (!ret && krace_now_ms() < end && krace_running(&self->r))
		ret = cycle(self, variant->orderly, n++);
	krace_stop(&self->r);
	atomic_store(&d.stop, true);
	pthread_join(drainer, NULL);
	EXPECT_EQ(0, ret) TH_LOG("cycle %u: %s", n, strerror(-ret));
	/* Deferred signals are a work item away. */
	usleep(100000);
	drain_once(&d);
	EXPECT_EQ(0, d.error);

	ASSERT_EQ(0, krun_stats(self->ctx, self->id, &st));
	ASSERT_EQ(0, krun_stats(self->ctx, self->stable, &sst));
	for (i = 0; i < KRACE_VCPUS; i++)
		rounds[i] = self->r.p->vcpu[i].rounds;
	all = rounds[0] + rounds[1];
	TH_LOG("%u rebind cycles in %llu ms; per vCPU: %llu/%llu rounds, "
	       "%llu/%llu FIFO entries; %llu doorbell rings, %llu writes "
	       "from ioeventfds, %llu notify signals; %llu rises, %llu "
	       "irqfd signals; %llu exits in the kernel; at most %llu rounds "
	       "while unbound",
	       n, (unsigned long long)(krace_now_ms() - t0),
	       (unsigned long long)rounds[0], (unsigned long long)rounds[1],
	       (unsigned long long)d.entries[0],
	       (unsigned long long)d.entries[1],
	       (unsigned long long)st.doorbells,
	       (unsigned long long)st.ioeventfds,
	       (unsigned long long)d.notes, (unsigned long long)st.irqs,
	       (unsigned long long)d.irqs,
	       (unsigned long long)KRACE_VMM_SUM(&self->r, kernel_exits),
	       (unsigned long long)self->widest);
	KRACE_ASSERT_CLEAN(&self->r);
	EXPECT_EQ(0U, KRACE_VMM_SUM(&self->r, user_exits));
	EXPECT_EQ(0U, d.foreign);
	EXPECT_LT(3U, n);
	/* The stable device: every access, in the kernel. */
	EXPECT_EQ(all * NR_STABLE, sst.fast);
	EXPECT_EQ(0U, sst.slow);
	EXPECT_EQ(0U, st.slow);
	/* Some writes took the ioeventfds, with no exit at all. */
	EXPECT_LT(0U, st.ioeventfds);
	/*
	 * A window of w rounds holds at most w + 1 writes of a vCPU to each
	 * of its eventfds: with no more than 64, none was dropped.
	 */
	if (variant->orderly || self->widest + 1 <= 64) {
		/* Every write once: through an ioeventfd, or an exit. */
		for (i = 0; i < KRACE_VCPUS; i++) {
			EXPECT_EQ(rounds[i], d.entries[i]) {
				TH_LOG("vCPU %u", i);
			}
		}
		EXPECT_EQ(all, st.doorbells);
		EXPECT_EQ(KRACE_GUEST_SUM(&self->r, accesses),
			  KRACE_EXITS(&self->r) + st.ioeventfds);
	} else {
		/* Never twice; more than 64 may have waited in an eventfd. */
		for (i = 0; i < KRACE_VCPUS; i++) {
			EXPECT_GE(rounds[i], d.entries[i]) {
				TH_LOG("vCPU %u", i);
			}
			EXPECT_LT(0U, d.entries[i]);
		}
		EXPECT_GE(all, st.doorbells);
		EXPECT_GE(KRACE_GUEST_SUM(&self->r, accesses),
			  KRACE_EXITS(&self->r) + st.ioeventfds);
	}
	/* Signals of unbound sinks are lost, never made up. */
	EXPECT_GE(st.doorbells, d.notes);
	EXPECT_LT(0U, d.notes);
	EXPECT_GE(st.irqs, d.irqs);
	EXPECT_LT(0U, d.irqs);

	/* Closing the context releases every eventfd it held. */
	close(self->ctx);
	self->ctx = -1;
	KRACE_ASSERT_NO_LEAK(&self->before);
}

TEST_HARNESS_MAIN
