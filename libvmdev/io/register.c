// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Registration as a one-operation transaction, so that there is one code
 * path for every change of the buses (transaction.c). Above the
 * transactions, which sit above the manager (io_manager.c).
 */
#include <vmdev/io.h>

#include "base/internal.h"

/* Register (dev set) or unregister (dev NULL) in a transaction of one. */
static ssize_t change(struct vmdev_io_manager *mgr, struct vmdev_device *dev,
		      const struct vmdev_resources *res)
{
	struct vmdev_io_txn *txn;
	ssize_t n;
	int err;

	err = vmdev_io_txn_begin(mgr, &txn);
	if (err)
		return err;
	n = dev ? vmdev_io_txn_register(txn, dev, res) :
		  vmdev_io_txn_unregister(txn, res);
	if (n < 0) {
		vmdev_io_txn_cancel(txn);
		return vmdev_err(-n);
	}
	err = vmdev_io_txn_commit(txn);
	return err ? err : n;
}

ssize_t vmdev_io_register(struct vmdev_io_manager *mgr,
			  struct vmdev_device *dev,
			  const struct vmdev_resources *res)
{
	if (!dev)
		return vmdev_err(EINVAL);
	return change(mgr, dev, res);
}

ssize_t vmdev_io_unregister(struct vmdev_io_manager *mgr,
			    const struct vmdev_resources *res)
{
	return change(mgr, NULL, res);
}
