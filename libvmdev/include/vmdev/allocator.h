/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Resource constraints, address and ID allocators, and the resource
 * manager that turns a device's list of constraints into a resource set.
 * Documentation/resources.rst describes every call and every error.
 */
#ifndef VMDEV_ALLOCATOR_H
#define VMDEV_ALLOCATOR_H

#include <vmdev/common.h>
#include <vmdev/resource.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where in the allowed window an allocation goes. */
enum vmdev_alloc_policy {
	VMDEV_ALLOC_FIRST_MATCH = 0,	/* lowest fitting address / ID */
	VMDEV_ALLOC_LAST_MATCH,		/* highest fitting address / ID */
	VMDEV_ALLOC_EXACT,		/* exactly the one asked for */
};

/* A request for an address range. Zero-filled fields mean "any". */
struct vmdev_addr_req {
	uint64_t size;		/* bytes, > 0 */
	uint64_t align;		/* of the start: a power of two; 0 means 1 */
	uint64_t min;		/* lowest start allowed */
	uint64_t max;		/* highest last byte allowed; 0: no limit */
	uint64_t addr;		/* VMDEV_ALLOC_EXACT: the start */
	uint32_t policy;	/* enum vmdev_alloc_policy */
	uint32_t pad;		/* must be zero */
};

/* A request for a block of consecutive IDs (IRQ lines, GSIs, slots). */
struct vmdev_id_req {
	uint32_t policy;	/* enum vmdev_alloc_policy */
	uint32_t id;		/* VMDEV_ALLOC_EXACT: the first ID */
	uint32_t count;		/* IDs in the block; 0 means 1 */
	uint32_t pad;		/* must be zero */
};

/* A request for a MAC address from the manager's prefix. */
struct vmdev_mac_req {
	uint32_t policy;	/* enum vmdev_alloc_policy */
	uint8_t addr[6];	/* VMDEV_ALLOC_EXACT: the address */
	uint16_t pad;		/* must be zero */
};

/*
 * One resource a device needs. type is the vmdev_resource_type the
 * manager hands back for it, and selects the member of the union:
 * range for PIO, MMIO and MEM; id for LEGACY_IRQ, GENERIC_MSI, PCI_MSI,
 * PCI_MSIX and KVM_SLOT (count must be 0 or 1 but for MSI kinds); mac
 * for MAC. A list may hold one constraint of each single kind (legacy
 * IRQ, each MSI kind, MAC) and any number of the others.
 */
struct vmdev_constraint {
	uint32_t type;		/* enum vmdev_resource_type */
	uint32_t pad;		/* must be zero */
	union {
		struct vmdev_addr_req range;
		struct vmdev_id_req id;
		struct vmdev_mac_req mac;
	};
};

/*
 * Address allocator over [base, base + size - 1]. alloc writes the start
 * of the range to *addr; release takes back exactly one earlier
 * allocation. O(log n) in the number of free runs and allocations.
 * Not thread-safe: the caller serialises calls on one allocator.
 */
struct vmdev_addr_allocator;

VMDEV_API int vmdev_addr_allocator_new(uint64_t base, uint64_t size,
				       struct vmdev_addr_allocator **out);
VMDEV_API void vmdev_addr_allocator_free(struct vmdev_addr_allocator *a);
VMDEV_API int vmdev_addr_allocator_alloc(struct vmdev_addr_allocator *a,
					 const struct vmdev_addr_req *req,
					 uint64_t *addr);
VMDEV_API int vmdev_addr_allocator_release(struct vmdev_addr_allocator *a,
					   uint64_t addr, uint64_t size);

/*
 * ID allocator over [first, last]. alloc writes the first ID of a block
 * of req->count consecutive IDs to *id; release takes back exactly one
 * earlier block. Same cost and threading rules as the address allocator.
 */
struct vmdev_id_allocator;

VMDEV_API int vmdev_id_allocator_new(uint32_t first, uint32_t last,
				     struct vmdev_id_allocator **out);
VMDEV_API void vmdev_id_allocator_free(struct vmdev_id_allocator *a);
VMDEV_API int vmdev_id_allocator_alloc(struct vmdev_id_allocator *a,
				       const struct vmdev_id_req *req,
				       uint32_t *id);
VMDEV_API int vmdev_id_allocator_release(struct vmdev_id_allocator *a,
					 uint32_t id, uint32_t count);

/* An address window; size 0 means "none". */
struct vmdev_addr_window {
	uint64_t base;
	uint64_t size;
};

/* An ID window; count 0 means "none". */
struct vmdev_id_window {
	uint32_t base;
	uint32_t count;
};

struct vmdev_resource_manager_opts {
	size_t sz;
	/* Port space to allocate from; size 0: all of 0..0xFFFF. */
	struct vmdev_addr_window pio;
	/* MMIO windows (copied), disjoint, in any order. */
	const struct vmdev_addr_window *mmio;
	size_t nr_mmio;
	/* Guest memory space for VMDEV_RES_MEM. */
	struct vmdev_addr_window mem;
	/* Legacy IRQ lines, MSI GSIs (all MSI kinds), KVM memory slots. */
	struct vmdev_id_window legacy_irq;
	struct vmdev_id_window msi;
	struct vmdev_id_window kvm_slot;
	/* MAC addresses are prefix:xx:xx:xx; all zero: none. Unicast. */
	uint8_t mac_prefix[3];
};

/*
 * Resource manager: one allocator per space, behind one mutex, so it may
 * be shared by threads.
 */
struct vmdev_resource_manager;

VMDEV_API int
vmdev_resource_manager_new(const struct vmdev_resource_manager_opts *opts,
			   struct vmdev_resource_manager **out);
VMDEV_API void vmdev_resource_manager_free(struct vmdev_resource_manager *mgr);
/*
 * Satisfy all n constraints or none: on success *out is a new set with
 * one resource per constraint, in order; on failure nothing stays
 * allocated and *out is untouched.
 */
VMDEV_API int
vmdev_resource_manager_allocate(struct vmdev_resource_manager *mgr,
				const struct vmdev_constraint *c, size_t n,
				struct vmdev_resources **out);
/*
 * Give back every resource of a set this manager allocated, or none: if
 * any of them is not a live allocation of this manager, nothing is freed.
 * The set itself stays the caller's to free.
 */
VMDEV_API int
vmdev_resource_manager_release(struct vmdev_resource_manager *mgr,
			       const struct vmdev_resources *res);

#ifdef __cplusplus
}
#endif
#endif /* VMDEV_ALLOCATOR_H */
