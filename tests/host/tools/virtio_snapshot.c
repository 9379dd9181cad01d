// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport's state across a snapshot (the reference
 * VMM's virtio_mmio_snapshot.c), without KVM: a live transport saved and
 * restored into a new one over the same guest RAM, as a restored VMM
 * makes it, answers the driver as the first did, takes the requests the
 * first had not taken, each once, and goes on; every refused state
 * leaves the target as it was.
 */
#include <unistd.h>

#include "kselftest_harness.h"
#include "virtio_test.h"

#define V1		VT_F(VIRTIO_F_VERSION_1)

FIXTURE(snap) {
	struct vt_drv d;
	struct virtio_rng *rng_a, *rng_b;
	struct virtio_mmio *a, *b;
	struct vt_seg seg;
};

FIXTURE_SETUP(snap)
{
	ASSERT_EQ(0, vt_mem_init(&self->d));
	ASSERT_EQ(0, virtio_rng_new(&self->rng_a));
	ASSERT_EQ(0, virtio_rng_new(&self->rng_b));
	ASSERT_EQ(0, virtio_mmio_new(virtio_rng_ops(self->rng_a), self->rng_a,
				     &self->d.mem, &self->a));
	ASSERT_EQ(0, virtio_mmio_new(virtio_rng_ops(self->rng_b), self->rng_b,
				     &self->d.mem, &self->b));
	self->d.ctx = self->a;
	self->d.rd = vt_slow_rd;
	self->d.wr = vt_slow_wr;
	self->seg = (struct vt_seg){ VT_DATA, 32, true };
}

FIXTURE_TEARDOWN(snap)
{
	virtio_mmio_free(self->a);
	virtio_mmio_free(self->b);
	virtio_rng_free(self->rng_a);
	virtio_rng_free(self->rng_b);
	vt_mem_fini(&self->d);
}

/* One request taken by a, two more made available and not taken. */
static void run_a(struct __test_metadata *_metadata,
		  FIXTURE_DATA(snap) *self)
{
	uint32_t id, len;

	ASSERT_EQ(VT_STATUS_LIVE,
		  vt_start(&self->d, V1 | VT_F(VIRTIO_RING_F_EVENT_IDX)));
	vt_add(&self->d, &self->seg, 1);
	vt_slow_wr(self->a, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(vt_used(&self->d, &id, &len));
	vt_add(&self->d, &self->seg, 1);
	vt_add(&self->d, &self->seg, 1);
	EXPECT_EQ(2U, virtio_mmio_pending(self->a));
}

TEST_F(snap, restored_transport_goes_on)
{
	struct virtio_mmio_state s, again;
	uint32_t id, len;

	run_a(_metadata, self);
	virtio_mmio_save(self->a, &s);
	EXPECT_EQ((uint32_t)VIRTIO_ID_RNG, s.device_id);
	EXPECT_EQ(1U, s.q[0].ready);
	EXPECT_EQ(1, s.q[0].last_avail);
	EXPECT_EQ(1, s.q[0].used_idx);
	ASSERT_EQ(0, virtio_mmio_restore(self->b, &s));
	/* b answers the driver as a did. */
	EXPECT_EQ(VT_STATUS_LIVE, vt_slow_rd(self->b, VIRTIO_MMIO_STATUS));
	vt_slow_wr(self->b, VIRTIO_MMIO_QUEUE_SEL, 0);
	EXPECT_EQ(1U, vt_slow_rd(self->b, VIRTIO_MMIO_QUEUE_READY));
	EXPECT_EQ(virtio_mmio_driver_features(self->a),
		  virtio_mmio_driver_features(self->b));
	virtio_mmio_save(self->b, &again);
	EXPECT_EQ(0, memcmp(&s, &again, sizeof(s)));
	/* The two requests a left: taken once each, in order. */
	EXPECT_EQ(2U, virtio_mmio_pending(self->b));
	virtio_mmio_notify(self->b);
	EXPECT_EQ(0U, virtio_mmio_pending(self->b));
	ASSERT_TRUE(vt_used(&self->d, &id, &len));
	EXPECT_EQ(1U, id);
	ASSERT_TRUE(vt_used(&self->d, &id, &len));
	EXPECT_EQ(2U, id);
	EXPECT_FALSE(vt_used(&self->d, &id, &len));
	EXPECT_EQ(3, self->d.used->idx);
	/* And the next one, too. */
	vt_add(&self->d, &self->seg, 1);
	virtio_mmio_notify(self->b);
	ASSERT_TRUE(vt_used(&self->d, &id, &len));
	EXPECT_EQ(3U, id);
}

/* A refused state: -err, and b saves to the same bytes as before. */
static void refused(struct __test_metadata *_metadata,
		    FIXTURE_DATA(snap) *self,
		    const struct virtio_mmio_state *s, int err)
{
	struct virtio_mmio_state before, after;

	virtio_mmio_save(self->b, &before);
	EXPECT_EQ(-err, virtio_mmio_restore(self->b, s));
	virtio_mmio_save(self->b, &after);
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)));
}

TEST_F(snap, bad_states_change_nothing)
{
	struct virtio_mmio_state s, bad;

	run_a(_metadata, self);
	virtio_mmio_save(self->a, &s);
	bad = s;
	bad.device_id = VIRTIO_ID_BLOCK;
	refused(_metadata, self, &bad, EMEDIUMTYPE);
	bad = s;
	bad.nr_queues = 2;
	refused(_metadata, self, &bad, EMEDIUMTYPE);
	bad = s;
	bad.driver_features |= VT_F(40);	/* never offered */
	refused(_metadata, self, &bad, EINVAL);
	bad = s;
	bad.q[0].desc = VT_RAM_SIZE;		/* outside guest RAM */
	refused(_metadata, self, &bad, EINVAL);
	bad = s;
	bad.q[0].num = 3;			/* not a power of two */
	refused(_metadata, self, &bad, EINVAL);
	bad = s;
	bad.q[0].zero[2] = 1;
	refused(_metadata, self, &bad, EINVAL);
	bad = s;
	bad.q[0].ready = 0;			/* off, but with a place */
	refused(_metadata, self, &bad, EINVAL);
	bad = s;
	bad.q[1].num = 1;			/* a queue rng lacks */
	refused(_metadata, self, &bad, EINVAL);
	/* The good one still goes in after all that. */
	EXPECT_EQ(0, virtio_mmio_restore(self->b, &s));
}

TEST_HARNESS_MAIN
