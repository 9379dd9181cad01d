/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Resources a device uses (address ranges, interrupts, memory slots, MAC
 * address), the set of them a device holds, and the typed getters.
 */
#ifndef VMDEV_RESOURCE_H
#define VMDEV_RESOURCE_H

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
/* -EINVAL for an unknown type, a zero-size or wrapping range, ... */
VMDEV_API int vmdev_resources_append(struct vmdev_resources *res,
				     const struct vmdev_resource *r);
VMDEV_API size_t vmdev_resources_count(const struct vmdev_resources *res);
/* NULL past the end. */
VMDEV_API const struct vmdev_resource *
vmdev_resources_get(const struct vmdev_resources *res, size_t i);

#ifdef __cplusplus
}
#endif
#endif /* VMDEV_RESOURCE_H */
