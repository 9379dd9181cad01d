# SPDX-License-Identifier: GPL-2.0
#
# Test guests and the mini VMM that runs them on /dev/kvm
# (Documentation/guests.rst).
#
# Every GUEST_NAMES entry is tests/guest/<name>.S: assembled, linked at
# GUEST_LOAD_ADDR by guest.lds.S and stripped to a flat image; blobs.S
# embeds all images into one object (guest_<name>, guest_<name>_size).
# A program that runs guests links GUEST_VMM_OBJS (the mini VMM, the
# register-device bus over the shared core, the images), or
# GUEST_VMM_SAN_OBJS when built with the sanitizers, and the library.
# The host tests tests/host/guest/guest_*.c and vm/vcpu_*.c get them through the
# rules below, which take precedence over host.mk's generic one (shorter
# stem).

GUEST_SRC	:= tests/guest
GUEST_OUT	:= $(O)/tests/guest
GUEST_NAMES	:= probe access strio uart uart_irq irq bench race
# The shared pieces each guest links besides its own object.
GUEST_RT32	:= probe strio uart uart_irq irq
GUEST_IRQCHIP32	:= uart_irq irq
GUEST_UART16550	:= uart uart_irq
GUEST_LIBS	:= rt32 irqchip32 uart16550
GUEST_BINS	:= $(GUEST_NAMES:%=$(GUEST_OUT)/%.bin)
GUEST_BLOBS	:= $(GUEST_OUT)/blobs.o
OBJCOPY		?= objcopy

# The images are freestanding: no libc, no PIE, one RWX load segment.
GUEST_ASFLAGS	:= -I$(TOP)/$(GUEST_SRC) -nostdinc -Wa,--fatal-warnings \
		   -MMD -MP
GUEST_LDFLAGS	:= -nostdlib -static -z noexecstack --no-warn-rwx-segments \
		   --build-id=none
GUEST_COMMA	:= ,
GUEST_EMPTY	:=
GUEST_SPACE	:= $(GUEST_EMPTY) $(GUEST_EMPTY)
GUEST_LIST	:= $(subst $(GUEST_SPACE),$(GUEST_COMMA),$(strip $(GUEST_NAMES)))

GUEST_VMM_SRCS	:= $(GUEST_SRC)/minivm.c $(GUEST_SRC)/minivm_cpu.c \
		   $(GUEST_SRC)/rdevbus.c
GUEST_VMM_CFLAGS := $(USER_CFLAGS) -I$(TOP)/$(GUEST_SRC) -MMD -MP
GUEST_VMM_OBJS	:= $(GUEST_VMM_SRCS:$(GUEST_SRC)/%.c=$(GUEST_OUT)/%.o) \
		   $(GUEST_BLOBS)
GUEST_VMM_SAN_OBJS := $(GUEST_VMM_SRCS:$(GUEST_SRC)/%.c=$(GUEST_OUT)/san/%.o) \
		   $(GUEST_BLOBS)

$(GUEST_OUT)/guest.lds: $(GUEST_SRC)/guest.lds.S
	@mkdir -p $(@D)
	$(CC) -E -P -x assembler-with-cpp $(GUEST_ASFLAGS) -MT $@ -o $@ $<

$(GUEST_OUT)/img/%.o: $(GUEST_SRC)/%.S
	@mkdir -p $(@D)
	$(CC) $(GUEST_ASFLAGS) -c -o $@ $<

$(GUEST_OUT)/%.elf: $(GUEST_OUT)/img/%.o $(GUEST_OUT)/guest.lds
	$(LD) $(GUEST_LDFLAGS) -T $(GUEST_OUT)/guest.lds -o $@ \
		$(filter %.o,$^)

$(GUEST_RT32:%=$(GUEST_OUT)/%.elf): $(GUEST_OUT)/img/rt32.o
$(GUEST_IRQCHIP32:%=$(GUEST_OUT)/%.elf): $(GUEST_OUT)/img/irqchip32.o
$(GUEST_UART16550:%=$(GUEST_OUT)/%.elf): $(GUEST_OUT)/img/uart16550.o

$(GUEST_OUT)/%.bin: $(GUEST_OUT)/%.elf
	$(OBJCOPY) -O binary $< $@

$(GUEST_BLOBS): $(GUEST_SRC)/blobs.S $(GUEST_BINS)
	$(CC) -c -DGUEST_LIST=$(GUEST_LIST) -Wa,-I$(GUEST_OUT) \
		-Wa,--fatal-warnings -o $@ $<

$(GUEST_OUT)/%.o: $(GUEST_SRC)/%.c
	@mkdir -p $(@D)
	$(CC) $(GUEST_VMM_CFLAGS) -c -o $@ $<

$(GUEST_OUT)/san/%.o: $(GUEST_SRC)/%.c
	@mkdir -p $(@D)
	$(CC) $(GUEST_VMM_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

# The library's end-to-end tests (tests/host/vm/vcpu_*.c) run guests too.
GUEST_HOST_LINK	= @mkdir -p $(@D) && \
		  $(CC) $(TEST_CFLAGS) $(SAN_FLAGS) -I$(TOP)/$(GUEST_SRC) \
		  -I$(TOP)/libvmdev/devices -MMD -MP \
		  -o $@ $< $(GUEST_VMM_SAN_OBJS) $(LIB_SAN_A) $(LIB_LDLIBS)

$(O)/tests/host/guest_%: tests/host/guest/guest_%.c $(GUEST_VMM_SAN_OBJS) $(LIB_SAN_A)
	$(GUEST_HOST_LINK)

$(O)/tests/host/vcpu_%: tests/host/vm/vcpu_%.c $(GUEST_VMM_SAN_OBJS) $(LIB_SAN_A)
	$(GUEST_HOST_LINK)

.PHONY: guests
guests: $(GUEST_BINS) $(GUEST_VMM_OBJS) $(GUEST_VMM_SAN_OBJS)

.SECONDARY: $(GUEST_NAMES:%=$(GUEST_OUT)/%.elf) \
	    $(GUEST_NAMES:%=$(GUEST_OUT)/img/%.o) \
	    $(GUEST_LIBS:%=$(GUEST_OUT)/img/%.o)

-include $(GUEST_VMM_OBJS:.o=.d) $(GUEST_VMM_SAN_OBJS:.o=.d) \
	 $(GUEST_NAMES:%=$(GUEST_OUT)/img/%.d) \
	 $(GUEST_LIBS:%=$(GUEST_OUT)/img/%.d) $(GUEST_OUT)/guest.d
