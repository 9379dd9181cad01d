// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Lazy urcu-memb reader registration: a thread registers at its first
 * read-side critical section in the library and unregisters when it
 * exits, through the destructor of a pthread key it holds a value in.
 * And deferred frees that are safe from inside a reader.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include "rcu.h"

static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool key_ready;
static pthread_key_t key;

static void unregister_thread(void *unused)
{
	(void)unused;
	urcu_memb_unregister_thread();
}

int vmdev_rcu_init(void)
{
	int err = 0;

	if (atomic_load_explicit(&key_ready, memory_order_acquire))
		return 0;
	/* Not pthread_once: a failure (no key left) must not be final. */
	pthread_mutex_lock(&key_lock);
	if (!atomic_load_explicit(&key_ready, memory_order_relaxed)) {
		err = pthread_key_create(&key, unregister_thread);
		if (!err)
			atomic_store_explicit(&key_ready, true,
					      memory_order_release);
	}
	pthread_mutex_unlock(&key_lock);
	return -err;
}

int vmdev_rcu_register(void)
{
	/*
	 * Never register without the hook: the registry would keep the
	 * thread's dead TLS and every grace period after would read it.
	 * The key exists: the object being read was constructed.
	 */
	if (pthread_setspecific(key, &key))
		return -ENOMEM;
	urcu_memb_register_thread();
	return 0;
}

void vmdev_rcu_defer(struct rcu_head *head, void (*fn)(struct rcu_head *))
{
	if (vmdev_in_rcu_reader()) {
		urcu_memb_call_rcu(head, fn);
		return;
	}
	urcu_memb_synchronize_rcu();
	fn(head);
}
