# SPDX-License-Identifier: GPL-2.0
#
# Benchmarks (not tests). `make bench` builds and runs every host
# benchmark: each tests/bench/*.c is one program, built with -O2 and no
# sanitizers against the static library, run in turn; each prints its
# own figures and ratios. Benchmarks that need more than the host (the
# test VM, the kernel module) add their own target to `bench`:
#
#   bench: bench-vm
#   bench-vm: ...

BENCH_SRCS	:= $(sort $(wildcard tests/bench/*.c))
BENCH_BINS	:= $(BENCH_SRCS:tests/bench/%.c=$(O)/bench/%)
BENCH_CFLAGS	:= $(USER_CFLAGS) -O2 -Wno-unused-parameter -MMD -MP

.PHONY: bench-host

bench: bench-host

bench-host: $(BENCH_BINS)
	@for b in $(BENCH_BINS); do \
		echo "== $$(basename $$b)"; $$b || exit 1; \
	done

$(O)/bench/%: tests/bench/%.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $< $(LIB_A) $(LIB_LDLIBS)

-include $(BENCH_BINS:=.d)
