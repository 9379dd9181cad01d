#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages' test (Documentation/packaging.rst), on what make deb
# built in DEBDIR: lintian finds no error and no warning that is not
# overridden, and every package holds what it must and nothing of another
# one: the DKMS tree equal to make dkms-src's, with dkms wired into the
# maintainer scripts; the library under its SONAME with a symbols file;
# the development files; the tools linked against libvmdev.so.0.
#
#   check-deb.sh DEBDIR VERSION RESULT-FILE
set -u

[ $# -eq 3 ] || { echo "usage: $0 DEBDIR VERSION RESULT-FILE" >&2; exit 2; }
debdir=$1 ver=$2 res=$3
arch=$(dpkg --print-architecture)
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
: > "$res"
st=0
ok() { echo "pass deb/$1" >> "$res"; }
ko() { echo "fail deb/$1" >> "$res"; st=1; }
deb_of() {
	case $1 in vmdev-dkms) echo "$debdir/${1}_${ver}_all.deb" ;;
	*) echo "$debdir/${1}_${ver}_$arch.deb" ;; esac
}

# lintian: E: and W: lines fail (overrides are in debian/*.lintian-overrides).
changes=$(ls "$debdir"/*.changes 2>/dev/null | head -n 1)
if [ -z "$changes" ]; then
	ko "lintian (no .changes in $debdir)"
else
	lintian "$changes" > "$debdir/lintian.log" 2>&1
	bad=$(grep -E '^(E|W): ' "$debdir/lintian.log")
	[ -z "$bad" ] && ok "lintian" || { echo "$bad"; ko "lintian (see above)"; }
fi

# Unpack each package; it must exist and hold its files.
for p in vmdev-dkms libvmdev0 libvmdev-nl0 libvmdev-dev vmdev-tools; do
	d=$debdir/x/$p
	rm -rf "$d" && mkdir -p "$d"
	if dpkg-deb -x "$(deb_of $p)" "$d" 2>/dev/null &&
		dpkg-deb -e "$(deb_of $p)" "$d/DEBIAN" 2>/dev/null; then
		ok "$p/built"
	else
		ko "$p/built ($(deb_of $p) missing)"
	fi
done
has() {	# package path...
	p=$1; shift
	for f in "$@"; do
		[ -e "$debdir/x/$p$f" ] || [ -L "$debdir/x/$p$f" ] &&
			ok "$p/has $f" || ko "$p/has $f (missing)"
	done
}
lib=/usr/lib/$ma
has vmdev-dkms /usr/src/vmdev-$ver/dkms.conf /lib/udev/rules.d/60-vmdev.rules \
	/usr/share/man/man4/vmdev.4.gz
has libvmdev0 $lib/libvmdev.so.0 $lib/libvmdev.so.$ver
has libvmdev-nl0 $lib/libvmdev-nl.so.0
has libvmdev-dev $lib/libvmdev.so $lib/libvmdev.a $lib/pkgconfig/libvmdev.pc \
	/usr/include/linux/vmdev.h /usr/include/vmdev/vm.h \
	/usr/include/vmdev/regdev.h /usr/share/man/man3/libvmdev.3.gz \
	/usr/share/man/man3/vmdev_vm_new.3.gz $lib/libvmdev-nl.so \
	$lib/pkgconfig/libvmdev-nl.pc /usr/include/vmdev/nl.h \
	/usr/include/linux/vmdev_netlink.h
has vmdev-tools /usr/sbin/vmdev-vmm /usr/share/man/man8/vmdev-vmm.8.gz \
	/usr/sbin/vmdevctl /usr/share/man/man8/vmdevctl.8.gz

# vmdev-dkms: the very tree make dkms-src makes, dkms in its scripts.
x=$debdir/x/vmdev-dkms
if [ -n "${DKMS_SRC:-}" ]; then
	diff -r "$DKMS_SRC" "$x/usr/src/vmdev-$ver" > "$debdir/dkms-diff.log" 2>&1 &&
		ok "vmdev-dkms/tree is make dkms-src's" ||
		{ cat "$debdir/dkms-diff.log"; ko "vmdev-dkms/tree is make dkms-src's (see above)"; }
fi
grep -q "PACKAGE_VERSION=\"$ver\"" "$x/usr/src/vmdev-$ver/dkms.conf" 2>/dev/null &&
	ok "vmdev-dkms/dkms.conf version" || ko "vmdev-dkms/dkms.conf version"
grep -q 'dkms' "$x/DEBIAN/postinst" 2>/dev/null && grep -q 'dkms' "$x/DEBIAN/prerm" 2>/dev/null &&
	ok "vmdev-dkms/dkms in postinst and prerm" || ko "vmdev-dkms/dkms in postinst and prerm"
grep -q '^Depends:.*dkms' "$x/DEBIAN/control" && ok "vmdev-dkms/depends on dkms" ||
	ko "vmdev-dkms/depends on dkms"
[ -x "$x/usr/src/vmdev-$ver/kmod/kvm-bus-offsets.sh" ] &&
	ok "vmdev-dkms/kvm-bus-offsets.sh executable" || ko "vmdev-dkms/kvm-bus-offsets.sh executable"

# libvmdev0: SONAME, symbol versions, symbols file; no dev files.
x=$debdir/x/libvmdev0
soname=$(readelf -d "$x$lib/libvmdev.so.$ver" 2>/dev/null |
	sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libvmdev.so.0 ] && ok "libvmdev0/SONAME" || ko "libvmdev0/SONAME ($soname)"
grep -q '^ vmdev_vm_new@VMDEV_0.1 ' "$x/DEBIAN/symbols" 2>/dev/null &&
	ok "libvmdev0/symbols file" || ko "libvmdev0/symbols file"
[ -z "$(find "$x" -name '*.h' -o -name '*.a' -o -name 'libvmdev.so')" ] &&
	ok "libvmdev0/no development files" || ko "libvmdev0/no development files"

# libvmdev-dev: the pkg-config file points at the packaged paths.
x=$debdir/x/libvmdev-dev
grep -qx "libdir=$lib" "$x$lib/pkgconfig/libvmdev.pc" 2>/dev/null &&
	grep -qx 'includedir=/usr/include' "$x$lib/pkgconfig/libvmdev.pc" &&
	ok "libvmdev-dev/libvmdev.pc paths" || ko "libvmdev-dev/libvmdev.pc paths"
[ "$(readlink "$x$lib/libvmdev.so")" = libvmdev.so.0 ] &&
	ok "libvmdev-dev/libvmdev.so -> libvmdev.so.0" ||
	ko "libvmdev-dev/libvmdev.so -> libvmdev.so.0 ($(readlink "$x$lib/libvmdev.so"))"
grep -q "^Depends:.*libvmdev0 (= $ver)" "$x/DEBIAN/control" &&
	ok "libvmdev-dev/depends on libvmdev0 (= $ver)" || ko "libvmdev-dev/depends on libvmdev0 (= $ver)"

# vmdev-tools: dynamic, against libvmdev.so.0, depending on libvmdev0.
x=$debdir/x/vmdev-tools
readelf -d "$x/usr/sbin/vmdev-vmm" 2>/dev/null | grep -q 'NEEDED.*\[libvmdev.so.0\]' &&
	ok "vmdev-tools/vmdev-vmm needs libvmdev.so.0" || ko "vmdev-tools/vmdev-vmm needs libvmdev.so.0"
grep -q '^Depends:.*libvmdev0' "$x/DEBIAN/control" && ok "vmdev-tools/depends on libvmdev0" ||
	ko "vmdev-tools/depends on libvmdev0"

# No file in two packages (dpkg would refuse to install them together).
dup=$(for p in vmdev-dkms libvmdev0 libvmdev-nl0 libvmdev-dev vmdev-tools; do
	(cd "$debdir/x/$p" && find . ! -type d ! -path './DEBIAN/*' ! -path './usr/share/doc/*')
	done | sort | uniq -d)
[ -z "$dup" ] && ok "no file in two packages" || ko "no file in two packages ($(echo $dup))"

grep '^fail' "$res"
echo "deb: $(grep -c '^pass' "$res") passed, $(grep -c '^fail' "$res") failed"
exit $st
