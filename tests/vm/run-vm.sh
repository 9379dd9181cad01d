#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Boot one kernel of the matrix in the test VM and judge the run:
#   run-vm.sh [-m tests|demo|bench|shell] [-p PROG,...] [-a ARGS] [-c CPUS]
#             [-r RESULT-FILE] [-l LOG-BASE] [-T VM-SECONDS] [-t PROG-SECONDS]
#             KVER INITRAMFS
# qemu (TCG, -cpu max so that kvm_amd loads inside) runs tests/vm/init
# from INITRAMFS: the programs (-p, default all), the demo alone, the
# benchmark alone (judged like a test program: it prints TAP), or a
# shell on the terminal. -a gives every program the arguments ARGS
# (words of [A-Za-z0-9_.-], separated by spaces). The console goes to
# LOG-BASE.log, the result channel (ttyS1) to LOG-BASE.out, shown here as
# it comes, qemu's errors to LOG-BASE.qemu; then tests/vm/judge.sh turns
# them into results.
# -c gives the test VM 1 or 2 CPUs (default 2). With two, qemu's
# round-robin TCG now and then delivers an interrupt it has already
# injected into an L2 guest a second time (Documentation/guests.rst,
# "Interrupts delivered twice"); with one, the test VM now and then hangs
# for good (Documentation/linux-guest.rst, "On the nested test bed").
# -T bounds the whole boot (default 480 seconds), -t each program inside
# it (default 120): a program stuck in userspace is killed and the run
# goes on, a kernel stuck for good ends with qemu killed.
# VMDEV_TCG_THREAD=multi runs qemu's TCG with a host thread per vCPU
# instead of the default round-robin "single" (only for experiments:
# Documentation/guests.rst, "The nested test bed").
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${VMDEV_CACHE:-/var/cache/vmdev}
usage="usage: run-vm.sh [-m tests|demo|bench|shell] [-p PROG,...] [-a ARGS]
	[-c CPUS] [-r RESULT-FILE] [-l LOG-BASE] [-T VM-SECONDS] [-t PROG-SECONDS]
	KVER INITRAMFS"
mode=tests progs='' args='' res='' logbase='' cpus=2
# A boot of every program takes up to 270 seconds (6.12-rt, the ioctl
# fuzzer's 75 included): the bound leaves room for a loaded machine.
vm_timeout=480 prog_timeout=120
while getopts hm:p:a:c:r:l:T:t: opt; do
	case $opt in
	h) echo "$usage"; exit 0 ;;
	m) mode=$OPTARG ;;
	p) progs=$OPTARG ;;
	a) args=$OPTARG ;;
	c) cpus=$OPTARG ;;
	r) res=$OPTARG ;;
	l) logbase=$OPTARG ;;
	T) vm_timeout=$OPTARG ;;
	t) prog_timeout=$OPTARG ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 2 ] || { echo "$usage" >&2; exit 2; }
kver=$1 initrd=$2
case $mode in
tests | demo | bench | shell) ;;
*) echo "$usage" >&2; exit 2 ;;
esac
case $cpus in
1 | 2) ;;
*) echo "run-vm: -c: 1 or 2 CPUs, not '$cpus'" >&2; exit 2 ;;
esac
# The names and the arguments go on the kernel command line, the
# arguments with commas for spaces.
case $progs in *[!A-Za-z0-9_.,-]*) echo "$usage" >&2; exit 2 ;; esac
case $args in *[!A-Za-z0-9_.\ -]*) echo "$usage" >&2; exit 2 ;; esac
args=$(echo "$args" | tr -s ' ' , | sed -e 's/^,//' -e 's/,$//')
# The benchmark's TAP lines are judged under its own name.
[ "$mode" != bench ] || : "${progs:=bench}"

kernel=$cache/kernels/$kver/root/boot/vmlinuz-$kver
for f in "$kernel" "$initrd"; do
	[ -f "$f" ] || {
		echo "run-vm: $f: not found (run 'make deps')" >&2
		exit 1
	}
done
: "${logbase:=$top/build/vm-logs/$kver}"
mkdir -p "$(dirname "$logbase")"
log=$logbase.log out=$logbase.out qerr=$logbase.qemu

# panic=-1 with -no-reboot: a panic ends qemu at once. An oops does not
# panic (no oops=panic): the run goes on, so the log shows what the oops
# broke next, and the console check below fails the run all the same.
append="console=ttyS0 printk.time=1 panic=-1 vmtest.mode=$mode"
append="$append vmtest.timeout=$prog_timeout"
# Tests run with SLUB's own checks: freed objects poisoned (a read of
# freed memory returns 0x6b bytes, which no test accepts as data), red
# zones around every object and consistency checks on free. A failed
# check prints "BUG <cache> (...)" and taints the kernel (B). Timings
# (demo, bench) run without them.
[ "$mode" != tests ] || append="$append slub_debug=FZP"
[ -z "$progs" ] || append="$append vmtest.run=$progs"
[ -z "$args" ] || append="$append vmtest.args=$args"
# TCG's TSC runs at a constant rate but qemu will not say so unless
# forced; PREEMPT_RT's kvm refuses to load without constant_tsc.
# Single-threaded TCG: with one host thread per vCPU, a nested KVM that
# creates and destroys VMs hit spurious int3 oopses in __schedule (the
# preempt-notifier static branch patched while the other vCPU runs) in
# about 40% of boots; round-robin TCG passed every run, and is faster.
tcg_thread=${VMDEV_TCG_THREAD:-single}
case $tcg_thread in
single | multi) ;;
*) echo "run-vm: VMDEV_TCG_THREAD must be single or multi" >&2; exit 2 ;;
esac
set -- -machine q35 -accel tcg,thread=$tcg_thread \
	-cpu max,+invtsc,x-force-features=on \
	-smp $cpus -m 2048 \
	-nodefaults -nographic -no-reboot \
	-kernel "$kernel" -initrd "$initrd" -append "$append"

if [ "$mode" = shell ]; then
	exec qemu-system-x86_64 "$@" -serial mon:stdio -serial null
fi

# ---- boot, showing the result channel as it comes ---------------------
: > "$log"
: > "$out"
start=$(date +%s)
timeout -k 10 "$vm_timeout" qemu-system-x86_64 "$@" -monitor none \
	-serial "file:$log" -serial "file:$out" < /dev/null 2> "$qerr" &
qpid=$!
# timeout(1) runs qemu in a process group of its own, out of reach of
# the terminal's ^C: pass it on.
trap 'kill $qpid 2>/dev/null; wait $qpid; exit 130' INT TERM HUP
tail -n +1 -f --pid=$qpid "$out" &
tpid=$!
wait $qpid
qrc=$?
wait $tpid
trap - INT TERM HUP
secs=$(($(date +%s) - start))
# Forcing invtsc (above) is expected to warn.
grep -v "TCG doesn't support requested feature: CPUID.80000007H:EDX.invtsc" \
	"$qerr" >&2
# The serial console ends its lines with \r\n; the firmware clears the
# screen with escape sequences.
sed -i -e 's/\r$//' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' "$log"
echo "run-vm: $kver: qemu exited ($qrc) after ${secs}s; console log: $log"

exec "$here/judge.sh" -m "$mode" ${progs:+-p "$progs"} ${res:+-r "$res"} \
	-q "$qrc" -T "$vm_timeout" "$kver" "$initrd" "$logbase"
