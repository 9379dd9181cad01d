/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A device's eventfd bindings: its interrupt lines' irqfds (with their
 * resample eventfds), its doorbells' notify fds and the ioeventfds that
 * write its registers (Documentation/fast-path.rst, "Level 2 and
 * interrupt routing").
 *
 * Bindings change under the context's mutex. Deliveries read the irqfd
 * and notify fd slots under RCU; ioeventfd and resample wakeups reach
 * their own binding through their wait-queue entry. Everything a device
 * has bound goes away with it, in vmdev_bindings_release().
 */
#ifndef VMDEV_BINDING_H
#define VMDEV_BINDING_H

#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/vmdev.h>

#include "eventfd.h"
#include "regdev.h"

/*
 * ioeventfds one device may have: one per value of a byte-wide register
 * (a UART's THR with a datamatch ioeventfd for every byte) fits.
 */
#define VMDEV_MAX_IOEVENTFDS	256

struct vmdev_ctx;
struct vmdev_device;

/* Interrupt line -> trigger eventfd, and the resample eventfd's hook. */
struct vmdev_irqfd_binding {
	struct vmdev_device *dev;
	u32 line;
	bool has_resample;
	struct vmdev_sink trigger;
	struct vmdev_source resample;
};

/* Doorbell register -> eventfd. */
struct vmdev_notifyfd_binding {
	struct vmdev_sink sink;
};

/* ioeventfd -> a guest write of value, at offset with width. */
struct vmdev_ioeventfd_binding {
	struct hlist_node node;		/* in vmdev_bindings.ioeventfds */
	struct vmdev_device *dev;
	struct vmdev_source src;
	u32 reg;
	u32 offset;
	u32 width;
	u64 value;
};

/*
 * Part of struct vmdev_device. All zero is the empty set, which is what
 * a zero-allocated device starts with.
 */
struct vmdev_bindings {
	struct vmdev_irqfd_binding __rcu *irqfds[VMDEV_MAX_IRQS];
	struct vmdev_notifyfd_binding __rcu *
		notifyfds[VMDEV_RDEV_MAX_DOORBELLS];
	struct hlist_head ioeventfds;	/* under the context's mutex */
	u32 nr_ioeventfds;
};

struct vmdev_device *vmdev_bind_find(struct vmdev_ctx *ctx, u32 id);
int vmdev_bind_check_source(struct vmdev_ctx *ctx, struct vmdev_bindings *set,
			    const struct eventfd_ctx *efd);
int vmdev_bind_check_sink(struct vmdev_ctx *ctx, struct vmdev_bindings *set,
			  const struct eventfd_ctx *efd);

void vmdev_irqfd_unhook(struct vmdev_irqfd_binding *b);
void vmdev_irqfd_free(struct vmdev_irqfd_binding *b);
void vmdev_notifyfd_free(struct vmdev_notifyfd_binding *b);
void vmdev_ioeventfd_free(struct vmdev_ioeventfd_binding *b);

void vmdev_bindings_release(struct vmdev_device *dev);

/*
 * What differs between the kinds of binding (irqfd.c, ioeventfd.c,
 * notifyfd.c). vmdev_bind_ioctl() runs what they share: the flags,
 * finding the device under the context's mutex, the eventfd an unbind
 * names, the teardown steps of binding.c and the free on every error.
 * req is the kind's ioctl argument, b its binding.
 */
struct vmdev_bind_ops {
	/* Bytes of a binding; it starts zeroed. */
	size_t size;
	/* Take req's eventfds into b: 0, or -errno and nothing held. */
	int (*take)(void *b, const void *req);
	/* Publish b on dev (under the context's mutex), or -errno. */
	int (*publish)(struct vmdev_ctx *ctx, struct vmdev_device *dev,
		       void *b, const void *req);
	/*
	 * The binding of efd that req names on dev, unpublished and
	 * unhooked (steps 1 and 2, under the context's mutex), or an
	 * ERR_PTR().
	 */
	void *(*unpublish)(struct vmdev_ctx *ctx, struct vmdev_device *dev,
			   const void *req, const struct eventfd_ctx *efd);
	/* Step 4 for an unhooked binding. */
	void (*free)(void *b);
	/* Deliveries find the binding under RCU: an unbind waits (step 3). */
	bool rcu_readers;
};

/* Bind, or unbind with VMDEV_BIND_F_DEASSIGN, fd on the device id. */
long vmdev_bind_ioctl(struct vmdev_ctx *ctx, const struct vmdev_bind_ops *ops,
		      const void *req, u32 id, u32 flags, int fd);

#endif /* VMDEV_BINDING_H */
