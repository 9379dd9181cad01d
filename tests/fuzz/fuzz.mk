# SPDX-License-Identifier: GPL-2.0
#
# The ioctl fuzzer of /dev/vmdev (Documentation/testing.rst, "The ioctl
# fuzzer"): tests/fuzz/*.c, linked statically with the mini VMM and its
# own guest (tests/fuzz/guest.S), as $(O)/tests/vm/vmdev_fuzz. It is one
# of the test VM's programs, so check-vm runs it on every kernel for its
# default 60 seconds; `make fuzz` runs it alone, longer:
#
#   make fuzz [SECS=600] [SEED=N] [KVER=<kver>|KVER=all] [FUZZ_ARGS=...]
#
# KVER defaults to the first kernel of the matrix; all runs every kernel
# of the matrix, one after the other. The VM's time (VM_TIMEOUT) and the
# program's (VM_PROG_TIMEOUT) default to SECS plus margins for the boot,
# the stop and the health checks. FUZZ_ARGS adds options (-p PROCS,
# -j THREADS, -m SLAB-KB, -n: tests/fuzz/main.c). Results go to $(O)/results/fuzz-<kver>.res,
# logs to $(O)/vm-logs/<kver>-fuzz.*.
#
# Needs tests/guest/guest.mk before it and tests/vm/vm.mk after it.

FUZZ_OUT	:= $(O)/tests/fuzz
FUZZ_SRCS	:= $(sort $(wildcard tests/fuzz/*.c))
FUZZ_OBJS	:= $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_OUT)/%.o)
FUZZ_GUEST	:= $(FUZZ_OUT)/fuzz-guest.bin
FUZZ_BLOB	:= $(FUZZ_OUT)/guest_blob.o
FUZZ_PROG	:= $(O)/tests/vm/vmdev_fuzz
FUZZ_CFLAGS	:= $(USER_CFLAGS) -pthread -I$(TOP)/tests/guest \
		   -I$(TOP)/libvmdev/devices -MMD -MP
SECS		?= 600
FUZZ_VM_TIMEOUT	= $(or $(VM_TIMEOUT),$(shell echo $$(($(SECS) + 300))))
FUZZ_PROG_TIMEOUT = $(or $(VM_PROG_TIMEOUT),$(shell echo $$(($(SECS) + 120))))

# tests/vm/vm.mk puts it in the initramfs with the other programs.
VM_EXTRA_TESTS	+= $(FUZZ_PROG)

$(FUZZ_OUT)/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(CC) $(FUZZ_CFLAGS) -c -o $@ $<

# The guest: a flat image like those of tests/guest (guest.mk's flags
# and linker script), embedded by guest_blob.S.
$(FUZZ_OUT)/guest.img.o: tests/fuzz/guest.S
	@mkdir -p $(@D)
	$(CC) $(GUEST_ASFLAGS) -I$(TOP)/tests/fuzz -c -o $@ $<

$(FUZZ_OUT)/fuzz-guest.elf: $(FUZZ_OUT)/guest.img.o $(GUEST_OUT)/guest.lds
	$(LD) $(GUEST_LDFLAGS) -T $(GUEST_OUT)/guest.lds -o $@ $<

$(FUZZ_GUEST): $(FUZZ_OUT)/fuzz-guest.elf
	$(OBJCOPY) -O binary $< $@

$(FUZZ_BLOB): tests/fuzz/guest_blob.S $(FUZZ_GUEST)
	$(CC) -c -Wa,-I$(FUZZ_OUT) -Wa,--fatal-warnings -o $@ $<

$(FUZZ_PROG): $(FUZZ_OBJS) $(FUZZ_BLOB) $(O)/tests/vm/libguestvmm.a $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(VM_LDFLAGS) -o $@ $(FUZZ_OBJS) $(FUZZ_BLOB) \
		$(O)/tests/vm/libguestvmm.a $(LIB_A) $(VM_LDLIBS)

$(O)/vm/%/fuzz.cpio: $(O)/kmod/%/vmdev.ko $(FUZZ_PROG) tests/vm/mkinitramfs.sh \
		     tests/vm/init
	$(TOP)/tests/vm/mkinitramfs.sh -k $* -m $< -o $@ $(FUZZ_PROG)

.PHONY: fuzz
fuzz:
	@ks="$(if $(filter all,$(KVER)),$(MATRIX),$(VM_KVER))"; \
	[ -n "$$ks" ] || { echo "no kernel for the test VM: run 'make deps'" >&2; \
		exit 1; }; \
	mkdir -p $(O)/results; st=0; \
	for k in $$ks; do \
		$(MAKE) --no-print-directory $(O)/vm/$$k/fuzz.cpio || exit 1; \
		$(TOP)/tests/vm/run-vm.sh -p vmdev_fuzz \
			-a "-t $(SECS) $(if $(SEED),-s $(SEED)) $(FUZZ_ARGS)" \
			-T $(FUZZ_VM_TIMEOUT) -t $(FUZZ_PROG_TIMEOUT) \
			-r $(O)/results/fuzz-$$k.res -l $(O)/vm-logs/$$k-fuzz \
			$$k $(O)/vm/$$k/fuzz.cpio || st=1; \
	done; \
	exit $$st

-include $(FUZZ_OBJS:.o=.d) $(FUZZ_OUT)/guest.img.d
