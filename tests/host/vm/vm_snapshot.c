// SPDX-License-Identifier: GPL-2.0
/*
 * vmdev_vm_save() and vmdev_vm_restore() of a whole vm in user mode
 * (tests/kmod/snap_vm.h): register devices, a userspace device's
 * callbacks, the I/O manager's layout and the resource manager's
 * allocations, to the same bytes; every refusal, each leaving the vm's
 * save and its allocations byte for byte as they were.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "../../guest/no_kvm.h"
#include "../../kmod/snap_vm.h"
#include "snapshot.h"

FIXTURE(vm) {
	int kvm;
	struct sv_vm a, b;
	uint8_t x[SV_BLOB_MAX], y[SV_BLOB_MAX], keep[SV_BLOB_MAX];
	int n;
};

FIXTURE_SETUP(vm)
{
	self->kvm = -1;
	if (test_no_kvm())
		SKIP(return, TEST_NO_KVM_WHY);
	self->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (self->kvm < 0)
		SKIP(return, "/dev/kvm: %s", strerror(errno));
	ASSERT_EQ(0, sv_new(&self->a, self->kvm, VMDEV_VM_USER));
	ASSERT_EQ(0, sv_new(&self->b, self->kvm, VMDEV_VM_USER));
	ASSERT_EQ(0, sv_dirty(&self->a, 0));
	ASSERT_EQ(0, sv_dirty(&self->b, 3));
	self->n = sv_save(&self->a, self->x, sizeof(self->x));
	ASSERT_LT(0, self->n);
}

FIXTURE_TEARDOWN(vm)
{
	sv_free(&self->a);
	sv_free(&self->b);
	if (self->kvm >= 0)
		close(self->kvm);
}

/* The offset of the first section of tag in blob, or 0. */
static size_t find_sec(const void *blob, size_t len, uint32_t tag,
		       struct vmdev_snap_sec *out)
{
	size_t pos = VMDEV_SNAP_HDR_SIZE, at = pos;

	while (vmdev_snap_sec_next(blob, len, &pos, out) > 0) {
		if (out->tag == tag)
			return at;
		at = pos;
	}
	return 0;
}

/* b's save before, and after a refused restore of len bytes: the same. */
static void refused(struct __test_metadata *_metadata,
		    FIXTURE_DATA(vm) *self, const void *blob, size_t len,
		    int err)
{
	int before, after, applies = self->b.state.applies;

	before = sv_save(&self->b, self->keep, sizeof(self->keep));
	ASSERT_LT(0, before);
	EXPECT_EQ(err, sv_restore(&self->b, blob, len));
	after = sv_save(&self->b, self->y, sizeof(self->y));
	ASSERT_EQ(before, after);
	EXPECT_EQ(0, memcmp(self->keep, self->y, after));
	EXPECT_EQ(applies, self->b.state.applies);
}

TEST_F(vm, round_trip_same_bytes)
{
	struct vmdev_snap_sec sec;
	uint64_t v;
	int m;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, sv_restore(&self->b, self->x, self->n));
	m = sv_save(&self->b, self->y, sizeof(self->y));
	ASSERT_EQ(self->n, m);
	EXPECT_EQ(0, memcmp(self->x, self->y, m));
	/* Each part arrived: registers, the userspace device, its count. */
	ASSERT_EQ(0, vmdev_regdev_reg_read(self->b.rd2, SN_RO, &v));
	EXPECT_EQ(0x2200U, v);
	EXPECT_EQ(self->a.state.used, self->b.state.used);
	EXPECT_EQ(0, memcmp(self->a.state.regs, self->b.state.regs,
			    SV_UD_REGS));
	EXPECT_EQ(1, self->b.state.checks);
	EXPECT_EQ(1, self->b.state.applies);
	/* Its key: the index of its first range (PIO 0x500, 0x600, ...). */
	ASSERT_NE(0U, find_sec(self->x, self->n, VMDEV_SNAP_TAG_USERDEV, &sec));
	EXPECT_EQ(1U, sec.id);
	EXPECT_EQ(5U + self->a.state.used, sec.len);
	ASSERT_NE(0U, find_sec(self->x, self->n, VMDEV_SNAP_TAG_LAYOUT, &sec));
	EXPECT_EQ(8U + 5 * 24, sec.len);
	EXPECT_NE(0U, find_sec(self->x, self->n, VMDEV_SNAP_TAG_RESOURCES,
			      &sec));
}

TEST_F(vm, size_query_and_enospc)
{
	int need;

	if (_metadata->skip)
		return;
	need = sv_save(&self->a, NULL, 0);
	ASSERT_LE(self->n, need);
	EXPECT_EQ(-ENOSPC, sv_save(&self->a, self->y, self->n - 1));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(-EINVAL, vmdev_vm_save(NULL, self->y, 1, NULL));
	EXPECT_EQ(-EINVAL, vmdev_vm_restore(self->b.vm, NULL, 1, NULL));
	EXPECT_EQ(-E2BIG, sv_restore(&self->b, self->x,
				     VMDEV_SNAPSHOT_MAX + 1));
}

/*
 * A vm of register devices alone writes what libvmdev 0.2.0 wrote: the
 * header and one DEVICE section per device, nothing else.
 */
TEST_F(vm, register_devices_alone_unchanged)
{
	struct sv_vm r = { .vm_fd = -1 };
	VMDEV_OPTS(vmdev_vm_opts, vo, .mode = VMDEV_VM_USER);
	size_t pos = VMDEV_SNAP_HDR_SIZE;
	int n, d;

	if (_metadata->skip)
		return;
	r.vm_fd = ioctl(self->kvm, KVM_CREATE_VM, 0);
	ASSERT_LE(0, r.vm_fd);
	ASSERT_EQ(0, vmdev_vm_new(r.vm_fd, &vo, &r.vm));
	ASSERT_EQ(0, sv_regdev(&r, VMDEV_RES_PIO, SV_RD1, &r.rd1));
	ASSERT_EQ(0, sv_regdev(&r, VMDEV_RES_MMIO, SV_RD2, &r.rd2));
	ASSERT_EQ(0, vmdev_regdev_reg_write(r.rd2, SN_RO, 77));
	d = vmdev_regdev_save(r.rd1, self->y + pos + 16, 4096, NULL);
	ASSERT_LT(0, d);
	vmdev_snap_ctx_sec(self->y + pos, 1, d);
	pos += 16 + d;
	d = vmdev_regdev_save(r.rd2, self->y + pos + 16, 4096, NULL);
	ASSERT_LT(0, d);
	vmdev_snap_ctx_sec(self->y + pos, 2, d);
	pos += 16 + d;
	vmdev_snap_ctx_finish(self->y, pos, 2);
	n = vmdev_vm_save(r.vm, self->keep, sizeof(self->keep), NULL);
	ASSERT_EQ((int)pos, n);
	EXPECT_EQ(0, memcmp(self->y, self->keep, n));
	/* A stateless userspace device adds the layout, and needs it. */
	ASSERT_EQ(0, vmdev_device_new(&(struct vmdev_device_opts){
			.sz = sizeof(struct vmdev_device_opts),
			.read = ud_read }, &r.plain));
	ASSERT_EQ(0, sv_userdev(&r, r.plain, SV_PLAIN, 4, 0));
	n = vmdev_vm_save(r.vm, self->y, sizeof(self->y), NULL);
	EXPECT_EQ((int)pos + 16 + 8 + 3 * 24, n);
	EXPECT_EQ(-EMEDIUMTYPE, vmdev_vm_restore(r.vm, self->keep, pos, NULL));
	ASSERT_EQ(0, vmdev_vm_restore(r.vm, self->y, n, NULL));
	sv_free(&r);
}

TEST_F(vm, layout_mismatch)
{
	struct vmdev_resources *p = sv_range(VMDEV_RES_PIO, SV_PLAIN, 4);
	struct vmdev_resources *q = sv_range(VMDEV_RES_PIO, SV_PLAIN + 8, 4);
	struct vmdev_io_manager *io = vmdev_vm_io(self->b.vm);

	if (_metadata->skip)
		return;
	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, q);
	ASSERT_EQ(1, vmdev_io_unregister(io, p));
	refused(_metadata, self, self->x, self->n, -EMEDIUMTYPE);
	ASSERT_EQ(1, vmdev_io_register(io, self->b.plain, q));
	refused(_metadata, self, self->x, self->n, -EMEDIUMTYPE);
	ASSERT_EQ(1, vmdev_io_unregister(io, q));
	/* Its range back where it was: accepted. */
	ASSERT_EQ(1, vmdev_io_register(io, self->b.plain, p));
	EXPECT_EQ(0, sv_restore(&self->b, self->x, self->n));
	vmdev_resources_free(p);
	vmdev_resources_free(q);
}

/* The same ranges, but the plain device now has state: refused. */
TEST_F(vm, stateful_mismatch)
{
	struct vmdev_resources *p = sv_range(VMDEV_RES_PIO, SV_PLAIN, 4);
	struct vmdev_io_manager *io = vmdev_vm_io(self->b.vm);
	struct sv_udev other = { 0 };
	VMDEV_OPTS(vmdev_device_opts, uo, .read = ud_read, .save = ud_save,
		   .restore = ud_restore, .opaque = &other);
	struct vmdev_device *dev;

	if (_metadata->skip)
		return;
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, vmdev_device_new(&uo, &dev));
	ASSERT_EQ(1, vmdev_io_unregister(io, p));
	ASSERT_EQ(1, vmdev_io_register(io, dev, p));
	refused(_metadata, self, self->x, self->n, -EMEDIUMTYPE);
	EXPECT_EQ(0, other.checks);
	ASSERT_EQ(1, vmdev_io_unregister(io, p));
	vmdev_device_put(dev);
	vmdev_resources_free(p);
}

/* A device's check refuses: nothing changes, allocations included. */
TEST_F(vm, device_check_refuses)
{
	if (_metadata->skip)
		return;
	vmdev_resources_free(self->b.held);
	self->b.held = NULL;
	vmdev_resource_manager_free(self->b.res);
	ASSERT_EQ(0, sv_res_mgr(&self->b.res));
	self->b.state.fail_check = -EPERM;
	refused(_metadata, self, self->x, self->n, -EPERM);
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(1, self->b.state.checks);
	self->b.state.fail_check = 0;
	EXPECT_EQ(0, sv_restore(&self->b, self->x, self->n));
}

/* A device's own bytes corrupted, the blob resealed: its check says no. */
TEST_F(vm, userdev_bytes_corrupted)
{
	struct vmdev_snap_sec sec;
	size_t at;

	if (_metadata->skip)
		return;
	at = find_sec(self->x, self->n, VMDEV_SNAP_TAG_USERDEV, &sec);
	ASSERT_NE(0U, at);
	self->x[at + 16] ^= 0x20;	/* "UDEV" -> "uDEV" */
	vmdev_snap_seal(self->x, self->n);
	refused(_metadata, self, self->x, self->n, -EINVAL);
}

/* Serialized devices are saved under their mutex, like an access. */
TEST_F(vm, callbacks_under_the_mutex)
{
	if (_metadata->skip)
		return;
	self->a.state.io = vmdev_vm_io(self->a.vm);
	ASSERT_LT(0, sv_save(&self->a, self->y, sizeof(self->y)));
	EXPECT_EQ(-EDEADLK, self->a.state.probe);
}

TEST_F(vm, save_errors)
{
	int saves;

	if (_metadata->skip)
		return;
	self->a.state.fail_save = -EIO;
	EXPECT_EQ(-EIO, sv_save(&self->a, self->y, sizeof(self->y)));
	self->a.state.fail_save = -ENOSPC;
	EXPECT_EQ(-ENOSPC, sv_save(&self->a, self->y, sizeof(self->y)));
	self->a.state.fail_save = 0;
	self->a.state.overrun = true;
	EXPECT_EQ(-EIO, sv_save(&self->a, self->y, sizeof(self->y)));
	self->a.state.overrun = false;
	saves = self->a.state.saves;
	EXPECT_EQ(self->n, sv_save(&self->a, self->y, sizeof(self->y)));
	EXPECT_EQ(saves + 1, self->a.state.saves);
}

TEST_F(vm, opts)
{
	VMDEV_OPTS(vmdev_snapshot_opts, so, .resources = self->a.res);
	struct vmdev_device_opts d = { .sz = sizeof(d), .read = ud_read,
				       .save = ud_save };
	struct vmdev_device *dev;

	if (_metadata->skip)
		return;
	/* A register device has no allocations of its own. */
	EXPECT_EQ(-EINVAL, vmdev_regdev_save(self->a.rd1, self->y,
					     sizeof(self->y), &so));
	EXPECT_EQ(-EINVAL, vmdev_regdev_restore(self->a.rd1, self->y,
						sizeof(self->y), &so));
	so.flags = 1;
	EXPECT_EQ(-EINVAL, vmdev_vm_save(self->a.vm, NULL, 0, &so));
	/* Half a pair. */
	EXPECT_EQ(-EINVAL, vmdev_device_new(&d, &dev));
	d.save = NULL;
	d.restore = ud_restore;
	EXPECT_EQ(-EINVAL, vmdev_device_new(&d, &dev));
	/* A caller built before the pair existed: a stateless device. */
	d.sz = offsetof(struct vmdev_device_opts, save);
	ASSERT_EQ(0, vmdev_device_new(&d, &dev));
	vmdev_device_put(dev);
}

/* Allocate c in both managers: the same answer. */
static void same_next(struct __test_metadata *_metadata,
		      struct vmdev_resource_manager *m1,
		      struct vmdev_resource_manager *m2,
		      const struct vmdev_constraint *c)
{
	struct vmdev_resources *r1, *r2;

	ASSERT_EQ(0, vmdev_resource_manager_allocate(m1, c, 1, &r1));
	ASSERT_EQ(0, vmdev_resource_manager_allocate(m2, c, 1, &r2));
	EXPECT_EQ(0, memcmp(vmdev_resources_get(r1, 0),
			    vmdev_resources_get(r2, 0),
			    sizeof(struct vmdev_resource)));
	vmdev_resources_free(r1);
	vmdev_resources_free(r2);
}

TEST_F(vm, resources_into_a_fresh_manager)
{
	struct vmdev_constraint c[] = {
		{ .type = VMDEV_RES_PIO, .range = { .size = 8 } },
		{ .type = VMDEV_RES_PIO, .range = { .size = 0x40,
			.align = 0x40, .policy = VMDEV_ALLOC_LAST_MATCH } },
		{ .type = VMDEV_RES_MMIO, .range = { .size = 0x1000,
			.align = 0x1000 } },
		{ .type = VMDEV_RES_LEGACY_IRQ },
		{ .type = VMDEV_RES_PCI_MSIX, .id = { .count = 3 } },
	};
	struct vmdev_resources *gap, *ud;
	unsigned int i;
	int n;

	if (_metadata->skip)
		return;
	/* A hole in the original: the next allocation goes there. */
	ASSERT_EQ(0, vmdev_resource_manager_allocate(self->a.res, c, 1, &gap));
	ASSERT_EQ(0, vmdev_resource_manager_allocate(self->a.res, c, 1, &ud));
	ASSERT_EQ(0, vmdev_resource_manager_release(self->a.res, gap));
	vmdev_resources_free(gap);
	n = sv_save(&self->a, self->x, sizeof(self->x));
	ASSERT_LT(0, n);
	vmdev_resources_free(self->b.held);
	self->b.held = NULL;
	vmdev_resource_manager_free(self->b.res);
	ASSERT_EQ(0, sv_res_mgr(&self->b.res));
	ASSERT_EQ(0, sv_restore(&self->b, self->x, n));
	EXPECT_EQ(n, sv_save(&self->b, self->y, sizeof(self->y)));
	EXPECT_EQ(0, memcmp(self->x, self->y, n));
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		same_next(_metadata, self->a.res, self->b.res, &c[i]);
	/* The restored allocations are real ones: each releases once. */
	EXPECT_EQ(0, vmdev_resource_manager_release(self->b.res, ud));
	EXPECT_NE(0, vmdev_resource_manager_release(self->b.res, ud));
	vmdev_resources_free(ud);
}

TEST_F(vm, resources_refused)
{
	const struct vmdev_addr_window mmio = { SV_MMIO_WIN, SV_MMIO_SIZE / 2 };
	VMDEV_OPTS(vmdev_resource_manager_opts, ro,
		   .pio = { 0x400, 0x800 }, .mmio = &mmio, .nr_mmio = 1,
		   .legacy_irq = { 1, 23 }, .msi = { 24, 1000 });
	struct vmdev_constraint c = { .type = VMDEV_RES_KVM_SLOT };
	struct vmdev_constraint p = { .type = VMDEV_RES_PIO,
				      .range = { .size = 2 } };
	struct vmdev_resource_manager *keep = self->b.res;
	struct vmdev_resources *extra;
	int n;

	if (_metadata->skip)
		return;
	/* Allocations the blob does not have. */
	ASSERT_EQ(0, vmdev_resource_manager_allocate(keep, &p, 1, &extra));
	refused(_metadata, self, self->x, self->n, -EBUSY);
	ASSERT_EQ(0, vmdev_resource_manager_release(keep, extra));
	vmdev_resources_free(extra);
	/* Another configuration: a smaller MMIO window, no slots at all. */
	ASSERT_EQ(0, vmdev_resource_manager_new(&ro, &self->b.res));
	refused(_metadata, self, self->x, self->n, -EMEDIUMTYPE);
	EXPECT_EQ(-ENXIO, vmdev_resource_manager_allocate(self->b.res, &c, 1,
							  &extra));
	vmdev_resource_manager_free(self->b.res);
	self->b.res = keep;
	/* The blob and the call must both carry allocations, or neither. */
	EXPECT_EQ(-EMEDIUMTYPE, vmdev_vm_restore(self->b.vm, self->x, self->n,
						 NULL));
	n = vmdev_vm_save(self->a.vm, self->y, sizeof(self->y), NULL);
	ASSERT_LT(0, n);
	EXPECT_EQ(-EMEDIUMTYPE, sv_restore(&self->b, self->y, n));
	EXPECT_EQ(0, vmdev_vm_restore(self->b.vm, self->y, n, NULL));
}

/* Sections that break the format's rules, each resealed. */
TEST_F(vm, format_errors)
{
	struct vmdev_snap_sec sec;
	uint8_t *x = self->x;
	size_t at, n = self->n;

	if (_metadata->skip)
		return;
	/* An unknown section: refused, unless marked OPTIONAL. */
	vmdev_snap_sec_put(x + n, 40, 8, 0);
	memset(x + n + 16, 0xaa, 8);
	vmdev_snap_put(x + 20, 4, vmdev_snap_get(x + 20, 4) + 1);
	vmdev_snap_put(x + 8, 4, n + 24);
	vmdev_snap_seal(x, n + 24);
	refused(_metadata, self, x, n + 24, -EPROTONOSUPPORT);
	x[n + 2] = VMDEV_SNAP_SEC_F_OPTIONAL;
	vmdev_snap_seal(x, n + 24);
	EXPECT_EQ(0, sv_restore(&self->b, x, n + 24));
	/* The checksum. */
	x[n + 20] ^= 1;
	refused(_metadata, self, x, n + 24, -EBADMSG);
	/* A layout record's padding. */
	ASSERT_EQ(0, sv_save(&self->a, NULL, 0) < 0);
	n = sv_save(&self->a, x, sizeof(self->x));
	at = find_sec(x, n, VMDEV_SNAP_TAG_LAYOUT, &sec);
	ASSERT_NE(0U, at);
	x[at + 16 + 8 + 18] = 1;
	vmdev_snap_seal(x, n);
	refused(_metadata, self, x, n, -EBADMSG);
	/* A layout record's base: another vm. */
	x[at + 16 + 8 + 18] = 0;
	x[at + 16 + 8] ^= 0x10;
	vmdev_snap_seal(x, n);
	refused(_metadata, self, x, n, -EMEDIUMTYPE);
	x[at + 16 + 8] ^= 0x10;
	/* Allocations out of order. */
	at = find_sec(x, n, VMDEV_SNAP_TAG_RESOURCES, &sec);
	ASSERT_NE(0U, at);
	vmdev_snap_put(x + at + 16 + 8 + 24, 8, 0x7f0);	/* PIO's first */
	vmdev_snap_seal(x, n);
	refused(_metadata, self, x, n, -EBADMSG);
	/* The layout's section id, which must be 0. */
	n = sv_save(&self->a, x, sizeof(self->x));
	at = find_sec(x, n, VMDEV_SNAP_TAG_LAYOUT, &sec);
	x[at + 8] = 1;
	vmdev_snap_seal(x, n);
	refused(_metadata, self, x, n, -EBADMSG);
}

TEST_HARNESS_MAIN
