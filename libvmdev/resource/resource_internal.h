/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Value checks and conversions on resources, shared by sets and allocators. */
#ifndef VMDEV_RESOURCE_INTERNAL_H
#define VMDEV_RESOURCE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <vmdev/resource.h>

#define VMDEV_PIO_LAST	0xFFFFULL	/* last port of the PIO space */
#define VMDEV_MAC_LEN	6

/*
 * Last byte of [base, base + size): false for an empty range or one
 * that passes 2^64 - 1.
 */
static inline bool vmdev_range_last(uint64_t base, uint64_t size,
				    uint64_t *last)
{
	if (!size || size - 1 > UINT64_MAX - base)
		return false;
	*last = base + size - 1;
	return true;
}

/* A device MAC: unicast (group bit of octet 0 clear) and not all zero. */
static inline bool vmdev_mac_valid(const uint8_t *mac)
{
	static const uint8_t zero[VMDEV_MAC_LEN];

	return !(mac[0] & 1) && memcmp(mac, zero, sizeof(zero));
}

/* A MAC as a 48-bit number, octet 0 most significant, and back. */
static inline uint64_t vmdev_mac_to_u64(const uint8_t *mac)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < VMDEV_MAC_LEN; i++)
		v = v << 8 | mac[i];
	return v;
}

static inline void vmdev_u64_to_mac(uint64_t v, uint8_t *mac)
{
	int i;

	for (i = VMDEV_MAC_LEN - 1; i >= 0; i--, v >>= 8)
		mac[i] = v & 0xff;
}

/* A set's resources as the array they are stored in (resource.c). */
const struct vmdev_resource *
vmdev_resources_array(const struct vmdev_resources *res);

/* Kinds a device holds at most one of, so their getters are unambiguous. */
static inline bool vmdev_res_single_kind(uint32_t type)
{
	switch (type) {
	case VMDEV_RES_LEGACY_IRQ:
	case VMDEV_RES_GENERIC_MSI:
	case VMDEV_RES_PCI_MSI:
	case VMDEV_RES_PCI_MSIX:
	case VMDEV_RES_MAC:
		return true;
	default:
		return false;
	}
}

#endif /* VMDEV_RESOURCE_INTERNAL_H */
