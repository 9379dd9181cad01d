# SPDX-License-Identifier: GPL-2.0
#
# Host tests: every tests/host/<folder>/*.c is one kselftest-harness
# program, built with ASan + UBSan against the sanitized library, run on
# this machine. The folders mirror the library's (libvmdev/*/), plus
# guest/ (test guests on the core's devices), tools/ and uapi/; the
# programs keep flat names ($(O)/tests/host/io_txn), which is how
# make vm-test, tests/vm and the results name them.
#
#   make check-host [VMDEV_TEST_NO_KVM=1]

HOST_TEST_DIRS	:= core devices guest io irq resource tools uapi vm
HOST_TEST_SRCS	:= $(sort $(foreach d,$(HOST_TEST_DIRS),\
		   $(wildcard tests/host/$(d)/*.c)))
HOST_TESTS	:= $(sort $(patsubst %.c,$(O)/tests/host/%,\
		   $(notdir $(HOST_TEST_SRCS))))

define HOST_TEST_RULE
$(O)/tests/host/%: tests/host/$(1)/%.c $(LIB_SAN_A)
	@mkdir -p $$(@D)
	$$(CC) $$(TEST_CFLAGS) $$(SAN_FLAGS) -MMD -MP -o $$@ $$< $$(LIB_SAN_A) $$(LIB_LDLIBS)
endef
$(foreach d,$(HOST_TEST_DIRS),$(eval $(call HOST_TEST_RULE,$(d))))

# Dependency files of a build made before the tests moved into folders
# name tests/host/<prog>.c: such a source no longer exists, and the
# program is rebuilt from its folder (which rewrites the file).
$(patsubst $(O)/tests/host/%,tests/host/%.c,$(HOST_TESTS)):
	@:

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
