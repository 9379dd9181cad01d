/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Snapshots of register devices (Documentation/snapshot.rst): a device's
 * whole state as a versioned blob, the same bytes in VMDEV_VM_KERNEL mode
 * (the module's VMDEV_SAVE_DEVICE / VMDEV_RESTORE_DEVICE) and in
 * VMDEV_VM_USER mode (the same core in this process), so a state saved in
 * one mode restores in the other.
 */
#ifndef VMDEV_SNAPSHOT_H
#define VMDEV_SNAPSHOT_H

#include <vmdev/common.h>
#include <vmdev/regdev.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vmdev_resource_manager;

struct vmdev_snapshot_opts {
	size_t sz;
	/* None defined yet: must be zero. */
	uint32_t flags;
	/*
	 * vmdev_vm_save() and vmdev_vm_restore() only (-EINVAL elsewhere):
	 * the VMM's resource manager, whose allocations go in the same
	 * blob and come back with it (Documentation/snapshot.rst).
	 */
	struct vmdev_resource_manager *resources;
};

/*
 * Save rd's state to buf (len bytes): the blob's size, or -ENOSPC when
 * len is too small. buf NULL: the size a blob of rd can take at most,
 * a constant of its register map. The save is atomic with respect to
 * the device's guest accesses, doorbells and interrupt lines.
 */
VMDEV_API int vmdev_regdev_save(struct vmdev_regdev *rd, void *buf,
				size_t len,
				const struct vmdev_snapshot_opts *opts);

/*
 * Replace rd's state with a blob saved from a device of the same register
 * map, in either mode; lines that change are delivered as for any other
 * call. Errors leave rd unchanged: -EBADMSG (malformed, corrupted or
 * inconsistent blob), -EPROTONOSUPPORT (another format version, an
 * unknown mandatory section), -EMEDIUMTYPE (another register map), -E2BIG
 * (over VMDEV_SNAPSHOT_MAX), -EINVAL (NULL rd or blob, bad opts).
 */
VMDEV_API int vmdev_regdev_restore(struct vmdev_regdev *rd, const void *blob,
				   size_t len,
				   const struct vmdev_snapshot_opts *opts);

/*
 * A vm's whole device side at once: a context blob (snapshot.rst) with
 * one section per register device, keyed by the device's creation
 * number in the vm (1 for the first vmdev_regdev_new() that succeeded,
 * 2 for the next, in both modes); when a userspace device holds a range
 * of vmdev_vm_io(vm), the I/O manager's layout and the state of every
 * userspace device with save/restore callbacks (<vmdev/io.h>), keyed by
 * the space and base of its lowest range; with opts->resources, that
 * manager's allocations. vmdev_vm_save() returns as vmdev_regdev_save()
 * does (buf NULL: the bound for the vm now), -E2BIG over
 * VMDEV_SNAPSHOT_MAX, or a device callback's error; each device is saved
 * atomically, the set of them is one instant of the vm only with its
 * vCPUs paused. vmdev_vm_restore() needs the same creation numbers and
 * maps, the same layout and userspace devices with state, a manager of
 * the same configuration when the blob has allocations and only then
 * (-EMEDIUMTYPE otherwise) holding none the blob lacks (-EBUSY); it
 * validates everything, userspace devices through their restore
 * callback with VMDEV_DEVICE_RESTORE_CHECK, then applies it; errors as
 * vmdev_regdev_restore() or a callback's, nothing changed on error.
 */
VMDEV_API int vmdev_vm_save(struct vmdev_vm *vm, void *buf, size_t len,
			    const struct vmdev_snapshot_opts *opts);
VMDEV_API int vmdev_vm_restore(struct vmdev_vm *vm, const void *blob,
			       size_t len,
			       const struct vmdev_snapshot_opts *opts);

#ifdef __cplusplus
}
#endif
#endif /* VMDEV_SNAPSHOT_H */
