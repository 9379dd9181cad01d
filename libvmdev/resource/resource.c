// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Device resource sets: a growable array of validated resource values,
 * with typed getters. Sets are small (a device has a handful of
 * resources), so the getters scan.
 */
#include <stdlib.h>
#include <vmdev/resource.h>
#include "base/internal.h"
#include "resource_internal.h"

struct vmdev_resources {
	size_t nr;
	size_t cap;
	struct vmdev_resource *v;
};

int vmdev_resources_new(struct vmdev_resources **out)
{
	struct vmdev_resources *res;

	if (!out)
		return vmdev_err(EINVAL);
	res = calloc(1, sizeof(*res));
	if (!res)
		return vmdev_err(ENOMEM);
	*out = res;
	return 0;
}

void vmdev_resources_free(struct vmdev_resources *res)
{
	if (!res)
		return;
	free(res->v);
	free(res);
}

static int resource_check(const struct vmdev_resource *r)
{
	uint64_t last = 0;
	bool range_ok = vmdev_range_last(r->range.base, r->range.size, &last);

	if (r->pad)
		return -EINVAL;
	switch (r->type) {
	case VMDEV_RES_PIO:
		return range_ok && last <= VMDEV_PIO_LAST ? 0 : -EINVAL;
	case VMDEV_RES_MMIO:
	case VMDEV_RES_MEM:
		return range_ok ? 0 : -EINVAL;
	case VMDEV_RES_GENERIC_MSI:
	case VMDEV_RES_PCI_MSI:
	case VMDEV_RES_PCI_MSIX:
		if (r->msi.count && r->msi.count - 1 <= UINT32_MAX - r->msi.base)
			return 0;
		return -EINVAL;
	case VMDEV_RES_MAC:
		return vmdev_mac_valid(r->mac) ? 0 : -EINVAL;
	case VMDEV_RES_LEGACY_IRQ:
	case VMDEV_RES_KVM_SLOT:
		return 0;
	default:
		return -EINVAL;
	}
}

static const struct vmdev_resource *find_type(const struct vmdev_resources *res,
					      uint32_t type)
{
	size_t i;

	for (i = 0; i < res->nr; i++)
		if (res->v[i].type == type)
			return &res->v[i];
	return NULL;
}

static int grow(struct vmdev_resources *res)
{
	size_t cap = res->cap ? res->cap * 2 : 4;
	struct vmdev_resource *v;

	if (cap > SIZE_MAX / sizeof(*v))
		return -ENOMEM;
	v = realloc(res->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	res->v = v;
	res->cap = cap;
	return 0;
}

int vmdev_resources_append(struct vmdev_resources *res,
			   const struct vmdev_resource *r)
{
	int err;

	if (!res || !r)
		return vmdev_err(EINVAL);
	err = resource_check(r);
	if (err)
		return vmdev_err(-err);
	if (vmdev_res_single_kind(r->type) && find_type(res, r->type))
		return vmdev_err(EEXIST);
	if (res->nr == res->cap) {
		err = grow(res);
		if (err)
			return vmdev_err(-err);
	}
	res->v[res->nr++] = *r;
	return 0;
}

size_t vmdev_resources_count(const struct vmdev_resources *res)
{
	return res ? res->nr : 0;
}

const struct vmdev_resource *
vmdev_resources_get(const struct vmdev_resources *res, size_t i)
{
	if (!res || i >= res->nr)
		return NULL;
	return &res->v[i];
}

const struct vmdev_resource *
vmdev_resources_array(const struct vmdev_resources *res)
{
	return res->v;
}

ssize_t vmdev_resources_get_ranges(const struct vmdev_resources *res,
				   enum vmdev_resource_type type,
				   struct vmdev_range_res *out, size_t max)
{
	size_t i, n = 0;

	if (!res || (!out && max))
		return vmdev_err(EINVAL);
	if (type != VMDEV_RES_PIO && type != VMDEV_RES_MMIO &&
	    type != VMDEV_RES_MEM)
		return vmdev_err(EINVAL);
	for (i = 0; i < res->nr; i++) {
		if (res->v[i].type != (uint32_t)type)
			continue;
		if (n < max) {
			out[n].base = res->v[i].range.base;
			out[n].size = res->v[i].range.size;
		}
		n++;
	}
	return n;
}

ssize_t vmdev_resources_get_slots(const struct vmdev_resources *res,
				  uint32_t *out, size_t max)
{
	size_t i, n = 0;

	if (!res || (!out && max))
		return vmdev_err(EINVAL);
	for (i = 0; i < res->nr; i++) {
		if (res->v[i].type != VMDEV_RES_KVM_SLOT)
			continue;
		if (n < max)
			out[n] = res->v[i].slot;
		n++;
	}
	return n;
}

/* The one resource of a single kind, or an error to return. */
static int get_single(const struct vmdev_resources *res, uint32_t type,
		      const struct vmdev_resource **r)
{
	if (!res)
		return vmdev_err(EINVAL);
	*r = find_type(res, type);
	return *r ? 0 : vmdev_err(ENOENT);
}

int vmdev_resources_get_legacy_irq(const struct vmdev_resources *res,
				   uint32_t *irq)
{
	const struct vmdev_resource *r;
	int err;

	if (!irq)
		return vmdev_err(EINVAL);
	err = get_single(res, VMDEV_RES_LEGACY_IRQ, &r);
	if (err)
		return err;
	*irq = r->irq;
	return 0;
}

int vmdev_resources_get_msi(const struct vmdev_resources *res,
			    enum vmdev_resource_type type,
			    uint32_t *base, uint32_t *count)
{
	const struct vmdev_resource *r;
	int err;

	if (!base || !count)
		return vmdev_err(EINVAL);
	if (type != VMDEV_RES_GENERIC_MSI && type != VMDEV_RES_PCI_MSI &&
	    type != VMDEV_RES_PCI_MSIX)
		return vmdev_err(EINVAL);
	err = get_single(res, type, &r);
	if (err)
		return err;
	*base = r->msi.base;
	*count = r->msi.count;
	return 0;
}

int vmdev_resources_get_mac(const struct vmdev_resources *res, uint8_t mac[6])
{
	const struct vmdev_resource *r;
	int err;

	if (!mac)
		return vmdev_err(EINVAL);
	err = get_single(res, VMDEV_RES_MAC, &r);
	if (err)
		return err;
	memcpy(mac, r->mac, sizeof(r->mac));
	return 0;
}
