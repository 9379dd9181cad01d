// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A vector's eventfds: raise the trigger once, drain a counter, and
 * resample a level line the guest acknowledged. Below both the group
 * logic (irq_group.c) and the resampler (irq_resample.c), which call
 * these from the control path and from the resampling thread.
 */
#include <sys/eventfd.h>
#include <unistd.h>

#include "base/internal.h"
#include "irq_internal.h"

int vmdev_irq_vec_signal(struct vmdev_irq_vec *vec)
{
	uint64_t one = 1;

	if (write(vec->trigger_fd, &one, sizeof(one)) != sizeof(one))
		return vmdev_err(errno);
	return 0;
}

void vmdev_irq_fd_drain(int fd)
{
	uint64_t cnt;

	/* Non-blocking: fails with EAGAIN once the counter is 0. */
	if (fd >= 0)
		while (read(fd, &cnt, sizeof(cnt)) == sizeof(cnt))
			;
}

void vmdev_irq_vec_resample(struct vmdev_irq_vec *vec)
{
	uint32_t st;

	vmdev_irq_fd_drain(vec->resample_fd);
	st = atomic_load(&vec->state);
	/*
	 * A clear racing with this check costs one spurious interrupt, which
	 * the guest finds with nothing to do; its EOI then finds the line low.
	 * A failed write (a counter nobody reads) has nobody to be told.
	 */
	if (vmdev_irq_group_enabled(vec->grp) && (st & IRQ_VEC_ASSERTED) &&
	    !(st & IRQ_VEC_MASKED))
		vmdev_irq_vec_signal(vec);
}
