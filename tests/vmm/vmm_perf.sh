#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Where the console workload's time goes (Documentation/benchmarks.rst,
# "The Linux-guest benchmark"): in the test VM, the reference VMM boots
# the L2 guest with vmdev.work=console, pinned to CPU 0, once per mode;
# from its mark 2 on (the start of the 64 KiB write), perf samples every
# CPU of the test VM (cpu-clock: TCG has no PMU) for SECS seconds, and
# the profile of CPU 0 is printed by command and object (the VMM's
# userspace, the kernel on its behalf, idle, kworkers), then by symbol.
# Under TCG the samples land where the L1 kernel takes its timer
# interrupt, often where it re-enables interrupts: read the symbols with
# that skid in mind. A boot
# that shows no mark 2 within 60 s (the test bed's stall) is killed and
# tried again, up to three times. make vm-linux-perf runs it; its
# initramfs holds perf and its libraries (tools/vmdev-vmm/vmm.mk).
# With "blk" first, the same with the disk workload instead (a 128 MiB
# disk), from mark 1: the read follows it within a second or two, and
# lasts about one.
#   vmm_perf [blk] [SECS] [MODE...]      default: 6 kernel user kvm_bus
set -u
work=console mark=2 disk=
if [ "${1:-}" = blk ]; then
	work=blk mark=1 disk=/tmp/vmm-perf-disk.img
	shift
	yes VMDEV-PERF-DISK | head -c 134217728 > $disk
fi
secs=${1:-6}
[ $# -gt 0 ] && shift
modes=${*:-kernel user kvm_bus}
vmm=/bin/vmdev-vmm
append="quiet loglevel=1 printk.time=0 vmdev.work=$work"

echo "1..1"
command -v perf >/dev/null || { echo "ok 1 vmm_perf # SKIP no perf"; exit 0; }

# boot MODE: the VMM in the background, its stderr in /tmp/err.MODE.
boot() {
	case $1 in
	kvm_bus) set -- --mode kernel --kvm-bus ;;
	*) set -- --mode "$1" ;;
	esac
	taskset 1 $vmm -k /boot/vmlinuz-l2 -i /boot/l2-initramfs.cpio \
		-m 128M "$@" ${disk:+-d $disk} --timeout 240 --stats \
		--append "$append" \
		</dev/null >/dev/null 2>"$err" &
	pid=$!
}

fails=0
for mode in $modes; do
	err=/tmp/err.$mode
	ok=
	for try in 1 2 3; do
		boot "$mode"
		i=0
		while ! grep -q "mark $mark at" "$err" && [ $i -lt 60 ]; do
			sleep 1
			i=$((i + 1))
		done
		if grep -q "mark $mark at" "$err"; then
			ok=1
			break
		fi
		echo "# $mode: try $try stalled (no mark $mark in 60 s)"
		kill -9 "$pid"
		wait "$pid"
	done
	if [ -z "$ok" ]; then
		fails=$((fails + 1))
		continue
	fi
	perf record -q -a -C 0 -e cpu-clock -F 499 -o "/tmp/perf.$mode" \
		-- sleep "$secs" 2>/dev/null
	wait "$pid"
	echo "# ---- $mode mode: the VMM said ----"
	grep "mark\|mode" "$err" | sed 's/^/# /'
	echo "# ---- $mode mode: CPU 0 for ${secs} s from mark $mark, by" \
		"command and object ----"
	perf report -i "/tmp/perf.$mode" --stdio --no-children \
		--sort comm,dso --percent-limit 0.5 2>/dev/null |
		grep -v '^#' | grep . | head -20 | sed 's/^/# /'
	echo "# ---- $mode mode: by symbol ----"
	perf report -i "/tmp/perf.$mode" --stdio --no-children \
		--sort comm,dso,sym --percent-limit 0.7 2>/dev/null |
		grep -v '^#' | grep . | head -30 | sed 's/^/# /'
done
if [ $fails = 0 ]; then
	echo "ok 1 vmm_perf"
else
	echo "not ok 1 vmm_perf ($fails mode(s) without a profile)"
fi
