// SPDX-License-Identifier: GPL-2.0
/*
 * The reference VMM's MMIO device manager on a real vmdev context (user
 * mode, on this host's /dev/kvm; skipped without KVM): windows and
 * lines from the resource manager, the kernel command line, guest
 * accesses through the context's I/O manager reaching the register
 * device and its trapped registers, a virtio-blk request end to end
 * (QueueNotify doorbell -> I/O thread -> used ring -> interrupt line ->
 * eventfd), removal, and failures that leave nothing behind.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <vmdev/interrupt.h>
#include <vmdev/io.h>

#include "kselftest_harness.h"
#include "virtio_test.h"
#include "../../guest/no_kvm.h"

#define BASE0		DEVMGR_MMIO_BASE
#define BASE1		(DEVMGR_MMIO_BASE + DEVMGR_WINDOW_ALIGN)

struct vt_io {
	struct vmdev_io_manager *io;
	uint64_t base;
};

static uint32_t vt_io_rd(void *ctx, uint64_t off)
{
	struct vt_io *a = ctx;
	uint32_t v = 0xdeadbeef;

	if (vmdev_io_read(a->io, VMDEV_MMIO, a->base + off, &v, 4))
		return 0xdeadbeef;
	return v;
}

static void vt_io_wr(void *ctx, uint64_t off, uint32_t v)
{
	struct vt_io *a = ctx;

	vmdev_io_write(a->io, VMDEV_MMIO, a->base + off, &v, 4);
}

FIXTURE(dm) {
	int kvm_fd, vm_fd;
	struct vmdev_irq_manager *irqs;
	struct vmdev_vm *vm;
	struct vmdev_io_manager *io;
	struct devmgr *dm;
	struct vt_drv d;
	struct vt_io acc;
	char path[64];
	int img_fd;
};

/* A KVM VM and its context; with_irqs: an eventfd interrupt manager. */
static const char *open_vm(FIXTURE_DATA(dm) *self, bool with_irqs)
{
	if (test_no_kvm())
		return TEST_NO_KVM_WHY;
	self->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (self->kvm_fd < 0)
		return "/dev/kvm cannot be opened";
	self->vm_fd = ioctl(self->kvm_fd, KVM_CREATE_VM, 0);
	if (self->vm_fd < 0)
		return "KVM_CREATE_VM fails";
	if (with_irqs && vmdev_irq_manager_new_eventfd(NULL, &self->irqs))
		return "no interrupt manager";
	VMDEV_OPTS(vmdev_vm_opts, vo, .mode = VMDEV_VM_USER,
		   .irqs = self->irqs);
	if (vmdev_vm_new(self->vm_fd, &vo, &self->vm))
		return "vmdev_vm_new fails";
	self->io = vmdev_vm_io(self->vm);
	return NULL;
}

FIXTURE_SETUP(dm)
{
	uint8_t sector[512];
	int i;

	self->kvm_fd = self->vm_fd = -1;
	self->irqs = NULL;
	self->vm = NULL;
	self->dm = NULL;
	ASSERT_EQ(0, vt_mem_init(&self->d));
	strcpy(self->path, "/tmp/vmdev-devmgr-XXXXXX");
	self->img_fd = mkstemp(self->path);
	ASSERT_LE(0, self->img_fd);
	for (i = 0; i < 16; i++) {
		memset(sector, 'a' + i, sizeof(sector));
		ASSERT_EQ(512, pwrite(self->img_fd, sector, 512, i * 512));
	}
}

FIXTURE_TEARDOWN(dm)
{
	devmgr_destroy(self->dm);
	vmdev_vm_free(self->vm);
	vmdev_irq_manager_free(self->irqs);
	if (self->vm_fd >= 0)
		close(self->vm_fd);
	if (self->kvm_fd >= 0)
		close(self->kvm_fd);
	vt_mem_fini(&self->d);
	close(self->img_fd);
	unlink(self->path);
}

#define NEED_VM(self, irqs) do {					\
	const char *why = open_vm(self, irqs);				\
									\
	if (why)							\
		SKIP(return, "%s", why);				\
} while (0)

static void drive(FIXTURE_DATA(dm) *self, struct devmgr_dev *dev)
{
	self->acc = (struct vt_io){ self->io, devmgr_dev_base(dev) };
	self->d.ctx = &self->acc;
	self->d.rd = vt_io_rd;
	self->d.wr = vt_io_wr;
}

TEST_F(dm, add_and_cmdline)
{
	struct devmgr_dev *blk, *rng;
	char buf[256], small[20];

	NEED_VM(self, true);
	ASSERT_EQ(0, devmgr_create(self->vm, &self->d.mem, NULL, &self->dm));
	EXPECT_EQ(0, devmgr_cmdline(self->dm, buf, sizeof(buf)));
	EXPECT_STREQ("", buf);
	ASSERT_EQ(0, devmgr_add_blk(self->dm, self->path, false, &blk));
	ASSERT_EQ(0, devmgr_add_rng(self->dm, &rng));
	EXPECT_EQ(2U, devmgr_count(self->dm));
	EXPECT_EQ(BASE0, devmgr_dev_base(blk));
	EXPECT_EQ(BASE1, devmgr_dev_base(rng));
	EXPECT_EQ(5U, devmgr_dev_irq(blk));
	EXPECT_EQ(6U, devmgr_dev_irq(rng));
	EXPECT_EQ(2, vmdev_io_nr_ranges(self->io, VMDEV_MMIO));
	ASSERT_LT(0, devmgr_cmdline(self->dm, buf, sizeof(buf)));
	EXPECT_STREQ("virtio_mmio.device=0x200@0xd0000000:5 "
		     "virtio_mmio.device=0x200@0xd0001000:6", buf);
	/* snprintf semantics: the full length, a truncated copy. */
	EXPECT_EQ((int)strlen(buf), devmgr_cmdline(self->dm, small,
						   sizeof(small)));
	EXPECT_EQ(sizeof(small) - 1, strlen(small));
	EXPECT_EQ((int)strlen(buf), devmgr_cmdline(self->dm, NULL, 0));
	EXPECT_EQ(-EINVAL, devmgr_cmdline(self->dm, NULL, 4));

	/* The identification, from the register device, per device. */
	drive(self, blk);
	EXPECT_EQ(0x74726976U, vt_io_rd(&self->acc, 0));
	EXPECT_EQ((uint32_t)VIRTIO_ID_BLOCK, vt_io_rd(&self->acc, 8));
	/* capacity: a trapped read of the configuration space. */
	EXPECT_EQ(16U, vt_io_rd(&self->acc, VIRTIO_MMIO_CONFIG));
	drive(self, rng);
	EXPECT_EQ((uint32_t)VIRTIO_ID_RNG, vt_io_rd(&self->acc, 8));
	EXPECT_EQ(2U, vt_io_rd(&self->acc, 4));
}

/* Wait for the eventfd an interrupt line writes. */
static bool irq_fired(struct devmgr_dev *dev)
{
	struct vmdev_irq_group *g =
		vmdev_regdev_irq_group(devmgr_dev_regdev(dev), 0);
	struct pollfd p = { .events = POLLIN };
	eventfd_t n;

	if (!g)
		return false;
	p.fd = vmdev_irq_group_trigger_fd(g, 0);
	if (poll(&p, 1, 5000) != 1)
		return false;
	return !eventfd_read(p.fd, &n);
}

TEST_F(dm, blk_request_end_to_end)
{
	struct devmgr_dev *blk;
	uint8_t want[1024];
	uint32_t id, len;

	NEED_VM(self, true);
	ASSERT_EQ(0, devmgr_create(self->vm, &self->d.mem, NULL, &self->dm));
	ASSERT_EQ(0, devmgr_add_blk(self->dm, self->path, false, &blk));
	drive(self, blk);
	ASSERT_EQ(VT_STATUS_LIVE, vt_start(&self->d,
		  VT_F(VIRTIO_F_VERSION_1) | VT_F(VIRTIO_BLK_F_FLUSH)));
	vt_blk_req(&self->d, VIRTIO_BLK_T_IN, 2, sizeof(want));
	/* The doorbell: the I/O thread does the rest. */
	vt_io_wr(&self->acc, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(irq_fired(blk));
	ASSERT_TRUE(vt_used(&self->d, &id, &len));
	EXPECT_EQ(sizeof(want) + 1, len);
	EXPECT_EQ(VIRTIO_BLK_S_OK, self->d.ram[VT_STATUS]);
	memset(want, 'c', 512);
	memset(want + 512, 'd', 512);
	EXPECT_EQ(0, memcmp(want, self->d.ram + VT_DATA, sizeof(want)));
	/* InterruptStatus and InterruptACK live in the register device. */
	EXPECT_EQ((uint32_t)VIRTIO_MMIO_INT_VRING,
		  vt_io_rd(&self->acc, VIRTIO_MMIO_INTERRUPT_STATUS));
	vt_io_wr(&self->acc, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	EXPECT_EQ(0U, vt_io_rd(&self->acc, VIRTIO_MMIO_INTERRUPT_STATUS));

	/* A write, then the file holds it. */
	memset(self->d.ram + VT_DATA, 'Z', 512);
	vt_blk_req(&self->d, VIRTIO_BLK_T_OUT, 15, 512);
	vt_io_wr(&self->acc, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(irq_fired(blk));
	ASSERT_TRUE(vt_used(&self->d, &id, &len));
	EXPECT_EQ(VIRTIO_BLK_S_OK, self->d.ram[VT_STATUS]);
	ASSERT_EQ(512, pread(self->img_fd, want, 512, 15 * 512));
	EXPECT_EQ('Z', want[0]);
	EXPECT_EQ('Z', want[511]);
}

TEST_F(dm, remove_and_add_again)
{
	struct devmgr_dev *blk, *rng;
	char buf[128];
	uint32_t v;

	NEED_VM(self, true);
	ASSERT_EQ(0, devmgr_create(self->vm, &self->d.mem, NULL, &self->dm));
	ASSERT_EQ(0, devmgr_add_rng(self->dm, &rng));
	ASSERT_EQ(0, devmgr_add_blk(self->dm, self->path, true, &blk));
	ASSERT_EQ(0, devmgr_remove(self->dm, rng));
	EXPECT_EQ(-ENOENT, devmgr_remove(self->dm, rng));
	EXPECT_EQ(1U, devmgr_count(self->dm));
	EXPECT_EQ(1, vmdev_io_nr_ranges(self->io, VMDEV_MMIO));
	EXPECT_EQ(-ENOENT, vmdev_io_read(self->io, VMDEV_MMIO, BASE0, &v, 4));
	devmgr_cmdline(self->dm, buf, sizeof(buf));
	EXPECT_STREQ("virtio_mmio.device=0x200@0xd0001000:6", buf);
	/* The window and line are free again. */
	ASSERT_EQ(0, devmgr_add_rng(self->dm, &rng));
	EXPECT_EQ(BASE0, devmgr_dev_base(rng));
	EXPECT_EQ(5U, devmgr_dev_irq(rng));
	EXPECT_EQ(devmgr_get(self->dm, 1), rng);
	EXPECT_EQ(NULL, devmgr_get(self->dm, 2));
}

TEST_F(dm, out_of_lines_leaves_nothing)
{
	struct devmgr_opts o = { .irq_base = 9, .irq_count = 1 };
	struct devmgr_dev *d;
	char buf[128];

	NEED_VM(self, true);
	ASSERT_EQ(0, devmgr_create(self->vm, &self->d.mem, &o, &self->dm));
	ASSERT_EQ(0, devmgr_add_rng(self->dm, &d));
	EXPECT_EQ(9U, devmgr_dev_irq(d));
	EXPECT_EQ(-ENOSPC, devmgr_add_blk(self->dm, self->path, false, NULL));
	EXPECT_EQ(-ENOSPC, devmgr_add_rng(self->dm, NULL));
	EXPECT_EQ(1U, devmgr_count(self->dm));
	EXPECT_EQ(1, vmdev_io_nr_ranges(self->io, VMDEV_MMIO));
	devmgr_cmdline(self->dm, buf, sizeof(buf));
	EXPECT_STREQ("virtio_mmio.device=0x200@0xd0000000:9", buf);
	/* A missing image fails before anything is allocated. */
	EXPECT_EQ(-ENOENT, devmgr_add_blk(self->dm, "/nonexistent.img",
					  false, NULL));
	ASSERT_EQ(0, devmgr_remove(self->dm, d));
	ASSERT_EQ(0, devmgr_add_blk(self->dm, self->path, false, &d));
	EXPECT_EQ(9U, devmgr_dev_irq(d));
}

/*
 * A failure at the last steps (no interrupt manager: the line cannot be
 * bound) undoes the register device, its ranges, doorbells and the
 * resources: the VMM's own resource manager has the exact window back.
 */
TEST_F(dm, late_failure_leaves_nothing)
{
	struct vmdev_addr_window w = { BASE0, 0x2000 };
	struct vmdev_constraint c[2] = {
		{ .type = VMDEV_RES_MMIO, .range = {
			.size = 0x2000, .addr = BASE0,
			.policy = VMDEV_ALLOC_EXACT } },
		{ .type = VMDEV_RES_LEGACY_IRQ, .id = {
			.id = 10, .policy = VMDEV_ALLOC_EXACT } },
	};
	struct vmdev_constraint c11 = {
		.type = VMDEV_RES_LEGACY_IRQ,
		.id = { .id = 11, .policy = VMDEV_ALLOC_EXACT },
	};
	VMDEV_OPTS(vmdev_resource_manager_opts, ro, .mmio = &w, .nr_mmio = 1,
		   .legacy_irq = { 10, 2 });
	struct vmdev_resource_manager *rm;
	struct vmdev_resources *all, *irq11;
	struct devmgr_opts o = { 0 };

	NEED_VM(self, false);
	ASSERT_EQ(0, vmdev_resource_manager_new(&ro, &rm));
	o.rm = rm;
	ASSERT_EQ(0, devmgr_create(self->vm, &self->d.mem, &o, &self->dm));
	EXPECT_EQ(-ENXIO, devmgr_add_rng(self->dm, NULL));
	EXPECT_EQ(-ENXIO, devmgr_add_blk(self->dm, self->path, false, NULL));
	EXPECT_EQ(0U, devmgr_count(self->dm));
	EXPECT_EQ(0, vmdev_io_nr_ranges(self->io, VMDEV_MMIO));
	/* Everything is free: both windows and both lines. */
	ASSERT_EQ(0, vmdev_resource_manager_allocate(rm, c, 2, &all));
	ASSERT_EQ(0, vmdev_resource_manager_allocate(rm, &c11, 1, &irq11));
	vmdev_resource_manager_release(rm, all);
	vmdev_resource_manager_release(rm, irq11);
	vmdev_resources_free(all);
	vmdev_resources_free(irq11);
	devmgr_destroy(self->dm);
	self->dm = NULL;
	vmdev_resource_manager_free(rm);
}

/* A package length (ACPI 6.5, 20.2.4), decoded independently. */
static size_t pkglen(const uint8_t *p, size_t *k)
{
	size_t n = p[0] >> 6, len = n ? p[0] & 0xf : p[0] & 0x3f, i;

	for (i = 0; i < n; i++)
		len |= (size_t)p[1 + i] << (4 + 8 * i);
	*k = n + 1;
	return len;
}

/*
 * Walk the DSDT as an ACPI interpreter would see this subset: the
 * Scope(\_SB), one Device per virtio device with _HID, _UID and a _CRS
 * holding its window and level, active-high interrupt.
 */
static int check_dsdt(struct __test_metadata *_metadata, const uint8_t *t,
		      size_t n, struct devmgr *dm)
{
	const uint8_t *p = t + 36, *end, *dev_end, *crs;
	uint32_t len, base, irq;
	uint8_t sum = 0;
	size_t i, k, l;

	memcpy(&len, t + 4, 4);
	EXPECT_EQ(0, memcmp(t, "DSDT", 4));
	EXPECT_EQ(n, len);
	for (i = 0; i < n; i++)
		sum += t[i];
	EXPECT_EQ(0, sum);
	EXPECT_EQ(0x10, p[0]);				/* ScopeOp */
	l = pkglen(p + 1, &k);
	end = p + 1 + l;
	EXPECT_EQ(t + n, end);
	p += 1 + k;
	EXPECT_EQ(0, memcmp(p, "\\_SB_", 5));
	p += 5;
	for (i = 0; p < end; i++) {
		char name[5] = { 'V', 'R', "0123456789ABCDEF"[i >> 4],
				 "0123456789ABCDEF"[i & 15], 0 };

		ASSERT_EQ(0x5b, p[0]);
		ASSERT_EQ(0x82, p[1]);			/* DeviceOp */
		l = pkglen(p + 2, &k);
		dev_end = p + 2 + l;
		p += 2 + k;
		EXPECT_EQ(0, memcmp(p, name, 4));
		EXPECT_EQ(0, memcmp(p + 4, "\x08_HID\x0dLNRO0005\0", 15));
		EXPECT_EQ(0, memcmp(p + 19, "\x08_UID\x0a", 6));
		EXPECT_EQ(i, p[25]);
		crs = p + 26;
		EXPECT_EQ(0, memcmp(crs, "\x08_CRS\x11", 6));
		l = pkglen(crs + 6, &k);
		EXPECT_EQ(dev_end, crs + 6 + l);
		crs += 6 + k;
		EXPECT_EQ(0x0a, crs[0]);
		EXPECT_EQ(23, crs[1]);			/* buffer size */
		crs += 2;
		EXPECT_EQ(0x86, crs[0]);		/* Memory32Fixed */
		EXPECT_EQ(9, crs[1] | crs[2] << 8);
		EXPECT_EQ(1, crs[3]);			/* read-write */
		memcpy(&base, crs + 4, 4);
		memcpy(&len, crs + 8, 4);
		EXPECT_EQ(devmgr_dev_base(devmgr_get(dm, i)), base);
		EXPECT_EQ(0x200U, len);
		crs += 12;
		EXPECT_EQ(0x89, crs[0]);		/* extended IRQ */
		EXPECT_EQ(6, crs[1] | crs[2] << 8);
		EXPECT_EQ(0x09, crs[3]);	/* consumer, level, high, shared */
		EXPECT_EQ(1, crs[4]);
		memcpy(&irq, crs + 5, 4);
		EXPECT_EQ(devmgr_dev_irq(devmgr_get(dm, i)), irq);
		EXPECT_EQ(0x79, crs[9]);		/* end tag */
		EXPECT_EQ(dev_end, crs + 11);
		p = dev_end;
	}
	return (int)i;
}

TEST_F(dm, dsdt_describes_every_device)
{
	uint8_t t[4096];
	int i, n;

	NEED_VM(self, true);
	ASSERT_EQ(0, devmgr_create(self->vm, &self->d.mem, NULL, &self->dm));
	ASSERT_EQ(0, devmgr_add_blk(self->dm, self->path, false, NULL));
	n = devmgr_dsdt(self->dm, t, sizeof(t));
	ASSERT_LT(36, n);
	EXPECT_EQ(1, check_dsdt(_metadata, t, n, self->dm));
	/* Enough devices for a two-byte package length of the scope. */
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, devmgr_add_rng(self->dm, NULL));
	n = devmgr_dsdt(self->dm, t, sizeof(t));
	ASSERT_GT(sizeof(t), (size_t)n);
	EXPECT_EQ(0x40, t[37] & 0xc0);
	EXPECT_EQ(3, check_dsdt(_metadata, t, n, self->dm));
	EXPECT_EQ(n, devmgr_dsdt(self->dm, NULL, 0));
	EXPECT_EQ(-EINVAL, devmgr_dsdt(self->dm, NULL, 1));
}

/* No device: an empty \_SB scope, still a valid table. */
TEST(dsdt_empty)
{
	struct virtio_mem mem = { 0 };
	struct devmgr *dm;
	uint8_t t[64];
	uint8_t sum = 0;
	int i, n;

	ASSERT_EQ(0, devmgr_create((struct vmdev_vm *)&mem, &mem, NULL, &dm));
	n = devmgr_dsdt(dm, t, sizeof(t));
	ASSERT_EQ(36 + 1 + 1 + 5, n);
	EXPECT_EQ(0x10, t[36]);
	EXPECT_EQ(6, t[37]);
	for (i = 0; i < n; i++)
		sum += t[i];
	EXPECT_EQ(0, sum);
	EXPECT_EQ(-EINVAL, devmgr_dsdt(NULL, t, sizeof(t)));
	devmgr_destroy(dm);
}

TEST(bad_arguments)
{
	struct virtio_mem mem = { 0 };
	struct devmgr *dm = NULL;
	struct devmgr_opts wrap = { .mmio_base = ~0ULL - 10,
				    .mmio_size = 0x100 };

	EXPECT_EQ(-EINVAL, devmgr_create(NULL, &mem, NULL, &dm));
	EXPECT_EQ(-EINVAL, devmgr_create((void *)1, NULL, NULL, &dm));
	EXPECT_EQ(-EINVAL, devmgr_create((void *)1, &mem, &wrap, &dm));
	EXPECT_EQ(NULL, dm);
	EXPECT_EQ(-EINVAL, devmgr_add_rng(NULL, NULL));
	EXPECT_EQ(-EINVAL, devmgr_add_blk(NULL, "x", false, NULL));
	EXPECT_EQ(-EINVAL, devmgr_remove(NULL, NULL));
	EXPECT_EQ(-EINVAL, devmgr_cmdline(NULL, NULL, 0));
	devmgr_destroy(NULL);
}

TEST_HARNESS_MAIN
