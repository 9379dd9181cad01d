#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check-linux for one kernel: the Linux-guest programs (PROGS, the
# reference VMM booting that kernel as the L2 guest) in a test VM of
# their own, and the test VM booted again when the test bed got in the
# way, up to BOOTS times in all, and not after DEADLINE (seconds since
# the epoch), which bounds the whole check's retries by time:
#   check-linux.sh KVER IMAGE RESULT-FILE LOG-BASE BOOTS DEADLINE PROGS \
#       RUN-VM...
# The test bed's faults (Documentation/linux-guest.rst, "On the nested
# test bed"): a test VM that hangs (qemu killed at its bound), and L2
# boots that stall on qemu's double delivery of an interrupt, whose
# rate varies from one test VM to the next, up to every try of a step
# (vmm_boot's "no boot reached init", vmm_snapshot's "tries stalled").
# Then only the programs without a result, or with a failure, run again;
# the results of those that passed stand. The earlier test VMs' logs
# stay as LOG-BASE-retry<N>.*; any failure of one that is not a program's
# own, or its hang, stays in the result.
set -u
k=$1 img=$2 res=$3 log=$4 boots=$5 deadline=$6 progs=$7
shift 7

kept=$res.kept
: > "$kept"
n=1
while :; do
	"$@" -p "$progs" -r "$res" -l "$log" "$k" "$img"
	why=
	if grep -q 'qemu exit (timeout' "$res"; then
		why="the test VM hung"
	elif grep -q -e 'no boot reached init in' -e 'tries stalled' \
		"$log.out"; then
		why="every try of a step stalled"
	fi
	if [ -z "$why" ] || [ "$n" -ge "$boots" ]; then
		break
	fi
	if [ "$(date +%s)" -ge "$deadline" ]; then
		echo "check-linux: $k: $why, and the time for test VMs" \
			"booted again is up ($n of $boots done)"
		break
	fi
	again=
	for p in $(echo "$progs" | tr , ' '); do
		if grep -q "^pass vm/$k/$p/" "$res" &&
		   ! grep -q "^fail vm/$k/$p/" "$res"; then
			grep "^pass vm/$k/$p/" "$res" >> "$kept"
		else
			again=${again:+$again,}$p
		fi
	done
	[ -n "$again" ] || break
	# The VM's own failures, but for the hang that brings this boot.
	grep '^fail' "$res" | grep -v -e "^fail vm/$k/[a-z_0-9]*/" \
		-e 'qemu exit' -e "vm/$k/completed" >> "$kept"
	echo "check-linux: $k: $why; booting the test VM again for" \
		"$again ($n of $boots done)"
	for e in log out qemu; do
		mv "$log.$e" "$log-retry$n.$e"
	done
	progs=$again
	n=$((n + 1))
done
cat "$kept" >> "$res"
rm -f "$kept"
