// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Extensible option structs: the libbpf rule, checked in one place. */
#include <stdint.h>
#include "internal.h"

int vmdev_opts_check(const void *opts, size_t opts_sz, size_t min_sz,
		     size_t known_sz)
{
	const uint8_t *p = opts;
	size_t i;

	if (!opts)
		return 0;
	if (opts_sz < min_sz)
		return vmdev_err(EINVAL);
	/* A newer caller's fields we do not know must be left zero. */
	for (i = known_sz; i < opts_sz; i++)
		if (p[i])
			return vmdev_err(EINVAL);
	return 0;
}
