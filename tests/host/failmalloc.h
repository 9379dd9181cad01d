/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allocation failure injection for the resource tests: this program's
 * malloc, calloc and realloc fail once the countdown armed by
 * failmalloc_arm(n) reaches zero, i.e. on the (n + 1)th call after
 * arming. A test loops n = 0, 1, ... until the operation succeeds, which
 * fails every allocation the operation makes in turn.
 *
 * The definitions here take precedence over the C library's (and
 * AddressSanitizer's weak ones) for the whole program, and forward to
 * AddressSanitizer's allocator when it is linked in, else to glibc's, so
 * free() stays matched. Include it in one test program only once.
 */
#ifndef VMDEV_TESTS_FAILMALLOC_H
#define VMDEV_TESTS_FAILMALLOC_H

#include <stdbool.h>
#include <stddef.h>

#pragma weak __interceptor_malloc
#pragma weak __interceptor_calloc
#pragma weak __interceptor_realloc
void *__interceptor_malloc(size_t size);
void *__interceptor_calloc(size_t n, size_t size);
void *__interceptor_realloc(void *p, size_t size);
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);

static long failmalloc_countdown = -1;	/* < 0: disarmed */
static bool failmalloc_failed;		/* an injected failure happened */

static inline void failmalloc_arm(long n)
{
	failmalloc_failed = false;
	failmalloc_countdown = n;
}

static inline void failmalloc_disarm(void)
{
	failmalloc_countdown = -1;
}

static bool failmalloc_fail_now(void)
{
	if (failmalloc_countdown < 0)
		return false;
	if (failmalloc_countdown-- > 0)
		return false;
	failmalloc_failed = true;
	return true;
}

void *malloc(size_t size)
{
	if (failmalloc_fail_now())
		return NULL;
	return __interceptor_malloc ? __interceptor_malloc(size) :
				      __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	if (failmalloc_fail_now())
		return NULL;
	return __interceptor_calloc ? __interceptor_calloc(n, size) :
				      __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	if (failmalloc_fail_now())
		return NULL;
	return __interceptor_realloc ? __interceptor_realloc(p, size) :
				       __libc_realloc(p, size);
}

#endif /* VMDEV_TESTS_FAILMALLOC_H */
