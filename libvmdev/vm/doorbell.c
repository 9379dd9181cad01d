// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Doorbells (the fast path's level 2): a guest write at an address, of a
 * given length and optionally of a given value, applied to a register of
 * a device as a guest write of a fixed value.
 *
 * The context keeps every doorbell in one table sorted by address, the
 * way KVM keeps ioeventfds, and refuses the collisions KVM refuses, so
 * both modes accept the same doorbells. In kernel mode each is a KVM
 * ioeventfd that vmdev.ko consumes (the guest write never leaves KVM). In
 * user mode the write exits like any other and the vCPU loop looks the
 * table up first (vmdev_doorbell_hit()), synchronously, so the guest sees
 * the effect at its next instruction in both modes.
 *
 * The table is immutable once published (RCU): writers copy it under
 * vm->lock, readers search it in O(log n) without a lock.
 */
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "vm_internal.h"

struct doorbell_table {
	struct rcu_head rcu;
	size_t n;
	struct doorbell *e[];		/* sorted by (space, addr) */
};

static int key_cmp(const struct doorbell *db, uint8_t space, uint64_t addr)
{
	if (db->space != space)
		return db->space < space ? -1 : 1;
	if (db->addr != addr)
		return db->addr < addr ? -1 : 1;
	return 0;
}

/* Index of the first entry at or after (space, addr). */
static size_t lower_bound(const struct doorbell_table *t, uint8_t space,
			  uint64_t addr)
{
	size_t lo = 0, hi = t ? t->n : 0, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (key_cmp(t->e[mid], space, addr) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ---- The vCPU side ------------------------------------------------------- */

bool vmdev_doorbell_hit(struct vmdev_vm *vm, enum vmdev_space space,
			uint64_t addr, uint32_t len, const void *data)
{
	const struct doorbell_table *t;
	const struct doorbell *db;
	uint64_t value = 0;
	bool hit = false;
	size_t i;

	if (vmdev_rcu_read_lock())
		return false;
	t = rcu_dereference(vm->doorbells);
	memcpy(&value, data, len);
	for (i = lower_bound(t, space, addr);
	     t && i < t->n && !key_cmp(t->e[i], space, addr); i++) {
		db = t->e[i];
		if (db->len != len || (db->match && db->datamatch != value))
			continue;
		vmdev_regdev_user_apply(db->rd, db->reg, db->value);
		hit = true;
		break;
	}
	vmdev_rcu_read_unlock();
	return hit;
}

/* ---- The table's writers (vm->lock) -------------------------------------- */

static void free_table(struct rcu_head *head)
{
	free(caa_container_of(head, struct doorbell_table, rcu));
}

/*
 * Publish t in place of the current table and return that one, for the
 * caller to retire once it holds no lock: a grace period waited for
 * under a lock that a reader (a device callback) may want would never
 * end.
 */
static struct doorbell_table *publish(struct vmdev_vm *vm,
				      struct doorbell_table *t)
{
	struct doorbell_table *old = vm->doorbells;

	rcu_assign_pointer(vm->doorbells, t);
	return old;
}

static void retire(struct doorbell_table *old)
{
	if (old)
		vmdev_rcu_defer(&old->rcu, free_table);
}

static struct doorbell_table *table_alloc(size_t n)
{
	struct doorbell_table *t = malloc(sizeof(*t) + n * sizeof(t->e[0]));

	if (t)
		t->n = 0;
	return t;
}

/* KVM_IOEVENTFD's rule: same address and length, and either matches all. */
static bool collides(const struct doorbell *a, const struct doorbell *b)
{
	return a->len == b->len &&
	       (!a->match || !b->match || a->datamatch == b->datamatch);
}

/* A new table with db inserted, or NULL (*err: -EEXIST, -ENOMEM). */
static struct doorbell_table *with(const struct doorbell_table *cur,
				   struct doorbell *db, int *err)
{
	size_t n = cur ? cur->n : 0, at = lower_bound(cur, db->space, db->addr);
	struct doorbell_table *t;
	size_t i;

	for (i = at; i < n && !key_cmp(cur->e[i], db->space, db->addr); i++) {
		if (collides(cur->e[i], db)) {
			*err = vmdev_err(EEXIST);
			return NULL;
		}
	}
	t = table_alloc(n + 1);
	if (!t) {
		*err = vmdev_err(ENOMEM);
		return NULL;
	}
	for (i = 0; i < at; i++)
		t->e[t->n++] = cur->e[i];
	t->e[t->n++] = db;
	for (i = at; i < n; i++)
		t->e[t->n++] = cur->e[i];
	return t;
}

/*
 * A new table without the entries of rd (db NULL) or without db, or NULL
 * (-ENOMEM). An empty result is a table of no entry.
 */
static struct doorbell_table *without(const struct doorbell_table *cur,
				      const struct vmdev_regdev *rd,
				      const struct doorbell *db)
{
	size_t n = cur ? cur->n : 0, i;
	struct doorbell_table *t = table_alloc(n);

	for (i = 0; t && i < n; i++) {
		if (db ? cur->e[i] != db : cur->e[i]->rd != rd)
			t->e[t->n++] = cur->e[i];
	}
	return t;
}

/* ---- Adding and removing ------------------------------------------------- */

static int check_addr(const struct vmdev_doorbell_opts *o)
{
	uint64_t limit = o->space == VMDEV_PIO ? 0x10000 : 0;

	if (o->space != VMDEV_PIO && o->space != VMDEV_MMIO)
		return vmdev_err(EINVAL);
	if (o->len != 1 && o->len != 2 && o->len != 4 && o->len != 8)
		return vmdev_err(EINVAL);
	if (o->space == VMDEV_PIO &&
	    (o->len > 4 || o->addr > limit - o->len))
		return vmdev_err(EINVAL);
	/* KVM's rule (and the UAPI's for ranges): no end at or past 2^64. */
	if (o->addr + o->len < o->addr)
		return vmdev_err(EINVAL);
	return 0;
}

/* What a guest write there does: the value applied must fit its register. */
static int check_value(const struct vmdev_doorbell_opts *o,
		       const struct vmdev_reg *r)
{
	bool match = o->flags & VMDEV_DOORBELL_F_DATAMATCH;
	uint64_t applied = match ? o->datamatch : o->value;

	if (match && (o->value || o->datamatch & ~vmdev_len_mask(o->len)))
		return vmdev_err(EINVAL);
	if (!match && o->datamatch)
		return vmdev_err(EINVAL);
	if (applied & ~vmdev_len_mask(r->width))
		return vmdev_err(EINVAL);
	return 0;
}

static int check_opts(const struct vmdev_regdev *rd,
		      const struct vmdev_doorbell_opts *o, struct doorbell *db)
{
	const struct vmdev_reg *r;
	int ret;

	if (!rd || !o || VMDEV_OPTS_CHECK(o, value) ||
	    o->sz < offsetof(struct vmdev_doorbell_opts, value) +
		    sizeof(o->value))
		return vmdev_err(EINVAL);
	ret = check_addr(o);
	if (ret)
		return ret;
	if (o->flags & ~VMDEV_DOORBELL_F_DATAMATCH)
		return vmdev_err(EINVAL);
	if (o->reg >= rd->nr_regs)
		return vmdev_err(ENOENT);
	r = &rd->regs[o->reg];
	/* A register the guest cannot write, or the module cannot apply. */
	if (r->flags & (VMDEV_REG_F_HIDDEN | VMDEV_REG_F_NOWRITE) ||
	    r->type == VMDEV_REG_TRAP)
		return vmdev_err(EINVAL);
	ret = check_value(o, r);
	if (ret)
		return ret;
	*db = (struct doorbell){
		.reg = o->reg, .space = o->space, .len = o->len,
		.match = o->flags & VMDEV_DOORBELL_F_DATAMATCH,
		.addr = o->addr, .datamatch = o->datamatch,
		.value = o->flags & VMDEV_DOORBELL_F_DATAMATCH ?
			 o->datamatch : o->value,
		.fd = -1,
	};
	return 0;
}

/* Add db to the table and to rd's list; *old: the table it replaced. */
static int add_locked(struct vmdev_regdev *rd, struct doorbell *db,
		      struct doorbell_table **old)
{
	struct vmdev_vm *vm = rd->vm;
	struct doorbell_table *t;
	int ret = 0;

	pthread_mutex_lock(&vm->lock);
	t = with(vm->doorbells, db, &ret);
	if (t) {
		ret = vm->ops->doorbell_add(rd, db);
		if (ret)
			free(t);
		else
			*old = publish(vm, t);
	}
	pthread_mutex_unlock(&vm->lock);
	if (ret)
		return vmdev_err(-ret);
	db->next = rd->doorbells;
	rd->doorbells = db;
	return 0;
}

int vmdev_regdev_doorbell_add(struct vmdev_regdev *rd,
			      const struct vmdev_doorbell_opts *opts)
{
	struct doorbell_table *old = NULL;
	struct doorbell tmp, *db;
	int ret;

	ret = check_opts(rd, opts, &tmp);
	if (ret)
		return ret;
	db = malloc(sizeof(*db));
	if (!db)
		return vmdev_err(ENOMEM);
	*db = tmp;
	db->rd = rd;
	pthread_mutex_lock(&rd->lock);
	ret = add_locked(rd, db, &old);
	pthread_mutex_unlock(&rd->lock);
	if (ret) {
		free(db);
		return vmdev_err(-ret);
	}
	retire(old);
	return 0;
}

static bool same(const struct doorbell *a, const struct doorbell *b)
{
	return a->space == b->space && a->addr == b->addr &&
	       a->len == b->len && a->match == b->match &&
	       a->datamatch == b->datamatch && a->value == b->value &&
	       a->reg == b->reg;
}

/*
 * Unlink the doorbell like key from rd's list and the table (*old: the
 * table it replaced), or NULL (*err: -ENOENT, -ENOMEM).
 */
static struct doorbell *remove_locked(struct vmdev_regdev *rd,
				      const struct doorbell *key,
				      struct doorbell_table **old, int *err)
{
	struct vmdev_vm *vm = rd->vm;
	struct doorbell **p, *db;
	struct doorbell_table *t;

	for (p = &rd->doorbells; *p && !same(*p, key); p = &(*p)->next)
		;
	db = *p;
	if (!db) {
		*err = vmdev_err(ENOENT);
		return NULL;
	}
	pthread_mutex_lock(&vm->lock);
	t = without(vm->doorbells, rd, db);
	if (t) {
		*old = publish(vm, t);
		vm->ops->doorbell_remove(rd, db);
	}
	pthread_mutex_unlock(&vm->lock);
	if (!t) {
		*err = vmdev_err(ENOMEM);
		return NULL;
	}
	*p = db->next;
	return db;
}

int vmdev_regdev_doorbell_remove(struct vmdev_regdev *rd,
				 const struct vmdev_doorbell_opts *opts)
{
	struct doorbell_table *old = NULL;
	struct doorbell key, *db;
	int ret;

	ret = check_opts(rd, opts, &key);
	if (ret)
		return ret;
	if (vmdev_in_rcu_reader())
		return vmdev_err(EDEADLK);
	pthread_mutex_lock(&rd->lock);
	db = remove_locked(rd, &key, &old, &ret);
	pthread_mutex_unlock(&rd->lock);
	if (!db)
		return ret;
	/* Not in a reader: this waits for the readers that could see db. */
	retire(old);
	free(db);
	return 0;
}

/*
 * Teardown: one table without any of rd's doorbells; KVM and the module
 * stop seeing them at once. If even that copy cannot be allocated, the
 * entries must stay where the vCPU loop can find them, so rd stays too:
 * the device pins itself (a leak under memory pressure, never a use
 * after free) and its doorbells keep applying to the unplugged device.
 */
void vmdev_doorbell_unbind_all(struct vmdev_regdev *rd)
{
	struct vmdev_vm *vm = rd->vm;
	struct doorbell_table *t;
	struct doorbell *db;

	if (!rd->doorbells)
		return;
	pthread_mutex_lock(&vm->lock);
	t = without(vm->doorbells, rd, NULL);
	if (t)
		rd->retired_table = publish(vm, t);
	for (db = rd->doorbells; db; db = db->next)
		vm->ops->doorbell_remove(rd, db);
	pthread_mutex_unlock(&vm->lock);
	if (!t) {
		vmdev_device_get(rd->iodev);
		return;
	}
	rd->retired = rd->doorbells;
	rd->doorbells = NULL;
}

/* The grace period that ends the teardown covers the old table too. */
void vmdev_doorbell_release_all(struct vmdev_regdev *rd)
{
	struct doorbell *db;

	free(rd->retired_table);
	rd->retired_table = NULL;
	while ((db = rd->retired)) {
		rd->retired = db->next;
		free(db);
	}
}
