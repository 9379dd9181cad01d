/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Devices and the I/O manager: device callbacks, a PIO bus (16-bit ports)
 * and an MMIO bus (64-bit addresses), registration by resource set, guest
 * access dispatch and hotplug transactions.
 *
 * Dispatch (vmdev_io_read/write/lookup) is safe from any number of threads
 * at once and takes no lock on the buses: they are immutable sorted arrays
 * published with RCU, searched in O(log n). Writers copy, change and
 * publish a whole new pair of buses at once; nothing is ever half
 * registered. Documentation/io-manager.rst is the reference.
 */
#ifndef VMDEV_IO_H
#define VMDEV_IO_H

#include <vmdev/common.h>
#include <vmdev/resource.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest access on each bus, in bytes (KVM's PIO and MMIO exits). */
#define VMDEV_PIO_MAX_LEN	4
#define VMDEV_MMIO_MAX_LEN	8

/* Highest port of the PIO bus. */
#define VMDEV_PIO_MAX_ADDR	0xffffULL

/* ------------------------------------------------------------------ */
/* Devices                                                              */
/* ------------------------------------------------------------------ */

/*
 * A guest access to a device: space is the bus, base the start of the
 * registered range that matched, offset the distance of the access from
 * base, and data the len bytes of the access in guest memory order (as in
 * struct kvm_run). A read fills data; a write must not keep the pointer.
 * Return 0 or a negative errno, which the dispatcher passes back.
 */
typedef int (*vmdev_io_read_fn)(void *opaque, enum vmdev_space space,
				uint64_t base, uint64_t offset, void *data,
				size_t len);
typedef int (*vmdev_io_write_fn)(void *opaque, enum vmdev_space space,
				 uint64_t base, uint64_t offset,
				 const void *data, size_t len);

/*
 * Snapshot callbacks of a device (Documentation/snapshot.rst), called by
 * vmdev_vm_save() and vmdev_vm_restore() under the device's mutex if it
 * is serialized, like read and write.
 *
 * save: with buf NULL, the most bytes a save can write now (the blob's
 * bound); else write the state to buf (len bytes) and return its size,
 * or -ENOSPC when len is too small, or another negative errno.
 *
 * restore: put back the state of len bytes a save wrote, returning 0 or
 * a negative errno with nothing changed. With VMDEV_DEVICE_RESTORE_CHECK
 * in flags, only validate: vmdev_vm_restore() checks every device before
 * it changes any, so a restore that passed the check must not fail.
 * Both run with the vm's lock held: they must not create or free the
 * vm's register devices.
 */
typedef ssize_t (*vmdev_io_save_fn)(void *opaque, void *buf, size_t len);
typedef int (*vmdev_io_restore_fn)(void *opaque, const void *buf, size_t len,
				   unsigned int flags);

#define VMDEV_DEVICE_RESTORE_CHECK	(1U << 0)

enum vmdev_device_kind {
	/*
	 * The library calls the device under a per-device mutex: at most
	 * one callback runs at a time (rust-vmm's Mutex<T: DeviceIoMut>).
	 */
	VMDEV_DEVICE_SERIALIZED = 0,
	/* The device locks for itself: callbacks run concurrently. */
	VMDEV_DEVICE_THREAD_SAFE = 1,
};

struct vmdev_device_opts {
	size_t sz;			/* VMDEV_OPTS() fills it */
	enum vmdev_device_kind kind;	/* default: serialized */
	vmdev_io_read_fn read;		/* NULL: reads fail -EOPNOTSUPP */
	vmdev_io_write_fn write;	/* NULL: writes fail -EOPNOTSUPP */
	/* Called once, when the last reference goes; may be NULL. */
	void (*release)(void *opaque);
	void *opaque;			/* passed to every callback */
	/*
	 * Both or neither: a device without them has no state of its own
	 * and is saved as nothing (its ranges are, in the vm's layout).
	 */
	vmdev_io_save_fn save;
	vmdev_io_restore_fn restore;
};

struct vmdev_device;

/*
 * Create a device holding one reference, which the caller owns. -EINVAL
 * for NULL opts or out, a bad opts size or non-zero unknown tail, an
 * unknown kind, neither read nor write, or one of save and restore
 * without the other; -ENOMEM.
 */
VMDEV_API int vmdev_device_new(const struct vmdev_device_opts *opts,
			       struct vmdev_device **out);
/* Take another reference; returns dev (NULL stays NULL). */
VMDEV_API struct vmdev_device *vmdev_device_get(struct vmdev_device *dev);
/*
 * Drop a reference (NULL is ignored). Each registered range holds one
 * too, so a device lives while it is registered; release() runs, on the
 * thread that drops the last reference, once no callback is in flight.
 */
VMDEV_API void vmdev_device_put(struct vmdev_device *dev);
/* The opaque pointer given at creation. */
VMDEV_API void *vmdev_device_opaque(const struct vmdev_device *dev);

/* ------------------------------------------------------------------ */
/* The I/O manager                                                      */
/* ------------------------------------------------------------------ */

struct vmdev_io_manager_opts {
	size_t sz;			/* VMDEV_OPTS() fills it */
};

struct vmdev_io_manager;

/*
 * -EINVAL (NULL out, bad opts), -EAGAIN (no pthread key left for the
 * thread-exit hook of the RCU reader registration), -ENOMEM.
 */
VMDEV_API int vmdev_io_manager_new(const struct vmdev_io_manager_opts *opts,
				   struct vmdev_io_manager **out);
/*
 * Drop every registration and free the manager (NULL is ignored); every
 * reference it held, deferred ones included, is dropped on return. No
 * dispatch or transaction may be running, and it must not be called from
 * a device callback.
 */
VMDEV_API void vmdev_io_manager_free(struct vmdev_io_manager *mgr);

/*
 * Register dev at every PIO and MMIO range of res (other resource kinds
 * are ignored), all or nothing, with one publish: a one-operation
 * transaction. Returns the number of ranges registered, or -EINVAL (NULL
 * argument), -EEXIST (a range overlaps a registered one or another range
 * of res: partial overlap, same base or containment), -ENOMEM. Ranges are
 * valid by construction: vmdev_resources_append() rejects zero-size,
 * wrapping and out-of-space (PIO past 0xFFFF) ranges with -EINVAL.
 */
VMDEV_API ssize_t vmdev_io_register(struct vmdev_io_manager *mgr,
				    struct vmdev_device *dev,
				    const struct vmdev_resources *res);
/*
 * Unregister every PIO and MMIO range of res, all or nothing. Each must
 * be registered with this exact base and size. Returns the number of
 * ranges removed, or -EINVAL (NULL argument, or a range registered at
 * that base with another size), -ENOENT (no range registered at a base,
 * including a base given twice), -ENOMEM. Returns only once every access
 * in flight to a removed range has finished (except when called from a
 * device callback: see Documentation/io-manager.rst).
 */
VMDEV_API ssize_t vmdev_io_unregister(struct vmdev_io_manager *mgr,
				      const struct vmdev_resources *res);

/* A registered range, as vmdev_io_lookup() reports it. */
struct vmdev_io_range {
	uint64_t base;
	uint64_t size;
	struct vmdev_device *dev;	/* a reference: vmdev_device_put() it */
};

/*
 * The range holding addr. -EINVAL (NULL argument, unknown space, port
 * above VMDEV_PIO_MAX_ADDR), -ENOENT (no range holds addr), -ENOMEM (see
 * vmdev_io_read()).
 */
VMDEV_API int vmdev_io_lookup(struct vmdev_io_manager *mgr,
			      enum vmdev_space space, uint64_t addr,
			      struct vmdev_io_range *out);
/* Number of ranges registered on a bus, or -EINVAL, -ENOMEM. */
VMDEV_API ssize_t vmdev_io_nr_ranges(struct vmdev_io_manager *mgr,
				     enum vmdev_space space);

/*
 * Dispatch a guest access of len bytes at addr to the device whose range
 * holds all of it, from any thread (one that is not registered with
 * urcu-memb yet is registered at its first call, until it exits).
 * Returns what the device's callback returned, or
 *   -EINVAL  NULL argument, unknown space, len 0, port above
 *            VMDEV_PIO_MAX_ADDR, or an access that wraps past 2^64 - 1;
 *   -E2BIG   len above the bus's limit (VMDEV_PIO_MAX_LEN,
 *            VMDEV_MMIO_MAX_LEN);
 *   -ENOENT  no registered range touches the access: unhandled, for the
 *            VMM's default (reads as all ones, writes ignored);
 *   -ERANGE  the access touches a range but does not fit in it (runs
 *            past its end into a hole or another range, or starts in a
 *            hole before it);
 *   -EOPNOTSUPP  the device has no callback for this direction;
 *   -EDEADLK a serialized device's callback re-entered the same device;
 *   -ENOMEM  the thread could not be registered with RCU.
 */
VMDEV_API int vmdev_io_read(struct vmdev_io_manager *mgr,
			    enum vmdev_space space, uint64_t addr,
			    void *data, size_t len);
VMDEV_API int vmdev_io_write(struct vmdev_io_manager *mgr,
			     enum vmdev_space space, uint64_t addr,
			     const void *data, size_t len);

/* ------------------------------------------------------------------ */
/* Hotplug transactions                                                 */
/* ------------------------------------------------------------------ */

/*
 * A transaction stages any number of registrations and unregistrations,
 * invisible to dispatch until commit publishes all of them at once.
 * Several transactions may be open on a manager; commits are serialized,
 * and a commit whose manager changed since begin is checked again against
 * the current state (it fails, changing nothing, if it no longer applies).
 * A transaction is used by one thread at a time.
 */
struct vmdev_io_txn;

/* -EINVAL (NULL argument), -ENOMEM. */
VMDEV_API int vmdev_io_txn_begin(struct vmdev_io_manager *mgr,
				 struct vmdev_io_txn **out);
/*
 * Stage as vmdev_io_register() would apply, against the state the
 * transaction sees (the manager at begin plus what is staged). Same
 * returns; nothing is staged on failure.
 */
VMDEV_API ssize_t vmdev_io_txn_register(struct vmdev_io_txn *txn,
					struct vmdev_device *dev,
					const struct vmdev_resources *res);
/* Stage as vmdev_io_unregister() would apply. Same returns. */
VMDEV_API ssize_t vmdev_io_txn_unregister(struct vmdev_io_txn *txn,
					  const struct vmdev_resources *res);
/*
 * Publish everything staged with one pointer swap, then wait until every
 * access in flight to the old state has finished, and drop the removed
 * ranges' references (from a device callback, which cannot wait for
 * itself, that happens after a grace period, on another thread). Ends
 * the transaction whatever the result: 0, or -EINVAL (NULL), -EEXIST,
 * -ENOENT or -EINVAL (a concurrent commit made a staged change
 * inapplicable), -ENOMEM, with nothing changed.
 */
VMDEV_API int vmdev_io_txn_commit(struct vmdev_io_txn *txn);
/* Drop everything staged and end the transaction (NULL is ignored). */
VMDEV_API void vmdev_io_txn_cancel(struct vmdev_io_txn *txn);

#ifdef __cplusplus
}
#endif
#endif /* VMDEV_IO_H */
