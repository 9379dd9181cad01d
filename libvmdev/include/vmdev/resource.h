/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Resources a device uses (address ranges, interrupts, memory slots, MAC
 * address), the set of them a device holds, and the typed getters.
 */
#ifndef VMDEV_RESOURCE_H
#define VMDEV_RESOURCE_H

#include <sys/types.h>
#include <vmdev/common.h>

#ifdef __cplusplus
extern "C" {
#endif

enum vmdev_resource_type {
	VMDEV_RES_PIO = 1,	/* range: port I/O, base + size <= 0x10000 */
	VMDEV_RES_MMIO,		/* range: MMIO */
	VMDEV_RES_MEM,		/* range: guest memory */
	VMDEV_RES_LEGACY_IRQ,	/* irq */
	VMDEV_RES_GENERIC_MSI,	/* msi: base + count */
	VMDEV_RES_PCI_MSI,	/* msi */
	VMDEV_RES_PCI_MSIX,	/* msi */
	VMDEV_RES_KVM_SLOT,	/* slot */
	VMDEV_RES_MAC,		/* mac */
};

/* One resource: a value, freely copied. */
struct vmdev_resource {
	uint32_t type;		/* enum vmdev_resource_type */
	uint32_t pad;
	union {
		struct {
			uint64_t base;
			uint64_t size;
		} range;
		uint32_t irq;
		struct {
			uint32_t base;
			uint32_t count;
		} msi;
		uint32_t slot;
		uint8_t mac[6];
	};
};

/* A device's set of resources, in the order appended. */
struct vmdev_resources;

VMDEV_API int vmdev_resources_new(struct vmdev_resources **out);
VMDEV_API void vmdev_resources_free(struct vmdev_resources *res);
/*
 * Copy *r to the end of the set. -EINVAL for a NULL argument, an unknown
 * type, a non-zero pad, a zero-size or wrapping range (the last byte must
 * not pass 2^64 - 1), a PIO range past 0xFFFF, an MSI block of count 0 or
 * one that wraps, a multicast or all-zero MAC; -EEXIST for a second legacy
 * IRQ, MSI block of the same kind, or MAC; -ENOMEM.
 */
VMDEV_API int vmdev_resources_append(struct vmdev_resources *res,
				     const struct vmdev_resource *r);
VMDEV_API size_t vmdev_resources_count(const struct vmdev_resources *res);
/* NULL past the end. */
VMDEV_API const struct vmdev_resource *
vmdev_resources_get(const struct vmdev_resources *res, size_t i);

/*
 * Typed getters. Documentation/resources.rst has the details.
 *
 * A set holds at most one legacy IRQ, one resource of each MSI kind and
 * one MAC address (append fails with -EEXIST on a second one); it may hold
 * any number of ranges and memory slots.
 *
 * The getters that fill an array copy at most max entries, in the order
 * appended, and return how many the set holds (call with max 0 to size
 * the array). They return -EINVAL for a NULL set, a NULL array with max
 * > 0, or a type of the wrong kind; the single-value getters return
 * -ENOENT when the set has none.
 */
struct vmdev_range_res {
	uint64_t base;
	uint64_t size;
};

/* type: VMDEV_RES_PIO, VMDEV_RES_MMIO or VMDEV_RES_MEM. */
VMDEV_API ssize_t
vmdev_resources_get_ranges(const struct vmdev_resources *res,
			   enum vmdev_resource_type type,
			   struct vmdev_range_res *out, size_t max);
VMDEV_API ssize_t vmdev_resources_get_slots(const struct vmdev_resources *res,
					    uint32_t *out, size_t max);
VMDEV_API int vmdev_resources_get_legacy_irq(const struct vmdev_resources *res,
					     uint32_t *irq);
/* type: VMDEV_RES_GENERIC_MSI, VMDEV_RES_PCI_MSI or VMDEV_RES_PCI_MSIX. */
VMDEV_API int vmdev_resources_get_msi(const struct vmdev_resources *res,
				      enum vmdev_resource_type type,
				      uint32_t *base, uint32_t *count);
VMDEV_API int vmdev_resources_get_mac(const struct vmdev_resources *res,
				      uint8_t mac[6]);

#ifdef __cplusplus
}
#endif
#endif /* VMDEV_RESOURCE_H */
