# SPDX-License-Identifier: GPL-2.0
#
# Benchmarks (not tests; Documentation/benchmarks.rst). `make bench` runs
# the host benchmarks, then the fast-path benchmark in the test VM, then
# the Linux-guest benchmark (bench-linux, tools/vmdev-vmm/vmm.mk):
#
#   make bench [KVER=...]       both, one after the other
#   make bench-host             every tests/bench/*.c: one program each,
#                               built with -O2 and no sanitizers against
#                               the static library, run in turn
#   make bench-vm [KVER=...]    boot the test VM (default kernel: the
#                               first of the matrix) and run vmdev-bench
#                               (tests/bench/fastpath/); its figures go
#                               to $(O)/bench/fastpath-<kver>.json
#
# BENCH_ARGS passes options to vmdev-bench (-t SECONDS a run, -r
# REPEATS); VM_TIMEOUT and VM_PROG_TIMEOUT bound the boot and the program
# as for the tests, with longer defaults here.
#
# Needs tests/guest/guest.mk and tests/vm/vm.mk included before.

BENCH_SRCS	:= $(sort $(wildcard tests/bench/*.c))
BENCH_BINS	:= $(BENCH_SRCS:tests/bench/%.c=$(O)/bench/%)
BENCH_CFLAGS	:= $(USER_CFLAGS) -O2 -Wno-unused-parameter -MMD -MP

# The fast-path benchmark: a static program for the test VM that runs the
# bench guest under libvmdev in user and kernel mode, built on the e2e
# helpers of the library's VM tests (tests/kmod/lib_e2e.h).
BENCH_FP_SRCS	:= $(sort $(wildcard tests/bench/fastpath/*.c))
BENCH_FP_OBJS	:= $(BENCH_FP_SRCS:tests/bench/%.c=$(O)/bench/%.o)
BENCH_FP_PROG	:= $(O)/bench/vmdev-bench
BENCH_FP_CFLAGS	:= $(TEST_CFLAGS) -I$(TOP)/tests/guest -I$(TOP)/tests/kmod \
		   -MMD -MP
BENCH_IMAGE	= $(VM_IMAGES)/bench.cpio
BENCH_LOG	= $(O)/vm-logs/$(VM_KVER)-bench
BENCH_JSON	= $(O)/bench/fastpath-$(VM_KVER).json
BENCH_RUN	:= $(TOP)/tests/vm/run-vm.sh -m bench \
		   -T $(or $(VM_TIMEOUT),900) -t $(or $(VM_PROG_TIMEOUT),600)

.PHONY: bench-host bench-vm

# One after the other even under -j: each would disturb the other's
# figures.
bench:
	@$(MAKE) --no-print-directory bench-host
	@$(MAKE) --no-print-directory bench-vm
	@$(MAKE) --no-print-directory bench-linux

bench-host: $(BENCH_BINS)
	@for b in $(BENCH_BINS); do \
		echo "== $$(basename $$b)"; $$b || exit 1; \
	done

$(O)/bench/%: tests/bench/%.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $< $(LIB_A) $(LIB_LDLIBS)

$(O)/bench/fastpath/%.o: tests/bench/fastpath/%.c
	@mkdir -p $(@D)
	$(CC) $(BENCH_FP_CFLAGS) -c -o $@ $<

$(BENCH_FP_PROG): $(BENCH_FP_OBJS) $(VM_GUEST_A) $(LIB_A)
	$(CC) $(VM_LDFLAGS) -o $@ $(BENCH_FP_OBJS) $(VM_GUEST_A) $(LIB_A) \
		$(VM_LDLIBS)

$(O)/vm/%/bench.cpio: $(O)/kmod/%/vmdev.ko $(BENCH_FP_PROG) $(VM_IMAGE_DEPS)
	$(TOP)/tests/vm/mkinitramfs.sh -k $* -m $< -o $@ -b $(BENCH_FP_PROG)

# The run is judged like the tests' (every case's checks are a TAP line,
# and the VM's own checks count too); the JSON is copied out of the
# result channel whatever the verdict, and only if it is all there.
bench-vm:
	$(VM_NEED_KVER)
	@$(MAKE) --no-print-directory $(BENCH_IMAGE)
	@rm -f $(BENCH_JSON); \
	$(BENCH_RUN) -a "$(BENCH_ARGS)" -l $(BENCH_LOG) $(VM_KVER) \
		$(BENCH_IMAGE); st=$$?; \
	if grep -qx 'vmdev-bench: json end' $(BENCH_LOG).out; then \
		sed -n '/^vmdev-bench: json begin$$/,/^vmdev-bench: json end$$/{//!p}' \
			$(BENCH_LOG).out > $(BENCH_JSON); \
		echo "bench: figures in $(BENCH_JSON)"; \
	else \
		echo "bench: no figures (console: $(BENCH_LOG).log)" >&2; \
		st=1; \
	fi; \
	exit $$st

-include $(BENCH_BINS:=.d) $(BENCH_FP_OBJS:.o=.d)
