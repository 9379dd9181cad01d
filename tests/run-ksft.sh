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
awk -v p="$prefix" -v rc="$rc" -f "$(dirname "$0")/tap2res.awk" "$out" \
	>> "$res"
rm -f "$out"
