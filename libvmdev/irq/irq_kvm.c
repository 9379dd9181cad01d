// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The KVM interrupt backend. Every vector's trigger eventfd is a KVM
 * irqfd on GSI base + i (level lines with KVM_IRQFD_FLAG_RESAMPLE and
 * their resample eventfd), and the GSIs are routed to the in-kernel
 * irqchip or as MSIs (irq_kvm_routing.c). KVM has no mask for an irqfd:
 * masking a vector detaches its irqfd, so events, the library's or a
 * direct signaller's, stay in the eventfd until unmask attaches it again
 * and KVM injects what it finds there.
 */
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "base/internal.h"
#include "irq_kvm_routing.h"

static int kvm_irqfd(struct vmdev_irq_group *grp, uint32_t vector,
		     bool assign)
{
	const struct vmdev_irq_vec *vec = &grp->vec[vector];
	struct kvm_irqfd req = {
		.fd = (uint32_t)vec->trigger_fd,
		.gsi = grp->base + vector,
	};

	if (!assign) {
		req.flags = KVM_IRQFD_FLAG_DEASSIGN;
	} else if (vmdev_irq_group_is_level(grp)) {
		req.flags = KVM_IRQFD_FLAG_RESAMPLE;
		req.resamplefd = (uint32_t)vec->resample_fd;
	}
	if (ioctl(irq_kvm(grp->mgr)->vm_fd, KVM_IRQFD, &req))
		return vmdev_err(errno);
	return 0;
}

static bool vec_masked(const struct vmdev_irq_group *grp, uint32_t vector)
{
	return atomic_load(&grp->vec[vector].state) & IRQ_VEC_MASKED;
}

/*
 * Detach the irqfds of the first n vectors (the unmasked ones). KVM fails
 * a detach only for an fd that is not an eventfd, never ours.
 */
static void kvm_detach_first(struct vmdev_irq_group *grp, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (!vec_masked(grp, i))
			kvm_irqfd(grp, i, false);
}

static int kvm_check_config(struct vmdev_irq_manager *mgr,
			    const struct vmdev_irq_group *grp,
			    const struct vmdev_irq_config *cfg)
{
	if (grp->type == VMDEV_IRQ_MSI && cfg->flags & VMDEV_IRQ_CFG_DEVID &&
	    !irq_kvm(mgr)->devid)
		return vmdev_err(EOPNOTSUPP);
	return 0;
}

/* A legacy line must lead somewhere: its own route or a default one. */
static int kvm_check_routes(const struct vmdev_irq_group *grp)
{
	uint32_t i;

	if (grp->type != VMDEV_IRQ_LEGACY)
		return 0;
	for (i = 0; i < grp->count; i++)
		if (!grp->vec[i].configured &&
		    !vmdev_irq_kvm_has_default_route(grp->mgr, grp->base + i))
			return vmdev_err(ENXIO);
	return 0;
}

static int kvm_enable(struct vmdev_irq_group *grp)
{
	uint32_t i;
	int err;

	err = kvm_check_routes(grp);
	if (err)
		return err;
	grp->routed = true;
	err = vmdev_irq_kvm_route(grp->mgr);
	if (err)
		goto unroute;
	for (i = 0; i < grp->count; i++) {
		if (vec_masked(grp, i))
			continue;
		err = kvm_irqfd(grp, i, true);
		if (err)
			goto detach;
	}
	return 0;

detach:
	kvm_detach_first(grp, i);
	grp->routed = false;
	vmdev_irq_kvm_route(grp->mgr);
	return vmdev_err(-err);
unroute:
	grp->routed = false;
	return err;
}

static int kvm_disable(struct vmdev_irq_group *grp)
{
	int err;

	grp->routed = false;
	err = vmdev_irq_kvm_route(grp->mgr);
	if (err) {
		grp->routed = true;
		return err;
	}
	kvm_detach_first(grp, grp->count);
	return 0;
}

static int kvm_mask(struct vmdev_irq_group *grp, uint32_t vector)
{
	return kvm_irqfd(grp, vector, false);
}

/*
 * KVM injects at attach time what the eventfd already holds but leaves
 * the count in it (later writes are consumed as they come). Drain it, or
 * the next mask would report it pending and deliver it twice.
 */
static int kvm_unmask(struct vmdev_irq_group *grp, uint32_t vector)
{
	int err = kvm_irqfd(grp, vector, true);

	if (!err)
		vmdev_irq_fd_drain(grp->vec[vector].trigger_fd);
	return err;
}

static int kvm_update(struct vmdev_irq_group *grp, uint32_t vector)
{
	(void)vector;
	return vmdev_irq_kvm_route(grp->mgr);
}

/* A masked vector's irqfd is detached: its eventfd holds the events. */
static bool kvm_pending(const struct vmdev_irq_group *grp, uint32_t vector)
{
	struct pollfd pfd = {
		.fd = grp->vec[vector].trigger_fd,
		.events = POLLIN,
	};

	return poll(&pfd, 1, 0) == 1 && pfd.revents & POLLIN;
}

static void kvm_destroy(struct vmdev_irq_manager *mgr)
{
	free(mgr->priv);
}

static const struct vmdev_irq_backend irq_kvm_backend = {
	.check_config = kvm_check_config,
	.enable = kvm_enable,
	.disable = kvm_disable,
	.mask = kvm_mask,
	.unmask = kvm_unmask,
	.update = kvm_update,
	.pending = kvm_pending,
	.destroy = kvm_destroy,
};

static int kvm_cap(int vm_fd, long cap)
{
	int ret = ioctl(vm_fd, KVM_CHECK_EXTENSION, cap);

	return ret < 0 ? vmdev_err(errno) : ret;
}

int vmdev_irq_manager_new_kvm(int vm_fd,
			      const struct vmdev_irq_manager_opts *opts,
			      struct vmdev_irq_manager **out)
{
	struct vmdev_irq_kvm *kvm;
	int nr_routes, err;

	if (vm_fd < 0)
		return vmdev_err(EBADF);
	nr_routes = kvm_cap(vm_fd, KVM_CAP_IRQ_ROUTING);
	if (nr_routes < 0)
		return nr_routes;
	if (!nr_routes || kvm_cap(vm_fd, KVM_CAP_IRQFD) <= 0)
		return vmdev_err(EOPNOTSUPP);

	kvm = calloc(1, sizeof(*kvm));
	if (!kvm)
		return vmdev_err(ENOMEM);
	kvm->vm_fd = vm_fd;
	kvm->devid = kvm_cap(vm_fd, KVM_CAP_MSI_DEVID) > 0;
	kvm->default_routes = !(VMDEV_OPT(opts, flags, 0) &
				VMDEV_IRQ_MGR_NO_DEFAULT_ROUTES);
	err = vmdev_irq_manager_create(&irq_kvm_backend, opts,
				       (uint32_t)nr_routes, out);
	if (err) {
		free(kvm);
		return vmdev_err(-err);
	}
	(*out)->priv = kvm;
	return 0;
}
