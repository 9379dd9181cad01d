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

#endif /* VMDEV_CORE_SHIM_H */
