# SPDX-License-Identifier: GPL-2.0
#
# The test VM (Documentation/testing.rst). Every tests/kmod/*.c is one
# kselftest-harness program for the module, linked statically into
# $(O)/tests/vm/ to run inside the VM; the demo is $(O)/vm/vmdev-demo.
# Per kernel of the matrix, $(O)/vm/<kver>/ holds an initramfs with the
# tests and the demo, and one with the demo alone (tests/bench/bench.mk
# adds one with the fast-path benchmark alone).
#
#   make check-vm                       every kernel of the matrix
#   make check-linux                    the Linux boot test (vmm.mk), idem
#   make vm-test [KVER=...] [T=a,b]     one kernel, all or some programs
#   make vm-shell [KVER=...]            a shell in the test VM
#   make demo [KVER=...]                the demo, on the terminal: the
#                                       Linux guest in every mode
#                                       (tests/vmm/vmm_bench.c as
#                                       vmm_demo), then the UART guest
#   make demo-trace [KVER=...]          the demo, traced: where its time goes
#
# KVER defaults to the first kernel of the matrix; VM_TIMEOUT bounds one
# boot, VM_PROG_TIMEOUT one program inside it (seconds; the defaults are
# tests/vm/run-vm.sh's).

VM_TEST_SRCS	:= $(sort $(wildcard tests/kmod/*.c))
# The guest tests of the host (tests/host/guest/guest_*.c) run under nested KVM
# in the VM too.
VM_GUEST_TESTS	:= $(patsubst tests/host/guest/%.c,$(O)/tests/vm/%,\
		   $(sort $(wildcard tests/host/guest/guest_*.c)))
# Fragments included before this one add programs of their own
# (tests/fuzz/fuzz.mk: the ioctl fuzzer).
VM_TESTS	:= $(VM_TEST_SRCS:tests/kmod/%.c=$(O)/tests/vm/%) $(VM_GUEST_TESTS) \
		   $(VM_EXTRA_TESTS)
VM_DEMO		:= $(O)/vm/vmdev-demo
VM_LDFLAGS	:= -static -pthread
# liburcu-memb's shared object pulls in liburcu-common itself; its static
# archive leaves that to the link.
VM_LDLIBS	:= $(LIB_LDLIBS) -lurcu-common
# Resolved once, on first use (the matrix asks the package archive).
VM_KVER		= $(eval VM_KVER := $(if $(filter command line environment,\
		  $(origin KVER)),$(KVER),$(firstword $(MATRIX))))$(VM_KVER)
VM_RUN		:= $(TOP)/tests/vm/run-vm.sh \
		   $(if $(VM_TIMEOUT),-T $(VM_TIMEOUT)) \
		   $(if $(VM_PROG_TIMEOUT),-t $(VM_PROG_TIMEOUT))
VM_IMAGE_DEPS	:= tests/vm/mkinitramfs.sh tests/vm/init

# Programs that run test guests on the VM's nested KVM link the mini VMM
# (Documentation/guests.rst) from an archive, so that the others pull in
# nothing of it. Needs tests/guest/guest.mk included before this file.
VM_GUEST_A	:= $(if $(GUEST_VMM_OBJS),$(O)/tests/vm/libguestvmm.a)
VM_GUEST_CFLAGS	:= $(if $(GUEST_VMM_OBJS),-I$(TOP)/tests/guest)

$(O)/tests/vm/libguestvmm.a: $(GUEST_VMM_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

VM_LINK_TEST	= @mkdir -p $(@D) && \
		  $(CC) $(TEST_CFLAGS) $(VM_GUEST_CFLAGS) -MMD -MP $(VM_LDFLAGS) \
		  -o $@ $< $(VM_GUEST_A) $(LIB_A) $(VM_LDLIBS)

$(VM_GUEST_TESTS): $(O)/tests/vm/%: tests/host/guest/%.c $(VM_GUEST_A) $(LIB_A)
	$(VM_LINK_TEST)

$(O)/tests/vm/%: tests/kmod/%.c $(VM_GUEST_A) $(LIB_A)
	$(VM_LINK_TEST)

# The demo runs a test guest through the library, with the helpers of the
# library's end-to-end tests (tests/kmod/lib_e2e.h).
$(VM_DEMO): tests/vm/demo.c $(VM_GUEST_A) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(VM_GUEST_CFLAGS) -I$(TOP)/tests/kmod \
		-I$(TOP)/libvmdev/devices -MMD -MP $(VM_LDFLAGS) \
		-o $@ $< $(VM_GUEST_A) $(LIB_A) $(VM_LDLIBS)

# The reference VMM and an L2 kernel for tests/kmod/vmm_args.c: the
# matrix's first, whatever the L1 kernel (the boot test, check-linux,
# boots each kernel of the matrix in a test VM of its own: vmm.mk).
VM_L2_KVER	= $(eval VM_L2_KVER := $(firstword $(MATRIX)))$(VM_L2_KVER)
VM_VMM_FILES	= -f $(VMM_BIN):bin/vmdev-vmm \
		  -f $(VMDEV_CACHE)/kernels/$(VM_L2_KVER)/root/boot/vmlinuz-$(VM_L2_KVER):boot/vmlinuz-l2 \
		  -f $(VMM_L2_INITRD):boot/l2-initramfs.cpio

$(O)/vm/%/initramfs.cpio: $(O)/kmod/%/vmdev.ko $(VM_TESTS) $(VM_DEMO) \
			  $(VMM_BIN) $(VMM_L2_INITRD) $(VM_IMAGE_DEPS) $(VM_EXTRA_DEPS)
	$(TOP)/tests/vm/mkinitramfs.sh -k $* -m $< -o $@ -d $(VM_DEMO) \
		$(VM_VMM_FILES) $(VM_EXTRA_FILES) $(VM_TESTS)

# The demo: the reference VMM boots Linux (vmm_bench as tests/vmm_demo,
# tools/vmdev-vmm/vmm.mk), then the UART guest (vmdev-demo), each in a
# boot of the test VM of its own (a stalled Linux boot leaves nothing
# behind for the UART demo).
$(O)/vm/%/demo.cpio: $(O)/kmod/%/vmdev.ko $(VM_DEMO) $(VMM_BENCH) $(VMM_BIN) \
		     $(VMM_L2_INITRD) $(VM_IMAGE_DEPS)
	$(TOP)/tests/vm/mkinitramfs.sh -k $* -m $< -o $@ -d $(VM_DEMO) \
		$(VM_VMM_FILES) -f $(VMM_BENCH):tests/vmm_demo

# The demo and tests/vm/demo-trace, which traces it (make demo-trace).
$(O)/vm/%/trace.cpio: $(O)/kmod/%/vmdev.ko $(VM_DEMO) tests/vm/demo-trace \
		      $(VM_IMAGE_DEPS)
	$(TOP)/tests/vm/mkinitramfs.sh -k $* -m $< -o $@ -d $(VM_DEMO) \
		$(TOP)/tests/vm/demo-trace

.PHONY: vm-tests vm-test vm-shell demo-trace check-linux
vm-tests: $(VM_TESTS) $(VM_DEMO)
tests: vm-tests

VM_NEED_KVER	= @[ -n "$(VM_KVER)" ] || { \
		  echo "no kernel for the test VM: run 'make deps'" >&2; exit 1; }
VM_IMAGES	= $(O)/vm/$(VM_KVER)

# A kernel whose module, programs or image do not build, or whose VM does
# not even start, fails as a whole; the other kernels still run.
check-vm:
	@ks="$(MATRIX)"; [ -n "$$ks" ] || { echo "no matrix" >&2; exit 1; }; \
	mkdir -p $(O)/results; st=0; \
	for k in $$ks; do \
		res=$(O)/results/vm-$$k.res; img=$(O)/vm/$$k/initramfs.cpio; \
		rm -f $$res; \
		if ! $(MAKE) --no-print-directory $$img; then \
			echo "fail vm/$$k/build (vmdev.ko, programs or" \
				"initramfs)" > $$res; \
		else \
			$(VM_RUN) -r $$res -l $(O)/vm-logs/$$k $$k $$img || st=1; \
		fi; \
		[ -s $$res ] || \
			echo "fail vm/$$k/run (no result: see above)" > $$res; \
		! grep -q '^fail' $$res || st=1; \
	done; \
	exit $$st

# The Linux-guest tests (tools/vmdev-vmm/vmm.mk: the boot test and the
# snapshot test), in a test VM of their own for each kernel of the
# matrix, that kernel booting as the L2 guest. A test VM that hangs, or
# one in which every try of a step stalled, is booted again for the
# programs that did not pass, up to LINUX_VM_BOOTS test VMs a kernel
# (tests/vm/check-linux.sh); the earlier ones' logs stay as
# <kver>-linux-retry<N>.*. No test VM is booted again once
# LINUX_RETRY_SECS have passed since the check began, whatever the
# kernel: the first test VM of each always runs, and the retries of all
# of them share one bound, which keeps make check within CI's hour.
LINUX_VM_BOOTS	:= 6
LINUX_RETRY_SECS := 1800
LINUX_PROGS	:= vmm_boot,vmm_snapshot

check-linux:
	@ks="$(MATRIX)"; [ -n "$$ks" ] || { echo "no matrix" >&2; exit 1; }; \
	mkdir -p $(O)/results; st=0; \
	deadline=$$(($$(date +%s) + $(LINUX_RETRY_SECS))); \
	for k in $$ks; do \
		res=$(O)/results/linux-$$k.res; img=$(O)/vm/$$k/linux.cpio; \
		log=$(O)/vm-logs/$$k-linux; rm -f $$res $$log-retry*; \
		if ! $(MAKE) --no-print-directory $$img; then \
			echo "fail linux/$$k/build (VMM, L2 initramfs or" \
				"image)" > $$res; \
		else \
			$(TOP)/tests/vm/check-linux.sh $$k $$img $$res $$log \
				$(LINUX_VM_BOOTS) $$deadline $(LINUX_PROGS) \
				$(VM_LINUX_RUN) -T 1800; \
		fi; \
		[ -s $$res ] || \
			echo "fail linux/$$k/run (no result: see above)" > $$res; \
		! grep -q '^fail' $$res || st=1; \
	done; \
	exit $$st

vm-test:
	$(VM_NEED_KVER)
	@$(MAKE) --no-print-directory $(VM_IMAGES)/initramfs.cpio
	@$(VM_RUN) $(if $(T),-p $(T)) -r $(O)/results/vm-$(VM_KVER).res \
		-l $(O)/vm-logs/$(VM_KVER) $(VM_KVER) $(VM_IMAGES)/initramfs.cpio

vm-shell:
	$(VM_NEED_KVER)
	@$(MAKE) --no-print-directory $(VM_IMAGES)/initramfs.cpio
	@$(VM_RUN) -m shell $(VM_KVER) $(VM_IMAGES)/initramfs.cpio

demo: deps
	$(VM_NEED_KVER)
	@$(MAKE) --no-print-directory $(VM_IMAGES)/demo.cpio
	@$(VM_RUN) -m demo -p vmm_demo -t 600 \
		-l $(O)/vm-logs/$(VM_KVER)-linux-demo \
		$(VM_KVER) $(VM_IMAGES)/demo.cpio
	@$(VM_RUN) -m demo -l $(O)/vm-logs/$(VM_KVER)-demo \
		$(VM_KVER) $(VM_IMAGES)/demo.cpio

# Where the demo's time goes: Documentation/benchmarks.rst.
demo-trace:
	$(VM_NEED_KVER)
	@$(MAKE) --no-print-directory $(VM_IMAGES)/trace.cpio
	@$(VM_RUN) -p demo-trace -l $(O)/vm-logs/$(VM_KVER)-trace \
		$(VM_KVER) $(VM_IMAGES)/trace.cpio

-include $(VM_TESTS:=.d) $(VM_DEMO).d

# KVM alone, churned (tests/vm/kvm_churn.c): CHURN VMs (default 1000)
# created, run and destroyed with vmdev.ko unloaded, on one kernel;
# VMDEV_TCG_THREAD=multi for qemu's multi-threaded TCG.
#   make vm-churn [KVER=...] [CHURN=N] [VMDEV_TCG_THREAD=multi]
VM_CHURN	:= $(O)/vm/kvm_churn
CHURN		?= 1000

$(VM_CHURN): tests/vm/kvm_churn.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -MMD -MP $(VM_LDFLAGS) -o $@ $<

$(O)/vm/%/churn.cpio: $(O)/kmod/%/vmdev.ko $(VM_CHURN) $(VM_IMAGE_DEPS)
	$(TOP)/tests/vm/mkinitramfs.sh -k $* -m $< -o $@ $(VM_CHURN)

.PHONY: vm-churn
vm-churn:
	$(VM_NEED_KVER)
	@$(MAKE) --no-print-directory $(VM_IMAGES)/churn.cpio
	@$(TOP)/tests/vm/run-vm.sh -a $(CHURN) -T 900 -t 800 \
		-r $(O)/results/churn-$(VM_KVER).res \
		-l $(O)/vm-logs/$(VM_KVER)-churn $(VM_KVER) \
		$(VM_IMAGES)/churn.cpio

-include $(VM_CHURN).d
