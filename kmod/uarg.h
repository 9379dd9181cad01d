/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copying ioctl arguments in and out: the extensible structs of the UAPI
 * (leading __u32 size, see the rules at the top of linux/vmdev.h) and the
 * arrays they point to.
 */
#ifndef VMDEV_UARG_H
#define VMDEV_UARG_H

#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/build_bug.h>
#include <linux/vmdev.h>

/*
 * Size of the first version of each extensible struct: a smaller size is
 * refused. Later versions only grow, so these never change.
 */
#define VMDEV_CREATE_DEVICE_SIZE_VER0 \
	offsetofend(struct vmdev_create_device, name)
#define VMDEV_DEVICE_ID_SIZE_VER0	offsetofend(struct vmdev_device_id, id)
#define VMDEV_ACCESS_BATCH_SIZE_VER0 \
	offsetofend(struct vmdev_access_batch, pad)
#define VMDEV_REG_IO_SIZE_VER0		offsetofend(struct vmdev_reg_io, value)
#define VMDEV_FIFO_IO_SIZE_VER0		offsetofend(struct vmdev_fifo_io, done)

int vmdev_uarg_copy_in(void *karg, size_t ksize, size_t min_size,
		       const void __user *uarg);
int vmdev_uarg_copy_out(void __user *uarg, const void *karg, size_t ksize);
void *vmdev_uarg_dup_array(u64 uptr, u32 n, size_t size);

/*
 * Read the extensible struct *karg from uarg; karg->size is then the size
 * userspace gave, which vmdev_uarg_put() honours when writing back.
 */
#define vmdev_uarg_get(karg, min_size, uarg) ({			\
	typeof(karg) k__ = (karg);					\
	BUILD_BUG_ON(offsetof(typeof(*k__), size) != 0);		\
	vmdev_uarg_copy_in(k__, sizeof(*k__), min_size, uarg);		\
})
#define vmdev_uarg_put(uarg, karg) ({					\
	typeof(karg) k__ = (karg);					\
	BUILD_BUG_ON(offsetof(typeof(*k__), size) != 0);		\
	vmdev_uarg_copy_out(uarg, k__, sizeof(*k__));			\
})

#endif /* VMDEV_UARG_H */
