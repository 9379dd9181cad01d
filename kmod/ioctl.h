/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ioctl handlers of /dev/vmdev, one per UAPI command. Each takes the
 * context of the file and the user pointer argument, and returns 0 or a
 * negative errno.
 */
#ifndef VMDEV_IOCTL_H
#define VMDEV_IOCTL_H

#include <linux/compiler_types.h>

struct vmdev_ctx;

typedef long (*vmdev_ioctl_fn)(struct vmdev_ctx *ctx, void __user *uarg);

/* device_cmd.c */
long vmdev_ioctl_create_device(struct vmdev_ctx *ctx, void __user *uarg);
long vmdev_ioctl_destroy_device(struct vmdev_ctx *ctx, void __user *uarg);
long vmdev_ioctl_reset_device(struct vmdev_ctx *ctx, void __user *uarg);

/* access.c */
long vmdev_ioctl_access(struct vmdev_ctx *ctx, void __user *uarg);
long vmdev_ioctl_access_batch(struct vmdev_ctx *ctx, void __user *uarg);

/* regio.c */
long vmdev_ioctl_reg_read(struct vmdev_ctx *ctx, void __user *uarg);
long vmdev_ioctl_reg_write(struct vmdev_ctx *ctx, void __user *uarg);
long vmdev_ioctl_fifo_io(struct vmdev_ctx *ctx, void __user *uarg);

/* stats.c */
long vmdev_ioctl_get_stats(struct vmdev_ctx *ctx, void __user *uarg);

/* runloop.c */
long vmdev_ioctl_run(struct vmdev_ctx *ctx, void __user *uarg);

/* irqfd.c, ioeventfd.c, notifyfd.c */
long vmdev_ioctl_irqfd(struct vmdev_ctx *ctx, void __user *uarg);
long vmdev_ioctl_ioeventfd(struct vmdev_ctx *ctx, void __user *uarg);
long vmdev_ioctl_notifyfd(struct vmdev_ctx *ctx, void __user *uarg);

/* level3.c */
long vmdev_ioctl_kvm_attach(struct vmdev_ctx *ctx, void __user *uarg);
long vmdev_ioctl_get_level(struct vmdev_ctx *ctx, void __user *uarg);
long vmdev_ioctl_batch(struct vmdev_ctx *ctx, void __user *uarg);

/* snapshot.c */
long vmdev_ioctl_save_device(struct vmdev_ctx *ctx, void __user *uarg);
long vmdev_ioctl_restore_device(struct vmdev_ctx *ctx, void __user *uarg);
long vmdev_ioctl_save_context(struct vmdev_ctx *ctx, void __user *uarg);
long vmdev_ioctl_restore_context(struct vmdev_ctx *ctx, void __user *uarg);

#endif /* VMDEV_IOCTL_H */
