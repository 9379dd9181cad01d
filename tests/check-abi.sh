#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The library's ABI is exactly what its headers promise: the functions
# declared VMDEV_API in libvmdev/include/vmdev/*.h, the names listed in
# libvmdev/libvmdev.map and the dynamic symbols of the shared library
# must be the same set.  Usage: check-abi.sh TOP LIBVMDEV.SO
set -eu
top=$1 so=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat "$top"/libvmdev/include/vmdev/*.h | tr '\n' ' ' |
	grep -o 'VMDEV_API[^;{}#]*(' | sed 's/ *($//; s/.*[ *]//' | grep '^vmdev_' |
	sort -u > "$tmp/headers"
sed -n 's/^[[:space:]]*\(vmdev_[a-z0-9_]*\);$/\1/p' "$top/libvmdev/libvmdev.map" |
	sort -u > "$tmp/map"
nm -D --defined-only "$so" | awk '$2 ~ /^[TDRB]$/ { print $3 }' |
	sed 's/@.*//' | sort -u > "$tmp/so"

rc=0
for pair in "headers map" "map so"; do
	set -- $pair
	if ! diff -u "$tmp/$1" "$tmp/$2" > "$tmp/diff"; then
		echo "check-abi: $1 and $2 differ:"
		cat "$tmp/diff"
		rc=1
	fi
done
exit $rc
