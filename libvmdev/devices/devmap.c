// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The exported face of the device maps (<vmdev/devices.h>): a handle
 * holding a private copy of one map, so that a virtio-mmio block can
 * carry any device and vendor ID and the static maps never leave the
 * library as data symbols (whose size would be ABI).
 */
#include <stdlib.h>

#include "devmaps.h"
#include "base/internal.h"

struct vmdev_devmap {
	struct vmdev_rdev_desc desc;	/* points into virtio or a static map */
	struct vmdev_virtio_mmio_map virtio;
};

static int devmap_fill(struct vmdev_devmap *m, enum vmdev_devmap_kind kind,
		       uint32_t dev_id, uint32_t vendor)
{
	switch (kind) {
	case VMDEV_DEVMAP_UART16550:
		m->desc = vmdev_uart16550_map;
		break;
	case VMDEV_DEVMAP_PORT80:
		m->desc = vmdev_port80_map;
		break;
	case VMDEV_DEVMAP_VIRTIO_MMIO:
		vmdev_virtio_mmio_map_init(&m->virtio,
					   dev_id ? dev_id :
					   VMDEV_VIRTIO_ID_BLOCK,
					   vendor ? vendor :
					   VMDEV_VIRTIO_MMIO_VENDOR);
		m->desc = m->virtio.desc;
		return 0;
	default:
		return -EINVAL;
	}
	/* Only the virtio-mmio block takes IDs. */
	return dev_id || vendor ? -EINVAL : 0;
}

int vmdev_devmap_new(enum vmdev_devmap_kind kind,
		     const struct vmdev_devmap_opts *opts,
		     struct vmdev_devmap **out)
{
	struct vmdev_devmap *m;
	int ret;

	if (!out || VMDEV_OPTS_CHECK(opts, virtio_vendor_id))
		return vmdev_err(EINVAL);
	m = calloc(1, sizeof(*m));
	if (!m)
		return vmdev_err(ENOMEM);
	ret = devmap_fill(m, kind, VMDEV_OPT(opts, virtio_device_id, 0),
			  VMDEV_OPT(opts, virtio_vendor_id, 0));
	if (ret) {
		free(m);
		return vmdev_err(-ret);
	}
	*out = m;
	return 0;
}

void vmdev_devmap_free(struct vmdev_devmap *map)
{
	free(map);
}

int vmdev_devmap_apply(const struct vmdev_devmap *map,
		       struct vmdev_regdev_opts *ro)
{
	const struct vmdev_rdev_desc *d;

	if (!map || !ro || ro->sz < offsetof(struct vmdev_regdev_opts, irqs) +
				    sizeof(ro->irqs))
		return vmdev_err(EINVAL);
	d = &map->desc;
	ro->flags = d->flags;
	ro->dev_size = d->dev_size;
	ro->nr_regs = d->nr_regs;
	ro->nr_links = d->nr_links;
	ro->nr_irqs = d->nr_irqs;
	ro->regs = d->regs;
	ro->links = d->links;
	ro->irqs = d->irqs;
	return 0;
}
