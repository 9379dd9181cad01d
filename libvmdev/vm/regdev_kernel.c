// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The kernel backend: the device lives in vmdev.ko, in the context opened
 * for this VM, and every operation is one of its ioctls (uapi/linux/
 * vmdev.h). The module delivers interrupts and doorbell notifications
 * itself, so this side only binds eventfds: the interrupt group's trigger
 * and resample eventfds (VMDEV_IRQFD), doorbell ioeventfds registered
 * with KVM and with the module (VMDEV_IOEVENTFD), notify eventfds
 * (VMDEV_NOTIFYFD).
 */
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "base/internal.h"
#include "vm_internal.h"

_Static_assert(sizeof(((struct vmdev_create_device *)0)->name) ==
	       REGDEV_NAME_MAX, "device name size");

static int ctx_ioctl(struct vmdev_regdev *rd, unsigned long cmd, void *arg)
{
	long ret = ioctl(rd->vm->ctx_fd, cmd, arg);

	return ret < 0 ? vmdev_err(errno) : (int)ret;
}

static int kernel_create(struct vmdev_regdev *rd,
			 const struct vmdev_rdev_desc *desc,
			 const struct vmdev_range *ranges, uint32_t nr_ranges)
{
	struct vmdev_create_device c = {
		.size = sizeof(c), .flags = desc->flags,
		.dev_size = desc->dev_size, .nr_regs = desc->nr_regs,
		.nr_links = desc->nr_links, .nr_irqs = desc->nr_irqs,
		.nr_ranges = nr_ranges, .regs = (uintptr_t)desc->regs,
		.links = (uintptr_t)desc->links, .irqs = (uintptr_t)desc->irqs,
		.ranges = (uintptr_t)ranges,
	};
	int ret;

	memcpy(c.name, rd->name, sizeof(c.name));
	ret = ctx_ioctl(rd, VMDEV_CREATE_DEVICE, &c);
	if (!ret)
		rd->kid = c.id;
	return ret;
}

/*
 * It can only fail with -ENOMEM (a smaller bus), the device left in
 * place: the release tries again, and failing that it goes with the
 * module context, when the last user of the VM's context closes it.
 */
static void kernel_destroy(struct vmdev_regdev *rd)
{
	struct vmdev_device_id a = { .size = sizeof(a), .id = rd->kid };

	if (!ctx_ioctl(rd, VMDEV_DESTROY_DEVICE, &a))
		rd->kid = 0;
}

static int kernel_access(struct vmdev_regdev *rd, enum vmdev_space space,
			 uint64_t addr, uint64_t offset, uint32_t len,
			 bool write, uint64_t *data)
{
	struct vmdev_access a = {
		.addr = addr, .data = write ? *data : 0, .space = space,
		.len = len, .dir = write ? VMDEV_DIR_WRITE : VMDEV_DIR_READ,
	};
	int ret;

	(void)offset;
	ret = ctx_ioctl(rd, VMDEV_ACCESS, &a);
	if (ret)
		return ret;
	if (a.result != VMDEV_RESULT_DONE)
		return VMDEV_RDEV_SLOW;
	if (!write)
		*data = a.data;
	return 0;
}

static int kernel_reset(struct vmdev_regdev *rd)
{
	struct vmdev_device_id a = { .size = sizeof(a), .id = rd->kid };

	return ctx_ioctl(rd, VMDEV_RESET_DEVICE, &a);
}

static int kernel_reg_read(struct vmdev_regdev *rd, uint32_t reg,
			   uint64_t *val)
{
	struct vmdev_reg_io r = {
		.size = sizeof(r), .id = rd->kid, .reg = reg,
	};
	int ret = ctx_ioctl(rd, VMDEV_REG_READ, &r);

	if (!ret)
		*val = r.value;
	return ret;
}

static int kernel_reg_write(struct vmdev_regdev *rd, uint32_t reg,
			    uint64_t val)
{
	struct vmdev_reg_io r = {
		.size = sizeof(r), .id = rd->kid, .reg = reg, .value = val,
	};

	return ctx_ioctl(rd, VMDEV_REG_WRITE, &r);
}

static int kernel_fifo(struct vmdev_regdev *rd, uint32_t reg, bool fill,
		       void *buf, uint32_t count)
{
	struct vmdev_fifo_io f = {
		.size = sizeof(f), .id = rd->kid, .reg = reg,
		.op = fill ? VMDEV_FIFO_FILL : VMDEV_FIFO_DRAIN,
		.buf = (uintptr_t)buf, .count = count,
	};
	int ret = ctx_ioctl(rd, VMDEV_FIFO_IO, &f);

	return ret ? ret : (int)f.done;
}

static int kernel_stats(struct vmdev_regdev *rd, struct vmdev_regdev_stats *st)
{
	struct vmdev_stats s = { .size = sizeof(s), .id = rd->kid };
	int ret = ctx_ioctl(rd, VMDEV_GET_STATS, &s);

	if (ret)
		return ret;
	st->fast = s.fast;
	st->slow = s.slow;
	st->irqs = s.irqs;
	st->doorbells = s.doorbells;
	st->ioeventfds = s.ioeventfds;
	return 0;
}

/*
 * The module signals the eventfds, re-fires level lines after the EOI
 * from their resample eventfds, and reads those: the group must leave
 * them alone.
 */
static uint32_t kernel_irq_group_flags(bool level)
{
	return level ? VMDEV_IRQ_GROUP_LEVEL | VMDEV_IRQ_GROUP_DIRECT : 0;
}

static int irqfd(struct vmdev_regdev *rd, uint32_t line,
		 struct vmdev_irq_group *grp, uint32_t flags)
{
	bool level = rd->irqs[line].flags & VMDEV_IRQ_F_LEVEL;
	struct vmdev_irqfd a = {
		.size = sizeof(a), .id = rd->kid, .line = line, .flags = flags,
		.fd = vmdev_irq_group_trigger_fd(grp, 0),
		.resample_fd = level ? vmdev_irq_group_resample_fd(grp, 0) : -1,
	};

	return ctx_ioctl(rd, VMDEV_IRQFD, &a);
}

static int kernel_irq_bind(struct vmdev_regdev *rd, uint32_t line,
			   struct vmdev_irq_group *grp)
{
	return irqfd(rd, line, grp, 0);
}

static int kernel_irq_unbind(struct vmdev_regdev *rd, uint32_t line,
			     struct vmdev_irq_group *grp)
{
	return irqfd(rd, line, grp, VMDEV_BIND_F_DEASSIGN);
}

static int kvm_ioeventfd(struct vmdev_regdev *rd, const struct doorbell *db,
			 uint32_t flags)
{
	struct kvm_ioeventfd a = {
		.datamatch = db->datamatch, .addr = db->addr, .len = db->len,
		.fd = db->fd, .flags = flags,
	};

	if (db->space == VMDEV_SPACE_PIO)
		a.flags |= KVM_IOEVENTFD_FLAG_PIO;
	if (db->match)
		a.flags |= KVM_IOEVENTFD_FLAG_DATAMATCH;
	return ioctl(rd->vm->vm_fd, KVM_IOEVENTFD, &a) ? vmdev_err(errno) : 0;
}

static int module_ioeventfd(struct vmdev_regdev *rd, const struct doorbell *db,
			    uint32_t flags)
{
	struct vmdev_ioeventfd a = {
		.size = sizeof(a), .id = rd->kid, .reg = db->reg,
		.flags = flags, .fd = db->fd, .value = db->value,
	};

	return ctx_ioctl(rd, VMDEV_IOEVENTFD, &a);
}

/*
 * The module listens before KVM signals, and KVM stops before the module
 * does, so no guest write is ever signalled to nobody.
 */
static int kernel_doorbell_add(struct vmdev_regdev *rd, struct doorbell *db)
{
	int ret;

	db->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (db->fd < 0)
		return vmdev_err(errno);
	ret = module_ioeventfd(rd, db, 0);
	if (!ret) {
		ret = kvm_ioeventfd(rd, db, 0);
		if (ret)
			module_ioeventfd(rd, db, VMDEV_BIND_F_DEASSIGN);
	}
	if (ret) {
		close(db->fd);
		db->fd = -1;
		return vmdev_err(-ret);
	}
	return 0;
}

static void kernel_doorbell_remove(struct vmdev_regdev *rd, struct doorbell *db)
{
	kvm_ioeventfd(rd, db, KVM_IOEVENTFD_FLAG_DEASSIGN);
	module_ioeventfd(rd, db, VMDEV_BIND_F_DEASSIGN);
	close(db->fd);
	db->fd = -1;
}

static int notifyfd(struct vmdev_regdev *rd, uint32_t reg, int fd,
		    uint32_t flags)
{
	struct vmdev_notifyfd a = {
		.size = sizeof(a), .id = rd->kid, .reg = reg, .flags = flags,
		.fd = fd,
	};

	return ctx_ioctl(rd, VMDEV_NOTIFYFD, &a);
}

static int kernel_notify_bind(struct vmdev_regdev *rd, uint32_t reg, int fd)
{
	return notifyfd(rd, reg, fd, 0);
}

static int kernel_notify_unbind(struct vmdev_regdev *rd, uint32_t reg, int fd)
{
	return notifyfd(rd, reg, fd, VMDEV_BIND_F_DEASSIGN);
}

const struct regdev_backend vmdev_regdev_kernel_ops = {
	.create = kernel_create,
	.destroy = kernel_destroy,
	/* The run loop completes accesses without userspace: stop them now. */
	.unplug = kernel_destroy,
	.access = kernel_access,
	.reset = kernel_reset,
	.reg_read = kernel_reg_read,
	.reg_write = kernel_reg_write,
	.fifo = kernel_fifo,
	.stats = kernel_stats,
	.irq_group_flags = kernel_irq_group_flags,
	.irq_bind = kernel_irq_bind,
	.irq_unbind = kernel_irq_unbind,
	.doorbell_add = kernel_doorbell_add,
	.doorbell_remove = kernel_doorbell_remove,
	.notify_bind = kernel_notify_bind,
	.notify_unbind = kernel_notify_unbind,
};
