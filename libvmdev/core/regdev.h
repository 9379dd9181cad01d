/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The register-device core: one declarative register map, its access
 * semantics and its interrupt lines. Compiled into vmdev.ko and into
 * libvmdev from this one source, so both modes behave identically.
 *
 * Every entry point takes the device's own lock; callers need none.
 * Nothing here sleeps, copies to or from userspace, or signals anything:
 * what must happen after an access (an interrupt line changed, a doorbell
 * rang) is reported in struct vmdev_rdev_events for the caller to act on
 * once the lock is dropped.
 *
 * Documentation/register-devices.rst is the reference for the semantics.
 */
#ifndef VMDEV_CORE_REGDEV_H
#define VMDEV_CORE_REGDEV_H

#include "shim.h"
#include <linux/vmdev.h>

/* vmdev_rdev_access() result besides 0 (done) and -errno. */
#define VMDEV_RDEV_SLOW		1

/* Doorbell registers per device: slots in vmdev_rdev_events.doorbells. */
#define VMDEV_RDEV_MAX_DOORBELLS	32

/* Largest register window (vmdev_rdev_desc.dev_size) in bytes. */
#define VMDEV_RDEV_MAX_DEV_SIZE		0x100000U	/* 1 MiB */

/* A register map as given by the VMM; the arrays are borrowed. */
struct vmdev_rdev_desc {
	u32 flags;			/* VMDEV_DEV_F_* */
	u32 dev_size;			/* window size in bytes */
	u32 nr_regs;
	u32 nr_links;
	u32 nr_irqs;
	const struct vmdev_reg *regs;
	const struct vmdev_link *links;
	const struct vmdev_irq *irqs;
};

/*
 * What an operation changed, for the caller to deliver after unlock.
 * Every function taking one accepts NULL and otherwise clears it first;
 * after a failed call it stays all zero.
 */
struct vmdev_rdev_events {
	u32 irq_rose;		/* lines that went from deasserted to asserted */
	u32 irq_fell;		/* lines that went from asserted to deasserted */
	u32 irq_level;		/* lines asserted after the operation */
	u32 doorbells;		/* doorbell slots rung (see doorbell_slot) */
};

struct vmdev_rdev;

/*
 * Validate a register map. 0 if it is well formed, else -EINVAL (bad
 * width, alignment, type, flag, selector, link, irq, non-zero padding or
 * reserved argument, register outside dev_size, overlapping registers
 * that can be selected at once) or -E2BIG (a count over its limit).
 */
int vmdev_rdev_check(const struct vmdev_rdev_desc *desc);

/*
 * Validate, copy and instantiate a map in its reset state: the check's
 * errors, or -ENOMEM. Everything the device will ever need is allocated
 * here, so no later call allocates.
 */
int vmdev_rdev_create(const struct vmdev_rdev_desc *desc,
		      struct vmdev_rdev **out);

/*
 * The same with head bytes in front of the device, in its allocation,
 * for the caller's own object (zeroed, at *headp; vmdev_rdev_destroy()
 * frees both). The kernel keeps its device there: a guest access then
 * touches one allocation, not two (Documentation/fast-path.rst, "What
 * level 3 costs").
 */
int vmdev_rdev_create_with_head(const struct vmdev_rdev_desc *desc,
				size_t head, void **headp,
				struct vmdev_rdev **out);
void vmdev_rdev_destroy(struct vmdev_rdev *dev);

/* Bytes of memory a device of this map holds (for accounting). */
size_t vmdev_rdev_footprint(const struct vmdev_rdev *dev);

/* Back to reset values, FIFOs emptied; ev may be NULL. */
void vmdev_rdev_reset(struct vmdev_rdev *dev, struct vmdev_rdev_events *ev);

/*
 * A guest access of len (1..8) bytes at offset into the device window.
 * Reads store the value in *data (zero-extended); writes take the low len
 * bytes of *data. Returns 0 when completed, VMDEV_RDEV_SLOW when the
 * access must be handled by the VMM (trap register, or a hole or misfit
 * on a device with VMDEV_DEV_F_HOLE_TRAP; *data and state untouched), or
 * -EINVAL for a len out of range. An access that reaches past dev_size is
 * a hole like any other: it is not an error.
 */
int vmdev_rdev_access(struct vmdev_rdev *dev, u64 offset, u32 len,
		      bool write, u64 *data, struct vmdev_rdev_events *ev);

/* The VMM side: raw register state (no guest behaviour, no FIFO pop). */
int vmdev_rdev_reg_read(struct vmdev_rdev *dev, u32 reg, u64 *val);
int vmdev_rdev_reg_write(struct vmdev_rdev *dev, u32 reg, u64 val,
			 struct vmdev_rdev_events *ev);

/*
 * Move up to count entries of the register's width between buf and a
 * FIFO: drain a FIFO_IN, fill a FIFO_OUT. Returns the number of entries
 * moved (0 when empty / full), -EINVAL for a register of another type or
 * a count of 0, -ENOENT for an unknown register.
 */
int vmdev_rdev_fifo_drain(struct vmdev_rdev *dev, u32 reg, void *buf,
			  u32 count, struct vmdev_rdev_events *ev);
int vmdev_rdev_fifo_fill(struct vmdev_rdev *dev, u32 reg, const void *buf,
			 u32 count, struct vmdev_rdev_events *ev);

/*
 * Entries a FIFO_IN register dropped because it was full when the guest
 * pushed, since create or the last reset. -ENOENT for an unknown
 * register, -EINVAL for a register that is not a FIFO_IN.
 */
int vmdev_rdev_fifo_overflow(struct vmdev_rdev *dev, u32 reg, u64 *count);

/*
 * Interrupt line level now, the line's VMDEV_IRQ_F_* flags (0 for a line
 * that does not exist), and the doorbell slot <-> register maps:
 * doorbell_slot() returns the slot of a DOORBELL register, -ENOENT for an
 * unknown register, -EINVAL for a register of another type.
 */
bool vmdev_rdev_irq_asserted(struct vmdev_rdev *dev, u32 line);
u32 vmdev_rdev_irq_flags(const struct vmdev_rdev *dev, u32 line);
u32 vmdev_rdev_nr_irqs(const struct vmdev_rdev *dev);
int vmdev_rdev_doorbell_slot(const struct vmdev_rdev *dev, u32 reg);
u32 vmdev_rdev_dev_size(const struct vmdev_rdev *dev);
/* Width in bytes of register reg, 0 for an unknown index. */
u32 vmdev_rdev_reg_width(const struct vmdev_rdev *dev, u32 reg);
/*
 * The map's description of register reg (offset, width, type, flags...),
 * unchanged for the device's life and readable without its lock; NULL for
 * an unknown index.
 */
const struct vmdev_reg *vmdev_rdev_reg_desc(const struct vmdev_rdev *dev,
					    u32 reg);

#endif /* VMDEV_CORE_REGDEV_H */
