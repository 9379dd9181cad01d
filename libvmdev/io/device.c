// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Devices: a pair of access callbacks, an opaque pointer and a reference
 * count (the creator's, plus one per registered range). A serialized
 * device also carries the mutex the library holds around each callback.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include "device.h"
#include "base/internal.h"

struct vmdev_device {
	atomic_ulong refs;
	bool serialized;
	vmdev_io_read_fn read;
	vmdev_io_write_fn write;
	void (*release)(void *opaque);
	void *opaque;
	vmdev_io_save_fn save;
	vmdev_io_restore_fn restore;
	/*
	 * Serialized devices only. Error-checking, so that a callback which
	 * re-enters its own device fails with -EDEADLK instead of hanging
	 * the vCPU forever.
	 */
	pthread_mutex_t lock;
};

static int init_lock(pthread_mutex_t *lock)
{
	pthread_mutexattr_t attr;
	int err;

	err = pthread_mutexattr_init(&attr);
	if (err)
		return -err;
	err = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
	if (!err)
		err = pthread_mutex_init(lock, &attr);
	pthread_mutexattr_destroy(&attr);
	return -err;
}

int vmdev_device_new(const struct vmdev_device_opts *opts,
		     struct vmdev_device **out)
{
	struct vmdev_device *dev;
	int kind, err;

	if (!opts || !out)
		return vmdev_err(EINVAL);
	err = VMDEV_OPTS_CHECK(opts, restore);
	if (err)
		return err;
	kind = VMDEV_OPT(opts, kind, VMDEV_DEVICE_SERIALIZED);
	if (kind != VMDEV_DEVICE_SERIALIZED && kind != VMDEV_DEVICE_THREAD_SAFE)
		return vmdev_err(EINVAL);
	/* A device that handles nothing is a mistake, not a sink. */
	if (!VMDEV_OPT(opts, read, NULL) && !VMDEV_OPT(opts, write, NULL))
		return vmdev_err(EINVAL);
	/* Half a snapshot pair would save what cannot come back, or not. */
	if (!VMDEV_OPT(opts, save, NULL) != !VMDEV_OPT(opts, restore, NULL))
		return vmdev_err(EINVAL);
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return vmdev_err(ENOMEM);
	dev->serialized = kind == VMDEV_DEVICE_SERIALIZED;
	if (dev->serialized) {
		err = init_lock(&dev->lock);
		if (err) {
			free(dev);
			return vmdev_err(-err);
		}
	}
	dev->read = VMDEV_OPT(opts, read, NULL);
	dev->write = VMDEV_OPT(opts, write, NULL);
	dev->release = VMDEV_OPT(opts, release, NULL);
	dev->opaque = VMDEV_OPT(opts, opaque, NULL);
	dev->save = VMDEV_OPT(opts, save, NULL);
	dev->restore = VMDEV_OPT(opts, restore, NULL);
	atomic_init(&dev->refs, 1);
	*out = dev;
	return 0;
}

struct vmdev_device *vmdev_device_get(struct vmdev_device *dev)
{
	if (dev)
		vmdev_device_get_n(dev, 1);
	return dev;
}

void vmdev_device_get_n(struct vmdev_device *dev, unsigned long n)
{
	/* The caller holds a reference already: no ordering needed. */
	atomic_fetch_add_explicit(&dev->refs, n, memory_order_relaxed);
}

void vmdev_device_put(struct vmdev_device *dev)
{
	/* Release on every put, acquire on the last: release() sees all. */
	if (!dev || atomic_fetch_sub_explicit(&dev->refs, 1,
					      memory_order_acq_rel) != 1)
		return;
	if (dev->release)
		dev->release(dev->opaque);
	if (dev->serialized)
		pthread_mutex_destroy(&dev->lock);
	free(dev);
}

void *vmdev_device_opaque(const struct vmdev_device *dev)
{
	return dev ? dev->opaque : NULL;
}

void vmdev_device_call_of(const struct vmdev_device *dev,
			  struct vmdev_device_call *call)
{
	call->read = dev->read;
	call->write = dev->write;
	call->opaque = dev->opaque;
	call->direct = !dev->serialized;
}

bool vmdev_device_has_state(const struct vmdev_device *dev)
{
	return dev->save;
}

static int lock_dev(struct vmdev_device *dev)
{
	return dev->serialized ? -pthread_mutex_lock(&dev->lock) : 0;
}

static void unlock_dev(struct vmdev_device *dev)
{
	if (dev->serialized)
		pthread_mutex_unlock(&dev->lock);
}

ssize_t vmdev_device_save(struct vmdev_device *dev, void *buf, size_t len)
{
	ssize_t ret = lock_dev(dev);

	if (ret)
		return ret;
	ret = dev->save(dev->opaque, buf, len);
	unlock_dev(dev);
	/* Claiming more than it was given: a broken callback, not a size. */
	if (ret > 0 && buf && (size_t)ret > len)
		return -EIO;
	return ret;
}

int vmdev_device_restore(struct vmdev_device *dev, const void *buf,
			 size_t len, unsigned int flags)
{
	int ret = lock_dev(dev);

	if (ret)
		return ret;
	ret = dev->restore(dev->opaque, buf, len, flags);
	unlock_dev(dev);
	return ret > 0 ? -EIO : ret;
}

int vmdev_device_access(struct vmdev_device *dev, enum vmdev_space space,
			uint64_t base, uint64_t offset, void *data, size_t len,
			bool write)
{
	int ret;

	if (write ? !dev->write : !dev->read)
		return -EOPNOTSUPP;
	if (dev->serialized) {
		ret = pthread_mutex_lock(&dev->lock);
		if (ret)
			return -ret;
	}
	if (write)
		ret = dev->write(dev->opaque, space, base, offset, data, len);
	else
		ret = dev->read(dev->opaque, space, base, offset, data, len);
	if (dev->serialized)
		pthread_mutex_unlock(&dev->lock);
	return ret;
}
