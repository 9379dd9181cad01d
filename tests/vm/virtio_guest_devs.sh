#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In the test VM: virtio_guest_devs.ko (tools/vmdev-vmm), the module
# that gives kernels without CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES their
# virtio-mmio devices from device=<size>@<base>:<irq> parameters. It
# registers one "virtio-mmio" platform device per parameter with that
# window and interrupt, removes them on unload, and a bad parameter
# fails the load with no device left. Run from /tests with the module
# next to it; TAP on stdout.
ko=$(dirname "$0")/virtio_guest_devs.ko
n=0 failed=0

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=1
	fi
}

devs() {
	ls -d /sys/bus/platform/devices/virtio-mmio.* 2>/dev/null
}

echo "TAP version 13"
echo "1..7"
insmod "$ko" device=0x200@0xd0000000:5 device=512@0xd0001000:6
ok $? "load with two devices"
[ "$(devs | wc -l)" = 2 ]
ok $? "two virtio-mmio platform devices"
# The windows, as the resource tree shows them.
grep -q "d0000000-d00001ff : virtio-mmio" /proc/iomem &&
	grep -q "d0001000-d00011ff : virtio-mmio" /proc/iomem
ok $? "their windows in /proc/iomem"
rmmod virtio_guest_devs
ok $? "unload"
[ -z "$(devs)" ]
ok $? "no device left after unload"
for bad in 0x200@0xd0000000 0x200@0xd0000000:5x 0@0xd0000000:5 \
	   0x200@-16:5 junk; do
	if insmod "$ko" device=0x200@0xd0002000:7 device=$bad 2>/dev/null; then
		echo "# accepted device=$bad"
		rmmod virtio_guest_devs
		false
	fi
done
ok $? "bad parameters fail the load"
[ -z "$(devs)" ]
ok $? "no device left by a failed load"
exit $failed
