// SPDX-License-Identifier: GPL-2.0
/*
 * Hotplug through libvmdev while two vCPUs of one VM access devices that
 * stay, in kernel and in user mode (the same test, both variants). Each
 * vCPU runs the race guest through its own vmdev_vcpu_run() thread:
 * reads and writes, PIO and MMIO, of every size, to a register device
 * that stays (in vmdev.ko in kernel mode), to a userspace device that
 * stays (on the context's I/O manager, reached by every exit that comes
 * back to the library), and to the place where a transient device comes
 * and goes. Meanwhile the main thread, in turn:
 *
 *   adds a userspace device there and an unrelated one elsewhere, in one
 *   hotplug transaction (vmdev_io_txn_*);
 *   swaps it for a new generation in one transaction (unregister and
 *   register at the same range, one publish: never a gap);
 *   removes both in one transaction;
 *   creates a register device there (vmdev_regdev_new(): in kernel mode
 *   in the module as well) and frees it.
 *
 * Each generation carries its number in its constants; once the commit
 * or the free that removed it has returned, its number is published to
 * the guest as dead.
 *
 * Asserted: every access to the devices that stay completed and read
 * right, exactly once (the userspace device counts its calls, the
 * register device its accesses: in kernel mode all of them in the
 * module), none came back unhandled; a transient read returned a live
 * generation or came back unhandled (then the VMM answers "gone"); no
 * transient device's callback ran after its release; every exit is
 * accounted for. The same file runs on the host's /dev/kvm under ASan
 * (tests/host/vm/vcpu_race_hotplug.c), where any use of freed memory in the
 * library is caught.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "kselftest_harness.h"
#include "lib_e2e.h"
#include "race_dev.h"

#define RUN_MS		3000
#define DEADLINE_MS	60000		/* a vCPU thread, at most */
#define S_PIO		0x6000		/* the register device that stays */
#define S_MMIO		0xd0000000ULL
#define U_PIO		0x6040		/* the userspace device that stays */
#define U_MMIO		0xd0000100ULL
#define U_CONST32	0x7a11c0deU
#define U_STORE_OFF	16		/* 8 bytes per vCPU */
#define U_WINDOW	(U_STORE_OFF + 8 * KRACE_VCPUS)
#define T_PIO		0x6100		/* where the transient devices go */
#define T_MMIO		0xd0001000ULL
#define T_WINDOW	24
#define C_PIO		0x5000		/* unrelated devices, alongside */
#define C_MMIO		0xc0000000ULL
#define C_WINDOW	16
#define MARK		0xa5000000U
#define MAX_GENS	65536

/* ---- the userspace device that stays ----------------------------------- */

/*
 * CONST32 at 0; from U_STORE_OFF, 8 bytes of each vCPU's own. A vCPU
 * touches its own bytes only, so the callbacks need no lock (the device
 * is VMDEV_DEVICE_THREAD_SAFE: both vCPUs call it at once).
 */
struct udev {
	uint8_t store[KRACE_VCPUS][8];
	atomic_ulong calls;
	atomic_uint wrong;	/* an access it does not serve */
};

static _Thread_local int my_vcpu = -1;

static int udev_io(struct udev *u, uint64_t off, void *data, size_t len,
		   bool write)
{
	uint32_t c = U_CONST32;

	atomic_fetch_add(&u->calls, 1);
	if (off + len <= 4 && !write) {
		memcpy(data, (uint8_t *)&c + off, len);
		return 0;
	}
	if (my_vcpu >= 0 && off >= U_STORE_OFF + 8 * (uint64_t)my_vcpu &&
	    off + len <= U_STORE_OFF + 8 * (uint64_t)my_vcpu + 8) {
		off -= U_STORE_OFF + 8 * my_vcpu;
		if (write)
			memcpy(&u->store[my_vcpu][off], data, len);
		else
			memcpy(data, &u->store[my_vcpu][off], len);
		return 0;
	}
	atomic_fetch_add(&u->wrong, 1);
	return -EINVAL;
}

static int udev_read(void *opaque, enum vmdev_space space, uint64_t base,
		     uint64_t offset, void *data, size_t len)
{
	return udev_io(opaque, offset, data, len, false);
}

static int udev_write(void *opaque, enum vmdev_space space, uint64_t base,
		      uint64_t offset, const void *data, size_t len)
{
	return udev_io(opaque, offset, (void *)data, len, true);
}

/* ---- transient userspace devices -------------------------------------- */

/* One generation's device; the states outlive the devices, for `late`. */
struct tdev {
	uint32_t gen;
	atomic_bool released;
};

struct trans {
	struct tdev dev[MAX_GENS];
	atomic_uint late;	/* callbacks after the release */
};

static struct trans *trans_of(struct tdev *t)
{
	return (struct trans *)((uint8_t *)(t - t->gen) -
				offsetof(struct trans, dev));
}

/* Marker reads as the register device's: 4 bytes at 0, 8 (twice) at 8. */
static int tdev_read(void *opaque, enum vmdev_space space, uint64_t base,
		     uint64_t offset, void *data, size_t len)
{
	struct tdev *t = opaque;
	uint64_t m = MARK | t->gen, v = offset >= 8 ? m << 32 | m : m;

	if (atomic_load(&t->released))
		atomic_fetch_add(&trans_of(t)->late, 1);
	if (offset % 8 + len > 8)
		return -EINVAL;
	v >>= 8 * (offset % 8);
	memcpy(data, &v, len);
	return 0;
}

static int tdev_write(void *opaque, enum vmdev_space space, uint64_t base,
		      uint64_t offset, const void *data, size_t len)
{
	struct tdev *t = opaque;

	if (atomic_load(&t->released))
		atomic_fetch_add(&trans_of(t)->late, 1);
	return 0;
}

static void tdev_release(void *opaque)
{
	struct tdev *t = opaque;

	atomic_store(&t->released, true);
}

/* The unrelated devices: read as zero, take any write. */
static int cdev_read(void *opaque, enum vmdev_space space, uint64_t base,
		     uint64_t offset, void *data, size_t len)
{
	memset(data, 0, len);
	return 0;
}

/* A transient register device's map: its generation in constants. */
static const struct vmdev_reg t_regs_model[3] = {
	{ .offset = 0, .width = 4, .type = VMDEV_REG_CONST,
	  .sel_reg = VMDEV_SEL_NONE },
	{ .offset = 8, .width = 8, .type = VMDEV_REG_CONST,
	  .flags = VMDEV_REG_F_PARTIAL, .sel_reg = VMDEV_SEL_NONE },
	{ .offset = 16, .width = 4, .type = VMDEV_REG_RW,
	  .wmask = 0xffffffff, .sel_reg = VMDEV_SEL_NONE },
};

/* ---- the fixture -------------------------------------------------------- */

struct lvcpu {
	pthread_t tid;
	bool started;
	struct e2e *e;
	unsigned int index;
	int ret;
	bool exited;
	atomic_bool done;	/* the thread is over */
	uint32_t result;
	uint64_t unhandled, gone_reads, gone_writes, strays;
	struct minivm_io first_stray;
};

FIXTURE(race_hotplug) {
	struct e2e e;
	struct guest_race_params *p;
	struct vmdev_regdev *s;
	struct udev u;
	struct vmdev_device *udev;
	struct trans *t;
	struct vmdev_resources *t_res, *u_res, *c_res[8];
	struct lvcpu v[KRACE_VCPUS];
	unsigned int nr_stable, nr_user;
};

FIXTURE_VARIANT(race_hotplug) {
	enum vmdev_vm_mode mode;
};

E2E_MODES(race_hotplug);

/* A resource set of a PIO and an MMIO range, or NULL. */
static struct vmdev_resources *two_ranges(uint64_t pio, uint64_t mmio,
					  uint64_t size)
{
	struct vmdev_resource r[2] = {
		{ .type = VMDEV_RES_PIO, .range = { .base = pio, .size = size } },
		{ .type = VMDEV_RES_MMIO,
		  .range = { .base = mmio, .size = size } },
	};
	struct vmdev_resources *res;

	if (vmdev_resources_new(&res))
		return NULL;
	if (vmdev_resources_append(res, &r[0]) ||
	    vmdev_resources_append(res, &r[1])) {
		vmdev_resources_free(res);
		return NULL;
	}
	return res;
}

/* A register device of map d at a PIO and an MMIO range. */
static int regdev(struct e2e *e, const struct vmdev_rdev_desc *d,
		  uint64_t pio, uint64_t mmio, uint64_t size,
		  struct vmdev_regdev **out)
{
	VMDEV_OPTS(vmdev_regdev_opts, o, .flags = d->flags,
		   .dev_size = d->dev_size, .nr_regs = d->nr_regs,
		   .regs = d->regs, .name = "race");
	struct vmdev_resources *res = two_ranges(pio, mmio, size);
	int ret;

	if (!res)
		return -ENOMEM;
	ret = vmdev_regdev_new(e->ctx, res, &o, out);
	vmdev_resources_free(res);
	return ret;
}

static int user_device(vmdev_io_read_fn rd, vmdev_io_write_fn wr,
		       void (*release)(void *), void *opaque,
		       struct vmdev_device **out)
{
	VMDEV_OPTS(vmdev_device_opts, o, .kind = VMDEV_DEVICE_THREAD_SAFE,
		   .read = rd, .write = wr, .release = release,
		   .opaque = opaque);

	return vmdev_device_new(&o, out);
}

/*
 * The table: the register device, the userspace device (its constant
 * and each vCPU's store, written and read back), the transient place.
 */
static void fill_table(FIXTURE_DATA(race_hotplug) *self)
{
	const uint64_t w = 0x0102030405060708ULL;
	const struct guest_race_op u[] = {
		{ RACE_OP(READ, PIO, 4, U_PIO, 0, U_CONST32) },
		{ RACE_OP(WRITE, MMIO, 8, U_MMIO + U_STORE_OFF, 8, w) },
		{ RACE_OP(READBACK, MMIO, 8, U_MMIO + U_STORE_OFF, 8, w) },
		{ RACE_OP(WRITE, PIO, 2, U_PIO + U_STORE_OFF + 2, 8, w) },
		{ RACE_OP(READBACK, PIO, 2, U_PIO + U_STORE_OFF + 2, 8, w) },
		{ RACE_OP(READ, MMIO, 1, U_MMIO + 3, 0, U_CONST32 >> 24) },
	};
	const struct guest_race_op t[] = {
		{ RACE_OP(MARKER, PIO, 4, T_PIO, 0, MARK) },
		{ RACE_OP(MARKER, MMIO, 8, T_MMIO + 8, 0, MARK) },
		{ RACE_OP(POKE, PIO, 4, T_PIO + 16, 0, 1) },
		{ RACE_OP(MARKER, MMIO, 4, T_MMIO, 0, MARK) },
	};
	unsigned int i;

	krace_stable_ops(self->p, S_PIO, S_MMIO, KRACE_S_MAX_OPS);
	self->nr_stable = self->p->nr_ops;
	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		self->p->ops[self->p->nr_ops++] = u[i];
	self->nr_user = self->p->nr_ops - self->nr_stable;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		self->p->ops[self->p->nr_ops++] = t[i];
}

FIXTURE_SETUP(race_hotplug)
{
	struct e2e_opts o = {
		.mode = variant->mode, .image = GUEST_IMAGE(race),
		.cpu_mode = MINIVM_LONG64, .nr_vcpus = KRACE_VCPUS,
	};
	unsigned int i;

	self->t = calloc(1, sizeof(*self->t));
	ASSERT_NE(NULL, self->t);
	E2E_SETUP(&self->e, &o);
	self->p = minivm_gpa(&self->e.vm, GUEST_PARAM_ADDR, GUEST_PARAM_SIZE);
	ASSERT_NE(NULL, self->p);
	fill_table(self);

	ASSERT_EQ(0, regdev(&self->e, &krace_s_map, S_PIO, S_MMIO,
			    KRACE_S_WINDOW, &self->s));
	self->u_res = two_ranges(U_PIO, U_MMIO, U_WINDOW);
	self->t_res = two_ranges(T_PIO, T_MMIO, T_WINDOW);
	ASSERT_NE(NULL, self->u_res);
	ASSERT_NE(NULL, self->t_res);
	for (i = 0; i < 8; i++) {
		self->c_res[i] = two_ranges(C_PIO + i * C_WINDOW,
					    C_MMIO + i * 0x1000, C_WINDOW);
		ASSERT_NE(NULL, self->c_res[i]);
	}
	ASSERT_EQ(0, user_device(udev_read, udev_write, NULL, &self->u,
				 &self->udev));
	ASSERT_EQ(2, vmdev_io_register(self->e.io, self->udev, self->u_res));
}

FIXTURE_TEARDOWN(race_hotplug)
{
	unsigned int i;

	if (self->p)
		__atomic_store_n(&self->p->stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < KRACE_VCPUS; i++)
		if (self->v[i].started)
			pthread_join(self->v[i].tid, NULL);
	vmdev_regdev_free(self->s);
	vmdev_device_put(self->udev);
	vmdev_resources_free(self->u_res);
	vmdev_resources_free(self->t_res);
	for (i = 0; i < 8; i++)
		vmdev_resources_free(self->c_res[i]);
	/* The transient devices' last references go with the context. */
	E2E_FINI(&self->e);
	free(self->t);
}

/* ---- the vCPU threads ---------------------------------------------------- */

static bool in_window(const struct minivm_io *io, uint64_t pio,
		      uint64_t mmio, uint64_t size)
{
	return io->addr - (io->space == VMDEV_SPACE_PIO ? pio : mmio) < size;
}

/* What the library left undone: the guest's exit, or the gone device. */
static int unhandled(void *opaque, struct minivm_io *io)
{
	struct lvcpu *v = opaque;

	if (io->space == VMDEV_SPACE_PIO && io->write &&
	    io->addr == GUEST_PORT_EXIT) {
		v->exited = true;
		v->result = (uint32_t)io->data;
		return 0;
	}
	v->unhandled++;
	if (in_window(io, T_PIO, T_MMIO, T_WINDOW)) {
		if (io->write) {
			v->gone_writes++;
		} else {
			v->gone_reads++;
			io->data = io->len == 8 ? ~0ULL :
				   (1ULL << (8 * io->len)) - 1;
		}
		return 0;
	}
	if (!v->strays++)
		v->first_stray = *io;
	io->data = 0;
	return 0;
}

static int step(struct lvcpu *v)
{
	struct kvm_run *run = v->e->vm.vcpus[v->index].run;
	int ret = vmdev_vcpu_run(v->e->vcpus[v->index]);

	if (ret == -EINTR)
		return run->immediate_exit ? -ETIMEDOUT : 0;
	if (ret < 0)
		return ret;
	if (ret == VMDEV_VCPU_EXIT)
		return -EIO;
	return minivm_complete_vcpu_io(&v->e->vm, v->index, unhandled, v);
}

static void *vcpu_main(void *arg)
{
	struct lvcpu *v = arg;
	struct kvm_run *run = v->e->vm.vcpus[v->index].run;
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = E2E_KICK_SIGNAL,
	};
	struct itimerspec its = { .it_value.tv_sec = DEADLINE_MS / 1000 };
	timer_t timer;

	my_vcpu = (int)v->index;
	sev.sigev_notify_thread_id = gettid();
	if (timer_create(CLOCK_MONOTONIC, &sev, &timer)) {
		v->ret = -errno;
		return NULL;
	}
	e2e_kick_target = run;
	if (timer_settime(timer, 0, &its, NULL))
		v->ret = -errno;
	while (!v->ret && !v->exited)
		v->ret = step(v);
	timer_delete(timer);
	e2e_kick_target = NULL;
	run->immediate_exit = 0;
	atomic_store(&v->done, true);
	return NULL;
}

/* ---- hotplug ------------------------------------------------------------- */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/* Generations destroyed so far, for the guest. */
static void dead(FIXTURE_DATA(race_hotplug) *self, uint32_t gen)
{
	__atomic_store_n(&self->p->dead, gen, __ATOMIC_RELEASE);
}

/* A new userspace generation; the transaction holds it, not us. */
static int stage_tdev(FIXTURE_DATA(race_hotplug) *self,
		      struct vmdev_io_txn *txn, uint32_t gen)
{
	struct vmdev_device *dev;
	ssize_t n;
	int ret;

	self->t->dev[gen].gen = gen;
	ret = user_device(tdev_read, tdev_write, tdev_release,
			  &self->t->dev[gen], &dev);
	if (ret)
		return ret;
	n = vmdev_io_txn_register(txn, dev, self->t_res);
	vmdev_device_put(dev);
	return n == 2 ? 0 : (n < 0 ? (int)n : -EPROTO);
}

static int stage_cdev(struct vmdev_io_txn *txn,
		      const struct vmdev_resources *res)
{
	struct vmdev_device *dev;
	ssize_t n;
	int ret;

	ret = user_device(cdev_read, tdev_write, NULL, NULL, &dev);
	if (ret)
		return ret;
	n = vmdev_io_txn_register(txn, dev, res);
	vmdev_device_put(dev);
	return n == 2 ? 0 : (n < 0 ? (int)n : -EPROTO);
}

/*
 * Step k of the hotplug loop (see the top of the file); *gen is the
 * newest generation. 0 or the first error.
 */
static int hotplug(FIXTURE_DATA(race_hotplug) *self, unsigned int k,
		   uint32_t *gen)
{
	const struct vmdev_resources *c = self->c_res[k / 4 % 8];
	struct vmdev_regdev *rd;
	struct vmdev_reg regs[3];
	struct vmdev_rdev_desc d = {
		.dev_size = T_WINDOW, .nr_regs = 3, .regs = regs,
	};
	struct vmdev_io_txn *txn;
	ssize_t n = 2;
	int ret;

	if (*gen + 1 >= MAX_GENS)
		return -ENOSPC;
	if (k % 4 == 3) {
		/* A register device comes and goes. */
		memcpy(regs, t_regs_model, sizeof(regs));
		regs[0].reset = MARK | ++*gen;
		regs[1].reset = (uint64_t)regs[0].reset << 32 | regs[0].reset;
		ret = regdev(&self->e, &d, T_PIO, T_MMIO, T_WINDOW, &rd);
		if (ret)
			return ret;
		usleep(k % 3 * 300 + 200);
		vmdev_regdev_free(rd);
		dead(self, *gen);
		return 0;
	}
	ret = vmdev_io_txn_begin(self->e.io, &txn);
	if (ret)
		return ret;
	switch (k % 4) {
	case 0:		/* add, with an unrelated device */
		ret = stage_tdev(self, txn, ++*gen);
		if (!ret)
			ret = stage_cdev(txn, c);
		break;
	case 1:		/* swap, in one publish */
		n = vmdev_io_txn_unregister(txn, self->t_res);
		if (n == 2)
			ret = stage_tdev(self, txn, ++*gen);
		break;
	default:	/* remove both */
		n = vmdev_io_txn_unregister(txn, self->t_res);
		if (n == 2)
			n = vmdev_io_txn_unregister(txn, c);
		break;
	}
	if (n != 2 || ret) {
		vmdev_io_txn_cancel(txn);
		return ret ? ret : (n < 0 ? (int)n : -EPROTO);
	}
	ret = vmdev_io_txn_commit(txn);
	if (ret)
		return ret;
	/* The commit waited for every access to what it removed. */
	if (k % 4 == 1)
		dead(self, *gen - 1);
	else if (k % 4 == 2)
		dead(self, *gen);
	usleep(k % 3 * 300 + 200);
	return 0;
}

static bool running(FIXTURE_DATA(race_hotplug) *self)
{
	unsigned int i;
	bool all = true;

	for (i = 0; i < KRACE_VCPUS; i++)
		all = all && !atomic_load(&self->v[i].done);
	return all;
}

TEST_F_TIMEOUT(race_hotplug, commit_while_accessing, 120)
{
	struct vmdev_regdev_stats st;
	struct vmdev_vcpu_stats vs;
	uint64_t end, t0, rounds = 0, accesses = 0, gone = 0, exits = 0;
	uint32_t gen = 0;
	unsigned int i, k = 0;
	int ret = 0;

	E2E_REQUIRE(&self->e);
	t0 = now_ms();
	for (i = 0; i < KRACE_VCPUS; i++) {
		self->v[i] = (struct lvcpu){ .e = &self->e, .index = i };
		ASSERT_EQ(0, pthread_create(&self->v[i].tid, NULL, vcpu_main,
					    &self->v[i]));
		self->v[i].started = true;
	}
	end = now_ms() + RUN_MS;
	while (!ret && now_ms() < end && running(self))
		ret = hotplug(self, k++, &gen);
	if (ret == -ENOSPC)
		ret = 0;	/* out of generations before the time */
	__atomic_store_n(&self->p->stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < KRACE_VCPUS; i++) {
		pthread_join(self->v[i].tid, NULL);
		self->v[i].started = false;
	}
	EXPECT_EQ(0, ret) TH_LOG("hotplug step %u: %s", k, strerror(-ret));

	for (i = 0; i < KRACE_VCPUS; i++) {
		struct lvcpu *v = &self->v[i];
		struct guest_race_vcpu *g = &self->p->vcpu[i];

		EXPECT_EQ(0, v->ret) TH_LOG("vCPU %u: %s", i,
					    strerror(-v->ret));
		EXPECT_EQ((uint32_t)GUEST_PASS, v->result) {
			TH_LOG("vCPU %u: %#x, first bad entry %u read %#llx "
			       "(dead %u)", i, v->result, g->first_op,
			       (unsigned long long)g->first_value,
			       g->first_dead);
		}
		EXPECT_EQ(0U, g->bad);
		EXPECT_EQ(0U, g->stale);
		EXPECT_LT(0U, g->rounds);
		EXPECT_EQ(0U, v->strays) {
			TH_LOG("vCPU %u: first stray %s %s %#llx", i,
			       v->first_stray.space ? "MMIO" : "PIO",
			       v->first_stray.write ? "write" : "read",
			       (unsigned long long)v->first_stray.addr);
		}
		vs = (struct vmdev_vcpu_stats){ .sz = sizeof(vs) };
		ASSERT_EQ(0, vmdev_vcpu_stats(self->e.vcpus[i], &vs));
		/* Every access: in the kernel, in the library, or ours. */
		EXPECT_EQ(g->accesses,
			  vs.kernel_exits + vs.user_exits + v->unhandled);
		rounds += g->rounds;
		accesses += g->accesses;
		gone += g->gone;
		exits += vs.kernel_exits;
		EXPECT_EQ(g->gone, v->gone_reads);
	}
	TH_LOG("%s mode: %u generations in %llu ms, %llu rounds, %llu "
	       "accesses (%llu in the kernel), %llu transient reads gone",
	       variant->mode == VMDEV_VM_KERNEL ? "kernel" : "user", gen,
	       (unsigned long long)(now_ms() - t0),
	       (unsigned long long)rounds, (unsigned long long)accesses,
	       (unsigned long long)exits, (unsigned long long)gone);
	/* The devices that stay saw every access of theirs, exactly. */
	st = e2e_stats(self->s);
	EXPECT_EQ(rounds * self->nr_stable, st.fast);
	EXPECT_EQ(0U, st.slow);
	EXPECT_EQ(rounds * self->nr_user, atomic_load(&self->u.calls));
	EXPECT_EQ(0U, atomic_load(&self->u.wrong));
	EXPECT_EQ(0U, atomic_load(&self->t->late));
	EXPECT_LT(2U, gen);
	EXPECT_LT(0U, gone);
	if (variant->mode == VMDEV_VM_KERNEL) {
		EXPECT_LE(rounds * self->nr_stable, exits);
	}
}

TEST_HARNESS_MAIN
