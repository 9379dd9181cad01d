// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The sections of a vm blob, checked before anything looks at them:
 * a context blob (the core's header and checksum) whose known sections
 * come in one order, (tag, id) strictly ascending, so none can appear
 * twice: DEVICE by creation number, LAYOUT, USERDEV by key, RESOURCES.
 * None of the library's sections is OPTIONAL: an older reader that
 * skipped one would restore a vm without its userspace devices, or
 * without the layout check, or without its allocations.
 */
#include "base/internal.h"
#include "snapshot.h"
#include "snapshot_internal.h"

static bool known(uint32_t tag)
{
	return tag >= VMDEV_SNAP_TAG_DEVICE && tag <= VMDEV_SNAP_TAG_RESOURCES;
}

static void note(struct vm_blob *b, const struct vmdev_snap_sec *sec)
{
	switch (sec->tag) {
	case VMDEV_SNAP_TAG_DEVICE:
		b->nr_devs++;
		break;
	case VMDEV_SNAP_TAG_USERDEV:
		b->nr_user++;
		break;
	case VMDEV_SNAP_TAG_LAYOUT:
		b->layout = sec->data;
		b->layout_len = sec->len;
		break;
	default:
		b->res = sec->data;
		b->res_len = sec->len;
		break;
	}
}

/* One known section after the one keyed last. */
static int check_sec(const struct vm_blob *b, const struct vmdev_snap_sec *sec,
		     uint64_t *last)
{
	uint64_t key = ((uint64_t)sec->tag << 32 | sec->id) + 1;

	if (sec->flags || key <= *last)
		return -EBADMSG;
	if ((sec->tag == VMDEV_SNAP_TAG_LAYOUT ||
	     sec->tag == VMDEV_SNAP_TAG_RESOURCES) && sec->id)
		return -EBADMSG;
	if (sec->tag == VMDEV_SNAP_TAG_USERDEV && !b->layout)
		return -EBADMSG;
	*last = key;
	return 0;
}

int vm_blob_parse(const void *blob, size_t len, struct vm_blob *b)
{
	size_t pos = VMDEV_SNAP_HDR_SIZE;
	struct vmdev_snap_sec sec;
	uint32_t nr_sec, seen = 0;
	uint64_t last = 0;
	int ret;

	*b = (struct vm_blob){ 0 };
	ret = vmdev_snap_ctx_hdr(blob, len, &nr_sec);
	if (ret)
		return ret;
	while ((ret = vmdev_snap_sec_next(blob, len, &pos, &sec)) > 0) {
		seen++;
		if (!known(sec.tag)) {
			if (!(sec.flags & VMDEV_SNAP_SEC_F_OPTIONAL))
				return -EPROTONOSUPPORT;
			continue;
		}
		ret = check_sec(b, &sec, &last);
		if (ret)
			return ret;
		note(b, &sec);
	}
	if (ret)
		return ret;
	return seen == nr_sec ? 0 : -EBADMSG;
}
