/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Helpers shared by libvmdev's sources; nothing here is exported. */
#ifndef VMDEV_INTERNAL_H
#define VMDEV_INTERNAL_H

#include <errno.h>
#include <stddef.h>

/* Return -err with errno set: the library's one way to fail. */
static inline int vmdev_err(int err)
{
	errno = err;
	return -err;
}

/*
 * Validate an option struct: NULL is accepted (all defaults); otherwise
 * its size must cover at least min_sz (the first version of the struct)
 * and every byte past known_sz (what this library knows) must be zero.
 */
int vmdev_opts_check(const void *opts, size_t opts_sz, size_t min_sz,
		     size_t known_sz);

/* Read a field only if the caller's struct is large enough to hold it. */
#define VMDEV_OPT(opts, field, fallback)				\
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), field) +	\
		sizeof((opts)->field) ? (opts)->field : (fallback))

/*
 * vmdev_opts_check() for a struct with a leading size_t sz, whose last
 * field is last_field. What this library knows ends at sizeof(), not at
 * the end of last_field: the tail padding between them is the
 * compiler's, and a struct copied by value (or a compound literal) need
 * not carry zeros there. Fields added later therefore start at or past
 * the previous version's sizeof() (common.h). The static assertion
 * keeps last_field honest: only padding may follow it.
 */
#define VMDEV_OPTS_KNOWN(type, last_field)				\
	(sizeof(struct {						\
		_Static_assert(sizeof(type) - offsetof(type, last_field) - \
			       sizeof(((type *)0)->last_field) <		\
			       _Alignof(type), #last_field " is not last"); \
		char c;							\
	}) * 0 + sizeof(type))

#define VMDEV_OPTS_CHECK(opts, last_field)				\
	vmdev_opts_check((opts), (opts) ? (opts)->sz : 0,		\
			 sizeof(size_t),					\
			 VMDEV_OPTS_KNOWN(__typeof__(*(opts)), last_field))

#endif /* VMDEV_INTERNAL_H */
