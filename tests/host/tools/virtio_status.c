// SPDX-License-Identifier: GPL-2.0
/*
 * The reference VMM's virtio-mmio transport without KVM: the trapped
 * registers, the device status state machine and feature negotiation
 * (virtio 1.x 3.1.1), queue setup rules, configuration generation and
 * interrupts, and virtio-rng filling the guest's buffers.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "virtio_test.h"

#define S_ACK		(uint32_t)VIRTIO_CONFIG_S_ACKNOWLEDGE
#define S_DRIVER	(uint32_t)VIRTIO_CONFIG_S_DRIVER
#define S_FEAT_OK	(uint32_t)VIRTIO_CONFIG_S_FEATURES_OK
#define S_DRIVER_OK	(uint32_t)VIRTIO_CONFIG_S_DRIVER_OK
#define V1		VT_F(VIRTIO_F_VERSION_1)

FIXTURE(tr) {
	struct vt_drv d;
	struct virtio_rng *rng;
	struct virtio_mmio *t;
};

FIXTURE_SETUP(tr)
{
	ASSERT_EQ(0, vt_mem_init(&self->d));
	ASSERT_EQ(0, virtio_rng_new(&self->rng));
	ASSERT_EQ(0, virtio_mmio_new(virtio_rng_ops(self->rng), self->rng,
				     &self->d.mem, &self->t));
	self->d.ctx = self->t;
	self->d.rd = vt_slow_rd;
	self->d.wr = vt_slow_wr;
}

FIXTURE_TEARDOWN(tr)
{
	virtio_mmio_free(self->t);
	virtio_rng_free(self->rng);
	vt_mem_fini(&self->d);
}

#define RD(off)		vt_slow_rd(self->t, (off))
#define WR(off, v)	vt_slow_wr(self->t, (off), (v))

TEST_F(tr, identification)
{
	uint8_t b = 0x55;

	EXPECT_EQ(0x74726976U, RD(VIRTIO_MMIO_MAGIC_VALUE));
	EXPECT_EQ(2U, RD(VIRTIO_MMIO_VERSION));
	EXPECT_EQ((uint32_t)VIRTIO_ID_RNG, RD(VIRTIO_MMIO_DEVICE_ID));
	EXPECT_EQ((uint32_t)VMDEV_VIRTIO_MMIO_VENDOR, RD(VIRTIO_MMIO_VENDOR_ID));
	EXPECT_EQ(0U, RD(VIRTIO_MMIO_STATUS));
	EXPECT_EQ(~0U, RD(VIRTIO_MMIO_SHM_LEN_LOW));
	/* Narrow or misaligned register reads give 0. */
	virtio_mmio_slow_read(self->t, VMDEV_MMIO, 0, 0, &b, 1);
	EXPECT_EQ(0, b);
	EXPECT_EQ(0U, RD(VIRTIO_MMIO_MAGIC_VALUE + 2));
	/* rng has no configuration space: reads 0. */
	EXPECT_EQ(0U, RD(VIRTIO_MMIO_CONFIG));
}

TEST_F(tr, features_offered)
{
	uint64_t f = vt_device_features(&self->d);

	EXPECT_EQ(V1 | VT_F(VIRTIO_RING_F_INDIRECT_DESC) |
		  VT_F(VIRTIO_RING_F_EVENT_IDX), f);
	WR(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	EXPECT_EQ(0U, RD(VIRTIO_MMIO_DEVICE_FEATURES));
}

TEST_F(tr, negotiation)
{
	/* Without VERSION_1: FEATURES_OK does not stick. */
	EXPECT_EQ(S_ACK | S_DRIVER, vt_negotiate(&self->d, 0));
	/* A feature never offered: refused too. */
	EXPECT_EQ(S_ACK | S_DRIVER,
		  vt_negotiate(&self->d, V1 | VT_F(VIRTIO_F_ACCESS_PLATFORM)));
	/* Exactly VERSION_1: accepted. */
	EXPECT_EQ(S_ACK | S_DRIVER | S_FEAT_OK, vt_negotiate(&self->d, V1));
	EXPECT_EQ(V1, virtio_mmio_driver_features(self->t));
	/* Closed: later writes change nothing. */
	WR(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	WR(VIRTIO_MMIO_DRIVER_FEATURES, 1U << VIRTIO_RING_F_EVENT_IDX);
	EXPECT_EQ(V1, virtio_mmio_driver_features(self->t));
	/* Features written before DRIVER are ignored. */
	WR(VIRTIO_MMIO_STATUS, 0);
	WR(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	WR(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	EXPECT_EQ(0ULL, virtio_mmio_driver_features(self->t));
}

TEST_F(tr, status_machine)
{
	/* DRIVER_OK without FEATURES_OK is not taken. */
	WR(VIRTIO_MMIO_STATUS, S_ACK);
	WR(VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER | S_DRIVER_OK);
	EXPECT_EQ(S_ACK | S_DRIVER, RD(VIRTIO_MMIO_STATUS));
	/* A driver cannot clear a bit but by writing 0. */
	WR(VIRTIO_MMIO_STATUS, S_ACK);
	EXPECT_EQ(S_ACK | S_DRIVER, RD(VIRTIO_MMIO_STATUS));
	/* FAILED is recorded. */
	WR(VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER | VIRTIO_CONFIG_S_FAILED);
	EXPECT_EQ(S_ACK | S_DRIVER | (uint32_t)VIRTIO_CONFIG_S_FAILED,
		  RD(VIRTIO_MMIO_STATUS));
	/* 0 resets everything, the queue and interrupt status included. */
	ASSERT_EQ(VT_STATUS_LIVE, vt_start(&self->d, V1));
	EXPECT_EQ(1U, RD(VIRTIO_MMIO_QUEUE_READY));
	virtio_mmio_config_changed(self->t);
	EXPECT_NE(0U, virtio_mmio_int_status(self->t));
	WR(VIRTIO_MMIO_STATUS, 0);
	EXPECT_EQ(0U, RD(VIRTIO_MMIO_STATUS));
	EXPECT_EQ(0U, RD(VIRTIO_MMIO_QUEUE_READY));
	EXPECT_EQ(0U, virtio_mmio_int_status(self->t));
	EXPECT_EQ(0ULL, virtio_mmio_driver_features(self->t));
}

TEST_F(tr, queue_setup_rules)
{
	EXPECT_EQ((uint32_t)VIRTQ_MAX_SIZE, RD(VIRTIO_MMIO_QUEUE_NUM_MAX));
	WR(VIRTIO_MMIO_QUEUE_SEL, 1);		/* rng has one queue */
	EXPECT_EQ(0U, RD(VIRTIO_MMIO_QUEUE_NUM_MAX));
	/* Ready before FEATURES_OK: refused. */
	vt_queue_regs(&self->d, 0, VT_QSIZE, VT_DESC, VT_AVAIL, VT_USED);
	EXPECT_EQ(0U, RD(VIRTIO_MMIO_QUEUE_READY));
	ASSERT_EQ(S_ACK | S_DRIVER | S_FEAT_OK, vt_negotiate(&self->d, V1));
	vt_queue_regs(&self->d, 0, VT_QSIZE, VT_DESC, VT_AVAIL, VT_USED);
	EXPECT_EQ(1U, RD(VIRTIO_MMIO_QUEUE_READY));
	/* A queue that does not exist never becomes ready. */
	vt_queue_regs(&self->d, 1, VT_QSIZE, VT_DESC, VT_AVAIL, VT_USED);
	EXPECT_EQ(0U, RD(VIRTIO_MMIO_QUEUE_READY));
	EXPECT_EQ(0U, RD(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
	/* Setup registers of a ready queue are frozen; ready 0 stops it. */
	WR(VIRTIO_MMIO_QUEUE_SEL, 0);
	WR(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x5000);
	EXPECT_EQ(VT_DESC, self->t->qcfg[0].desc);
	WR(VIRTIO_MMIO_QUEUE_READY, 0);
	EXPECT_EQ(0U, RD(VIRTIO_MMIO_QUEUE_READY));
}

TEST_F(tr, config_generation)
{
	uint32_t g = RD(VIRTIO_MMIO_CONFIG_GENERATION);

	/* Before DRIVER_OK: a new generation, no interrupt. */
	virtio_mmio_config_changed(self->t);
	EXPECT_EQ(g + 1, RD(VIRTIO_MMIO_CONFIG_GENERATION));
	EXPECT_EQ(0U, virtio_mmio_int_status(self->t));
	ASSERT_EQ(VT_STATUS_LIVE, vt_start(&self->d, V1));
	virtio_mmio_config_changed(self->t);
	EXPECT_EQ(g + 2, RD(VIRTIO_MMIO_CONFIG_GENERATION));
	EXPECT_EQ((uint32_t)VIRTIO_MMIO_INT_CONFIG,
		  virtio_mmio_int_status(self->t));
	/* InterruptACK clears what it names. */
	WR(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_CONFIG);
	EXPECT_EQ(0U, virtio_mmio_int_status(self->t));
}

/* Nothing is consumed before DRIVER_OK; it is at DRIVER_OK. */
TEST_F(tr, no_processing_before_driver_ok)
{
	struct vt_seg s = { VT_DATA, 32, true };
	uint32_t id, len, st;

	st = vt_negotiate(&self->d, V1);
	ASSERT_EQ(S_ACK | S_DRIVER | S_FEAT_OK, st);
	self->d.num = VT_QSIZE;
	vt_queue_regs(&self->d, 0, VT_QSIZE, VT_DESC, VT_AVAIL, VT_USED);
	vt_add(&self->d, &s, 1);
	WR(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	EXPECT_FALSE(!!(vt_used(&self->d, &id, &len)));
	WR(VIRTIO_MMIO_STATUS, st | S_DRIVER_OK);
	ASSERT_TRUE(vt_used(&self->d, &id, &len));
	EXPECT_EQ(32U, len);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

TEST_F(tr, rng_fills_buffers)
{
	struct vt_seg s[3] = {
		{ VT_HDR, 16, false },		/* readable: skipped */
		{ VT_DATA, 64, true },
		{ VT_DATA + 0x1000, 200, true },
	};
	uint32_t id, len;
	uint16_t head;

	ASSERT_EQ(VT_STATUS_LIVE, vt_start(&self->d, V1));
	memset(self->d.ram + VT_HDR, 0, 16);
	memset(self->d.ram + VT_DATA, 0, 0x2000);
	head = vt_add(&self->d, s, 3);
	WR(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(vt_used(&self->d, &id, &len));
	EXPECT_EQ((uint32_t)head, id);
	EXPECT_EQ(264U, len);
	EXPECT_FALSE(!!(all_zero(self->d.ram + VT_DATA, 64)));
	EXPECT_FALSE(!!(all_zero(self->d.ram + VT_DATA + 0x1000, 200)));
	EXPECT_TRUE(!!(all_zero(self->d.ram + VT_DATA + 64, 0x1000 - 64)));
	EXPECT_TRUE(!!(all_zero(self->d.ram + VT_HDR, 16)));
	EXPECT_EQ((uint32_t)VIRTIO_MMIO_INT_VRING,
		  virtio_mmio_int_status(self->t));
}

/* EVENT_IDX: the device interrupts only when used_event is crossed. */
TEST_F(tr, event_idx_suppression)
{
	struct vt_seg s = { VT_DATA, 8, true };
	uint16_t *used_event, *avail_event;
	uint32_t id, len;
	int i;

	ASSERT_EQ(VT_STATUS_LIVE,
		  vt_start(&self->d, V1 | VT_F(VIRTIO_RING_F_EVENT_IDX)));
	used_event = &self->d.avail->ring[VT_QSIZE];
	avail_event = (uint16_t *)&self->d.used->ring[VT_QSIZE];
	/* The driver wants an interrupt after the 3rd buffer only. */
	*used_event = 2;
	for (i = 0; i < 3; i++) {
		vt_add(&self->d, &s, 1);
		WR(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
		ASSERT_TRUE(vt_used(&self->d, &id, &len));
		EXPECT_EQ(i == 2 ? (uint32_t)VIRTIO_MMIO_INT_VRING : 0U,
			  virtio_mmio_int_status(self->t));
		/* The device asks to be notified at the next entry. */
		EXPECT_EQ(i + 1, *avail_event);
	}
}

#define ROUNDS	20000

struct race {
	struct virtio_mmio *t;
	_Atomic bool stop;
	unsigned long passes;
};

/* The I/O thread's part: process the queues over and over. */
static void *race_notify(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->stop)) {
		virtio_mmio_notify(r->t);
		r->passes++;
	}
	return NULL;
}

/*
 * A driver resetting and bringing the device up again while the I/O
 * side processes its queue: the transport's lock keeps a reset out of
 * a walk of the rings (without it, the walk reads a queue being torn
 * down). Every round's buffer completes once the device is live.
 */
TEST_F(tr, reset_races_processing)
{
	struct vt_seg s = { VT_DATA, 16, true };
	struct race r = { .t = self->t };
	uint32_t id, len, done = 0;
	pthread_t th;
	int i;

	ASSERT_EQ(0, pthread_create(&th, NULL, race_notify, &r));
	for (i = 0; i < ROUNDS; i++) {
		ASSERT_EQ(VT_STATUS_LIVE, vt_start(&self->d, V1));
		vt_add(&self->d, &s, 1);
		WR(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
		/* Notified in place: complete now, whoever processed it. */
		if (vt_used(&self->d, &id, &len) && len == 16)
			done++;
	}
	atomic_store(&r.stop, true);
	pthread_join(th, NULL);
	EXPECT_EQ((uint32_t)ROUNDS, done);
	EXPECT_EQ(VT_STATUS_LIVE, RD(VIRTIO_MMIO_STATUS));
	TH_LOG("%lu processing passes", r.passes);
}

TEST(bad_ops)
{
	struct virtio_dev_ops ops = { .nr_queues = 0 };
	struct virtio_mem mem = { 0 };
	struct virtio_mmio *t = NULL;

	EXPECT_EQ(-EINVAL, virtio_mmio_new(&ops, NULL, &mem, &t));
	ops.nr_queues = VIRTIO_MMIO_MAX_QUEUES + 1;
	EXPECT_EQ(-EINVAL, virtio_mmio_new(&ops, NULL, &mem, &t));
	EXPECT_EQ(-EINVAL, virtio_mmio_new(NULL, NULL, &mem, &t));
	EXPECT_EQ(NULL, t);
	EXPECT_EQ(-EINVAL, virtio_mmio_start(NULL, NULL));
	virtio_mmio_free(NULL);
}

TEST_HARNESS_MAIN
