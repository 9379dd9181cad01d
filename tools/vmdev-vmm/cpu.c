// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The entry state of a vCPU. Every vCPU gets the CPUID KVM supports,
 * with its own APIC ID, and local APIC lines wired as on a PC (LINT0:
 * the 8259's ExtINT, LINT1: NMI). vCPU 0 alone starts in the kernel:
 * long mode, a GDT with the boot protocol's __BOOT_CS and __BOOT_DS,
 * page tables identity-mapping the first 4 GiB, %rsi = boot_params. The
 * others are application processors: KVM keeps them waiting for the
 * INIT and startup IPIs Linux sends them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "vmm.h"
#include "layout.h"

#define CR0_PE		(1ULL << 0)
#define CR0_ET		(1ULL << 4)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)
#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_PS		(1ULL << 7)
#define PAGE_2M		(1ULL << 21)
#define PT_ENTRIES	512

#define CPUID_1_ECX_HYPERVISOR	(1U << 31)

#define APIC_LVT0	0x350
#define APIC_LVT1	0x360
#define APIC_MODE_NMI	0x4
#define APIC_MODE_EXTINT 0x7

/* Flat 64-bit code and data segments at the boot protocol's selectors. */
static const struct kvm_segment code64 = {
	.limit = 0xffffffff, .selector = BOOT_CS, .type = 0xb,
	.present = 1, .s = 1, .l = 1, .g = 1,
};

static const struct kvm_segment data = {
	.limit = 0xffffffff, .selector = BOOT_DS, .type = 0x3,
	.present = 1, .s = 1, .db = 1, .g = 1,
};

static uint64_t gdt_entry(const struct kvm_segment *s)
{
	uint64_t lim = s->limit >> 12;

	return (lim & 0xffff) | ((lim >> 16) & 0xf) << 48 |
	       (uint64_t)s->type << 40 | (uint64_t)s->s << 44 |
	       (uint64_t)s->present << 47 | (uint64_t)s->l << 53 |
	       (uint64_t)s->db << 54 | (uint64_t)s->g << 55;
}

static int set_cpuid(struct vmm *vmm, struct vmm_vcpu *v)
{
	struct kvm_cpuid2 *cpuid;
	unsigned int nent, i;
	int ret;

	/* KVM answers E2BIG until the array is large enough. */
	for (nent = 64; nent <= 4096; nent *= 2) {
		cpuid = calloc(1, sizeof(*cpuid) + nent * sizeof(cpuid->entries[0]));
		if (!cpuid)
			return -ENOMEM;
		cpuid->nent = nent;
		ret = ioctl(vmm->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) ? -errno : 0;
		if (!ret)
			break;
		free(cpuid);
		if (ret != -E2BIG)
			return ret;
	}
	if (ret)
		return ret;
	for (i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		/*
		 * Initial APIC ID and logical processor count; and the
		 * hypervisor bit, which KVM leaves to the VMM: without it
		 * Linux looks for no hypervisor, so no kvm-clock, and
		 * calibrates its TSC and timers against the PIT.
		 */
		if (e->function == 1) {
			e->ebx &= 0x0000ffff;
			e->ebx |= v->index << 24 | vmm->args.vcpus << 16;
			e->ecx |= CPUID_1_ECX_HYPERVISOR;
		}
		/* x2APIC ID of the topology leaves. */
		if (e->function == 0xb || e->function == 0x1f)
			e->edx = v->index;
	}
	ret = ioctl(v->fd, KVM_SET_CPUID2, cpuid) ? -errno : 0;
	free(cpuid);
	return ret;
}

static void set_lvt(struct kvm_lapic_state *l, int reg, uint32_t mode)
{
	uint32_t *p = (uint32_t *)(l->regs + reg);

	*p = (*p & ~0x700U) | mode << 8;
}

static int set_lint(struct vmm_vcpu *v)
{
	struct kvm_lapic_state lapic;

	if (ioctl(v->fd, KVM_GET_LAPIC, &lapic))
		return -errno;
	set_lvt(&lapic, APIC_LVT0, APIC_MODE_EXTINT);
	set_lvt(&lapic, APIC_LVT1, APIC_MODE_NMI);
	return ioctl(v->fd, KVM_SET_LAPIC, &lapic) ? -errno : 0;
}

/* PML4 -> PDPT -> 4 PDs of 2 MiB pages: the first 4 GiB, identity. */
static void write_page_tables(struct vmm *vmm)
{
	uint64_t *pml4 = vmm_gpa(vmm, LAYOUT_PML4, 4096);
	uint64_t *pdpt = vmm_gpa(vmm, LAYOUT_PDPT, 4096);
	uint64_t *pd = vmm_gpa(vmm, LAYOUT_PD, 4 * 4096);
	uint64_t i;

	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	pml4[0] = LAYOUT_PDPT | PTE_P | PTE_RW;
	for (i = 0; i < LAYOUT_PT_MAPPED / PAGE_2M / PT_ENTRIES; i++)
		pdpt[i] = (LAYOUT_PD + i * 4096) | PTE_P | PTE_RW;
	for (i = 0; i < LAYOUT_PT_MAPPED / PAGE_2M; i++)
		pd[i] = i * PAGE_2M | PTE_P | PTE_RW | PTE_PS;
}

static int set_boot_sregs(struct vmm *vmm, struct vmm_vcpu *v)
{
	uint64_t *gdt = vmm_gpa(vmm, LAYOUT_GDT, 4 * sizeof(*gdt));
	struct kvm_sregs s;

	if (ioctl(v->fd, KVM_GET_SREGS, &s))
		return -errno;
	gdt[0] = gdt[1] = 0;
	gdt[BOOT_CS / 8] = gdt_entry(&code64);
	gdt[BOOT_DS / 8] = gdt_entry(&data);
	s.gdt.base = LAYOUT_GDT;
	s.gdt.limit = 4 * sizeof(*gdt) - 1;
	s.idt.base = 0;
	s.idt.limit = 0;
	s.cs = code64;
	s.ds = s.es = s.fs = s.gs = s.ss = data;
	write_page_tables(vmm);
	s.cr3 = LAYOUT_PML4;
	s.cr4 |= CR4_PAE;
	s.cr0 |= CR0_PE | CR0_ET | CR0_PG;
	s.efer |= EFER_LME | EFER_LMA;
	return ioctl(v->fd, KVM_SET_SREGS, &s) ? -errno : 0;
}

static int set_boot_regs(struct vmm *vmm, struct vmm_vcpu *v)
{
	struct kvm_regs r = {
		.rip = vmm->entry, .rsi = vmm->zero_page, .rflags = 2,
	};
	struct kvm_fpu fpu = { .fcw = 0x37f, .mxcsr = 0x1f80 };

	if (ioctl(v->fd, KVM_SET_FPU, &fpu))
		return -errno;
	return ioctl(v->fd, KVM_SET_REGS, &r) ? -errno : 0;
}

int vmm_vcpu_setup(struct vmm *vmm, struct vmm_vcpu *v)
{
	int ret = set_cpuid(vmm, v);

	if (ret) {
		vmm_err("vCPU %u: CPUID: %s", v->index, strerror(-ret));
		return ret;
	}
	ret = set_lint(v);
	if (!ret && v->index == 0)
		ret = set_boot_sregs(vmm, v);
	if (!ret && v->index == 0)
		ret = set_boot_regs(vmm, v);
	if (ret)
		vmm_err("vCPU %u: entry state: %s", v->index, strerror(-ret));
	return ret;
}
