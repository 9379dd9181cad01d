/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Register devices of a VM context (<vmdev/vm.h>): a declarative register
 * map (struct vmdev_reg, vmdev_link, vmdev_irq of <linux/vmdev.h>) mapped
 * at PIO and MMIO ranges, declared once. In VMDEV_VM_KERNEL mode the
 * device lives in vmdev.ko and its guest accesses, doorbells and
 * interrupts are handled there; in VMDEV_VM_USER mode the same core runs
 * in this process. Either way the device is also on the context's I/O
 * manager, so its slow-path accesses (trap registers, holes of a
 * VMDEV_DEV_F_HOLE_TRAP device) reach the VMM's callbacks.
 *
 * Documentation/fast-path-library.rst is the reference, with every error.
 */
#ifndef VMDEV_REGDEV_H
#define VMDEV_REGDEV_H

#include <linux/vmdev.h>
#include <vmdev/common.h>
#include <vmdev/interrupt.h>
#include <vmdev/io.h>
#include <vmdev/resource.h>
#include <vmdev/vm.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vmdev_regdev;

struct vmdev_regdev_opts {
	size_t sz;			/* VMDEV_OPTS() fills it */
	/* The register map (required; the arrays are copied). */
	uint32_t flags;			/* VMDEV_DEV_F_* */
	uint32_t dev_size;		/* bytes of the register window */
	uint32_t nr_regs;
	uint32_t nr_links;
	uint32_t nr_irqs;
	const struct vmdev_reg *regs;
	const struct vmdev_link *links;
	const struct vmdev_irq *irqs;
	/* Informational, at most 31 bytes; NULL: "regdev". */
	const char *name;
	/*
	 * The slow path: called, from any vCPU thread and concurrently,
	 * with the accesses the device leaves to the VMM. NULL: those
	 * accesses fail with -EOPNOTSUPP (vmdev_vcpu_run() returns them).
	 */
	vmdev_io_read_fn slow_read;
	vmdev_io_write_fn slow_write;
	void *opaque;			/* passed to both */
};

/*
 * Create a device of the map in opts, mapped at every PIO and MMIO range
 * of res (other kinds are ignored), all or nothing. Errors: -EINVAL (NULL
 * argument, bad opts, a name too long, a malformed map), -E2BIG (a map
 * count over its limit, more than VMDEV_MAX_DEV_RANGES ranges), -EEXIST
 * (a range overlaps a range of the context's I/O manager, or another of
 * res), -ENOSPC (VMDEV_MAX_DEVICES devices or VMDEV_MAX_RANGES ranges in
 * the context), -ENOMEM, and in kernel mode VMDEV_CREATE_DEVICE's.
 */
VMDEV_API int vmdev_regdev_new(struct vmdev_vm *vm,
			       const struct vmdev_resources *res,
			       const struct vmdev_regdev_opts *opts,
			       struct vmdev_regdev **out);
/*
 * Tear everything down: doorbells, notify and interrupt bindings, the
 * device's ranges, the device. Returns once no access to it is in flight
 * (from a slow-path callback: the memory goes after a grace period).
 * NULL is ignored.
 */
VMDEV_API void vmdev_regdev_free(struct vmdev_regdev *rd);

/* ---- The VMM side: raw state, no guest behaviour ---------------------- */

/* -EINVAL (NULL), -ENOENT (no such register). */
VMDEV_API int vmdev_regdev_reg_read(struct vmdev_regdev *rd, uint32_t reg,
				    uint64_t *val);
/* Also -EINVAL for CONST, FIFO, TRAP and IRQ_ID registers. */
VMDEV_API int vmdev_regdev_reg_write(struct vmdev_regdev *rd, uint32_t reg,
				     uint64_t val);
/*
 * Move up to count (1..VMDEV_MAX_FIFO) entries of the register's width,
 * packed in native byte order: out of a FIFO_IN (drain), into a FIFO_OUT
 * (fill). The number moved, or -EINVAL (NULL, count 0, wrong register
 * type), -E2BIG (count), -ENOENT (no such register).
 */
VMDEV_API int vmdev_regdev_fifo_drain(struct vmdev_regdev *rd, uint32_t reg,
				      void *buf, uint32_t count);
VMDEV_API int vmdev_regdev_fifo_fill(struct vmdev_regdev *rd, uint32_t reg,
				     const void *buf, uint32_t count);
/* Back to the reset state; ranges and bindings stay. -EINVAL (NULL). */
VMDEV_API int vmdev_regdev_reset(struct vmdev_regdev *rd);

struct vmdev_regdev_stats {
	size_t sz;			/* VMDEV_OPTS() fills it */
	uint64_t fast;		/* guest accesses the device completed */
	uint64_t slow;		/* guest accesses left to the slow path */
	uint64_t irqs;		/* interrupt line rises */
	uint64_t doorbells;	/* doorbell register rings */
	uint64_t ioeventfds;	/* writes applied from bound doorbells */
};

/* Fill *st up to st->sz. -EINVAL (NULL, sz below the first field). */
VMDEV_API int vmdev_regdev_stats(struct vmdev_regdev *rd,
				 struct vmdev_regdev_stats *st);

/* ---- Interrupt lines ---------------------------------------------------- */

struct vmdev_regdev_irq_opts {
	size_t sz;			/* VMDEV_OPTS() fills it */
	enum vmdev_irq_type type;	/* 0: VMDEV_IRQ_LEGACY */
	/* Where the GSI goes (vmdev_irq_group_update()); NULL: default. */
	const struct vmdev_irq_config *config;
};

/*
 * Deliver line (an index into the map's irqs) to GSI gsi of the VM, as
 * a one-vector group of the context's interrupt manager: edge or level
 * as the map's VMDEV_IRQ_F_LEVEL says; a level line fires again after
 * each guest EOI while it is asserted. A line asserted already is
 * signalled at once. Errors: -EINVAL (NULL, bad opts, a level line on
 * MSI), -ENOENT (no such line), -EBUSY (line bound already), -ENXIO (no
 * interrupt manager), and those of vmdev_irq_group_new(), _update(),
 * _enable() and, in kernel mode, VMDEV_IRQFD.
 */
VMDEV_API int vmdev_regdev_irq_bind(struct vmdev_regdev *rd, uint32_t line,
				    uint32_t gsi,
				    const struct vmdev_regdev_irq_opts *opts);
/*
 * -EINVAL (NULL), -ENOENT (no such line, or not bound), -EDEADLK (from a
 * device callback, which the unbind would have to wait for).
 */
VMDEV_API int vmdev_regdev_irq_unbind(struct vmdev_regdev *rd,
				      uint32_t line);
/*
 * The group a bound line is delivered through (vector 0), for its mask,
 * pending state and eventfds; owned by the device: never free it. NULL
 * for a line that is not bound (errno ENOENT) or a NULL rd (EINVAL).
 */
VMDEV_API struct vmdev_irq_group *
vmdev_regdev_irq_group(struct vmdev_regdev *rd, uint32_t line);

/* ---- Doorbells: guest writes applied without an exit (level 2) --------- */

/* The doorbell fires only for a write of exactly datamatch. */
#define VMDEV_DOORBELL_F_DATAMATCH	(1U << 0)

struct vmdev_doorbell_opts {
	size_t sz;			/* VMDEV_OPTS() fills it */
	enum vmdev_space space;		/* the guest address written */
	uint64_t addr;
	uint32_t len;			/* 1, 2, 4 or 8 (MMIO) bytes */
	uint32_t reg;			/* the register written */
	uint32_t flags;			/* VMDEV_DOORBELL_F_* */
	uint64_t datamatch;
	/* Without DATAMATCH: the value applied, whatever the guest wrote. */
	uint64_t value;
};

/*
 * A guest write of len bytes at addr (of datamatch, with
 * VMDEV_DOORBELL_F_DATAMATCH) becomes a write of the value (datamatch,
 * or value) to register reg, as if the guest had written it there. In
 * kernel mode it is a KVM ioeventfd that vmdev.ko consumes: no exit at
 * all. Errors: -EINVAL (NULL, bad opts, space, len, flags, an address
 * range out of its space, a datamatch or value that does not fit, a
 * hidden, write-less or TRAP register), -ENOENT (no such register),
 * -EEXIST (collides with a doorbell of the context, as KVM decides),
 * -ENOMEM, and in kernel mode the errors of eventfd(), VMDEV_IOEVENTFD
 * and KVM_IOEVENTFD.
 */
VMDEV_API int vmdev_regdev_doorbell_add(struct vmdev_regdev *rd,
					const struct vmdev_doorbell_opts *opts);
/* The doorbell added with the same opts. -EINVAL, -ENOENT, -EDEADLK. */
VMDEV_API int
vmdev_regdev_doorbell_remove(struct vmdev_regdev *rd,
			     const struct vmdev_doorbell_opts *opts);

/*
 * Signal eventfd fd (duplicated: the caller keeps its own) each time
 * DOORBELL register reg rings, whoever wrote it: one count per ring, in
 * both modes (in kernel mode a ring from an ioeventfd is signalled a
 * little later, from the module's work item). Errors: -EINVAL (NULL,
 * not a DOORBELL register), -ENOENT (no such register), -EBADF (fd),
 * -EBUSY (bound already), and in kernel mode VMDEV_NOTIFYFD's.
 */
VMDEV_API int vmdev_regdev_notify_bind(struct vmdev_regdev *rd, uint32_t reg,
				       int fd);
/* -EINVAL (NULL), -ENOENT (not bound), -EDEADLK (as irq_unbind). */
VMDEV_API int vmdev_regdev_notify_unbind(struct vmdev_regdev *rd,
					 uint32_t reg);

#ifdef __cplusplus
}
#endif
#endif /* VMDEV_REGDEV_H */
