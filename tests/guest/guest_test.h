/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the host tests that run guests (tests/host/guest/guest_*.c),
 * for use with kselftest_harness.h, included after it.
 */
#ifndef VMDEV_TESTS_GUEST_TEST_H
#define VMDEV_TESTS_GUEST_TEST_H

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "minivm.h"
#include "no_kvm.h"

/*
 * In a test body: skip unless /dev/kvm is usable. (The 6.1 harness runs
 * the body even after a SKIP in FIXTURE_SETUP, so setups record
 * minivm_usable() in self->kvm_err and every body checks it here.)
 */
#define GUEST_REQUIRE_KVM(kvm_err)					\
	do {								\
		int __kvm_err = (kvm_err);				\
									\
		if (__kvm_err && test_no_kvm())				\
			SKIP(return, TEST_NO_KVM_WHY);			\
		if (__kvm_err)						\
			SKIP(return, "/dev/kvm not usable: %s",		\
			     strerror(-__kvm_err));			\
	} while (0)

/* Run the loaded guest to its exit; its result in *result. */
#define GUEST_RUN(vm, fn, opaque, result)				\
	do {								\
		int __ret = minivm_run_guest(vm, fn, opaque, result);	\
		ASSERT_EQ(0, __ret) {					\
			TH_LOG("run: %s, exit %s", strerror(-__ret),	\
			       minivm_exit_name((vm)->run->exit_reason));\
		}							\
	} while (0)

/* Run the loaded guest; assert it exited with expected. */
#define GUEST_RUN_EXPECT(vm, fn, opaque, expected)			\
	do {								\
		uint32_t __result = ~0U;				\
		GUEST_RUN(vm, fn, opaque, &__result);			\
		ASSERT_EQ((uint32_t)(expected), __result);		\
	} while (0)

#ifdef __KSELFTEST_HARNESS_H	/* not in the demo */
/*
 * In the teardown of a test of the irq guest: what the guest took, round
 * by round, if the test failed (a run that timed out says nothing else)
 * or the test bed delivered an interrupt in sti's shadow
 * (Documentation/guests.rst).
 */
static inline void guest_irq_log(struct __test_metadata *_metadata,
				 const struct guest_irq_params *p)
{
	char rounds[GUEST_IRQ_MAX_ROUNDS * 11 + 1] = "";
	size_t n = 0;
	uint32_t r;

	if (!p || (_metadata->passed && !p->shadow))
		return;
	for (r = 0; r < p->rounds && r < GUEST_IRQ_MAX_ROUNDS; r++)
		n += snprintf(rounds + n, sizeof(rounds) - n, " %u",
			      p->per_round[r]);
	TH_LOG("the guest took %u interrupt(s), %u with nothing pending, "
	       "%u in sti's shadow; per round:%s", p->count, p->spurious,
	       p->shadow, rounds);
}
#endif

#endif /* VMDEV_TESTS_GUEST_TEST_H */
