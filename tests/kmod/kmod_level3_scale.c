// SPDX-License-Identifier: GPL-2.0
/*
 * Level 3 at scale: a context never costs KVM's bus one device per
 * range. 1024 ranges side by side take one KVM device, and the guest
 * reads the first, a middle and the last range without an exit. 10,000
 * ranges take one KVM device too, every access reaches its own device
 * without an exit, and devices created inside the window change KVM's
 * bus not at all (counted by debugfs vmdev/kvm_bus_updates); up
 * to VMDEV_MAX_RANGES, past which a device is refused with nothing
 * changed. Whatever one creation or destruction moves is one update of
 * KVM's buses: 32 windows made at once, all of them dropped at once,
 * a window widened. Ranges that other KVM
 * devices (ioeventfds) keep apart take one window each up to
 * VMDEV_L3_MAX_WINDOWS (32); the ranges past that stay at level 1 and
 * exit as before. A batch (VMDEV_BATCH) of devices that each move a
 * window is one update at its end, and its devices work meanwhile.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <linux/vmdev.h>

#include "kselftest_harness.h"
#include "kmod_run.h"
#include "kmod_level3.h"

GUEST_IMAGE_DECLARE(access);

#define MMIO_BASE	0xd0000000ULL
#define PIO_BASE	0x4000
#define NR_DEVS		256
#define DEV_RANGES	4
#define MAX_WINDOWS	32
#define SPARSE		40		/* ranges kept apart */
#define STRIDE		0x20		/* PIO: range, then an ioeventfd */

FIXTURE(scale) {
	int ctx, kvm_err;
	struct minivm vm;
	struct guest_access_params *p;
	uint64_t user_ios;
	int efd;
};

FIXTURE_SETUP(scale)
{
	self->vm.run = NULL;
	self->efd = -1;
	KRUN_SETUP(self->ctx, self->kvm_err);
	if (self->kvm_err || self->ctx < 0)
		return;
	ASSERT_EQ(0, minivm_create(&self->vm, NULL));
	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(access),
				 MINIVM_LONG64));
	self->p = minivm_gpa(&self->vm, GUEST_PARAM_ADDR, GUEST_PARAM_SIZE);
	ASSERT_NE(NULL, self->p);
}

FIXTURE_TEARDOWN(scale)
{
	if (self->vm.run)
		minivm_destroy(&self->vm);
	if (self->ctx >= 0)
		close(self->ctx);
	if (self->efd >= 0)
		close(self->efd);
}

static int user_io(void *opaque, struct minivm_io *io)
{
	FIXTURE_DATA(scale) *self = opaque;

	self->user_ios++;
	if (!io->write)
		io->data = KMOD_CONST;
	return 0;
}

/* A read of the constant of the device window at base, checked. */
static void read_at(struct guest_access_params *p, uint8_t space,
		    uint64_t base)
{
	p->ops[p->nr_ops++] = (struct guest_access_op){
		.space = space, .size = 4, .check = 1, .addr = base + 4,
		.value = KMOD_CONST,
	};
}

static uint64_t run(struct __test_metadata *_metadata,
		    FIXTURE_DATA(scale) *self)
{
	uint32_t result = ~0U, nr = self->p->nr_ops;

	self->user_ios = 0;
	EXPECT_EQ(0, minivm_run_guest(&self->vm, user_io, self, &result));
	EXPECT_EQ((uint32_t)GUEST_PASS, result);
	EXPECT_EQ(nr, self->p->done);
	EXPECT_EQ(0U, self->p->failed);
	return self->user_ios;
}

/* 1024 ranges side by side: one KVM device, no exit. */
TEST_F_TIMEOUT(scale, side_by_side_one_window, 300)
{
	long bus = kmod_objects("kvm_bus_devices");
	struct vmdev_range r[DEV_RANGES];
	struct vmdev_level l;
	uint32_t d, i;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	ASSERT_EQ(0, kl3_attach(self->ctx, self->vm.vm_fd));
	/* Device d's ranges interleave with the others': each 16 bytes. */
	for (d = 0; d < NR_DEVS; d++) {
		for (i = 0; i < DEV_RANGES; i++)
			r[i] = kmod_range(MMIO, MMIO_BASE + (i * NR_DEVS + d) *
					  KMOD_WINDOW, KMOD_WINDOW);
		ASSERT_EQ(0, kmod_create(self->ctx, &kmod_map, r, DEV_RANGES,
					 NULL)) TH_LOG("device %u", d);
	}
	ASSERT_EQ(0, kl3_level(self->ctx, MMIO, MMIO_BASE, &l));
	EXPECT_EQ((uint32_t)VMDEV_LEVEL_KVM_BUS, l.level);
	EXPECT_EQ(1U, l.windows);
	EXPECT_EQ(bus + 1, kmod_objects("kvm_bus_devices"));
	self->p->nr_ops = 0;
	read_at(self->p, MMIO, MMIO_BASE);
	read_at(self->p, MMIO, MMIO_BASE + 517 * KMOD_WINDOW);
	read_at(self->p, MMIO, MMIO_BASE +
		(NR_DEVS * DEV_RANGES - 1) * KMOD_WINDOW);
	EXPECT_EQ(0U, run(_metadata, self));
	EXPECT_EQ(VMDEV_LEVEL_NONE, kl3_level_of(self->ctx, MMIO, MMIO_BASE +
				NR_DEVS * DEV_RANGES * KMOD_WINDOW));
}

/*
 * n devices of one range each, kept apart by ioeventfds (a KVM device
 * between each two): each needs a window of its own. Their ids in ids[]
 * unless NULL.
 */
static void create_apart(struct __test_metadata *_metadata,
			 FIXTURE_DATA(scale) *self, uint32_t n, uint32_t *ids)
{
	struct kvm_ioeventfd k = { .len = 1, .flags = KVM_IOEVENTFD_FLAG_PIO };
	uint32_t i;

	self->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, self->efd);
	k.fd = self->efd;
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, kmod_create1(self->ctx, PIO, PIO_BASE + i * STRIDE,
					  KMOD_WINDOW, ids ? &ids[i] : NULL));
		k.addr = PIO_BASE + i * STRIDE + KMOD_WINDOW;
		ASSERT_EQ(0, ioctl(self->vm.vm_fd, KVM_IOEVENTFD, &k));
	}
}

/*
 * Ranges kept apart by ioeventfds: a window each, up to the cap; the
 * rest at level 1, their accesses exits as without level 3.
 */
TEST_F(scale, apart_up_to_the_cap)
{
	long bus = kmod_objects("kvm_bus_devices"), upd;
	struct vmdev_level l;
	uint32_t i;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	create_apart(_metadata, self, SPARSE, NULL);
	upd = kl3_bus_updates();
	ASSERT_LE(0, upd);
	ASSERT_EQ(0, kl3_attach(self->ctx, self->vm.vm_fd));
	ASSERT_EQ(0, kl3_level(self->ctx, PIO, PIO_BASE, &l));
	EXPECT_EQ((uint32_t)VMDEV_LEVEL_KVM_BUS, l.level);
	EXPECT_EQ((uint32_t)MAX_WINDOWS, l.windows);
	EXPECT_EQ(bus + MAX_WINDOWS, kmod_objects("kvm_bus_devices"));
	/* 32 windows, one update. */
	EXPECT_EQ(upd + 1, kl3_bus_updates());
	for (i = 0; i < SPARSE; i++)
		EXPECT_EQ(i < MAX_WINDOWS ? VMDEV_LEVEL_KVM_BUS :
			  VMDEV_LEVEL_MODULE,
			  kl3_level_of(self->ctx, PIO, PIO_BASE + i * STRIDE))
			TH_LOG("range %u", i);
	self->p->nr_ops = 0;
	for (i = 0; i < SPARSE; i++)
		read_at(self->p, PIO, PIO_BASE + i * STRIDE);
	EXPECT_EQ((uint64_t)(SPARSE - MAX_WINDOWS), run(_metadata, self));
	/* Closing the context takes the 32 off in one update too. */
	close(self->ctx);
	self->ctx = -1;
	EXPECT_EQ(bus, kmod_objects("kvm_bus_devices"));
	EXPECT_EQ(upd + 2, kl3_bus_updates());
}

#define BATCH		8		/* devices apart, in one batch */

/*
 * The guest, loaded afresh, reads every range of create_apart(); the
 * exits it made.
 */
static uint64_t read_apart(struct __test_metadata *_metadata,
			   FIXTURE_DATA(scale) *self)
{
	uint32_t i;

	EXPECT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(access),
				 MINIVM_LONG64));
	self->p->nr_ops = 0;
	for (i = 0; i < BATCH; i++)
		read_at(self->p, PIO, PIO_BASE + i * STRIDE);
	return run(_metadata, self);
}

/*
 * Eight devices that each need a window of their own, created in a
 * batch: KVM's bus unchanged until its end, the devices served at level
 * 1 meanwhile (exits, the right values), then all eight windows in one
 * update. Half of them destroyed in a second batch: gone at once (no
 * device there), their windows taken off in one update at its end.
 */
TEST_F(scale, batch_one_update)
{
	long bus = kmod_objects("kvm_bus_devices"), upd;
	uint32_t ids[BATCH], i;
	struct vmdev_level l;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	ASSERT_EQ(0, kl3_attach(self->ctx, self->vm.vm_fd));
	upd = kl3_bus_updates();
	ASSERT_LE(0, upd);
	ASSERT_EQ(0, kl3_batch(self->ctx, VMDEV_BATCH_BEGIN));
	create_apart(_metadata, self, BATCH, ids);
	EXPECT_EQ(upd, kl3_bus_updates());
	EXPECT_EQ(bus, kmod_objects("kvm_bus_devices"));
	for (i = 0; i < BATCH; i++)
		EXPECT_EQ(VMDEV_LEVEL_MODULE, kl3_level_of(self->ctx, PIO,
							PIO_BASE + i * STRIDE));
	EXPECT_EQ((uint64_t)BATCH, read_apart(_metadata, self));
	ASSERT_EQ(0, kl3_batch(self->ctx, VMDEV_BATCH_END));
	EXPECT_EQ(upd + 1, kl3_bus_updates());
	EXPECT_EQ(bus + BATCH, kmod_objects("kvm_bus_devices"));
	ASSERT_EQ(0, kl3_level(self->ctx, PIO, PIO_BASE, &l));
	EXPECT_EQ((uint32_t)VMDEV_LEVEL_KVM_BUS, l.level);
	EXPECT_EQ((uint32_t)BATCH, l.windows);
	EXPECT_EQ(0U, read_apart(_metadata, self));

	ASSERT_EQ(0, kl3_batch(self->ctx, VMDEV_BATCH_BEGIN));
	for (i = 0; i < BATCH; i += 2)
		ASSERT_EQ(0, kmod_destroy(self->ctx, ids[i]));
	EXPECT_EQ(upd + 1, kl3_bus_updates());
	for (i = 0; i < BATCH; i++)
		EXPECT_EQ(i % 2 ? VMDEV_LEVEL_KVM_BUS : VMDEV_LEVEL_NONE,
			  kl3_level_of(self->ctx, PIO, PIO_BASE + i * STRIDE));
	/* The windows left over answer nothing: those reads exit. */
	EXPECT_EQ((uint64_t)BATCH / 2, read_apart(_metadata, self));
	ASSERT_EQ(0, kl3_batch(self->ctx, VMDEV_BATCH_END));
	EXPECT_EQ(upd + 2, kl3_bus_updates());
	EXPECT_EQ(bus + BATCH / 2, kmod_objects("kvm_bus_devices"));
	EXPECT_EQ((uint64_t)BATCH / 2, read_apart(_metadata, self));
	/* An empty batch moves nothing. */
	ASSERT_EQ(0, kl3_batch(self->ctx, VMDEV_BATCH_BEGIN));
	ASSERT_EQ(0, kl3_batch(self->ctx, VMDEV_BATCH_END));
	EXPECT_EQ(upd + 2, kl3_bus_updates());
}

/*
 * Batches out of order or malformed are refused, with nothing changed;
 * without level 3 a batch holds nothing; a context closed in the middle
 * of one takes its windows off KVM's bus all the same.
 */
TEST_F(scale, batch_errors)
{
	long bus = kmod_objects("kvm_bus_devices"), upd = kl3_bus_updates();
	struct vmdev_batch b = { .size = sizeof(b) };
	uint32_t ids[BATCH];

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	ASSERT_LE(0, upd);
	EXPECT_EQ(-EINVAL, kl3_batch(self->ctx, VMDEV_BATCH_END));
	EXPECT_EQ(-EINVAL, kl3_batch(self->ctx, 0));
	EXPECT_EQ(-EINVAL, kl3_batch(self->ctx, VMDEV_BATCH_END + 1));
	b.op = VMDEV_BATCH_BEGIN;
	b.flags = 1;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->ctx, VMDEV_BATCH, &b));
	b.flags = 0;
	b.pad = 1;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->ctx, VMDEV_BATCH, &b));
	b.pad = 0;
	b.size = sizeof(b) - 4;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->ctx, VMDEV_BATCH, &b));
	/* None of these opened a batch. */
	EXPECT_EQ(-EINVAL, kl3_batch(self->ctx, VMDEV_BATCH_END));

	/* Not attached: nothing to hold, the same rules. */
	ASSERT_EQ(0, kl3_batch(self->ctx, VMDEV_BATCH_BEGIN));
	EXPECT_EQ(-EBUSY, kl3_batch(self->ctx, VMDEV_BATCH_BEGIN));
	create_apart(_metadata, self, BATCH, ids);
	ASSERT_EQ(0, kl3_batch(self->ctx, VMDEV_BATCH_END));
	EXPECT_EQ(-EINVAL, kl3_batch(self->ctx, VMDEV_BATCH_END));
	EXPECT_EQ(upd, kl3_bus_updates());

	/* Attached inside a batch: the windows come at its end. */
	ASSERT_EQ(0, kl3_batch(self->ctx, VMDEV_BATCH_BEGIN));
	ASSERT_EQ(0, kl3_attach(self->ctx, self->vm.vm_fd));
	EXPECT_EQ(VMDEV_LEVEL_MODULE, kl3_level_of(self->ctx, PIO, PIO_BASE));
	EXPECT_EQ(upd, kl3_bus_updates());
	ASSERT_EQ(0, kl3_batch(self->ctx, VMDEV_BATCH_END));
	EXPECT_EQ(upd + 1, kl3_bus_updates());
	EXPECT_EQ(bus + BATCH, kmod_objects("kvm_bus_devices"));

	/* Closed with a batch open: every window off, in one update. */
	ASSERT_EQ(0, kl3_batch(self->ctx, VMDEV_BATCH_BEGIN));
	ASSERT_EQ(0, kmod_destroy(self->ctx, ids[0]));
	close(self->ctx);
	self->ctx = -1;
	EXPECT_EQ(bus, kmod_objects("kvm_bus_devices"));
	EXPECT_EQ(upd + 2, kl3_bus_updates());
}

/* 10,000 ranges: slots of KMOD_WINDOW bytes from MMIO_BASE. */
#define TEN_K		10000
#define SLOT(k)		(MMIO_BASE + (uint64_t)(k) * KMOD_WINDOW)
#define CHUNK		VMDEV_MAX_DEV_RANGES

/*
 * A device on two slots, lo and hi, then devices of CHUNK slots on every
 * slot between (first in ids[]): the first one sets the window's edges,
 * so that the others all fall inside it. Returns the devices created.
 */
static uint32_t fill_slots(struct __test_metadata *_metadata, int ctx,
			   uint32_t lo, uint32_t hi, uint32_t *ids)
{
	struct vmdev_range r[CHUNK];
	uint32_t k, i, n = 0;

	r[0] = kmod_range(MMIO, SLOT(lo), KMOD_WINDOW);
	r[1] = kmod_range(MMIO, SLOT(hi), KMOD_WINDOW);
	EXPECT_EQ(0, kmod_create(ctx, &kmod_map, r, 2, &ids[n++]));
	for (k = lo + 1; k < hi; k += i) {
		for (i = 0; i < CHUNK && k + i < hi; i++)
			r[i] = kmod_range(MMIO, SLOT(k + i), KMOD_WINDOW);
		EXPECT_EQ(0, kmod_create(ctx, &kmod_map, r, i, &ids[n]))
			TH_LOG("slot %u", k);
		n++;
	}
	return n;
}

/*
 * 10,000 ranges at level 3, in 626 devices: one KVM device; the devices
 * inside the window cost no KVM bus update, the one that widens it one;
 * the guest writes and reads one range of 40 devices and each write
 * lands in its own device, with no exit. Then the context fills to VMDEV_MAX_RANGES and the next
 * device is refused (ENOSPC) with nothing changed, on either bus.
 */
TEST_F_TIMEOUT(scale, ten_thousand_ranges, 600)
{
	static uint32_t ids[VMDEV_MAX_DEVICES];
	long bus = kmod_objects("kvm_bus_devices");
	long upd = kl3_bus_updates();
	uint32_t n, j, dev, sample[40], nr_sample = 0;
	struct vmdev_level l;
	struct vmdev_range r;
	uint64_t v;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	ASSERT_LE(0, upd);
	ASSERT_EQ(0, kl3_attach(self->ctx, self->vm.vm_fd));
	n = fill_slots(_metadata, self->ctx, 0, TEN_K - 1, ids);
	ASSERT_EQ(1U + (TEN_K - 2 + CHUNK - 1) / CHUNK, n);
	/* One registration: the first device's window. */
	EXPECT_EQ(upd + 1, kl3_bus_updates());
	EXPECT_EQ(bus + 1, kmod_objects("kvm_bus_devices"));
	ASSERT_EQ(0, kl3_level(self->ctx, MMIO, SLOT(TEN_K - 1), &l));
	EXPECT_EQ((uint32_t)VMDEV_LEVEL_KVM_BUS, l.level);
	EXPECT_EQ(1U, l.windows);

	/* Device dev's first slot (device 0: slot 0) gets 0x5a000000 + dev. */
	self->p->nr_ops = 0;
	for (dev = 0; dev < n && nr_sample < 40; dev += n / 39, nr_sample++) {
		uint64_t at = SLOT(dev ? 1 + (dev - 1) * CHUNK : 0);

		sample[nr_sample] = dev;
		self->p->ops[self->p->nr_ops++] = (struct guest_access_op){
			.space = MMIO, .size = 4, .write = 1, .addr = at,
			.value = 0x5a000000 + dev,
		};
		self->p->ops[self->p->nr_ops++] = (struct guest_access_op){
			.space = MMIO, .size = 4, .check = 1, .addr = at,
			.value = 0x5a000000 + dev,
		};
		read_at(self->p, MMIO, at);
	}
	read_at(self->p, MMIO, SLOT(TEN_K - 1));
	EXPECT_EQ(0U, run(_metadata, self));
	for (j = 0, dev = 0; dev < n; dev++) {
		bool written = j < nr_sample && sample[j] == dev;

		ASSERT_EQ(0, kmod_reg_read(self->ctx, ids[dev], KMOD_REG_RW,
					   &v));
		EXPECT_EQ(written ? 0x5a000000 + dev : 0, v)
			TH_LOG("device %u", dev);
		j += written;
	}

	/* Up to the limit: one window edge moved, in one update. */
	upd = kl3_bus_updates();
	n += fill_slots(_metadata, self->ctx, TEN_K, VMDEV_MAX_RANGES - 1,
			ids + n);
	EXPECT_EQ(upd + 1, kl3_bus_updates());
	EXPECT_EQ(bus + 1, kmod_objects("kvm_bus_devices"));
	r = kmod_range(MMIO, SLOT(VMDEV_MAX_RANGES), KMOD_WINDOW);
	EXPECT_EQ(-ENOSPC, kmod_create(self->ctx, &kmod_map, &r, 1, NULL));
	r = kmod_range(PIO, PIO_BASE, KMOD_WINDOW);
	EXPECT_EQ(-ENOSPC, kmod_create(self->ctx, &kmod_map, &r, 1, NULL));
	EXPECT_EQ(upd + 1, kl3_bus_updates());
	EXPECT_EQ(bus + 1, kmod_objects("kvm_bus_devices"));
	EXPECT_EQ(VMDEV_LEVEL_NONE, kl3_level_of(self->ctx, MMIO,
						 SLOT(VMDEV_MAX_RANGES)));
	EXPECT_EQ(VMDEV_LEVEL_NONE, kl3_level_of(self->ctx, PIO, PIO_BASE));
	ASSERT_EQ(0, kl3_level(self->ctx, MMIO, SLOT(VMDEV_MAX_RANGES - 1),
			       &l));
	EXPECT_EQ((uint32_t)VMDEV_LEVEL_KVM_BUS, l.level);
	EXPECT_EQ(1U, l.windows);
}

TEST_HARNESS_MAIN
