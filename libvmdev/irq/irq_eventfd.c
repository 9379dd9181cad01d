// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The eventfd-only backend: no hypervisor behind the eventfds. Delivering
 * a vector writes its trigger eventfd and that is all; whoever reads the
 * eventfds (a userspace interrupt controller, a test) is the guest, and
 * writes a level line's resample eventfd to stand for its EOI. Masking,
 * pending state, levels and resampling are the generic group logic's.
 */
#include "base/internal.h"
#include "irq_internal.h"

/* No hardware limit: the whole 32-bit GSI space. */
#define IRQ_EVENTFD_MAX_GSIS	UINT32_MAX

static const struct vmdev_irq_backend irq_eventfd_backend = {
	.check_config = NULL,	/* any well-formed configuration is kept */
};

int vmdev_irq_manager_new_eventfd(const struct vmdev_irq_manager_opts *opts,
				  struct vmdev_irq_manager **out)
{
	return vmdev_irq_manager_create(&irq_eventfd_backend, opts,
					IRQ_EVENTFD_MAX_GSIS, out);
}
