// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Doorbell notifications, the front end: DOORBELL register -> an eventfd
 * of the VMM, signalled at every ring (by vmdev.ko, or by the user
 * backend's delivery). The library binds its own duplicate of the fd, so
 * that the VMM may close its copy, and the binding needs no fd of the VMM
 * to be removed.
 */
#include <fcntl.h>
#include <unistd.h>

#include "base/internal.h"
#include "vm_internal.h"

static int check_reg(const struct vmdev_regdev *rd, uint32_t reg)
{
	if (reg >= rd->nr_regs)
		return vmdev_err(ENOENT);
	if (rd->regs[reg].type != VMDEV_REG_DOORBELL)
		return vmdev_err(EINVAL);
	return 0;
}

static struct regdev_notify *find(struct vmdev_regdev *rd, uint32_t reg)
{
	uint32_t i;

	for (i = 0; i < VMDEV_RDEV_MAX_DOORBELLS; i++)
		if (rd->notify[i].fd >= 0 && rd->notify[i].reg == reg)
			return &rd->notify[i];
	return NULL;
}

static struct regdev_notify *find_free(struct vmdev_regdev *rd)
{
	uint32_t i;

	/* A map has at most VMDEV_RDEV_MAX_DOORBELLS doorbells: room. */
	for (i = 0; i < VMDEV_RDEV_MAX_DOORBELLS; i++)
		if (rd->notify[i].fd < 0)
			return &rd->notify[i];
	return NULL;
}

static int bind_locked(struct vmdev_regdev *rd, uint32_t reg, int fd)
{
	struct regdev_notify *n;
	int dup, ret;

	if (find(rd, reg))
		return vmdev_err(EBUSY);
	n = find_free(rd);
	if (!n)
		return vmdev_err(ENOSPC);
	dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dup < 0)
		return vmdev_err(errno);
	ret = rd->vm->ops->notify_bind(rd, reg, dup);
	if (ret) {
		close(dup);
		return vmdev_err(-ret);
	}
	n->reg = reg;
	n->fd = dup;
	return 0;
}

int vmdev_regdev_notify_bind(struct vmdev_regdev *rd, uint32_t reg, int fd)
{
	int ret;

	if (!rd)
		return vmdev_err(EINVAL);
	ret = check_reg(rd, reg);
	if (ret)
		return ret;
	if (fd < 0)
		return vmdev_err(EBADF);
	/* What the module takes: user mode would write 8 bytes to a pipe. */
	ret = vmdev_fd_is_anon(fd, "[eventfd]");
	if (ret <= 0)
		return ret ? ret : vmdev_err(EINVAL);
	pthread_mutex_lock(&rd->lock);
	ret = bind_locked(rd, reg, fd);
	pthread_mutex_unlock(&rd->lock);
	return ret;
}

int vmdev_regdev_notify_unbind(struct vmdev_regdev *rd, uint32_t reg)
{
	struct regdev_notify *n;
	int ret, fd;

	if (!rd)
		return vmdev_err(EINVAL);
	if (vmdev_in_rcu_reader())
		return vmdev_err(EDEADLK);
	pthread_mutex_lock(&rd->lock);
	n = find(rd, reg);
	if (!n) {
		pthread_mutex_unlock(&rd->lock);
		return vmdev_err(ENOENT);
	}
	fd = n->fd;
	ret = rd->vm->ops->notify_unbind(rd, reg, fd);
	if (!ret)
		n->fd = -1;
	pthread_mutex_unlock(&rd->lock);
	if (ret)
		return ret;
	/* A delivery that loaded the fd is over after this. */
	urcu_memb_synchronize_rcu();
	close(fd);
	return 0;
}

void vmdev_notify_unbind_all(struct vmdev_regdev *rd)
{
	uint32_t i;

	for (i = 0; i < VMDEV_RDEV_MAX_DOORBELLS; i++)
		if (rd->notify[i].fd >= 0)
			rd->vm->ops->notify_unbind(rd, rd->notify[i].reg,
						   rd->notify[i].fd);
}

void vmdev_notify_release_all(struct vmdev_regdev *rd)
{
	uint32_t i;

	for (i = 0; i < VMDEV_RDEV_MAX_DOORBELLS; i++) {
		if (rd->notify[i].fd >= 0)
			close(rd->notify[i].fd);
		rd->notify[i].fd = -1;
	}
}
