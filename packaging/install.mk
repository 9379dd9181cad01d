# SPDX-License-Identifier: GPL-2.0
#
# Installation (Documentation/packaging.rst).
#
#   make install [DESTDIR=] [PREFIX=/usr/local] [KVER=]
#       the module for KVER under /lib/modules/KVER/extra (then depmod,
#       unless DESTDIR is set: a package's postinst does that), the
#       library (SONAME, version map), its headers and libvmdev.pc, the
#       udev rule of /dev/vmdev, the tools and the man pages
#   make uninstall [same variables]     removes all of it
#   make install-lib / install-module / install-udev / install-man /
#        install-tools                  one part
#   make check-install   installs into a DESTDIR and builds a program
#                        against it with pkg-config alone (results in
#                        $(O)/results/install.res)
#
# Other tools add themselves: TOOLS_BINS (built programs, installed in
# SBINDIR) and TOOLS_MANS (their man pages), set before this fragment.

BINDIR		?= $(PREFIX)/bin
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
# udev reads rules from /lib/udev/rules.d and /etc/udev/rules.d only,
# whatever the prefix.
UDEVRULESDIR	?= /lib/udev/rules.d
MODDIR		= /lib/modules/$(KVER)/extra
DEPMOD		?= /sbin/depmod

# The reference VMM, linked against the shared library (the test VM's
# copy, vmm.mk, is static).
VMM_SHARED	:= $(O)/vmm/shared/vmdev-vmm
TOOLS_BINS	+= $(VMM_SHARED)
TOOLS_MANS	+= man/vmdev-vmm.8

MAN3		:= $(sort $(wildcard man/*.3))
MAN4		:= $(sort $(wildcard man/*.4))

$(VMM_SHARED): $(VMM_OBJS) $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -pthread -o $@ $(VMM_OBJS) -L$(O) -lvmdev $(LIB_LDLIBS)

.PHONY: install install-module install-udev install-man install-tools \
	uninstall check-install tools-shared
tools-shared: $(TOOLS_BINS)

install: install-module install-lib install-udev install-man install-tools

# modules_install skips depmod where the headers have no System.map
# (always, with Debian's linux-headers), so it is run here.
install-module: module
	$(MAKE) -C $(KDIR) M=$(O)/kmod/$(KVER) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=extra modules_install
	$(if $(DESTDIR),@echo "DESTDIR set: depmod $(KVER) left to the installed system",\
		$(DEPMOD) -a $(KVER))

install-udev:
	install -d $(DESTDIR)$(UDEVRULESDIR)
	install -m 644 packaging/60-vmdev.rules $(DESTDIR)$(UDEVRULESDIR)/

install-man:
	install -d $(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man4 \
		$(DESTDIR)$(MANDIR)/man8
	install -m 644 $(MAN3) $(DESTDIR)$(MANDIR)/man3/
	install -m 644 $(MAN4) $(DESTDIR)$(MANDIR)/man4/
	install -m 644 $(TOOLS_MANS) $(DESTDIR)$(MANDIR)/man8/

install-tools: $(TOOLS_BINS)
	install -d $(DESTDIR)$(SBINDIR)
	install -m 755 $(TOOLS_BINS) $(DESTDIR)$(SBINDIR)/

# Everything install puts in place, named from the same lists.
uninstall:
	rm -f $(foreach e,ko ko.xz ko.zst ko.gz,$(DESTDIR)$(MODDIR)/vmdev.$(e))
	rmdir $(DESTDIR)$(MODDIR) 2>/dev/null || true
	$(if $(DESTDIR),,[ ! -d /lib/modules/$(KVER) ] || $(DEPMOD) -a $(KVER))
	rm -f $(DESTDIR)$(LIBDIR)/libvmdev.so $(DESTDIR)$(LIBDIR)/libvmdev.so.$(LIB_MAJOR) \
		$(DESTDIR)$(LIBDIR)/libvmdev.so.$(LIB_VERSION) $(DESTDIR)$(LIBDIR)/libvmdev.a \
		$(DESTDIR)$(LIBDIR)/pkgconfig/libvmdev.pc
	rm -rf $(DESTDIR)$(INCLUDEDIR)/vmdev
	rm -f $(DESTDIR)$(INCLUDEDIR)/linux/vmdev.h
	rm -f $(DESTDIR)$(UDEVRULESDIR)/60-vmdev.rules
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man3/,$(notdir $(MAN3))) \
		$(addprefix $(DESTDIR)$(MANDIR)/man4/,$(notdir $(MAN4))) \
		$(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(TOOLS_MANS)))
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,$(notdir $(TOOLS_BINS)))

check-install: lib $(TOOLS_BINS)
	@mkdir -p $(O)/results; \
	$(TOP)/packaging/check-install.sh $(O)/install-test $(O)/results/install.res
