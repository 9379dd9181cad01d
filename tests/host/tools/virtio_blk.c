// SPDX-License-Identifier: GPL-2.0
/*
 * The reference VMM's virtio-blk and split virtqueues against a fake
 * guest (virtio_test.h), through the transport without a register
 * device (no KVM): reads, writes, flush and get-id on a raw image,
 * indirect descriptors, I/O errors of every kind reaching the guest as
 * VIRTIO_BLK_S_IOERR, unsupported requests as UNSUPP, and malformed
 * rings putting the device in DEVICE_NEEDS_RESET without touching
 * anything outside guest memory; a reset brings it back.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "virtio_test.h"

#define SECTORS		64
#define FEATURES	(VT_F(VIRTIO_F_VERSION_1) | \
			 VT_F(VIRTIO_RING_F_INDIRECT_DESC) | \
			 VT_F(VIRTIO_BLK_F_FLUSH))

FIXTURE(blk) {
	char path[64];
	int fd;			/* the test's own view of the image */
	struct vt_drv d;
	struct virtio_blk *b;
	struct virtio_mmio *t;
};

/* Sector i of the image holds bytes (i + j) & 0xff. */
static void pattern(uint8_t *p, uint64_t sector, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n * 512; i++)
		p[i] = (uint8_t)(sector + i / 512 + i);
}

static int open_disk(FIXTURE_DATA(blk) *self, int dev_fd, bool ro)
{
	int ret = dev_fd >= 0 ?
		  virtio_blk_new_fd(dev_fd, SECTORS, ro, &self->b) :
		  virtio_blk_new(self->path, ro, &self->b);

	if (ret)
		return ret;
	ret = virtio_mmio_new(virtio_blk_ops(self->b), self->b, &self->d.mem,
			      &self->t);
	if (ret)
		return ret;
	self->d.ctx = self->t;
	self->d.rd = vt_slow_rd;
	self->d.wr = vt_slow_wr;
	return 0;
}

FIXTURE_SETUP(blk)
{
	uint8_t img[SECTORS * 512];

	strcpy(self->path, "/tmp/vmdev-virtio-blk-XXXXXX");
	self->fd = mkstemp(self->path);
	ASSERT_LE(0, self->fd);
	pattern(img, 0, SECTORS);
	ASSERT_EQ((ssize_t)sizeof(img), pwrite(self->fd, img, sizeof(img), 0));
	ASSERT_EQ(0, vt_mem_init(&self->d));
	self->b = NULL;
	self->t = NULL;
}

FIXTURE_TEARDOWN(blk)
{
	virtio_mmio_free(self->t);
	virtio_blk_free(self->b);
	vt_mem_fini(&self->d);
	close(self->fd);
	unlink(self->path);
}

/* Notify queue 0 as the guest would, and take the one completion. */
static int kick(FIXTURE_DATA(blk) *self, uint32_t *len)
{
	uint32_t id;

	self->d.wr(self->d.ctx, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	if (!vt_used(&self->d, &id, len))
		return -1;
	return self->d.ram[VT_STATUS];
}

TEST_F(blk, config_and_features)
{
	uint64_t cap = 0;
	uint64_t f;

	ASSERT_EQ(0, open_disk(self, -1, false));
	f = vt_device_features(&self->d);
	EXPECT_TRUE(!!(f & VT_F(VIRTIO_F_VERSION_1)));
	EXPECT_TRUE(!!(f & VT_F(VIRTIO_BLK_F_FLUSH)));
	EXPECT_FALSE(!!(f & VT_F(VIRTIO_BLK_F_RO)));
	EXPECT_EQ((uint64_t)SECTORS, virtio_blk_capacity(self->b));
	/* capacity: one 8-byte read, or two 4-byte halves. */
	virtio_mmio_slow_read(self->t, VMDEV_MMIO, 0, VIRTIO_MMIO_CONFIG,
			      &cap, 8);
	EXPECT_EQ((uint64_t)SECTORS, cap);
	EXPECT_EQ((uint32_t)SECTORS, vt_slow_rd(self->t, VIRTIO_MMIO_CONFIG));
	EXPECT_EQ(0U, vt_slow_rd(self->t, VIRTIO_MMIO_CONFIG + 4));
	EXPECT_EQ((uint32_t)VIRTQ_MAX_SIZE - 2,
		  vt_slow_rd(self->t, VIRTIO_MMIO_CONFIG + 12)); /* seg_max */
	EXPECT_EQ((uint32_t)VIRTIO_ID_BLOCK,
		  vt_slow_rd(self->t, VIRTIO_MMIO_DEVICE_ID));
}

TEST_F(blk, read_write_flush_get_id)
{
	uint8_t want[4 * 512];
	uint8_t got[4 * 512];
	uint32_t len;

	ASSERT_EQ(0, open_disk(self, -1, false));
	ASSERT_EQ(VT_STATUS_LIVE, vt_start(&self->d, FEATURES));

	/* IN: sectors 8..11 of the image into guest memory. */
	vt_blk_req(&self->d, VIRTIO_BLK_T_IN, 8, sizeof(want));
	ASSERT_EQ(VIRTIO_BLK_S_OK, kick(self, &len));
	EXPECT_EQ(sizeof(want) + 1, len);
	pattern(want, 8, 4);
	EXPECT_EQ(0, memcmp(want, self->d.ram + VT_DATA, sizeof(want)));
	EXPECT_TRUE(!!(virtio_mmio_int_status(self->t) &
		    VIRTIO_MMIO_INT_VRING));

	/* OUT: a new pattern to sectors 20..23, checked in the file. */
	memset(self->d.ram + VT_DATA, 0xa5, sizeof(want));
	vt_blk_req(&self->d, VIRTIO_BLK_T_OUT, 20, sizeof(want));
	ASSERT_EQ(VIRTIO_BLK_S_OK, kick(self, &len));
	EXPECT_EQ(1U, len);
	ASSERT_EQ((ssize_t)sizeof(got),
		  pread(self->fd, got, sizeof(got), 20 * 512));
	memset(want, 0xa5, sizeof(want));
	EXPECT_EQ(0, memcmp(want, got, sizeof(got)));
	/* Sector 19 is untouched. */
	ASSERT_EQ(512, pread(self->fd, got, 512, 19 * 512));
	pattern(want, 19, 1);
	EXPECT_EQ(0, memcmp(want, got, 512));

	vt_blk_req(&self->d, VIRTIO_BLK_T_FLUSH, 0, 0);
	EXPECT_EQ(VIRTIO_BLK_S_OK, kick(self, &len));

	memset(self->d.ram + VT_DATA, 0, VIRTIO_BLK_ID_BYTES);
	vt_blk_req(&self->d, VIRTIO_BLK_T_GET_ID, 0, VIRTIO_BLK_ID_BYTES);
	ASSERT_EQ(VIRTIO_BLK_S_OK, kick(self, &len));
	EXPECT_EQ(VIRTIO_BLK_ID_BYTES + 1U, len);
	EXPECT_STREQ(VIRTIO_BLK_ID, (char *)self->d.ram + VT_DATA);
}

/* A request in an indirect table, its data split in two buffers. */
TEST_F(blk, indirect_and_split_buffers)
{
	struct virtio_blk_outhdr h = { .type = VIRTIO_BLK_T_IN, .sector = 3 };
	struct vt_seg s[4] = {
		{ VT_HDR, sizeof(h), false },
		{ VT_DATA, 100, true },
		{ VT_DATA + 0x1000, 924, true },
		{ VT_STATUS, 1, true },
	};
	uint8_t want[1024];
	uint32_t id, len;

	ASSERT_EQ(0, open_disk(self, -1, false));
	ASSERT_EQ(VT_STATUS_LIVE, vt_start(&self->d, FEATURES));
	memcpy(self->d.ram + VT_HDR, &h, sizeof(h));
	vt_add_indirect(&self->d, s, 4);
	self->d.wr(self->d.ctx, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(vt_used(&self->d, &id, &len));
	EXPECT_EQ(VIRTIO_BLK_S_OK, self->d.ram[VT_STATUS]);
	EXPECT_EQ(1025U, len);
	pattern(want, 3, 2);
	EXPECT_EQ(0, memcmp(want, self->d.ram + VT_DATA, 100));
	EXPECT_EQ(0, memcmp(want + 100, self->d.ram + VT_DATA + 0x1000, 924));
}

TEST_F(blk, ioerr_out_of_range)
{
	uint32_t len;

	ASSERT_EQ(0, open_disk(self, -1, false));
	ASSERT_EQ(VT_STATUS_LIVE, vt_start(&self->d, FEATURES));
	vt_blk_req(&self->d, VIRTIO_BLK_T_IN, SECTORS, 512);
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, kick(self, &len));
	EXPECT_EQ(1U, len);
	vt_blk_req(&self->d, VIRTIO_BLK_T_OUT, SECTORS - 1, 1024);
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, kick(self, &len));
	vt_blk_req(&self->d, VIRTIO_BLK_T_IN, ~0ULL, 512);
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, kick(self, &len));
	/* Not a whole number of sectors. */
	vt_blk_req(&self->d, VIRTIO_BLK_T_IN, 0, 100);
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, kick(self, &len));
	/* The last sector itself is fine. */
	vt_blk_req(&self->d, VIRTIO_BLK_T_IN, SECTORS - 1, 512);
	EXPECT_EQ(VIRTIO_BLK_S_OK, kick(self, &len));
	EXPECT_EQ(VT_STATUS_LIVE, vt_slow_rd(self->t, VIRTIO_MMIO_STATUS));
}

/* The image shrank under the disk: a short read is an I/O error. */
TEST_F(blk, ioerr_short_file)
{
	uint32_t len;

	ASSERT_EQ(0, open_disk(self, -1, false));
	ASSERT_EQ(VT_STATUS_LIVE, vt_start(&self->d, FEATURES));
	ASSERT_EQ(0, ftruncate(self->fd, 10 * 512));
	vt_blk_req(&self->d, VIRTIO_BLK_T_IN, 9, 512);
	EXPECT_EQ(VIRTIO_BLK_S_OK, kick(self, &len));
	vt_blk_req(&self->d, VIRTIO_BLK_T_IN, 9, 1024);
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, kick(self, &len));
	EXPECT_EQ(1U, len);
	vt_blk_req(&self->d, VIRTIO_BLK_T_IN, 30, 512);
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, kick(self, &len));
}

/* A backend whose reads (write-only fd) or writes (read-only fd) fail. */
TEST_F(blk, ioerr_backend)
{
	uint32_t len;

	ASSERT_EQ(0, open_disk(self,
			       open(self->path, O_WRONLY | O_CLOEXEC), false));
	ASSERT_EQ(VT_STATUS_LIVE, vt_start(&self->d, FEATURES));
	vt_blk_req(&self->d, VIRTIO_BLK_T_IN, 0, 512);
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, kick(self, &len));
	vt_blk_req(&self->d, VIRTIO_BLK_T_OUT, 0, 512);
	EXPECT_EQ(VIRTIO_BLK_S_OK, kick(self, &len));
	virtio_mmio_free(self->t);
	virtio_blk_free(self->b);

	ASSERT_EQ(0, open_disk(self,
			       open(self->path, O_RDONLY | O_CLOEXEC), false));
	ASSERT_EQ(VT_STATUS_LIVE, vt_start(&self->d, FEATURES));
	vt_blk_req(&self->d, VIRTIO_BLK_T_OUT, 0, 512);
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, kick(self, &len));
	vt_blk_req(&self->d, VIRTIO_BLK_T_IN, 0, 512);
	EXPECT_EQ(VIRTIO_BLK_S_OK, kick(self, &len));
}

TEST_F(blk, read_only_and_unsupported)
{
	uint8_t before[512], after[512];
	uint32_t len;

	ASSERT_EQ(0, open_disk(self, -1, true));
	EXPECT_TRUE(!!(vt_device_features(&self->d) & VT_F(VIRTIO_BLK_F_RO)));
	ASSERT_EQ(VT_STATUS_LIVE,
		  vt_start(&self->d, FEATURES | VT_F(VIRTIO_BLK_F_RO)));
	ASSERT_EQ(512, pread(self->fd, before, 512, 0));
	memset(self->d.ram + VT_DATA, 0x11, 512);
	vt_blk_req(&self->d, VIRTIO_BLK_T_OUT, 0, 512);
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, kick(self, &len));
	ASSERT_EQ(512, pread(self->fd, after, 512, 0));
	EXPECT_EQ(0, memcmp(before, after, 512));
	vt_blk_req(&self->d, VIRTIO_BLK_T_DISCARD, 0, 16);
	EXPECT_EQ(VIRTIO_BLK_S_UNSUPP, kick(self, &len));
	vt_blk_req(&self->d, 0x1234, 0, 0);
	EXPECT_EQ(VIRTIO_BLK_S_UNSUPP, kick(self, &len));
	EXPECT_EQ(VT_STATUS_LIVE, vt_slow_rd(self->t, VIRTIO_MMIO_STATUS));
}

TEST_F(blk, missing_image)
{
	struct virtio_blk *b = NULL;

	EXPECT_EQ(-ENOENT, virtio_blk_new("/nonexistent/vmdev.img", false,
					  &b));
	EXPECT_EQ(-EINVAL, virtio_blk_new("/dev/null", false, &b));
	EXPECT_EQ(-EINVAL, virtio_blk_new(NULL, false, &b));
	EXPECT_EQ(NULL, b);
}

/*
 * Malformed rings. Each case breaks one rule; the device goes to
 * NEEDS_RESET with a configuration interrupt, completes nothing, and
 * a reset plus a new bring-up works again.
 */
enum vt_bad {
	BAD_ADDR, BAD_ADDR_WRAP, BAD_LOOP, BAD_HEAD, BAD_AVAIL_IDX,
	BAD_ZERO_STATUS, BAD_READ_AFTER_WRITE, BAD_NESTED_INDIRECT,
	BAD_INDIRECT_LEN, BAD_INDIRECT_NEXT, BAD_NO_HEADER, BAD_NEXT_RANGE,
};

static void make_bad(struct vt_drv *d, enum vt_bad bad)
{
	struct virtio_blk_outhdr h = { .type = VIRTIO_BLK_T_IN };
	struct vt_seg s[3] = {
		{ VT_HDR, sizeof(h), false },
		{ VT_DATA, 512, true },
		{ VT_STATUS, 1, true },
	};
	struct vring_desc *ind = (void *)(d->ram + VT_INDIRECT);

	memcpy(d->ram + VT_HDR, &h, sizeof(h));
	d->ram[VT_STATUS] = 0xff;
	switch (bad) {
	case BAD_ADDR:
		s[1].gpa = VT_RAM_SIZE - 256;	/* runs past the end */
		break;
	case BAD_ADDR_WRAP:
		s[1].gpa = ~0ULL - 100;
		break;
	case BAD_ZERO_STATUS:
		s[2].len = 0;
		s[1].write = false;	/* so nothing is writable at all */
		break;
	case BAD_READ_AFTER_WRITE:
		s[2].write = false;
		break;
	case BAD_NO_HEADER:
		s[0].len = 8;
		break;
	default:
		break;
	}
	vt_fill(d->desc, 0, d->num, s, 3);
	switch (bad) {
	case BAD_LOOP:
		d->desc[2].flags |= VRING_DESC_F_NEXT;
		d->desc[2].next = 0;
		break;
	case BAD_NEXT_RANGE:
		d->desc[1].next = d->num;
		break;
	case BAD_NESTED_INDIRECT:
	case BAD_INDIRECT_LEN:
	case BAD_INDIRECT_NEXT:
		ind[0] = (struct vring_desc){ .addr = VT_INDIRECT,
					      .len = 16,
					      .flags = VRING_DESC_F_INDIRECT };
		d->desc[0] = (struct vring_desc){
			.addr = VT_INDIRECT, .len = 16,
			.flags = VRING_DESC_F_INDIRECT };
		if (bad == BAD_INDIRECT_LEN)
			d->desc[0].len = 24;
		if (bad == BAD_INDIRECT_NEXT)
			d->desc[0].flags |= VRING_DESC_F_NEXT;
		break;
	default:
		break;
	}
	if (bad == BAD_HEAD) {
		d->avail->ring[0] = d->num;
		d->avail_idx = 1;
	} else if (bad == BAD_AVAIL_IDX) {
		d->avail->ring[0] = 0;
		d->avail_idx = d->num + 1;
	} else {
		d->avail->ring[0] = 0;
		d->avail_idx = 1;
	}
	__atomic_store_n(&d->avail->idx, d->avail_idx, __ATOMIC_RELEASE);
}

TEST_F(blk, malformed_rings)
{
	uint32_t id, len;
	int bad;

	ASSERT_EQ(0, open_disk(self, -1, false));
	for (bad = BAD_ADDR; bad <= BAD_NEXT_RANGE; bad++) {
		TH_LOG("case %d", bad);
		ASSERT_EQ(VT_STATUS_LIVE, vt_start(&self->d, FEATURES));
		virtio_mmio_int_ack(self->t, ~0U);
		make_bad(&self->d, bad);
		self->d.wr(self->d.ctx, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
		EXPECT_EQ(VT_STATUS_LIVE | VIRTIO_CONFIG_S_NEEDS_RESET,
			  vt_slow_rd(self->t, VIRTIO_MMIO_STATUS));
		EXPECT_EQ((uint32_t)VIRTIO_MMIO_INT_CONFIG,
			  virtio_mmio_int_status(self->t));
		EXPECT_FALSE(!!(vt_used(&self->d, &id, &len)));
		EXPECT_EQ(0xff, self->d.ram[VT_STATUS]);
		/* Stopped: another notify does nothing. */
		self->d.wr(self->d.ctx, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
		EXPECT_EQ(0U, vt_slow_rd(self->t, VIRTIO_MMIO_QUEUE_READY));
	}
	/* Back to work after a reset. */
	ASSERT_EQ(VT_STATUS_LIVE, vt_start(&self->d, FEATURES));
	vt_blk_req(&self->d, VIRTIO_BLK_T_IN, 1, 512);
	EXPECT_EQ(VIRTIO_BLK_S_OK, kick(self, &len));
}

/* Without INDIRECT_DESC negotiated, an indirect descriptor is an error. */
TEST_F(blk, indirect_not_negotiated)
{
	struct vt_seg s[3] = {
		{ VT_HDR, 16, false }, { VT_DATA, 512, true },
		{ VT_STATUS, 1, true },
	};

	ASSERT_EQ(0, open_disk(self, -1, false));
	ASSERT_EQ(VT_STATUS_LIVE,
		  vt_start(&self->d, VT_F(VIRTIO_F_VERSION_1)));
	vt_add_indirect(&self->d, s, 3);
	self->d.wr(self->d.ctx, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	EXPECT_TRUE(!!(vt_slow_rd(self->t, VIRTIO_MMIO_STATUS) &
		    VIRTIO_CONFIG_S_NEEDS_RESET));
}

/* Queues whose rings do not fit guest memory are refused at ready. */
TEST_F(blk, bad_queue_config)
{
	static const uint64_t cfg[][4] = {
		{ 16, VT_RAM_SIZE - 16, VT_AVAIL, VT_USED },	/* desc */
		{ 16, VT_DESC, VT_RAM_SIZE - 8, VT_USED },	/* avail */
		{ 16, VT_DESC, VT_AVAIL, VT_RAM_SIZE - 64 },	/* used */
		{ 16, VT_DESC + 8, VT_AVAIL, VT_USED },		/* align */
		{ 12, VT_DESC, VT_AVAIL, VT_USED },		/* size */
		{ 0, VT_DESC, VT_AVAIL, VT_USED },
		{ 16, 1ULL << 40, VT_AVAIL, VT_USED },
	};
	uint32_t i, s;

	ASSERT_EQ(0, open_disk(self, -1, false));
	for (i = 0; i < sizeof(cfg) / sizeof(cfg[0]); i++) {
		s = vt_negotiate(&self->d, FEATURES);
		ASSERT_TRUE(!!(s & VIRTIO_CONFIG_S_FEATURES_OK));
		vt_queue_regs(&self->d, 0, cfg[i][0], cfg[i][1], cfg[i][2],
			      cfg[i][3]);
		EXPECT_EQ(0U, vt_slow_rd(self->t, VIRTIO_MMIO_QUEUE_READY));
		EXPECT_TRUE(!!(vt_slow_rd(self->t, VIRTIO_MMIO_STATUS) &
			    VIRTIO_CONFIG_S_NEEDS_RESET));
	}
}

TEST_HARNESS_MAIN
