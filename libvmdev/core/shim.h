/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The only environment the register-device core sees: types, memory,
 * a per-device lock and a clock, from the kernel or from libc. Nothing
 * else may be included by the core's sources.
 */
#ifndef VMDEV_CORE_SHIM_H
#define VMDEV_CORE_SHIM_H

#ifdef __KERNEL__
#include "shim_kernel.h"
#else
#include "shim_user.h"
#endif

/*
 * The functions every guest access runs through: the compiler keeps
 * them together (.text.hot), so that an access touches few pages of
 * code. At level 3 an access completes inside KVM's exit handling,
 * where each page it touches first is a measurable share of its cost
 * (Documentation/fast-path.rst, "What level 3 costs").
 */
#define VMDEV_HOT	__attribute__((__hot__))

#endif /* VMDEV_CORE_SHIM_H */
