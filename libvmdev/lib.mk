# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# libvmdev: shared library (SONAME + version map), static library,
# pkg-config file. The shared core (libvmdev/core) is compiled in too.
# A second, sanitized (ASan + UBSan) static build links the host tests.

LIB_MAJOR	:= 0
LIB_VERSION	:= 0.2.0
LIB_DIRS	:= base resource io irq vm core devices
LIB_SRCS	:= $(sort $(foreach d,$(LIB_DIRS),$(wildcard libvmdev/$(d)/*.c)))
LIB_OBJS	:= $(LIB_SRCS:%.c=$(O)/lib/%.o)
LIB_SAN_OBJS	:= $(LIB_SRCS:%.c=$(O)/san/%.o)
LIB_LDLIBS	:= -lurcu-memb -lpthread
LIB_CFLAGS	:= $(USER_CFLAGS) -I$(TOP)/libvmdev -fPIC -fvisibility=hidden -MMD -MP

LIB_SO		:= $(O)/libvmdev.so.$(LIB_VERSION)
LIB_A		:= $(O)/libvmdev.a
LIB_SAN_A	:= $(O)/san/libvmdev.a
LIB_PC		:= $(O)/libvmdev.pc

lib: $(LIB_SO) $(LIB_A) $(LIB_PC)

$(O)/lib/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) -c $< -o $@

$(O)/san/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(LIB_SO): $(LIB_OBJS) libvmdev/libvmdev.map
	$(CC) $(LDFLAGS) -shared -Wl,-soname,libvmdev.so.$(LIB_MAJOR) \
		-Wl,--version-script=libvmdev/libvmdev.map -Wl,--no-undefined \
		-o $@ $(LIB_OBJS) $(LIB_LDLIBS)
	ln -sf libvmdev.so.$(LIB_VERSION) $(O)/libvmdev.so.$(LIB_MAJOR)
	ln -sf libvmdev.so.$(LIB_MAJOR) $(O)/libvmdev.so

$(LIB_A): $(LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(LIB_SAN_A): $(LIB_SAN_OBJS)
	rm -f $@ && ar rcs $@ $^

# Rewritten when PREFIX, LIBDIR or INCLUDEDIR change (make install
# PREFIX=/usr after a plain make), left alone otherwise.
$(LIB_PC): libvmdev/libvmdev.pc.in FORCE
	@sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(LIB_VERSION)|' $< > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

install-lib: lib
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/vmdev \
		$(DESTDIR)$(INCLUDEDIR)/linux
	install -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf libvmdev.so.$(LIB_VERSION) $(DESTDIR)$(LIBDIR)/libvmdev.so.$(LIB_MAJOR)
	ln -sf libvmdev.so.$(LIB_MAJOR) $(DESTDIR)$(LIBDIR)/libvmdev.so
	install -m 644 libvmdev/include/vmdev/*.h $(DESTDIR)$(INCLUDEDIR)/vmdev/
	install -m 644 uapi/linux/vmdev.h $(DESTDIR)$(INCLUDEDIR)/linux/
	install -m 644 $(LIB_PC) $(DESTDIR)$(LIBDIR)/pkgconfig/

-include $(LIB_OBJS:.o=.d) $(LIB_SAN_OBJS:.o=.d)

# The exported symbols are exactly the VMDEV_API declarations and the
# version map's list (tests/check-abi.sh).
check-abi: $(LIB_SO)
	@mkdir -p $(O)/results; \
	if $(TOP)/tests/check-abi.sh $(TOP) $(LIB_SO); then \
		echo "pass lint/abi" > $(O)/results/abi.res; \
	else echo "fail lint/abi" > $(O)/results/abi.res; fi; cat $(O)/results/abi.res
