# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# libvmdev-nl (the client of vmdev.ko's generic netlink family, on
# libnl-3) and vmdevctl, the tool built on it: a shared library with its
# own SONAME, version map and pkg-config file, a static one, and vmdevctl
# linked dynamically (make install) and statically (the test VM).

NL_MAJOR	:= 0
NL_VERSION	:= 0.1.0
NL_CFLAGS	:= $(USER_CFLAGS) -I$(TOP)/libvmdev-nl/include \
		   $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null || \
			   echo -I/usr/include/libnl3)
NL_LDLIBS	:= -lnl-genl-3 -lnl-3 -lpthread
NL_OBJS		:= $(O)/nl/libvmdev-nl/nl.o
NL_SO		:= $(O)/libvmdev-nl.so.$(NL_VERSION)
NL_A		:= $(O)/libvmdev-nl.a
NL_PC		:= $(O)/libvmdev-nl.pc
VMDEVCTL_SRCS	:= tools/vmdevctl/vmdevctl.c tools/vmdevctl/out.c
VMDEVCTL_OBJS	:= $(VMDEVCTL_SRCS:%.c=$(O)/nl/%.o)
VMDEVCTL	:= $(O)/vmdevctl
VMDEVCTL_STATIC	:= $(O)/vm/vmdevctl

$(O)/nl/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(NL_CFLAGS) -fPIC -fvisibility=hidden -MMD -MP -c $< -o $@

$(NL_SO): $(NL_OBJS) libvmdev-nl/libvmdev-nl.map
	$(CC) -shared -Wl,-soname,libvmdev-nl.so.$(NL_MAJOR) \
		-Wl,--version-script=libvmdev-nl/libvmdev-nl.map \
		-Wl,--no-undefined -o $@ $(NL_OBJS) $(NL_LDLIBS)
	ln -sf libvmdev-nl.so.$(NL_VERSION) $(O)/libvmdev-nl.so.$(NL_MAJOR)
	ln -sf libvmdev-nl.so.$(NL_MAJOR) $(O)/libvmdev-nl.so

$(NL_A): $(NL_OBJS)
	rm -f $@ && ar rcs $@ $^

$(NL_PC): libvmdev-nl/libvmdev-nl.pc.in
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(NL_VERSION)|' $< > $@

$(VMDEVCTL): $(VMDEVCTL_OBJS) $(NL_A)
	$(CC) -o $@ $(VMDEVCTL_OBJS) $(NL_A) $(NL_LDLIBS)

$(VMDEVCTL_STATIC): $(VMDEVCTL_OBJS) $(NL_A)
	@mkdir -p $(@D)
	$(CC) -static -o $@ $(VMDEVCTL_OBJS) $(NL_A) $(NL_LDLIBS)

.PHONY: nl-lib vmdevctl install-nl uninstall-nl
nl-lib: $(NL_SO) $(NL_A) $(NL_PC)
vmdevctl: $(VMDEVCTL)
lib: nl-lib
tests: $(VMDEVCTL) $(VMDEVCTL_STATIC)

# The test VM carries vmdevctl (tests/kmod/kmod_vmdevctl.c runs it).
VM_EXTRA_DEPS	+= $(VMDEVCTL_STATIC)
VM_EXTRA_FILES	+= -f $(VMDEVCTL_STATIC):bin/vmdevctl

# vmdevctl and its page install with the other tools (packaging/install.mk).
TOOLS_BINS	+= $(VMDEVCTL)
TOOLS_MANS	+= tools/vmdevctl/vmdevctl.8

install-nl: nl-lib
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/vmdev \
		$(DESTDIR)$(INCLUDEDIR)/linux
	install -m 644 $(NL_A) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(NL_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf libvmdev-nl.so.$(NL_VERSION) $(DESTDIR)$(LIBDIR)/libvmdev-nl.so.$(NL_MAJOR)
	ln -sf libvmdev-nl.so.$(NL_MAJOR) $(DESTDIR)$(LIBDIR)/libvmdev-nl.so
	install -m 644 libvmdev-nl/include/vmdev/nl.h $(DESTDIR)$(INCLUDEDIR)/vmdev/
	install -m 644 uapi/linux/vmdev_netlink.h $(DESTDIR)$(INCLUDEDIR)/linux/
	install -m 644 $(NL_PC) $(DESTDIR)$(LIBDIR)/pkgconfig/
install-lib: install-nl

# What install-nl put in place (make uninstall).
uninstall-nl:
	rm -f $(DESTDIR)$(LIBDIR)/libvmdev-nl.so \
		$(DESTDIR)$(LIBDIR)/libvmdev-nl.so.$(NL_MAJOR) \
		$(DESTDIR)$(LIBDIR)/libvmdev-nl.so.$(NL_VERSION) \
		$(DESTDIR)$(LIBDIR)/libvmdev-nl.a \
		$(DESTDIR)$(LIBDIR)/pkgconfig/libvmdev-nl.pc \
		$(DESTDIR)$(INCLUDEDIR)/vmdev/nl.h \
		$(DESTDIR)$(INCLUDEDIR)/linux/vmdev_netlink.h
uninstall: uninstall-nl

-include $(NL_OBJS:.o=.d) $(VMDEVCTL_OBJS:.o=.d)

# The host test of vmdevctl's exits runs the binary built here.
$(O)/tests/host/vmdevctl_cli: TEST_CFLAGS += -DVMDEVCTL='"$(VMDEVCTL)"'
$(O)/tests/host/vmdevctl_cli: $(VMDEVCTL)

# Its ABI is exactly what vmdev/nl.h promises (as tests/check-abi.sh
# checks libvmdev's): the VMDEV_API declarations, the version map and the
# shared library's exports are one set.
check-abi: check-abi-nl
check-abi-nl: $(NL_SO)
	@mkdir -p $(O)/results; t=$$(mktemp -d); \
	tr '\n' ' ' < libvmdev-nl/include/vmdev/nl.h | \
		grep -o 'VMDEV_API[^;{}#]*(' | sed 's/ *($$//; s/.*[ *]//' | \
		grep '^vmdev_' | sort -u > $$t/headers; \
	sed -n 's/^[[:space:]]*\(vmdev_[a-z0-9_]*\);$$/\1/p' \
		libvmdev-nl/libvmdev-nl.map | sort -u > $$t/map; \
	nm -D --defined-only $(NL_SO) | awk '$$2 ~ /^[TDRB]$$/ { print $$3 }' | \
		sed 's/@.*//' | sort -u > $$t/so; \
	if diff -u $$t/headers $$t/map && diff -u $$t/map $$t/so; then \
		echo "pass lint/abi-nl"; else echo "fail lint/abi-nl"; fi \
		> $(O)/results/abi-nl.res; rm -rf $$t; cat $(O)/results/abi-nl.res
.PHONY: check-abi-nl
