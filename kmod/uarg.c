// SPDX-License-Identifier: GPL-2.0
/*
 * Extensible ioctl structs follow the openat2()/clone3() convention: the
 * struct's own leading size field, not the ioctl number, says how much
 * userspace passed. Older binaries pass less (the rest reads as zero),
 * newer ones more (accepted while the part this module does not know is
 * zero), and nothing past the caller's size is ever written.
 */
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/kernel.h>

#include "uarg.h"

/*
 * A struct larger than a page is no struct this API will ever define;
 * refusing it bounds the zero check of an unknown tail.
 */
#define VMDEV_UARG_MAX_SIZE	PAGE_SIZE

int vmdev_uarg_copy_in(void *karg, size_t ksize, size_t min_size,
		       const void __user *uarg)
{
	u32 usize;
	int ret;

	if (get_user(usize, (const u32 __user *)uarg))
		return -EFAULT;
	if (usize < min_size)
		return -EINVAL;
	if (usize > VMDEV_UARG_MAX_SIZE)
		return -E2BIG;
	ret = copy_struct_from_user(karg, ksize, uarg, usize);
	if (ret)
		return ret;
	/*
	 * Userspace may have changed the field between the two reads: keep
	 * the size the copy was made with, the one copy_out will honour.
	 */
	*(u32 *)karg = usize;
	return 0;
}

int vmdev_uarg_copy_out(void __user *uarg, const void *karg, size_t ksize)
{
	size_t len = min_t(size_t, *(const u32 *)karg, ksize);

	return copy_to_user(uarg, karg, len) ? -EFAULT : 0;
}

/*
 * One copy of a whole array, charged to the caller's memory cgroup like
 * every allocation a context makes. NULL for an empty array; callers
 * bound n against the UAPI limits first, so the size stays small.
 */
void *vmdev_uarg_dup_array(u64 uptr, u32 n, size_t size)
{
	void *buf;

	if (!n)
		return NULL;
	buf = kvmalloc_array(n, size, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(buf, u64_to_user_ptr(uptr), n * size)) {
		kvfree(buf);
		return ERR_PTR(-EFAULT);
	}
	return buf;
}
