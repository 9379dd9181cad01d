// SPDX-License-Identifier: GPL-2.0
/*
 * Memory: what a context allocates is charged to the caller's memory
 * cgroup, and is given back, on every path. The test runs in a cgroup of
 * its own and watches memory.current while devices are created and
 * destroyed, requests fail in every way that frees a half-built device,
 * and contexts are closed with devices in them. Each device here holds
 * 64 KiB of FIFOs, so a leak on any path shows as megabytes, far above
 * the per-CPU charge caching of the memory controller.
 *
 * Needs root and cgroup v2 with the memory controller (mounted here on
 * /sys/fs/cgroup if nothing is).
 */
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "kmod_util.h"

#define CG_ROOT		"/sys/fs/cgroup"
#define ROUNDS		64
#define DEV_BYTES	(2 * 8 * VMDEV_MAX_FIFO)
#define SLACK		(1 << 20)	/* memcg charge caching and noise */

/* Two 32 KiB FIFOs, nothing else. */
static const struct vmdev_reg big_regs[2] = {
	{ .offset = 0, .width = 8, .type = VMDEV_REG_FIFO_IN,
	  .flags = VMDEV_REG_F_NOREAD, .sel_reg = VMDEV_SEL_NONE,
	  .arg.fifo.depth = VMDEV_MAX_FIFO },
	{ .offset = 0, .width = 8, .type = VMDEV_REG_FIFO_OUT,
	  .flags = VMDEV_REG_F_NOWRITE, .sel_reg = VMDEV_SEL_NONE,
	  .arg.fifo.depth = VMDEV_MAX_FIFO },
};

static const struct vmdev_rdev_desc big_map = {
	.dev_size = 8, .nr_regs = 2, .regs = big_regs,
};

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

static long long read_ll(const char *path)
{
	FILE *f = fopen(path, "r");
	long long v = -1;

	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

FIXTURE(memcg) {
	int fd;
	char dir[64], current[96];
};

/* A cgroup with the memory controller, holding this process alone. */
static int enter_cgroup(FIXTURE_DATA(memcg) *self)
{
	char procs[96], pid[16];

	if (access(CG_ROOT "/cgroup.controllers", F_OK) &&
	    mount("cgroup2", CG_ROOT, "cgroup2", 0, NULL))
		return -errno;
	if (write_file(CG_ROOT "/cgroup.subtree_control", "+memory"))
		return -EOPNOTSUPP;
	snprintf(self->dir, sizeof(self->dir), CG_ROOT "/vmdev-mem-%d",
		 getpid());
	if (mkdir(self->dir, 0755))
		return -errno;
	snprintf(self->current, sizeof(self->current), "%s/memory.current",
		 self->dir);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", self->dir);
	snprintf(pid, sizeof(pid), "%d", getpid());
	return write_file(procs, pid);
}

FIXTURE_SETUP(memcg)
{
	int ret;

	self->fd = -1;
	KMOD_OPEN_OR_SKIP(self->fd);
	if (geteuid())
		SKIP(return, "needs root to create a memory cgroup");
	ret = enter_cgroup(self);
	if (ret)
		SKIP(return, "no cgroup v2 memory controller: %s",
		     strerror(-ret));
}

FIXTURE_TEARDOWN(memcg)
{
	char pid[16];

	if (self->fd >= 0)
		close(self->fd);
	if (!self->dir[0])
		return;
	snprintf(pid, sizeof(pid), "%d", getpid());
	write_file(CG_ROOT "/cgroup.procs", pid);
	rmdir(self->dir);
}

static long long charged(FIXTURE_DATA(memcg) *self)
{
	return read_ll(self->current);
}

/*
 * Wait for memory.current to come down to at most limit: frees of bus
 * arrays are deferred to after a grace period (kvfree_rcu batches them
 * for up to a few seconds). The last value read.
 */
static long long settle(FIXTURE_DATA(memcg) *self, long long limit)
{
	long long now = charged(self);
	int i;

	for (i = 0; i < 200 && now > limit; i++) {
		usleep(50000);
		now = charged(self);
	}
	return now;
}

static int create_big(int fd, uint64_t base, uint32_t *id)
{
	struct vmdev_range r = kmod_range(MMIO, base, 8);

	return kmod_create(fd, &big_map, &r, 1, id);
}

TEST_F_TIMEOUT(memcg, devices_are_charged, 60)
{
	long long before, full, after;
	int i, fd;

	KMOD_SKIP_IF_NO_MODULE();
	fd = kmod_open();
	ASSERT_LE(0, fd);
	before = charged(self);
	ASSERT_LE(0, before);
	for (i = 0; i < 32; i++)
		ASSERT_EQ(0, create_big(fd, 0x1000 + 8 * i, NULL));
	full = charged(self);
	EXPECT_LE(before + 32LL * DEV_BYTES, full)
		TH_LOG("before %lld, with 32 devices %lld", before, full);
	close(fd);
	after = settle(self, before + SLACK);
	EXPECT_GE(before + SLACK, after)
		TH_LOG("before %lld, after close %lld", before, after);
}

/* One round of every path that allocates; dev_at: an occupied address. */
static void exercise(struct __test_metadata *_metadata, int fd,
		     uint64_t dev_at)
{
	struct vmdev_range clash[2] = {
		kmod_range(MMIO, 0x100000, 8), kmod_range(MMIO, dev_at, 8),
	};
	struct vmdev_access e[VMDEV_MAX_BATCH];
	struct vmdev_access_batch b = {
		.size = sizeof(b), .count = VMDEV_MAX_BATCH,
		.entries = (uintptr_t)e,
	};
	static uint64_t buf[VMDEV_MAX_FIFO];
	struct vmdev_create_device *ro;
	uint32_t id, ctx_id;
	int ctx;

	/* Created, used, destroyed. */
	ASSERT_EQ(0, create_big(fd, 0x200000, &id));
	ASSERT_EQ(VMDEV_MAX_FIFO, kmod_fifo(fd, id, 1, VMDEV_FIFO_FILL, buf,
					    VMDEV_MAX_FIFO));
	memset(e, 0, sizeof(e));
	for (int i = 0; i < VMDEV_MAX_BATCH; i++) {
		e[i].addr = 0x200000;
		e[i].space = MMIO;
		e[i].len = 8;
		e[i].dir = i & 1;
	}
	ASSERT_EQ(0, kmod_ioctl(fd, VMDEV_ACCESS_BATCH, &b));
	ASSERT_EQ((uint32_t)VMDEV_MAX_BATCH, b.done);
	ASSERT_EQ(VMDEV_MAX_BATCH / 2, kmod_fifo(fd, id, 0, VMDEV_FIFO_DRAIN,
						 buf, VMDEV_MAX_FIFO));
	ASSERT_EQ(0, kmod_destroy(fd, id));
	/* Built completely, then refused by the bus. */
	ASSERT_EQ(-EEXIST, kmod_create(fd, &big_map, clash, 2, &id));
	/* Built and accepted, then the id could not be written back. */
	ro = mmap(NULL, sizeof(*ro), PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	*ro = kmod_create_req(&big_map, clash, 1);
	ASSERT_EQ(0, mprotect(ro, sizeof(*ro), PROT_READ));
	ASSERT_EQ(-EFAULT, kmod_ioctl(fd, VMDEV_CREATE_DEVICE, ro));
	munmap(ro, sizeof(*ro));
	/* A context closed with devices in it. */
	ctx = kmod_open();
	ASSERT_LE(0, ctx);
	ASSERT_EQ(0, create_big(ctx, 0x1000, &ctx_id));
	ASSERT_EQ(0, create_big(ctx, 0x2000, NULL));
	ASSERT_EQ(1, kmod_fifo(ctx, ctx_id, 1, VMDEV_FIFO_FILL, buf, 1));
	close(ctx);
}

TEST_F_TIMEOUT(memcg, nothing_leaks, 120)
{
	long long before, after;
	int i;

	KMOD_SKIP_IF_NO_MODULE();
	/* A device that stays, so every create merges into a bus. */
	ASSERT_EQ(0, create_big(self->fd, 0x3000, NULL));
	exercise(_metadata, self->fd, 0x3000);
	before = charged(self);
	ASSERT_LE(0, before);
	for (i = 0; i < ROUNDS; i++)
		exercise(_metadata, self->fd, 0x3000);
	after = settle(self, before + SLACK);
	/* A device lost per round on any path would be 4 MiB. */
	EXPECT_GE(before + SLACK, after)
		TH_LOG("before %lld, after %d rounds %lld", before, ROUNDS,
		       after);
}

TEST_HARNESS_MAIN
