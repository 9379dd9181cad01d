/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * What the interrupt sources share: the manager, group and vector
 * objects, and the backend operations the generic group logic calls.
 * Nothing here is exported.
 */
#ifndef VMDEV_IRQ_INTERNAL_H
#define VMDEV_IRQ_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <vmdev/interrupt.h>

/* Bits of vmdev_irq_vec.state, changed atomically (see irq_group.c). */
#define IRQ_VEC_MASKED		(1U << 0)
#define IRQ_VEC_PENDING		(1U << 1)	/* edge event held by a mask */
#define IRQ_VEC_ASSERTED	(1U << 2)	/* level line is high */

struct vmdev_irq_vec {
	_Atomic uint32_t state;		/* IRQ_VEC_* */
	int trigger_fd;
	int resample_fd;		/* level groups only, else -1 */
	bool configured;		/* cfg holds a configuration */
	struct vmdev_irq_config cfg;
	struct vmdev_irq_group *grp;	/* back pointer for the watcher */
};

struct vmdev_irq_group {
	struct vmdev_irq_manager *mgr;
	struct vmdev_irq_group *next;	/* in mgr->groups */
	enum vmdev_irq_type type;
	uint32_t flags;			/* VMDEV_IRQ_GROUP_* */
	uint32_t base;
	uint32_t count;
	/* Read locklessly by the data path, written under mgr->lock. */
	_Atomic bool enabled;
	/* KVM backend: this group's entries are in the routing table. */
	bool routed;
	struct vmdev_irq_vec vec[];
};

/*
 * What differs between backends. Every hook runs under mgr->lock; a NULL
 * hook means "nothing to do". Hooks return 0 or a negative errno and
 * leave nothing changed when they fail.
 */
struct vmdev_irq_backend {
	/* Extra checks of a configuration the generic code accepted. */
	int (*check_config)(struct vmdev_irq_manager *mgr,
			    const struct vmdev_irq_group *grp,
			    const struct vmdev_irq_config *cfg);
	/* Make the group deliverable; masked vectors stay quiet. */
	int (*enable)(struct vmdev_irq_group *grp);
	int (*disable)(struct vmdev_irq_group *grp);
	/* The vector stops / resumes reaching the guest (group enabled). */
	int (*mask)(struct vmdev_irq_group *grp, uint32_t vector);
	int (*unmask)(struct vmdev_irq_group *grp, uint32_t vector);
	/* Apply the stored configuration of an enabled group's vector. */
	int (*update)(struct vmdev_irq_group *grp, uint32_t vector);
	/* Events waiting in the backend for a masked vector (any thread). */
	bool (*pending)(const struct vmdev_irq_group *grp, uint32_t vector);
	void (*destroy)(struct vmdev_irq_manager *mgr);
};

struct vmdev_irq_resampler {
	int epoll_fd;			/* resample fds of enabled lines */
	int stop_fd;			/* eventfd that ends the thread */
	bool thread_running;
	pthread_t thread;
};

struct vmdev_irq_manager {
	const struct vmdev_irq_backend *ops;
	void *priv;			/* the backend's state */
	uint32_t flags;			/* VMDEV_IRQ_MGR_* */
	uint32_t nr_gsis;
	_Atomic unsigned int refs;	/* the caller's + one per group */
	/* Serializes every control operation and the resampling. */
	pthread_mutex_t lock;
	struct vmdev_irq_group *groups;
	struct vmdev_irq_resampler rs;
};

/* irq_manager.c: backends create the manager through this. */
int vmdev_irq_manager_create(const struct vmdev_irq_backend *ops,
			     const struct vmdev_irq_manager_opts *opts,
			     uint32_t max_gsis, struct vmdev_irq_manager **out);
void vmdev_irq_manager_get(struct vmdev_irq_manager *mgr);
void vmdev_irq_manager_put(struct vmdev_irq_manager *mgr);
/* The group that holds gsi, or NULL. */
struct vmdev_irq_group *vmdev_irq_manager_find(struct vmdev_irq_manager *mgr,
					       uint32_t gsi);

/* irq_resample.c */
int vmdev_irq_resampler_init(struct vmdev_irq_manager *mgr);
void vmdev_irq_resampler_fini(struct vmdev_irq_manager *mgr);
/* Start watching a level group's lines (and the thread if needed). */
int vmdev_irq_resampler_add(struct vmdev_irq_group *grp);
void vmdev_irq_resampler_del(struct vmdev_irq_group *grp);

/* irq_vec.c: raise a vector's eventfd once. */
int vmdev_irq_vec_signal(struct vmdev_irq_vec *vec);
/* Discard what an eventfd holds. */
void vmdev_irq_fd_drain(int fd);
/* A level line the guest acknowledged: fire again if still high. */
void vmdev_irq_vec_resample(struct vmdev_irq_vec *vec);

static inline uint32_t vmdev_irq_vec_index(const struct vmdev_irq_vec *vec)
{
	return (uint32_t)(vec - vec->grp->vec);
}

static inline bool vmdev_irq_group_is_level(const struct vmdev_irq_group *grp)
{
	return grp->flags & VMDEV_IRQ_GROUP_LEVEL;
}

/* Read locklessly by the data path (acquire: pairs with the enable). */
static inline bool vmdev_irq_group_enabled(const struct vmdev_irq_group *grp)
{
	return atomic_load_explicit(&grp->enabled, memory_order_acquire);
}

#endif /* VMDEV_IRQ_INTERNAL_H */
