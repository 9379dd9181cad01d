# SPDX-License-Identifier: GPL-2.0
#
# DKMS (Documentation/packaging.rst).
#
#   make dkms-src [DKMS_SRC=dir]   the DKMS source tree of vmdev.ko:
#                                  dkms.conf and the kbuild sources
#                                  (default $(O)/dkms-src/vmdev-<version>)
#   make check-dkms                dkms builds vmdev.ko for every kernel of
#                                  the matrix; that .ko runs the smoke
#                                  programs in the test VM
#
# The same tree is what the vmdev-dkms package puts in /usr/src.

VMDEV_VERSION	:= $(LIB_VERSION)
DKMS_SRC	?= $(O)/dkms-src/vmdev-$(VMDEV_VERSION)
# Smoke programs: the node and API version, a guest run, level 3 (whose
# offsets the dkms build found in the kernel's kvm.ko).
DKMS_SMOKE	:= kmod_smoke kmod_run kmod_level3
DKMS_SMOKE_LIST	:= kmod_smoke,kmod_run,kmod_level3

.PHONY: dkms-src check-dkms
dkms-src:
	rm -rf $(DKMS_SRC) && mkdir -p $(DKMS_SRC)
	cp -p --parents $(KMOD_SRCS) $(DKMS_SRC)/
	sed 's|@VERSION@|$(VMDEV_VERSION)|' packaging/dkms.conf.in > $(DKMS_SRC)/dkms.conf

check-dkms: dkms-src $(DKMS_SMOKE:%=$(O)/tests/vm/%)
	@$(TOP)/packaging/check-dkms.sh -s $(DKMS_SRC) -o $(O)/dkms \
		-r $(O)/results -t $(DKMS_SMOKE_LIST) \
		$(DKMS_SMOKE:%=-e $(O)/tests/vm/%) $(MATRIX)
