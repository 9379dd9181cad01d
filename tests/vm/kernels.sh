#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Resolve the test matrix from the package archive at run time, so no ABI
# number is ever hard-coded: Debian's default 6.1 (what linux-image-amd64
# points to), the newest 6.12 of the deb12 series and its PREEMPT_RT flavour.
# Prints one kernel release per line.
set -eu

newest_612() {
	apt-cache search --names-only '^linux-image-6\.12\.' |
		awk '{print $1}' |
		sed -n "s/^linux-image-\(6\.12\.[0-9]*+deb12\)-$1\$/\1/p" |
		sort -V | tail -n 1
}

default_61=$(apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/.*Depends: linux-image-\(6\.1\.[^ ]*-amd64\)$/\1/p' | head -n 1)
v612=$(newest_612 amd64)

[ -n "$default_61" ] || { echo "kernels.sh: cannot resolve linux-image-amd64 (run apt-get update)" >&2; exit 1; }
[ -n "$v612" ] || { echo "kernels.sh: no linux-image-6.12.*+deb12-amd64 in the archive" >&2; exit 1; }

echo "$default_61"
echo "$v612-amd64"
echo "$v612-rt-amd64"
