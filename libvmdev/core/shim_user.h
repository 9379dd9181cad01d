/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The core's environment in userspace (libvmdev). */
#ifndef VMDEV_CORE_SHIM_USER_H
#define VMDEV_CORE_SHIM_USER_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include <pthread.h>
#include <linux/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

struct vmdev_lock {
	pthread_mutex_t lock;
};

static inline void vmdev_lock_init(struct vmdev_lock *l)
{
	pthread_mutex_init(&l->lock, NULL);
}

static inline void vmdev_lock_destroy(struct vmdev_lock *l)
{
	pthread_mutex_destroy(&l->lock);
}

static inline void vmdev_lock(struct vmdev_lock *l)
{
	pthread_mutex_lock(&l->lock);
}

static inline void vmdev_unlock(struct vmdev_lock *l)
{
	pthread_mutex_unlock(&l->lock);
}

static inline void *vmdev_zalloc(size_t size)
{
	return calloc(1, size);
}

static inline void vmdev_free(void *p)
{
	free(p);
}

static inline u64 vmdev_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

/* (a * mul) >> shift with a 96-bit intermediate, truncated to 64 bits. */
static inline u64 vmdev_mul_u64_u32_shr(u64 a, u32 mul, unsigned int shift)
{
	return (u64)(((__uint128_t)a * mul) >> shift);
}

#endif /* VMDEV_CORE_SHIM_USER_H */
