/* SPDX-License-Identifier: GPL-2.0 */
/* Guest accesses on a context's bus, from an address to a register. */
#ifndef VMDEV_DISPATCH_H
#define VMDEV_DISPATCH_H

#include <linux/types.h>

struct vmdev_ctx;

int vmdev_dispatch(struct vmdev_ctx *ctx, u32 space, u64 addr, u32 len,
		   bool write, u64 *data);
bool vmdev_dispatch_kvm(struct vmdev_ctx *ctx, u32 space, u64 addr, u32 len,
			bool write, u64 *data);

#endif /* VMDEV_DISPATCH_H */
