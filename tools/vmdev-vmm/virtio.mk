# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# The reference VMM's virtio side: split virtqueues (virtq), the
# virtio-mmio v2 transport on a vmdev register device (virtio_mmio*),
# virtio-blk (blk), virtio-rng (rng) and the MMIO device manager
# (devmgr). Include this before vmm.mk: it adds its sources to
# VMM_EXTRA_SRCS, which vmm.mk compiles and links into vmdev-vmm.
# The host tests (tests/host/tools/virtio_*.c) compile the same sources in.

VIRTIO_SRCS	:= $(addprefix tools/vmdev-vmm/,virtq.c virtio_mmio.c \
		   virtio_mmio_io.c virtio_mmio_snapshot.c blk.c rng.c devmgr.c devmgr_acpi.c)
VIRTIO_OBJS	:= $(VIRTIO_SRCS:%.c=$(O)/%.o)
VMM_EXTRA_SRCS	+= $(VIRTIO_SRCS)

# The guest-side module virtio_guest_devs.ko (a kernel module for the
# L2 guest's initramfs: see its source), built like vmdev.ko for one
# kernel release: make $(O)/vmm/guest-devs/<kver>/virtio_guest_devs.ko
# (kdir_for comes from kmod/kmod.mk).
$(O)/vmm/guest-devs/%/virtio_guest_devs.ko: tools/vmdev-vmm/virtio_guest_devs.c
	@mkdir -p $(@D)
	cp -p $< $(@D)/
	echo 'obj-m := virtio_guest_devs.o' > $(@D)/Kbuild
	$(MAKE) -C $(call kdir_for,$*) M=$(@D) W=1 O= modules
