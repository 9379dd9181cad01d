// SPDX-License-Identifier: GPL-2.0
/*
 * Level-triggered lines on real KVM with a running guest, the only way
 * to get an EOI: a real-mode guest waits in hlt, takes the interrupt of
 * IOAPIC pin 5 (level, configured through the group), writes its local
 * APIC's EOI register and exits to the test (irq_kvm_vm.h). KVM then
 * lowers the pin and signals the resample eventfd; a line the device
 * still asserts must interrupt the guest again, a cleared one must not.
 * Both resampling modes: the library's thread, and the VMM's own loop.
 *
 * Skipped, with the reason, where /dev/kvm cannot run an x86 VM.
 */
#include <stdint.h>
#include <vmdev/interrupt.h>
#include "kselftest_harness.h"
#include "irq_test.h"
#include "irq_kvm_vm.h"

#define LINE_GSI	5
#define LINE_VECTOR	0x40

FIXTURE(guest) {
	int fds;
	bool manual;
	struct kvm_vm vm;
	struct vmdev_irq_manager *mgr;
	struct vmdev_irq_group *grp;
};

FIXTURE_VARIANT(guest) {
	uint32_t mgr_flags;
};

FIXTURE_VARIANT_ADD(guest, thread) {
	.mgr_flags = 0,
};

FIXTURE_VARIANT_ADD(guest, manual) {
	.mgr_flags = VMDEV_IRQ_MGR_MANUAL_RESAMPLE,
};

static const char *guest_boot(FIXTURE_DATA(guest) *self)
{
	const char *why = kvm_vm_open(&self->vm, true);

	if (why)
		return why;
	if (kvm_vm_add_vcpu(&self->vm))
		return "KVM_CREATE_VCPU fails";
	if (kvm_vm_load_guest(&self->vm, LINE_VECTOR))
		return "the guest cannot be loaded";
	if (kvm_ioapic_route(&self->vm, LINE_GSI, LINE_VECTOR, true))
		return "the IOAPIC cannot be programmed";
	/* The guest must reach hlt and stay there. */
	if (kvm_vm_run(&self->vm, 50) != 0)
		return "the guest does not run on this KVM";
	return NULL;
}

FIXTURE_SETUP(guest)
{
	VMDEV_OPTS(vmdev_irq_manager_opts, mopts, .flags = variant->mgr_flags);
	VMDEV_OPTS(vmdev_irq_group_opts, gopts, .flags = VMDEV_IRQ_GROUP_LEVEL);
	VMDEV_OPTS(vmdev_irq_config, pin, .irqchip = VMDEV_IRQCHIP_IOAPIC,
		   .pin = LINE_GSI);
	const char *why;

	self->fds = open_fds();
	self->manual = variant->mgr_flags & VMDEV_IRQ_MGR_MANUAL_RESAMPLE;
	why = guest_boot(self);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, vmdev_irq_manager_new_kvm(self->vm.vm_fd, &mopts,
					       &self->mgr));
	ASSERT_EQ(0, vmdev_irq_group_new(self->mgr, VMDEV_IRQ_LEGACY, LINE_GSI,
					 1, &gopts, &self->grp));
	ASSERT_EQ(0, vmdev_irq_group_update(self->grp, 0, &pin));
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
}

FIXTURE_TEARDOWN(guest)
{
	vmdev_irq_group_free(self->grp);
	vmdev_irq_manager_free(self->mgr);
	kvm_vm_close(&self->vm);
	EXPECT_EQ(self->fds, open_fds());
	EXPECT_EQ(0, res_leaks());
}

/* Interrupts the guest takes (0 or 1) before it idles for ms. */
static int guest_takes(FIXTURE_DATA(guest) *self, unsigned int ms)
{
	return kvm_vm_run(&self->vm, ms);
}

/*
 * After the guest's EOI: in manual mode, the test is the VMM's loop and
 * resamples (exactly the one line); the thread needs nothing.
 */
static bool resampled(FIXTURE_DATA(guest) *self)
{
	int fd;

	if (!self->manual)
		return true;
	fd = vmdev_irq_manager_resample_fd(self->mgr);
	return efd_readable(fd) && vmdev_irq_manager_process(self->mgr) == 1 &&
	       !efd_readable(fd);
}

/*
 * The line was cleared after the guest's last EOI: with the thread, it
 * may have fired once more before the clear. Then nothing else comes.
 */
static bool guest_quiet(FIXTURE_DATA(guest) *self)
{
	int r = guest_takes(self, IRQ_QUIET_MS);

	if (r == 1 && !self->manual)
		r = guest_takes(self, IRQ_QUIET_MS);
	return r == 0;
}

TEST_F(guest, refires_until_cleared)
{
	if (_metadata->skip)
		return;
	EXPECT_EQ(0, guest_takes(self, IRQ_QUIET_MS));
	ASSERT_EQ(0, vmdev_irq_group_assert(self->grp, 0));
	ASSERT_EQ(1, guest_takes(self, IRQ_WAIT_MS));
	/* Still asserted at each EOI: the guest is interrupted again. */
	ASSERT_TRUE(resampled(self));
	ASSERT_EQ(1, guest_takes(self, IRQ_WAIT_MS));
	ASSERT_TRUE(resampled(self));
	ASSERT_EQ(1, guest_takes(self, IRQ_WAIT_MS));

	ASSERT_EQ(0, vmdev_irq_group_clear(self->grp, 0));
	EXPECT_TRUE(resampled(self));
	EXPECT_TRUE(guest_quiet(self));

	/* A new assert is a new interrupt. */
	ASSERT_EQ(0, vmdev_irq_group_assert(self->grp, 0));
	EXPECT_EQ(1, guest_takes(self, IRQ_WAIT_MS));
}

/* Cleared before the guest ever ran: one interrupt, then quiet. */
TEST_F(guest, cleared_before_eoi)
{
	if (_metadata->skip)
		return;
	ASSERT_EQ(0, vmdev_irq_group_assert(self->grp, 0));
	ASSERT_EQ(0, vmdev_irq_group_clear(self->grp, 0));
	/* KVM holds the pin high until the EOI. */
	ASSERT_EQ(1, guest_takes(self, IRQ_WAIT_MS));
	EXPECT_TRUE(resampled(self));
	EXPECT_EQ(0, guest_takes(self, IRQ_QUIET_MS));
}

TEST_F(guest, masked_line_waits_for_unmask)
{
	if (_metadata->skip)
		return;
	ASSERT_EQ(0, vmdev_irq_group_assert(self->grp, 0));
	ASSERT_EQ(1, guest_takes(self, IRQ_WAIT_MS));
	ASSERT_EQ(0, vmdev_irq_group_mask(self->grp, 0));
	/* The EOI came before the mask: a re-fire may already be queued. */
	if (self->manual)
		EXPECT_EQ(1, vmdev_irq_manager_process(self->mgr));
	EXPECT_TRUE(guest_quiet(self));
	EXPECT_EQ(1, vmdev_irq_group_pending(self->grp, 0));
	ASSERT_EQ(0, vmdev_irq_group_unmask(self->grp, 0));
	EXPECT_EQ(1, guest_takes(self, IRQ_WAIT_MS));
}

TEST_HARNESS_MAIN
