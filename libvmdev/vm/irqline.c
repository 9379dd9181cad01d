// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Interrupt lines of register devices, the front end: each bound line is
 * a one-vector group of the context's interrupt manager at the GSI the
 * VMM chose, whose eventfds are KVM irqfds (with a resample eventfd for a
 * level line). The backend decides who drives them: vmdev.ko (the group
 * is DIRECT for level lines) or the library (the group's own assert and
 * clear, and its resampler).
 */
#include "base/internal.h"
#include "vm_internal.h"

static int check_bind(struct vmdev_regdev *rd, uint32_t line,
		      const struct vmdev_regdev_irq_opts *opts,
		      enum vmdev_irq_type *type)
{
	if (!rd || VMDEV_OPTS_CHECK(opts, config))
		return vmdev_err(EINVAL);
	*type = VMDEV_OPT(opts, type, 0);
	if (!*type)
		*type = VMDEV_IRQ_LEGACY;
	if (*type != VMDEV_IRQ_LEGACY && *type != VMDEV_IRQ_MSI)
		return vmdev_err(EINVAL);
	if (line >= rd->nr_irqs)
		return vmdev_err(ENOENT);
	if (*type == VMDEV_IRQ_MSI && rd->irqs[line].flags & VMDEV_IRQ_F_LEVEL)
		return vmdev_err(EINVAL);
	if (!rd->vm->irqs)
		return vmdev_err(ENXIO);
	return 0;
}

/* A group for the line, configured and enabled, or -errno. */
static int make_group(struct vmdev_regdev *rd, uint32_t line, uint32_t gsi,
		      enum vmdev_irq_type type,
		      const struct vmdev_irq_config *cfg,
		      struct vmdev_irq_group **out)
{
	VMDEV_OPTS(vmdev_irq_group_opts, gopts);
	struct vmdev_irq_group *grp;
	int ret;

	gopts.flags = rd->vm->ops->irq_group_flags(rd->irqs[line].flags &
						   VMDEV_IRQ_F_LEVEL);
	ret = vmdev_irq_group_new(rd->vm->irqs, type, gsi, 1, &gopts, &grp);
	if (ret)
		return ret;
	if (cfg)
		ret = vmdev_irq_group_update(grp, 0, cfg);
	if (!ret)
		ret = vmdev_irq_group_enable(grp);
	if (ret) {
		vmdev_irq_group_free(grp);
		return vmdev_err(-ret);
	}
	*out = grp;
	return 0;
}

int vmdev_regdev_irq_bind(struct vmdev_regdev *rd, uint32_t line,
			  uint32_t gsi,
			  const struct vmdev_regdev_irq_opts *opts)
{
	struct vmdev_irq_group *grp;
	enum vmdev_irq_type type;
	int ret;

	ret = check_bind(rd, line, opts, &type);
	if (ret)
		return ret;
	pthread_mutex_lock(&rd->lock);
	if (rd->lines[line].grp) {
		ret = vmdev_err(EBUSY);
		goto out;
	}
	ret = make_group(rd, line, gsi, type, VMDEV_OPT(opts, config, NULL),
			 &grp);
	if (ret)
		goto out;
	ret = rd->vm->ops->irq_bind(rd, line, grp);
	if (ret) {
		vmdev_irq_group_free(grp);
		ret = vmdev_err(-ret);
		goto out;
	}
	rd->lines[line].grp = grp;
out:
	pthread_mutex_unlock(&rd->lock);
	return ret;
}

int vmdev_regdev_irq_unbind(struct vmdev_regdev *rd, uint32_t line)
{
	struct vmdev_irq_group *grp;
	int ret;

	if (!rd)
		return vmdev_err(EINVAL);
	if (vmdev_in_rcu_reader())
		return vmdev_err(EDEADLK);
	if (line >= rd->nr_irqs)
		return vmdev_err(ENOENT);
	pthread_mutex_lock(&rd->lock);
	grp = rd->lines[line].grp;
	if (!grp) {
		pthread_mutex_unlock(&rd->lock);
		return vmdev_err(ENOENT);
	}
	ret = rd->vm->ops->irq_unbind(rd, line, grp);
	if (!ret)
		rd->lines[line].grp = NULL;
	pthread_mutex_unlock(&rd->lock);
	if (ret)
		return ret;
	/* Deliveries that found the group published are over after this. */
	urcu_memb_synchronize_rcu();
	vmdev_irq_group_free(grp);
	return 0;
}

struct vmdev_irq_group *vmdev_regdev_irq_group(struct vmdev_regdev *rd,
					       uint32_t line)
{
	struct vmdev_irq_group *grp;

	if (!rd) {
		errno = EINVAL;
		return NULL;
	}
	if (line >= rd->nr_irqs) {
		errno = ENOENT;
		return NULL;
	}
	pthread_mutex_lock(&rd->lock);
	grp = rd->lines[line].grp;
	pthread_mutex_unlock(&rd->lock);
	if (!grp)
		errno = ENOENT;
	return grp;
}

void vmdev_irqline_unbind_all(struct vmdev_regdev *rd)
{
	uint32_t i;

	/* A module that refuses (the device gone) has nothing bound left. */
	for (i = 0; i < rd->nr_irqs; i++)
		if (rd->lines[i].grp)
			rd->vm->ops->irq_unbind(rd, i, rd->lines[i].grp);
}

void vmdev_irqline_release_all(struct vmdev_regdev *rd)
{
	uint32_t i;

	for (i = 0; i < rd->nr_irqs; i++) {
		vmdev_irq_group_free(rd->lines[i].grp);
		rd->lines[i].grp = NULL;
	}
}
