# SPDX-License-Identifier: GPL-2.0
#
# vmdev: kernel module, library and tests.
#
#   make            build vmdev.ko (for KDIR / KVER), libvmdev and the tests
#   make check      install what is missing, then every test: lint, host,
#                   and the test VM on every kernel of the matrix
#   make demo       install what is missing, boot the test VM, run the demo
#   make bench      benchmarks (not tests)
#   make fuzz       the ioctl fuzzer in the test VM, longer than check's
#   make install    module (modules_install), UAPI header, library
#
# Each area keeps its rules in its own fragment (*.mk), included below.

TOP		:= $(CURDIR)
O		:= $(TOP)/build
VMDEV_CACHE	?= /var/cache/vmdev
export VMDEV_CACHE

# ---- the kernel to build for ----------------------------------------
# KDIR wins, then KVER, then the running kernel's build directory, then
# the newest installed Debian linux-headers-* (non-rt first).
ifeq ($(KDIR),)
ifneq ($(KVER),)
KDIR		:= /lib/modules/$(KVER)/build
else ifneq ($(wildcard /lib/modules/$(shell uname -r)/build/Makefile),)
KDIR		:= /lib/modules/$(shell uname -r)/build
else
KDIR		:= $(or $(lastword $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | grep -v -- -rt- | sort -V)),\
			$(lastword $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V)))
endif
endif
KVER		?= $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)

# ---- userspace toolchain --------------------------------------------
CC		?= cc
KSFT_INC	:= $(VMDEV_CACHE)/linux-source-6.1/tools/testing/selftests
USER_CFLAGS	:= -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g \
		   -I$(TOP)/uapi -I$(TOP)/libvmdev/include -I$(TOP)/libvmdev/core
SAN_FLAGS	:= -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
TEST_CFLAGS	:= $(USER_CFLAGS) -I$(KSFT_INC) -I$(TOP)/libvmdev/devices \
		   -Wno-unused-parameter

PREFIX		?= /usr/local
LIBDIR		?= $(PREFIX)/lib
INCLUDEDIR	?= $(PREFIX)/include
DESTDIR		?=

.PHONY: all deps module modules-all lib tests check check-host check-vm check-abi \
	lint demo bench install clean
.DEFAULT_GOAL := all

all: module lib tests

deps:
	@$(TOP)/tests/install-deps.sh

include $(TOP)/kmod/kmod.mk
include $(TOP)/libvmdev/lib.mk
include $(TOP)/tests/host/host.mk
include $(TOP)/tests/guest/guest.mk
include $(TOP)/tools/vmdev-vmm/virtio.mk
include $(TOP)/tools/vmdev-vmm/vmm.mk
include $(TOP)/tests/fuzz/fuzz.mk
include $(TOP)/tests/vm/vm.mk
-include $(TOP)/tests/bench/bench.mk

# Results of every check land in $(O)/results/*.res, one "pass|fail|skip
# NAME" line each; tests/summary.sh prints the closing count line.
check: deps
	@rm -rf $(O)/results && mkdir -p $(O)/results
	@$(MAKE) -k --no-print-directory check-lint check-abi check-host \
		check-vm check-linux; \
	rc=$$?; [ $$rc -eq 0 ] || echo "fail make: a check failed to build or run \
		(exit $$rc, see above)" > $(O)/results/make.res; \
	$(TOP)/tests/summary.sh $(O)/results

# The module for KVER (modules_install honours INSTALL_MOD_PATH, set from
# DESTDIR), then the UAPI header and the library (install-lib).
install: module install-lib
	$(MAKE) -C $(KDIR) M=$(O)/kmod/$(KVER) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=extra modules_install

clean:
	rm -rf $(O)
