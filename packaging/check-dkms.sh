#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The DKMS test (Documentation/packaging.rst): for each kernel given,
# dkms adds, builds and installs vmdev.ko from the DKMS source tree SRC
# (make dkms-src), in a dkms tree and an install tree of its own under
# OUT (the system's /var/lib/dkms and /lib/modules are left alone),
# signed with a MOK key of its own, as dkms does on a Secure Boot
# machine. The very .ko dkms installed is then loaded in the test VM,
# which runs the smoke programs PROGS on it. Last, dkms remove.
#
#   check-dkms.sh -s SRC -o OUT -r RESULT-DIR -t PROG[,PROG...] \
#                 [-e PROG-FILE]... KVER...
#
# -e names a test program's file, for the VM image. Results: one file
# RESULT-DIR/dkms-KVER.res per kernel, "pass|fail dkms/KVER/...".
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
cache=${VMDEV_CACHE:-/var/cache/vmdev}
usage="usage: check-dkms.sh -s SRC -o OUT -r RESULT-DIR -t PROGS [-e PROG-FILE]... KVER..."
src='' out='' resdir='' progs='' files=''
while getopts s:o:r:t:e: opt; do
	case $opt in
	s) src=$OPTARG ;;
	o) out=$OPTARG ;;
	r) resdir=$OPTARG ;;
	t) progs=$OPTARG ;;
	e) files="$files $OPTARG" ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$src" ] && [ -n "$out" ] && [ -n "$resdir" ] && [ -n "$progs" ] &&
	[ $# -gt 0 ] || { echo "$usage" >&2; exit 2; }
[ -f "$src/dkms.conf" ] || { echo "$src/dkms.conf: missing" >&2; exit 2; }
command -v dkms >/dev/null || { echo "dkms missing: run 'make deps'" >&2; exit 2; }

ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$src/dkms.conf")
rm -rf "$out" && mkdir -p "$out/tree" "$out/src" "$out/install" "$resdir"
cp -a "$src" "$out/src/vmdev-$ver"
# The test's own MOK pair, made once per run by dkms itself.
export mok_signing_key="$out/mok.key" mok_certificate="$out/mok.pub"
# Level 3 needs the kernel's own kvm.ko. A user's machine has it under
# /lib/modules/KVER, where the build looks with VMDEV_KVM_ROOTS unset:
# kernels installed here are built that way. The others' are unpacked in
# the cache, not installed: VMDEV_KVM_ROOTS names it for them.
kvm_roots() {
	if ls "/lib/modules/$1/kernel/arch/x86/kvm/"kvm.ko* >/dev/null 2>&1; then
		echo ''
	else
		echo "$cache/kernels/$1/root"
	fi
}
dk() {
	dkms "$@" --dkmstree "$out/tree" --sourcetree "$out/src" \
		--installtree "$out/install"
}

st=0
dk add -m vmdev -v "$ver" > "$out/add.log" 2>&1 ||
	{ cat "$out/add.log"; echo "dkms add failed" >&2; }
for k in "$@"; do
	res=$resdir/dkms-$k.res p=dkms/$k
	: > "$res"
	log=$out/build-$k.log
	roots=$(kvm_roots "$k")
	if VMDEV_KVM_ROOTS=$roots dk build -m vmdev -v "$ver" -k "$k" > "$log" 2>&1; then
		echo "pass $p/build (kvm.ko from ${roots:-/lib/modules})" >> "$res"
	else
		cat "$log" "$out/tree/vmdev/$ver/build/make.log" 2>/dev/null
		echo "fail $p/build (dkms build, see above)" >> "$res"
		st=1
		continue
	fi
	# dkms install, into the test's install tree (no depmod: that
	# would touch the system's /lib/modules/KVER).
	mkdir -p "$out/install/$k"
	if [ "$(id -u)" != 0 ]; then
		# dkms install and remove want root, whatever the trees.
		echo "skip $p/install (dkms install needs root)" >> "$res"
		mod=$(ls "$out/tree/vmdev/$ver/$k"/*/module/vmdev.ko* 2>/dev/null | head -n 1)
	elif dk install -m vmdev -v "$ver" -k "$k" --no-depmod > "$out/install-$k.log" 2>&1 &&
		dkms status -m vmdev -v "$ver" -k "$k" --dkmstree "$out/tree" \
			--sourcetree "$out/src" --installtree "$out/install" 2>/dev/null |
		grep -q ': installed'; then
		echo "pass $p/install" >> "$res"
		# The module as installed is the one the VM loads.
		mod=$(ls "$out/install/$k/updates/dkms/"vmdev.ko* 2>/dev/null | head -n 1)
	else
		cat "$out/install-$k.log"
		echo "fail $p/install (dkms install, see above)" >> "$res"
		st=1
		continue
	fi
	ko=$out/vmdev-$k.ko
	case $mod in
	*.xz) xz -dc "$mod" > "$ko" ;;
	*.zst) zstd -qdc "$mod" > "$ko" ;;
	*.gz) gzip -dc "$mod" > "$ko" ;;
	'') echo "fail $p/module (no vmdev.ko where dkms put it)" >> "$res"; st=1; continue ;;
	*) cp "$mod" "$ko" ;;
	esac
	# Built for that kernel, signed with dkms's MOK key.
	vm=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
	[ "$vm" = "$k" ] && echo "pass $p/vermagic" >> "$res" ||
		{ echo "fail $p/vermagic ($vm)" >> "$res"; st=1; }
	signer=$(modinfo -F signer "$ko")
	[ "$signer" = "DKMS module signing key" ] &&
		echo "pass $p/signed" >> "$res" ||
		{ echo "fail $p/signed (signer '$signer')" >> "$res"; st=1; }
	# That very .ko in the test VM, with the smoke programs.
	img=$out/$k.cpio
	# shellcheck disable=SC2086
	if ! "$top/tests/vm/mkinitramfs.sh" -k "$k" -m "$ko" -o "$img" $files; then
		echo "fail $p/image" >> "$res"; st=1; continue
	fi
	"$top/tests/vm/run-vm.sh" -p "$progs" -r "$out/vm-$k.res" \
		-l "$out/vm-$k" "$k" "$img" || st=1
	sed "s| vm/$k/| $p/vm/|" "$out/vm-$k.res" >> "$res"
	# Level 3 in: the build found the offsets in that kernel's kvm.ko.
	grep -q "vmdev: level 3 (KVM's I/O bus): available" "$out/vm-$k.log" &&
		echo "pass $p/level3" >> "$res" ||
		{ echo "fail $p/level3 ($(grep -o 'level 3 (KVM.*' "$out/vm-$k.log" | head -n 1))" >> "$res"; st=1; }
	[ -s "$out/vm-$k.res" ] || { echo "fail $p/vm (no result)" >> "$res"; st=1; }
done
# dkms remove takes the module out of every kernel and the dkms tree.
if [ "$(id -u)" != 0 ]; then
	echo "skip dkms/remove (needs root)" >> "$resdir/dkms-$1.res"
elif dk remove -m vmdev -v "$ver" --all --no-depmod > "$out/remove.log" 2>&1 &&
	[ -z "$(find "$out/install" -name 'vmdev.ko*')" ] && [ ! -e "$out/tree/vmdev/$ver" ]; then
	echo "pass dkms/remove" >> "$resdir/dkms-$1.res"
else
	cat "$out/remove.log"
	echo "fail dkms/remove (see above)" >> "$resdir/dkms-$1.res"
	st=1
fi
for k in "$@"; do
	grep -h '^fail' "$resdir/dkms-$k.res"
	echo "dkms/$k: $(grep -c '^pass' "$resdir/dkms-$k.res") passed"
done
exit $st
