# SPDX-License-Identifier: GPL-2.0
#
# Building vmdev.ko for one kernel or the whole matrix, and its lint.
# Out-of-tree kbuild writes objects next to the sources, so every kernel
# release gets its own copy of the kbuild sources under $(O)/kmod/<kver>.

KMOD_SRCS	:= Kbuild $(sort $(wildcard kmod/*.c kmod/*.h \
		   libvmdev/core/*.c libvmdev/core/*.h)) uapi/linux/vmdev.h \
		   uapi/linux/vmdev_netlink.h \
		   kmod/kvm-bus-offsets.sh
# O= names our own output directory, and make hands command-line
# variables down to kbuild, which would take it for the kernel's: reset.
KMOD_FLAGS	:= CONFIG_VMDEV=m W=1 O=
MATRIX		= $(shell $(TOP)/tests/vm/kernels.sh)
kdir_for	= $(if $(filter $(1),$(KVER)),$(KDIR),/lib/modules/$(1)/build)
# Level 3 reads kvm.ko of the kernel: the test kernels are unpacked here
# (a user's own kernel has it under /lib/modules, looked at anyway).
kvm_roots	= VMDEV_KVM_ROOTS=$(VMDEV_CACHE)/kernels/$(1)/root

# Copy preserving timestamps (so kbuild rebuilds only what changed) and
# drop copies of files that left the tree.
kmod_sync = mkdir -p $(1) && (cd $(TOP) && cp -p --parents $(KMOD_SRCS) $(1)/) && \
	(cd $(1) && find kmod libvmdev uapi -name '*.[ch]' | while read -r f; do \
		[ -e "$(TOP)/$$f" ] || rm -f "$$f"; done)

$(O)/kmod/%/vmdev.ko: $(KMOD_SRCS) FORCE
	@$(call kmod_sync,$(@D))
	$(MAKE) -C $(call kdir_for,$*) M=$(@D) $(KMOD_FLAGS) $(call kvm_roots,$*) modules

.PHONY: FORCE
FORCE:

module:
	@[ -n "$(KVER)" ] || { echo "no kernel headers found: run 'make deps' or set KDIR=" >&2; exit 1; }
	@$(MAKE) --no-print-directory $(O)/kmod/$(KVER)/vmdev.ko

modules-all:
	@for k in $(MATRIX); do \
		$(MAKE) --no-print-directory $(O)/kmod/$$k/vmdev.ko || exit 1; done

# Lint, per kernel of the matrix: a W=1 build with no warning at all and a
# sparse pass with no report; checkpatch --strict once over the sources.
CHECKPATCH	:= $(VMDEV_CACHE)/linux-source-6.1/scripts/checkpatch.pl
# BIT() does not exist for UAPI headers, so the UAPI is checked without
# BIT_MACRO; the userspace half of the shim is not kernel code.
# Trace event headers are macro calls that checkpatch takes for C: their
# layout (open-ended lines, aligned arguments) is the kernel's own.
CHECKPATCH_FILES = $(filter-out Kbuild libvmdev/core/shim_user.h uapi/linux/vmdev.h \
		     uapi/linux/vmdev_netlink.h kmod/trace.h \
		     kmod/kvm-bus-offsets.sh,$(KMOD_SRCS))

check-lint:
	@mkdir -p $(O)/results $(O)/lint; res=$(O)/results/lint.res; : > $$res; \
	for k in $(MATRIX); do \
		d=$(O)/lint/$$k; rm -rf $$d; $(call kmod_sync,$$d) >/dev/null; \
		if $(MAKE) -s -C /lib/modules/$$k/build M=$$d $(KMOD_FLAGS) $(call kvm_roots,$$k) modules \
			> $$d.w1.log 2>&1 && ! grep -q 'warning:' $$d.w1.log; then \
			echo "pass lint/W=1/$$k" >> $$res; \
		else cat $$d.w1.log; echo "fail lint/W=1/$$k" >> $$res; fi; \
		if $(MAKE) -s -C /lib/modules/$$k/build M=$$d $(KMOD_FLAGS) $(call kvm_roots,$$k) C=2 \
			CHECK="sparse -Wno-unknown-attribute" modules > $$d.sparse.log 2>&1 && \
			! grep -E -q '(warning|error):' $$d.sparse.log; then \
			echo "pass lint/sparse/$$k" >> $$res; \
		else cat $$d.sparse.log; echo "fail lint/sparse/$$k" >> $$res; fi; \
	done; \
	if $(CHECKPATCH) --strict --no-tree --quiet --show-types \
		--ignore FILE_PATH_CHANGES \
		-f $(addprefix $(TOP)/,$(CHECKPATCH_FILES)) > $(O)/lint/checkpatch.log 2>&1 && \
	   $(CHECKPATCH) --strict --no-tree --quiet --show-types \
		--ignore FILE_PATH_CHANGES,BIT_MACRO \
		-f $(TOP)/uapi/linux/vmdev.h $(TOP)/uapi/linux/vmdev_netlink.h >> $(O)/lint/checkpatch.log 2>&1 && \
	   $(CHECKPATCH) --strict --no-tree --quiet --show-types \
		--ignore FILE_PATH_CHANGES,OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT \
		-f $(TOP)/kmod/trace.h >> $(O)/lint/checkpatch.log 2>&1; then \
		echo "pass lint/checkpatch" >> $$res; \
	else cat $(O)/lint/checkpatch.log; echo "fail lint/checkpatch" >> $$res; fi; \
	cat $$res
