/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the resource and allocator host tests (res_*.c).
 */
#ifndef VMDEV_TESTS_TEST_UTIL_H
#define VMDEV_TESTS_TEST_UTIL_H

#include <errno.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define RES_HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/lsan_interface.h>
#define RES_HAVE_LSAN 1
#endif
#endif

/*
 * The harness ends each test with _exit(), which skips LeakSanitizer's
 * exit-time check: fixtures call this in teardown instead. Non-zero if a
 * leak was found (and reported on stderr).
 */
static inline int res_leaks(void)
{
#ifdef RES_HAVE_LSAN
	return __lsan_do_recoverable_leak_check();
#else
	return 0;
#endif
}

/* A call that must fail with -err and set errno to err. */
#define ASSERT_ERR(err, call) do {					\
	const int __want = (err);					\
	errno = 0;							\
	ASSERT_EQ(-__want, (call));					\
	ASSERT_EQ(__want, errno);					\
} while (0)

#endif /* VMDEV_TESTS_TEST_UTIL_H */
