#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# The L2 guest's initramfs for vmdev-vmm: busybox-static and its /init
# (tools/vmdev-vmm/l2/init), nothing else, as an uncompressed newc cpio
# (unpacking is cheaper than inflating in a nested guest).
#   mkinitramfs.sh -o OUT
set -eu

here=$(cd "$(dirname "$0")" && pwd)
usage="usage: mkinitramfs.sh -o OUT"
out=''
while getopts ho: opt; do
	case $opt in
	h) echo "$usage"; exit 0 ;;
	o) out=$OPTARG ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
done
[ -n "$out" ] || { echo "$usage" >&2; exit 2; }

die() {
	echo "l2/mkinitramfs: $*" >&2
	exit 1
}

busybox=$(command -v busybox) || die "busybox not found (run 'make deps')"
! readelf -l "$busybox" | grep -q 'program interpreter' ||
	die "$busybox is not static (install busybox-static)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/root
mkdir -p "$stage/bin" "$stage/dev" "$stage/proc"
cp "$busybox" "$stage/bin/busybox"
for applet in sh mount echo uname reboot cat; do
	ln -s busybox "$stage/bin/$applet"
done
install -m 755 "$here/init" "$stage/init"
# The kernel opens /dev/console for /init before anything is mounted;
# only root can create the node, /init mounts devtmpfs without it.
[ "$(id -u)" != 0 ] || mknod -m 600 "$stage/dev/console" c 5 1

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) \
	> "$out.tmp"
mv "$out.tmp" "$out"
