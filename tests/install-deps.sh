#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install everything the build and the tests need, idempotently: Debian
# packages that are missing, and the test VM's kernels (the matrix from
# tests/vm/kernels.sh) unpacked into the cache without touching /boot.
# Kernel headers are installed as packages so that KDIR works as usual.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${VMDEV_CACHE:-/var/cache/vmdev}
export DEBIAN_FRONTEND=noninteractive

need_root() {
	[ "$(id -u)" = 0 ] && return 0
	echo "install-deps: missing packages ($*), run as root" >&2
	exit 1
}

apt_updated=
apt_update_once() {
	[ -n "$apt_updated" ] && return 0
	apt-get update -qq
	apt_updated=1
}

missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

# The archive's lists are needed to resolve the matrix itself.
[ -n "$(ls /var/lib/apt/lists/ 2>/dev/null | grep _Packages | head -n 1)" ] ||
	{ need_root apt-lists; apt_update_once; }
kernels=$("$here/vm/kernels.sh") || { need_root apt-lists; apt_update_once; kernels=$("$here/vm/kernels.sh"); }

pkgs="make gcc libc6-dev pkg-config sparse cpio xz-utils zstd kmod
      qemu-system-x86 busybox-static linux-source-6.1
      liburcu-dev libnl-3-dev libnl-genl-3-dev
      dkms dh-dkms debhelper dpkg-dev lintian openssl man-db"
for k in $kernels; do
	pkgs="$pkgs linux-headers-$k"
done

todo=$(missing $pkgs)
if [ -n "$todo" ]; then
	need_root $todo
	apt_update_once
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $todo >/dev/null
fi

# The kernel images: unpacked, never installed (no initramfs hooks, no
# bootloader), so the host's own boot setup is left alone.
for k in $kernels; do
	dir="$cache/kernels/$k"
	[ -f "$dir/.done" ] && continue
	need_root "linux-image-$k"
	apt_update_once
	rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
	(cd "$dir.tmp" && apt-get download -qq "linux-image-$k-unsigned" 2>/dev/null ||
		apt-get download -qq "linux-image-$k")
	dpkg-deb -x "$dir.tmp"/linux-image-*.deb "$dir.tmp/root"
	rm -f "$dir.tmp"/*.deb
	rm -rf "$dir" && mv "$dir.tmp" "$dir"
	touch "$dir/.done"
done

# kselftest_harness.h and checkpatch.pl (with its data files) from
# linux-source-6.1, extracted once.
src="$cache/linux-source-6.1"
if [ ! -f "$src/.done" ]; then
	tarball=$(ls /usr/src/linux-source-6.1.tar.* | head -n 1)
	rm -rf "$src" && mkdir -p "$src"
	tar -C "$src" --strip-components=1 -xf "$tarball" \
		--wildcards '*/tools/testing/selftests/kselftest_harness.h' \
		'*/tools/testing/selftests/kselftest.h' \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	touch "$src/.done"
fi
echo "install-deps: ok (kernels: $(echo $kernels))"
