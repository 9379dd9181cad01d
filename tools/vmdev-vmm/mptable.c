// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The Intel MultiProcessor Specification 1.4 table: without ACPI it is
 * how Linux learns the CPUs (for SMP), the IOAPIC and how the ISA
 * interrupts reach it. Placed at the start of the EBDA, where Linux's
 * smp_scan_config() looks first. KVM's default GSI routing sends ISA IRQ
 * n to IOAPIC pin n (the PIT on 0 included), and the table says so; the
 * 8259 is on LINT0 of every local APIC (ExtINT), NMI on LINT1.
 */
#include <errno.h>
#include <string.h>

#include "devmgr.h"
#include "vmm.h"
#include "layout.h"

#define MPC_SPEC		4		/* 1.4 */
#define APIC_VERSION		0x14
#define IOAPIC_VERSION		0x11
#define IOAPIC_ADDR		0xfec00000U
#define LAPIC_ADDR		0xfee00000U
#define ISA_IRQS		16

enum { MP_PROCESSOR, MP_BUS, MP_IOAPIC, MP_INTSRC, MP_LINTSRC };
/* An interrupt source's irqflag: polarity (bits 0-1), trigger (2-3). */
#define MP_IRQ_DEFAULT		0x0	/* the bus's: edge, high for ISA */
#define MP_IRQPOL_ACTIVE_HIGH	0x1
#define MP_IRQTRIG_LEVEL	0xc
enum { MP_INT = 0, MP_NMI = 1, MP_EXTINT = 3 };
#define CPU_ENABLED		1
#define CPU_BOOTPROCESSOR	2

struct mpf_intel {		/* the floating pointer */
	char signature[4];	/* "_MP_" */
	uint32_t physptr;
	uint8_t length;		/* in 16 bytes */
	uint8_t specification;
	uint8_t checksum;
	uint8_t feature[5];
} __attribute__((packed));

struct mpc_table {
	char signature[4];	/* "PCMP" */
	uint16_t length;
	uint8_t spec;
	uint8_t checksum;
	char oem[8];
	char productid[12];
	uint32_t oemptr;
	uint16_t oemsize;
	uint16_t oemcount;	/* entries */
	uint32_t lapic;
	uint32_t reserved;
} __attribute__((packed));

struct mpc_cpu {
	uint8_t type, apicid, apicver, cpuflag;
	uint32_t cpufeature, featureflag;
	uint32_t reserved[2];
} __attribute__((packed));

struct mpc_bus {
	uint8_t type, busid;
	char bustype[6];
} __attribute__((packed));

struct mpc_ioapic {
	uint8_t type, apicid, apicver, flags;
	uint32_t apicaddr;
} __attribute__((packed));

struct mpc_intsrc {		/* also a local interrupt source */
	uint8_t type, irqtype;
	uint16_t irqflag;
	uint8_t srcbus, srcbusirq, dstapic, dstirq;
} __attribute__((packed));

static uint8_t checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return -sum;
}

/*
 * The flags of ISA IRQ irq's entry: the bus's default (edge, active high)
 * for the legacy devices; level, active high for the lines of the MMIO
 * device manager's virtio devices, whose interrupt status stays set until
 * the driver acks it (as their ACPI description says). Declared edge, a
 * threaded handler (PREEMPT_RT) acks the IOAPIC before it reads the
 * status, KVM's resample sees the status still set and raises the line
 * again at once: an interrupt storm until Linux disables the IRQ.
 */
static uint16_t irq_flags(const struct vmm *vmm, unsigned int irq)
{
	size_t i, n = vmm->devmgr ? devmgr_count(vmm->devmgr) : 0;

	for (i = 0; i < n; i++)
		if (devmgr_dev_irq(devmgr_get(vmm->devmgr, i)) == irq)
			return MP_IRQPOL_ACTIVE_HIGH | MP_IRQTRIG_LEVEL;
	return MP_IRQ_DEFAULT;
}

/* Append one entry of len bytes at *pos; counts it. */
static void put(uint8_t **pos, const void *e, size_t len, uint16_t *count)
{
	memcpy(*pos, e, len);
	*pos += len;
	(*count)++;
}

int vmm_mptable_write(struct vmm *vmm)
{
	uint8_t *base = vmm_gpa(vmm, LAYOUT_MPTABLE, LAYOUT_MPTABLE_MAX);
	struct mpf_intel *mpf = (void *)base;
	struct mpc_table *mpc = (void *)(base + sizeof(*mpf));
	uint8_t *pos = (uint8_t *)(mpc + 1);
	uint8_t ioapic_id = vmm->args.vcpus;
	uint16_t count = 0;
	unsigned int i;
	const struct mpc_bus bus = { .type = MP_BUS, .bustype = "ISA   " };
	const struct mpc_ioapic ioapic = {
		.type = MP_IOAPIC, .apicid = ioapic_id,
		.apicver = IOAPIC_VERSION, .flags = 1, .apicaddr = IOAPIC_ADDR,
	};
	/* The 8259 on LINT0, NMI on LINT1, of every local APIC (0xff). */
	const struct mpc_intsrc extint = {
		.type = MP_LINTSRC, .irqtype = MP_EXTINT, .dstapic = 0xff,
		.dstirq = 0,
	};
	const struct mpc_intsrc nmi = {
		.type = MP_LINTSRC, .irqtype = MP_NMI, .dstapic = 0xff,
		.dstirq = 1,
	};

	memset(base, 0, LAYOUT_MPTABLE_MAX);
	for (i = 0; i < vmm->args.vcpus; i++) {
		struct mpc_cpu c = {
			.type = MP_PROCESSOR, .apicid = i,
			.apicver = APIC_VERSION,
			.cpuflag = CPU_ENABLED | (i ? 0 : CPU_BOOTPROCESSOR),
			.cpufeature = 0x600, .featureflag = 0x201,
		};
		put(&pos, &c, sizeof(c), &count);
	}
	put(&pos, &bus, sizeof(bus), &count);
	put(&pos, &ioapic, sizeof(ioapic), &count);
	for (i = 0; i < ISA_IRQS; i++) {
		struct mpc_intsrc irq = {
			.type = MP_INTSRC, .irqtype = MP_INT,
			.irqflag = irq_flags(vmm, i), .srcbusirq = i,
			.dstapic = ioapic_id, .dstirq = i,
		};

		put(&pos, &irq, sizeof(irq), &count);
	}
	put(&pos, &extint, sizeof(extint), &count);
	put(&pos, &nmi, sizeof(nmi), &count);

	memcpy(mpc->signature, "PCMP", 4);
	mpc->oemcount = count;
	mpc->length = pos - (uint8_t *)mpc;
	mpc->spec = MPC_SPEC;
	memcpy(mpc->oem, "VMDEV   ", 8);
	memcpy(mpc->productid, "VMDEV-VMM   ", 12);
	mpc->lapic = LAPIC_ADDR;
	mpc->checksum = checksum(mpc, mpc->length);

	memcpy(mpf->signature, "_MP_", 4);
	mpf->physptr = LAYOUT_MPTABLE + sizeof(*mpf);
	mpf->length = 1;
	mpf->specification = MPC_SPEC;
	mpf->checksum = checksum(mpf, sizeof(*mpf));
	return 0;
}
