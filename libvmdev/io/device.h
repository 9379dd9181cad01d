/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* What the I/O manager needs of a device beyond the public API. */
#ifndef VMDEV_DEVICE_H
#define VMDEV_DEVICE_H

#include <stdbool.h>
#include <vmdev/io.h>

/* Take n references at once (one per range being registered). */
void vmdev_device_get_n(struct vmdev_device *dev, unsigned long n);

/*
 * Call the device's read (write false) or write callback for one access,
 * under the device's mutex if it is serialized. data is only read from
 * for a write.
 */
/*
 * What a dispatch needs of a device that takes no lock. The bus copies
 * it into each of the device's entries (it never changes), so that an
 * access to such a device reads the bus and not the device: at
 * thousands of devices, the device is one cache miss more per access.
 */
struct vmdev_device_call {
	vmdev_io_read_fn read;
	vmdev_io_write_fn write;
	void *opaque;
	bool direct;	/* not serialized: call read/write without a lock */
};

void vmdev_device_call_of(const struct vmdev_device *dev,
			  struct vmdev_device_call *call);

int vmdev_device_access(struct vmdev_device *dev, enum vmdev_space space,
			uint64_t base, uint64_t offset, void *data, size_t len,
			bool write);

/*
 * Snapshots: whether the device has save/restore callbacks, and calls
 * of them under its mutex if it is serialized. Negative errno returns;
 * a callback that claims more bytes than it was given, or returns a
 * positive value from restore, is -EIO.
 */
bool vmdev_device_has_state(const struct vmdev_device *dev);
ssize_t vmdev_device_save(struct vmdev_device *dev, void *buf, size_t len);
int vmdev_device_restore(struct vmdev_device *dev, const void *buf,
			 size_t len, unsigned int flags);

#endif /* VMDEV_DEVICE_H */
