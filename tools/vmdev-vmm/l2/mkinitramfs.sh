#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# The L2 guest's initramfs for vmdev-vmm: busybox-static and its /init
# (tools/vmdev-vmm/l2/init), as an uncompressed newc cpio (unpacking is
# cheaper than inflating in a nested guest). With -m, the virtio modules
# of the L2 kernel's package (MODDIR: its lib/modules/<kver>) and, with
# -g, virtio_guest_devs.ko built for it, all in /lib/virtio, which /init
# loads in the order of /lib/virtio/order.
#   mkinitramfs.sh -o OUT [-m MODDIR -g virtio_guest_devs.ko]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
usage="usage: mkinitramfs.sh -o OUT [-m MODDIR -g GUEST_DEVS_KO]"
out=''
moddir=''
guestdevs=''
while getopts ho:m:g: opt; do
	case $opt in
	h) echo "$usage"; exit 0 ;;
	o) out=$OPTARG ;;
	m) moddir=$OPTARG ;;
	g) guestdevs=$OPTARG ;;
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
mkdir -p "$stage/bin" "$stage/dev" "$stage/proc" "$stage/sys"
cp "$busybox" "$stage/bin/busybox"
for applet in sh mount echo uname reboot cat insmod dd od cmp head \
	      printf ls sleep wc stty tr; do
	ln -s busybox "$stage/bin/$applet"
done
install -m 755 "$here/init" "$stage/init"
# The console workload's text: 1024 lines of 64 bytes, 65536 in all.
mkdir -p "$stage/lib"
awk 'BEGIN { for (i = 0; i < 1024; i++)
	printf "vmdev-l2 console %04d abcdefghijklmnopqrstuvwxyz0123456789ABCDE\n", i }' \
	> "$stage/lib/console-64k.txt"
[ "$(wc -c < "$stage/lib/console-64k.txt")" = 65536 ] ||
	die "console-64k.txt is not 65536 bytes"
# The virtio modules, dependencies first: those the kernel has as
# modules (6.1 has them all; 6.12 builds virtio and virtio_ring in), as
# plain .ko (busybox insmod may not read .ko.xz).
if [ -n "$moddir" ]; then
	[ -n "$guestdevs" ] || die "-m needs -g virtio_guest_devs.ko"
	mkdir -p "$stage/lib/virtio"
	for m in virtio/virtio_ring.ko virtio/virtio.ko virtio/virtio_mmio.ko \
		 block/virtio_blk.ko char/hw_random/virtio-rng.ko; do
		f=$moddir/kernel/drivers/$m
		if grep -qx "kernel/drivers/$m" "$moddir/modules.builtin" \
			2>/dev/null; then
			continue
		elif [ -f "$f" ]; then
			cp "$f" "$stage/lib/virtio/"
		elif [ -f "$f.xz" ]; then
			xz -dc "$f.xz" > "$stage/lib/virtio/$(basename "$m")"
		else
			die "no $f(.xz), and not built in"
		fi
		basename "$m" >> "$stage/lib/virtio/order"
	done
	cp "$guestdevs" "$stage/lib/virtio/"
fi
# The kernel opens /dev/console for /init before anything is mounted;
# only root can create the node, /init mounts devtmpfs without it.
[ "$(id -u)" != 0 ] || mknod -m 600 "$stage/dev/console" c 5 1

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) \
	> "$out.tmp"
mv "$out.tmp" "$out"
