// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU's entry state. The guests start in protected or long mode
 * straight from KVM_SET_SREGS: the segment registers are loaded from the
 * kvm_segment values, but the same descriptors must also be in a GDT in
 * guest memory, because an interrupt or iret reloads CS from it. Both
 * come from one table here, so they cannot disagree.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "minivm_cpu.h"

#define CR0_PE		(1ULL << 0)
#define CR0_ET		(1ULL << 4)
#define CR0_NE		(1ULL << 5)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)

#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_PS		(1ULL << 7)	/* in a PD entry: 2 MiB page */
#define PT_ENTRIES	512
#define PAGE_2M		(1ULL << 21)

#define SEG_CODE	0xb		/* execute/read, accessed */
#define SEG_DATA	0x3		/* read/write, accessed */

/* Flat 4 GiB segments, indexed by selector / 8. */
static const struct kvm_segment gdt_segs[] = {
	[GUEST_SEL_CODE32 / 8] = {
		.limit = 0xffffffff, .selector = GUEST_SEL_CODE32,
		.type = SEG_CODE, .present = 1, .db = 1, .s = 1, .g = 1,
	},
	[GUEST_SEL_DATA / 8] = {
		.limit = 0xffffffff, .selector = GUEST_SEL_DATA,
		.type = SEG_DATA, .present = 1, .db = 1, .s = 1, .g = 1,
	},
	[GUEST_SEL_CODE64 / 8] = {
		.limit = 0xffffffff, .selector = GUEST_SEL_CODE64,
		.type = SEG_CODE, .present = 1, .l = 1, .s = 1, .g = 1,
	},
};

#define GDT_ENTRIES	(sizeof(gdt_segs) / sizeof(gdt_segs[0]))

int minivm_cpu_set_cpuid(struct minivm *vm, int vcpu_fd)
{
	struct kvm_cpuid2 *cpuid;
	unsigned int nent;
	int ret;

	/* KVM says E2BIG until the array is large enough. */
	for (nent = 64; nent <= 4096; nent *= 2) {
		cpuid = calloc(1, sizeof(*cpuid) +
			       nent * sizeof(cpuid->entries[0]));
		if (!cpuid)
			return -ENOMEM;
		cpuid->nent = nent;
		ret = ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid);
		if (!ret)
			ret = ioctl(vcpu_fd, KVM_SET_CPUID2, cpuid);
		ret = ret ? -errno : 0;
		free(cpuid);
		if (ret != -E2BIG)
			return ret;
	}
	return -E2BIG;
}

/* The descriptor a kvm_segment stands for (base 0 and 4 GiB, flat). */
static uint64_t gdt_entry(const struct kvm_segment *s)
{
	uint64_t limit = s->g ? s->limit >> 12 : s->limit;
	uint64_t d;

	if (!s->present)
		return 0;
	d = (limit & 0xffff) | ((limit >> 16) & 0xf) << 48;
	d |= (uint64_t)(s->base & 0xffffff) << 16;
	d |= (uint64_t)(s->base >> 24) << 56;
	d |= (uint64_t)s->type << 40 | (uint64_t)s->s << 44;
	d |= (uint64_t)s->dpl << 45 | (uint64_t)s->present << 47;
	d |= (uint64_t)s->avl << 52 | (uint64_t)s->l << 53;
	d |= (uint64_t)s->db << 54 | (uint64_t)s->g << 55;
	return d;
}

static void write_gdt(struct minivm *vm, struct kvm_sregs *sregs)
{
	uint64_t *gdt = minivm_gpa(vm, GUEST_GDT_ADDR,
				   GDT_ENTRIES * sizeof(*gdt));
	size_t i;

	for (i = 0; i < GDT_ENTRIES; i++)
		gdt[i] = gdt_entry(&gdt_segs[i]);
	sregs->gdt.base = GUEST_GDT_ADDR;
	sregs->gdt.limit = GDT_ENTRIES * sizeof(*gdt) - 1;
}

/* PML4 -> one PDPT -> four PDs of 2 MiB pages: 4 GiB identity map. */
static void write_page_tables(struct minivm *vm, struct kvm_sregs *sregs)
{
	uint64_t *pt = minivm_gpa(vm, GUEST_PT_ADDR, GUEST_PT_SIZE);
	uint64_t *pml4 = pt, *pdpt = pt + PT_ENTRIES, *pd = pdpt + PT_ENTRIES;
	uint64_t pdpt_gpa = GUEST_PT_ADDR + PT_ENTRIES * sizeof(*pt);
	uint64_t pd_gpa = pdpt_gpa + PT_ENTRIES * sizeof(*pt);
	uint64_t i, nr_pd = GUEST_PT_MAPPED / PAGE_2M / PT_ENTRIES;

	_Static_assert(GUEST_PT_SIZE == (2 + GUEST_PT_MAPPED / PAGE_2M /
					 PT_ENTRIES) * PT_ENTRIES * 8,
		       "page table area fits the map");
	memset(pt, 0, GUEST_PT_SIZE);
	pml4[0] = pdpt_gpa | PTE_P | PTE_RW;
	for (i = 0; i < nr_pd; i++)
		pdpt[i] = (pd_gpa + i * PT_ENTRIES * sizeof(*pt)) |
			  PTE_P | PTE_RW;
	for (i = 0; i < nr_pd * PT_ENTRIES; i++)
		pd[i] = i * PAGE_2M | PTE_P | PTE_RW | PTE_PS;
	sregs->cr3 = GUEST_PT_ADDR;
	sregs->cr4 |= CR4_PAE;
	sregs->cr0 |= CR0_PG;
	sregs->efer |= EFER_LME | EFER_LMA;
}

static void set_segments(struct kvm_sregs *sregs, uint16_t code_sel)
{
	const struct kvm_segment *data = &gdt_segs[GUEST_SEL_DATA / 8];

	sregs->cs = gdt_segs[code_sel / 8];
	sregs->ds = *data;
	sregs->es = *data;
	sregs->fs = *data;
	sregs->gs = *data;
	sregs->ss = *data;
}

/*
 * With the in-kernel irqchip, KVM leaves every vCPU but the first waiting
 * for INIT and a startup IPI (KVM_MP_STATE_UNINITIALIZED), as an
 * application processor is; the test guests have no boot code to send
 * them, so they start runnable, at the same entry as vCPU 0.
 */
static int make_runnable(int vcpu_fd)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };

	return ioctl(vcpu_fd, KVM_SET_MP_STATE, &mp) ? -errno : 0;
}

int minivm_cpu_enter(struct minivm *vm, unsigned int index,
		     enum minivm_mode mode)
{
	struct kvm_regs regs = {
		.rip = GUEST_LOAD_ADDR,
		.rsp = GUEST_STACK_TOP - (uint64_t)index * GUEST_VCPU_STACK,
		.rdi = index,
		.rflags = 0x2,		/* the always-one bit; IF clear */
	};
	int fd = vm->vcpus[index].fd, ret;
	struct kvm_sregs sregs;

	if (mode != MINIVM_PROT32 && mode != MINIVM_LONG64)
		return -EINVAL;
	if (index && vm->irqchip) {
		ret = make_runnable(fd);
		if (ret)
			return ret;
	}
	/* Keep what KVM reset (TR, LDT, APIC base); replace the rest. */
	if (ioctl(fd, KVM_GET_SREGS, &sregs))
		return -errno;
	write_gdt(vm, &sregs);
	sregs.idt.base = 0;
	sregs.idt.limit = 0;
	sregs.cr0 = CR0_PE | CR0_ET | CR0_NE;
	sregs.cr3 = 0;
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (mode == MINIVM_LONG64) {
		write_page_tables(vm, &sregs);
		set_segments(&sregs, GUEST_SEL_CODE64);
	} else {
		set_segments(&sregs, GUEST_SEL_CODE32);
	}
	if (ioctl(fd, KVM_SET_SREGS, &sregs))
		return -errno;
	if (ioctl(fd, KVM_SET_REGS, &regs))
		return -errno;
	return 0;
}
