// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * KVM's part of a snapshot: each vCPU's registers, FPU/AVX state, local
 * APIC, MSRs and pending events, and the VM's interrupt controllers, PIT
 * and kvmclock, each a section of KVM's own structure (snapfile.h).
 *
 * The order of the restore is KVM's: special registers before the local
 * APIC (the APIC base MSR rides in them), the APIC before the MSRs (the
 * TSC deadline is armed against the APIC's timer mode), events last. The
 * vCPUs are saved after they left KVM_RUN with immediate_exit set, which
 * completes an I/O exit's instruction first (run.c), so no half-done
 * access is in the state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "kvm_state.h"
#include "vmm.h"

#ifndef KVM_CAP_XSAVE2
#define KVM_CAP_XSAVE2		208
#endif
#ifndef KVM_GET_XSAVE2
#define KVM_GET_XSAVE2		_IOR(KVMIO, 0xcf, struct kvm_xsave)
#endif
#define MAX_MSRS		256
#define NR_IRQCHIPS		3	/* PIC master, PIC slave, IOAPIC */

/* get_fixed() and set_fixed()'s buffer holds the largest of them. */
_Static_assert(sizeof(struct kvm_lapic_state) >= sizeof(struct kvm_sregs) &&
	       sizeof(struct kvm_lapic_state) >= sizeof(struct kvm_xcrs) &&
	       sizeof(struct kvm_lapic_state) >= sizeof(struct kvm_regs),
	       "a state larger than the LAPIC's");

struct msr_list {
	struct kvm_msrs hdr;
	struct kvm_msr_entry e[MAX_MSRS];
};

static int fail(const char *what, unsigned int vcpu)
{
	int ret = -errno;

	vmm_err("vCPU %u: %s: %s", vcpu, what, strerror(errno));
	return ret;
}

/* The size of KVM's xsave area: 4 KiB, or more with AMX (XSAVE2). */
static size_t xsave_size(struct vmm *vmm)
{
	int n = ioctl(vmm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE2);

	return n > (int)sizeof(struct kvm_xsave) ? (size_t)n :
						   sizeof(struct kvm_xsave);
}

static int get_xsave(struct vmm *vmm, struct vmm_vcpu *v,
		     struct snap_writer *w)
{
	size_t size = xsave_size(vmm);
	void *x = calloc(1, size);
	int ret = 0;

	if (!x)
		return -ENOMEM;
	if (ioctl(v->fd, size > sizeof(struct kvm_xsave) ? KVM_GET_XSAVE2 :
							   KVM_GET_XSAVE, x))
		ret = fail("KVM_GET_XSAVE", v->index);
	else
		snap_write(w, SNAP_XSAVE, v->index, x, size);
	free(x);
	return ret;
}

/* Every MSR KVM saves for migration that this vCPU has. */
static int get_msrs(struct vmm *vmm, struct vmm_vcpu *v,
		    struct snap_writer *w)
{
	struct {
		struct kvm_msr_list hdr;
		uint32_t idx[MAX_MSRS];
	} list = { .hdr.nmsrs = MAX_MSRS };
	struct msr_list *m = calloc(1, sizeof(*m));
	uint32_t i, n = 0;

	if (!m)
		return -ENOMEM;
	if (ioctl(vmm->kvm_fd, KVM_GET_MSR_INDEX_LIST, &list)) {
		free(m);
		return fail("KVM_GET_MSR_INDEX_LIST", v->index);
	}
	/* One at a time: KVM stops a batch at the first MSR it lacks. */
	for (i = 0; i < list.hdr.nmsrs; i++) {
		struct {
			struct kvm_msrs hdr;
			struct kvm_msr_entry e;
		} one = { .hdr.nmsrs = 1, .e.index = list.idx[i] };

		if (ioctl(v->fd, KVM_GET_MSRS, &one) == 1)
			m->e[n++] = one.e;
	}
	m->hdr.nmsrs = n;
	snap_write(w, SNAP_MSRS, v->index, m,
		   sizeof(m->hdr) + n * sizeof(m->e[0]));
	free(m);
	return 0;
}

/* A fixed-size state: KVM_GET_x into a section. */
static int get_fixed(struct vmm_vcpu *v, struct snap_writer *w,
		     unsigned long req, uint32_t tag, size_t size,
		     const char *what)
{
	uint8_t buf[sizeof(struct kvm_lapic_state)] = { 0 };

	if (ioctl(v->fd, req, buf))
		return fail(what, v->index);
	snap_write(w, tag, v->index, buf, size);
	return 0;
}

/* Section tag of vCPU v, exactly size bytes, to KVM_SET_x. */
static int set_fixed(const struct snap_reader *r, struct vmm_vcpu *v,
		     unsigned long req, uint32_t tag, size_t size,
		     const char *what)
{
	uint8_t buf[sizeof(struct kvm_lapic_state)];

	if (snap_get(r, tag, v->index, buf, size)) {
		vmm_err("restore: vCPU %u: no %s state of KVM's size",
			v->index, what);
		return -EBADMSG;
	}
	return ioctl(v->fd, req, buf) ? fail(what, v->index) : 0;
}

static int set_xsave(struct vmm *vmm, const struct snap_reader *r,
		     struct vmm_vcpu *v)
{
	size_t size = xsave_size(vmm);
	uint64_t len;
	const void *x = snap_find(r, SNAP_XSAVE, v->index, &len);
	void *copy;
	int ret;

	if (!x || len != size) {
		vmm_err("restore: vCPU %u: no xsave state of KVM's size (%zu)",
			v->index, size);
		return -EBADMSG;
	}
	copy = malloc(size);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, x, size);
	ret = ioctl(v->fd, KVM_SET_XSAVE, copy) ?
	      fail("KVM_SET_XSAVE", v->index) : 0;
	free(copy);
	return ret;
}

static int set_msrs(const struct snap_reader *r, struct vmm_vcpu *v)
{
	struct msr_list *m = calloc(1, sizeof(*m));
	uint64_t len;
	const struct kvm_msrs *saved = snap_find(r, SNAP_MSRS, v->index, &len);
	int n, ret = -EBADMSG;

	if (!m)
		return -ENOMEM;
	if (!saved || len < sizeof(*saved) || saved->nmsrs > MAX_MSRS ||
	    len != sizeof(*saved) + saved->nmsrs * sizeof(m->e[0])) {
		vmm_err("restore: vCPU %u: a damaged MSR list", v->index);
		goto out;
	}
	memcpy(m, saved, len);
	n = ioctl(v->fd, KVM_SET_MSRS, m);
	if (n < 0) {
		ret = fail("KVM_SET_MSRS", v->index);
	} else if ((uint32_t)n != m->hdr.nmsrs) {
		vmm_err("restore: vCPU %u: KVM refused MSR %#x", v->index,
			m->e[n].index);
		ret = -EINVAL;
	} else {
		ret = 0;
	}
out:
	free(m);
	return ret;
}

/*
 * A vCPU's sections in the order of the restore (the file comment): the
 * fixed-size ones by their ioctls; xsave and the MSRs (size 0) by their
 * own functions.
 */
static const struct vcpu_part {
	uint32_t tag;
	size_t size;
	unsigned long get, set;
	const char *name;
} vcpu_parts[] = {
	{ SNAP_SREGS, sizeof(struct kvm_sregs), KVM_GET_SREGS, KVM_SET_SREGS,
	  "special registers" },
	{ SNAP_REGS, sizeof(struct kvm_regs), KVM_GET_REGS, KVM_SET_REGS,
	  "registers" },
	{ SNAP_XSAVE, 0, 0, 0, "xsave" },
	{ SNAP_XCRS, sizeof(struct kvm_xcrs), KVM_GET_XCRS, KVM_SET_XCRS,
	  "XCRs" },
	{ SNAP_LAPIC, sizeof(struct kvm_lapic_state), KVM_GET_LAPIC,
	  KVM_SET_LAPIC, "local APIC" },
	{ SNAP_MSRS, 0, 0, 0, "MSRs" },
	{ SNAP_MP_STATE, sizeof(struct kvm_mp_state), KVM_GET_MP_STATE,
	  KVM_SET_MP_STATE, "MP state" },
	{ SNAP_EVENTS, sizeof(struct kvm_vcpu_events), KVM_GET_VCPU_EVENTS,
	  KVM_SET_VCPU_EVENTS, "events" },
	{ SNAP_DEBUGREGS, sizeof(struct kvm_debugregs), KVM_GET_DEBUGREGS,
	  KVM_SET_DEBUGREGS, "debug registers" },
};

#define NR_VCPU_PARTS	(sizeof(vcpu_parts) / sizeof(vcpu_parts[0]))

int kvm_state_save_vcpu(struct vmm *vmm, struct vmm_vcpu *v,
			struct snap_writer *w)
{
	const struct vcpu_part *p;
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < NR_VCPU_PARTS; i++) {
		p = &vcpu_parts[i];
		if (p->tag == SNAP_XSAVE)
			ret = get_xsave(vmm, v, w);
		else if (p->tag == SNAP_MSRS)
			ret = get_msrs(vmm, v, w);
		else
			ret = get_fixed(v, w, p->get, p->tag, p->size,
					p->name);
	}
	return ret;
}

int kvm_state_restore_vcpu(struct vmm *vmm, const struct snap_reader *r,
			   struct vmm_vcpu *v)
{
	const struct vcpu_part *p;
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < NR_VCPU_PARTS; i++) {
		p = &vcpu_parts[i];
		if (p->tag == SNAP_XSAVE)
			ret = set_xsave(vmm, r, v);
		else if (p->tag == SNAP_MSRS)
			ret = set_msrs(r, v);
		else
			ret = set_fixed(r, v, p->set, p->tag, p->size,
					p->name);
	}
	return ret;
}

static int vm_fail(const char *what)
{
	int ret = -errno;

	vmm_err("snapshot: %s: %s", what, strerror(errno));
	return ret;
}

int kvm_state_save_vm(struct vmm *vmm, struct snap_writer *w)
{
	struct kvm_clock_data clock = { 0 };
	struct kvm_pit_state2 pit = { 0 };
	struct kvm_irqchip chip;
	uint32_t i;

	for (i = 0; i < NR_IRQCHIPS; i++) {
		memset(&chip, 0, sizeof(chip));
		chip.chip_id = i;
		if (ioctl(vmm->vm_fd, KVM_GET_IRQCHIP, &chip))
			return vm_fail("KVM_GET_IRQCHIP");
		snap_write(w, SNAP_IRQCHIP, i, &chip, sizeof(chip));
	}
	if (ioctl(vmm->vm_fd, KVM_GET_PIT2, &pit))
		return vm_fail("KVM_GET_PIT2");
	snap_write(w, SNAP_PIT, 0, &pit, sizeof(pit));
	if (ioctl(vmm->vm_fd, KVM_GET_CLOCK, &clock))
		return vm_fail("KVM_GET_CLOCK");
	snap_write(w, SNAP_CLOCK, 0, &clock, sizeof(clock));
	return 0;
}

int kvm_state_restore_vm(struct vmm *vmm, const struct snap_reader *r)
{
	struct kvm_clock_data clock;
	struct kvm_pit_state2 pit;
	struct kvm_irqchip chip;
	uint32_t i;

	for (i = 0; i < NR_IRQCHIPS; i++) {
		if (snap_get(r, SNAP_IRQCHIP, i, &chip, sizeof(chip)) ||
		    chip.chip_id != i) {
			vmm_err("restore: no interrupt controller %u", i);
			return -EBADMSG;
		}
		if (ioctl(vmm->vm_fd, KVM_SET_IRQCHIP, &chip))
			return vm_fail("KVM_SET_IRQCHIP");
	}
	if (snap_get(r, SNAP_PIT, 0, &pit, sizeof(pit)) ||
	    snap_get(r, SNAP_CLOCK, 0, &clock, sizeof(clock))) {
		vmm_err("restore: no PIT or clock state");
		return -EBADMSG;
	}
	if (ioctl(vmm->vm_fd, KVM_SET_PIT2, &pit))
		return vm_fail("KVM_SET_PIT2");
	/* The guest's clock goes on from the snapshot's instant. */
	clock.flags = 0;
	clock.pad0 = 0;
	memset(clock.pad, 0, sizeof(clock.pad));
	if (ioctl(vmm->vm_fd, KVM_SET_CLOCK, &clock))
		return vm_fail("KVM_SET_CLOCK");
	return 0;
}
