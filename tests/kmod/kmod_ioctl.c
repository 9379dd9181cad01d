// SPDX-License-Identifier: GPL-2.0
/*
 * The commands of /dev/vmdev and their arguments: command matching, the
 * extensible-struct size rules of every command, create and destroy, and
 * every way a create request can be refused (fields, faults, limits),
 * each time checking that nothing of a refused request became visible.
 * Documentation/uapi.rst is the reference.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "kmod_util.h"

KMOD_CTX_FIXTURE(ctx);

/* ---- commands -------------------------------------------------------- */

TEST_F(ctx, api_version)
{
	KMOD_SKIP_IF_NO_MODULE();
	EXPECT_EQ(VMDEV_API_VERSION,
		  kmod_ioctl(self->fd, VMDEV_GET_API_VERSION, NULL));
	/* Only type and number select a command. */
	EXPECT_EQ(VMDEV_API_VERSION,
		  kmod_ioctl(self->fd, _IOWR(VMDEV_IOC_MAGIC, 0x00, uint64_t),
			     NULL));
}

TEST_F(ctx, unknown_commands)
{
	static const unsigned long cmds[] = {
		_IO(VMDEV_IOC_MAGIC, 0x0f),
		_IOWR(VMDEV_IOC_MAGIC, 0x0f, struct vmdev_device_id),
		_IO(VMDEV_IOC_MAGIC, 0x7f),
		_IO(VMDEV_IOC_MAGIC, 0xff),
		_IO(VMDEV_IOC_MAGIC + 1, 0x00),
		_IOWR(0xAE, 0x04, struct vmdev_access),	/* KVM's type */
	};
	struct vmdev_device_id arg = { .size = sizeof(arg) };
	size_t i;

	KMOD_SKIP_IF_NO_MODULE();
	for (i = 0; i < KMOD_ARRAY_SIZE(cmds); i++)
		EXPECT_EQ(-ENOTTY, kmod_ioctl(self->fd, cmds[i], &arg))
			TH_LOG("command %#lx", cmds[i]);
}

TEST_F(ctx, command_size_bits_ignored)
{
	struct vmdev_reg_io io = { .size = sizeof(io), .reg = KMOD_REG_CONST };
	uint32_t id;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kmod_create1(self->fd, MMIO, 0x1000, 16, &id));
	io.id = id;
	ASSERT_EQ(0, kmod_ioctl(self->fd,
				_IOC(_IOC_READ | _IOC_WRITE, VMDEV_IOC_MAGIC,
				     _IOC_NR(VMDEV_REG_READ), 8), &io));
	EXPECT_EQ(KMOD_CONST, io.value);
	io.value = 0;
	ASSERT_EQ(0, kmod_ioctl(self->fd,
				_IO(VMDEV_IOC_MAGIC, _IOC_NR(VMDEV_REG_READ)),
				&io));
	EXPECT_EQ(KMOD_CONST, io.value);
}

TEST_F(ctx, not_seekable)
{
	KMOD_SKIP_IF_NO_MODULE();
	EXPECT_EQ(-1, lseek(self->fd, 0, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
}

/* ---- create and destroy ---------------------------------------------- */

TEST_F(ctx, create_destroy)
{
	uint32_t a, b;
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kmod_create1(self->fd, PIO, 0x100, 16, &a));
	EXPECT_NE(0U, a);
	ASSERT_EQ(DONE, kmod_read(self->fd, PIO, 0x104, 4, &v));
	EXPECT_EQ(KMOD_CONST, v);
	ASSERT_EQ(0, kmod_destroy(self->fd, a));
	EXPECT_EQ(SLOW, kmod_read(self->fd, PIO, 0x104, 4, &v));
	EXPECT_EQ(-ENOENT, kmod_destroy(self->fd, a));
	EXPECT_EQ(-ENOENT, kmod_reset(self->fd, a));
	/* Ids are not handed out again right away. */
	ASSERT_EQ(0, kmod_create1(self->fd, PIO, 0x100, 16, &b));
	EXPECT_NE(a, b);
	EXPECT_NE(0U, b);
}

TEST_F(ctx, unknown_ids)
{
	static const uint32_t ids[] = { 0, 1, 2, 0x7fffffff, 0x80000000,
					0xffffffff };
	uint64_t v;
	size_t i;

	KMOD_SKIP_IF_NO_MODULE();
	for (i = 0; i < KMOD_ARRAY_SIZE(ids); i++) {
		EXPECT_EQ(-ENOENT, kmod_destroy(self->fd, ids[i]));
		EXPECT_EQ(-ENOENT, kmod_reset(self->fd, ids[i]));
		EXPECT_EQ(-ENOENT, kmod_reg_read(self->fd, ids[i], 0, &v));
		EXPECT_EQ(-ENOENT, kmod_reg_write(self->fd, ids[i], 0, 1));
		EXPECT_EQ(-ENOENT, kmod_fifo(self->fd, ids[i], 0,
					     VMDEV_FIFO_DRAIN, &v, 1));
	}
}

TEST_F(ctx, no_ranges)
{
	uint32_t id;
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kmod_create(self->fd, &kmod_map, NULL, 0, &id));
	ASSERT_EQ(0, kmod_reg_read(self->fd, id, KMOD_REG_CONST, &v));
	EXPECT_EQ(KMOD_CONST, v);
	EXPECT_EQ(SLOW, kmod_read(self->fd, MMIO, 0, 4, &v));
	EXPECT_EQ(0, kmod_destroy(self->fd, id));
}

/* ---- create request validation --------------------------------------- */

TEST_F(ctx, create_counts_over_limits)
{
	struct vmdev_range r = kmod_range(MMIO, 0x1000, 16);
	struct vmdev_create_device c;
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	/* Bounded before anything is read: the pointers are bogus. */
	c = kmod_create_req(&kmod_map, &r, 1);
	c.nr_regs = VMDEV_MAX_REGS + 1;
	c.regs = 8;
	EXPECT_EQ(-E2BIG, kmod_ioctl(self->fd, VMDEV_CREATE_DEVICE, &c));
	c = kmod_create_req(&kmod_map, &r, 1);
	c.nr_links = VMDEV_MAX_LINKS + 1;
	c.links = 8;
	EXPECT_EQ(-E2BIG, kmod_ioctl(self->fd, VMDEV_CREATE_DEVICE, &c));
	c = kmod_create_req(&kmod_map, &r, 1);
	c.nr_irqs = VMDEV_MAX_IRQS + 1;
	c.irqs = 8;
	EXPECT_EQ(-E2BIG, kmod_ioctl(self->fd, VMDEV_CREATE_DEVICE, &c));
	c = kmod_create_req(&kmod_map, &r, 1);
	c.nr_ranges = VMDEV_MAX_DEV_RANGES + 1;
	c.ranges = 8;
	EXPECT_EQ(-E2BIG, kmod_ioctl(self->fd, VMDEV_CREATE_DEVICE, &c));
	c = kmod_create_req(&kmod_map, &r, 1);
	c.nr_ranges = 0xffffffff;
	EXPECT_EQ(-E2BIG, kmod_ioctl(self->fd, VMDEV_CREATE_DEVICE, &c));
	EXPECT_EQ(SLOW, kmod_read(self->fd, MMIO, 0x1000, 4, &v));
}

TEST_F(ctx, create_max_ranges_per_device)
{
	struct vmdev_range r[VMDEV_MAX_DEV_RANGES];
	uint32_t id, i;
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	for (i = 0; i < VMDEV_MAX_DEV_RANGES; i++)
		r[i] = kmod_range(i & 1, 0x1000 + (i / 2) * 0x100, 16);
	ASSERT_EQ(0, kmod_create(self->fd, &kmod_map, r, i, &id));
	for (i = 0; i < VMDEV_MAX_DEV_RANGES; i++) {
		ASSERT_EQ(DONE, kmod_read(self->fd, r[i].space, r[i].base + 4,
					  4, &v));
		EXPECT_EQ(KMOD_CONST, v);
	}
}

TEST_F(ctx, create_bad_fields)
{
	struct vmdev_range r = kmod_range(MMIO, 0x1000, 16);
	struct vmdev_reg bad_regs[KMOD_NR_REGS];
	struct vmdev_create_device c;
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	c = kmod_create_req(&kmod_map, &r, 1);
	memset(c.name, 'x', sizeof(c.name));	/* no NUL */
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->fd, VMDEV_CREATE_DEVICE, &c));
	c = kmod_create_req(&kmod_map, &r, 1);
	c.flags = ~VMDEV_DEV_F_ALL;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->fd, VMDEV_CREATE_DEVICE, &c));
	c = kmod_create_req(&kmod_map, &r, 1);
	c.dev_size = 0;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->fd, VMDEV_CREATE_DEVICE, &c));
	/* A map the core refuses: a 3-byte register. */
	memcpy(bad_regs, kmod_regs, sizeof(bad_regs));
	bad_regs[KMOD_REG_RW].width = 3;
	c = kmod_create_req(&kmod_map, &r, 1);
	c.regs = (uintptr_t)bad_regs;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->fd, VMDEV_CREATE_DEVICE, &c));
	/* Register padding. */
	memcpy(bad_regs, kmod_regs, sizeof(bad_regs));
	bad_regs[KMOD_REG_CONST].pad1 = 1;
	c.regs = (uintptr_t)bad_regs;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->fd, VMDEV_CREATE_DEVICE, &c));
	EXPECT_EQ(SLOW, kmod_read(self->fd, MMIO, 0x1000, 4, &v));
	/* A full 31-character name is fine. */
	c = kmod_create_req(&kmod_map, &r, 1);
	memset(c.name, 'x', sizeof(c.name) - 1);
	EXPECT_EQ(0, kmod_ioctl(self->fd, VMDEV_CREATE_DEVICE, &c));
}

TEST_F(ctx, create_faults)
{
	struct vmdev_range r = kmod_range(MMIO, 0x1000, 16);
	struct vmdev_create_device c, *ro;
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	EXPECT_EQ(-EFAULT, kmod_ioctl(self->fd, VMDEV_CREATE_DEVICE, NULL));
	EXPECT_EQ(-EFAULT, kmod_ioctl(self->fd, VMDEV_CREATE_DEVICE,
				      (void *)8));
	c = kmod_create_req(&kmod_map, &r, 1);
	c.regs = 8;
	EXPECT_EQ(-EFAULT, kmod_ioctl(self->fd, VMDEV_CREATE_DEVICE, &c));
	c = kmod_create_req(&kmod_map, &r, 1);
	c.ranges = 8;
	EXPECT_EQ(-EFAULT, kmod_ioctl(self->fd, VMDEV_CREATE_DEVICE, &c));
	/* The map is 3 registers: the last one past the end of memory. */
	c = kmod_create_req(&kmod_map, &r, 1);
	c.regs = (uintptr_t)kmod_edge_buf(2 * sizeof(struct vmdev_reg));
	ASSERT_NE(0U, c.regs);
	memcpy((void *)(uintptr_t)c.regs, kmod_regs,
	       2 * sizeof(struct vmdev_reg));
	EXPECT_EQ(-EFAULT, kmod_ioctl(self->fd, VMDEV_CREATE_DEVICE, &c));
	kmod_edge_free((void *)(uintptr_t)c.regs);
	EXPECT_EQ(SLOW, kmod_read(self->fd, MMIO, 0x1000, 4, &v));

	/*
	 * A request the kernel can read but not write the id back to: the
	 * create fails, and the device never appears.
	 */
	ro = mmap(NULL, sizeof(*ro), PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	*ro = kmod_create_req(&kmod_map, &r, 1);
	ASSERT_EQ(0, mprotect(ro, sizeof(*ro), PROT_READ));
	EXPECT_EQ(-EFAULT, kmod_ioctl(self->fd, VMDEV_CREATE_DEVICE, ro));
	munmap(ro, sizeof(*ro));
	EXPECT_EQ(SLOW, kmod_read(self->fd, MMIO, 0x1000, 4, &v));
	/* ... and the range is free. */
	EXPECT_EQ(0, kmod_create(self->fd, &kmod_map, &r, 1, NULL));
}

/* Failed creates consume nothing: the full quota is still there. */
TEST_F(ctx, device_limit)
{
	struct vmdev_range clash[2] = {
		kmod_range(PIO, 0x10, 1), kmod_range(PIO, 0x10, 1),
	};
	uint32_t ids[VMDEV_MAX_DEVICES], id, i;
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	for (i = 0; i < 50; i++)
		ASSERT_EQ(-EEXIST, kmod_create(self->fd, &kmod_map, clash, 2,
					       &id));
	for (i = 0; i < VMDEV_MAX_DEVICES; i++)
		ASSERT_EQ(0, kmod_create1(self->fd, MMIO, 0x1000 + 16 * i, 16,
					  &ids[i])) TH_LOG("device %u", i);
	EXPECT_EQ(-ENOSPC, kmod_create1(self->fd, MMIO, 0x100000, 16, &id));
	EXPECT_EQ(-ENOSPC, kmod_create(self->fd, &kmod_map, NULL, 0, &id));
	EXPECT_EQ(SLOW, kmod_read(self->fd, MMIO, 0x100004, 4, &v));
	ASSERT_EQ(0, kmod_destroy(self->fd, ids[7]));
	ASSERT_EQ(0, kmod_create1(self->fd, MMIO, 0x100000, 16, &id));
	ASSERT_EQ(DONE, kmod_read(self->fd, MMIO, 0x100004, 4, &v));
	EXPECT_EQ(KMOD_CONST, v);
	/* The others are all where they were. */
	for (i = 0; i < VMDEV_MAX_DEVICES; i++)
		EXPECT_EQ(i == 7 ? SLOW : DONE,
			  kmod_read(self->fd, MMIO, 0x1004 + 16 * i, 4, &v));
}

TEST_F(ctx, range_limit)
{
	const uint32_t per = VMDEV_MAX_DEV_RANGES;
	struct vmdev_range r[VMDEV_MAX_DEV_RANGES];
	uint32_t id, first = 0, d, i;
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	for (d = 0; d < VMDEV_MAX_RANGES / per; d++) {
		for (i = 0; i < per; i++)
			r[i] = kmod_range(MMIO, (d * per + i) * 0x100ULL, 16);
		ASSERT_EQ(0, kmod_create(self->fd, &kmod_map, r, per, &id));
		if (!d)
			first = id;
	}
	r[0] = kmod_range(PIO, 0x10, 16);
	EXPECT_EQ(-ENOSPC, kmod_create(self->fd, &kmod_map, r, 1, &id));
	EXPECT_EQ(SLOW, kmod_read(self->fd, PIO, 0x14, 4, &v));
	/* A device without ranges still fits. */
	ASSERT_EQ(0, kmod_create(self->fd, &kmod_map, NULL, 0, &id));
	ASSERT_EQ(0, kmod_destroy(self->fd, first));
	ASSERT_EQ(0, kmod_create(self->fd, &kmod_map, r, 1, &id));
	ASSERT_EQ(DONE, kmod_read(self->fd, PIO, 0x14, 4, &v));
	EXPECT_EQ(KMOD_CONST, v);
	/* Lookup still finds the last range of VMDEV_MAX_RANGES. */
	ASSERT_EQ(DONE, kmod_read(self->fd, MMIO,
				  (VMDEV_MAX_RANGES - 1) * 0x100ULL + 4, 4,
				  &v));
	EXPECT_EQ(KMOD_CONST, v);
}

/* ---- extensible argument sizes ----------------------------------------- */

/* Room for a struct and a tail past what the kernel knows. */
union ext_buf {
	uint32_t size;
	struct vmdev_create_device create;
	struct vmdev_device_id id;
	struct vmdev_access_batch batch;
	struct vmdev_reg_io reg;
	struct vmdev_fifo_io fifo;
	uint8_t raw[512];
};

FIXTURE(ext) {
	int fd;
	union ext_buf *buf;
};

/*
 * One extensible command with an argument that passes the size check
 * and then fails with a known error (err), so the size rules can be
 * told apart from what comes after them.
 */
FIXTURE_VARIANT(ext) {
	unsigned long cmd;
	uint32_t ksize;
	void (*fill)(union ext_buf *b);
	int err;
};

static void fill_create(union ext_buf *b)
{
	static const struct vmdev_range clash[2] = {
		{ .base = 0x10, .len = 1, .space = VMDEV_SPACE_PIO },
		{ .base = 0x10, .len = 1, .space = VMDEV_SPACE_PIO },
	};

	b->create.dev_size = KMOD_WINDOW;
	b->create.nr_ranges = 2;
	b->create.ranges = (uintptr_t)clash;
}

static void fill_unknown_id(union ext_buf *b)
{
	b->id.id = 0xfffffff0;	/* all these structs have id at 4 */
}

static void fill_fifo(union ext_buf *b)
{
	static uint8_t buf[1];

	fill_unknown_id(b);
	b->fifo.count = 1;
	b->fifo.buf = (uintptr_t)buf;
}

/* One access that hits nothing: the batch succeeds with done 0. */
static void fill_batch(union ext_buf *b)
{
	static struct vmdev_access slow = {
		.addr = 0x80, .space = VMDEV_SPACE_PIO, .len = 1,
	};

	b->batch.count = 1;
	b->batch.entries = (uintptr_t)&slow;
	b->batch.done = 0x99;
}

FIXTURE_VARIANT_ADD(ext, create) {
	.cmd = VMDEV_CREATE_DEVICE,
	.ksize = sizeof(struct vmdev_create_device),
	.fill = fill_create, .err = -EEXIST,
};

FIXTURE_VARIANT_ADD(ext, destroy) {
	.cmd = VMDEV_DESTROY_DEVICE,
	.ksize = sizeof(struct vmdev_device_id),
	.fill = fill_unknown_id, .err = -ENOENT,
};

FIXTURE_VARIANT_ADD(ext, reset) {
	.cmd = VMDEV_RESET_DEVICE,
	.ksize = sizeof(struct vmdev_device_id),
	.fill = fill_unknown_id, .err = -ENOENT,
};

FIXTURE_VARIANT_ADD(ext, batch) {
	.cmd = VMDEV_ACCESS_BATCH,
	.ksize = sizeof(struct vmdev_access_batch),
	.fill = fill_batch, .err = 0,
};

FIXTURE_VARIANT_ADD(ext, reg_read) {
	.cmd = VMDEV_REG_READ, .ksize = sizeof(struct vmdev_reg_io),
	.fill = fill_unknown_id, .err = -ENOENT,
};

FIXTURE_VARIANT_ADD(ext, reg_write) {
	.cmd = VMDEV_REG_WRITE, .ksize = sizeof(struct vmdev_reg_io),
	.fill = fill_unknown_id, .err = -ENOENT,
};

FIXTURE_VARIANT_ADD(ext, fifo_io) {
	.cmd = VMDEV_FIFO_IO, .ksize = sizeof(struct vmdev_fifo_io),
	.fill = fill_fifo, .err = -ENOENT,
};

FIXTURE_SETUP(ext)
{
	self->fd = -1;
	KMOD_OPEN_OR_SKIP(self->fd);
	self->buf = calloc(1, sizeof(*self->buf));
	ASSERT_NE(NULL, self->buf);
}

FIXTURE_TEARDOWN(ext)
{
	free(self->buf);
	if (self->fd >= 0)
		close(self->fd);
}

static long ext_call(int fd, const FIXTURE_VARIANT(ext) *variant,
		     union ext_buf *b, uint32_t size)
{
	memset(b, 0, sizeof(*b));
	variant->fill(b);
	b->size = size;
	return kmod_ioctl(fd, variant->cmd, b);
}

TEST_F(ext, exact_size)
{
	KMOD_SKIP_IF_NO_MODULE();
	EXPECT_EQ(variant->err, ext_call(self->fd, variant, self->buf,
					 variant->ksize));
}

TEST_F(ext, too_small)
{
	static const uint32_t sizes[] = { 0, 1, 4, 7 };
	size_t i;

	KMOD_SKIP_IF_NO_MODULE();
	for (i = 0; i < KMOD_ARRAY_SIZE(sizes); i++)
		EXPECT_EQ(-EINVAL, ext_call(self->fd, variant, self->buf,
					    sizes[i]));
	EXPECT_EQ(-EINVAL, ext_call(self->fd, variant, self->buf,
				    variant->ksize - 1));
}

TEST_F(ext, larger_zero_tail)
{
	KMOD_SKIP_IF_NO_MODULE();
	EXPECT_EQ(variant->err, ext_call(self->fd, variant, self->buf,
					 variant->ksize + 8));
	EXPECT_EQ(variant->err, ext_call(self->fd, variant, self->buf,
					 sizeof(*self->buf)));
}

TEST_F(ext, larger_nonzero_tail)
{
	uint32_t at;

	KMOD_SKIP_IF_NO_MODULE();
	for (at = variant->ksize; at < variant->ksize + 16; at++) {
		memset(self->buf, 0, sizeof(*self->buf));
		variant->fill(self->buf);
		self->buf->size = variant->ksize + 16;
		self->buf->raw[at] = 0x80;
		EXPECT_EQ(-E2BIG, kmod_ioctl(self->fd, variant->cmd,
					     self->buf)) TH_LOG("byte %u", at);
	}
}

TEST_F(ext, larger_than_page)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t *big;

	KMOD_SKIP_IF_NO_MODULE();
	big = calloc(1, 2 * pg);
	ASSERT_NE(NULL, big);
	memset(self->buf, 0, sizeof(*self->buf));
	variant->fill(self->buf);
	memcpy(big, self->buf, variant->ksize);
	((union ext_buf *)big)->size = pg + 1;
	EXPECT_EQ(-E2BIG, kmod_ioctl(self->fd, variant->cmd, big));
	((union ext_buf *)big)->size = pg;
	EXPECT_EQ(variant->err, kmod_ioctl(self->fd, variant->cmd, big));
	free(big);
}

/* The struct ends right before an unmapped page: no byte past it is used. */
TEST_F(ext, nothing_past_size)
{
	union ext_buf *edge;

	KMOD_SKIP_IF_NO_MODULE();
	edge = kmod_edge_buf(variant->ksize);
	ASSERT_NE(NULL, edge);
	memset(self->buf, 0, sizeof(*self->buf));
	variant->fill(self->buf);
	memcpy(edge, self->buf, variant->ksize);
	edge->size = variant->ksize;
	EXPECT_EQ(variant->err, kmod_ioctl(self->fd, variant->cmd, edge));
	/* A size claiming more than is mapped faults. */
	memcpy(edge, self->buf, variant->ksize);
	edge->size = variant->ksize + 8;
	EXPECT_EQ(-EFAULT, kmod_ioctl(self->fd, variant->cmd, edge));
	kmod_edge_free(edge);
}

TEST_F(ext, null_argument)
{
	KMOD_SKIP_IF_NO_MODULE();
	EXPECT_EQ(-EFAULT, kmod_ioctl(self->fd, variant->cmd, NULL));
}

/* A larger struct gets its known part written back, its tail untouched. */
TEST_F(ctx, larger_struct_write_back)
{
	union ext_buf b;
	uint32_t id;

	KMOD_SKIP_IF_NO_MODULE();
	memset(&b, 0, sizeof(b));
	b.create = kmod_create_req(&kmod_map, NULL, 0);
	b.create.size = sizeof(b.create) + 64;
	ASSERT_EQ(0, kmod_ioctl(self->fd, VMDEV_CREATE_DEVICE, &b));
	id = b.create.id;
	EXPECT_NE(0U, id);
	EXPECT_EQ(sizeof(b.create) + 64, b.create.size);
	memset(&b, 0, sizeof(b));
	b.reg.size = sizeof(b.reg) + 64;
	b.reg.id = id;
	b.reg.reg = KMOD_REG_CONST;
	ASSERT_EQ(0, kmod_ioctl(self->fd, VMDEV_REG_READ, &b));
	EXPECT_EQ(KMOD_CONST, b.reg.value);
	EXPECT_EQ(sizeof(b.reg) + 64, b.reg.size);
	EXPECT_EQ(0, b.raw[sizeof(b.reg)]);
}

TEST_HARNESS_MAIN
