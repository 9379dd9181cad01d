#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run one kselftest-harness program and record its TAP results:
#   run-ksft.sh PREFIX RESULT-FILE PROGRAM [ARGS...]
# appends "pass|fail|skip PREFIX/TEST" for every test it reports, and a
# failure of the program itself when it reports none or exits non-zero
# without a failed test (a crash outside the harness).
set -u
prefix=$1 res=$2
shift 2
out=$(mktemp)
"$@" > "$out" 2>&1
rc=$?
cat "$out"
awk -v p="$prefix" -v rc="$rc" '
	# The 6.1 harness prints a skipped test without its name: take it
	# from the "#  RUN name ..." line before it.
	/^# +RUN +/ { name = $3; next }
	/^not ok [0-9]+ / { sub(/^not ok [0-9]+ /, ""); print "fail " p "/" $0; n++; f++; next }
	/^ok [0-9]+ # SKIP/ { sub(/^ok [0-9]+ # SKIP */, ""); print "skip " p "/" name " (" $0 ")"; n++; next }
	/^ok [0-9]+ / { sub(/^ok [0-9]+ /, ""); print "pass " p "/" $0; n++; next }
	END {
		if (n == 0) print "fail " p " (no test result, exit " rc ")"
		else if (rc != 0 && f == 0) print "fail " p " (exit " rc ")"
	}' "$out" >> "$res"
rm -f "$out"
