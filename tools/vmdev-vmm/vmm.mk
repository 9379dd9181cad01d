# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# vmdev-vmm (tools/vmdev-vmm): the reference VMM that boots Linux. Linked
# statically against libvmdev.a, so that one binary runs in the test VM.
# The register maps of libvmdev/devices are used through devmaps.h.
#
#   make vmm            $(O)/vmm/vmdev-vmm
#   make l2-initramfs   $(O)/vmm/l2-initramfs.cpio (tools/vmdev-vmm/l2)
#   make vm-linux [KVER=...]   the VMM boots Linux in the test VM, in both
#                       modes (tests/vmm/vmm_boot.c); not part of make
#                       check (Documentation/linux-guest.rst)
#   make bench-linux [KVER=...] [LBENCH_ARGS=...]   the Linux-guest
#                       benchmark (tests/vmm/vmm_bench.c) in the test VM;
#                       its figures go to $(O)/bench/linux-<kver>.json
#                       (Documentation/benchmarks.rst); part of make bench

# The core VMM, one concern per file (vmm.h lists them). The virtio-mmio
# transport, its devices and the MMIO device manager add their sources to
# VMM_EXTRA_SRCS (see the hooks in main.c).
VMM_CORE	:= main args memory boot cpu mptable serial i8042 rtc legacy run \
		   stats mark kvmstats
VMM_SRCS	:= $(VMM_CORE:%=tools/vmdev-vmm/%.c) $(VMM_EXTRA_SRCS)
VMM_OBJS	:= $(VMM_SRCS:%.c=$(O)/%.o)
VMM_BIN		:= $(O)/vmm/vmdev-vmm
VMM_L2_INITRD	:= $(O)/vmm/l2-initramfs.cpio

$(O)/tools/vmdev-vmm/%.o: tools/vmdev-vmm/%.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -I$(TOP)/libvmdev/devices -MMD -MP -c $< -o $@

$(VMM_BIN): $(VMM_OBJS) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) -static -pthread -o $@ $(VMM_OBJS) $(LIB_A) $(LIB_LDLIBS) \
		-lurcu-common

# The L2 kernel (the matrix's first, as VM_L2_KVER in tests/vm/vm.mk):
# its package's virtio modules and virtio_guest_devs.ko built for it go
# into the L2 initramfs (virtio.mk, Documentation/virtio.rst).
VMM_L2_KVER	= $(firstword $(MATRIX))
VMM_L2_MODDIR	= $(VMDEV_CACHE)/kernels/$(VMM_L2_KVER)/root/lib/modules/$(VMM_L2_KVER)
VMM_L2_GUESTDEVS = $(O)/vmm/guest-devs/$(VMM_L2_KVER)/virtio_guest_devs.ko

.SECONDEXPANSION:
$(VMM_L2_INITRD): tools/vmdev-vmm/l2/mkinitramfs.sh tools/vmdev-vmm/l2/init \
		  $$(VMM_L2_GUESTDEVS)
	tools/vmdev-vmm/l2/mkinitramfs.sh -o $@ -m $(VMM_L2_MODDIR) \
		-g $(VMM_L2_GUESTDEVS)

.PHONY: vmm l2-initramfs vm-linux
vmm: $(VMM_BIN)
l2-initramfs: $(VMM_L2_INITRD)

# The boot test, alone in an initramfs with the VMM, the L2 kernel and the
# L2 initramfs (VM_VMM_FILES, tests/vm/vm.mk). Two bounded boots of up to
# 240 s each, plus the test VM's own.
VMM_BOOT_TEST	:= $(O)/vmm/vmm_boot

$(VMM_BOOT_TEST): tests/vmm/vmm_boot.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -MMD -MP -static -pthread -o $@ $<

# The Linux-guest benchmark; installed as tests/vmm_demo it is the Linux
# part of make demo (tests/vm/vm.mk).
VMM_BENCH	:= $(O)/vmm/vmm_bench

$(VMM_BENCH): tests/vmm/vmm_bench.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -O2 -MMD -MP -static -pthread -o $@ $<

$(O)/vm/%/linux.cpio: $(O)/kmod/%/vmdev.ko $(VMM_BOOT_TEST) $(VMM_BIN) \
		      $(VMM_L2_INITRD) tests/vm/mkinitramfs.sh tests/vm/init
	$(TOP)/tests/vm/mkinitramfs.sh -k $* -m $< -o $@ $(VM_VMM_FILES) \
		$(VMM_BOOT_TEST)

vm-linux:
	$(VM_NEED_KVER)
	@$(MAKE) --no-print-directory $(VM_IMAGES)/linux.cpio
	@$(TOP)/tests/vm/run-vm.sh -p vmm_boot -T 900 -t 800 \
		-r $(O)/results/linux-$(VM_KVER).res \
		-l $(O)/vm-logs/$(VM_KVER)-linux $(VM_KVER) \
		$(VM_IMAGES)/linux.cpio

# The benchmark alone with the VMM and its L2 guest: rounds of a boot
# per mode (three modes, 30 to 80 s a boot, 50 s more per stall), no boot
# started after vmm_bench's budget (-T, default 900 s), and the VM's
# bounds above that.
LBENCH_LOG	= $(O)/vm-logs/$(VM_KVER)-linux-bench
LBENCH_JSON	= $(O)/bench/linux-$(VM_KVER).json

$(O)/vm/%/linux-bench.cpio: $(O)/kmod/%/vmdev.ko $(VMM_BENCH) $(VMM_BIN) \
			    $(VMM_L2_INITRD) tests/vm/mkinitramfs.sh tests/vm/init
	$(TOP)/tests/vm/mkinitramfs.sh -k $* -m $< -o $@ $(VM_VMM_FILES) \
		$(VMM_BENCH)

.PHONY: bench-linux
bench-linux:
	$(VM_NEED_KVER)
	@$(MAKE) --no-print-directory $(VM_IMAGES)/linux-bench.cpio
	@rm -f $(LBENCH_JSON); mkdir -p $(dir $(LBENCH_JSON)); \
	$(TOP)/tests/vm/run-vm.sh -m bench -p vmm_bench -T 1800 -t 1700 \
		-a "$(LBENCH_ARGS)" -r $(O)/results/linux-bench-$(VM_KVER).res \
		-l $(LBENCH_LOG) $(VM_KVER) $(VM_IMAGES)/linux-bench.cpio; \
	st=$$?; \
	if grep -qx 'vmm-bench: json end' $(LBENCH_LOG).out; then \
		sed -n '/^vmm-bench: json begin$$/,/^vmm-bench: json end$$/{//!p}' \
			$(LBENCH_LOG).out > $(LBENCH_JSON); \
		echo "bench-linux: figures in $(LBENCH_JSON)"; \
	else \
		echo "bench-linux: no figures (console: $(LBENCH_LOG).log)" >&2; \
		st=1; \
	fi; \
	exit $$st

-include $(VMM_OBJS:.o=.d) $(VMM_BOOT_TEST).d $(VMM_BENCH).d

# Where the console workload's time goes: perf in the test VM during it,
# per mode (tests/vmm/vmm_perf.sh). perf and its libraries come from the
# build machine (Debian's linux-perf).
#   make vm-linux-perf [KVER=...] [PERF_ARGS="SECS MODE..."]
VMM_PERF_FILES	= $(shell p=$$(command -v perf) && \
		  echo "-f $$p:bin/perf" && \
		  ldd $$p | awk '/=> \//{ print "-f " $$3 ":" substr($$3, 2) } \
			/^\t\/lib64/{ print "-f " $$1 ":" substr($$1, 2) }')

$(O)/vm/%/linux-perf.cpio: $(O)/kmod/%/vmdev.ko $(VMM_BIN) $(VMM_L2_INITRD) \
			   tests/vmm/vmm_perf.sh tests/vm/mkinitramfs.sh \
			   tests/vm/init
	$(TOP)/tests/vm/mkinitramfs.sh -k $* -m $< -o $@ $(VM_VMM_FILES) \
		$(VMM_PERF_FILES) -f $(TOP)/tests/vmm/vmm_perf.sh:tests/vmm_perf

.PHONY: vm-linux-perf
vm-linux-perf:
	$(VM_NEED_KVER)
	@$(MAKE) --no-print-directory $(VM_IMAGES)/linux-perf.cpio
	@$(TOP)/tests/vm/run-vm.sh -p vmm_perf -T 1200 -t 1100 \
		-a "$(PERF_ARGS)" -l $(O)/vm-logs/$(VM_KVER)-linux-perf \
		$(VM_KVER) $(VM_IMAGES)/linux-perf.cpio
