#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Sum up result files (lines "pass NAME", "fail NAME", "skip NAME") into
# the closing line "N passed, N failed, N skipped"; exit 1 on any failure
# or when nothing ran at all.
set -eu
dir=$1
cat "$dir"/*.res 2>/dev/null | awk '
	$1 == "pass" { p++ }
	$1 == "fail" { f++; print "FAILED: " substr($0, 6) }
	$1 == "skip" { s++ }
	END {
		printf "%d passed, %d failed, %d skipped\n", p, f, s
		exit (f > 0 || p == 0) ? 1 : 0
	}'
