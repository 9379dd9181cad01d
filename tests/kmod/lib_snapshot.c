// SPDX-License-Identifier: GPL-2.0
/*
 * vmdev_regdev_save() and vmdev_regdev_restore() across the two modes:
 * a state saved in kernel mode (the module's ioctls) restores in user
 * mode (the core in this process) and the other way round, and the blobs
 * are the same bytes - the test that the shared core really is one. Both
 * modes answer a size query alike and refuse the same blobs with the same
 * errno, leaving the device as it was.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include <vmdev/regdev.h>
#include <vmdev/snapshot.h>
#include <vmdev/vm.h>

#include "kselftest_harness.h"
#include "snap_map.h"
#include "snap_vm.h"
#include "snapshot.h"

#define BASE		0x500
#define BUF_MAX		4096

struct side {
	int vm_fd;
	struct vmdev_vm *vm;
	struct vmdev_regdev *rd;
};

/* A KVM VM, a context of mode on it and one device of map d; or -errno. */
static int side_new(struct side *s, int kvm, enum vmdev_vm_mode mode,
		    const struct vmdev_rdev_desc *d)
{
	VMDEV_OPTS(vmdev_vm_opts, vo, .mode = mode);
	VMDEV_OPTS(vmdev_regdev_opts, ro, .dev_size = d->dev_size,
		   .nr_regs = d->nr_regs, .nr_links = d->nr_links,
		   .nr_irqs = d->nr_irqs, .regs = d->regs, .links = d->links,
		   .irqs = d->irqs, .name = "snap");
	struct vmdev_resources *res;
	int ret;

	s->vm_fd = ioctl(kvm, KVM_CREATE_VM, 0);
	if (s->vm_fd < 0)
		return -errno;
	ret = vmdev_vm_new(s->vm_fd, &vo, &s->vm);
	if (ret)
		return ret;
	res = sv_range(VMDEV_RES_PIO, BASE, d->dev_size);
	if (!res)
		return -ENOMEM;
	ret = vmdev_regdev_new(s->vm, res, &ro, &s->rd);
	vmdev_resources_free(res);
	return ret;
}

static void side_free(struct side *s)
{
	vmdev_regdev_free(s->rd);
	vmdev_vm_free(s->vm);
	if (s->vm_fd >= 0)
		close(s->vm_fd);
	memset(s, 0, sizeof(*s));
	s->vm_fd = -1;
}

static int io_write(struct side *s, uint64_t off, uint32_t len, uint64_t v)
{
	return vmdev_io_write(vmdev_vm_io(s->vm), VMDEV_PIO, BASE + off, &v,
			      len);
}

static int io_read(struct side *s, uint64_t off, uint64_t *v)
{
	*v = 0;
	return vmdev_io_read(vmdev_vm_io(s->vm), VMDEV_PIO, BASE + off, v, 1);
}

/* State away from reset; `salt` makes the two sides' states differ. */
static int dirty(struct side *s, unsigned int salt)
{
	uint8_t buf[SN_DEPTH];
	uint64_t v;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < SN_DEPTH + 1; i++)
		ret |= io_write(s, 0, 1, snap_byte(salt + i));
	for (i = 0; i < SN_DEPTH; i++)
		buf[i] = snap_byte(salt + 50 + i);
	ret |= vmdev_regdev_fifo_fill(s->rd, SN_RX, buf, SN_DEPTH) != SN_DEPTH;
	for (i = 0; i < 4 + salt % 3; i++)
		ret |= io_read(s, 0, &v);
	ret |= vmdev_regdev_fifo_fill(s->rd, SN_RX, buf, 2) != 2;
	ret |= io_write(s, 2, 1, SN_RX_READY);
	ret |= io_write(s, 1, 1, 0x30 + salt);
	ret |= vmdev_regdev_reg_write(s->rd, SN_COR, salt);
	ret |= io_write(s, 4, 4, 0xbe11 + salt);
	ret |= vmdev_regdev_reg_write(s->rd, SN_RO, 0xabcdef00ULL + salt);
	return ret;
}

FIXTURE(cross) {
	int kvm;
	struct side k, u;
	uint8_t a[BUF_MAX], b[BUF_MAX];
};

FIXTURE_SETUP(cross)
{
	int ret;

	self->k.vm_fd = self->u.vm_fd = -1;
	self->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (self->kvm < 0)
		SKIP(return, "/dev/kvm: %s", strerror(errno));
	ret = side_new(&self->k, self->kvm, VMDEV_VM_KERNEL, &snap_map);
	if (ret == -ENOENT)
		SKIP(return, "vmdev.ko not loaded");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, side_new(&self->u, self->kvm, VMDEV_VM_USER, &snap_map));
}

FIXTURE_TEARDOWN(cross)
{
	side_free(&self->k);
	side_free(&self->u);
	if (self->kvm >= 0)
		close(self->kvm);
}

/* Save `from`, restore into `to`, save `to`: the same bytes. */
static void transfer(struct __test_metadata *_metadata,
		     FIXTURE_DATA(cross) *self, struct side *from,
		     struct side *to)
{
	int n, m;

	n = vmdev_regdev_save(from->rd, self->a, BUF_MAX, NULL);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, vmdev_regdev_restore(to->rd, self->a, n, NULL));
	m = vmdev_regdev_save(to->rd, self->b, BUF_MAX, NULL);
	ASSERT_EQ(n, m);
	EXPECT_EQ(0, memcmp(self->a, self->b, n));
}

TEST_F(cross, kernel_to_user_and_back)
{
	uint8_t buf[SN_DEPTH + 1];
	uint64_t v;
	int i;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, dirty(&self->k, 0));
	transfer(_metadata, self, &self->k, &self->u);
	/* User mode now runs what kernel mode saved. */
	ASSERT_EQ(SN_DEPTH, vmdev_regdev_fifo_drain(self->u.rd, SN_TX, buf,
						    sizeof(buf)));
	for (i = 0; i < SN_DEPTH; i++)
		EXPECT_EQ(snap_byte(i), buf[i]);
	ASSERT_EQ(0, io_read(&self->u, 0, &v));
	EXPECT_EQ(snap_byte(50 + 4), v);
	ASSERT_EQ(0, vmdev_regdev_reg_read(self->u.rd, SN_RO, &v));
	EXPECT_EQ(0xabcdef00ULL, v);
	/* And back: a state made in user mode goes to the module. */
	ASSERT_EQ(0, vmdev_regdev_reset(self->u.rd));
	ASSERT_EQ(0, dirty(&self->u, 1));
	transfer(_metadata, self, &self->u, &self->k);
	ASSERT_EQ(0, vmdev_regdev_reg_read(self->k.rd, SN_BELL, &v));
	EXPECT_EQ(0xbe12U, v);
	ASSERT_EQ(0, io_read(&self->k, 3, &v));		/* COR */
	EXPECT_EQ(1U, v);
}

TEST_F(cross, same_sizes_and_errors)
{
	struct side *sides[2] = { &self->k, &self->u };
	int i, n, before, after, ret;

	if (_metadata->skip)
		return;
	ASSERT_EQ(vmdev_regdev_save(self->k.rd, NULL, 0, NULL),
		  vmdev_regdev_save(self->u.rd, NULL, 0, NULL));
	ASSERT_EQ(0, dirty(&self->k, 2));
	n = vmdev_regdev_save(self->k.rd, self->a, BUF_MAX, NULL);
	ASSERT_LT(0, n);
	EXPECT_EQ(-ENOSPC, vmdev_regdev_save(self->k.rd, self->b, n - 1,
					     NULL));
	EXPECT_EQ(-ENOSPC, vmdev_regdev_save(self->u.rd, self->b, 16, NULL));
	for (i = 0; i < 2; i++) {
		struct side *s = sides[i];
		static uint8_t keep[BUF_MAX];

		before = vmdev_regdev_save(s->rd, keep, BUF_MAX, NULL);
		ASSERT_LT(0, before);
		EXPECT_EQ(-EBADMSG, vmdev_regdev_restore(s->rd, self->a, n - 8,
							 NULL));
		EXPECT_EQ(-EBADMSG, vmdev_regdev_restore(s->rd, self->a, 0,
							 NULL));
		EXPECT_EQ(-E2BIG, vmdev_regdev_restore(s->rd, self->a,
						       VMDEV_SNAPSHOT_MAX + 1,
						       NULL));
		EXPECT_EQ(-EINVAL, vmdev_regdev_restore(s->rd, NULL, n, NULL));
		self->a[4] = 2;			/* version 2 */
		vmdev_snap_seal(self->a, n);
		ret = vmdev_regdev_restore(s->rd, self->a, n, NULL);
		EXPECT_EQ(-EPROTONOSUPPORT, ret);
		EXPECT_EQ(EPROTONOSUPPORT, errno);
		self->a[4] = 1;
		vmdev_snap_seal(self->a, n);
		after = vmdev_regdev_save(s->rd, self->b, BUF_MAX, NULL);
		ASSERT_EQ(before, after);
		EXPECT_EQ(0, memcmp(keep, self->b, before));
	}
}

/* The same map but for one reset value: -EMEDIUMTYPE in both modes. */
TEST_F(cross, map_mismatch_both_modes)
{
	static struct vmdev_reg regs[SN_NR_REGS];
	struct vmdev_rdev_desc d = snap_map;
	struct side ok = { .vm_fd = -1 }, ou = { .vm_fd = -1 };
	int n;

	if (_metadata->skip)
		return;
	memcpy(regs, snap_regs, sizeof(regs));
	regs[SN_RO].reset = 1;
	d.regs = regs;
	ASSERT_EQ(0, side_new(&ok, self->kvm, VMDEV_VM_KERNEL, &d));
	ASSERT_EQ(0, side_new(&ou, self->kvm, VMDEV_VM_USER, &d));
	n = vmdev_regdev_save(self->k.rd, self->a, BUF_MAX, NULL);
	ASSERT_LT(0, n);
	EXPECT_EQ(-EMEDIUMTYPE, vmdev_regdev_restore(ok.rd, self->a, n, NULL));
	EXPECT_EQ(-EMEDIUMTYPE, vmdev_regdev_restore(ou.rd, self->a, n, NULL));
	n = vmdev_regdev_save(ou.rd, self->a, BUF_MAX, NULL);
	ASSERT_LT(0, n);
	EXPECT_EQ(-EMEDIUMTYPE, vmdev_regdev_restore(self->k.rd, self->a, n,
						     NULL));
	EXPECT_EQ(-EMEDIUMTYPE, vmdev_regdev_restore(self->u.rd, self->a, n,
						     NULL));
	side_free(&ok);
	side_free(&ou);
}

/* One more device of map d at base in s's vm. */
static int add_dev(struct side *s, uint64_t base,
		   const struct vmdev_rdev_desc *d, struct vmdev_regdev **out)
{
	VMDEV_OPTS(vmdev_regdev_opts, ro, .dev_size = d->dev_size,
		   .nr_regs = d->nr_regs, .nr_links = d->nr_links,
		   .nr_irqs = d->nr_irqs, .regs = d->regs, .links = d->links,
		   .irqs = d->irqs, .name = "snap2");
	struct vmdev_resources *res =
		sv_range(VMDEV_RES_PIO, base, d->dev_size);
	int ret;

	if (!res)
		return -ENOMEM;
	ret = vmdev_regdev_new(s->vm, res, &ro, out);
	vmdev_resources_free(res);
	return ret;
}

/*
 * A vm of three devices saved in kernel mode restores into a user-mode
 * vm made the same way, and back, to the same bytes; a vm with another
 * set of devices refuses it and keeps its state.
 */
TEST_F(cross, whole_vm_both_ways)
{
	static uint8_t va[4 * BUF_MAX], vb[4 * BUF_MAX], keep[4 * BUF_MAX];
	struct vmdev_regdev *k2, *u2, *k3, *u3;
	int n, m, before;
	uint64_t v;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, add_dev(&self->k, BASE + 0x40, &snap_map, &k2));
	ASSERT_EQ(0, add_dev(&self->u, BASE + 0x40, &snap_map, &u2));
	ASSERT_EQ(0, add_dev(&self->k, BASE + 0x80, &snap_map, &k3));
	ASSERT_EQ(0, add_dev(&self->u, BASE + 0x80, &snap_map, &u3));
	ASSERT_EQ(vmdev_vm_save(self->k.vm, NULL, 0, NULL),
		  vmdev_vm_save(self->u.vm, NULL, 0, NULL));
	ASSERT_EQ(0, dirty(&self->k, 0));
	ASSERT_EQ(0, vmdev_regdev_reg_write(k3, SN_RO, 0x3333));
	n = vmdev_vm_save(self->k.vm, va, sizeof(va), NULL);
	ASSERT_LT(0, n);
	EXPECT_EQ(-ENOSPC, vmdev_vm_save(self->k.vm, vb, n - 1, NULL));
	ASSERT_EQ(0, vmdev_vm_restore(self->u.vm, va, n, NULL));
	m = vmdev_vm_save(self->u.vm, vb, sizeof(vb), NULL);
	ASSERT_EQ(n, m);
	EXPECT_EQ(0, memcmp(va, vb, n));
	ASSERT_EQ(0, vmdev_regdev_reg_read(u3, SN_RO, &v));
	EXPECT_EQ(0x3333U, v);
	/* Back: user-mode changes to the module. */
	ASSERT_EQ(0, vmdev_regdev_reg_write(u2, SN_RO, 0x2222));
	n = vmdev_vm_save(self->u.vm, va, sizeof(va), NULL);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, vmdev_vm_restore(self->k.vm, va, n, NULL));
	m = vmdev_vm_save(self->k.vm, vb, sizeof(vb), NULL);
	ASSERT_EQ(n, m);
	EXPECT_EQ(0, memcmp(va, vb, n));
	/* One device fewer in the user vm: refused, nothing changed. */
	vmdev_regdev_free(u3);
	before = vmdev_vm_save(self->u.vm, keep, sizeof(keep), NULL);
	ASSERT_LT(0, before);
	EXPECT_EQ(-EMEDIUMTYPE, vmdev_vm_restore(self->u.vm, va, n, NULL));
	/* A device made again has another creation number: refused too. */
	ASSERT_EQ(0, add_dev(&self->u, BASE + 0x80, &snap_map, &u3));
	EXPECT_EQ(-EMEDIUMTYPE, vmdev_vm_restore(self->u.vm, va, n, NULL));
	vmdev_regdev_free(u3);
	m = vmdev_vm_save(self->u.vm, vb, sizeof(vb), NULL);
	ASSERT_EQ(before, m);
	EXPECT_EQ(0, memcmp(keep, vb, m));
	/*
	 * The last device's blob corrupted, the vm blob resealed: refused
	 * before the first device is touched.
	 */
	ASSERT_EQ(0, vmdev_regdev_reg_write(self->k.rd, SN_RO, 0x9999));
	before = vmdev_vm_save(self->k.vm, keep, sizeof(keep), NULL);
	ASSERT_LT(0, before);
	va[n - 20] ^= 1;
	vmdev_snap_seal(va, n);
	EXPECT_EQ(-EBADMSG, vmdev_vm_restore(self->k.vm, va, n, NULL));
	m = vmdev_vm_save(self->k.vm, vb, sizeof(vb), NULL);
	ASSERT_EQ(before, m);
	EXPECT_EQ(0, memcmp(keep, vb, m));
	vmdev_regdev_free(k2);
	vmdev_regdev_free(k3);
	vmdev_regdev_free(u2);
}

/*
 * A whole vm (snap_vm.h: register devices, a userspace device with
 * state on a PIO and an MMIO range, a stateless one, a resource
 * manager) saved in kernel mode restores in user mode and back, to the
 * same bytes, allocations included; refusals change nothing in either
 * mode.
 */
TEST_F(cross, whole_vm_with_userspace_devices)
{
	static uint8_t x[SV_BLOB_MAX], y[SV_BLOB_MAX], keep[SV_BLOB_MAX];
	struct sv_vm k, u;
	int n, m, before;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, sv_new(&k, self->kvm, VMDEV_VM_KERNEL));
	ASSERT_EQ((int)VMDEV_VM_KERNEL, (int)vmdev_vm_mode(k.vm));
	ASSERT_EQ(0, sv_new(&u, self->kvm, VMDEV_VM_USER));
	ASSERT_EQ(sv_save(&k, NULL, 0), sv_save(&u, NULL, 0));
	ASSERT_EQ(0, sv_dirty(&k, 0));
	ASSERT_EQ(0, sv_dirty(&u, 4));
	n = sv_save(&k, x, sizeof(x));
	ASSERT_LT(0, n);
	/* Into a fresh manager of the same configuration. */
	vmdev_resources_free(u.held);
	u.held = NULL;
	vmdev_resource_manager_free(u.res);
	ASSERT_EQ(0, sv_res_mgr(&u.res));
	ASSERT_EQ(0, sv_restore(&u, x, n));
	m = sv_save(&u, y, sizeof(y));
	ASSERT_EQ(n, m);
	EXPECT_EQ(0, memcmp(x, y, n));
	EXPECT_EQ(0, memcmp(k.state.regs, u.state.regs, SV_UD_REGS));
	/* Back: user-mode changes to the module's devices. */
	ASSERT_EQ(0, sv_dirty(&u, 7));
	n = sv_save(&u, x, sizeof(x));
	ASSERT_LT(0, n);
	ASSERT_EQ(0, sv_restore(&k, x, n));
	m = sv_save(&k, y, sizeof(y));
	ASSERT_EQ(n, m);
	EXPECT_EQ(0, memcmp(x, y, n));
	EXPECT_EQ(1, k.state.applies);
	/* Kernel mode: a device's check refuses, nothing changes. */
	ASSERT_EQ(0, sv_dirty(&u, 9));
	n = sv_save(&u, x, sizeof(x));
	ASSERT_LT(0, n);
	before = sv_save(&k, keep, sizeof(keep));
	ASSERT_LT(0, before);
	k.state.fail_check = -EPERM;
	EXPECT_EQ(-EPERM, sv_restore(&k, x, n));
	k.state.fail_check = 0;
	/* A register device's blob corrupted, resealed: the module says no. */
	x[VMDEV_SNAP_HDR_SIZE + 16 + 40] ^= 1;
	vmdev_snap_seal(x, n);
	EXPECT_EQ(-EBADMSG, sv_restore(&k, x, n));
	EXPECT_EQ(-EBADMSG, sv_restore(&u, x, n));
	m = sv_save(&k, y, sizeof(y));
	ASSERT_EQ(before, m);
	EXPECT_EQ(0, memcmp(keep, y, m));
	EXPECT_EQ(1, k.state.applies);
	sv_free(&k);
	sv_free(&u);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

#define SCALE_N		1000
#define SCALE_BASE	0x1000

/* A vm of mode with SCALE_N devices; ms taken to create them, or -1. */
static double scale_vm(int kvm, enum vmdev_vm_mode mode, struct side *s,
		       struct vmdev_regdev **rds)
{
	VMDEV_OPTS(vmdev_vm_opts, vo, .mode = mode);
	double t0;
	unsigned int i;

	s->vm_fd = ioctl(kvm, KVM_CREATE_VM, 0);
	if (s->vm_fd < 0 || vmdev_vm_new(s->vm_fd, &vo, &s->vm))
		return -1;
	t0 = now_ms();
	for (i = 0; i < SCALE_N; i++) {
		if (add_dev(s, SCALE_BASE + i * SN_WINDOW, &snap_map, &rds[i]))
			return -1;
	}
	return now_ms() - t0;
}

static void scale_free(struct side *s, struct vmdev_regdev **rds)
{
	unsigned int i;

	for (i = 0; i < SCALE_N; i++)
		vmdev_regdev_free(rds[i]);
	vmdev_vm_free(s->vm);
	close(s->vm_fd);
}

/*
 * vmdev_vm_save() of 1000 devices restored into a vm of the other mode,
 * to the same bytes, each way. Logged: creating the devices, saving and
 * restoring, per mode, in one boot.
 */
TEST_F(cross, vm_of_1000_devices)
{
	static struct vmdev_regdev *kr[SCALE_N], *ur[SCALE_N];
	struct side k = { .vm_fd = -1 }, u = { .vm_fd = -1 };
	double ck, cu, sk, su, rk, ru, t0;
	uint8_t *a, *b;
	int need, n, m;

	if (_metadata->skip)
		return;
	ck = scale_vm(self->kvm, VMDEV_VM_KERNEL, &k, kr);
	cu = scale_vm(self->kvm, VMDEV_VM_USER, &u, ur);
	ASSERT_LE(0, ck);
	ASSERT_LE(0, cu);
	need = vmdev_vm_save(k.vm, NULL, 0, NULL);
	ASSERT_LT(0, need);
	ASSERT_EQ(need, vmdev_vm_save(u.vm, NULL, 0, NULL));
	a = malloc(need);
	b = malloc(need);
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, vmdev_regdev_reg_write(kr[SCALE_N - 1], SN_RO, 0x99));
	t0 = now_ms();
	n = vmdev_vm_save(k.vm, a, need, NULL);
	sk = now_ms() - t0;
	ASSERT_LT(0, n);
	t0 = now_ms();
	ASSERT_EQ(0, vmdev_vm_restore(u.vm, a, n, NULL));
	ru = now_ms() - t0;
	t0 = now_ms();
	m = vmdev_vm_save(u.vm, b, need, NULL);
	su = now_ms() - t0;
	ASSERT_EQ(n, m);
	EXPECT_EQ(0, memcmp(a, b, n));
	t0 = now_ms();
	ASSERT_EQ(0, vmdev_vm_restore(k.vm, b, m, NULL));
	rk = now_ms() - t0;
	TH_LOG("%u devices, blob %d bytes: kernel mode: created in %.1f ms, "
	       "saved in %.1f (%.3f), restored in %.1f (%.3f); user mode: "
	       "created in %.1f ms, saved in %.1f (%.3f), restored in %.1f "
	       "(%.3f)", SCALE_N, n, ck, sk, sk / ck, rk, rk / ck, cu, su,
	       su / cu, ru, ru / cu);
	free(a);
	free(b);
	scale_free(&k, kr);
	scale_free(&u, ur);
}

TEST_HARNESS_MAIN
