// SPDX-License-Identifier: GPL-2.0
/*
 * The KVM backend against the host's /dev/kvm: irqfds attached and
 * detached (KVM itself refuses a second irqfd on an attached eventfd),
 * interrupts that reach the vCPU's local APIC through MSI routes and
 * IOAPIC pins, level lines held high by a resample irqfd, masking that
 * detaches, one routing update per change (counted at the ioctl), the
 * default routes kept, and every failure leaving things as they were,
 * KVM's own refusals and injected ones alike.
 *
 * Skipped, with the reason, where /dev/kvm cannot run an x86 VM.
 */
#include <fcntl.h>
#include <stdint.h>
#include <vmdev/interrupt.h>
#include "kselftest_harness.h"
#include "irq_test.h"
#include "irq_kvm_vm.h"
#include "irq_ioctl_hook.h"
#include "../failmalloc.h"

#define MSI_ADDR	0xfee00000U	/* APIC ID 0, physical */

FIXTURE(kvm) {
	int fds;
	struct kvm_vm vm;
	struct vmdev_irq_manager *mgr;
	struct vmdev_irq_group *grp;
};

FIXTURE_SETUP(kvm)
{
	const char *why;

	self->fds = open_fds();
	why = kvm_vm_open(&self->vm, true);
	if (!why && kvm_vm_add_vcpu(&self->vm))
		why = "KVM_CREATE_VCPU fails";
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, vmdev_irq_manager_new_kvm(self->vm.vm_fd, NULL,
					       &self->mgr));
	ioctl_hook_reset();
}

FIXTURE_TEARDOWN(kvm)
{
	vmdev_irq_group_free(self->grp);
	vmdev_irq_manager_free(self->mgr);
	kvm_vm_close(&self->vm);
	EXPECT_EQ(self->fds, open_fds());
	EXPECT_EQ(0, res_leaks());
}

static int new_group(FIXTURE_DATA(kvm) *self, enum vmdev_irq_type type,
		     uint32_t base, uint32_t count, uint32_t flags)
{
	VMDEV_OPTS(vmdev_irq_group_opts, opts, .flags = flags);

	return vmdev_irq_group_new(self->mgr, type, base, count, &opts,
				   &self->grp);
}

static int set_msi(struct vmdev_irq_group *grp, uint32_t v, uint8_t vector)
{
	VMDEV_OPTS(vmdev_irq_config, c, .address_lo = MSI_ADDR,
		   .data = vector);

	return vmdev_irq_group_update(grp, v, &c);
}

static int set_pin(struct vmdev_irq_group *grp, uint32_t v, uint32_t pin)
{
	VMDEV_OPTS(vmdev_irq_config, c, .irqchip = VMDEV_IRQCHIP_IOAPIC,
		   .pin = pin);

	return vmdev_irq_group_update(grp, v, &c);
}

/* Attach or detach fd as an irqfd ourselves: 0 or -errno. */
static int irqfd_ctl(FIXTURE_DATA(kvm) *self, int fd, uint32_t gsi,
		     bool attach)
{
	struct kvm_irqfd req = {
		.fd = (uint32_t)fd,
		.gsi = gsi,
		.flags = attach ? 0 : KVM_IRQFD_FLAG_DEASSIGN,
	};

	return ioctl(self->vm.vm_fd, KVM_IRQFD, &req) ? -errno : 0;
}

/* Whether KVM holds vector v's eventfd: then it refuses it to us. */
static bool attached(FIXTURE_DATA(kvm) *self, uint32_t v)
{
	int fd = vmdev_irq_group_trigger_fd(self->grp, v);
	int ret = irqfd_ctl(self, fd, 200, true);

	if (!ret)
		irqfd_ctl(self, fd, 200, false);
	return ret == -EBUSY;
}

/* An MSI group of 2 vectors at GSI 40, vectors 0x50 and 0x51. */
static void msi_group(struct __test_metadata *_metadata,
		      FIXTURE_DATA(kvm) *self)
{
	ASSERT_EQ(0, new_group(self, VMDEV_IRQ_MSI, 40, 2, 0));
	ASSERT_EQ(0, set_msi(self->grp, 0, 0x50));
	ASSERT_EQ(0, set_msi(self->grp, 1, 0x51));
}

TEST(manager_new_kvm)
{
	VMDEV_OPTS(vmdev_irq_manager_opts, opts);
	struct vmdev_irq_manager *mgr = NULL;
	struct kvm_vm vm;
	const char *why = kvm_vm_open(&vm, true);
	int cap, null_fd;

	if (why) {
		kvm_vm_close(&vm);
		SKIP(return, "%s", why);
	}
	cap = ioctl(vm.vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQ_ROUTING);
	ASSERT_GT(cap, 0);
	ASSERT_ERR(EBADF, vmdev_irq_manager_new_kvm(-1, NULL, &mgr));
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_GE(null_fd, 0);
	ASSERT_ERR(ENOTTY, vmdev_irq_manager_new_kvm(null_fd, NULL, &mgr));
	close(null_fd);
	ASSERT_ERR(EINVAL, vmdev_irq_manager_new_kvm(vm.vm_fd, NULL, NULL));
	opts.flags = 1U << 6;
	ASSERT_ERR(EINVAL, vmdev_irq_manager_new_kvm(vm.vm_fd, &opts, &mgr));
	opts.flags = 0;
	opts.nr_gsis = cap + 1;
	ASSERT_ERR(EINVAL, vmdev_irq_manager_new_kvm(vm.vm_fd, &opts, &mgr));
	EXPECT_EQ(NULL, mgr);

	ASSERT_EQ(0, vmdev_irq_manager_new_kvm(vm.vm_fd, NULL, &mgr));
	EXPECT_EQ((uint32_t)cap, vmdev_irq_manager_nr_gsis(mgr));
	vmdev_irq_manager_free(mgr);
	opts.nr_gsis = 100;
	ASSERT_EQ(0, vmdev_irq_manager_new_kvm(vm.vm_fd, &opts, &mgr));
	EXPECT_EQ(100U, vmdev_irq_manager_nr_gsis(mgr));
	vmdev_irq_manager_free(mgr);
	mgr = NULL;

	/* A KVM without GSI routing, or without irqfds. */
	ioctl_hook_fail(KVM_CHECK_EXTENSION, 0, 0);
	ASSERT_ERR(EOPNOTSUPP, vmdev_irq_manager_new_kvm(vm.vm_fd, NULL, &mgr));
	ioctl_hook_fail(KVM_CHECK_EXTENSION, 1, 0);
	ASSERT_ERR(EOPNOTSUPP, vmdev_irq_manager_new_kvm(vm.vm_fd, NULL, &mgr));
	ioctl_hook_fail(KVM_CHECK_EXTENSION, 0, EIO);
	ASSERT_ERR(EIO, vmdev_irq_manager_new_kvm(vm.vm_fd, NULL, &mgr));
	EXPECT_EQ(NULL, mgr);
	kvm_vm_close(&vm);
	EXPECT_EQ(0, res_leaks());
}

TEST(kvm_out_of_memory)
{
	struct vmdev_irq_manager *mgr = NULL;
	struct vmdev_irq_group *grp;
	struct kvm_vm vm;
	const char *why = kvm_vm_open(&vm, true);
	long n;
	int ret;

	if (why) {
		kvm_vm_close(&vm);
		SKIP(return, "%s", why);
	}
	for (n = 0;; n++) {
		failmalloc_arm(n);
		ret = vmdev_irq_manager_new_kvm(vm.vm_fd, NULL, &mgr);
		failmalloc_disarm();
		if (!failmalloc_failed)
			break;
		ASSERT_EQ(-ENOMEM, ret);
	}
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, vmdev_irq_group_new(mgr, VMDEV_IRQ_MSI, 40, 2, NULL,
					 &grp));
	/* The routing table cannot be built: nothing is attached. */
	for (n = 0;; n++) {
		failmalloc_arm(n);
		ret = vmdev_irq_group_enable(grp);
		failmalloc_disarm();
		if (!failmalloc_failed)
			break;
		ASSERT_EQ(-ENOMEM, ret);
		ASSERT_ERR(EBADFD, vmdev_irq_group_trigger(grp, 0));
	}
	ASSERT_EQ(0, ret);
	vmdev_irq_group_free(grp);
	vmdev_irq_manager_free(mgr);
	kvm_vm_close(&vm);
	EXPECT_EQ(0, res_leaks());
}

TEST_F(kvm, enable_attaches_irqfds)
{
	if (_metadata->skip)
		return;
	msi_group(_metadata, self);
	EXPECT_EQ(0U, ioctl_hook_routing());	/* disabled: stored only */
	EXPECT_FALSE(attached(self, 0));
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
	EXPECT_EQ(1U, ioctl_hook_routing());
	EXPECT_TRUE(attached(self, 0));
	EXPECT_TRUE(attached(self, 1));
	ioctl_hook_reset();
	ASSERT_EQ(0, vmdev_irq_group_disable(self->grp));
	EXPECT_EQ(1U, ioctl_hook_routing());
	EXPECT_EQ(2U, ioctl_hook_detach());
	EXPECT_FALSE(attached(self, 0));
	EXPECT_FALSE(attached(self, 1));
}

TEST_F(kvm, msi_reaches_the_lapic)
{
	int fd;

	if (_metadata->skip)
		return;
	msi_group(_metadata, self);
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
	fd = vmdev_irq_group_trigger_fd(self->grp, 0);
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 0));
	/* KVM took the event out of the eventfd and injected it. */
	EXPECT_FALSE(efd_readable(fd));
	EXPECT_TRUE(kvm_wait_lapic_irr(&self->vm, 0x50));
	EXPECT_FALSE(kvm_lapic_irr(&self->vm, 0x51));
	/* A direct signaller goes the same way. */
	ASSERT_EQ(0, efd_write(vmdev_irq_group_trigger_fd(self->grp, 1), 1));
	EXPECT_TRUE(kvm_wait_lapic_irr(&self->vm, 0x51));
}

TEST_F(kvm, one_routing_update_per_change)
{
	if (_metadata->skip)
		return;
	msi_group(_metadata, self);
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
	ioctl_hook_reset();
	ASSERT_EQ(0, set_msi(self->grp, 0, 0x52));
	EXPECT_EQ(1U, ioctl_hook_routing());
	EXPECT_EQ(0U, ioctl_hook_attach() + ioctl_hook_detach());
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 0));
	EXPECT_TRUE(kvm_wait_lapic_irr(&self->vm, 0x52));
	EXPECT_FALSE(kvm_lapic_irr(&self->vm, 0x50));
}

TEST_F(kvm, legacy_edge_default_route)
{
	if (_metadata->skip)
		return;
	ASSERT_EQ(0, kvm_ioapic_route(&self->vm, 10, 0x60, false));
	ASSERT_EQ(0, new_group(self, VMDEV_IRQ_LEGACY, 10, 1, 0));
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 0));
	EXPECT_TRUE(kvm_wait_lapic_irr(&self->vm, 0x60));
	/* An edge: the pin went high and low again. */
	EXPECT_TRUE(kvm_wait_ioapic_pin(&self->vm, 10, false));
}

/* A GSI past the IOAPIC has no default route: it needs a config. */
TEST_F(kvm, legacy_configured_route)
{
	if (_metadata->skip)
		return;
	ASSERT_EQ(0, kvm_ioapic_route(&self->vm, 11, 0x61, false));
	ASSERT_EQ(0, new_group(self, VMDEV_IRQ_LEGACY, 30, 2, 0));
	ASSERT_EQ(0, set_pin(self->grp, 0, 11));
	ASSERT_ERR(ENXIO, vmdev_irq_group_enable(self->grp));
	EXPECT_EQ(0U, ioctl_hook_routing());
	EXPECT_FALSE(attached(self, 0));
	ASSERT_EQ(0, set_pin(self->grp, 1, 13));
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 0));
	EXPECT_TRUE(kvm_wait_lapic_irr(&self->vm, 0x61));
}

/* KVM_IRQ_LINE on a default route, as a VMM's other devices use it. */
static void irq_line(FIXTURE_DATA(kvm) *self, uint32_t gsi)
{
	struct kvm_irq_level l = { .irq = gsi, .level = 1 };

	ioctl(self->vm.vm_fd, KVM_IRQ_LINE, &l);
	l.level = 0;
	ioctl(self->vm.vm_fd, KVM_IRQ_LINE, &l);
}

TEST_F(kvm, default_routes_kept)
{
	if (_metadata->skip)
		return;
	ASSERT_EQ(0, kvm_ioapic_route(&self->vm, 4, 0x62, false));
	msi_group(_metadata, self);
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
	irq_line(self, 4);
	EXPECT_TRUE(kvm_wait_lapic_irr(&self->vm, 0x62));
}

TEST_F(kvm, no_default_routes)
{
	VMDEV_OPTS(vmdev_irq_manager_opts, opts,
		   .flags = VMDEV_IRQ_MGR_NO_DEFAULT_ROUTES);

	if (_metadata->skip)
		return;
	vmdev_irq_manager_free(self->mgr);
	ASSERT_EQ(0, vmdev_irq_manager_new_kvm(self->vm.vm_fd, &opts,
					       &self->mgr));
	ASSERT_EQ(0, kvm_ioapic_route(&self->vm, 4, 0x63, false));
	ASSERT_EQ(0, kvm_ioapic_route(&self->vm, 12, 0x64, false));
	/* Even GSI 12 needs a configuration now. */
	ASSERT_EQ(0, new_group(self, VMDEV_IRQ_LEGACY, 12, 1, 0));
	ASSERT_ERR(ENXIO, vmdev_irq_group_enable(self->grp));
	ASSERT_EQ(0, set_pin(self->grp, 0, 12));
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
	/* The table holds the group's route and nothing else. */
	irq_line(self, 4);
	EXPECT_FALSE(kvm_lapic_irr(&self->vm, 0x63));
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 0));
	EXPECT_TRUE(kvm_wait_lapic_irr(&self->vm, 0x64));
}

/*
 * A level line is a resample irqfd: KVM keeps the pin high after the
 * injection (an edge irqfd lowers it at once) until the guest's EOI.
 */
TEST_F(kvm, level_line_held_high)
{
	if (_metadata->skip)
		return;
	ASSERT_EQ(0, new_group(self, VMDEV_IRQ_LEGACY, 12, 1,
			       VMDEV_IRQ_GROUP_LEVEL));
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
	EXPECT_TRUE(attached(self, 0));
	EXPECT_EQ(0U, kvm_ioapic_irr(&self->vm) & (1U << 12));
	ASSERT_EQ(0, vmdev_irq_group_assert(self->grp, 0));
	EXPECT_FALSE(efd_readable(vmdev_irq_group_trigger_fd(self->grp, 0)));
	EXPECT_TRUE(kvm_wait_ioapic_pin(&self->vm, 12, true));
	/* Only an EOI lowers it in KVM (see irq_kvm_resample.c). */
	ASSERT_EQ(0, vmdev_irq_group_clear(self->grp, 0));
	usleep(IRQ_QUIET_MS * 1000);
	EXPECT_TRUE(kvm_wait_ioapic_pin(&self->vm, 12, true));

	/* Masking detaches the irqfd, which lowers the pin. */
	ASSERT_EQ(0, vmdev_irq_group_assert(self->grp, 0));
	ASSERT_EQ(0, vmdev_irq_group_mask(self->grp, 0));
	EXPECT_FALSE(attached(self, 0));
	EXPECT_TRUE(kvm_wait_ioapic_pin(&self->vm, 12, false));
	EXPECT_EQ(1, vmdev_irq_group_pending(self->grp, 0));
	ASSERT_EQ(0, vmdev_irq_group_unmask(self->grp, 0));
	EXPECT_TRUE(attached(self, 0));
	EXPECT_TRUE(kvm_wait_ioapic_pin(&self->vm, 12, true));
}

TEST_F(kvm, mask_detaches)
{
	int fd;

	if (_metadata->skip)
		return;
	msi_group(_metadata, self);
	ASSERT_EQ(0, set_msi(self->grp, 0, 0x70));
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
	fd = vmdev_irq_group_trigger_fd(self->grp, 0);
	ioctl_hook_reset();
	ASSERT_EQ(0, vmdev_irq_group_mask(self->grp, 0));
	EXPECT_EQ(1U, ioctl_hook_detach());
	EXPECT_FALSE(attached(self, 0));
	EXPECT_TRUE(attached(self, 1));

	/* A direct signaller's event waits in the eventfd: pending. */
	EXPECT_EQ(0, vmdev_irq_group_pending(self->grp, 0));
	ASSERT_EQ(0, efd_write(fd, 1));
	EXPECT_FALSE(kvm_lapic_irr(&self->vm, 0x70));
	EXPECT_EQ(1, vmdev_irq_group_pending(self->grp, 0));
	ioctl_hook_reset();
	ASSERT_EQ(0, vmdev_irq_group_unmask(self->grp, 0));
	EXPECT_EQ(1U, ioctl_hook_attach());
	EXPECT_TRUE(kvm_wait_lapic_irr(&self->vm, 0x70));
	/* Injected once, and not left behind to be injected again. */
	EXPECT_FALSE(efd_readable(fd));
	EXPECT_EQ(0, vmdev_irq_group_pending(self->grp, 0));

	/* The library's own trigger while masked, delivered on unmask. */
	ASSERT_EQ(0, set_msi(self->grp, 0, 0x71));
	ASSERT_EQ(0, vmdev_irq_group_mask(self->grp, 0));
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 0));
	EXPECT_FALSE(kvm_lapic_irr(&self->vm, 0x71));
	EXPECT_EQ(1, vmdev_irq_group_pending(self->grp, 0));
	ASSERT_EQ(0, vmdev_irq_group_unmask(self->grp, 0));
	EXPECT_TRUE(kvm_wait_lapic_irr(&self->vm, 0x71));

	/* Masked while disabled: enable leaves it detached. */
	ASSERT_EQ(0, vmdev_irq_group_disable(self->grp));
	ASSERT_EQ(0, vmdev_irq_group_mask(self->grp, 1));
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
	EXPECT_TRUE(attached(self, 0));
	EXPECT_FALSE(attached(self, 1));
}

TEST_F(kvm, msi_devid_needs_the_cap)
{
	VMDEV_OPTS(vmdev_irq_config, c, .flags = VMDEV_IRQ_CFG_DEVID,
		   .address_lo = MSI_ADDR, .data = 0x72, .devid = 0x10);
	int cap;

	if (_metadata->skip)
		return;
	cap = ioctl(self->vm.vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MSI_DEVID);
	msi_group(_metadata, self);
	if (cap > 0) {
		ASSERT_EQ(0, vmdev_irq_group_update(self->grp, 0, &c));
	} else {
		ASSERT_ERR(EOPNOTSUPP, vmdev_irq_group_update(self->grp, 0,
							      &c));
	}
}

TEST_F(kvm, vm_without_irqchip)
{
	if (_metadata->skip)
		return;
	vmdev_irq_manager_free(self->mgr);
	self->mgr = NULL;
	kvm_vm_close(&self->vm);
	ASSERT_EQ(NULL, kvm_vm_open(&self->vm, false));
	ASSERT_EQ(0, vmdev_irq_manager_new_kvm(self->vm.vm_fd, NULL,
					       &self->mgr));
	msi_group(_metadata, self);
	ASSERT_ERR(EINVAL, vmdev_irq_group_enable(self->grp));
	ASSERT_ERR(EBADFD, vmdev_irq_group_trigger(self->grp, 0));
}

/* KVM refuses an eventfd that already is an irqfd: all undone. */
TEST_F(kvm, enable_fails_busy_fd)
{
	int fd1;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, new_group(self, VMDEV_IRQ_MSI, 40, 3, 0));
	fd1 = vmdev_irq_group_trigger_fd(self->grp, 1);
	ASSERT_EQ(0, irqfd_ctl(self, fd1, 300, true));
	ioctl_hook_reset();
	ASSERT_ERR(EBUSY, vmdev_irq_group_enable(self->grp));
	/* Routes set, then restored; vector 0 attached, then detached. */
	EXPECT_EQ(2U, ioctl_hook_routing());
	EXPECT_EQ(1U, ioctl_hook_detach());
	ASSERT_EQ(0, irqfd_ctl(self, fd1, 300, false));
	EXPECT_FALSE(attached(self, 0));
	ASSERT_ERR(EBADFD, vmdev_irq_group_trigger(self->grp, 0));
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
	EXPECT_TRUE(attached(self, 1));
}

TEST_F(kvm, enable_fails_routing)
{
	if (_metadata->skip)
		return;
	msi_group(_metadata, self);
	ioctl_hook_fail(KVM_SET_GSI_ROUTING, 0, ENOMEM);
	ASSERT_ERR(ENOMEM, vmdev_irq_group_enable(self->grp));
	EXPECT_EQ(0U, ioctl_hook_attach());
	ASSERT_ERR(EBADFD, vmdev_irq_group_trigger(self->grp, 0));
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 0));
	EXPECT_TRUE(kvm_wait_lapic_irr(&self->vm, 0x50));
}

TEST_F(kvm, update_fails)
{
	VMDEV_OPTS(vmdev_irq_config, got);

	if (_metadata->skip)
		return;
	msi_group(_metadata, self);
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
	ioctl_hook_fail(KVM_SET_GSI_ROUTING, 0, EIO);
	ASSERT_ERR(EIO, set_msi(self->grp, 0, 0x73));
	ASSERT_EQ(0, vmdev_irq_group_get_config(self->grp, 0, &got));
	EXPECT_EQ(0x50U, got.data);
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 0));
	EXPECT_TRUE(kvm_wait_lapic_irr(&self->vm, 0x50));
	EXPECT_FALSE(kvm_lapic_irr(&self->vm, 0x73));
}

TEST_F(kvm, disable_fails)
{
	if (_metadata->skip)
		return;
	msi_group(_metadata, self);
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
	ioctl_hook_fail(KVM_SET_GSI_ROUTING, 0, EIO);
	ASSERT_ERR(EIO, vmdev_irq_group_disable(self->grp));
	EXPECT_TRUE(attached(self, 0));
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 0));
	EXPECT_TRUE(kvm_wait_lapic_irr(&self->vm, 0x50));
	ASSERT_EQ(0, vmdev_irq_group_disable(self->grp));
}

TEST_F(kvm, mask_and_unmask_fail)
{
	if (_metadata->skip)
		return;
	msi_group(_metadata, self);
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
	ioctl_hook_fail(KVM_IRQFD, 0, EIO);
	ASSERT_ERR(EIO, vmdev_irq_group_mask(self->grp, 0));
	/* Still unmasked: a trigger goes through. */
	EXPECT_TRUE(attached(self, 0));
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 0));
	EXPECT_TRUE(kvm_wait_lapic_irr(&self->vm, 0x50));
	EXPECT_EQ(0, vmdev_irq_group_pending(self->grp, 0));

	ASSERT_EQ(0, vmdev_irq_group_mask(self->grp, 1));
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 1));
	ioctl_hook_fail(KVM_IRQFD, 0, EIO);
	ASSERT_ERR(EIO, vmdev_irq_group_unmask(self->grp, 1));
	/* Still masked, the event still pending. */
	EXPECT_FALSE(attached(self, 1));
	EXPECT_EQ(1, vmdev_irq_group_pending(self->grp, 1));
	EXPECT_FALSE(kvm_lapic_irr(&self->vm, 0x51));
	ASSERT_EQ(0, vmdev_irq_group_unmask(self->grp, 1));
	EXPECT_TRUE(kvm_wait_lapic_irr(&self->vm, 0x51));
}

/* Freeing an enabled group takes its routes and irqfds along. */
TEST_F(kvm, free_enabled_group)
{
	int fd;

	if (_metadata->skip)
		return;
	msi_group(_metadata, self);
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
	ioctl_hook_reset();
	vmdev_irq_group_free(self->grp);
	self->grp = NULL;
	EXPECT_EQ(1U, ioctl_hook_routing());
	EXPECT_EQ(2U, ioctl_hook_detach());
	/* Its GSIs are free for a new group, attached afresh. */
	msi_group(_metadata, self);
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
	fd = vmdev_irq_group_trigger_fd(self->grp, 1);
	ASSERT_EQ(0, efd_write(fd, 1));
	EXPECT_TRUE(kvm_wait_lapic_irr(&self->vm, 0x51));
}

TEST_HARNESS_MAIN
