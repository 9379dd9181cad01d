#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Judge one run of the test VM from its logs (tests/vm/run-vm.sh calls
# it; run it again on kept logs to re-read a run without booting):
#   judge.sh [-m tests|demo] [-p PROG,...] [-r RESULT-FILE] [-q QEMU-STATUS]
#            [-T VM-SECONDS] KVER INITRAMFS LOG-BASE
# LOG-BASE.out is the result channel of tests/vm/init, LOG-BASE.log the
# console. Every program's TAP output becomes "pass|fail|skip
# vm/KVER/PROG/TEST" lines (tests/tap2res.awk), the demo one line from its
# exit status, every check of /init, of qemu's exit and of the console a
# line of its own. The lines go to RESULT-FILE; the failures and the count
# line are printed, and the exit status is 1 on any failure.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
usage="usage: judge.sh [-m tests|demo] [-p PROG,...] [-r RESULT-FILE]
	[-q QEMU-STATUS] [-T VM-SECONDS] KVER INITRAMFS LOG-BASE"
mode=tests progs='' res='' qrc=0 vm_timeout='?'
while getopts hm:p:r:q:T: opt; do
	case $opt in
	h) echo "$usage"; exit 0 ;;
	m) mode=$OPTARG ;;
	p) progs=$(echo "$OPTARG" | tr , ' ') ;;
	r) res=$OPTARG ;;
	q) qrc=$OPTARG ;;
	T) vm_timeout=$OPTARG ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 3 ] || { echo "$usage" >&2; exit 2; }
kver=$1 initrd=$2 log=$3.log out=$3.out
for f in "$log" "$out"; do
	[ -f "$f" ] || { echo "judge: $f: no such log" >&2; exit 2; }
done

prefix=vm/$kver
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results=$work/vm.res

# ---- the VM as a whole: /init's own checks, its end, qemu's end ------
{
	grep -Fxq 'vmdev-vm: init' "$out" && echo "pass $prefix/boot" ||
		echo "fail $prefix/boot (/init never started)"
	awk -v p="$prefix" '/^vmdev-vm: (pass|fail) / {
		print $2 " " p "/" substr($0, length($1 $2) + 3) }' "$out"
	if grep -Fxq 'vmdev-vm: done' "$out"; then
		echo "pass $prefix/completed"
	else
		last=$(grep '^vmdev-vm: ' "$out" | tail -n 1)
		echo "fail $prefix/completed (/init did not finish;" \
			"last: '${last:-nothing}')"
	fi
	case $qrc in
	0) echo "pass $prefix/qemu exit" ;;
	124) echo "fail $prefix/qemu exit (timeout: killed after ${vm_timeout}s)" ;;
	*) echo "fail $prefix/qemu exit (status $qrc)" ;;
	esac
} >> "$results"

# ---- the programs ----------------------------------------------------
# Those asked for, else what /init runs by default: the demo alone, or
# every test of the archive and the demo.
if [ -z "$progs" ] && [ "$mode" = demo ]; then
	progs=demo
elif [ -z "$progs" ]; then
	cpio -it --quiet < "$initrd" | sed 's|^\./||' > "$work/files"
	progs=$(sed -n 's|^tests/\([^/]*\)$|\1|p' "$work/files")
	! grep -qx bin/vmdev-demo "$work/files" || progs="$progs demo"
	[ -n "$progs" ] ||
		echo "fail $prefix/programs (none in $initrd)" >> "$results"
fi

# One program's section of the result channel into $work/out, its exit
# status into $work/rc (left empty if it never ended).
section() {
	: > "$work/rc"
	awk -v b="vmdev-vm: begin $1" -v e="vmdev-vm: end $1 rc=" \
	    -v rcf="$work/rc" '
		$0 == b { on = 1; next }
		on && index($0, e) == 1 {
			print substr($0, length(e) + 1) > rcf
			exit
		}
		on' "$out" > "$work/out"
}

for p in $progs; do
	section "$p"
	rc=$(cat "$work/rc")
	if ! grep -Fxq "vmdev-vm: begin $p" "$out"; then
		echo "fail $prefix/$p (never started)"
	elif [ "$p" = demo ]; then
		[ "$rc" = 0 ] && echo "pass $prefix/$p" ||
			echo "fail $prefix/$p (exit ${rc:-none: no end marker})"
	else
		awk -v p="$prefix/$p" -v rc="${rc:-0}" \
			-f "$top/tests/tap2res.awk" "$work/out"
		[ -n "$rc" ] ||
			echo "fail $prefix/$p (no end marker: hung or crashed the VM)"
	fi
done >> "$results"

# ---- kernel trouble on the console -----------------------------------
# Only lines the kernel printed (they carry a printk timestamp), so no
# program output can pass for one.
console_check() {
	local hit

	if [ ! -s "$log" ]; then
		echo "fail $prefix/$1 (no console output)"
		return
	fi
	hit=$(grep -E -m 1 "\[ *[0-9]+\.[0-9]+\].*($2)" "$log")
	if [ -n "$hit" ]; then
		echo "fail $prefix/$1 ($hit)"
	else
		echo "pass $prefix/$1"
	fi
}
{
	console_check "no kernel warnings" 'WARNING:'
	console_check "no kernel BUG" 'BUG:|kernel BUG at|BUG [a-z0-9_-]+ \('
	console_check "no oops" 'Oops|general protection fault'
	console_check "no call traces" 'Call Trace:'
	console_check "no lockdep reports" \
		'lockdep|possible (circular|recursive) locking|inconsistent lock state'
	console_check "no RCU stalls" 'INFO: rcu|rcu_(sched|preempt|bh).*stall'
	console_check "no hung tasks" \
		'INFO: task .* blocked for more than|soft lockup|hard LOCKUP'
	console_check "no panic" 'Kernel panic'
} >> "$results"

if [ -n "$res" ]; then
	mkdir -p "$(dirname "$res")"
	cp "$results" "$res"
fi
"$top/tests/summary.sh" "$work" > "$work/summary"
st=$?
sed "s|^|$prefix: |" "$work/summary"
exit $st
