/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Conventions shared by every libvmdev header.
 *
 * - Handles are opaque; every object has a _new/_free (or _create/_destroy)
 *   pair and free functions accept NULL.
 * - Functions return 0 or a non-negative count on success and a negative
 *   errno on failure (errno is set to the positive value as well). Nothing
 *   is changed by a call that fails.
 * - Option structs start with `size_t sz`; fill it with VMDEV_OPTS(). The
 *   library reads only the fields it knows and rejects (-EINVAL) a struct
 *   whose unknown tail (past the sizeof() of the struct this version
 *   knows) is not zero, so programs built against newer headers keep
 *   working where they can. The struct's own tail padding is never
 *   checked (a struct copied by value need not keep zeros there); a new
 *   version adds its fields past the previous version's sizeof().
 */
#ifndef VMDEV_COMMON_H
#define VMDEV_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef VMDEV_API
#define VMDEV_API __attribute__((visibility("default")))
#endif

/* Declare an option struct with its size set: VMDEV_OPTS(vmdev_x_opts, o, .a = 1); */
#define VMDEV_OPTS(TYPE, NAME, ...)					\
	struct TYPE NAME = ({						\
		memset(&NAME, 0, sizeof(struct TYPE));			\
		(struct TYPE){ .sz = sizeof(struct TYPE), __VA_ARGS__ };\
	})

/* Address spaces of the I/O manager (same values as the UAPI). */
enum vmdev_space {
	VMDEV_PIO = 0,		/* 16-bit port space */
	VMDEV_MMIO = 1,		/* 64-bit guest physical space */
};

#ifdef __cplusplus
}
#endif
#endif /* VMDEV_COMMON_H */
