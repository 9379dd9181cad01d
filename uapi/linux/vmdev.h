/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmdev: an in-kernel PIO/MMIO bus of simple register devices for VMMs.
 *
 * One open file of /dev/vmdev is one context (one VM). A context holds
 * register devices, each described by a declarative register map and
 * mapped on the PIO and/or the MMIO bus by one or more ranges. Accesses
 * are dispatched through VMDEV_ACCESS / VMDEV_ACCESS_BATCH (and, later,
 * straight from a KVM vCPU run loop); an access that no register device
 * completes is reported as "slow path" for the VMM to handle.
 *
 * Extensibility: every ioctl argument except struct vmdev_access (a fixed
 * record, also the element of a batch) starts with a __u32 size field that
 * userspace sets to sizeof() of the struct it was compiled with. The
 * kernel accepts a smaller size (fields past it read as zero) and a larger
 * size as long as the bytes it does not know are zero (else -E2BIG), and
 * never writes back more than the given size. The ioctl command's own size
 * bits are ignored: the size field is authoritative. Every reserved or
 * padding field must be zero (-EINVAL otherwise) and every unknown flag
 * bit is rejected (-EINVAL).
 *
 * Documentation/uapi.rst describes every structure and error.
 */
#ifndef _UAPI_LINUX_VMDEV_H
#define _UAPI_LINUX_VMDEV_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define VMDEV_API_VERSION	1

/* Address spaces. */
#define VMDEV_SPACE_PIO		0	/* 16-bit port I/O space */
#define VMDEV_SPACE_MMIO	1	/* 64-bit guest physical space */

/* ---- Register map ---------------------------------------------------- */

/* Register behaviours (vmdev_reg.type). */
enum vmdev_reg_type {
	VMDEV_REG_RO = 0,	/* guest reads value, writes ignored */
	VMDEV_REG_RW,		/* bits in wmask are writable */
	VMDEV_REG_W1C,		/* writing 1 clears that bit of the target */
	VMDEV_REG_W1S,		/* writing 1 sets that bit of the target */
	VMDEV_REG_COR,		/* clear on read (whole register) */
	VMDEV_REG_CONST,	/* always reads reset; no state */
	VMDEV_REG_FIFO_IN,	/* guest writes push, the VMM drains */
	VMDEV_REG_FIFO_OUT,	/* the VMM fills, guest reads pop */
	VMDEV_REG_COUNTER,	/* free-running, derived from a clock */
	VMDEV_REG_DOORBELL,	/* a write latches the value and rings */
	VMDEV_REG_TRAP,		/* always the slow path */
	VMDEV_REG_IRQ_ID,	/* priority encoder of an interrupt line */
	VMDEV_REG_TYPE_COUNT
};

/* vmdev_reg.flags */
#define VMDEV_REG_F_NOREAD	(1U << 0) /* guest reads do not match it */
#define VMDEV_REG_F_NOWRITE	(1U << 1) /* guest writes do not match it */
#define VMDEV_REG_F_PARTIAL	(1U << 2) /* narrower aligned accesses ok */
#define VMDEV_REG_F_HIDDEN	(1U << 3) /* internal state, not mapped */
#define VMDEV_REG_F_ALL		0xfU

/*
 * Type-specific arguments (vmdev_reg.arg), selected by vmdev_reg.type;
 * unused fields must be zero.
 */
struct vmdev_reg_fifo {
	__u32 depth;		/* entries of `width` bytes, 1..VMDEV_MAX_FIFO */
	/*
	 * The free entries VMDEV_LINK_NOTFULL stands for, 0..depth (0 and
	 * 1: one): a writer that pushes a burst after one look at a "not
	 * full" bit (the 8250 driver writes 16 bytes per THR-empty) needs
	 * room for the whole burst.
	 */
	__u32 room;
};

struct vmdev_reg_counter {
	__u32 mult;		/* value = (ns * mult) >> shift, mult != 0 */
	__u32 shift;		/* < 64 */
};

struct vmdev_reg_target {
	__u32 target;		/* W1C/W1S: index of the register changed */
	__u32 flags;		/* VMDEV_TARGET_F_* */
};

#define VMDEV_TARGET_F_SELF	0	/* target is the register itself */
#define VMDEV_TARGET_F_OTHER	1	/* target is arg.target.target */

struct vmdev_reg_irq_id {
	__u32 line;		/* interrupt line encoded */
	__u8 id_mask;		/* bits of the value replaced by the code */
	__u8 nr_prio;		/* entries used in prio[] */
	__u8 prio[6];		/* status bit numbers, highest first */
	__u8 code[6];		/* value for each prio[] entry */
	__u8 pad[2];
};

/*
 * One register. A register is selected by the access offset, the
 * direction (F_NOREAD / F_NOWRITE) and, when sel_reg is not
 * VMDEV_SEL_NONE, by (value of register sel_reg & sel_mask) == sel_val
 * (register banking, as the 16550 DLAB bit).
 */
struct vmdev_reg {
	__u32 offset;		/* from the start of the device window */
	__u8 width;		/* 1, 2, 4 or 8 bytes; offset % width == 0 */
	__u8 type;		/* enum vmdev_reg_type */
	__u16 flags;		/* VMDEV_REG_F_* */
	__u64 reset;		/* value after create and reset */
	__u64 wmask;		/* bits the guest may change */
	__u16 sel_reg;		/* selector register index or SEL_NONE */
	__u16 pad0;
	__u32 sel_mask;
	__u32 sel_val;
	__u32 pad1;
	union {
		struct vmdev_reg_fifo fifo;
		struct vmdev_reg_counter counter;
		struct vmdev_reg_target target;
		struct vmdev_reg_irq_id irq_id;
		__u8 raw[20];
	} arg;
	__u32 pad2;		/* no implicit tail padding: must be zero */
};

#define VMDEV_SEL_NONE		0xffffU

/*
 * Status links: bits of register `dst` that mirror the state of a FIFO
 * register `src` (the 16550 LSR "data ready" and "THR empty" bits).
 * NOTFULL holds while at least the FIFO's `room` entries are free (one,
 * with room 0), FULL while fewer are.
 */
enum vmdev_link_cond {
	VMDEV_LINK_EMPTY = 0,
	VMDEV_LINK_NONEMPTY,
	VMDEV_LINK_NOTFULL,
	VMDEV_LINK_FULL,
	VMDEV_LINK_COND_COUNT
};

struct vmdev_link {
	__u16 src;		/* index of a FIFO register */
	__u16 dst;		/* index of the register holding the bits */
	__u32 cond;		/* enum vmdev_link_cond */
	__u64 mask;		/* bits set while cond holds, else cleared */
};

/*
 * Interrupt lines: asserted while (status & enable) != 0, where enable is
 * the value of register enable_reg, or enable_mask if enable_reg is
 * VMDEV_SEL_NONE.
 */
#define VMDEV_IRQ_F_LEVEL	(1U << 0) /* else edge: one event per rise */
#define VMDEV_IRQ_F_ALL		0x1U

struct vmdev_irq {
	__u16 status_reg;
	__u16 enable_reg;
	__u32 flags;		/* VMDEV_IRQ_F_* */
	__u64 enable_mask;
};

/* Results of accesses that hit the device but no register, or misfit. */
#define VMDEV_DEV_F_HOLE_TRAP	(1U << 0) /* holes go to the slow path */
#define VMDEV_DEV_F_HOLE_ONES	(1U << 1) /* hole reads return all ones */
#define VMDEV_DEV_F_ALL		0x3U

/* ---- Limits (per context, documented in Documentation/uapi.rst) ------ */
#define VMDEV_MAX_DEVICES	2048
#define VMDEV_MAX_RANGES	16384	/* ranges of all devices together */
#define VMDEV_MAX_DEV_RANGES	16
#define VMDEV_MAX_REGS		256
#define VMDEV_MAX_LINKS		32
#define VMDEV_MAX_IRQS		8
#define VMDEV_MAX_FIFO		4096
#define VMDEV_MAX_BATCH		1024

/* ---- ioctl arguments ----------------------------------------------- */

struct vmdev_range {
	__u64 base;
	__u64 len;		/* > 0, base + len must not wrap */
	__u32 space;		/* VMDEV_SPACE_* */
	__u32 pad;
};

struct vmdev_create_device {
	__u32 size;		/* sizeof(struct vmdev_create_device) */
	__u32 flags;		/* VMDEV_DEV_F_* */
	__u32 dev_size;		/* bytes of register window, > 0 */
	__u32 id;		/* out: device id within the context */
	__u32 nr_regs;
	__u32 nr_links;
	__u32 nr_irqs;
	__u32 nr_ranges;
	__u64 regs;		/* pointer to struct vmdev_reg[nr_regs] */
	__u64 links;		/* pointer to struct vmdev_link[nr_links] */
	__u64 irqs;		/* pointer to struct vmdev_irq[nr_irqs] */
	__u64 ranges;		/* pointer to struct vmdev_range[nr_ranges] */
	char name[32];		/* NUL-terminated, informational */
};

struct vmdev_device_id {
	__u32 size;
	__u32 id;
};

#define VMDEV_DIR_READ		0
#define VMDEV_DIR_WRITE		1

/* Access result (vmdev_access.result). */
#define VMDEV_RESULT_DONE	0	/* completed by a register device */
#define VMDEV_RESULT_SLOW	1	/* not completed: handle in userspace */

struct vmdev_access {
	__u64 addr;
	__u64 data;		/* in for writes, out for reads (low bytes) */
	__u8 space;		/* VMDEV_SPACE_* */
	__u8 len;		/* 1..8 bytes */
	__u8 dir;		/* VMDEV_DIR_* */
	__u8 result;		/* out: VMDEV_RESULT_* */
	__u32 pad;
};

struct vmdev_access_batch {
	__u32 size;
	__u32 count;		/* entries, 1..VMDEV_MAX_BATCH */
	__u64 entries;		/* pointer to struct vmdev_access[count] */
	__u32 done;		/* out: entries completed in the kernel */
	__u32 pad;
};

/* The VMM side of a register: raw state, bypassing guest behaviours. */
struct vmdev_reg_io {
	__u32 size;
	__u32 id;		/* device */
	__u32 reg;		/* register index */
	__u32 pad;
	__u64 value;
};

#define VMDEV_FIFO_DRAIN	0	/* take entries out of a FIFO_IN */
#define VMDEV_FIFO_FILL		1	/* put entries into a FIFO_OUT */

struct vmdev_fifo_io {
	__u32 size;
	__u32 id;		/* device */
	__u32 reg;		/* FIFO register index */
	__u32 op;		/* VMDEV_FIFO_* */
	__u64 buf;		/* pointer to count entries of reg width */
	__u32 count;		/* entries in buf, 1..VMDEV_MAX_FIFO */
	__u32 done;		/* out: entries moved */
};

/* Per-device counters. */
struct vmdev_stats {
	__u32 size;
	__u32 id;		/* device */
	__u64 fast;		/* out: accesses completed in the kernel */
	__u64 slow;		/* out: accesses sent to the slow path */
	__u64 irqs;		/* out: interrupt events signalled */
	__u64 doorbells;	/* out: doorbell rings (any source) */
	__u64 ioeventfds;	/* out: writes applied from bound ioeventfds */
};

/*
 * Level 1: run a KVM vCPU from inside the kernel. The ioctl enters the
 * guest through the vCPU file's own KVM_RUN and completes, without
 * returning to userspace, every PIO and MMIO exit that a register device
 * of this context completes. It returns 0 with the kvm_run page holding
 * the exit as KVM left it (a slow-path access, or any other exit reason),
 * or KVM_RUN's own error (-EINTR for a signal or immediate_exit).
 */
struct vmdev_run {
	__u32 size;
	__s32 vcpu_fd;		/* a KVM vCPU fd of the calling process */
	__u64 kvm_run;		/* address of that vCPU's kvm_run mapping */
	__u32 flags;		/* none defined: 0 */
	__u32 pad;
	__u64 exits;		/* out: exits completed in the kernel */
};

#define VMDEV_BIND_F_DEASSIGN	(1U << 0)
#define VMDEV_BIND_F_ALL	0x1U

/*
 * Interrupt line -> eventfd (the VMM registers it as a KVM irqfd). Edge
 * lines signal fd once per rising edge; level lines signal it when the
 * line rises and, with resample_fd (the irqfd's resample eventfd), again
 * after each guest EOI while the line is still asserted.
 */
struct vmdev_irqfd {
	__u32 size;
	__u32 id;		/* device */
	__u32 line;		/* interrupt line index */
	__u32 flags;		/* VMDEV_BIND_F_* */
	__s32 fd;		/* trigger eventfd */
	__s32 resample_fd;	/* -1, or resample eventfd (level lines) */
};

/*
 * Level 2: an eventfd the VMM registered as a KVM ioeventfd (usually with
 * datamatch). Each time it is signalled, the module applies a guest write
 * of `value` to register `reg`, as if the guest had written it, without
 * any exit to userspace or to the run loop.
 */
struct vmdev_ioeventfd {
	__u32 size;
	__u32 id;		/* device */
	__u32 reg;		/* register index */
	__u32 flags;		/* VMDEV_BIND_F_* */
	__s32 fd;		/* the ioeventfd */
	__u32 pad;
	__u64 value;		/* the value written */
};

/* A doorbell register -> eventfd signalled each time it rings. */
struct vmdev_notifyfd {
	__u32 size;
	__u32 id;		/* device */
	__u32 reg;		/* doorbell register index */
	__u32 flags;		/* VMDEV_BIND_F_* */
	__s32 fd;		/* eventfd to signal */
	__u32 pad;
};

/*
 * Level 3: attach the context to its KVM VM (vm_fd, a KVM VM fd of the
 * calling process). Every range of every register device of the context
 * is then served on KVM's own PIO/MMIO bus, with no exit at all, where
 * the module may do so (module parameter level3, the kernel verified at
 * load time); VMDEV_GET_LEVEL says where each address is served.
 */
struct vmdev_kvm_attach {
	__u32 size;
	__s32 vm_fd;		/* a KVM VM fd of the calling process */
	__u32 flags;		/* none defined: 0 */
	__u32 pad;
};

/* vmdev_level.level: where an access to the address is completed. */
#define VMDEV_LEVEL_NONE	0	/* no register device there */
#define VMDEV_LEVEL_MODULE	1	/* VMDEV_RUN / VMDEV_ACCESS (1, 2) */
#define VMDEV_LEVEL_KVM_BUS	3	/* KVM's I/O bus: no exit */

/* vmdev_level.l3_state: can this module serve level 3? */
#define VMDEV_L3_READY		0	/* yes (VMDEV_KVM_ATTACH) */
#define VMDEV_L3_OFF		1	/* module parameter level3=off */
#define VMDEV_L3_NOT_BUILT	2	/* compiled out: no kvm.ko at build */
#define VMDEV_L3_UNVERIFIED	3	/* the running kernel failed checks */

struct vmdev_level {
	__u32 size;
	__u32 space;		/* VMDEV_SPACE_* */
	__u64 addr;		/* port or guest-physical address */
	__u32 level;		/* out: VMDEV_LEVEL_* */
	__u32 l3_state;		/* out: VMDEV_L3_* */
	__u32 attached;		/* out: 1 once VMDEV_KVM_ATTACH succeeded */
	__u32 windows;		/* out: KVM bus devices of the context */
};

/*
 * Snapshots (Documentation/snapshot.rst): one register device's whole
 * state (VMDEV_SAVE_DEVICE, VMDEV_RESTORE_DEVICE), or every register
 * device of the context at once (VMDEV_SAVE_CONTEXT,
 * VMDEV_RESTORE_CONTEXT, id 0), as a versioned blob that libvmdev's user
 * mode writes and reads byte for byte the same. A save writes back in
 * len the bytes written, or the bytes needed when buf is 0 (and returns
 * 0) or len was too small (and fails with ENOSPC).
 */
#define VMDEV_SNAPSHOT_MAX	(64U << 20)	/* largest blob, bytes */

struct vmdev_snapshot {
	__u32 size;
	__u32 id;		/* device; 0 for the context */
	__u64 buf;		/* pointer to the blob; save: 0 asks the size */
	__u32 len;		/* bytes at buf (save, out: see below) */
	__u32 flags;		/* VMDEV_SNAPSHOT_F_* */
};

/* Restore only: validate the blob against the device(s), change nothing. */
#define VMDEV_SNAPSHOT_F_CHECK	(1U << 0)

/*
 * A batch of device changes (VMDEV_BATCH): between BEGIN and END the
 * context's devices come and go on its own bus at once, as always, but
 * KVM's bus is left as it is; END moves the level 3 windows in one
 * update of KVM's bus, whatever the batch changed. Ranges added in the
 * batch are served at level 1 until then, ranges removed no longer
 * answer: the semantics do not change, only when level 3 takes over.
 */
#define VMDEV_BATCH_BEGIN	1
#define VMDEV_BATCH_END		2

struct vmdev_batch {
	__u32 size;
	__u32 op;		/* VMDEV_BATCH_BEGIN or VMDEV_BATCH_END */
	__u32 flags;		/* none defined: 0 */
	__u32 pad;
};

#define VMDEV_IOC_MAGIC		0xBB

#define VMDEV_GET_API_VERSION	_IO(VMDEV_IOC_MAGIC, 0x00)
#define VMDEV_CREATE_DEVICE	_IOWR(VMDEV_IOC_MAGIC, 0x01, struct vmdev_create_device)
#define VMDEV_DESTROY_DEVICE	_IOW(VMDEV_IOC_MAGIC, 0x02, struct vmdev_device_id)
#define VMDEV_RESET_DEVICE	_IOW(VMDEV_IOC_MAGIC, 0x03, struct vmdev_device_id)
#define VMDEV_ACCESS		_IOWR(VMDEV_IOC_MAGIC, 0x04, struct vmdev_access)
#define VMDEV_ACCESS_BATCH	_IOWR(VMDEV_IOC_MAGIC, 0x05, struct vmdev_access_batch)
#define VMDEV_REG_READ		_IOWR(VMDEV_IOC_MAGIC, 0x06, struct vmdev_reg_io)
#define VMDEV_REG_WRITE		_IOW(VMDEV_IOC_MAGIC, 0x07, struct vmdev_reg_io)
#define VMDEV_FIFO_IO		_IOWR(VMDEV_IOC_MAGIC, 0x08, struct vmdev_fifo_io)
#define VMDEV_GET_STATS		_IOWR(VMDEV_IOC_MAGIC, 0x09, struct vmdev_stats)
#define VMDEV_RUN		_IOWR(VMDEV_IOC_MAGIC, 0x10, struct vmdev_run)
#define VMDEV_IRQFD		_IOW(VMDEV_IOC_MAGIC, 0x11, struct vmdev_irqfd)
#define VMDEV_IOEVENTFD		_IOW(VMDEV_IOC_MAGIC, 0x12, struct vmdev_ioeventfd)
#define VMDEV_NOTIFYFD		_IOW(VMDEV_IOC_MAGIC, 0x13, struct vmdev_notifyfd)
#define VMDEV_KVM_ATTACH	_IOW(VMDEV_IOC_MAGIC, 0x14, struct vmdev_kvm_attach)
#define VMDEV_GET_LEVEL		_IOWR(VMDEV_IOC_MAGIC, 0x15, struct vmdev_level)
#define VMDEV_SAVE_DEVICE	_IOWR(VMDEV_IOC_MAGIC, 0x16, struct vmdev_snapshot)
#define VMDEV_RESTORE_DEVICE	_IOW(VMDEV_IOC_MAGIC, 0x17, struct vmdev_snapshot)
#define VMDEV_SAVE_CONTEXT	_IOWR(VMDEV_IOC_MAGIC, 0x18, struct vmdev_snapshot)
#define VMDEV_RESTORE_CONTEXT	_IOW(VMDEV_IOC_MAGIC, 0x19, struct vmdev_snapshot)
#define VMDEV_BATCH		_IOW(VMDEV_IOC_MAGIC, 0x1a, struct vmdev_batch)

#endif /* _UAPI_LINUX_VMDEV_H */
