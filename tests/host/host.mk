# SPDX-License-Identifier: GPL-2.0
#
# Host tests: every tests/host/*.c is one kselftest-harness program, built
# with ASan + UBSan against the sanitized library, run on this machine.
#
#   make check-host [VMDEV_TEST_NO_KVM=1]

HOST_TEST_SRCS	:= $(sort $(wildcard tests/host/*.c))
HOST_TESTS	:= $(HOST_TEST_SRCS:tests/host/%.c=$(O)/tests/host/%)

$(O)/tests/host/%: tests/host/%.c $(LIB_SAN_A)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(SAN_FLAGS) -MMD -MP -o $@ $< $(LIB_SAN_A) $(LIB_LDLIBS)

tests: $(HOST_TESTS)

# Twice: as this machine is, then as a machine without KVM is
# (VMDEV_TEST_NO_KVM=1, tests/guest/no_kvm.h), whether or not this one
# has /dev/kvm, so that both paths run everywhere.
check-host: $(HOST_TESTS)
	@mkdir -p $(O)/results; : > $(O)/results/host.res; \
	: > $(O)/results/host-nokvm.res; \
	for t in $(HOST_TESTS); do \
		$(TOP)/tests/run-ksft.sh host/$$(basename $$t) \
			$(O)/results/host.res $$t; \
	done; \
	for t in $(HOST_TESTS); do \
		VMDEV_TEST_NO_KVM=1 $(TOP)/tests/run-ksft.sh \
			host-nokvm/$$(basename $$t) \
			$(O)/results/host-nokvm.res $$t; \
	done

-include $(HOST_TESTS:=.d)
