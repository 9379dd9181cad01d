#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The installation test (Documentation/packaging.rst): make install into
# a DESTDIR (PREFIX=/usr), the files where they belong, the man pages
# free of groff warnings, then an out-of-tree program
# (install-test/vmdev_hello.c) built with `pkg-config --cflags --libs
# libvmdev` and nothing else, pkg-config reading the DESTDIR only, run
# against the installed shared library; last make uninstall, which must
# leave no file behind. Runs on machines with and without /dev/kvm.
#
#   check-install.sh WORKDIR RESULT-FILE
set -u

[ $# -eq 2 ] || { echo "usage: $0 WORKDIR RESULT-FILE" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
work=$1 res=$2
dest=$work/dest
libdir=/usr/lib
rm -rf "$work" && mkdir -p "$work"
: > "$res"
st=0
ok() { echo "pass install/$1" >> "$res"; }
ko() { echo "fail install/$1" >> "$res"; st=1; }
make_() { make --no-print-directory -C "$top" DESTDIR="$dest" PREFIX=/usr "$@"; }

if make_ install > "$work/install.log" 2>&1; then ok "make install"; else
	cat "$work/install.log"; ko "make install (see above)"; fi
kver=$(make -s --no-print-directory -C "$top" print-kver 2>/dev/null)

# Every file install promises.
for f in $libdir/libvmdev.so.0 $libdir/libvmdev.so $libdir/libvmdev.a \
	 $libdir/pkgconfig/libvmdev.pc /usr/include/vmdev/vm.h \
	 /usr/include/linux/vmdev.h /lib/udev/rules.d/60-vmdev.rules \
	 /usr/share/man/man3/libvmdev.3 /usr/share/man/man3/vmdev_vm_new.3 \
	 /usr/share/man/man4/vmdev.4 /usr/share/man/man8/vmdev-vmm.8 \
	 /usr/sbin/vmdev-vmm; do
	[ -e "$dest$f" ] && ok "file $f" || ko "file $f (missing)"
done
# kbuild compresses it where the kernel's modules are (6.12: xz).
modf=$(ls "$dest/lib/modules/$kver/extra/"vmdev.ko* 2>/dev/null)
[ -n "$modf" ] && ok "module in /lib/modules/$kver/extra" ||
	ko "module in /lib/modules/$kver/extra (missing)"
soname=$(readelf -d "$dest$libdir/libvmdev.so.0" 2>/dev/null |
	sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libvmdev.so.0 ] && ok "SONAME" || ko "SONAME ($soname)"
readelf --dyn-syms -W "$dest$libdir/libvmdev.so.0" | grep -q '@@VMDEV_0' &&
	ok "symbol versions" || ko "symbol versions (none)"
# depmod is the installed system's business when DESTDIR is set.
[ ! -e "$dest/lib/modules/$kver/modules.dep" ] && ok "no depmod in DESTDIR" ||
	ko "no depmod in DESTDIR (modules.dep written)"

# The man pages render without a warning.
nman=0
for m in "$dest"/usr/share/man/man*/*; do
	nman=$((nman + 1))
	w=$(cd "$dest/usr/share/man" && LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
		man --warnings -E UTF-8 -l -Tutf8 -Z "$m" 2>&1 >/dev/null)
	[ -z "$w" ] || { echo "$w"; ko "man $(basename "$m") (groff warnings above)"; }
done
[ $nman -ge 10 ] && ok "man pages ($nman)" || ko "man pages (only $nman)"

# Each installed header compiles alone, in strict C11.
export PKG_CONFIG_SYSROOT_DIR="$dest" PKG_CONFIG_LIBDIR="$dest$libdir/pkgconfig"
for h in "$dest"/usr/include/vmdev/*.h "$dest"/usr/include/linux/vmdev.h; do
	n=${h#"$dest/usr/include/"}
	printf '#include <%s>\nint main(void) { return 0; }\n' "$n" > "$work/h.c"
	# shellcheck disable=SC2046
	cc -std=c11 -Wall -Wextra -Werror -pedantic -c -o "$work/h.o" "$work/h.c" \
		$(pkg-config --cflags libvmdev) > "$work/h.log" 2>&1 &&
		ok "header $n stands alone" ||
		{ cat "$work/h.log"; ko "header $n stands alone (see above)"; }
done

# The out-of-tree program: pkg-config and nothing else (strict C11 and
# warnings as errors: the installed headers stand on their own).
flags=$(pkg-config --cflags --libs libvmdev) && ok "pkg-config" ||
	ko "pkg-config"
echo "pkg-config --cflags --libs libvmdev: $flags" > "$work/build.log"
# shellcheck disable=SC2086
if cc -std=c11 -Wall -Wextra -Werror -o "$work/vmdev_hello" \
	"$here/install-test/vmdev_hello.c" $flags >> "$work/build.log" 2>&1; then
	ok "build with pkg-config"
else
	cat "$work/build.log"; ko "build with pkg-config (see above)"
fi
if [ -x "$work/vmdev_hello" ]; then
	lib=$(LD_LIBRARY_PATH="$dest$libdir" ldd "$work/vmdev_hello" |
		awk '$1 == "libvmdev.so.0" { print $3 }')
	[ "$lib" = "$dest$libdir/libvmdev.so.0" ] && ok "links the installed library" ||
		ko "links the installed library (ldd: '$lib')"
	# As this machine is, then as one without KVM (both paths everywhere).
	LD_LIBRARY_PATH="$dest$libdir" "$work/vmdev_hello" > "$work/run.log" 2>&1 &&
		ok "run" || { cat "$work/run.log"; ko "run (see above)"; }
	cat "$work/run.log"
	VMDEV_TEST_NO_KVM=1 LD_LIBRARY_PATH="$dest$libdir" "$work/vmdev_hello" \
		> "$work/run-nokvm.log" 2>&1 && ok "run (VMDEV_TEST_NO_KVM=1)" ||
		{ cat "$work/run-nokvm.log"; ko "run (VMDEV_TEST_NO_KVM=1, see above)"; }
	cat "$work/run-nokvm.log"
fi

if make_ uninstall > "$work/uninstall.log" 2>&1; then ok "make uninstall"; else
	cat "$work/uninstall.log"; ko "make uninstall (see above)"; fi
left=$(find "$dest" ! -type d | head -n 5)
[ -z "$left" ] && ok "uninstall leaves nothing" ||
	ko "uninstall leaves nothing (left: $(echo $left))"
cat "$res"
exit $st
