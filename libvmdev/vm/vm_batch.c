// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Batches of device changes: the module holds its level 3 windows on
 * KVM's bus from begin to end (VMDEV_BATCH), so that several devices
 * plugged or unplugged together cost one update of KVM's bus. Both modes
 * keep the same state, so that a VMM gets the same errors from either.
 */
#include <errno.h>
#include <sys/ioctl.h>
#include <linux/vmdev.h>

#include "base/internal.h"
#include "vm_internal.h"

/*
 * A module that does not know the command (ENOTTY) has no batches to
 * hold: its windows move with each device, which is slower, not wrong.
 */
static int module_batch(struct vmdev_vm *vm, uint32_t op)
{
	struct vmdev_batch b = { .size = sizeof(b), .op = op };

	if (vm->mode != VMDEV_VM_KERNEL)
		return 0;
	if (!ioctl(vm->ctx_fd, VMDEV_BATCH, &b) || errno == ENOTTY)
		return 0;
	return vmdev_err(errno);
}

static int batch(struct vmdev_vm *vm, bool begin)
{
	int ret;

	if (!vm)
		return vmdev_err(EINVAL);
	pthread_mutex_lock(&vm->lock);
	if (vm->batch == begin) {
		ret = vmdev_err(begin ? EBUSY : EINVAL);
	} else {
		ret = module_batch(vm, begin ? VMDEV_BATCH_BEGIN :
				   VMDEV_BATCH_END);
		if (!ret)
			vm->batch = begin;
	}
	pthread_mutex_unlock(&vm->lock);
	return ret;
}

int vmdev_vm_batch_begin(struct vmdev_vm *vm)
{
	return batch(vm, true);
}

int vmdev_vm_batch_end(struct vmdev_vm *vm)
{
	return batch(vm, false);
}
