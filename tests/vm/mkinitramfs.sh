#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the test VM's initramfs for one kernel of the matrix:
#   mkinitramfs.sh -k KVER -m VMDEV_KO -o OUT [-d DEMO] [-b BENCH]
#                  [-f SRC:DEST]... [TEST...]
# An uncompressed newc cpio (unpacking is faster than inflating under TCG)
# holding busybox-static and its applet links, /init (tests/vm/init), the
# kernel's kvm and kvm-amd modules with everything they and vmdev.ko depend
# on (decompressed here: busybox insmod may not read .ko.xz), vmdev.ko,
# the test programs under /tests, the demo as /bin/vmdev-demo and the
# fast-path benchmark as /bin/vmdev-bench, and any other file at the path
# -f gives it (the reference VMM, its L2 kernel and initramfs).
# /lib/modules/load-order lists the dependency modules, dependencies
# first, for /init to insmod one by one.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${VMDEV_CACHE:-/var/cache/vmdev}
usage="usage: mkinitramfs.sh -k KVER -m VMDEV_KO -o OUT [-d DEMO] [-b BENCH]
	[-f SRC:DEST]... [TEST...]"
kver='' ko='' out='' demo='' bench='' files=''
while getopts hk:m:o:d:b:f: opt; do
	case $opt in
	h) echo "$usage"; exit 0 ;;
	k) kver=$OPTARG ;;
	m) ko=$OPTARG ;;
	o) out=$OPTARG ;;
	d) demo=$OPTARG ;;
	b) bench=$OPTARG ;;
	f) files="$files $OPTARG" ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ -z "$kver" ] || [ -z "$ko" ] || [ -z "$out" ]; then
	echo "$usage" >&2
	exit 2
fi

die() {
	echo "mkinitramfs: $*" >&2
	exit 1
}

moddir=$cache/kernels/$kver/root/lib/modules/$kver
[ -d "$moddir/kernel" ] || die "no modules for $kver in $moddir (run 'make deps')"
[ -f "$ko" ] || die "$ko: no such module (build it first)"
busybox=$(command -v busybox) || die "busybox not found (run 'make deps')"
! readelf -l "$busybox" | grep -q 'program interpreter' ||
	die "$busybox is not static (install busybox-static)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/root index=$work/index
mkdir -p "$stage/bin" "$stage/lib/modules" "$stage/tests" "$stage/dev" \
	"$stage/proc" "$stage/sys" "$stage/tmp"

# Modules are known by name with '-' and '_' equivalent; index the tree
# once as "name path" lines.
find "$moddir/kernel" -name '*.ko*' | awk '{
	n = $0; sub(/.*\//, "", n); sub(/\.ko(\.(xz|zst|gz))?$/, "", n)
	gsub(/-/, "_", n); print n, $0 }' > "$index"

mod_path() {
	awk -v n="$(echo "$1" | tr - _)" '$1 == n { print $2; exit }' "$index"
}

# Depth first, dependencies before their users, each module once.
order=
add_deps_of() {
	local dep path

	for dep in $(modinfo -F depends "$1" | tr , ' '); do
		case " $order " in *" $dep "*) continue ;; esac
		path=$(mod_path "$dep")
		[ -n "$path" ] || die "$kver: module $dep (needed by $1) not found"
		add_deps_of "$path"
		case " $order " in *" $dep "*) continue ;; esac
		order="$order $dep"
		install_module "$path" "$stage/lib/modules/$dep.ko"
	done
}

install_module() {
	case $1 in
	*.ko.xz) xz -dc "$1" > "$2" ;;
	*.ko.zst) zstd -qdc "$1" > "$2" ;;
	*.ko.gz) gzip -dc "$1" > "$2" ;;
	*) cp "$1" "$2" ;;
	esac
}

kvm_amd=$(mod_path kvm_amd)
[ -n "$kvm_amd" ] || die "$kver: kvm-amd module not found"
add_deps_of "$ko"
add_deps_of "$kvm_amd"
order="$order kvm_amd"
install_module "$kvm_amd" "$stage/lib/modules/kvm_amd.ko"
echo "$order" | tr ' ' '\n' | grep . > "$stage/lib/modules/load-order"
cp "$ko" "$stage/lib/modules/vmdev.ko"

cp "$busybox" "$stage/bin/busybox"
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] || ln -s busybox "$stage/bin/$applet"
done
install -m 755 "$here/init" "$stage/init"
[ -z "$demo" ] || install -m 755 "$demo" "$stage/bin/vmdev-demo"
[ -z "$bench" ] || install -m 755 "$bench" "$stage/bin/vmdev-bench"
for f in $files; do
	[ -f "${f%%:*}" ] || die "${f%%:*}: no such file (build it first)"
	mkdir -p "$stage/$(dirname "${f#*:}")"
	cp "${f%%:*}" "$stage/${f#*:}"
done
for t in "$@"; do
	install -m 755 "$t" "$stage/tests/$(basename "$t")"
done
# The kernel opens /dev/console for /init before anything is mounted;
# only root can create the node, /init copes without it.
[ "$(id -u)" != 0 ] || mknod -m 600 "$stage/dev/console" c 5 1

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) \
	> "$out.tmp"
mv "$out.tmp" "$out"
