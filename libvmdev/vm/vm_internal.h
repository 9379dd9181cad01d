/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * What the fast-path context shares between its files: the VM context,
 * register devices, and the operations that differ between the kernel
 * backend (vmdev.ko ioctls, regdev_kernel.c) and the user backend (the
 * core in this process, regdev_user.c). The front ends (regdev.c,
 * irqline.c, doorbell.c, doorbell_notify.c, vcpu.c) validate, keep the
 * books and call the backend; no logic is written twice.
 */
#ifndef VMDEV_VM_INTERNAL_H
#define VMDEV_VM_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <vmdev/regdev.h>
#include <vmdev/vcpu.h>
#include <vmdev/vm.h>

#include "base/rcu.h"
#include "regdev.h"

struct doorbell;
struct doorbell_table;

/* Bytes of a device name with its NUL (the UAPI's create request). */
#define REGDEV_NAME_MAX	32

/* ---- Backends ---------------------------------------------------------- */

/*
 * Every operation returns 0 (or a count) or a negative errno with nothing
 * changed, and sets errno through vmdev_err(). Calls on one device are
 * serialized by the front end where they change bindings (rd->lock);
 * access, the VMM-side calls and stats may run concurrently.
 */
struct regdev_backend {
	/* The device of a checked map, mapped at ranges; and its end. */
	int (*create)(struct vmdev_regdev *rd,
		      const struct vmdev_rdev_desc *desc,
		      const struct vmdev_range *ranges, uint32_t nr_ranges);
	void (*destroy)(struct vmdev_regdev *rd);
	/*
	 * Teardown, once the device is off the I/O manager: take it off
	 * every path that does not pass through userspace, at once (the
	 * memory waits for a grace period). NULL: there is none.
	 */
	void (*unplug)(struct vmdev_regdev *rd);
	/*
	 * A guest access at addr (offset into the device's window):
	 * 0 when the device completed it, VMDEV_RDEV_SLOW, or -errno.
	 */
	int (*access)(struct vmdev_regdev *rd, enum vmdev_space space,
		      uint64_t addr, uint64_t offset, uint32_t len,
		      bool write, uint64_t *data);
	int (*reset)(struct vmdev_regdev *rd);
	int (*reg_read)(struct vmdev_regdev *rd, uint32_t reg, uint64_t *val);
	int (*reg_write)(struct vmdev_regdev *rd, uint32_t reg, uint64_t val);
	int (*fifo)(struct vmdev_regdev *rd, uint32_t reg, bool fill,
		    void *buf, uint32_t count);
	int (*stats)(struct vmdev_regdev *rd, struct vmdev_regdev_stats *st);
	/* Group flags of a line, and the line's delivery through grp. */
	uint32_t (*irq_group_flags)(bool level);
	int (*irq_bind)(struct vmdev_regdev *rd, uint32_t line,
			struct vmdev_irq_group *grp);
	int (*irq_unbind)(struct vmdev_regdev *rd, uint32_t line,
			  struct vmdev_irq_group *grp);
	/* Sets db->fd: the doorbell's ioeventfd (kernel), or -1 (user). */
	int (*doorbell_add)(struct vmdev_regdev *rd, struct doorbell *db);
	void (*doorbell_remove)(struct vmdev_regdev *rd, struct doorbell *db);
	int (*notify_bind)(struct vmdev_regdev *rd, uint32_t reg, int fd);
	int (*notify_unbind)(struct vmdev_regdev *rd, uint32_t reg, int fd);
};

extern const struct regdev_backend vmdev_regdev_kernel_ops;
extern const struct regdev_backend vmdev_regdev_user_ops;

/* ---- The context ------------------------------------------------------ */

struct vmdev_vm {
	_Atomic unsigned int refs;	/* the caller's, devices', vCPUs' */
	/* Device teardowns left to liburcu's call_rcu thread, pending. */
	_Atomic unsigned int deferred;
	enum vmdev_vm_mode mode;	/* KERNEL or USER */
	const struct regdev_backend *ops;
	int vm_fd;			/* borrowed */
	int ctx_fd;			/* /dev/vmdev context, or -1 */
	bool kvm_bus;			/* attached: level 3 */
	bool batch;			/* vmdev_vm_batch_begin(), under lock */
	struct vmdev_io_manager *io;
	bool own_io;
	struct vmdev_irq_manager *irqs;	/* a reference, or NULL */
	/* Serializes device creation and the doorbell table's writers. */
	pthread_mutex_t lock;
	uint32_t nr_devices;
	uint32_t nr_ranges;
	/*
	 * Doorbells of every device, sorted; read under RCU (doorbell.c
	 * builds and replaces it). One allocation, so the VM's teardown
	 * frees the last one without calling up into doorbell.c.
	 */
	struct doorbell_table *doorbells;
	/* Register devices by creation, under lock (snapshot_vm.c). */
	struct vmdev_regdev *snap_devs;
	uint32_t snap_next_id;
};

void vmdev_vm_get(struct vmdev_vm *vm);
void vmdev_vm_put(struct vmdev_vm *vm);
/*
 * Before a user of the context (the VMM's handle, a vCPU) drops its
 * reference: wait for the device teardowns left to call_rcu, so that the
 * context never goes on the call_rcu thread (where freeing its I/O
 * manager would wait for call_rcu work). Not from a device callback.
 */
void vmdev_vm_drain_deferred(struct vmdev_vm *vm);

/* ---- Register devices --------------------------------------------------- */

/*
 * An interrupt line's binding. grp is the front end's (bound or not, freed
 * with the binding); live is what user-mode deliveries read under RCU: set
 * at bind, cleared before grp goes, so a delivery never sees a freed group.
 */
struct regdev_line {
	struct vmdev_irq_group *grp;
	struct vmdev_irq_group *live;
	/* User mode, level lines: orders assert/clear with the device. */
	pthread_mutex_t lock;
};

/* A notify binding: DOORBELL register -> the VMM's eventfd (our dup). */
struct regdev_notify {
	uint32_t reg;
	int fd;				/* -1: slot unused */
};

struct regdev_counters {
	_Atomic uint64_t fast;
	_Atomic uint64_t slow;
	_Atomic uint64_t irqs;
	_Atomic uint64_t doorbells;
	_Atomic uint64_t ioeventfds;
};

struct vmdev_regdev {
	struct rcu_head rcu;		/* deferred teardown */
	struct vmdev_vm *vm;		/* a reference */
	struct vmdev_device *iodev;	/* on the I/O manager; owns rd */
	struct vmdev_resources *res;	/* its PIO and MMIO ranges */
	uint32_t nr_ranges;
	/* The map, as far as the front end needs it (copied). */
	struct vmdev_reg *regs;
	uint32_t nr_regs;
	uint32_t nr_irqs;
	struct vmdev_irq irqs[VMDEV_MAX_IRQS];
	char name[REGDEV_NAME_MAX];
	vmdev_io_read_fn slow_read;
	vmdev_io_write_fn slow_write;
	void *opaque;
	/* Backend state. */
	uint32_t kid;			/* kernel: the module's id */
	struct vmdev_rdev *rdev;	/* user: the core's device */
	struct regdev_counters stats;	/* user */
	_Atomic int user_notify[VMDEV_RDEV_MAX_DOORBELLS]; /* user: by slot */
	/* Serializes binding changes (lines, doorbells, notify fds). */
	pthread_mutex_t lock;
	struct regdev_line lines[VMDEV_MAX_IRQS];
	struct regdev_notify notify[VMDEV_RDEV_MAX_DOORBELLS];
	struct doorbell *doorbells;	/* this device's, linked by next */
	struct doorbell *retired;	/* removed at teardown, freed last */
	struct doorbell_table *retired_table;	/* likewise */
	/* Snapshot key (creation order in the vm) and list, snapshot_vm.c. */
	uint32_t snap_id;
	struct vmdev_regdev *snap_next;
};

/* ---- Snapshot bookkeeping (snapshot_vm.c) ------------------------------- */

/* A register device joins or leaves its vm's list of saved devices. */
void vmdev_snap_track(struct vmdev_regdev *rd);
void vmdev_snap_untrack(struct vmdev_regdev *rd);

/* ---- User backend helpers (regdev_user.c) ------------------------------ */

/*
 * Apply a doorbell: a guest write of value to register reg, at its
 * offset and width. Called under RCU by the vCPU loop.
 */
void vmdev_regdev_user_apply(struct vmdev_regdev *rd, uint32_t reg,
			     uint64_t value);

/* Deliver what a VMM-side call on the core reported (snapshot.c). */
void vmdev_regdev_user_deliver(struct vmdev_regdev *rd,
			       const struct vmdev_rdev_events *ev);

/* ---- Doorbells (doorbell.c) --------------------------------------------- */

struct doorbell {
	struct doorbell *next;		/* in the device's list */
	struct vmdev_regdev *rd;
	uint32_t reg;
	uint8_t space;
	uint8_t len;
	bool match;
	uint64_t addr;
	uint64_t datamatch;
	uint64_t value;			/* what is applied */
	int fd;				/* kernel: ioeventfd; or -1 */
};

/*
 * vmdev_regdev_doorbell_add() and _remove() validate and keep the table;
 * user mode, vCPU loop: if a guest write of len bytes at addr matches a
 * doorbell, apply it and return true. Takes its own RCU read lock.
 */
bool vmdev_doorbell_hit(struct vmdev_vm *vm, enum vmdev_space space,
			uint64_t addr, uint32_t len, const void *data);

/*
 * Teardown, in two steps. Unbind: every binding stops (module and KVM
 * bindings are removed, user-mode deliveries unpublished), rd->lock held.
 * Release: once no reader can see them, free what the bindings held.
 */
void vmdev_doorbell_unbind_all(struct vmdev_regdev *rd);
void vmdev_doorbell_release_all(struct vmdev_regdev *rd);
void vmdev_notify_unbind_all(struct vmdev_regdev *rd);
void vmdev_notify_release_all(struct vmdev_regdev *rd);
void vmdev_irqline_unbind_all(struct vmdev_regdev *rd);
void vmdev_irqline_release_all(struct vmdev_regdev *rd);

/* ---- Small shared helpers ---------------------------------------------- */

/*
 * Copy a struct the library fills to the caller's, whose leading size_t
 * says how large it is: up to min(dst_sz, src_sz), zeroing the caller's
 * bytes past what this library knows. -EINVAL when dst_sz cannot even
 * hold the size field.
 */
int vmdev_fill_out(void *dst, size_t dst_sz, const void *src, size_t src_sz);

/*
 * What /proc/self/fd says fd is ("anon_inode:[eventfd]"): 0, -EBADF
 * (not an open fd), -ENOENT (/proc cannot tell: not mounted).
 */
int vmdev_fd_link(int fd, char *buf, size_t len);

/*
 * Whether fd is an anonymous inode of that name ("[eventfd]",
 * "kvm-vcpu:"): 1 or 0, 1 as well when /proc cannot tell (not mounted),
 * or -errno for a bad fd.
 */
int vmdev_fd_is_anon(int fd, const char *name);

/* Low len bytes of v, as a mask. */
static inline uint64_t vmdev_len_mask(uint32_t len)
{
	return len >= 8 ? ~0ULL : (1ULL << (8 * len)) - 1;
}

/*
 * Kernel mode, vCPU loop: the module has already declined this access
 * (it returned the exit), so the device's callback goes straight to the
 * slow path instead of asking the module again. Armed around the
 * dispatch of an exit's first element; consumed by the first callback
 * that matches it exactly.
 */
void vmdev_declined_arm(enum vmdev_space space, uint64_t addr, uint32_t len,
			bool write);
void vmdev_declined_disarm(void);
bool vmdev_declined_take(enum vmdev_space space, uint64_t addr, uint32_t len,
			 bool write);

#endif /* VMDEV_VM_INTERNAL_H */
