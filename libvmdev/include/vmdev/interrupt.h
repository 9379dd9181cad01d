/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Interrupt source groups: legacy lines and MSI vectors a device raises,
 * delivered through eventfds, either to KVM (irqfd + GSI routing) or to
 * whoever reads the eventfds (the eventfd-only backend).
 *
 * An interrupt manager stands for one VM and owns its GSI space (and, for
 * KVM, its whole GSI routing table). Groups are created from a manager:
 * a type (legacy or MSI), a base GSI and a count of vectors. Vector i of
 * a group is GSI base + i.
 *
 * Documentation/interrupts.rst is the reference for the semantics and for
 * every error.
 */
#ifndef VMDEV_INTERRUPT_H
#define VMDEV_INTERRUPT_H

#include <vmdev/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Manager: one per VM ------------------------------------------- */

struct vmdev_irq_manager;

/* Start with an empty routing table instead of the x86 default one. */
#define VMDEV_IRQ_MGR_NO_DEFAULT_ROUTES	(1U << 0)
/* No resample thread: the VMM polls vmdev_irq_manager_resample_fd(). */
#define VMDEV_IRQ_MGR_MANUAL_RESAMPLE	(1U << 1)

struct vmdev_irq_manager_opts {
	size_t sz;
	uint32_t flags;		/* VMDEV_IRQ_MGR_* */
	/* GSIs 0..nr_gsis-1 are usable; 0: the backend's limit. */
	uint32_t nr_gsis;
};

/*
 * A manager for the KVM VM vm_fd (borrowed: it must stay open until the
 * manager and all its groups are freed). The VM needs an in-kernel
 * irqchip before a group is enabled.
 */
VMDEV_API int
vmdev_irq_manager_new_kvm(int vm_fd, const struct vmdev_irq_manager_opts *opts,
			  struct vmdev_irq_manager **out);
/* A manager without KVM: delivering a vector writes its eventfd. */
VMDEV_API int
vmdev_irq_manager_new_eventfd(const struct vmdev_irq_manager_opts *opts,
			      struct vmdev_irq_manager **out);
/* Drop the caller's reference; groups still alive keep the manager. */
VMDEV_API void vmdev_irq_manager_free(struct vmdev_irq_manager *mgr);
VMDEV_API uint32_t
vmdev_irq_manager_nr_gsis(const struct vmdev_irq_manager *mgr);

/*
 * VMDEV_IRQ_MGR_MANUAL_RESAMPLE only: an fd that polls readable while a
 * level line waits for resampling, and the call that resamples every
 * waiting line without blocking (returns how many it handled).
 */
VMDEV_API int vmdev_irq_manager_resample_fd(struct vmdev_irq_manager *mgr);
VMDEV_API int vmdev_irq_manager_process(struct vmdev_irq_manager *mgr);

/* ---- Groups ---------------------------------------------------------- */

struct vmdev_irq_group;

enum vmdev_irq_type {
	VMDEV_IRQ_LEGACY = 1,	/* irqchip pins: edge or level */
	VMDEV_IRQ_MSI,		/* MSI, MSI-X, generic MSI: always edge */
};

/* Level-triggered legacy lines: assert/clear and resampling. */
#define VMDEV_IRQ_GROUP_LEVEL	(1U << 0)
/*
 * Level lines driven directly through their eventfds by someone else
 * (a device model's own thread, VFIO, vmdev.ko) who also consumes the
 * resample eventfds: the library does not watch them.
 */
#define VMDEV_IRQ_GROUP_DIRECT	(1U << 1)

struct vmdev_irq_group_opts {
	size_t sz;
	uint32_t flags;		/* VMDEV_IRQ_GROUP_* */
};

VMDEV_API int vmdev_irq_group_new(struct vmdev_irq_manager *mgr,
				  enum vmdev_irq_type type, uint32_t base,
				  uint32_t count,
				  const struct vmdev_irq_group_opts *opts,
				  struct vmdev_irq_group **out);
/* Disables the group if needed and closes its eventfds. */
VMDEV_API void vmdev_irq_group_free(struct vmdev_irq_group *grp);
VMDEV_API uint32_t vmdev_irq_group_base(const struct vmdev_irq_group *grp);
VMDEV_API uint32_t vmdev_irq_group_count(const struct vmdev_irq_group *grp);

/* Install (KVM: routes and irqfds) / remove the group's delivery. */
VMDEV_API int vmdev_irq_group_enable(struct vmdev_irq_group *grp);
VMDEV_API int vmdev_irq_group_disable(struct vmdev_irq_group *grp);

/* Edge: one interrupt. Lockless; callable from any thread. */
VMDEV_API int vmdev_irq_group_trigger(struct vmdev_irq_group *grp,
				      uint32_t vector);
/* Level: the line is high until cleared; re-fired after each EOI. */
VMDEV_API int vmdev_irq_group_assert(struct vmdev_irq_group *grp,
				     uint32_t vector);
VMDEV_API int vmdev_irq_group_clear(struct vmdev_irq_group *grp,
				    uint32_t vector);

/* While masked, an interrupt is held pending and delivered on unmask. */
VMDEV_API int vmdev_irq_group_mask(struct vmdev_irq_group *grp,
				   uint32_t vector);
VMDEV_API int vmdev_irq_group_unmask(struct vmdev_irq_group *grp,
				     uint32_t vector);
/* 1 if an interrupt waits for the vector to be unmasked, else 0. */
VMDEV_API int vmdev_irq_group_pending(struct vmdev_irq_group *grp,
				      uint32_t vector);

/* ---- Per-vector configuration ---------------------------------------- */

/* Interrupt controllers a legacy vector can be routed to (x86). */
enum vmdev_irqchip {
	VMDEV_IRQCHIP_PIC_MASTER = 0,
	VMDEV_IRQCHIP_PIC_SLAVE = 1,
	VMDEV_IRQCHIP_IOAPIC = 2,
};

#define VMDEV_IRQCHIP_PIC_PINS		8
#define VMDEV_IRQCHIP_IOAPIC_PINS	24

/* MSI: devid is valid (needs KVM_CAP_MSI_DEVID with KVM). */
#define VMDEV_IRQ_CFG_DEVID	(1U << 0)

/*
 * Legacy groups use irqchip and pin; MSI groups use flags, address_lo,
 * address_hi, data and devid. The fields of the other kind must be 0.
 */
struct vmdev_irq_config {
	size_t sz;
	uint32_t flags;		/* VMDEV_IRQ_CFG_* */
	uint32_t irqchip;	/* enum vmdev_irqchip */
	uint32_t pin;
	uint32_t address_lo;
	uint32_t address_hi;
	uint32_t data;
	uint32_t devid;
};

/* Store a vector's configuration; applied at once if enabled. */
VMDEV_API int vmdev_irq_group_update(struct vmdev_irq_group *grp,
				     uint32_t vector,
				     const struct vmdev_irq_config *cfg);
/* Fill *cfg (its sz says how much) with the configuration in force. */
VMDEV_API int vmdev_irq_group_get_config(struct vmdev_irq_group *grp,
					 uint32_t vector,
					 struct vmdev_irq_config *cfg);

/* ---- Notifiers -------------------------------------------------------- */

/*
 * The eventfds behind a vector, owned by the group (do not close them):
 * writing the trigger fd raises the vector exactly as the library does
 * (bypassing masking on the eventfd backend); the resample fd (level
 * groups) is signalled when the guest acknowledges the line.
 */
VMDEV_API int vmdev_irq_group_trigger_fd(struct vmdev_irq_group *grp,
					 uint32_t vector);
VMDEV_API int vmdev_irq_group_resample_fd(struct vmdev_irq_group *grp,
					  uint32_t vector);

/* ---- Device-side interrupt status register --------------------------- */

/*
 * An atomic 32-bit status register (virtio's InterruptStatus/ACK, the
 * legacy ISR), optionally bound to a group vector: raising bits signals
 * the vector (edge: trigger; level: assert) and a level line follows
 * "status != 0" as bits are acknowledged.
 */
struct vmdev_irq_status;

struct vmdev_irq_status_opts {
	size_t sz;
	struct vmdev_irq_group *group;	/* NULL: a plain register */
	uint32_t vector;
};

VMDEV_API int vmdev_irq_status_new(const struct vmdev_irq_status_opts *opts,
				   struct vmdev_irq_status **out);
VMDEV_API void vmdev_irq_status_free(struct vmdev_irq_status *st);
VMDEV_API uint32_t vmdev_irq_status_read(const struct vmdev_irq_status *st);
/* Set bits (non-zero), then signal; *old (may be NULL) gets the bits before. */
VMDEV_API int vmdev_irq_status_raise(struct vmdev_irq_status *st,
				     uint32_t bits, uint32_t *old);
/* Clear bits; *old gets the bits before. */
VMDEV_API int vmdev_irq_status_ack(struct vmdev_irq_status *st, uint32_t bits,
				   uint32_t *old);
/* Read and clear every bit at once. */
VMDEV_API int vmdev_irq_status_take(struct vmdev_irq_status *st,
				    uint32_t *old);

#ifdef __cplusplus
}
#endif
#endif /* VMDEV_INTERRUPT_H */
