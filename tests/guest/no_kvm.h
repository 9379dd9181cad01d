/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMDEV_TEST_NO_KVM=1 makes every test that needs /dev/kvm behave as on
 * a machine that has none: it skips with this one reason before it
 * opens anything. make check runs the host tests once that way, so the
 * path a machine without KVM takes is exercised on every machine.
 */
#ifndef VMDEV_TESTS_NO_KVM_H
#define VMDEV_TESTS_NO_KVM_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define TEST_NO_KVM_ENV		"VMDEV_TEST_NO_KVM"
#define TEST_NO_KVM_WHY		TEST_NO_KVM_ENV " is set: KVM is not used"

/* Set to anything but "" or "0". */
static inline bool test_no_kvm(void)
{
	const char *v = getenv(TEST_NO_KVM_ENV);

	return v && *v && strcmp(v, "0");
}

#endif /* VMDEV_TESTS_NO_KVM_H */
