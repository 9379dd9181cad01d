# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# vmdev-vmm (tools/vmdev-vmm): the reference VMM that boots Linux. Linked
# statically against libvmdev.a, so that one binary runs in the test VM.
# It uses libvmdev's public API alone (<vmdev/*.h>), device maps included.
#
#   make vmm            $(O)/vmm/vmdev-vmm
#   make l2-initramfs   $(O)/vmm/l2-initramfs.cpio (tools/vmdev-vmm/l2)
#   make vm-linux [KVER=...]   the VMM boots Linux (KVER's kernel) in the
#                       test VM, in both modes (tests/vmm/vmm_boot.c);
#                       make check does it for every kernel of the matrix
#   make bench-linux [KVER=...] [LBENCH_ARGS=...]   the Linux-guest
#                       benchmark (tests/vmm/vmm_bench.c) in the test VM;
#                       its figures go to $(O)/bench/linux-<kver>.json
#                       (Documentation/benchmarks.rst); part of make bench
#   make vm-linux-perf [KVER=...]   perf in the test VM during the
#                       benchmark's console workload, per mode

# The core VMM, one concern per file (vmm.h lists them). The virtio-mmio
# transport, its devices and the MMIO device manager add their sources to
# VMM_EXTRA_SRCS (see the hooks in main.c).
VMM_CORE	:= main args memory boot cpu mptable serial i8042 rtc legacy run \
		   stats mark kvmstats snapfile kvm_state snapshot
VMM_SRCS	:= $(VMM_CORE:%=tools/vmdev-vmm/%.c) $(VMM_EXTRA_SRCS)
VMM_OBJS	:= $(VMM_SRCS:%.c=$(O)/%.o)
VMM_BIN		:= $(O)/vmm/vmdev-vmm
VMM_L2_INITRD	:= $(O)/vmm/l2-initramfs.cpio

$(O)/tools/vmdev-vmm/%.o: tools/vmdev-vmm/%.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(VMM_BIN): $(VMM_OBJS) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) -static -pthread -o $@ $(VMM_OBJS) $(LIB_A) $(LIB_LDLIBS) \
		-lurcu-common

# One L2 initramfs per kernel of the matrix, for that kernel as the L2
# guest: its package's virtio modules and virtio_guest_devs.ko built for
# it (virtio.mk, Documentation/virtio.rst). The test VM's main image
# carries the matrix's first kernel and its initramfs (VM_L2_KVER in
# tests/vm/vm.mk), for tests/kmod/vmm_args.c.
VMM_L2_KVER	= $(firstword $(MATRIX))

$(O)/vmm/l2/%/initramfs.cpio: tools/vmdev-vmm/l2/mkinitramfs.sh \
			      tools/vmdev-vmm/l2/init \
			      $(O)/vmm/guest-devs/%/virtio_guest_devs.ko
	tools/vmdev-vmm/l2/mkinitramfs.sh -o $@ \
		-m $(VMDEV_CACHE)/kernels/$*/root/lib/modules/$* -g $(lastword $^)

# Built through pattern rules, kept all the same (make would delete them
# as intermediates).
.PRECIOUS: $(O)/kmod/%/vmdev.ko $(O)/vmm/guest-devs/%/virtio_guest_devs.ko \
	   $(O)/vmm/l2/%/initramfs.cpio

.SECONDEXPANSION:
$(VMM_L2_INITRD): $$(O)/vmm/l2/$$(VMM_L2_KVER)/initramfs.cpio
	cp $< $@

.PHONY: vmm l2-initramfs vm-linux
vmm: $(VMM_BIN)
l2-initramfs: $(VMM_L2_INITRD)

# The boot test, alone in an initramfs with the VMM, the L1 kernel as the
# L2 kernel and its L2 initramfs, run in a test VM of two CPUs (stalls,
# Documentation/guests.rst, "Interrupts delivered twice", are caught and
# the boot tried again: tests/vmm/vmm_boot.c). Make check runs it with
# one vCPU on every kernel of the matrix (check-linux: two boots, 30 to
# 80 s, up to 60 s more for each stall); make vm-linux, on one kernel,
# with one vCPU and then with two (vmm_boot_smp, which stalls too often
# for make check).
VMM_BOOT_TEST	:= $(O)/vmm/vmm_boot
VMM_BOOT_SMP	:= $(O)/vmm/vmm_boot_smp
# Live snapshot and restore across modes (tests/vmm/vmm_snapshot.c), in
# check-linux's test VM after the boot test.
VMM_SNAP_TEST	:= $(O)/vmm/vmm_snapshot
VM_LINUX_RUN	= $(TOP)/tests/vm/run-vm.sh -t 1060

$(VMM_BOOT_TEST) $(VMM_BOOT_SMP): $(O)/vmm/%: tests/vmm/%.c tests/vmm/vmm_boot.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -MMD -MP -static -pthread -o $@ $<

$(VMM_SNAP_TEST): tests/vmm/vmm_snapshot.c tests/vmm/vmm_run.h
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -MMD -MP -static -pthread -o $@ $<

# The Linux-guest benchmark; installed as tests/vmm_demo it is the Linux
# part of make demo (tests/vm/vm.mk).
VMM_BENCH	:= $(O)/vmm/vmm_bench

$(VMM_BENCH): tests/vmm/vmm_bench.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -O2 -MMD -MP -static -pthread -o $@ $<

$(O)/vm/%/linux.cpio: $(O)/kmod/%/vmdev.ko $(VMM_BOOT_TEST) $(VMM_BOOT_SMP) \
		      $(VMM_SNAP_TEST) $(VMM_BIN) \
		      $(O)/vmm/l2/%/initramfs.cpio tests/vm/mkinitramfs.sh \
		      tests/vm/init
	$(TOP)/tests/vm/mkinitramfs.sh -k $* -m $< -o $@ \
		-f $(VMM_BIN):bin/vmdev-vmm \
		-f $(VMDEV_CACHE)/kernels/$*/root/boot/vmlinuz-$*:boot/vmlinuz-l2 \
		-f $(O)/vmm/l2/$*/initramfs.cpio:boot/l2-initramfs.cpio \
		$(VMM_BOOT_TEST) $(VMM_BOOT_SMP) $(VMM_SNAP_TEST)

vm-linux:
	$(VM_NEED_KVER)
	@$(MAKE) --no-print-directory $(VM_IMAGES)/linux.cpio
	@$(VM_LINUX_RUN) -T 2900 -p vmm_boot,vmm_boot_smp,vmm_snapshot \
		-r $(O)/results/linux-$(VM_KVER).res \
		-l $(O)/vm-logs/$(VM_KVER)-linux $(VM_KVER) \
		$(VM_IMAGES)/linux.cpio

# The benchmark alone with the VMM and its L2 guest: rounds of a boot per
# mode (three modes, 30 to 80 s a boot, 50 s more per stall), no boot
# started after vmm_bench's budget (-T, default 900 s), and the VM's
# bounds above that. In a test VM of two CPUs, not one as the boot test:
# in one CPU the test VM went idle for good at the start of the first
# user-mode boot, twice in two runs (Documentation/benchmarks.rst).
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
	$(TOP)/tests/vm/run-vm.sh -m bench -p vmm_bench -T 1200 -t 1100 \
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

-include $(VMM_OBJS:.o=.d) $(VMM_BOOT_TEST).d $(VMM_BOOT_SMP).d $(VMM_BENCH).d \
	$(VMM_SNAP_TEST).d

# Where the console workload's time goes: perf in the test VM during it,
# per mode (tests/vmm/vmm_perf.sh). perf and its libraries come from the
# build machine (Debian's linux-perf).
#   make vm-linux-perf [KVER=...] [PERF_ARGS="[blk] SECS MODE..."]
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
